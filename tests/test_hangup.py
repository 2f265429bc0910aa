"""Terminal loss: the program ends within a second of losing its terminal.

The real ``python -m comelin_tui`` runs in a pseudo-terminal of this test (80x24)
with a dialog open; the test then takes the terminal away as an SSH drop does
(closing the pty's master side: the terminal hangs up), or sends SIGHUP by hand.
The process must be gone within ``LIMIT`` seconds, with the hang-up exit status,
and the demo's throwaway folders deleted. The slow tmux test (test_e2e_hangup.py)
does the same at random moments, 50 times.

The last tests drive :class:`TerminalWatch` alone in a subprocess: a thread that
never ends must not keep the process alive past the deadline.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from comelin_tui.terminal import HANGUP_EXIT

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")

LIMIT = 1.0  # the promise: gone within a second of losing the terminal
WAIT = 15.0  # the longest a screen may take to appear
# Starts the program with the pty as its controlling terminal (as a login shell
# would have it): the hang-up then comes with SIGHUP and SIGCONT from the system.
WITH_CONTROLLING_TERMINAL = (
    "import fcntl, os, sys, termios; fcntl.ioctl(0, termios.TIOCSCTTY, 0); "
    "os.execv(sys.executable, [sys.executable, '-m', 'comelin_tui', *sys.argv[1:]])"
)
ESCAPES = re.compile(rb"\x1b(\[[0-9;?<>=$]*[ -/]*[@-~]|\][^\x07]*\x07|[()][0-9A-B]|[=>])")
# The help dialog (F1) on the welcome screen: a line of its list of keys.
HELP_DIALOG = "Ctrl+P: search settings"
F1 = b"\x1bOP"


class PtyProgram:
    """``python -m comelin_tui *args`` on a new 80x24 pseudo-terminal."""

    def __init__(self, args: list[str], *, controlling: bool, env: dict[str, str]) -> None:
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        if controlling:
            command = [sys.executable, "-c", WITH_CONTROLLING_TERMINAL, *args]
        else:  # a session of its own, without this terminal: no signal reaches it
            command = [sys.executable, "-m", "comelin_tui", *args]
        self.process = subprocess.Popen(command, stdin=slave, stdout=slave, stderr=slave,
                                        env=env, start_new_session=True)
        os.close(slave)
        self.output = b""

    def read(self, timeout: float) -> bool:
        """Read what the program wrote within *timeout*; False once the pty has closed."""
        ready, _, _ = select.select([self.master], [], [], timeout)
        if ready:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:  # EIO: every process has left the terminal
                return False
            self.output += chunk
            return bool(chunk)
        return True

    def screen_text(self, since: int = 0) -> str:
        return ESCAPES.sub(b"\n", self.output[since:]).decode("utf-8", "replace")

    def wait_for(self, text: str, since: int = 0) -> None:
        deadline = time.monotonic() + WAIT
        while text not in self.screen_text(since):
            assert time.monotonic() < deadline, f"{text!r} not shown:\n{self.screen_text()}"
            self.read(0.05)

    def key(self, data: bytes) -> int:
        mark = len(self.output)
        os.write(self.master, data)
        return mark

    def hang_up(self) -> None:
        """Take the terminal away, as sshd does when the connection drops."""
        os.close(self.master)
        self.master = -1

    def wait_exit(self, limit: float, *, drain: bool = False) -> tuple[int | None, float]:
        """The exit status (None if still running after *limit*) and how long it took."""
        started = time.monotonic()
        while time.monotonic() - started < limit + 2.0:
            code = self.process.poll()
            if code is not None:
                return code, time.monotonic() - started
            if drain and self.master >= 0:
                self.read(0.01)
            else:
                time.sleep(0.01)
        return None, time.monotonic() - started

    def close(self) -> None:
        if self.process.poll() is None:  # only the process this test started
            self.process.kill()
            self.process.wait()
        if self.master >= 0:
            os.close(self.master)


@pytest.fixture
def private_tmp(tmp_path: Path) -> Path:
    """The program's TMPDIR: where the demo makes its throwaway folders."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    return folder


@pytest.fixture
def program_env(private_tmp: Path) -> dict[str, str]:
    env = dict(os.environ, TERM="xterm", TMPDIR=str(private_tmp))
    env.pop("TEXTUAL_ALLOW_SIGNALS", None)
    return env


@pytest.fixture
def start(program_env: dict[str, str]) -> Iterator[Callable[..., PtyProgram]]:
    started: list[PtyProgram] = []

    def run(args: list[str], *, controlling: bool) -> PtyProgram:
        program = PtyProgram(args, controlling=controlling, env=program_env)
        started.append(program)
        return program

    yield run
    for program in started:
        program.close()


