"""The advisory mx/spf/dkim/dmarc steps against a real DNS server on 127.0.0.1."""

from __future__ import annotations

import time

import pytest
from dns_server import DnsServer, dns_server_fixture  # noqa: F401

from comelin_tui.diagnostics.model import DELIVERABILITY_STEPS, Step
from comelin_tui.discovery import DKIM_SELECTORS, SPF_INCLUDES, deliverability_steps
from comelin_tui.providers import get_provider

LIFETIME = 1.0


async def steps_for(dns_server: DnsServer, domain: str, provider_id: str | None,
                    **kwargs: object) -> dict[str, Step]:
    steps = await deliverability_steps(domain, provider_id, nameserver=dns_server.address,
                                       lifetime=LIFETIME, **kwargs)  # type: ignore[arg-type]
    assert tuple(step.id for step in steps) == DELIVERABILITY_STEPS
    # Advisory: never a failure, whatever the DNS says.
    assert {step.status for step in steps} <= {"ok", "warn", "skipped"}
    return {step.id: step for step in steps}


def test_provider_ids_exist_in_the_catalogue() -> None:
    for provider_id in {*SPF_INCLUDES, *DKIM_SELECTORS}:
        assert get_provider(provider_id).id == provider_id


async def test_google_domain_all_good(dns_server: DnsServer) -> None:
    steps = await steps_for(dns_server, "ventes@gshop.test", "google-workspace")
    assert {s.id: s.status for s in steps.values()} == {
        "mx": "ok", "spf": "ok", "dkim": "ok", "dmarc": "ok"}
    assert steps["mx"].detail.startswith("aspmx.l.google.com (1)")
    spf = steps["spf"]
    assert spf.facts["lookups"] == 2  # include:_spf.google.com, then its own include
    assert "_spf.google.com" in spf.facts["includes"]
    assert steps["dkim"].facts["found"] == ["google._domainkey.gshop.test"]
    assert steps["dmarc"].facts["policy"] == "none"
    assert "reports only" in steps["dmarc"].detail  # p=none: ok, with a note
    assert all(s.diagnosis is None for s in steps.values())


async def test_microsoft_domain_dkim_cnames(dns_server: DnsServer) -> None:
    steps = await steps_for(dns_server, "contoso.test", "microsoft365")
    assert {s.id: s.status for s in steps.values()} == {
        "mx": "ok", "spf": "ok", "dkim": "ok", "dmarc": "ok"}
    assert "selector1._domainkey.contoso.test -> selector1-contoso-test" in steps["dkim"].detail
    assert "selector2._domainkey.contoso.test" in steps["dkim"].detail
    assert steps["dmarc"].facts["policy"] == "reject"


async def test_two_spf_records_is_a_permerror(dns_server: DnsServer) -> None:
    spf = (await steps_for(dns_server, "twospf.test", "google-workspace"))["spf"]
    assert spf.status == "warn"
    assert spf.diagnosis is not None and spf.diagnosis.code == "dns.spf_multiple"
    assert "permerror" in spf.diagnosis.summary
    assert "single TXT record" in spf.diagnosis.hint


async def test_spf_include_loop(dns_server: DnsServer) -> None:
    spf = (await steps_for(dns_server, "spfloop.test", None))["spf"]
    assert spf.status == "warn"
    assert spf.diagnosis is not None and spf.diagnosis.code == "dns.spf_loop"
    assert "a.spfloop.test -> b.spfloop.test -> a.spfloop.test" in spf.diagnosis.summary


async def test_spf_over_ten_lookups(dns_server: DnsServer) -> None:
    spf = (await steps_for(dns_server, "spfmany.test", "google-workspace"))["spf"]
    assert spf.status == "warn"
    assert spf.diagnosis is not None and spf.diagnosis.code == "dns.spf_too_many_lookups"
    assert spf.facts["lookups"] > 10
    assert "the limit is 10" in spf.diagnosis.summary
    assert "permerror" in spf.diagnosis.summary


async def test_spf_include_without_record(dns_server: DnsServer) -> None:
    spf = (await steps_for(dns_server, "broken-include.test", None))["spf"]
    assert spf.diagnosis is not None and spf.diagnosis.code == "dns.spf_include_missing"
    assert "nospf.test" in spf.diagnosis.summary


async def test_spf_does_not_authorise_the_chosen_provider(dns_server: DnsServer) -> None:
    steps = await steps_for(dns_server, "gshop.test", "microsoft365")
    spf = steps["spf"]
    assert spf.status == "warn"
    assert spf.diagnosis is not None and spf.diagnosis.code == "dns.spf_provider_missing"
    assert "include:spf.protection.outlook.com" in spf.diagnosis.summary
    assert ("v=spf1 include:_spf.google.com include:spf.protection.outlook.com ~all"
            in spf.diagnosis.hint)
    dkim = steps["dkim"]
    assert dkim.status == "warn"
    assert dkim.diagnosis is not None and dkim.diagnosis.code == "dns.dkim_missing"
    assert "selector1._domainkey.gshop.test" in dkim.diagnosis.summary
    assert "Microsoft Defender" in dkim.diagnosis.hint


