"""Step 4: how to sign in to the server (password, or Microsoft's sign-in for Microsoft 365),
with the provider's advice and where the secret goes."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.widgets import Button, Checkbox, Input, RadioSet

from ..fields import is_needed, required_message
from ..i18n import t
from ..widgets import Radio, Toggle, Tr, TrButton, plain
from ..wizard_state import typed_password
from .oauth_sign_in import MicrosoftSignIn
from .step_base import StepPane, field_for, fields_of_step, shown


class CredentialsStep(StepPane):
    step_id = "credentials"
    FIELDS = fields_of_step("credentials")

    def __init__(self) -> None:
        super().__init__()
        self._stripped = False
        self._judged: str | None = None  # the password the warning below it judged
        self._described: object = None  # the store preview whose description is current

    def _username_hint(self) -> str:
        """The provider's hint, unless the domain's autoconfig file said otherwise."""
        from ..providers import CUSTOM_ID

        if getattr(self.state, "discovered_username", None) == "local_part" \
                and self.draft.provider == CUSTOM_ID:
            return t("tui.cred.username_local_part")
        return self.provider.hint("username")

    def compose(self) -> ComposeResult:
        yield Tr(self._advice, id="cred-advice", classes="note", hide_empty=True)
        yield field_for("oauth.method",
                        RadioSet(Radio(plain(t("tui.oauth.method_oauth")), id="auth-oauth2"),
                                 Radio(plain(t("tui.oauth.method_password")),
                                       id="auth-password"),
                                 id="auth-method", compact=True))
        yield Toggle(plain(t("tui.cred.no_login")), id="smtp-auth", compact=True)
        yield MicrosoftSignIn()
        yield field_for("smtp.username", Input(id="smtp-username"),
                        hint_now=self._username_hint)
        yield field_for("password", Input(id="password", password=True),
                        provider=lambda: self.provider)
        yield Toggle(plain(t("tui.cred.reveal")), id="reveal", compact=True)
        yield Tr(self._demo_note, id="demo-password-note", classes="muted", hide_empty=True)
        yield TrButton("tui.cred.demo_password", id="demo-password")
        yield Tr(self._password_warning, id="cred-password-warning", classes="warning-text",
                 hide_empty=True)
        yield Tr(self._strip_note, id="strip-note", classes="muted", hide_empty=True)
        yield Tr(self._login_warnings, id="cred-warnings", classes="warning-text",
                 hide_empty=True)
        yield Tr(self._where_title, id="where-title", classes="subheading")
        yield Tr(lambda: self.state.secret_where(), id="secret-where", classes="muted")

    # -- text --------------------------------------------------------------

    def _advice(self) -> str:
        auth = self.draft.smtp.auth
        if auth == "oauth2":
            return ""  # the sign-in explains itself
        if auth == "none":
            return t("tui.cred.no_login_note")
        kind = self.provider.password_kind
        if kind in ("app_password", "api_key"):
            return t(f"tui.cred.{kind}", provider=self.provider.display_name())
        if self._offers_choice:
            return t("tui.oauth.password_retiring")
        return ""

    def _password_warning(self) -> str:
        """The password typed is part of the username, an address or the server's name
        (never the password itself). Judged once it is typed (the field left, or Next),
        not at each key: every first letter is part of the username."""
        from ..config_checks import password_warnings

        if self._judged is None or self._judged != self.state.password:
            return ""
        return "\n".join(f"! {w.message()} {w.hint()}"
                         for w in password_warnings(self.draft, self._judged))

    def _login_warnings(self) -> str:
        """What looks wrong in the login (a sender it may not send as), as typed."""
        from ..config_checks import config_warnings
        from ..fields import field_step

        return "\n".join(f"! {w.message()} {w.hint()}" for w in config_warnings(self.draft)
                         if field_step(w.field) == "credentials")

    def _judge_password(self) -> None:
        self._judged = self.state.password
        self.query_one("#cred-password-warning", Tr).refresh_language()

    def _demo_password(self) -> str | None:
        """The demo server's password, in demo mode with a password login; else None."""
        demo = getattr(self.app, "demo", None)
        if demo is None or demo.sandbox is None or not self._uses_password:
            return None
        return str(demo.password)

    def _demo_note(self) -> str:
        return t("tui.cred.demo_password_note") if self._demo_password() else ""

    def _strip_note(self) -> str:
        return t("tui.cred.spaces_removed") if self._stripped else ""

    def _where_title(self) -> str:
        return t("tui.oauth.where_title" if self._uses_oauth else "tui.cred.where_title")

    # -- state -------------------------------------------------------------

    @property
    def _uses_password(self) -> bool:
        return self.draft.smtp.auth == "password"

    @property
    def _uses_oauth(self) -> bool:
        return self.draft.smtp.auth == "oauth2"

    @property
    def _offers_choice(self) -> bool:
        """Microsoft's sign-in or a password (or OAuth settings that may go back)."""
        kinds = self.provider.auth_kinds
        return ("oauth2" in kinds and "password" in kinds) or self._uses_oauth

    @property
    def sign_in(self) -> MicrosoftSignIn:
        return self.query_one(MicrosoftSignIn)

    def load(self) -> None:
        smtp = self.draft.smtp
        kinds = self.provider.auth_kinds
        auth_box = self.query_one("#smtp-auth", Checkbox)
        auth_box.display = "none" in kinds and "password" in kinds and not self._uses_oauth
        with auth_box.prevent(Checkbox.Changed):
            auth_box.value = smtp.auth == "none"
        self.query_one("#field-auth-method").display = self._offers_choice
        if self._offers_choice and smtp.auth in ("oauth2", "password"):
            # Not prevented: the set's Changed also moves its keyboard highlight here
            # (method_chosen ignores the choice already in the draft).
            self.query_one(f"#auth-{smtp.auth}", Radio).value = True
        self.sign_in.display = self._uses_oauth
        self.sign_in.load()
        self.set_value("smtp.username", smtp.username)
        password_input = self.query_one("#password", Input)
        if self.state.password is not None:
            self.set_value("password", self.state.password.reveal())
        elif not password_input.has_focus:
            self.set_value("password", "")
        password_input.placeholder = (t("tui.cred.password_keep") if self.state.has_secret
                                      else "")
        for widget_id in ("#field-smtp-username", "#field-password", "#reveal"):
            self.query_one(widget_id).display = self._uses_password
        self.query_one("#demo-password").display = self._demo_password() is not None
        if self.state.store is not None and self.state.store is not self._described:
            self.describe_store()  # a new preview (after a save): its file may exist now
        self.refresh_texts()

    def refresh_texts(self) -> None:
        for widget in self.query(Tr):
            widget.refresh_language()

    def check(self, *, show: bool) -> list[str]:
        if self._uses_oauth:
            return self.sign_in.check(show=show)
        if not self._uses_password:
            return []
        problems = []
        if show:
            self._judge_password()
        if not self.apply("smtp.username", self.control("smtp.username").value, show=show,
                          required=is_needed("smtp.username")):
            problems.append("smtp.username")
        field = self.field_of("password")
        if is_needed("password") and self.state.password is None and not self.state.has_secret:
            if show or field.has_class("-invalid"):
                field.set_error(lambda: required_message("password"))
            problems.append("password")
        else:
            field.set_error(None)
        return problems

    def invalid_fields(self) -> list[str]:
        if self._uses_oauth:
            return self.sign_in.invalid_fields()
        value = self.control("smtp.username").value
        refused = value.strip() and self.state.assign("smtp.username", value) is not None
        return ["smtp.username"] if refused else []

    def entered(self) -> None:
        self.load()
        self.describe_store()

    @work(exclusive=True, group="store-description", exit_on_error=False)
    async def describe_store(self) -> None:
        """Say again where the secret goes: the description is written when the store is
        first probed, and a save creates the secret file it said would be created."""
        from ..i18n import LANGUAGES
        from ..secrets import open_secret_store

        preview = self.state.store
        if preview is None or preview.kind not in ("file", "keyring"):
            return
        app: Any = self.app

        def describe() -> dict[str, str]:
            store = open_secret_store(app.config_path, preview.kind)  # type: ignore[arg-type]
            return {lang: store.describe(lang) for lang in LANGUAGES}

        texts = await asyncio.to_thread(describe)
        if self.state.store is not preview:
            return  # probed or saved again meanwhile: that one is described in turn
        self.state.store = self._described = dataclasses.replace(preview, texts=texts)
        self.query_one("#secret-where", Tr).refresh_language()

    def focus_first(self) -> None:
        """The sign-in choice when there is one, else the password when the username is
        already filled in (from the provider)."""
        if self._offers_choice:
            self.focus_in_view(self.query_one("#auth-method", RadioSet))
        elif self._uses_password and self.draft.smtp.username:
            self.focus_field("password")
        else:
            super().focus_first()

    def focus_field(self, dotted: str) -> None:
        if dotted == "oauth.sign_in":
            button = self.query_one("#oauth-start")
            choice = self.query_one("#auth-method", RadioSet)
            if shown(button, self):
                self.focus_in_view(button)
            elif shown(choice, self):  # without msal: the choice, to take the password
                self.focus_in_view(choice)
            else:  # a provider without the sign-in: its first field
                self.focus_first()
            return
        super().focus_field(dotted)

    @on(RadioSet.Changed, "#auth-method")
    def method_chosen(self, event: RadioSet.Changed) -> None:
        event.stop()
        if self.sign_in.busy:
            self.sign_in.cancel(quiet=True)
        chosen = "oauth2" if event.pressed.id == "auth-oauth2" else "password"
        if chosen == self.draft.smtp.auth:
            return  # the draft's own choice, shown by load()
        self.state.assign("smtp.auth", chosen)
        self.load()
        self.post_message(self.Changed())

    @on(Input.Changed, "#smtp-username")
    def username_typed(self, event: Input.Changed) -> None:
        self.apply("smtp.username", event.value, show=False)
        self.query_one("#cred-password-warning", Tr).refresh_language()
        self.query_one("#cred-warnings", Tr).refresh_language()
        self.post_message(self.Changed())

    @on(Input.Changed, "#password")
    def password_typed(self, event: Input.Changed) -> None:
        # Held as a Secret at once: no local here holds the text, so a crash report
        # that prints locals cannot show it.
        secret, stripped = typed_password(
            event.value, strip_spaces=self.provider.strip_spaces_in_password)
        if stripped:
            self._stripped = True
            self.set_value("password", secret.reveal() if secret is not None else "")
            self.query_one("#strip-note", Tr).refresh_language()
        self.state.password = secret
        self.query_one("#cred-password-warning", Tr).refresh_language()  # gone while typing
        self.check(show=False)
        self.post_message(self.Changed())

    @on(Input.Blurred, "#password")
    def password_left(self, event: Input.Blurred) -> None:
        self._judge_password()

    @on(Button.Pressed, "#demo-password")
    def demo_password_restored(self, event: Button.Pressed) -> None:
        """Put the demo's password back (cleared by mistake, or to see it again)."""
        event.stop()
        password = self._demo_password()
        if password is None:
            return
        self.query_one("#password", Input).value = password  # as if typed: held, checked
        self.query_one("#reveal", Checkbox).value = True
        self.focus_field("password")

    @on(Checkbox.Changed, "#reveal")
    def reveal(self, event: Checkbox.Changed) -> None:
        event.stop()
        self.query_one("#password", Input).password = not event.value

    @on(Checkbox.Changed, "#smtp-auth")
    def login_toggled(self, event: Checkbox.Changed) -> None:
        event.stop()
        self.state.assign("smtp.auth", "none" if event.value else "password")
        self.load()
        self.post_message(self.Changed())

    def refresh_language(self) -> None:
        self.query_one("#smtp-auth", Checkbox).label = plain(t("tui.cred.no_login"))
        self.query_one("#reveal", Checkbox).label = plain(t("tui.cred.reveal"))
        self.query_one("#auth-oauth2", Radio).label = plain(t("tui.oauth.method_oauth"))
        self.query_one("#auth-password", Radio).label = plain(t("tui.oauth.method_password"))
        self.query_one("#password", Input).placeholder = (
            t("tui.cred.password_keep") if self.state.has_secret else "")
