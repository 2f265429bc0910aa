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
import dataclasses
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Button, Input
from textual.worker import Worker

from ..diagnostics.model import DELIVERABILITY_STEPS
from ..errors import ComelinError
from ..i18n import t
from ..labels import security_label
from ..profiles import all_profiles, apply_to_profile, profile_config
from ..widgets import Field, KeyBar, TitleBar, Tr, TrButton
from ..widgets.evidence import EvidencePanel
from ..widgets.step_row import StepRow
from ..widgets.transcript import Transcript
from .base import WorkerErrors
from .test_send_text import TestSendTexts

if TYPE_CHECKING:
    from ..config import Config
    from ..diagnostics.model import RunResult, Step
    from ..profiles import Profile


class TestSendScreen(TestSendTexts, WorkerErrors, Screen[None]):
    """Send a real test message with the saved settings and explain the outcome."""

    __test__ = False  # not a pytest test class, despite the name

    # The actions right under the verdict, no blank line: together in view at 80x24.
    CSS = """
    #test-actions {
        margin-top: 0;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "tui.key.cancel", id="cancel"),
        # The transcript shown: Escape closes it first, then leaves the screen.
        Binding("escape", "hide_transcript", "tui.key.close", id="hide-transcript"),
        Binding("escape", "back", "tui.key.back", id="test-back"),
        Binding("ctrl+r", "run", "tui.key.run", id="run"),
        Binding("ctrl+t", "toggle_transcript", "tui.key.transcript", id="transcript"),
        Binding("ctrl+f", "apply_fix", "tui.key.apply_fix", id="apply-fix"),
    ]

    def __init__(self, profile: str | None = None) -> None:
        """*profile*: test that sender profile (its sender, its own account and secret);
        None: the company settings."""
        super().__init__()
        self.profile_name = profile
        self.result: RunResult | None = None
        self.problem: ComelinError | None = None
        self.cancelled = False
        self.applying = False
        self._worker: Worker[None] | None = None
        self._spinner: Timer | None = None
        self._rows: dict[str, StepRow] = {}
        self._busy = False
        self._checking_dns = False
        self._dns_folded = False
        self._dns_opened = False  # unfolded by hand: the button stays, to fold it again

    @property
    def config(self) -> Config:
        """The settings this test runs with (a profile's: see profiles.profile_config)."""
        settings: Config = self.app.settings  # type: ignore[attr-defined]
        profile = self.profile
        return settings if profile is None else profile_config(settings, profile)

    @property
    def profile(self) -> Profile | None:
        from ..profiles import NoSuchProfile, find_profile

        if self.profile_name is None:
            return None
        try:
            return find_profile(self.app.settings, self.profile_name)  # type: ignore[attr-defined]
        except NoSuchProfile:
            return None  # removed meanwhile: run_test says so

    @property
    def running(self) -> bool:
        """A run is in progress (from the key press to the last step)."""
        return self._busy

    # -- layout ------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield TitleBar(self._title)
        with VerticalScroll(id="test-body"):
            yield Tr(self._intro, classes="intro")
            yield Field("tui.test.recipient_label", Input(id="recipient"),
                        hint="tui.test.recipient_hint", id="field-recipient")
            yield Vertical(id="step-rows")
            yield Tr(self._outcome, id="outcome", hide_empty=True)
            # Right under the verdict: in view with it after a run, whatever comes below.
            with Horizontal(classes="actions", id="test-actions"):
                yield TrButton("tui.test.send", id="run", variant="primary")
                yield TrButton("tui.test.transcript_show", id="toggle-transcript")
                yield TrButton("tui.test.back", id="back")
            yield Tr(self._diagnosis, id="diagnosis", classes="diagnosis", hide_empty=True)
            yield EvidencePanel(self._evidence_result, id="evidence")
            yield Tr(self._suggestion, id="suggestion", classes="note", hide_empty=True)
            yield TrButton("tui.test.apply_fix", id="apply-fix", variant="warning")
            yield TrButton("tui.test.connect", id="connect-comelin", variant="success")
            # Advice after the verdict; folded when the send failed (the verdict matters).
            with Vertical(id="dns-rows"):
                yield Tr("tui.test.dns_title", classes="subheading")
                yield TrButton("tui.test.dns_show", id="toggle-dns")
                yield Vertical(id="dns-checks")
            yield Tr(self._after_note, id="bounce-note", classes="muted", hide_empty=True)
            yield Tr(self._mailbox, id="mailbox", classes="mailbox", hide_empty=True)
            yield Transcript(id="transcript", max_lines=2000)
        # Five keys of its own: the settings search (ctrl+p) still works, unlisted.
        yield KeyBar(hide=("command_palette",))

    def on_mount(self) -> None:
        self.query_one("#dns-rows").display = False
        self.query_one("#apply-fix").display = False
        self.query_one("#connect-comelin").display = False
        self.query_one("#transcript").display = False
        self.query_one("#transcript", Transcript).border_title = t("tui.test.transcript_title")
        recipient = self.query_one("#recipient", Input)
        recipient.value = self.config.company.email or self.config.smtp.from_address
        # The recipient first, as its hint says: typing replaces it, Enter sends.
        recipient.focus()
        # The verdict stays where it was put while rows still change height around it
        # (a step row re-wraps once its width is known): until the person takes over.
        self._verdict_pinned = False
        self.watch(self.query_one("#test-body", VerticalScroll), "virtual_size",
                   self._keep_verdict_in_place, init=False)

    def _keep_verdict_in_place(self, _size: object) -> None:
        if not self._verdict_pinned:
            return

        def again() -> None:  # the scroll, then the focus chosen for what is now in view
            if self._verdict_pinned:
                self._scroll_to_verdict()
                body.call_after_refresh(self._focus_after_run)

        body = self.query_one("#test-body", VerticalScroll)
        body.call_after_refresh(again)

    def on_key(self, _event: object) -> None:
        self._verdict_pinned = False  # a key the screen sees: the person is moving on

    def on_mouse_scroll_down(self, _event: object) -> None:
        self._verdict_pinned = False

    def on_mouse_scroll_up(self, _event: object) -> None:
        self._verdict_pinned = False

    def refresh_texts(self) -> None:
        self._show_dns_fold()
        for widget in self.query(Tr):
            widget.refresh_language()
        self.query_one("#apply-fix").display = self.check_action("apply_fix", ()) is True
        # After a passed test: the next step is Comelin's own settings.
        self.query_one("#connect-comelin").display = (
            self.result is not None and self.result.status != "fail" and not self.running)
        self.refresh_bindings()

    def _show_dns_fold(self) -> None:
        """Folded: the DNS section's title and its button only; open: every check."""
        folded = self._dns_folded and not self.running
        self.query_one("#dns-checks").display = not folded
        button = self.query_one("#toggle-dns", TrButton)
        button.display = self._dns_folded or self._dns_opened
        button.set_key("tui.test.dns_show" if folded else "tui.test.dns_hide")

    def action_toggle_dns(self) -> None:
        self._dns_opened = True
        self._dns_folded = not self._dns_folded
        self._show_dns_fold()

    def refresh_language(self) -> None:
        log = self.query_one("#transcript", Transcript)
        log.border_title = t("tui.test.transcript_title")
        if self.result is not None and not self.result.transcript:
            log.clear()  # our own words, not the server's: in the new language
            log.write_line(t("tui.test.no_transcript"))
        self.refresh_bindings()

    # -- running -----------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel":
            return self.running
        if action in ("back", "hide_transcript"):
            shown = bool(self.query_one("#transcript").display)
            return not self.running and shown == (action == "hide_transcript")
        if action == "run":
            return (not self.running and not self.applying) or None
        if action == "apply_fix":
            if self.result is None or self.result.fix is None:
                return False
            return (not self.running and not self.applying) or None
        return True

    def action_run(self) -> None:
        self._verdict_pinned = False  # the rows of the new run come into view as they run
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
        self.query_one("#dns-checks").remove_children()
        dns_rows.display = False
        self._dns_folded = self._dns_opened = False
        self._rows = {}
        self.query_one("#transcript", Transcript).clear()
        self._busy = True
        self._worker = self.run_test(to_address)
        self._start_spinner()
        self.refresh_texts()

    @work(exclusive=True, group="test-send", exit_on_error=False)
    async def run_test(self, to_address: str) -> None:
        """The core test send (the one `comelin-tui check` runs); each step shows up as
        the engine reports it."""
        from ..jobs.send_test import SendTestOptions, SendTestSetupError, send_test

        app: Any = self.app
        options = SendTestOptions(
            to_address=to_address, dns_checks=app.demo is None and app.dns_checks,
            dns_server=app.dns_server, dns_lifetime=app.dns_lifetime,
            log_path=app.attempt_log_path)
        if self.profile_name is not None:
            profile = self.profile
            if profile is None:
                self.problem = ComelinError("profile.no_such", name=self.profile_name,
                                            names=", ".join(p.name for p in all_profiles(
                                                app.settings)))
                self._busy = False
                self._stop_spinner()
                self.refresh_texts()
                return
            options = dataclasses.replace(options, secret_name=profile.secret,
                                          profile=profile.name)
        try:
            self.result = await send_test(self.config, app.config_path, self._on_step, options)
        except SendTestSetupError as error:
            self.problem = ComelinError(f"tui.test.{error.reason}", **error.params)
        except ComelinError as error:
            self.problem = error
        finally:
            self._busy = False
            self._checking_dns = False
            self._stop_spinner()
        if self.result is not None:
            app.last_test_status = self.result.status
            self._dns_folded = self.result.status == "fail"
            self._dns_opened = False
            transcript = self.query_one("#transcript", Transcript)
            transcript.clear()
            transcript.write_lines(self.result.transcript or [t("tui.test.no_transcript")])
        self.refresh_texts()
        # After the layout settles: show the verdict (the end of the pane), and focus
        # the next thing to do there.
        self.call_after_refresh(self._show_verdict)

    def _show_verdict(self) -> None:
        """The end of the pane, unless the evidence under the verdict is taller than the
        pane: then the verdict at the top, the evidence under it (to scroll down to)."""
        body = self.query_one("#test-body", VerticalScroll)

        def scroll() -> None:  # once the new texts are laid out, as scroll_end waits too
            self._verdict_pinned = True
            self._scroll_to_verdict()
            body.call_after_refresh(self._focus_after_run)

        body.call_after_refresh(scroll)

    def _scroll_to_verdict(self) -> None:
        body = self.query_one("#test-body", VerticalScroll)
        top = body.max_scroll_y
        outcome = self.query_one("#outcome")
        if outcome.display:
            top = min(top, outcome.virtual_region.y)
        body.scroll_to(y=top, animate=False, immediate=True)

    def _focus_after_run(self) -> None:
        """The fix to apply, or Comelin's settings after a pass, when in view once the
        verdict is shown; else "Send the test", right under the verdict."""
        from textual.errors import NoWidget

        def in_view(widget: Widget) -> bool:
            if not widget.display:
                return False
            try:
                geometry = self.find_widget(widget)
            except NoWidget:
                return False
            region = geometry.region
            return bool(region.area) and geometry.clip.contains_region(region)

        for selector in ("#apply-fix", "#connect-comelin"):
            button = self.query_one(selector)
            if in_view(button):
                button.focus(scroll_visible=False)
                return
        self.query_one("#run").focus(scroll_visible=False)  # in view with the verdict

    def _on_step(self, step: Step) -> None:
        """Engine callback (same event loop): add or update the step's row."""
        if step.id in DELIVERABILITY_STEPS and not self._checking_dns:
            self._checking_dns = True  # the send is over: the outcome line says so
            self.refresh_texts()
        if step.status == "skipped" and step.id not in self._rows:
            return  # steps that do not apply would only crowd 24 rows
        row = self._rows.get(step.id)
        if row is None:
            app: Any = self.app
            limit = (app.dns_lifetime if step.id in DELIVERABILITY_STEPS
                     else self.config.smtp.timeout)
            row = self._rows[step.id] = StepRow(step, limit)
            if step.id in DELIVERABILITY_STEPS:
                self.query_one("#dns-rows").display = True
                rows = self.query_one("#dns-checks")
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
            self.query_one("#transcript", Transcript).write_lines(step.transcript)
        row.scroll_visible(animate=False)

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

    def action_hide_transcript(self) -> None:
        """Escape with the transcript shown: hide it, the focus back on its button."""
        if self.query_one("#transcript").display:
            self.action_toggle_transcript()
        self.query_one("#toggle-transcript", TrButton).focus()

    def action_toggle_transcript(self) -> None:
        log = self.query_one("#transcript", Transcript)
        log.display = not log.display
        button = self.query_one("#toggle-transcript", TrButton)
        button.set_key(
            "tui.test.transcript_hide" if log.display else "tui.test.transcript_show")
        if log.display:
            # The conversation takes the focus (the keys scroll it) and the screen's
            # height, its top at the top once laid out.
            self._size_transcript()
            log.reveal()
        elif log.has_focus:
            button.focus()
        self.refresh_bindings()  # Escape: closes the transcript, or leaves

    def _size_transcript(self) -> None:
        """As tall as the screen's content shows (less the line above it), so it grows
        with the terminal; never less than a few lines."""
        body = self.query_one("#test-body", VerticalScroll)
        self.query_one("#transcript", Transcript).styles.height = max(
            6, body.scrollable_content_region.height - 1)

    def on_resize(self) -> None:
        self.call_after_refresh(self._size_transcript)

    @work(exclusive=True, group="apply-fix", exit_on_error=False)
    async def action_apply_fix(self) -> None:
        """Save the fix the run found (port/security, sender, server name, timeout),
        then run the test again; for Microsoft sign-in, open the sign-in instead."""
        from ..config import update_config, with_changes

        result = self.result
        if result is None or result.fix is None or self.running or self.applying:
            return
        app: Any = self.app
        fix = result.fix
        changes: dict[str, object] = dict(fix.changes)
        if fix.kind == "microsoft_signin":
            # Nothing is saved until the sign-in is done and the settings are saved.
            app.open_wizard("edit", field="oauth.sign_in", changes=changes)
            return
        self.applying = True
        try:
            with_changes(self.config, changes)  # refused before anything is written
            name = self.profile_name

            def change(current: Config) -> Config:
                # A profile's fix goes where its run took the value from (its sender, its
                # own account, else the company's).
                if name is None:
                    return with_changes(current, changes)
                return apply_to_profile(current, name, changes)

            # Only what the fix changes: merged into the settings as they are on disk.
            config = await asyncio.to_thread(update_config, app.config_path, change,
                                             default=app.settings)
        except ComelinError as error:
            self.problem = error
            self.refresh_texts()
            return
        finally:
            self.applying = False
        app.settings_saved(config)
        suggestion = result.suggestion
        if suggestion is not None:
            self.notify(t("tui.test.fix_applied", port=suggestion.port,
                          security=security_label(suggestion.security)), timeout=5)
        else:
            self.notify(t("tui.test.fix_saved"), timeout=5)
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

    @on(Button.Pressed, "#toggle-dns")
    def dns_toggle_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_toggle_dns()

    @on(Button.Pressed, "#connect-comelin")
    def connect_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        app: Any = self.app
        app.open_connect_comelin()

    @on(Button.Pressed, "#apply-fix")
    def fix_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_apply_fix()

    @on(Input.Submitted, "#recipient")
    def recipient_entered(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_run()
