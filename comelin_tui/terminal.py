"""Small terminal helpers that need no Textual: copying text with OSC 52, and
ending the program when its terminal goes away.

OSC 52 asks the terminal emulator (on the technician's own computer, at the
other end of SSH) to put text in its clipboard. Many terminals honour it
(Windows Terminal, iTerm2, kitty, WezTerm, xterm with the option); others
ignore it silently, so it is always a convenience, never the only way.

:class:`TerminalWatch` is how the wizard ends within a second of an SSH drop
or a killed tmux session, whatever it is doing at that moment.
"""

from __future__ import annotations

import base64
import errno
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from types import FrameType
from typing import Any, TextIO

try:
    import termios
except ImportError:  # pragma: no cover - Windows
    termios = None  # type: ignore[assignment]

__all__ = ["HANGUP_EXIT", "TerminalWatch", "osc52_copy", "write_osc52"]

_ESC = "\x1b"
_BEL = "\x07"
_ST = _ESC + "\\"
# GNU screen cuts a DCS string after 768 bytes: pass the sequence through in pieces.
_SCREEN_CHUNK = 76


def osc52_copy(text: str, environ: Mapping[str, str] | None = None) -> str:
    """The escape sequence that copies *text* to the terminal's clipboard.

    Inside tmux (``$TMUX``) or GNU screen (``$STY``) the sequence is wrapped in
    their passthrough (DCS) form so it reaches the outer terminal.
    """
    env = os.environ if environ is None else environ
    payload = base64.b64encode(text.encode("utf-8")).decode("ascii")
    sequence = f"{_ESC}]52;c;{payload}{_BEL}"
    if env.get("TMUX"):
        # tmux passes through what is between "ESC P tmux;" and ST, with each ESC doubled.
        return f"{_ESC}Ptmux;{sequence.replace(_ESC, _ESC * 2)}{_ST}"
    if env.get("STY"):
        return "".join(f"{_ESC}P{sequence[i:i + _SCREEN_CHUNK]}{_ST}"
                       for i in range(0, len(sequence), _SCREEN_CHUNK))
    return sequence


def write_osc52(text: str, stream: TextIO) -> bool:
    """Copy *text* with OSC 52 if *stream* is a terminal; whether the sequence was written.

    Never writes to a pipe or a file: the sequence would end up in a log.
    """
    if os.environ.get("TERM") == "dumb":
        return False
    if os.name == "nt" and not (os.environ.get("WT_SESSION") or os.environ.get("TERM")):
        return False  # the old Windows console would print the sequence as text
    try:
        if not stream.isatty():
            return False
        stream.write(osc52_copy(text))
        stream.flush()
    except (OSError, ValueError):  # closed or broken stream: copying is only a convenience
        return False
    return True


# -- terminal loss -----------------------------------------------------------

# The exit status of a program its terminal hung up on (128 + SIGHUP, what a shell
# reports for one killed by the signal).
HANGUP_EXIT = 129
# How often the watch looks at the terminal (a lost one fails the check at once).
WATCH_INTERVAL = 0.15
# How long the orderly exit may take once the terminal is gone: long enough for a
# save under way to finish its rename, short enough to be gone within a second.
HANGUP_GRACE = 0.5
# How long the last-resort clean-up (deleting the demo's folders) may take.
CLEANUP_LIMIT = 0.2


