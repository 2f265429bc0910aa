"""The default command: the Textual wizard (the only command that imports Textual)."""

from __future__ import annotations

import argparse
import signal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..app import ComelinApp


def _hang_up(signum: int, frame: Any) -> None:
    # The SSH session or terminal went away: unwind normally so the demo's
    # temporary folder (settings and secret file) is deleted, not left behind.
    raise SystemExit(128 + signum)


def build_app(args: argparse.Namespace) -> ComelinApp:
    """The app for these options, from the same factory the tests use.

    A bad ``--dns-server`` is refused here, before the screen is taken over.
    """
    dns_server = getattr(args, "wizard_dns_server", None)
    if dns_server is not None:
        from ..config_validate import validate_dns_server

        dns_server = validate_dns_server(dns_server, field="--dns-server")
    from ..app import make_app

    return make_app(getattr(args, "config", None), demo=bool(getattr(args, "demo", False)),
                    language=getattr(args, "lang", None), dns_server=dns_server,
                    dns_checks=not getattr(args, "wizard_no_dns_checks", False))


def run(args: argparse.Namespace) -> int:
    """Build the app and run it; the demo's temporary folder goes away however it ends."""
    app = build_app(args)
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
