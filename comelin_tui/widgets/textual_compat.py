"""The parts of Textual that are not public API, in one place.

Textual exports ``Footer`` but not the widget it draws each key with, nor the
flag that tells it the screen's bindings are ready to show. The key bar needs
both. The crash report (``App._fatal_error``) prints every frame's local
variables, a typed password among them: :class:`CrashReportWithoutLocals` prints
it without them. Notices are shown over a dialog by ``App._refresh_notifications``:
:class:`NoticesWaitForDialogs` keeps them for when it closes. They are reached only
through this module, and
``tests/test_textual_compat.py`` and ``tests/test_secret_handling.py`` fail with a
plain message when a Textual release renames or reshapes them.
"""

from __future__ import annotations

from typing import Any

from textual.widgets import Footer
from textual.widgets._footer import FooterKey

__all__ = ["CrashReportWithoutLocals", "FooterKey", "NoticesWaitForDialogs", "bindings_ready",
           "mark_bindings_ready"]


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


class NoticesWaitForDialogs:
    """App mixin: no notice (toast) is drawn over a dialog. One that comes while a dialog
    is open waits for it to close, and is shown then unless its time is up.

    Textual draws the notices on whatever screen is on top; ``App._refresh_notifications``
    is where it does, so this skips it while the top screen is modal (the screen under
    it calls it again when it comes back).
    """

    def _refresh_notifications(self) -> None:
        from textual.app import ScreenStackError
        from textual.screen import ModalScreen

        app: Any = self
        try:
            if isinstance(app.screen, ModalScreen):
                return
        except ScreenStackError:
            pass
        super()._refresh_notifications()  # type: ignore[misc]
