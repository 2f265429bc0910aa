"""Plain-text rendering of a run for the command line (the TUI draws its own).

One line per step: a status tag that reads without colour (``[ ok ]``,
``[warn]``, ``[FAIL]``, ``[skip]``), the step's name, its time and its detail.
Colour is only a second cue, in the 16 basic ANSI colours a PuTTY session
has, and only on a terminal with ``NO_COLOR`` unset.
"""

from __future__ import annotations

import os
import shutil
from typing import IO

from .. import i18n
from ..i18n import Msg, m, t
from ..labels import duration, elapsed
from .model import Diagnosis, Fix, RunResult, Step, StepStatus, Suggestion
from .probe import security_label

i18n.register({
    "render.status.ok": {"fr": "ok", "en": "ok"},
    "render.status.warn": {"fr": "avert", "en": "warn"},
    "render.status.fail": {"fr": "ÉCHEC", "en": "FAIL"},
    "render.status.skipped": {"fr": "sauté", "en": "skip"},
    "render.status.running": {"fr": "...", "en": "..."},
    "render.diagnosis": {
        "fr": "Diagnostic [{code}] : {summary}", "en": "Diagnosis [{code}]: {summary}",
    },
    "render.hint": {"fr": "Quoi faire : {hint}", "en": "What to do: {hint}"},
    "render.suggestion": {
        "fr": "Suggestion : le port {port} ({security}) répond. {reason}",
        "en": "Suggestion: port {port} ({security}) works. {reason}",
    },
    "render.suggestion_try": {
        "fr": "Pour l'essayer : comelin-tui check {flags}",
        "en": "To try it: comelin-tui check {flags}",
    },
    "render.fix": {"fr": "Correctif : {reason}", "en": "Fix: {reason}"},
    "render.fix_signin": {
        "fr": "Pour l'appliquer : comelin-tui signin (puis comelin-tui check)",
        "en": "To apply it: comelin-tui signin (then comelin-tui check)",
    },
    "render.result": {"fr": "Résultat : {headline}", "en": "Result: {headline}"},
    "outcome.ok": {
        "fr": "RÉUSSI : le serveur a accepté le message d'essai pour {to}. "
              "Vérifiez qu'il est arrivé.",
        "en": "PASSED: the server accepted the test message for {to}. Check that it arrived.",
    },
    "outcome.ok_queue": {
        "fr": "RÉUSSI : le serveur a accepté le message d'essai pour {to} "
              "(n° de file d'attente {queue_id}). Vérifiez qu'il est arrivé.",
        "en": "PASSED: the server accepted the test message for {to} (queue id {queue_id}). "
              "Check that it arrived.",
    },
    "outcome.ok_no_send": {
        "fr": "RÉUSSI : le serveur accepte l'expéditeur et le destinataire "
              "(rien n'a été envoyé : --no-send).",
        "en": "PASSED: the server accepts the sender and the recipient "
              "(nothing was sent: --no-send).",
    },
    "outcome.warn": {
        "fr": "RÉUSSI avec un avertissement : le message pour {to} est parti, mais un point "
              "mérite attention.",
        "en": "PASSED with a warning: the message for {to} went out, but something needs "
              "attention.",
    },
    "outcome.warn_no_send": {
        "fr": "RÉUSSI avec un avertissement : rien n'a été envoyé (--no-send), et un point "
              "mérite attention.",
        "en": "PASSED with a warning: nothing was sent (--no-send), and something needs "
              "attention.",
    },
    "outcome.fail": {
        "fr": "ÉCHEC à l'étape « {step} » : le message d'essai n'a pas pu être envoyé.",
        "en": "FAILED at the step \"{step}\": the test message could not be sent.",
    },
    "outcome.fail_no_send": {
        "fr": "ÉCHEC à l'étape « {step} » : la session d'essai n'a pas pu aller au bout.",
        "en": "FAILED at the step \"{step}\": the test session could not be completed.",
    },
    "render.transcript": {
        "fr": "Échange avec le serveur :",
        "en": "Transcript of the conversation with the server:",
    },
})

