"""The local relay: Comelin sends to 127.0.0.1, the provider gets it over the proven path.

The POS speaks SMTP to the relay with a local login (not the provider's
password); each command of its transaction is passed upstream as it comes
(MAIL at MAIL, RCPT at RCPT, the message at DATA) over an :class:`Upstream`
connection opened with the test send's steps, so the POS hears the provider's
own verdict: 250 only once the provider accepted, a refusal (5xx) passed on with
its text, temporary trouble (no connection, a timeout, a busy provider) as 4xx
so the POS tries again. Nothing is stored in this mode, so nothing can be lost.

Each sender goes out through its own account: a sender profile with an account of
its own (:mod:`comelin_tui.profiles`) has its own pool of upstream connections
(*routes*), every other sender the company account's.

Guard rails: loopback only unless asked; a sender must be one of the saved
sender addresses (the company's and the profiles'); recipients bounded; the provider's limits kept (connections
at once, messages a minute) by waiting briefly, then 451. One upstream
connection serves a burst (RSET between messages) and closes when idle.

Every message is one line of the attempt log (envelope and verdict, no body,
no secret), diagnosed by the same engine and words as the test send.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import hmac
import logging
import ssl
import time
import warnings
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..diagnostics.addresses import address_key
from ..errors import ComelinError
from ..i18n import register
from ..providers import is_loopback

if TYPE_CHECKING:
    from ..diagnostics.model import Diagnosis, Target
    from ..diagnostics.upstream import Upstream, Verdict

log = logging.getLogger("comelin_tui.relay")

TargetSource = Callable[[bool], Awaitable["Target"]]

register({
    "relay.remote_refused": {
        "fr": "{host} n'est pas une adresse de bouclage : le relais n'écoute que sur cet "
              "ordinateur (127.0.0.1). Pour écouter sur le réseau, ajoutez --allow-remote "
              "(TLS et connexion obligatoires).",
        "en": "{host} is not a loopback address: the relay only listens on this computer "
              "(127.0.0.1). To listen on the network, add --allow-remote (TLS and login "
              "required).",
    },
    "relay.remote_needs_tls": {
        "fr": "Un relais ouvert au réseau exige STARTTLS et une connexion : il manque {what}.",
        "en": "A relay open to the network needs STARTTLS and a login: {what} is missing.",
    },
    "relay.no_auth_remote": {
        "fr": "--no-auth n'est permis que sur une adresse de bouclage.",
        "en": "--no-auth is only allowed on a loopback address.",
    },
    "relay.no_password": {
        "fr": "Aucun mot de passe local pour le relais : créez-le avec « comelin-tui relay "
              "password ».",
        "en": "No local password for the relay: set one with \"comelin-tui relay password\".",
    },
    "relay.listen_failed": {
        "fr": "Impossible d'écouter sur {host}:{port} ({reason}). Un autre programme (ou un "
              "autre relais) utilise peut-être ce port : choisissez-en un autre avec --listen.",
        "en": "Cannot listen on {host}:{port} ({reason}). Another program (or another relay) "
              "may be using that port: choose another with --listen.",
    },
})

# What the POS hears from the relay itself (SMTP replies are English, as servers' are).
SENDER_REFUSED = "550 5.7.1 Sender {sender} is not one of this relay's senders ({allowed})"
TOO_MANY_RECIPIENTS = "452 4.5.3 Too many recipients (at most {limit} a message)"
BUSY = "451 4.7.0 The provider's connection limit is reached; try again shortly"
RATE = "451 4.7.0 The provider's sending rate limit is reached; try again shortly"
UPSTREAM_DOWN = "451 4.4.1 The provider cannot be reached now ({code}); try again later"
UPSTREAM_REFUSED = "554 5.7.0 The provider refused the relay's connection ({code}): {summary}"
NO_TRANSACTION = "503 5.5.1 Error: need MAIL command"


class RelayError(ComelinError):
    """The relay cannot start as asked (a remote address, no local password...)."""


@dataclass(frozen=True)
class RelayLimits:
    """The provider's limits the relay keeps (None: no limit)."""

    max_connections: int | None = None
    messages_per_minute: int | None = None
    max_recipients: int = 100
    wait: float = 10.0  # how long a POS may wait for a connection or a rate slot
    idle_timeout: float = 30.0  # an unused upstream connection is closed after this


