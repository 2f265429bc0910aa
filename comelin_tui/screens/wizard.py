"""The wizard: a sidebar of steps (like the admin panel's left menu) and one pane per step.

The screen owns the draft (a copy of the saved settings); panes edit it in
place and only Save writes it. Network and keyring work runs in exclusive
workers: the MX lookup as the email is typed (debounced, cancellable), the
keyring probe, and the save itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Button, ContentSwitcher, OptionList
from textual.widgets.option_list import Option

from .. import i18n
from ..errors import ComelinError
from ..fields import field_step
from ..i18n import t
from ..widgets import KeyBar, TitleBar, TrButton, plain
from .base import WorkerErrors
from .step_base import StepPane
from .steps_credentials import CredentialsStep
from .steps_email import EmailStep
from .steps_provider import ProviderStep
from .steps_review import ReviewStep
from .steps_server import ServerStep
from .wizard_guess import ProviderGuessing
from .wizard_oauth import SigningIn
from .wizard_save import STEPS, Saving

if TYPE_CHECKING:
    from ..config import Config
    from ..discovery import MxResult
    from ..providers import Provider

PANES: dict[str, type[StepPane]] = {
    "email": EmailStep, "provider": ProviderStep, "server": ServerStep,
    "credentials": CredentialsStep, "review": ReviewStep,
}


class StepList(OptionList):
    """The sidebar: every step with its state; Enter jumps there."""

    def __init__(self) -> None:
        super().__init__(id="steps", compact=True)
        self._shown: tuple[object, ...] = ()

    def show_states(self, states: dict[str, str], current: str) -> None:
        shown = (tuple(states.items()), current, i18n.get_language())
        if shown == self._shown:
            return  # called on every keystroke: redraw only what changed
        self._shown = shown
        entries = []
        for step in (*STEPS, "test"):
            marker = t(f"tui.sidebar.{states.get(step, 'todo')}")
            entries.append(Option(plain(f"{marker} {t(f'tui.step.{step}')}"), id=step))
        highlighted = self.highlighted
        self.set_options(entries)
        self.highlighted = (highlighted if highlighted is not None and self.has_focus
                            else (*STEPS, "test").index(current))


class WizardScreen(ProviderGuessing, Saving, SigningIn, WorkerErrors, Screen[None]):
    """The guided setup: company email, provider, server, credentials, review and save."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # While a Microsoft sign-in waits, Escape cancels it (and nothing else).
        Binding("escape", "cancel_sign_in", "tui.key.cancel", id="cancel-sign-in"),
        Binding("escape", "back", "tui.key.back", id="back"),
        Binding("escape", "leave", "tui.key.leave", id="leave"),
        Binding("ctrl+n", "next", "tui.key.next", id="next"),
        Binding("ctrl+t", "focus_steps", "tui.key.steps", id="steps"),
    ]

    def __init__(self, draft: Config, *, saved: bool, start: str = "email",
                 field: str | None = None) -> None:
        super().__init__()
        self.draft = draft
        self.saved = saved  # editing settings that exist on disk
        if field is not None:
            step = field_step(field)
            start = step if step in STEPS else "review"
        self.current = start if start in STEPS else "email"
        self._start_field = field
        self.visited: set[str] = set(STEPS) if saved else {self.current}
        # None = keep the stored password; text = the one typed here.
        self.password: str | None = None
        self._initial_password: str | None = None
        self._baseline = self._snapshot()
        self.just_saved = False
        self.save_error: ComelinError | None = None
        # Secret store preview: kind, where/how (per language), a password already there?
        self.store_kind: str | None = None
        self.store_text: dict[str, str] | None = None
        self.has_secret = False
        self.init_sign_in()
        # MX lookup state.
        self.mx_result: MxResult | None = None
        self.mx_error: ComelinError | None = None
        self.mx_domain = ""
        self.mx_running = False
        self._mx_timer: Timer | None = None
        # Provider choice: a person's choice is never overridden by the MX guess.
        self.provider_chosen = saved
        # Values last filled in automatically: a field still equal to its auto value
        # was not edited, so a better guess may replace it.
        smtp = draft.smtp
        self.auto: dict[str, object] = {
            "host": smtp.host, "port": smtp.port, "security": smtp.security,
            "username": smtp.username, "from_address": smtp.from_address,
            "auth": smtp.auth,
        }
        if saved:
            self.auto = {}

    # -- layout ------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield TitleBar(self._title)
        with Horizontal(id="wizard-body"):
            yield StepList()
            with Vertical(id="wizard-main"):
                with ContentSwitcher(initial=f"step-{self.current}", id="panes"):
                    for step in STEPS:
                        yield PANES[step]()
                with Horizontal(id="nav"):
                    yield TrButton("tui.wizard.back", id="nav-back")
                    yield TrButton("tui.wizard.next", id="nav-next", variant="primary")
        yield KeyBar(show_command_palette=False)

    def _title(self) -> str:
        number = STEPS.index(self.current) + 1
        return t("tui.wizard.title", number=number, total=len(STEPS),
                 step=t(f"tui.step.{self.current}"))

    def on_mount(self) -> None:
        demo = getattr(self.app, "demo", None)
        if demo is not None and not self.saved:
            self.password = self._initial_password = demo.password
            # The demo address is a reserved name: no point asking the DNS about it.
            self.mx_domain = self.draft.company.email.rpartition("@")[2]
        for pane in self.panes():
            pane.load()
        self.preview_secret_store()
        self.goto(self.current, field=self._start_field)
        if self.draft.company.email and not self.saved:
            self.lookup_now()

    # -- state -------------------------------------------------------------

    def _snapshot(self) -> dict[str, Any]:
        return self.draft.model_dump(exclude={"language"})

    @property
    def dirty(self) -> bool:
        """True when something typed here is not saved yet."""
        return (self._snapshot() != self._baseline or self.password != self._initial_password
                or self.oauth_cache is not None)

    @property
    def provider(self) -> Provider:
        from ..providers import get_provider

        return get_provider(self.draft.provider)

    def panes(self) -> list[StepPane]:
        return list(self.query(StepPane))

    def pane(self, step: str) -> StepPane:
        return self.query_one(f"#step-{step}", StepPane)

    def assign(self, dotted: str, value: object) -> ComelinError | None:
        """Set a draft field through the settings' own validation; the error if refused."""
        from pydantic import ValidationError

        from ..config import FieldError

        section, _, name = dotted.rpartition(".")
        target = getattr(self.draft, section) if section else self.draft
        try:
            setattr(target, name, value)
        except ValidationError as error:
            for item in error.errors(include_url=False):
                cause = (item.get("ctx") or {}).get("error")
                if isinstance(cause, ComelinError):
                    return cause
            return FieldError("config.field.invalid", detail=error.errors()[0].get("msg", ""))
        return None

    def step_states(self) -> dict[str, str]:
        states = {}
        for step in STEPS:
            if step == self.current:
                states[step] = "current"
            elif step not in self.visited:
                states[step] = "todo"
            elif self.pane(step).check(show=False):
                states[step] = "error"
            else:
                states[step] = "done"
        tested = getattr(self.app, "last_test_status", None)
        states["test"] = ("todo" if tested is None or self.dirty
                          else "error" if tested == "fail" else "done")
        return states

    def refresh_chrome(self) -> None:
        """Sidebar states, title and footer after a change of step or of validity."""
        self.query_one(StepList).show_states(self.step_states(), self.current)
        for title in self.query(TitleBar):
            title.refresh_language()
        self.query_one("#nav-next", TrButton).display = self.current != STEPS[-1]
        self.refresh_bindings()

    def refresh_language(self) -> None:
        self.refresh_chrome()

    def on_screen_resume(self) -> None:
        self.refresh_chrome()  # back from the test send: its outcome marks the sidebar

    # -- navigation ---------------------------------------------------------

    def goto(self, step: str, *, field: str | None = None) -> None:
        if self.signing_in:
            self.action_cancel_sign_in()  # leaving the step stops waiting for it
        if step == "test":
            self.open_test()
            return
        self.visited.add(self.current)
        self.current = step
        self.visited.add(step)
        self.query_one("#panes", ContentSwitcher).current = f"step-{step}"
        pane = self.pane(step)
        pane.entered()
        self.refresh_chrome()
        if field is not None:
            pane.focus_field(field)
        else:
            pane.focus_first()

    def goto_field(self, field: str) -> None:
        """Show the step holding *field* and focus it (from the command palette)."""
        if field == "test":
            self.open_test()
            return
        step = field_step(field)
        self.goto(step if step in STEPS else "review", field=field)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        first = self.current == STEPS[0]
        signing_in = self.signing_in
        if action == "cancel_sign_in":
            return signing_in
        if action == "back":
            return not first and not signing_in
        if action == "leave":
            return first and not signing_in
        if action == "next":
            return (self.current != STEPS[-1] and not signing_in) or None
        return True

    def action_next(self) -> None:
        if self.current == STEPS[-1]:
            return
        if self.current == "email":
            self.lookup_now()
        problems = self.pane(self.current).check(show=True)
        if problems:
            self.pane(self.current).focus_field(problems[0])
            self.notify(t("tui.wizard.fix_first"), severity="warning", timeout=4)
            self.refresh_chrome()
            return
        self.goto(STEPS[STEPS.index(self.current) + 1])

    def action_back(self) -> None:
        index = STEPS.index(self.current)
        if index == 0:
            self.action_leave()
        else:
            self.goto(STEPS[index - 1])

    def action_leave(self, then_quit: bool = False) -> None:
        """Leave the wizard; with unsaved changes, ask first (save / discard / stay)."""
        from .confirm import ConfirmLeaveScreen

        def finish() -> None:
            if then_quit:
                self.app.exit(0)
            else:
                self.dismiss()

        if not self.dirty:
            finish()
            return

        def chosen(answer: str | None) -> None:
            if answer == "save":
                self.save(then=finish)
            elif answer == "discard":
                finish()

        self.app.push_screen(ConfirmLeaveScreen(), chosen)

    def action_focus_steps(self) -> None:
        self.query_one(StepList).focus()

    def focus_next_button(self) -> None:
        button = self.query_one("#nav-next", TrButton)
        (button if button.display else self.query_one("#nav-back", TrButton)).focus()

    @on(OptionList.OptionSelected, "#steps")
    def step_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.goto(event.option.id)

    @on(Button.Pressed, "#nav-next")
    def next_pressed(self) -> None:
        self.action_next()

    @on(Button.Pressed, "#nav-back")
    def back_pressed(self) -> None:
        self.action_back()

    def open_test(self) -> None:
        if self.dirty or not self.saved:
            self.notify(t("tui.wizard.save_first"), severity="warning", timeout=5)
            self.goto("review")
            return
        self.app.open_test_send()  # type: ignore[attr-defined]