# 16-colour ANSI: what PuTTY and TERM=xterm show reliably.
_COLOURS: dict[str, str] = {"ok": "32", "warn": "33", "fail": "1;31", "skipped": "", "running": ""}
_NAME_WIDTH = 24


def use_color(stream: IO[str]) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (no-color.org) or TERM=dumb."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def paint(text: str, status: str, color: bool) -> str:
    code = _COLOURS.get(status, "")
    if not color or not code:
        return text
    return f"\x1b[{code}m{text}\x1b[0m"


def status_tag(status: StepStatus, lang: str | None = None, *, color: bool = False) -> str:
    """``[ ok ]``, ``[warn]``, ``[FAIL]``, ``[skip]``: same width within a language."""
    width = max(len(t(f"render.status.{s}", lang)) for s in ("ok", "warn", "fail", "skipped"))
    label = t(f"render.status.{status}", lang).center(width)
    return paint(f"[{label}]", status, color)


def step_name(step_id: str, lang: str | None = None) -> str:
    from ..labels import step_label

    return step_label(step_id, lang)


def one_line(text: str) -> str:
    """Multi-line server replies on one line, so each step stays one line."""
    return " | ".join(part.strip() for part in text.splitlines() if part.strip())


def format_step(step: Step, lang: str | None = None, *, color: bool = False,
                waited: tuple[float, float] | None = None, width: int | None = None) -> str:
    """One line: tag, name, time, detail. *waited* (seconds, limit) of a running
    step shows how long it has waited against its limit ("7 s / 15 s").

    With a *width*, a detail too long for it is wrapped between words, its next rows
    indented under the detail's first word (a narrow terminal: under the name)."""
    name = step_name(step.id, lang).ljust(_NAME_WIDTH)
    quiet = step.status in ("skipped", "running")
    took = "" if quiet else duration(step.duration_ms, lang)
    tag = status_tag(step.status, lang)
    line = f"{status_tag(step.status, lang, color=color)} {name} {took:>8}"
    detail = one_line(step.detail)
    if waited is not None and step.status == "running" and waited[0] >= 1:
        detail = f"{elapsed(*waited, lang)}  {detail}".rstrip()
    if not detail:
        return line.rstrip()
    plain_prefix = len(f"{tag} {name} {took:>8}  ")
    if width is None or plain_prefix + len(detail) <= width:
        return f"{line}  {detail}".rstrip()
    from .evidence_text import wrap_line

    column = plain_prefix if width - plain_prefix >= 24 else len(tag) + 1
    rows = list(wrap_line(detail, width, " " * column, " " * column))
    first = rows[0][column:]
    if column < plain_prefix:  # too narrow beside the name: the detail starts below
        return "\n".join([line.rstrip(), *rows])
    return "\n".join([f"{line}  {first}", *rows[1:]])


def wrap_report_line(text: str, width: int | None) -> list[str]:
    """A line of the report (result, diagnosis, hint...) wrapped between words to *width*,
    its next rows indented under the text after its label ("What to do: ")."""
    if width is None or len(text) <= width:
        return [text]
    from .evidence_text import wrap_line

    label, sep, _rest = text.partition(": ")
    indent = len(label) + len(sep) if sep and len(label) + len(sep) <= width // 3 else 2
    return list(wrap_line(text, width, "", " " * indent))


def format_diagnosis(diagnosis: Diagnosis, lang: str | None = None) -> list[str]:
    lines = [t("render.diagnosis", lang, code=diagnosis.code, summary=diagnosis.summary)]
    if diagnosis.hint:
        lines.append(t("render.hint", lang, hint=diagnosis.hint))
    return lines


