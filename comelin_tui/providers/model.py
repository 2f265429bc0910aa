"""The shapes of the provider catalogue: server presets, providers, MX detections.

Plain frozen dataclasses (no pydantic) so that importing the catalogue stays
cheap for the CLI. Every piece of text a person reads is a
:class:`~comelin_tui.i18n.LocalText` (French and English side by side).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal, get_args

from ..diagnostics.model import AuthKind, Security
from ..i18n import LocalText, register, t

UsernameTemplate = Literal["email", "local_part", "custom"]
PasswordKind = Literal["app_password", "account_password", "api_key", "none"]
# What a provider is, so the wizard can group them: a mailbox host, a relay in
# front of a mailbox host, or a sending service with no mailbox at all.
ProviderKind = Literal["mailbox", "relay", "sending_service", "custom"]
# Whose servers these are, when a diagnosis has family-specific words (a 535 from
# Google asks for an app password, one from Microsoft names the UPN).
ProviderFamily = Literal["google", "microsoft"]

SECURITIES: tuple[Security, ...] = get_args(Security)
AUTH_KINDS: tuple[AuthKind, ...] = get_args(AuthKind)
PASSWORD_KINDS: tuple[PasswordKind, ...] = get_args(PasswordKind)
PROVIDER_FAMILIES: tuple[ProviderFamily, ...] = get_args(ProviderFamily)
USERNAME_TEMPLATES: tuple[UsernameTemplate, ...] = get_args(UsernameTemplate)
HINT_FIELDS: tuple[str, ...] = ("email", "host", "port", "security", "username", "password")

# Placeholders a preset host may contain (see expand_host).
DOMAIN_PLACEHOLDER = "{domain}"
DOMAIN_DASHED_PLACEHOLDER = "{domain_dashed}"

register({
    "providers.mx_reason": {
        "fr": "Le MX du domaine pointe vers {provider} ({host})",
        "en": "The domain's MX points to {provider} ({host})",
    },
})


def normalise_host(host: str) -> str:
    """Lower-case, trimmed, without the trailing root dot of DNS answers."""
    return host.strip().rstrip(".").lower()


def is_loopback(host: str) -> bool:
    """A name or address of this machine itself (``localhost``, 127.0.0.0/8, ::1)."""
    import ipaddress

    name = normalise_host(host).strip("[]")
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def host_matches(host: str, pattern: str) -> bool:
    """True when *host* is *pattern* or a subdomain of it (whole labels only).

    ``aspmx.l.google.com`` matches ``google.com``; ``evilgoogle.com`` does not.
    """
    host = normalise_host(host)
    pattern = normalise_host(pattern)
    if not host or not pattern:
        return False
    return host == pattern or host.endswith("." + pattern)


def fold(text: str) -> str:
    """Case- and accent-insensitive form of *text* (``Épicerie`` -> ``epicerie``)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@dataclass(frozen=True)
class ServerPreset:
    """One host/port/security combination offered for a provider.

    ``host`` may hold ``{domain}`` (the email's domain, as typed) or
    ``{domain_dashed}`` (dots replaced by hyphens, as Microsoft names MX hosts);
    :func:`comelin_tui.providers.expand_host` fills them in. When
    ``mx_suffixes`` is set, a matching MX host of the domain *is* the server
    (connector relay to the tenant's MX), and it wins over the template.
    """

    host: str
    port: int
    security: Security
    label: LocalText | None = None
    mx_suffixes: tuple[str, ...] = ()

    def __hash__(self) -> int:
        # LocalText is a dict (unhashable); equal presets share these three.
        return hash((self.host, self.port, self.security))

    @property
    def is_template(self) -> bool:
        """True when the host needs the email's domain to be known."""
        return DOMAIN_PLACEHOLDER in self.host or DOMAIN_DASHED_PLACEHOLDER in self.host


