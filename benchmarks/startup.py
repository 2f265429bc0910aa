"""Start-up of the wizard versus a bare Textual app with the same number of widgets.

Two cases, each against its own bare app of the same shape: the first start
(no settings: the welcome) and a start with saved settings (the dashboard).
All run as fresh processes, interleaved, ``--repeat`` times each (after one
warm-up run each), headless at 80x24. Each child reports, on the clock shared
by every process (``time.monotonic``):

- **first frame**: the first screen painted (``call_after_refresh`` once the app
  is ready);
- **first usable screen**: every start-up worker done and the result painted.
  For the wizard that is the welcome with its menu (the settings have been
  looked for), or the dashboard with every line filled in (settings read and
  checked, where the password is kept, the last test); for a bare app it is
  its first frame;
- **peak memory**: ``ru_maxrss`` at the first usable screen.

Times run from just before the process is spawned, so they include the
interpreter's start and every import. The wizard is started through its real
command line (``comelin_tui.__main__.main``); only ``App.run`` is wrapped, the
same way in both children, to run headless and report.

Usage: python benchmarks/startup.py [--repeat N]
Exits 1 when a ratio is over the target (1.3x).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

TARGET_RATIO = 1.3

# Both children: App.run wrapped to run headless, mark the first frame and the first
# usable screen, and print the marks as one JSON line once the app has exited.
HARNESS = """
import json, resource, sys, time
from textual.app import App

_run = App.run
marks = {}

