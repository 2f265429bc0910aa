"""SPF evaluation for the advisory check: one record, at most 10 lookups, no loops.

Not a full RFC 7208 evaluator: it walks ``include:`` and ``redirect=`` to
count the terms that cost a DNS lookup (include, a, mx, ptr, exists,
redirect), detect include loops, and collect what the record authorises
(include domains, ip4/ip6 ranges, a/mx names) so the check can tell whether
the chosen provider or relay is allowed to send.
"""

from __future__ import annotations

import asyncio
import ipaddress
from dataclasses import dataclass, field

from .dns import DnsClient, Lookup

MAX_LOOKUPS = 10
LOOKUP_TERMS = frozenset({"include", "a", "mx", "ptr", "exists"})

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def is_spf(text: str) -> bool:
    """True for an SPF record: ``v=spf1`` alone or followed by a space."""
    lowered = text.strip().lower()
    return lowered == "v=spf1" or lowered.startswith("v=spf1 ")


def spf_records(lookup: Lookup) -> list[str]:
    return [text.strip() for text in lookup.records if is_spf(str(text))]


@dataclass
class SpfAnalysis:
    """What walking an SPF record (and its includes) found."""

    record: str
    lookups: int = 0
    includes: list[str] = field(default_factory=list)  # include and redirect targets, walked
    networks: list[Network] = field(default_factory=list)
    a_names: list[str] = field(default_factory=list)
    mx_names: list[str] = field(default_factory=list)
    loop: list[str] | None = None  # the include chain that came back on itself
    missing_includes: list[str] = field(default_factory=list)  # included, no SPF record there
    unreadable_includes: list[str] = field(default_factory=list)  # lookup failed (timeout...)
    all_qualifier: str | None = None
    truncated: bool = False  # stopped walking once past the limit: the real count is higher

    @property
    def too_many_lookups(self) -> bool:
        return self.lookups > MAX_LOOKUPS


def _terms(record: str) -> list[str]:
    return record.split()[1:]


async def analyse_spf(client: DnsClient, domain: str, record: str) -> SpfAnalysis:
    """Walk ``record`` (published at ``domain``) and its includes."""
    analysis = SpfAnalysis(record=record)
    await _walk(client, domain, record, [domain], analysis, top=True)
    return analysis


async def _walk(client: DnsClient, domain: str, record: str, chain: list[str],
                analysis: SpfAnalysis, *, top: bool = False) -> None:
    targets: list[str] = []
    redirect = None
    has_all = False
    for term in _terms(record):
        lowered = term.lower()
        qualifier = lowered[0] if lowered[0] in "+-~?" else "+"
        body = lowered.lstrip("+-~?")
        name, sep, value = body.partition("=")
        if sep and ":" not in name and "/" not in name:
            if name == "redirect":
                redirect = value
            continue  # exp= and unknown modifiers cost nothing here
        mechanism, _, argument = body.partition(":")
        mechanism, _, _cidr = mechanism.partition("/")
        argument = argument.split("/")[0] if mechanism in ("a", "mx") else argument
        if mechanism in LOOKUP_TERMS:
            analysis.lookups += 1
        if mechanism == "include":
            targets.append(argument)
        elif mechanism == "a":
            analysis.a_names.append(argument or domain)
        elif mechanism == "mx":
            analysis.mx_names.append(argument or domain)
        elif mechanism in ("ip4", "ip6"):
            try:
                analysis.networks.append(ipaddress.ip_network(argument, strict=False))
            except ValueError:
                pass
        elif mechanism == "all":
            has_all = True
            if top:
                analysis.all_qualifier = qualifier
    # RFC 7208 6.1: redirect= is ignored when the record has an "all".
    if redirect and not has_all:
        analysis.lookups += 1
        targets.append(redirect)

    followable = [target.rstrip(".") for target in targets if target and "%" not in target]
    fetch = [target for target in followable if target not in chain]
    # Fetch this level's includes together; walk them in order afterwards.
    lookups = dict(zip(fetch, await asyncio.gather(
        *(client.query(target, "TXT") for target in fetch)), strict=True))
    for target in followable:
        if analysis.too_many_lookups:
            analysis.truncated = True
            return  # already a permerror: no need to ask the DNS more
        analysis.includes.append(target)
        if target in chain:
            if analysis.loop is None:
                analysis.loop = [*chain, target]
            continue
        lookup = lookups[target]
        records = spf_records(lookup)
        if lookup.status in ("ok", "nxdomain", "no_answer") and len(records) != 1:
            analysis.missing_includes.append(target)
            continue
        if not lookup.ok:
            analysis.unreadable_includes.append(target)
            continue
        await _walk(client, target, records[0], [*chain, target], analysis)


async def addresses_of(client: DnsClient, names: list[str]) -> set[ipaddress._BaseAddress]:
    """A and AAAA addresses of some names (failed lookups give nothing)."""
    lookups = await asyncio.gather(
        *(client.query(name, rdtype) for name in names for rdtype in ("A", "AAAA")))
    found: set[ipaddress._BaseAddress] = set()
    for lookup in lookups:
        for record in lookup.records:
            try:
                found.add(ipaddress.ip_address(record))
            except ValueError:
                pass
    return found


async def authorised_addresses(client: DnsClient, analysis: SpfAnalysis,
                               addresses: set[ipaddress._BaseAddress]) -> bool:
    """True when one of ``addresses`` is allowed by ip4/ip6, a or mx terms."""
    if any(address in network for address in addresses for network in analysis.networks
           if address.version == network.version):
        return True
    names = list(dict.fromkeys(analysis.a_names))[:MAX_LOOKUPS]
    mx_lookups = await asyncio.gather(
        *(client.query(name, "MX") for name in dict.fromkeys(analysis.mx_names)))
    for lookup in mx_lookups[:MAX_LOOKUPS]:
        names += [host for _pref, host in lookup.records if host]
    return bool(addresses & await addresses_of(client, names)) if names else False
