"""The footer: Textual's, with every binding description translated.

Binding descriptions hold i18n keys (``"tui.key.next"``), so the same
bindings read in French or English; the footer resolves them each time it
is composed, and recomposes when the language changes.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from ..i18n import catalogue, t

# Descriptions Textual gives its own bindings.
_BUILTIN = {"command_palette": "tui.key.search"}


def describe(description: str, action: str = "") -> str:
    """The translated text of a binding description (an i18n key, or Textual's own)."""
    if description in catalogue():
        return t(description)
    key = _BUILTIN.get(action)
    return t(key) if key else description


class KeyBar(Footer):
    """Footer whose binding descriptions are i18n keys.

    *hide* lists actions whose keys still work but are not shown, when a screen
    has more keys than 80 columns hold.
    """

    def __init__(self, *, hide: tuple[str, ...] = (), show_command_palette: bool = False,
                 **options: Any) -> None:
        super().__init__(show_command_palette=show_command_palette, **options)
        self._hide = hide

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                if widget.action in self._hide:
                    continue
                widget.description = describe(widget.description, widget.action)
            yield widget

    def bindings_changed(self, screen: Screen[object]) -> None:
        # Textual skips this while the terminal reports no focus; over SSH and in tmux
        # that report is unreliable, and a stale footer would show the wrong keys.
        self._bindings_ready = True
        if self.is_attached and screen is self.screen:
            # After the refresh, not refresh(recompose=True): that recomposes at once, and
            # while its batch is open the screen runs its after-refresh callbacks before
            # laying out, so the test send's scroll to the verdict would land short.
            self.call_after_refresh(self.recompose)

    def refresh_language(self) -> None:
        if self.is_attached:
            # Queued on the footer itself: its compose binds data to the footer.
            self.call_next(self.recompose)
