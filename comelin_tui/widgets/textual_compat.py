"""The parts of Textual that are not public API, in one place.

Textual exports ``Footer`` but not the widget it draws each key with, nor the
flag that tells it the screen's bindings are ready to show. The key bar needs
both. The crash report (``App._fatal_error``) prints every frame's local
variables, a typed password among them: :class:`CrashReportWithoutLocals` prints
it without them. Text wraps at any space, a no-break one too:
:func:`keep_no_break_spaces` makes the no-break spaces of French typography hold.
They are reached only through this module, and
``tests/test_textual_compat.py`` and ``tests/test_secret_handling.py`` fail with a
plain message when a Textual release renames or reshapes them.
"""

from __future__ import annotations

import re
from typing import Any

import rich._wrap
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

__all__ = ["CrashReportWithoutLocals", "FooterKey", "bindings_ready", "keep_no_break_spaces",
           "mark_bindings_ready"]

# A word for line wrapping: what Rich's own pattern (``\s*\S+\s*``) takes, except that
# a no-break space (U+00A0, U+202F, U+2007) is part of the word, never a place to break.
_NO_BREAK = "\u00a0\u202f\u2007"
_BREAKABLE_SPACE = rf"(?:(?![{_NO_BREAK}])\s)"
WORD_KEEPING_NO_BREAK_SPACES = re.compile(
    rf"{_BREAKABLE_SPACE}*(?:[^\s]|[{_NO_BREAK}])+{_BREAKABLE_SPACE}*")


def keep_no_break_spaces() -> None:
    """Make Textual's text wrapping keep no-break spaces (it breaks at any ``\\s``).

    Textual's ``Content`` and Rich's ``Text`` both wrap through ``rich._wrap.words``,
    which reads the module's ``re_word`` pattern on every call: that pattern is
    replaced by one that does not break at U+00A0, U+202F or U+2007, so French
    "Hôte\u00a0:" or "«\u00a0Autre\u00a0»" are never split at the line end.
    """
    rich._wrap.re_word = WORD_KEEPING_NO_BREAK_SPACES  # type: ignore[attr-defined]



class CrashReportWithoutLocals:
    """App mixin: the report of an unhandled exception shows the traceback, never the
    values of local variables (Textual's shows them: a password held in a handler's
    local would be printed on the terminal, into its scrollback and any log of it).

    Textual offers no setting for it: this replaces ``App._fatal_error`` with the
    same steps and ``show_locals=False``.
    """

    def _fatal_error(self) -> None:
        import rich
        from rich.segment import Segments
        from rich.traceback import Traceback

        app: Any = self
        app.bell()
        traceback = Traceback(show_locals=False, width=None, suppress=[rich])
        app._exit_renderables.append(Segments(app.console.render(traceback,
                                                                 app.console.options)))
        app._close_messages_no_wait()


def mark_bindings_ready(footer: Footer) -> None:
    """Let *footer* compose its keys (Textual sets this only while the terminal has focus)."""
    footer._bindings_ready = True


def bindings_ready(footer: Footer) -> bool:
    """Whether *footer* composes its keys yet (before that, it composes nothing)."""
    return bool(footer._bindings_ready)
