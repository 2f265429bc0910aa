"""Test sends with Microsoft 365 OAuth: a fresh token from the identity provider, then XOAUTH2.

Real parts only: msal against the local identity provider over HTTPS, the real
engine against an aiosmtpd server (STARTTLS, trustme certificate) whose
XOAUTH2 accepts exactly the access tokens the identity provider considers
valid, and rejects others the way Exchange Online does (535 5.7.3).
"""

from __future__ import annotations

import base64
import collections
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.smtp import SMTP, AuthResult
from idp_server import (  # noqa: F401 - fixtures
    CLIENT_ID,
    TENANT_DOMAIN,
    USERNAME,
    LocalIdentityProvider,
    idp_fixture,
    idp_server_fixture,
)
from smtp_servers import SERVER_NAME, ScriptedHandler, ScriptedServer, make_certificates

from comelin_tui import paths
from comelin_tui.attempt_log import append_attempt
from comelin_tui.config import (
    CompanySettings,
    Config,
    OAuthSettings,
    SmtpSettings,
    save_config,
)
from comelin_tui.diagnostics.model import RunResult, Step, Target
from comelin_tui.oauth import AUTHORITY_ENV, INSTALL_COMMAND, DeviceSignIn
from comelin_tui.oauth_check import oauth_failure_result, run_check_oauth
from comelin_tui.oauth_errors import OAuthError
from comelin_tui.secrets import OAUTH_TOKEN_CACHE, FileSecretStore, secret_file_path

EXCHANGE_REJECTION = ("535 5.7.3 Authentication unsuccessful [BN0PR04CA0123.namprd04.prod."
                      "outlook.com 2026-11-27T17:00:00.000Z 08DD2A2B3C4D5E6F]")


@dataclass
class ExchangeLikeHandler(ScriptedHandler):
    """XOAUTH2 checked against the identity provider; every token offered is recorded."""

    idp: LocalIdentityProvider | None = None
    tokens_seen: list[str] = field(default_factory=list)

    def reset(self) -> None:
        super().reset()
        self.tokens_seen.clear()

    async def auth_XOAUTH2(self, server: SMTP, args: list[str]) -> AuthResult:
        blob = args[1] if len(args) > 1 else ""
        try:
            fields = dict(part.split("=", 1) for part in
                          base64.b64decode(blob).decode().split("\x01") if "=" in part)
        except ValueError:
            fields = {}
        token = fields.get("auth", "").removeprefix("Bearer ")
        self.tokens_seen.append(token)
        assert self.idp is not None
        if fields.get("user") == USERNAME and self.idp.is_valid_access_token(token):
            return AuthResult(success=True, auth_data=USERNAME)
        return AuthResult(success=False, handled=False, message=EXCHANGE_REJECTION)


class LongAuthSMTP(SMTP):
    """aiosmtpd taking AUTH lines as long as Exchange Online does (a token is ~2 kB)."""

    line_length_limit = 16384  # read buffer; aiosmtpd's default is 1001

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # An instance dict: aiosmtpd's default one is shared by the class.
        self.command_size_limits = collections.defaultdict(
            lambda: SMTP.command_size_limit, AUTH=12288)  # RFC 4954 section 4


class ExchangeLikeServer(ScriptedServer):
    """The scripted STARTTLS server, with :class:`LongAuthSMTP`."""

    def factory(self) -> SMTP:
        return LongAuthSMTP(
            self.scripted, hostname=SERVER_NAME, ident="Microsoft ESMTP MAIL Service",
            tls_context=self.tls.context, auth_require_tls=True,
            authenticator=self.scripted.authenticate)


@dataclass
class Mail:
    server: ExchangeLikeServer
    handler: ExchangeLikeHandler
    ca_file: Path


@pytest.fixture(scope="module")
def mail_server(tmp_path_factory: pytest.TempPathFactory,
                idp_server: LocalIdentityProvider) -> Iterator[Mail]:
    certificates = make_certificates(tmp_path_factory.mktemp("smtp-ca"))
    server = ExchangeLikeServer(certificates)
    handler = ExchangeLikeHandler(idp=idp_server)
    server.scripted = handler  # read by the server's factory at each connection
    server.start()
    try:
        yield Mail(server, handler, certificates.ca_file)
    finally:
        server.stop()