@dataclass(frozen=True, eq=False)
class Provider:
    """Everything the wizard knows about one email provider.

    Compared by identity: the catalogue holds one instance per provider.
    """

    id: str
    name: LocalText
    presets: tuple[ServerPreset, ...]
    username_template: UsernameTemplate
    auth_kinds: tuple[AuthKind, ...]
    # Field name ("email", "host", "port", "security", "username", "password")
    # -> the short hint shown under that field.
    hints: Mapping[str, LocalText]
    checklist: tuple[LocalText, ...]
    sent_copies: LocalText
    password_kind: PasswordKind
    mx_patterns: tuple[str, ...] = ()
    links: tuple[tuple[LocalText, str], ...] = ()
    # Diagnosis code (see the diagnostics contract) -> provider-specific fix.
    diagnosis_hints: Mapping[str, LocalText] = field(default_factory=dict)
    notes: tuple[LocalText, ...] = ()
    strip_spaces_in_password: bool = False
    # The literal username when username_template is "custom" (e.g. "apikey");
    # empty when the person must copy it from the provider's dashboard.
    username_value: str = ""
    # Email domains this provider hosts for everyone (gmail.com, bell.net...).
    domains: tuple[str, ...] = ()
    # Extra words the wizard's filter should find (old names, product names).
    keywords: tuple[str, ...] = ()
    kind: ProviderKind = "mailbox"
    # Ids of other ways to send with the same host (the Workspace relay for
    # Google, the connector relay for Microsoft 365), for "other options".
    related: tuple[str, ...] = ()
    # Google's or Microsoft's servers (see ProviderFamily); None for everyone else.
    family: ProviderFamily | None = None

    def __post_init__(self) -> None:
        # Read-only views: the catalogue is shared by the whole process.
        object.__setattr__(self, "hints", MappingProxyType(dict(self.hints)))
        object.__setattr__(
            self, "diagnosis_hints", MappingProxyType(dict(self.diagnosis_hints))
        )

    @property
    def default_preset(self) -> ServerPreset:
        """The preset the wizard fills in first."""
        return self.presets[0]

    @property
    def default_auth(self) -> AuthKind:
        """The authentication the wizard proposes first."""
        return self.auth_kinds[0]

    def display_name(self, lang: str | None = None) -> str:
        return self.name.get_text(lang)

    def hint(self, field_name: str, lang: str | None = None) -> str:
        """The hint under a form field, or "" when the provider has none."""
        text = self.hints.get(field_name)
        return text.get_text(lang) if text is not None else ""

    def diagnosis_hint(self, code: str, lang: str | None = None) -> str | None:
        """The provider-specific fix for a diagnosis code, if any."""
        text = self.diagnosis_hints.get(code)
        return text.get_text(lang) if text is not None else None

    def local_texts(self) -> Iterable[LocalText]:
        """Every piece of text of this provider (for completeness checks)."""
        yield self.name
        yield self.sent_copies
        yield from self.hints.values()
        yield from self.checklist
        yield from self.diagnosis_hints.values()
        yield from self.notes
        for label, _url in self.links:
            yield label
        for preset in self.presets:
            if preset.label is not None:
                yield preset.label


@dataclass(frozen=True, eq=False)
class MxDetection:
    """Which provider a domain's MX records point to, and why we think so."""

    provider: Provider
    mx_host: str
    pattern: str

    def reason(self, lang: str | None = None) -> str:
        """A short sentence for the wizard: "The domain's MX points to Google..."."""
        return t(
            "providers.mx_reason", lang,
            provider=self.provider.display_name(lang), host=self.mx_host,
        )


# Generic hints; a provider overrides the fields where it knows better.
DEFAULT_HINTS: dict[str, LocalText] = {
    "email": LocalText(
        fr="L'adresse d'où partiront les courriels du magasin",
        en="The address the store's emails will come from",
    ),
    "host": LocalText(
        fr="Serveur d'envoi (SMTP), p. ex. smtp.votredomaine.com",
        en="Outgoing (SMTP) server, e.g. smtp.yourdomain.com",
    ),
    "port": LocalText(
        fr="587 = STARTTLS ; 465 = SSL/TLS implicite",
        en="587 = STARTTLS; 465 = implicit SSL/TLS",
    ),
    "security": LocalText(
        fr="STARTTLS sur 587, SSL/TLS implicite sur 465 ; jamais sans chiffrement",
        en="STARTTLS on 587, implicit SSL/TLS on 465; never unencrypted",
    ),
    "username": LocalText(
        fr="Votre adresse courriel complète",
        en="Your full email address",
    ),
    "password": LocalText(
        fr="Le mot de passe de la boîte courriel",
        en="The mailbox password",
    ),
}


# The security hint of a provider whose only submission port is 587 (its port hint
# says "587 = STARTTLS"): the two hints name the same port and encryption.
STARTTLS_587_ONLY = LocalText(
    fr="STARTTLS sur 587 ; jamais sans chiffrement",
    en="STARTTLS on 587; never unencrypted",
)


# The security hint of a provider whose only submission port is 465 (its port hint
# says "465 = SSL/TLS implicite").
IMPLICIT_TLS_465_ONLY = LocalText(
    fr="SSL/TLS implicite sur 465 ; jamais sans chiffrement",
    en="implicit SSL/TLS on 465; never unencrypted",
)


def hints(**overrides: LocalText) -> dict[str, LocalText]:
    """The default hints with a provider's own ones on top."""
    unknown = set(overrides) - set(HINT_FIELDS)
    if unknown:
        raise ValueError(f"unknown hint fields: {sorted(unknown)}")
    return {**DEFAULT_HINTS, **overrides}
