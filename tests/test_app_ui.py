"""The wizard's behaviour around the main flow: start-up cost, language, search, help,
leaving with unsaved changes, greyed keys, errors shown instead of tracebacks."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest
from dns_server import DnsServer, dns_server_fixture  # noqa: F401
from test_app_support import SIZE, assert_no_errors, build, fill, paste, settle, texts, value
from textual.command import SearchIcon

from comelin_tui.screens.confirm import ConfirmLeaveScreen
from comelin_tui.screens.help import HelpScreen
from comelin_tui.screens.home import HomeScreen
from comelin_tui.screens.test_send import TestSendScreen
from comelin_tui.screens.wizard import WizardScreen
from comelin_tui.widgets.textual_compat import FooterKey


def footer_keys(app) -> dict[str, FooterKey]:
    return {key.action: key for key in app.screen.query(FooterKey)}


def described(app) -> list[tuple[str, str]]:
    """The footer as it reads: (key, description) from left to right."""
    return [(key.key_display, key.description) for key in app.screen.query(FooterKey)]


async def open_wizard(pilot) -> WizardScreen:
    await settle(pilot)
    await pilot.press("enter")  # "Start the setup"
    await settle(pilot)
    assert isinstance(pilot.app.screen, WizardScreen)
    return pilot.app.screen


def test_importing_the_app_loads_nothing_heavy() -> None:
    code = ("import sys, comelin_tui.app\n"
            "print(' '.join(m for m in ('pydantic', 'keyring', 'dns', 'aiosmtplib', 'aiosmtpd')"
            " if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == ""


def test_a_first_start_reaches_the_welcome_without_the_settings_models(tmp_path: Path) -> None:
    """No settings file yet: nothing to validate, so pydantic is never loaded."""
    code = f"""
import sys
from comelin_tui.app import make_app

async def auto_pilot(pilot):
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    pilot.app.exit(0)

app = make_app({str(tmp_path / "config.toml")!r}, language="en")
app.run(headless=True, size=(80, 24), auto_pilot=auto_pilot)
assert app.ready and app.settings is None and app.settings_error is None
print(" ".join(m for m in ("pydantic", "tomllib", "comelin_tui.config") if m in sys.modules))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=60).stdout
    assert out.strip() == ""


async def test_language_switch_rewrites_every_text_and_keeps_the_values(tmp_path: Path) -> None:
    app = build(tmp_path / "config.toml")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "Welcome" in texts(pilot)
        await pilot.press("f2")
        await settle(pilot)
        assert "Bienvenue" in texts(pilot)
        assert footer_keys(app)["switch_language"].description == "English"
        wizard = await open_wizard(pilot)
        await paste(pilot, "ventes@exemple.test")
        await pilot.press("ctrl+n")
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert wizard.current == "server"
        assert "Hôte (serveur SMTP)" in texts(pilot)
        assert footer_keys(app)["next"].description == "Suivant"
        await pilot.press("ctrl+l")  # the PuTTY-safe twin of F2
        await settle(pilot)
        shown = texts(pilot)
        assert "Host (SMTP server)" in shown and "Hôte" not in shown
        assert "Step 3 of 6: Server" in shown
        assert footer_keys(app)["next"].description == "Next"
        assert "Server" in str(app.screen.query_one("#steps").get_option("server").prompt)
        assert value(pilot, "#smtp-host") == "smtp.exemple.test"
        assert wizard.draft.company.email == "ventes@exemple.test"
        assert_no_errors(app)


async def test_search_settings_jumps_to_the_field_in_either_language(tmp_path: Path) -> None:
    app = build(tmp_path / "config.toml")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await paste(pilot, "mot de passe")  # French words, English screen
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, WizardScreen)
        assert app.screen.current == "credentials"
        assert app.focused.id == "password"
        await pilot.press("ctrl+p")
        # A plain ">" before the query: PuTTY's fonts have no magnifying-glass emoji.
        assert str(app.screen.query_one(SearchIcon).render()) == ">"
        await paste(pilot, "port")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.current == "server"
        assert app.focused.id == "smtp-port"
        assert_no_errors(app)


async def test_f1_explains_the_focused_field(tmp_path: Path) -> None:
    app = build(tmp_path / "config.toml")
    async with app.run_test(size=SIZE) as pilot:
        wizard = await open_wizard(pilot)
        wizard.goto("server", field="smtp.port")
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        assert app.screen.topic == "smtp.port"
        shown = texts(pilot)
        assert "587 with STARTTLS" in shown
        # The dialog's own keys in the footer, not the wizard's under it.
        assert described(app) == [("esc", "Close"), ("f2", "Français")]
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is wizard
        assert app.focused.id == "smtp-port"
        await pilot.press("ctrl+g")  # F1's twin for terminals that eat F-keys
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("f1")  # F1 again closes it
        await settle(pilot)
        assert app.screen is wizard


