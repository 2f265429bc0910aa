"""The default command: the Textual wizard (the only command that imports Textual)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..app import ComelinApp


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
    """Build the app and run it; the demo's temporary folder goes away however it ends.

    The terminal watch is started first, before Textual is even imported: from then
    on, losing the terminal (an SSH drop, a killed tmux session) ends the program
    within a second, whatever it is doing (see :class:`TerminalWatch`). Before it,
    SIGHUP still has its default action, which ends the process at once.
    """
    from ..terminal import HANGUP_EXIT, TerminalWatch

    built: list[ComelinApp] = []

    def on_loss() -> None:
        if built:
            built[0].hang_up()

    def discard() -> None:  # the last resort: nothing left to stop, only files to delete
        if built and built[0].demo is not None:
            built[0].demo.discard()

    watch = TerminalWatch(on_loss, cleanup=discard).start()
    if _under_serve():
        _watch_parent(on_loss)
    try:
        app = build_app(args)
        built.append(app)
        try:
            if watch.lost:
                return HANGUP_EXIT
            result = app.run()
        finally:
            if app.demo is not None:
                app.demo.close()
        if app.hung_up or watch.lost:
            return HANGUP_EXIT
        return int(result or app.return_code or 0)
    finally:
        watch.stop()


def _under_serve() -> bool:
    """Run by `comelin-tui serve` for a browser session (Textual's web driver)."""
    import os

    return os.environ.get("TEXTUAL_DRIVER", "").endswith(":WebDriver")


def _watch_parent(on_loss: object) -> None:
    """A browser session's wizard ends when serve is gone (killed, say): its pipes stay
    open in nobody's hands, and nothing else would ever tell it."""
    import os
    import threading
    import time

    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        if callable(on_loss):
            on_loss()
        time.sleep(5.0)  # the ordinary exit had its chance: the last resort
        os._exit(129)

    threading.Thread(target=watch, name="comelin-serve-parent", daemon=True).start()