@dataclass(frozen=True)
class RelayOptions:
    host: str = "127.0.0.1"
    port: int = 2525
    username: str = ""
    password: str | None = field(default=None, repr=False)
    require_auth: bool = True
    allow_remote: bool = False
    tls_context: ssl.SSLContext | None = None
    senders: frozenset[str] = frozenset()
    limits: RelayLimits = RelayLimits()
    log_path: Path | None = None
    log: bool = True
    hostname: str = "comelin-relay.localhost"
    data_size_limit: int = 35 * 1024 * 1024
    queue_folder: Path | None = None  # the durable queue (relay --queue), else pass-through
    notice_to: str = ""  # who hears of a queued message given up (the company address)


class _QuietLoopbackAuth(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return "auth_require_tls == False" not in str(record.msg)


logging.getLogger("mail.log").addFilter(_QuietLoopbackAuth())


def check_options(options: RelayOptions) -> None:
    """Refuse what would open the relay to others; RelayError says why and what to do."""
    loopback = is_loopback(options.host)
    if not loopback and not options.allow_remote:
        raise RelayError("relay.remote_refused", host=options.host)
    if not options.require_auth and not loopback:
        raise RelayError("relay.no_auth_remote")
    if not loopback:
        missing = [what for what, present in (("STARTTLS", options.tls_context is not None),
                                              ("login", bool(options.password)))
                   if not present]
        if missing:
            raise RelayError("relay.remote_needs_tls", what=", ".join(missing))
    if options.require_auth and not options.password:
        raise RelayError("relay.no_password")


# -- the upstream pool ----------------------------------------------------------------------


class Busy(Exception):
    """No upstream connection or rate slot came free in time."""

    def __init__(self, reply: str) -> None:
        self.reply = reply
        super().__init__(reply)


class UpstreamPool:
    """Upstream connections shared by the POS's sessions, within the provider's limits."""

    def __init__(self, source: TargetSource, limits: RelayLimits,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.source = source
        self.limits = limits
        self.clock = clock
        self.idle: list[Upstream] = []
        self.count = 0  # open or opening
        self.changed = asyncio.Condition()
        self.sent: collections.deque[float] = collections.deque()
        self.refresh_token = False
        self._closer: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._closer = asyncio.get_running_loop().create_task(self._close_idle())

    async def acquire(self) -> Upstream:
        """A logged-in connection: an idle one, a new one, or one freed within the wait."""

        deadline = self.clock() + self.limits.wait
        async with self.changed:
            while True:
                while self.idle:
                    upstream = self.idle.pop()
                    if upstream.usable:
                        return upstream
                    self.count -= 1
                limit = self.limits.max_connections
                if limit is None or self.count < limit:
                    self.count += 1
                    break
                remaining = deadline - self.clock()
                if remaining <= 0:
                    raise Busy(BUSY)
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(remaining):
                        await self.changed.wait()
        try:
            return await self._open()
        except BaseException:
            await self._forget()
            raise

    async def _open(self) -> Upstream:
        from ..diagnostics.upstream import Upstream, UpstreamError

        refresh, self.refresh_token = self.refresh_token, False
        upstream = Upstream(await self.source(refresh))
        try:
            await upstream.open()
        except UpstreamError as error:
            code = error.diagnosis.code if error.diagnosis else ""
            if code != "auth.oauth_failed" or refresh:
                raise
            # A token the cache still thought good, refused (revoked early): once more
            # with a fresh one, as the test send does.
            upstream = Upstream(await self.source(True))
            await upstream.open()
        return upstream

    async def release(self, upstream: Upstream) -> None:
        """Back to the pool (after RSET when a transaction was left open), or closed."""
        if upstream.usable and upstream.in_transaction:
            await upstream.reset()
        async with self.changed:
            if upstream.usable:
                self.idle.append(upstream)
            else:
                self.count -= 1
            self.changed.notify()
        if not upstream.usable:
            await upstream.close()

    async def _forget(self) -> None:
        async with self.changed:
            self.count -= 1
            self.changed.notify()

    async def take_rate_slot(self) -> None:
        """Within the messages-a-minute limit: wait for a slot up to the wait, else Busy."""
        limit = self.limits.messages_per_minute
        if limit is None:
            return
        deadline = self.clock() + self.limits.wait
        while True:
            now = self.clock()
            while self.sent and now - self.sent[0] >= 60.0:
                self.sent.popleft()
            if len(self.sent) < limit:
                self.sent.append(now)
                return
            free_at = self.sent[0] + 60.0
            if free_at > deadline:
                raise Busy(RATE)
            await asyncio.sleep(max(free_at - now, 0.01))

    async def _close_idle(self) -> None:
        while True:
            await asyncio.sleep(min(1.0, self.limits.idle_timeout / 2))
            now = time.monotonic()
            stale = [u for u in self.idle
                     if now - u.stats.last_used >= self.limits.idle_timeout or not u.usable]
            if not stale:
                continue
            async with self.changed:
                for upstream in stale:
                    if upstream in self.idle:
                        self.idle.remove(upstream)
                        self.count -= 1
                self.changed.notify_all()
            for upstream in stale:
                await upstream.close()

    async def close_idle(self) -> None:
        """Close every idle connection now (the next message opens a fresh one)."""
        async with self.changed:
            idle, self.idle = self.idle, []
            self.count -= len(idle)
            self.changed.notify_all()
        for upstream in idle:
            await upstream.close()

    async def close(self) -> None:
        if self._closer is not None:
            self._closer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._closer
        idle, self.idle = self.idle, []
        for upstream in idle:
            await upstream.close()


# -- what happened to each message --------------------------------------------------------


@dataclass
class Delivery:
    """One POS transaction as the attempt log keeps it: the envelope and the verdict."""

    sender: str
    recipients: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    size: int = 0
    started: float = field(default_factory=time.monotonic)
    reply: str = ""
    code: str | None = None  # diagnosis code when refused
    diagnosis: Diagnosis | None = None
    queue_id: str | None = None
    status: str = "fail"  # ok | fail | temporary

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": "relay",
            "sender": self.sender,
            "recipients": len(self.recipients),
            "refused": len(self.refused),
            "size": self.size,
            "reply": self.reply,
            "diagnosis": self.code,
            "queue_id": self.queue_id,
            "status": self.status,
            "duration_ms": int((time.monotonic() - self.started) * 1000),
        }


@dataclass
class RelayState:
    """What `relay status` and the dashboard show."""

    accepted: int = 0
    refused: int = 0
    temporary: int = 0
    last: collections.deque[dict[str, Any]] = field(
        default_factory=lambda: collections.deque(maxlen=20))


# -- the SMTP side ----------------------------------------------------------------------------


class RelayHandler:
    """aiosmtpd hooks: each POS command goes upstream as it comes."""

    def __init__(self, relay: Relay) -> None:
        self.relay = relay

    async def handle_EHLO(self, server: Any, session: Any, envelope: Any, hostname: str,
                          responses: list[str]) -> list[str]:
        session.host_name = hostname
        return responses

    async def handle_MAIL(self, server: Any, session: Any, envelope: Any, address: str,
                          mail_options: list[str]) -> str:
        relay = self.relay
        options = relay.options
        if options.senders and address_key(address) not in {
                address_key(sender) for sender in options.senders}:
            return SENDER_REFUSED.format(sender=address or "<>",
                                         allowed=", ".join(sorted(options.senders)))
        if relay.spool is not None:
            envelope.mail_from = address
            envelope.mail_options.extend(mail_options)
            return "250 2.1.0 OK"
        await relay.end_transaction(session)
        relay.begin()
        pool = relay.pool_for(address)
        session.comelin_pool = pool
        try:
            upstream = await pool.acquire()
        except Busy as busy:
            relay.end()
            return busy.reply
        except Exception as error:  # noqa: BLE001 - any opening failure is a reply
            relay.end()
            return relay.opening_failed(error)
        size = _size_of(mail_options)
        delivery = Delivery(sender=address, size=size or 0)
        session.comelin_upstream, session.comelin_delivery = upstream, delivery
        verdict = await upstream.mail(address, size=size, smtputf8="SMTPUTF8" in mail_options,
                                      body=_body_of(mail_options))
        if not verdict.accepted:
            await relay.finish(session, verdict)
            return _reply(verdict)
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return _reply(verdict)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: list[str]) -> str:
        limit = self.relay.options.limits.max_recipients
        if len(envelope.rcpt_tos) >= limit:
            return TOO_MANY_RECIPIENTS.format(limit=limit)
        if self.relay.spool is not None:
            envelope.rcpt_tos.append(address)
            return "250 2.1.5 OK"
        upstream = getattr(session, "comelin_upstream", None)
        delivery: Delivery | None = getattr(session, "comelin_delivery", None)
        if upstream is None or delivery is None:
            return NO_TRANSACTION
        verdict = await upstream.rcpt(address)
        if verdict.accepted:
            envelope.rcpt_tos.append(address)
            delivery.recipients.append(address)
        else:
            delivery.refused.append(address)
            delivery.reply = str(verdict)
            delivery.status = "temporary" if verdict.temporary else "fail"
            delivery.code = verdict.diagnosis.code if verdict.diagnosis else delivery.code
            delivery.diagnosis = verdict.diagnosis or delivery.diagnosis
            if verdict.local:
                await self.relay.finish(session, verdict)
        return _reply(verdict)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        relay = self.relay
        if relay.spool is not None:
            return await relay.enqueue(envelope)
        upstream = getattr(session, "comelin_upstream", None)
        delivery: Delivery | None = getattr(session, "comelin_delivery", None)
        if upstream is None or delivery is None:
            return NO_TRANSACTION
        payload = envelope.original_content or envelope.content or b""
        if isinstance(payload, str):
            payload = payload.encode("utf-8", "surrogateescape")
        delivery.size = len(payload)
        try:
            await getattr(session, "comelin_pool", relay.pool).take_rate_slot()
        except Busy as busy:
            await relay.finish(session, None, reply=busy.reply, status="temporary")
            return busy.reply
        verdict = await upstream.data(payload)
        await relay.finish(session, verdict)
        return _reply(verdict)

    async def handle_RSET(self, server: Any, session: Any, envelope: Any) -> str:
        await self.relay.end_transaction(session)
        return "250 OK"

    async def handle_QUIT(self, server: Any, session: Any, envelope: Any) -> str:
        await self.relay.end_transaction(session)
        return "221 Bye"


