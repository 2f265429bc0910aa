"""The test screen at 80x24, keys only, against a real loopback server: Escape closes the
transcript before it leaves the screen, after a run the verdict and the focused widget
are both in view, and a step's long server reply wraps whole under its detail column."""

from __future__ import annotations

from pathlib import Path

import pytest
from focus_support import out_of_view
from test_app_support import SIZE, assert_no_errors, build, settle

from comelin_tui.config import save_config
from comelin_tui.sandbox import Sandbox
from comelin_tui.screens.test_send import TestSendScreen
from comelin_tui.secrets import SMTP_PASSWORD, FileSecretStore, secret_file_path
from comelin_tui.widgets.step_row import StepRow


def saved(tmp_path: Path, sandbox: Sandbox, password: str, security: str = "") -> Path:
    config_path = tmp_path / "config.toml"
    config = sandbox.demo_config()
    if security:
        config.smtp.security = security
    save_config(config, config_path)
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


def drawn_rows(widget) -> list[str]:
    """The rows of *widget* as drawn on screen (the part its containers show)."""
    geometry = widget.screen.find_widget(widget)
    region = geometry.region.intersection(geometry.clip)
    strips = widget.screen._compositor.render_strips()
    return ["".join(segment.text for segment in strips[y].crop(region.x, region.right))
            for y in range(region.y, region.bottom)]


def key_bar(screen) -> str:
    """The bottom row of the screen: the keys and what they do."""
    strips = screen._compositor.render_strips()
    return "".join(segment.text for segment in strips[-1])


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
            assert "esc Close" in key_bar(screen)  # what Escape does now
            await pilot.press("escape")  # the transcript closes, the screen stays
            await settle(pilot)
            assert app.screen is screen
            assert not box.display
            assert app.focused is not None and app.focused.id == "toggle-transcript"
            assert out_of_view(app.focused) is None
            assert str(app.focused.label) == "Show transcript"
            assert "esc Back" in key_bar(screen)
            await pilot.press("escape")  # then Escape leaves, as before
            await settle(pilot)
            assert not isinstance(app.screen, TestSendScreen)
            assert_no_errors(app)


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("outcome", ["fail", "fix", "ok"])
async def test_after_a_run_the_verdict_and_the_focus_are_in_view(
        tmp_path: Path, lang: str, outcome: str) -> None:
    with Sandbox() as sandbox:
        password = "not-the-password" if outcome == "fail" else sandbox.password
        # No encryption against a STARTTLS server: the password is not sent, STARTTLS
        # is the fix found.
        security = "none" if outcome == "fix" else ""
        app = build(saved(tmp_path, sandbox, password, security), language=lang)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_and_run(pilot)
            assert screen.result is not None
            assert screen.result.status == ("fail" if outcome == "fix" else outcome)
            verdict = screen.query_one("#outcome")
            assert out_of_view(verdict) is None
            focused = app.focused
            assert focused is not None
            assert out_of_view(focused) is None
            if outcome == "fail":
                # A wrong password has no fix to apply: the next thing is to send again.
                assert screen.result.fix is None
                assert focused.id == "run"
            elif outcome == "fix":
                # The fix button when it is in view with the verdict (in English; the
                # longer French diagnosis puts it a row below): else "Send the test".
                assert screen.result.fix is not None
                fix_shown = out_of_view(screen.query_one("#apply-fix")) is None
                assert fix_shown or lang == "fr"
                assert focused.id == ("apply-fix" if fix_shown else "run")
            else:
                assert focused.id == "connect-comelin"
            # The actions are right under the verdict: all three in view.
            for button in ("#run", "#toggle-transcript", "#back"):
                assert out_of_view(screen.query_one(button)) is None, button
            assert_no_errors(app)


LONG_AUTH_REPLY = ("535 5.7.8 Authentication credentials invalid: the username or the"
                   " password of this account was refused by the provider, see"
                   " https://help.example.test/smtp/authentication-refused END")


@pytest.mark.parametrize("lang", ["fr", "en"])
async def test_a_long_server_reply_in_a_step_row_wraps_whole(tmp_path: Path,
                                                              lang: str) -> None:
    with Sandbox(replies={"AUTH": LONG_AUTH_REPLY}) as sandbox:
        app = build(saved(tmp_path, sandbox, sandbox.password), language=lang)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_and_run(pilot)
            assert screen.result is not None and screen.result.status == "fail"
            row = next(r for r in screen.query(StepRow) if r.step.id == "auth")
            row.scroll_visible(top=True, animate=False, immediate=True)
            await settle(pilot)
            assert out_of_view(row) is None
            rows = drawn_rows(row)
            assert len(rows) == row.region.height, rows  # wholly on screen
            assert len(rows) > 1, rows  # wrapped, not cut
            assert not any("…" in line for line in rows), rows
            # Every word of the reply, in order, on screen (wrapped at spaces, a word
            # longer than a row folded to the next: without the line breaks, it reads
            # whole).
            shown = "".join("".join(rows).split())
            assert "".join(LONG_AUTH_REPLY.split()) in shown, rows
            assert "credentials invalid: the" in rows[0] + rows[1], rows
            # The next rows start under the detail, not under the status tag.
            column = rows[0].index("535")
            for line in rows[1:]:
                assert line[:column].strip() == "" and line[column] != " ", rows
            assert_no_errors(app)
