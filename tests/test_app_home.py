"""The home screen's dashboard: its "Last test" line and its "Start over" action.

The last test comes from the real attempt log (written here with the real
functions), the settings from a real file; keys only, at 80x24.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from test_app_support import SIZE, assert_no_errors, build, settle, texts

from comelin_tui import cli, paths
from comelin_tui.attempt_log import Attempt, append_attempt, config_key, last_attempt
from comelin_tui.config import Config, SmtpSettings, save_config
from comelin_tui.screens.confirm import ConfirmStartOverScreen
from comelin_tui.screens.home import HomeScreen
from comelin_tui.screens.wizard import WizardScreen

NOW = datetime.now(UTC)


def save_settings(path: Path, host: str = "smtp.exemple.ca") -> Path:
    save_config(Config(company={"name": "Quincaillerie", "email": "ventes@exemple.ca"},
                       smtp=SmtpSettings(host=host, port=587, security="starttls",
                                         username="ventes@exemple.ca",
                                         from_address="ventes@exemple.ca"),
                       secret_backend="file"), path)
    return path


def log(minutes_ago: int, status: str, host: str, config: Path | None, *,
        port: int | None = 587, adhoc: bool = False, code: str | None = None) -> None:
    append_attempt(Attempt(time=NOW - timedelta(minutes=minutes_ago), status=status,
                           host=host, port=port, code=code, adhoc=adhoc,
                           config=config_key(config) if config else None))


def last_test_line(pilot) -> str:
    shown = texts(pilot)
    label = "Dernier test" if "Dernier test" in shown else "Last test"
    lines = shown.splitlines()
    return lines[lines.index(label) + 1]


async def test_last_test_is_this_settings_files_own_not_another_or_an_adhoc_run(
        tmp_path: Path) -> None:
    config_path = save_settings(paths.config_path())
    other = save_settings(tmp_path / "other.toml", host="smtp.autre.ca")
    log(30, "ok", "smtp.exemple.ca", config_path)  # this file's own: shown
    log(20, "fail", "smtp.autre.ca", other, code="auth.invalid_credentials")
    log(10, "fail", "smtp.essai.ca", config_path, adhoc=True,  # check --host
        code="connect.refused")
    log(5, "fail", "smtp.vieux.ca", None, code="auth.invalid_credentials")  # which file?
    app = build(config_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        line = last_test_line(pilot)
        assert line.startswith("passed on") and "smtp.exemple.ca:587" in line, line
        shown = texts(pilot)
        for elsewhere in ("smtp.autre.ca", "smtp.essai.ca", "smtp.vieux.ca", "FAILED"):
            assert elsewhere not in shown
        assert_no_errors(app)


async def test_no_test_of_these_settings_yet_even_with_others_in_the_log(
        tmp_path: Path) -> None:
    config_path = save_settings(paths.config_path())
    log(5, "ok", "smtp.autre.ca", save_settings(tmp_path / "other.toml", "smtp.autre.ca"))
    log(1, "ok", "smtp.essai.ca", config_path, adhoc=True)
    app = build(config_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert last_test_line(pilot) == "no test send yet"


async def test_a_run_that_knew_no_port_or_server_never_shows_none(tmp_path: Path) -> None:
    config_path = save_settings(paths.config_path())
    log(1, "unknown", "", config_path, port=None, code="config.invalid")
    for lang, start in (("en", "could not start on"), ("fr", "n'a pas pu commencer le")):
        app = build(config_path, language=lang)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            line = last_test_line(pilot)
            assert line.startswith(start), line
            assert "None" not in line and "(:" not in line and ":)" not in line
            assert "no server given" in line or "serveur non précisé" in line
    log(0, "unknown", "smtp.exemple.ca", config_path, port=None, code="config.invalid")
    app = build(config_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        line = last_test_line(pilot)
        assert "(smtp.exemple.ca)" in line and "None" not in line, line


def test_the_cli_logs_which_settings_file_it_tested_and_an_adhoc_run_as_such(
        capsys) -> None:
    """A real `check` that cannot start (no password) logs a record either way."""
    config_path = save_settings(paths.config_path())
    assert cli.run(["check", "--no-probe"]) == 3
    saved_run = last_attempt(config_path=config_path)
    assert saved_run is not None and saved_run.adhoc is False
    assert saved_run.config == config_key(config_path)
    assert cli.run(["check", "--no-probe", "--port", "2525"]) == 3
    newest = last_attempt()
    assert newest is not None and newest.adhoc is True
    assert last_attempt(config_path=config_path) == saved_run  # still the last real test
    capsys.readouterr()


async def test_start_over_asks_first_and_cancel_is_the_default() -> None:
    config_path = save_settings(paths.config_path())
    before = config_path.read_text()
    app = build(config_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        menu = app.screen.query_one("#home-menu")
        start = next(i for i in range(menu.option_count)
                     if menu.get_option_at_index(i).id == "start")
        menu.highlighted = start
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmStartOverScreen)
        assert "Start over?" in texts(pilot)
        assert app.focused.id == "cancel"  # the safe choice is Enter's
        await pilot.press("left")  # the arrows move between the buttons, as elsewhere
        assert app.focused.id == "start-over"
        await pilot.press("right")
        assert app.focused.id == "cancel"
        await pilot.press("f2")  # its words follow the language
        await settle(pilot)
        assert "Tout recommencer?" in texts(pilot)
        await pilot.press("f2")
        await pilot.press("enter")  # Cancel: back home, nothing changed
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("escape")  # Escape cancels too
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert config_path.read_text() == before
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("left", "enter")  # "Start over", chosen in so many keys
        await settle(pilot)
        assert isinstance(app.screen, WizardScreen)
        assert app.screen.draft.smtp.host == ""  # a blank page
        assert_no_errors(app)
    assert config_path.read_text() == before  # nothing erased before a save


async def test_no_password_yet_and_no_secret_file_is_not_said_to_be_kept(
        tmp_path: Path) -> None:
    """The dashboard's secret line agrees with `show`: a secret file that does not exist
    keeps nothing ("readable only by you" would be a promise about nothing)."""
    config_path = save_settings(paths.config_path())
    app = build(config_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.workers.wait_for_complete()
        await settle(pilot)
        shown = " ".join(texts(pilot).split())
        assert "NO password saved yet" in shown and "No secret file yet" in shown, shown
        assert "Kept in the file" not in shown and "0600" not in shown
        await pilot.press("f2")
        await settle(pilot)
        shown = " ".join(texts(pilot).split())
        assert "Aucun fichier de secrets" in shown and "Conservé" not in shown, shown


async def test_start_over_leaves_no_step_ticked_not_even_the_old_settings_test() -> None:
    config_path = save_settings(paths.config_path())
    app = build(config_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.last_test_status = "ok"  # as the test screen sets it after a passed send
        app.open_wizard("edit")
        await settle(pilot)
        steps = app.screen.query_one("#steps")
        assert str(steps.get_option("test").prompt) == "[x] Test send"  # the saved ones
        await pilot.press("escape")  # first step: back home, nothing typed
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        menu = app.screen.query_one("#home-menu")
        menu.highlighted = next(i for i in range(menu.option_count)
                                if menu.get_option_at_index(i).id == "start")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("left", "enter")  # Start over
        await settle(pilot)
        wizard = app.screen
        assert isinstance(wizard, WizardScreen)
        steps = wizard.query_one("#steps")
        rows = [str(steps.get_option_at_index(i).prompt) for i in range(steps.option_count)]
        assert rows[0].startswith("[>]") and rows[-1] == "[ ] Test send", rows
        assert not any(row.startswith(("[x]", "[!]")) for row in rows), rows
        assert_no_errors(app)
