"""Helpers for the wizard's pilot tests (no tests here).

Every pilot test runs the app built by ``make_app`` at 80x24, drives it with
keys only, and waits on workers and pilot pauses, never on fixed sleeps.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from textual import events
from textual.pilot import Pilot
from textual.widgets import Input

from comelin_tui.app import ComelinApp, make_app
from comelin_tui.widgets import Tr

SIZE = (80, 24)


def build(config_path: Path, **options: Any) -> ComelinApp:
    """The app as the CLI builds it; MX lookups go to loopback only, briefly.

    The DNS checks after a test send are off unless asked for (their own tests
    turn them on): they would only add advisory warnings to every other run.
    """
    options.setdefault("language", "en")
    options.setdefault("dns_server", "127.0.0.1:9")  # nothing answers: fails fast
    options.setdefault("dns_lifetime", 0.5)
    options.setdefault("dns_checks", False)
    return make_app(config_path, **options)


async def settle(pilot: Pilot[Any]) -> None:
    """Let messages, timers already due and every worker finish."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def fill(pilot: Pilot[Any], selector: str, text: str) -> None:
    """Focus an input, clear it with keys and paste *text*, as a technician would."""
    widget = pilot.app.screen.query_one(selector, Input)
    widget.focus()
    await pilot.pause()
    await pilot.press("end", "ctrl+u")
    await paste(pilot, text)


async def paste(pilot: Pilot[Any], text: str) -> None:
    """Paste *text* into the focused widget (a terminal's bracketed paste)."""
    if text:
        focused = pilot.app.focused
        assert focused is not None
        focused.post_message(events.Paste(text))
    await pilot.pause()


def texts(pilot: Pilot[Any]) -> str:
    """Every translated text shown on the current screen, one per line."""
    screen = pilot.app.screen
    return "\n".join(w.text for w in screen.query(Tr) if _shown(w))


def _shown(widget: Any) -> bool:
    node = widget
    while node is not None:
        if not getattr(node, "display", True):
            return False
        node = node.parent
    return True


def value(pilot: Pilot[Any], selector: str) -> str:
    return pilot.app.screen.query_one(selector, Input).value


def assert_no_errors(app: ComelinApp) -> None:
    assert app.errors == [], app.errors


def file_mode(path: Path) -> int:
    return os.stat(path).st_mode & 0o777

