"""Dialogs that ask before anything is lost: leaving with unsaved changes (save, discard
or stay), starting the setup over (start over or cancel). Escape and Enter take the safe
choice."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button

from .. import i18n
from ..widgets import KeyBar, Tr, TrButton
from .base import MODAL_BINDINGS

i18n.register({
    "tui.start_over.title": {"fr": "Tout recommencer ?", "en": "Start over?"},
    "tui.start_over.body": {
        "fr": "L'assistant repart d'une page blanche. Les réglages actuels ne sont remplacés "
              "qu'au moment où vous enregistrez les nouveaux ; d'ici là, rien n'est effacé.",
        "en": "The wizard starts again from a blank page. The current settings are replaced "
              "only when you save the new ones; until then, nothing is erased.",
    },
    "tui.start_over.confirm": {"fr": "Recommencer", "en": "Start over"},
    "tui.start_over.cancel": {"fr": "Annuler", "en": "Cancel"},
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


class ConfirmStartOverScreen(ModalScreen[bool]):
    """Dismisses with True ("Start over") or False ("Cancel", Escape: the focused one)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "tui.key.cancel", id="cancel"),
        Binding("left", "app.focus_previous", show=False),
        Binding("right", "app.focus_next", show=False),
        *MODAL_BINDINGS,
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Tr("tui.start_over.title", classes="heading")
            yield Tr("tui.start_over.body")
            with Horizontal(classes="actions"):
                yield TrButton("tui.start_over.confirm", id="start-over", variant="error")
                yield TrButton("tui.start_over.cancel", id="cancel", variant="primary")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#cancel", Button).focus()  # Enter by reflex erases nothing

    @on(Button.Pressed)
    def chosen(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "start-over")

    def action_cancel(self) -> None:
        self.dismiss(False)
