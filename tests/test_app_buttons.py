"""A row of buttons, as a technician at 80x24 meets it (16 colours or NO_COLOR, keys
only): the focused button is the one lit, whatever its kind (the recommended one is not
drawn as if focused), and Left/Right move between the buttons of the row."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from focus_support import cells
from test_app_support import SIZE, assert_no_errors, build, settle
from test_app_words import open_demo_wizard, press_save
from textual.widgets import Input

COLOURS = ("16", "nocolor")


@pytest.fixture(params=COLOURS)
def colours(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """A 16-colour terminal; the same with NO_COLOR (the app reads it when built)."""
    monkeypatch.setenv("TEXTUAL_COLOR_SYSTEM", "standard")
    if request.param == "nocolor":
        monkeypatch.setenv("NO_COLOR", "1")
    else:
        monkeypatch.delenv("NO_COLOR", raising=False)
    return str(request.param)


def ground(pilot, widget: Any, colours: str) -> set[Any]:
    """What is behind the label's letters as the eye sees it: the background colour
    (the text's colour when reversed) in 16 colours; reversed or not without colour."""
    mode = "none" if colours == "nocolor" else "16"
    seen = set()
    for row in cells(pilot, widget, mode):
        for char, key in row:
            if char.isspace() or not key:
                continue
            reverse = bool(key[4])
            if mode == "none":
                seen.add(reverse)
            else:
                colour, background = key[7], key[8]
                seen.add(colour if reverse else background)
    return seen


async def review_after_save(pilot) -> Any:
    wizard = await open_demo_wizard(pilot)
    await press_save(pilot)
    assert pilot.app.focused.id == "test"
    return wizard


async def test_the_focused_button_is_the_one_lit_not_the_recommended_one(
        tmp_path: Path, colours: str) -> None:
    app = build(tmp_path / "real" / "config.toml", demo=True)
    async with app.run_test(size=SIZE) as pilot:
        wizard = await review_after_save(pilot)
        run, done = wizard.query_one("#test"), wizard.query_one("#done")
        mode = "none" if colours == "nocolor" else "16"
        run_focused = cells(pilot, run, mode)
        run_lit = ground(pilot, run, colours)
        done.focus()
        await pilot.pause()
        done_focused, done_lit = cells(pilot, done, mode), ground(pilot, done, colours)
        run_unfocused, run_ground = cells(pilot, run, mode), ground(pilot, run, colours)
        wizard.set_focus(None, scroll_visible=False)
        await pilot.pause()
        done_unfocused, done_ground = cells(pilot, done, mode), ground(pilot, done, colours)

        assert done_focused != done_unfocused  # Done looks focused when it is
        assert run_unfocused != run_focused  # Run does not, when Done is
        # Focus lights a button the same way whatever its kind, and the recommended
        # one unfocused sits on the same ground as any other: it is not lit.
        assert run_lit == done_lit
        assert run_ground == done_ground, (run_ground, done_ground)
        assert run_ground != done_lit
        assert_no_errors(app)


async def test_left_and_right_move_between_the_buttons_of_a_row(tmp_path: Path) -> None:
    app = build(tmp_path / "real" / "config.toml", demo=True)
    async with app.run_test(size=SIZE) as pilot:
        wizard = await review_after_save(pilot)
        await pilot.press("right")
        assert app.focused.id == "done"
        await pilot.press("left")
        assert app.focused.id == "test"
        await pilot.press("left")  # round the row, as in a dialog
        assert app.focused.id == "done"
        # In a field, the arrows move the cursor: the focus stays.
        wizard.goto("email")
        await settle(pilot)
        field = wizard.query_one("#company-name", Input)
        field.focus()
        await pilot.pause()
        field.cursor_position = len(field.value)
        await pilot.press("left")
        assert app.focused is field and field.cursor_position == len(field.value) - 1
        await pilot.press("right")
        assert app.focused is field and field.cursor_position == len(field.value)
        assert_no_errors(app)
