"""A warm parent that forks relays on demand, so a test can SIGKILL hundreds of real relay
processes quickly (no tests here). POSIX only: it uses fork.

Protocol, one line each: the parent reads ``start`` on stdin, forks a child that runs
``comelin-tui relay`` with the arguments given at launch, and answers ``pid <n>`` on
the file descriptor named by ``ZYGOTE_ANSWERS_FD`` (its own channel: a killed child may leave half a line on stdout,
where the relays' own lines go). ``quit`` ends it.
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
    answers = os.fdopen(int(os.environ["ZYGOTE_ANSWERS_FD"]), "w", buffering=1)
    for line in sys.stdin:
        if line.strip() == "quit":
            return
        pid = os.fork()
        if pid == 0:
            answers.close()
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            os.setpgid(0, 0)
            code = cli.run(argv)
            sys.stdout.flush()
            os._exit(code)
        answers.write(f"pid {pid}\n")


if __name__ == "__main__":
    main(sys.argv[1:])
