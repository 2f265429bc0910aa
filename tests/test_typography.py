"""The words' typography: French no-break spaces that hold when Textual wraps a line,
English without French spacing, and the slips a new user reads (paired « », no "::",
no "de" before a provider's name, French words for French text)."""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Iterator

import pytest
from textual.content import Content

import comelin_tui
import comelin_tui.app  # the TUI: its wrapping keeps no-break spaces
from comelin_tui import i18n
from comelin_tui.i18n import french_spacing, sentence

NBSP = "\u00a0"


def every_text() -> Iterator[tuple[str, dict[str, str]]]:
    """Every text shown to a person: the catalogues and the provider data."""
    from comelin_tui.providers import providers
    from comelin_tui.providers.model import DEFAULT_HINTS

    for info in pkgutil.walk_packages(comelin_tui.__path__, prefix="comelin_tui."):
        if not info.name.endswith("__main__"):
            importlib.import_module(info.name)
    for key, texts in i18n.catalogue().items():
        yield key, dict(texts)
    for provider in providers():
        for text in provider.local_texts():
            yield provider.id, dict(text)
    for name, text in DEFAULT_HINTS.items():
        yield f"hint.{name}", dict(text)


@pytest.mark.parametrize(("written", "shown"), [
    ("Hôte : smtp.example.com", f"Hôte{NBSP}: smtp.example.com"),
    ("Il vous demandera :", f"Il vous demandera{NBSP}:"),
    ("ligne {line} : {message}", f"ligne {{line}}{NBSP}: {{message}}"),
    ("choisissez « Autre » ici", f"choisissez «{NBSP}Autre{NBSP}» ici"),
    ("«Autre»", f"«{NBSP}Autre{NBSP}»"),
    ("Que faire ?", "Que faire?"),  # Québec usage: no space before ? ! ;
    ("hôte, port ; sécurité", "hôte, port; sécurité"),
    ("Enfin !", "Enfin!"),
    ("(faute de frappe ?)", "(faute de frappe?)"),
    ("le caractère « ? »", f"le caractère «{NBSP}?{NBSP}»"),  # the mark itself
    ("smtp.example.com:587, https://x.test/a?b=1, include:_spf.test",
     "smtp.example.com:587, https://x.test/a?b=1, include:_spf.test"),
    ("suivi de :PORT", "suivi de :PORT"),
    ("Sujet\u202f: x", f"Sujet{NBSP}: x"),
])
def test_french_spacing(written: str, shown: str) -> None:
    assert french_spacing(written) == shown
    assert french_spacing(shown) == shown  # idempotent


def test_every_french_text_is_typeset_once_and_for_all() -> None:
    """What the catalogues hold is already typeset (register and LocalText do it): no
    French text has a plain space before ':' or inside « », or a space before ; ? !"""
    wrong = []
    for key, texts in every_text():
        french = texts["fr"]
        if french_spacing(french) != french:
            wrong.append(f"{key}: {french!r}")
        if re.search(r" :(\s|$)|« | »", french):
            wrong.append(f"{key}: {french!r}")
    assert not wrong, "\n".join(wrong)


def test_french_words_are_typeset_when_worded_not_their_values() -> None:
    """The template is typeset, never what fills it (a server's reply, a typed value)."""
    i18n.register({"test.typography.reply": {"fr": "Le serveur a dit : {reply}",
                                             "en": "The server said: {reply}"}})
    worded = i18n.t("test.typography.reply", "fr", reply="550 bad : « x »")
    assert worded == f"Le serveur a dit{NBSP}: 550 bad : « x »"
    message = i18n.Msg("test.typography.reply", {"reply": "a : b"}, "en")
    assert str(message) == "The server said: a : b"
    assert str(message.render("fr")) == f"Le serveur a dit{NBSP}: a : b"
    inline = i18n.Msg.inline({"fr": "Étape « {step} » :", "en": "Step “{step}”:"},
                             "fr").with_params({"step": "AUTH"})
    assert str(inline) == f"Étape «{NBSP}AUTH{NBSP}»{NBSP}:"


