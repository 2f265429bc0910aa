"""Notices (toasts) belong to the step and the screen they are about: a step change
clears them, and none is ever drawn over a dialog."""

from __future__ import annotations

from pathlib import Path

from test_app_support import SIZE, assert_no_errors, build, paste, settle
from textual.widgets._toast import Toast

from comelin_tui.screens.confirm import ConfirmLeaveScreen
from comelin_tui.screens.help import HelpScreen
from comelin_tui.screens.wizard import WizardScreen


def toasts(app) -> list[Toast]:
    return [toast for toast in app.screen.query(Toast) if toast.display]


def overlapping(app) -> list[Toast]:
    dialog = app.screen.query_one(".dialog").region
    return [toast for toast in app.screen.query(Toast) if toast.region.overlaps(dialog)]


async def open_wizard(pilot) -> WizardScreen:
    await settle(pilot)
    await pilot.press("enter")  # Start the setup
    await settle(pilot)
    assert isinstance(pilot.app.screen, WizardScreen)
    return pilot.app.screen


async def test_a_notice_about_a_step_is_gone_on_the_next_step(tmp_path: Path) -> None:
    app = build(tmp_path / "config.toml")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        wizard = await open_wizard(pilot)
        await pilot.press("ctrl+n")  # nothing typed: "Fix the marked fields first."
        await settle(pilot)
        assert wizard.current == "email"
        assert toasts(app)  # the notice is shown
        await paste(pilot, "ventes@exemple.test")
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert wizard.current == "provider"
        assert toasts(app) == [] and not app._notifications
        # The same from the sidebar, and for a notice the program itself gave.
        app.notify("about the provider step")
        await settle(pilot)
        assert toasts(app)
        await pilot.press("ctrl+t", "down", "enter")  # the sidebar, from the provider
        await settle(pilot)
        assert wizard.current == "server" and toasts(app) == []
    assert_no_errors(app)


async def test_no_notice_covers_the_leave_dialog_or_the_help(tmp_path: Path) -> None:
    app = build(tmp_path / "config.toml")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        wizard = await open_wizard(pilot)
        await paste(pilot, "ventes@exemple.test")
        app.notify("a notice shown before the dialog", timeout=30)
        await settle(pilot)
        assert toasts(app)
        await pilot.press("escape")  # first step: leave, with unsaved changes
        await settle(pilot)
        assert isinstance(app.screen, ConfirmLeaveScreen)
        assert overlapping(app) == [] and toasts(app) == []
        app.notify("a notice that comes while the dialog is open", timeout=30)
        await settle(pilot)
        assert overlapping(app) == [] and toasts(app) == []
        await pilot.press("escape")  # Stay: the notice waited for the dialog to close
        await settle(pilot)
        assert app.screen is wizard
        assert len(toasts(app)) == 1
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        assert overlapping(app) == [] and toasts(app) == []
    assert_no_errors(app)
