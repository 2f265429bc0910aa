"""The help's list of keys, screen by screen, is the screen's real bindings: every key
it names is bound there and does what it says, every key the key bar shows is in it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_app_support import SIZE, build, settle, texts

from comelin_tui import paths
from comelin_tui.config import Config, SmtpSettings, save_config
from comelin_tui.i18n import t
from comelin_tui.screens.help import HelpScreen, help_keys

KEY_NAMES = {"échap": "escape", "escape": "escape", "entrée": "enter", "enter": "enter",
             "tab": "tab", "maj+tab": "shift+tab", "shift+tab": "shift+tab",
             "flèches": "arrows", "arrows": "arrows", "suppr": "delete", "delete": "delete"}
KEY = re.compile(r"Ctrl\+[A-Z]|F\d+|Maj\+Tab|Shift\+Tab|Tab|Échap|Escape|Entrée|Enter"
                 r"|Flèches|Arrows|Suppr|Delete")


def listed(screen, lang: str) -> dict[str, str]:
    """What the help says of each key on *screen*: key -> its description."""
    found: dict[str, str] = {}
    for line in help_keys(screen, lang):
        for segment in re.split(r"\s{3,}", line.strip()):
            keys, _sep, what = re.split(r"\s?:\s", segment, maxsplit=1)[0], ":", \
                re.split(r"\s?:\s", segment, maxsplit=1)[-1]
            for key in KEY.findall(keys):
                name = KEY_NAMES.get(key.lower(), key.lower())
                found[name] = what.lower()
    return found


def declared(screen) -> dict[str, list]:
    """The screen's own bindings and the app's, key -> bindings (a hidden one too: Ctrl+F
    shows only when there is a fix, it is still the screen's key)."""
    found: dict[str, list] = {}
    for binding in (*type(screen).BINDINGS, *type(screen.app).BINDINGS):
        for key in binding.key.split(","):
            found.setdefault(key.strip(), []).append(binding)
    return found


async def check_screen(pilot, lang: str) -> None:
    screen = pilot.app.screen
    name = type(screen).__name__
    active = screen.active_bindings
    own = declared(screen)
    said = listed(screen, lang)
    assert said, name
    for key, what in said.items():
        if key == "arrows":
            assert {"up", "down"} <= set(active), what
            continue
        assert key in own or key in active, f"{name}: the help names {key}, not bound here"
        # It does what the help says: the key bar's word for each of its actions on this
        # screen (Escape: back, leave, cancel) is in the help's description.
        for binding in own.get(key, []):
            if binding.show and binding.description:
                word = t(binding.description, lang).lower()
                assert word in what, f"{name}: {key} is '{word}'; the help says '{what}'"
    for key, bindings in own.items():  # every key of the key bar is in the help
        if any(b.show and b.description for b in bindings):
            assert key in said, f"{name}: {key} is missing from the help"
    await pilot.press("f1")
    await settle(pilot)
    assert isinstance(pilot.app.screen, HelpScreen)
    shown = " ".join(texts(pilot).split())
    for line in help_keys(screen, lang):
        assert " ".join(line.split()) in shown
    await pilot.press("escape")
    await settle(pilot)


def save_settings() -> Path:
    path = paths.config_path()
    save_config(Config(company={"name": "Quincaillerie", "email": "ventes@exemple.ca"},
                       smtp=SmtpSettings(host="smtp.exemple.ca", port=587, security="starttls",
                                         username="ventes@exemple.ca",
                                         from_address="ventes@exemple.ca"),
                       secret_backend="file"), path)
    return path


@pytest.mark.parametrize("lang", ["fr", "en"])
async def test_each_screens_help_lists_its_own_keys(lang: str) -> None:
    from comelin_tui.screens.connect_comelin import ConnectComelinScreen
    from comelin_tui.screens.home import HomeScreen
    from comelin_tui.screens.profile_wizard import ProfileWizardScreen
    from comelin_tui.screens.profiles import ProfilesScreen
    from comelin_tui.screens.test_send import TestSendScreen
    from comelin_tui.screens.wizard import WizardScreen

    app = build(save_settings(), language=lang)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        await check_screen(pilot, lang)
        app.open_test_send()
        await settle(pilot)
        assert isinstance(app.screen, TestSendScreen)
        await check_screen(pilot, lang)
        assert "ctrl+n" not in listed(app.screen, lang)  # no steps to go through here
        app.pop_screen()
        await settle(pilot)
        app.open_wizard("edit")
        await settle(pilot)
        assert isinstance(app.screen, WizardScreen)
        await check_screen(pilot, lang)
        app.pop_screen()
        await settle(pilot)
        app.open_connect_comelin()
        await settle(pilot)
        assert isinstance(app.screen, ConnectComelinScreen)
        await check_screen(pilot, lang)
        app.pop_screen()
        await settle(pilot)
        app.open_profiles()
        await settle(pilot)
        assert isinstance(app.screen, ProfilesScreen)
        await check_screen(pilot, lang)
        await pilot.press("ctrl+a")
        await settle(pilot)
        assert isinstance(app.screen, ProfileWizardScreen)
        await check_screen(pilot, lang)
