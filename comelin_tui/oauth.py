"""Microsoft 365 sign-in (OAuth2 device code flow) and fresh access tokens for XOAUTH2.

A store's POS box has no browser, so the account is signed in with the *device
code flow*: the box shows a short code, someone opens microsoft.com/devicelogin
on any phone or computer and enters it. The resulting token cache (refresh
token, access token, ID token) is kept in the secret store under
``OAUTH_TOKEN_CACHE``, never in the settings file; every test send then gets a
fresh access token silently and authenticates with XOAUTH2.

msal is an optional extra (``pip install 'comelin-tui[m365]'``): it is
imported only inside the functions that need it, and its absence is a clear
:class:`OAuthUnavailable` error, not an ImportError.

Blocking calls (HTTP to the sign-in service): :meth:`DeviceSignIn.start`,
:meth:`DeviceSignIn.wait`, :func:`acquire_token_silent`. Call them from a
thread (``asyncio.to_thread``, a Textual thread worker). The test send with a
fresh token is in :mod:`comelin_tui.oauth_check` (``run_check_oauth``), which
does that itself.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import os
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .i18n import t
from .oauth_errors import (
    AADSTS,
    INSTALL_COMMAND,
    OAuthConfigError,
    OAuthError,
    OAuthUnavailable,
    clean_reason,
)
from .secrets import CHUNK_SIZE, OAUTH_TOKEN_CACHE

if TYPE_CHECKING:
    from .config import Config
    from .secrets import SecretStore

__all__ = [
    "AUTHORITY_ENV", "AUTHORITY_HOST", "INSTALL_COMMAND", "SCOPES", "AccessToken", "DeviceCode",
    "DeviceSignIn", "OAuthConfigError", "OAuthError", "OAuthUnavailable", "SignInResult",
    "acquire_access_token", "acquire_token_silent", "authority_url",
    "clean_reason", "describe_sign_in", "msal_available", "require_msal", "sign_out",
    "signed_in_accounts", "validate_client_id", "validate_tenant",
]

SCOPES = ["https://outlook.office.com/SMTP.Send"]  # msal adds openid, profile, offline_access
AUTHORITY_HOST = "https://login.microsoftonline.com"
# The sign-in service address, for testing against a local identity provider.
AUTHORITY_ENV = "COMELIN_TUI_OAUTH_AUTHORITY"
DEFAULT_TENANT = "organizations"  # any work or school account, when no tenant is given
HTTP_TIMEOUT = 15.0

Verify = bool | str | Path

_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+"
                     r"[a-zA-Z]{2,63}$")
_PENDING = ("authorization_pending", "slow_down")

# -- small pieces ----------------------------------------------------------------------------

def msal_available() -> bool:
    """Whether msal can be imported (without importing it)."""
    try:
        return importlib.util.find_spec("msal") is not None
    except (ImportError, ValueError):
        return False


def require_msal() -> None:
    """Raise OAuthUnavailable (the message says how to install it) when msal is missing."""
    if not msal_available():
        raise OAuthUnavailable()


def _import_msal() -> Any:
    try:
        import msal
    except ImportError:
        raise OAuthUnavailable() from None
    return msal


def validate_tenant(value: str) -> str:
    """A tenant: a domain (``contoso.onmicrosoft.com``) or a directory ID (GUID); "" = any."""
    value = (value or "").strip()
    if not value or value.lower() in ("organizations", "common") or _GUID.match(value):
        return value
    try:
        ascii_value = value.encode("idna").decode("ascii")
    except UnicodeError:
        ascii_value = ""
    if _DOMAIN.match(ascii_value):
        return ascii_value.lower()
    raise OAuthConfigError("oauth.tenant_invalid", value=value)


def validate_client_id(value: str) -> str:
    """An application (client) ID: a GUID."""
    value = (value or "").strip()
    if _GUID.match(value):
        return value.lower()
    raise OAuthConfigError("oauth.client_id_invalid", value=value)


def authority_url(tenant: str, authority_host: str | None = None) -> str:
    """``https://login.microsoftonline.com/<tenant>`` (or the overridden host)."""
    host = (authority_host or os.environ.get(AUTHORITY_ENV) or AUTHORITY_HOST).rstrip("/")
    return f"{host}/{tenant or DEFAULT_TENANT}"


