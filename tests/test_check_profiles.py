"""`check --profile NAME` and `check --all-profiles`: two loopback servers, two accounts.

The company account is on server A, which lets its login send as the company address
only (send-as rights, as Microsoft 365 grants them); the supplier-orders profiles have
an account of their own on server B. The DNS checks ask a loopback DNS server, which
counts the questions: once per sending domain.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from account_servers import AccountServer, account_server
from dns_server import DnsServer
from smtp_servers import PASSWORD, USERNAME, Certificates, certs_fixture  # noqa: F401

from comelin_tui import cli, paths
from comelin_tui.attempt_log import read_attempts
from comelin_tui.config import config_from_dict, save_config
from comelin_tui.profiles import secret_name
from comelin_tui.secrets import SMTP_PASSWORD, FileSecretStore, secret_file_path

B_USER = "achats@fournil.test"
B_PASSWORD = "Fourn1l-Secret-pw!"


@pytest.fixture(scope="module")
def server_a(certs: Certificates) -> Iterator[AccountServer]:
    yield from account_server(certs, senders=frozenset({"caisse@boulangerie.test"}))


@pytest.fixture(scope="module")
def server_b(certs: Certificates) -> Iterator[AccountServer]:
    yield from account_server(certs, username=B_USER, password=B_PASSWORD,
                       senders=frozenset({B_USER, "commandes@fournil.test"}))


@pytest.fixture(scope="module")
def dns() -> Iterator[DnsServer]:
    records = {
        "boulangerie.test": [("MX", "10 mx.boulangerie.test."),
                             ("TXT", "v=spf1 ip4:127.0.0.1 -all")],
        "_dmarc.boulangerie.test": [("TXT", "v=DMARC1; p=none")],
        "fournil.test": [("MX", "10 mx.fournil.test."), ("TXT", "v=spf1 ip4:127.0.0.1 -all")],
        "_dmarc.fournil.test": [("TXT", "v=DMARC1; p=none")],
    }
    server = DnsServer(records, zones=("boulangerie.test", "fournil.test")).start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _fresh(server_a: AccountServer, server_b: AccountServer, dns: DnsServer) -> None:
    for server in (server_a, server_b):
        server.scripted.messages.clear()
        server.scripted.commands.clear()
        server.scripted.logins.clear()  # type: ignore[attr-defined]
    dns.queries.clear()


def _account_b(certs: Certificates, server_b: AccountServer) -> dict[str, Any]:
    return {"host": "127.0.0.1", "port": server_b.port, "security": "starttls",
            "username": B_USER, "ca_file": str(certs.ca_file)}


@pytest.fixture
def saved(certs: Certificates, server_a: AccountServer, server_b: AccountServer) -> Path:
    path = paths.config_path()
    config = config_from_dict({
        "company": {"name": "Boulangerie", "email": "caisse@boulangerie.test"},
        "smtp": {"host": "127.0.0.1", "port": server_a.port, "security": "starttls",
                 "username": USERNAME, "from_address": "caisse@boulangerie.test",
                 "ca_file": str(certs.ca_file), "timeout": 3.0},
        "secret_backend": "file",
        "profiles": [
            # Through the company account, a sender it may not send as.
            {"name": "store-12-alerts", "store": "Store 12", "purpose": "alerts",
             "from_address": "alertes@boulangerie.test"},
            # The company's own sender through the company account: the company's test.
            {"name": "store-14", "store": "Store 14", "from_address": "caisse@boulangerie.test"},
            {"name": "store-12-orders", "store": "Store 12", "purpose": "orders",
             "from_address": B_USER, "account": _account_b(certs, server_b)},
            # The same account, another sender: a test of its own (send-as is per sender).
            {"name": "store-14-orders", "store": "Store 14", "purpose": "orders",
             "from_address": "commandes@fournil.test", "account": _account_b(certs, server_b)},
        ],
    })
    save_config(config, path)
    store = FileSecretStore(secret_file_path(path))
    store.set(SMTP_PASSWORD, PASSWORD)
    store.set(secret_name("store-12-orders"), B_PASSWORD)
    store.set(secret_name("store-14-orders"), B_PASSWORD)
    return path


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any], str]:
    code = cli.run(list(argv))
    out, err = capsys.readouterr()
    return code, json.loads(out), err


def test_all_profiles_json_one_result_per_profile_worst_exit_code(
        saved: Path, server_a: AccountServer, server_b: AccountServer, dns: DnsServer,
        capsys: pytest.CaptureFixture[str]) -> None:
    code, data, _ = _json(capsys, "check", "--all-profiles", "--json", "--no-probe",
                          "--dns-server", dns.address)
    by_name = {entry["profile"]["name"]: entry for entry in data["profiles"]}
    assert list(by_name) == ["company", "store-12-alerts", "store-14", "store-12-orders",
                             "store-14-orders"]
    # The refused sender is named, with the diagnosis, in its profile's result.
    alerts = by_name["store-12-alerts"]
    assert alerts["status"] == "fail" and alerts["exit_code"] == 2
    assert alerts["diagnosis"]["code"] == "sender.send_as_denied"
    assert alerts["profile"]["from_address"] == "alertes@boulangerie.test"
    mail_from = next(step for step in alerts["steps"] if step["id"] == "mail_from")
    assert mail_from["status"] == "fail" and "5.7.60" in mail_from["detail"]
    # The worst wins: one failure among successes.
    assert code == 2 and data["exit_code"] == 2 and data["status"] == "fail"
    for name in ("company", "store-14", "store-12-orders", "store-14-orders"):
        assert by_name[name]["status"] in ("ok", "warn"), by_name[name]
    # Each profile went to its own account's server.
    assert by_name["company"]["server"]["port"] == server_a.port
    assert by_name["store-12-orders"]["server"]["port"] == server_b.port
    assert by_name["store-14-orders"]["server"]["port"] == server_b.port
    # Once per distinct account and sender: store-14 shares the company's test.
    assert by_name["store-14"]["tested_with"] == "company"
    assert by_name["store-14-orders"]["tested_with"] is None
    assert len(server_a.scripted.messages) == 1  # company (and store-14); alerts refused
    assert len(server_b.scripted.messages) == 2  # two senders, two tests
    assert server_b.scripted.logins == [B_USER, B_USER]  # type: ignore[attr-defined]
    assert USERNAME not in server_b.scripted.logins  # type: ignore[attr-defined]
    # Deliverability once per distinct sender domain, carried by every result of it.
    assert [(d["domain"], d["profiles"]) for d in data["domains"]] == [
        ("boulangerie.test", ["company", "store-14", "store-12-alerts"]),
        ("fournil.test", ["store-12-orders", "store-14-orders"])]
    for domain in ("boulangerie.test.", "fournil.test."):
        assert dns.queries.count(("_dmarc." + domain, "TXT")) == 1, dns.queries
    for entry in data["profiles"]:
        assert "dmarc" in [step["id"] for step in entry["steps"]]
    # Secrets stay out of the JSON; every test is in the attempt log.
    text = json.dumps(data)
    assert PASSWORD not in text and B_PASSWORD not in text
    assert len(read_attempts()) == 4


def test_the_exit_code_is_the_worst_and_a_missing_secret_is_named(
        saved: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, data, _ = _json(capsys, "check", "--all-profiles", "--json", "--no-probe",
                          "--no-dns-checks", "--config", str(saved))
    assert code == 2  # fail beats ok and warn
    FileSecretStore(secret_file_path(saved)).delete(secret_name("store-14-orders"))
    code, data, _ = _json(capsys, "check", "--all-profiles", "--json", "--no-probe",
                          "--no-dns-checks")
    entry = next(e for e in data["profiles"] if e["profile"]["name"] == "store-14-orders")
    assert entry["status"] == "unknown" and entry["exit_code"] == 3
    assert entry["error"] == "check.no_profile_password"
    assert "password --profile store-14-orders" in entry["diagnosis"]["summary"]
    assert code == 3 and data["exit_code"] == 3  # could not run is the worst of all
    other = next(e for e in data["profiles"] if e["profile"]["name"] == "store-12-orders")
    assert other["status"] in ("ok", "warn")  # the others still ran


def test_one_profile_json_is_the_contract_with_the_profile(
        saved: Path, server_b: AccountServer, capsys: pytest.CaptureFixture[str]) -> None:
    code, data, _ = _json(capsys, "check", "--profile", "store-12-orders", "--json",
                          "--no-probe", "--no-dns-checks")
    assert code == 0, data
    assert set(data) >= {"status", "server", "steps", "diagnosis", "suggestion", "fix",
                         "transcript", "queue_id", "profile"}
    assert data["profile"]["name"] == "store-12-orders"
    assert data["server"]["port"] == server_b.port
    assert server_b.scripted.logins == [B_USER]  # type: ignore[attr-defined]
    code, data, _ = _json(capsys, "check", "--profile", "nobody", "--json")
    assert code == 3 and data["error"] == "profile.no_such"
    assert data["profile"] == {"name": "nobody"}


def test_one_profile_refused_sender_human_words(saved: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.run(["check", "--profile", "store-12-alerts", "--no-probe", "--no-dns-checks"])
    out = capsys.readouterr().out
    assert code == 2
    assert "Diagnosis [sender.send_as_denied]" in out and "alertes@boulangerie.test" in out


def test_all_profiles_human_output(saved: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.run(["check", "--all-profiles", "--no-probe", "--no-dns-checks"])
    out = capsys.readouterr().out
    assert code == 2
    assert "== Profile company: caisse@boulangerie.test, company account" in out
    assert "(same account and same sender, so the same test: store-14)" in out
    assert "== Profile store-12-orders: achats@fournil.test, own account: " in out
    summary = out[out.index("Profiles:"):]
    assert "[FAIL] store-12-alerts" in summary and "sender.send_as_denied" in summary
    assert "store-14" in summary and "same test as company" in summary
    assert "Result: FAILED (the worst of 5 profiles)" in summary
    assert PASSWORD not in out and B_PASSWORD not in out


def test_all_profiles_refuses_one_run_options(saved: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    code, data, err = _json(capsys, "check", "--all-profiles", "--json", "--host", "x.test")
    assert code == 3 and data["error"] == "check.all_profiles_options" and "--host" in err
    with pytest.raises(SystemExit) as caught:  # argparse: the two are exclusive
        cli.run(["check", "--all-profiles", "--profile", "store-14"])
    assert caught.value.code == 2
    assert "not allowed with" in capsys.readouterr().err
