"""Step 4: username and password, with the provider's advice and where the secret goes."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.widgets import Checkbox, Input

from ..i18n import t
from ..widgets import Field, Toggle, Tr, plain
from .step_base import StepPane


class CredentialsStep(StepPane):
    step_id = "credentials"
    FIELDS = ("smtp.username", "password", "smtp.auth")

    def __init__(self) -> None:
        super().__init__()
        self._stripped = False

    def compose(self) -> ComposeResult:
        yield Tr(self._advice, id="cred-advice", classes="note", hide_empty=True)
        yield Toggle(plain(t("tui.cred.no_login")), id="smtp-auth", compact=True)
        yield Field("tui.cred.username_label", Input(id="smtp-username"),
                    hint=lambda: self.provider.hint("username"), id="field-smtp-username")
        yield Field("tui.cred.password_label", Input(id="password", password=True),
                    hint=lambda: self.provider.hint("password"), id="field-password")
        yield Toggle(plain(t("tui.cred.reveal")), id="reveal", compact=True)
        yield Tr(self._strip_note, id="strip-note", classes="muted", hide_empty=True)
        yield Tr("tui.cred.where_title", classes="subheading")
        yield Tr(lambda: self.wizard.secret_where(), id="secret-where", classes="muted")

    # -- text --------------------------------------------------------------

    def _advice(self) -> str:
        auth = self.draft.smtp.auth
        if auth == "oauth2":
            return t("tui.cred.oauth_note")
        if auth == "none":
            return t("tui.cred.no_login_note")
        kind = self.provider.password_kind
        if kind in ("app_password", "api_key"):
            return t(f"tui.cred.{kind}", provider=self.provider.display_name())
        if "oauth2" in self.provider.auth_kinds:
            return t("tui.cred.oauth_option")
        return ""

    def _strip_note(self) -> str:
        return t("tui.cred.spaces_removed") if self._stripped else ""

    # -- state -------------------------------------------------------------

    @property
    def _uses_password(self) -> bool:
        return self.draft.smtp.auth == "password"

    def load(self) -> None:
        smtp = self.draft.smtp
        kinds = self.provider.auth_kinds
        auth_box = self.query_one("#smtp-auth", Checkbox)
        auth_box.display = "none" in kinds and "password" in kinds and smtp.auth != "oauth2"
        with auth_box.prevent(Checkbox.Changed):
            auth_box.value = smtp.auth == "none"
        self.set_value("smtp.username", smtp.username)
        password_input = self.query_one("#password", Input)
        if self.wizard.password is not None:
            self.set_value("password", self.wizard.password)
        elif not password_input.has_focus:
            self.set_value("password", "")
        password_input.placeholder = (t("tui.cred.password_keep") if self.wizard.has_secret
                                      else "")
        for widget_id in ("#field-smtp-username", "#field-password", "#reveal"):
            self.query_one(widget_id).display = self._uses_password
        self.refresh_texts()

    def refresh_texts(self) -> None:
        for widget in self.query(Tr):
            widget.refresh_language()

    def check(self, *, show: bool) -> list[str]:
        if not self._uses_password:
            return []
        problems = []
        if not self.apply("smtp.username", self.control("smtp.username").value, show=show,
                          required=True):
            problems.append("smtp.username")
        field = self.field_of("password")
        if self.wizard.password is None and not self.wizard.has_secret:
            if show or field.has_class("-invalid"):
                field.set_error(lambda: t("tui.cred.password_required"))
            problems.append("password")
        else:
            field.set_error(None)
        return problems

    def entered(self) -> None:
        self.load()

    def focus_first(self) -> None:
        """The password when the username is already filled in (from the provider)."""
        if self._uses_password and self.draft.smtp.username:
            self.focus_field("password")
        else:
            super().focus_first()

    @on(Input.Changed, "#smtp-username")
    def username_typed(self, event: Input.Changed) -> None:
        self.apply("smtp.username", event.value, show=False)
        self.wizard.refresh_chrome()

    @on(Input.Changed, "#password")
    def password_typed(self, event: Input.Changed) -> None:
        value = event.value
        if self.provider.strip_spaces_in_password and any(c.isspace() for c in value):
            # Google shows app passwords in groups of four: the spaces are not part of it.
            value = "".join(value.split())
            self._stripped = True
            self.set_value("password", value)
            self.query_one("#strip-note", Tr).refresh_language()
        self.wizard.password = value or None
        self.check(show=False)
        self.wizard.refresh_chrome()

    @on(Checkbox.Changed, "#reveal")
    def reveal(self, event: Checkbox.Changed) -> None:
        event.stop()
        self.query_one("#password", Input).password = not event.value

    @on(Checkbox.Changed, "#smtp-auth")
    def login_toggled(self, event: Checkbox.Changed) -> None:
        event.stop()
        self.wizard.assign("smtp.auth", "none" if event.value else "password")
        self.load()
        self.wizard.refresh_chrome()

    def refresh_language(self) -> None:
        self.query_one("#smtp-auth", Checkbox).label = plain(t("tui.cred.no_login"))
        self.query_one("#reveal", Checkbox).label = plain(t("tui.cred.reveal"))
        self.query_one("#password", Input).placeholder = (
            t("tui.cred.password_keep") if self.wizard.has_secret else "")
