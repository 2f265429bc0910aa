"""What settings discovery returns: MX, SRV and probe findings, and the overall result."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from .. import i18n
from ..i18n import LocalText, t
from .dns import Lookup, LookupStatus, SrvRecord
from .messages import Note, lookup_message

# "domain": a public mailbox domain the catalogue knows (gmail.com, yahoo.ca...).
Source = Literal["domain", "mx", "autoconfig", "srv", "probe"]
Confidence = Literal["high", "medium", "low"]

i18n.register({
    "discovery.mx_unknown": {
        "fr": "Le MX pointe vers {host}, un fournisseur absent du catalogue",
        "en": "The MX points to {host}, a provider that is not in the catalogue",
    },
    "discovery.mx_null": {
        "fr": "Le domaine {domain} déclare ne recevoir aucun courriel (MX nul)",
        "en": "The domain {domain} declares that it receives no email (null MX)",
    },
    "discovery.mx_nxdomain": {
        "fr": "Le domaine {domain} n'existe pas dans le DNS : vérifiez l'orthographe de l'adresse",
        "en": "The domain {domain} does not exist in DNS: check the spelling of the address",
    },
    "discovery.mx_none": {
        "fr": "Le domaine {domain} n'a pas d'enregistrement MX : impossible d'en déduire le "
              "fournisseur",
        "en": "The domain {domain} has no MX record: the provider cannot be guessed from it",
    },
    "discovery.mx_failed": {
        "fr": "Recherche MX impossible : {problem}",
        "en": "MX lookup failed: {problem}",
    },
    "discovery.reason_domain": {
        "fr": "Les adresses {domain} sont hébergées par {provider}",
        "en": "{domain} addresses are hosted by {provider}",
    },
    "discovery.reason_srv": {
        "fr": "L'enregistrement SRV {record} indique {host}, port {port} ({security})",
        "en": "The SRV record {record} gives {host} port {port} ({security})",
    },
    "discovery.reason_probe": {
        "fr": "Un serveur de courriel a répondu sur {host}, port {port} ({security})",
        "en": "A mail server answered on {host} port {port} ({security})",
    },
    "discovery.reason_none": {
        "fr": "Rien trouvé pour {domain} : ni fournisseur connu, ni enregistrement SRV, ni "
              "serveur qui réponde ; entrez les réglages de votre fournisseur",
        "en": "Nothing found for {domain}: no known provider, no SRV record, no answering "
              "server; enter your provider's settings",
    },
    "discovery.srv_outside": {
        "fr": "L'enregistrement SRV {record} pointe vers {host}, hors du domaine {domain} : "
              "assurez-vous que ce serveur est bien celui de votre fournisseur",
        "en": "The SRV record {record} points to {host}, outside the domain {domain}: make "
              "sure this server really belongs to your provider",
    },
    "discovery.srv_not_offered": {
        "fr": "L'enregistrement SRV {record} indique que ce service n'est pas offert (cible « . »)",
        "en": "The SRV record {record} says this service is not offered (target “.”)",
    },
    "discovery.port25_blocked": {
        "fr": "Le port 25 de {host} ne répond pas d'ici alors que le port {port} répond : le "
              "fournisseur Internet ou le pare-feu du magasin bloque le port 25 à la sortie ; "
              "envoyez par le port {port}",
        "en": "Port 25 of {host} does not answer from here while port {port} does: the "
              "Internet provider or the store's firewall blocks port 25 on the way out; send "
              "through port {port}",
    },
    "discovery.intercepted": {
        "fr": "Le certificat de {host} a été émis par {product}, pas par une autorité publique : "
              "{product} s'interpose dans les connexions chiffrées de cet ordinateur ; le test "
              "d'envoi dira quoi en exclure",
        "en": "The certificate of {host} was issued by {product}, not by a public authority: "
              "{product} steps into this computer's encrypted connections; the test send will "
              "say what to exempt",
    },
    "discovery.probe_port25": {
        "fr": "Seul le port 25 a répondu : il est souvent bloqué par les fournisseurs Internet "
              "et réservé aux échanges entre serveurs",
        "en": "Only port 25 answered: Internet providers often block it and it is meant for "
              "server-to-server mail",
    },
    "discovery.mx_resolver_broken": {
        "fr": "Le DNS dit que {domain} n'existe pas, mais il nie aussi l'existence de {names}, "
              "qui existent à coup sûr : le DNS utilisé est filtré ou en panne (filtre DNS, "
              "VPN, portail captif, /etc/resolv.conf ou, sous Windows, les réglages DNS de la "
              "carte réseau)",
        "en": "The DNS says {domain} does not exist, but it also denies {names}, which "
              "certainly exist: the DNS in use is filtered or broken (a DNS filter, a VPN, a "
              "captive portal, /etc/resolv.conf or, on Windows, the network adapter's DNS "
              "settings)",
    },
    "discovery.reason_resolver_broken": {
        "fr": "Rien ne peut être trouvé pour {domain} tant que le DNS est filtré ou en panne : "
              "réparez d'abord le DNS, ou entrez les réglages de votre fournisseur",
        "en": "Nothing can be found for {domain} while the DNS is filtered or broken: fix the "
              "DNS first, or enter your provider's settings",
    },
})


@dataclass(frozen=True)
class MxResult:
    """The domain's MX hosts (by preference) and the provider they point to."""

    domain: str
    status: LookupStatus
    hosts: tuple[str, ...] = ()
    records: tuple[tuple[int, str], ...] = ()
    detection: Any = None  # providers.MxDetection | None
    error: str = ""
    null_mx: bool = False
    # For an NXDOMAIN: names that certainly exist which the same DNS denies too.
    resolver_broken: tuple[str, ...] = ()

    @property
    def provider_id(self) -> str | None:
        return self.detection.provider.id if self.detection is not None else None

    def message(self, lang: str | None = None) -> str:
        """What the MX lookup says, in one translated sentence."""
        if self.status == "ok":
            if self.detection is not None:
                return str(self.detection.reason(lang))
            if self.null_mx or not self.hosts:
                return t("discovery.mx_null", lang, domain=self.domain)
            return t("discovery.mx_unknown", lang, host=self.hosts[0])
        if self.status == "nxdomain" and self.resolver_broken:
            return t("discovery.mx_resolver_broken", lang, domain=self.domain,
                     names=", ".join(self.resolver_broken))
        if self.status == "nxdomain":
            return t("discovery.mx_nxdomain", lang, domain=self.domain)
        if self.status == "no_answer":
            return t("discovery.mx_none", lang, domain=self.domain)
        lookup = Lookup(self.domain, "MX", self.status, error=self.error)
        return t("discovery.mx_failed", lang, problem=lookup_message(lookup, lang))

    def to_json(self, lang: str | None = None) -> dict[str, Any]:
        return {
            "status": self.status,
            "hosts": list(self.hosts),
            "records": [{"preference": p, "host": h or "."} for p, h in self.records],
            "provider_id": self.provider_id,
            "message": self.message(lang),
            "resolver_broken": bool(self.resolver_broken),
            "sanity_missing": list(self.resolver_broken),
        }


