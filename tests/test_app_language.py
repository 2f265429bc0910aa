"""F2 on every screen and dialog words everything again: no word of the other language is
left, on the drawn screen or in any widget (a finished failing test send included)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from language_check import assert_one_language
from test_app_support import SIZE, assert_no_errors, build, fill, paste, settle

from comelin_tui.config import save_config
from comelin_tui.sandbox import Sandbox
from comelin_tui.screens.confirm import ConfirmLeaveScreen
from comelin_tui.screens.help import HelpScreen
from comelin_tui.screens.test_send import TestSendScreen
from comelin_tui.screens.wizard import WizardScreen
from comelin_tui.secrets import SMTP_PASSWORD, FileSecretStore, secret_file_path

EMAIL = "ventes@shop.test"


async def both_languages(pilot: Any, where: str, allowed: tuple[str, ...] = ()) -> None:
    """English now; F2: French only; F2 again: English only (paths shown may hold any word)."""
    app = pilot.app
    allowed = (*allowed, str(app.config_path))
    assert_one_language(app, "en", allowed, where)
    for lang in ("fr", "en"):
        await pilot.press("f2")
        await settle(pilot)
        assert app.language == lang
        assert_one_language(app, lang, allowed, where)


async def test_every_wizard_screen_and_dialog_in_one_language(tmp_path: Path) -> None:
    app = build(tmp_path / "config.toml")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await both_languages(pilot, "welcome")
        await pilot.press("enter")  # Start the setup
        await settle(pilot)
        wizard = app.screen
        assert isinstance(wizard, WizardScreen)
        await both_languages(pilot, "email step")
        await paste(pilot, EMAIL)
        await pilot.press("f1")  # help for the focused field
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        await both_languages(pilot, "help dialog", (EMAIL,))
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("ctrl+p")  # the settings search
        await settle(pilot)
        await both_languages(pilot, "settings search", (EMAIL,))
        await pilot.press("escape")
        await settle(pilot)
        seen = set()
        for _ in range(4):  # provider, server, credentials, review
            await pilot.press("ctrl+n")
            await settle(pilot)
            seen.add(wizard.current)
            await both_languages(pilot, f"{wizard.current} step", (EMAIL, "shop.test"))
            if wizard.current == "server":
                await fill(pilot, "#smtp-host", "smtp.shop.test")
            if wizard.current == "credentials":
                await fill(pilot, "#smtp-username", EMAIL)
                await fill(pilot, "#password", "pass-word-1")
        assert seen == {"provider", "server", "credentials", "review"}
        await pilot.press("ctrl+t")  # the list of steps
        await settle(pilot)
        await both_languages(pilot, "list of steps", (EMAIL,))
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("ctrl+q")  # unsaved changes: asks first
        await settle(pilot)
        assert isinstance(app.screen, ConfirmLeaveScreen)
        await both_languages(pilot, "leave dialog", (EMAIL,))
        await pilot.press("escape")
        await settle(pilot)
        assert_no_errors(app)


def saved(tmp_path: Path, sandbox: Sandbox, **smtp: object) -> Path:
    config_path = tmp_path / "config.toml"
    config = sandbox.demo_config()
    for name, value in smtp.items():
        setattr(config.smtp, name, value)
    save_config(config, config_path)
    FileSecretStore(secret_file_path(config_path)).set(SMTP_PASSWORD, sandbox.password)
    return config_path


async def test_a_finished_failing_test_send_in_one_language(tmp_path: Path) -> None:
    """Wrong port for the security mode: failed step, diagnosis, suggestion, transcript."""
    with Sandbox(implicit_tls=True) as sandbox:
        config_path = saved(tmp_path, sandbox, port=sandbox.implicit_tls_port, timeout=1.0)
        app = build(config_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            data = (sandbox.username, app.settings.company.name)  # the store's own words
            await both_languages(pilot, "dashboard", data)
            await pilot.press("enter")  # Send a test email
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, TestSendScreen)
            await pilot.press("ctrl+r")
            await settle(pilot)
            result = screen.result
            assert result is not None and result.status == "fail"
            assert result.diagnosis is not None and result.suggestion is not None
            # What the server said (in English) may stay as it is.
            server = [line for line in result.transcript if line.startswith("<- ")]
            # Identifiers are no language's: the diagnosis code, the server's AUTH mechanisms.
            allowed = (*data, sandbox.host, *server, result.diagnosis.code, "LOGIN PLAIN")
            await both_languages(pilot, "failed test send", allowed)
            await pilot.press("ctrl+t")  # the transcript
            await settle(pilot)
            await both_languages(pilot, "failed test send with its transcript", allowed)
            assert_no_errors(app)
