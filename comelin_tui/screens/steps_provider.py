"""Step 2: the email provider, preselected from the MX lookup, with its checklist."""

from __future__ import annotations

from typing import ClassVar

from textual import events, on
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from ..i18n import t
from ..widgets import Tr, plain
from .step_base import StepPane

TOP_PROVIDERS = ("google-workspace", "microsoft365")


class ProviderList(OptionList):
    """The providers: the arrows, Home/End and letters (the filter) browse them;
    PageUp/PageDown scroll the step, so the checklist under the list reads to its end."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("pagedown", "to_step", show=False),
        Binding("pageup", "to_step", show=False),
    ]

    def action_to_step(self) -> None:
        raise SkipAction()  # the step's own PageUp/PageDown: scroll it


class Checklist(Tr, can_focus=True):
    """The provider's checklist, a stop of its own (Tab from the list): there the arrows,
    PageUp/PageDown and Home/End scroll the step (a long checklist goes below the edge)."""


class ProviderStep(StepPane):
    step_id = "provider"
    FIELDS = ("provider",)

    def __init__(self) -> None:
        super().__init__()
        self._filter = ""
        self._shown_choice = ""

    def compose(self) -> ComposeResult:
        yield Tr(self._reason, id="provider-reason", classes="finding", hide_empty=True)
        yield Tr("tui.provider.intro", classes="intro")
        # Not selected on focus: letters typed on the list arrive here one by one.
        yield Input(id="provider-filter", placeholder=t("tui.provider.filter"),
                    classes="filter", compact=True, select_on_focus=False)
        yield ProviderList(id="provider", compact=True)
        yield Tr(self._checklist_title, id="checklist-title", classes="subheading")
        yield Checklist(self._checklist, id="provider-checklist", classes="checklist")

    # -- text --------------------------------------------------------------

    def _reason(self) -> str:
        state = self.state
        if state.mx_running:
            return t("tui.email.mx_running", domain=state.mx_domain)
        result = state.mx_result
        if result is not None and result.detection is not None:
            return result.message()
        if state.mx_error is not None or result is not None:
            return t("tui.provider.no_detection", finding=state.mx_text())
        return ""

    def _shown_provider(self):  # type: ignore[no-untyped-def]
        from ..providers import get_provider

        try:
            option = self.query_one("#provider", OptionList).highlighted_option
        except Exception:  # noqa: BLE001 - not composed yet
            option = None
        return get_provider(option.id) if option is not None else self.provider

    def _checklist_title(self) -> str:
        from ..providers import CUSTOM_ID

        provider = self._shown_provider()
        if provider.id == CUSTOM_ID:  # not "À faire pour Autre / personnalisé"
            return t("tui.provider.checklist_custom")
        return t("tui.provider.checklist", provider=provider.display_name())

    def _checklist(self) -> str:
        provider = self._shown_provider()
        lines = [f"- {item.get_text()}" for item in provider.checklist]
        lines += [f"- {note.get_text()}" for note in provider.notes]
        lines += ["> " + t("tui.provider.link", label=label.get_text(), url=url)
                  for label, url in provider.links]
        return "\n".join(lines) or t("tui.provider.no_checklist")

    # -- state -------------------------------------------------------------

    def load(self) -> None:
        from ..providers import providers, search_providers

        chosen = self.draft.provider
        listed = search_providers(self._filter, providers())
        if not self._filter.strip():
            # The two most stores use, then the one detected or chosen, then "Other": at
            # the top, in view, whatever the list's height, and in the same places
            # whatever is chosen (the list does not reorder under the person's eyes).
            from ..providers import CUSTOM_ID

            first = [p for p in listed if p.id in TOP_PROVIDERS]
            first += [p for p in listed if p.id == chosen and p.id not in TOP_PROVIDERS]
            first += [p for p in listed if p.id == CUSTOM_ID and p not in first]
            listed = tuple(first) + tuple(p for p in listed if p not in first)
        option_list = self.query_one("#provider", OptionList)
        highlighted = option_list.highlighted_option
        # Keep the person's place while browsing, unless the choice itself changed.
        browsing = highlighted is not None and option_list.has_focus \
            and chosen == self._shown_choice
        keep = highlighted.id if browsing and highlighted is not None else chosen
        self._shown_choice = chosen
        options = []
        for provider in listed:
            mark = t("tui.provider.chosen") if provider.id == chosen else "   "
            options.append(Option(plain(f"{mark} {provider.display_name()}"), id=provider.id))
        option_list.set_options(options)
        ids = [provider.id for provider in listed]
        if keep in ids:
            option_list.highlighted = ids.index(keep)
        elif ids:
            option_list.highlighted = 0
        self.refresh_texts()

    def refresh_texts(self) -> None:
        for widget in self.query(Tr):
            widget.refresh_language()

    @on(OptionList.OptionHighlighted, "#provider")
    def browsing(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self.refresh_texts()

    @on(OptionList.OptionSelected, "#provider")
    def chosen(self, event: OptionList.OptionSelected) -> None:
        """Enter picks a provider; Enter on the one already picked goes on."""
        event.stop()
        if event.option.id is None:
            return
        if event.option.id == self.draft.provider:
            self.state.provider_chosen = True
            self.post_message(self.Done())
            return
        if self.state.choose_provider(event.option.id, by_user=True):
            self.post_message(self.Changed(reload=True))
        self.load()

    @on(Input.Changed, "#provider-filter")
    def filtering(self, event: Input.Changed) -> None:
        event.stop()
        self._filter = event.value
        self.load()

    @on(Input.Submitted, "#provider-filter")
    def filter_done(self, event: Input.Submitted) -> None:
        """Enter in the filter: the one provider it leaves is picked, or, when it is picked
        already, the wizard goes on (as Enter on the list does); with several, the list
        takes the keys (its first one highlighted)."""
        event.stop()
        from ..providers import providers, search_providers

        option_list = self.query_one("#provider", OptionList)
        listed = search_providers(self._filter, providers()) if self._filter.strip() else []
        if len(listed) == 1 and listed[0].id == self.draft.provider:
            self.state.provider_chosen = True
            self.post_message(self.Done())
            return
        if len(listed) == 1:
            if self.state.choose_provider(listed[0].id, by_user=True):
                self.post_message(self.Changed(reload=True))
            self.load()
        option_list.focus()

    def on_key(self, event: events.Key) -> None:
        """Letters typed on the list go to its filter, as in any list box with a search."""
        option_list = self.query_one("#provider", OptionList)
        if not option_list.has_focus or not event.is_printable or not event.character \
                or event.character == " ":
            return
        event.stop()
        event.prevent_default()
        box = self.query_one("#provider-filter", Input)
        box.value += event.character
        box.cursor_position = len(box.value)
        box.focus()

    def focus_first(self) -> None:
        self.focus_in_view(self.query_one("#provider", OptionList))

    def focus_field(self, dotted: str) -> None:
        self.focus_first()

    def entered(self) -> None:
        self.load()

    def refresh_language(self) -> None:
        self.query_one("#provider-filter", Input).placeholder = t("tui.provider.filter")
        self.load()
