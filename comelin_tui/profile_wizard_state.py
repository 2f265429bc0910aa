"""What the wizard knows while it adds or edits a sender profile, without a screen.

The profile wizard is the company wizard with other steps: ``profile`` (the name, the
store, the purpose, the sender, its display name and reply-to, and whether it sends
through the company account), then, for an account of its own, the very ``server`` and
``credentials`` steps of the company wizard, then ``review`` (Save, then the test).

:class:`ProfileWizardState` is a :class:`~comelin_tui.wizard_state.WizardState` whose
draft is the settings a run for the profile uses (:func:`comelin_tui.profiles.
profile_config`): the company settings with the profile's sender in ``smtp`` and, for
its own account, that account's server and login. So the reused steps edit
``smtp.host``, ``smtp.username``... as they do for the company, the warnings about a
sender the login may not send as judge the profile's own pair, and the test send runs
exactly what was saved. The fields of the profile itself (``profile.*``) are kept
beside the draft. Save writes the profile into the list as it is on disk now (the
company settings are never written from here) and the typed password under the
profile's own secret name.

Nothing here imports Textual.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import ComelinError
from .profiles import (
    PURPOSES,
    Profile,
    find_profile,
    profile_config,
    secret_name,
    set_profile,
    validate_profile_name,
    validate_purpose,
)
from .secrets import Secret
from .wizard_state import StorePreview, WizardState

if TYPE_CHECKING:
    from .config import Config

__all__ = ["PROFILE_STEPS", "ProfilePlan", "ProfileWizardState", "probe_profile_store",
           "write_profile"]

# Every step of the profile wizard; "server" and "credentials" only for an account of
# its own (see ProfileWizardState.steps).
PROFILE_STEPS = ("profile", "server", "credentials", "review")
OWN_ACCOUNT_STEPS = ("server", "credentials")
OTHER_PURPOSE = "other"  # the choice "other" of the purpose: the free text says which



@dataclass(frozen=True)
class ProfilePlan:
    """What Save writes: the profile (its fields, its own account or None) and, for its
    own account, the password typed here under the profile's secret name."""

    name: str
    adding: bool
    fields: dict[str, object]
    account: dict[str, object] | None
    backend: str | None
    password: Secret | None = field(default=None, repr=False)

    @property
    def writes_password(self) -> bool:
        return self.password is not None

    writes_sign_in = False  # a profile's own account signs in with a password


