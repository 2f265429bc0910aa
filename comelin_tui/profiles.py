"""Sender profiles: a sender per store and per purpose, with the account it goes through.

A store may send its admin alerts and its supplier orders from other addresses than
its invoices, and some of them through a mailbox of their own. The settings hold a
list of profiles (``[[profiles]]`` in ``config.toml``); the company settings
(``[company]`` and ``[smtp]``) are the default profile, named ``company``.

A profile is a sender (address, display name, optional reply-to) for a store and a
purpose, sent either through the company account or through an account of its own
(server, login; its secret kept under :func:`secret_name`, never in the file).

This module is the view-free model the CLI and the TUI share: it reads the settings
(the pydantic ``Config`` or the read-only ``ConfigView``, same fields) and returns
plain values; it imports neither pydantic nor Textual.

- :func:`all_profiles` lists every profile, the company one first, as
  :class:`Profile` (what a list or a screen shows).
- :func:`profile_config` gives the settings a run for one profile uses (the
  company settings with the profile's sender and, when it has one, its account),
  so the test send, ``send`` and the relay need nothing else.
- :func:`check_groups` says which profiles share one test (same account, same
  sender: send-as rights are per sender) and :func:`sender_domains` which share
  the deliverability checks (one run per sending domain).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .config_validate import FieldError, validate_text
from .errors import ComelinError
from .i18n import register, t

if TYPE_CHECKING:
    from .config_models import Config
    from .config_read import ConfigView

COMPANY = "company"  # the default profile: the company settings themselves
PURPOSES = ("invoices", "alerts", "orders")  # anything else is free text
SECRET_PREFIX = "smtp-password.profile."
_NAME_RE = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")

register({
    "profile.name.invalid": {
        "fr": "nom de profil non valide : de 1 à 64 lettres minuscules sans accents, chiffres, "
              "points, tirets ou soulignés, commençant par une lettre ou un chiffre "
              "(ex. magasin-12-commandes)",
        "en": "invalid profile name: 1 to 64 lowercase letters without accents, digits, dots, "
              "hyphens or underscores, starting with a letter or a digit "
              "(e.g. store-12-orders)",
    },
    "profile.name.reserved": {
        "fr": "« company » est le profil de l'entreprise (les réglages [smtp]) : choisissez "
              "un autre nom",
        "en": "\"company\" is the company profile (the [smtp] settings): choose another name",
    },
    "profile.name.duplicate": {
        "fr": "deux profils portent le nom « {name} » : chaque profil a son propre nom",
        "en": "two profiles are named \"{name}\": each profile has a name of its own",
    },
    "profile.account.no_host": {
        "fr": "un compte propre au profil a besoin de son serveur (host)",
        "en": "an account of the profile's own needs its server (host)",
    },
    "profile.no_such": {
        "fr": "aucun profil « {name} » (les profils : {names})",
        "en": "no profile \"{name}\" (the profiles: {names})",
    },
    "profile.exists": {
        "fr": "le profil « {name} » existe déjà : choisissez un autre nom, ou changez ce "
              "profil-là",
        "en": "the profile \"{name}\" already exists: choose another name, or change that "
              "profile",
    },
    "profile.account_needs_host": {
        "fr": "{fields} : seulement pour un compte propre au profil, qui a besoin de son "
              "serveur (host)",
        "en": "{fields}: only for an account of the profile's own, which needs its server "
              "(host)",
    },
    "profile.company_not_here": {
        "fr": "le profil « company » est celui des réglages de l'entreprise : changez-le avec "
              "« comelin-tui » (l'assistant)",
        "en": "the \"company\" profile is the company settings: change them with "
              "\"comelin-tui\" (the wizard)",
    },
    "profile.purpose.invoices": {"fr": "factures et reçus", "en": "invoices and receipts"},
    "profile.purpose.alerts": {"fr": "alertes d'administration", "en": "admin alerts"},
    "profile.purpose.orders": {"fr": "commandes aux fournisseurs", "en": "supplier orders"},
    "profile.account.company": {"fr": "compte de l'entreprise", "en": "company account"},
    "profile.account.own": {"fr": "compte propre : {username} sur {host}:{port}",
                            "en": "own account: {username} on {host}:{port}"},
    "profile.company_store": {"fr": "(entreprise)", "en": "(company)"},
})


# -- validation (shared by the pydantic models and the fast reader) -------------------------

def validate_profile_name(value: object, *, field: str | None = "profiles.name") -> str:
    """A profile's name: its identifier on the command line and in the secret store."""
    text = validate_text(value, field=field, max_length=64).lower()
    if text == COMPANY:
        raise FieldError("profile.name.reserved", field=field)
    if not _NAME_RE.fullmatch(text):
        raise FieldError("profile.name.invalid", field=field)
    return text


