"""Port and encryption probing: which port/security combination does answer?

When the configured combination fails early (connect, TLS, greeting,
STARTTLS), the usual submission ports are tried on the same host, all at once,
each bounded by the same timeout, so a port that silently drops packets costs
one timeout in total, not one per candidate. A probe says EHLO and QUIT only
(plus STARTTLS and a second EHLO for STARTTLS candidates, to prove TLS works);
it never authenticates or sends mail.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from ..i18n import m, register
from ..labels import security_label
from .model import Security, Suggestion, Target
from .redact import Redactor
from .smtpio import (
    SmtpConnection,
    connect_socket,
    describe_error,
    extension_summary,
    open_connection,
    parse_ehlo,
)
from .tlsinfo import CaFileError, client_context, fingerprint, normalise_fingerprint

register({
    "probe.ok": {"fr": "EHLO accepté ; {extensions}", "en": "EHLO accepted; {extensions}"},
    "probe.no_starttls": {
        "fr": "STARTTLS n'est pas offert", "en": "STARTTLS is not offered",
    },
    "probe.pin_mismatch": {
        "fr": "le certificat ne correspond pas à l'empreinte épinglée",
        "en": "the certificate does not match the pinned fingerprint",
    },
    "probe.reason.wrong_mode": {
        "fr": "Le port {port} répond en {security}, pas en {configured}. Vérifié : {verified}.",
        "en": "Port {port} answers with {security}, not {configured}. Tested: {verified}.",
    },
    "probe.reason.works": {
        "fr": "Le port {port} en {security} fonctionne. Vérifié : {verified}.",
        "en": "Port {port} with {security} works. Tested: {verified}.",
    },
    "probe.verified.tls": {"fr": "{security}, EHLO accepté", "en": "{security}, EHLO accepted"},
    "probe.verified.auth": {
        "fr": "{security}, AUTH {mechanisms} offert", "en": "{security}, AUTH {mechanisms} offered",
    },
    "probe.reason.use_starttls": {
        "fr": "Le serveur offre STARTTLS sur le port {port} : chiffrez la connexion "
              "avant d'envoyer le mot de passe.",
        "en": "The server offers STARTTLS on port {port}: encrypt the connection "
              "before sending the password.",
    },
})


class Candidate(NamedTuple):
    """A port and security combination to try."""

    port: int
    security: Security


# Encrypted first (as Thunderbird's autoconfig does), then the plain relays.
DEFAULT_CANDIDATES: tuple[Candidate, ...] = (
    Candidate(587, "starttls"),
    Candidate(465, "implicit_tls"),
    Candidate(25, "starttls"),
    Candidate(2525, "starttls"),
)


@dataclass
class ProbeResult:
    """What one candidate did: ``ok`` when EHLO (and TLS, when asked) worked."""

    candidate: Candidate
    ok: bool
    detail: str
    extensions: dict[str, str] = field(default_factory=dict)
    duration_ms: int = 0
    transcript: list[str] = field(default_factory=list)
    # What went wrong, as a contract code ("connect.refused", "connect.timeout"...).
    error: str | None = None
    # Who issued the certificate, when TLS was established (an antivirus CA shows here).
    issuer: str | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "port": self.candidate.port,
            "security": self.candidate.security,
            "ok": self.ok,
            "detail": self.detail,
            "duration_ms": self.duration_ms,
            "auth": self.extensions.get("AUTH", "").upper().split(),
        }
        if self.error:
            data["error"] = self.error
        if self.issuer:
            data["issuer"] = self.issuer
        return data


async def _connect(host: str, port: int) -> socket.socket:
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                   proto=socket.IPPROTO_TCP)
    error: BaseException = OSError(f"no address for {host}")
    for family, _type, _proto, _name, sockaddr in infos:
        try:
            return await connect_socket(family, sockaddr)
        except OSError as exc:
            error = exc
    raise error


async def _upgrade(conn: SmtpConnection, host: str, ca_file: Path | None,
                   pinned: str | None, lang: str | None = None) -> None:
    if pinned:
        # A pinned certificate is trusted by its fingerprint alone, as in the engine.
        await conn.start_tls(client_context(verify=False), host)
        der = conn.ssl_object.getpeercert(binary_form=True) if conn.ssl_object else None
        if not der or fingerprint(der) != pinned:
            raise ssl.SSLError(m("probe.pin_mismatch", lang))
    else:
        await conn.start_tls(client_context(ca_file), host)


def _issuer(ssl_object: ssl.SSLObject) -> str | None:
    from .tlsinfo import session_facts

    try:
        issuer = session_facts(ssl_object, verified=True).get("issuer")
    except Exception:  # noqa: BLE001 - only a clue
        return None
    return str(issuer) if issuer else None


async def probe_one(
    host: str,
    candidate: Candidate,
    *,
    timeout: float,
    ca_file: Path | None = None,
    address: str | None = None,
    helo_name: str = "localhost",
    pinned_fingerprint: str | None = None,
    lang: str | None = None,
) -> ProbeResult:
    """Try one candidate: connect, [TLS], greeting, EHLO, [STARTTLS, EHLO], QUIT."""
    started = time.monotonic()
    transcript: list[str] = []
    conn: SmtpConnection | None = None
    server_name = host.strip("[]")
    pinned = normalise_fingerprint(pinned_fingerprint) if pinned_fingerprint else None
    result = ProbeResult(candidate, False, "")
    try:
        async with asyncio.timeout(timeout):
            sock = await _connect(address or server_name, candidate.port)
            conn = await open_connection(sock, Redactor(), transcript.append)
            if candidate.security == "implicit_tls":
                await _upgrade(conn, server_name, ca_file, pinned, lang)
            await conn.expect(None, 220)
            extensions = parse_ehlo(await conn.expect(f"EHLO {helo_name}", 250))
            if candidate.security == "starttls":
                if "STARTTLS" not in extensions:
                    result.detail = m("probe.no_starttls", lang)
                    result.extensions = extensions
                    return result
                await conn.expect("STARTTLS", 220)
                await _upgrade(conn, server_name, ca_file, pinned, lang)
                extensions = parse_ehlo(await conn.expect(f"EHLO {helo_name}", 250))
            result.ok = True
            result.extensions = extensions
            if conn.ssl_object is not None:
                result.issuer = _issuer(conn.ssl_object)
            result.detail = m("probe.ok", lang, extensions=extension_summary(extensions))
            with contextlib.suppress(Exception):
                await conn.command("QUIT")
    except CaFileError as exc:
        result.detail = str(exc)
        result.error = "config.invalid"
    except Exception as exc:  # noqa: BLE001 - every failure is a result, never a crash
        from .engine_common import engine_code

        result.detail = describe_error(exc, timeout, lang)
        result.error = engine_code("connect", exc) or "unknown"
    finally:
        if conn is not None:
            conn.abort()
        result.duration_ms = int((time.monotonic() - started) * 1000)
        result.transcript = transcript
    return result


async def probe_candidates(
    host: str,
    candidates: Iterable[Candidate],
    *,
    timeout: float,
    ca_file: Path | None = None,
    address: str | None = None,
    helo_name: str = "localhost",
    pinned_fingerprint: str | None = None,
    lang: str | None = None,
) -> list[ProbeResult]:
    """Probe every candidate in parallel; results in the candidates' order.

    Each probe is bounded by *timeout*, so the whole call takes at most about
    one timeout. Cancelling the call cancels every probe and closes its socket.
    """
    async with asyncio.TaskGroup() as group:
        tasks = [
            group.create_task(probe_one(
                host, candidate, timeout=timeout, ca_file=ca_file, address=address,
                helo_name=helo_name, pinned_fingerprint=pinned_fingerprint, lang=lang,
            ))
            for candidate in candidates
        ]
    return [task.result() for task in tasks]


def candidates_for(target: Target, candidates: Sequence[Candidate] | None = None) -> list[Candidate]:
    """What to probe after *target* failed: its port with the other security mode,
    then the usual candidates, without the failing combination itself."""
    other: Security = "starttls" if target.security == "implicit_tls" else "implicit_tls"
    ordered = [Candidate(target.port, other), *(candidates or DEFAULT_CANDIDATES)]
    seen: set[Candidate] = {Candidate(target.port, target.security)}
    result = []
    for candidate in ordered:
        if candidate not in seen:
            seen.add(candidate)
            result.append(candidate)
    return result


def _offers_usable_auth(result: ProbeResult, target: Target) -> bool:
    mechanisms = result.extensions.get("AUTH", "").upper().split()
    if target.auth == "oauth2":
        return "XOAUTH2" in mechanisms
    return bool({"PLAIN", "LOGIN"} & set(mechanisms))


def best_result(results: Sequence[ProbeResult], target: Target) -> ProbeResult | None:
    """The working candidate to suggest, or None: with a login, only candidates that
    offer a mechanism these settings can use count; the same port in another mode
    first (the settings only got the mode wrong), then the candidates' own order."""
    # With a login, a candidate counts only if it offers a way to log in that these
    # settings can use: a port 25 that answers EHLO but offers no AUTH would fail the same.
    working = [(i, r) for i, r in enumerate(results)
               if r.ok and (target.auth == "none" or _offers_usable_auth(r, target))]
    if not working:
        return None

    def rank(item: tuple[int, ProbeResult]) -> tuple[int, int, int]:
        index, result = item
        same_port = 0 if result.candidate.port == target.port else 1
        auth = 0 if target.auth == "none" or _offers_usable_auth(result, target) else 1
        return same_port, auth, index

    return min(working, key=rank)[1]


