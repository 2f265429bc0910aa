"""Queue mode survives SIGKILL: every message the POS heard 250 for is delivered, at least once.

Hundreds of real relay processes are killed with SIGKILL at random moments:
while the POS is handing over a message (spooling) and while the queue is being
delivered. A warm parent forks them (tests/relay_zygote.py) so each start costs
milliseconds. Then one last relay drains the queue.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import smtplib
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest

from comelin_tui import paths
from comelin_tui.sandbox import Sandbox

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork (POSIX)")]

KILLS = 200
MESSAGES = 60
PASSWORD = "crash-test-local-pass"


@pytest.fixture(scope="module")
def upstream() -> Iterator[Sandbox]:
    with Sandbox() as server:
        yield server


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Zygote:
    """The warm parent, and the relays it forks (each told apart by its pid)."""

    def __init__(self, port: int) -> None:
        here = Path(__file__).parent
        self._answers, answers_w = os.pipe()
        self.process = subprocess.Popen(
            [sys.executable, str(here / "relay_zygote.py"), "--lang", "en", "relay", "--queue",
             "--listen", f"127.0.0.1:{port}"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            text=True, pass_fds=(answers_w,),
            env={**os.environ, "PYTHONPATH": str(here.parent),
                 "ZYGOTE_ANSWERS_FD": str(answers_w)})
        os.close(answers_w)
        self.ready = threading.Event()
        self.pids: list[int] = []
        self.lines: list[str] = []
        self._pid_seen = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._read_pids, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)
            # A killed relay may have left half a line just before this one.
            if "Relay ready" in line:
                self.ready.set()

    def _read_pids(self) -> None:
        with os.fdopen(self._answers, "r") as answers:
            for line in answers:
                if line.startswith("pid "):
                    with self._pid_seen:
                        self.pids.append(int(line.split()[1]))
                        self._pid_seen.notify_all()

    def start(self) -> int:
        """A new relay; returns once it listens."""
        self.ready.clear()
        count = len(self.pids)
        assert self.process.stdin is not None
        self.process.stdin.write("start\n")
        self.process.stdin.flush()
        with self._pid_seen:
            assert self._pid_seen.wait_for(lambda: len(self.pids) > count, 10)
        assert self.ready.wait(15), "".join(self.lines[-5:])
        return self.pids[-1]

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write("quit\n")
        self.process.stdin.close()
        self.process.wait(10)


def pid_gone_event(pid: int) -> Callable[[], None]:
    """A wait for *pid*'s end, opened before the kill: a pidfd becomes readable when
    the process has exited (Linux); elsewhere the process table is polled, bounded."""
    import select

    try:
        fd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        fd = None

    def wait() -> None:
        if fd is not None:
            try:
                select.select([fd], [], [], 10.0)
            finally:
                os.close(fd)
            return
        deadline = time.monotonic() + 10.0
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.005)

    return wait


def message(number: int) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = "caisse@demo.example"
    mail["To"] = "client@example.net"
    mail["Subject"] = f"Facture {number}"
    mail.set_content(f"Facture numero {number}\n" + "ligne\n" * 200)
    return mail


def pos(port: int, zygote: Zygote, acked: list[str], done: threading.Event) -> None:
    """Sends each message until the relay says 250 (a killed relay is tried again)."""
    for number in range(MESSAGES):
        while True:
            zygote.ready.wait(30)
            try:
                with smtplib.SMTP("127.0.0.1", port, timeout=5) as client:
                    client.login("caisse@demo.example", PASSWORD)
                    if client.send_message(message(number)) == {}:
                        acked.append(f"Facture {number}")
                        break
            except (OSError, smtplib.SMTPException):
                continue  # killed mid-way: the POS tries again, as Comelin would
    done.set()


def test_sigkill_during_spooling_and_delivery_loses_nothing(
        upstream: Sandbox, isolated_environment: Path) -> None:
    config_path = paths.config_path()
    upstream.demo_config(config_path)
    upstream.store_password(config_path, "file")
    from comelin_tui.commands.relay import RELAY_PASSWORD
    from comelin_tui.secrets import FileSecretStore, secret_file_path

    FileSecretStore(secret_file_path(config_path)).set(RELAY_PASSWORD, PASSWORD)
    port = free_port()
    zygote = Zygote(port)
    acked: list[str] = []
    done = threading.Event()
    rng = random.Random(1234)
    spool = paths.state_dir() / "queue"
    kills_while_queued = 0
    try:
        thread = threading.Thread(target=pos, args=(port, zygote, acked, done), daemon=True)
        pid = zygote.start()
        thread.start()
        for _ in range(KILLS):
            time.sleep(rng.uniform(0.0, 0.06))  # where the kill lands: fault injection
            if any(spool.glob("*.json")):
                kills_while_queued += 1  # the queue holds messages: delivery under way
            gone = pid_gone_event(pid)
            os.kill(pid, signal.SIGKILL)
            # The next relay starts once this one is really gone: until then its socket
            # still listens and its spool is still locked (a supervisor waits too).
            gone()
            zygote.ready.clear()
            pid = zygote.start()
            if done.is_set():
                break
        assert done.wait(120), f"the POS is stuck after {len(acked)} messages"
        # The last relay drains the queue.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            received = {str(m["Subject"]) for m in upstream.mailbox}
            if set(acked) <= received:
                break
            with contextlib.suppress(TimeoutError):  # wakes on each new message
                upstream.wait_for_messages(len(upstream.mailbox) + 1, 2.0)
        os.kill(pid, signal.SIGTERM)
    finally:
        zygote.close()
    received = [str(m["Subject"]) for m in upstream.mailbox]
    assert len(acked) == MESSAGES
    missing = set(acked) - set(received)
    assert not missing, f"lost after a 250: {sorted(missing)}"
    assert kills_while_queued > 0, "no kill landed while messages were queued"
    duplicates = len(received) - len(set(received))
    print(f"{len(acked)} messages, {duplicates} delivered twice, "
          f"{kills_while_queued} kills with a non-empty queue")
