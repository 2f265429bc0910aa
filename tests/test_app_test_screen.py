"""The test screen at 80x24, keys only, against a real loopback server: Escape closes the
transcript before it leaves the screen."""

from __future__ import annotations

from pathlib import Path

from focus_support import out_of_view
from test_app_support import SIZE, assert_no_errors, build, settle

from comelin_tui.config import save_config
from comelin_tui.sandbox import Sandbox
from comelin_tui.screens.test_send import TestSendScreen
from comelin_tui.secrets import SMTP_PASSWORD, FileSecretStore, secret_file_path


def saved(tmp_path: Path, sandbox: Sandbox, password: str) -> Path:
    config_path = tmp_path / "config.toml"
    save_config(sandbox.demo_config(), config_path)
    FileSecretStore(secret_file_path(config_path)).set(SMTP_PASSWORD, password)
    return config_path


async def open_and_run(pilot) -> TestSendScreen:
    """Home > "Send a test email" > Ctrl+R, until the run is over."""
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, TestSendScreen)
    await pilot.press("ctrl+r")
    await settle(pilot)
    await pilot.pause()
    return screen


async def test_escape_hides_the_transcript_first_then_leaves(tmp_path: Path) -> None:
    with Sandbox() as sandbox:
        app = build(saved(tmp_path, sandbox, sandbox.password))
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_and_run(pilot)
            assert screen.result is not None and screen.result.status == "ok"
            await pilot.press("ctrl+t")
            await settle(pilot)
            box = screen.query_one("#transcript")
            assert box.display and app.focused is box
            await pilot.press("escape")  # the transcript closes, the screen stays
            await settle(pilot)
            assert app.screen is screen
            assert not box.display
            assert app.focused is not None and app.focused.id == "toggle-transcript"
            assert out_of_view(app.focused) is None
            assert str(app.focused.label) == "Show transcript"
            await pilot.press("escape")  # then Escape leaves, as before
            await settle(pilot)
            assert not isinstance(app.screen, TestSendScreen)
            assert_no_errors(app)
