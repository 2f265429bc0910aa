"""The SMTP conversation on the test screen: what was said, line by line, as the server
and the program said it (the password never: the engine masks it before).

A scrolling box, not a log widget: its lines wrap to its width (a long server reply is
read whole at 80 columns, nothing cut at the right edge), it takes a focus of its own
(its border changes shape, seen without colour too) and there the arrows,
PageUp/PageDown and Home/End scroll it. The test screen gives it the height it has.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from .text import plain


class Transcript(VerticalScroll):
    """The conversation's lines, wrapped, kept to the last *max_lines*."""

    def __init__(self, *, id: str | None = None, max_lines: int = 2000) -> None:
        super().__init__(id=id, classes="transcript")
        self.max_lines = max_lines
        self._lines: list[str] = []
        self._revealing = False  # just shown: its top to the top, whatever its height

    def compose(self) -> ComposeResult:
        yield Static(id="transcript-text", classes="transcript-text")

    @property
    def lines(self) -> list[str]:
        """The lines shown, oldest first."""
        return list(self._lines)

    def clear(self) -> None:
        self._lines = []
        self._show()

    def write_line(self, line: str) -> None:
        self.write_lines([line])

    def write_lines(self, lines: Iterable[str]) -> None:
        self._lines.extend(lines)
        del self._lines[:-self.max_lines]
        self._show()
        self.scroll_end(animate=False)

    def _show(self) -> None:
        if self.is_mounted:
            self.query_one("#transcript-text", Static).update(plain("\n".join(self._lines)))

    def on_mount(self) -> None:
        self._show()

    def reveal(self) -> None:
        """Take the focus and come into view, top first, now and once laid out at the
        height the screen gives it."""
        self._revealing = True
        self.focus(scroll_visible=False)
        self.call_after_refresh(self._come_into_view)

    def _come_into_view(self) -> None:
        if self.display:
            self.scroll_visible(top=True, animate=False)

    def on_resize(self) -> None:
        if self._revealing:
            self.call_after_refresh(self._come_into_view)

    def on_blur(self) -> None:
        self._revealing = False