def validate_purpose(value: object, *, field: str | None = "profiles.purpose") -> str:
    """One of :data:`PURPOSES` (any case), else free text (one line, at most 100)."""
    text = validate_text(value, field=field, max_length=100)
    return text.lower() if text.lower() in PURPOSES else text


def duplicate_name(names: Iterable[str]) -> str | None:
    """The first name given twice, if any."""
    seen: set[str] = set()
    for name in names:
        if name in seen:
            return name
        seen.add(name)
    return None


def purpose_label(purpose: str, lang: str | None = None) -> str:
    """A purpose in words: the known ones translated, free text as typed."""
    return t(f"profile.purpose.{purpose}", lang) if purpose in PURPOSES else purpose


def secret_name(name: str) -> str:
    """Where the secret of a profile's own account is kept (its own key, never the
    company password's)."""
    return SECRET_PREFIX + name


# -- the model the views show ------------------------------------------------------------------

@dataclass(frozen=True)
class Account:
    """A profile's own account (the company account is ``None`` on a :class:`Profile`)."""

    host: str
    port: int = 587
    security: str = "starttls"
    username: str = ""
    ca_file: str | None = None

    def key(self) -> tuple[str, int, str, str]:
        """What makes two accounts the same one."""
        return (self.host.lower(), self.port, self.security, self.username.lower())

    def describe(self, lang: str | None = None) -> str:
        return t("profile.account.own", lang, username=self.username or "-", host=self.host,
                 port=self.port)


@dataclass(frozen=True)
class Profile:
    """One sender: the company one (``name == "company"``) or one of ``[[profiles]]``."""

    name: str
    from_address: str
    store: str = ""
    purpose: str = "invoices"
    display_name: str = ""
    reply_to: str | None = None
    account: Account | None = None  # None: the company account

    @property
    def is_company(self) -> bool:
        return self.name == COMPANY

    @property
    def secret(self) -> str | None:
        """The secret's name for its own account; None: the company password."""
        return secret_name(self.name) if self.account is not None else None

    def account_text(self, lang: str | None = None) -> str:
        return self.account.describe(lang) if self.account else t("profile.account.company", lang)

    def to_json(self) -> dict[str, Any]:
        """Plain data for ``--json`` (never a secret: only whether it has its own)."""
        account = dataclasses.asdict(self.account) if self.account else None
        return {"name": self.name, "store": self.store, "purpose": self.purpose,
                "from_address": self.from_address, "display_name": self.display_name,
                "reply_to": self.reply_to, "account": account}


class NoSuchProfile(LookupError):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def _profile(raw: Any) -> Profile:
    account = raw.account
    return Profile(
        name=raw.name, from_address=raw.from_address, store=raw.store, purpose=raw.purpose,
        display_name=raw.display_name, reply_to=raw.reply_to,
        account=None if account is None else Account(
            host=account.host, port=account.port, security=account.security,
            username=account.username,
            ca_file=str(account.ca_file) if account.ca_file is not None else None))


def company_profile(config: Config | ConfigView) -> Profile:
    """The default profile: the company's sender through the company account."""
    return Profile(name=COMPANY, from_address=config.smtp.from_address,
                   store=config.company.name, purpose="", display_name=config.company.name,
                   reply_to=config.smtp.reply_to)


