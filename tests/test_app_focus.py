"""Where the focus is, a technician sees it: at 80x24, in French and English, in 16
colours and with NO_COLOR, after every step change and every jump of the settings
search (Ctrl+P), the focused widget is in view (not scrolled away, not cut by its
container or the screen's edge) and drawn as focused (without colour under NO_COLOR:
a border's shape, bold, reverse, underline).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from focus_support import cells, focus_drawn, out_of_view
from test_app_support import SIZE, assert_no_errors, build, paste, settle
from textual.command import CommandList
from textual.widgets import OptionList

from comelin_tui.fields import searchable_fields
from comelin_tui.screens.search import setting_text
from comelin_tui.screens.wizard import WizardScreen
from comelin_tui.wizard_state import STEPS

COLOURS = ("16", "nocolor")
# The settings Ctrl+P reaches in another place, or not at all, when the provider is not
# Microsoft 365 (the sign-in fields are hidden then; the login is a password's).
PROVIDER_DEPENDENT = frozenset({"smtp.username", "password", "smtp.auth", "oauth.tenant",
                                "oauth.client_id", "oauth.sign_in"})


@pytest.fixture(params=COLOURS)
def colours(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """A 16-colour terminal; the same with NO_COLOR (the app reads it when built)."""
    monkeypatch.setenv("TEXTUAL_COLOR_SYSTEM", "standard")
    if request.param == "nocolor":
        monkeypatch.setenv("NO_COLOR", "1")
    else:
        monkeypatch.delenv("NO_COLOR", raising=False)
    return str(request.param)


def mode(colours: str) -> str:
    """What counts as a difference: the 16 colours, or no colour at all."""
    return "none" if colours == "nocolor" else "16"


async def assert_focus_seen(pilot, colours: str, where: str,
                            seen: set[int] | None = None) -> None:
    """In view every time; drawn as focused: each widget once (*seen*: those checked)."""
    app = pilot.app
    focused = app.focused
    assert focused is not None, f"{where}: nothing has the focus"
    problem = out_of_view(focused)
    # The step keeps its focused widget in view after each refresh (call_after_refresh):
    # under load that refresh may come after the test's settle. Wait for it, a few
    # refreshes at most, rather than take the frame before it for the verdict.
    for _refresh in range(20):
        if problem is None:
            break
        await pilot.pause(0.02)
        problem = out_of_view(focused)
    assert problem is None, f"{where}: {problem}"
    if seen is not None and id(focused) in seen:
        return
    drawn = await focus_drawn(pilot, focused)
    assert drawn[mode(colours)], f"{where}: {focused!r} looks the same without the focus"
    if seen is not None:
        seen.add(id(focused))


async def jump(pilot, lang: str, setting: str) -> None:
    """Ctrl+P, the setting's name as the palette lists it, Enter."""
    spec = next(spec for spec in searchable_fields() if spec.name == setting)
    await pilot.press("ctrl+p")
    await settle(pilot)
    await paste(pilot, setting_text(spec, lang))
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)


# Where the focus is depends on the language (the words' lengths move things), how it is
# drawn on the colours: each language and each colour mode is walked once, in pairs, which
# keeps the suite's time (a walk is about 25 s).
@pytest.mark.parametrize(("lang", "colours"), [("fr", "nocolor"), ("en", "16")],
                         indirect=["colours"])
async def test_the_focus_is_in_view_and_drawn_after_every_step_change_and_jump(
        tmp_path: Path, lang: str, colours: str) -> None:
    app = build(tmp_path / "config.toml", language=lang)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # start the setup
        await settle(pilot)
        wizard = app.screen
        assert isinstance(wizard, WizardScreen)
        await paste(pilot, "caisse@boutique.test")
        seen: set[int] = set()
        for provider in ("other", "microsoft365"):  # with and without the sign-in fields
            wizard.choose_provider(provider, by_user=True)
            await settle(pilot)
            for step in STEPS:
                wizard.goto(step)
                await settle(pilot)
                await assert_focus_seen(pilot, colours, f"{provider}: {step} step", seen)
                # From the first field back: the step list, never the pane itself.
                wizard.pane(step).focus_first()
                await settle(pilot)
                await pilot.press("shift+tab")
                await settle(pilot)
                await assert_focus_seen(pilot, colours, f"{provider}: Shift+Tab on {step}", seen)
                await pilot.press("tab")
                await settle(pilot)
                await assert_focus_seen(pilot, colours, f"{provider}: Tab on {step}", seen)
            wizard.goto("email")
            await settle(pilot)
            for spec in searchable_fields():
                if provider == "other" and spec.name not in PROVIDER_DEPENDENT:
                    continue  # the same field in the same place as with Microsoft 365
                await jump(pilot, lang, spec.name)
                assert isinstance(app.screen, WizardScreen)
                await assert_focus_seen(pilot, colours, f"{provider}: Ctrl+P {spec.name}", seen)
        # Each step by its next key too, from the first: the pane scrolled back or not.
        wizard.goto("email")
        await settle(pilot)
        for step in STEPS[1:]:
            await pilot.press("ctrl+n")
            await settle(pilot)
            if wizard.current != step:
                break  # a step that asks for more first: its field has the focus
            await assert_focus_seen(pilot, colours, f"Ctrl+N to {step}", seen)
        await assert_focus_seen(pilot, colours, f"Ctrl+N on {wizard.current}", seen)
        assert_no_errors(app)


def row_marks(pilot, widget, colours: str) -> list[frozenset]:
    """For each row of *widget*: the set of styles its cells are drawn with."""
    return [frozenset(style for _, style in row) for row in cells(pilot, widget, mode(colours))]


@pytest.mark.parametrize("lang", ["fr", "en"])
async def test_the_settings_search_shows_which_hit_enter_goes_to(
        tmp_path: Path, lang: str, colours: str) -> None:
    """The known-settings list: the highlighted hit stands out from the others (a
    colour in 16 colours; underlined, bold, without colour)."""
    app = build(tmp_path / "config.toml", language=lang)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        hits = app.screen.query_one(CommandList)
        assert hits.option_count > 3
        await pilot.press("down")
        await settle(pilot)
        await pilot.press("down")
        await settle(pilot)
        assert out_of_view(app.focused) is None
        highlighted = hits.highlighted
        assert highlighted is not None and highlighted > 0
        # Each hit is two rows (its name, "Go to this setting"), the list a border row.
        marks = row_marks(pilot, hits, colours)
        first_row = 1 + 2 * highlighted
        lit = marks[first_row]
        others = [marks[1 + 2 * index] for index in range(hits.option_count)
                  if index != highlighted and 1 + 2 * index < len(marks)]
        assert others and all(lit != other for other in others), (lit, others)
        assert_no_errors(app)


async def test_the_provider_filter_and_list_show_the_focus(tmp_path: Path,
                                                           colours: str) -> None:
    app = build(tmp_path / "config.toml")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        wizard = app.screen
        await paste(pilot, "caisse@boutique.test")
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert wizard.current == "provider"
        assert isinstance(app.focused, OptionList)
        await assert_focus_seen(pilot, colours, "provider list")
        await pilot.press("shift+tab")
        await settle(pilot)
        assert app.focused.id == "provider-filter"
        await assert_focus_seen(pilot, colours, "provider filter, empty")
        await pilot.press("m", "i")
        await settle(pilot)
        await assert_focus_seen(pilot, colours, "provider filter, typed in")
        assert_no_errors(app)
