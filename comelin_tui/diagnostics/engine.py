"""The live check: one SMTP conversation, step by step, each step explained.

``run_check`` walks the contract's steps (resolve, connect, tls, banner, ehlo,
starttls, auth, mail_from, rcpt_to, data, quit), reports each one as it starts
and ends, names any failure with a contract diagnosis code, and after an early
failure probes other port/security combinations for a suggestion.

It speaks SMTP through :mod:`.smtpio` (why not aiosmtplib is explained
there). Every step has its own deadline (``target.timeout``); cancelling the
task running ``run_check`` aborts the socket at once.

The steps themselves live in :mod:`.engine_connect` (resolve to starttls) and
:mod:`.engine_mail` (auth to quit).
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import ssl
import time
from collections.abc import Callable, Sequence
from typing import Any

from ..i18n import m, register
from ..labels import step_label
from .addresses import domain_to_ascii, wire_address
from .engine_common import (
    StepFailed,
    StepFunction,
    classify_evidence,
    engine_code,
    make_diagnosis,
)
from .engine_connect import CONNECTION_STEPS
from .engine_mail import MAIL_STEPS
from .fixes import fix_for
from .message import recipient
from .model import SMTP_STEPS, Diagnosis, RunResult, Step, StepId, StepStatus, Target
from .probe import (
    BackgroundProbe,
    Candidate,
    best_result,
    candidates_for,
    is_wrong_mode,
    suggestion_for,
)
from .redact import Redactor, secret_forms
from .smtpio import (
    ReplyError,
    SmtpConnection,
    SmtpProtocolError,
    describe_error,
    reply_lines,
)
from .tlsinfo import CaFileError, client_context

__all__ = ["Candidate", "CheckRun", "StepFailed", "run_check"]

register({
    "engine.skip.after_failure": {
        "fr": "Non fait : une étape précédente a échoué",
        "en": "Not done: an earlier step failed",
    },
    "engine.skip.tls_starttls": {
        "fr": "Sans objet : la sécurité est STARTTLS (voir l'étape « {step} »)",
        "en": "Not used: security is STARTTLS (see the \"{step}\" step)",
    },
    "engine.skip.tls_none": {
        "fr": "Non fait : la sécurité choisie est « sans chiffrement »",
        "en": "Not done: the security chosen is \"no encryption\"",
    },
    "engine.skip.starttls_implicit": {
        "fr": "Sans objet : la connexion est déjà chiffrée (SSL/TLS implicite)",
        "en": "Not used: the connection is already encrypted (implicit SSL/TLS)",
    },
    "engine.skip.starttls_none": {
        "fr": "Non fait : la sécurité choisie est « sans chiffrement »",
        "en": "Not done: the security chosen is \"no encryption\"",
    },
    "engine.skip.auth_none": {
        "fr": "Sans objet : aucune authentification configurée",
        "en": "Not used: no authentication configured",
    },
    "engine.skip.no_send": {
        "fr": "Message non envoyé (--no-send) : RSET puis QUIT",
        "en": "Message not sent (--no-send): RSET then QUIT",
    },
    "engine.probe.running": {
        "fr": "Essai des autres ports et modes de sécurité...",
        "en": "Trying other ports and security modes...",
    },
    "engine.banner.late_wait": {
        "fr": "Toujours à l'écoute d'un accueil tardif; essai des autres ports et modes...",
        "en": "Still listening for a late greeting; trying other ports and modes...",
    },
    "engine.banner.late": {
        "fr": "L'accueil est venu après {seconds} s (délai d'attente : {timeout} s) : {reply}",
        "en": "The greeting came after {seconds} s (timeout: {timeout} s): {reply}",
    },
})

# After a greeting timeout, the greeting is listened for while the probe runs (so it
# costs nothing then), and never longer than this.
LATE_GREETING_MAX = 45.0

OnStep = Callable[[Step], None]

# A failure in these steps may just be the wrong port or mode: probe the others.
PROBED_STEPS: frozenset[str] = frozenset({"connect", "tls", "banner", "starttls"})
# Certificate and configuration problems are the same on every port: no probing.
NOT_PROBED_CODES = frozenset({
    "tls.untrusted", "tls.hostname_mismatch", "tls.expired", "config.invalid",
    "dns.not_found", "dns.unavailable",
    # The server said "too many" or "later": more connections would only make it worse.
    "rate.limited", "auth.rate_limited",
    # TLS worked and then the server failed: the port and mode are right.
    "auth.temporary_failure",
    # The resolver denies everything: another port would be looked up the same way.
    "dns.resolver_broken",
})


class CheckRun:
    """The state of one run; step functions read and update it."""

    def __init__(self, target: Target, on_step: OnStep | None, *, probe: bool,
                 candidates: Sequence[Candidate] | None) -> None:
        self.target = target
        self.lang = target.language
        self.on_step = on_step
        self.result = RunResult(target=target)
        # Server text is masked where it is read (smtpio); what the run writes itself
        # (the login, the addresses, the host, its own words) never is.
        self.redactor = Redactor(secret_forms(target.password or "", target.username),
                                 public_values(target))
        self.conn: SmtpConnection | None = None
        self.sockaddr: tuple[int, tuple[Any, ...]] | None = None
        self.addresses: list[tuple[int, tuple[Any, ...]]] = []
        self.extensions: dict[str, str] = {}
        self.helo = "localhost"
        self.current: Step | None = None
        self.server_hostname = target.host.strip().strip("[]")
        self.helo_task: asyncio.Future[str] | None = None
        self.payload = b""  # the test message as sent (built at mail_from)
        # The greeting being read (step_banner): still listened for after a timeout.
        self.greeting: asyncio.Future[Any] | None = None
        self.greeting_since = 0.0  # when the greeting began to be awaited
        # Whether the last failure left the conversation in step (a reply we
        # understood), so that a polite QUIT can still be sent.
        self.in_step = False
        # How the last failure was named, to name it again once probing adds facts.
        self.redo: Callable[[dict[str, Any]], Diagnosis] = lambda extra: self.diagnosis(
            "unknown", **extra)
        self.probe_enabled = probe
        self.prober = BackgroundProbe(
            self.server_hostname, candidates_for(target, candidates), timeout=target.timeout,
            ca_file=target.ca_file, helo_name=self.helo,
            pinned_fingerprint=target.pinned_fingerprint, lang=self.lang,
        )

    # -- events and transcript ----------------------------------------------

    def emit(self, step: Step) -> None:
        if self.on_step is not None:
            self.on_step(copy.deepcopy(step))

    def record(self, line: str) -> None:
        """Transcript sink: lines arrive already redacted from the connection."""
        if self.current is not None:
            self.current.transcript.append(line)
        self.result.transcript.append(line)

    def skip(self, step_id: StepId, detail: str) -> None:
        step = Step(id=step_id, status="skipped", detail=detail)
        self.result.steps.append(step)
        self.emit(step)

    # -- diagnosis helpers ---------------------------------------------------

    def evidence_facts(self, *sources: dict[str, Any] | None) -> dict[str, Any]:
        """What the classifier may use: the settings, then the step's own facts."""
        target = self.target
        facts: dict[str, Any] = {
            "host": target.host, "port": target.port, "security": target.security,
            "timeout": target.timeout, "username": target.username,
            "from_address": target.from_address, "to_address": recipient(target),
            "auth_kind": target.auth,
        }
        facts.update(self.run_evidence())
        for source in sources:
            facts.update(source or {})
        return facts

    def run_evidence(self) -> dict[str, Any]:
        """What the run has proven so far, so no advice contradicts it: the login
        passed, the connection is encrypted, what EHLO offered, the message's size."""
        evidence: dict[str, Any] = {}
        auth = self.result.step("auth")
        if auth is not None and auth.status == "ok":
            evidence["authenticated"] = True
        if self.conn is not None and self.conn.encrypted:
            evidence["encrypted"] = True
        if self.extensions:
            evidence["auth_offered"] = bool(self.extensions.get("AUTH", "").split())
        if self.payload:
            evidence["message_size"] = len(self.payload)
        banner = self.result.step("banner")
        if banner is not None and banner.facts.get("server_time"):
            evidence["server_time"] = banner.facts["server_time"]  # its greeting said it
        return evidence

    def diagnosis(self, code: str, **params: Any) -> Diagnosis:
        """The diagnosis for a decision the engine made itself."""
        return make_diagnosis(code, self.lang, provider_id=self.target.provider_id,
                              **self.evidence_facts(params))

    def classify_reply(self, step_id: str, reply_error: ReplyError,
                       facts: dict[str, Any] | None = None) -> Diagnosis:
        reply = reply_error.reply
        return classify_evidence(step_id, self.lang, code=reply.code,
                                 message="\n".join(reply.lines),
                                 provider_id=self.target.provider_id,
                                 facts=self.evidence_facts(facts))

    def classify_exception(self, step_id: str, exc: BaseException,
                           facts: dict[str, Any] | None = None) -> Diagnosis:
        if isinstance(exc, ReplyError):
            return self.classify_reply(step_id, exc, facts)
        evidence = self.evidence_facts(facts)
        if isinstance(exc, SmtpProtocolError):
            evidence["protocol_error"] = True
        found = classify_evidence(step_id, self.lang, exception=exc,
                                  provider_id=self.target.provider_id, facts=evidence)
        known = engine_code(step_id, exc)
        if found.code == "unknown" and known:
            return self.diagnosis(known, **evidence)
        return found

    def tls_context(self, *, verify: bool = True) -> ssl.SSLContext:
        try:
            return client_context(self.target.ca_file, verify=verify)
        except CaFileError as exc:
            raise StepFailed(self.diagnosis("config.invalid"),
                             m("engine.config.ca_file", self.lang, path=exc.path,
                               reason=exc.reason)) from exc

    # -- running -------------------------------------------------------------

    def not_applicable(self, step_id: StepId) -> str | None:
        target = self.target
        if step_id == "tls" and target.security != "implicit_tls":
            if target.security == "starttls":  # the step named as the list of steps does
                return m("engine.skip.tls_starttls", self.lang,
                         step=step_label("starttls", self.lang))
            return m("engine.skip.tls_none", self.lang)
        if step_id == "starttls" and target.security != "starttls":
            key = ("engine.skip.starttls_implicit" if target.security == "implicit_tls"
                   else "engine.skip.starttls_none")
            return m(key, self.lang)
        if step_id == "auth" and target.auth == "none":
            return m("engine.skip.auth_none", self.lang)
        if step_id == "data" and not target.send:
            return m("engine.skip.no_send", self.lang)
        return None

    async def execute(self) -> None:
        functions: dict[str, StepFunction] = {**CONNECTION_STEPS, **MAIL_STEPS}
        failed = False
        for step_id in SMTP_STEPS:
            # A step these settings never run says why first ("no encryption chosen"),
            # even after a failure: "an earlier step failed" would blame the wrong thing.
            reason = self.not_applicable(step_id)
            if reason is not None:
                self.skip(step_id, reason)
                continue
            if failed:
                self.skip(step_id, m("engine.skip.after_failure", self.lang))
                continue
            step = await self.run_step(step_id, functions[step_id])
            if step.status == "fail":
                failed = True
                await self.after_failure(step)
        if self.conn is not None:
            await self.conn.close(min(self.target.timeout, 1.0))

    async def run_step(self, step_id: StepId, function: StepFunction) -> Step:
        step = Step(id=step_id)
        self.result.steps.append(step)
        self.current = step
        self.emit(step)
        watched = self.probe_enabled and step_id in PROBED_STEPS
        if watched:
            self.prober.arm(self.target.timeout / 2)
        started = time.monotonic()
        status: StepStatus = "ok"
        # connect shares its deadline among the addresses itself and reports each
        # one; the outer deadline is only a safety net there.
        limit = self.target.timeout + (0.5 if step_id == "connect" else 0.0)
        try:
            async with asyncio.timeout(limit):
                status = await function(self, step) or "ok"
        except StepFailed as failure:
            status = "fail"
            self.in_step = failure.exception is None or isinstance(failure.exception, ReplyError)
            step.facts.update(failure.facts)
            keep_reply(step, failure.exception)
            step.detail = failure.detail or step.detail
            if failure.diagnosis is None and failure.exception is not None:
                self.redo = self._reclassifier(step, failure.exception)
                step.detail = step.detail or describe_error(failure.exception,
                                                            self.target.timeout, self.lang)
            else:
                code = failure.diagnosis.code if failure.diagnosis else "unknown"
                self.redo = lambda extra: self.diagnosis(code, **{**step.facts, **extra})
                step.diagnosis = failure.diagnosis
        except Exception as exc:  # noqa: BLE001 - any failure becomes a diagnosis, never a crash
            status = "fail"
            self.in_step = isinstance(exc, ReplyError)
            keep_reply(step, exc)
            self.redo = self._reclassifier(step, exc)
            step.detail = describe_error(exc, self.target.timeout, self.lang)
        if status == "fail" and step.diagnosis is None:
            step.diagnosis = self.redo({})
        step.duration_ms = int((time.monotonic() - started) * 1000)
        if status == "fail" and step_id == "quit":
            # Everything that mattered is done; a missing goodbye is only worth a warning.
            status, step.diagnosis = "warn", None
        step.status = status
        self.current = None
        if status != "fail":
            if watched:
                self.prober.disarm()
            self.emit(step)
        return step

    def _reclassifier(self, step: Step, exc: BaseException) -> Callable[[dict[str, Any]], Diagnosis]:
        """Classification of *exc* that can be redone with more facts (after probing)."""
        return lambda extra: self.classify_exception(step.id, exc, {**step.facts, **extra})

    async def after_failure(self, step: Step) -> None:
        """Probe (if the failure may be the port or mode) while saying goodbye when the
        conversation allows it, then report the failure once, named with all evidence."""
        code = step.diagnosis.code if step.diagnosis else "unknown"
        probing = (self.probe_enabled and step.id in PROBED_STEPS
                   and code not in NOT_PROBED_CODES)
        # No login offered even over TLS (an MX's port 25): another port may offer one.
        probing = probing or (self.probe_enabled and code == "auth.unavailable"
                              and self.target.auth != "none")
        late = (probing and code == "smtp.banner_timeout" and self.greeting is not None
                and not self.greeting.done())
        if probing:
            self.prober.address = self.prober.address or (
                self.sockaddr[1][0] if self.sockaddr else None)
            helo = self.helo_task
            if helo is not None and helo.done() and not helo.cancelled() and not helo.exception():
                self.prober.helo_name = helo.result()
            self.prober.start()
            if self.on_step is not None:
                running = copy.deepcopy(step)
                running.status, running.diagnosis = "running", None
                running.detail = m("engine.banner.late_wait" if late else "engine.probe.running",
                                   self.lang)
                self.on_step(running)
        else:
            self.prober.disarm()
        if late and await self.wait_late_greeting(step):
            probing = False  # the port works, slowly: what other ports do is beside the point
        await self.quiet_quit()
        if probing:
            await self.probe_and_refine(step)
        self.result.diagnosis = step.diagnosis
        self.emit(step)

    async def wait_late_greeting(self, step: Step) -> bool:
        """After a greeting timeout, go on listening while the other ports are probed
        (at least half a timeout more): a greeting that comes late means a slow server,
        and a longer timeout is the fix (``smtp.greeting_slow``). True when it came."""
        greeting = self.greeting
        assert greeting is not None
        done, _ = await asyncio.wait({greeting}, timeout=self.target.timeout / 2)
        probing = self.prober.task
        if not done and probing is not None and not probing.done():
            # As long as the other ports are being tried: no wait of its own.
            done, _ = await asyncio.wait({greeting, probing}, timeout=LATE_GREETING_MAX,
                                         return_when=asyncio.FIRST_COMPLETED)
        if not greeting.done() or greeting.cancelled() or greeting.exception() is not None:
            greeting.cancel()
            return False
        reply = greeting.result()
        seconds = time.monotonic() - self.greeting_since
        assert self.conn is not None
        self.conn.greeted = True
        self.in_step = True  # a polite QUIT can go now
        step.facts["late_greeting_s"] = round(seconds, 1)
        step.facts["banner"] = str(reply)
        step.detail = m("engine.banner.late", self.lang, seconds=f"{seconds:.0f}",
                        timeout=f"{self.target.timeout:g}", reply=str(reply))
        step.diagnosis = self.diagnosis("smtp.greeting_slow", **step.facts,
                                        seconds=f"{seconds:.0f}")
        return True

    async def quiet_quit(self) -> None:
        """QUIT without recording anything, only when the conversation is in step."""
        conn = self.conn
        if conn is None or conn.closed:
            return
        if conn.greeted and self.in_step:
            conn.record = lambda line: None
            try:
                async with asyncio.timeout(min(self.target.timeout, 1.0)):
                    await conn.command("QUIT")
            except Exception:  # noqa: BLE001 - best effort only
                conn.abort()
        conn.abort()

    async def probe_and_refine(self, step: Step) -> None:
        """Probe other port/security combinations; suggest the best working one and
        name the failure again with that evidence (the same port in the other mode
        working means the security mode was wrong)."""
        results = await self.prober.results()
        step.facts["probe"] = [r.to_json() for r in results]
        best = best_result(results, self.target)
        if best is None:
            # Nothing else works either: the failure is named again knowing that.
            step.diagnosis = self.redo({})
            return
        self.result.suggestion = suggestion_for(best, self.target, self.lang)
        extra = {"suggested_port": best.candidate.port,
                 "suggested_security": best.candidate.security}
        if is_wrong_mode(best, self.target) and step.id != "connect":
            step.diagnosis = self.diagnosis("tls.wrong_mode", **{**step.facts, **extra})
        else:
            step.diagnosis = self.redo(extra)


