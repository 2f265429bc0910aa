"""What the engine's step modules share: the failure exception and the classifier glue."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from .model import Diagnosis, Step, StepStatus
from .os_errors import os_error_code
from .smtpio import SmtpDisconnected, SmtpProtocolError
from .tlsinfo import CaFileError

if TYPE_CHECKING:
    from .engine import CheckRun

StepFunction = Callable[["CheckRun", Step], Awaitable["StepStatus | None"]]


class StepFailed(Exception):
    """A step failed for a known reason (diagnosis) or an exception to classify."""

    def __init__(self, diagnosis: Diagnosis | None = None, detail: str = "",
                 facts: dict[str, Any] | None = None, *,
                 exception: BaseException | None = None) -> None:
        self.diagnosis = diagnosis
        self.detail = detail
        self.facts = facts or {}
        self.exception = exception
        super().__init__(detail)


def make_diagnosis(code: str, lang: str | None = None, *, provider_id: str | None = None,
                   **params: Any) -> Diagnosis:
    """The contract diagnosis *code* with its translated text, filled from *params*."""
    from .classifier import diagnosis

    usable = {k: v for k, v in params.items()
              if k.isidentifier() and k not in ("code", "lang", "variant")}
    return diagnosis(code, lang, provider_id=provider_id, **usable)


def classify_evidence(step: str, lang: str | None, *, exception: BaseException | None = None,
                      code: int | None = None, message: str = "",
                      provider_id: str | None = None,
                      facts: dict[str, Any] | None = None) -> Diagnosis:
    """Name a failure from its evidence with the classifier."""
    from .classifier import Evidence, classify

    evidence = Evidence(step=step, exception=exception, code=code,  # type: ignore[arg-type]
                        message=message, provider_id=provider_id, facts=facts or {})
    return classify(evidence, lang)


def engine_code(step: str, exc: BaseException) -> str | None:
    """What the engine itself knows about its own errors (used when classification
    has nothing better than ``unknown``); OS errors by the shared table."""
    if isinstance(exc, SmtpProtocolError):
        return "smtp.protocol_error"
    if isinstance(exc, SmtpDisconnected):
        return "smtp.disconnected"
    if isinstance(exc, CaFileError):
        return "config.invalid"
    if isinstance(exc, EOFError):  # asyncio.IncompleteReadError: the server went away
        return "smtp.disconnected"
    code = os_error_code(exc)
    if code == "connect.timeout":
        return {"resolve": "dns.unavailable", "connect": "connect.timeout",
                "banner": "smtp.banner_timeout"}.get(step)
    return code
