"""The sender profiles in the TUI: list, add, edit, remove, test one and test all.

Keys only, at 80x24, in French and in English. Two loopback servers: A holds the
company account, which may send as the company address only (send-as rights, as
Microsoft 365 grants them); B holds the account of its own of a supplier-orders
profile. The settings and the secrets are real files, read back after each save.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from account_servers import AccountServer, account_server
from smtp_servers import PASSWORD, USERNAME, Certificates, certs_fixture  # noqa: F401
from test_app_support import SIZE, assert_no_errors, build, fill, settle, texts

from comelin_tui import i18n, paths
from comelin_tui.attempt_log import last_attempt, read_attempts
from comelin_tui.config import config_from_dict, load_config, save_config
from comelin_tui.profiles import secret_name
from comelin_tui.screens.profile_wizard import ProfileWizardScreen
from comelin_tui.screens.profiles import ConfirmRemoveProfileScreen, ProfilesScreen
from comelin_tui.screens.test_send import TestSendScreen
from comelin_tui.secrets import SMTP_PASSWORD, FileSecretStore, secret_file_path

B_USER = "achats@fournil.test"
B_PASSWORD = "Fourn1l-Secret-pw!"
NEW_PASSWORD = "N0uveau-Secret-pw!"


@pytest.fixture(scope="module")
def server_a(certs: Certificates) -> Iterator[AccountServer]:
    # The company's login may send as the company address and as itself.
    yield from account_server(certs, senders=frozenset({"caisse@boulangerie.test", USERNAME}))


@pytest.fixture(scope="module")
def server_b(certs: Certificates) -> Iterator[AccountServer]:
    yield from account_server(certs, username=B_USER, password=B_PASSWORD,
                              senders=frozenset({B_USER, "commandes@fournil.test"}))


@pytest.fixture(autouse=True)
def _fresh(server_a: AccountServer, server_b: AccountServer) -> None:
    for server in (server_a, server_b):
        server.scripted.messages.clear()
        server.scripted.commands.clear()
        server.scripted.logins.clear()  # type: ignore[attr-defined]


@pytest.fixture
def saved(certs: Certificates, server_a: AccountServer, server_b: AccountServer) -> Path:
    path = paths.config_path()
    save_config(config_from_dict({
        "company": {"name": "Boulangerie", "email": "caisse@boulangerie.test"},
        "smtp": {"host": "127.0.0.1", "port": server_a.port, "security": "starttls",
                 "username": USERNAME, "from_address": "caisse@boulangerie.test",
                 "ca_file": str(certs.ca_file), "timeout": 3.0},
        "secret_backend": "file",
        "profiles": [
            {"name": "store-12-alerts", "store": "Store 12", "purpose": "alerts",
             "from_address": "alertes@boulangerie.test"},
            {"name": "store-12-orders", "store": "Store 12", "purpose": "orders",
             "from_address": B_USER,
             "account": {"host": "127.0.0.1", "port": server_b.port, "security": "starttls",
                         "username": B_USER, "ca_file": str(certs.ca_file)}},
        ],
    }), path)
    store = FileSecretStore(secret_file_path(path))
    store.set(SMTP_PASSWORD, PASSWORD)
    store.set(secret_name("store-12-orders"), B_PASSWORD)
    return path


def option_ids(options: Any) -> list[str | None]:
    return [options.get_option_at_index(i).id for i in range(options.option_count)]


def secrets(path: Path) -> FileSecretStore:
    return FileSecretStore(secret_file_path(path))


async def open_profiles(pilot: Any) -> ProfilesScreen:
    await settle(pilot)
    menu = pilot.app.screen.query_one("#home-menu")
    menu.focus()
    menu.highlighted = option_ids(menu).index("profiles")
    await pilot.press("enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ProfilesScreen)
    return screen


async def pick(pilot: Any, name: str, action: str) -> None:
    """Highlight *name* in the list with the arrows, Enter, then the action's entry."""
    screen = pilot.app.screen
    listing = screen.query_one("#profile-list")
    listing.focus()
    await pilot.press("home")
    names = option_ids(listing)
    for _ in range(names.index(name)):
        await pilot.press("down")
    await pilot.press("enter")
    menu = screen.query_one("#profiles-menu")
    assert pilot.app.focused is menu
    await pilot.press("home")
    for _ in range(option_ids(menu).index(action)):
        await pilot.press("down")
    await pilot.press("enter")
    await settle(pilot)