def format_suggestion(suggestion: Suggestion, lang: str | None = None,
                      try_flags: tuple[str, ...] = ()) -> list[str]:
    """The suggestion, and the command that tries it (*try_flags*: this run's other
    options, so the line works when pasted)."""
    security = security_label(suggestion.security, lang)
    kept = [flag for flag in try_flags if flag.split(" ", 1)[0] not in ("--port", "--security")]
    flags = " ".join((*kept, f"--port {suggestion.port}", f"--security {suggestion.security}"))
    return [
        t("render.suggestion", lang, port=suggestion.port, security=security,
          reason=suggestion.reason).rstrip(),
        t("render.suggestion_try", lang, flags=flags),
    ]


def outcome_headline(result: RunResult, lang: str | None = None) -> Msg:
    """The verdict of a finished run, in the same words in every view."""
    status, target = result.status, result.target
    if status == "fail":
        failed = next((s for s in result.steps if s.status == "fail"), None)
        key = "outcome.fail" if target.send else "outcome.fail_no_send"
        from ..labels import step_label

        return m(key, lang, step=step_label(failed.id, lang) if failed else "?")
    if status == "warn":
        return m("outcome.warn" if target.send else "outcome.warn_no_send", lang,
                 to=target.to_address)
    if not target.send:
        return m("outcome.ok_no_send", lang)
    if result.queue_id:
        return m("outcome.ok_queue", lang, to=target.to_address, queue_id=result.queue_id)
    return m("outcome.ok", lang, to=target.to_address)


def format_evidence(result: RunResult, lang: str | None = None,
                    width: int | None = None) -> list[str]:
    """The evidence under the diagnosis: the server's whole reply, the certificate, each
    probed port and its result; wrapped to *width* (never cut) when given."""
    from .evidence_text import evidence_sections, wrap_section

    lines: list[str] = []
    for section in evidence_sections(result, lang):
        lines.append("")  # a blank line before each title: the sections read apart
        lines.extend(wrap_section(section, width))
    return lines


def format_outcome(result: RunResult, lang: str | None = None, *, color: bool = False,
                   try_flags: tuple[str, ...] = (), width: int | None = None) -> list[str]:
    """What follows the step lines: result line, diagnosis and hint, the evidence
    (wrapped to *width*), suggestion."""
    status = result.status
    headline = t("render.result", lang, headline=outcome_headline(result, lang))
    lines = ["", *(paint(row, status, color) for row in wrap_report_line(headline, width))]
    shown: set[str] = set()
    diagnoses = [result.diagnosis] if result.diagnosis else []
    # Advisory steps (deliverability) carry their own diagnosis when they warn.
    diagnoses += [s.diagnosis for s in result.steps if s.diagnosis and s.status == "warn"]
    for diagnosis in diagnoses:
        if diagnosis is None or diagnosis.code in shown:
            continue
        shown.add(diagnosis.code)
        lines.extend(_wrapped(format_diagnosis(diagnosis, lang), width))
    lines.extend(format_evidence(result, lang, width))
    if result.suggestion:
        lines.extend(_wrapped(format_suggestion(result.suggestion, lang, try_flags), width))
    elif result.fix:
        lines.extend(_wrapped(format_fix(result.fix, lang, try_flags), width))
    return lines


def _wrapped(lines: list[str], width: int | None) -> list[str]:
    """Each line wrapped to *width*, except the command to paste ("To try it: comelin-tui
    check ..."): one line, or a shell would run half of it."""
    tries = (t("render.suggestion_try", "fr", flags=""), t("render.suggestion_try", "en", flags=""),
             t("render.fix_signin", "fr"), t("render.fix_signin", "en"))
    out: list[str] = []
    for line in lines:
        if line.startswith(tuple(prefix.rstrip() for prefix in tries)):
            out.append(line)
        else:
            out.extend(wrap_report_line(line, width))
    return out


# The `check` option that sets each setting a fix may change.
FIX_FLAGS = {"smtp.host": "--host", "smtp.port": "--port", "smtp.security": "--security",
             "smtp.from_address": "--from", "smtp.timeout": "--timeout"}


