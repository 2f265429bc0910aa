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


# -- the SMTP conversation on the test screen ---------------------------------------------

LONG_REPLY = ("550 5.7.1 Recipient refused by the policy of this organisation: messages"
              " from this sender are held for review, see https://help.example.test/"
              "policies/outbound-relay-and-sender-reputation END")


def transcript_settings(tmp_path: Path, sandbox) -> Path:
    """Saved settings for *sandbox*, its password in the protected file."""
    from comelin_tui.config import save_config
    from comelin_tui.secrets import SMTP_PASSWORD, FileSecretStore, secret_file_path

    config_path = tmp_path / "config.toml"
    save_config(sandbox.demo_config(), config_path)
    FileSecretStore(secret_file_path(config_path)).set(SMTP_PASSWORD, sandbox.password)
    return config_path


def transcript_rows(screen) -> list[str]:
    """The transcript's rows as drawn on screen, inside its border."""
    box = screen.query_one("#transcript")
    region = box.content_region
    strips = screen._compositor.render_strips()
    return ["".join(segment.text for segment in strips[y].crop(region.x, region.right))
            for y in range(region.y, region.bottom)]


@pytest.mark.parametrize("size", [SIZE, (120, 40)])
async def test_the_transcript_fills_the_screen_wraps_and_scrolls_with_the_keys(
        tmp_path: Path, size: tuple[int, int]) -> None:
    from focus_support import focus_drawn, out_of_view

    from comelin_tui.sandbox import Sandbox
    from comelin_tui.screens.test_send import TestSendScreen

    with Sandbox(replies={"RCPT": LONG_REPLY}) as sandbox:
        app = build(transcript_settings(tmp_path, sandbox))
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            await pilot.press("enter")  # "Send a test email"
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, TestSendScreen)
            await pilot.press("ctrl+r")
            await settle(pilot)
            assert screen.result is not None and screen.result.status == "fail"
            await pilot.press("ctrl+t")  # show the conversation
            await settle(pilot)
            box = screen.query_one("#transcript")
            assert app.focused is box
            assert out_of_view(box) is None
            drawn = await focus_drawn(pilot, box)
            assert drawn["none"] and drawn["16"]
            # As tall as the screen's content (title, footer and the line above it
            # apart), as wide as the screen (the padding and the scrollbar apart).
            width, height = size
            assert box.region.height == height - 3
            assert box.region.width >= width - 4
            # The long reply wrapped, whole: every word of it is on screen.
            assert any(LONG_REPLY[:30] in line for line in box.lines)
            await pilot.press("end")
            await settle(pilot)
            # Wrapped at spaces, a word longer than the rest of a row folded to the next:
            # without the line breaks, the reply reads whole.
            shown = "".join("".join(transcript_rows(screen)).split())
            assert "".join(LONG_REPLY.split()) in shown, transcript_rows(screen)
            assert box.scroll_x == 0 and box.max_scroll_x == 0  # nothing to the right
            # The keys scroll it (the whole conversation is taller than 21 rows at 80x24).
            assert box.max_scroll_y > 0 or size != SIZE  # at 80x24 it is the longer
            if box.max_scroll_y:
                assert box.scroll_y == box.max_scroll_y
                await pilot.press("home")
                await settle(pilot)
                assert box.scroll_y == 0
                await pilot.press("pagedown")
                await settle(pilot)
                assert box.scroll_y > 0
                await pilot.press("up")
                await settle(pilot)
            await pilot.press("ctrl+t")  # hidden again: the focus back on its button
            await settle(pilot)
            assert not box.display and app.focused.id == "toggle-transcript"
            assert_no_errors(app)


@pytest.mark.parametrize("lang", ["fr", "en"])
async def test_the_checklist_of_other_is_not_titled_with_its_label(tmp_path: Path,
                                                                   lang: str) -> None:
    """"À faire pour Autre / personnalisé" reads wrong: "another provider" instead."""
    app = build(tmp_path / "config.toml", language=lang)
    async with app.run_test(size=SIZE) as pilot:
        wizard = await open_step(pilot, "custom", "provider")
        shown = str(wizard.query_one("#checklist-title").render())
        assert shown == t("tui.provider.checklist_custom", lang)
        wizard.choose_provider("google-workspace", by_user=True)
        await settle(pilot)
        shown = str(wizard.query_one("#checklist-title").render())
        assert "Google Workspace" in shown
        assert_no_errors(app)