@pytest.fixture
def mail(mail_server: Mail, idp: LocalIdentityProvider) -> Mail:
    mail_server.server.reset()
    mail_server.handler.reset()
    return mail_server


@pytest.fixture
def store(tmp_path: Path) -> FileSecretStore:
    return FileSecretStore(tmp_path / "config.secrets")


def sign_in(idp: LocalIdentityProvider, store: FileSecretStore) -> None:
    flow = DeviceSignIn(store, min_interval=0)
    flow.start(TENANT_DOMAIN, CLIENT_ID, authority_host=idp.base_url, verify=idp.ca_file)
    flow.wait()


def settings(mail: Mail) -> Config:
    return Config(
        provider="microsoft365",
        company=CompanySettings(name="Boutique", email=USERNAME),
        smtp=SmtpSettings(host="127.0.0.1", port=mail.server.port, security="starttls",
                          auth="oauth2", username=USERNAME, from_address=USERNAME,
                          timeout=5.0, ca_file=mail.ca_file),
        oauth=OAuthSettings(tenant=TENANT_DOMAIN, client_id=CLIENT_ID, account=USERNAME),
        secret_backend="file",
    )


def target(mail: Mail) -> Target:
    return Target(host="127.0.0.1", port=mail.server.port, security="starttls", auth="oauth2",
                  username=USERNAME, from_address=USERNAME, to_address=USERNAME, timeout=5.0,
                  ca_file=mail.ca_file, provider_id="microsoft365", language="en")


async def check(mail: Mail, idp: LocalIdentityProvider, store: FileSecretStore,
                steps: list[Step] | None = None) -> RunResult:
    return await run_check_oauth(
        target(mail), settings(mail), store, steps.append if steps is not None else None,
        probe=False, authority_host=idp.base_url, verify=idp.ca_file)


def secret_forms(idp: LocalIdentityProvider) -> list[str]:
    """Every token issued, and the XOAUTH2 blobs that would carry the access tokens."""
    forms = []
    for token in idp.secrets_issued():
        forms.append(token)
        blob = f"user={USERNAME}\x01auth=Bearer {token}\x01\x01".encode()
        forms.append(base64.b64encode(blob).decode())
    return forms


def assert_no_token(text: str, idp: LocalIdentityProvider, where: str) -> None:
    issued = idp.secrets_issued()
    assert issued, "the identity provider issued no token: nothing was searched"
    for form in secret_forms(idp):
        assert form not in text, f"a token ({form[:12]}...) appears in {where}"
        assert form[:40] not in text, f"part of a token appears in {where}"


# -- the check ------------------------------------------------------------------------------

async def test_valid_token_passes_with_xoauth2(mail: Mail, idp: LocalIdentityProvider,
                                               store: FileSecretStore) -> None:
    sign_in(idp, store)
    steps: list[Step] = []
    result = await check(mail, idp, store, steps)
    assert result.status == "ok", json.dumps([s.to_json() for s in result.steps], indent=1)
    assert result.step("auth").facts.get("mechanism") == "XOAUTH2"
    assert len(mail.handler.messages) == 1
    assert len(mail.handler.tokens_seen) == 1 and idp.grants("refresh_token") == []
    assert {s.id for s in steps} >= {"auth", "data"}


async def test_expired_access_token_is_refreshed_silently(
        mail: Mail, idp: LocalIdentityProvider, store: FileSecretStore) -> None:
    idp.access_token_lifetime = 60  # expired in the cache's eyes (under 5 minutes)
    sign_in(idp, store)
    idp.expire_access_tokens()      # and in the server's
    old_cache = store.get(OAUTH_TOKEN_CACHE)
    idp.access_token_lifetime = 3600

    result = await check(mail, idp, store)

    assert result.status == "ok", [s.to_json() for s in result.steps]
    assert len(idp.grants("refresh_token")) == 1
    # One attempt, with the new token: the old one was never offered.
    assert len(mail.handler.tokens_seen) == 1
    assert idp.is_valid_access_token(mail.handler.tokens_seen[0])
    assert store.get(OAUTH_TOKEN_CACHE) != old_cache  # the new tokens were saved


