"""Settings discovery: from a company address to a likely SMTP server.

All DNS lookups and the autoconfig fetches run in parallel within one short
lifetime; the result is advisory. Order of trust: a public mailbox domain the
catalogue knows (gmail.com...), then an MX pointing to a provider of the
catalogue (its first preset), then autoconfig (the domain's own file, the
well-known path, Thunderbird's ISPDB, the ISPDB entry of the MX's domain), then
RFC 8314/6186 SRV records, then probing ``smtp.<d>`` and ``mail.<d>`` with
EHLO + QUIT on the ranked port/security list.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .. import i18n
from ..i18n import LocalText, t
from .dns import (
    UNAVAILABLE_STATUSES,
    DiscoveryError,
    DnsClient,
    Lookup,
    check_lifetime,
    normalise_domain,
)
from .messages import Note, local, security_label
from .results import DiscoveryResult, MxResult, ProbeFinding, SrvFinding, mx_result

# RFC 8314 (implicit TLS) is preferred over RFC 6186 (STARTTLS), as msmtp does.
SRV_SERVICES: tuple[tuple[str, str], ...] = (
    ("_submissions._tcp", "implicit_tls"),
    ("_submission._tcp", "starttls"),
)
PROBE_HOST_PREFIXES: tuple[str, ...] = ("smtp", "mail")


async def lookup_mx(domain: str, *, nameserver: str | None = None,
                    lifetime: float = 3.0) -> MxResult:
    """The MX hosts of a domain (or of an address's domain) and the provider they point to.

    Never raises for DNS faults (see ``MxResult.status``); raises
    ``DiscoveryError`` for an unusable domain or DNS server address.
    """
    _unicode, ascii_domain = normalise_domain(domain)
    client = DnsClient(nameserver, check_lifetime(lifetime))
    return mx_result(ascii_domain, await client.query(ascii_domain, "MX", sanity=True))


def _in_domain(host: str, domain: str) -> bool:
    return host == domain or host.endswith("." + domain)


def _srv_finding(name: str, security: str, lookup: Lookup, domain: str) -> SrvFinding:
    if not lookup.ok:
        return SrvFinding(name, security, lookup)
    ordered = sorted(lookup.records, key=lambda r: (r.priority, -r.weight))
    usable = [r for r in ordered if r.target and r.port]
    if not usable:
        # RFC 2782/6186: a lone "." target says the service is deliberately absent.
        return SrvFinding(name, security, lookup, not_offered=True)
    record = usable[0]
    return SrvFinding(name, security, lookup, record,
                      outside_domain=not _in_domain(record.target, domain))


def _preset_server(provider: Any, domain: str, mx_hosts: Sequence[str]) -> tuple[str, int, str]:
    """Host/port/security of a provider's first preset, filled in for this domain."""
    from ..providers import expand_host

    preset = provider.default_preset
    return expand_host(preset, domain, mx_hosts), preset.port, preset.security


async def discover(
    email_or_domain: str,
    *,
    nameserver: str | None = None,
    lifetime: float = 3.0,
    probe: bool = True,
    probe_timeout: float = 5.0,
    candidates: Sequence[Any] | None = None,
    ca_file: Path | None = None,
    autoconfig: bool = True,
    ispdb_url: str | None = None,
) -> DiscoveryResult:
    """Find the likely SMTP settings for an address's domain (advisory, never blocks).

    DNS lookups (MX, both SRV names, and the addresses of the probe hosts) and
    the autoconfig fetches run in parallel within ``lifetime`` seconds; probing,
    only when nothing else said anything, takes at most ``probe_timeout`` more.
    ``candidates`` (default: the probe module's ranked list) exists for tests;
    ``ca_file`` adds a private CA to the system's for the probe and the
    autoconfig fetches; ``ispdb_url`` names an ISPDB mirror (default:
    ``COMELIN_ISPDB_URL``, else Thunderbird's). Raises ``DiscoveryError`` only
    for bad input.
    """
    from ..providers import detect_by_domain
    from .autoconfig import AutoconfigLookup

    unicode_domain, domain = normalise_domain(email_or_domain)
    client = DnsClient(nameserver, check_lifetime(lifetime))
    auto: AutoconfigLookup | None = None
    bad_env: DiscoveryError | None = None
    if autoconfig and detect_by_domain(domain) is None:
        # gmail.com, yahoo.ca...: the catalogue knows; nobody else is asked.
        try:
            auto = AutoconfigLookup(email_or_domain if "@" in email_or_domain else domain,
                                    domain, timeout=lifetime, base_url=ispdb_url,
                                    ca_file=ca_file, resolve=_resolver(client))
        except DiscoveryError as error:
            if ispdb_url is not None:
                raise  # --ispdb-url: bad input, said as such
            bad_env = error  # COMELIN_ISPDB_URL: said, and the rest goes on
        if auto is not None:
            auto.start()
    try:
        result = await _discover(domain, unicode_domain, client, nameserver, auto, probe,
                                 candidates, probe_timeout, ca_file)
    finally:
        if auto is not None:
            auto.stop()  # cancelled, or done: no fetch outlives the call
    if bad_env is not None:
        result.warnings.append(Note("autoconfig.bad_env", LocalText(
            **{lang: t("autoconfig.bad_env", lang, message=bad_env.message(lang))
               for lang in i18n.LANGUAGES})))
    return result


async def _discover(domain: str, unicode_domain: str, client: DnsClient,
                    nameserver: str | None, auto: Any, probe: bool,
                    candidates: Sequence[Any] | None, probe_timeout: float,
                    ca_file: Path | None) -> DiscoveryResult:
    queries: list[tuple[str, str]] = [(domain, "MX")]
    queries += [(f"{prefix}.{domain}", "SRV") for prefix, _sec in SRV_SERVICES]
    probe_hosts = [f"{prefix}.{domain}" for prefix in PROBE_HOST_PREFIXES]
    if probe:
        queries += [(host, rdtype) for host in probe_hosts for rdtype in ("A", "AAAA")]
    # The MX lookup alone asks the sanity names too: it is the one whose "no such name"
    # is reported, and the other names are under the same domain.
    answers = await asyncio.gather(*(client.query(name, rdtype, sanity=index == 0)
                                     for index, (name, rdtype) in enumerate(queries)))
    by_query = {(a.name, a.rdtype): a for a in answers}

    result = DiscoveryResult(unicode_domain, domain, mx_result(domain, by_query[(domain, "MX")]))
    result.lookups = {a.key: a.status for a in answers}
    mx_text = LocalText(fr=result.mx.message("fr"), en=result.mx.message("en"))
    if result.mx.status != "ok" or result.mx.null_mx:
        result.warnings.append(Note(_mx_code(result.mx.status, bool(result.mx.resolver_broken)),
                                    mx_text))
    elif result.mx.detection is None:
        result.notes.append(Note("discovery.mx_unknown", mx_text))
    for prefix, security in SRV_SERVICES:
        name = f"{prefix}.{domain}"
        result.srv.append(_srv_finding(name, security, by_query[(name, "SRV")], domain))

    if _use_public_domain(result) or _use_mx(result):
        if auto is not None:
            result.autoconfig = auto.cancel()
        return result
    if auto is not None:
        auto.start_mx(result.mx.hosts)
        result.autoconfig = await auto.result()
        if _use_autoconfig(result):
            return result
    if _use_srv(result):
        return result
    if probe:
        addresses = {host: [r for rt in ("A", "AAAA") for r in by_query[(host, rt)].records]
                     for host in probe_hosts}
        await _use_probe(result, addresses, nameserver is not None,
                         candidates, probe_timeout, ca_file)
    if not result.found and result.mx.resolver_broken:
        result.reason_text = local("discovery.reason_resolver_broken", domain=result.domain)
    return result


def _resolver(client: DnsClient) -> Any:
    """A name's addresses (IPv4 first) from the same DNS as the other lookups, bounded by
    their lifetime: the OS resolver in a thread could outlive the budget, and hold the
    command's exit while it waits on a DNS server that does not answer."""

    async def resolve(host: str) -> list[str]:
        answers = await asyncio.gather(client.query(host, "A"), client.query(host, "AAAA"))
        return [str(r) for answer in answers if answer.ok for r in answer.records]

    return resolve


def _use_autoconfig(result: DiscoveryResult) -> bool:
    from ..providers import detect_by_host

    chosen = result.autoconfig.chosen if result.autoconfig is not None else None
    if chosen is None:
        return False
    # The file's order, but an encrypted server before a plaintext one.
    server = next((s for s in chosen.servers if s.security != "none"), chosen.servers[0])
    result.host, result.port, result.security = server.host, server.port, server.security
    result.username = server.username
    result.username_template = server.username_template
    provider = detect_by_host(server.host)
    result.provider_id = provider.id if provider is not None else None
    result.source = "autoconfig"
    result.confidence = "medium" if chosen.source == "ispdb_mx" else "high"
    result.reason_text = LocalText(**{
        lang: t("discovery.reason_autoconfig", lang,
                source=t(f"autoconfig.according.{chosen.source}", lang),
                url=chosen.url.split("?", 1)[0], host=server.host, port=server.port,
                security=security_label(server.security, lang))
        for lang in i18n.LANGUAGES})
    if server.security == "none":
        result.warnings.append(Note("discovery.autoconfig_plain",
                                    local("discovery.autoconfig_plain", host=server.host)))
    if any(a.lower() == "oauth2" for a in server.authentication):
        result.notes.append(Note("discovery.autoconfig_oauth",
                                 local("discovery.autoconfig_oauth", host=server.host)))
    return True


def _mx_code(status: str, resolver_broken: bool = False) -> str:
    if status == "nxdomain":
        return "dns.resolver_broken" if resolver_broken else "dns.not_found"
    if status in UNAVAILABLE_STATUSES:
        return "dns.unavailable"
    return "dns.mx_missing"


def _use_public_domain(result: DiscoveryResult) -> bool:
    from ..providers import detect_by_domain

    provider = detect_by_domain(result.domain_ascii)
    if provider is None:
        return False
    result.provider_id = provider.id
    result.host, result.port, result.security = _preset_server(
        provider, result.domain_ascii, result.mx.hosts)
    result.source, result.confidence = "domain", "high"
    result.reason_text = local("discovery.reason_domain", domain=result.domain,
                               provider=provider.name)
    return True


def _use_mx(result: DiscoveryResult) -> bool:
    detection = result.mx.detection
    if detection is None:
        return False
    provider = detection.provider
    result.provider_id = provider.id
    result.host, result.port, result.security = _preset_server(
        provider, result.domain_ascii, result.mx.hosts)
    result.source, result.confidence = "mx", "high"
    result.reason_text = LocalText(fr=detection.reason("fr"), en=detection.reason("en"))
    return True


def _use_srv(result: DiscoveryResult) -> bool:
    for finding in result.srv:
        if finding.not_offered:
            result.notes.append(Note("discovery.srv_not_offered",
                                     local("discovery.srv_not_offered", record=finding.name)))
    chosen = next((f for f in result.srv if f.record is not None), None)
    if chosen is None or chosen.record is None:
        return False
    record = chosen.record
    result.host, result.port, result.security = record.target, record.port, chosen.security
    result.source = "srv"
    result.confidence = "medium" if chosen.outside_domain else "high"
    result.reason_text = _security_text("discovery.reason_srv", chosen.security,
                                        record=chosen.name, host=record.target, port=record.port)
    if chosen.outside_domain:
        result.warnings.append(Note("discovery.srv_outside", local(
            "discovery.srv_outside", record=chosen.name, host=record.target,
            domain=result.domain)))
    return True


def _security_text(key: str, security: str, **params: Any) -> LocalText:
    return LocalText(**{lang: t(key, lang, security=security_label(security, lang), **params)
                        for lang in i18n.LANGUAGES})


async def _use_probe(
    result: DiscoveryResult,
    addresses: dict[str, list[str]],
    own_nameserver: bool,
    candidates: Sequence[Any] | None,
    timeout: float,
    ca_file: Path | None,
) -> None:
    """Probe the candidate hosts that exist, in parallel; keep the best answer."""
    from ..diagnostics.probe import DEFAULT_CANDIDATES, probe_candidates

    ranked = list(candidates if candidates is not None else DEFAULT_CANDIDATES)
    hosts = [host for host, found in addresses.items() if found]
    if not hosts or not ranked:
        return

    async def probe_host(host: str) -> list[Any]:
        # With a DNS server of our own the system resolver may not know the
        # name: connect to the address that server gave (TLS still checks the name).
        address = addresses[host][0] if own_nameserver else None
        try:
            return list(await probe_candidates(host, ranked, timeout=timeout,
                                               ca_file=ca_file, address=address))
        except Exception:  # noqa: BLE001 - advisory: a failed probe finds nothing
            return []

    outcomes = await asyncio.gather(*(probe_host(host) for host in hosts))
    best: tuple[int, int, ProbeFinding] | None = None
    for host_rank, (host, outcome) in enumerate(zip(hosts, outcomes, strict=True)):
        for probe_result in outcome:
            candidate = probe_result.candidate
            finding = ProbeFinding(host, candidate.port, candidate.security,
                                   bool(probe_result.ok), str(probe_result.detail or ""),
                                   int(probe_result.duration_ms or 0),
                                   getattr(probe_result, "error", None),
                                   getattr(probe_result, "issuer", None))
            result.probes.append(finding)
            rank = _candidate_rank(ranked, candidate)
            # The ranked port/security list first, then smtp.<d> before mail.<d>.
            if finding.ok and (best is None or (rank, host_rank) < best[:2]):
                best = (rank, host_rank, finding)
    _port25_blocked(result)
    _intercepted(result)
    if best is None:
        return
    finding = best[2]
    result.host, result.port, result.security = finding.host, finding.port, finding.security
    result.source = "probe"
    result.confidence = "low" if finding.port == 25 else "medium"
    result.reason_text = _security_text("discovery.reason_probe", finding.security,
                                        host=finding.host, port=finding.port)
    if finding.port == 25:
        result.warnings.append(Note("discovery.probe_port25", local("discovery.probe_port25")))


def _port25_blocked(result: DiscoveryResult) -> None:
    """Port 25 of a host silent while another of its ports answered: blocked on the way out."""
    for silent in result.probes:
        if silent.port != 25 or silent.ok or silent.error != "connect.timeout":
            continue
        works = next((f for f in result.probes if f.host == silent.host and f.ok), None)
        if works is not None:
            result.notes.append(Note("discovery.port25_blocked", local(
                "discovery.port25_blocked", host=silent.host, port=works.port)))
            return


def _intercepted(result: DiscoveryResult) -> None:
    """A probe whose TLS went through an antivirus or firewall product's certificate."""
    from ..diagnostics.interception import intercepting_product

    for finding in result.probes:
        product = intercepting_product(finding.issuer) if finding.ok else None
        if product is not None:
            result.warnings.append(Note("discovery.intercepted", local(
                "discovery.intercepted", host=finding.host, product=product.name)))
            return


def _candidate_rank(ranked: list[Any], candidate: Any) -> int:
    for index, item in enumerate(ranked):
        if (item.port, item.security) == (candidate.port, candidate.security):
            return index
    return len(ranked)

