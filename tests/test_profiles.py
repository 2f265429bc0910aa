"""Sender profiles in the settings: the model, the version-1 migration, the fast reader."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from comelin_tui.config import (
    CONFIG_VERSION,
    ConfigError,
    backup_path,
    config_from_dict,
    load_config,
    save_config,
)
from comelin_tui.config_read import read_config, view_from_dict, view_of
from comelin_tui.profiles import (
    COMPANY,
    all_profiles,
    check_groups,
    find_profile,
    profile_config,
    purpose_label,
    secret_name,
    sender_domains,
    senders,
)

# A file exactly as version 1 wrote it (the version before profiles).
VERSION_1 = """\
# comelin-tui settings: the password is not in this file.

version = 1
provider = "custom"

[company]
name = "Boulangerie Élan"
email = "caisse@boulangerie.example"

[smtp]
host = "smtp.boulangerie.example"
port = 587
security = "starttls"
auth = "password"
username = "caisse@boulangerie.example"
from_address = "caisse@boulangerie.example"
timeout = 15.0
allow_insecure_auth = false
"""

TWO_PROFILES: dict[str, Any] = {
    "company": {"name": "Boulangerie", "email": "caisse@boulangerie.example"},
    "smtp": {"host": "smtp.boulangerie.example", "username": "caisse@boulangerie.example",
             "from_address": "caisse@boulangerie.example"},
    "profiles": [
        {"name": "store-12-alerts", "store": "Store 12", "purpose": "ALERTS",
         "from_address": "alertes@boulangerie.example", "display_name": "Alertes 12"},
        {"name": "store-12-orders", "store": "Store 12", "purpose": "Commandes du jeudi",
         "from_address": "achats@fournil.example", "reply_to": "gerant@fournil.example",
         "account": {"host": "smtp.fournil.example", "port": 465, "security": "implicit_tls",
                     "username": "achats@fournil.example"}},
    ],
}


def test_a_version_1_file_loads_unchanged_and_is_rewritten_only_on_save(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(VERSION_1, "utf-8")
    path.chmod(0o600)
    before = path.read_bytes()
    config = load_config(path)
    view = read_config(path)
    # Loading reads: the file is the same bytes afterwards, and no .bak appeared.
    assert path.read_bytes() == before and not backup_path(path).exists()
    assert config.version == CONFIG_VERSION == 2 and config.profiles == []
    assert view == view_of(config)
    assert config.smtp.from_address == "caisse@boulangerie.example"
    # The company settings are the default profile, as they were.
    [company] = all_profiles(config)
    assert company.name == COMPANY and company.from_address == "caisse@boulangerie.example"
    assert company.account is None
    # Saving writes the new version; the version-1 file is the backup, byte for byte.
    save_config(config, path)
    text = path.read_text("utf-8")
    assert "version = 2" in text and "profiles" not in text
    assert backup_path(path).read_bytes() == before
    assert load_config(path) == config


def test_profiles_round_trip_through_the_file(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    config = config_from_dict(TWO_PROFILES)
    save_config(config, path)
    text = path.read_text("utf-8")
    assert "[[profiles]]" in text and "[profiles.account]" in text
    assert load_config(path) == config
    assert read_config(path) == view_of(config)
    alerts, orders = config.profiles
    assert alerts.purpose == "alerts"  # a known purpose, whatever its case
    assert orders.purpose == "Commandes du jeudi"  # free text, as typed
    assert orders.account is not None and orders.account.port == 465


def test_the_fast_reader_and_the_models_agree_on_profiles() -> None:
    assert view_from_dict(TWO_PROFILES) == view_of(config_from_dict(TWO_PROFILES))


@pytest.mark.parametrize(("profiles", "words"), [
    ([{"name": "a", "from_address": "a@x.example"}, {"name": "A", "from_address": "b@x.example"}],
     "two profiles are named \"a\""),
    ([{"name": "company", "from_address": "a@x.example"}], "company profile"),
    ([{"name": "store 12", "from_address": "a@x.example"}], "invalid profile name"),
    ([{"name": "a"}], "profiles.0.from_address"),
    ([{"name": "a", "from_address": "a@x.example", "account": {"username": "u"}}],
     "profiles.0.account.host"),
    ([{"name": "a", "from_address": "a@x.example", "account": {"host": "h.example",
                                                               "security": "tls"}}],
     "starttls, implicit_tls, none"),
    ([{"name": "a", "from_address": "a@x.example", "colour": "blue"}], "unknown setting"),
])
def test_bad_profiles_are_refused_in_both_readers_with_the_same_words(
        profiles: list[dict[str, Any]], words: str) -> None:
    data = {"profiles": profiles}
    with pytest.raises(ConfigError) as model:
        config_from_dict(data)
    with pytest.raises(ConfigError) as view:
        view_from_dict(data)
    assert words in model.value.message("en")
    assert view.value.message("en") == model.value.message("en")
    assert view.value.message("fr") == model.value.message("fr")
    assert model.value.message("fr") != model.value.message("en")


def test_a_bad_profile_in_the_file_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('version = 2\n\n[[profiles]]\nname = "a"\nfrom_address = "a@x.example"\n\n'
                    '[[profiles]]\nname = "b"\nfrom_address = "not an address"\n', "utf-8")
    path.chmod(0o600)
    with pytest.raises(ConfigError) as caught:
        read_config(path)
    assert caught.value.line == 9 and caught.value.field == "profiles.1.from_address"


def test_profile_config_gives_each_profile_its_sender_and_account() -> None:
    view = view_from_dict(TWO_PROFILES)
    company, alerts, orders = all_profiles(view)
    assert profile_config(view, company) is view
    through_company = profile_config(view, alerts)
    assert through_company.smtp.from_address == "alertes@boulangerie.example"
    assert through_company.smtp.host == "smtp.boulangerie.example"
    assert through_company.smtp.username == "caisse@boulangerie.example"
    own = profile_config(view, orders)
    assert (own.smtp.host, own.smtp.port, own.smtp.security, own.smtp.username) == (
        "smtp.fournil.example", 465, "implicit_tls", "achats@fournil.example")
    assert own.smtp.reply_to == "gerant@fournil.example" and own.smtp.auth == "password"
    # The pydantic settings give the same.
    model = config_from_dict(TWO_PROFILES)
    assert view_of(profile_config(model, orders)) == own
    assert orders.secret == secret_name("store-12-orders") and alerts.secret is None


def test_tests_and_domain_checks_run_once_per_account_sender_and_domain() -> None:
    data = {**TWO_PROFILES, "profiles": [
        *TWO_PROFILES["profiles"],
        # Same sender through the company account as the company itself: one test.
        {"name": "store-14", "from_address": "CAISSE@boulangerie.example"},
        # Same account as store-12-orders, another sender: its own test (send-as).
        {"name": "store-14-orders", "from_address": "achats14@fournil.example",
         "account": {"host": "SMTP.fournil.example", "port": 465, "security": "implicit_tls",
                     "username": "achats@fournil.example"}},
    ]}
    profiles = all_profiles(view_from_dict(data))
    groups = [[profile.name for profile in group] for group in check_groups(profiles)]
    assert groups == [["company", "store-14"], ["store-12-alerts"], ["store-12-orders"],
                      ["store-14-orders"]]
    domains = {domain: [p.name for p in group] for domain, group in
               sender_domains(profiles).items()}
    assert domains == {"boulangerie.example": ["company", "store-12-alerts", "store-14"],
                       "fournil.example": ["store-12-orders", "store-14-orders"]}
    assert senders(view_from_dict(data))["achats14@fournil.example"].name == "store-14-orders"


def test_lookup_and_words() -> None:
    view = view_from_dict(TWO_PROFILES)
    assert find_profile(view, "Store-12-Orders").name == "store-12-orders"
    assert find_profile(view, "company").is_company
    with pytest.raises(LookupError):
        find_profile(view, "nobody")
    assert purpose_label("orders", "fr") == "commandes aux fournisseurs"
    assert purpose_label("orders", "en") == "supplier orders"
    assert purpose_label("Commandes du jeudi", "en") == "Commandes du jeudi"


def test_a_wizard_save_keeps_the_profiles_added_while_it_was_open(tmp_path: Path) -> None:
    from comelin_tui.config import Config, update_config
    from comelin_tui.wizard_state import SavePlan, write_plan

    path = tmp_path / "config.toml"
    save_config(config_from_dict(TWO_PROFILES), path)
    draft = load_config(path)  # what the wizard opened with
    # Meanwhile, a script removes one profile and adds another.
    update_config(path, lambda current: current.model_copy(update={"profiles": [
        current.profiles[1],
        current.profiles[0].model_copy(update={"name": "store-20",
                                               "from_address": "vingt@boulangerie.example"})]}))
    draft.company.name = "Boulangerie du coin"
    written, changed = write_plan(SavePlan(draft, "file", None, None), path)
    saved = load_config(path)
    assert changed and saved == written and saved.company.name == "Boulangerie du coin"
    assert [p.name for p in saved.profiles] == ["store-12-orders", "store-20"]
    # A file that does not load is replaced, as before (its copy kept aside).
    path.write_text("version = 2\nnot toml", "utf-8")
    assert write_plan(SavePlan(Config(), "file", None, None), path)[0].profiles == []
    assert load_config(path).profiles == []


def test_set_and_remove_profile_are_pure_changes_of_the_settings() -> None:
    from comelin_tui.config_validate import FieldError
    from comelin_tui.profiles import ProfileError, remove_profile, set_profile

    config = config_from_dict(TWO_PROFILES)
    added = set_profile(config, "Store-20", {"from_address": "vingt@boulangerie.example",
                                             "purpose": "orders"}, adding=True)
    assert config.profiles == config_from_dict(TWO_PROFILES).profiles  # not changed in place
    assert [p.name for p in added.profiles][-1] == "store-20"
    changed = set_profile(added, "store-20", {"store": "Store 20"},
                          {"host": "smtp.vingt.example", "username": "v"}, adding=False)
    [own] = [p for p in changed.profiles if p.name == "store-20"]
    assert own.store == "Store 20" and own.purpose == "orders"
    assert own.account is not None and own.account.host == "smtp.vingt.example"
    merged = set_profile(changed, "store-20", {}, {"port": 465}, adding=False)
    assert merged.profiles[-1].account.host == "smtp.vingt.example"  # type: ignore[union-attr]
    back = set_profile(merged, "store-20", {}, adding=False, company_account=True)
    assert back.profiles[-1].account is None
    for call, key in (
            (lambda: set_profile(config, "store-12-alerts", {"from_address": "x@y.example"},
                                 adding=True), "profile.exists"),
            (lambda: set_profile(config, "nobody", {}, adding=False), "profile.no_such"),
            (lambda: set_profile(config, "store-12-alerts", {}, {"port": 25}, adding=False),
             "profile.account_needs_host"),
            (lambda: set_profile(config, "company", {}, adding=False),
             "profile.company_not_here"),
            (lambda: remove_profile(config, "nobody"), "profile.no_such")):
        with pytest.raises(ProfileError) as caught:
            call()
        assert caught.value.key == key
        assert caught.value.message("fr") != caught.value.message("en")
    with pytest.raises(FieldError):
        set_profile(config, "bad name", {"from_address": "x@y.example"}, adding=True)
    with pytest.raises(ConfigError) as bad:
        set_profile(config, "x", {"from_address": "nope"}, adding=True)
    assert bad.value.field == "profiles.2.from_address"
    removed, profile = remove_profile(config, "STORE-12-ORDERS")
    assert [p.name for p in removed.profiles] == ["store-12-alerts"]
    assert profile.secret == secret_name("store-12-orders")
