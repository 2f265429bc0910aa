"""The sandbox's SMTP side: aiosmtpd hooks and what the mailbox keeps.

Split from :mod:`comelin_tui.sandbox` (the server's life cycle and the demo
settings); imported only when a sandbox starts.
"""

from __future__ import annotations

import base64
import email.policy
import hmac
import logging
import secrets
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.parser import BytesParser
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .sandbox import Sandbox


@dataclass(frozen=True)
class Delivery:
    """One message the sandbox accepted, with its SMTP envelope."""

    message: EmailMessage
    mail_from: str
    rcpt_tos: tuple[str, ...]
    login: str | None
    tls: bool
    queue_id: str
    raw: bytes = field(repr=False)


@dataclass(frozen=True)
class LoginAttempt:
    """An AUTH attempt as the server saw it (never the password)."""

    mechanism: str
    login: str
    success: bool



def _drop_login_data_warning(record: logging.LogRecord) -> bool:
    return not str(record.msg).startswith("Session.login_data is deprecated")


def quiet_aiosmtpd_deprecation() -> None:
    """Drop aiosmtpd's warning about its own legacy attribute, set on every login.

    Without a logging set-up it would reach the terminal through logging's
    last-resort handler, in the middle of a demo check's output.
    """
    logger = logging.getLogger("mail.log")
    if _drop_login_data_warning not in logger.filters:
        logger.addFilter(_drop_login_data_warning)


class SandboxHandler:
    """aiosmtpd hooks: scripted replies, the mailbox, XOAUTH2."""

    def __init__(self, sandbox: Sandbox) -> None:
        self._sandbox = sandbox

    async def handle_MAIL(self, server: Any, session: Any, envelope: Any, address: str,
                          mail_options: list[str]) -> str:
        scripted = self._sandbox.replies.get("MAIL")
        if scripted:
            return scripted
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 2.1.0 Sender OK"

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: list[str]) -> str:
        scripted = self._sandbox.replies.get("RCPT")
        if scripted:
            return scripted
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 2.1.5 Recipient OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        scripted = self._sandbox.replies.get("DATA")
        if scripted:
            return scripted
        raw = envelope.original_content or envelope.content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        message = BytesParser(policy=email.policy.default).parsebytes(raw)
        queue_id = secrets.token_hex(5).upper()
        tls = session.ssl is not None or server.transport.get_extra_info("ssl_object") is not None
        self._sandbox._deliver(Delivery(
            message=message,  # type: ignore[arg-type]
            mail_from=envelope.mail_from or "",
            rcpt_tos=tuple(envelope.rcpt_tos),
            login=session.auth_data if isinstance(session.auth_data, str) else None,
            tls=tls,
            queue_id=queue_id,
            raw=raw,
        ))
        return f"250 2.0.0 Ok: queued as {queue_id}"

    async def auth_XOAUTH2(self, server: Any, args: list[str]) -> Any:
        """XOAUTH2 (RFC-less, Google/Microsoft style) with the sandbox's bearer token."""
        from aiosmtpd.smtp import AuthResult

        sandbox = self._sandbox
        if len(args) < 2:
            blob = await server.challenge_auth("", encode_to_b64=False)
            if not isinstance(blob, bytes):
                return AuthResult(success=False)
        else:
            try:
                blob = base64.b64decode(args[1], validate=True)
            except ValueError:
                await server.push("501 5.5.2 Can't decode base64")
                return AuthResult(success=False, handled=True)
        fields = dict(
            part.split("=", 1) for part in blob.decode("utf-8", "replace").split("\x01")
            if "=" in part
        )
        login = fields.get("user", "")
        token = fields.get("auth", "").removeprefix("Bearer ")
        ok = bool(sandbox.oauth_token) and login == sandbox.username and hmac.compare_digest(
            token.encode(), (sandbox.oauth_token or "").encode())
        sandbox._record_login(LoginAttempt("XOAUTH2", login, ok))
        if ok:
            return AuthResult(success=True, auth_data=login)
        # Like Google and Microsoft: an error JSON in a 334 challenge, then 535.
        error = base64.b64encode(b'{"status":"401","schemes":"bearer","scope":"smtp"}')
        await server.push(b"334 " + error)
        await server._reader.readline()
        await server.push("535 5.7.8 Username and Password not accepted")
        return AuthResult(success=False, handled=True)


SMTP_VERBS = frozenset({"HELO", "EHLO", "STARTTLS", "AUTH", "MAIL", "RCPT", "DATA", "BDAT",
                        "RSET", "NOOP", "QUIT", "VRFY", "EXPN", "HELP"})


class CommandLog:
    """The names of the SMTP commands in what a client sent (never their arguments,
    never a message line, never an AUTH continuation: only known command names)."""

    def __init__(self) -> None:
        self._partial = b""
        self._in_data = False

    def verbs(self, data: bytes) -> list[str]:
        lines = (self._partial + data).split(b"\n")
        self._partial = lines.pop()[-1024:]
        found = []
        for line in lines:
            line = line.rstrip(b"\r")
            if self._in_data:
                self._in_data = line != b"."
                continue
            word = line.split(b" ", 1)[0].split(b":", 1)[0].upper().decode("ascii", "replace")
            if word in SMTP_VERBS:
                found.append(word)
                self._in_data = word == "DATA"
        return found


def counting(smtp_class: Any) -> Any:
    """*smtp_class* (aiosmtpd's SMTP) telling the sandbox when a client comes and goes,
    and which commands it sent."""

    class CountingSMTP(smtp_class):  # type: ignore[misc,valid-type]
        def __init__(self, sandbox: Sandbox, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._sandbox = sandbox
            self._command_log = CommandLog()

        counted = False

        def data_received(self, data: bytes) -> None:
            # Before aiosmtpd reads it: a command it refuses unread (a non-ASCII line on
            # a server without SMTPUTF8) still counts as received.
            verbs = self._command_log.verbs(data)
            if verbs:
                self._sandbox._received(verbs)
            super().data_received(data)

        def connection_made(self, transport: Any) -> None:
            super().connection_made(transport)
            if not self.counted:  # STARTTLS calls it again for the same client
                self.counted = True
                self._sandbox._session_opened()

        async def push(self, status: Any) -> None:
            text = status.decode("ascii", "replace") if isinstance(status, bytes) else status
            # Once a reply (not once a line of a multi-line one), as latency works.
            if self._sandbox.reply_delay and text[3:4] != "-":
                import asyncio

                await asyncio.sleep(self._sandbox.reply_delay)
            await super().push(status)

        def connection_lost(self, error: Exception | None) -> None:
            if self.counted:
                self.counted = False
                self._sandbox._session_closed()
            super().connection_lost(error)

    return CountingSMTP
