"""Step 1: the company's name and email (the sender), with the MX lookup's finding."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.widgets import Input

from ..fields import is_needed
from ..widgets import Tr
from .step_base import StepPane, field_for, fields_of_step, placeholder


class EmailStep(StepPane):
    step_id = "email"
    FIELDS = fields_of_step("email")

    @dataclass
    class EmailChanged(StepPane.Changed):
        """A new company email was accepted (its domain may need an MX lookup)."""

        username_filled: bool = False

    def compose(self) -> ComposeResult:
        yield Tr("tui.email.intro", classes="intro")
        yield field_for("company.email",
                        Input(id="company-email", placeholder=placeholder("company.email")))
        yield Tr(lambda: self.state.mx_text(), id="mx-status", classes="finding", hide_empty=True)
        yield field_for("company.name",
                        Input(id="company-name", placeholder=placeholder("company.name")))

    def load(self) -> None:
        self.set_value("company.email", self.draft.company.email)
        self.set_value("company.name", self.draft.company.name)
        self.load_mx()

    def load_mx(self) -> None:
        self.query_one("#mx-status", Tr).refresh_language()

    def check(self, *, show: bool) -> list[str]:
        problems = []
        email = self.control("company.email").value
        if not self.apply("company.email", email, show=show, required=is_needed("company.email")):
            problems.append("company.email")
        if not self.apply("company.name", self.control("company.name").value, show=show):
            problems.append("company.name")
        return problems

    @on(Input.Changed, "#company-email")
    def email_typed(self, event: Input.Changed) -> None:
        old = self.draft.company.email
        accepted = self.apply("company.email", event.value, show=False)
        if accepted and event.value.strip() and self.draft.company.email != old:
            filled = self.state.email_changed(old, self.draft.company.email)
            self.post_message(self.EmailChanged(username_filled=filled))
        else:
            self.post_message(self.Changed())

    @on(Input.Changed, "#company-name")
    def name_typed(self, event: Input.Changed) -> None:
        self.apply("company.name", event.value, show=False)

    @on(Input.Blurred, "#company-email")
    def email_left(self, event: Input.Blurred) -> None:
        if event.value.strip():
            self.apply("company.email", event.value, show=True)

    def refresh_language(self) -> None:
        for dotted in self.FIELDS:
            self.control(dotted).placeholder = placeholder(dotted)