def _host_of(url: str) -> str:
    from urllib.parse import urlparse

    return urlparse(url).netloc or url


_NETWORK_REASONS = (
    re.compile(r"certificate verify failed: [^'\")(]+"),
    re.compile(r"\[Errno -?\d+\] [^'\")(]+"),
    re.compile(r"(?:Read|Connect) timed out|timed out"),
)


# What stopped the connection, from the words the OS and urllib3 use for it (Linux,
# macOS and Windows spellings): each cause has its own message and hint.
_NETWORK_CAUSES = (
    ("certificate", re.compile(r"certificate verify failed", re.IGNORECASE)),
    ("name", re.compile(r"Name or service not known|nodename nor servname|getaddrinfo failed|"
                        r"Temporary failure in name resolution|No address associated|"
                        r"Failed to resolve|NameResolutionError|\[Errno -[235]\]|"
                        r"\[Errno 1100[14]\]", re.IGNORECASE)),
    ("refused", re.compile(r"Connection refused|actively refused|\[Errno 111\]|"
                           r"\[WinError 10061\]", re.IGNORECASE)),
    ("timeout", re.compile(r"timed out|timeout", re.IGNORECASE)),
    ("unreachable", re.compile(r"Network is unreachable|No route to host", re.IGNORECASE)),
)


def _network_error(error: BaseException, authority: str) -> OAuthError:
    """What a person can read of a requests/urllib3 error (their text nests several layers):
    the cause in words (name not found, connection refused, no answer...), never errno text."""
    text = str(error)
    found = next((m.group(0).strip() for p in _NETWORK_REASONS if (m := p.search(text))), None)
    reason = found or (text.strip().splitlines()[0][:160] if text.strip()
                       else type(error).__name__)
    reason = re.sub(r"^\[(?:Errno|WinError) -?\d+\]\s*", "", reason)
    cause = next((name for name, pattern in _NETWORK_CAUSES if pattern.search(text)), "")
    return OAuthError("network", "network", reason, host=_host_of(authority), cause=cause)


def _http_errors() -> tuple[type[BaseException], ...]:
    try:
        from requests.exceptions import RequestException
    except ImportError:  # pragma: no cover - msal depends on requests
        return (OSError,)
    return (RequestException, OSError)


def _compact(serialized: str) -> str:
    """The cache JSON without msal's indentation: fewer keyring entries."""
    return json.dumps(json.loads(serialized), separators=(",", ":"))


def _session(verify: Verify, timeout: float) -> Any:
    """A requests session where an explicit CA file wins over ``REQUESTS_CA_BUNDLE``.

    requests lets that variable override the session's ``verify``; a CA chosen here
    (a private CA, the test identity provider) must not be silently replaced.
    Proxies from the environment still apply. Same timeout and retry as msal's own.
    """
    import functools

    import requests
    from requests.adapters import HTTPAdapter

    class PinnedVerifySession(requests.Session):
        def merge_environment_settings(self, url: Any, proxies: Any, stream: Any,
                                       verify: Any, cert: Any) -> dict[str, Any]:
            settings = super().merge_environment_settings(url, proxies, stream, verify, cert)
            settings["verify"] = self.verify
            return settings

    session = PinnedVerifySession()
    session.verify = str(verify) if isinstance(verify, Path) else verify
    session.request = functools.partial(session.request, timeout=timeout)  # type: ignore[method-assign]
    adapter = HTTPAdapter(max_retries=1)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


