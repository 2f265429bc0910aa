"""What the wizard's step panes share: filling from the draft, inline validation, Enter."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.containers import VerticalScroll
from textual.css.query import NoMatches
from textual.widget import Widget
from textual.widgets import Input

from ..widgets import Field

if TYPE_CHECKING:
    from ..config import Config
    from ..providers import Provider
    from .wizard import WizardScreen


def widget_id(dotted: str) -> str:
    """DOM id of the control for a dotted setting (``smtp.host`` -> ``smtp-host``)."""
    return dotted.replace(".", "-").replace("_", "-")


def shown(widget: Widget, within: Widget) -> bool:
    """True when *widget* and its ancestors up to *within* are displayed."""
    node: Any = widget
    while node is not None and node is not within:
        if not node.display:
            return False
        node = node.parent
    return True


class StepPane(VerticalScroll):
    """One step of the wizard; the draft it edits belongs to the WizardScreen."""

    step_id: ClassVar[str] = ""
    # Dotted settings this pane edits, in focus order (the search jumps to them).
    FIELDS: ClassVar[tuple[str, ...]] = ()

    def __init__(self) -> None:
        super().__init__(id=f"step-{self.step_id}", classes="step-pane")

    @property
    def wizard(self) -> WizardScreen:
        return self.screen  # type: ignore[return-value]

    @property
    def draft(self) -> Config:
        return self.wizard.draft

    @property
    def provider(self) -> Provider:
        return self.wizard.provider

    # -- to override ---------------------------------------------------------

    def load(self) -> None:
        """Fill the controls from the draft (on mount and when the draft changes)."""

    def check(self, *, show: bool) -> list[str]:
        """Dotted names of the fields that are wrong or missing; *show* puts the reasons
        under the fields."""
        return []

    def entered(self) -> None:
        """Called when the pane becomes the current step."""

    def invalid_fields(self) -> list[str]:
        """Fields holding a typed value the settings refuse (empty ones do not count)."""
        invalid = []
        for dotted in self.FIELDS:
            try:
                control = self.control(dotted)
            except NoMatches:  # a pane without that control
                continue
            if dotted != "password" and isinstance(control, Input) and control.value.strip() \
                    and self.wizard.assign(dotted, control.value) is not None:
                invalid.append(dotted)
        return invalid

    # -- helpers ---------------------------------------------------------------

    def control(self, dotted: str) -> Any:
        return self.query_one(f"#{widget_id(dotted)}")

    def field_of(self, dotted: str) -> Field:
        return self.query_one(f"#field-{widget_id(dotted)}", Field)

    def set_value(self, dotted: str, value: str) -> None:
        """Put *value* in an input without treating it as typing."""
        control = self.control(dotted)
        if control.value != value:
            with control.prevent(Input.Changed):
                control.value = value

    def apply(self, dotted: str, value: object, *, show: bool,
              required: bool = False) -> bool:
        """Assign a typed value to the draft; show why it is refused under the field."""
        field = self.field_of(dotted)
        error: Callable[[], str] | None = None
        if required and (value is None or str(value).strip() == ""):
            error = self.wizard.required_message(dotted)
        else:
            problem = self.wizard.assign(dotted, value)
            if problem is not None:
                error = problem.message
        if error is None:
            field.set_error(None)
        elif show or field.has_class("-invalid"):
            field.set_error(error)
        return error is None

    def focus_field(self, dotted: str) -> None:
        try:
            target: Widget = self.control(dotted)
        except NoMatches:  # a field this pane does not have: focus its first one
            self.focus_first()
            return
        if not shown(target, self) or not target.focusable:
            self.focus_first()
            return
        target.focus()
        self.call_after_refresh(target.scroll_visible)

    def focus_first(self) -> None:
        for dotted in self.FIELDS:
            try:
                target: Widget = self.control(dotted)
            except NoMatches:
                continue
            if shown(target, self) and target.focusable:
                target.focus()
                return
        self.wizard.focus_next_button()

    @on(Input.Submitted)
    def enter_moves_on(self, event: Input.Submitted) -> None:
        """Enter goes to the next field; on the last field of the step, to the next step."""
        event.stop()
        inputs = [w for w in self.query(Input) if w.focusable and shown(w, self)]
        if inputs and event.input is inputs[-1]:
            self.wizard.action_next()
        else:
            self.screen.focus_next()
