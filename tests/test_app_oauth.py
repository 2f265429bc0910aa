"""Sign in with Microsoft in the wizard, keys only, at 80x24.

msal runs for real against the local identity provider over HTTPS; the test
send authenticates with XOAUTH2 against the sandbox, which accepts exactly the
access token that identity provider issues.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import sys
from pathlib import Path

import pytest
from dns_server import DnsServer
from idp_server import CLIENT_ID, TENANT_DOMAIN, USERNAME, LocalIdentityProvider
from language_check import assert_one_language
from test_app_support import (
    SIZE,
    assert_no_errors,
    build,
    file_mode,
    fill,
    paste,
    settle,
    texts,
    value,
)

from comelin_tui.config import (
    CompanySettings,
    Config,
    OAuthSettings,
    SmtpSettings,
    load_config,
    save_config,
)
from comelin_tui.oauth import AUTHORITY_ENV, INSTALL_COMMAND
from comelin_tui.sandbox import Sandbox
from comelin_tui.screens.home import HomeScreen
from comelin_tui.screens.oauth_sign_in import MicrosoftSignIn
from comelin_tui.screens.test_send import TestSendScreen
from comelin_tui.screens.wizard import WizardScreen
from comelin_tui.secrets import (
    OAUTH_TOKEN_CACHE,
    SMTP_PASSWORD,
    FileSecretStore,
    secret_file_path,
)
from comelin_tui.widgets.textual_compat import FooterKey

ZONE = {"contoso.example": [("MX", "0 contoso-example.mail.protection.outlook.com.")]}


class FixedTokenIdentityProvider(LocalIdentityProvider):
    """Issues one known access token: the sandbox's XOAUTH2 accepts exactly that one."""

    issued_token = "eyJ0eXAi." + secrets.token_urlsafe(24)

    def _issue(self, client_id: str, *, with_refresh: bool) -> dict[str, object]:
        response = super()._issue(client_id, with_refresh=with_refresh)
        valid_until = self.access_tokens.pop(str(response["access_token"]))
        self.access_tokens[self.issued_token] = valid_until
        response["access_token"] = self.issued_token
        return response


@pytest.fixture(scope="module")
def idp_server() -> object:
    with FixedTokenIdentityProvider() as provider:
        yield provider


@pytest.fixture
def idp(idp_server: FixedTokenIdentityProvider,
        monkeypatch: pytest.MonkeyPatch) -> FixedTokenIdentityProvider:
    """msal talks to the local identity provider and trusts its CA."""
    idp_server.reset()
    monkeypatch.setenv(AUTHORITY_ENV, idp_server.base_url)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(idp_server.ca_file))
    return idp_server


@pytest.fixture(scope="module")
def mx_server() -> object:
    """contoso.example's MX points to Microsoft 365."""
    server = DnsServer(ZONE, zones=("example",)).start()
    yield server
    server.stop()


def saved_microsoft(tmp_path: Path, sandbox: Sandbox, *, auth: str = "oauth2") -> Path:
    """Microsoft 365 settings pointed at the sandbox, not signed in yet."""
    config_path = tmp_path / "config.toml"
    save_config(Config(
        provider="microsoft365",
        company=CompanySettings(name="Boutique", email=USERNAME),
        smtp=SmtpSettings(host=sandbox.host, port=sandbox.port, auth=auth, username=USERNAME,
                          from_address=USERNAME, timeout=5.0, ca_file=sandbox.ca_file),
        oauth=OAuthSettings(tenant=TENANT_DOMAIN, client_id=CLIENT_ID),
        secret_backend="file",
    ), config_path)
    return config_path


def sign_in_widget(pilot) -> MicrosoftSignIn:
    return pilot.app.screen.query_one(MicrosoftSignIn)


def footer_actions(app) -> set[str]:
    return {key.action for key in app.screen.query(FooterKey)}


async def open_sign_in_from_dashboard(pilot) -> WizardScreen:
    """Home > "Sign in with Microsoft again": the credentials step, the button focused."""
    await settle(pilot)
    await pilot.press("down", "enter")
    await settle(pilot)
    wizard = pilot.app.screen
    assert isinstance(wizard, WizardScreen) and wizard.current == "credentials"
    assert pilot.app.focused.id == "oauth-start"
    return wizard


