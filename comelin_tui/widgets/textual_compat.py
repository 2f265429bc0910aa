"""The parts of Textual that are not public API, in one place.

Textual exports ``Footer`` but not the widget it draws each key with, nor the
flag that tells it the screen's bindings are ready to show. The key bar needs
both. The crash report (``App._fatal_error``) prints every frame's local
variables, a typed password among them: :class:`CrashReportWithoutLocals` prints
it without them. Notices are shown over a dialog by ``App._refresh_notifications``:
:class:`NoticesWaitForDialogs` keeps them for when it closes. A key bound by a widget
(Ctrl+U, Backspace in a field) is looked up in the bindings of whatever has the focus
when the key comes back from the widget, not when it was typed:
:class:`KeysBoundWhereTyped` makes it the widget the key was typed in. Text wraps at any
space, a no-break one too: :func:`keep_no_break_spaces` makes the no-break spaces of
French typography hold. They are reached only through this module, and
``tests/test_textual_compat.py`` and ``tests/test_secret_handling.py`` fail with a
plain message when a Textual release renames or reshapes them.
"""

from __future__ import annotations

import re
import weakref
from collections import OrderedDict
from typing import Any

import rich._wrap
from textual import events
from textual._dispatch_key import dispatch_key
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

__all__ = ["CrashReportWithoutLocals", "FooterKey", "KeysBoundWhereTyped", "NoticesWaitForDialogs",
           "bindings_ready", "keep_no_break_spaces", "mark_bindings_ready"]

# Keys typed and not yet back at the app: at most this many remembered (a key the widget
# used, a letter in a field, never comes back; the oldest are forgotten).
_KEYS_REMEMBERED = 256

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


class KeysBoundWhereTyped:
    """App mixin: a key runs the bindings of the widget it was typed in, in the order
    it was typed.

    Textual hands a key to the focused widget; a key the widget has a binding for
    (Input: Ctrl+U clears, Backspace, Ctrl+K...) comes back up to the app, which
    then runs the binding found from whatever has the focus *now*. Typed in a burst
    (a paste, PuTTY over a slow link), both go wrong: "Ctrl+U new text" cleared the
    field *after* the new text was in it, and "old text, Backspace, Tab, next text"
    took a letter off the next field. Here a key the focused widget binds itself is
    run in that widget's own queue, after the keys typed before it and before those
    typed after; a key bound further up (the screen's, the app's) is looked up from
    the widget it was typed in (up to the first modal screen, as Textual does).
    """

    def _typed_in(self) -> OrderedDict[int, tuple[events.Key, weakref.ref[Any]]]:
        app: Any = self
        remembered = app.__dict__.get("_keys_typed_in")
        if remembered is None:
            remembered = app.__dict__["_keys_typed_in"] = OrderedDict()
        return remembered  # type: ignore[no-any-return]

    async def on_event(self, event: events.Event) -> None:
        app: Any = self
        if isinstance(event, events.Key) and not event.is_forwarded:
            focused = app.focused
            if focused is not None and self._binds_itself(focused, event.key):
                app.app_focus = True
                focused.call_later(self._run_own_binding, focused, event)
                return
            remembered = self._typed_in()
            target = app.focused or app.screen
            remembered[id(event)] = (event, weakref.ref(target))
            while len(remembered) > _KEYS_REMEMBERED:
                remembered.popitem(last=False)
        await super().on_event(event)  # type: ignore[misc]

    async def _on_key(self, event: events.Key) -> None:
        # Textual calls the _on_key of every class of the app in turn (App's looks up
        # the bindings from the focus now), unless prevent_default() says it is done.
        app: Any = self
        entry = self._typed_in().pop(id(event), None)
        target = entry[1]() if entry is not None and entry[0] is event else None
        if target is None or target is app.focused or not target.is_attached:
            return  # App._on_key: the focus has not moved, its bindings are the same
        event.prevent_default()
        if not await self._run_binding_of(target, event.key):
            await dispatch_key(app, event)

    def _binds_itself(self, widget: Any, key: str) -> bool:
        """*widget* has a binding of its own for *key*, and nothing above it claims the
        key first (a priority binding: Tab, Ctrl+P, Ctrl+Q)."""
        if not any(not binding.priority
                   for binding in widget._bindings.key_to_bindings.get(key, ())):
            return False
        app: Any = self
        return not any(binding.priority for _node, bindings in app.screen._binding_chain
                       for binding in bindings.key_to_bindings.get(key, ()))

    async def _run_own_binding(self, widget: Any, event: events.Key) -> None:
        app: Any = self
        if widget.is_attached:
            for binding in widget._bindings.key_to_bindings.get(event.key, ()):
                if not binding.priority and await app.run_action(binding.action, widget):
                    return
            widget._forward_event(event)  # not for it after all: as Textual would

    async def _run_binding_of(self, target: Any, key: str) -> bool:
        app: Any = self
        for node in target.ancestors_with_self:
            for binding in node._bindings.key_to_bindings.get(key, ()):
                if not binding.priority and await app.run_action(binding.action, node):
                    return True
            if node.is_modal:
                break
        return False


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
