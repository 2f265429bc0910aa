"""DNS sanity: a resolver that denies names which certainly exist is named as such.

Against real loopback DNS servers: one answering "no such name" (NXDOMAIN) for
everything, gmail.com included, and the shared test zones, where only the
store's domain is missing. The test send's ``resolve`` step asks the OS
resolver; :mod:`system_resolver` has it answered by the loopback server, so the
machine's own resolver is never asked anything. Every text is checked in
English and French.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from dns_server import DnsServer, dns_server_fixture  # noqa: F401
from system_resolver import use_dns_server
from test_app_support import SIZE, build, paste, settle, texts

from comelin_tui import cli, paths
from comelin_tui.config import CompanySettings, Config, SmtpSettings, save_config
from comelin_tui.diagnostics.classifier import Evidence, classify
from comelin_tui.diagnostics.engine import run_check
from comelin_tui.diagnostics.model import Target
from comelin_tui.diagnostics.upstream import Upstream, UpstreamError
from comelin_tui.discovery import deliverability_steps, discover, lookup_mx
from comelin_tui.discovery.sanity import ENV_SANITY_NAMES, catalogue_hosts, sanity_names
from comelin_tui.screens.wizard import WizardScreen

DEFAULT_NAMES = ["gmail.com", "outlook.com"]
# Words of the advice for a misspelt name, which must not be given for a broken resolver.
SPELLING = ("spelling", "orthographe")


@pytest.fixture(scope="module")
def denying() -> Iterator[DnsServer]:
    """A DNS server that says "no such name" for every name, gmail.com included."""
    server = DnsServer({}, zones=(".",)).start()
    yield server
    server.stop()


@pytest.fixture
def real_names(monkeypatch: pytest.MonkeyPatch) -> None:
    """The program's own sanity names (gmail.com, outlook.com) instead of the suite's
    "localhost": every test using it asks them of a loopback DNS server only."""
    monkeypatch.delenv(ENV_SANITY_NAMES, raising=False)


@pytest.fixture
def settings(isolated_environment: Path) -> Path:
    """A store whose server name only DNS can give (no password: login not needed)."""
    path = paths.config_path()
    save_config(Config(
        provider="custom",
        company=CompanySettings(name="Boutique", email="caisse@boutique.test"),
        smtp=SmtpSettings(host="smtp.boutique.test", port=587, security="starttls",
                          auth="none", from_address="caisse@boutique.test", timeout=4.0),
        secret_backend="file"), path)
    return path


def check_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict]:
    code = cli.run(["check", "--json", "--no-send", *args])
    return code, json.loads(capsys.readouterr().out)


def advice_words(text: str) -> bool:
    """True when *text* advises adding a DKIM or DMARC record."""
    lowered = text.lower()
    return any(word in lowered for word in ("dmarc1", "_dmarc.", "dkim key", "clé dkim",
                                            "_domainkey", "add a txt", "ajoutez un"))


# -- the test send: the resolve step ---------------------------------------------------


@pytest.mark.usefixtures("real_names")
def test_check_names_a_resolver_that_denies_everything(
        settings: Path, denying: DnsServer, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    asked = use_dns_server(monkeypatch, denying)
    code, data = check_json(capsys, "--dns-server", denying.address)
    assert code == 2 and data["status"] == "fail"
    resolve = data["steps"][0]
    assert resolve["id"] == "resolve" and resolve["status"] == "fail"
    assert resolve["diagnosis"]["code"] == "dns.resolver_broken"
    assert data["diagnosis"]["code"] == "dns.resolver_broken"
    assert resolve["facts"]["dns_sanity_missing"] == DEFAULT_NAMES
    assert set(asked) == {"smtp.boutique.test", *DEFAULT_NAMES}  # the same resolver
    hint = data["diagnosis"]["hint"]
    for word in ("DNS filter", "VPN", "captive portal", "/etc/resolv.conf", "Windows"):
        assert word in hint, hint
    assert not any(word in hint.lower() for word in SPELLING)
    assert "gmail.com" in data["diagnosis"]["summary"]
    assert "gmail.com, outlook.com" in resolve["detail"]
    assert data["suggestion"] is None  # no probing: every port is looked up the same way
    # The domain's checks say it too, and advise no record for a domain the DNS denies.
    steps = {step["id"]: step for step in data["steps"]}
    assert steps["mx"]["status"] == "warn"
    assert steps["mx"]["diagnosis"]["code"] == "dns.resolver_broken"
    for step_id in ("spf", "dkim", "dmarc"):
        assert steps[step_id]["status"] == "skipped" and "diagnosis" not in steps[step_id]
    assert not advice_words(json.dumps(data["steps"][-4:], ensure_ascii=False))


@pytest.mark.usefixtures("real_names")
@pytest.mark.parametrize(("lang", "words", "heading"), [
    ("en", "filtered or broken", "Diagnosis [dns.resolver_broken]"),
    ("fr", "filtré ou en panne", "Diagnostic [dns.resolver_broken]"),
])
def test_check_text_says_it_in_both_languages(
        settings: Path, denying: DnsServer, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str], lang: str, words: str, heading: str) -> None:
    use_dns_server(monkeypatch, denying)
    code = cli.run(["--lang", lang, "check", "--no-send", "--no-dns-checks"])
    out = capsys.readouterr().out
    assert code == 2
    assert heading in out, out
    assert words in out
    assert "/etc/resolv.conf" in out
    assert not any(word in out.lower() for word in SPELLING)


@pytest.mark.usefixtures("real_names")
def test_a_missing_name_on_a_sane_resolver_keeps_the_usual_advice(
        settings: Path, dns_server: DnsServer, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """The shared zones know outlook.com: only smtp.boutique.test is missing."""
    use_dns_server(monkeypatch, dns_server)
    code, data = check_json(capsys, "--no-dns-checks")
    assert code == 2
    resolve = data["steps"][0]
    assert resolve["diagnosis"]["code"] == "dns.not_found"
    assert "dns_sanity_missing" not in resolve["facts"]
    # outlook.com exists (no address of its own in the zone); gmail.com is refused.
    assert resolve["facts"]["dns_sanity"] == {"gmail.com": "error", "outlook.com": "no_answer"}
    assert "spelling" in data["diagnosis"]["hint"]


def test_a_zone_may_define_the_known_good_name(
        settings: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """COMELIN_DNS_SANITY_NAMES: a private network's own name that certainly exists."""
    server = DnsServer({"intranet.test": [("A", "192.0.2.10")]}, zones=("test",)).start()
    try:
        use_dns_server(monkeypatch, server)
        monkeypatch.setenv(ENV_SANITY_NAMES, "intranet.test")
        _code, data = check_json(capsys, "--no-dns-checks")
        assert data["diagnosis"]["code"] == "dns.not_found"
        assert data["steps"][0]["facts"]["dns_sanity"] == {"intranet.test": "ok"}
        monkeypatch.setenv(ENV_SANITY_NAMES, "known-good.test")  # not in the zone
        _code, data = check_json(capsys, "--no-dns-checks")
        assert data["diagnosis"]["code"] == "dns.resolver_broken"
        monkeypatch.setenv(ENV_SANITY_NAMES, "")  # the check turned off
        _code, data = check_json(capsys, "--no-dns-checks")
        assert data["diagnosis"]["code"] == "dns.not_found"
        assert data["steps"][0]["facts"] == {"dns_sanity": {}}
    finally:
        server.stop()


