"""A local identity provider over HTTPS that msal talks to for real.

It looks like the Microsoft identity platform to msal: the OpenID discovery
document (``/<tenant>/v2.0/.well-known/openid-configuration``), the device
code endpoint (``/<tenant>/oauth2/v2.0/devicecode``) and the token endpoint
(``/<tenant>/oauth2/v2.0/token``, device code and refresh token grants), with
Microsoft's error shapes (``error``, ``error_description`` starting with the
AADSTS code and followed by trace lines, ``error_codes``).

stdlib only: ``http.server`` with ``ssl`` in a thread, a trustme certificate
for 127.0.0.1 (clients trust ``ca_file``). The ID token is an unsigned JWT:
msal decodes ID token claims without validating them.

Scripting (attributes, changeable while it runs):

- ``device_outcome``: ``"approve"`` (default), ``"pending"`` (never signs in),
  or an error to answer once the pending polls are over: ``"expired_token"``,
  ``"authorization_declined"``, ``"AADSTS7000218"``, ``"AADSTS65001"``,
  ``"AADSTS53003"``.
- ``pending_polls``: how many ``authorization_pending`` answers come first.
- ``refresh_error``: an error for every refresh (``"AADSTS50173"``...), or None.
- ``access_token_lifetime``: seconds announced in ``expires_in``.
- :meth:`expire_access_tokens`: every token issued so far stops being valid
  (:meth:`is_valid_access_token` is what the test SMTP server asks).

Fixtures: ``from idp_server import idp_fixture, idp_server_fixture  # noqa: F401``
gives a module-wide server (``idp_server``) and ``idp``, the same server reset
for each test.
"""

from __future__ import annotations

import base64
import json
import secrets
import ssl
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit

import pytest
import trustme

TENANT_DOMAIN = "contoso.example"
TENANT_ID = "7d1c3a52-4b9e-4f0a-9c3e-2a6b8e1f0d44"
CLIENT_ID = "3f6e2b8a-1c4d-4e5f-8a9b-0c1d2e3f4a5b"
USERNAME = "caisse@contoso.example"
USER_OID = "0b5e9f6a-7c8d-4e1f-a2b3-c4d5e6f7a8b9"
DISPLAY_NAME = "Caisse 1"
SMTP_SCOPE = "https://outlook.office.com/SMTP.Send"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
VERIFICATION_URI = "https://microsoft.com/devicelogin"

# error key -> (OAuth error name, description); the AADSTS code starts the description.
ERRORS: dict[str, tuple[str, str]] = {
    "authorization_pending": (
        "authorization_pending",
        "AADSTS70016: OAuth 2.0 device flow error. Authorization is pending. Continue polling."),
    "expired_token": (
        "expired_token",
        ("AADSTS70020: The provided value for the input parameter 'device_code' is not valid. "
        "This device code has expired.")),
    "authorization_declined": (
        "authorization_declined",
        "AADSTS70000: The user declined the authorization request."),
    "AADSTS7000218": (
        "invalid_client",
        ("AADSTS7000218: The request body must contain the following parameter: "
        "'client_assertion' or 'client_secret'.")),
    "AADSTS65001": (
        "invalid_grant",
        ("AADSTS65001: The user or administrator has not consented to use the application "
        "with ID '{client_id}' named 'Comelin POS'. Send an interactive authorization request "
        "for this user and resource.")),
    "AADSTS53003": (
        "invalid_grant",
        ("AADSTS53003: Access has been blocked by Conditional Access policies. The access "
        "policy does not allow token issuance.")),
    "AADSTS50173": (
        "invalid_grant",
        ("AADSTS50173: The provided grant has expired due to it being revoked, a fresh auth "
        "token is needed. The user might have changed or reset their password.")),
    "AADSTS700082": (
        "invalid_grant",
        "AADSTS700082: The refresh token has expired due to inactivity."),
    "AADSTS50076": (
        "invalid_grant",
        ("AADSTS50076: Due to a configuration change made by your administrator, or because "
        "you moved to a new location, you must use multi-factor authentication to access "
        "'00000002-0000-0ff1-ce00-000000000000'.")),
    "AADSTS700016": (
        "unauthorized_client",
        ("AADSTS700016: Application with identifier '{client_id}' was not found in the "
        "directory '{tenant}'. This can happen if the application has not been installed by "
        "the administrator of the tenant or consented to by any user in the tenant.")),
    "AADSTS90002": (
        "invalid_tenant",
        ("AADSTS90002: Tenant '{tenant}' not found. Check to make sure you have the correct "
        "tenant ID and are signing into the correct cloud.")),
    "bad_verification_code": (
        "bad_verification_code",
        "AADSTS70019: Verification code expired or not recognised."),
}


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _opaque_token(prefix: str, length: int) -> str:
    """A token as long as Microsoft's (an access token is ~2 kB): the cache gets big."""
    return prefix + secrets.token_urlsafe(length)[:length]


