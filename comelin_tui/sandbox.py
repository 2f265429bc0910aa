"""An embedded SMTP server on the loopback interface, for ``--demo`` and tests.

A real aiosmtpd server with the same shape as a store's submission server:
STARTTLS with a certificate from a throwaway CA (trustme), AUTH PLAIN/LOGIN
required before MAIL, and a mailbox that keeps what it receives in memory.
The CA certificate is written to a private temporary folder so a client trusts
it through ``ca_file``, exactly as it would trust a company's private CA.

The server runs its own event loop in a background thread, so the same object
works from plain code, from ``asyncio`` code and from a Textual app::

    with Sandbox() as sandbox:            # or: async with Sandbox() as sandbox:
        target = sandbox.target()
        ...
        assert sandbox.mailbox[0]["Subject"]

Nothing here imports Textual; trustme and aiosmtpd are imported only when a
sandbox starts.
"""

from __future__ import annotations

import asyncio
import hmac
import secrets
import shutil
import tempfile
import threading
import weakref
from collections.abc import Generator
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from . import i18n
from .diagnostics.model import Security, Target
from .errors import ComelinError
from .sandbox_smtp import (
    Delivery,
    LoginAttempt,
    SandboxHandler,
    counting,
    quiet_aiosmtpd_deprecation,
)

__all__ = ["Delivery", "DemoSession", "LoginAttempt", "Sandbox", "SandboxError"]

if TYPE_CHECKING:
    import ssl

    from .config import Config
    from .secrets import SecretStore

# Reserved names (RFC 2606): nothing here can ever reach a real mailbox.
DEMO_USERNAME = "caisse@demo.example"
DEMO_COMPANY = "Boutique démo"
SERVER_NAME = "smtp.demo.example"
LOOPBACK = "127.0.0.1"

i18n.register({
    "sandbox.start_failed": {
        "fr": "le serveur de démonstration n'a pas pu démarrer : {reason}",
        "en": "the demo server could not start: {reason}",
    },
    "sandbox.not_running": {
        "fr": "le serveur de démonstration n'est pas démarré",
        "en": "the demo server is not running",
    },
})


class SandboxError(ComelinError):
    """The embedded server could not start (e.g. no loopback interface)."""


class _Started:
    """What ``start()`` returns: usable as is, or awaited (``await sandbox.start()``)."""

    def __init__(self, sandbox: Sandbox) -> None:
        self._sandbox = sandbox

    def __await__(self) -> Generator[Any, None, Sandbox]:
        # start() already did the work (a thread and two sockets: milliseconds),
        # so there is nothing to wait for; this keeps sync and async callers alike.
        return self._sandbox
        yield  # pragma: no cover - makes this a generator


