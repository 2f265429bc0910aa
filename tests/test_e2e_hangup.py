"""Terminal loss, end to end: the tmux server killed under the real program, 50 times.

Each run starts ``python -m comelin_tui`` in a fresh tmux server of its own (``-L``,
no user configuration, 80x24), kills the whole server at a moment drawn from a
seeded generator, then polls the process table: the program must be gone within
``EXIT_LIMIT`` seconds. Killing the server is what an SSH drop does to a program
in a terminal: the terminal is hung up, its reads end, its writes fail (EIO).

The moments cover start-up (from the first instruction of the program to its
first screen: imports, the demo server made in a thread, the saved settings and
the secret read in threads) and a live test send against a loopback server (from
Ctrl+R to the result). The program is attached to the terminal three ways, in
turn, because each gets the loss differently:

- ``leader``: the pane runs the program itself, which gets SIGHUP and SIGCONT;
- ``child``: the pane runs a shell that runs the program, which gets SIGHUP when
  the shell dies;
- ``detached``: the program is in a session of its own (``setsid``), which gets no
  signal at all, only end-of-file and EIO from its terminal.

A failure names the seed and the run: ``COMELIN_HANGUP_SEED=<seed>`` replays the
same moments.
"""

from __future__ import annotations

import os
import random
import shlex
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from comelin_tui.sandbox import Sandbox

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("tmux") is None,
                       reason="tmux is not installed (Debian: apt-get install tmux)"),
    pytest.mark.skipif(sys.platform == "win32", reason="tmux and SIGHUP are POSIX"),
]

SEED = int(os.environ.get("COMELIN_HANGUP_SEED", "20261202"))
# Random moments per run of the suite (the seed changes them); more for a soak:
# COMELIN_HANGUP_RUNS=5 runs five times as many.
_SOAK = int(os.environ.get("COMELIN_HANGUP_RUNS", "1"))
STARTUP_RUNS = 12 * _SOAK
SEND_RUNS = 8 * _SOAK
# Start-up: kill between the program's first instruction and a little after its first
# screen (about 0.5 s here).
STARTUP_SPAN = 0.9
# A test send against the loopback server takes about 0.2 s: kill from Ctrl+R to a
# little after the result.
SEND_SPAN = 0.35
EXIT_LIMIT = 3.0  # the longest a program may outlive its terminal, in this test
POLL = 0.02
WAIT = 15.0  # the longest a screen may take to appear
ATTACHMENTS = ("leader", "child", "detached")

# Runs the program as asked: writes its process id, leaves the terminal's session
# when "detached", then becomes `python -m comelin_tui` (the same process).
LAUNCHER = """\
import os, sys
mode, pid_file, *argv = sys.argv[1:]
if mode == "detached":
    os.setsid()
with open(pid_file + ".tmp", "w") as handle:
    handle.write(str(os.getpid()))
os.replace(pid_file + ".tmp", pid_file)
os.execv(sys.executable, [sys.executable, "-m", "comelin_tui", *argv])
"""


@dataclass
class Run:
    number: int
    kind: str  # "startup-demo", "startup-dashboard" or "send"
    attachment: str
    delay: float

    def __str__(self) -> str:
        return (f"run {self.number} ({self.kind}, {self.attachment}, killed after "
                f"{self.delay:.3f} s; seed {SEED})")


class Server:
    """A private tmux server whose one pane runs *command*."""

    def __init__(self, command: str, *, cwd: Path, env: dict[str, str]) -> None:
        self.socket = f"comelin-hup-{uuid.uuid4().hex[:12]}"
        self.env = env
        self.tmux("new-session", "-d", "-s", "hup", "-x", "80", "-y", "24", "-c", str(cwd),
                  command)
        self.socket_path = Path(self.tmux("display-message", "-p", "#{socket_path}").strip())

    def tmux(self, *args: str, check: bool = True) -> str:
        done = subprocess.run(["tmux", "-L", self.socket, "-f", "/dev/null", *args],
                              env=self.env, capture_output=True, text=True, timeout=10,
                              check=check)
        return done.stdout

    def wait_for(self, text: str, run: Run) -> None:
        deadline = time.monotonic() + WAIT
        while True:
            shown = self.tmux("capture-pane", "-p", "-t", "hup")
            if text in shown:
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"{run}: {text!r} not on screen after {WAIT} s\n{shown}")
            time.sleep(POLL)

    def send(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "hup", *keys)

    def kill(self) -> None:
        self.tmux("kill-server", check=False)
        self.socket_path.unlink(missing_ok=True)  # tmux leaves the socket file behind