class ProfileWizardState(WizardState):
    """The wizard's draft and progress for one sender profile (module docstring)."""

    def __init__(self, settings: Config, name: str | None, *,
                 saved_config: Callable[[], Config | None] = lambda: None) -> None:
        self.settings = settings  # the company settings (the profile list as loaded)
        self.adding = name is None
        profile = (Profile(name="", from_address="") if name is None
                   else find_profile(settings, name))
        if profile.is_company:
            raise ComelinError("profile.company_not_here")
        self.profile = profile
        self.own_account = profile.account is not None
        purpose = profile.purpose or "invoices"
        self.fields: dict[str, str] = {
            "name": profile.name, "store": profile.store,
            "purpose": purpose if purpose in PURPOSES else OTHER_PURPOSE,
            "purpose_text": "" if purpose in PURPOSES else purpose,
            "display_name": profile.display_name,
        }
        super().__init__(self._draft_for(profile), saved=not self.adding, start="profile",
                         saved_config=saved_config)
        self.provider_chosen = True  # no MX guess replaces the profile's server
        # The reused steps fill the username from the sender as the company's follows the
        # company email; a new account starts with the usual port.
        if self.adding:
            self.auto = {"username": "", "from_address": ""}

    # -- the draft ---------------------------------------------------------------

    def _draft_for(self, profile: Profile) -> Config:
        from .providers import CUSTOM_ID

        config = profile_config(self.settings, profile) if profile.from_address \
            else self.settings.model_copy(deep=True)
        config = config.model_copy(deep=True)
        if profile.account is None:
            config.smtp.from_address = profile.from_address
            config.smtp.reply_to = profile.reply_to
        else:
            config.provider = CUSTOM_ID  # the company's provider's hints are not its own
        return config

    def _snapshot(self) -> dict[str, Any]:
        snapshot = super()._snapshot()
        snapshot["profile"] = {**self.fields, "own_account": self.own_account}
        return snapshot

    @property
    def steps(self) -> tuple[str, ...]:
        if self.own_account:
            return PROFILE_STEPS
        return tuple(step for step in PROFILE_STEPS if step not in OWN_ACCOUNT_STEPS)

    @property
    def all_steps(self) -> tuple[str, ...]:
        return PROFILE_STEPS

    def field_value(self, dotted: str) -> object:
        """What a ``profile.*`` field holds now (the others: the draft's)."""
        name = dotted.removeprefix("profile.")
        if name == "from_address":
            return self.draft.smtp.from_address
        if name == "reply_to":
            return self.draft.smtp.reply_to or ""
        if name == "own_account":
            return self.own_account
        return self.fields[name]

    def assign(self, dotted: str, value: object) -> ComelinError | None:
        """Set a field through the settings' own validation; the error if refused."""
        from .config_validate import FieldError, validate_text

        if not dotted.startswith("profile."):
            return super().assign(dotted, value)
        name = dotted.removeprefix("profile.")
        if name == "from_address":
            old = self.draft.smtp.from_address
            error = super().assign("smtp.from_address", value)
            if error is None and old != self.draft.smtp.from_address:
                self.sender_changed(old)
            return error
        if name == "reply_to":
            text = str(value).strip()
            return super().assign("smtp.reply_to", text or None)
        if name == "own_account":
            self.use_own_account(bool(value))
            return None
        try:
            if name == "name":
                text = validate_profile_name(value, field="profile.name")
                if self.adding and any(p.name == text for p in self.settings.profiles):
                    return ComelinError("profile.exists", name=text)
            elif name == "purpose":
                text = str(value) if value in (*PURPOSES, OTHER_PURPOSE) else "invoices"
            elif name == "purpose_text":
                text = validate_purpose(value, field="profile.purpose") if str(value).strip() \
                    else ""
            else:
                text = validate_text(value, field=dotted, max_length=200)
        except FieldError as error:
            return error
        self.fields[name] = text
        return None

    def sender_changed(self, old: str) -> None:
        """An account of its own logs in as its sender until someone types a username."""
        smtp = self.draft.smtp
        if self.own_account and smtp.username in ("", old, self.auto.get("username")) \
                and super().assign("smtp.username", smtp.from_address) is None:
            self.auto["username"] = smtp.from_address

    def use_own_account(self, own: bool) -> None:
        """Send through an account of its own (a server to fill in), or the company's."""
        if own == self.own_account:
            return
        self.own_account = own
        sender, reply_to = self.draft.smtp.from_address, self.draft.smtp.reply_to
        base = self.settings.model_copy(deep=True)
        if own:
            from .providers import CUSTOM_ID

            kept = self.profile.account
            smtp = base.smtp.model_copy(update={
                "host": kept.host if kept else "", "port": kept.port if kept else 587,
                "security": kept.security if kept else "starttls",
                "username": kept.username if kept else sender, "auth": "password",
                "pinned_fingerprint": None, "allow_insecure_auth": False,
                "ca_file": Path(kept.ca_file) if kept and kept.ca_file else None})
            self.auto.update(username=smtp.username, host=smtp.host, port=smtp.port,
                             security=smtp.security)
            base.provider = CUSTOM_ID
            base.smtp = smtp
        self.draft = base
        self.draft.smtp.from_address = sender
        self.draft.smtp.reply_to = reply_to
        if not own:
            self.password = None

    # -- what the company wizard does that a profile does not -------------------------

    def lookup_domain(self) -> str | None:
        return None  # the server is the company's, or typed: no MX guess

    def email_changed(self, old: str, new: str) -> bool:
        return False

    def fill_username(self) -> bool:
        return False

    def missing(self) -> list[str]:
        """What Save needs and is empty: the name (new profile), the sender, the purpose
        in words when "other"."""
        missing = []
        if self.adding and not self.fields["name"]:
            missing.append("profile.name")
        if not self.draft.smtp.from_address:
            missing.append("profile.from_address")
        if self.fields["purpose"] == OTHER_PURPOSE and not self.fields["purpose_text"]:
            missing.append("profile.purpose_text")
        return missing

    # -- Save -------------------------------------------------------------------------

    def save_plan(  # type: ignore[override]
            self, language: str | None, *, only_seen: bool = False) -> ProfilePlan:
        smtp = self.draft.smtp
        purpose = (self.fields["purpose_text"] if self.fields["purpose"] == OTHER_PURPOSE
                   else self.fields["purpose"])
        fields: dict[str, object] = {
            "from_address": smtp.from_address, "store": self.fields["store"],
            "purpose": purpose or "invoices", "display_name": self.fields["display_name"],
            "reply_to": smtp.reply_to}
        account = None
        if self.own_account:
            account = {"host": smtp.host, "port": smtp.port, "security": smtp.security,
                       "username": smtp.username,
                       "ca_file": str(smtp.ca_file) if smtp.ca_file else None}
        backend = self.settings.secret_backend or (self.store.kind if self.store else None)
        return ProfilePlan(self.fields["name"] or self.profile.name, self.adding, fields,
                           account, backend, self.password if self.own_account else None)

    def write(self, plan: Any, config_path: Path) -> tuple[Config, bool]:
        return write_profile(plan, config_path, self.settings)

    def saved_as(self, plan: Any, written: Config, *, changed: bool = True) -> None:
        self.settings = written
        self.profile = find_profile(written, plan.name)
        self.adding = False
        super().saved_as(plan, written, changed=changed)

    def follow(self, config: Config) -> bool:
        """The company settings saved elsewhere: the profile's draft follows them (its
        own fields as they are), unless something typed here is not saved."""
        if self.dirty:
            return False
        self.settings = config
        if not self.adding:
            try:
                self.profile = find_profile(config, self.profile.name)
            except LookupError:
                return False  # removed meanwhile: what is shown is kept
        self.draft = self._draft_for(self.profile)
        self._baseline = self._snapshot()
        return True


