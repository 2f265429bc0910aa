"""One real message through the proven path, for scripts (``comelin-tui send``).

The same settings, secret, token refresh and engine as the test send: the
connection is opened with its steps, then MAIL, RCPT for each recipient and
DATA; every refusal is named by the classifier. One line in the attempt log
(envelope and verdict, no body, no secret).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..diagnostics.model import Diagnosis, Target


@dataclass
class SendOutcome:
    """What became of the message: accepted (for some or all), refused, or deferred."""

    status: str = "fail"  # ok | partial | fail | temporary
    reply: str = ""
    diagnosis: Diagnosis | None = None
    queue_id: str | None = None
    accepted: list[str] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)  # recipient -> reply
    stage: str = ""  # where it stopped: open, mail_from, rcpt_to, data

    def to_json(self, sender: str, size: int, duration_ms: int) -> dict[str, Any]:
        return {"kind": "send", "sender": sender, "recipients": len(self.accepted) +
                len(self.refused), "refused": len(self.refused), "size": size,
                "reply": self.reply, "diagnosis": self.diagnosis.code if self.diagnosis else None,
                "queue_id": self.queue_id, "status": self.status, "stage": self.stage,
                "duration_ms": duration_ms}


async def send_message(source: Callable[[bool], Awaitable[Target]], sender: str,
                       recipients: list[str], data: bytes, *,
                       log: bool = True, log_path: Path | None = None) -> SendOutcome:
    """Send *data* from *sender* to *recipients* over a connection opened like the test's."""
    from ..diagnostics.upstream import Upstream, UpstreamError

    started = time.monotonic()
    outcome = SendOutcome()
    refreshed = False
    while True:
        upstream = Upstream(await source(refreshed))
        try:
            await upstream.open()
            break
        except UpstreamError as error:
            code = error.diagnosis.code if error.diagnosis else "unknown"
            if code == "auth.oauth_failed" and not refreshed:
                refreshed = True  # a token refused early: once more with a fresh one
                continue
            outcome.stage, outcome.diagnosis = "open", error.diagnosis
            outcome.status = "temporary" if error.temporary else "fail"
            step = next((s for s in error.result.steps if s.status == "fail"), None)
            outcome.reply = str(step.detail) if step is not None else code
            _log(outcome, sender, len(data), started, log, log_path)
            return outcome
    try:
        await _transaction(upstream, outcome, sender, recipients, data)
    finally:
        await upstream.close()
    _log(outcome, sender, len(data), started, log, log_path)
    return outcome


async def _transaction(upstream: Any, outcome: SendOutcome, sender: str,
                       recipients: list[str], data: bytes) -> None:
    from ..diagnostics.addresses import needs_smtputf8

    # Only a non-ASCII local part needs SMTPUTF8; domains go as A-labels without it.
    smtputf8 = needs_smtputf8([sender, *recipients])
    verdict = await upstream.mail(sender, size=len(data), smtputf8=smtputf8,
                                  body=None if data.isascii() else "8BITMIME")
    if not verdict.accepted:
        _refused(outcome, verdict, "mail_from")
        return
    for address in recipients:
        verdict = await upstream.rcpt(address)
        if verdict.accepted:
            outcome.accepted.append(address)
            continue
        outcome.refused[address] = str(verdict)
        outcome.diagnosis = verdict.diagnosis or outcome.diagnosis
        if verdict.local:  # the connection broke: the rest cannot be tried
            _refused(outcome, verdict, "rcpt_to")
            return
    if not outcome.accepted:
        outcome.stage = "rcpt_to"
        outcome.reply = next(iter(outcome.refused.values()), "")
        temporary = all(reply[:1] == "4" for reply in outcome.refused.values())
        outcome.status = "temporary" if temporary else "fail"
        return
    verdict = await upstream.data(data)
    if not verdict.accepted:
        _refused(outcome, verdict, "data")
        return
    outcome.reply, outcome.queue_id = str(verdict), verdict.queue_id
    outcome.status = "partial" if outcome.refused else "ok"


def _refused(outcome: SendOutcome, verdict: Any, stage: str) -> None:
    outcome.stage, outcome.reply = stage, str(verdict)
    outcome.diagnosis = verdict.diagnosis or outcome.diagnosis
    outcome.status = "temporary" if verdict.temporary else "fail"


def _log(outcome: SendOutcome, sender: str, size: int, started: float, log: bool,
         log_path: Path | None) -> None:
    if not log:
        return
    from ..attempt_log import append_record

    try:
        append_record(outcome.to_json(sender, size, int((time.monotonic() - started) * 1000)),
                      log_path)
    except OSError:
        pass  # the message's fate was told on standard error; the log is a convenience
