"""The whole wizard, keys only, at 80x24, against the embedded sandbox server.

Google Workspace and a custom server: the provider comes from the MX lookup
(a real DNS server on loopback), its presets are checked, then the
host/port/CA are pointed at the sandbox (as a technician overrides a host),
the password is saved (test keyring or the protected file) and the test send
reaches the sandbox's mailbox. Microsoft 365 walks its recommended path, the
Microsoft sign-in, in ``test_app_oauth.py`` (its password path is there too).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from dns_server import DnsServer, dns_server_fixture  # noqa: F401
from test_app_support import (
    SIZE,
    assert_no_errors,
    build,
    fill,
    paste,
    settle,
    texts,
    value,
)

from comelin_tui.config import load_config, save_config, with_changes
from comelin_tui.sandbox import Sandbox
from comelin_tui.screens.home import HomeScreen
from comelin_tui.screens.test_send import TestSendScreen
from comelin_tui.screens.wizard import WizardScreen
from comelin_tui.secrets import SMTP_PASSWORD, config_namespace


async def walk_wizard(pilot, *, email: str, provider_id: str, host: str, port: int,
                      sandbox: Sandbox, password: str, type_email: bool = False,
                      provider_texts: tuple[str, ...] = ()) -> None:
    """Home -> email -> provider -> server -> credentials -> review -> save."""
    app = pilot.app
    await settle(pilot)
    assert isinstance(app.screen, HomeScreen)
    assert "Welcome" in texts(pilot)
    await pilot.press("enter")  # "Start the setup"
    await settle(pilot)
    wizard = app.screen
    assert isinstance(wizard, WizardScreen)
    assert app.focused.id == "company-email"

    # 1. Company email (typed, or pasted: both are how it arrives) and name.
    if type_email:
        await pilot.press(*email)
    else:
        await paste(pilot, email)
    await pilot.press("tab")
    await paste(pilot, "Boutique Test")
    await pilot.press("ctrl+n")
    await settle(pilot)  # the MX lookup finishes
    assert wizard.current == "provider"
    shown = texts(pilot)
    for expected in provider_texts:
        assert expected in shown

    # 2. Provider: preselected from the MX records, with the reason.
    assert wizard.draft.provider == provider_id
    await pilot.press("enter")  # Enter on the chosen provider goes on
    await settle(pilot)
    assert wizard.current == "server"

    # 3. Server: the provider's presets, then the sandbox instead.
    assert value(pilot, "#smtp-host") == host
    assert value(pilot, "#smtp-port") == str(port)
    assert wizard.draft.smtp.security == "starttls"
    await fill(pilot, "#smtp-host", sandbox.host)
    await fill(pilot, "#smtp-port", str(sandbox.port))
    # The CA file of a private CA: an advanced setting, reached with the settings search.
    await pilot.press("ctrl+p")
    await paste(pilot, "CA file")
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    assert app.focused.id == "smtp-ca-file"
    await paste(pilot, str(sandbox.ca_file))
    await pilot.press("ctrl+n")
    await settle(pilot)
    assert wizard.current == "credentials"

    # 4. Credentials: username from the provider's template, the password typed.
    assert value(pilot, "#smtp-username") == sandbox.username
    await fill(pilot, "#password", password)
    await pilot.press("ctrl+n")
    await settle(pilot)
    assert wizard.current == "review"

    # 5. Review, then Save (the focused button).
    assert app.focused.id == "save"
    await pilot.press("enter")
    await settle(pilot)
    assert not wizard.dirty
    assert "Settings and password saved." in texts(pilot)


async def run_test_send(pilot, sandbox: Sandbox) -> None:
    """From the review after saving: the test send, which must reach the sandbox."""
    app = pilot.app
    assert app.focused.id == "test"
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(app.screen, TestSendScreen)
    await pilot.press("ctrl+r")
    await settle(pilot)
    screen = app.screen
    assert screen.result is not None
    assert screen.result.status == "ok", texts(pilot)
    assert "PASSED" in texts(pilot)
    assert len(sandbox.mailbox) == 1


async def escape_all_the_way_out(pilot) -> None:
    """Escape always leads out: test screen, each wizard step, home, then the app quits."""
    app = pilot.app
    for _ in range(12):
        if not app.is_running:
            break
        await pilot.press("escape")
        await pilot.pause()
    assert not app.is_running


async def test_google_workspace_with_the_system_keyring(tmp_path: Path, memory_keyring,
                                                         dns_server: DnsServer) -> None:
    config_path = tmp_path / "config.toml"
    app = build(config_path, dns_server=dns_server.address)
    with Sandbox(username="ventes@gshop.test", password="abcdefghijklmnop") as sandbox:
        async with app.run_test(size=SIZE) as pilot:
            await walk_wizard(pilot, email="ventes@gshop.test", provider_id="google-workspace",
                              host="smtp.gmail.com", port=587, sandbox=sandbox,
                              # Google shows app passwords in groups of four.
                              password="abcd efgh ijkl mnop", type_email=True,
                              provider_texts=("MX points to Google", "2-Step Verification",
                                              "app password"))
            await run_test_send(pilot, sandbox)
            assert_no_errors(app)
            await escape_all_the_way_out(pilot)

    config = load_config(config_path)
    assert config.provider == "google-workspace"
    assert config.secret_backend == "keyring"
    assert config.smtp.host == "127.0.0.1"
    assert config.smtp.ca_file == sandbox.ca_file
    assert config.company.name == "Boutique Test"
    assert "abcd" not in config_path.read_text()
    account = f"{SMTP_PASSWORD}@{config_namespace(config_path)}"
    assert memory_keyring.store[("comelin-tui", account)] == "abcdefghijklmnop"
    assert sandbox.mailbox[0]["To"] == "ventes@gshop.test"


async def test_custom_server_without_mx(tmp_path: Path, dns_server: DnsServer) -> None:
    config_path = tmp_path / "config.toml"
    app = build(config_path, dns_server=dns_server.address)
    with Sandbox(username="ventes@probeshop.test", password="pw-custom") as sandbox:
        async with app.run_test(size=SIZE) as pilot:
            await walk_wizard(pilot, email="ventes@probeshop.test", provider_id="custom",
                              host="smtp.probeshop.test", port=587, sandbox=sandbox,
                              password="pw-custom")
            await run_test_send(pilot, sandbox)
            assert_no_errors(app)
    assert load_config(config_path).provider == "custom"


@pytest.fixture
def saved_settings(tmp_path: Path):
    """Settings already saved for a sandbox (the dashboard path), with a chosen password."""
    from comelin_tui.config import save_config

    def write(sandbox: Sandbox, *, password: str, **smtp: object) -> Path:
        config_path = tmp_path / "config.toml"
        config = sandbox.demo_config()
        for name, setting in smtp.items():
            setattr(config.smtp, name, setting)
        save_config(config, config_path)
        from comelin_tui.secrets import FileSecretStore, secret_file_path

        FileSecretStore(secret_file_path(config_path)).set(SMTP_PASSWORD, password)
        return config_path

    return write


async def open_test_from_dashboard(pilot) -> TestSendScreen:
    await settle(pilot)
    assert isinstance(pilot.app.screen, HomeScreen)
    assert "Saved settings" in texts(pilot)
    await pilot.press("enter")  # "Send a test email" is the first action
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, TestSendScreen)
    return screen


async def test_bad_password_shows_the_diagnosis(saved_settings) -> None:
    with Sandbox() as sandbox:
        config_path = saved_settings(sandbox, password="not-the-password")
        app = build(config_path)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_test_from_dashboard(pilot)
            await pilot.press("ctrl+r")
            await settle(pilot)
            assert screen.result.status == "fail"
            assert screen.result.diagnosis.code == "auth.invalid_credentials"
            shown = texts(pilot)
            assert "FAILED" in shown and "auth.invalid_credentials" in shown
            assert screen.result.diagnosis.hint in shown
            # No port/security to suggest for a refused password.
            assert screen.check_action("apply_fix", ()) is False
            assert not screen.query_one("#apply-fix").display
            assert sandbox.mailbox == []
            assert "not-the-password" not in "\n".join(screen.result.transcript)
            assert_no_errors(app)
            await pilot.press("escape")
            await settle(pilot)
            # The dashboard shows the failure from the attempt log.
            assert isinstance(app.screen, HomeScreen)
            assert "FAILED" in texts(pilot)


async def test_wrong_security_offers_the_fix_that_makes_it_pass(saved_settings) -> None:
    with Sandbox() as sandbox:
        # SSL/TLS from the first byte against the STARTTLS port.
        config_path = saved_settings(sandbox, password=sandbox.password,
                                     security="implicit_tls")
        app = build(config_path)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_test_from_dashboard(pilot)
            await pilot.press("ctrl+r")
            await settle(pilot)
            result = screen.result
            assert result.status == "fail"
            assert result.suggestion is not None
            assert (result.suggestion.port, result.suggestion.security) == (sandbox.port,
                                                                             "starttls")
            assert "Suggested fix" in texts(pilot)
            assert screen.query_one("#apply-fix").display
            assert app.focused.id == "apply-fix"
            await pilot.press("enter")  # Apply suggested fix
            await settle(pilot)
            assert screen.result.status == "ok", texts(pilot)
            assert len(sandbox.mailbox) == 1
            assert_no_errors(app)
    config = load_config(config_path)
    assert (config.smtp.port, config.smtp.security) == (sandbox.port, "starttls")


async def test_the_fix_keeps_a_change_saved_meanwhile_by_another_program(
        saved_settings) -> None:
    """Apply fix changes port and security in the file as it is now, not as it was read."""
    with Sandbox() as sandbox:
        config_path = saved_settings(sandbox, password=sandbox.password,
                                     security="implicit_tls")
        app = build(config_path)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_test_from_dashboard(pilot)
            await pilot.press("ctrl+r")
            await settle(pilot)
            assert screen.result.suggestion is not None
            # Meanwhile, another program (a second technician's command) renames the company.
            save_config(with_changes(load_config(config_path),
                                     {"company.name": "Boutique renommée"}), config_path)
            await pilot.press("ctrl+f")
            await settle(pilot)
            assert screen.result.status == "ok", texts(pilot)
            assert app.settings.company.name == "Boutique renommée"
            assert_no_errors(app)
    config = load_config(config_path)
    assert (config.smtp.port, config.smtp.security) == (sandbox.port, "starttls")
    assert config.company.name == "Boutique renommée"


async def test_wrong_port_offers_the_fix(saved_settings) -> None:
    with Sandbox(implicit_tls=True) as sandbox:
        # STARTTLS settings pointed at the SSL/TLS port: the greeting never comes.
        config_path = saved_settings(sandbox, password=sandbox.password,
                                     port=sandbox.implicit_tls_port, timeout=1.0)
        app = build(config_path)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_test_from_dashboard(pilot)
            await pilot.press("ctrl+r")
            await settle(pilot)
            assert screen.result.status == "fail"
            suggestion = screen.result.suggestion
            assert suggestion is not None
            await pilot.press("ctrl+f")
            await settle(pilot)
            assert screen.result.status == "ok", texts(pilot)
            assert_no_errors(app)
    config = load_config(config_path)
    assert (config.smtp.port, config.smtp.security) == (suggestion.port, suggestion.security)


async def test_the_test_screen_starts_on_the_recipient_typing_replaces_it_enter_sends(
        saved_settings) -> None:
    from textual.widgets import Input

    with Sandbox() as sandbox:
        config_path = saved_settings(sandbox, password=sandbox.password)
        app = build(config_path)
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_test_from_dashboard(pilot)
            assert isinstance(app.focused, Input) and app.focused.id == "recipient"
            await pilot.press(*"compta@boutique.test")
            assert screen.query_one("#recipient", Input).value == "compta@boutique.test"
            await pilot.press("enter")
            await settle(pilot)
            assert screen.result is not None and screen.result.status == "ok"
            assert sandbox.mailbox[-1]["To"] == "compta@boutique.test"
            assert_no_errors(app)