def format_fix(fix: Fix, lang: str | None = None, try_flags: tuple[str, ...] = ()) -> list[str]:
    """A fix other than a port/security suggestion, and how to try or apply it: the
    same test with the changed settings as options (this run's others kept)."""
    import shlex

    lines = [t("render.fix", lang, reason=fix.reason)]
    if fix.kind == "microsoft_signin":
        return [*lines, t("render.fix_signin", lang)]
    changes = dict(fix.changes)
    if not all(path in FIX_FLAGS for path in changes):
        return lines
    replaced = {FIX_FLAGS[path] for path in changes}
    kept = [flag for flag in try_flags if flag.split(" ", 1)[0] not in replaced]
    new = [f"{FIX_FLAGS[path]} {shlex.quote(str(value))}" for path, value in changes.items()]
    return [*lines, t("render.suggestion_try", lang, flags=" ".join((*kept, *new)))]


def format_transcript(lines: list[str], lang: str | None = None) -> list[str]:
    """The (already redacted) conversation, indented under a title."""
    return ["", t("render.transcript", lang)] + [f"  {line}" for line in lines]


class LivePrinter:
    """Prints each step as it ends; on a terminal, shows the running step meanwhile.

    A step can take the whole timeout (a firewall dropping packets), so on a
    terminal the step being tried is shown at once, then overwritten in place
    (carriage return: no escape sequence needed) by its result.
    """

    def __init__(self, stream: IO[str], limit: float | None = None,
                 dns_limit: float | None = None, width: int | None = None) -> None:
        self.stream = stream
        # Finished steps wrap to the terminal (one column short, so it never wraps them
        # again); not a terminal: COLUMNS, else 80.
        self.width = width or max(shutil.get_terminal_size((80, 24)).columns - 1, 40)
        self.color = use_color(stream)
        isatty = getattr(stream, "isatty", None)
        self.live = bool(isatty and isatty())
        self.pending = 0  # width of the "running" line on screen, to blank it
        self.limit = limit  # a step's time limit (the timeout), shown while it waits
        self.dns_limit = dns_limit  # the same for the DNS checks (their lifetime)
        self.running: Step | None = None
        self.since = 0.0

    def __call__(self, step: Step) -> None:
        import time

        line = format_step(step, color=self.color, width=self.width)
        self._blank()
        if step.status == "running":
            if self.running is None or (self.running.id, self.running.detail) != (
                    step.id, step.detail):
                self.since = time.monotonic()  # a new wait (probing is one of its own)
            self.running = step
            self._show_running()
            return
        self.running = None
        self.stream.write(line + "\n")
        self.stream.flush()

    def _blank(self) -> None:
        if self.pending:
            # A step can be "running" twice (then probing other ports): blank the
            # line shown before, whatever comes next.
            self.stream.write("\r" + " " * self.pending + "\r")
            self.pending = 0

    def _show_running(self) -> None:
        import time

        if not self.live or self.running is None:
            return
        from .model import DELIVERABILITY_STEPS

        limit = self.dns_limit if self.running.id in DELIVERABILITY_STEPS else self.limit
        waited = None if limit is None else (time.monotonic() - self.since, limit)
        # One screen row at most: a "\r" cannot go back up to a wrapped row.
        width = shutil.get_terminal_size().columns - 1
        plain = format_step(self.running, waited=waited)[:max(width, 20)]
        self.stream.write(plain)
        self.stream.flush()
        self.pending = len(plain)

    def tick(self) -> None:
        """Redraw the running step's line with the time it has waited so far."""
        if self.live and self.running is not None:
            self._blank()
            self._show_running()

    async def ticking(self) -> None:
        """Tick every second until cancelled (run beside the test send)."""
        import asyncio

        while True:
            await asyncio.sleep(1.0)
            self.tick()
