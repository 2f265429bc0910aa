"""What the wizard's step panes share: fields built from the field registry, filling from
the draft, inline validation, Enter."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.containers import VerticalScroll
from textual.css.query import NoMatches
from textual.errors import NoWidget
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input

from ..fields import FieldSpec, field_spec, fields_of_step, required_message, widget_id
from ..i18n import t
from ..widgets import Field

if TYPE_CHECKING:
    from ..config import Config
    from ..providers import Provider
    from ..wizard_state import WizardState
    from .wizard import WizardScreen


__all__ = ["StepPane", "field_for", "fields_of_step", "placeholder", "shown", "widget_id"]


_MISSING = object()


def _spec(dotted: str) -> FieldSpec:
    spec = field_spec(dotted)
    if spec is None:  # a programming error: every field a pane shows is registered
        raise KeyError(f"no field registry entry for {dotted!r}")
    return spec


def field_for(dotted: str, control: Widget, *,
              provider: Callable[[], Provider] | None = None,
              hint_now: Callable[[], str] | None = None) -> Field:
    """The labelled field around *control*, with its words from the field registry.

    The hint is the registry's own, else *hint_now* (the hint that follows the draft),
    else the provider catalogue's hint for the field (*provider* gives the provider
    chosen now)."""
    spec = _spec(dotted)
    hint: Any = spec.key("hint")
    if hint is None and hint_now is not None:
        hint = hint_now
    elif hint is None and spec.provider_hint is not None and provider is not None:
        name, chosen = spec.provider_hint, provider
        hint = lambda: chosen().hint(name)
    return Field(spec.key("form"), control, hint=hint, id=f"field-{spec.control_id}")


def placeholder(dotted: str) -> str:
    """The registry's example value for a field, in the current language."""
    key = _spec(dotted).key("placeholder")
    return t(key) if key is not None else ""


def control_id(dotted: str) -> str:
    spec = field_spec(dotted)
    return spec.control_id if spec is not None else widget_id(dotted)


def shown(widget: Widget, within: Widget) -> bool:
    """True when *widget* and its ancestors up to *within* are displayed."""
    node: Any = widget
    while node is not None and node is not within:
        if not node.display:
            return False
        node = node.parent
    return True


def in_view(widget: Widget) -> bool:
    """True when the whole of *widget* is on screen, inside what its containers show (a
    widget taller than its container: its first line)."""
    try:
        geometry = widget.screen.find_widget(widget)
    except NoWidget:
        return False
    region, clip = geometry.region, geometry.clip
    if region.height > clip.height:
        region = region._replace(height=1)
    return bool(region.area) and clip.contains_region(region)


