"""The footer: Textual's, with every binding description translated.

Binding descriptions hold i18n keys (``"tui.key.next"``), so the same
bindings read in French or English; the footer resolves them each time it
is composed, and recomposes when the language changes or when the keys it
shows change. A focus change that leaves the same keys (Tab between two
fields) rebuilds nothing.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer

from .. import i18n
from ..i18n import catalogue, t
from .textual_compat import FooterKey, bindings_ready, mark_bindings_ready

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
        # What the keys on show were composed from (None: nothing composed yet).
        self._shown: tuple[object, ...] | None = None
        self._update_queued = False

    def _wanted(self) -> tuple[object, ...]:
        """Everything the keys' look depends on: the bindings on show and the language."""
        shown = tuple(
            (binding.key, self.app.get_key_display(binding), binding.description,
             binding.action, binding.group, enabled, tooltip)
            for (_, binding, enabled, tooltip) in self.screen.active_bindings.values()
            if binding.show
        )
        return (i18n.get_language(), self.show_command_palette, self.compact, shown)

    def compose(self) -> ComposeResult:
        # Before the bindings are ready nothing is composed: the first update must not be skipped.
        self._shown = self._wanted() if self.is_attached and bindings_ready(self) else None
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                if widget.action in self._hide:
                    continue
                widget.description = describe(widget.description, widget.action)
            yield widget

    def bindings_changed(self, screen: Screen[object]) -> None:
        # Textual skips this while the terminal reports no focus; over SSH and in tmux
        # that report is unreliable, and a stale footer would show the wrong keys.
        mark_bindings_ready(self)
        if self.is_attached and screen is self.screen and not self._update_queued:
            # One update for a burst of changes (a focus change sends several).
            # After the refresh, not refresh(recompose=True): that recomposes at once, and
            # while its batch is open the screen runs its after-refresh callbacks before
            # laying out, so the test send's scroll to the verdict would land short.
            self._update_queued = True
            self.call_after_refresh(self._update_keys)

    async def _update_keys(self) -> None:
        self._update_queued = False
        if self.is_attached and self._wanted() != self._shown:
            await self.recompose()

    def refresh_language(self) -> None:
        if self.is_attached:
            # Queued on the footer itself: its compose binds data to the footer.
            self.call_next(self.recompose)
