"""End to end: the real ``comelin-tui --demo`` in a tmux pane at 80x24, keys only.

The program runs as a technician starts it (``python -m comelin_tui --demo``,
``TERM=xterm``) in a private tmux server (its own socket, no user config) with
the isolated environment of the test. The test sends keys with ``send-keys``,
waits on what the pane shows (polling with a deadline, never fixed sleeps),
walks the whole wizard to a successful test send whose message the embedded
server received, quits, and checks the terminal was given back: normal screen,
no mouse reporting, line editing and echo working again.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None,
                       reason="tmux is not installed (Debian: apt-get install tmux)"),
]

# What the program reads from the environment, passed to the pane explicitly.
PASSED_ENV = ("HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME",
              "XDG_CACHE_HOME", "LANG", "PYTHON_KEYRING_BACKEND", "PATH")
POLL = 0.05  # seconds between two looks at the pane
WAIT = 15.0  # the longest any one screen may take to appear


class TmuxPane:
    """One tmux session on a private server; its single pane runs *command*."""

    def __init__(self, command: str, *, cwd: Path, env: dict[str, str]) -> None:
        self.socket = f"comelin-e2e-{uuid.uuid4().hex[:12]}"
        self.env = env
        exported = [arg for name in PASSED_ENV if name in env
                    for arg in ("-e", f"{name}={env[name]}")]
        self.tmux("new-session", "-d", "-s", "e2e", "-x", "80", "-y", "24", "-c", str(cwd),
                  *exported, "sh", "-c", command)
        self.socket_path = Path(self.tmux("display-message", "-p", "#{socket_path}").strip())

    def tmux(self, *args: str) -> str:
        # -f /dev/null: no user configuration; -L: a server of our own.
        done = subprocess.run(["tmux", "-L", self.socket, "-f", "/dev/null", *args],
                              env=self.env, capture_output=True, text=True, timeout=10,
                              check=True)
        return done.stdout

    def send(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "e2e", *keys)

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", "e2e", "-l", text)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "e2e")

    def flag(self, name: str) -> str:
        return self.tmux("display-message", "-p", "-t", "e2e", f"#{{{name}}}").strip()

    def wait_for(self, *texts: str, timeout: float = WAIT) -> str:
        """Poll the pane until every one of *texts* is on it; the screen then."""
        deadline = time.monotonic() + timeout
        while True:
            shown = self.screen()
            if all(text in shown for text in texts):
                return shown
            if time.monotonic() > deadline:
                raise AssertionError(f"not on screen after {timeout} s: {texts}\n{shown}")
            time.sleep(POLL)

    def close(self) -> None:
        # Only the private server this test started (its socket name is unique).
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], env=self.env,
                       capture_output=True, timeout=10, check=False)
        self.socket_path.unlink(missing_ok=True)  # tmux leaves the socket file behind


@pytest.fixture
def demo_pane(tmp_path: Path) -> Iterator[TmuxPane]:
    """``comelin-tui --demo`` in a fresh 80x24 pane; the pane outlives the program."""
    env = {name: value for name, value in os.environ.items()
           if not name.startswith("TMUX")}
    env["TERM"] = "xterm"
    # After the program: its exit status, then `cat` keeps the pane open and shows
    # whether the terminal echoes and edits lines again.
    command = (f"TERM=xterm {shlex.quote(sys.executable)} -m comelin_tui --demo; "
               "echo DONE-$?; exec cat")
    pane = TmuxPane(command, cwd=tmp_path, env=env)
    try:
        yield pane
    finally:
        pane.close()


def test_demo_walks_to_a_successful_test_send_and_gives_the_terminal_back(
        demo_pane: TmuxPane) -> None:
    pane = demo_pane
    started = time.monotonic()
    assert pane.flag("pane_width") == "80" and pane.flag("pane_height") == "24"

    # Home: the welcome, in demo mode.
    pane.wait_for("Welcome", "Demo mode", "Start the setup")
    assert pane.flag("alternate_on") == "1"
    pane.send("Enter")  # Start the setup

    # Every step comes prefilled for the demo server: Next four times.
    pane.wait_for("Step 1 of 6")
    for number in (2, 3, 4, 5):
        pane.send("C-n")
        pane.wait_for(f"Step {number} of 6")
    pane.send("Enter")  # Save (focused)
    pane.wait_for("Settings and password saved.")
    pane.send("Enter")  # Run the test send (focused after saving)
    pane.wait_for("Test send", "Send the test")
    pane.send("C-r")
    shown = pane.wait_for("PASSED", "Received by the demo server (1)")
    assert "Comelin" in shown  # the received message's subject is listed

    pane.send("C-q")
    shown = pane.wait_for("DONE-")
    assert "DONE-0" in shown, shown

    # The terminal is given back: normal screen, no TUI left on it, no mouse reporting.
    assert pane.flag("alternate_on") == "0"
    assert "Step 5 of 6" not in shown and "PASSED" not in shown
    for mouse in ("mouse_any_flag", "mouse_all_flag", "mouse_button_flag",
                  "mouse_standard_flag", "mouse_sgr_flag"):
        assert pane.flag(mouse) == "0", mouse
    # Line discipline restored: the typed line is echoed, then printed back by cat.
    pane.type("still usable")
    pane.send("Enter")
    lines = [line for line in pane.wait_for("still usable").splitlines()
             if line == "still usable"]
    deadline = time.monotonic() + WAIT
    while len(lines) < 2 and time.monotonic() < deadline:
        time.sleep(POLL)
        lines = [line for line in pane.screen().splitlines() if line == "still usable"]
    assert len(lines) == 2, pane.screen()
    assert time.monotonic() - started < 30



def test_keys_typed_in_a_burst_after_tab_land_in_the_next_field(tmp_path: Path) -> None:
    """A paste or PuTTY over a slow link: text, Tab, text in one go, no pause between."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("TMUX")}
    env["TERM"] = "xterm"
    command = f"TERM=xterm {shlex.quote(sys.executable)} -m comelin_tui --lang en; exec cat"
    pane = TmuxPane(command, cwd=tmp_path, env=env)
    try:
        pane.wait_for("Start the setup")
        pane.send("Enter")
        pane.wait_for("Step 1 of 6", "Company email")
        pane.send("caisse@x.ca", "Tab", "Epicerie Laval", "Tab", "smtp", "BTab", "BTab")
        shown = pane.wait_for("Epicerie Laval")
        import re

        assert re.search(r"▊\s+caisse@x\.ca\s+▎", shown), shown  # nothing else in it
        assert re.search(r"▊\s+Epicerie Laval\s+▎", shown), shown
        pane.send("C-q")
    finally:
        pane.close()
