"""Step 1: the company's name and email (the sender), with the MX lookup's finding."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.widgets import Input

from ..i18n import t
from ..widgets import Field, Tr
from .step_base import StepPane


class EmailStep(StepPane):
    step_id = "email"
    FIELDS = ("company.email", "company.name")

    def compose(self) -> ComposeResult:
        yield Tr("tui.email.intro", classes="intro")
        yield Field("tui.email.email_label",
                    Input(id="company-email", placeholder=t("tui.email.email_placeholder")),
                    hint="tui.email.email_hint", id="field-company-email")
        yield Tr(self.wizard.mx_text, id="mx-status", classes="finding", hide_empty=True)
        yield Field("tui.email.name_label",
                    Input(id="company-name", placeholder=t("tui.email.name_placeholder")),
                    hint="tui.email.name_hint", id="field-company-name")

    def load(self) -> None:
        self.set_value("company.email", self.draft.company.email)
        self.set_value("company.name", self.draft.company.name)
        self.load_mx()

    def load_mx(self) -> None:
        self.query_one("#mx-status", Tr).refresh_language()

    def check(self, *, show: bool) -> list[str]:
        problems = []
        email = self.control("company.email").value
        if not self.apply("company.email", email, show=show, required=True):
            problems.append("company.email")
        if not self.apply("company.name", self.control("company.name").value, show=show):
            problems.append("company.name")
        return problems

    @on(Input.Changed, "#company-email")
    def email_typed(self, event: Input.Changed) -> None:
        old = self.draft.company.email
        accepted = self.apply("company.email", event.value, show=False)
        if accepted and event.value.strip() and self.draft.company.email != old:
            self.wizard.email_changed(old, self.draft.company.email)
        self.wizard.refresh_chrome()

    @on(Input.Changed, "#company-name")
    def name_typed(self, event: Input.Changed) -> None:
        self.apply("company.name", event.value, show=False)

    @on(Input.Blurred, "#company-email")
    def email_left(self, event: Input.Blurred) -> None:
        if event.value.strip():
            self.apply("company.email", event.value, show=True)

    def refresh_language(self) -> None:
        self.control("company.email").placeholder = t("tui.email.email_placeholder")
        self.control("company.name").placeholder = t("tui.email.name_placeholder")
