"""French and English strings.

Every module that shows text to a person registers its own catalogue with
:func:`register`; a key maps to both languages side by side, so a missing
translation is visible at a glance and caught by the test suite
(``tests/test_i18n.py`` checks that every key has both languages and that
both use the same ``{placeholders}``).

The current language is process-wide: the CLI sets it from ``--lang`` or the
locale, the TUI when the user switches.
"""

from __future__ import annotations

import os
import string
from collections.abc import Mapping
from typing import Literal, get_args

Lang = Literal["fr", "en"]
LANGUAGES: tuple[Lang, ...] = get_args(Lang)

# Québec stores first: French is the fallback when the locale says nothing.
DEFAULT_LANGUAGE: Lang = "fr"

_CATALOGUE: dict[str, dict[str, str]] = {}
_current: Lang | None = None


class CatalogueError(ValueError):
    """A programming error in a message catalogue (duplicate or incomplete key)."""


def register(messages: Mapping[str, Mapping[str, str]]) -> None:
    """Add a module's messages: ``{"key": {"fr": "...", "en": "..."}}``."""
    for key, texts in messages.items():
        existing = _CATALOGUE.get(key)
        if existing is not None and existing != dict(texts):
            raise CatalogueError(f"message key registered twice with different text: {key}")
        _CATALOGUE[key] = dict(texts)


def catalogue() -> Mapping[str, Mapping[str, str]]:
    """All registered messages (for checks and tools)."""
    return _CATALOGUE


def language_from_locale(environ: Mapping[str, str] | None = None) -> Lang:
    """The language the locale asks for (LC_ALL, LC_MESSAGES, LANG, LANGUAGE)."""
    env = os.environ if environ is None else environ
    for var in ("COMELIN_TUI_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = env.get(var, "").strip().lower()
        if not value or value in ("c", "posix") or value.startswith("c."):
            continue
        code = value.split(":")[0][:2]
        if code in LANGUAGES:
            return code  # type: ignore[return-value]
        return "en"
    return DEFAULT_LANGUAGE


def get_language() -> Lang:
    global _current
    if _current is None:
        _current = language_from_locale()
    return _current


def set_language(lang: str) -> Lang:
    """Set the process-wide language; unknown codes raise ValueError."""
    global _current
    code = lang.strip().lower()[:2]
    if code not in LANGUAGES:
        raise ValueError(f"unsupported language: {lang!r} (use fr or en)")
    _current = code  # type: ignore[assignment]
    return _current  # type: ignore[return-value]


def t(key: str, lang: str | None = None, /, **params: object) -> str:
    """The message *key* in *lang* (default: the current language), formatted."""
    texts = _CATALOGUE.get(key)
    if texts is None:
        # Never crash on a missing key in front of a user; tests catch it.
        return key
    text = texts.get(lang or get_language()) or texts.get("en") or key
    if params:
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            return text
    return text


def placeholders(text: str) -> set[str]:
    """The ``{names}`` used in a message (for the catalogue checks)."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


class LocalText(dict[str, str]):
    """Inline text in both languages, for data such as the provider catalogue."""

    def __init__(self, fr: str, en: str) -> None:
        super().__init__(fr=fr, en=en)

    def get_text(self, lang: str | None = None) -> str:
        return self.get(lang or get_language()) or self["en"]

    def __str__(self) -> str:  # pragma: no cover - convenience
        return self.get_text()
