"""The sender profile's own steps: who sends (the first step) and its review.

The profile wizard (:mod:`.profile_wizard`) shows :class:`ProfileStep`, then, for an
account of its own, the company wizard's very server and credentials steps, then
:class:`ProfileReviewStep`. Their model is a
:class:`~comelin_tui.profile_wizard_state.ProfileWizardState`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.widgets import Checkbox, Input, RadioSet

from ..fields import is_needed
from ..i18n import register, t
from ..labels import security_choice
from ..profile_wizard_state import OTHER_PURPOSE
from ..profiles import PURPOSES, purpose_label
from ..widgets import Radio, Toggle, Tr, plain
from .step_base import StepPane, field_for, fields_of_step, placeholder
from .steps_review import ReviewStep

if TYPE_CHECKING:
    from ..profile_wizard_state import ProfileWizardState

register({
    "tui.profile.intro_new": {
        "fr": "Un expéditeur pour un magasin et un usage : son adresse, et le compte par "
              "lequel il envoie.",
        "en": "A sender for a store and a purpose: its address, and the account it sends "
              "through.",
    },
    "tui.profile.intro_edit": {
        "fr": "Le profil « {name} » : son expéditeur, et le compte par lequel il envoie.",
        "en": "The profile \"{name}\": its sender, and the account it sends through.",
    },
    "tui.profile.purpose_other": {"fr": "autre (à décrire)", "en": "other (describe it)"},
    "tui.profile.own_account": {
        "fr": "Compte propre (une autre boîte, avec son serveur et son mot de passe)",
        "en": "Own account (another mailbox, with its server and password)",
    },
    "tui.profile.company_account_note": {
        "fr": "Envoie par le compte de l'entreprise ({username} sur {host}) : ce compte doit "
              "avoir le droit d'envoyer sous cette adresse.",
        "en": "Sends through the company account ({username} on {host}): that account "
              "needs the right to send as this address.",
    },
    "tui.profile.own_account_note": {
        "fr": "Les étapes Serveur et Identifiants de ce compte suivent.",
        "en": "The Server and Login steps of that account follow.",
    },
    "tui.profile.review_intro": {
        "fr": "Vérifiez le profil, puis enregistrez : seuls ce profil et son mot de passe "
              "sont écrits, les réglages de l'entreprise restent tels quels.",
        "en": "Check the profile, then save: only this profile and its password are "
              "written, the company settings stay as they are.",
    },
    "tui.profile.account": {"fr": "Compte", "en": "Account"},
    "tui.profile.saved": {
        "fr": "Profil enregistré. Testez-le : le serveur dira s'il accepte cet expéditeur.",
        "en": "Profile saved. Test it: the server will say whether it accepts this sender.",
    },
    "tui.profile.reminder_send_as": {
        "fr": "Par le compte de l'entreprise, le droit « envoyer en tant que » se donne chez "
              "le fournisseur, pour chaque adresse.",
        "en": "Through the company account, the \"send as\" right is granted at the "
              "provider, for each address.",
    },
})


def purpose_choice(purpose: str) -> str:
    return t("tui.profile.purpose_other") if purpose == OTHER_PURPOSE else purpose_label(purpose)


CHOICES = (*PURPOSES, OTHER_PURPOSE)


class ProfileStep(StepPane):
    """Who sends: the profile's name, store, purpose, sender, display name, reply-to, and
    whether it has an account of its own."""

    step_id = "profile"
    FIELDS = fields_of_step("profile")
    # The inputs, by control id (the name's only while the profile is new).
    INPUTS: ClassVar[dict[str, str]] = {
        "profile-name": "profile.name", "profile-store": "profile.store",
        "profile-purpose-text": "profile.purpose_text",
        "profile-from-address": "profile.from_address",
        "profile-display-name": "profile.display_name", "profile-reply-to": "profile.reply_to",
    }

    @property
    def state(self) -> ProfileWizardState:
        return self.wizard.state  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Tr(self._intro, classes="intro")
        yield field_for("profile.name", Input(id="profile-name",
                                              placeholder=placeholder("profile.name")))
        yield field_for("profile.store", Input(id="profile-store",
                                               placeholder=placeholder("profile.store")))
        yield field_for("profile.purpose",
                        RadioSet(*(Radio(plain(purpose_choice(name)), id=f"purpose-{name}")
                                   for name in CHOICES), id="profile-purpose", compact=True))
        yield field_for("profile.purpose_text",
                        Input(id="profile-purpose-text",
                              placeholder=placeholder("profile.purpose_text")))
        yield field_for("profile.from_address",
                        Input(id="profile-from-address",
                              placeholder=placeholder("profile.from_address")))
        yield field_for("profile.display_name",
                        Input(id="profile-display-name",
                              placeholder=placeholder("profile.display_name")))
        yield field_for("profile.reply_to", Input(id="profile-reply-to"))
        yield field_for("profile.own_account",
                        Toggle(plain(t("tui.profile.own_account")), id="profile-own-account",
                               compact=True))
        yield Tr(self._account_note, id="profile-account-note", classes="note",
                 hide_empty=True)

    # -- text --------------------------------------------------------------

    def _intro(self) -> str:
        if self.state.adding:
            return t("tui.profile.intro_new")
        return t("tui.profile.intro_edit", name=self.state.profile.name)

    def _account_note(self) -> str:
        if self.state.own_account:
            return t("tui.profile.own_account_note")
        smtp = self.state.settings.smtp
        return t("tui.profile.company_account_note", username=smtp.username or "-",
                 host=smtp.host or "-")

    # -- state -------------------------------------------------------------

    def load(self) -> None:
        state = self.state
        for dotted in self.INPUTS.values():
            self.set_value(dotted, str(state.field_value(dotted)))
        # A saved profile's name is its key (the command line's, the secret's): shown, not
        # edited.
        self.query_one("#field-profile-name").display = state.adding
        self.query_one(f"#purpose-{state.fields['purpose']}", Radio).value = True
        self.query_one("#field-profile-purpose-text").display = \
            state.fields["purpose"] == OTHER_PURPOSE
        own = self.query_one("#profile-own-account", Toggle)
        with own.prevent(Checkbox.Changed):
            own.value = state.own_account
        for widget in self.query(Tr):
            widget.refresh_language()

    def entered(self) -> None:
        self.load()

    def _needed(self, dotted: str) -> bool:
        if dotted == "profile.purpose_text":
            return self.state.fields["purpose"] == OTHER_PURPOSE
        if dotted == "profile.name":
            return self.state.adding
        return is_needed(dotted)

    def check(self, *, show: bool) -> list[str]:
        problems = []
        for control, dotted in self.INPUTS.items():
            if dotted == "profile.name" and not self.state.adding:
                continue
            if dotted == "profile.purpose_text" and not self._needed(dotted):
                continue
            value = self.query_one(f"#{control}", Input).value
            if not self.apply(dotted, value, show=show, required=self._needed(dotted)):
                problems.append(dotted)
        return problems

    def invalid_fields(self) -> list[str]:
        """Values refused, and what a profile cannot be saved without (unlike the company
        settings, which may be saved incomplete): its name and its sender."""
        invalid = []
        for control, dotted in self.INPUTS.items():
            widget = self.query_one(f"#{control}", Input)
            if widget.display and widget.value.strip() \
                    and self.state.assign(dotted, widget.value) is not None:
                invalid.append(dotted)
        return invalid + [name for name in self.state.missing() if name not in invalid]

    def _take(self, control: Input, *, show: bool) -> None:
        self.apply(self.INPUTS[control.id or ""], control.value, show=show)
        self.query_one("#profile-account-note", Tr).refresh_language()
        self.post_message(self.Changed(reload=control.id == "profile-from-address"))

    @on(Input.Changed, "#profile-name, #profile-store, #profile-purpose-text, "
                       "#profile-from-address, #profile-display-name, #profile-reply-to")
    def typed(self, event: Input.Changed) -> None:
        event.stop()
        self._take(event.input, show=False)

    @on(Input.Blurred, "#profile-name, #profile-store, #profile-purpose-text, "
                       "#profile-from-address, #profile-display-name, #profile-reply-to")
    def left(self, event: Input.Blurred) -> None:
        if event.value.strip():
            self._take(event.input, show=True)

    @on(RadioSet.Changed, "#profile-purpose")
    def purpose_chosen(self, event: RadioSet.Changed) -> None:
        event.stop()
        purpose = (event.pressed.id or "purpose-invoices").removeprefix("purpose-")
        if purpose == self.state.fields["purpose"]:
            return
        self.state.assign("profile.purpose", purpose)
        self.query_one("#field-profile-purpose-text").display = purpose == OTHER_PURPOSE
        self.post_message(self.Changed())

    @on(Checkbox.Changed, "#profile-own-account")
    def account_chosen(self, event: Checkbox.Changed) -> None:
        event.stop()
        self.state.assign("profile.own_account", event.value)
        self.query_one("#profile-account-note", Tr).refresh_language()
        self.post_message(self.Changed(reload=True))

    def focus_field(self, dotted: str) -> None:
        if dotted == "profile.purpose":
            self.focus_in_view(self.query_one("#profile-purpose", RadioSet))
            return
        if dotted == "profile.own_account":
            self.focus_in_view(self.query_one("#profile-own-account", Toggle))
            return
        super().focus_field(dotted)

    def refresh_language(self) -> None:
        for name in CHOICES:
            self.query_one(f"#purpose-{name}", Radio).label = plain(purpose_choice(name))
        self.query_one("#profile-own-account", Toggle).label = plain(
            t("tui.profile.own_account"))
        for dotted in self.INPUTS.values():
            self.control(dotted).placeholder = placeholder(dotted) \
                if dotted != "profile.reply_to" else ""


class ProfileReviewStep(ReviewStep):
    """The profile as Save will write it; after Save, its test."""

    INTRO = "tui.profile.review_intro"

    @property
    def state(self) -> ProfileWizardState:
        return self.wizard.state  # type: ignore[return-value]

    def _rows(self) -> list[tuple[str | Callable[[], str], Callable[[], str]]]:
        state = self.state

        def account() -> str:
            smtp = self.draft.smtp
            if state.own_account:
                return t("profile.account.own", username=smtp.username or "-",
                         host=smtp.host or "-", port=smtp.port)
            return t("profile.account.company")

        def purpose() -> str:
            fields = state.fields
            return (fields["purpose_text"] if fields["purpose"] == OTHER_PURPOSE
                    else purpose_label(fields["purpose"])) or "-"

        rows: list[tuple[str | Callable[[], str], Callable[[], str]]] = [
            ("config.label.profile.name", lambda: state.fields["name"] or "-"),
            ("config.label.profile.store", lambda: state.fields["store"] or "-"),
            ("config.label.profile.purpose", purpose),
            ("tui.review.sender", lambda: self.draft.smtp.from_address or "-"),
            ("config.label.profile.display_name", lambda: state.fields["display_name"] or "-"),
            ("config.label.profile.reply_to", lambda: self.draft.smtp.reply_to or "-"),
            ("tui.profile.account", account),
        ]
        def own(value: Callable[[], str]) -> Callable[[], str]:
            return lambda: value() if state.own_account else "-"

        return [*rows,
                ("tui.home.security", own(lambda: security_choice(self.draft.smtp.security))),
                (self._secret_label, own(self._password_state)),
                ("tui.review.stored", own(self._store))]

    def _problems(self) -> str:
        from ..fields import field_label

        lines = []
        for step, fields in self.wizard.field_problems().items():
            names = ", ".join(field_label(f) for f in fields)
            lines.append(t("tui.review.step_problem", step=t(f"tui.step.{step}"), fields=names))
        from ..config_checks import config_warnings, password_warnings

        # The sender against the login that sends it (the company's, or its own).
        found = config_warnings(self.draft)
        if self.state.own_account:
            found += password_warnings(self.draft, self.state.password)
        lines += [f"! {w.message()} {w.hint()}" for w in found if w.field.startswith("smtp.")]
        return "\n".join(lines)

    def _saved(self) -> str:
        return t("tui.review.unchanged") if not self.state.save_changed \
            else t("tui.profile.saved")

    def _reminders(self) -> str:
        lines = [t("tui.review.reminder_password") if self.state.own_account
                 else t("tui.profile.reminder_send_as"), t("label.bounce_short")]
        return "\n".join(f"- {line}" for line in lines)