async def test_token_revoked_early_gets_one_forced_refresh(
        mail: Mail, idp: LocalIdentityProvider, store: FileSecretStore) -> None:
    sign_in(idp, store)             # valid for an hour in the cache...
    idp.expire_access_tokens()      # ...but the server no longer takes it
    steps: list[Step] = []

    result = await check(mail, idp, store, steps)

    assert result.status == "ok", [s.to_json() for s in result.steps]
    assert len(mail.handler.tokens_seen) == 2  # rejected, then the fresh one
    assert len(idp.grants("refresh_token")) == 1
    assert len(mail.handler.messages) == 1
    # The live view saw the auth step fail, then the second run succeed.
    auth_events = [s.status for s in steps if s.id == "auth" and s.status != "running"]
    assert auth_events == ["fail", "ok"]


async def test_revoked_refresh_token_is_auth_oauth_failed(
        mail: Mail, idp: LocalIdentityProvider, store: FileSecretStore) -> None:
    idp.access_token_lifetime = 60
    sign_in(idp, store)
    idp.revoke_refresh_tokens("AADSTS50173")
    steps: list[Step] = []

    result = await check(mail, idp, store, steps)

    assert result.status == "fail" and result.exit_code == 2
    auth = result.step("auth")
    assert auth is not None and auth.status == "fail"
    assert auth.diagnosis is not None and auth.diagnosis.code == "auth.oauth_failed"
    assert result.diagnosis == auth.diagnosis
    assert auth.detail.startswith("AADSTS50173: The provided grant has expired")
    assert "Sign in with Microsoft" in auth.diagnosis.hint
    assert all(s.status == "skipped" for s in result.steps if s.id != "auth")
    # No connection at all without a token; the live view got every step.
    assert mail.handler.commands == [] and mail.handler.tokens_seen == []
    assert [s.id for s in steps] == [s.id for s in result.steps]
    data = result.to_json()
    assert data["diagnosis"]["code"] == "auth.oauth_failed"
    assert [s["id"] for s in data["steps"]][:3] == ["resolve", "connect", "tls"]


async def test_server_rejection_then_refused_refresh_keeps_both_reasons(
        mail: Mail, idp: LocalIdentityProvider, store: FileSecretStore) -> None:
    sign_in(idp, store)
    idp.expire_access_tokens()
    idp.revoke_refresh_tokens("AADSTS50076")  # MFA now required

    result = await check(mail, idp, store)

    auth = result.step("auth")
    assert result.status == "fail" and auth is not None and auth.diagnosis is not None
    assert auth.diagnosis.code == "auth.oauth_failed"
    assert "AADSTS50076" in auth.diagnosis.summary
    assert "5.7.3" in auth.detail and "AADSTS50076" in auth.detail
    assert result.step("ehlo").status == "ok"  # the conversation up to AUTH is kept
    assert len(mail.handler.tokens_seen) == 1


async def test_not_signed_in_is_auth_oauth_failed_in_french(
        mail: Mail, idp: LocalIdentityProvider, store: FileSecretStore) -> None:
    from dataclasses import replace

    result = await run_check_oauth(replace(target(mail), language="fr"), settings(mail), store,
                                   probe=False, authority_host=idp.base_url, verify=idp.ca_file)
    auth = result.step("auth")
    assert auth is not None and auth.diagnosis is not None
    assert auth.diagnosis.code == "auth.oauth_failed"
    assert "Se connecter avec Microsoft" in auth.diagnosis.hint
    assert result.step("connect").detail == "non tenté\u00a0: aucun jeton d'accès Microsoft 365"


def test_failure_result_never_carries_a_token() -> None:
    t = Target(host="smtp.office365.com", port=587, security="starttls", auth="oauth2",
               password="should-not-survive")
    result = oauth_failure_result(t, OAuthError("not_signed_in", account=USERNAME))
    assert result.target.password is None
    assert result.exit_code == 2


# -- no token anywhere ------------------------------------------------------------------------

