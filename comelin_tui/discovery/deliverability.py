"""Advisory deliverability checks: the ``mx``, ``spf``, ``dkim`` and ``dmarc`` steps.

They run in parallel within one DNS lifetime and can only ``warn`` (or be
``skipped``), never ``fail``: a missing SPF record does not stop a store
from sending, it only makes its mail more likely to land in spam. Every
warning carries a :class:`Diagnosis` whose hint says what to add at the DNS
host, in French and English.
"""

from __future__ import annotations

import asyncio
import copy
import time
from collections.abc import Awaitable, Callable
from typing import Any

from ..diagnostics.model import Diagnosis, Step, StepId
from ..i18n import join, m
from .deliverability_text import register_texts
from .dns import UNAVAILABLE_STATUSES, DnsClient, Lookup, check_lifetime, normalise_domain
from .messages import lookup_message
from .spf import (
    MAX_LOOKUPS,
    addresses_of,
    analyse_spf,
    authorised_addresses,
    spf_records,
)

register_texts()

# Provider id -> the SPF include that authorises its servers (providers' own docs).
SPF_INCLUDES: dict[str, str] = {
    "google-workspace": "_spf.google.com",
    "google-smtp-relay": "_spf.google.com",
    "microsoft365": "spf.protection.outlook.com",
    "microsoft365-relay": "spf.protection.outlook.com",
}
# Provider id -> the DKIM selectors it publishes under <selector>._domainkey.<domain>.
DKIM_SELECTORS: dict[str, tuple[str, ...]] = {
    "google-workspace": ("google",),
    "google-smtp-relay": ("google",),
    "microsoft365": ("selector1", "selector2"),
    "microsoft365-relay": ("selector1", "selector2"),
}

OnStep = Callable[[Step], None]
# (status, detail, diagnosis, facts) of one finished step.
CheckResult = tuple[str, str, Diagnosis | None, dict[str, Any]]


def _diagnosis(code: str, lang: str | None, **params: Any) -> Diagnosis:
    key = "discovery." + code.replace(".", "_")
    return Diagnosis(code, m(key + ".summary", lang, **params), m(key + ".hint", lang, **params))


def _unavailable(lookup: Lookup, lang: str | None, what: str) -> tuple[str, Diagnosis]:
    problem = lookup_message(lookup, lang)
    return problem, _diagnosis("dns.unavailable", lang, what=what, problem=problem)


def _provider_name(provider_id: str | None, lang: str | None) -> str:
    if not provider_id:
        return ""
    from ..providers import get_provider

    return get_provider(provider_id).display_name(lang)


def _provider_family(provider_id: str | None) -> str | None:
    if not provider_id:
        return None
    from ..providers import get_provider

    return get_provider(provider_id).family


