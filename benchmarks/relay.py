"""What the relay adds to each message, against sending straight to the provider.

One run, against a loopback provider (the sandbox: STARTTLS, AUTH) that takes
about 20 ms to answer each command, as a provider across the internet does:

1. per message (median of 200): a POS sending each message on its own connection
   (connect, EHLO, login, MAIL, RCPT, DATA, QUIT), straight to the provider
   (with STARTTLS) versus to the relay on 127.0.0.1 (which keeps its upstream
   connection open between messages). Target: the relay adds at most 20%.
2. throughput: 200 messages from 10 POS clients in parallel, both ways.
3. memory: the relay process's resident size before and after 1,000 messages.
   Target: it grows by less than 5 MiB.

Usage: python benchmarks/relay.py [--messages N] [--delay SECONDS]
"""

from __future__ import annotations

import argparse
import os
import shutil
import smtplib
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from email.message import EmailMessage
from pathlib import Path

from comelin_tui.sandbox import Sandbox

LOCAL_PASSWORD = "benchmark-local-password"
TARGET_OVERHEAD = 1.2
TARGET_RSS_GROWTH = 5 * 1024 * 1024


def message(number: int, sender: str) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = "client@example.net"
    mail["Subject"] = f"Facture {number}"
    mail.set_content("Merci de votre achat.\n" + "Article 42 ........ 9,99 $\n" * 30)
    return mail


def send_direct(server: Sandbox, context: ssl.SSLContext, number: int) -> float:
    started = time.perf_counter()
    with smtplib.SMTP(server.host, server.port, timeout=30) as client:
        client.starttls(context=context)
        client.login(server.username, server.password)
        client.send_message(message(number, server.username))
    return time.perf_counter() - started


def send_relay(port: int, sender: str, number: int) -> float:
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
        client.login(sender, LOCAL_PASSWORD)
        client.send_message(message(number, sender))
    return time.perf_counter() - started


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rss(pid: int) -> int:
    """Resident memory in bytes (Linux /proc; 0 where it cannot be read)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def start_relay(server: Sandbox, folder: Path) -> tuple[subprocess.Popen[str], int]:
    env = {**os.environ, "COMELIN_TUI_CONFIG": str(folder / "config.toml"),
           "XDG_STATE_HOME": str(folder / "state"), "XDG_DATA_HOME": str(folder / "data")}
    config_path = folder / "config.toml"
    server.demo_config(config_path)
    server.store_password(config_path, "file")
    from comelin_tui.commands.relay import RELAY_PASSWORD
    from comelin_tui.secrets import FileSecretStore, secret_file_path

    FileSecretStore(secret_file_path(config_path)).set(RELAY_PASSWORD, LOCAL_PASSWORD)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "comelin_tui", "--lang", "en", "relay", "--listen",
         f"127.0.0.1:{port}"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        env=env)
    assert process.stdout is not None
    line = process.stdout.readline()
    if "Relay ready" not in line:
        raise SystemExit(f"the relay did not start: {line!r}")
    # The relay prints a line per message: drain them so its pipe never fills.
    import threading

    threading.Thread(target=lambda: shutil.copyfileobj(process.stdout, open(os.devnull, "w")),
                     daemon=True).start()
    return process, port


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--delay", type=float, default=0.020)
    parser.add_argument("--memory-messages", type=int, default=1000)
    options = parser.parse_args()
    count = options.messages
    with Sandbox(reply_delay=options.delay, data_size_limit=50 * 1024 * 1024) as server, \
            tempfile.TemporaryDirectory() as temporary:
        context = ssl.create_default_context(cafile=str(server.ca_file))
        process, port = start_relay(server, Path(temporary))
        sender = server.username
        try:
            send_relay(port, sender, -1)  # warm: the relay opens its upstream connection
            direct = [send_direct(server, context, n) for n in range(count)]
            relayed = [send_relay(port, sender, n) for n in range(count)]
            with ThreadPoolExecutor(10) as pool:
                started = time.perf_counter()
                list(pool.map(lambda n: send_direct(server, context, n), range(count)))
                direct_rate = count / (time.perf_counter() - started)
                started = time.perf_counter()
                list(pool.map(lambda n: send_relay(port, sender, n), range(count)))
                relay_rate = count / (time.perf_counter() - started)
            before = rss(process.pid)
            for number in range(options.memory_messages):
                send_relay(port, sender, number)
            after = rss(process.pid)
            server.clear()
        finally:
            process.terminate()
            process.wait(30)
    median_direct, median_relay = statistics.median(direct), statistics.median(relayed)
    ratio = median_relay / median_direct
    print(f"provider reply delay: {options.delay * 1000:.0f} ms; {count} messages each way")
    print(f"per message, median: direct {median_direct * 1000:.1f} ms, "
          f"through the relay {median_relay * 1000:.1f} ms: ratio {ratio:.2f} "
          f"(target <= {TARGET_OVERHEAD}) {'OK' if ratio <= TARGET_OVERHEAD else 'OVER'}")
    print(f"throughput, 10 clients: direct {direct_rate:.1f}/s, relay {relay_rate:.1f}/s: "
          f"ratio {relay_rate / direct_rate:.2f}")
    if before and after:
        growth = after - before
        print(f"relay RSS over {options.memory_messages} messages: {before / 2**20:.1f} MiB -> "
              f"{after / 2**20:.1f} MiB (+{growth / 2**20:.2f} MiB, target < 5 MiB) "
              f"{'OK' if growth < TARGET_RSS_GROWTH else 'OVER'}")
    else:
        print("relay RSS: not readable on this system (/proc)")


if __name__ == "__main__":
    main()