def _discovery_error(error: ValueError, tenant: str) -> OAuthError:
    """msal reports a failed OIDC discovery as a ValueError; the service's JSON body (with
    the AADSTS code) is in the exception it replaced."""
    cause: BaseException | None = error
    while cause is not None:
        body = re.search(r"\{.*\}", str(cause), re.DOTALL)
        if body:
            try:
                return OAuthError.from_response(json.loads(body.group(0)), tenant=tenant)
            except ValueError:
                pass
        cause = cause.__cause__ or cause.__context__
    found = AADSTS.search(str(error))
    code = f"AADSTS{found.group(1)}" if found else "invalid_tenant"
    return OAuthError("tenant", code, "", tenant=tenant)


def _build_app(tenant: str, client_id: str, cache: Any, *, authority_host: str | None,
               verify: Verify, timeout: float) -> Any:
    """A msal PublicClientApplication; OIDC discovery happens here (network)."""
    msal = _import_msal()
    authority = authority_url(tenant, authority_host)
    options: dict[str, Any] = (
        {"verify": True, "timeout": timeout} if verify is True
        else {"http_client": _session(verify, timeout)})
    try:
        return msal.PublicClientApplication(
            client_id, authority=authority, token_cache=cache,
            # No call to login.microsoftonline.com's instance discovery: we always use
            # the same authority, and a test identity provider is not "known" to it.
            instance_discovery=False, **options,
        )
    except ValueError as error:
        raise _discovery_error(error, tenant) from None
    except _http_errors() as error:
        raise _network_error(error, authority) from None


# -- device code sign-in ---------------------------------------------------------------------

@dataclass(frozen=True)
class DeviceCode:
    """What to show the person signing in: a URL and a short code, valid until ``expires_at``."""

    user_code: str
    verification_uri: str
    expires_at: float  # epoch seconds
    message: str  # Microsoft's own instructions (English)
    interval: float = 5.0

    def seconds_left(self, now: float | None = None) -> int:
        return max(0, int(self.expires_at - (time.time() if now is None else now)))

    def instructions(self, lang: str | None = None) -> str:
        """Translated: open the URL, enter the code, within N minutes."""
        minutes = max(1, round(self.seconds_left() / 60))
        return t("oauth.device_instructions", lang, uri=self.verification_uri,
                 code=self.user_code, minutes=minutes)


@dataclass(frozen=True)
class SignInResult:
    """Who signed in (never a token). Put ``username`` in ``config.oauth.account``."""

    username: str
    name: str = ""
    tenant_id: str = ""
    tenant: str = ""
    client_id: str = ""