class TerminalWatch:
    """Ends the program promptly once its terminal is gone, whatever it is doing.

    The terminal is gone when SIGHUP arrives (an SSH drop, a killed tmux session or
    window), or when a file descriptor that was a terminal at :meth:`start` stops
    being one: a hung-up terminal answers every terminal request with EIO, and its
    reads return end-of-file. That second check catches a program the hang-up
    signal never reaches (started outside the terminal's session, ``setsid``).

    Then, from a daemon thread of its own:

    1. the standard output and error, if the terminal behind them is really gone,
       are pointed at the null device: what is still written (the last frame, the
       terminal reset) goes nowhere instead of failing with EIO;
    2. *on_loss* is called: it asks the program to leave the orderly way (it must
       not block: it is called from this thread);
    3. if the process is still alive after *grace* seconds (a thread stuck in a
       blocking call the interpreter would wait for at exit, a main thread that
       never got back to its event loop), *cleanup* runs (bounded) and the process
       ends with ``os._exit``. Settings and secrets are written to a temporary
       file and renamed, so ending there never leaves a half-written file (a stale
       temporary one is removed by the next save); only what was never saved is
       lost, as it would be anyway with the technician gone.

    The SIGHUP handler raises nothing: an exception thrown into whatever the main
    thread was doing (an import, a lock taken by a worker thread) can leave it
    half done and the exit waiting on it forever. It only wakes the watch, and
    turns off the resume-after-suspend handler on SIGCONT, which the system sends
    along with SIGHUP to the session leader and which would otherwise restart the
    terminal's input thread on a terminal that no longer exists.

    Windows has no SIGHUP: closing the console window (or the end of an OpenSSH
    session, which closes its console) sends the console close event, and Windows
    ends every process attached to that console itself: at once, or five seconds
    later if a handler holds the event. The terminal check runs there too.
    """

    def __init__(self, on_loss: Callable[[], object], *,
                 cleanup: Callable[[], object] | None = None, grace: float = HANGUP_GRACE,
                 interval: float = WATCH_INTERVAL, fds: Sequence[int] = (0, 1, 2)) -> None:
        self._on_loss = on_loss
        self._cleanup = cleanup
        self._grace = grace
        self._interval = interval
        self._fds = tuple(fds)
        self._terminals: tuple[int, ...] = ()
        self._wake = threading.Event()
        self._stopped = False
        self._signalled = False
        self._lost = threading.Event()
        self._thread: threading.Thread | None = None
        self._previous: Any = None
        self._installed = False

    @property
    def lost(self) -> bool:
        """Whether the terminal has been found gone."""
        return self._lost.is_set()

    def start(self) -> TerminalWatch:
        """Install the SIGHUP handler (main thread only) and start watching.

        A terminal already hung up counts as lost at once: the loss may come before
        the program has got this far.
        """
        states = {fd: _terminal_state(fd) for fd in self._fds}
        self._terminals = tuple(fd for fd, state in states.items() if state != "other")
        if "lost" in states.values():
            self._wake.set()  # the watch finds it at its first look, without waiting
        hangup = getattr(signal, "SIGHUP", None)
        if hangup is not None and threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(hangup, self._hang_up)
            self._installed = True
        self._thread = threading.Thread(target=self._watch, name="comelin-terminal-watch",
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop watching and put the previous SIGHUP handler back.

        Once the terminal was found gone, the deadline stays armed: the process
        ends at the latest *grace* seconds after the loss, however its exit goes.
        """
        if self._installed and threading.current_thread() is threading.main_thread():
            previous = signal.SIG_DFL if self._previous is None else self._previous
            signal.signal(signal.SIGHUP, previous)
            self._installed = False
        if not self.lost:
            self._stopped = True
            self._wake.set()

    def _hang_up(self, signum: int, frame: FrameType | None) -> None:
        # Runs in the main thread between two steps of whatever it was doing: only
        # flags and wakes (see the class docstring for why nothing is raised here).
        resume = getattr(signal, "SIGCONT", None)
        if resume is not None:
            # A SIGCONT that arrived with this SIGHUP and is not handled yet is then
            # skipped too.
            signal.signal(resume, signal.SIG_DFL)
        self._signalled = True
        self._wake.set()

    def _terminal_gone(self) -> bool:
        return any(_terminal_state(fd) != "terminal" for fd in self._terminals)

    def _watch(self) -> None:
        while True:
            self._wake.wait(self._interval)
            self._wake.clear()
            if self._stopped:
                return
            if self._signalled or self._terminal_gone():
                break
        self._lost.set()
        deadline = time.monotonic() + self._grace
        # Only a terminal that is really gone: a SIGHUP sent by hand to a program whose
        # terminal is still there leaves the terminal reset as usual.
        _silence(fd for fd in (1, 2)
                 if fd in self._terminals and _terminal_state(fd) != "terminal")
        try:
            self._on_loss()
        except Exception:  # noqa: BLE001,S110 - the deadline below ends the process anyway
            pass
        time.sleep(max(0.0, deadline - time.monotonic()))
        self._last_resort()

    def _last_resort(self) -> None:
        """The orderly exit did not finish in time: clean up (bounded), then end."""
        if self._cleanup is not None:
            try:
                worker = threading.Thread(target=self._cleanup, name="comelin-hangup-cleanup",
                                          daemon=True)
                worker.start()
                worker.join(CLEANUP_LIMIT)
            except Exception:  # noqa: BLE001,S110 - the interpreter is shutting down
                pass
        os._exit(HANGUP_EXIT)


def _terminal_state(fd: int) -> str:
    """``"terminal"``, ``"lost"`` (a terminal that hung up) or ``"other"`` (a file, a
    pipe, nothing): a hung-up terminal fails terminal requests with EIO, where
    anything else that is not a terminal says ENOTTY (or EBADF, EINVAL)."""
    if termios is None:  # pragma: no cover - Windows: only whether it is one
        return "terminal" if _isatty(fd) else "other"
    try:
        termios.tcgetattr(fd)
    except termios.error as error:
        code = error.args[0] if error.args else None
        return "lost" if code in (errno.EIO, errno.ENXIO) else "other"
    except (OSError, ValueError):
        return "other"
    return "terminal"


def _isatty(fd: int) -> bool:
    try:
        return os.isatty(fd)
    except OSError:
        return False


def _silence(fds: Iterable[int]) -> None:
    """Point *fds* at the null device (the terminal behind them is gone)."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
    except OSError:
        return
    try:
        for fd in fds:
            try:
                os.dup2(null, fd)
            except OSError:
                pass
    finally:
        os.close(null)