class Sandbox:
    """A loopback SMTP submission server with STARTTLS, AUTH and an in-memory mailbox.

    Options make it misbehave like real servers do, for tests and demos:
    ``implicit_tls`` adds a second listener, TLS from the first byte
    (``implicit_tls_port``); ``offer_starttls=False`` is a server without
    STARTTLS (and so without AUTH); ``cert_expired`` and ``cert_identities``
    (names the certificate is for) give expired or wrong-name certificates;
    ``oauth_token`` enables XOAUTH2 with that bearer token; ``require_auth=False``
    is an open relay on loopback; ``reply_delay`` makes every reply wait that many
    seconds, as a provider far away does.

    ``smtputf8=False`` is a server that does not offer SMTPUTF8 (and takes only
    ASCII commands). ``commands`` lists the SMTP commands it received, by name
    only (``"EHLO"``, ``"MAIL"``...), never their arguments.

    ``replies`` scripts a failure: map ``"AUTH"``, ``"MAIL"``, ``"RCPT"`` or
    ``"DATA"`` to the reply to send instead of accepting, e.g.
    ``{"RCPT": "550 5.1.1 User unknown"}``. It can be changed while the server
    runs.
    """

    def __init__(
        self,
        *,
        username: str = DEMO_USERNAME,
        password: str | None = None,
        host: str = LOOPBACK,
        implicit_tls: bool = False,
        offer_starttls: bool = True,
        require_auth: bool = True,
        oauth_token: str | None = None,
        cert_identities: tuple[str, ...] = (LOOPBACK, "localhost"),
        cert_expired: bool = False,
        data_size_limit: int = 10 * 1024 * 1024,
        replies: dict[str, str] | None = None,
        reply_delay: float = 0.0,
        smtputf8: bool = True,
    ) -> None:
        self.host = host
        self._smtputf8 = smtputf8
        # Seconds before each reply, as a provider across the internet takes (benchmarks).
        self.reply_delay = reply_delay
        self.username = username
        # A fresh random password per run: nothing to remember, nothing to leak.
        self.password = password if password is not None else secrets.token_urlsafe(18)
        self.oauth_token = oauth_token
        self.security: Security = "starttls"
        self.require_auth = require_auth
        self.replies: dict[str, str] = dict(replies or {})
        self.port = 0
        self.implicit_tls_port: int | None = None
        self._want_implicit_tls = implicit_tls
        self._offer_starttls = offer_starttls
        self._cert_identities = cert_identities
        self._cert_expired = cert_expired
        self._data_size_limit = data_size_limit
        self.ca_file: Path = Path()
        self.deliveries: list[Delivery] = []
        self.logins: list[LoginAttempt] = []
        self.commands: list[str] = []
        self._changed = threading.Condition()
        self._tmpdir: Path | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._servers: list[asyncio.AbstractServer] = []
        self._connections: set[Any] = set()
        self._sessions_now = 0
        self._sessions_peak = 0
        self._error: BaseException | None = None

    # -- life cycle -------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._thread is not None

    def start(self) -> _Started:
        """Start the server thread; returns once both listeners accept connections.

        Works from sync code as is and from async code as ``await sandbox.start()``.
        """
        if self._thread is None:
            self._start()
        return _Started(self)

    def stop(self) -> _Started:
        """Stop the server, close every connection and delete the CA folder."""
        self._stop()
        return _Started(self)

    def __enter__(self) -> Self:
        self._start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop()

    async def __aenter__(self) -> Self:
        self._start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._stop()

    def _start(self) -> None:
        quiet_aiosmtpd_deprecation()
        self._tmpdir = Path(tempfile.mkdtemp(prefix="comelin-sandbox-"))
        # A sandbox never stopped still has its folder removed (garbage
        # collection or interpreter exit).
        self._remove_folder = weakref.finalize(self, shutil.rmtree, str(self._tmpdir), True)
        try:
            server_tls = self._make_certificates(self._tmpdir)
            loop = asyncio.new_event_loop()
            ready = threading.Event()
            self._loop = loop
            self._error = None
            thread = threading.Thread(
                target=self._run, args=(loop, server_tls, ready),
                name="comelin-sandbox", daemon=True,
            )
            thread.start()
            ready.wait()
            if self._error is not None:
                thread.join()
                raise SandboxError("sandbox.start_failed", reason=self._error) from self._error
            self._thread = thread
        except BaseException:
            self._loop = None
            self._remove_folder()
            self._tmpdir = None
            raise

    def _stop(self) -> None:
        thread, loop = self._thread, self._loop
        if thread is not None and loop is not None:
            loop.call_soon_threadsafe(loop.stop)
            thread.join()
        self._thread = None
        self._loop = None
        if self._tmpdir is not None:
            self._remove_folder()
            self._tmpdir = None

    def discard_folder(self) -> None:
        """Delete the CA folder now, stopping nothing: the process is about to end
        without its usual clean-up (the terminal is gone; any thread may call it)."""
        remove = getattr(self, "_remove_folder", None)
        if remove is not None:
            remove()  # a finalizer runs once, whoever calls it first

    def _make_certificates(self, folder: Path) -> ssl.SSLContext:
        import ssl

        import trustme

        ca = trustme.CA(organization_name="Comelin sandbox CA")
        if self._cert_expired:
            # Expired a day ago: what a box with a wrong clock, or a lapsed
            # certificate, looks like to the client.
            now = datetime.now(UTC)
            cert = ca.issue_cert(*self._cert_identities, not_before=now - timedelta(days=30),
                                 not_after=now - timedelta(days=1))
        else:
            cert = ca.issue_cert(*self._cert_identities)
        self.ca_file = folder / "sandbox-ca.pem"
        ca.cert_pem.write_to_path(str(self.ca_file))
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        cert.configure_cert(context)
        return context

    def _run(self, loop: asyncio.AbstractEventLoop, server_tls: ssl.SSLContext,
             ready: threading.Event) -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(self._listen(loop, server_tls))
        except BaseException as error:  # noqa: BLE001 - reported to start()
            self._error = error
            loop.close()
            ready.set()
            return
        ready.set()
        try:
            loop.run_forever()
        finally:
            loop.run_until_complete(self._shutdown())
            loop.close()

    async def _listen(self, loop: asyncio.AbstractEventLoop, server_tls: ssl.SSLContext) -> None:
        starttls = await loop.create_server(
            lambda: self._protocol(loop, server_tls, implicit=False), host=self.host, port=0)
        self._servers = [starttls]
        self.port = starttls.sockets[0].getsockname()[1]
        if self._want_implicit_tls:
            implicit = await loop.create_server(
                lambda: self._protocol(loop, server_tls, implicit=True),
                host=self.host, port=0, ssl=server_tls)
            self._servers.append(implicit)
            self.implicit_tls_port = implicit.sockets[0].getsockname()[1]

    async def _shutdown(self) -> None:
        for server in self._servers:
            server.close()
        for connection in list(self._connections):
            transport = getattr(connection, "transport", None)
            if transport is not None:
                transport.close()
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for server in self._servers:
            await server.wait_closed()
        self._servers = []
        self._connections.clear()

    def _protocol(self, loop: asyncio.AbstractEventLoop, server_tls: ssl.SSLContext,
                  *, implicit: bool) -> Any:
        from aiosmtpd.smtp import SMTP

        excluded = [] if self.oauth_token else ["XOAUTH2"]
        smtp = counting(SMTP)(
            self,
            SandboxHandler(self),
            hostname=SERVER_NAME,
            ident="Comelin sandbox",
            # On the implicit-TLS port the whole connection is already encrypted.
            tls_context=None if implicit or not self._offer_starttls else server_tls,
            require_starttls=not implicit and self._offer_starttls,
            auth_required=self.require_auth,
            auth_require_tls=True,
            auth_exclude_mechanism=excluded,
            authenticator=self._authenticate,
            data_size_limit=self._data_size_limit,
            enable_SMTPUTF8=self._smtputf8,
            timeout=60,
            loop=loop,
        )
        if implicit:
            # aiosmtpd only counts STARTTLS as "encrypted"; this listener is TLS
            # from the first byte, so AUTH is safe and must be offered here.
            smtp._auth_require_tls = False
        self._connections.add(smtp)
        return smtp

    # -- SMTP behaviour ---------------------------------------------------

    def _authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str,
                      auth_data: Any) -> Any:
        from aiosmtpd.smtp import AuthResult

        login = auth_data.login.decode("utf-8", "replace")
        scripted = self.replies.get("AUTH")
        ok = scripted is None and (
            hmac.compare_digest(login.encode(), self.username.encode())
            and hmac.compare_digest(auth_data.password, self.password.encode())
        )
        self._record_login(LoginAttempt(mechanism, login, ok))
        if ok:
            return AuthResult(success=True, auth_data=login)
        return AuthResult(success=False, handled=False, message=scripted)

    def _record_login(self, attempt: LoginAttempt) -> None:
        with self._changed:
            self.logins.append(attempt)
            self._changed.notify_all()

    def _received(self, verbs: list[str]) -> None:
        with self._changed:
            self.commands.extend(verbs)
            self._changed.notify_all()

    def _deliver(self, delivery: Delivery) -> None:
        with self._changed:
            self.deliveries.append(delivery)
            self._changed.notify_all()

    # -- what tests and the demo use --------------------------------------

    @property
    def mailbox(self) -> list[EmailMessage]:
        """The messages received so far (parsed), oldest first."""
        with self._changed:
            return [d.message for d in self.deliveries]

    def clear(self) -> None:
        """Forget received messages, login attempts, commands and the peak of sessions."""
        with self._changed:
            self.deliveries.clear()
            self.logins.clear()
            self.commands.clear()
            self._sessions_peak = self._sessions_now

    def max_concurrent_sessions(self) -> int:
        """The most client connections open at once since the last :meth:`clear`."""
        with self._changed:
            return self._sessions_peak

    def _session_opened(self) -> None:
        with self._changed:
            self._sessions_now += 1
            self._sessions_peak = max(self._sessions_peak, self._sessions_now)

    def _session_closed(self) -> None:
        with self._changed:
            self._sessions_now -= 1

    def wait_for_messages(self, count: int = 1, timeout: float = 5.0) -> list[EmailMessage]:
        """Block until at least *count* messages arrived (TimeoutError otherwise)."""
        with self._changed:
            if not self._changed.wait_for(lambda: len(self.deliveries) >= count, timeout):
                raise TimeoutError(f"{len(self.deliveries)} message(s) after {timeout} s")
            return [d.message for d in self.deliveries]

    def wait_for_logins(self, count: int = 1, timeout: float = 5.0) -> list[LoginAttempt]:
        """Block until at least *count* AUTH attempts were seen (TimeoutError otherwise)."""
        with self._changed:
            if not self._changed.wait_for(lambda: len(self.logins) >= count, timeout):
                raise TimeoutError(f"{len(self.logins)} login(s) after {timeout} s")
            return list(self.logins)

    def target(self, **overrides: Any) -> Target:
        """A diagnostics Target for this server (STARTTLS, demo account); fields overridable."""
        if not self.running:
            raise SandboxError("sandbox.not_running")
        values: dict[str, Any] = {
            "host": self.host,
            "port": self.port,
            "security": "starttls",
            "auth": "password",
            "username": self.username,
            "password": self.password,
            "from_address": self.username,
            "to_address": self.username,
            "timeout": 5.0,
            "ca_file": self.ca_file,
            "provider_id": "custom",
            "language": i18n.get_language(),
        }
        if overrides.get("security") == "implicit_tls" and "port" not in overrides:
            if self.implicit_tls_port is None:
                raise ValueError("start the Sandbox with implicit_tls=True for this target")
            values["port"] = self.implicit_tls_port
        values.update(overrides)
        return Target(**values)

    def demo_config(self, config_path: Path | None = None) -> Config:
        """The settings of a store using this server; also saved to *config_path* if given.

        The password is not part of it: see :meth:`store_password`.
        """
        from .config import CompanySettings, Config, SmtpSettings, save_config

        if not self.running:
            raise SandboxError("sandbox.not_running")
        config = Config(
            provider="custom",
            company=CompanySettings(name=DEMO_COMPANY, email=self.username),
            smtp=SmtpSettings(
                host=self.host, port=self.port, security="starttls", auth="password",
                username=self.username, from_address=self.username, timeout=5.0,
                ca_file=self.ca_file,
            ),
            secret_backend="file",
        )
        if config_path is not None:
            save_config(config, config_path)
        return config

    def store_password(self, config_path: Path, backend: str = "file") -> SecretStore:
        """Save the demo password in the secret store that goes with *config_path*."""
        from .secrets import SMTP_PASSWORD, open_secret_store

        store = open_secret_store(config_path, backend)  # type: ignore[arg-type]
        store.set(SMTP_PASSWORD, self.password)
        return store


