"""What the quick paths load: the check command and the dashboard skip the heavy modules.

Each case runs in a fresh interpreter; the list of heavy modules is the one the
benchmarks found costly (pydantic and the models, keyring when the password is in
the protected file, cryptography's X.509 parser for a verified server, dnspython
when no DNS check runs).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from comelin_tui.sandbox import Sandbox

HEAVY = ("pydantic", "comelin_tui.config_models", "keyring", "cryptography.x509", "dns",
         "textual")

RUN_CHECK = """
import sys
from comelin_tui.cli import run
code = run(sys.argv[1:])
print("EXIT", code)
print("LOADED", " ".join(m for m in {heavy!r} if m in sys.modules))
"""


def run_check(args: list[str], stdin: str = "") -> tuple[int, set[str], str]:
    done = subprocess.run([sys.executable, "-c", RUN_CHECK.format(heavy=HEAVY), *args],
                          input=stdin, capture_output=True, text=True, timeout=60, check=False)
    lines = done.stdout.splitlines()
    code = int(next(line for line in lines if line.startswith("EXIT ")).split()[1])
    loaded = next(line for line in lines if line.startswith("LOADED")).split()[1:]
    return code, set(loaded), done.stdout + done.stderr


@pytest.fixture(scope="module")
def sandbox():
    with Sandbox() as server:
        yield server


def test_check_with_saved_settings_loads_nothing_heavy(sandbox: Sandbox, tmp_path: Path) -> None:
    config_path = tmp_path / "config.toml"
    sandbox.demo_config(config_path)
    sandbox.store_password(config_path, "file")
    code, loaded, output = run_check(["check", "--config", str(config_path)])
    assert code == 0, output
    assert loaded == set(), output


def test_an_ad_hoc_check_loads_nothing_heavy(sandbox: Sandbox, tmp_path: Path) -> None:
    code, loaded, output = run_check(
        ["check", "--config", str(tmp_path / "absent.toml"), "--host", sandbox.host,
         "--port", str(sandbox.port), "--security", "starttls",
         "--username", sandbox.username, "--from", sandbox.username,
         "--ca-file", str(sandbox.ca_file), "--password-stdin"], stdin=sandbox.password + "\n")
    assert code == 0, output
    assert loaded == set(), output


def test_a_damaged_settings_file_is_still_explained_by_the_models(tmp_path: Path) -> None:
    config_path = tmp_path / "config.toml"
    config_path.write_text("[smtp]\nport = 'abc'\nprot = 587\n")
    code, loaded, output = run_check(["check", "--config", str(config_path)])
    assert code == 3
    assert "line 2" in output and "line 3" in output
    assert "pydantic" in loaded  # the models name every problem


def test_the_dashboard_shows_saved_settings_without_the_models(sandbox: Sandbox,
                                                               tmp_path: Path) -> None:
    config_path = tmp_path / "config.toml"
    sandbox.demo_config(config_path)
    sandbox.store_password(config_path, "file")
    code = f"""
import sys
from comelin_tui.app import make_app
from comelin_tui.screens.home import HomeScreen

shown = []

async def auto_pilot(pilot):
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, HomeScreen)
    shown.extend(str(widget.render()) for widget in screen.query("Tr"))
    pilot.app.exit(0)

app = make_app({str(config_path)!r}, language="en")
app.run(headless=True, size=(80, 24), auto_pilot=auto_pilot)
assert app.ready and app.settings_error is None and app.settings_view is not None
print("SHOWN", " | ".join(shown).replace("\\n", " "))
print("LOADED", " ".join(m for m in {HEAVY[:-1]!r} if m in sys.modules))
# Editing needs the models: built from what was read, equal to what load_config gives.
from comelin_tui.config import load_config
assert app.settings == load_config({str(config_path)!r})
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    shown = next(line for line in lines if line.startswith("SHOWN "))
    assert f"{sandbox.host}:{sandbox.port}" in shown and "permissions 0600" in shown
    assert next(line for line in lines if line.startswith("LOADED")).split()[1:] == []
