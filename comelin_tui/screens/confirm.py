"""Dialogs that ask before anything is lost: leaving with unsaved changes (save, discard
or stay), starting the setup over (start over or cancel), quitting with nothing unsaved
(quit or stay; Ctrl+C asks this). Escape and Enter take the safe choice."""

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
from ..widgets.text import TextSource
from .base import MODAL_BINDINGS

register({
    "tui.start_over.title": {"fr": "Tout recommencer ?", "en": "Start over?"},
    "tui.start_over.body": {
        "fr": "L'assistant repart d'une page blanche. Les réglages actuels ne sont remplacés "
              "qu'au moment où vous enregistrez les nouveaux ; d'ici là, rien n'est effacé.",
        "en": "The wizard starts again from a blank page. The current settings are replaced "
              "only when you save the new ones; until then, nothing is erased.",
    },
    "tui.start_over.confirm": {"fr": "Recommencer", "en": "Start over"},
    "tui.start_over.cancel": {"fr": "Annuler", "en": "Cancel"},
    "tui.quit.title": {"fr": "Quitter comelin-tui ?", "en": "Quit comelin-tui?"},
    "tui.quit.body": {
        "fr": "Les réglages enregistrés restent tels quels. Ctrl+C encore une fois : quitter.",
        "en": "The saved settings stay as they are. Ctrl+C once more: quit.",
    },
    "tui.quit.quit": {"fr": "Quitter", "en": "Quit"},
    "tui.quit.stay": {"fr": "Rester", "en": "Stay"},
})

# The arrows move between the buttons too, as in any dialog box.
_ARROWS: list[BindingType] = [
    Binding("left", "app.focus_previous", show=False),
    Binding("right", "app.focus_next", show=False),
]


class ConfirmLeaveScreen(ModalScreen[str]):
    """Dismisses with "save", "discard" or "stay"."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "stay", "tui.key.stay", id="stay"),
        *_ARROWS,
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


class _ConfirmScreen(ModalScreen[bool]):
    """A question with two answers: the risky one (left, red) and the safe one (right,
    focused: Enter by reflex changes nothing; Escape takes it too). Dismisses with True
    for the risky one."""

    TITLE_KEY: ClassVar[str]
    BODY_KEY: ClassVar[str]
    CONFIRM: ClassVar[tuple[str, str]]  # (button id, message key)
    SAFE: ClassVar[tuple[str, str]]

    def dialog_title(self) -> TextSource:
        return self.TITLE_KEY

    def dialog_body(self) -> TextSource:
        return self.BODY_KEY

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Tr(self.dialog_title(), classes="heading")
            yield Tr(self.dialog_body())
            with Horizontal(classes="actions"):
                yield TrButton(self.CONFIRM[1], id=self.CONFIRM[0], variant="error")
                yield TrButton(self.SAFE[1], id=self.SAFE[0], variant="primary")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(f"#{self.SAFE[0]}", Button).focus()

    @on(Button.Pressed)
    def chosen(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == self.CONFIRM[0])

    def action_safe(self) -> None:
        self.dismiss(False)


class ConfirmStartOverScreen(_ConfirmScreen):
    """Start the setup over, or cancel."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "safe", "tui.key.cancel", id="cancel"),
        *_ARROWS,
        *MODAL_BINDINGS,
    ]
    TITLE_KEY, BODY_KEY = "tui.start_over.title", "tui.start_over.body"
    CONFIRM = ("start-over", "tui.start_over.confirm")
    SAFE = ("cancel", "tui.start_over.cancel")


class ConfirmQuitScreen(_ConfirmScreen):
    """Ctrl+C with nothing unsaved: quit, or stay. A second Ctrl+C quits (the app's
    binding sees this dialog open)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "safe", "tui.key.stay", id="quit-stay"),
        *_ARROWS,
        *MODAL_BINDINGS,
    ]
    TITLE_KEY, BODY_KEY = "tui.quit.title", "tui.quit.body"
    CONFIRM = ("quit", "tui.quit.quit")
    SAFE = ("stay", "tui.quit.stay")
