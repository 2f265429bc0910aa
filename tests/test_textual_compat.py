"""The Textual internals the key bar relies on (widgets/textual_compat.py), and the key bar.

When a Textual release changes one of them, these tests say which and where,
instead of a footer that silently shows no keys or untranslated ones.
"""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest
from test_app_support import SIZE, assert_no_errors, build, settle
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Input

from comelin_tui.widgets import KeyBar
from comelin_tui.widgets.textual_compat import FooterKey, bindings_ready, mark_bindings_ready

CHANGED = "Textual changed {what}: update comelin_tui/widgets/textual_compat.py and the KeyBar"


def test_footer_key_is_still_the_widget_the_footer_draws_keys_with() -> None:
    parameters = list(inspect.signature(FooterKey.__init__).parameters)
    assert parameters[1:5] == ["key", "key_display", "description", "action"], \
        CHANGED.format(what="FooterKey's constructor")
    key = FooterKey("f2", "F2", "tui.key.language", "switch_language")
    for name in ("key", "key_display", "description", "action"):
        assert hasattr(key, name), CHANGED.format(what=f"FooterKey.{name}")


def test_the_footer_still_waits_for_its_ready_flag() -> None:
    footer = Footer()
    assert "_bindings_ready" in type(footer)._reactives, \
        CHANGED.format(what="Footer._bindings_ready")
    assert bindings_ready(footer) is False
    mark_bindings_ready(footer)
    assert bindings_ready(footer) is True
    assert callable(getattr(Footer, "bindings_changed", None)), \
        CHANGED.format(what="Footer.bindings_changed")


def test_notices_are_still_drawn_by_refresh_notifications() -> None:
    assert callable(getattr(App, "_refresh_notifications", None)), \
        CHANGED.format(what="App._refresh_notifications (NoticesWaitForDialogs)")
    source = inspect.getsource(App._on_notify)
    assert "_refresh_notifications" in source, CHANGED.format(what="App._on_notify")


class Keys(App[None]):
    BINDINGS = [Binding("f2", "language", "tui.key.language"),  # noqa: RUF012
                Binding("f3", "bell", "tui.key.help")]
    recomposed = 0

    def compose(self) -> ComposeResult:
        yield Input(id="one")
        yield Input(id="two")
        yield CountingKeyBar()


class CountingKeyBar(KeyBar):
    async def recompose(self) -> None:
        self.app.recomposed += 1  # type: ignore[attr-defined]
        await super().recompose()


async def test_the_key_bar_draws_its_keys_through_textual_and_translates_them() -> None:
    app = Keys()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        keys = app.screen.query(FooterKey)
        assert [(key.action, key.description) for key in keys] == [
            ("language", "Français"), ("bell", "Help")], CHANGED.format(what="Footer.compose")


async def test_a_focus_change_that_keeps_the_keys_rebuilds_nothing() -> None:
    app = Keys()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        before = app.recomposed
        first = list(app.screen.query(FooterKey))
        for _ in range(4):
            await pilot.press("tab")
            await pilot.pause()
        assert app.focused is not None
        assert app.recomposed == before
        assert list(app.screen.query(FooterKey)) == first  # the same widgets, not new ones


async def test_the_wizard_footer_follows_the_keys_of_each_step(tmp_path: Path) -> None:
    app = build(tmp_path / "config.toml")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        home = {key.action for key in app.screen.query(FooterKey)}
        await pilot.press("enter")  # "Start the setup"
        await settle(pilot)
        wizard = {key.action for key in app.screen.query(FooterKey)}
        assert "next" in wizard and "next" not in home
        app.screen.goto("server")
        await settle(pilot)
        await pilot.press("tab")
        await settle(pilot)
        assert "next" in {key.action for key in app.screen.query(FooterKey)}
        assert_no_errors(app)


def _burst(app, *keys: str) -> None:
    """Keys as a terminal sends a paste or a fast typist: all queued at once."""
    from textual import events

    characters = {"tab": "\t", "ctrl+u": "\x15", "backspace": "\x7f"}
    for key in keys:
        app.post_message(events.Key(key, key if len(key) == 1 else characters.get(key)))


def test_the_bindings_the_burst_relies_on_are_still_there() -> None:
    from textual import _dispatch_key
    from textual.app import App as TextualApp
    from textual.screen import Screen

    assert "_on_key" in vars(TextualApp), CHANGED.format(what="App._on_key")
    assert callable(getattr(_dispatch_key, "dispatch_key", None)), \
        CHANGED.format(what="textual._dispatch_key.dispatch_key")
    assert isinstance(vars(Screen).get("_binding_chain"), property), \
        CHANGED.format(what="Screen._binding_chain")
    assert "ctrl+u" in Input()._bindings.key_to_bindings, CHANGED.format(what="Input's Ctrl+U")


@pytest.mark.parametrize(("keys", "email", "name"), [
    # Ctrl+U then the new text at once: the text is not cleared with the old one.
    (("ctrl+u", *"new@y.ca", "tab", *"Name"), "new@y.ca", "Name"),
    # A key bound by the field, then Tab: it acts on that field, not the next one.
    (("backspace", "tab", *"Name"), "old@x.c", "Name"),
    (("ctrl+u", "tab", *"Name"), "", "Name"),
])
async def test_keys_in_a_burst_act_on_the_field_they_were_typed_in_in_order(
        tmp_path: Path, keys: tuple[str, ...], email: str, name: str) -> None:
    app = build(tmp_path / "config.toml")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # Start the setup
        await settle(pilot)
        await pilot.press(*"old@x.ca")
        await settle(pilot)
        _burst(app, *keys)
        await settle(pilot)
        screen = app.screen
        assert screen.query_one("#company-email", Input).value == email
        assert screen.query_one("#company-name", Input).value == name
        assert app.focused is screen.query_one("#company-name", Input)
        assert_no_errors(app)
