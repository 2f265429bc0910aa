"""DNS lookups for discovery: dnspython's asyncio resolver, bounded in time.

Every lookup ends in a :class:`Lookup` with a status; no resolver fault
(missing configuration, timeout, SERVFAIL, NXDOMAIN, empty answer) ever
escapes as an exception, because discovery is advisory and must never block
the wizard. Only bad input (an unusable domain or DNS server address) raises
:class:`DiscoveryError`.

dnspython is imported lazily, when the first lookup is made.
"""

from __future__ import annotations

import asyncio
import sys
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from .. import i18n
from ..errors import ComelinError

LookupStatus = Literal["ok", "nxdomain", "no_answer", "timeout", "servfail", "no_resolver", "error"]
LOOKUP_STATUSES: tuple[LookupStatus, ...] = (
    "ok", "nxdomain", "no_answer", "timeout", "servfail", "no_resolver", "error",
)
# Statuses that say "the DNS itself could not be asked", as opposed to an answer.
UNAVAILABLE_STATUSES: frozenset[str] = frozenset({"timeout", "servfail", "no_resolver", "error"})

# Where the system resolver configuration lives on POSIX (a variable so a test
# can point it at a missing or empty file).
RESOLV_CONF = "/etc/resolv.conf"

i18n.register({
    "discovery.bad_domain": {
        "fr": "« {value} » n'est pas une adresse courriel ni un nom de domaine utilisable.",
        "en": "“{value}” is not a usable email address or domain name.",
    },
    "discovery.bad_nameserver": {
        "fr": "« {value} » n'est pas un serveur DNS valide : indiquez une adresse IP, "
              "éventuellement suivie de :PORT (ex. 192.0.2.53 ou 192.0.2.53:5353).",
        "en": "“{value}” is not a valid DNS server: give an IP address, optionally "
              "followed by :PORT (e.g. 192.0.2.53 or 192.0.2.53:5353).",
    },
    "discovery.bad_lifetime": {
        "fr": "Délai invalide « {value} » : indiquez un nombre de secondes entre 0,1 et 60.",
        "en": "Invalid timeout “{value}”: give a number of seconds between 0.1 and 60.",
    },
})


class DiscoveryError(ComelinError):
    """Bad input to discovery (domain, DNS server address, timeout)."""


@dataclass(frozen=True)
class SrvRecord:
    """One SRV answer; ``target`` is "" for the RFC 2782 "." (service not offered)."""

    priority: int
    weight: int
    port: int
    target: str

    def to_json(self) -> dict[str, Any]:
        return {"priority": self.priority, "weight": self.weight, "port": self.port,
                "target": self.target or "."}


@dataclass(frozen=True)
class Lookup:
    """The outcome of one DNS query.

    ``records`` holds parsed answers: MX -> ``(preference, host)``, SRV ->
    :class:`SrvRecord`, TXT -> the joined text, CNAME -> the target, A/AAAA ->
    the address. Host names are lower case, without the trailing dot.
    """

    name: str
    rdtype: str
    status: LookupStatus
    records: tuple[Any, ...] = ()
    error: str = ""
    # For an NXDOMAIN: names that certainly exist (gmail.com...) which the same
    # resolver also said do not exist; then the resolver is filtered or broken.
    resolver_broken: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def missing(self) -> bool:
        """True when the DNS answered that there is nothing (NXDOMAIN or empty)."""
        return self.status in ("nxdomain", "no_answer")

    @property
    def key(self) -> str:
        return f"{self.rdtype} {self.name}"

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"name": self.name, "type": self.rdtype, "status": self.status}
        if self.error:
            data["error"] = self.error
        if self.resolver_broken:
            data["resolver_broken"] = list(self.resolver_broken)
        return data


def normalise_domain(email_or_domain: str) -> tuple[str, str]:
    """``(unicode, ascii)`` forms of the domain of an address or a bare domain.

    Raises :class:`DiscoveryError` when there is no usable domain.
    """
    raw = (email_or_domain or "").strip()
    domain = raw.rsplit("@", 1)[-1].strip().rstrip(".").lower()
    if not domain or "." not in domain or any(c.isspace() for c in domain):
        raise DiscoveryError("discovery.bad_domain", value=raw)
    try:
        ascii_domain = to_ascii(domain)
    except ValueError:
        raise DiscoveryError("discovery.bad_domain", value=raw) from None
    labels = ascii_domain.split(".")
    if len(ascii_domain) > 253 or any(
        not label or len(label) > 63 or label.startswith("-") or label.endswith("-")
        or not all(c.isalnum() or c in "-_" for c in label)
        for label in labels
    ):
        raise DiscoveryError("discovery.bad_domain", value=raw)
    try:
        unicode_domain = to_unicode(ascii_domain)
    except ValueError:
        unicode_domain = domain
    return unicode_domain, ascii_domain