def alive(pid: int) -> bool:
    """Whether *pid* still runs (a zombie has ended: only its parent has not looked)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            state = handle.read().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False
    return state not in ("Z", "X")


def processes_with(marker: str) -> list[int]:
    """Live processes whose command line holds *marker* (the run's own folder)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as handle:
                command = handle.read()
        except OSError:
            continue
        if marker.encode() in command and alive(int(entry)):
            found.append(int(entry))
    return found


def wait_for_file(path: Path, run: Run) -> str:
    deadline = time.monotonic() + WAIT
    while not path.exists():
        if time.monotonic() > deadline:
            raise AssertionError(f"{run}: the program did not start")
        time.sleep(POLL / 4)
    return path.read_text()


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox() as server:
        yield server


def make_runs() -> list[Run]:
    rng = random.Random(SEED)
    runs = []
    for number in range(STARTUP_RUNS + SEND_RUNS):
        attachment = ATTACHMENTS[number % len(ATTACHMENTS)]
        if number < STARTUP_RUNS:
            kind = "startup-demo" if number % 2 == 0 else "startup-dashboard"
            runs.append(Run(number, kind, attachment, rng.uniform(0, STARTUP_SPAN)))
        else:
            runs.append(Run(number, "send", attachment, rng.uniform(0, SEND_SPAN)))
    return runs


def test_killing_the_terminal_at_random_moments_leaves_no_process(
        tmp_path: Path, sandbox: Sandbox) -> None:
    started = time.monotonic()
    env = {name: value for name, value in os.environ.items() if not name.startswith("TMUX")}
    env["TERM"] = "xterm"
    launcher = tmp_path / "launch.py"
    launcher.write_text(LAUNCHER)
    saved = tmp_path / "saved"
    saved.mkdir(mode=0o700)
    sandbox.demo_config(saved / "config.toml")
    sandbox.store_password(saved / "config.toml", "file")

    left: list[str] = []
    exits: list[float] = []
    for run in make_runs():
        folder = tmp_path / f"run-{run.number}"
        shutil.copytree(saved, folder)  # a marker in the command line, and a fresh log
        config = folder / "config.toml"
        pid_file = folder / "pid"
        args = ["--config", str(config), "--no-dns-checks"]
        if run.kind == "startup-demo":
            args.append("--demo")
        program = shlex.join([sys.executable, str(launcher), run.attachment, str(pid_file),
                              *args])
        # The pane runs the program itself, or a shell that waits for it.
        command = f"exec {program}" if run.attachment == "leader" else f"{program}; exec cat"
        server = Server(command, cwd=tmp_path, env=env)
        pid = 0
        try:
            pid = int(wait_for_file(pid_file, run))
            if run.kind == "send":
                server.wait_for("Send a test email", run)
                server.send("Enter")
                server.wait_for("Send the test", run)
                server.send("C-r")
            time.sleep(run.delay)  # the random moment (not a wait for anything)
        finally:
            server.kill()
        killed = time.monotonic()
        while alive(pid) and time.monotonic() - killed < EXIT_LIMIT:
            time.sleep(POLL)
        exits.append(time.monotonic() - killed)
        remaining = processes_with(str(folder))
        if alive(pid) or remaining:
            left.append(f"{run}: still running {EXIT_LIMIT} s later (pids {remaining or pid})")
            for stray in {pid, *remaining}:  # only the processes this test started
                if alive(stray):
                    os.kill(stray, signal.SIGKILL)

    assert not left, "\n".join(left)
    exits.sort()
    print(f"\n{len(exits)} runs; gone after: median {exits[len(exits) // 2]:.2f} s, "
          f"max {exits[-1]:.2f} s; whole test {time.monotonic() - started:.1f} s")
    assert time.monotonic() - started < 90
