"""Real SMTP servers on 127.0.0.1 for the engine, probe and hostile-server tests.

- :class:`ScriptedServer`: aiosmtpd with a :class:`ScriptedHandler` whose
  replies to AUTH, MAIL, RCPT and DATA can be set to anything (provider
  errors), STARTTLS or implicit TLS, a swappable certificate, AUTH offered only
  after STARTTLS or always, chosen mechanisms, XOAUTH2 with a Google-style
  error challenge.

The server runs its own event loop in a thread (aiosmtpd's Controller), so one
instance can be shared by all the tests of a module; ``reset()`` between tests.
The misbehaving servers are in ``hostile_servers``.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import datetime
import json
import logging
import ssl
from collections.abc import Awaitable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import MISSING, SMTP, AuthResult, LoginPassword

from comelin_tui.diagnostics.model import RunResult, Step, Target

USERNAME = "boutique@example.com"
PASSWORD = "Tr3s-S3cret!pw"  # long enough to be scrubbed everywhere
TOKEN = "ya29.a0-good-access-token-123"
SERVER_NAME = "mx.test.invalid"

# aiosmtpd warns about its own deprecated attributes on every login.
logging.getLogger("mail.log").setLevel(logging.CRITICAL)

GOOGLE_OAUTH_ERROR = {"status": "401", "schemes": "Bearer", "scope": "https://mail.google.com/"}


# -- certificates ----------------------------------------------------------------

@dataclass
class Certificates:
    """A test CA (trusted through ``ca_file``) and server certificates of every kind."""

    ca: trustme.CA
    ca_file: Path
    leaves: dict[str, trustme.LeafCert]

    def context(self, name: str) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.leaves[name].configure_cert(context)
        return context


def make_certificates(folder: Path) -> Certificates:
    """good (localhost, 127.0.0.1, ::1), wrong_name, expired, untrusted (another CA)."""
    ca = trustme.CA()
    stranger = trustme.CA()
    now = datetime.datetime.now(datetime.UTC)
    leaves = {
        "good": ca.issue_cert("localhost", "127.0.0.1", "::1"),
        "wrong_name": ca.issue_cert("mail.example.net"),
        "expired": ca.issue_cert("localhost", "127.0.0.1", "::1",
                                 not_before=now - datetime.timedelta(days=30),
                                 not_after=now - datetime.timedelta(days=1)),
        "untrusted": stranger.issue_cert("localhost", "127.0.0.1", "::1"),
    }
    ca_file = folder / "test-ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    return Certificates(ca, ca_file, leaves)


class SwitchableTLS:
    """A server TLS context whose certificate can be swapped between connections."""

    def __init__(self, certificates: Certificates, current: str = "good") -> None:
        self.current = current
        self._contexts = {name: certificates.context(name) for name in certificates.leaves}
        self.context = certificates.context("good")
        self.context.sni_callback = self._pick

    def _pick(self, ssl_object: Any, _server_name: str | None, _context: Any) -> None:
        ssl_object.context = self._contexts[self.current]


def server_certificate_der(certificates: Certificates, name: str) -> bytes:
    """The DER form of one server certificate (to compute its fingerprint)."""
    pem = certificates.leaves[name].cert_chain_pems[0].bytes()
    return ssl.PEM_cert_to_DER_cert(pem.decode("ascii"))


# -- aiosmtpd scripted server ------------------------------------------------------

@dataclass
class ServerOptions:
    """Per-connection behaviour of a :class:`ScriptedServer` (read at each connection)."""

    starttls: bool = True
    auth_require_tls: bool = True
    exclude_mechanisms: tuple[str, ...] = ()
    size_limit: int = 10 * 1024 * 1024


@dataclass
class ScriptedHandler:
    """aiosmtpd handler: accepts the test account, or replies what a test scripted."""

    reply_to_auth: str | None = None
    mail_reply: str | None = None
    rcpt_reply: str | None = None
    data_reply: str | None = None
    echo_auth: bool = False  # a careless server repeating the credentials in its error
    send_as_only: bool = False  # refuse a sender other than the login (Microsoft 365 style)
    messages: list[bytes] = field(default_factory=list)
    mail_options: list[list[str]] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)

    def reset(self) -> None:
        self.reply_to_auth = self.mail_reply = self.rcpt_reply = self.data_reply = None
        self.echo_auth = self.send_as_only = False
        self.messages.clear()
        self.mail_options.clear()
        self.commands.clear()

    async def handle_AUTH(self, server: SMTP, session: Any, envelope: Any, args: list[str]) -> Any:
        self.commands.append("AUTH " + args[0])
        if self.echo_auth:
            return f"535 5.7.8 Bad credentials: {' '.join(args)}"
        return self.reply_to_auth if self.reply_to_auth is not None else MISSING

    async def handle_MAIL(self, server: SMTP, session: Any, envelope: Any, address: str,
                          options: list[str]) -> str:
        self.commands.append("MAIL")
        if self.mail_reply:
            return self.mail_reply
        if self.send_as_only and address.lower() != USERNAME.lower():
            return ("550 5.7.60 SMTP; Client does not have permissions to send as this "
                    "sender")
        self.mail_options.append(list(options))
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 2.1.0 OK"

    async def handle_RCPT(self, server: SMTP, session: Any, envelope: Any, address: str,
                          options: list[str]) -> str:
        self.commands.append("RCPT")
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, session: Any, envelope: Any) -> str:
        self.commands.append("DATA")
        if self.data_reply:
            return self.data_reply
        content = envelope.original_content or envelope.content or b""
        self.messages.append(content if isinstance(content, bytes) else content.encode())
        return "250 2.0.0 Ok: queued as 4ABC123DEF"

    async def handle_RSET(self, server: SMTP, session: Any, envelope: Any) -> str:
        self.commands.append("RSET")
        return "250 OK"

    @staticmethod
    def authenticate(server: SMTP, session: Any, envelope: Any, mechanism: str,
                     auth_data: Any) -> AuthResult:
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login.decode() == USERNAME
              and auth_data.password.decode() == PASSWORD)
        return AuthResult(success=ok, handled=False)

    async def auth_XOAUTH2(self, server: SMTP, args: list[str]) -> AuthResult:
        """XOAUTH2 as Gmail does it: on a bad token, a 334 with a JSON error, then 535."""
        blob = args[1] if len(args) > 1 else ""
        try:
            fields = base64.b64decode(blob).decode().split("\x01")
        except ValueError:
            fields = []
        token = next((f[len("auth=Bearer "):] for f in fields if f.startswith("auth=Bearer ")), "")
        if token == TOKEN:
            return AuthResult(success=True)
        await server.challenge_auth(json.dumps(GOOGLE_OAUTH_ERROR).encode())
        return AuthResult(success=False, handled=False,
                          message="535-5.7.8 Username and Password not accepted. "
                                  "For more information, go to\r\n535 5.7.8 "
                                  "https://support.google.com/mail/?p=BadCredentials")


class ScriptedServer(Controller):
    """aiosmtpd on 127.0.0.1 and a free port, STARTTLS or implicit TLS."""

    def __init__(self, certificates: Certificates, *, implicit_tls: bool = False) -> None:
        self.scripted = ScriptedHandler()
        self.options = ServerOptions(auth_require_tls=not implicit_tls)
        self.tls = SwitchableTLS(certificates)
        self.implicit_tls = implicit_tls
        super().__init__(self.scripted, hostname="127.0.0.1", port=0,
                         ssl_context=self.tls.context if implicit_tls else None)

    def _create_server(self) -> Awaitable[asyncio.AbstractServer]:
        async def create() -> asyncio.AbstractServer:
            server = await self.loop.create_server(
                self._factory_invoker, host=self.hostname, port=0, ssl=self.ssl_context)
            self.port = server.sockets[0].getsockname()[1]
            return server
        return create()

    def factory(self) -> SMTP:
        opts = self.options
        return SMTP(
            self.scripted,
            hostname=SERVER_NAME,
            ident="ESMTP test",
            tls_context=self.tls.context if opts.starttls and not self.implicit_tls else None,
            auth_require_tls=opts.auth_require_tls,
            auth_exclude_mechanism=opts.exclude_mechanisms,
            authenticator=self.scripted.authenticate,
            data_size_limit=opts.size_limit,
        )

    def reset(self) -> None:
        self.scripted.reset()
        self.options = ServerOptions(auth_require_tls=not self.implicit_tls)
        self.tls.current = "good"


# -- helpers shared by the test modules ---------------------------------------------------

@contextlib.contextmanager
def running(certificates: Certificates, *, implicit_tls: bool = False
            ) -> Iterator[ScriptedServer]:
    """A started :class:`ScriptedServer`, stopped on exit (for module fixtures)."""
    server = ScriptedServer(certificates, implicit_tls=implicit_tls)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def reset_used_servers(request: pytest.FixtureRequest) -> None:
    """Reset the scripted servers a test used, so nothing leaks into the next test."""
    for name in ("starttls_server", "implicit_server"):
        if name in request.fixturenames:
            request.getfixturevalue(name).reset()


def make_target(server: ScriptedServer, certs: Certificates, **overrides: object) -> Target:
    """A target for *server*: the test account, the test CA, a short timeout."""
    values: dict[str, object] = {
        "host": "127.0.0.1", "port": server.port,
        "security": "implicit_tls" if server.implicit_tls else "starttls",
        "username": USERNAME, "password": PASSWORD, "from_address": USERNAME,
        "to_address": "comptable@example.org", "ca_file": certs.ca_file, "timeout": 3.0,
    }
    values.update(overrides)
    return Target(**values)  # type: ignore[arg-type]


def statuses(result: RunResult) -> dict[str, str]:
    return {step.id: step.status for step in result.steps}


def sent_auth(result: RunResult) -> bool:
    """Whether the client sent any AUTH command."""
    return any(line.startswith("-> AUTH") for line in result.transcript)


def failing(result: RunResult) -> Step:
    """The step that failed."""
    return next(step for step in result.steps if step.status == "fail")


# -- shared fixtures: import them into a test module to use them there --------------------
# (``from smtp_servers import certs_fixture, starttls_server_fixture, ...``);
# module scope, so each test module gets its own servers.

@pytest.fixture(scope="module", name="certs")
def certs_fixture(tmp_path_factory: pytest.TempPathFactory) -> Certificates:
    return make_certificates(tmp_path_factory.mktemp("certs"))


@pytest.fixture(scope="module", name="starttls_server")
def starttls_server_fixture(certs: Certificates) -> Iterator[ScriptedServer]:
    with running(certs) as server:
        yield server


@pytest.fixture(scope="module", name="implicit_server")
def implicit_server_fixture(certs: Certificates) -> Iterator[ScriptedServer]:
    with running(certs, implicit_tls=True) as server:
        yield server


@pytest.fixture(autouse=True)
def fresh_servers(request: pytest.FixtureRequest) -> Iterator[None]:
    """Scripted replies and options never leak from one test into the next."""
    yield
    reset_used_servers(request)
