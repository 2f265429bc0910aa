"""`comelin-tui discover` in-process, against a real DNS server on 127.0.0.1."""

from __future__ import annotations

import json

import pytest
from dns_server import DnsServer, dns_server_fixture  # noqa: F401

from comelin_tui import cli, paths


def discover(dns_server: DnsServer, *args: str) -> int:
    return cli.run(["discover", *args, "--dns-server", dns_server.address, "--timeout", "1"])


def test_google_preselected_from_mx(dns_server: DnsServer,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    code = discover(dns_server, "ventes@gshop.test")
    out = capsys.readouterr().out
    assert code == 0, out
    assert "Provider: Google Workspace / Gmail (google-workspace)" in out
    assert "Server: smtp.gmail.com port 587 (STARTTLS)" in out
    assert "Found by: MX, confidence high" in out
    assert "Why: The domain's MX points to Google Workspace / Gmail (aspmx.l.google.com)" in out
    for step in ("MX records", "SPF", "DKIM", "DMARC"):
        assert step in out


def test_microsoft_preselected_from_mx_json(dns_server: DnsServer,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    code = discover(dns_server, "caisse@contoso.test", "--json")
    data = json.loads(capsys.readouterr().out)
    assert code == 0
    assert data["status"] == "ok"
    assert data["provider"] == {"id": "microsoft365", "name": "Microsoft 365 (Exchange Online)"}
    assert data["server"] == {"host": "smtp.office365.com", "port": 587, "security": "starttls"}
    assert (data["source"], data["confidence"]) == ("mx", "high")
    assert "contoso-test.mail.protection.outlook.com" in data["reason"]
    assert data["mx"]["hosts"] == ["contoso-test.mail.protection.outlook.com"]
    assert [s["id"] for s in data["deliverability"]] == ["mx", "spf", "dkim", "dmarc"]
    assert {s["status"] for s in data["deliverability"]} == {"ok"}


def test_french_reason(dns_server: DnsServer, capsys: pytest.CaptureFixture[str]) -> None:
    code = discover(dns_server, "ventes@gshop.test", "--lang", "fr")
    out = capsys.readouterr().out
    assert code == 0
    assert "Pourquoi\u00a0: Le MX du domaine pointe vers Google Workspace / Gmail" in out
    assert "Trouvé par\u00a0: MX, confiance élevée" in out


def test_advisory_warning_exits_1_with_hint(dns_server: DnsServer,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    code = discover(dns_server, "ventes@nodmarc.test")
    out = capsys.readouterr().out
    assert code == 1
    assert "[warn] DMARC" in out
    assert "dns.dmarc_missing" in out
    assert "v=DMARC1; p=none; rua=mailto:dmarc@nodmarc.test" in out


def test_nothing_found_exits_1(dns_server: DnsServer,
                               capsys: pytest.CaptureFixture[str]) -> None:
    code = discover(dns_server, "a@nomx.test", "--no-probe", "--json")
    data = json.loads(capsys.readouterr().out)
    assert code == 1
    assert data["found"] is False
    assert data["server"] is None and data["source"] is None
    assert data["warnings"][0]["code"] == "dns.mx_missing"


def test_silent_dns_server(dns_server: DnsServer, capsys: pytest.CaptureFixture[str]) -> None:
    code = discover(dns_server, "a@slow.test")
    out = capsys.readouterr().out
    assert code == 1
    assert "did not answer in time" in out
    assert "Deliverability: not checked" in out


@pytest.mark.parametrize(("args", "message"), [
    (["not-an-address"], "not a usable email address"),
    (["a@gshop.test", "--dns-server", "dns.example"], "not a valid DNS server"),
    (["a@gshop.test", "--timeout", "soon"], "Invalid timeout"),
    (["a@gshop.test", "--timeout", "0"], "Invalid timeout"),
])
def test_bad_input_exits_3(args: list[str], message: str,
                           capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.run(["discover", *args])
    captured = capsys.readouterr()
    assert code == 3
    assert message in captured.err
    assert "Traceback" not in captured.err + captured.out


def test_dns_server_from_settings(dns_server: DnsServer,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    from comelin_tui.config import Config, save_config

    save_config(Config(dns_server=dns_server.address), paths.config_path())
    code = cli.run(["discover", "ventes@gshop.test", "--json", "--timeout", "1"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0
    assert data["provider"]["id"] == "google-workspace"


def test_escape_sequences_in_records_never_reach_the_terminal(
        dns_server: DnsServer, capsys: pytest.CaptureFixture[str]) -> None:
    discover(dns_server, "a@escapes.test")
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    assert "\\027]0;pwned\\007" in out  # the record is still shown, harmlessly escaped
    discover(dns_server, "a@escapes.test", "--json")
    steps = {step["id"]: step for step in json.loads(capsys.readouterr().out)["deliverability"]}
    for step_id in ("spf", "dmarc"):
        assert "\x1b" not in steps[step_id]["detail"]  # scripts may print it too
    assert "\\027[2J" in steps["dmarc"]["detail"]