def _size_of(options: list[str]) -> int | None:
    for option in options:
        name, _, value = option.partition("=")
        if name.upper() == "SIZE" and value.isdigit():
            return int(value)
    return None


def _body_of(options: list[str]) -> str | None:
    for option in options:
        name, _, value = option.partition("=")
        if name.upper() == "BODY":
            return value.upper()
    return None


def _reply(verdict: Verdict) -> str:
    """The provider's reply as the POS hears it (every line, one reply)."""
    lines = [line for line in verdict.lines if line.strip()] or [""]
    if len(lines) == 1:
        return f"{verdict.code} {lines[0]}".rstrip()
    return "\r\n".join(f"{verdict.code}-{line}" for line in lines[:-1]) + \
        f"\r\n{verdict.code} {lines[-1]}"


class Relay:
    """The relay's life: listen, serve the POS, keep the pool, stop cleanly."""

    def __init__(self, options: RelayOptions, source: TargetSource, *,
                 on_delivery: Callable[[Delivery], None] | None = None,
                 routes: Mapping[str, TargetSource] | None = None) -> None:
        """*source* gives the company account's targets; *routes* maps a sender address
        to the source of its own account (one pool per distinct source)."""
        check_options(options)
        self.options = options
        self.pool = UpstreamPool(source, options.limits)
        pools: dict[int, UpstreamPool] = {id(source): self.pool}
        self.routes: dict[str, UpstreamPool] = {}
        for sender, route in (routes or {}).items():
            if id(route) not in pools:
                pools[id(route)] = UpstreamPool(route, options.limits)
            self.routes[address_key(sender)] = pools[id(route)]
        self.pools = list(pools.values())
        self.state = RelayState()
        self.on_delivery = on_delivery
        self.server: asyncio.base_events.Server | None = None
        self.sessions: set[Any] = set()
        self.in_flight = 0
        self.idle = asyncio.Event()
        self.idle.set()
        self.spool: Any = None
        self.deliverer: Any = None

    def pool_for(self, sender: str) -> UpstreamPool:
        """The pool of the account *sender* goes out through (the company's by default)."""
        return self.routes.get(address_key(sender), self.pool) if sender else self.pool

    @property
    def address(self) -> tuple[str, int]:
        assert self.server is not None
        sockname = self.server.sockets[0].getsockname()
        return sockname[0], sockname[1]

    def _protocol(self) -> Any:
        from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

        from ..sandbox_smtp import quiet_aiosmtpd_deprecation

        quiet_aiosmtpd_deprecation()
        options = self.options
        relay = self

        def authenticator(server: Any, session: Any, envelope: Any, mechanism: str,
                          auth_data: Any) -> AuthResult:
            if not isinstance(auth_data, LoginPassword) or options.password is None:
                return AuthResult(success=False, handled=False)
            login = auth_data.login.decode("utf-8", "replace")
            password = auth_data.password
            ok = hmac.compare_digest(login.lower().encode(), options.username.lower().encode()) \
                and hmac.compare_digest(password, options.password.encode("utf-8"))
            return AuthResult(success=ok, handled=False, auth_data=login if ok else None)

        class RelaySMTP(SMTP):  # type: ignore[misc]
            def connection_made(self, transport: asyncio.BaseTransport) -> None:
                super().connection_made(transport)
                relay.sessions.add(self)

            def connection_lost(self, error: Exception | None) -> None:
                session = self.session
                relay.sessions.discard(self)
                super().connection_lost(error)
                if session is not None:
                    asyncio.get_running_loop().create_task(relay.end_transaction(session))

        with warnings.catch_warnings():
            # Login without TLS is deliberate on loopback only (check_options): nothing
            # leaves the computer, and many POS programs cannot do STARTTLS.
            warnings.filterwarnings("ignore", "Requiring AUTH while not requiring TLS")
            return self._smtp(RelaySMTP, authenticator)

    def _smtp(self, smtp_class: Any, authenticator: Any) -> Any:
        options = self.options
        return smtp_class(
            RelayHandler(self), hostname=options.hostname, ident="comelin-tui relay",
            data_size_limit=options.data_size_limit, enable_SMTPUTF8=True,
            tls_context=options.tls_context, require_starttls=False,
            auth_required=options.require_auth,
            # On loopback the login may go without TLS: nothing leaves the computer.
            auth_require_tls=not is_loopback(options.host),
            authenticator=authenticator, timeout=300,
        )

    async def start(self) -> tuple[str, int]:
        loop = asyncio.get_running_loop()
        try:
            self.server = await loop.create_server(self._protocol, self.options.host,
                                                   self.options.port)
        except OSError as error:
            raise RelayError("relay.listen_failed", host=self.options.host,
                             port=self.options.port,
                             reason=error.strerror or str(error)) from None
        for pool in self.pools:
            pool.start()
        if self.options.queue_folder is not None:
            from .relay_queue import Deliverer, Spool

            self.spool = Spool(self.options.queue_folder).open()
            self.deliverer = Deliverer(self.spool, self.pool, self.options.notice_to,
                                       on_result=self._queue_result, pool_for=self.pool_for)
            self.deliverer.start()
        return self.address

    async def stop(self, grace: float = 30.0) -> None:
        """Stop listening, let the messages in flight finish (within *grace*), then close."""
        if self.server is not None:
            self.server.close()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(grace):
                await self.idle.wait()
        for protocol in list(self.sessions):
            transport = getattr(protocol, "transport", None)
            if transport is not None:
                transport.close()
        if self.deliverer is not None:
            await self.deliverer.stop(grace)
        if self.spool is not None:
            self.spool.close()
        for pool in self.pools:
            await pool.close()
        if self.server is not None:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(2.0):
                    await self.server.wait_closed()

    # -- the queue ----------------------------------------------------------------------------

    async def enqueue(self, envelope: Any) -> str:
        """Queue mode: 250 once the message is on disk, fsynced; delivery comes after."""
        payload = envelope.original_content or envelope.content or b""
        if isinstance(payload, str):
            payload = payload.encode("utf-8", "surrogateescape")
        delivery = Delivery(sender=envelope.mail_from or "", recipients=list(envelope.rcpt_tos),
                            size=len(payload))
        try:
            message = await asyncio.to_thread(self.spool.store, envelope.mail_from or "",
                                              list(envelope.rcpt_tos), payload)
        except OSError as error:
            delivery.reply = f"451 4.3.0 Cannot queue the message now ({error.strerror})"
            delivery.status = "temporary"
            self._record(delivery)
            return delivery.reply
        self.deliverer.wake.set()
        return f"250 2.0.0 Queued as {message.id}"

    def _queue_result(self, message: Any, result: str) -> None:
        status = {"ok": "ok", "retry": "temporary"}.get(result, "fail")
        self._record(Delivery(sender=message.sender, recipients=list(message.recipients),
                              size=message.size, reply=message.last_reply or "250 delivered",
                              code=message.last_diagnosis, status=status,
                              queue_id=message.id))

    # -- transactions -------------------------------------------------------------------------

    def opening_failed(self, error: BaseException) -> str:
        """The reply when no upstream connection could be opened (and its log line)."""
        from ..diagnostics.upstream import UpstreamError

        if isinstance(error, UpstreamError):
            diagnosis = error.diagnosis
            code = diagnosis.code if diagnosis else "unknown"
            if code == "auth.oauth_failed":
                self.pool.refresh_token = True  # the next opening asks for a new token
                # (a profile's own account signs in with a password: only the company's)
            if error.temporary:
                reply = UPSTREAM_DOWN.format(code=code)
                status = "temporary"
            else:
                summary = " ".join(str(diagnosis.summary).split()) if diagnosis else ""
                reply = UPSTREAM_REFUSED.format(code=code, summary=summary)[:500]
                status = "fail"
        elif isinstance(error, ComelinError) and getattr(error, "kind", "") != "network":
            # No token (signed out, refresh refused), no secret: a setting to fix.
            code, diagnosis, status = error.key, None, "fail"
            reply = UPSTREAM_REFUSED.format(code=code, summary=" ".join(
                str(error.message("en")).split()))[:500]
        else:
            code = getattr(error, "key", type(error).__name__)
            reply, status, diagnosis = UPSTREAM_DOWN.format(code=code), "temporary", None
        delivery = Delivery(sender="", reply=reply, code=code, diagnosis=diagnosis,
                            status=status)
        self._record(delivery)
        return reply

    async def finish(self, session: Any, verdict: Verdict | None, *, reply: str = "",
                     status: str | None = None) -> None:
        """The transaction is over (accepted, refused or broken): log it, free the upstream."""
        delivery: Delivery | None = getattr(session, "comelin_delivery", None)
        upstream: Upstream | None = getattr(session, "comelin_upstream", None)
        pool: UpstreamPool = getattr(session, "comelin_pool", None) or self.pool
        session.comelin_delivery = session.comelin_upstream = None
        if delivery is not None:
            if verdict is not None:
                delivery.reply = str(verdict)
                delivery.queue_id = verdict.queue_id
                if verdict.diagnosis is not None:
                    delivery.code, delivery.diagnosis = verdict.diagnosis.code, verdict.diagnosis
                delivery.status = ("ok" if verdict.accepted else
                                   "temporary" if verdict.temporary else "fail")
            else:
                delivery.reply, delivery.status = reply, status or "temporary"
            self._record(delivery)
        if upstream is not None:
            await pool.release(upstream)
            self.end()

    def begin(self) -> None:
        self.in_flight += 1
        self.idle.clear()

    def end(self) -> None:
        self.in_flight -= 1
        if self.in_flight <= 0:
            self.in_flight = 0
            self.idle.set()

    async def end_transaction(self, session: Any) -> None:
        """A transaction the POS left (RSET, QUIT, hung up): free its upstream, log nothing
        new unless a message was under way."""
        upstream: Upstream | None = getattr(session, "comelin_upstream", None)
        delivery: Delivery | None = getattr(session, "comelin_delivery", None)
        if upstream is None:
            return
        pool: UpstreamPool = getattr(session, "comelin_pool", None) or self.pool
        session.comelin_delivery = session.comelin_upstream = None
        if delivery is not None and delivery.refused:
            self._record(delivery)  # every recipient refused: the POS gave up before DATA
        await pool.release(upstream)
        self.end()

    def _record(self, delivery: Delivery) -> None:
        state = self.state
        if delivery.status == "ok":
            state.accepted += 1
        elif delivery.status == "temporary":
            state.temporary += 1
        else:
            state.refused += 1
        record = delivery.to_json()
        state.last.append(record)
        if self.on_delivery is not None:
            self.on_delivery(delivery)
        if self.options.log:
            from ..attempt_log import append_record

            try:
                append_record(record, self.options.log_path)
            except OSError as error:
                log.warning("attempt log not written: %s", error)