def _line_starts(text: str, width: int) -> list[str]:
    """The mark each wrapped line starts with, if it is punctuation (":PORT" is a word)."""
    starts = []
    for line in Content(text).wrap(width):
        head = str(line).lstrip()[:2]
        punctuation = head[:1] in (":", ";", "?", "!", "»") and head[1:] in ("", " ", NBSP)
        starts.append(head[:1] if punctuation else "")
    return starts


def test_a_wrapped_french_line_never_starts_with_a_colon_or_a_closing_guillemet() -> None:
    """Textual wraps at any whitespace, a no-break space too, unless told otherwise
    (widgets/textual_compat.keep_no_break_spaces): every French text, at every width
    from 40 to 80 columns (narrower, a word longer than the line is cut anywhere)."""
    wrong = []
    for key, texts in every_text():
        french = texts["fr"]
        if not re.search(r"[:;?!»]", french):
            continue
        for width in range(40, 81):
            starts = _line_starts(french, width)
            bad = [start for start in starts[1:] if start]
            if bad:
                wrong.append(f"{key} at {width} columns: a line starts with {bad[0]!r}")
                break
    assert not wrong, "\n".join(wrong)


def _unquoted(text: str) -> str:
    """*text* without what it quotes (an English text may quote a French subject line)."""
    return re.sub(r'"[^"]*"|“[^”]*”|«[^»]*»', '""', text)


def test_english_has_no_space_before_a_colon_or_a_question_mark() -> None:
    """No "Host :" in English: a space before : ; ? ! is French spacing. A colon that
    starts a word (":PORT", ":587") is not punctuation."""
    wrong = [f"{key}: {texts['en']!r}" for key, texts in every_text()
             if re.search(r"\s[:;?!](?=\s|$|[.,)])", _unquoted(texts["en"]))]
    assert not wrong, "\n".join(wrong)


def test_french_guillemets_are_paired() -> None:
    wrong = []
    for key, texts in every_text():
        marks = re.sub(r"[^«»]", "", texts["fr"])
        if marks.replace("«»", "") and marks != "«»" * (len(marks) // 2):
            wrong.append(f"{key}: {texts['fr']!r}")
    assert not wrong, "\n".join(wrong)


def test_no_two_colons_in_a_row() -> None:
    """A label ending in ':' put in a template that adds its own gives "Host:: x" or
    "Hôte : : x". IPv6 addresses ([::1], 4700::1111) are not punctuation."""
    colons = re.compile(rf"(?<![\[\w]):[ {NBSP}]*:(?![\d\]])")
    wrong = [f"{key} ({lang}): {texts[lang]!r}" for key, texts in every_text()
             for lang in i18n.LANGUAGES if colons.search(texts[lang])]
    assert not wrong, "\n".join(wrong)


def test_french_has_french_words_and_no_de_before_a_provider_name() -> None:
    """"Type d'encryption" is not French (chiffrement); "de {provider}" reads "de Autre",
    "de OVH" (the elision depends on the name: say "pour {provider}")."""
    wrong = []
    for key, texts in every_text():
        french = texts["fr"]
        if re.search(r"(?i)encrypt", re.sub(r"\{[^{}]*\}", "", french)):
            wrong.append(f"{key}: {french!r}")
        if re.search(r"\b(?:de|du|le|la)\s+\{[a-z_]*provider[a-z_]*\}", french):
            wrong.append(f"{key}: {french!r}")
    assert not wrong, "\n".join(wrong)


def test_english_says_never_block_sending() -> None:
    """The DNS advice never blocks sending (it does not "never stop" it)."""
    wrong = [key for key, texts in every_text() if "never stop sending" in texts["en"]]
    assert not wrong


@pytest.mark.parametrize(("reason", "shown"), [
    ("the “@” is missing (e.g. till@grocery.ca)", "The “@” is missing (e.g. till@grocery.ca)"),
    ("entrez le nom du serveur", "Entrez le nom du serveur"),
    ("Already a sentence.", "Already a sentence."),
    ("« x » is quoted", "« x » is quoted"),
    ("", ""),
])
def test_a_reason_shown_alone_starts_with_a_capital(reason: str, shown: str) -> None:
    assert sentence(reason) == shown
