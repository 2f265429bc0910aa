"""The wizard: a sidebar of steps (like the admin panel's left menu) and one pane per step.

A view over :class:`~comelin_tui.wizard_state.WizardState`, which holds the draft (a
copy of the saved settings), the steps, the held password and what Save will
write; panes edit the draft through it and only Save writes it. Network and
keyring work runs in exclusive workers: the MX lookup as the email is typed
(debounced, cancellable), the keyring probe, and the save itself; the blocking
calls are the state module's plain functions, run in threads.
"""

from __future__ import annotations

import asyncio
import textwrap
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Button, ContentSwitcher, OptionList
from textual.widgets.option_list import Option

from .. import i18n
from ..errors import ComelinError
from ..fields import field_step
from ..i18n import sentence, t
from ..widgets import KeyBar, TitleBar, Tr, TrButton, plain
from ..wizard_state import STEPS, WizardState, probe_store
from .base import WorkerErrors
from .oauth_sign_in import MicrosoftSignIn
from .step_base import StepPane
from .steps_credentials import CredentialsStep
from .steps_email import EmailStep
from .steps_provider import ProviderStep
from .steps_review import ReviewStep
from .steps_server import ServerStep

if TYPE_CHECKING:
    from ..config import Config
    from ..discovery import DiscoveryResult, MxResult
    from ..providers import Provider
    from ..secrets import Secret

# How long typing must pause before the MX lookup starts.
MX_DEBOUNCE = 0.6

# The pane of each step (the steps and their order are WizardState's STEPS).
PANES: dict[str, type[StepPane]] = {
    pane.step_id: pane
    for pane in (EmailStep, ProviderStep, ServerStep, CredentialsStep, ReviewStep)
}


class StepList(OptionList):
    """The sidebar: every step with its state; Enter jumps there."""

    # The "why" under a [!] is indented under the step's name, on as many rows as it takes.
    WHY_INDENT = "    "

    def __init__(self) -> None:
        super().__init__(id="steps", compact=True)
        self._shown: tuple[object, ...] = ()
        self._last: tuple[dict[str, str], str, dict[str, str]] | None = None

    def _text_width(self) -> int:
        """Columns a row may use (before the first layout: the list's width in the CSS)."""
        width = self.scrollable_content_region.width
        if width <= 0:
            css_width = self.styles.width
            width = int(css_width.value) - 1 if css_width is not None else 19
        return max(width, len(self.WHY_INDENT) + 8)

    def _why_rows(self, why: str) -> str:
        rows = textwrap.wrap(why, self._text_width() - len(self.WHY_INDENT),
                             break_on_hyphens=False) or [why]
        return "".join(f"\n{self.WHY_INDENT}{row}" for row in rows)

    def show_states(self, states: dict[str, str], current: str,
                    why: dict[str, str] | None = None) -> None:
        """*states*: each step shown, in order, the test send last; *why*: for a step
        marked [!], what is wrong, shown on the row under it."""
        why = why or {}
        self._last = (states, current, why)
        shown = (tuple(states.items()), current, tuple(why.items()), i18n.get_language(),
                 self._text_width())
        if shown == self._shown:
            return  # called on every keystroke: redraw only what changed
        self._shown = shown
        entries = []
        for step, state in states.items():
            marker = t(f"tui.sidebar.{state}")
            text = f"{marker} {t(f'tui.step.{step}')}"
            if state == "error" and why.get(step):
                text += self._why_rows(why[step])  # a [!] always says why
            entries.append(Option(plain(text), id=step))
        highlighted = self.highlighted
        self.set_options(entries)
        self.highlighted = (highlighted if highlighted is not None and self.has_focus
                            and highlighted < len(entries) else list(states).index(current))

    def on_resize(self) -> None:
        if self._last is not None:  # the why rows wrap at the new width
            self.show_states(*self._last)


