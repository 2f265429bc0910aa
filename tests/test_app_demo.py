"""Demo mode, the dashboard's actions, cancelling a test, and save errors."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from test_app_support import SIZE, assert_no_errors, build, paste, settle, texts

from comelin_tui.config import Config, SmtpSettings, load_config, save_config
from comelin_tui.sandbox import Sandbox
from comelin_tui.screens.home import HomeScreen
from comelin_tui.screens.test_send import TestSendScreen
from comelin_tui.screens.wizard import WizardScreen
from comelin_tui.secrets import SMTP_PASSWORD, FileSecretStore, secret_file_path


async def test_demo_runs_the_whole_wizard_against_the_sandbox(tmp_path: Path) -> None:
    real = tmp_path / "real" / "config.toml"
    app = build(real, demo=True)
    demo_folder = app.demo.folder
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "Demo mode" in texts(pilot)
        await pilot.press("enter")
        await settle(pilot)
        wizard = app.screen
        for _ in range(4):  # every step comes prefilled for the demo server
            await pilot.press("ctrl+n")
            await settle(pilot)
        assert wizard.current == "review"
        await pilot.press("enter")  # Save
        await settle(pilot)
        await pilot.press("enter")  # Run the test send
        await settle(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert app.screen.result.status == "ok"
        shown = texts(pilot)
        assert "Received by the demo server (1)" in shown
        assert "Comelin" in shown  # the subject of the received message
        # The pane shows the verdict, its buttons and the demo's mailbox, not the form
        # above them; the focus is on a button in view.
        from focus_support import out_of_view

        body = app.screen.query_one("#test-body")
        assert body.max_scroll_y > 0 and body.scroll_y > 0
        for shown_there in (app.screen.query_one("#outcome"), app.focused,
                            app.screen.query_one("#mailbox")):
            assert out_of_view(shown_there) is None, out_of_view(shown_there)
        assert_no_errors(app)
    assert not real.exists() and not real.parent.exists()
    assert not demo_folder.exists()


def saved(tmp_path: Path, **smtp: object) -> Path:
    config_path = tmp_path / "config.toml"
    config = Config(company={"email": "ventes@exemple.test"},
                    smtp=SmtpSettings(**{"host": "127.0.0.1", "username": "ventes@exemple.test",
                                         "from_address": "ventes@exemple.test", **smtp}),
                    secret_backend="file")
    save_config(config, config_path)
    FileSecretStore(secret_file_path(config_path)).set(SMTP_PASSWORD, "old-password")
    return config_path


async def test_change_password_from_the_dashboard(tmp_path: Path) -> None:
    config_path = saved(tmp_path)
    app = build(config_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert "config.secrets" in texts(pilot)  # where the secret lives
        await pilot.press("down", "enter")  # "Change the password"
        await settle(pilot)
        wizard = app.screen
        assert isinstance(wizard, WizardScreen) and wizard.current == "credentials"
        assert app.focused.id == "password"
        assert "empty: keep the saved password" in app.screen.query_one("#password").placeholder
        await paste(pilot, "new-password")
        await pilot.press("ctrl+n")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert not wizard.dirty
        assert_no_errors(app)
    store = FileSecretStore(secret_file_path(config_path))
    assert store.get(SMTP_PASSWORD) == "new-password"


async def test_a_secret_that_cannot_be_saved_is_reported_and_nothing_is_lost(
        tmp_path: Path) -> None:
    config_path = saved(tmp_path)
    before = config_path.read_text()
    os.chmod(secret_file_path(config_path), 0o644)  # readable by others: refused
    app = build(config_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        await paste(pilot, "new-password")
        await pilot.press("ctrl+n")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        wizard = app.screen
        assert wizard.dirty and wizard.password == "new-password"
        assert "chmod 600" in texts(pilot)
        assert_no_errors(app)
    assert config_path.read_text() == before


async def test_escape_cancels_a_running_test_at_once(tmp_path: Path) -> None:
    accepted = asyncio.Event()
    closed = asyncio.Event()

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.set()  # never greets: the client waits for the banner
        await reader.read()
        closed.set()
        writer.close()

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    config_path = saved(tmp_path, port=port, timeout=30.0)
    app = build(config_path)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("enter")  # "Send a test email"
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, TestSendScreen)
            await pilot.press("ctrl+r")
            await asyncio.wait_for(accepted.wait(), 10)
            await pilot.pause()
            assert screen.running
            assert screen.check_action("cancel", ()) is True
            started = asyncio.get_running_loop().time()
            await pilot.press("escape")
            assert not screen.running and screen.cancelled
            await asyncio.wait_for(closed.wait(), 5)  # the socket is closed too
            assert asyncio.get_running_loop().time() - started < 5
            assert "Test cancelled." in texts(pilot)
            await pilot.press("escape")  # and Escape again leads out
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen)
            assert_no_errors(app)
    finally:
        server.close()
        await server.wait_closed()
    assert load_config(config_path).smtp.port == port  # nothing changed


async def test_sandbox_recipient_can_be_changed(tmp_path: Path) -> None:
    with Sandbox() as sandbox:
        config_path = tmp_path / "config.toml"
        sandbox.demo_config(config_path)
        sandbox.store_password(config_path)
        app = build(config_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            recipient = app.screen.query_one("#recipient")
            recipient.focus()
            await pilot.press("end", "ctrl+u")
            await paste(pilot, "not-an-address")
            await pilot.press("enter")
            await settle(pilot)
            assert app.screen.result is None  # refused before sending
            assert app.screen.query_one("#field-recipient").error_text
            await pilot.press("end", "ctrl+u")
            await paste(pilot, "patron@exemple.test")
            await pilot.press("enter")
            await settle(pilot)
            assert app.screen.result.status == "ok"
            assert sandbox.mailbox[0]["To"] == "patron@exemple.test"
            assert_no_errors(app)


async def test_a_storm_of_keys_never_reaches_a_traceback(tmp_path: Path) -> None:
    """Any key, anywhere: no crash, no worker error; the app stays usable."""
    import random

    keys = ["tab", "shift+tab", "enter", "escape", "ctrl+n", "ctrl+t", "f1", "f2", "ctrl+l",
            "ctrl+p", "ctrl+r", "ctrl+f", "ctrl+g", "down", "up", "space", "x", "1"]
    chooser = random.Random(20261127)
    with Sandbox() as sandbox:
        config_path = tmp_path / "config.toml"
        sandbox.demo_config(config_path)
        sandbox.store_password(config_path)
        app = build(config_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            for _ in range(40):
                if not app.is_running:
                    break
                await pilot.press(chooser.choice(keys))
            await settle(pilot)
            assert_no_errors(app)