def public_values(target: Target) -> list[str]:
    """What the run shows anyway, as typed and as sent on the wire (A-labels): the login,
    the addresses and the host. A server quoting them is never masked inside them."""
    values = [target.username, target.from_address, recipient(target), target.host]
    for value in list(values):
        with contextlib.suppress(ValueError, UnicodeError):
            values.append(wire_address(value, smtputf8=False) if "@" in value
                          else domain_to_ascii(value))
    return [value for value in values if value]


def keep_reply(step: Step, exc: BaseException | None) -> None:
    """The refusing reply as the server wrote it, every line with its code (``550-...``,
    ``550 ...``), in the step's facts: the views show it whole under the diagnosis."""
    if isinstance(exc, ReplyError) and "reply" not in step.facts:
        step.facts["reply"] = reply_lines(exc.reply)


async def run_check(
    target: Target,
    on_step: OnStep | None = None,
    *,
    probe: bool = True,
    candidates: Sequence[Candidate] | None = None,
) -> RunResult:
    """Run the whole check against *target* and return its result.

    *on_step* receives a copy of each step when it starts (``running``) and
    when it ends. *probe* enables port/security probing after an early failure;
    *candidates* replaces the usual probe candidates (587, 465, 25, 2525).
    Cancelling the task stops at once and closes the socket.
    """
    run = CheckRun(target, on_step, probe=probe, candidates=candidates)
    try:
        await run.execute()
    finally:
        # The socket first (at once), then the probes (each aborts its own).
        if run.conn is not None:
            run.conn.abort()
        if run.helo_task is not None and not run.helo_task.done():
            run.helo_task.cancel()
        if run.greeting is not None and not run.greeting.done():
            run.greeting.cancel()
        await run.prober.aclose()
    run.result.fix = fix_for(run.result)
    return run.result
