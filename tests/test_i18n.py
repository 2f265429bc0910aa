"""Every user-facing message exists in French and English, with the same placeholders."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import comelin_tui
from comelin_tui import i18n


def _import_all_modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(comelin_tui.__path__, prefix="comelin_tui."):
        if info.name.endswith("__main__"):
            continue
        importlib.import_module(info.name)
        names.append(info.name)
    return names


def test_every_message_has_french_and_english() -> None:
    _import_all_modules()
    catalogue = i18n.catalogue()
    assert catalogue, "no message registered"
    problems = []
    for key, texts in catalogue.items():
        if set(texts) != set(i18n.LANGUAGES):
            problems.append(f"{key}: languages {sorted(texts)}")
            continue
        for lang in i18n.LANGUAGES:
            if not texts[lang].strip():
                problems.append(f"{key}: empty {lang}")
        if i18n.placeholders(texts["fr"]) != i18n.placeholders(texts["en"]):
            problems.append(f"{key}: placeholders differ between fr and en")
    assert not problems, "\n".join(problems)


def test_french_differs_from_english_for_sentences() -> None:
    """A French text copied from the English one is a missing translation."""
    _import_all_modules()
    same = [
        key for key, texts in i18n.catalogue().items()
        if texts.get("fr") == texts.get("en") and len(texts.get("en", "").split()) > 3
    ]
    assert not same, f"untranslated: {same}"


def test_language_from_locale() -> None:
    assert i18n.language_from_locale({"LANG": "fr_CA.UTF-8"}) == "fr"
    assert i18n.language_from_locale({"LANG": "en_US.UTF-8"}) == "en"
    assert i18n.language_from_locale({"LC_ALL": "de_DE.UTF-8"}) == "en"
    # Québec stores first: no locale at all means French.
    assert i18n.language_from_locale({"LANG": "C.UTF-8"}) == "fr"
    assert i18n.language_from_locale({}) == "fr"


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError):
        i18n.set_language("de")


def test_missing_key_shows_the_key_instead_of_crashing() -> None:
    assert i18n.t("no.such.key") == "no.such.key"


# Modules whose wording has been reviewed; the others should join once aligned.
_SECURITY_WORDING_PREFIXES = ("config.", "discovery.", "diagnosis.", "show.", "password.",
                              "engine.", "smtpio.", "tlsinfo.", "check.", "signin.",
                              "render.", "probe.", "test_message.", "tui.",
                              "secrets.", "cli.", "providers.")


def test_implicit_tls_has_one_name_in_each_language() -> None:
    """The wizard offers "SSL/TLS implicite" / "Implicit SSL/TLS": hints must use that name."""
    import re

    from comelin_tui.providers import providers

    _import_all_modules()
    texts = [(key, texts) for key, texts in i18n.catalogue().items()
             if key.startswith(_SECURITY_WORDING_PREFIXES)]
    texts += [(provider.id, text) for provider in providers() for text in provider.local_texts()]
    french_other = re.compile(r"(?<!SSL/)TLS implicite|SSL/TLS dès|SSL/TLS \(implicite\)|« SSL/TLS »")
    english_other = re.compile(r"implicit TLS|SSL/TLS from the start|SSL/TLS \(implicit\)|“SSL/TLS”")
    wrong = [f"{key}: {text['fr']}" for key, text in texts if french_other.search(text["fr"])]
    wrong += [f"{key}: {text['en']}" for key, text in texts if english_other.search(text["en"])]
    assert not wrong, "\n".join(wrong)
