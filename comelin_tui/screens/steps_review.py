"""Step 5: the summary, Save (settings + secret), then Comelin's reminders and the test."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical

from ..i18n import register, t
from ..labels import security_choice
from ..widgets import Tr, TrButton
from .step_base import StepPane

register({
    "tui.review.ca_file": {"fr": "Fichier CA", "en": "CA file"},
    "tui.review.ca_system": {"fr": "- (les autorités du système)",
                             "en": "- (the system's authorities)"},
    "tui.review.timeout": {"fr": "Délai", "en": "Timeout"},
    "tui.review.seconds": {"fr": "{seconds} s", "en": "{seconds} s"},
})


class ReviewStep(StepPane):
    step_id = "review"
    FIELDS = ("save",)
    INTRO = "tui.review.intro"

    def compose(self) -> ComposeResult:
        yield Tr(self.INTRO, classes="intro")
        with Grid(id="review-summary", classes="summary"):
            for label, value in self._rows():
                yield Tr(label, classes="summary-label")
                yield Tr(value, classes="summary-value")
        yield Tr(self._problems, id="review-problems", classes="warning-text", hide_empty=True)
        yield Tr(self._save_error, id="review-error", classes="error-text", hide_empty=True)
        with Horizontal(id="review-actions", classes="actions"):
            yield TrButton("tui.review.save", id="save", variant="primary")
        with Vertical(id="after-save"):
            yield Tr(self._saved, id="saved-note", classes="success-text")
            # The next action right under "saved", in view at 80x24; the reminders after.
            with Horizontal(classes="actions"):
                yield TrButton("tui.review.test", id="test", variant="primary")
                yield TrButton("tui.review.done", id="done")
            yield Tr(self._reminders, classes="reminders")

    # -- text --------------------------------------------------------------

    def _rows(self) -> list[tuple[str | Callable[[], str], Callable[[], str]]]:
        def company() -> str:
            c = self.draft.company
            return (f"{c.name} <{c.email}>" if c.name else c.email) or "-"

        def server() -> str:
            smtp = self.draft.smtp
            return f"{smtp.host or '-'}:{smtp.port}"

        return [
            ("tui.home.company", company),
            ("tui.review.sender", lambda: self.draft.smtp.from_address or "-"),
            ("tui.home.provider", lambda: self.provider.display_name()),
            ("tui.home.server", server),
            ("tui.home.security", lambda: security_choice(self.draft.smtp.security)),
            ("tui.review.ca_file", self._ca_file),
            ("tui.review.timeout",
             lambda: t("tui.review.seconds", seconds=f"{self.draft.smtp.timeout:g}")),
            ("tui.home.username", self._login),
            (self._secret_label, self._password_state),
            ("tui.review.stored", self._store),
        ]

    def _ca_file(self) -> str:
        ca_file = self.draft.smtp.ca_file
        return str(ca_file) if ca_file is not None else t("tui.review.ca_system")

    def _login(self) -> str:
        smtp = self.draft.smtp
        if smtp.auth == "none":
            return t("tui.review.no_login")
        return smtp.username or "-"

    def _secret_label(self) -> str:
        return t("tui.review.sign_in" if self.draft.smtp.auth == "oauth2"
                 else "tui.review.password")

    def _password_state(self) -> str:
        state = self.state
        if self.draft.smtp.auth == "oauth2":
            signed = state.sign_in_state()
            if signed == "none":
                return t("tui.review.sign_in_missing")
            key = "tui.review.sign_in_new" if signed == "new" else "tui.review.sign_in_kept"
            return t(key, account=state.signed_in_account() or "?")
        if self.draft.smtp.auth != "password":
            return "-"
        if state.password is not None:
            return t("tui.review.password_new")
        if state.has_secret:
            return t("tui.review.password_kept")
        return t("tui.review.password_missing")

    def _store(self) -> str:
        store = self.state.store
        kind = self.draft.secret_backend or (store.kind if store is not None else None)
        if kind is None:
            return t("tui.cred.store_probing")
        if kind == "file":
            from ..secrets import secret_file_path

            path = secret_file_path(self.app.config_path)  # type: ignore[attr-defined]
            return t("tui.review.store_file", path=path)
        return t("tui.review.store_keyring")

    def _problems(self) -> str:
        from ..config import config_warnings, field_label, missing_fields

        wizard = self.wizard
        lines = []
        for step, fields in wizard.field_problems().items():
            if "oauth.sign_in" in fields:
                # Not a field to fix: the settings may be saved, the sign-in done later.
                lines.append(t("tui.review.sign_in_pending"))
                fields = [f for f in fields if f != "oauth.sign_in"]
                if not fields:
                    continue
            names = ", ".join(field_label(f) for f in fields)
            lines.append(t("tui.review.step_problem", step=t(f"tui.step.{step}"), fields=names))
        missing = [f for f in missing_fields(self.draft)
                   if not any(f in fields for fields in wizard.field_problems().values())]
        if missing:
            lines.append(t("tui.home.missing", fields=", ".join(field_label(f) for f in missing)))
        from ..config_checks import password_warnings

        found = config_warnings(self.draft) + password_warnings(self.draft, self.state.password)
        lines += [f"! {w.message()} {w.hint()}" for w in found]
        return "\n".join(lines)

    def _saved(self) -> str:
        if not self.state.save_changed:
            return t("tui.review.unchanged")
        auth = self.draft.smtp.auth
        if auth == "oauth2" and self.state.sign_in_state() == "none":
            return t("tui.review.saved_sign_in_pending")
        return t("tui.review.saved_oauth" if auth == "oauth2" else
                 "tui.review.saved" if auth == "password" else "tui.review.saved_settings")

    def _save_error(self) -> str:
        error = self.state.save_error
        return t("tui.review.not_saved_detail", reason=error.message()) if error else ""

    def _reminders(self) -> str:
        first = ("tui.review.reminder_sign_in" if self.draft.smtp.auth == "oauth2"
                 else "tui.review.reminder_password")
        lines = [t(first), self.provider.sent_copies.get_text(), t("label.bounce_short")]
        return "\n".join(f"- {line}" for line in lines if line)

    # -- state -------------------------------------------------------------

    @property
    def _after_save(self) -> bool:
        return self.state.just_saved and not self.state.dirty

    def entered(self) -> None:
        for widget in self.query(Tr):
            widget.refresh_language()
        after = self._after_save
        self.query_one("#after-save").display = after
        self.query_one("#review-actions").display = not after

    def load(self) -> None:
        self.entered()

    def focus_first(self) -> None:
        button = self.query_one("#test" if self._after_save else "#save", TrButton)
        # After Save the note and the reminders appear around it, and the warnings above
        # it re-wrap once laid out: it is kept in view until the layout settles (from
        # the next refresh, once the focus has moved to it).
        button.focus(scroll_visible=False)
        self.call_after_refresh(self.focus_in_view, button)

    def focus_field(self, dotted: str) -> None:
        self.focus_first()
