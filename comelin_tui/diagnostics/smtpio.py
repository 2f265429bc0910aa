"""A small SMTP client connection over asyncio streams, built for diagnosis.

Why not aiosmtplib: the engine needs to own every step (connect to one
address at a time, upgrade to TLS on a socket it already holds, read the
certificate of a failed handshake again), to see every line sent and received
for the transcript (with redaction applied before anything is stored), and to
bound what a hostile server can make it read. A few dozen lines of protocol do
that with less machinery than wrapping a full client.

Limits (a hostile server cannot make the client read forever or hoard memory):
a reply line is at most :data:`MAX_LINE` bytes, a reply at most
:data:`MAX_REPLY_LINES` lines and :data:`MAX_REPLY_BYTES` bytes. Deadlines are
the caller's business (``asyncio.timeout`` around each step).
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import socket
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field

from ..i18n import m, register
from .redact import RECEIVED, Redactor, sanitize_text

MAX_LINE = 2048
MAX_REPLY_LINES = 100
MAX_REPLY_BYTES = 64 * 1024
_READ_CHUNK = 4096

_REPLY_LINE_RE = re.compile(r"^([2-5][0-9][0-9])(?:([ -])(.*))?$", re.DOTALL)
_ENHANCED_RE = re.compile(r"^([245]\.[0-9]{1,3}\.[0-9]{1,3})\b")


class SmtpIOError(Exception):
    """Base of the errors this layer raises."""


class SmtpProtocolError(SmtpIOError):
    """The server sent something that is not an SMTP reply (or too much of it)."""

    def __init__(self, reason: str, excerpt: str = "") -> None:
        self.reason = reason  # "not_smtp" | "line_too_long" | "too_many_lines" | "reply_too_big"
        self.excerpt = excerpt
        super().__init__(f"{reason}: {excerpt}" if excerpt else reason)


class SmtpDisconnected(SmtpIOError, ConnectionResetError):
    """The server closed the connection (EOF) while a reply was expected."""

    def __init__(self, partial: str = "") -> None:
        self.partial = partial
        super().__init__("connection closed by the server")


@dataclass(frozen=True)
class Reply:
    """One SMTP reply: a code and its text lines (without the code)."""

    code: int
    lines: tuple[str, ...] = field(default_factory=tuple)

    @property
    def text(self) -> str:
        """All text lines joined by spaces (what classification reads)."""
        return " ".join(line.strip() for line in self.lines if line.strip())

    @property
    def enhanced(self) -> str | None:
        """The enhanced status code (``5.7.8``) when the server sent one."""
        for line in self.lines:
            match = _ENHANCED_RE.match(line.strip())
            if match:
                return match.group(1)
        return None

    @property
    def ok(self) -> bool:
        return 200 <= self.code < 400

    def __str__(self) -> str:
        return f"{self.code} {self.text}".strip()


class ReplyError(SmtpIOError):
    """The server answered a command with an unexpected reply code."""

    def __init__(self, command: str, reply: Reply) -> None:
        self.command = command
        self.reply = reply
        super().__init__(str(reply))




class SmtpConnection:
    """One client connection: send lines, read bounded replies, upgrade to TLS.

    Every line goes through the :class:`Redactor` before it reaches *record*
    (the transcript sink), and so does every reply and excerpt of what the server
    sent, so nothing secret is ever stored, whatever the server echoes.
    """

    def __init__(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        redactor: Redactor,
        record: Callable[[str], None] | None = None,
    ) -> None:
        self.reader = reader
        self.writer = writer
        self.redactor = redactor
        self.record: Callable[[str], None] = record or (lambda line: None)
        self._buffer = bytearray()
        self.closed = False
        self.greeted = False  # the 220 greeting was read: the conversation is in step

    # -- TLS -----------------------------------------------------------------

    @property
    def ssl_object(self) -> ssl.SSLObject | None:
        return self.writer.get_extra_info("ssl_object")

    @property
    def encrypted(self) -> bool:
        return self.ssl_object is not None

    async def start_tls(self, context: ssl.SSLContext, server_hostname: str) -> None:
        """Upgrade to TLS (implicit TLS or after a 220 reply to STARTTLS)."""
        # Bytes the server sent before the handshake would otherwise be read as if
        # they came over TLS (STARTTLS response injection): those already in our
        # line buffer, and those the stream reader holds beyond the last chunk read.
        pending = bytes(self._buffer) + bytes(getattr(self.reader, "_buffer", b""))
        if pending:
            raise SmtpProtocolError("not_smtp", self._excerpt(pending))
        await self.writer.start_tls(context, server_hostname=server_hostname)

    # -- sending -------------------------------------------------------------

    async def send(self, line: str, *, secret: bool = False) -> None:
        """Send one command line (CRLF added) and record it, redacted."""
        self.record(self.redactor.sent(line, secret=secret))
        self.writer.write(line.encode("utf-8") + b"\r\n")
        await self.writer.drain()

    async def send_data(self, payload: bytes, *, message_size: int | None = None) -> None:
        """Send a message body already dot-stuffed and ending with ``CRLF.CRLF``.

        The transcript gives *message_size*, the message's own size as MAIL FROM's SIZE=
        declared it (without the doubled dots and the final dot), when it is known."""
        size = len(payload) if message_size is None else message_size
        self.record(f"-> [message: {size} bytes]")
        self.writer.write(payload)
        await self.writer.drain()

    async def command(self, line: str, *, secret: bool = False) -> Reply:
        """Send *line* and read the reply."""
        await self.send(line, secret=secret)
        return await self.read_reply()

    # -- reading -------------------------------------------------------------

    def _excerpt(self, data: bytes | bytearray, limit: int = 80) -> str:
        """The start of what the server sent, safe to show (masked before it is cut,
        so that no piece of a secret is left at the cut)."""
        text = self.redactor.server_text(bytes(data).decode("utf-8", "replace"))
        return text[:limit] + ("..." if len(text) > limit else "")

    async def _read_line(self) -> bytes:
        while True:
            end = self._buffer.find(b"\n")
            if end >= 0:
                line = bytes(self._buffer[:end])
                del self._buffer[: end + 1]
                if len(line) > MAX_LINE:
                    raise SmtpProtocolError("line_too_long", self._excerpt(line))
                return line.rstrip(b"\r")
            if len(self._buffer) > MAX_LINE:
                raise SmtpProtocolError("line_too_long", self._excerpt(self._buffer))
            chunk = await self.reader.read(_READ_CHUNK)
            if not chunk:
                raise SmtpDisconnected(self._excerpt(self._buffer))
            self._buffer.extend(chunk)

    async def read_reply(self) -> Reply:
        """Read one (possibly multi-line) reply, within the size limits."""
        code: str | None = None
        lines: list[str] = []
        total = 0
        while True:
            raw = await self._read_line()
            total += len(raw) + 2
            text = raw.decode("utf-8", "replace")
            match = _REPLY_LINE_RE.match(text)
            if not match or (code is not None and match.group(1) != code):
                self.record(RECEIVED + self._excerpt(raw, 200))
                raise SmtpProtocolError("not_smtp", self._excerpt(raw))
            self.record(self.redactor.received(text))
            code = match.group(1)
            lines.append(self.redactor.server_text(match.group(3) or ""))
            if match.group(2) != "-":
                return Reply(int(code), tuple(lines))
            if len(lines) >= MAX_REPLY_LINES:
                raise SmtpProtocolError("too_many_lines", str(len(lines)))
            if total > MAX_REPLY_BYTES:
                raise SmtpProtocolError("reply_too_big", str(total))

    async def expect(self, command: str | None, *codes: int, secret: bool = False) -> Reply:
        """Send *command* (or nothing) and return the reply if its code is in *codes*."""
        reply = await (self.command(command, secret=secret) if command else self.read_reply())
        if reply.code not in codes:
            raise ReplyError(command or "", reply)
        return reply

    # -- closing -------------------------------------------------------------

    def abort(self) -> None:
        """Close the socket at once, without any goodbye (cancellation, errors)."""
        if self.closed:
            return
        self.closed = True
        transport = self.writer.transport
        with contextlib.suppress(Exception):
            transport.abort()

    async def close(self, timeout: float = 1.0) -> None:
        """Close politely (TLS close_notify) but never wait more than *timeout*."""
        if self.closed:
            return
        self.closed = True
        try:
            self.writer.close()
            async with asyncio.timeout(timeout):
                await self.writer.wait_closed()
        except asyncio.CancelledError:
            self.writer.transport.abort()
            raise
        except Exception:  # noqa: BLE001 - closing must never fail a run
            self.writer.transport.abort()


async def connect_socket(family: int, sockaddr: tuple) -> socket.socket:
    """A TCP socket connected to one resolved address (closed again on any failure)."""
    loop = asyncio.get_running_loop()
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setblocking(False)
        await loop.sock_connect(sock, sockaddr)
    except BaseException:
        sock.close()
        raise
    return sock


async def open_connection(
    sock: socket.socket,
    redactor: Redactor,
    record: Callable[[str], None] | None = None,
) -> SmtpConnection:
    """Wrap a connected socket in an :class:`SmtpConnection`."""
    try:
        reader, writer = await asyncio.open_connection(sock=sock)
    except BaseException:
        sock.close()
        raise
    return SmtpConnection(reader, writer, redactor, record)


# -- helpers shared by the engine and the prober ------------------------------

def parse_ehlo(reply: Reply) -> dict[str, str]:
    """EHLO extensions as ``{"SIZE": "35882577", "AUTH": "PLAIN LOGIN", ...}``.

    The first line is the server's name. Old servers also write ``AUTH=LOGIN``;
    both forms are merged.
    """
    extensions: dict[str, str] = {}
    for line in reply.lines[1:]:
        words = line.strip().split(None, 1)
        if not words:
            continue
        keyword, _, inline = words[0].partition("=")
        keyword = keyword.upper()
        params = " ".join(p for p in (inline, words[1] if len(words) > 1 else "") if p)
        if keyword in extensions and params:
            merged = extensions[keyword].split() + [
                p for p in params.split() if p not in extensions[keyword].split()
            ]
            extensions[keyword] = " ".join(merged)
        else:
            extensions[keyword] = params
    return extensions


def reply_lines(reply: Reply) -> list[str]:
    """A reply as it came on the wire: ``250-first``, ..., ``250 last`` (text sanitised)."""
    lines = reply.lines or ("",)
    last = len(lines) - 1
    return [f"{reply.code}{' ' if i == last else '-'}{line}".rstrip()
            for i, line in enumerate(lines)]


def extension_facts(extensions: dict[str, str]) -> dict[str, object]:
    """The EHLO facts the contract names (SIZE, STARTTLS, AUTH, SMTPUTF8, 8BITMIME)."""
    size_text = extensions.get("SIZE", "").split()
    return {
        "extensions": dict(extensions),
        "size": int(size_text[0]) if size_text and size_text[0].isdigit() else None,
        "starttls": "STARTTLS" in extensions,
        "auth": extensions.get("AUTH", "").upper().split(),
        "smtputf8": "SMTPUTF8" in extensions,
        "8bitmime": "8BITMIME" in extensions,
    }


def extension_summary(extensions: dict[str, str]) -> str:
    """``SIZE 35882577, STARTTLS, AUTH PLAIN LOGIN`` (the ones that matter, in a fixed order)."""
    parts = []
    for keyword in ("SIZE", "STARTTLS", "AUTH", "SMTPUTF8", "8BITMIME"):
        if keyword in extensions:
            parts.append(f"{keyword} {extensions[keyword]}".strip())
    return ", ".join(parts) if parts else "-"


register({
    "smtpio.timeout": {
        "fr": "aucune réponse en {seconds} s", "en": "no answer within {seconds} s",
    },
    "smtpio.refused": {"fr": "connexion refusée", "en": "connection refused"},
    "smtpio.tls_failed": {
        "fr": "échec de la négociation TLS ({reason})", "en": "TLS handshake failed ({reason})",
    },
    "smtpio.disconnected": {
        "fr": "le serveur a fermé la connexion", "en": "the server closed the connection",
    },
    "smtpio.not_smtp": {
        "fr": "réponse qui n'est pas du SMTP : « {excerpt} »",
        "en": "reply that is not SMTP: \"{excerpt}\"",
    },
    "smtpio.line_too_long": {
        "fr": "ligne de réponse de plus de {limit} octets : « {excerpt} »",
        "en": "reply line longer than {limit} bytes: \"{excerpt}\"",
    },
    "smtpio.too_many_lines": {
        "fr": "réponse de plus de {limit} lignes", "en": "reply longer than {limit} lines",
    },
    "smtpio.reply_too_big": {
        "fr": "réponse de plus de {limit} octets", "en": "reply larger than {limit} bytes",
    },
})


def describe_error(exc: BaseException, timeout: float, lang: str | None = None) -> str:
    """A short, translated description of a network or protocol error, for a detail line."""
    if isinstance(exc, ReplyError):
        return str(exc.reply)
    if isinstance(exc, SmtpProtocolError):
        limits = {"line_too_long": MAX_LINE, "too_many_lines": MAX_REPLY_LINES,
                  "reply_too_big": MAX_REPLY_BYTES}
        return m(f"smtpio.{exc.reason}", lang, excerpt=exc.excerpt,
                 limit=limits.get(exc.reason, ""))
    if isinstance(exc, SmtpDisconnected | asyncio.IncompleteReadError | BrokenPipeError):
        return m("smtpio.disconnected", lang)
    if isinstance(exc, TimeoutError):
        return m("smtpio.timeout", lang, seconds=f"{round(timeout, 1):g}")
    if isinstance(exc, ConnectionRefusedError):
        return m("smtpio.refused", lang)
    if isinstance(exc, ssl.SSLCertVerificationError):
        return sanitize_text(str(exc.verify_message or exc))
    if isinstance(exc, ssl.SSLError):
        # An SSLError built in Python (not by OpenSSL) has no ``reason`` attribute.
        reason = getattr(exc, "reason", None) or exc
        return m("smtpio.tls_failed", lang, reason=sanitize_text(str(reason)))
    if isinstance(exc, ConnectionError):
        return m("smtpio.disconnected", lang)
    if isinstance(exc, OSError):
        return sanitize_text(exc.strerror or str(exc) or type(exc).__name__)
    return sanitize_text(f"{type(exc).__name__}: {exc}")
