"""The diagnostics vocabulary shared by the engine, the CLI and the TUI.

Follows the contract in the design notes (step ids, statuses, diagnosis codes,
JSON). Add fields freely; never rename or remove one.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from ..config import Config

StepId = Literal[
    "resolve", "connect", "tls", "banner", "ehlo", "starttls", "auth",
    "mail_from", "rcpt_to", "data", "quit", "mx", "spf", "dkim", "dmarc",
]
SMTP_STEPS: tuple[StepId, ...] = (
    "resolve", "connect", "tls", "banner", "ehlo", "starttls", "auth",
    "mail_from", "rcpt_to", "data", "quit",
)
DELIVERABILITY_STEPS: tuple[StepId, ...] = ("mx", "spf", "dkim", "dmarc")

# "running" is only ever seen live (the event sent when a step starts).
StepStatus = Literal["running", "ok", "warn", "fail", "skipped"]
_SEVERITY = {"skipped": 0, "ok": 0, "running": 0, "warn": 1, "fail": 2}

Security = Literal["starttls", "implicit_tls", "none"]
AuthKind = Literal["password", "oauth2", "none"]

EXIT_OK, EXIT_WARN, EXIT_FAIL, EXIT_UNKNOWN = 0, 1, 2, 3


def worst_status(statuses: list[StepStatus] | tuple[StepStatus, ...]) -> StepStatus:
    """The run's status: the worst of its steps (skipped counts as ok)."""
    worst: StepStatus = "ok"
    for status in statuses:
        if _SEVERITY[status] > _SEVERITY[worst]:
            worst = status
    return worst


def exit_code_for(status: StepStatus) -> int:
    return {"warn": EXIT_WARN, "fail": EXIT_FAIL}.get(status, EXIT_OK)


@dataclass(frozen=True)
class Diagnosis:
    """A named cause (contract code) with its summary and hint.

    The texts are messages (:class:`~comelin_tui.i18n.Msg`: a key and its
    parameters) worded in the run's language; :meth:`render` words them in another.
    """

    code: str
    summary: str
    hint: str

    def render(self, lang: str | None = None) -> Diagnosis:
        """The same diagnosis worded in *lang* (default: the current language)."""
        from ..i18n import render

        return Diagnosis(self.code, render(self.summary, lang), render(self.hint, lang))

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "summary": self.summary, "hint": self.hint}


@dataclass(frozen=True)
class Suggestion:
    """A port/security combination that probing found working."""

    port: int
    security: Security
    reason: str  # a message (key and parameters): what was verified

    def render(self, lang: str | None = None) -> Suggestion:
        from ..i18n import render

        return Suggestion(self.port, self.security, render(self.reason, lang))

    def to_json(self) -> dict[str, Any]:
        return {"port": self.port, "security": self.security, "reason": self.reason}


FixKind = Literal["settings", "microsoft_signin"]


@dataclass(frozen=True)
class Fix:
    """One action that fixes what a run found (see ``diagnostics.fixes``): settings to
    change (``kind="settings"``), or Microsoft sign-in to run, which also changes
    ``smtp.auth`` (``kind="microsoft_signin"``)."""

    kind: FixKind
    changes: tuple[tuple[str, Any], ...]  # (setting path, new value)
    reason: str  # a message: what changes and why

    def render(self, lang: str | None = None) -> Fix:
        from ..i18n import render

        return Fix(self.kind, self.changes, render(self.reason, lang))

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "changes": dict(self.changes), "reason": self.reason}


@dataclass
class Step:
    """One step of a run. The engine emits it when it starts and when it ends."""

    id: StepId
    status: StepStatus = "running"
    duration_ms: int = 0
    # What the step saw: a message (key and parameters, see Diagnosis) or the server's
    # own words; views word it with i18n.render in the language they show.
    detail: str = ""
    transcript: list[str] = field(default_factory=list)
    diagnosis: Diagnosis | None = None
    # Extra facts (TLS certificate, EHLO extensions...): JSON-safe values only.
    facts: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "status": self.status,
            "duration_ms": self.duration_ms,
            "detail": self.detail,
        }
        if self.diagnosis is not None:
            data["diagnosis"] = self.diagnosis.to_json()
        if self.facts:
            data["facts"] = self.facts
        return data


@dataclass(frozen=True)
class Target:
    """Everything a run needs to know about the server and the message.

    Built by the CLI or the TUI from the saved settings (or ad-hoc flags).
    ``password`` is the secret itself (never printed); for OAuth it is the
    access token.
    """

    host: str
    port: int
    security: Security
    auth: AuthKind = "password"
    username: str = ""
    password: str | None = field(default=None, repr=False)
    from_address: str = ""
    to_address: str = ""
    reply_to: str | None = None
    timeout: float = 15.0
    ca_file: Path | None = None
    pinned_fingerprint: str | None = None
    allow_insecure_auth: bool = False
    provider_id: str | None = None
    send: bool = True  # False: --no-send, stop after RCPT with RSET + QUIT
    language: str = "en"
    helo_name: str | None = None
    # This machine's own relay on loopback (`relay` test): a login without TLS there
    # never crosses the network, so it is no warning.
    own_relay: bool = False

    @classmethod
    def from_config(cls, config: Config, *, password: str | None, to_address: str = "",
                    send: bool = True, language: str = "en") -> Target:
        """The target for the saved settings (*config*), with this run's secret and recipient."""
        smtp = config.smtp
        return cls(
            host=smtp.host, port=smtp.port, security=smtp.security, auth=smtp.auth,
            username=smtp.username, password=password, from_address=smtp.from_address,
            to_address=to_address, reply_to=smtp.reply_to, timeout=smtp.timeout,
            ca_file=smtp.ca_file, pinned_fingerprint=smtp.pinned_fingerprint,
            allow_insecure_auth=smtp.allow_insecure_auth, provider_id=config.provider,
            send=send, language=language,
        )

    def server_json(self) -> dict[str, Any]:
        return {"host": self.host, "port": self.port, "security": self.security}


@dataclass
class RunResult:
    """The outcome of a whole run, as the JSON contract describes it."""

    target: Target
    steps: list[Step] = field(default_factory=list)
    diagnosis: Diagnosis | None = None
    suggestion: Suggestion | None = None
    fix: Fix | None = None  # the one-key fix the run's evidence supports
    transcript: list[str] = field(default_factory=list)
    started_at: float = field(default_factory=time.time)
    queue_id: str | None = None

    @property
    def status(self) -> StepStatus:
        return worst_status([s.status for s in self.steps])

    @property
    def exit_code(self) -> int:
        return exit_code_for(self.status)

    def step(self, step_id: StepId) -> Step | None:
        return next((s for s in self.steps if s.id == step_id), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "server": self.target.server_json(),
            "steps": [s.to_json() for s in self.steps],
            "diagnosis": self.diagnosis.to_json() if self.diagnosis else None,
            "suggestion": self.suggestion.to_json() if self.suggestion else None,
            "fix": self.fix.to_json() if self.fix else None,
            "transcript": list(self.transcript),
        }
