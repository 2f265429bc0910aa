"""The wizard's words as a technician reads them: French typography at 80 columns,
"saved" said only when something was written, the demo's password and server."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from focus_support import cells
from language_check import drawn_text, widget_texts
from test_app_support import SIZE, assert_no_errors, build, paste, settle, texts
from textual.widgets import Input

from comelin_tui.config import load_config, save_config
from comelin_tui.sandbox import Sandbox
from comelin_tui.screens.wizard import WizardScreen
from comelin_tui.secrets import SMTP_PASSWORD, FileSecretStore, secret_file_path


def saved_for(sandbox: Sandbox, config_path: Path, language: str = "en") -> None:
    config = sandbox.demo_config()
    config.language = language  # type: ignore[assignment]
    config.secret_backend = "file"  # type: ignore[assignment]
    save_config(config, config_path)
    FileSecretStore(secret_file_path(config_path)).set(SMTP_PASSWORD, sandbox.password)


def stamp(path: Path) -> tuple[int, int]:
    status = os.stat(path)
    return status.st_ino, status.st_mtime_ns


async def press_save(pilot) -> None:
    wizard = pilot.app.screen
    assert isinstance(wizard, WizardScreen)
    wizard.goto("review")
    await settle(pilot)
    wizard.query_one("#save").focus()
    await pilot.press("enter")
    await settle(pilot)


async def test_saving_with_no_change_says_nothing_changed_and_writes_nothing(
        tmp_path: Path) -> None:
    config_path = tmp_path / "config.toml"
    with Sandbox() as sandbox:
        saved_for(sandbox, config_path)
        before = stamp(config_path)
        secrets_before = stamp(secret_file_path(config_path))
        app = build(config_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            app.open_wizard("edit")
            await settle(pilot)
            await press_save(pilot)
            shown = texts(pilot)
            assert "Nothing changed" in shown, shown
            assert "Settings and password saved" not in shown
            assert stamp(config_path) == before
            assert stamp(secret_file_path(config_path)) == secrets_before
            assert not config_path.with_name("config.toml.bak").exists()
            # A real change is saved, and said so.
            wizard = app.screen
            assert isinstance(wizard, WizardScreen)
            wizard.goto("email")
            await settle(pilot)
            field = wizard.query_one("#company-name")
            field.focus()  # type: ignore[attr-defined]
            await pilot.press("end", *"x")
            await press_save(pilot)
            shown = texts(pilot)
            assert "Nothing changed" not in shown
            assert "saved" in shown
            assert load_config(config_path).company.name.endswith("x")
            assert config_path.with_name("config.toml.bak").exists()
            assert_no_errors(app)


async def open_demo_wizard(pilot) -> WizardScreen:
    await settle(pilot)
    await pilot.press("enter")  # "Start the setup"
    await settle(pilot)
    wizard = pilot.app.screen
    assert isinstance(wizard, WizardScreen)
    return wizard


async def test_the_demo_password_can_be_put_back_after_being_cleared(tmp_path: Path) -> None:
    app = build(tmp_path / "real" / "config.toml", demo=True)
    async with app.run_test(size=SIZE) as pilot:
        wizard = await open_demo_wizard(pilot)
        demo_password = app.demo.password
        wizard.goto("credentials")
        await settle(pilot)
        shown = texts(pilot)
        assert "the demo password is already entered" in shown
        assert "Put back the demo password" in shown
        field = wizard.query_one("#password", Input)
        field.focus()
        await pilot.press("end", "ctrl+u")  # cleared by mistake
        await settle(pilot)
        assert field.value == "" and wizard.state.password is None
        button = wizard.query_one("#demo-password")
        button.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert field.value == demo_password
        assert wizard.state.password is not None
        assert wizard.state.password.reveal() == demo_password
        assert field.password is False  # shown, as "to see it" promised
        assert app.focused is field
        assert not wizard.dirty  # the demo's own password: nothing changed
        assert_no_errors(app)


async def test_the_demo_password_button_is_not_there_outside_the_demo(tmp_path: Path) -> None:
    app = build(tmp_path / "config.toml")
    async with app.run_test(size=SIZE) as pilot:
        wizard = await open_demo_wizard(pilot)
        wizard.goto("credentials")
        await settle(pilot)
        assert not wizard.query_one("#demo-password").display
        assert "demo password" not in texts(pilot).lower()


async def test_the_demo_server_stays_when_another_provider_is_picked(tmp_path: Path) -> None:
    app = build(tmp_path / "real" / "config.toml", demo=True)
    async with app.run_test(size=SIZE) as pilot:
        wizard = await open_demo_wizard(pilot)
        sandbox = app.demo.sandbox
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert wizard.current == "provider"
        await pilot.press(*"zoho")  # a provider with several known servers
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        if wizard.current == "provider":
            await pilot.press("enter")
            await settle(pilot)
        assert wizard.draft.provider == "zoho"
        assert wizard.current == "server"
        assert wizard.draft.smtp.host == sandbox.host
        assert wizard.draft.smtp.port == sandbox.port
        assert wizard.draft.smtp.security == "starttls"
        shown = texts(pilot)
        assert "zoho" not in shown.lower(), shown
        assert f"the only server is the demo's, {sandbox.host}, port {sandbox.port}" in shown
        assert not wizard.query_one("#server-presets").display
        assert_no_errors(app)


_COLUMN_EDGES = re.compile(r"[▕▏│┃█▌▐▊▎▍▋▉▇▆▅▄▃▂▁]")


def lines_starting_with_a_mark(app) -> list[str]:
    """Drawn lines (each column of the screen on its own) that start with a French
    punctuation mark: ':' or '»' (or ; ? !) carried over from the line before."""
    bad = []
    for line in drawn_text(app).splitlines():
        for part in _COLUMN_EDGES.split(line):
            head = part.lstrip()[:2]
            if head[:1] in (":", "»", ";", "?", "!") and head[1:] in ("", " ", "\u00a0"):
                bad.append(line)
    return bad


async def test_french_at_80_columns_never_starts_a_line_with_a_colon(tmp_path: Path) -> None:
    """Every step of the demo and the help of each, in French at 80x24."""
    app = build(tmp_path / "real" / "config.toml", demo=True, language="fr")
    async with app.run_test(size=SIZE) as pilot:
        wizard = await open_demo_wizard(pilot)
        seen = []
        for step in ("email", "provider", "server", "credentials", "review"):
            wizard.goto(step)
            await settle(pilot)
            seen.append(drawn_text(app))
            assert not lines_starting_with_a_mark(app), (step, lines_starting_with_a_mark(app))
            await pilot.press("f1")
            await settle(pilot)
            seen.append(drawn_text(app))
            assert not lines_starting_with_a_mark(app), (step, lines_starting_with_a_mark(app))
            await pilot.press("escape")
            await settle(pilot)
        # The screens hold French punctuation that wraps: the check above has lines to check.
        assert sum(text.count("\u00a0:") for text in seen) > 5
        assert_no_errors(app)


async def test_the_server_step_in_english_has_no_french_spacing(tmp_path: Path) -> None:
    """The known servers of a provider read "smtp.x.test:587, STARTTLS", not
    "smtp.x.test : 587 STARTTLS"; "Other" has common settings, not "de Autre"."""
    for lang in ("en", "fr"):
        app = build(tmp_path / lang / "config.toml", language=lang)
        async with app.run_test(size=SIZE) as pilot:
            wizard = await open_demo_wizard(pilot)
            await paste(pilot, "ventes@exemple.test")
            await pilot.press("ctrl+n")
            await settle(pilot)
            assert wizard.current == "provider" and wizard.draft.provider == "custom"
            await pilot.press("ctrl+n")
            await settle(pilot)
            assert wizard.current == "server"
            shown = drawn_text(app) + "\n" + widget_texts(app)
            assert "smtp.exemple.test:587, STARTTLS" in shown, shown
            if lang == "en":
                assert not re.search(r"\w :(\s|$)", shown), shown
                assert "Common settings to try" in shown
            else:
                assert "Réglages courants à essayer" in shown
                assert "de Autre" not in shown and "connus pour Autre" not in shown
            assert_no_errors(app)


async def test_the_welcome_lists_the_six_steps_and_step_one_help_names_no_provider(
        tmp_path: Path) -> None:
    """The welcome counts the steps as the wizard does; F1 on the first field before a
    provider is picked says no "Other / custom:" of a provider nobody chose."""
    app = build(tmp_path / "config.toml", language="fr")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        shown = texts(pilot)
        assert "  6. un envoi test" in shown and "  5. une vérification" in shown, shown
        wizard = await open_demo_wizard(pilot)
        assert wizard.draft.provider == "custom"
        await pilot.press("f1")
        await settle(pilot)
        shown = texts(pilot)
        assert "Autre / personnalisé" not in shown, shown
        assert_no_errors(app)


async def test_the_checklist_links_follow_french_typography(tmp_path: Path) -> None:
    app = build(tmp_path / "config.toml", language="fr")
    async with app.run_test(size=SIZE) as pilot:
        wizard = await open_demo_wizard(pilot)
        wizard.choose_provider("google-workspace", by_user=True)
        await settle(pilot)
        wizard.goto("provider")
        await settle(pilot)
        checklist = str(wizard.query_one("#provider-checklist").render())
        links = [line for line in checklist.splitlines() if line.startswith("> ")]
        assert links, checklist
        for line in links:
            assert "\u00a0: http" in line, line
        assert_no_errors(app)


@pytest.mark.parametrize(("lang", "words"), [("fr", "Des chiffres seulement dans ce champ."),
                                             ("en", "Digits only in this field.")])
async def test_a_letter_in_the_port_is_refused_with_words_not_silently(
        tmp_path: Path, lang: str, words: str) -> None:
    app = build(tmp_path / "config.toml", language=lang)
    async with app.run_test(size=SIZE) as pilot:
        wizard = await open_demo_wizard(pilot)
        wizard.goto("server")
        await settle(pilot)
        port = wizard.query_one("#smtp-port", Input)
        port.focus()
        await settle(pilot)
        before = port.value
        await pilot.press("a")
        await settle(pilot)
        assert port.value == before  # refused, as before
        assert words in texts(pilot)
        await pilot.press("end", "backspace")  # an accepted key clears it
        await settle(pilot)
        assert words not in texts(pilot)
        assert_no_errors(app)


async def test_a_save_that_changes_nothing_keeps_the_last_test_ticked(tmp_path: Path) -> None:
    config_path = tmp_path / "config.toml"
    with Sandbox() as sandbox:
        saved_for(sandbox, config_path)
        app = build(config_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("enter")  # Send a test email: a real send to the sandbox
            await settle(pilot)
            await pilot.press("ctrl+r")
            await settle(pilot)
            assert app.last_test_status == "ok" and len(sandbox.mailbox) == 1
            await pilot.press("escape")
            await settle(pilot)
            app.open_wizard("edit")
            await settle(pilot)
            wizard = app.screen
            assert isinstance(wizard, WizardScreen)
            steps = wizard.query_one("#steps")
            assert str(steps.get_option("test").prompt) == "[x] Test send"
            await press_save(pilot)
            assert "Nothing changed" in texts(pilot)
            assert str(steps.get_option("test").prompt) == "[x] Test send"  # still holds
            assert_no_errors(app)


async def test_the_login_step_says_where_the_password_is_once_it_is_saved(
        tmp_path: Path) -> None:
    """Before the first save the secret file is not there and the Login step says so;
    after the save, back on that step, it says the file keeps it (not "will be
    created")."""
    app = build(tmp_path / "real" / "config.toml", demo=True)
    async with app.run_test(size=SIZE) as pilot:
        wizard = await open_demo_wizard(pilot)
        wizard.goto("credentials")
        await settle(pilot)
        assert "No secret file yet" in texts(pilot)
        await press_save(pilot)
        assert secret_file_path(app.config_path).exists()
        wizard.goto("credentials")
        await settle(pilot)
        shown = texts(pilot)
        assert "No secret file yet" not in shown, shown
        assert "Kept in the file" in shown
        assert_no_errors(app)


async def test_the_kept_password_placeholder_fits_the_field_at_80_columns(
        tmp_path: Path) -> None:
    """With a password saved, the empty password field says it keeps it, whole (its
    closing bracket shown), in French and in English."""
    config_path = tmp_path / "config.toml"
    with Sandbox() as sandbox:
        saved_for(sandbox, config_path)
        for language in ("fr", "en"):
            app = build(config_path, language=language)
            async with app.run_test(size=SIZE) as pilot:
                await settle(pilot)
                app.open_wizard("edit")
                await settle(pilot)
                wizard = app.screen
                assert isinstance(wizard, WizardScreen)
                wizard.goto("credentials")
                await settle(pilot)
                field = wizard.query_one("#password", Input)
                assert field.value == "" and field.placeholder
                shown = "".join(char for row in cells(pilot, field, "none")
                                for char, _style in row)
                assert field.placeholder in shown, (language, shown)
                assert_no_errors(app)