def to_ascii(domain: str) -> str:
    """IDNA-encode a domain (IDNA 2008 with UTS 46 when ``idna`` is installed)."""
    if domain.isascii():
        return domain.lower()
    try:
        import idna
    except ImportError:  # pragma: no cover - idna ships with the usual installs
        try:
            return domain.encode("idna").decode("ascii").lower()
        except UnicodeError as error:
            raise ValueError(str(error)) from None
    try:
        return idna.encode(domain, uts46=True).decode("ascii").lower()
    except idna.IDNAError as error:
        raise ValueError(str(error)) from None


def to_unicode(domain: str) -> str:
    """The readable form of an ASCII (punycode) domain."""
    if "xn--" not in domain:
        return domain
    try:
        import idna

        return idna.decode(domain)
    except ImportError:  # pragma: no cover
        return domain.encode("ascii").decode("idna")
    except idna.IDNAError as error:
        raise ValueError(str(error)) from None


def parse_nameserver(value: str) -> tuple[str, int]:
    """``"IP"``, ``"IP:PORT"`` or ``"[IPv6]:PORT"`` -> ``(ip, port)``; port 53 by default.

    The same rules as the ``dns_server`` setting, so ``--dns-server`` accepts what
    the settings accept; bad input is a :class:`DiscoveryError` naming the value.
    """
    from ..config_validate import FieldError, parse_dns_server

    try:
        return parse_dns_server(value)
    except FieldError:
        raise DiscoveryError("discovery.bad_nameserver", value=value) from None


def check_lifetime(value: float | str) -> float:
    """A usable lookup lifetime in seconds (0.1 to 60) or :class:`DiscoveryError`."""
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        raise DiscoveryError("discovery.bad_lifetime", value=value) from None
    if not 0.1 <= seconds <= 60:  # also rejects NaN
        raise DiscoveryError("discovery.bad_lifetime", value=value)
    return seconds


