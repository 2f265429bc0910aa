"""Microsoft 365 sign-in: msal for real against a local identity provider over HTTPS."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Mapping
from pathlib import Path

import pytest
from idp_server import (  # noqa: F401 - fixtures
    CLIENT_ID,
    DEVICE_GRANT,
    SMTP_SCOPE,
    TENANT_DOMAIN,
    TENANT_ID,
    USERNAME,
    LocalIdentityProvider,
    idp_fixture,
    idp_server_fixture,
)

from comelin_tui import i18n
from comelin_tui.config import Config, OAuthSettings
from comelin_tui.oauth import (
    INSTALL_COMMAND,
    DeviceSignIn,
    OAuthConfigError,
    OAuthError,
    SignInResult,
    acquire_access_token,
    describe_sign_in,
    msal_available,
    sign_out,
    signed_in_accounts,
    validate_client_id,
    validate_tenant,
)
from comelin_tui.secrets import (
    CHUNK_SIZE,
    OAUTH_TOKEN_CACHE,
    SERVICE,
    FileSecretStore,
    KeyringSecretStore,
    SecretStore,
)


def free_port() -> int:
    """A loopback port nothing listens on (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class CountingStore(FileSecretStore):
    """A real file store that counts writes (to see when the cache is written back)."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.writes = 0

    def _write(self, data: Mapping[str, str]) -> None:
        self.writes += 1
        super()._write(data)


@pytest.fixture
def store(tmp_path: Path) -> CountingStore:
    return CountingStore(tmp_path / "config.secrets")


def sign_in(idp: LocalIdentityProvider, store: SecretStore, *,
            tenant: str = TENANT_DOMAIN, client_id: str = CLIENT_ID) -> SignInResult:
    flow = DeviceSignIn(store, min_interval=0)
    flow.start(tenant, client_id, authority_host=idp.base_url, verify=idp.ca_file)
    return flow.wait()


def config_for(result_username: str = USERNAME) -> Config:
    return Config(oauth=OAuthSettings(tenant=TENANT_DOMAIN, client_id=CLIENT_ID,
                                      account=result_username))


def refresh(idp: LocalIdentityProvider, store: SecretStore, **options: object):
    return acquire_access_token(config_for(), store, authority_host=idp.base_url,
                                verify=idp.ca_file, **options)


# -- sign-in ------------------------------------------------------------------------------

def test_device_code_sign_in_polls_until_approved_and_saves_the_cache(
        idp: LocalIdentityProvider, store: CountingStore) -> None:
    idp.pending_polls = 2
    flow = DeviceSignIn(store, min_interval=0)
    code = flow.start(TENANT_DOMAIN, CLIENT_ID, authority_host=idp.base_url,
                      verify=idp.ca_file)
    assert code.verification_uri == "https://microsoft.com/devicelogin"
    assert code.user_code and code.user_code in code.message
    assert 800 < code.seconds_left() <= 900
    assert code.user_code in code.instructions("fr") and "15 minutes" in code.instructions("en")

    result = flow.wait()

    assert result == SignInResult(username=USERNAME, name="Caisse 1", tenant_id=TENANT_ID,
                                  tenant=TENANT_DOMAIN, client_id=CLIENT_ID)
    assert len(idp.grants(DEVICE_GRANT)) == 3  # two "authorization_pending", then tokens
    # msal adds offline_access (the refresh token) and the OpenID scopes itself.
    requested = next(r for r in idp.requests if r.path.endswith("/devicecode")).form["scope"]
    assert set(requested.split()) == {SMTP_SCOPE, "offline_access", "openid", "profile"}
    saved = store.get(OAUTH_TOKEN_CACHE)
    assert saved is not None and store.writes == 1
    assert signed_in_accounts(store) == [USERNAME]
    # Every token issued is in the cache (and so in the secret store, nowhere else).
    assert all(token in saved for token in idp.secrets_issued())


def test_signing_in_again_replaces_the_previous_account(
        idp: LocalIdentityProvider, store: CountingStore) -> None:
    sign_in(idp, store)
    idp.username = "gerant@contoso.example"
    assert sign_in(idp, store).username == "gerant@contoso.example"
    assert signed_in_accounts(store) == ["gerant@contoso.example"]


@pytest.mark.parametrize(("outcome", "kind", "code", "hint_words"), [
    ("expired_token", "expired", "AADSTS70020", "15 minutes"),
    ("authorization_declined", "declined", "AADSTS70000", "accept"),
    ("AADSTS7000218", "public_client", "AADSTS7000218", "Allow public client flows"),
    ("AADSTS65001", "consent", "AADSTS65001", "Grant admin consent"),
    ("AADSTS53003", "conditional_access", "AADSTS53003", "Conditional Access"),
])
def test_sign_in_failures_are_named_with_a_hint(
        idp: LocalIdentityProvider, store: CountingStore, outcome: str, kind: str, code: str,
        hint_words: str) -> None:
    idp.device_outcome = outcome
    idp.pending_polls = 1
    with pytest.raises(OAuthError) as caught:
        sign_in(idp, store)
    error = caught.value
    assert (error.kind, error.code) == (kind, code)
    assert hint_words in error.hint("en") + error.message("en")
    assert "Trace ID" not in error.message("en") + error.detail("en")
    # Both languages, no placeholder left unfilled.
    for lang in ("fr", "en"):
        text = error.message(lang) + error.hint(lang)
        assert "{" not in text and text.strip()
    assert error.message("fr") != error.message("en")
    diagnosis = error.diagnosis("fr")
    assert diagnosis.code == "auth.oauth_failed"
    assert diagnosis.summary == error.message("fr") and diagnosis.hint == error.hint("fr")
    assert store.get(OAUTH_TOKEN_CACHE) is None  # nothing saved on failure


def test_unknown_tenant_is_reported_before_any_code(
        idp: LocalIdentityProvider, store: CountingStore) -> None:
    with pytest.raises(OAuthError) as caught:
        DeviceSignIn(store).start("fabrikam.example", CLIENT_ID, authority_host=idp.base_url,
                                  verify=idp.ca_file)
    assert (caught.value.kind, caught.value.code) == ("tenant", "AADSTS90002")
    assert "fabrikam.example" in caught.value.message("en")
    assert "Directory (tenant) ID" in caught.value.hint("en")


def test_unknown_client_id_is_reported_at_start(
        idp: LocalIdentityProvider, store: CountingStore) -> None:
    other = "11111111-2222-3333-4444-555555555555"
    with pytest.raises(OAuthError) as caught:
        DeviceSignIn(store).start(TENANT_DOMAIN, other, authority_host=idp.base_url,
                                  verify=idp.ca_file)
    assert (caught.value.kind, caught.value.code) == ("client_id", "AADSTS700016")
    assert "Application (client) ID" in caught.value.hint("en")
    assert other in caught.value.detail()


def test_code_expiring_while_pending_stops_polling(
        idp: LocalIdentityProvider, store: CountingStore) -> None:
    idp.device_outcome = "pending"
    idp.device_expires_in = 0  # expired as soon as it is issued
    with pytest.raises(OAuthError) as caught:
        sign_in(idp, store)
    assert caught.value.kind == "expired"
    assert len(idp.grants(DEVICE_GRANT)) == 1


@pytest.mark.parametrize("how", ["cancel", "event"])
def test_waiting_is_cancellable_from_another_thread(
        idp: LocalIdentityProvider, store: CountingStore, how: str) -> None:
    idp.device_outcome = "pending"
    idp.interval = 30  # the service asks for long pauses: cancel must not wait for them
    flow = DeviceSignIn(store, min_interval=0)
    flow.start(TENANT_DOMAIN, CLIENT_ID, authority_host=idp.base_url, verify=idp.ca_file)
    event = threading.Event()
    outcome: list[BaseException] = []

    def waiter() -> None:
        try:
            flow.wait(event if how == "event" else None)
        except BaseException as error:  # noqa: BLE001 - handed to the test
            outcome.append(error)

    thread = threading.Thread(target=waiter)
    thread.start()
    idp.wait_for_polls(1)
    if how == "event":
        event.set()
    else:
        flow.cancel()
    thread.join(5)
    assert not thread.is_alive()
    assert isinstance(outcome[0], OAuthError) and outcome[0].kind == "cancelled"
    assert len(idp.grants(DEVICE_GRANT)) == 1
    assert store.get(OAUTH_TOKEN_CACHE) is None


def test_bad_tenant_or_client_id_refused_before_the_network(store: CountingStore) -> None:
    with pytest.raises(OAuthConfigError):
        DeviceSignIn(store).start("not a tenant!", CLIENT_ID)
    with pytest.raises(OAuthConfigError) as caught:
        DeviceSignIn(store).start(TENANT_DOMAIN, "my-app")
    assert "GUID" in caught.value.message("en") and "GUID" in caught.value.message("fr")
    assert validate_tenant(" Contoso.OnMicrosoft.com ") == "contoso.onmicrosoft.com"
    assert validate_tenant(TENANT_ID.upper()) == TENANT_ID.upper()
    assert validate_tenant("") == ""
    assert validate_client_id(CLIENT_ID.upper()) == CLIENT_ID


def test_unreachable_sign_in_service(store: CountingStore) -> None:
    with pytest.raises(OAuthError) as caught:
        DeviceSignIn(store, timeout=3).start(TENANT_DOMAIN, CLIENT_ID,
                                             authority_host=f"https://127.0.0.1:{free_port()}")
    assert caught.value.kind == "network"
    assert caught.value.reason.endswith("Connection refused")
    assert "443" in caught.value.hint("en") and "127.0.0.1" in caught.value.hint("en")


def test_untrusted_sign_in_certificate_is_a_readable_network_error(
        idp: LocalIdentityProvider, store: CountingStore, tmp_path: Path) -> None:
    import trustme

    stranger = tmp_path / "other-ca.pem"
    trustme.CA().cert_pem.write_to_path(str(stranger))
    with pytest.raises(OAuthError) as caught:
        DeviceSignIn(store).start(TENANT_DOMAIN, CLIENT_ID, authority_host=idp.base_url,
                                  verify=stranger)
    assert caught.value.kind == "network"
    assert caught.value.reason.startswith("certificate verify failed")


# -- silent refresh -----------------------------------------------------------------------

def test_valid_cached_token_is_used_without_network_or_write(
        idp: LocalIdentityProvider, store: CountingStore) -> None:
    sign_in(idp, store)
    before = len(idp.requests)
    token = refresh(idp, store)
    assert token.from_cache and idp.is_valid_access_token(token.token)
    assert token.username == USERNAME
    assert store.writes == 1  # only the sign-in wrote; unchanged cache not written back
    # Only the OIDC discovery document: no token request.
    assert [r.method for r in idp.requests[before:]] == ["GET"]


def test_expired_access_token_is_refreshed_and_the_cache_written_back(
        idp: LocalIdentityProvider, store: CountingStore) -> None:
    idp.access_token_lifetime = 60  # msal treats under 5 minutes as expired
    sign_in(idp, store)
    first = json.loads(store.get(OAUTH_TOKEN_CACHE) or "{}")
    idp.expire_access_tokens()
    idp.access_token_lifetime = 3600

    token = refresh(idp, store)

    assert not token.from_cache and idp.is_valid_access_token(token.token)
    assert len(idp.grants("refresh_token")) == 1
    assert store.writes == 2
    assert json.loads(store.get(OAUTH_TOKEN_CACHE) or "{}") != first
    # The rotated refresh token was saved: the next refresh works too.
    assert refresh(idp, store, force_refresh=True).token != token.token


@pytest.mark.parametrize("code", ["AADSTS50173", "AADSTS700082", "AADSTS50076"])
def test_refused_refresh_says_sign_in_again(
        idp: LocalIdentityProvider, store: CountingStore, code: str) -> None:
    idp.access_token_lifetime = 60
    sign_in(idp, store)
    idp.refresh_error = code
    with pytest.raises(OAuthError) as caught:
        refresh(idp, store)
    error = caught.value
    assert (error.kind, error.code) == ("refresh", code)
    assert error.detail().startswith(code + ":")
    assert "Sign in with Microsoft" in error.hint("en")
    assert "Se connecter avec Microsoft" in error.hint("fr")
    assert code in error.message("en") and code in error.message("fr")


def test_nothing_saved_or_not_set_up(idp: LocalIdentityProvider, store: CountingStore) -> None:
    with pytest.raises(OAuthError) as caught:
        refresh(idp, store)
    assert caught.value.kind == "not_signed_in"
    assert "Sign in with Microsoft" in caught.value.hint("en")
    with pytest.raises(OAuthError) as caught:
        acquire_access_token(Config(), store)
    assert caught.value.kind == "not_configured"


def test_saved_sign_in_for_another_account_or_app_is_not_used(
        idp: LocalIdentityProvider, store: CountingStore) -> None:
    sign_in(idp, store)
    with pytest.raises(OAuthError) as caught:
        acquire_access_token(config_for("autre@contoso.example"), store,
                             authority_host=idp.base_url, verify=idp.ca_file)
    assert caught.value.kind == "not_signed_in"
    other_app = Config(oauth=OAuthSettings(tenant=TENANT_DOMAIN, client_id=CLIENT_ID.replace(
        "3f6e", "4f6e"), account=USERNAME))
    idp.client_ids.add(other_app.oauth.client_id)
    idp.expire_access_tokens()
    with pytest.raises(OAuthError) as caught:
        acquire_access_token(other_app, store, authority_host=idp.base_url,
                             verify=idp.ca_file)
    assert caught.value.kind == "not_signed_in"


def test_sign_out_forgets_the_cache(idp: LocalIdentityProvider, store: CountingStore) -> None:
    sign_in(idp, store)
    sign_out(store)
    assert store.get(OAUTH_TOKEN_CACHE) is None
    assert describe_sign_in(store, "en") == "not signed in"


# -- storage: the cache is bigger than a Windows Credential Manager entry --------------------

def test_token_cache_is_chunked_in_the_keyring(
        idp: LocalIdentityProvider, memory_keyring, tmp_path: Path) -> None:
    store = KeyringSecretStore("abc123")
    sign_in(idp, store)
    entries = {user: value for (service, user), value in memory_keyring.store.items()
               if service == SERVICE and user.startswith(OAUTH_TOKEN_CACHE)}
    saved = store.get(OAUTH_TOKEN_CACHE)
    assert saved is not None and len(saved) > 2 * CHUNK_SIZE  # a real cache is several kB
    assert len(entries) >= 3
    for value in entries.values():
        # Windows Credential Manager: at most 2,560 bytes, stored as UTF-16.
        assert len(value.encode("utf-16-le")) <= 2560
    parts = len(entries) - 1  # the header entry plus the chunks
    text = describe_sign_in(store, "en")
    assert USERNAME in text and f"into {parts} parts of at most 1000 characters" in text
    assert f"en {parts} parties" in describe_sign_in(store, "fr")
    # And it works from there: a silent refresh writes the new cache back in chunks.
    idp.expire_access_tokens()
    token = refresh(idp, store, force_refresh=True)
    assert idp.is_valid_access_token(token.token)
    assert token.token in (store.get(OAUTH_TOKEN_CACHE) or "")


def test_describe_for_the_file_store(idp: LocalIdentityProvider, store: CountingStore) -> None:
    sign_in(idp, store)
    size = len(store.get(OAUTH_TOKEN_CACHE) or "")
    assert describe_sign_in(store, "en") == f"{USERNAME} (sign-in token of {size} characters)"


# -- without msal -------------------------------------------------------------------------

def test_importing_the_module_does_not_import_msal() -> None:
    code = ("import sys; import comelin_tui.oauth, comelin_tui.oauth_check; "
            "print('msal' in sys.modules, 'textual' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=True)
    assert done.stdout.split() == ["False", "False"]


def test_without_msal_choosing_oauth_says_how_to_install(tmp_path: Path) -> None:
    script = f"""
import sys
sys.modules["msal"] = None  # as if the [m365] extra was not installed
from pathlib import Path
from comelin_tui import i18n
from comelin_tui.config import Config, OAuthSettings
from comelin_tui.oauth import DeviceSignIn, OAuthUnavailable, acquire_access_token, msal_available
from comelin_tui.secrets import FileSecretStore
store = FileSecretStore(Path({str(tmp_path / "s.secrets")!r}))
print("available", msal_available())
for lang in ("en", "fr"):
    i18n.set_language(lang)
    try:
        DeviceSignIn(store).start("contoso.example", "{CLIENT_ID}")
    except OAuthUnavailable as error:
        print("start", error.exit_code, error.message())
try:
    acquire_access_token(Config(oauth=OAuthSettings(client_id="{CLIENT_ID}")), store)
except OAuthUnavailable as error:
    print("silent", error.message())
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "available False"
    assert lines[1].startswith("start 3 Microsoft 365 sign-in needs the optional msal package")
    assert lines[2].startswith("start 3 La connexion Microsoft 365 a besoin")
    assert all(INSTALL_COMMAND in line for line in lines[1:])
    assert lines[3].startswith("silent ")


def test_without_msal_the_rest_still_works(tmp_path: Path) -> None:
    """A password check (the demo server) runs normally when msal cannot be imported."""
    script = ("import sys; sys.modules['msal'] = None; "
              "from comelin_tui.__main__ import main; "
              "sys.exit(main(['check', '--demo', '--json', '--no-probe']))")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60, check=False, env={**os.environ, "TMPDIR": str(tmp_path)})
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout)["status"] == "ok"


def test_msal_is_available_here() -> None:
    assert msal_available()
    assert i18n.t("oauth.msal_missing", "en", command=INSTALL_COMMAND).endswith(INSTALL_COMMAND)
