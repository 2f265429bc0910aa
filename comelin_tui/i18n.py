"""French and English strings.

Every module that shows text to a person registers its own catalogue with
:func:`register`; a key maps to both languages side by side, so a missing
translation is visible at a glance and caught by the test suite
(``tests/test_i18n.py`` checks that every key has both languages and that
both use the same ``{placeholders}``).

The current language is process-wide: the CLI sets it from ``--lang`` or the
locale, the TUI when the user switches.

French texts get their typography here, once, as they are registered
(:func:`french_spacing`): a no-break space before ``:`` and inside « », no
space before ``;`` ``?`` ``!`` (Québec usage), so a wrapped line never starts
with a punctuation mark. Only the catalogue's own words are touched, never
what fills their ``{placeholders}`` (a server's reply, a typed value).
"""

from __future__ import annotations

import os
import re
import string
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal, get_args

Lang = Literal["fr", "en"]
LANGUAGES: tuple[Lang, ...] = get_args(Lang)

# Québec stores first: French is the fallback when the locale says nothing.
DEFAULT_LANGUAGE: Lang = "fr"

_CATALOGUE: dict[str, dict[str, str]] = {}
_current: Lang | None = None


NO_BREAK_SPACE = "\u00a0"

# The spaces a catalogue text may hold before a mark or inside « » (a plain space, one
# already made no-break, a narrow one): any of them becomes the one space Québec usage
# puts there, so the function gives the same text when run again.
_SPACES = "[ \u00a0\u202f]"
_BEFORE_COLON = re.compile(rf"(?<=\S){_SPACES}+:(?=\s|$)")
_AFTER_OPENING = re.compile(rf"«{_SPACES}*(?=\S)")
_BEFORE_CLOSING = re.compile(rf"(?<=\S){_SPACES}*»")
# Before ; ? ! Québec usage (OQLF) puts a narrow no-break space when the medium has one,
# no space otherwise: a terminal cell is as wide as any space, so none. Not after « or
# an opening bracket: "« ? »" names the mark itself.
_BEFORE_SHORT_MARK = re.compile(rf"(?<=[^\s«(\[]){_SPACES}+(?=[;?!](?:\s|$|[)»\].,]))")


def french_spacing(text: str) -> str:
    """*text* with French typography for a terminal, which wraps at spaces.

    A no-break space (U+00A0, the OQLF's "espace insécable") before a colon and
    inside « »; no space before ``;`` ``?`` ``!``. U+00A0 rather than the narrow
    U+202F: every terminal font has it, and a terminal draws both one cell wide.
    Idempotent; a colon with no space before it (``host:port``, ``https://``,
    ``include:``) is left alone.
    """
    text = _BEFORE_COLON.sub(NO_BREAK_SPACE + ":", text)
    text = _AFTER_OPENING.sub("«" + NO_BREAK_SPACE, text)
    text = _BEFORE_CLOSING.sub(NO_BREAK_SPACE + "»", text)
    return _BEFORE_SHORT_MARK.sub("", text)


def sentence(text: str) -> str:
    """*text* as a message of its own, starting with a capital: the checks' reasons are
    written to follow "line 3, port: " in the CLI, and stand alone under a field or in
    a notification (``"the “@” is missing"`` -> ``"The “@” is missing"``)."""
    return text[:1].upper() + text[1:] if text[:1].islower() else text


def _typeset(texts: Mapping[str, str]) -> dict[str, str]:
    """A text in both languages, its French typeset (see :func:`french_spacing`)."""
    done = dict(texts)
    if "fr" in done:
        done["fr"] = french_spacing(done["fr"])
    return done


class CatalogueError(ValueError):
    """A programming error in a message catalogue (duplicate or incomplete key)."""


def register(messages: Mapping[str, Mapping[str, str]]) -> None:
    """Add a module's messages: ``{"key": {"fr": "...", "en": "..."}}``."""
    for key, texts in messages.items():
        typeset = _typeset(texts)
        existing = _CATALOGUE.get(key)
        if existing is not None and existing != typeset:
            raise CatalogueError(f"message key registered twice with different text: {key}")
        _CATALOGUE[key] = typeset


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
        super().__init__(fr=french_spacing(fr), en=en)

    def get_text(self, lang: str | None = None) -> str:
        return self.get(lang or get_language()) or self["en"]

    def __str__(self) -> str:  # pragma: no cover - convenience
        return self.get_text()


Formatter = Callable[[str, Mapping[str, object], str], str]


def _plain_format(template: str, params: Mapping[str, object], lang: str) -> str:
    if not params:
        return template
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return template


