"""CPU per focus change (Tab) in the wizard versus a bare Textual app of the same shape.

In one run, each app is driven by Textual's pilot at 80x24 (headless): the
wizard on its server step (the step with the most fields), and a bare app whose
screen has as many focusable inputs, as many widgets in all and as many keys
in a stock ``Footer``. Each press of Tab moves the focus, which changes the
screen's active bindings and so makes the footer update. The CPU time of the
process (``time.process_time``) is taken over ``--presses`` presses, each
followed by ``pilot.pause()`` so the footer's deferred update is counted;
rounds alternate between the two apps and the best round of each is kept.

Usage: python benchmarks/focus.py [--presses N] [--rounds N]
Exits 1 when the ratio is over the target (1.2x).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

TARGET_RATIO = 1.2
SIZE = (80, 24)


def _isolate(folder: Path) -> None:
    """No real settings, keyring or state; English."""
    for sub in ("config", "state", "data", "cache"):
        (folder / sub).mkdir(exist_ok=True)
        os.environ[f"XDG_{sub.upper()}_HOME"] = str(folder / sub)
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    os.environ.pop("COMELIN_SMTP_PASSWORD", None)


def _shape(screen: Any) -> dict[str, int]:
    from textual.widgets import Footer

    from comelin_tui.widgets.textual_compat import FooterKey

    return {
        "widgets": len(screen.query("*")),
        "focusable": len(screen.focus_chain),
        "keys": len(screen.query(Footer).first().query(FooterKey)),
    }


async def _cpu_per_tab(pilot: Any, presses: int) -> float:
    """CPU milliseconds per Tab, the footer's update included."""
    await pilot.pause()
    start = time.process_time()
    for _ in range(presses):
        await pilot.press("tab")
        await pilot.pause()
    return (time.process_time() - start) * 1000 / presses


async def comelin_round(config_path: Path, presses: int) -> tuple[float, dict[str, int]]:
    from comelin_tui.app import make_app
    from comelin_tui.screens.wizard import WizardScreen

    app = make_app(config_path, language="en", dns_server="127.0.0.1:9", dns_lifetime=0.5,
                   dns_checks=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        app.open_wizard("new")
        await pilot.pause()
        wizard = app.screen
        assert isinstance(wizard, WizardScreen)
        wizard.goto("server")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        shape = _shape(app.screen)
        cpu = await _cpu_per_tab(pilot, presses)
        app.exit(0)
    return cpu, shape


def bare_app(shape: dict[str, int]) -> Any:
    """A stock app: *focusable* inputs, padded with texts to *widgets*, *keys* footer keys."""
    from textual.app import App, ComposeResult
    from textual.binding import Binding
    from textual.containers import VerticalScroll
    from textual.widgets import Footer, Input, Static

    keys = [Binding(f"f{n}", f"notify('{n}')", f"Key {n}") for n in range(3, 3 + shape["keys"])]

    class Bare(App[None]):
        BINDINGS = keys
        ENABLE_COMMAND_PALETTE = False

        def compose(self) -> ComposeResult:
            # Screen-level count: the scroll, the footer, its keys, the inputs, the texts.
            texts = shape["widgets"] - shape["focusable"] - shape["keys"] - 2
            with VerticalScroll(can_focus=False):
                for n in range(shape["focusable"]):
                    yield Static(f"Field {n}")
                    texts -= 1
                    yield Input(placeholder=f"value {n}")
                for n in range(max(texts, 0)):
                    yield Static(f"Text {n}")
            yield Footer()

    return Bare()


async def bare_round(shape: dict[str, int], presses: int) -> tuple[float, dict[str, int]]:
    app = bare_app(shape)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.pause()
        own = _shape(app.screen)
        cpu = await _cpu_per_tab(pilot, presses)
        app.exit()
    return cpu, own


async def main(presses: int, rounds: int) -> int:
    with tempfile.TemporaryDirectory(prefix="comelin-focus-") as tmp:
        folder = Path(tmp)
        _isolate(folder)
        config_path = folder / "config" / "config.toml"  # absent: a new setup
        # Warm-up: imports, CSS parsing and first layouts are not what is measured.
        _, shape = await comelin_round(config_path, 2)
        await bare_round(shape, 2)
        comelin: list[float] = []
        bare: list[float] = []
        bare_shape: dict[str, int] = {}
        for index in range(rounds):
            order = ("comelin", "bare") if index % 2 == 0 else ("bare", "comelin")
            for name in order:
                if name == "comelin":
                    comelin.append((await comelin_round(config_path, presses))[0])
                else:
                    cpu, bare_shape = await bare_round(shape, presses)
                    bare.append(cpu)
    best_comelin, best_bare = min(comelin), min(bare)
    ratio = best_comelin / best_bare
    print(f"CPU per Tab, {presses} presses a round, best of {rounds} rounds each "
          f"(interleaved), headless {SIZE[0]}x{SIZE[1]}, Python {sys.version.split()[0]}")
    print(f"shape: comelin-tui wizard (server step) {shape}; bare app {bare_shape}")
    print(f"  bare Textual app (stock Footer)   {best_bare:6.2f} ms")
    print(f"  comelin-tui wizard (KeyBar)       {best_comelin:6.2f} ms")
    verdict = "ok" if ratio <= TARGET_RATIO else "over"
    print(f"focus change: {ratio:.2f}x, target <= {TARGET_RATIO}x: {verdict}")
    return 0 if ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presses", type=int, default=40, help="Tab presses a round")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of each (interleaved)")
    options = parser.parse_args()
    sys.exit(asyncio.run(main(options.presses, options.rounds)))
