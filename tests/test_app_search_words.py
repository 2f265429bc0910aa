"""The settings search (Ctrl+P) says "nothing found" in the screen's language, and again
in the other one after F2."""

from __future__ import annotations

import time
from pathlib import Path

from test_app_support import SIZE, build, paste, settle
from textual.command import CommandList

from comelin_tui.screens.search import SettingsPalette


def no_match_words(app) -> str | None:
    options = app.screen.query_one(CommandList)
    for index in range(options.option_count):
        option = options.get_option_at_index(index)
        if option.id == SettingsPalette._NO_MATCHES:
            return option.prompt.renderable.plain
    return None


async def wait_for_words(pilot, expected: str) -> str | None:
    """Polls (a deadline, no fixed sleep) until the palette says *expected*."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        await pilot.pause(0.05)
        found = no_match_words(pilot.app)
        if found == expected:
            return found
    return no_match_words(pilot.app)


async def test_no_matches_is_said_in_french_then_in_english(tmp_path: Path) -> None:
    app = build(tmp_path / "config.toml", language="fr")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert isinstance(app.screen, SettingsPalette)
        await paste(pilot, "zzqxw")
        assert await wait_for_words(pilot, "Aucun réglage trouvé") == "Aucun réglage trouvé"
        await pilot.press("f2")  # English: said again in English
        assert await wait_for_words(pilot, "No setting found") == "No setting found"
        assert app.screen.query_one(CommandList).option_count == 1  # said once, not twice