@dataclass(frozen=True)
class SrvFinding:
    """What one SRV service name said."""

    name: str
    security: str
    lookup: Lookup
    record: SrvRecord | None = None  # the usable record, best priority/weight first
    not_offered: bool = False
    outside_domain: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "security": self.security,
            "status": self.lookup.status,
            "records": [r.to_json() for r in self.lookup.records],
            "chosen": self.record.to_json() if self.record else None,
            "not_offered": self.not_offered,
            "outside_domain": self.outside_domain,
        }


@dataclass(frozen=True)
class ProbeFinding:
    """One probed host/port/security and whether an SMTP server answered."""

    host: str
    port: int
    security: str
    ok: bool
    detail: str = ""
    duration_ms: int = 0
    error: str | None = None  # a contract code when it failed ("connect.timeout"...)
    issuer: str | None = None  # who issued the certificate, when TLS was established

    def to_json(self) -> dict[str, Any]:
        return {"host": self.host, "port": self.port, "security": self.security,
                "ok": self.ok, "detail": self.detail, "duration_ms": self.duration_ms,
                "error": self.error, "issuer": self.issuer}


@dataclass
class DiscoveryResult:
    """What discovery found for a domain, how, and how sure it is."""

    domain: str  # as a person reads it (Unicode for IDN domains)
    domain_ascii: str
    mx: MxResult
    provider_id: str | None = None
    host: str | None = None
    port: int | None = None
    security: str | None = None
    source: Source | None = None
    confidence: Confidence | None = None
    reason_text: LocalText | None = None
    warnings: list[Note] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    srv: list[SrvFinding] = field(default_factory=list)
    probes: list[ProbeFinding] = field(default_factory=list)
    lookups: dict[str, LookupStatus] = field(default_factory=dict)
    # The username the autoconfig file gives (placeholders filled in), if any.
    username: str | None = None
    # How that username follows the address: "email", "local_part", or None (as given).
    username_template: str | None = None
    autoconfig: Any = None  # autoconfig.AutoconfigResult | None

    @property
    def found(self) -> bool:
        return self.host is not None or self.provider_id is not None

    @property
    def mx_hosts(self) -> tuple[str, ...]:
        return self.mx.hosts

    def reason(self, lang: str | None = None) -> str:
        """Why we think so ("The domain's MX points to Google ..."), translated."""
        if self.reason_text is not None:
            return self.reason_text.get_text(lang)
        return t("discovery.reason_none", lang, domain=self.domain)

    def provider_name(self, lang: str | None = None) -> str | None:
        if self.provider_id is None:
            return None
        from ..providers import get_provider

        return get_provider(self.provider_id).display_name(lang)

    def to_json(self, lang: str | None = None) -> dict[str, Any]:
        server = None
        if self.host is not None:
            server = {"host": self.host, "port": self.port, "security": self.security}
            if self.username:
                server["username"] = self.username
        return {
            "domain": self.domain,
            "domain_ascii": self.domain_ascii,
            "found": self.found,
            "provider": ({"id": self.provider_id, "name": self.provider_name(lang)}
                         if self.provider_id else None),
            "server": server,
            "source": self.source,
            "confidence": self.confidence,
            "reason": self.reason(lang),
            "warnings": [w.to_json(lang) for w in self.warnings],
            "notes": [n.to_json(lang) for n in self.notes],
            "mx": self.mx.to_json(lang),
            "srv": [s.to_json() for s in self.srv],
            "probes": [p.to_json() for p in self.probes],
            "lookups": [{"query": key, "status": status} for key, status in self.lookups.items()],
            "autoconfig": self.autoconfig.to_json(lang) if self.autoconfig is not None else None,
        }


def mx_result(domain: str, lookup: Lookup) -> MxResult:
    """Sort the MX answers by preference and match them against the catalogue."""
    if not lookup.ok:
        return MxResult(domain, lookup.status, error=lookup.error,
                        resolver_broken=lookup.resolver_broken)
    records = tuple(sorted(lookup.records))
    hosts = tuple(host for _pref, host in records if host)
    detection = None
    if hosts:
        from ..providers import detect_by_mx

        detection = detect_by_mx(hosts)
    return MxResult(domain, "ok", hosts, records, detection, null_mx=not hosts)
