"""The provider catalogue: presets, hints (fr/en), MX patterns, checklists.

Provider knowledge lives here as data plus a few small functions, so screens
never test ``provider == "google"`` themselves. Textual-free and cheap to
import (frozen dataclasses, no pydantic).

Typical use::

    detection = detect_by_mx(["aspmx.l.google.com"])
    provider = detection.provider if detection else get_provider(CUSTOM_ID)
    preset = provider.default_preset
    host = expand_host(preset, "boutique.ca")
    username = username_for(provider, "ventes@boutique.ca")
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from . import google, hosts, microsoft, services, webmail
from .model import (
    AUTH_KINDS,
    DOMAIN_DASHED_PLACEHOLDER,
    DOMAIN_PLACEHOLDER,
    HINT_FIELDS,
    PASSWORD_KINDS,
    SECURITIES,
    USERNAME_TEMPLATES,
    MxDetection,
    PasswordKind,
    Provider,
    ProviderKind,
    ServerPreset,
    UsernameTemplate,
    fold,
    host_matches,
    is_loopback,
    normalise_host,
)
from .services import CUSTOM_ID

__all__ = [
    "AUTH_KINDS",
    "CUSTOM_ID",
    "HINT_FIELDS",
    "PASSWORD_KINDS",
    "SECURITIES",
    "USERNAME_TEMPLATES",
    "MxDetection",
    "PasswordKind",
    "Provider",
    "ProviderKind",
    "ServerPreset",
    "UsernameTemplate",
    "detect_by_domain",
    "detect_by_host",
    "detect_by_mx",
    "email_domain",
    "expand_host",
    "get_provider",
    "host_matches",
    "is_loopback",
    "providers",
    "search_providers",
    "username_for",
]

# Catalogue order is the wizard's list order: the most common first, custom last.
_CATALOGUE: tuple[Provider, ...] = (
    google.GOOGLE_WORKSPACE,
    microsoft.MICROSOFT_365,
    microsoft.OUTLOOK_COM,
    google.GOOGLE_SMTP_RELAY,
    microsoft.MICROSOFT_365_RELAY,
    *webmail.PROVIDERS,
    *hosts.PROVIDERS,
    *services.PROVIDERS,
    services.CUSTOM,
)
_BY_ID: dict[str, Provider] = {provider.id: provider for provider in _CATALOGUE}


def providers() -> tuple[Provider, ...]:
    """Every provider, in catalogue order ("Other / custom" last)."""
    return _CATALOGUE


def get_provider(provider_id: str | None) -> Provider:
    """The provider with this id; an unknown or empty id gives "Other / custom"."""
    if not provider_id:
        return _BY_ID[CUSTOM_ID]
    return _BY_ID.get(provider_id.strip().lower(), _BY_ID[CUSTOM_ID])


def detect_by_mx(mx_hosts: Iterable[str]) -> MxDetection | None:
    """The provider the domain's MX hosts point to, or None.

    *mx_hosts* should come highest priority first: the first host that matches
    a provider's pattern decides. A null MX (".") or empty entry is skipped.
    """
    for raw_host in mx_hosts:
        host = normalise_host(raw_host)
        if not host:
            continue
        for provider in _CATALOGUE:
            for pattern in provider.mx_patterns:
                if host_matches(host, pattern):
                    return MxDetection(provider=provider, mx_host=host, pattern=pattern)
    return None


def email_domain(email_or_domain: str) -> str:
    """The domain part of an address (or the domain itself), normalised, IDNA-encoded.

    ``"Ventes@Épicerie.ca"`` -> ``"xn--picerie-9xa.ca"``; ``""`` when there is none.
    """
    text = email_or_domain.strip()
    domain = text.rpartition("@")[2] if "@" in text else text
    domain = normalise_host(domain)
    if not domain:
        return ""
    try:
        return domain.encode("idna").decode("ascii")
    except UnicodeError:
        # Not a valid IDNA name: leave it as typed; validation reports it elsewhere.
        return domain


def detect_by_domain(email_or_domain: str) -> Provider | None:
    """The provider hosting a public email domain (gmail.com, bell.net...), or None."""
    domain = email_domain(email_or_domain)
    if not domain:
        return None
    for provider in _CATALOGUE:
        if domain in provider.domains:
            return provider
    return None


def detect_by_host(host: str) -> Provider | None:
    """The provider one of whose presets is this very server (smtp.gmail.com...), or None.

    Presets with a placeholder (``{domain}``) name no server of their own.
    """
    name = normalise_host(host)
    for provider in _CATALOGUE:
        if provider.id == CUSTOM_ID:
            continue
        for preset in provider.presets:
            if "{" not in preset.host and normalise_host(preset.host) == name:
                return provider
    return None


def username_for(provider: Provider, email: str) -> str:
    """The username to pre-fill for *email* with this provider.

    "email" -> the address as typed; "local_part" -> before the "@"; "custom" ->
    the provider's fixed username (e.g. "apikey"), or "" when the person must
    copy it from the provider's dashboard.
    """
    email = email.strip()
    if provider.username_template == "custom":
        return provider.username_value
    if provider.username_template == "local_part":
        return email.rpartition("@")[0] if "@" in email else email
    return email


def expand_host(preset: ServerPreset, domain: str, mx_hosts: Iterable[str] = ()) -> str:
    """The preset's host with ``{domain}`` / ``{domain_dashed}`` filled in.

    *domain* may be a domain or a whole address. For a connector relay
    (``preset.mx_suffixes``) a matching MX host of the domain is the server
    itself and wins over the guess: new Microsoft 365 domains get MX hosts
    under ``mx.microsoft`` that cannot be derived from the name. Returns ""
    when the host needs a domain and none is given.
    """
    if preset.mx_suffixes:
        for raw_host in mx_hosts:
            host = normalise_host(raw_host)
            if any(host_matches(host, suffix) for suffix in preset.mx_suffixes):
                return host
    if not preset.is_template:
        return preset.host
    name = email_domain(domain)
    if not name:
        return ""
    return (
        preset.host
        .replace(DOMAIN_DASHED_PLACEHOLDER, name.replace(".", "-"))
        .replace(DOMAIN_PLACEHOLDER, name)
    )


_NON_WORD = re.compile(r"[\W_]+")


def _haystack(provider: Provider) -> tuple[str, str]:
    words = [provider.id, provider.name["fr"], provider.name["en"], *provider.keywords]
    folded = " ".join(fold(word) for word in words)
    # A squashed copy so "office365" finds "Office 365" and "outlookcom" finds
    # "Outlook.com".
    return folded, _NON_WORD.sub("", folded)


def search_providers(
    query: str, candidates: Iterable[Provider] | None = None
) -> tuple[Provider, ...]:
    """Providers whose names, id or keywords contain every word of *query*.

    Case- and accent-insensitive ("epicerie" finds "Épicerie"); an empty query
    gives every provider. Results keep catalogue order.
    """
    pool = tuple(_CATALOGUE if candidates is None else candidates)
    words = [word for word in fold(query).split() if word]
    if not words:
        return pool
    found = []
    for provider in pool:
        folded, squashed = _haystack(provider)
        if all(word in folded or _NON_WORD.sub("", word) in squashed for word in words):
            found.append(provider)
    return tuple(found)