class DemoSession:
    """The sandbox plus throwaway settings in a private temporary folder: demo mode.

    The real settings are never read or written, and the folder goes away on
    :meth:`close`. The wizard (``comelin-tui --demo``) starts it in a thread and
    begins from :meth:`draft`; ``check --demo`` saves the settings and the
    password first (:meth:`save`)::

        with DemoSession() as demo:
            demo.save()
            ...  # the settings at demo.config_path, the log at demo.attempt_log_path

    A running *sandbox* given by the caller is used as is and left running.
    """

    def __init__(self, sandbox: Sandbox | None = None, **sandbox_options: Any) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="comelin-demo-"))
        self.folder.chmod(0o700)
        self.config_path = self.folder / "config.toml"
        # The demo keeps its own log: the real history stays clean.
        self.attempt_log_path = self.folder / "attempts.jsonl"
        self.sandbox: Sandbox | None = sandbox
        self._owns_sandbox = sandbox is None
        self._sandbox_options = sandbox_options

    def start(self) -> Sandbox:
        """Start the sandbox (blocking: certificates are made here; a TUI runs it in a thread)."""
        if self.sandbox is None:
            self.sandbox = Sandbox(**self._sandbox_options)
        if not self.sandbox.running:
            self.sandbox.start()
        return self.sandbox

    def _running(self) -> Sandbox:
        if self.sandbox is None or not self.sandbox.running:
            raise SandboxError("sandbox.not_running")
        return self.sandbox

    def draft(self) -> Config:
        """Settings pointing at the sandbox, not saved: the wizard starts from them."""
        return self._running().demo_config()

    def save(self) -> Config:
        """Write the settings and the password in the demo folder; returns the settings."""
        sandbox = self._running()
        config = sandbox.demo_config(self.config_path)
        sandbox.store_password(self.config_path, "file")
        return config

    @property
    def password(self) -> str:
        return self._running().password

    def close(self) -> None:
        """Stop the sandbox (if this session started it) and delete the folder."""
        if self._owns_sandbox and self.sandbox is not None:
            self.sandbox.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    def discard(self) -> None:
        """Delete the throwaway folders now, stopping nothing: the process is about to
        end without its usual clean-up (the terminal is gone; any thread may call it)."""
        shutil.rmtree(self.folder, ignore_errors=True)
        if self._owns_sandbox and self.sandbox is not None:
            self.sandbox.discard_folder()

    def __enter__(self) -> Self:
        try:
            self.start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