async def test_sign_in_with_microsoft_then_a_test_send_with_xoauth2(
        tmp_path: Path, idp: FixedTokenIdentityProvider, mx_server: DnsServer) -> None:
    config_path = tmp_path / "config.toml"
    app = build(config_path, dns_server=mx_server.address)
    with Sandbox(username=USERNAME, oauth_token=idp.issued_token) as sandbox:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("enter")  # Start the setup
            await settle(pilot)
            wizard = app.screen
            await paste(pilot, USERNAME)
            await pilot.press("ctrl+n")
            await settle(pilot)
            assert wizard.draft.provider == "microsoft365"  # from the MX records
            shown = texts(pilot)
            for expected in ("contoso-example.mail.protection.outlook.com",
                             "Authenticated SMTP", "December 2026", "Sign in with Microsoft"):
                assert expected in shown
            await pilot.press("enter")
            await settle(pilot)
            assert value(pilot, "#smtp-host") == "smtp.office365.com"
            await fill(pilot, "#smtp-host", sandbox.host)
            await fill(pilot, "#smtp-port", str(sandbox.port))
            await pilot.press("ctrl+p")
            await paste(pilot, "CA file")
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            await paste(pilot, str(sandbox.ca_file))
            await pilot.press("ctrl+n")
            await settle(pilot)
            assert wizard.current == "credentials"

            # The choice comes first, on the recommended sign-in (the provider step
            # said why: basic authentication ends in December 2026).
            assert app.focused.id == "auth-method"
            assert wizard.draft.smtp.auth == "oauth2"
            shown = texts(pilot)
            assert "Allow public client flows" in shown and "SMTP.Send" in shown
            assert value(pilot, "#oauth-tenant") == TENANT_DOMAIN  # the email's domain
            await fill(pilot, "#oauth-client-id", "not-a-guid")
            await pilot.press("enter")  # refused before any network
            await settle(pilot)
            assert "not an Application (client) ID" in texts(pilot)
            assert idp.requests == []
            await fill(pilot, "#oauth-client-id", CLIENT_ID.upper())
            await pilot.press("enter")  # Enter in the last field signs in
            await settle(pilot)

            assert next(iter(idp.device_codes.values())).used
            assert app.clipboard == sign_in_widget(pilot).code.user_code  # OSC 52
            shown = texts(pilot)
            assert f"Signed in: {USERNAME}" in shown and "Save (step 5)" in shown
            assert wizard.draft.oauth.client_id == CLIENT_ID
            assert wizard.draft.oauth.account == USERNAME
            assert not config_path.exists()  # nothing written before Save
            assert not secret_file_path(config_path).exists()
            assert app.focused.id == "nav-next"

            await pilot.press("enter")  # Next
            await settle(pilot)
            assert wizard.current == "review"
            assert f"Microsoft, {USERNAME} (will be saved)" in texts(pilot)
            await pilot.press("enter")  # Save
            await settle(pilot)
            assert "Settings and Microsoft sign-in saved." in texts(pilot)
            await pilot.press("enter")  # Run the test send
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, TestSendScreen)
            await pilot.press("ctrl+r")
            await settle(pilot)
            assert screen.result.status == "ok", texts(pilot)
            assert screen.result.step("auth").facts.get("mechanism") == "XOAUTH2"
            assert len(sandbox.mailbox) == 1
            assert sandbox.logins[-1].mechanism == "XOAUTH2"
            assert_no_errors(app)

    config = load_config(config_path)
    assert config.smtp.auth == "oauth2"
    assert (config.oauth.tenant, config.oauth.client_id) == (TENANT_DOMAIN, CLIENT_ID)
    assert config.oauth.account == USERNAME and config.smtp.username == USERNAME
    assert config.secret_backend == "file"  # where the token cache went
    assert file_mode(secret_file_path(config_path)) == 0o600
    cache = FileSecretStore(secret_file_path(config_path)).get(OAUTH_TOKEN_CACHE)
    assert cache and idp.issued_token in cache
    for token in idp.secrets_issued():
        assert token not in config_path.read_text()
    assert FileSecretStore(secret_file_path(config_path)).get(SMTP_PASSWORD) is None


async def test_a_refused_sign_in_shows_what_to_do(tmp_path: Path,
                                                  idp: FixedTokenIdentityProvider) -> None:
    idp.device_outcome = "AADSTS7000218"
    with Sandbox(username=USERNAME) as sandbox:
        config_path = saved_microsoft(tmp_path, sandbox)
        app = build(config_path)
        async with app.run_test(size=SIZE) as pilot:
            wizard = await open_sign_in_from_dashboard(pilot)
            await pilot.press("enter")  # Sign in
            await settle(pilot)
            shown = texts(pilot)
            assert "does not allow public client flows (AADSTS7000218)" in shown
            assert 'What to do: Microsoft Entra admin center' in shown
            assert '"Allow public client flows" to Yes' in shown
            assert sign_in_widget(pilot).state == "failed"
            assert app.focused.id == "oauth-start"  # Enter tries again
            assert wizard.oauth_cache is None
            await pilot.press("f2")
            await settle(pilot)
            assert "Autoriser les flux clients publics" in texts(pilot)
            # The service's own reason (in English) may stay as it is.
            assert_one_language(app, "fr", (USERNAME, str(config_path), TENANT_DOMAIN, "Boutique",
                                            "does not allow public client flows"),
                                "refused sign-in")
            assert_no_errors(app)
    assert not secret_file_path(config_path).exists()