def all_profiles(config: Config | ConfigView) -> list[Profile]:
    """Every profile, the company one first, then the list in the order of the file."""
    return [company_profile(config), *(_profile(raw) for raw in config.profiles)]


def find_profile(config: Config | ConfigView, name: str) -> Profile:
    """The profile named *name* (any case; ``company`` is the default); NoSuchProfile."""
    wanted = name.strip().lower()
    for profile in all_profiles(config):
        if profile.name == wanted:
            return profile
    raise NoSuchProfile(name)


def profile_config(config: Any, profile: Profile) -> Any:
    """The settings a run for *profile* uses: the company's, with the profile's sender
    (and reply-to) and, for its own account, its server and login (password sign-in;
    the certificate checks of that server alone: no pinned fingerprint, no consent to
    a login without TLS carried over from the company server)."""
    if profile.is_company:
        return config
    changes: dict[str, Any] = {"from_address": profile.from_address,
                               "reply_to": profile.reply_to or config.smtp.reply_to}
    if profile.account is not None:
        from pathlib import Path

        account = profile.account
        changes.update(host=account.host, port=account.port, security=account.security,
                       auth="password", username=account.username,
                       ca_file=Path(account.ca_file) if account.ca_file else None,
                       pinned_fingerprint=None, allow_insecure_auth=False)
    if hasattr(config, "model_copy"):  # the pydantic Config (values already validated)
        return config.model_copy(update={"smtp": config.smtp.model_copy(update=changes)})
    return dataclasses.replace(config, smtp=dataclasses.replace(config.smtp, **changes))


# -- what runs once for several profiles ------------------------------------------------------

def account_key(profile: Profile) -> tuple[object, ...]:
    return ("own", *profile.account.key()) if profile.account else (COMPANY,)


def check_groups(profiles: Sequence[Profile]) -> list[list[Profile]]:
    """Profiles that share one test: same account and same sender (send-as rights are
    granted per sender), in the order of *profiles*; the first of a group is tested."""
    groups: dict[tuple[object, ...], list[Profile]] = {}
    for profile in profiles:
        key = (*account_key(profile), profile.from_address.lower())
        groups.setdefault(key, []).append(profile)
    return list(groups.values())


def sender_domain(address: str) -> str:
    return address.rpartition("@")[2].strip().rstrip(".").lower()


def sender_domains(profiles: Sequence[Profile]) -> dict[str, list[Profile]]:
    """The distinct sending domains (the deliverability checks run once for each)."""
    domains: dict[str, list[Profile]] = {}
    for profile in profiles:
        domains.setdefault(sender_domain(profile.from_address), []).append(profile)
    return domains


def senders(config: Config | ConfigView) -> dict[str, Profile]:
    """Each sender address (lowercase) and the profile that sends it (the first one that
    names it: the company's when it is the company's own)."""
    found: dict[str, Profile] = {}
    for profile in all_profiles(config):
        if profile.from_address:
            found.setdefault(profile.from_address.lower(), profile)
    return found


# -- changing the list (the CLI's ``profile`` command, and the TUI) ----------------------------

ACCOUNT_FIELDS = ("host", "port", "security", "username", "ca_file")
PROFILE_FIELDS = ("from_address", "store", "purpose", "display_name", "reply_to")


class ProfileError(ComelinError):
    """A change the profile list cannot take: ``key`` says why (``profile.exists``,
    ``profile.no_such``, ``profile.account_needs_host``, ``profile.company_not_here``)."""

    exit_code = 2


def _no_such(name: str, names: Iterable[str]) -> ProfileError:
    return ProfileError("profile.no_such", name=name, names=", ".join([COMPANY, *names]))