class Msg(str):
    """Words as data: a message key (or inline fr/en text) with its parameters.

    The core hands these back instead of translated text; a view words them in
    the language it shows now with :func:`render` (a language switch then
    redraws a finished run too). The string value is the text in the language
    the message was made for, so JSON, logs and plain printing read as before.

    Parameters may be messages themselves (or :class:`LocalText`): they are
    worded in the same language. *formatter* fills a template (default:
    ``str.format``, as :func:`t` does); it must be a module-level function.
    """

    key: str
    params: Mapping[str, object]
    lang: Lang
    texts: Mapping[str, str] | None
    formatter: Formatter | None

    def __new__(cls, key: str, params: Mapping[str, object] | None = None,  # noqa: PYI034
                lang: str | None = None, *, texts: Mapping[str, str] | None = None,
                formatter: Formatter | None = None) -> Msg:
        language: Lang = _known(lang)
        values = dict(params or {})
        source = _typeset(texts) if texts is not None else _CATALOGUE.get(key)
        if source is None:
            template = key  # never crash on a missing key in front of a user; tests catch it
        else:
            template = source.get(language) or source.get("en") or ""
        worded = {name: _word(value, language) for name, value in values.items()}
        text = (formatter or _plain_format)(template, worded, language)
        self = super().__new__(cls, text)
        self.key, self.params, self.lang = key, values, language
        self.texts = _typeset(texts) if texts is not None else None
        self.formatter = formatter
        return self

    @classmethod
    def inline(cls, texts: Mapping[str, str], lang: str | None = None,
               formatter: Formatter | None = None) -> Msg:
        """A message whose words come with it (``{"fr": ..., "en": ...}``), not a key."""
        return cls("", None, lang, texts=texts, formatter=formatter)

    def render(self, lang: str | None = None) -> Msg:
        """The same message worded in *lang* (default: the current language)."""
        language = _known(lang)
        if language == self.lang:
            return self
        return Msg(self.key, self.params, language, texts=self.texts, formatter=self.formatter)

    def with_params(self, params: Mapping[str, object]) -> Msg:
        """The same words with other parameters."""
        return Msg(self.key, params, self.lang, texts=self.texts, formatter=self.formatter)

    def map_params(self, change: Callable[[str], str]) -> Msg:
        """The same message with *change* applied to every plain text parameter (at any
        depth): how a secret echoed by a server is scrubbed without losing the words."""
        def fix(value: object) -> object:
            if isinstance(value, Msg):
                return value.map_params(change)
            if isinstance(value, str):
                return change(value)
            return value

        params = {name: fix(value) for name, value in self.params.items()}
        return Msg(self.key, params, self.lang, texts=self.texts, formatter=self.formatter)

    def __reduce__(self) -> tuple[Any, ...]:
        # str's own pickling would rebuild a plain string from the text alone.
        return (_rebuild, (self.key, dict(self.params), self.lang, self.texts, self.formatter))

    def __deepcopy__(self, memo: dict[int, object]) -> Msg:
        return self  # immutable (its parameters are never changed in place)

    def __copy__(self) -> Msg:
        return self


def _rebuild(key: str, params: Mapping[str, object], lang: str,
             texts: Mapping[str, str] | None, formatter: Formatter | None) -> Msg:
    return Msg(key, params, lang, texts=texts, formatter=formatter)


def _word(value: object, lang: Lang) -> object:
    """A parameter for *lang*: messages and inline texts are worded, the rest kept as is."""
    if isinstance(value, Msg):
        return value.render(lang)
    if isinstance(value, LocalText):
        return value.get_text(lang)
    return value


def join(parts: Iterable[object], separator: str = "; ", lang: str | None = None) -> Msg:
    """Several texts (messages or not) shown as one, each worded in the same language."""
    params = {f"part{index}": part for index, part in enumerate(parts)}
    params["separator"] = separator
    return Msg.inline({"fr": "", "en": ""}, lang, formatter=_joined).with_params(params)


def _joined(template: str, params: Mapping[str, object], lang: str) -> str:
    separator = str(params.get("separator", "; "))
    count = sum(1 for name in params if name.startswith("part"))
    return separator.join(str(params[f"part{index}"]) for index in range(count))


def _known(lang: str | None) -> Lang:
    code = (lang or "").strip().lower()[:2]
    return code if code in LANGUAGES else get_language()  # type: ignore[return-value]


def m(key: str, lang: str | None = None, /, **params: object) -> Msg:
    """:func:`t` as data: the message *key* with its parameters, worded in *lang* for now."""
    return Msg(key, params, lang)


def render(value: object, lang: str | None = None) -> str:
    """*value* worded in *lang*: a message is worded again, other text is shown as it is."""
    if isinstance(value, Msg):
        return value.render(lang)
    if isinstance(value, LocalText):
        return value.get_text(lang)
    return value if isinstance(value, str) else str(value)