class DeviceSignIn:
    """Device code sign-in; the token cache goes to *store* under ``OAUTH_TOKEN_CACHE``.

    ``start()`` then ``wait()``, both blocking (run them in a thread). ``cancel()``
    may be called from any thread and makes ``wait()`` raise OAuthError("cancelled")
    within a moment (an HTTP request already under way finishes first).
    """

    def __init__(self, store: SecretStore, *, timeout: float = HTTP_TIMEOUT,
                 min_interval: float = 1.0) -> None:
        self._store = store
        self._timeout = timeout
        # Never poll faster than this, whatever the service says (tests lower it).
        self._min_interval = min_interval
        self._cancel = threading.Event()
        self._lock = threading.Lock()
        self._active: threading.Event | None = None
        self._app: Any = None
        self._cache: Any = None
        self._flow: dict[str, Any] | None = None
        self._tenant = ""
        self._client_id = ""
        self._authority = ""

    def start(self, tenant: str, client_id: str, *, authority_host: str | None = None,
              verify: Verify = True) -> DeviceCode:
        """Ask Microsoft for a device code (blocking). Raises OAuthError, OAuthConfigError."""
        tenant = validate_tenant(tenant)
        client_id = validate_client_id(client_id)
        msal = _import_msal()
        self._cancel.clear()
        # A fresh cache: signing in again replaces the previous account completely.
        cache = msal.SerializableTokenCache()
        app = _build_app(tenant, client_id, cache, authority_host=authority_host,
                         verify=verify, timeout=self._timeout)
        try:
            flow = app.initiate_device_flow(scopes=SCOPES)
        except _http_errors() as error:
            raise _network_error(error, authority_url(tenant, authority_host)) from None
        except ValueError as error:  # not JSON, or no device code endpoint
            raise OAuthError("generic", "invalid_response", str(error)[:200]) from None
        if "user_code" not in flow:
            raise OAuthError.from_response(flow, tenant=tenant)
        self._app, self._cache, self._flow = app, cache, flow
        self._tenant, self._client_id = tenant, client_id
        self._authority = authority_url(tenant, authority_host)
        return DeviceCode(
            user_code=str(flow["user_code"]),
            verification_uri=str(flow.get("verification_uri") or flow.get("verification_url")
                                 or "https://microsoft.com/devicelogin"),
            expires_at=float(flow["expires_at"]),
            message=str(flow.get("message") or ""),
            interval=float(flow.get("interval") or 0),
        )

    def cancel(self) -> None:
        """Stop waiting (thread-safe)."""
        with self._lock:
            self._cancel.set()
            if self._active is not None:
                self._active.set()

    def wait(self, cancel_event: threading.Event | None = None) -> SignInResult:
        """Poll until the person has signed in (blocking); save the token cache.

        Raises OAuthError: "cancelled", "expired" (the code expired), "declined", or
        what Microsoft refused (public client flows, consent, Conditional Access...).
        """
        app, flow = self._app, self._flow
        if app is None or flow is None:
            raise RuntimeError("DeviceSignIn.wait() called before start()")
        with self._lock:
            self._active = cancel_event or self._cancel
            if self._cancel.is_set():
                self._active.set()
        stop = self._active
        interval = max(float(flow.get("interval") or 0), self._min_interval)
        try:
            while True:
                if stop.is_set():
                    raise OAuthError("cancelled")
                # msal's own loop sleeps `interval` whole seconds and never checks its exit
                # condition when interval is 0: ask it for exactly one poll, we wait ourselves.
                flow["interval"] = 1
                try:
                    result = app.acquire_token_by_device_flow(
                        flow, exit_condition=lambda _flow: True)
                except _http_errors() as error:
                    raise _network_error(error, self._authority) from None
                if "access_token" in result:
                    return self._finish(app, result)
                status = result.get("error")
                if status not in _PENDING:
                    raise OAuthError.from_response(result, tenant=self._tenant)
                if status == "slow_down":
                    interval += 5  # RFC 8628 section 3.5
                if time.time() >= float(flow.get("expires_at", 0)):
                    raise OAuthError("expired", "expired_token")
                if stop.wait(interval):
                    raise OAuthError("cancelled")
        finally:
            with self._lock:
                self._active = None

    def _finish(self, app: Any, result: dict[str, Any]) -> SignInResult:
        granted = str(result.get("scope") or "").lower().split()
        if granted and not any(s.lower() in granted for s in SCOPES):
            raise OAuthError("scope", "SMTP.Send", str(result.get("scope")))
        claims = result.get("id_token_claims") or {}
        username = str(claims.get("preferred_username") or claims.get("upn")
                       or claims.get("email") or "")
        if not username:
            accounts = app.get_accounts()
            username = str(accounts[0].get("username") or "") if accounts else ""
        self._store.set(OAUTH_TOKEN_CACHE, _compact(self._cache.serialize()))
        self._flow = None
        return SignInResult(username=username, name=str(claims.get("name") or ""),
                            tenant_id=str(claims.get("tid") or ""), tenant=self._tenant,
                            client_id=self._client_id)


# -- silent token refresh -------------------------------------------------------------------

@dataclass(frozen=True)
class AccessToken:
    """A bearer token for XOAUTH2 (repr hides it) and where it came from."""

    token: str = dataclasses.field(repr=False)
    from_cache: bool = False
    username: str = ""