async def deliverability_steps(
    domain: str,
    provider_id: str | None,
    *,
    nameserver: str | None = None,
    lifetime: float = 3.0,
    on_step: OnStep | None = None,
    smtp_host: str | None = None,
    lang: str | None = None,
) -> list[Step]:
    """The advisory ``mx``, ``spf``, ``dkim`` and ``dmarc`` steps for a sending domain.

    ``domain`` may be an address. ``provider_id`` picks the SPF include and
    DKIM selectors to expect; for a provider without them, ``smtp_host`` (a
    relay) is checked against the SPF record's ip4/ip6/a/mx terms. Like the
    engine, ``on_step`` gets a copy of each step when it starts and when it
    ends. All lookups share one ``lifetime``. Never raises for DNS faults.
    """
    _unicode, ascii_domain = normalise_domain(domain)
    client = DnsClient(nameserver, check_lifetime(lifetime))
    # The domain's own MX lookup says whether the domain exists at all (and, when the
    # DNS says it does not, whether the DNS denies gmail.com too): the other checks
    # read it before advising to add a record to a domain the DNS claims is not there.
    apex: asyncio.Future[Lookup] = asyncio.ensure_future(
        client.query(ascii_domain, "MX", sanity=True))
    checks: list[tuple[StepId, Callable[[], Awaitable[CheckResult]]]] = [
        ("mx", lambda: _check_mx(apex, ascii_domain, lang)),
        ("spf", lambda: _check_spf(client, apex, ascii_domain, provider_id, smtp_host, lang)),
        ("dkim", lambda: _check_dkim(client, apex, ascii_domain, provider_id, lang)),
        ("dmarc", lambda: _check_dmarc(client, apex, ascii_domain, lang)),
    ]
    steps = [Step(step_id) for step_id, _check in checks]
    if on_step is not None:
        for step in steps:
            on_step(copy.deepcopy(step))

    async def run(step: Step, check: Callable[[], Awaitable[CheckResult]]) -> None:
        started = time.perf_counter()
        try:
            status, detail, diagnosis, facts = await check()
        except Exception as error:  # noqa: BLE001 - advisory steps never fail the run
            status, detail, diagnosis, facts = "warn", f"{type(error).__name__}: {error}", None, {}
        step.status = status  # type: ignore[assignment]
        step.detail, step.diagnosis, step.facts = detail, diagnosis, facts
        step.duration_ms = int((time.perf_counter() - started) * 1000)
        if on_step is not None:
            on_step(copy.deepcopy(step))

    try:
        await asyncio.gather(*(run(step, check) for step, (_id, check) in zip(steps, checks,
                                                                              strict=True)))
    finally:
        apex.cancel()  # done by now, unless the whole run is being cancelled
    return steps


def _not_found(lookup: Lookup, domain: str, lang: str | None) -> tuple[str, Diagnosis]:
    """An NXDOMAIN for the domain: its detail and diagnosis (the resolver's fault when it
    denies names that certainly exist too)."""
    detail = lookup_message(lookup, lang)
    if lookup.resolver_broken:
        names = ", ".join(lookup.resolver_broken)
        detail = join([detail, m("discovery.mx_step.sanity", lang, names=names)], "; ", lang)
        return detail, _diagnosis("dns.resolver_broken", lang, domain=domain, names=names)
    return detail, _diagnosis("dns.not_found", lang, domain=domain)


async def _domain_missing(apex: Awaitable[Lookup], domain: str,
                          lang: str | None) -> CheckResult | None:
    """A "not checked" result when the DNS says the domain itself does not exist: no
    advice to add a record to it (the MX step says what is wrong), else None."""
    lookup = await apex
    if lookup.status != "nxdomain":
        return None
    key = "resolver_broken" if lookup.resolver_broken else "no_domain"
    return "skipped", m(f"discovery.not_checked.{key}", lang, domain=domain), None, {}


async def _check_mx(apex: Awaitable[Lookup], domain: str, lang: str | None) -> CheckResult:
    lookup = await apex
    if lookup.status in UNAVAILABLE_STATUSES:
        detail, diagnosis = _unavailable(lookup, lang, "MX")
        return "warn", detail, diagnosis, {}
    if lookup.status == "nxdomain":
        detail, diagnosis = _not_found(lookup, domain, lang)
        facts = {"resolver_broken": list(lookup.resolver_broken)} if lookup.resolver_broken \
            else {}
        return "warn", detail, diagnosis, facts
    records = sorted(lookup.records)
    hosts = [host for _pref, host in records if host]
    if not hosts:
        key = "null" if records else "none"
        return ("warn", m(f"discovery.mx_step.{key}", lang, domain=domain),
                _diagnosis("dns.mx_missing", lang, domain=domain), {})
    detail = ", ".join(f"{host} ({pref})" for pref, host in records if host)
    return "ok", detail, None, {"hosts": hosts}