async def test_no_token_in_json_transcript_log_or_config(
        mail: Mail, idp: LocalIdentityProvider, store: FileSecretStore, tmp_path: Path) -> None:
    config_path = tmp_path / "config.toml"
    log_path = tmp_path / "attempts.jsonl"
    outputs: list[str] = []
    idp.access_token_lifetime = 60
    sign_in(idp, store)
    idp.access_token_lifetime = 3600
    config = settings(mail)
    save_config(config, config_path)
    for scenario in ("refresh", "early-revocation", "refused"):
        if scenario == "early-revocation":
            idp.expire_access_tokens()
        if scenario == "refused":
            idp.revoke_refresh_tokens()
            idp.expire_access_tokens()
        steps: list[Step] = []
        result = await check(mail, idp, store, steps)
        append_attempt(result, log_path)
        outputs.append(json.dumps(result.to_json()))
        outputs.append("\n".join(result.transcript))
        outputs += [json.dumps(s.to_json()) + "\n".join(s.transcript) for s in steps]
        outputs.append(repr(result))
    text = "\n".join(outputs)
    assert "auth.oauth_failed" in text and "AADSTS50173" in text  # the last run failed
    assert "AUTH XOAUTH2" in text  # the transcripts were there to search
    assert_no_token(text, idp, "the results")
    assert_no_token(log_path.read_text(), idp, "the attempt log")
    assert_no_token(config_path.read_text(), idp, "the config file")
    assert "[oauth]" in config_path.read_text()


def test_cli_check_with_oauth_and_no_token_in_output_or_files(
        mail: Mail, idp: LocalIdentityProvider, isolated_environment: Path) -> None:
    """``comelin-tui check`` for real: the saved sign-in gives the token, XOAUTH2 sends."""
    config_path = paths.config_path()
    save_config(settings(mail), config_path)
    secret_file = secret_file_path(config_path)
    sign_in(idp, FileSecretStore(secret_file))
    env = {**os.environ, AUTHORITY_ENV: idp.base_url, "REQUESTS_CA_BUNDLE": str(idp.ca_file)}

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "comelin_tui", "check", *args],
                              capture_output=True, text=True, timeout=60, check=False, env=env)

    sent = cli("--json", "--transcript", "--no-probe")
    assert sent.returncode == 0, sent.stdout + sent.stderr
    data = json.loads(sent.stdout)
    assert data["status"] == "ok"
    assert any("AUTH XOAUTH2" in line for line in data["transcript"])
    human = cli("--transcript", "--no-probe")
    assert human.returncode == 0, human.stdout + human.stderr
    assert len(mail.handler.messages) == 2

    outputs = sent.stdout + sent.stderr + human.stdout + human.stderr
    assert_no_token(outputs, idp, "the command's output")
    for path in isolated_environment.rglob("*"):
        if path.is_file() and path != secret_file:
            assert_no_token(path.read_text(errors="replace"), idp, str(path))
    # The tokens are in the secret file, and only there.
    assert all(token in secret_file.read_text() for token in idp.refresh_tokens)



def test_cli_check_with_a_refused_sign_in_is_auth_oauth_failed(
        mail: Mail, idp: LocalIdentityProvider, isolated_environment: Path) -> None:
    """The CLI reports a refused refresh as a failed auth step (exit 2), JSON contract kept."""
    config_path = paths.config_path()
    save_config(settings(mail), config_path)
    idp.access_token_lifetime = 60
    sign_in(idp, FileSecretStore(secret_file_path(config_path)))
    idp.revoke_refresh_tokens("AADSTS50173")
    env = {**os.environ, AUTHORITY_ENV: idp.base_url, "REQUESTS_CA_BUNDLE": str(idp.ca_file)}
    done = subprocess.run([sys.executable, "-m", "comelin_tui", "check", "--json"],
                          capture_output=True, text=True, timeout=60, check=False, env=env)
    assert done.returncode == 2, done.stdout + done.stderr
    data = json.loads(done.stdout)
    assert data["diagnosis"]["code"] == "auth.oauth_failed"
    auth = next(step for step in data["steps"] if step["id"] == "auth")
    assert auth["detail"].startswith("AADSTS50173")
    assert mail.handler.commands == []  # no connection without a token
    assert_no_token(done.stdout + done.stderr, idp, "the command's output")


def test_cli_check_with_oauth_but_no_msal_says_how_to_install(
        mail: Mail, isolated_environment: Path) -> None:
    save_config(settings(mail), paths.config_path())
    script = ("import sys; sys.modules['msal'] = None; "
              "from comelin_tui.__main__ import main; sys.exit(main(['check', '--no-probe']))")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 3, done.stdout + done.stderr
    assert INSTALL_COMMAND in done.stderr and "Traceback" not in done.stderr
    assert mail.handler.commands == []