# --- the blocking parts, run in worker threads by the screen ---------------------------


def probe_profile_store(config_path: Path, backend: str | None, name: str) -> StorePreview:
    """Where the profile's secret goes, and whether one is saved already."""
    from .i18n import LANGUAGES
    from .secrets import SecretError, open_secret_store

    store = open_secret_store(config_path, backend)  # type: ignore[arg-type]
    texts: dict[str, str] = {lang: store.describe(lang) for lang in LANGUAGES}
    has = False
    if name:
        try:
            has = store.get(secret_name(name)) is not None
        except SecretError:
            pass  # unreadable: shown as missing; Save says why if it cannot write
    return StorePreview(store.kind, texts, has_secret=has)


def write_profile(plan: ProfilePlan, config_path: Path,
                  settings: Config) -> tuple[Config, bool]:
    """Write the profile's secret (its own account), then the profile into the settings
    as they are on disk now: the settings written, and whether anything changed."""
    from .config import update_config_written
    from .secrets import SecretError, open_secret_store

    changed = False
    if plan.password is not None:
        store = open_secret_store(config_path, plan.backend)  # type: ignore[arg-type]
        key = secret_name(plan.name)
        try:
            stored = store.get(key)
        except SecretError:
            stored = None
        if stored != plan.password.reveal():
            store.set(key, plan.password.reveal())
            changed = True

    def change(current: Config) -> Config:
        return set_profile(current, plan.name, plan.fields, plan.account, adding=plan.adding,
                           company_account=plan.account is None)

    config, written = update_config_written(config_path, change, default=settings)
    return config, written or changed