class StepPane(VerticalScroll, can_focus=False):
    """One step of the wizard: a view of part of the WizardState, which owns the draft.

    The pane itself takes no focus (Shift+Tab from its first field goes to the list of
    steps, where the focus shows); its fields do, and the keys they leave alone
    (PageUp/PageDown, the arrows on a button) scroll it.

    A pane edits the state itself, then tells the wizard with a message: ``Changed``
    (redraw the sidebar and the keys; with *reload*, the other panes show what the
    change filled in) or ``Done`` (go on to the next step)."""

    @dataclass
    class Changed(Message):
        """The draft changed here; *reload*: other panes may show what followed from it."""

        reload: bool = False

    class Done(Message):
        """The technician is done with this step (Enter on its last field)."""

    step_id: ClassVar[str] = ""
    # Dotted settings this pane edits, in focus order (the search jumps to them):
    # ``fields_of_step(step_id)``, from the field registry.
    FIELDS: ClassVar[tuple[str, ...]] = ()

    def __init__(self) -> None:
        super().__init__(id=f"step-{self.step_id}", classes="step-pane")
        self._keep: Widget | None = None  # the field focus_in_view keeps in view
        self._keep_tries = 0
        self._focus_pending = False
        # Typed values the settings refused, by field: (the text, the draft's value then).
        # Filling the pane from the draft keeps them until the draft has a new value for
        # the field: what was typed is never replaced by an older value.
        self._refused: dict[str, tuple[str, object]] = {}

    @property
    def wizard(self) -> WizardScreen:
        return self.screen  # type: ignore[return-value]

    @property
    def state(self) -> WizardState:
        """What the wizard knows (the draft, the held password...): the pane's model."""
        return self.wizard.state

    @property
    def draft(self) -> Config:
        return self.state.draft

    @property
    def provider(self) -> Provider:
        return self.state.provider

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
                    and self.state.assign(dotted, control.value) is not None:
                invalid.append(dotted)
        return invalid

    # -- helpers ---------------------------------------------------------------

    def control(self, dotted: str) -> Any:
        return self.query_one(f"#{control_id(dotted)}")

    def field_of(self, dotted: str) -> Field:
        return self.query_one(f"#field-{control_id(dotted)}", Field)

    def _draft_value(self, dotted: str) -> object:
        value: object = self.draft
        for part in dotted.split("."):
            value = getattr(value, part, _MISSING)
        return value

    @property
    def holds_refused(self) -> bool:
        """A field shows a typed value the settings refused (not in the draft)."""
        for dotted, (text, _draft) in self._refused.items():
            try:
                if self.control(dotted).value == text:
                    return True
            except NoMatches:
                continue
        return False

    def set_value(self, dotted: str, value: str) -> None:
        """Put *value* in an input without treating it as typing; a typed value the
        settings refused stays, unless the draft got a new value for it since."""
        control = self.control(dotted)
        refused = self._refused.pop(dotted, None)
        if refused is not None and control.value == refused[0] \
                and self._draft_value(dotted) == refused[1]:
            self._refused[dotted] = refused
            return
        if control.value != value:
            with control.prevent(Input.Changed):
                control.value = value

    def apply(self, dotted: str, value: object, *, show: bool,
              required: bool = False) -> bool:
        """Assign a typed value to the draft; show why it is refused under the field."""
        field = self.field_of(dotted)
        error: Callable[[], str] | None = None
        if required and (value is None or str(value).strip() == ""):
            error = lambda: required_message(dotted)
        else:
            problem = self.state.assign(dotted, value)
            if problem is not None:
                error = problem.message
                if isinstance(value, str):
                    self._refused[dotted] = (value, self._draft_value(dotted))
        if error is None or not isinstance(value, str) or not value.strip():
            self._refused.pop(dotted, None)
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
        self.focus_in_view(target)

    def focus_in_view(self, target: Widget) -> None:
        """Focus *target* and keep it in view while the step is laid out: a step just
        shown has no layout yet, a section opened above it or a hint filled in moves it
        down, and after the settings search the wizard is laid out again only once the
        search has closed. Scrolling by hand (PageDown...) or moving the focus ends it."""
        target.focus(scroll_visible=False)
        self._keep = target
        self._keep_tries = 20
        self._focus_pending = True  # the focus moves on a later turn of the loop
        self.call_after_refresh(self._keep_in_view)

    def _keep_in_view(self) -> None:
        target = self._keep
        if target is not None and not target.has_focus and self._focus_pending \
                and self._keep_tries > 0:
            self._keep_tries -= 1  # not focused yet (a section just shown): once it is
            self.call_after_refresh(self._keep_in_view)
            return
        self._focus_pending = False
        if target is None or not target.has_focus:
            self._keep = None  # the focus went elsewhere: it is no longer kept
            return
        if self._keep_tries < 1:
            return  # until the layout changes again (watch_virtual_size)
        self._keep_tries -= 1
        if not self.screen.is_current:  # a dialog still on top: once it has closed
            self.call_after_refresh(self._keep_in_view)
        elif not in_view(target):
            target.scroll_visible(animate=False)
            self.call_after_refresh(self._keep_in_view)

    @property
    def more_below(self) -> bool:
        """Part of the step is under the bottom edge (the wizard says so under it)."""
        return self.max_scroll_y - self.scroll_y >= 1

    def _scrolled(self) -> None:
        """Tell the wizard once the layout is done (the line under the step follows)."""
        more = getattr(self.screen, "refresh_more", None)
        if more is not None:
            self.call_after_refresh(more)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._scrolled()

    def on_resize(self) -> None:
        self._scrolled()

    def watch_virtual_size(self) -> None:
        """The step's content changed size (a section opened, a hint appeared)."""
        self._scrolled()
        if self._keep is not None:
            self._keep_tries = max(self._keep_tries, 5)
            self.call_after_refresh(self._keep_in_view)

    def _by_hand(self) -> None:
        self._keep = None

    def action_page_down(self) -> None:
        self._by_hand()
        super().action_page_down()

    def action_page_up(self) -> None:
        self._by_hand()
        super().action_page_up()

    def action_scroll_home(self) -> None:
        self._by_hand()
        super().action_scroll_home()

    def action_scroll_end(self) -> None:
        self._by_hand()
        super().action_scroll_end()

    def action_scroll_down(self) -> None:
        self._by_hand()
        super().action_scroll_down()

    def action_scroll_up(self) -> None:
        self._by_hand()
        super().action_scroll_up()

    def focus_first(self) -> None:
        for dotted in self.FIELDS:
            try:
                target: Widget = self.control(dotted)
            except NoMatches:
                continue
            if shown(target, self) and target.focusable:
                self.focus_in_view(target)
                return
        self.wizard.focus_next_button()

    @on(Input.Submitted)
    def enter_moves_on(self, event: Input.Submitted) -> None:
        """Enter goes to the next field; on the last field of the step, to the next step.
        A list's filter box (class ``filter``) answers Enter itself: it is no form field."""
        event.stop()
        if event.input.has_class("filter"):
            return
        inputs = [w for w in self.query(Input) if w.focusable and shown(w, self)]
        if inputs and event.input is inputs[-1]:
            self.post_message(self.Done())
        else:
            self.screen.focus_next()
