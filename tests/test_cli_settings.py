"""Settings round trip through the real CLI on a box with no desktop keyring."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from comelin_tui.config import Config, load_config, save_config
from comelin_tui.sandbox import Sandbox
from comelin_tui.secrets import secret_file_path

PASSWORD = "Tr0ub4dor&3-horse-battery"


def cli(*args: str, stdin: str = "", env: dict[str, str] | None = None,
        config: Path) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "comelin_tui", "--lang", "en", *args, "--config", str(config)],
        input=stdin, capture_output=True, text=True, env=full_env, timeout=60,
    )


@pytest.fixture(scope="module")
def sandbox() -> Sandbox:
    with Sandbox() as box:
        yield box


@pytest.fixture
def config_file(tmp_path: Path, sandbox: Sandbox) -> Path:
    path = tmp_path / "conf" / "config.toml"
    config = sandbox.demo_config(path)
    save_config(config.model_copy(update={"secret_backend": None}), path)
    return path


def test_password_goes_to_protected_file_and_never_shows(config_file: Path) -> None:
    result = cli("password", "--stdin", stdin=PASSWORD + "\n", config=config_file)
    assert result.returncode == 0, result.stderr
    secret_file = secret_file_path(config_file)
    assert secret_file.exists()
    if os.name == "posix":  # Windows: the user profile's ACL protects it instead
        assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    assert PASSWORD in secret_file.read_text()
    assert PASSWORD not in config_file.read_text()
    assert load_config(config_file).secret_backend == "file"

    shown = cli("show", config=config_file)
    assert shown.returncode == 0, shown.stderr
    assert PASSWORD not in shown.stdout + shown.stderr
    assert "********" in shown.stdout
    assert str(secret_file) in shown.stdout  # where it lives is always shown
    shown_json = cli("show", "--json", config=config_file)
    assert PASSWORD not in shown_json.stdout
    assert '"saved": true' in shown_json.stdout


def test_environment_password_overrides_the_stored_one(config_file: Path,
                                                       sandbox: Sandbox) -> None:
    cli("password", "--stdin", stdin="wrong-password\n", config=config_file)
    failed = cli("check", "--no-probe", config=config_file)
    assert failed.returncode == 2, failed.stdout + failed.stderr
    ok = cli("check", "--no-probe", config=config_file,
             env={"COMELIN_SMTP_PASSWORD": sandbox.password})
    assert ok.returncode == 0, ok.stdout + ok.stderr
    shown = cli("show", config=config_file, env={"COMELIN_SMTP_PASSWORD": sandbox.password})
    assert "COMELIN_SMTP_PASSWORD" in shown.stdout
    assert sandbox.password not in shown.stdout


def test_google_app_password_spaces_are_stripped(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    config = Config.model_validate({
        "provider": "google-workspace",
        "company": {"email": "caisse@example.com"},
        "smtp": {"host": "smtp.gmail.com", "username": "caisse@example.com",
                 "from_address": "caisse@example.com"},
    })
    save_config(config, path)
    result = cli("password", "--stdin", stdin="abcd efgh ijkl mnop\n", config=path)
    assert result.returncode == 0, result.stderr
    assert "abcdefghijklmnop" in secret_file_path(path).read_text()


def test_password_without_settings_is_one_clear_line(tmp_path: Path) -> None:
    result = cli("password", "--stdin", stdin="x\n", config=tmp_path / "none.toml")
    assert result.returncode == 3
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_empty_password_changes_nothing(config_file: Path) -> None:
    result = cli("password", "--stdin", stdin="\n", config=config_file)
    assert result.returncode == 2
    assert "empty" in result.stderr
    assert not secret_file_path(config_file).exists()
