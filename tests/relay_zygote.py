"""A warm parent that forks relays on demand, so a test can SIGKILL hundreds of real relay
processes quickly (no tests here). POSIX only: it uses fork.

Protocol on stdin/stdout, one line each: the parent reads ``start``, forks a child
that runs ``comelin-tui relay`` with the arguments given at launch, and answers
``pid <n>``; the child's own "ready" line goes to the same stdout. ``quit`` ends it.
"""

from __future__ import annotations

import os
import signal
import sys

from comelin_tui import cli
from comelin_tui.commands import relay as relay_command  # noqa: F401
from comelin_tui.jobs import relay, relay_queue, send_test  # noqa: F401

# What a relay loads before it listens, loaded once here: each fork starts warm.
import aiosmtpd.smtp  # noqa: E402,F401
import comelin_tui.config  # noqa: E402,F401
import comelin_tui.diagnostics.engine  # noqa: E402,F401
import comelin_tui.diagnostics.upstream  # noqa: E402,F401
import comelin_tui.labels  # noqa: E402,F401
import comelin_tui.providers  # noqa: E402,F401
import comelin_tui.providers.limits  # noqa: E402,F401
import comelin_tui.sandbox_smtp  # noqa: E402,F401
import comelin_tui.secrets  # noqa: E402,F401


def main(argv: list[str]) -> None:
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # killed relays are reaped at once
    for line in sys.stdin:
        if line.strip() == "quit":
            return
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            os.setpgid(0, 0)
            code = cli.run(argv)
            sys.stdout.flush()
            os._exit(code)
        print(f"pid {pid}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