async def test_a_catalogue_host_that_does_not_exist_is_the_resolver_s_fault(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """smtp.gmail.com certainly exists: a DNS that denies it filters it, even when it
    knows the sanity name."""
    assert "smtp.gmail.com" in catalogue_hosts()
    server = DnsServer({"gmail.com": [("A", "192.0.2.20")]}, zones=("gmail.com",)).start()
    try:
        use_dns_server(monkeypatch, server)
        monkeypatch.setenv(ENV_SANITY_NAMES, "gmail.com")
        result = await run_check(Target(host="smtp.gmail.com", port=587, security="starttls",
                                        timeout=4.0, language="fr"))
    finally:
        server.stop()
    assert result.diagnosis is not None and result.diagnosis.code == "dns.resolver_broken"
    assert result.steps[0].facts["dns_sanity_missing"] == ["smtp.gmail.com"]
    assert "filtré ou en panne" in result.diagnosis.summary
    assert "/etc/resolv.conf" in result.diagnosis.hint


async def test_sanity_never_delays_the_lookup(monkeypatch: pytest.MonkeyPatch) -> None:
    """Asked in parallel: a good name does not wait for sanity names that never answer,
    and a missing one waits for them only within the budget (then: the usual advice)."""
    server = DnsServer({"smtp.shop.test": [("A", "127.0.0.1")]}, zones=("test",),
                       behaviours={"slow-a.test": "timeout", "slow-b.test": "timeout"}).start()
    try:
        use_dns_server(monkeypatch, server, lifetime=5.0)
        monkeypatch.setenv(ENV_SANITY_NAMES, "slow-a.test, slow-b.test")
        result = await run_check(Target(host="smtp.shop.test", port=1, security="none",
                                        auth="none", timeout=2.0), probe=False)
        resolve = result.steps[0]
        assert resolve.status == "ok" and resolve.duration_ms < 500, resolve
        started = time.monotonic()
        result = await run_check(Target(host="smtp.gone.test", port=1, security="none",
                                        auth="none", timeout=2.0), probe=False)
        elapsed = time.monotonic() - started
        # Still unanswered: the two runs share one lookup of each name, no new thread.
        sanity_threads = [t for t in threading.enumerate() if t.name == "comelin-dns-sanity"]
    finally:
        server.stop()
    assert result.diagnosis is not None and result.diagnosis.code == "dns.not_found"
    assert result.steps[0].facts["dns_sanity"] == {"slow-a.test": "timeout",
                                                   "slow-b.test": "timeout"}
    assert 0.9 < elapsed < 1.8  # half the 2 s timeout, not the resolver's own 5 s
    assert len(sanity_threads) == 2


@pytest.mark.usefixtures("real_names")
async def test_the_relay_holds_messages_while_the_resolver_lies(
        denying: DnsServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """Through the relay's own path: a temporary failure (the POS hears 451 and retries),
    not a permanent "no such host" that would bounce the store's invoices."""
    use_dns_server(monkeypatch, denying)
    upstream = Upstream(Target(host="smtp.boutique.test", port=587, security="starttls",
                               timeout=4.0))
    with pytest.raises(UpstreamError) as raised:
        await upstream.open()
    assert raised.value.diagnosis is not None
    assert raised.value.diagnosis.code == "dns.resolver_broken"
    assert raised.value.temporary


# -- discovery: deliverability, discover, the wizard's MX step ----------------------------


@pytest.mark.usefixtures("real_names")
async def test_deliverability_advises_no_record_when_the_dns_denies_everything(
        denying: DnsServer) -> None:
    for lang in ("en", "fr"):
        steps = {step.id: step for step in await deliverability_steps(
            "caisse@boutique.test", "google-workspace", nameserver=denying.address,
            lifetime=2.0, lang=lang)}
        mx = steps["mx"]
        assert mx.status == "warn" and mx.diagnosis is not None
        assert mx.diagnosis.code == "dns.resolver_broken"
        assert mx.facts == {"resolver_broken": DEFAULT_NAMES}
        assert "gmail.com, outlook.com" in mx.diagnosis.summary
        assert "/etc/resolv.conf" in mx.diagnosis.hint and "VPN" in mx.diagnosis.hint
        for step_id in ("spf", "dkim", "dmarc"):
            step = steps[step_id]
            assert step.status == "skipped" and step.diagnosis is None, step
            assert ("filtered or broken" if lang == "en" else "filtré ou en panne") in step.detail


@pytest.mark.usefixtures("real_names")
async def test_a_missing_domain_on_a_sane_dns_is_not_the_resolver(
        dns_server: DnsServer) -> None:
    steps = {step.id: step for step in await deliverability_steps(
        "caisse@missing.test", "google-workspace", nameserver=dns_server.address,
        lifetime=2.0)}
    assert steps["mx"].diagnosis is not None and steps["mx"].diagnosis.code == "dns.not_found"
    assert "spelling" in steps["mx"].diagnosis.hint
    assert steps["dmarc"].status == "skipped" and steps["dmarc"].diagnosis is None
    result = await discover("caisse@missing.test", nameserver=dns_server.address,
                            lifetime=2.0)
    assert [w.code for w in result.warnings] == ["dns.not_found"]
    assert not result.mx.resolver_broken


@pytest.mark.usefixtures("real_names")
@pytest.mark.parametrize(("lang", "words", "skipped"), [
    ("en", "filtered or broken", "Deliverability: not checked"),
    ("fr", "filtré ou en panne", "Délivrabilité\u00a0: non vérifiée"),
])
def test_discover_says_it_and_advises_no_record(
        denying: DnsServer, capsys: pytest.CaptureFixture[str], lang: str, words: str,
        skipped: str) -> None:
    code = cli.run(["--lang", lang, "discover", "caisse@boutique.test",
                    "--dns-server", denying.address, "--timeout", "2"])
    out = capsys.readouterr().out
    assert code == 1
    assert words in out and "gmail.com, outlook.com" in out
    assert skipped in out
    assert not any(word in out.lower() for word in SPELLING)
    assert not advice_words(out) and "DMARC" not in out.replace("DKIM et DMARC", "")


@pytest.mark.usefixtures("real_names")
def test_discover_json(denying: DnsServer, dns_server: DnsServer,
                       capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.run(["discover", "caisse@boutique.test", "--json",
                    "--dns-server", denying.address, "--timeout", "2"])
    data = json.loads(capsys.readouterr().out)
    assert code == 1 and data["status"] == "warn"
    assert [w["code"] for w in data["warnings"]] == ["dns.resolver_broken"]
    assert data["mx"]["resolver_broken"] is True
    assert data["mx"]["sanity_missing"] == DEFAULT_NAMES
    assert data["deliverability"] == []
    assert "filtered or broken" in data["reason"]
    # The same address on a sane DNS: the usual "does not exist", with the checks run.
    code = cli.run(["discover", "caisse@missing.test", "--json",
                    "--dns-server", dns_server.address, "--timeout", "2"])
    data = json.loads(capsys.readouterr().out)
    assert [w["code"] for w in data["warnings"]] == ["dns.not_found"]
    assert data["mx"]["resolver_broken"] is False
    assert "spelling" in data["warnings"][0]["message"]
    steps = {step["id"]: step for step in data["deliverability"]}
    assert steps["dmarc"]["status"] == "skipped" and steps["dkim"]["status"] == "skipped"
    assert not advice_words(json.dumps(data["deliverability"], ensure_ascii=False))


@pytest.mark.usefixtures("real_names")
async def test_lookup_mx_counts_only_the_same_server(denying: DnsServer,
                                                     dns_server: DnsServer) -> None:
    broken = await lookup_mx("caisse@boutique.test", nameserver=denying.address, lifetime=2.0)
    assert broken.status == "nxdomain" and broken.resolver_broken == tuple(DEFAULT_NAMES)
    sane = await lookup_mx("caisse@missing.test", nameserver=dns_server.address, lifetime=2.0)
    assert sane.status == "nxdomain" and sane.resolver_broken == ()
    assert "spelling" in sane.message("en")


@pytest.mark.usefixtures("real_names")
async def test_the_wizard_email_step_says_it(tmp_path: Path, denying: DnsServer) -> None:
    app = build(tmp_path / "config.toml", dns_server=denying.address, dns_lifetime=2.0)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # start the setup
        await settle(pilot)
        wizard = app.screen
        assert isinstance(wizard, WizardScreen)
        await paste(pilot, "caisse@boutique.test")
        wizard.lookup_now()
        await settle(pilot)
        assert wizard.mx_result is not None
        assert wizard.mx_result.resolver_broken == tuple(DEFAULT_NAMES)
        shown = texts(pilot)
        assert wizard.mx_result.message("en") in shown
        assert "filtered or broken" in shown and "captive portal" in shown
        assert "spelling" not in shown
        await pilot.press("f2")
        await settle(pilot)
        french = texts(pilot)
        assert wizard.mx_result.message("fr") in french
        assert "filtré ou en panne" in french and "portail captif" in french
        assert "orthographe" not in french
        assert app.errors == []


@pytest.mark.usefixtures("real_names")
async def test_the_wizard_keeps_the_spelling_advice_on_a_sane_dns(
        tmp_path: Path, dns_server: DnsServer) -> None:
    app = build(tmp_path / "config.toml", dns_server=dns_server.address, dns_lifetime=2.0)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        wizard = app.screen
        assert isinstance(wizard, WizardScreen)
        await paste(pilot, "caisse@missing.test")
        wizard.lookup_now()
        await settle(pilot)
        shown = texts(pilot)
        assert "does not exist in DNS: check the spelling" in shown
        assert "filtered or broken" not in shown
        assert app.errors == []


# -- the classifier and the names ----------------------------------------------------------


@pytest.mark.parametrize(("facts", "code"), [
    ({"dns_sanity_missing": ["gmail.com"]}, "dns.resolver_broken"),
    ({"dns_sanity": {"gmail.com": "ok"}}, "dns.not_found"),
    ({"dns_sanity": {"gmail.com": "timeout"}}, "dns.not_found"),  # silence proves nothing
    ({}, "dns.not_found"),
])
def test_the_classifier_weighs_the_sanity_evidence(facts: dict, code: str) -> None:
    exc = socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    found = classify(Evidence("resolve", exception=exc,
                              facts={"host": "smtp.boutique.test", **facts}), "en")
    assert found.code == code
    if code == "dns.resolver_broken":
        assert "smtp.boutique.test" in found.summary and "gmail.com" in found.summary
        assert "spelling" not in found.hint




def test_sanity_names_from_the_environment() -> None:
    assert sanity_names({}) == ("gmail.com", "outlook.com")
    assert sanity_names({ENV_SANITY_NAMES: " Intranet.Local., gmail.com  gmail.com"}) == (
        "intranet.local", "gmail.com")
    assert sanity_names({ENV_SANITY_NAMES: ""}) == ()
