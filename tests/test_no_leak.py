"""The password never leaves the secret store: not in output, JSON, transcript, log or any file."""

from __future__ import annotations

import base64
import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from comelin_tui import paths
from comelin_tui.sandbox import Sandbox
from comelin_tui.secrets import secret_file_path

USERNAME = "caisse@demo.example"
PASSWORD = "Leak-" + secrets.token_urlsafe(12)
WRONG_PASSWORD = "Wrong-" + secrets.token_urlsafe(12)


def forms(password: str) -> list[bytes]:
    """Every way the secret could show up: as is, base64, and inside AUTH PLAIN/LOGIN blobs."""
    raw = password.encode()
    blobs = [raw, f"\0{USERNAME}\0{password}".encode(),
             f"{USERNAME}\0{USERNAME}\0{password}".encode()]
    found = [raw]
    for blob in blobs:
        encoded = base64.b64encode(blob)
        found += [encoded, encoded.rstrip(b"=")]
    return found


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(username=USERNAME, password=PASSWORD) as server:
        yield server


def run_check(*args: str, env: dict[str, str], input: str | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "comelin_tui", "check", *args], input=input,
        capture_output=True, text=True, timeout=60, check=False, env={**os.environ, **env},
    )
    assert done.returncode in (0, 2), done.stderr
    return done.stdout + done.stderr


def assert_absent(haystack: bytes, where: str, password: str) -> None:
    for form in forms(password):
        assert form not in haystack, f"secret form {form[:8]!r}... found in {where}"


def test_password_appears_nowhere(sandbox: Sandbox, tmp_path: Path,
                                  isolated_environment: Path) -> None:
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    env = {"TMPDIR": str(private_tmp)}
    config_path = paths.config_path()
    sandbox.demo_config(config_path)
    sandbox.store_password(config_path, "file")
    secret_file = secret_file_path(config_path)

    outputs = [
        # From the secret store, human output with the transcript shown.
        run_check("--transcript", env=env),
        run_check("--json", env=env),
        # From the environment.
        run_check("--json", "--transcript", env={**env, "COMELIN_SMTP_PASSWORD": PASSWORD}),
        # From standard input, with --no-send.
        run_check("--json", "--no-send", "--password-stdin", env=env, input=PASSWORD + "\n"),
        # A wrong password must not leak either (it may be a real one with a typo).
        run_check("--json", "--no-probe", "--password-stdin", env=env,
                  input=WRONG_PASSWORD + "\n"),
        run_check("--transcript", "--no-probe", "--password-stdin", env=env,
                  input=WRONG_PASSWORD + "\n"),
    ]
    assert '"auth.invalid_credentials"' in outputs[4]
    assert "AUTH" in outputs[2] and "********" in outputs[2]
    for index, output in enumerate(outputs):
        for password in (PASSWORD, WRONG_PASSWORD):
            assert_absent(output.encode(), f"output of run {index}", password)

    assert paths.attempt_log_path().is_file()
    scanned = 0
    for root in (isolated_environment, private_tmp, tmp_path):
        for file in root.rglob("*"):
            if not file.is_file() or file == secret_file:
                continue  # the protected secret file is where the password belongs
            data = file.read_bytes()
            scanned += 1
            for password in (PASSWORD, WRONG_PASSWORD):
                assert_absent(data, str(file.relative_to(tmp_path)), password)
    assert scanned >= 2  # at least the config and the attempt log
    assert secret_file.is_file()


def test_demo_leaves_no_file_behind(tmp_path: Path) -> None:
    """The demo's throwaway settings, secret and CA are deleted when it ends."""
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    output = run_check("--demo", "--json", "--transcript", env={"TMPDIR": str(private_tmp)})
    assert '"status": "ok"' in output
    assert list(private_tmp.iterdir()) == []