def measured_run(self, *args, **kwargs):
    async def auto_pilot(pilot):
        app = pilot.app

        def first_frame():
            marks["frame"] = time.monotonic()

        def usable():
            marks["usable"] = time.monotonic()
            marks["rss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            marks["widgets"] = len(app.screen.query("*"))
            # The dashboard counts as usable once its last lines are filled in.
            marks["pending"] = sum("..." == str(w.render()) for w in app.screen.query("Static"))
            app.exit(0)

        app.call_after_refresh(first_frame)
        await app.workers.wait_for_complete()
        await pilot.pause()  # workers started by the first screen (the dashboard's details)
        await app.workers.wait_for_complete()
        app.call_after_refresh(usable)

    result = _run(self, headless=True, size=(80, 24), auto_pilot=auto_pilot)
    print("STARTUP " + json.dumps(marks), flush=True)
    return result

App.run = measured_run
"""

COMELIN = HARNESS + """
from comelin_tui.__main__ import main
sys.exit(main(["--config", sys.argv[1]]))
"""

# The welcome's shape with stock widgets: a title bar of two texts, four texts in a
# scrolling body, a three-entry option list and a footer of four keys (14 widgets).
BARE = HARNESS + """
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, OptionList, Static

TEXT = ("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod "
        "tempor incididunt ut labore et dolore magna aliqua. ")

class Bare(App):
    BINDINGS = [Binding("escape", "quit", "Quit"), Binding("f1", "help", "Help"),
                Binding("f2", "language", "Language")]  # + Textual's own ^p palette key

    def action_help(self):
        self.bell()

    action_language = action_help

    def compose(self):
        with Horizontal():
            yield Static("Title")
            yield Static("EN")
        with VerticalScroll():
            yield Static("Welcome")
            yield Static(TEXT * 2)
            yield Static("\\n".join(f"{n}. {TEXT[:50]}" for n in range(1, 6)))
            yield Static(TEXT[:70])
            yield OptionList("Start", "Language", "Quit")
        yield Footer()

Bare().run()
"""

# The dashboard's shape with stock widgets: the title bar, a heading, a grid of seven
# label/value pairs, a warning line, a five-entry option list and the footer.
BARE_DASHBOARD = HARNESS + """
from textual.binding import Binding
from textual.containers import Grid, Horizontal, VerticalScroll
from textual.widgets import Footer, OptionList, Static

class Bare(App):
    CSS = "Grid { grid-size: 2; grid-columns: 18 1fr; height: auto; }"
    BINDINGS = [Binding("escape", "quit", "Quit"), Binding("f1", "help", "Help"),
                Binding("f2", "language", "Language")]  # + Textual's own ^p palette key

    def action_help(self):
        self.bell()

    action_language = action_help

    def compose(self):
        with Horizontal():
            yield Static("Title")
            yield Static("EN")
        with VerticalScroll():
            yield Static("Dashboard")
            with Grid():
                for n in range(7):
                    yield Static(f"Label {n}")
                    yield Static(f"value {n} " * 3)
            yield Static("")
            yield OptionList("Test", "Password", "Edit", "Start over", "Quit")
        yield Footer()

Bare().run()
"""


def run_child(code: str, args: list[str], env: dict[str, str]) -> dict[str, Any]:
    """Spawn one child; its marks relative to just before the spawn (ms), peak RSS (MiB)."""
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", code, *args], env=env, capture_output=True,
                          text=True, timeout=60, check=False)
    line = next((line for line in done.stdout.splitlines() if line.startswith("STARTUP ")),
                None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(f"child failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    marks = json.loads(line.removeprefix("STARTUP "))
    return {
        "frame_ms": (marks["frame"] - started) * 1000,
        "usable_ms": (marks["usable"] - started) * 1000,
        "rss_mib": marks["rss_kb"] / 1024,
        "widgets": marks["widgets"],
        "pending": marks["pending"],
    }


def isolated_env(folder: Path) -> dict[str, str]:
    """No real settings, keyring or state: a first start on a headless box."""
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("COMELIN_", "TEXTUAL_", "XDG_"))}
    for sub in ("config", "state", "data", "cache"):
        (folder / sub).mkdir(exist_ok=True)
        env[f"XDG_{sub.upper()}_HOME"] = str(folder / sub)
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    env["LANG"] = "fr_CA.UTF-8"
    # Bytecode cached for both (as after an install), in a folder of our own: the
    # warm-up runs fill it, whatever PYTHONDONTWRITEBYTECODE says outside.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(folder / "pycache")
    return env


def verdict(ratio: float) -> str:
    return f"target <= {TARGET_RATIO}x: {'ok' if ratio <= TARGET_RATIO else 'over'}"


def save_settings(config: Path) -> None:
    """Saved settings as the wizard leaves them: a custom server, password in the file."""
    from comelin_tui.config import CompanySettings, Config, SmtpSettings, save_config
    from comelin_tui.secrets import SMTP_PASSWORD, open_secret_store

    save_config(Config(
        provider="custom", secret_backend="file",
        company=CompanySettings(name="Boutique", email="caisse@boutique.example"),
        smtp=SmtpSettings(host="smtp.boutique.example", port=587, security="starttls",
                          username="caisse@boutique.example",
                          from_address="caisse@boutique.example"),
    ), config)
    open_secret_store(config, "file").set(SMTP_PASSWORD, "benchmark-only-password")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10, help="runs of each (default 10)")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="comelin-startup-") as tmp:
        folder = Path(tmp)
        env = isolated_env(folder)
        config = str(folder / "config" / "comelin-tui" / "config.toml")  # absent: welcome
        saved = folder / "saved" / "config.toml"
        save_settings(saved)
        children = {"bare": (BARE, []), "comelin": (COMELIN, [config]),
                    "bare-dashboard": (BARE_DASHBOARD, []),
                    "dashboard": (COMELIN, [str(saved)])}
        for code, args in children.values():
            run_child(code, args, env)  # warm-up: bytecode caches, page cache
        runs: dict[str, list[dict[str, Any]]] = {name: [] for name in children}
        for index in range(options.repeat):
            # Interleaved, alternating which goes first, so drift hits every child alike.
            order = list(children) if index % 2 == 0 else list(reversed(children))
            for name in order:
                code, args = children[name]
                runs[name].append(run_child(code, args, env))

    def median(name: str, key: str) -> float:
        return statistics.median(run[key] for run in runs[name])

    print(f"Start-up, {options.repeat} fresh processes each (interleaved), headless 80x24, "
          f"Python {sys.version.split()[0]}, {os.cpu_count()} CPU")
    rows = (("first frame (ms)", "frame_ms"), ("first usable (ms)", "usable_ms"),
            ("peak RSS (MiB)", "rss_mib"))
    over = False
    for title, bare_name, name in (("first start (welcome)", "bare", "comelin"),
                                   ("saved settings (dashboard)", "bare-dashboard",
                                    "dashboard")):
        print(f"{title}: widgets on the first screen: bare {runs[bare_name][0]['widgets']}, "
              f"comelin-tui {runs[name][0]['widgets']}")
        if any(run["pending"] for run in runs[name]):
            print("  WARNING: some runs were measured with lines still loading")
        print(f"  {'median':<22}{'bare':>12}{'comelin-tui':>14}{'ratio':>9}")
        ratios = {}
        for label, key in rows:
            bare, comelin = median(bare_name, key), median(name, key)
            ratios[key] = comelin / bare
            print(f"  {label:<22}{bare:>12.1f}{comelin:>14.1f}{ratios[key]:>8.2f}x")
        print(f"  time (first usable screen): {ratios['usable_ms']:.2f}x, "
              f"{verdict(ratios['usable_ms'])}")
        print(f"  memory (peak RSS): {ratios['rss_mib']:.2f}x, {verdict(ratios['rss_mib'])}")
        over = over or ratios["usable_ms"] > TARGET_RATIO or ratios["rss_mib"] > TARGET_RATIO
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
