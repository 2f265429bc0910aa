"""The field registry: every setting has its words once, and every view reads them there."""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel
from test_app_support import SIZE, build, settle, texts

from comelin_tui import fields, i18n
from comelin_tui.cli import run as cli_run
from comelin_tui.config import Config, missing_fields, save_config, with_changes
from comelin_tui.fields import FIELDS, field_label, field_spec, required_message
from comelin_tui.i18n import LANGUAGES
from comelin_tui.labels import with_colon
from comelin_tui.profile_wizard_state import PROFILE_STEPS
from comelin_tui.screens.help import help_topic
from comelin_tui.screens.profile_wizard import ProfileWizardScreen
from comelin_tui.screens.search import ranked
from comelin_tui.screens.wizard import PANES
from comelin_tui.wizard_state import STEPS


def _leaves(model: type[BaseModel], prefix: str = "") -> list[str]:
    names = []
    for name, info in model.model_fields.items():
        annotation = info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            names.extend(_leaves(annotation, f"{prefix}{name}."))
        else:
            names.append(prefix + name)
    return names


EDITABLE = [name for name in _leaves(Config) if name not in fields.NOT_EDITABLE]


def test_the_settings_model_is_what_the_registry_knows() -> None:
    assert "smtp.host" in EDITABLE and "oauth.client_id" in EDITABLE and "version" not in EDITABLE
    settings = {spec.name for spec in FIELDS if spec.setting}
    sections = {name for name, info in Config.model_fields.items()
                if isinstance(info.annotation, type) and issubclass(info.annotation, BaseModel)}
    assert settings == set(_leaves(Config)) | sections, "a registry entry names no setting"


@pytest.mark.parametrize("name", EDITABLE)
def test_every_editable_setting_has_a_complete_entry_in_both_languages(name: str) -> None:
    spec = field_spec(name)
    assert spec is not None, f"{name} has no field registry entry"
    for part in ("label", "help", "keywords"):
        key = spec.key(part)
        assert key is not None, f"{name}: no {part}"
        texts = i18n.catalogue()[key]
        assert set(texts) == set(LANGUAGES), key
        assert all(texts[lang].strip() for lang in LANGUAGES), key
    assert spec.text("help", "fr") != spec.text("help", "en"), f"{name}: help not translated"
    assert field_label(name, "fr") != name and field_label(name, "en") != name


def test_wizard_fields_have_their_words_and_a_known_step() -> None:
    for spec in FIELDS:
        if spec.step is None:
            continue
        assert spec.step in (*STEPS, *PROFILE_STEPS, "test"), spec.name
        if spec.name not in ("save", "test"):
            assert spec.help is not None, f"{spec.name}: no F1 help"
    assert tuple(PANES) == STEPS  # one pane a step, in the state's order
    assert tuple(ProfileWizardScreen.PANES) == PROFILE_STEPS
    for step, pane in (*PANES.items(), *ProfileWizardScreen.PANES.items()):
        assert pane.FIELDS == fields.fields_of_step(step)


def test_implicit_tls_has_its_one_name_in_the_registry() -> None:
    for spec in FIELDS:
        for lang, other in (("fr", "TLS implicite"), ("en", "implicit TLS")):
            text = " ".join(spec.text(part, lang) for part in ("label", *fields.PARTS))
            assert other not in text.replace("SSL/TLS implicite", ""), spec.name


# --- the search ---------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_search_finds_each_field_by_its_name_and_keywords(lang: str) -> None:
    for spec in fields.searchable_fields():
        label = spec.text("label", lang)
        assert ranked(label)[0] == spec.name, (lang, label, ranked(label))
        for word in spec.text("keywords", lang).split():
            assert spec.name in ranked(word), (lang, spec.name, word)


def test_search_matches_keywords_as_whole_words_without_accents() -> None:
    assert ranked("hote")[0] == "smtp.host"  # "hôte", typed on an English keyboard
    assert ranked("chiffrement")[0] == "smtp.security"
    assert "smtp.security" not in ranked("port")  # no fuzzy match inside the keywords
    assert ranked("zzzz") == []


# --- the help -----------------------------------------------------------------------


class _Node:
    def __init__(self, id: str | None, parent: Any = None) -> None:
        self.id = id
        self.parent = parent


