"""Real messages to the provider, over the very path the test send proves.

An :class:`Upstream` opens its connection with the test send's own steps
(resolve, connect, tls, banner, ehlo, starttls, auth: same code, same checks,
same diagnosis), then carries any number of messages over it (RSET between
them), each command answered with a :class:`Verdict`: the provider's reply, and
when it refused, the diagnosis the classifier gives it with the whole run's
facts. The relay and ``comelin-tui send`` use it; neither speaks SMTP upstream
any other way.

Nothing here waits without a deadline: every command has the target's timeout.
A connection that broke (timeout, disconnect, garbage) is not used again.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .addresses import NeedsSmtputf8, local_part_is_ascii, wire_address
from .engine_connect import CONNECTION_STEPS
from .engine_mail import MAIL_STEPS, queue_id
from .message import dot_stuff
from .model import Diagnosis, RunResult, Step, StepId
from .smtpio import Reply, SmtpIOError

if TYPE_CHECKING:
    from .engine import CheckRun
    from .model import Target

OnStep = Callable[[Step], None]

# The steps that open the connection, in the contract's order.
OPENING_STEPS: tuple[StepId, ...] = (
    "resolve", "connect", "tls", "banner", "ehlo", "starttls", "auth")
# Diagnoses that say "try again later", not "this cannot work": the POS hears 451.
TEMPORARY_CODES = frozenset({
    "dns.unavailable", "connect.refused", "connect.timeout", "connect.unreachable",
    "smtp.banner_timeout", "smtp.service_unavailable", "smtp.disconnected",
    "smtp.protocol_error", "auth.rate_limited", "rate.limited", "unknown",
    # A filtered or broken resolver (a captive portal, a VPN): fixed on this box, not
    # in the settings, and the messages can wait for it.
    "dns.resolver_broken",
})


@dataclass(frozen=True)
class Verdict:
    """The provider's answer to one command of a real message."""

    code: int
    lines: tuple[str, ...] = ()
    diagnosis: Diagnosis | None = None
    queue_id: str | None = None
    # True when the answer is ours (timeout, broken connection), not the provider's.
    local: bool = False

    @property
    def accepted(self) -> bool:
        return 200 <= self.code < 400

    @property
    def temporary(self) -> bool:
        return 400 <= self.code < 500

    @property
    def text(self) -> str:
        return " ".join(line.strip() for line in self.lines if line.strip())

    def __str__(self) -> str:
        return f"{self.code} {self.text}".strip()


class UpstreamError(Exception):
    """The connection to the provider could not be opened: the steps, and why."""

    def __init__(self, result: RunResult) -> None:
        self.result = result
        self.diagnosis = result.diagnosis
        super().__init__(self.diagnosis.code if self.diagnosis else "unknown")

    @property
    def temporary(self) -> bool:
        """Worth trying again later (the network, a busy server), not a setting to fix."""
        step = next((s for s in self.result.steps if s.status == "fail"), None)
        reply = step.facts.get("reply_code") if step is not None else None
        if isinstance(reply, int):
            return 400 <= reply < 500
        return (self.diagnosis.code if self.diagnosis else "unknown") in TEMPORARY_CODES


@dataclass
class UpstreamStats:
    last_used: float = field(default_factory=time.monotonic)
    messages: int = 0