@dataclass
class DnsClient:
    """Queries sharing one resolver and one deadline.

    All queries made through one client end by ``lifetime`` seconds after its
    first query, however many there are (parallel or chained, as in SPF
    include chains): each gets what is left of the budget.
    """

    nameserver: str | None = None
    lifetime: float = 3.0
    _resolver: Any = field(default=None, init=False, repr=False)
    _setup_error: Lookup | None = field(default=None, init=False, repr=False)
    _deadline: float = field(default=0.0, init=False, repr=False)

    def __post_init__(self) -> None:
        # Validate the address now: a bad --dns-server is bad input, not a lookup status.
        self._address = parse_nameserver(self.nameserver) if self.nameserver else None

    def remaining(self) -> float:
        return self._deadline - asyncio.get_running_loop().time()

    def _start(self) -> None:
        """Make the resolver and start the budget: the first import of dnspython
        (a fraction of a second on a slow box) is not counted against the answer."""
        try:
            self._resolver = self._make_resolver()
        except Exception as error:  # noqa: BLE001 - NoResolverConfiguration and kin
            self._setup_error = Lookup("", "", "no_resolver", error=str(error))
        self._deadline = asyncio.get_running_loop().time() + self.lifetime

    def _make_resolver(self) -> Any:
        import dns.asyncresolver
        import dns.resolver

        if self._address is not None:
            resolver = dns.asyncresolver.Resolver(configure=False)
            resolver.nameservers = [self._address[0]]
            resolver.port = self._address[1]
        elif sys.platform == "win32":  # pragma: no cover - reads the registry
            resolver = dns.asyncresolver.Resolver()
        else:
            resolver = dns.asyncresolver.Resolver(filename=RESOLV_CONF)
        resolver.cache = None
        resolver.search = []
        return resolver

    async def query(self, name: str, rdtype: str, *, sanity: bool = False) -> Lookup:
        """Ask for ``rdtype`` records of ``name`` (an ASCII name); never raises.

        With *sanity*, names that certainly exist are asked of the same server at the
        same time (see :mod:`.sanity`); they are waited for only when *name* comes back
        NXDOMAIN, within the same budget, and the lookup then says whether the
        resolver also denies them (``resolver_broken``).
        """
        if not sanity:
            return await self._query(name, rdtype)
        from .sanity import judge, sanity_names

        names = [n for n in sanity_names() if n != name.rstrip(".").lower()]
        checks = asyncio.gather(*(self._query(n, "A") for n in names))
        try:
            lookup = await self._query(name, rdtype)
            if lookup.status != "nxdomain":
                return lookup
            answers = await checks
        finally:
            if not checks.done():
                checks.cancel()
                # A cancelled gather ends with a CancelledError as its exception; take it,
                # or asyncio logs "exception was never retrieved" with a traceback.
                checks.add_done_callback(_retrieve)
        verdict = judge(name, {a.name: a.status for a in answers})
        return replace(lookup, resolver_broken=verdict.missing)

    async def _query(self, name: str, rdtype: str) -> Lookup:
        name = name.rstrip(".").lower()
        if self._resolver is None and self._setup_error is None:
            self._start()
        if self._setup_error is not None:
            return Lookup(name, rdtype, "no_resolver", error=self._setup_error.error)
        remaining = self.remaining()
        if remaining <= 0:
            return Lookup(name, rdtype, "timeout", error="lifetime expired")
        return await self._resolve(name, rdtype, remaining)

    async def _resolve(self, name: str, rdtype: str, lifetime: float) -> Lookup:
        import dns.exception
        import dns.resolver

        try:
            # A safety net only: dnspython honours the lifetime itself. (Not wait_for: it
            # runs the query as a task of its own, whose answer, when a cancel crosses it,
            # is logged as "never retrieved".)
            async with asyncio.timeout(lifetime + 0.25):
                answer = await self._resolver.resolve(name + ".", rdtype, search=False,
                                                      lifetime=lifetime)
        except dns.resolver.NXDOMAIN:
            return Lookup(name, rdtype, "nxdomain")
        except dns.resolver.NoAnswer:
            return Lookup(name, rdtype, "no_answer")
        except (TimeoutError, dns.exception.Timeout) as error:
            return Lookup(name, rdtype, "timeout", error=str(error))
        except dns.resolver.NoNameservers as error:
            return _no_nameservers(name, rdtype, error)
        except Exception as error:  # noqa: BLE001 - advisory: a status, never a traceback
            return Lookup(name, rdtype, "error", error=f"{type(error).__name__}: {error}")
        records = tuple(_parse(rdata) for rdata in answer)
        if not records:
            return Lookup(name, rdtype, "no_answer")
        return Lookup(name, rdtype, "ok", records)


def _no_nameservers(name: str, rdtype: str, error: Exception) -> Lookup:
    """SERVFAIL/REFUSED answers -> servfail; network errors -> error."""
    errors = getattr(error, "kwargs", {}).get("errors") or []
    answered = [entry for entry in errors if len(entry) > 4 and entry[4] is not None]
    if answered or not errors:
        codes = sorted({str(entry[3]) for entry in answered}) or ["SERVFAIL"]
        return Lookup(name, rdtype, "servfail", error=", ".join(codes))
    return Lookup(name, rdtype, "error", error=str(errors[0][3]))


def printable(text: str) -> str:
    """*text* with control and other invisible characters written as ``\\<code point>``.

    TXT records are whatever the domain's owner typed: an escape sequence in one
    must not reach the technician's terminal (``discover`` prints records as is).
    """
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else f"\\{ord(char):03d}" for char in text)


def _host(name: Any) -> str:
    return name.to_text(omit_final_dot=True).lower() if name is not None else ""


def _parse(rdata: Any) -> Any:
    """Turn a dnspython rdata into plain data (see :class:`Lookup`)."""
    import dns.rdatatype

    kind = rdata.rdtype
    if kind == dns.rdatatype.MX:
        host = _host(rdata.exchange)
        return (int(rdata.preference), "" if host in ("", ".") else host)
    if kind == dns.rdatatype.SRV:
        target = _host(rdata.target)
        return SrvRecord(int(rdata.priority), int(rdata.weight), int(rdata.port),
                         "" if target in ("", ".") else target)
    if kind == dns.rdatatype.TXT:
        return printable(b"".join(rdata.strings).decode("utf-8", "replace"))
    if kind == dns.rdatatype.CNAME:
        return _host(rdata.target)
    if kind in (dns.rdatatype.A, dns.rdatatype.AAAA):
        return rdata.address
    return rdata.to_text()



def _retrieve(future: asyncio.Future[Any]) -> None:
    if not future.cancelled():
        future.exception()