async def _check_spf(client: DnsClient, apex: Awaitable[Lookup], domain: str,
                     provider_id: str | None, smtp_host: str | None,
                     lang: str | None) -> CheckResult:
    lookup = await client.query(domain, "TXT")
    expected = SPF_INCLUDES.get(provider_id or "")
    example = f"v=spf1 include:{expected} ~all" if expected else m("discovery.spf_example", lang)
    if lookup.status in UNAVAILABLE_STATUSES:
        detail, diagnosis = _unavailable(lookup, lang, "SPF")
        return "warn", detail, diagnosis, {}
    if lookup.status == "nxdomain":
        missing = await _domain_missing(apex, domain, lang)
        if missing is not None:
            return missing
        detail, diagnosis = _not_found(lookup, domain, lang)
        return "warn", detail, diagnosis, {}
    records = spf_records(lookup)
    if not records:
        return ("warn", m("discovery.spf_step.none", lang, domain=domain),
                _diagnosis("dns.spf_missing", lang, domain=domain, example=example), {})
    if len(records) > 1:
        return ("warn", " | ".join(records),
                _diagnosis("dns.spf_multiple", lang, domain=domain, count=len(records)),
                {"records": records})

    analysis = await analyse_spf(client, domain, records[0])
    facts: dict[str, Any] = {"record": records[0], "lookups": analysis.lookups,
                             "includes": analysis.includes}
    # Past the limit the walk stops early, so the count is a lower bound.
    count = f"{analysis.lookups}+" if analysis.truncated else str(analysis.lookups)
    notes: list[str] = [m("discovery.spf_step.lookups", lang, count=count, limit=MAX_LOOKUPS)]
    problems: list[Diagnosis] = []
    if analysis.loop:
        problems.append(_diagnosis("dns.spf_loop", lang, chain=" -> ".join(analysis.loop)))
    if analysis.too_many_lookups:
        problems.append(_diagnosis("dns.spf_too_many_lookups", lang,
                                   count=count, limit=MAX_LOOKUPS))
    for target in analysis.missing_includes:
        problems.append(_diagnosis("dns.spf_include_missing", lang, target=target))
    if analysis.unreadable_includes:
        notes.append(m("discovery.spf_step.unreadable", lang,
                       names=", ".join(analysis.unreadable_includes)))

    if expected:
        if expected not in analysis.includes and not analysis.too_many_lookups:
            problems.append(_diagnosis(
                "dns.spf_provider_missing", lang, domain=domain, include=expected,
                provider=_provider_name(provider_id, lang),
                example=_with_include(records[0], expected)))
    elif smtp_host:
        addresses = await addresses_of(client, [smtp_host.rstrip(".").lower()])
        if addresses and not await authorised_addresses(client, analysis, addresses):
            shown = ", ".join(sorted(str(a) for a in addresses))
            first = min(addresses, key=lambda a: (a.version, str(a)))
            problems.append(_diagnosis("dns.spf_relay_missing", lang, host=smtp_host,
                                       addresses=shown, domain=domain,
                                       term=f"ip{first.version}:{first}"))
        elif not addresses:
            notes.append(m("discovery.spf_step.relay_unknown", lang, host=smtp_host))
    else:
        notes.append(m("discovery.spf_step.provider_unknown", lang))

    detail = join([records[0], *notes], "; ", lang)
    if problems:
        facts["problems"] = [p.code for p in problems]
        extra = [p.summary for p in problems[1:]]
        return "warn", join([detail, *extra], "; ", lang), problems[0], facts
    return "ok", detail, None, facts


def _with_include(record: str, include: str) -> str:
    """The record with ``include:`` added before its ``all`` term (the hint's example)."""
    terms = record.split()
    for index, term in enumerate(terms):
        if term.lower().lstrip("+-~?") == "all":
            return " ".join([*terms[:index], f"include:{include}", *terms[index:]])
    return " ".join([*terms, f"include:{include}"])