def test_help_explains_each_field_from_the_registry() -> None:
    from comelin_tui.screens.help import HelpScreen

    screen = _Node("screen")
    for spec in FIELDS:
        if not (spec.step and spec.help):
            continue
        for control in spec.help_controls:
            focused = _Node("inner", _Node(control, screen))  # a radio inside its set
            assert help_topic(focused, screen) == spec.name
            help_screen = HelpScreen(focused, screen)
            for lang in LANGUAGES:
                i18n.set_language(lang)
                assert help_screen._title() == spec.text("label", lang)
                assert help_screen._body() == spec.text("help", lang)
    i18n.set_language("en")
    assert help_topic(_Node("steps", screen), screen) == "steps"
    assert help_topic(_Node("save", screen), screen) == "screen._Node"


# --- the wizard's panes --------------------------------------------------------------


async def test_the_panes_show_the_registry_labels(tmp_path: Path) -> None:
    app = build(tmp_path / "config.toml")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_wizard("new")
        await settle(pilot)
        wizard: Any = app.screen
        wizard.choose_provider("microsoft365", by_user=True)  # the sign-in's fields too
        await settle(pilot)
        for lang in LANGUAGES:
            app.set_language(lang)
            for step in ("email", "server", "credentials"):
                wizard.goto(step)
                await settle(pilot)
                if step == "server":
                    wizard.query_one("#advanced").collapsed = False
                    await settle(pilot)
                shown = texts(pilot)
                for spec in FIELDS:
                    if spec.step == step and spec.name not in ("smtp.auth", "oauth.sign_in",
                                                               "password", "smtp.username"):
                        assert spec.text("form", lang) in shown, (lang, spec.name)
                        if spec.hint is not None:
                            assert spec.text("hint", lang) in shown, (lang, spec.name)
            wizard.assign("smtp.auth", "password")
            wizard.pane("credentials").load()
            wizard.goto("credentials")
            await settle(pilot)
            shown = texts(pilot)
            for name in ("smtp.username", "password"):
                assert field_spec(name).text("form", lang) in shown  # type: ignore[union-attr]
            wizard.assign("smtp.auth", "oauth2")
            wizard.pane("credentials").load()


# --- show and the settings' own messages -----------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_show_names_the_rows_as_the_registry_does(tmp_path: Path, lang: str) -> None:
    path = tmp_path / "config.toml"
    config = with_changes(Config(), {
        "company.name": "Épicerie", "company.email": "caisse@epicerie.test",
        "smtp.host": "smtp.epicerie.test", "smtp.username": "caisse@epicerie.test",
        "smtp.from_address": "caisse@epicerie.test", "smtp.reply_to": "info@epicerie.test",
        "secret_backend": "file"})
    save_config(config, path)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert cli_run(["--lang", lang, "show", "--config", str(path)]) == 0
    shown = out.getvalue()
    for name in ("company", "provider", "smtp.host", "smtp.auth", "smtp.username",
                 "smtp.from_address", "smtp.reply_to", "smtp.timeout", "password"):
        assert with_colon(field_label(name, lang), lang) in shown, (name, shown)


def test_missing_settings_are_named_and_asked_for_with_the_registry_words() -> None:
    for name in [*missing_fields(Config()), "oauth.client_id"]:
        for lang in LANGUAGES:
            message = required_message(name, lang)
            assert message and name not in message
    assert required_message("smtp.host", "en") == "Required: SMTP server."
    assert required_message("password", "fr").startswith("Entrez le mot de passe")


def test_the_registry_imports_neither_textual_nor_pydantic() -> None:
    code = ("import sys, comelin_tui.fields\n"
            "print(' '.join(m for m in ('textual', 'pydantic') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == ""


def test_what_the_wizard_asks_for_is_in_the_registry() -> None:
    needed = {spec.name for spec in FIELDS if spec.needed}
    assert needed == {"company.email", "smtp.host", "smtp.port", "smtp.timeout",
                      "smtp.username", "password", "oauth.client_id",
                      # A sender profile's (the profile wizard's first step).
                      "profile.name", "profile.from_address"}
    # What a test send still lacks is asked for by the wizard (the sender follows the email).
    assert set(missing_fields(Config())) - {"smtp.from_address"} <= needed
    assert all(field_spec(name) is not None and field_spec(name).step  # type: ignore[union-attr]
               for name in needed)