async def test_leaving_with_unsaved_changes_asks_first(tmp_path: Path) -> None:
    config_path = tmp_path / "config.toml"
    app = build(config_path)
    async with app.run_test(size=SIZE) as pilot:
        wizard = await open_wizard(pilot)
        keys = footer_keys(app)
        assert "leave" in keys and "back" not in keys  # first step: Escape leaves
        await paste(pilot, "ventes@exemple.test")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmLeaveScreen)
        assert described(app) == [("esc", "Stay"), ("f2", "Français")]
        await pilot.press("f2")  # the dialog's keys follow the language
        await settle(pilot)
        assert described(app) == [("esc", "Rester"), ("f2", "English")]
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("escape")  # stay
        await settle(pilot)
        assert app.screen is wizard and value(pilot, "#company-email") == "ventes@exemple.test"
        await pilot.press("escape")
        await settle(pilot)
        assert app.focused.id == "stay"  # the safe choice is the one Enter takes
        await pilot.press("left")  # the arrows move between the buttons too
        assert app.focused.id == "discard"
        await pilot.press("right")
        assert app.focused.id == "stay"
        await pilot.press("shift+tab", "enter")  # "Discard"
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen) and not config_path.exists()

        # Again, and this time save: an incomplete draft is saved as it is.
        await pilot.press("enter")
        await settle(pilot)
        await paste(pilot, "ventes@exemple.test")
        await pilot.press("ctrl+q")  # quitting asks too
        await settle(pilot)
        assert isinstance(app.screen, ConfirmLeaveScreen)
        await pilot.press("shift+tab", "shift+tab", "enter")  # "Save"
        await settle(pilot)
    assert config_path.exists()
    assert "ventes@exemple.test" in config_path.read_text()


async def test_enter_on_the_quit_dialog_saves_nothing_and_a_save_writes_only_what_was_seen(
        tmp_path: Path, dns_server: DnsServer) -> None:
    """Ctrl+Q on the provider step: the server step, filled from the provider, was never
    opened; nothing is written before Save, and Save from there does not write it."""
    from comelin_tui.config import load_config

    config_path = tmp_path / "config.toml"
    app = build(config_path, dns_server=dns_server.address, dns_lifetime=5.0)
    async with app.run_test(size=SIZE) as pilot:
        wizard = await open_wizard(pilot)
        await paste(pilot, "ventes@gshop.test")  # MX -> Google: its server is guessed
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert wizard.current == "provider"
        assert wizard.draft.smtp.host == "smtp.gmail.com"  # the guess, not yet seen
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmLeaveScreen)
        await pilot.press("enter")  # the focused, safe choice: stay
        await settle(pilot)
        assert app.screen is wizard and not config_path.exists()
        await pilot.press("ctrl+q")
        await settle(pilot)
        await pilot.press("shift+tab", "shift+tab", "enter")  # "Save"
        await settle(pilot)
    saved = load_config(config_path)
    assert saved.company.email == "ventes@gshop.test" and saved.provider == "google-workspace"
    assert saved.smtp.host == ""  # the server step was never opened


async def test_next_on_review_saves_then_opens_the_test_and_invalid_values_block_it(
        tmp_path: Path) -> None:
    app = build(tmp_path / "config.toml")
    async with app.run_test(size=SIZE) as pilot:
        wizard = await open_wizard(pilot)
        await paste(pilot, "not an address")
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert wizard.current == "email"
        assert "space" in wizard.query_one("#field-company-email").error_text
        await fill(pilot, "#company-email", "ventes@exemple.test")
        await pilot.press("ctrl+n")
        await settle(pilot)
        wizard.goto("server", field="smtp.port")
        await settle(pilot)
        await fill(pilot, "#smtp-port", "99999")
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert wizard.current == "server"
        assert "65535" in wizard.query_one("#field-smtp-port").error_text
        # The sidebar still jumps; the step keeps its mark.
        await pilot.press("ctrl+t")
        await pilot.press("down", "down", "enter")
        await settle(pilot)
        assert wizard.current == "review"
        assert "[!] Server" in str(wizard.query_one("#steps").get_option("server").prompt)
        # Next on Review means "save, then the test send": a bad value stops it there.
        assert not footer_keys(app)["next"].has_class("-disabled")
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert wizard.current == "server" and not (tmp_path / "config.toml").exists()
        await fill(pilot, "#smtp-port", "587")
        wizard.goto("review")
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert (tmp_path / "config.toml").exists()
        assert isinstance(app.screen, TestSendScreen)
        assert_no_errors(app)