class Upstream:
    """One connection to the provider, opened like the test send, for real messages."""

    def __init__(self, target: Target, on_step: OnStep | None = None) -> None:
        self.target = target
        self.on_step = on_step
        self.run: CheckRun | None = None
        self.stats = UpstreamStats()
        self.broken = False
        self.in_transaction = False
        # Whether this message goes with SMTPUTF8 (asked for, and offered).
        self.smtputf8 = False

    # -- opening -------------------------------------------------------------

    @property
    def usable(self) -> bool:
        conn = self.run.conn if self.run is not None else None
        return conn is not None and not conn.closed and not self.broken

    @property
    def extensions(self) -> dict[str, str]:
        return dict(self.run.extensions) if self.run is not None else {}

    @property
    def size_limit(self) -> int | None:
        words = self.extensions.get("SIZE", "").split()
        return int(words[0]) if words and words[0].isdigit() and int(words[0]) > 0 else None

    async def open(self) -> RunResult:
        """Connect, secure and log in; the steps so far. Raises UpstreamError."""
        from .engine import CheckRun

        run = CheckRun(self.target, self.on_step, probe=False, candidates=())
        self.run = run
        functions = {**CONNECTION_STEPS, **MAIL_STEPS}
        for step_id in OPENING_STEPS:
            reason = run.not_applicable(step_id)
            if reason is not None:
                run.skip(step_id, reason)
                continue
            step = await run.run_step(step_id, functions[step_id])
            if step.status == "fail":
                run.result.diagnosis = step.diagnosis
                last = _last_reply_code(step)
                if last is not None:
                    step.facts.setdefault("reply_code", last)
                run.emit(step)
                await run.quiet_quit()
                await run.prober.aclose()
                self.broken = True
                raise UpstreamError(run.result)
        await run.prober.aclose()
        self.stats = UpstreamStats()
        return run.result

    # -- a message -------------------------------------------------------------

    async def mail(self, sender: str, *, size: int | None = None,
                   smtputf8: bool = False, body: str | None = None) -> Verdict:
        """MAIL FROM (with SIZE= when the provider offers it).

        *smtputf8*: the message needs it (the client asked for it, or a recipient's
        local part is not ASCII); a sender's non-ASCII local part asks for it too. It
        goes on when the provider offers it; otherwise the addresses go with their
        domains as A-labels, and one that cannot (a non-ASCII local part) is refused
        here, before the provider hears of it.
        """
        if self.run is not None:
            self.run.redactor.new_message()
        self._shown_anyway(sender)
        wanted = smtputf8 or not local_part_is_ascii(sender)
        self.smtputf8 = wanted and "SMTPUTF8" in self.extensions
        try:
            wire = wire_address(sender, smtputf8=self.smtputf8)
        except NeedsSmtputf8 as refused:
            return self._needs_smtputf8("mail_from", refused.address,
                                        {"from_address": sender, "message_size": size})
        params = ""
        if size is not None and "SIZE" in self.extensions:
            params += f" SIZE={size}"
        if self.smtputf8:
            params += " SMTPUTF8"
        if body in ("8BITMIME", "BINARYMIME") and body in self.extensions:
            params += f" BODY={body}"
        verdict = await self._command("mail_from", f"MAIL FROM:<{wire}>{params}",
                                      {"from_address": sender, "message_size": size})
        self.in_transaction = verdict.accepted
        return verdict

    async def rcpt(self, address: str) -> Verdict:
        self._shown_anyway(address)
        try:
            wire = wire_address(address, smtputf8=self.smtputf8)
        except NeedsSmtputf8 as refused:
            return self._needs_smtputf8("rcpt_to", refused.address, {"to_address": address})
        return await self._command("rcpt_to", f"RCPT TO:<{wire}>", {"to_address": address})

    def _shown_anyway(self, address: str) -> None:
        """An address of the message (logged, and written on the wire by us): a provider
        quoting it is not masked inside it, even if the password is part of it."""
        if self.run is not None:
            self.run.redactor.add_public([address], message=True)

    def _needs_smtputf8(self, step_id: str, address: str, facts: dict[str, Any]) -> Verdict:
        """RFC 6531's refusal, ours: the provider cannot carry this address (no SMTPUTF8)."""
        diagnosis = None
        if self.run is not None:
            diagnosis = self.run.diagnosis(
                "address.needs_smtputf8", address=address, **_clean(facts))
        text = "5.6.7 Non-ASCII address, and the provider does not offer SMTPUTF8: not sent"
        return Verdict(553, (text,), diagnosis=diagnosis)

    async def data(self, payload: bytes) -> Verdict:
        """DATA, then the message as the POS gave it; the queue id of a 250."""
        start = await self._command("data", "DATA", {"message_size": len(payload)})
        if start.code != 354:
            self.in_transaction = False
            return start
        verdict = await self._exchange("data", {"message_size": len(payload)},
                                       lambda conn: self._send_payload(conn, payload))
        self.in_transaction = False
        self.stats.messages += 1
        if verdict.code == 250:
            return Verdict(verdict.code, verdict.lines, queue_id=queue_id(
                Reply(verdict.code, verdict.lines)))
        return verdict

    async def reset(self) -> bool:
        """RSET after a message (or a refused one): the connection is ready for the next."""
        if not self.usable:
            return False
        verdict = await self._command("mail_from", "RSET", {})
        self.in_transaction = False
        if verdict.code != 250:
            self.broken = True
        return not self.broken

    async def close(self) -> None:
        """QUIT, politely and briefly; the socket is closed whatever happens."""
        run = self.run
        if run is None or run.conn is None:
            return
        conn = run.conn
        if not conn.closed and not self.broken:
            conn.record = lambda line: None
            # The goodbye is a courtesy: whatever goes wrong, the socket is closed below.
            with contextlib.suppress(Exception):
                async with asyncio.timeout(min(self.target.timeout, 2.0)):
                    await conn.command("QUIT")
        await conn.close(1.0)
        conn.abort()

    def abort(self) -> None:
        if self.run is not None and self.run.conn is not None:
            self.run.conn.abort()
        self.broken = True

    # -- plumbing --------------------------------------------------------------

    @staticmethod
    async def _send_payload(conn: Any, payload: bytes) -> Reply:
        await conn.send_data(dot_stuff(payload), message_size=len(payload))
        return await conn.read_reply()

    async def _command(self, step_id: str, line: str, facts: dict[str, Any]) -> Verdict:
        return await self._exchange(step_id, facts, lambda conn: conn.command(line))

    async def _exchange(self, step_id: str, facts: dict[str, Any],
                        talk: Callable[[Any], Any]) -> Verdict:
        # The reply's lines come from the connection already masked (a provider that
        # echoes the password): the POS, the log and the diagnosis get them as they are.
        run = self.run
        if run is None or not self.usable:
            return self._local(step_id, ConnectionResetError("not connected"), facts)
        assert run.conn is not None
        run.result.transcript.clear()  # a long-lived connection keeps no history
        self.stats.last_used = time.monotonic()
        try:
            async with asyncio.timeout(self.target.timeout):
                reply: Reply = await talk(run.conn)
        except (TimeoutError, SmtpIOError, OSError) as error:
            self.abort()
            return self._local(step_id, error, facts)
        if reply.code >= 400:
            from .smtpio import ReplyError

            diagnosis = run.classify_reply(step_id, ReplyError(step_id, reply),
                                           _clean(facts))
            return Verdict(reply.code, reply.lines, diagnosis=diagnosis)
        return Verdict(reply.code, reply.lines)

    def _local(self, step_id: str, error: BaseException, facts: dict[str, Any]) -> Verdict:
        """A 451 of our own when the provider did not answer (the POS retries)."""
        diagnosis = None
        if self.run is not None:
            diagnosis = self.run.classify_exception(step_id, error, _clean(facts))
        return Verdict(451, ("4.4.2 no answer from the provider",), diagnosis=diagnosis,
                       local=True)


def _clean(facts: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in facts.items() if value is not None}


def _last_reply_code(step: Step) -> int | None:
    for line in reversed(step.transcript):
        if line.startswith("<- ") and line[3:6].isdigit():
            return int(line[3:6])
    return None