async def test_relay_authorised_by_ip(dns_server: DnsServer) -> None:
    ok = (await steps_for(dns_server, "relayshop.test", "custom",
                          smtp_host="relay.relayshop.test"))["spf"]
    assert ok.status == "ok"
    refused = (await steps_for(dns_server, "relayshop.test", "custom",
                               smtp_host="other.relayshop.test"))["spf"]
    assert refused.status == "warn"
    assert refused.diagnosis is not None and refused.diagnosis.code == "dns.spf_relay_missing"
    assert "ip4:127.0.0.9" in refused.diagnosis.hint


async def test_relay_authorised_by_a_term(dns_server: DnsServer) -> None:
    # probeshop.test: "v=spf1 a:smtp.probeshop.test -all", and smtp.probeshop.test is 127.0.0.1.
    spf = (await steps_for(dns_server, "probeshop.test", None,
                           smtp_host="smtp.probeshop.test"))["spf"]
    assert spf.status == "ok"


async def test_unknown_provider_dkim_skipped(dns_server: DnsServer) -> None:
    steps = await steps_for(dns_server, "relayshop.test", "custom")
    assert steps["dkim"].status == "skipped"
    assert "depend on the provider" in steps["dkim"].detail
    assert steps["spf"].status == "ok"
    assert "not checked" in steps["spf"].detail


async def test_missing_dmarc_hint(dns_server: DnsServer) -> None:
    steps = await steps_for(dns_server, "nodmarc.test", "google-workspace")
    assert [s.id for s in steps.values() if s.status == "warn"] == ["dmarc"]
    dmarc = steps["dmarc"]
    assert dmarc.diagnosis is not None and dmarc.diagnosis.code == "dns.dmarc_missing"
    assert "_dmarc.nodmarc.test" in dmarc.diagnosis.hint
    assert "v=DMARC1; p=none; rua=mailto:" in dmarc.diagnosis.hint


async def test_dmarc_without_policy(dns_server: DnsServer) -> None:
    dmarc = (await steps_for(dns_server, "relayshop.test", None))["dmarc"]
    assert dmarc.diagnosis is not None and dmarc.diagnosis.code == "dns.dmarc_invalid"


@pytest.mark.parametrize("domain", ["nomx.test", "nullmx.test"])
async def test_missing_mx(dns_server: DnsServer, domain: str) -> None:
    mx = (await steps_for(dns_server, domain, None))["mx"]
    assert mx.status == "warn"
    assert mx.diagnosis is not None and mx.diagnosis.code == "dns.mx_missing"
    assert "bounces cannot come back" in mx.diagnosis.summary


async def test_missing_spf(dns_server: DnsServer) -> None:
    spf = (await steps_for(dns_server, "nomx.test", "google-workspace"))["spf"]
    assert spf.diagnosis is not None and spf.diagnosis.code == "dns.spf_missing"
    assert "v=spf1 include:_spf.google.com ~all" in spf.diagnosis.hint


async def test_french_hints(dns_server: DnsServer) -> None:
    steps = await steps_for(dns_server, "nodmarc.test", "google-workspace", lang="fr")
    diagnosis = steps["dmarc"].diagnosis
    assert diagnosis is not None
    assert diagnosis.hint.startswith("Chez votre hébergeur DNS, ajoutez un enregistrement TXT")


async def test_nxdomain_domain(dns_server: DnsServer) -> None:
    steps = await steps_for(dns_server, "missing.test", "google-workspace")
    assert steps["mx"].diagnosis is not None
    assert steps["mx"].diagnosis.code == "dns.not_found"
    # No "add a DKIM/DMARC record" to a domain the DNS says does not exist.
    for step_id in ("spf", "dkim", "dmarc"):
        assert steps[step_id].status == "skipped" and steps[step_id].diagnosis is None
        assert "does not exist" in steps[step_id].detail


@pytest.mark.parametrize(("domain", "word"), [("servfail.test", "SERVFAIL"),
                                              ("slow.test", "in time")])
async def test_dns_faults_warn_within_the_lifetime(dns_server: DnsServer, domain: str,
                                                   word: str) -> None:
    started = time.monotonic()
    steps = await steps_for(dns_server, domain, "google-workspace")
    assert time.monotonic() - started < LIFETIME + 0.5
    for step in steps.values():
        assert step.status == "warn"
        assert step.diagnosis is not None and step.diagnosis.code == "dns.unavailable"
        assert word in step.detail


async def test_on_step_gets_running_then_final_copies(dns_server: DnsServer) -> None:
    events: list[Step] = []
    steps = await deliverability_steps("gshop.test", "google-workspace",
                                       nameserver=dns_server.address, lifetime=LIFETIME,
                                       on_step=events.append)
    assert [e.id for e in events[:4]] == list(DELIVERABILITY_STEPS)
    assert {e.status for e in events[:4]} == {"running"}
    finals = {e.id: e for e in events[4:]}
    assert set(finals) == set(DELIVERABILITY_STEPS)
    for step in steps:
        assert finals[step.id].status == step.status
        assert finals[step.id] is not step  # a copy, as the engine sends
    events[0].detail = "changed"
    assert steps[0].detail != "changed"