async def test_a_damaged_settings_file_is_explained(tmp_path: Path) -> None:
    config_path = tmp_path / "config.toml"
    config_path.write_text("[smtp]\nport = 'abc'\n")
    app = build(config_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        shown = texts(pilot)
        assert "The settings cannot be read" in shown
        assert str(config_path) in shown
        assert_no_errors(app)
        await pilot.press("escape")
        await pilot.pause()
    assert not app.is_running


async def test_a_failing_worker_becomes_a_notice(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from comelin_tui import discovery

    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("resolver exploded")

    monkeypatch.setattr(discovery, "discover", broken)
    app = build(tmp_path / "config.toml")
    async with app.run_test(size=SIZE) as pilot:
        wizard = await open_wizard(pilot)
        await paste(pilot, "ventes@exemple.test")
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert wizard.current == "provider"
        assert len(app.errors) == 1 and "resolver exploded" in app.errors[0]


async def test_no_color_and_sixteen_colours_render(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("TEXTUAL_COLOR_SYSTEM", "standard")
    app = build(tmp_path / "config.toml")
    async with app.run_test(size=SIZE) as pilot:
        wizard = await open_wizard(pilot)
        wizard.goto("server")
        await settle(pilot)
        # States read without colour: the chosen security and the current step in text.
        assert str(wizard.query_one("#sec-starttls").render()).startswith("(*)")
        assert str(wizard.query_one("#sec-none").render()).startswith("( )")
        assert str(wizard.query_one("#steps").get_option("server").prompt).startswith("[>]")
        app.export_screenshot()  # the whole screen renders
        assert_no_errors(app)


async def test_letters_on_the_provider_list_filter_it_and_enter_picks_the_one_match(
        tmp_path: Path) -> None:
    from textual.widgets import Input, OptionList

    app = build(tmp_path / "config.toml")
    async with app.run_test(size=SIZE) as pilot:
        wizard = await open_wizard(pilot)
        await paste(pilot, "caisse@boutique.test")
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert wizard.current == "provider"
        assert isinstance(app.focused, OptionList)
        await pilot.press("z", "o", "h", "o")  # typed on the list: they go to the filter
        await settle(pilot)
        box = wizard.query_one("#provider-filter", Input)
        assert box.value == "zoho" and app.focused is box
        listed = [o.id for o in wizard.query_one("#provider", OptionList).options]
        assert listed == ["zoho"]
        await pilot.press("enter")  # the one match is picked, not "Other"
        await settle(pilot)
        assert wizard.draft.provider == "zoho"
        assert isinstance(app.focused, OptionList) and wizard.current == "provider"
        await fill(pilot, "#provider-filter", "micro")  # several: Enter only goes to the list
        await pilot.press("enter")
        await settle(pilot)
        assert wizard.draft.provider == "zoho" and isinstance(app.focused, OptionList)
        # Enter in the filter on the one already picked goes on, as Enter on the list does
        # (a burst "zoho" + Enter reaches the next step whichever widget takes the Enter).
        await fill(pilot, "#provider-filter", "zoho")
        await pilot.press("enter")
        await settle(pilot)
        assert wizard.draft.provider == "zoho" and wizard.current == "server"
        assert_no_errors(app)


async def test_the_big_two_and_the_detected_provider_are_at_the_top_in_view(
        tmp_path: Path) -> None:
    from textual.widgets import OptionList

    app = build(tmp_path / "config.toml")
    async with app.run_test(size=SIZE) as pilot:
        wizard = await open_wizard(pilot)
        await paste(pilot, "caisse@boutique.test")
        await pilot.press("ctrl+n")
        await settle(pilot)
        wizard.choose_provider("ovh", by_user=False)  # as an MX lookup pointing to OVH would
        await settle(pilot)
        listed = wizard.query_one("#provider", OptionList)
        ids = [o.id for o in listed.options]
        assert ids[:4] == ["google-workspace", "microsoft365", "ovh", "custom"]
        assert listed.scroll_offset.y == 0  # the top rows are the ones shown
        # Choosing one of the big two does not send "Other" down the list.
        wizard.choose_provider("google-workspace", by_user=True)
        await settle(pilot)
        ids = [o.id for o in listed.options]
        assert ids[:3] == ["google-workspace", "microsoft365", "custom"]
        assert_no_errors(app)


async def test_what_a_bounce_looks_like_is_said_in_the_help_the_reminders_and_show(
        tmp_path: Path) -> None:
    from comelin_tui.screens.help import HelpScreen as Help

    app = build(tmp_path / "config.toml")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, Help)
        assert "Undeliverable: Invoice 1234" in texts(pilot)
        await pilot.press("f2")
        await settle(pilot)
        assert "Avis de non-remise" in texts(pilot) and "Non remis\u00a0: Facture 1234" in texts(pilot)
    from comelin_tui.config import Config, save_config

    save_config(Config(), tmp_path / "config.toml")
    done = await asyncio.to_thread(
        subprocess.run, [sys.executable, "-m", "comelin_tui", "--lang", "fr", "show",
                         "--config", str(tmp_path / "config.toml")], capture_output=True,
        text=True, timeout=30, check=False)
    said = " ".join(done.stdout.split())  # wrapped to the terminal's width
    assert "Delivery Status Notification (Failure)" in said, done.stdout + done.stderr
    assert "corrigez l'adresse du client" in said
