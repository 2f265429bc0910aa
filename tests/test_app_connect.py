"""The TUI's "Connect Comelin": Comelin's panel values, and a test through the relay."""

from __future__ import annotations

import socket
from pathlib import Path

from language_check import assert_one_language
from test_app_support import SIZE, assert_no_errors, build, settle, texts

from comelin_tui.config import save_config, with_changes
from comelin_tui.jobs.relay_setup import RELAY_PASSWORD
from comelin_tui.sandbox import Sandbox
from comelin_tui.screens.connect_comelin import ConnectComelinScreen
from comelin_tui.secrets import SMTP_PASSWORD, FileSecretStore, secret_file_path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_connect_comelin_shows_the_panel_and_tests_through_the_relay(
        tmp_path: Path) -> None:
    with Sandbox() as sandbox:
        config_path = tmp_path / "config.toml"
        port = free_port()
        config = with_changes(sandbox.demo_config(), {"relay.listen": f"127.0.0.1:{port}"})
        save_config(config, config_path)
        store = FileSecretStore(secret_file_path(config_path))
        store.set(SMTP_PASSWORD, sandbox.password)
        app = build(config_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("down", "down", "down", "enter")  # Connect Comelin (4th)
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, ConnectComelinScreen)
            local = store.get(RELAY_PASSWORD)
            assert local and len(local) == 20  # made on first visit, kept in the store
            shown = texts(pilot)
            assert "SMTP host" in shown and "127.0.0.1" in shown and str(port) in shown
            assert local in shown and "not the provider's" in shown
            assert sandbox.password not in shown
            await pilot.press("ctrl+r")
            await settle(pilot)
            assert screen.result is not None and screen.result.status == "ok", texts(pilot)
            assert [m["Subject"] for m in sandbox.mailbox] == ["Comelin test message"]
            shown = texts(pilot)
            assert "1. Comelin -> relay (127.0.0.1)" in shown
            assert "2. Relay -> provider: 250" in shown
            assert "PASSED: the message went through the relay" in shown
            server = [line for line in screen.result.transcript if line.startswith("<- ")]
            data = (sandbox.username, local, str(config_path), app.settings.company.name,
                    "Comelin test message", *server)
            assert_one_language(app, "en", data, "connect comelin")
            await pilot.press("f2")
            await settle(pilot)
            assert_one_language(app, "fr", data, "connect comelin")
            assert "Hôte SMTP" in texts(pilot)
            await pilot.press("escape")
            await settle(pilot)
            assert not isinstance(app.screen, ConnectComelinScreen)
            assert_no_errors(app)
    assert sandbox.password not in config_path.read_text()


async def test_the_dashboard_shows_the_relay_live(tmp_path: Path, isolated_environment: Path
                                                  ) -> None:
    import asyncio
    import smtplib
    from email.message import EmailMessage

    from comelin_tui import paths
    from comelin_tui.jobs.relay import Relay
    from comelin_tui.jobs.relay_setup import relay_options, write_status
    from comelin_tui.jobs.send_test import target_source
    from comelin_tui.screens.home import HomeScreen

    with Sandbox() as sandbox:
        config_path = paths.config_path()
        port = free_port()
        config = with_changes(sandbox.demo_config(), {"relay.listen": f"127.0.0.1:{port}"})
        save_config(config, config_path)
        FileSecretStore(secret_file_path(config_path)).set(SMTP_PASSWORD, sandbox.password)
        app = build(config_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            home = app.screen
            assert isinstance(home, HomeScreen)
            assert "Relay" in texts(pilot) and "not running." in texts(pilot)
            relay = Relay(relay_options(config, config_path, password="local-1"),
                          target_source(config, config_path))
            await relay.start()
            write_status(f"127.0.0.1:{port}", config_path)
            try:
                def pos() -> None:
                    mail = EmailMessage()
                    mail["Subject"], mail["To"] = "Facture 5", "client@example.net"
                    mail["From"] = sandbox.username
                    mail.set_content("x")
                    with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
                        client.login(sandbox.username, "local-1")
                        client.send_message(mail)
                await asyncio.to_thread(pos)
                home.poll_relay()  # what the dashboard's timer does every few seconds
                await settle(pilot)
                shown = texts(pilot)
                assert f"running on 127.0.0.1:{port}." in shown
                assert "Last send" in shown and "accepted" in shown
            finally:
                await relay.stop(grace=1.0)
            assert_no_errors(app)