def profile_rows(pilot: Any) -> list[str]:
    listing = pilot.app.screen.query_one("#profile-list")
    return [str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)]


def in_view(pilot: Any, widget: Any) -> bool:
    geometry = pilot.app.screen.find_widget(widget)
    return geometry.clip.contains_region(geometry.region)


@pytest.mark.parametrize("lang", ["fr", "en"])
async def test_add_a_profile_with_its_own_account_then_test_it(
        saved: Path, server_b: AccountServer, lang: str) -> None:
    app = build(saved, language=lang)
    async with app.run_test(size=SIZE) as pilot:
        await open_profiles(pilot)
        rows = profile_rows(pilot)
        assert option_ids(app.screen.query_one("#profile-list")) == [
            "company", "store-12-alerts", "store-12-orders"]
        assert "alertes@boulangerie.test" in rows[1] and "Store 12" in rows[1]
        await pilot.press("ctrl+a")
        await settle(pilot)
        wizard = app.screen
        assert isinstance(wizard, ProfileWizardScreen)
        # Saved with nothing typed: refused, back on the step, the name asked for.
        wizard.save()
        await settle(pilot)
        assert wizard.current == "profile" and load_config(saved).profiles[-1].name == \
            "store-12-orders"
        assert app.focused is not None and app.focused.id == "profile-name"
        assert i18n.t("field.required", lang, field=i18n.t("config.label.profile.name", lang)) \
            in texts(pilot)
        shown = texts(pilot)
        assert i18n.t("tui.profile.intro_new", lang) in shown
        assert i18n.t("config.label.profile.from_address", lang) in shown
        # Keys only: the name, the store, the purpose (arrows in the set), the sender.
        await fill(pilot, "#profile-name", "store-14-orders")
        await pilot.press("tab")
        await fill(pilot, "#profile-store", "Store 14")
        await pilot.press("tab")  # the purposes
        await pilot.press("down", "down", "enter")  # supplier orders
        await fill(pilot, "#profile-from-address", "commandes@fournil.test")
        own = wizard.query_one("#profile-own-account")
        own.focus()
        await pilot.press("space")
        await settle(pilot)
        assert wizard.state.steps == ("profile", "server", "credentials", "review")
        steps = wizard.query_one("#steps")
        sidebar = [str(steps.get_option_at_index(i).prompt) for i in range(steps.option_count)]
        assert len(sidebar) == 5 and i18n.t("tui.step.server", lang) in sidebar[1]
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert wizard.current == "server"
        await fill(pilot, "#smtp-host", "127.0.0.1")
        await fill(pilot, "#smtp-port", str(server_b.port))
        wizard.query_one("#advanced").collapsed = False
        await settle(pilot)
        await fill(pilot, "#smtp-ca-file", str(load_config(saved).smtp.ca_file))
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert wizard.current == "credentials"
        # The login followed the sender; the account's login is typed over it.
        from test_app_support import value

        assert value(pilot, "#smtp-username") == "commandes@fournil.test"
        await fill(pilot, "#smtp-username", B_USER)
        await fill(pilot, "#password", B_PASSWORD)
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert wizard.current == "review"
        shown = texts(pilot)
        assert "store-14-orders" in shown and "commandes@fournil.test" in shown
        assert B_PASSWORD not in shown
        await pilot.press("enter")  # Save (focused)
        await settle(pilot)
        config = load_config(saved)
        names = [profile.name for profile in config.profiles]
        assert names == ["store-12-alerts", "store-12-orders", "store-14-orders"]
        added = config.profiles[-1]
        assert (added.store, added.purpose, added.from_address) == (
            "Store 14", "orders", "commandes@fournil.test")
        assert added.account is not None and added.account.username == B_USER
        assert added.account.port == server_b.port
        assert secrets(saved).get(secret_name("store-14-orders")) == B_PASSWORD
        assert B_PASSWORD not in saved.read_text()
        # The company settings are as they were.
        assert config.smtp.username == USERNAME
        assert secrets(saved).get(SMTP_PASSWORD) == PASSWORD
        # After Save, the test is the focused button, in view; it tests this profile.
        assert app.focused is not None and app.focused.id == "test"
        assert in_view(pilot, app.focused)
        await pilot.press("enter")
        await settle(pilot)
        test = app.screen
        assert isinstance(test, TestSendScreen) and test.profile_name == "store-14-orders"
        await pilot.press("enter")  # the recipient is focused: Enter sends
        await settle(pilot)
        assert test.result is not None and test.result.status == "ok", texts(pilot)
        assert server_b.scripted.logins == [B_USER]  # type: ignore[attr-defined]
        assert b"From: commandes@fournil.test" in server_b.scripted.messages[-1]
        assert B_PASSWORD not in texts(pilot)
        assert_no_errors(app)


