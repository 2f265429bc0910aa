"""`comelin-tui relay` as a process: saved settings, local password, a POS, SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import smtplib
import socket
import subprocess
import sys
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest

from comelin_tui import paths
from comelin_tui.sandbox import Sandbox

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def upstream() -> Iterator[Sandbox]:
    with Sandbox() as server:
        yield server


def comelin(*args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "comelin_tui", "--lang", "en", *args],
                          input=input, capture_output=True, text=True, timeout=60,
                          check=False)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def message() -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = "caisse@demo.example"
    mail["To"] = "client@example.net"
    mail["Subject"] = "Facture 77"
    mail.set_content("Merci.")
    return mail


def test_the_relay_process_end_to_end(upstream: Sandbox, isolated_environment: Path) -> None:
    config_path = paths.config_path()
    upstream.demo_config(config_path)
    upstream.store_password(config_path, "file")
    local = "pos-local-password-1"
    done = comelin("relay", "password", "--stdin", input=local + "\n")
    assert done.returncode == 0, done.stderr
    assert local not in done.stdout  # given by the technician: not shown back
    generated = comelin("relay", "password")
    password = generated.stdout.strip().rsplit(": ", 1)[-1].splitlines()[0]
    assert len(password) == 20 and "Comelin" in generated.stdout
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "comelin_tui", "--lang", "en", "relay", "--listen",
         f"127.0.0.1:{port}"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=os.environ.copy())
    try:
        assert process.stdout is not None
        ready = process.stdout.readline()  # the relay says it listens: no polling
        assert f"Relay ready on 127.0.0.1:{port}" in ready, ready + process.stderr.read()
        assert f"port {port}" in ready and "username caisse@demo.example" in ready
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
            client.login("caisse@demo.example", password)
            assert client.send_message(message()) == {}
        assert [m["Subject"] for m in upstream.mailbox] == ["Facture 77"]
        line = process.stdout.readline()
        assert "ACCEPTED from caisse@demo.example to 1 recipient(s): 250" in line
        status = comelin("relay", "status", "--json")
        data = json.loads(status.stdout)
        assert status.returncode == 0 and data["running"] is True
        assert data["listen"] == f"127.0.0.1:{port}" and data["pid"] == process.pid
        assert data["last"][-1]["status"] == "ok"
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=40)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, err
    assert "Relay stopped." in out
    after = comelin("relay", "status")
    assert after.returncode == 1 and "not running" in after.stdout
    for path in Path(isolated_environment).rglob("*"):
        if path.is_file():
            text = path.read_bytes()
            assert upstream.password.encode() not in text or path.name == "config.secrets"
            assert password.encode() not in text or path.name == "config.secrets"


def test_a_remote_listen_is_refused_without_allow_remote(upstream: Sandbox,
                                                        isolated_environment: Path) -> None:
    config_path = paths.config_path()
    upstream.demo_config(config_path)
    upstream.store_password(config_path, "file")
    comelin("relay", "password")
    done = comelin("relay", "--listen", "0.0.0.0:2525")
    assert done.returncode == 3
    assert "--allow-remote" in done.stderr and "Traceback" not in done.stderr


def test_the_systemd_unit_is_hardened_and_verified(upstream: Sandbox,
                                                   isolated_environment: Path,
                                                   tmp_path: Path) -> None:
    import shutil

    config_path = paths.config_path()
    upstream.demo_config(config_path)
    unit = tmp_path / "comelin-tui-relay.service"
    done = comelin("relay", "install", "--output", str(unit))
    assert done.returncode == 0, done.stderr
    text = unit.read_text()
    for option in ("NoNewPrivileges=yes", "ProtectSystem=strict", "PrivateTmp=yes",
                   "KillSignal=SIGTERM", "CapabilityBoundingSet="):
        assert option in text
    assert f"--config {config_path.resolve()}" in text
    assert "systemctl daemon-reload" in done.stdout
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed here: the unit was not verified")
    verified = subprocess.run([analyze, "verify", str(unit)], capture_output=True, text=True,
                              timeout=60, check=False)
    problems = [line for line in (verified.stdout + verified.stderr).splitlines()
                if unit.name in line]
    assert verified.returncode == 0 or not problems, verified.stdout + verified.stderr


def test_sigterm_lets_the_message_in_flight_finish(isolated_environment: Path) -> None:
    import threading

    with Sandbox(reply_delay=0.4) as slow:  # each provider reply takes 0.4 s
        config_path = paths.config_path()
        slow.demo_config(config_path)
        slow.store_password(config_path, "file")
        comelin("relay", "password", "--stdin", input="pos-local-password-2\n")
        port = free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "comelin_tui", "--lang", "en", "relay", "--listen",
             f"127.0.0.1:{port}"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        outcome: list[object] = []
        try:
            assert process.stdout is not None
            assert "Relay ready" in process.stdout.readline()

            def pos() -> None:
                try:
                    with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
                        client.login("caisse@demo.example", "pos-local-password-2")
                        outcome.append(client.send_message(message()))
                except Exception as error:  # noqa: BLE001 - the test reports it
                    outcome.append(error)

            thread = threading.Thread(target=pos)
            thread.start()
            slow.wait_for_logins(1, 20)  # the relay is talking to the provider
            process.send_signal(signal.SIGTERM)
            thread.join(40)
            out, _err = process.communicate(timeout=40)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        assert outcome == [{}], outcome
        assert [m["Subject"] for m in slow.mailbox] == ["Facture 77"]
        assert process.returncode == 0 and "Relay stopped." in out
