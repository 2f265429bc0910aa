"""Sign in with Microsoft inside the wizard: the device code flow, keyboard only.

The tenant and the application (client) ID are checked as they are typed;
"Sign in" starts :class:`~comelin_tui.oauth.DeviceSignIn` in a thread worker
(msal blocks), which reports back with messages. The address and the code
are shown large in a box, the code is copied with OSC 52, a countdown runs,
and Escape cancels at once. The token cache stays in memory (in the wizard)
until Save writes it to the secret store with the settings: nothing is kept
from a cancelled or failed sign-in.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Button, Input

from ..errors import ComelinError
from ..i18n import t
from ..widgets import Field, Tr, TrButton
from . import oauth_text  # noqa: F401 - registers the sign-in texts
from .oauth_support import (
    clean_value,
    copy_to_terminal,
    default_tenant,
    field_problem,
    printable,
)
from .step_base import StepPane, field_for, placeholder

if TYPE_CHECKING:
    from ..oauth import DeviceCode, DeviceSignIn, SignInResult
    from ..secrets import MemorySecretStore
    from .wizard import WizardScreen


# Setting -> id of its input (the field around it is "field-<id>").
_IDS = {"oauth.tenant": "oauth-tenant", "oauth.client_id": "oauth-client-id"}


class MicrosoftSignIn(Vertical):
    """The sign-in form, the code box while waiting, and what happened."""

    @dataclass
    class CodeReady(Message):
        """The device code to show (from the worker thread)."""

        attempt: int
        code: DeviceCode

    @dataclass
    class Finished(Message):
        """The sign-in ended: who signed in and the token cache, or why not."""

        attempt: int
        result: SignInResult | None = None
        cache: str | None = None
        error: ComelinError | None = None

    def __init__(self) -> None:
        super().__init__(id="oauth-sign-in")
        # idle, starting, waiting, done, failed, cancelled
        self.state = "idle"
        self.code: DeviceCode | None = None
        self.error: ComelinError | None = None
        self.ask_first = False  # "sign in first" shown after Next was refused
        self.msal = True
        self._attempt = 0
        self._flow: DeviceSignIn | None = None
        self._stop: threading.Event | None = None
        self._timer: Timer | None = None

    @property
    def wizard(self) -> WizardScreen:
        return self.screen  # type: ignore[return-value]

    @property
    def unreachable(self) -> bool:
        """The last sign-in failed because Microsoft's service could not be reached: the
        settings may be saved with the sign-in pending (done later on this computer)."""
        return self.state == "failed" and bool(getattr(self.error, "unreachable", False))

    @property
    def busy(self) -> bool:
        """A sign-in is under way (Escape cancels it)."""
        return self.state in ("starting", "waiting")

    # -- layout ------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Tr(self._missing, id="oauth-missing", classes="warning-text", hide_empty=True)
        with Vertical(id="oauth-form"):
            yield field_for("oauth.tenant", Input(id="oauth-tenant"))
            yield field_for("oauth.client_id",
                            Input(id="oauth-client-id", placeholder=placeholder("oauth.client_id")))
            with Horizontal(classes="actions"):
                yield TrButton("tui.oauth.sign_in", id="oauth-start", variant="primary")
        with Vertical(id="oauth-code", classes="code-box"):
            yield Tr("oauth.step_open")
            yield Tr(lambda: printable(self.code.verification_uri if self.code else ""),
                     id="oauth-uri", classes="code-uri")
            yield Tr("tui.oauth.step_code")
            yield Tr(lambda: printable(self.code.user_code if self.code else ""),
                     id="oauth-user-code", classes="user-code")
            yield Tr(self._account_step)
            yield Tr("tui.oauth.copied", classes="muted")
            yield Tr(self._countdown, id="oauth-countdown", classes="note")
            with Horizontal(classes="actions"):
                yield TrButton("tui.oauth.cancel", id="oauth-cancel")
                yield TrButton("tui.oauth.copy", id="oauth-copy")
        yield Tr(self._status, id="oauth-status", hide_empty=True)
        with Vertical(id="oauth-help"):
            yield Tr("tui.oauth.checklist_title", classes="subheading")
            yield Tr("oauth.app_registration", classes="checklist")

    def on_mount(self) -> None:
        self.query_one("#oauth-code").display = False

    # -- text --------------------------------------------------------------

    def _missing(self) -> str:
        if self.msal:
            return ""
        from ..oauth import INSTALL_COMMAND

        # The command on a line of its own: copied whole, never cut by the wrapping.
        return t("tui.oauth.msal_missing", command=INSTALL_COMMAND)

    def _account_step(self) -> str:
        account = self.wizard.state.draft.smtp.username
        return (t("tui.oauth.step_account", account=account) if account
                else t("tui.oauth.step_account_any"))

    def _countdown(self) -> str:
        left = self.code.seconds_left() if self.code is not None else 0
        minutes, seconds = divmod(left, 60)
        return t("tui.oauth.countdown", time=f"{minutes}:{seconds:02d}")

    def _status(self) -> str:
        wizard = self.wizard
        if self.state == "starting":
            return t("tui.oauth.starting")
        if self.state == "waiting":
            return ""
        if self.state == "failed" and self.error is not None:
            hint = getattr(self.error, "hint", None)
            message = self.error.message()
            text = t("oauth.failed_with_hint", message=message, hint=hint()) if hint else message
            if self.unreachable:
                text += "\n" + t("tui.oauth.sign_in_later")
            return text
        if self.state == "cancelled":
            return t("oauth.cancelled")
        signed = wizard.state.sign_in_state()
        if signed == "none":
            return t("tui.oauth.sign_in_first") if self.ask_first else ""
        account = wizard.state.signed_in_account() or "?"
        lines = [t("tui.oauth.signed_in" if signed == "new" else "tui.oauth.saved",
                   account=account)]
        username = wizard.state.draft.smtp.username
        if username and account != "?" and username.lower() != account.lower():
            lines.append(t("tui.oauth.account_differs", account=account, username=username))
        return "\n".join(lines)

    def refresh_texts(self) -> None:
        """Redraw what depends on the state, and show the parts that apply."""
        signed = self.wizard.state.sign_in_state()
        failing = self.state == "failed" or (self.ask_first and signed == "none")
        status = self.query_one("#oauth-status", Tr)
        status.set_class(failing, "error-text")
        status.set_class(self.state not in ("failed", "cancelled") and signed != "none"
                         and not self.busy, "success-text")
        self.query_one("#oauth-form").display = self.msal and self.state != "waiting"
        self.query_one("#oauth-help").display = self.msal and self.state != "waiting"
        self.query_one("#oauth-code").display = self.state == "waiting"
        self.query_one("#oauth-start", Button).disabled = self.busy
        self.query_one("#oauth-start", TrButton).set_key(
            "tui.oauth.sign_in" if signed == "none" else "tui.oauth.sign_in_again")
        for widget in self.query(Tr):
            widget.refresh_language()

    # -- the form ----------------------------------------------------------

    def load(self) -> None:
        """Fill the fields from the draft (the tenant defaults to the email's domain)."""
        from .. import oauth

        self.msal = oauth.msal_available()
        draft = self.wizard.state.draft
        tenant = draft.oauth.tenant or default_tenant(draft.company.email)
        for selector, value in (("#oauth-tenant", tenant),
                                ("#oauth-client-id", draft.oauth.client_id)):
            control = self.query_one(selector, Input)
            if control.value != value and not control.has_focus:
                with control.prevent(Input.Changed):
                    control.value = value
        self.refresh_texts()

    def check(self, *, show: bool) -> list[str]:
        """The fields that are wrong, and whether a sign-in is still needed."""
        problems = [name for name in _IDS if not self.take(name, show=show)]
        if self.wizard.state.sign_in_state() == "none":
            problems.append("oauth.sign_in")
            if show:
                self.ask_first = True
        else:
            self.ask_first = False
        self.refresh_texts()
        return problems

    def invalid_fields(self) -> list[str]:
        """Typed values that cannot be right (an empty client ID is only missing)."""
        invalid = []
        for name in _IDS:
            value = self._input(name).value
            if value.strip() and field_problem(name, value) is not None:
                invalid.append(name)
        return invalid

    def _input(self, name: str) -> Input:
        return self.query_one(f"#{_IDS[name]}", Input)

    def take(self, name: str, *, show: bool) -> bool:
        """Check a field; a right value goes to the draft, a wrong one says why under it."""
        control = self._input(name)
        field = self.query_one(f"#field-{_IDS[name]}", Field)
        problem = field_problem(name, control.value)
        if problem is None:
            clean = clean_value(name, control.value)
            current = getattr(self.wizard.state.draft.oauth, name.partition(".")[2])
            # The default tenant shown is not a setting until someone types or signs in.
            if clean != current and (name != "oauth.tenant" or control.has_focus or current):
                self.wizard.state.assign(name, clean)
            field.set_error(None)
        elif show or field.has_class("-invalid"):
            field.set_error(problem.message)
        return problem is None

    @on(Input.Changed, "#oauth-tenant, #oauth-client-id")
    def typed(self, event: Input.Changed) -> None:
        event.stop()
        name = "oauth.tenant" if event.input.id == "oauth-tenant" else "oauth.client_id"
        self.take(name, show=False)
        self.refresh_texts()
        self.post_message(StepPane.Changed())

    @on(Input.Blurred, "#oauth-tenant, #oauth-client-id")
    def left(self, event: Input.Blurred) -> None:
        if event.value.strip():
            self.take("oauth.tenant" if event.input.id == "oauth-tenant" else "oauth.client_id",
                      show=True)

    @on(Input.Submitted, "#oauth-tenant, #oauth-client-id")
    def entered(self, event: Input.Submitted) -> None:
        """Enter in the tenant goes to the client ID; in the client ID, signs in."""
        event.stop()
        if event.input.id == "oauth-tenant":
            self.query_one("#oauth-client-id", Input).focus()
        else:
            self.start()

    # -- signing in ----------------------------------------------------------

    @on(Button.Pressed, "#oauth-start")
    def start_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.start()

    def start(self) -> None:
        """Check the fields, then ask Microsoft for a device code (in a thread)."""
        from ..oauth import DeviceSignIn
        from ..secrets import MemorySecretStore

        if self.busy or not self.msal:
            return
        tenant_ok = self.take("oauth.tenant", show=True)
        client_ok = self.take("oauth.client_id", show=True)
        if not (tenant_ok and client_ok):
            self._input("oauth.tenant" if not tenant_ok else "oauth.client_id").focus()
            return
        self.cancel(quiet=True)
        self._attempt += 1
        self._stop = threading.Event()
        held = MemorySecretStore()  # until the wizard's Save writes it
        self._flow = DeviceSignIn(held)
        self.state, self.error, self.code, self.ask_first = "starting", None, None, False
        self.refresh_texts()
        self.screen.refresh_bindings()
        self._sign_in(self._attempt, self._flow, held, self._stop,
                      self._input("oauth.tenant").value, self._input("oauth.client_id").value)

    @work(thread=True, exclusive=True, group="oauth-sign-in", exit_on_error=False)
    def _sign_in(self, attempt: int, flow: DeviceSignIn, held: MemorySecretStore,
                 stop: threading.Event, tenant: str, client_id: str) -> None:
        """The blocking part: device code, then polling until signed in (thread)."""
        from ..oauth import OAuthError
        from ..secrets import OAUTH_TOKEN_CACHE

        try:
            code = flow.start(tenant, client_id)
            if stop.is_set():
                raise OAuthError("cancelled")
            self.post_message(self.CodeReady(attempt, code))
            result = flow.wait(stop)
        except ComelinError as error:
            self.post_message(self.Finished(attempt, error=error))
            return
        except Exception as error:  # noqa: BLE001 - shown under the button, never a crash
            self.post_message(self.Finished(attempt, error=ComelinError(
                "tui.error.unexpected", kind=type(error).__name__, detail=str(error))))
            return
        self.post_message(self.Finished(attempt, result=result,
                                        cache=held.get(OAUTH_TOKEN_CACHE)))

    @on(CodeReady)
    def code_ready(self, message: CodeReady) -> None:
        message.stop()
        if message.attempt != self._attempt or self.state != "starting":
            return  # a sign-in already cancelled
        self.code = message.code
        self.state = "waiting"
        copy_to_terminal(self.app, printable(message.code.user_code))
        self._timer = self.set_interval(1.0, self._tick)
        self.refresh_texts()
        self.query_one("#oauth-cancel", Button).focus()
        box = self.query_one("#oauth-code")
        self.call_after_refresh(box.scroll_visible, animate=False)

    def _tick(self) -> None:
        self.query_one("#oauth-countdown", Tr).refresh_language()

    @on(Finished)
    def finished(self, message: Finished) -> None:
        message.stop()
        if message.attempt != self._attempt or not self.busy:
            return  # cancelled meanwhile: whatever it brought is dropped
        self._stop_timer()
        self._flow = None
        if message.result is not None and message.cache:
            self.state = "done"
            self.wizard.state.signed_in(message.result, message.cache)
            self.post_message(StepPane.Changed(reload=True))
            self.refresh_texts()
            self.wizard.focus_next_button()
        else:
            from ..oauth import OAuthError

            error = message.error
            cancelled = isinstance(error, OAuthError) and error.kind == "cancelled"
            self.state = "cancelled" if cancelled or error is None else "failed"
            self.error = error
            self.refresh_texts()
            self.query_one("#oauth-start", Button).focus()
        # What happened is under the button: bring all of it into view.
        self.call_after_refresh(self.query_one("#oauth-status").scroll_visible, animate=False)
        self.post_message(StepPane.Changed())

    def cancel(self, *, quiet: bool = False) -> None:
        """Stop waiting now (Escape); whatever the sign-in brings later is dropped."""
        if self._stop is not None:
            self._stop.set()
        if self._flow is not None:
            self._flow.cancel()
        self._flow = None
        self._stop_timer()
        if self.busy:
            self._attempt += 1
            self.state = "idle" if quiet else "cancelled"
            if self.is_attached:
                self.refresh_texts()
                if not quiet:
                    self.query_one("#oauth-start", Button).focus()
                    self.call_after_refresh(self.query_one("#oauth-status").scroll_visible,
                                            animate=False)

    def _stop_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    @on(Button.Pressed, "#oauth-cancel")
    def cancel_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.cancel()
        self.screen.refresh_bindings()

    @on(Button.Pressed, "#oauth-copy")
    def copy_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if self.code is not None:
            copy_to_terminal(self.app, printable(self.code.user_code))

    def on_unmount(self) -> None:
        self.cancel(quiet=True)

    def refresh_language(self) -> None:
        if self.is_attached:
            self.query_one("#oauth-start", TrButton).refresh_language()
