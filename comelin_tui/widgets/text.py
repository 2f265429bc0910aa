"""Widgets whose text comes from the i18n catalogue and follows a language switch.

A text *source* is an i18n key, a callable returning the text (for text that
depends on state, e.g. a validation error or a provider hint), or None. The
app walks every widget with a ``refresh_language`` method when the language
changes, so nothing keeps a stale translation.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Button, Input, Static

from ..i18n import sentence, t

TextSource = str | Callable[[], str] | None


def resolve(source: TextSource, params: dict[str, Any] | None = None) -> str:
    """The text of *source* in the current language."""
    if source is None:
        return ""
    if callable(source):
        return source()
    return t(source, **(params or {}))


def plain(text: str) -> Content:
    """Text shown as is: server replies and user data may hold ``[brackets]``."""
    return Content(text)


class Tr(Static):
    """Static text from an i18n key or a callable; never parsed as markup."""

    def __init__(
        self,
        source: TextSource = None,
        /,
        *,
        params: dict[str, Any] | None = None,
        hide_empty: bool = False,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        self._source = source
        self._params = params
        self._hide_empty = hide_empty
        # Text from a callable may read other widgets: wait until the screen is built.
        text = "" if callable(source) else resolve(source, params)
        super().__init__(text, id=id, classes=classes, markup=False)
        if hide_empty and not text:
            self.display = False

    def on_mount(self) -> None:
        if callable(self._source):
            self.call_after_refresh(self.refresh_language)

    @property
    def text(self) -> str:
        """The text as currently shown."""
        return resolve(self._source, self._params)

    def show_text(self, source: TextSource, params: dict[str, Any] | None = None) -> None:
        """Change what this widget says (and hide it when empty, if asked to)."""
        self._source = source
        self._params = params
        self.refresh_language()

    def refresh_language(self) -> None:
        text = resolve(self._source, self._params)
        self.update(text)
        if self._hide_empty:
            self.display = bool(text)


class TrButton(Button):
    """A button whose label is an i18n key. Left/Right move to the button beside it in
    its row (round the row, as in a dialog box)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "beside(-1)", show=False),
        Binding("right", "beside(1)", show=False),
    ]

    def __init__(self, key: str, /, *, id: str | None = None, variant: Any = "default",
                 classes: str | None = None, compact: bool = True) -> None:
        self._key = key
        super().__init__(plain(t(key)), variant=variant, id=id, classes=classes,
                         compact=compact)

    def set_key(self, key: str) -> None:
        self._key = key
        self.refresh_language()

    def action_beside(self, step: int) -> None:
        """Focus the next button of the row (*step* 1) or the previous one (-1)."""
        parent = self.parent
        if parent is None:
            return
        row = [button for button in parent.children
               if isinstance(button, Button) and button.display and button.focusable]
        if len(row) < 2 or self not in row:
            return
        row[(row.index(self) + step) % len(row)].focus()

    def refresh_language(self) -> None:
        self.label = plain(t(self._key))
        # The label's width differs between the languages: size the button again,
        # or "Apply suggested fix" leaves "Appliquer la" in a button cut to its width.
        self.refresh(layout=True)


class Field(Vertical):
    """A label, a control, the hint under it and, when wrong, the reason why."""

    def __init__(self, label: TextSource, control: Widget, *, hint: TextSource = None,
                 id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=f"field {classes or ''}".strip())
        self._label = label
        self.control = control
        self._hint = hint

    def compose(self) -> ComposeResult:
        yield Tr(self._label, classes="field-label")
        yield self.control
        yield Tr(self._hint, classes="field-hint", hide_empty=True)
        yield Tr(None, classes="field-error", hide_empty=True)

    @property
    def error_text(self) -> str:
        return self.query_one(".field-error", Tr).text

    def set_error(self, source: TextSource) -> None:
        """Show why the value is wrong (None clears it), as a sentence of its own."""
        self.query_one(".field-error", Tr).show_text(
            None if source is None else (lambda: sentence(resolve(source))))
        self.set_class(source is not None, "-invalid")

    def set_hint(self, source: TextSource) -> None:
        self.query_one(".field-hint", Tr).show_text(source)


class DigitsInput(Input):
    """A whole-number field. Input refuses a letter with the bell alone, which a terminal
    over SSH often does not sound: the refusal is said under the field too (the next
    accepted key clears it, as any typing re-checks the value)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(type="integer", **kwargs)

    def restricted(self) -> None:
        super().restricted()
        field = next((node for node in self.ancestors if isinstance(node, Field)), None)
        if field is not None:
            field.set_error(lambda: t("tui.field.digits_only"))


class TitleBar(Horizontal):
    """The one-line title at the top of every screen (cheaper than a Header at 24 rows)."""

    def __init__(self, source: TextSource, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="title-bar")
        self._source = source

    def compose(self) -> ComposeResult:
        yield Tr(self._source, classes="title-text")
        yield Tr(self._tags, classes="title-tags")

    def _tags(self) -> str:
        tags = [t("tui.title.demo")] if getattr(self.app, "demo", None) is not None else []
        tags.append(t("tui.title.language"))
        return "  ".join(tags)

    def refresh_language(self) -> None:
        for child in self.query(Tr):
            child.refresh_language()
