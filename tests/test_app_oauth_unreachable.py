"""Microsoft's sign-in service out of reach (a closed loopback port, a name the resolver
does not find): the wizard says why in words, and the settings are saved with the
sign-in pending, to be done later with ``comelin-tui signin``."""

from __future__ import annotations

from pathlib import Path

import pytest
from dns_server import DnsServer
from hostile_servers import free_port
from idp_server import CLIENT_ID, TENANT_DOMAIN, USERNAME
from system_resolver import use_dns_server
from test_app_support import SIZE, assert_no_errors, build, fill, paste, settle, texts

from comelin_tui.config import load_config
from comelin_tui.oauth import AUTHORITY_ENV
from comelin_tui.screens.wizard import WizardScreen
from comelin_tui.secrets import OAUTH_TOKEN_CACHE, FileSecretStore, secret_file_path

# contoso.example's MX is Microsoft 365's; login.unreachable.example has no address.
ZONE = {"contoso.example": [("MX", "0 contoso-example.mail.protection.outlook.com.")]}


@pytest.fixture(scope="module")
def dns_server() -> object:
    server = DnsServer(ZONE, zones=("example",)).start()
    yield server
    server.stop()


def notices(app) -> list[str]:
    return [str(notification.message) for notification in app._notifications]


async def to_the_sign_in(pilot) -> WizardScreen:
    """A new setup for a Microsoft 365 address, up to the credentials step."""
    await settle(pilot)
    await pilot.press("enter")  # Start the setup
    await settle(pilot)
    wizard = pilot.app.screen
    assert isinstance(wizard, WizardScreen)
    await paste(pilot, USERNAME)
    await pilot.press("ctrl+n")
    await settle(pilot)
    assert wizard.draft.provider == "microsoft365"
    await pilot.press("ctrl+n")  # the server Microsoft gives
    await settle(pilot)
    await pilot.press("ctrl+n")
    await settle(pilot)
    assert wizard.current == "credentials" and wizard.draft.smtp.auth == "oauth2"
    await fill(pilot, "#oauth-client-id", CLIENT_ID)
    return wizard


async def sign_in_fails_then_save(tmp_path: Path, dns_server: DnsServer,
                                  cause: str) -> None:
    config_path = tmp_path / "config.toml"
    app = build(config_path, dns_server=dns_server.address)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        wizard = await to_the_sign_in(pilot)
        await pilot.press("enter")  # Enter in the client ID signs in
        await settle(pilot)
        shown = texts(pilot)
        assert cause in shown, shown
        assert "Errno" not in shown and "Name or service not known" not in shown
        assert "saved without the sign-in" in shown and "comelin-tui signin" in shown
        await pilot.press("f2")
        await settle(pilot)
        assert "enregistrés sans la connexion" in texts(pilot)
        await pilot.press("f2")
        await settle(pilot)

        await pilot.press("ctrl+n")  # Microsoft out of reach: on to the review anyway
        await settle(pilot)
        assert wizard.current == "review"
        assert not any("marked fields" in text for text in notices(app))
        shown = texts(pilot)
        assert "Microsoft sign-in pending" in shown and "comelin-tui signin" in shown
        assert "to fix" not in shown
        await pilot.press("enter")  # Save
        await settle(pilot)
        shown = texts(pilot)
        assert "Settings saved; Microsoft sign-in pending" in shown
        assert "Microsoft sign-in saved" not in shown
        assert_no_errors(app)
    config = load_config(config_path)
    assert config.smtp.auth == "oauth2" and config.oauth.client_id == CLIENT_ID
    assert config.oauth.tenant in ("", TENANT_DOMAIN)
    secrets_path = secret_file_path(config_path)
    assert not secrets_path.exists() or \
        FileSecretStore(secrets_path).get(OAUTH_TOKEN_CACHE) is None


async def test_sign_in_service_refusing_the_connection(
        tmp_path: Path, dns_server: DnsServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(AUTHORITY_ENV, f"https://127.0.0.1:{free_port()}")
    await sign_in_fails_then_save(tmp_path, dns_server, "the connection to 127.0.0.1:")


async def test_sign_in_service_name_not_found(
        tmp_path: Path, dns_server: DnsServer, monkeypatch: pytest.MonkeyPatch) -> None:
    asked = use_dns_server(monkeypatch, dns_server, lifetime=2.0)
    monkeypatch.setenv(AUTHORITY_ENV, "https://login.unreachable.example")
    await sign_in_fails_then_save(
        tmp_path, dns_server, "the name login.unreachable.example is not found")
    assert "login.unreachable.example" in asked  # the loopback DNS was asked, nothing else


async def test_next_without_signing_in_says_what_is_missing(
        tmp_path: Path, dns_server: DnsServer) -> None:
    app = build(tmp_path / "config.toml", dns_server=dns_server.address)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        wizard = await to_the_sign_in(pilot)
        await pilot.press("ctrl+n")  # not signed in, not tried
        await settle(pilot)
        assert wizard.current == "credentials"
        said = notices(app)
        assert any("Sign in with Microsoft first" in text for text in said), said
        assert not any("marked fields" in text for text in said)
        assert app.focused.id == "oauth-start"
    assert_no_errors(app)