def set_profile(config: Config, name: str, fields: Mapping[str, object],
                account: Mapping[str, object] | None = None, *, adding: bool,
                company_account: bool = False) -> Config:
    """*config* with the profile *name* added (*adding*) or changed: *fields* (of
    :data:`PROFILE_FIELDS`) and *account* (of :data:`ACCOUNT_FIELDS`, merged into its own
    account; a new own account needs ``host``) replace what they name, the rest is kept;
    *company_account* drops its own account first. Pure: the caller saves (under
    ``update_config``, so that it applies to the file as it is now).

    Raises ProfileError, FieldError (the name) or ConfigError (a value the settings refuse,
    with its field: ``profiles.1.from_address``).
    """
    from .config import config_from_dict

    if name.strip().lower() == COMPANY:
        raise ProfileError("profile.company_not_here")
    name = validate_profile_name(name)
    data = config.model_dump()
    profiles: list[dict[str, Any]] = data["profiles"]
    index = next((i for i, p in enumerate(profiles) if p["name"] == name), None)
    if adding and index is not None:
        raise ProfileError("profile.exists", name=name)
    if not adding and index is None:
        raise _no_such(name, (p["name"] for p in profiles))
    profile: dict[str, Any] = {"name": name} if index is None else dict(profiles[index])
    profile.update(fields)
    own = None if company_account else profile.get("account")
    if account:
        if own is None and "host" not in account:
            raise ProfileError("profile.account_needs_host", fields=", ".join(
                key for key in ACCOUNT_FIELDS if key in account))
        own = {**(own or {}), **account}
    profile["account"] = own
    if index is None:
        profiles.append(profile)
    else:
        profiles[index] = profile
    return config_from_dict(data)


def remove_profile(config: Config, name: str) -> tuple[Config, Profile]:
    """*config* without the profile *name*, and that profile (its secret, when it has
    one, is the caller's to delete: :attr:`Profile.secret`). Raises ProfileError."""
    wanted = name.strip().lower()
    if wanted == COMPANY:
        raise ProfileError("profile.company_not_here")
    kept = [p for p in config.profiles if p.name != wanted]
    if len(kept) == len(config.profiles):
        raise _no_such(name, (p.name for p in config.profiles))
    removed = next(_profile(p) for p in config.profiles if p.name == wanted)
    return config.model_copy(update={"profiles": kept}), removed


def apply_to_profile(config: Config, name: str, changes: Mapping[str, object]) -> Config:
    """*config* with a fix the test of profile *name* found (dotted ``smtp.*`` changes, as
    :func:`comelin_tui.config.with_changes` takes them) made where that profile's run took
    the value from: its sender and reply-to are the profile's, the server and login its
    own account's when it has one, the rest (the company account, the timeout) the
    company's. Pure: the caller saves (under ``update_config``). Raises ProfileError,
    ConfigError."""
    from .config import with_changes

    try:
        profile = find_profile(config, name)
    except NoSuchProfile:  # removed meanwhile
        raise _no_such(name, (p.name for p in config.profiles)) from None
    if profile.is_company:
        return with_changes(config, changes)
    fields: dict[str, object] = {}
    account: dict[str, object] = {}
    company: dict[str, object] = {}
    for dotted, value in changes.items():
        key = dotted.removeprefix("smtp.")
        if key in ("from_address", "reply_to"):
            fields[key] = value
        elif profile.account is not None and key in ACCOUNT_FIELDS:
            account[key] = value
        else:
            company[dotted] = value
    if company:
        config = with_changes(config, company)
    if fields or account:
        config = set_profile(config, profile.name, fields, account or None, adding=False)
    return config


def remove_saved(config_path: Any, name: str, *,
                 default: Config | None = None) -> tuple[Config, Profile, ComelinError | None]:
    """Remove the profile *name* from the settings as they are on disk now, then the
    secret of its own account: the settings saved, the profile removed, and why its
    secret could not be erased (the profile is removed all the same), or None.
    Raises ProfileError (no such profile, the company's), ConfigError."""
    from .config import update_config
    from .secrets import SecretError, open_secret_store

    removed: list[Profile] = []

    def change(current: Config) -> Config:
        config, profile = remove_profile(current, name)
        removed[:] = [profile]
        return config

    config = update_config(config_path, change, default=default)
    profile = removed[0]
    error: ComelinError | None = None
    if profile.secret is not None:
        try:
            open_secret_store(config_path, config.secret_backend).delete(profile.secret)
        except SecretError as failure:
            error = failure
    return config, profile, error
