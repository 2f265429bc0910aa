"""Ctrl+C asks to quit, on every screen and over dialogs, as a PuTTY user expects.

With unsaved wizard changes it opens the leave dialog (Save / Discard / Stay, the focus
on Stay), where a second Ctrl+C changes nothing; elsewhere a quit confirmation, the
focus on Stay, where a second Ctrl+C quits. It never copies from a field instead.
"""

from __future__ import annotations

from pathlib import Path

from test_app_support import SIZE, assert_no_errors, build, paste, settle, texts, value

from comelin_tui.config import CompanySettings, Config, SmtpSettings, save_config
from comelin_tui.screens.confirm import ConfirmLeaveScreen, ConfirmQuitScreen
from comelin_tui.screens.help import HelpScreen
from comelin_tui.screens.home import HomeScreen
from comelin_tui.screens.test_send import TestSendScreen
from comelin_tui.screens.wizard import WizardScreen


def saved(tmp_path: Path) -> Path:
    config_path = tmp_path / "config.toml"
    save_config(Config(
        company=CompanySettings(name="Boutique", email="ventes@exemple.test"),
        smtp=SmtpSettings(host="127.0.0.1", port=2525, security="none", auth="none",
                          from_address="ventes@exemple.test", timeout=2.0),
    ), config_path)
    return config_path


async def test_ctrl_c_on_home_asks_enter_and_escape_stay_a_second_ctrl_c_quits(
        tmp_path: Path) -> None:
    app = build(tmp_path / "config.toml")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        await pilot.press("ctrl+c")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmQuitScreen)
        assert app.focused.id == "stay"  # the safe choice is Enter's
        assert "Quit comelin-tui?" in texts(pilot)
        assert not app._notifications  # a question, not a notice about Ctrl+Q
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is home and app.return_code is None
        await pilot.press("ctrl+c")
        await settle(pilot)
        await pilot.press("f2")  # the dialog speaks the language chosen
        await settle(pilot)
        assert "Quitter comelin-tui?" in texts(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is home and app.return_code is None
        await pilot.press("ctrl+c")
        await settle(pilot)
        await pilot.press("ctrl+c")  # the habit: twice to get out
        await settle(pilot)
        assert app.return_code == 0
    assert_no_errors(app)


async def test_ctrl_c_in_a_field_with_unsaved_typing_opens_the_leave_dialog(
        tmp_path: Path) -> None:
    config_path = tmp_path / "config.toml"
    app = build(config_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # Start the setup
        await settle(pilot)
        wizard = app.screen
        assert isinstance(wizard, WizardScreen)
        await pilot.press("ctrl+c")  # nothing typed yet: the plain quit question
        await settle(pilot)
        assert isinstance(app.screen, ConfirmQuitScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is wizard
        await paste(pilot, "ventes@exemple.test")
        await pilot.press("shift+home")  # text selected in the field: still no copy
        await pilot.press("ctrl+c")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmLeaveScreen)
        assert app.focused.id == "stay"
        assert app.clipboard == ""
        await pilot.press("ctrl+c")  # a reflex second press drops nothing
        await settle(pilot)
        assert isinstance(app.screen, ConfirmLeaveScreen) and app.return_code is None
        await pilot.press("enter")  # Stay
        await settle(pilot)
        assert app.screen is wizard and value(pilot, "#company-email") == "ventes@exemple.test"
        await pilot.press("ctrl+c")
        await settle(pilot)
        await pilot.press("shift+tab", "shift+tab", "enter")  # Save, then quit
        await settle(pilot)
        assert app.return_code == 0
    assert "ventes@exemple.test" in config_path.read_text()


async def test_ctrl_c_on_the_test_screen_and_over_the_help_asks_to_quit(
        tmp_path: Path) -> None:
    app = build(saved(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "Saved settings" in texts(pilot)
        await pilot.press("enter")  # Send a test email
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TestSendScreen)
        await pilot.press("ctrl+c")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmQuitScreen) and app.focused.id == "stay"
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("f1")
        await settle(pilot)
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        await pilot.press("ctrl+c")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmQuitScreen)
        await pilot.press("enter")  # Stay: back on the help
        await settle(pilot)
        assert app.screen is help_screen
        await pilot.press("ctrl+c")
        await settle(pilot)
        await pilot.press("left", "enter")  # "Quit", left of "Stay"
        await settle(pilot)
        assert app.return_code == 0
    assert_no_errors(app)


async def test_save_from_the_leave_dialog_keeps_refused_values_as_typed_and_says_why(
        tmp_path: Path) -> None:
    """Save cannot write a value the settings refuse: back on the step, every value as
    typed, each marked with its own reason (not "Required"), nothing written."""
    config_path = tmp_path / "config.toml"
    app = build(config_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # Start the setup
        await settle(pilot)
        wizard = app.screen
        assert isinstance(wizard, WizardScreen)
        await paste(pilot, "ventes@boutique.invalid")
        await pilot.press("ctrl+n")
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert wizard.current == "server" and app.focused.id == "smtp-host"
        await pilot.press("ctrl+u", *"smtp://mail.boutique.invalid:25", "tab", "0", "tab")
        await settle(pilot)
        assert value(pilot, "#smtp-port") == "0"
        await pilot.press("ctrl+c")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmLeaveScreen)
        await pilot.press("shift+tab", "shift+tab")
        assert app.focused.id == "save"
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is wizard and wizard.current == "server"
        assert value(pilot, "#smtp-host") == "smtp://mail.boutique.invalid:25"
        assert value(pilot, "#smtp-port") == "0"
        assert app.focused.id == "smtp-host"  # the first field to fix
        shown = texts(pilot)
        assert "Remove “smtp://”" in shown
        assert "between 1 and 65535 (got 0)" in shown
        assert "Required" not in shown
        assert not config_path.exists()
        await pilot.press("ctrl+u", *"mail.boutique.invalid", "tab", "ctrl+u", *"25")
        await settle(pilot)
        await pilot.press("ctrl+c")
        await settle(pilot)
        await pilot.press("shift+tab", "shift+tab", "enter")  # Save, then quit
        await settle(pilot)
        assert app.return_code == 0
    assert_no_errors(app)
    written = config_path.read_text()
    assert 'host = "mail.boutique.invalid"' in written and "port = 25" in written


async def test_a_refused_value_typed_alone_still_asks_before_leaving(tmp_path: Path) -> None:
    """The settings refused it, so the draft did not change: still typing to keep."""
    app = build(saved(tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_wizard("edit", field="smtp.host")
        await settle(pilot)
        wizard = app.screen
        assert isinstance(wizard, WizardScreen) and app.focused.id == "smtp-host"
        await pilot.press("end", "/")  # no server name
        await settle(pilot)
        assert wizard.draft.smtp.host == "127.0.0.1"
        await pilot.press("ctrl+c")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmLeaveScreen)  # not the plain quit question
        await pilot.press("enter")  # Stay
        await settle(pilot)
        assert app.screen is wizard and value(pilot, "#smtp-host") == "127.0.0.1/"
        await pilot.press("escape")  # back a step, then Home from the first
        await settle(pilot)
        await pilot.press("escape", "escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmLeaveScreen)
        await pilot.press("enter")
        await settle(pilot)
        wizard.goto("server")
        await settle(pilot)
        assert value(pilot, "#smtp-host") == "127.0.0.1/"  # still there on coming back
    assert_no_errors(app)