class WizardScreen(WorkerErrors, Screen[None]):
    """The guided setup: company email, provider, server, credentials, review and save."""

    TITLE_KEY: ClassVar[str] = "tui.wizard.title"
    SETTINGS_SEARCH: ClassVar[bool] = True  # Ctrl+P jumps to the company's settings here

    BINDINGS: ClassVar[list[BindingType]] = [
        # While a Microsoft sign-in waits, Escape cancels it (and nothing else).
        Binding("escape", "cancel_sign_in", "tui.key.cancel", id="cancel-sign-in"),
        Binding("escape", "back", "tui.key.back", id="back"),
        Binding("escape", "leave", "tui.key.leave", id="leave"),
        Binding("ctrl+n", "next", "tui.key.next", id="next"),
        Binding("ctrl+t", "focus_steps", "tui.key.steps", id="steps"),
    ]

    # The pane of each step this wizard may show (the steps and their order: its state's).
    PANES: ClassVar[dict[str, type[StepPane]]] = PANES

    def __init__(self, draft: Config, *, saved: bool, start: str = "email",
                 field: str | None = None, state: WizardState | None = None) -> None:
        """*state*: the model, when not the company settings' (a sender profile's)."""
        super().__init__()
        if field is not None:
            step = field_step(field)
            start = step if step in STEPS else "review"
        self.state = state or WizardState(
            draft, saved=saved, start=start,
            saved_config=lambda: getattr(self.app, "settings", None))
        self._start_field = field
        self._mx_timer: Timer | None = None

    # -- what the state holds, as the panes and the tests read it ------------------

    @property
    def draft(self) -> Config:
        return self.state.draft

    @property
    def current(self) -> str:
        return self.state.current

    @property
    def dirty(self) -> bool:
        """True when something typed here is not saved yet (a value the settings refused
        too: leaving asks first rather than drop it)."""
        return self.state.dirty or any(pane.holds_refused for pane in self.panes())

    @property
    def password(self) -> Secret | None:
        return self.state.password

    @property
    def oauth_cache(self) -> str | None:
        return self.state.oauth_cache

    @property
    def mx_running(self) -> bool:
        return self.state.mx_running

    @property
    def mx_result(self) -> MxResult | None:
        return self.state.mx_result

    @property
    def provider(self) -> Provider:
        return self.state.provider

    def assign(self, dotted: str, value: object) -> ComelinError | None:
        """Set a draft field through the settings' own validation; the error if refused."""
        return self.state.assign(dotted, value)

    # -- layout ------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield TitleBar(self._title)
        with Horizontal(id="wizard-body"):
            yield StepList()
            with Vertical(id="wizard-main"):
                with ContentSwitcher(initial=f"step-{self.current}", id="panes"):
                    for step in self.state.all_steps:
                        yield self.PANES[step]()
                with Horizontal(id="nav"):
                    yield Tr("tui.wizard.more_below", id="more-below")
                    yield TrButton("tui.wizard.back", id="nav-back")
                    yield TrButton("tui.wizard.next", id="nav-next", variant="primary")
        yield KeyBar(show_command_palette=False)

    def _title(self) -> str:
        steps = self.state.steps
        number = steps.index(self.current) + 1 if self.current in steps else 1
        # The list beside it has the test send as its last step: count it too.
        return t(self.TITLE_KEY, number=number, total=len(steps) + 1,
                 step=t(f"tui.step.{self.current}"))

    def on_mount(self) -> None:
        demo = getattr(self.app, "demo", None)
        if demo is not None and demo.sandbox is not None:
            self.state.demo_server = (demo.sandbox.host, demo.sandbox.port, "starttls")
        if demo is not None and not self.state.saved:
            self.state.hold_initial_password(demo.password)
            # The demo address is a reserved name: no point asking the DNS about it.
            self.state.mx_domain = self.draft.company.email.rpartition("@")[2]
        self.reload()
        self.preview_secret_store()
        self.goto(self.current, field=self._start_field)
        if self.draft.company.email and not self.state.saved:
            self.lookup_now()

    # -- the view ----------------------------------------------------------

    def panes(self) -> list[StepPane]:
        return list(self.query(StepPane))

    def pane(self, step: str) -> StepPane:
        return self.query_one(f"#step-{step}", StepPane)

    def reload(self) -> None:
        """Fill every pane from the draft (after the state changed)."""
        for pane in self.panes():
            pane.load()

    def step_states(self) -> dict[str, str]:
        return self.state.step_states(lambda step: bool(self.pane(step).check(show=False)),
                                      getattr(self.app, "last_test_status", None))

    def _why(self, states: dict[str, str]) -> dict[str, str]:
        """What each step marked [!] has wrong: its fields, or the failed test."""
        from ..fields import field_label

        why = {}
        for step, state in states.items():
            if state != "error":
                continue
            if step == "test":
                why[step] = t("tui.sidebar.why_test")
            else:
                fields = self.pane(step).check(show=False)
                why[step] = ", ".join(dict.fromkeys(field_label(f) for f in fields))
        return why

    def refresh_chrome(self) -> None:
        """Sidebar states, title and footer after a change of step or of validity."""
        states = self.step_states()
        self.query_one(StepList).show_states(states, self.current, self._why(states))
        for title in self.query(TitleBar):
            title.refresh_language()
        self.query_one("#nav-next", TrButton).display = not self.state.last
        self.query_one("#more-below", Tr).refresh_language()
        self.refresh_more()
        self.refresh_bindings()

    def refresh_more(self) -> None:
        """"More below" under the step while part of it is under the bottom edge."""
        try:
            more = self.pane(self.current).more_below
        except NoMatches:  # not composed yet
            return
        self.query_one("#more-below", Tr).display = more

    def refresh_language(self) -> None:
        self.refresh_chrome()

    def on_screen_resume(self) -> None:
        self.refresh_chrome()  # back from the test send: its outcome marks the sidebar

    # -- navigation ---------------------------------------------------------

    def goto(self, step: str, *, field: str | None = None) -> None:
        # A notice was about the step being left: none stays over the next one.
        self.app.clear_notifications()
        if self.signing_in:
            self.action_cancel_sign_in()  # leaving the step stops waiting for it
        if step == "test":
            self.open_test()
            return
        self.state.go(step)
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
        self.goto(step if step in self.state.steps else "review", field=field)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        signing_in = self.signing_in
        if action == "cancel_sign_in":
            return signing_in
        if action == "back":
            return not self.state.first and not signing_in
        if action == "leave":
            return self.state.first and not signing_in
        if action == "next":
            return (not signing_in) or None
        return True

    def action_next(self) -> None:
        following = self.state.next_step()
        if following is None:
            # Review: what comes next is the test send, once the settings are saved.
            if self.dirty or not self.state.saved:
                def saved_then_test() -> None:
                    self.notify(t("tui.wizard.saved_for_test"), timeout=5)
                    self.open_test()

                self.save(then=saved_then_test)
            else:
                self.open_test()
            return
        if self.current == "email":
            self.lookup_now()
        problems = self.pane(self.current).check(show=True)
        if problems == ["oauth.sign_in"]:
            # Only the sign-in is missing. Microsoft out of reach: go on, Save keeps the
            # settings with the sign-in pending. Otherwise say so: no field is marked.
            widget = self.sign_in_widget()
            if widget is not None and widget.unreachable:
                self.goto(following)
                return
            self.pane(self.current).focus_field(problems[0])
            self.notify(t("tui.wizard.sign_in_first"), severity="warning", timeout=6)
            self.refresh_chrome()
            return
        if problems:
            self.pane(self.current).focus_field(problems[0])
            self.notify(t("tui.wizard.fix_first"), severity="warning", timeout=4)
            self.refresh_chrome()
            return
        self.goto(following)

    def action_back(self) -> None:
        previous = self.state.previous_step()
        if previous is None:
            self.action_leave()
        else:
            self.goto(previous)

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
                self.save(then=finish, only_seen=True)
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

    @on(Button.Pressed, "#save")
    def save_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.save()

    @on(Button.Pressed, "#test")
    def test_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.open_test()

    @on(Button.Pressed, "#done")
    def done_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_leave()

    def open_test(self) -> None:
        if self.dirty or not self.state.saved:
            self.goto("review")
            self.notify(t("tui.wizard.save_first"), severity="warning", timeout=5)
            return
        self.app.open_test_send()  # type: ignore[attr-defined]

    # -- the company email, the MX lookup and the provider ------------------------

    @on(StepPane.Changed)
    def pane_changed(self, message: StepPane.Changed) -> None:
        """A pane edited the draft: redraw what depends on it."""
        message.stop()
        if message.reload:
            self.reload()
        if isinstance(message, EmailStep.EmailChanged):
            # The sender and username followed the email; the MX lookup waits for a
            # pause in the typing.
            if message.username_filled:
                self.pane("credentials").load()
            if self._mx_timer is not None:
                self._mx_timer.stop()
            self._mx_timer = self.set_timer(MX_DEBOUNCE, self.lookup_now)
        self.refresh_chrome()

    @on(StepPane.Done)
    def pane_done(self, message: StepPane.Done) -> None:
        message.stop()
        self.action_next()

    def lookup_now(self) -> None:
        """Start the MX lookup for the current email's domain, unless already done."""
        if self._mx_timer is not None:
            self._mx_timer.stop()
            self._mx_timer = None
        domain = self.state.lookup_domain()
        if domain is None:
            return
        self.refresh_mx()
        self.lookup_mx(domain)

    @work(exclusive=True, group="mx", exit_on_error=False)
    async def lookup_mx(self, domain: str) -> None:
        """The discovery of the domain's settings: MX, autoconfig and SRV in parallel,
        bounded by the app's DNS lifetime (no probing); it never blocks typing."""
        from ..discovery import discover

        app: Any = self.app
        result: DiscoveryResult | None = None
        error: ComelinError | None = None
        try:
            # The domain alone: while the address is being typed, no half-typed domain's
            # autoconfig server is told the address (the username follows it anyway).
            result = await discover(domain, nameserver=self.draft.dns_server or app.dns_server,
                                    lifetime=app.dns_lifetime, probe=False,
                                    ca_file=getattr(app, "discovery_ca_file", None)
                                    or self.draft.smtp.ca_file)
        except ComelinError as failure:
            error = failure
        finally:
            self.state.mx_running = False
        guessing = not self.state.provider_chosen
        self.state.lookup_done(domain, result, error)
        if guessing:
            self.reload()
            self.refresh_chrome()
        self.refresh_mx()

    def refresh_mx(self) -> None:
        email_step = self.pane("email")
        assert isinstance(email_step, EmailStep)
        email_step.load_mx()
        self.pane("provider").load()

    def choose_provider(self, provider_id: str, *, by_user: bool) -> None:
        """Pick a provider and fill its server and username where nobody typed over them."""
        if self.state.choose_provider(provider_id, by_user=by_user):
            self.reload()
            self.refresh_chrome()

    # -- Microsoft sign-in -----------------------------------------------------------

    def sign_in_widget(self) -> MicrosoftSignIn | None:
        try:
            return self.query_one(MicrosoftSignIn)
        except NoMatches:
            return None

    @property
    def signing_in(self) -> bool:
        widget = self.sign_in_widget()
        return widget is not None and widget.busy

    def action_cancel_sign_in(self) -> None:
        """Escape while waiting for the sign-in: stop now, keep nothing."""
        widget = self.sign_in_widget()
        if widget is not None:
            widget.cancel()
        self.refresh_chrome()

    # -- the secret store and Save -------------------------------------------------------

    @work(exclusive=True, group="secret-preview", exit_on_error=False)
    async def preview_secret_store(self) -> None:
        """Which store the secret will go to, and what is there already (may probe)."""
        app: Any = self.app
        self.state.store = await asyncio.to_thread(
            probe_store, app.config_path, self.draft.secret_backend, saved=self.state.saved)
        self.pane("credentials").load()
        self.pane("review").entered()

    def field_problems(self) -> dict[str, list[str]]:
        """Problems of every step except the review, by step."""
        return {step: problems for step in self.state.steps[:-1]
                if (problems := self.pane(step).check(show=False))}

    @work(exclusive=True, group="save", exit_on_error=False)
    async def save(self, then: Callable[[], None] | None = None, *,
                   only_seen: bool = False) -> None:
        """Write the settings and the secret (off the event loop); then run *then*.
        *only_seen*: write only the steps the technician opened (see ``save_plan``)."""
        app: Any = self.app
        # Missing values may be saved (the test send says what is still needed); values
        # the settings refuse may not.
        for step in self.state.steps[:-1]:
            if invalid := self.pane(step).invalid_fields():
                # The values typed stay as typed, marked with why they are refused.
                self.goto(step, field=invalid[0])
                self.pane(step).check(show=True)
                self.notify(t("tui.wizard.fix_first"), severity="warning", timeout=5)
                return
        plan = self.state.save_plan(app.language, only_seen=only_seen)
        self.state.save_error = None
        try:
            written, changed = await asyncio.to_thread(self.state.write, plan, app.config_path)
        except ComelinError as error:
            self.state.save_error = error
            self.pane("review").entered()
            self.notify(sentence(error.message()), title=t("tui.review.not_saved"),
                        severity="error", markup=False, timeout=10)
            return
        self.state.saved_as(plan, written, changed=changed)
        app.settings_saved(written, changed=changed)
        self.reload()
        self.pane("review").entered()
        self.refresh_chrome()
        if then is not None:
            then()
        else:
            self.call_after_refresh(self.pane("review").focus_first)

    def on_settings_saved(self, config: Config) -> None:
        """Settings changed elsewhere (a fix applied from the test screen): follow them."""
        if self.state.follow(config):
            self.reload()
            self.refresh_chrome()
