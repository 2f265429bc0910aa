"""Long texts at 80x24: the provider checklists and sign-in help go below the bottom
edge; a line under the step says so, and the keys scroll them to their end. The SMTP
conversation on the test screen fills the screen it has, wraps, shows its focus and
scrolls with the keys."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_app_support import SIZE, assert_no_errors, build, paste, settle

from comelin_tui.i18n import t
from comelin_tui.screens.wizard import WizardScreen


def bottom_shown(widget) -> bool:
    """The last line of *widget* is inside what its containers show."""
    geometry = widget.screen.find_widget(widget)
    return geometry.region.bottom <= geometry.clip.bottom


def more_line(wizard: WizardScreen) -> str | None:
    """The "more below" line under the step, as shown (None: not shown)."""
    line = wizard.query_one("#more-below")
    return str(line.render()) if line.display else None


async def open_step(pilot, provider: str, step: str) -> WizardScreen:
    await settle(pilot)
    await pilot.press("enter")  # start the setup
    await settle(pilot)
    wizard = pilot.app.screen
    assert isinstance(wizard, WizardScreen)
    await paste(pilot, "caisse@boutique.test")
    wizard.choose_provider(provider, by_user=True)
    await settle(pilot)
    wizard.goto(step)
    await settle(pilot)
    return wizard


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("provider", ["microsoft365", "google-workspace"])
async def test_a_long_checklist_says_there_is_more_and_scrolls_to_its_end(
        tmp_path: Path, lang: str, provider: str) -> None:
    app = build(tmp_path / "config.toml", language=lang)
    async with app.run_test(size=SIZE) as pilot:
        wizard = await open_step(pilot, provider, "provider")
        pane = wizard.pane("provider")
        checklist = wizard.query_one("#provider-checklist")
        assert app.focused.id == "provider"
        assert not bottom_shown(checklist)
        assert more_line(wizard) == t("tui.wizard.more_below", lang)
        # On the list, PageDown scrolls the step (the arrows still browse the list).
        await pilot.press("pagedown")
        await settle(pilot)
        assert pane.scroll_y > 0 and app.focused.id == "provider"
        await pilot.press("pageup")
        await settle(pilot)
        assert pane.scroll_y == 0
        # Tab: the checklist itself, where End goes to its end.
        await pilot.press("tab")
        await settle(pilot)
        assert app.focused is checklist
        await pilot.press("end")
        await settle(pilot)
        assert bottom_shown(checklist)
        assert more_line(wizard) is None
        await pilot.press("home")
        await settle(pilot)
        assert pane.scroll_y == 0 and more_line(wizard) is not None
        for _ in range(10):  # PageDown again and again reaches the end too
            if more_line(wizard) is None:
                break
            await pilot.press("pagedown")
            await settle(pilot)
        assert bottom_shown(checklist) and more_line(wizard) is None
        await pilot.press("up")  # the arrows scroll it a line at a time
        await settle(pilot)
        assert pane.scroll_y == pane.max_scroll_y - 1
        assert more_line(wizard) is not None
        assert_no_errors(app)


@pytest.mark.parametrize("lang", ["fr", "en"])
async def test_the_sign_in_help_scrolls_from_the_sign_in_choice(tmp_path: Path,
                                                                lang: str) -> None:
    """Microsoft 365's login step: its help goes below the edge; the keys the sign-in
    choice leaves alone (PageDown, End) scroll the step."""
    app = build(tmp_path / "config.toml", language=lang)
    async with app.run_test(size=SIZE) as pilot:
        wizard = await open_step(pilot, "microsoft365", "credentials")
        focused = app.focused
        assert more_line(wizard) == t("tui.wizard.more_below", lang)
        await pilot.press("end")
        await settle(pilot)
        pane = wizard.pane("credentials")
        assert pane.scroll_y == pane.max_scroll_y > 0
        assert more_line(wizard) is None
        assert app.focused is focused  # the choice kept the focus
        await pilot.press("pageup")
        await settle(pilot)
        assert more_line(wizard) is not None
        assert_no_errors(app)


async def test_a_short_step_says_nothing_more(tmp_path: Path) -> None:
    app = build(tmp_path / "config.toml")
    async with app.run_test(size=SIZE) as pilot:
        wizard = await open_step(pilot, "other", "email")
        assert wizard.pane("email").max_scroll_y == 0
        assert more_line(wizard) is None
        assert_no_errors(app)