def acquire_access_token(config: Config, store: SecretStore, *,
                         authority_host: str | None = None, verify: Verify = True,
                         force_refresh: bool = False,
                         timeout: float = HTTP_TIMEOUT) -> AccessToken:
    """A valid access token for the saved sign-in (blocking); refreshes silently if needed.

    The token cache is written back only when it changed (a refresh happened), and
    only if the store still holds the cache the refresh started from. Raises OAuthError (``auth.oauth_failed``), OAuthUnavailable, or SecretError.
    """
    oauth = config.oauth
    if not oauth.client_id:
        raise OAuthError("not_configured")
    msal = _import_msal()
    saved = store.get(OAUTH_TOKEN_CACHE)
    if not saved:
        raise OAuthError("not_signed_in", account=oauth.account or "-")
    cache = msal.SerializableTokenCache()
    try:
        cache.deserialize(saved)
    except ValueError:
        raise OAuthError("not_signed_in", account=oauth.account or "-") from None
    app = _build_app(oauth.tenant, oauth.client_id, cache, authority_host=authority_host,
                     verify=verify, timeout=timeout)
    accounts = app.get_accounts(username=oauth.account or None)
    if not accounts:
        raise OAuthError("not_signed_in", account=oauth.account or "-")
    try:
        result = app.acquire_token_silent_with_error(SCOPES, accounts[0],
                                                      force_refresh=force_refresh)
    except _http_errors() as error:
        raise _network_error(error, authority_url(oauth.tenant, authority_host)) from None
    if not result:  # no refresh token for this application (e.g. a new client ID)
        raise OAuthError("not_signed_in", account=oauth.account or "-")
    if "access_token" not in result:
        raise OAuthError.from_response(result, tenant=oauth.tenant)
    if cache.has_state_changed:
        refreshed = _compact(cache.serialize())
        # Written back only over the cache this refresh started from: if another program
        # saved one meanwhile (its own refresh, or a new sign-in), that one is newer and
        # stays. The store re-reads it under its lock; the refresh itself ran outside it.
        store.update(OAUTH_TOKEN_CACHE,
                     lambda current: refreshed if current == saved else current)
    return AccessToken(token=str(result["access_token"]),
                       from_cache=result.get("token_source") == "cache",
                       username=str(accounts[0].get("username") or ""))


def acquire_token_silent(config: Config, store: SecretStore, *,
                         authority_host: str | None = None, verify: Verify = True) -> str:
    """The access token string (see :func:`acquire_access_token`)."""
    return acquire_access_token(config, store, authority_host=authority_host,
                                verify=verify).token


# -- what the store holds --------------------------------------------------------------------

def _accounts_in(saved: str | None) -> list[str]:
    try:
        accounts = json.loads(saved).get("Account", {}) if saved else {}
    except (ValueError, AttributeError):
        return []
    return sorted({str(a.get("username")) for a in accounts.values()
                   if isinstance(a, dict) and a.get("username")})


def signed_in_accounts(store: SecretStore) -> list[str]:
    """Usernames in the saved token cache (no network, no msal needed)."""
    return _accounts_in(store.get(OAUTH_TOKEN_CACHE))


def describe_sign_in(store: SecretStore, lang: str | None = None) -> str:
    """For ``comelin-tui show`` (row "Microsoft sign-in"): who is signed in, how the token
    is kept, e.g. ``caisse@contoso.com (sign-in token of 5806 characters)``.

    In the keyring, says in how many parts the token cache is split (Windows
    Credential Manager takes at most 2,560 bytes per entry). No network.
    """
    saved = store.get(OAUTH_TOKEN_CACHE)
    if not saved:
        return t("oauth.describe_none", lang)
    accounts = ", ".join(_accounts_in(saved)) or "?"
    size = len(saved)
    units = len(saved.encode("utf-16-le")) // 2
    if store.kind == "keyring" and units > CHUNK_SIZE:
        parts = -(-units // CHUNK_SIZE)
        return t("oauth.describe_chunked", lang, account=accounts, size=size, parts=parts,
                 chunk=CHUNK_SIZE)
    return t("oauth.describe", lang, account=accounts, size=size)


def sign_out(store: SecretStore) -> None:
    """Forget the saved sign-in (the token cache)."""
    store.delete(OAUTH_TOKEN_CACHE)

