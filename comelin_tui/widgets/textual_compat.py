"""The parts of Textual's footer that are not public API, in one place.

Textual exports ``Footer`` but not the widget it draws each key with, nor the
flag that tells it the screen's bindings are ready to show. The key bar needs
both; they are reached only through this module, and
``tests/test_textual_compat.py`` fails with a plain message when a Textual
release renames or reshapes them.
"""

from __future__ import annotations

from textual.widgets import Footer
from textual.widgets._footer import FooterKey

__all__ = ["FooterKey", "bindings_ready", "mark_bindings_ready"]


def mark_bindings_ready(footer: Footer) -> None:
    """Let *footer* compose its keys (Textual sets this only while the terminal has focus)."""
    footer._bindings_ready = True


def bindings_ready(footer: Footer) -> bool:
    """Whether *footer* composes its keys yet (before that, it composes nothing)."""
    return bool(footer._bindings_ready)
