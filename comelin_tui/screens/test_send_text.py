"""What the test send screen says: the verdict, the diagnosis (in the language shown now,
also after a switch), the suggested fix, the advice under a DNS check, the demo mailbox."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..i18n import render, t
from ..labels import security_label
from ..widgets.step_row import StepRow, clock

if TYPE_CHECKING:
    from ..config import Config
    from ..diagnostics.model import RunResult
    from ..errors import ComelinError


class TestSendTexts:
    """Mixin of TestSendScreen: every text that depends on the run."""

    __test__ = False  # not a pytest test class, despite the name

    result: RunResult | None
    problem: ComelinError | None
    cancelled: bool
    _rows: dict[str, StepRow]
    _checking_dns: bool

    if TYPE_CHECKING:
        app: Any

        @property
        def config(self) -> Config: ...
        @property
        def running(self) -> bool: ...

    def _title(self) -> str:
        name = getattr(self, "profile_name", None)
        return t("tui.test.title") if name is None else t("tui.test.title_profile", name=name)

    def _intro(self) -> str:
        smtp = self.config.smtp
        intro = t("tui.test.intro", host=smtp.host, port=smtp.port,
                  security=security_label(smtp.security))
        if getattr(self, "profile_name", None) is None:
            return intro
        return intro + "\n" + t("tui.test.intro_profile", sender=smtp.from_address or "-")

    def _outcome(self) -> str:
        if self.problem is not None:
            return self.problem.message()
        if self.running:
            return t("tui.test.dns_running" if self._checking_dns else "tui.test.running")
        if self.cancelled:
            return t("tui.test.cancelled")
        result = self.result
        if result is None:
            return ""
        from ..diagnostics.render import outcome_headline

        return outcome_headline(result)

    def _diagnosis(self) -> str:
        result = self.result
        if result is None or self.running:
            return ""
        from ..diagnostics.model import SMTP_STEPS

        found = [result.diagnosis] if result.diagnosis is not None else []
        # A run that passed with a warning says what the warning is (interception, IPv6
        # failing, a password sent in clear...); the DNS checks say theirs under their rows.
        found += [s.diagnosis for s in result.steps
                  if s.status == "warn" and s.diagnosis is not None and s.id in SMTP_STEPS]
        lines: list[str] = []
        shown: set[str] = set()
        for item in found:
            if item.code in shown:
                continue
            shown.add(item.code)
            diagnosis = item.render()
            lines.append(t("tui.test.diagnosis", code=diagnosis.code, summary=diagnosis.summary))
            if diagnosis.hint:
                lines.append(t("tui.test.hint", hint=diagnosis.hint))
        return "\n".join(lines)

    def _advice(self, step_id: str) -> str:
        """Under a DNS check that warns: what to add at the DNS host."""
        row = self._rows.get(step_id)
        step = row.step if row is not None else None
        if step is None or step.status in ("running", "ok", "skipped") or step.diagnosis is None \
                or self.result is None or not step.diagnosis.hint:
            return ""
        return t("tui.test.hint", hint=step.diagnosis.render().hint)

    def _suggestion(self) -> str:
        result = self.result if not self.running else None
        if result is None:
            return ""
        suggestion = result.suggestion
        if suggestion is not None:
            return t("tui.test.suggestion", port=suggestion.port,
                     security=security_label(suggestion.security),
                     reason=render(suggestion.reason))
        if result.fix is not None:
            key = ("tui.test.fix_signin" if result.fix.kind == "microsoft_signin"
                   else "tui.test.fix")
            return t(key, reason=render(result.fix.reason))
        return ""

    def _after_note(self) -> str:
        if self.result is None or self.running or self.result.status == "fail" and \
                not any(s.id == "rcpt_to" and s.status == "ok" for s in self.result.steps):
            return ""
        return t("tui.test.bounce_note")

    def _mailbox(self) -> str:
        demo = getattr(self.app, "demo", None)
        if demo is None or demo.sandbox is None or self.result is None or self.running:
            return ""
        messages = demo.sandbox.mailbox
        if not messages:
            return t("tui.test.mailbox_empty")
        lines = [t("tui.test.mailbox", count=len(messages))]
        for message in messages[-5:]:
            lines.append(f"- {clock(message.get('Date', ''))}  {message.get('To', '')}  "
                         f"{message.get('Subject', '')}")
        return "\n".join(lines)

    def _evidence_result(self) -> RunResult | None:
        """The finished run whose evidence shows under the diagnosis (none while running)."""
        return None if self.running else self.result
