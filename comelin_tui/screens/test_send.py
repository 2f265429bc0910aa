"""The live test send: the recipient, each step as it happens, and what to fix.

The run is the diagnostics engine's, in an exclusive worker; Escape cancels it
at once (the engine closes the socket). After the SMTP steps come the
advisory DNS checks of the sending domain (mx, spf, dkim, dmarc: they warn,
never fail). A failure shows the diagnosis (in the language shown, also after
a switch), and when probing found a working port/security, "Apply suggested
fix" saves it and runs the test again.
"""

from __future__ import annotations

import asyncio
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Button, Input, Log
from textual.worker import Worker

from ..diagnostics.model import DELIVERABILITY_STEPS
from ..errors import ComelinError
from ..i18n import t
from ..widgets import Field, KeyBar, TitleBar, Tr, TrButton
from ..widgets.step_row import StepRow
from .base import WorkerErrors
from .test_send_text import TestSendTexts

if TYPE_CHECKING:
    from ..config import Config
    from ..diagnostics.model import RunResult, Step, Target


class TestSendScreen(TestSendTexts, WorkerErrors, Screen[None]):
    """Send a real test message with the saved settings and explain the outcome."""

    __test__ = False  # not a pytest test class, despite the name

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "tui.key.cancel", id="cancel"),
        Binding("escape", "back", "tui.key.back", id="test-back"),
        Binding("ctrl+r", "run", "tui.key.run", id="run"),
        Binding("ctrl+t", "toggle_transcript", "tui.key.transcript", id="transcript"),
        Binding("ctrl+f", "apply_fix", "tui.key.apply_fix", id="apply-fix"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.result: RunResult | None = None
        self.problem: ComelinError | None = None
        self.cancelled = False
        self.applying = False
        self._worker: Worker[None] | None = None
        self._spinner: Timer | None = None
        self._rows: dict[str, StepRow] = {}
        self._busy = False
        self._checking_dns = False

    @property
    def config(self) -> Config:
        return self.app.settings  # type: ignore[attr-defined,no-any-return]

    @property
    def running(self) -> bool:
        """A run is in progress (from the key press to the last step)."""
        return self._busy

    # -- layout ------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield TitleBar("tui.test.title")
        with VerticalScroll(id="test-body"):
            yield Tr(self._intro, classes="intro")
            yield Field("tui.test.recipient_label", Input(id="recipient"),
                        hint="tui.test.recipient_hint", id="field-recipient")
            with Horizontal(classes="actions"):
                yield TrButton("tui.test.send", id="run", variant="primary")
                yield TrButton("tui.test.transcript_show", id="toggle-transcript")
                yield TrButton("tui.test.back", id="back")
            yield Vertical(id="step-rows")
            with Vertical(id="dns-rows"):
                yield Tr("tui.test.dns_title", classes="subheading")
            yield Tr(self._outcome, id="outcome", hide_empty=True)
            yield Tr(self._diagnosis, id="diagnosis", classes="diagnosis", hide_empty=True)
            yield Tr(self._suggestion, id="suggestion", classes="note", hide_empty=True)
            yield TrButton("tui.test.apply_fix", id="apply-fix", variant="warning")
            yield Tr(self._after_note, id="bounce-note", classes="muted", hide_empty=True)
            yield Tr(self._mailbox, id="mailbox", classes="mailbox", hide_empty=True)
            yield Log(id="transcript", max_lines=2000)
        # Five keys of its own: the settings search (ctrl+p) still works, unlisted.
        yield KeyBar(hide=("command_palette",))

    def on_mount(self) -> None:
        self.query_one("#dns-rows").display = False
        self.query_one("#apply-fix").display = False
        self.query_one("#transcript").display = False
        self.query_one("#transcript", Log).border_title = t("tui.test.transcript_title")
        recipient = self.query_one("#recipient", Input)
        recipient.value = self.config.company.email or self.config.smtp.from_address
        self.query_one("#run", Button).focus()

    def refresh_texts(self) -> None:
        for widget in self.query(Tr):
            widget.refresh_language()
        self.query_one("#apply-fix").display = self.check_action("apply_fix", ()) is True
        self.refresh_bindings()

    def refresh_language(self) -> None:
        self.query_one("#transcript", Log).border_title = t("tui.test.transcript_title")
        self.refresh_bindings()

    # -- running -----------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel":
            return self.running
        if action == "back":
            return not self.running
        if action == "run":
            return (not self.running and not self.applying) or None
        if action == "apply_fix":
            if self.result is None or self.result.suggestion is None:
                return False
            return (not self.running and not self.applying) or None
        return True

    def action_run(self) -> None:
        if self.running or self.applying:
            return
        self.problem = None
        self.cancelled = False
        self.result = None
        recipient = self.query_one("#recipient", Input).value
        field = self.query_one("#field-recipient", Field)
        from ..config import FieldError, validate_email

        try:
            to_address = validate_email(recipient, field="recipient")
        except FieldError as error:
            field.set_error(error.message)
            self.query_one("#recipient", Input).focus()
            return
        field.set_error(None)
        self.query_one("#step-rows").remove_children()
        dns_rows = self.query_one("#dns-rows")
        dns_rows.remove_children(".step-row, .advice")
        dns_rows.display = False
        self._rows = {}
        self.query_one("#transcript", Log).clear()
        self._busy = True
        self._worker = self.run_test(to_address)
        self._start_spinner()
        self.refresh_texts()

    @work(exclusive=True, group="test-send", exit_on_error=False)
    async def run_test(self, to_address: str) -> None:
        """The whole run; each step shows up as the engine reports it."""
        from ..diagnostics.engine import run_check

        try:
            target = await self._target(to_address)
            if target.auth == "oauth2" and target.password is None:
                result = await self._run_oauth(target)
            else:
                result = await run_check(target, self._on_step, probe=True)
            self._checking_dns = True
            self.refresh_texts()
            result.steps.extend(await self._deliverability(result))
            self.result = result
        except ComelinError as error:
            self.problem = error
        finally:
            self._busy = False
            self._checking_dns = False
            self._stop_spinner()
        if self.result is not None:
            app: Any = self.app
            app.last_test_status = self.result.status
            await self._log(self.result)
            transcript = self.query_one("#transcript", Log)
            transcript.clear()
            transcript.write_lines(self.result.transcript or [t("tui.test.no_transcript")])
        self.refresh_texts()
        if self.check_action("apply_fix", ()) is True:
            self.query_one("#apply-fix").focus(scroll_visible=False)
        # After the layout settles: show the verdict (the end of the pane).
        self.call_after_refresh(self.query_one("#test-body", VerticalScroll).scroll_end,
                                animate=False)

    async def _target(self, to_address: str) -> Target:
        """The Target from the saved settings; the secret is read off the event loop."""
        from .. import i18n
        from ..config import missing_fields
        from ..diagnostics.model import Target
        from ..secrets import smtp_password

        app: Any = self.app
        config = self.config
        smtp = config.smtp
        missing = [name for name in missing_fields(config) if name != "company.email"]
        if missing:
            from ..config import field_label

            raise ComelinError("tui.test.incomplete",
                               fields=", ".join(field_label(name) for name in missing))
        password = None
        if smtp.auth == "oauth2":
            # The saved sign-in gives a fresh token when the run starts (see _run_oauth);
            # a token given for automation wins.
            import os

            from ..secrets import ENV_PASSWORD

            password = os.environ.get(ENV_PASSWORD) or None
        elif smtp.auth != "none":
            password = await asyncio.to_thread(smtp_password, app.config_path,
                                               config.secret_backend)
            if not password:
                raise ComelinError("tui.test.no_password")
        return Target(
            host=smtp.host, port=smtp.port, security=smtp.security, auth=smtp.auth,
            username=smtp.username, password=password, from_address=smtp.from_address,
            to_address=to_address, reply_to=smtp.reply_to, timeout=smtp.timeout,
            ca_file=smtp.ca_file, pinned_fingerprint=smtp.pinned_fingerprint,
            allow_insecure_auth=smtp.allow_insecure_auth, provider_id=config.provider,
            language=i18n.get_language(),
        )

    async def _deliverability(self, result: RunResult) -> list[Step]:
        """The advisory DNS checks of the sending domain, as `comelin-tui check` runs them.

        Not in demo mode; not for a special-use domain (``.example``, ``.test``...)
        unless a DNS server was named, which is how tests point at theirs.
        """
        from ..discovery.domains import is_reserved, sending_domain

        app: Any = self.app
        config = self.config
        domain = sending_domain(config)
        nameserver = config.dns_server or app.dns_server
        if app.demo is not None or not app.dns_checks \
                or (nameserver is None and is_reserved(domain)):
            return []
        from ..discovery import deliverability_steps

        return await deliverability_steps(
            domain, config.provider, nameserver=nameserver, lifetime=app.dns_lifetime,
            on_step=self._on_step, smtp_host=config.smtp.host, lang=result.target.language)

    async def _run_oauth(self, target: Target) -> RunResult:
        """Microsoft 365 sign-in: a fresh access token from the saved sign-in, then XOAUTH2."""
        from ..oauth_check import run_check_oauth
        from ..secrets import open_secret_store

        app: Any = self.app
        store = await asyncio.to_thread(open_secret_store, app.config_path,
                                        self.config.secret_backend)
        return await run_check_oauth(target, self.config, store, self._on_step, probe=True)

    def _on_step(self, step: Step) -> None:
        """Engine callback (same event loop): add or update the step's row."""
        if step.status == "skipped" and step.id not in self._rows:
            return  # steps that do not apply would only crowd 24 rows
        row = self._rows.get(step.id)
        if row is None:
            row = self._rows[step.id] = StepRow(step)
            if step.id in DELIVERABILITY_STEPS:
                rows = self.query_one("#dns-rows")
                rows.display = True
                rows.mount(row)
                rows.mount(Tr(partial(self._advice, step.id), id=f"advice-{step.id}",
                              classes="advice", hide_empty=True))
            else:
                self.query_one("#step-rows").mount(row)
        else:
            row.update_step(step)
            if step.id in DELIVERABILITY_STEPS:
                self.query_one(f"#advice-{step.id}", Tr).refresh_language()
        if step.status != "running" and step.transcript:
            self.query_one("#transcript", Log).write_lines(step.transcript)
        row.scroll_visible()

    async def _log(self, result: RunResult) -> None:
        from ..attempt_log import append_attempt

        app: Any = self.app
        try:
            await asyncio.to_thread(append_attempt, result, app.attempt_log_path)
        except OSError:
            pass  # the log is a convenience: a full disk must not hide the result

    def _start_spinner(self) -> None:
        self._stop_spinner()
        self._spinner = self.set_interval(0.2, self._spin)

    def _stop_spinner(self) -> None:
        if self._spinner is not None:
            self._spinner.stop()
            self._spinner = None

    def _spin(self) -> None:
        for row in self._rows.values():
            if row.step.status == "running":
                row.spin()

    def action_cancel(self) -> None:
        """Escape during a run: stop it now (the engine closes the socket)."""
        if self._worker is not None:
            self._worker.cancel()
        self._busy = False
        self._stop_spinner()
        self.cancelled = True
        for row in self._rows.values():
            if row.step.status == "running":
                row.cancel()
        self.refresh_texts()
        self.call_after_refresh(self.refresh_bindings)

    def action_back(self) -> None:
        self.dismiss()

    def action_toggle_transcript(self) -> None:
        log = self.query_one("#transcript", Log)
        log.display = not log.display
        self.query_one("#toggle-transcript", TrButton).set_key(
            "tui.test.transcript_hide" if log.display else "tui.test.transcript_show")
        if log.display:
            log.scroll_visible()

    @work(exclusive=True, group="apply-fix", exit_on_error=False)
    async def action_apply_fix(self) -> None:
        """Save the suggested port/security, then run the test again."""
        from ..config import save_config, with_changes

        result = self.result
        if result is None or result.suggestion is None or self.running or self.applying:
            return
        app: Any = self.app
        suggestion = result.suggestion
        self.applying = True
        try:
            config = with_changes(self.config, {"smtp.port": suggestion.port,
                                                "smtp.security": suggestion.security})
            await asyncio.to_thread(save_config, config, app.config_path)
        except ComelinError as error:
            self.problem = error
            self.refresh_texts()
            return
        finally:
            self.applying = False
        app.settings_saved(config)
        self.notify(t("tui.test.fix_applied", port=suggestion.port,
                      security=t(f"tui.security_short.{suggestion.security}")), timeout=5)
        self.action_run()

    # -- buttons -------------------------------------------------------------

    @on(Button.Pressed, "#run")
    def run_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_run()

    @on(Button.Pressed, "#toggle-transcript")
    def transcript_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_toggle_transcript()

    @on(Button.Pressed, "#back")
    def back_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if self.running:
            self.action_cancel()
        self.dismiss()

    @on(Button.Pressed, "#apply-fix")
    def fix_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_apply_fix()

    @on(Input.Submitted, "#recipient")
    def recipient_entered(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_run()