@pytest.mark.parametrize("lang", ["fr", "en"])
async def test_edit_a_profile_keeps_its_name_and_the_others(saved: Path, lang: str) -> None:
    app = build(saved, language=lang)
    async with app.run_test(size=SIZE) as pilot:
        await open_profiles(pilot)
        await pick(pilot, "store-12-alerts", "edit")
        wizard = app.screen
        assert isinstance(wizard, ProfileWizardScreen)
        # A saved profile's name is its key: shown in the title, not offered to edit.
        assert not wizard.query_one("#field-profile-name").display
        assert "store-12-alerts" in wizard.query_one(".title-text").text
        assert wizard.state.steps == ("profile", "review")  # the company account
        focused = app.focused
        assert focused is not None and focused.id == "profile-store"
        await fill(pilot, "#profile-from-address", "caisse@boulangerie.test")
        await fill(pilot, "#profile-display-name", "Alertes Magasin 12")
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert wizard.current == "review"
        await pilot.press("enter")
        await settle(pilot)
        # The send-as warning above it is long: the test button is still in view.
        assert app.focused is not None and app.focused.id == "test"
        assert in_view(pilot, app.focused)
        config = load_config(saved)
        edited = config.profiles[0]
        assert (edited.name, edited.from_address, edited.display_name, edited.purpose) == (
            "store-12-alerts", "caisse@boulangerie.test", "Alertes Magasin 12", "alerts")
        assert edited.account is None
        assert [p.name for p in config.profiles] == ["store-12-alerts", "store-12-orders"]
        # Back to the list (Escape on the review goes back a step, then to the list).
        await pilot.press("escape", "escape")
        await settle(pilot)
        assert isinstance(app.screen, ProfilesScreen)
        assert "caisse@boulangerie.test" in profile_rows(pilot)[1]
        assert_no_errors(app)


@pytest.mark.parametrize("lang", ["fr", "en"])
async def test_remove_asks_first_keeps_by_default_and_erases_its_secret(
        saved: Path, lang: str) -> None:
    app = build(saved, language=lang)
    async with app.run_test(size=SIZE) as pilot:
        await open_profiles(pilot)
        await pick(pilot, "store-12-orders", "remove")
        dialog = app.screen
        assert isinstance(dialog, ConfirmRemoveProfileScreen)
        assert app.focused is not None and app.focused.id == "keep"
        assert i18n.t("tui.profiles.remove_title", lang, name="store-12-orders") in texts(pilot)
        await pilot.press("enter")  # by reflex: kept
        await settle(pilot)
        assert [p.name for p in load_config(saved).profiles] == ["store-12-alerts",
                                                                 "store-12-orders"]
        await pick(pilot, "store-12-orders", "remove")
        await pilot.press("left", "enter")  # "Remove"
        await settle(pilot)
        assert isinstance(app.screen, ProfilesScreen)
        assert [p.name for p in load_config(saved).profiles] == ["store-12-alerts"]
        assert secrets(saved).get(secret_name("store-12-orders")) is None
        assert secrets(saved).get(SMTP_PASSWORD) == PASSWORD
        assert len(profile_rows(pilot)) == 2
        # The company profile is not removed from here.
        await pick(pilot, "company", "remove")
        assert isinstance(app.screen, ProfilesScreen)
        assert load_config(saved).smtp.username == USERNAME
        assert_no_errors(app)


