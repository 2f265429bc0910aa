"""`comelin-tui profile list|add|edit|remove`, `password --profile` and `show`, in-process."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from comelin_tui import cli, paths
from comelin_tui.config import load_config
from comelin_tui.profiles import secret_name
from comelin_tui.secrets import SMTP_PASSWORD, FileSecretStore, secret_file_path

ORDERS = ["profile", "add", "store-12-orders", "--from", "achats@fournil.example",
          "--store", "Store 12", "--purpose", "orders", "--host", "smtp.fournil.example",
          "--port", "465", "--security", "implicit_tls", "--username", "achats@fournil.example"]
ALERTS = ["profile", "add", "store-12-alerts", "--from", "alertes@boulangerie.example",
          "--purpose", "alerts", "--display-name", "Alertes 12"]


def run(capsys: pytest.CaptureFixture[str], *argv: str, stdin: str | None = None,
        monkeypatch: pytest.MonkeyPatch | None = None) -> tuple[int, str, str]:
    if stdin is not None:
        assert monkeypatch is not None
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode())))
    code = cli.run(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_add_edit_list_remove(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, *ORDERS)[0] == 0
    code, out, _ = run(capsys, *ALERTS)
    assert code == 0 and "added" in out
    config = load_config(paths.config_path())
    orders, alerts = config.profiles
    assert orders.account is not None and orders.account.port == 465
    assert orders.account.security == "implicit_tls" and orders.purpose == "orders"
    assert alerts.account is None and alerts.display_name == "Alertes 12"

    # edit changes only what it is given
    assert run(capsys, "profile", "edit", "store-12-alerts", "--reply-to",
               "gerant@boulangerie.example")[0] == 0
    assert run(capsys, "profile", "edit", "store-12-orders", "--port", "587",
               "--security", "starttls")[0] == 0
    config = load_config(paths.config_path())
    orders, alerts = config.profiles
    assert alerts.reply_to == "gerant@boulangerie.example"
    assert alerts.display_name == "Alertes 12" and alerts.purpose == "alerts"
    assert orders.account is not None and (orders.account.port, orders.account.host) == (
        587, "smtp.fournil.example")

    code, out, _ = run(capsys, "profile", "list", "--json")
    data = json.loads(out)
    assert code == 0
    assert [p["name"] for p in data["profiles"]] == ["company", "store-12-orders",
                                                     "store-12-alerts"]
    assert data["profiles"][1]["account"]["username"] == "achats@fournil.example"
    code, out, _ = run(capsys, "profile", "list")
    assert "store-12-orders  [Store 12; supplier orders]" in out
    assert "own account: achats@fournil.example on smtp.fournil.example:587" in out

    assert run(capsys, "profile", "edit", "store-12-orders", "--company-account")[0] == 0
    assert load_config(paths.config_path()).profiles[0].account is None
    assert run(capsys, "profile", "remove", "store-12-alerts")[0] == 0
    assert [p.name for p in load_config(paths.config_path()).profiles] == ["store-12-orders"]


@pytest.mark.parametrize(("argv", "words"), [
    (["profile", "add", "store-12-alerts", "--from", "x@boulangerie.example"], "already exists"),
    (["profile", "edit", "nobody", "--store", "x"], "no profile \"nobody\""),
    (["profile", "edit", "store-12-alerts", "--port", "25"], "which needs --host"),
    (["profile", "add", "Bad Name", "--from", "x@boulangerie.example"], "invalid profile name"),
    (["profile", "add", "other", "--from", "not-an-address"], "profiles.1.from_address"),
    (["profile", "add", "company", "--from", "x@boulangerie.example"], "the wizard"),
    (["profile", "remove", "nobody"], "no profile \"nobody\""),
])
def test_bad_changes_are_refused_and_nothing_is_lost(capsys: pytest.CaptureFixture[str],
                                                     argv: list[str], words: str) -> None:
    assert run(capsys, *ALERTS)[0] == 0
    before = paths.config_path().read_bytes()
    code, _out, err = run(capsys, *argv)
    assert code == 2 and words in err and "Traceback" not in err
    assert paths.config_path().read_bytes() == before


def test_password_for_a_profile_has_its_own_key(capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    assert run(capsys, *ORDERS)[0] == 0
    assert run(capsys, *ALERTS)[0] == 0
    code, out, err = run(capsys, "password", "--profile", "store-12-orders", "--stdin",
                         "--store", "file", stdin="Fourn1l-secret-pw\n", monkeypatch=monkeypatch)
    assert code == 0, err
    assert "store-12-orders" in out and "Fourn1l-secret-pw" not in out + err
    store = FileSecretStore(secret_file_path(paths.config_path()))
    assert store.get(secret_name("store-12-orders")) == "Fourn1l-secret-pw"
    assert store.get(SMTP_PASSWORD) is None  # the company password is not touched
    assert "Fourn1l-secret-pw" not in paths.config_path().read_text("utf-8")

    # A profile through the company account has no password of its own.
    code, _, err = run(capsys, "password", "--profile", "store-12-alerts", "--stdin",
                       stdin="x\n", monkeypatch=monkeypatch)
    assert code == 2 and "company account" in err

    code, out, _ = run(capsys, "show")
    assert code == 0 and "Sender profiles:" in out
    assert "store-12-orders  [Store 12; supplier orders]" in out
    assert "account password: ******** (saved)" in out
    assert "Alertes 12 <alertes@boulangerie.example>" in out
    code, out, _ = run(capsys, "show", "--json")
    data = json.loads(out)
    by_name = {p["name"]: p for p in data["profiles"]}
    assert by_name["store-12-orders"]["secret"] == {"saved": True, "error": None}
    assert by_name["store-12-alerts"]["secret"] is None
    assert "Fourn1l-secret-pw" not in out

    # Removing the profile removes its secret too.
    assert run(capsys, "profile", "remove", "store-12-orders")[0] == 0
    assert store.get(secret_name("store-12-orders")) is None


def test_profile_list_json_when_it_cannot_run(capsys: pytest.CaptureFixture[str],
                                              isolated_environment: Path) -> None:
    code, out, _ = run(capsys, "profile", "list", "--json")
    data = json.loads(out)
    assert code == 3 and data["status"] == "unknown" and data["error"] == "config.error.not_found"


def test_french_words(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "--lang", "fr", *ALERTS)[0] == 0
    code, out, _ = run(capsys, "--lang", "fr", "profile", "list")
    assert code == 0
    assert "alertes d'administration" in out and "compte de l'entreprise" in out


def test_moving_the_secrets_moves_the_profiles_own_too(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        memory_keyring: object) -> None:
    from comelin_tui.secrets import open_secret_store

    assert run(capsys, *ORDERS)[0] == 0
    assert run(capsys, "password", "--profile", "store-12-orders", "--stdin", "--store",
               "file", stdin="Fourn1l-secret-pw\n", monkeypatch=monkeypatch)[0] == 0
    assert run(capsys, "password", "--stdin", "--store", "file", stdin="Caisse-pw-1234\n",
               monkeypatch=monkeypatch)[0] == 0
    code, out, err = run(capsys, "password", "--stdin", "--store", "keyring",
                         stdin="Caisse-pw-5678\n", monkeypatch=monkeypatch)
    assert code == 0, err
    assert secret_name("store-12-orders") in out
    keyring_store = open_secret_store(paths.config_path(), "keyring")
    assert keyring_store.get(secret_name("store-12-orders")) == "Fourn1l-secret-pw"
    assert keyring_store.get(SMTP_PASSWORD) == "Caisse-pw-5678"
    file_store = FileSecretStore(secret_file_path(paths.config_path()))
    assert file_store.get(secret_name("store-12-orders")) is None