async def _check_dkim(client: DnsClient, apex: Awaitable[Lookup], domain: str,
                      provider_id: str | None, lang: str | None) -> CheckResult:
    selectors = DKIM_SELECTORS.get(provider_id or "")
    if not selectors:
        return "skipped", m("discovery.dkim_step.unknown", lang), None, {}
    names = [f"{selector}._domainkey.{domain}" for selector in selectors]
    # Microsoft publishes CNAMEs to its own zone, Google a TXT key: accept either.
    lookups = await asyncio.gather(
        *(client.query(name, rdtype) for name in names for rdtype in ("CNAME", "TXT")))
    found: list[str] = []
    missing: list[str] = []
    failed: list[Lookup] = []
    for index, name in enumerate(names):
        cname, txt = lookups[2 * index], lookups[2 * index + 1]
        if cname.ok or (txt.ok and any("p=" in str(r) for r in txt.records)):
            found.append(f"{name} -> {cname.records[0]}" if cname.ok else name)
        elif cname.status in UNAVAILABLE_STATUSES or txt.status in UNAVAILABLE_STATUSES:
            failed.append(cname if cname.status in UNAVAILABLE_STATUSES else txt)
        else:
            missing.append(name)
    facts = {"selectors": list(selectors), "found": found, "missing": missing}
    if missing and not found and (gone := await _domain_missing(apex, domain, lang)) is not None:
        return gone
    if missing:
        hint_key = _provider_family(provider_id) or "generic"  # where to click at the provider
        diagnosis = _diagnosis(f"dns.dkim_missing_{hint_key}", lang, names=", ".join(missing),
                               domain=domain, provider=_provider_name(provider_id, lang))
        diagnosis = Diagnosis("dns.dkim_missing", diagnosis.summary, diagnosis.hint)
        detail = m("discovery.dkim_step.missing", lang, names=", ".join(missing))
        return "warn", detail, diagnosis, facts
    if failed:
        detail, diagnosis = _unavailable(failed[0], lang, "DKIM")
        return "warn", detail, diagnosis, facts
    return "ok", ", ".join(found), None, facts


async def _check_dmarc(client: DnsClient, apex: Awaitable[Lookup], domain: str,
                       lang: str | None) -> CheckResult:
    name = f"_dmarc.{domain}"
    lookup = await client.query(name, "TXT")
    if lookup.status in UNAVAILABLE_STATUSES:
        detail, diagnosis = _unavailable(lookup, lang, "DMARC")
        return "warn", detail, diagnosis, {}
    records = [str(r).strip() for r in lookup.records
               if str(r).strip().lower().startswith("v=dmarc1")]
    if not records and (gone := await _domain_missing(apex, domain, lang)) is not None:
        return gone
    if not records:
        return ("warn", m("discovery.dmarc_step.missing", lang, name=name),
                _diagnosis("dns.dmarc_missing", lang, domain=domain), {})
    if len(records) > 1:
        return ("warn", " | ".join(records),
                _diagnosis("dns.dmarc_multiple", lang, domain=domain, count=len(records)),
                {"records": records})
    tags = dmarc_tags(records[0])
    policy = tags.get("p", "")
    facts = {"record": records[0], "policy": policy or None}
    if policy not in ("none", "quarantine", "reject"):
        return ("warn", records[0],
                _diagnosis("dns.dmarc_invalid", lang, domain=domain), facts)
    note = m(f"discovery.dmarc_step.policy_{policy}", lang)
    return "ok", join([records[0], note], "; ", lang), None, facts


def dmarc_tags(record: str) -> dict[str, str]:
    """``"v=DMARC1; p=none"`` -> ``{"v": "DMARC1", "p": "none"}`` (tag names lower case)."""
    tags: dict[str, str] = {}
    for part in record.split(";"):
        name, sep, value = part.partition("=")
        if sep:
            tags[name.strip().lower()] = value.strip().lower() if name.strip().lower() == "p" \
                else value.strip()
    return tags