async def test_test_all_runs_once_per_account_and_sender_and_names_the_refused_sender(
        saved: Path, server_a: AccountServer, server_b: AccountServer) -> None:
    lang = "fr"
    app = build(saved, language=lang)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_profiles(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert set(screen.runs) == {"company", "store-12-alerts", "store-12-orders"}
        assert screen.runs["company"].status == "ok"
        assert screen.runs["store-12-orders"].status == "ok"
        assert screen.runs["store-12-alerts"].code == "sender.send_as_denied"
        rows = profile_rows(pilot)
        failed = i18n.t("tui.profiles.status.fail", lang).strip()
        passed = i18n.t("tui.profiles.status.ok", lang).strip()
        assert rows[1].startswith(failed) and rows[0].startswith(passed), rows
        results = screen.query_one("#profiles-results").text
        assert "store-12-alerts" in results
        # One login on each server per distinct account and sender.
        assert server_a.scripted.logins == [USERNAME, USERNAME]  # type: ignore[attr-defined]
        assert server_b.scripted.logins == [B_USER]  # type: ignore[attr-defined]
        assert in_view(pilot, screen.query_one("#profiles-results"))
        # Each test is in the attempt log with the profile it tested; the home screen's
        # "last test" is the company settings' own.
        assert sorted(str(a.profile) for a in read_attempts()) == [
            "None", "store-12-alerts", "store-12-orders"]
        last = last_attempt(config_path=saved)
        assert last is not None and last.profile is None and last.status == "ok"
        assert_no_errors(app)


async def test_the_fix_for_a_refused_sender_changes_that_profile_not_the_company(
        saved: Path, server_a: AccountServer) -> None:
    app = build(saved, language="fr")
    async with app.run_test(size=SIZE) as pilot:
        await open_profiles(pilot)
        await pick(pilot, "store-12-alerts", "test")
        test = app.screen
        assert isinstance(test, TestSendScreen)
        assert "store-12-alerts" in test.query_one(".title-text").text
        await pilot.press("enter")
        await settle(pilot)
        assert test.result is not None and test.result.diagnosis is not None
        assert test.result.diagnosis.code == "sender.send_as_denied"
        await pilot.press("ctrl+f")
        await settle(pilot)
        config = load_config(saved)
        assert config.profiles[0].from_address == USERNAME  # the login it may send as
        assert config.smtp.from_address == "caisse@boulangerie.test"
        assert test.result is not None and test.result.status == "ok"
        assert_no_errors(app)


async def test_the_language_switch_redraws_the_list_and_the_profile_step(saved: Path) -> None:
    app = build(saved, language="fr")
    async with app.run_test(size=SIZE) as pilot:
        await open_profiles(pilot)
        assert i18n.t("profile.purpose.alerts", "fr") in profile_rows(pilot)[1]
        await pilot.press("f2")
        await settle(pilot)
        assert i18n.t("profile.purpose.alerts", "en") in profile_rows(pilot)[1]
        menu = app.screen.query_one("#profiles-menu")
        assert i18n.t("tui.profiles.action.add", "en") in [
            str(menu.get_option_at_index(i).prompt) for i in range(menu.option_count)]
        await pilot.press("ctrl+a")
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        shown = texts(pilot)
        assert i18n.t("tui.profile.intro_new", "fr") in shown
        assert i18n.t("tui.profile.intro_new", "en") not in shown
        radio = app.screen.query_one("#purpose-orders")
        assert str(radio.label) == i18n.t("profile.purpose.orders", "fr")
        assert_no_errors(app)