def open_help_dialog(program: PtyProgram) -> None:
    program.wait_for("Start the setup")
    program.wait_for(HELP_DIALOG, since=program.key(F1))


def test_the_terminal_hanging_up_over_a_dialog_ends_the_demo_within_a_second(
        start: Callable[..., PtyProgram], private_tmp: Path) -> None:
    program = start(["--demo"], controlling=True)
    open_help_dialog(program)
    assert any(private_tmp.iterdir())  # the demo's settings and server certificates
    program.hang_up()
    code, took = program.wait_exit(LIMIT)
    assert code == HANGUP_EXIT, (code, took)
    assert took < LIMIT, took
    assert not list(private_tmp.iterdir())  # the demo's throwaway folders are gone


def test_a_terminal_lost_without_any_signal_ends_the_program_within_a_second(
        start: Callable[..., PtyProgram]) -> None:
    """Outside the terminal's session no SIGHUP comes: reads end, writes fail (EIO)."""
    program = start([], controlling=False)
    open_help_dialog(program)
    program.hang_up()
    code, took = program.wait_exit(LIMIT)
    assert code == HANGUP_EXIT, (code, took)
    assert took < LIMIT, took


def test_sighup_with_the_terminal_still_there_ends_the_program_and_resets_it(
        start: Callable[..., PtyProgram]) -> None:
    program = start([], controlling=True)
    open_help_dialog(program)
    mark = len(program.output)
    program.process.send_signal(signal.SIGHUP)
    code, took = program.wait_exit(LIMIT, drain=True)
    assert code == HANGUP_EXIT, (code, took)
    assert took < LIMIT, took
    while program.read(0.05):
        pass
    # The orderly exit gave the terminal back: normal screen, cursor shown.
    assert b"\x1b[?1049l" in program.output[mark:]
    assert b"\x1b[?25h" in program.output[mark:]


# -- TerminalWatch on its own --------------------------------------------------

STUCK_PROGRAM = textwrap.dedent("""\
    import sys, threading
    from pathlib import Path
    from comelin_tui.terminal import TerminalWatch

    marks = Path(sys.argv[1])
    watch = TerminalWatch(lambda: (marks / "on_loss").touch(),
                          cleanup=lambda: (marks / "cleanup").touch()).start()
    # A thread that never ends and that the interpreter waits for at exit: what a
    # blocking call in a worker thread is to a program whose terminal is gone.
    threading.Thread(target=threading.Event().wait, name="stuck").start()
    print("ready", flush=True)
""")


def test_a_thread_that_never_ends_does_not_outlive_the_deadline(tmp_path: Path) -> None:
    process = subprocess.Popen([sys.executable, "-c", STUCK_PROGRAM, str(tmp_path)],
                               stdout=subprocess.PIPE, stdin=subprocess.DEVNULL)
    try:
        assert process.stdout is not None
        assert process.stdout.readline() == b"ready\n"
        process.send_signal(signal.SIGHUP)
        sent = time.monotonic()
        code = process.wait(timeout=LIMIT + 2.0)
        took = time.monotonic() - sent
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert code == HANGUP_EXIT
    assert took < LIMIT, took
    # The program was asked to leave, then cleaned up after by the last resort.
    assert (tmp_path / "on_loss").exists() and (tmp_path / "cleanup").exists()


def test_a_terminal_already_gone_at_start_counts_as_lost(tmp_path: Path) -> None:
    master, slave = pty.openpty()
    os.close(master)  # the terminal hangs up before the program has got going
    try:
        process = subprocess.Popen([sys.executable, "-c", STUCK_PROGRAM, str(tmp_path)],
                                   stdin=slave, stdout=slave, stderr=slave,
                                   start_new_session=True)
    finally:
        os.close(slave)
    try:
        code = process.wait(timeout=LIMIT + 5.0)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert code == HANGUP_EXIT
    assert (tmp_path / "on_loss").exists()


def test_a_watch_stopped_before_any_loss_lets_the_program_end_normally(
        tmp_path: Path) -> None:
    script = textwrap.dedent("""\
        import signal
        from comelin_tui.terminal import TerminalWatch

        watch = TerminalWatch(lambda: print("lost")).start()
        assert signal.getsignal(signal.SIGHUP) != signal.SIG_DFL
        watch.stop()
        assert signal.getsignal(signal.SIGHUP) == signal.SIG_DFL
        print("done", watch.lost)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=10, stdin=subprocess.DEVNULL, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "done False\n"
