"""Leaving with unsaved changes: save, discard or stay (Escape stays); quitting with
nothing unsaved: quit or stay (Ctrl+C asks this)."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button

from ..i18n import register
from ..widgets import KeyBar, Tr, TrButton
from .base import MODAL_BINDINGS

register({
    "tui.quit.title": {"fr": "Quitter comelin-tui\u202f?", "en": "Quit comelin-tui?"},
    "tui.quit.body": {
        "fr": "Les réglages enregistrés restent tels quels. Ctrl+C encore une fois : quitter.",
        "en": "The saved settings stay as they are. Ctrl+C once more: quit.",
    },
    "tui.quit.quit": {"fr": "Quitter", "en": "Quit"},
    "tui.quit.stay": {"fr": "Rester", "en": "Stay"},
})


class ConfirmLeaveScreen(ModalScreen[str]):
    """Dismisses with "save", "discard" or "stay"."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "stay", "tui.key.stay", id="stay"),
        # Between the buttons with the arrows too, as in any dialog box.
        Binding("left", "app.focus_previous", show=False),
        Binding("right", "app.focus_next", show=False),
        *MODAL_BINDINGS,
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Tr("tui.leave.title", classes="heading")
            yield Tr("tui.leave.body")
            with Horizontal(classes="actions"):
                # The safe choice has the strong colour and the focus: it is Enter's.
                yield TrButton("tui.leave.save", id="save")
                yield TrButton("tui.leave.discard", id="discard", variant="error")
                yield TrButton("tui.leave.stay", id="stay", variant="primary")
        yield KeyBar()  # the dialog's own keys, not those of the screen under it

    def on_mount(self) -> None:
        # The safe choice first: Enter on a dialog met by surprise changes nothing.
        self.query_one("#stay", Button).focus()

    @on(Button.Pressed)
    def chosen(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id or "stay")

    def action_stay(self) -> None:
        self.dismiss("stay")


class ConfirmQuitScreen(ModalScreen[bool]):
    """Ctrl+C with nothing unsaved: quit, or stay (the focus and Escape). Dismisses with
    True to quit. A second Ctrl+C quits (the app's binding sees this dialog open)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "stay", "tui.key.stay", id="quit-stay"),
        Binding("left", "app.focus_previous", show=False),
        Binding("right", "app.focus_next", show=False),
        *MODAL_BINDINGS,
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Tr("tui.quit.title", classes="heading")
            yield Tr("tui.quit.body")
            with Horizontal(classes="actions"):
                yield TrButton("tui.quit.quit", id="quit", variant="error")
                yield TrButton("tui.quit.stay", id="stay", variant="primary")
        yield KeyBar()

    def on_mount(self) -> None:
        # Enter on a dialog met by surprise changes nothing.
        self.query_one("#stay", Button).focus()

    @on(Button.Pressed)
    def chosen(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "quit")

    def action_stay(self) -> None:
        self.dismiss(False)