async def test_escape_cancels_a_waiting_sign_in(tmp_path: Path,
                                                idp: FixedTokenIdentityProvider) -> None:
    idp.device_outcome = "pending"  # nobody ever enters the code
    with Sandbox(username=USERNAME) as sandbox:
        config_path = saved_microsoft(tmp_path, sandbox)
        app = build(config_path)
        async with app.run_test(size=SIZE) as pilot:
            wizard = await open_sign_in_from_dashboard(pilot)
            await pilot.press("enter")
            await asyncio.to_thread(idp.wait_for_polls, 1)  # the code is out, polling
            await pilot.pause()
            widget = sign_in_widget(pilot)
            assert widget.state == "waiting"
            user_code = widget.code.user_code
            shown = texts(pilot)
            assert "https://microsoft.com/devicelogin" in shown
            assert user_code in shown and "Escape to cancel" in shown
            assert app.clipboard == user_code
            assert "cancel_sign_in" in footer_actions(app) and "back" not in footer_actions(app)
            assert app.focused.id == "oauth-cancel"
            data = (USERNAME, user_code, str(config_path), TENANT_DOMAIN, CLIENT_ID, "Boutique")
            assert_one_language(app, "en", data, "sign-in box")
            await pilot.press("f2")  # the box reads in French too
            await pilot.pause()
            assert "Entrez ce code" in texts(pilot) and user_code in texts(pilot)
            assert_one_language(app, "fr", data, "sign-in box")
            await pilot.press("f2")
            await pilot.pause()
            assert_one_language(app, "en", data, "sign-in box")
            app.export_screenshot()

            await pilot.press("escape")
            assert widget.state == "cancelled"
            await settle(pilot)  # the polling thread ends too
            polls = len([r for r in idp.requests if r.path.endswith("/token")])
            assert "Sign-in cancelled: nothing was saved." in texts(pilot)
            assert wizard.current == "credentials" and wizard.oauth_cache is None
            assert app.focused.id == "oauth-start"
            await pilot.press("escape")  # and Escape goes back again
            await settle(pilot)
            assert wizard.current == "server"
            assert len([r for r in idp.requests if r.path.endswith("/token")]) == polls
            assert_no_errors(app)
    assert not secret_file_path(config_path).exists()


async def test_without_msal_the_install_command_shows_and_the_password_works(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "msal", None)  # as if the [m365] extra were missing
    with Sandbox(username=USERNAME, password="Secret-365") as sandbox:
        config_path = saved_microsoft(tmp_path, sandbox, auth="password")
        app = build(config_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("down", "enter")  # Change the password
            await settle(pilot)
            wizard = app.screen
            assert wizard.current == "credentials"
            assert app.focused.id == "password"
            await pilot.press("shift+tab", "shift+tab")
            assert app.focused.id == "auth-method"
            await pilot.press("up", "enter")  # Sign in with Microsoft
            await settle(pilot)
            shown = texts(pilot)
            assert INSTALL_COMMAND in shown
            assert not wizard.query_one("#oauth-form").display
            await pilot.press("down", "enter")  # back to the password
            await settle(pilot)
            assert wizard.draft.smtp.auth == "password"
            await fill(pilot, "#password", "Secret-365")
            await pilot.press("ctrl+n")
            await settle(pilot)
            await pilot.press("enter")  # Save
            await settle(pilot)
            await pilot.press("enter")  # Run the test send
            await settle(pilot)
            await pilot.press("ctrl+r")
            await settle(pilot)
            assert app.screen.result.status == "ok", texts(pilot)
            assert len(sandbox.mailbox) == 1
            assert_no_errors(app)
    assert load_config(config_path).smtp.auth == "password"


async def test_home_says_who_is_signed_in(tmp_path: Path) -> None:
    with Sandbox(username=USERNAME) as sandbox:
        config_path = saved_microsoft(tmp_path, sandbox)
        cache = json.dumps({"Account": {"a": {"username": USERNAME}}})
        FileSecretStore(secret_file_path(config_path)).set(OAUTH_TOKEN_CACHE, cache)
        app = build(config_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, HomeScreen)
            shown = texts(pilot)
            assert f"Microsoft: {USERNAME} (sign-in token of" in shown
            assert "Sign in with Microsoft again" in str(
                app.screen.query_one("#home-menu").get_option("password").prompt)
            assert_no_errors(app)
