"""The default command: the Textual wizard (the only command that imports Textual)."""

from __future__ import annotations

import argparse
import signal
from typing import Any


def _hang_up(signum: int, frame: Any) -> None:
    # The SSH session or terminal went away: unwind normally so the demo's
    # temporary folder (settings and secret file) is deleted, not left behind.
    raise SystemExit(128 + signum)


def run(args: argparse.Namespace) -> int:
    """Build the app with the same factory the tests use, and run it."""
    from ..app import make_app

    app = make_app(getattr(args, "config", None), demo=bool(getattr(args, "demo", False)),
                   language=getattr(args, "lang", None))
    hangup = getattr(signal, "SIGHUP", None)
    previous = signal.signal(hangup, _hang_up) if hangup is not None else None
    try:
        result = app.run()
    finally:
        if hangup is not None:
            signal.signal(hangup, previous)
        if app.demo is not None:
            app.demo.close()
    return int(result or app.return_code or 0)