def is_wrong_mode(result: ProbeResult, target: Target) -> bool:
    """The configured port works, only with another security mode."""
    return result.candidate.port == target.port and result.candidate.security != target.security


def suggestion_for(result: ProbeResult, target: Target, lang: str | None = None) -> Suggestion:
    """A :class:`Suggestion` with the evidence in its reason."""
    port, security = result.candidate
    mechanisms = " ".join(result.extensions.get("AUTH", "").upper().split())
    if target.auth != "none" and mechanisms:
        verified = m("probe.verified.auth", lang, security=security_label(security, lang),
                     mechanisms=mechanisms)
    else:
        verified = m("probe.verified.tls", lang, security=security_label(security, lang))
    if is_wrong_mode(result, target):
        reason = m("probe.reason.wrong_mode", lang, port=port,
                   security=security_label(security, lang),
                   configured=security_label(target.security, lang), verified=verified)
    else:
        reason = m("probe.reason.works", lang, port=port,
                   security=security_label(security, lang), verified=verified)
    return Suggestion(port=port, security=security, reason=reason)


class BackgroundProbe:
    """Probing that can start early, while a slow step is still waiting.

    The engine arms it when a watched step starts: if the step is still
    pending after half its timeout, probing starts then, overlapping the wait,
    so a hanging server costs about one and a half timeouts, not two. A step
    that succeeds disarms it (and cancels probes already running).
    """

    def __init__(self, host: str, candidates: Sequence[Candidate], *, timeout: float,
                 ca_file: Path | None, helo_name: str, pinned_fingerprint: str | None,
                 lang: str | None) -> None:
        self.host = host
        self.candidates = list(candidates)
        self.timeout = timeout
        self.ca_file = ca_file
        self.helo_name = helo_name
        self.pinned_fingerprint = pinned_fingerprint
        self.lang = lang
        self.address: str | None = None
        self._handle: asyncio.TimerHandle | None = None
        self._task: asyncio.Task[list[ProbeResult]] | None = None

    def arm(self, delay: float) -> None:
        """Start probing after *delay* seconds unless disarmed before."""
        if self._handle is None and self._task is None:
            self._handle = asyncio.get_running_loop().call_later(delay, self.start)

    def start(self) -> None:
        """Start probing now (no-op when already started)."""
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
        if self._task is None and self.candidates:
            self._task = asyncio.get_running_loop().create_task(probe_candidates(
                self.host, self.candidates, timeout=self.timeout, ca_file=self.ca_file,
                address=self.address, helo_name=self.helo_name,
                pinned_fingerprint=self.pinned_fingerprint, lang=self.lang,
            ))

    @property
    def started(self) -> bool:
        return self._task is not None

    def disarm(self) -> None:
        """Cancel the timer and any probes in flight."""
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
        if self._task is not None:
            self._task.cancel()
            self._task = None

    async def aclose(self) -> None:
        """Cancel everything and wait (briefly) until every probe socket is closed."""
        task = self._task
        self.disarm()
        if task is not None and not task.done():
            await asyncio.wait([task], timeout=1.0)

    @property
    def task(self) -> asyncio.Task[list[ProbeResult]] | None:
        """The probe under way (or done), if it started."""
        return self._task

    async def results(self) -> list[ProbeResult]:
        """Start if needed and wait for every probe (each bounded by the timeout)."""
        self.start()
        if self._task is None:
            return []
        return await self._task
