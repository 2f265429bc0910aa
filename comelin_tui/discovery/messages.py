"""Texts shared by the discovery modules: lookup outcomes, security names, notes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import i18n
from ..i18n import LocalText, t
from ..labels import security_label  # noqa: F401 - the one name, also for discovery
from .dns import Lookup

i18n.register({
    "discovery.lookup.nxdomain": {
        "fr": "le nom {name} n'existe pas dans le DNS",
        "en": "the name {name} does not exist in DNS",
    },
    "discovery.lookup.no_answer": {
        "fr": "aucun enregistrement {rdtype} pour {name}",
        "en": "no {rdtype} record for {name}",
    },
    "discovery.lookup.timeout": {
        "fr": "le serveur DNS n'a pas répondu à temps ({rdtype} {name})",
        "en": "the DNS server did not answer in time ({rdtype} {name})",
    },
    "discovery.lookup.servfail": {
        "fr": "le serveur DNS n'a pas pu répondre pour {name} ({error})",
        "en": "the DNS server could not answer for {name} ({error})",
    },
    "discovery.lookup.no_resolver": {
        "fr": "aucun serveur DNS n'est configuré sur cet ordinateur (/etc/resolv.conf absent "
              "ou vide) ; indiquez-en un avec --dns-server ou dans les réglages",
        "en": "no DNS server is configured on this computer (/etc/resolv.conf missing or "
              "empty); give one with --dns-server or in the settings",
    },
    "discovery.lookup.error": {
        "fr": "la recherche DNS de {name} a échoué : {error}",
        "en": "the DNS lookup of {name} failed: {error}",
    },
    "discovery.lookup.ok": {
        "fr": "{rdtype} {name} : {count} réponse(s)",
        "en": "{rdtype} {name}: {count} answer(s)",
    },
})




def lookup_message(lookup: Lookup, lang: str | None = None) -> str:
    """One line saying how a lookup ended, translated."""
    return t(f"discovery.lookup.{lookup.status}", lang, name=lookup.name, rdtype=lookup.rdtype,
             error=lookup.error or lookup.status, count=len(lookup.records))


def local(key: str, **params: Any) -> LocalText:
    """A message in both languages (params may be LocalText, resolved per language)."""
    texts = {}
    for lang in i18n.LANGUAGES:
        resolved = {k: (v.get_text(lang) if isinstance(v, LocalText) else v)
                    for k, v in params.items()}
        texts[lang] = t(key, lang, **resolved)
    return LocalText(**texts)


def local_lookup(lookup: Lookup) -> LocalText:
    return LocalText(**{lang: lookup_message(lookup, lang) for lang in i18n.LANGUAGES})


@dataclass(frozen=True)
class Note:
    """A warning or remark with a stable code and a text in both languages."""

    code: str
    text: LocalText

    def message(self, lang: str | None = None) -> str:
        return self.text.get_text(lang)

    def to_json(self, lang: str | None = None) -> dict[str, str]:
        return {"code": self.code, "message": self.message(lang)}
