"""`comelin-tui send`: sendmail-compatible, through the proven path, sysexits codes."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from comelin_tui import paths
from comelin_tui.attempt_log import read_records
from comelin_tui.config import load_config, save_config, with_changes
from comelin_tui.sandbox import Sandbox

MESSAGE = b"""Subject: Alerte: stock bas
To: gerant@example.net
Cc: compta@example.net
Bcc: secret-copy@example.net

Le stock de l'article 42 est bas.
.
Fin.
"""


@pytest.fixture(scope="module")
def upstream() -> Iterator[Sandbox]:
    with Sandbox() as server:
        yield server


@pytest.fixture
def saved(upstream: Sandbox, isolated_environment: Path) -> Path:
    upstream.clear()
    upstream.replies.clear()
    config_path = paths.config_path()
    upstream.demo_config(config_path)
    upstream.store_password(config_path, "file")
    return config_path


def send(*args: str, message: bytes = MESSAGE) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "comelin_tui", "--lang", "en", "send", *args],
                          input=message, capture_output=True, timeout=60, check=False)


def test_recipients_as_arguments_and_missing_headers_added(saved: Path,
                                                           upstream: Sandbox) -> None:
    done = send("-oi", "boss@example.net", message=b"Subject: hello\n\nbody\n")
    assert done.returncode == 0, done.stderr
    [delivery] = upstream.deliveries
    assert delivery.rcpt_tos == ("boss@example.net",)
    assert delivery.mail_from == "caisse@demo.example"
    message = delivery.message
    assert "caisse@demo.example" in message["From"] and message["Date"] and message["Message-ID"]
    [record] = read_records("send")
    assert record["status"] == "ok" and record["queue_id"] == delivery.queue_id


def test_t_takes_to_cc_bcc_and_drops_bcc(saved: Path, upstream: Sandbox) -> None:
    done = send("-t", "-f", "caisse@demo.example")
    assert done.returncode == 0, done.stderr
    [delivery] = upstream.deliveries
    assert set(delivery.rcpt_tos) == {"gerant@example.net", "compta@example.net",
                                      "secret-copy@example.net"}
    assert b"secret-copy" not in delivery.raw and delivery.message["Bcc"] is None
    assert "\n.\n" in delivery.message.get_content().replace("\r\n", "\n")


def test_a_refused_recipient_is_exit_67_with_the_diagnosis(saved: Path,
                                                            upstream: Sandbox) -> None:
    upstream.replies["RCPT"] = "550 5.1.1 <gerant@example.net>: Recipient address rejected"
    done = send("gerant@example.net")
    assert done.returncode == 67
    err = done.stderr.decode()
    assert "Recipient address rejected" in err and "[recipient.rejected]" in err
    assert upstream.deliveries == []


def test_the_provider_down_is_exit_75(saved: Path) -> None:
    config = with_changes(load_config(saved), {"smtp.port": 1, "smtp.timeout": 2})
    save_config(config, saved)
    done = send("gerant@example.net")
    assert done.returncode == 75, done.stderr
    assert b"connect.refused" in done.stderr and b"Try again later" in done.stderr


def test_a_wrong_password_is_exit_77(saved: Path, upstream: Sandbox) -> None:
    from comelin_tui.secrets import SMTP_PASSWORD, FileSecretStore, secret_file_path

    FileSecretStore(secret_file_path(saved)).set(SMTP_PASSWORD, "not-the-password")
    done = send("gerant@example.net")
    assert done.returncode == 77, done.stderr
    assert b"[auth.invalid_credentials]" in done.stderr
    assert b"not-the-password" not in done.stderr


def test_no_settings_is_exit_78(isolated_environment: Path) -> None:
    done = send("gerant@example.net")
    assert done.returncode == 78
    assert b"comelin-tui" in done.stderr and b"Traceback" not in done.stderr


def test_no_recipient_is_exit_64(saved: Path) -> None:
    done = send(message=b"Subject: x\n\nno one\n")
    assert done.returncode == 64 and b"-t" in done.stderr