@dataclass
class RecordedRequest:
    method: str
    path: str
    form: dict[str, str]


@dataclass
class _DeviceCode:
    client_id: str
    scope: str
    polls: int = 0
    used: bool = False


@dataclass
class _RefreshToken:
    client_id: str
    revoked: str | None = None  # the error key a refresh with it gets


@dataclass
class LocalIdentityProvider:
    """The identity provider; ``with LocalIdentityProvider() as idp:`` starts and stops it."""

    client_ids: set[str] = field(default_factory=lambda: {CLIENT_ID})
    username: str = USERNAME
    interval: int = 0
    device_expires_in: int = 900
    access_token_lifetime: int = 3600
    device_outcome: str = "approve"
    pending_polls: int = 0
    refresh_error: str | None = None
    granted_scope: str = SMTP_SCOPE

    def __post_init__(self) -> None:
        self.requests: list[RecordedRequest] = []
        self.access_tokens: dict[str, float] = {}  # token -> valid until (epoch)
        self.refresh_tokens: dict[str, _RefreshToken] = {}
        self.device_codes: dict[str, _DeviceCode] = {}
        self.ca_file = Path()
        self.port = 0
        self._changed = threading.Condition()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._folder: Path | None = None

    # -- life cycle -----------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """The authority host to give msal: ``https://127.0.0.1:<port>``."""
        return f"https://127.0.0.1:{self.port}"

    def start(self) -> LocalIdentityProvider:
        self._folder = Path(tempfile.mkdtemp(prefix="comelin-idp-"))
        ca = trustme.CA(organization_name="Local identity provider CA")
        self.ca_file = self._folder / "idp-ca.pem"
        ca.cert_pem.write_to_path(str(self.ca_file))
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
        idp = self

        class Handler(_Handler):
            provider = idp

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        server.socket = context.wrap_socket(server.socket, server_side=True)
        self.port = server.server_address[1]
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="local-idp", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(5)
        self._server = self._thread = None
        if self._folder is not None:
            for path in self._folder.iterdir():
                path.unlink()
            self._folder.rmdir()
            self._folder = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def reset(self) -> None:
        """Back to defaults; forget every token and request (shared between tests)."""
        with self._changed:
            self.client_ids = {CLIENT_ID}
            self.username = USERNAME
            self.interval = 0
            self.device_expires_in = 900
            self.access_token_lifetime = 3600
            self.device_outcome = "approve"
            self.pending_polls = 0
            self.refresh_error = None
            self.granted_scope = SMTP_SCOPE
            self.requests.clear()
            self.access_tokens.clear()
            self.refresh_tokens.clear()
            self.device_codes.clear()

    # -- what tests use ---------------------------------------------------------------

    def is_valid_access_token(self, token: str) -> bool:
        with self._changed:
            return self.access_tokens.get(token, 0) > time.time()

    def expire_access_tokens(self) -> None:
        """Every access token issued so far is no longer valid (server side)."""
        with self._changed:
            for token in self.access_tokens:
                self.access_tokens[token] = 0

    def revoke_refresh_tokens(self, error: str = "AADSTS50173") -> None:
        """Every refresh token issued so far is refused with *error* from now on."""
        with self._changed:
            for item in self.refresh_tokens.values():
                item.revoked = error

    def grants(self, grant_type: str) -> list[RecordedRequest]:
        """The token requests of one grant type (``"refresh_token"``, DEVICE_GRANT)."""
        with self._changed:
            return [r for r in self.requests
                    if r.path.endswith("/token") and r.form.get("grant_type") == grant_type]

    def wait_for_polls(self, count: int, timeout: float = 5.0) -> None:
        """Block until the token endpoint got *count* device code polls."""
        with self._changed:
            if not self._changed.wait_for(lambda: len(self._device_polls()) >= count, timeout):
                raise TimeoutError(f"{len(self._device_polls())} poll(s) after {timeout} s")

    def secrets_issued(self) -> list[str]:
        """Every access and refresh token issued (to search logs and files for them)."""
        with self._changed:
            return list(self.access_tokens) + list(self.refresh_tokens)

    def _device_polls(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.form.get("grant_type") == DEVICE_GRANT]

    # -- the protocol -----------------------------------------------------------------

    def _record(self, request: RecordedRequest) -> None:
        with self._changed:
            self.requests.append(request)
            self._changed.notify_all()

    def _tenant_known(self, tenant: str) -> bool:
        return tenant.lower() in (TENANT_DOMAIN, TENANT_ID, "organizations", "common")

    def discovery(self, tenant: str) -> tuple[int, dict[str, Any]]:
        if not self._tenant_known(tenant):
            return self.error("AADSTS90002", tenant=tenant)
        base = f"{self.base_url}/{TENANT_ID}"
        return 200, {
            "issuer": f"{base}/v2.0",
            "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
            "token_endpoint": f"{base}/oauth2/v2.0/token",
            "device_authorization_endpoint": f"{base}/oauth2/v2.0/devicecode",
            "jwks_uri": f"{self.base_url}/{TENANT_ID}/discovery/v2.0/keys",
            "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "tenant_region_scope": "NA",
        }

    def device_code(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        client_id = form.get("client_id", "")
        if client_id not in self.client_ids:
            return self.error("AADSTS700016", client_id=client_id)
        code = secrets.token_urlsafe(32)
        user_code = secrets.choice("BCDFGHJKLMNPQRSTVWXZ") + secrets.token_hex(4).upper()
        with self._changed:
            self.device_codes[code] = _DeviceCode(client_id, form.get("scope", ""))
        return 200, {
            "user_code": user_code,
            "device_code": code,
            "verification_uri": VERIFICATION_URI,
            "expires_in": self.device_expires_in,
            "interval": self.interval,
            "message": f"To sign in, use a web browser to open the page {VERIFICATION_URI} and "
                       f"enter the code {user_code} to authenticate.",
        }

    def token(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        grant = form.get("grant_type")
        if grant == DEVICE_GRANT:
            return self._device_grant(form)
        if grant == "refresh_token":
            return self._refresh_grant(form)
        return 400, {"error": "unsupported_grant_type", "error_description": "AADSTS70003"}

    def _device_grant(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        with self._changed:
            device = self.device_codes.get(form.get("device_code", ""))
            if device is None or device.used:
                return self.error("bad_verification_code")
            device.polls += 1
            if self.device_outcome == "pending" or device.polls <= self.pending_polls:
                return self.error("authorization_pending")
            if self.device_outcome != "approve":
                return self.error(self.device_outcome, client_id=device.client_id)
            device.used = True
            return 200, self._issue(device.client_id, with_refresh=True)

    def _refresh_grant(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        with self._changed:
            item = self.refresh_tokens.get(form.get("refresh_token", ""))
            if item is None:
                return self.error("AADSTS50173")
            failure = self.refresh_error or item.revoked
            if failure:
                return self.error(failure, client_id=item.client_id)
            # Like Microsoft: the refresh token is rotated on each use.
            del self.refresh_tokens[form["refresh_token"]]
            return 200, self._issue(item.client_id, with_refresh=True)

    def _issue(self, client_id: str, *, with_refresh: bool) -> dict[str, Any]:
        now = int(time.time())
        access = _opaque_token("eyJ0eXAiOiJKV1Qi.", 1800)
        self.access_tokens[access] = now + self.access_token_lifetime
        response: dict[str, Any] = {
            "token_type": "Bearer",
            "scope": self.granted_scope,
            "expires_in": self.access_token_lifetime,
            "ext_expires_in": self.access_token_lifetime,
            "access_token": access,
            "id_token": self._id_token(client_id, now),
            "client_info": _b64url(json.dumps({"uid": USER_OID, "utid": TENANT_ID}).encode()),
        }
        if with_refresh:
            refresh = _opaque_token("0.AQ", 1200)
            self.refresh_tokens[refresh] = _RefreshToken(client_id)
            response["refresh_token"] = refresh
        return response

    def _id_token(self, client_id: str, now: int) -> str:
        claims = {
            "aud": client_id, "iss": f"{self.base_url}/{TENANT_ID}/v2.0", "iat": now,
            "nbf": now, "exp": now + 3600, "name": DISPLAY_NAME, "oid": USER_OID,
            "preferred_username": self.username, "sub": secrets.token_urlsafe(16),
            "tid": TENANT_ID, "ver": "2.0",
        }
        header = _b64url(json.dumps({"alg": "none", "typ": "JWT"}).encode())
        return f"{header}.{_b64url(json.dumps(claims).encode())}."

    def error(self, key: str, **params: str) -> tuple[int, dict[str, Any]]:
        """Microsoft's error shape for *key* (see ERRORS)."""
        name, description = ERRORS[key]
        description = description.format(client_id=params.get("client_id", ""),
                                         tenant=params.get("tenant", TENANT_ID))
        code = int(description.split(":")[0].removeprefix("AADSTS"))
        trace, correlation = uuid.uuid4(), uuid.uuid4()
        return 400, {
            "error": name,
            "error_description": f"{description}\r\nTrace ID: {trace}\r\nCorrelation ID: "
                                 f"{correlation}\r\nTimestamp: 2026-11-27 17:00:00Z",
            "error_codes": [code],
            "timestamp": "2026-11-27 17:00:00Z",
            "trace_id": str(trace),
            "correlation_id": str(correlation),
            "error_uri": f"{self.base_url}/error?code={code}",
        }


class _Handler(BaseHTTPRequestHandler):
    provider: LocalIdentityProvider

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep test output clean

    def _reply(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        self.provider._record(RecordedRequest("GET", path, {}))
        parts = path.strip("/").split("/")
        if parts[1:] == ["v2.0", ".well-known", "openid-configuration"]:
            self._reply(*self.provider.discovery(parts[0]))
        else:
            self._reply(404, {"error": "not_found"})

    def do_POST(self) -> None:
        path = urlsplit(self.path).path
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode("utf-8")
        form = {key: values[0] for key, values in parse_qs(raw).items()}
        self.provider._record(RecordedRequest("POST", path, form))
        if path.endswith("/oauth2/v2.0/devicecode"):
            self._reply(*self.provider.device_code(form))
        elif path.endswith("/oauth2/v2.0/token"):
            self._reply(*self.provider.token(form))
        else:
            self._reply(404, {"error": "not_found"})


@pytest.fixture(scope="module", name="idp_server")
def idp_server_fixture() -> Iterator[LocalIdentityProvider]:
    """One identity provider for a whole test module."""
    with LocalIdentityProvider() as provider:
        yield provider


@pytest.fixture(name="idp")
def idp_fixture(idp_server: LocalIdentityProvider) -> LocalIdentityProvider:
    """The module's identity provider, back to its defaults."""
    idp_server.reset()
    return idp_server
