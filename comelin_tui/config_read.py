"""The settings read without pydantic: the same checks, values and errors, at a fraction of the cost.

``comelin-tui check`` and the dashboard only read the settings; importing
pydantic and building the models costs more than the rest of a check's
start-up. :func:`read_config` parses the file and runs every field through the
very validators the models run (:mod:`comelin_tui.config_validate`), in the
same order and with the same coercions, and returns a :class:`ConfigView`:
frozen plain objects with the fields of :class:`~comelin_tui.config.Config`.

Anything that is not the well-formed common case (an unknown key, a value of
the wrong type, a value a validator refuses, a choice out of its list) is
handed to the pydantic models instead, so a file that does not load gives
exactly the :class:`ConfigError` :func:`~comelin_tui.config.load_config`
gives: every problem, its line, its words. The fast path accepts only what the
models accept, with the same values (``tests/test_config_read.py`` compares
both on generated data). :meth:`ConfigView.to_config` gives the pydantic model
when the settings are to be edited.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .config_store import (
    CONFIG_VERSION,
    ConfigError,
    ConfigNotFound,
    ConfigTooNew,
    Problem,
    parse_toml,
    read_bytes,
    upgrade,
)
from .config_validate import (
    FieldError,
    validate_ca_file,
    validate_dns_server,
    validate_email,
    validate_fingerprint,
    validate_host,
    validate_port,
    validate_provider_id,
    validate_text,
    validate_timeout,
)

if TYPE_CHECKING:
    from .config_models import Config, SecretBackend
    from .diagnostics.model import AuthKind, Security
    from .i18n import Lang

__all__ = ["CompanyView", "ConfigError", "ConfigNotFound", "ConfigTooNew", "ConfigView",
           "OAuthView", "ProfileAccountView", "ProfileView", "SmtpView", "read_config",
           "view_from_dict", "with_changes"]

_SECURITY = ("starttls", "implicit_tls", "none")
_AUTH = ("password", "oauth2", "none")
_LANGUAGES = ("fr", "en")
_BACKENDS = ("keyring", "file")


class _Refused(Exception):
    """The fast path cannot take this data: the pydantic models decide (and explain)."""


@dataclass(frozen=True)
class CompanyView:
    """The store: its name and its main email address."""

    name: str = ""
    email: str = ""


@dataclass(frozen=True)
class SmtpView:
    """The outgoing server and how to sign in to it (never the password)."""

    host: str = ""
    port: int = 587
    security: Security = "starttls"
    auth: AuthKind = "password"
    username: str = ""
    from_address: str = ""
    reply_to: str | None = None
    timeout: float = 15.0
    ca_file: Path | None = None
    pinned_fingerprint: str | None = None
    allow_insecure_auth: bool = False


@dataclass(frozen=True)
class OAuthView:
    """OAuth2 sign-in: application and account, never the token."""

    tenant: str = ""
    client_id: str = ""
    account: str = ""


@dataclass(frozen=True)
class RelayView:
    """The local relay Comelin sends through; never its password."""

    listen: str = "127.0.0.1:2525"
    username: str = ""
    max_recipients: int = 100
    max_connections: int | None = None
    messages_per_minute: int | None = None
    wait: float = 10.0
    idle_timeout: float = 30.0
    starttls: bool = False
    queue: bool = False


@dataclass(frozen=True)
class ProfileAccountView:
    """A profile's own account (:mod:`comelin_tui.profiles`); never its secret."""

    host: str = ""
    port: int = 587
    security: Security = "starttls"
    username: str = ""
    ca_file: Path | None = None


@dataclass(frozen=True)
class ProfileView:
    """A sender profile: a store, a purpose, a sender, optionally an account of its own."""

    name: str = ""
    store: str = ""
    purpose: str = "invoices"
    from_address: str = ""
    display_name: str = ""
    reply_to: str | None = None
    account: ProfileAccountView | None = None


@dataclass(frozen=True)
class ConfigView:
    """Validated settings, read-only, with the fields of the pydantic ``Config``."""

    version: int = CONFIG_VERSION
    language: Lang | None = None
    provider: str = "custom"
    company: CompanyView = field(default_factory=CompanyView)
    smtp: SmtpView = field(default_factory=SmtpView)
    oauth: OAuthView = field(default_factory=OAuthView)
    relay: RelayView = field(default_factory=RelayView)
    secret_backend: SecretBackend | None = None
    dns_server: str | None = None
    profiles: list[ProfileView] = field(default_factory=list)  # as the model's list

    def model_dump(self) -> dict[str, Any]:
        """The fields as plain data, like ``Config.model_dump()``."""
        data: dict[str, Any] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if isinstance(value, CompanyView | SmtpView | OAuthView | RelayView):
                value = _plain(value)
            elif item.name == "profiles":
                value = [_plain(profile) for profile in value]
            data[item.name] = value
        return data

    def to_config(self) -> Config:
        """The pydantic model of these settings, for editing."""
        from .config import config_from_dict

        return config_from_dict(self.model_dump())


def _plain(view: Any) -> dict[str, Any]:
    data = {part.name: getattr(view, part.name) for part in fields(view)}
    if isinstance(view, ProfileView):
        data["account"] = None if view.account is None else _plain(view.account)
    return data


# --- the fast path: the models' validators, called the way pydantic calls them --------


def _lower(value: object) -> object:
    return value.strip().lower() if isinstance(value, str) else value


def _choice(value: object, choices: tuple[str, ...], *, optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    value = _lower(value)
    if not isinstance(value, str) or value not in choices:
        raise _Refused
    return value


def _section(data: Mapping[str, Any], name: str,
             checks: Mapping[str, Callable[[object], object]],
             view: type[Any]) -> Any:
    raw = data.get(name)
    if raw is None and name not in data:
        return view()
    if not isinstance(raw, dict) or not set(raw) <= set(checks):
        raise _Refused
    return view(**{key: checks[key](value) for key, value in raw.items()})


def _optional(check: Callable[[object], object]) -> Callable[[object], object]:
    return lambda value: None if value is None else check(value)


def _strict_bool(value: object) -> bool:
    if type(value) is not bool:
        raise _Refused
    return value


_COMPANY: dict[str, Callable[[object], object]] = {
    "name": lambda v: validate_text(v, field="company.name", max_length=200),
    "email": lambda v: validate_email(v, field="company.email", allow_empty=True),
}
_SMTP: dict[str, Callable[[object], object]] = {
    "host": lambda v: validate_host(v, field="smtp.host", allow_empty=True),
    "port": lambda v: validate_port(v, field="smtp.port"),
    "security": lambda v: _choice(v, _SECURITY),
    "auth": lambda v: _choice(v, _AUTH),
    "username": lambda v: validate_text(v, field="smtp.username", max_length=320),
    "from_address": lambda v: validate_email(v, field="smtp.from_address", allow_empty=True),
    "reply_to": _optional(
        lambda v: validate_email(v, field="smtp.reply_to", allow_empty=True) or None),
    "timeout": lambda v: validate_timeout(v, field="smtp.timeout"),
    "ca_file": _optional(lambda v: validate_ca_file(v, field="smtp.ca_file")),
    "pinned_fingerprint": _optional(
        lambda v: validate_fingerprint(v, field="smtp.pinned_fingerprint")),
    "allow_insecure_auth": _strict_bool,
}
_OAUTH: dict[str, Callable[[object], object]] = {
    "tenant": lambda v: validate_text(v, field="oauth.tenant", max_length=256),
    "client_id": lambda v: validate_text(v, field="oauth.client_id", max_length=256),
    "account": lambda v: validate_email(v, field="oauth.account", allow_empty=True),
}
def _number(low: float, high: float, *, whole: bool) -> Callable[[object], object]:
    """A number within the model's bounds; anything else goes to the models to explain."""
    def check(value: object) -> object:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _Refused
        if whole and not isinstance(value, int):
            raise _Refused
        if not low <= value <= high:
            raise _Refused
        return value if whole else float(value)
    return check


def _listen(value: object) -> str:
    from .config_validate import validate_listen

    return validate_listen(value, field="relay.listen")


_RELAY: dict[str, Callable[[object], object]] = {
    "listen": _listen,
    "username": lambda v: validate_text(v, field="relay.username", max_length=320),
    "max_recipients": _number(1, 10000, whole=True),
    "max_connections": _optional(_number(1, 100, whole=True)),
    "messages_per_minute": _optional(_number(1, 100000, whole=True)),
    "wait": _number(0.0, 300.0, whole=False),
    "idle_timeout": _number(1.0, 3600.0, whole=False),
    "starttls": _strict_bool,
    "queue": _strict_bool,
}
def _profile_host(value: object) -> str:
    host = validate_host(value, field="profiles.account.host", allow_empty=True)
    if not host:
        raise _Refused
    return host


_ACCOUNT: dict[str, Callable[[object], object]] = {
    "host": _profile_host,
    "port": lambda v: validate_port(v, field="profiles.account.port"),
    "security": lambda v: _choice(v, _SECURITY),
    "username": lambda v: validate_text(v, field="profiles.account.username", max_length=320),
    "ca_file": _optional(lambda v: validate_ca_file(v, field="profiles.account.ca_file")),
}


def _profiles(raw: object) -> list[ProfileView]:
    from .profiles import duplicate_name, validate_profile_name, validate_purpose

    if not isinstance(raw, list):
        raise _Refused
    views = []
    for item in raw:
        if not isinstance(item, dict) or not {"name", "from_address"} <= set(item) \
                or not set(item) <= _PROFILE_KEYS:
            raise _Refused
        values: dict[str, Any] = {
            "name": validate_profile_name(item["name"]),
            "from_address": validate_email(item["from_address"],
                                           field="profiles.from_address"),
        }
        if "store" in item:
            values["store"] = validate_text(item["store"], field="profiles.store",
                                            max_length=200)
        if "purpose" in item:
            values["purpose"] = validate_purpose(item["purpose"])
        if "display_name" in item:
            values["display_name"] = validate_text(item["display_name"],
                                                   field="profiles.display_name", max_length=200)
        if item.get("reply_to") is not None:
            values["reply_to"] = validate_email(item["reply_to"], field="profiles.reply_to",
                                                allow_empty=True) or None
        if item.get("account") is not None:
            if not isinstance(item["account"], dict) or "host" not in item["account"]:
                raise _Refused
            values["account"] = _section(item, "account", _ACCOUNT, ProfileAccountView)
        views.append(ProfileView(**values))
    if duplicate_name(view.name for view in views) is not None:
        raise _Refused
    return views


_PROFILE_KEYS = frozenset(item.name for item in fields(ProfileView))
_TOP = frozenset(item.name for item in fields(ConfigView))


def _version(value: object) -> int:
    if isinstance(value, bool) or value != CONFIG_VERSION:
        raise _Refused
    return CONFIG_VERSION


def _fast(data: Mapping[str, Any]) -> ConfigView:
    """The view of already upgraded data; _Refused (or a FieldError) when not plainly valid."""
    if not set(data) <= _TOP:
        raise _Refused
    values: dict[str, Any] = {}
    if "version" in data:
        values["version"] = _version(data["version"])
    if "language" in data:
        values["language"] = _choice(data["language"], _LANGUAGES, optional=True)
    if "provider" in data:
        values["provider"] = validate_provider_id(data["provider"])
    values["company"] = _section(data, "company", _COMPANY, CompanyView)
    values["smtp"] = _section(data, "smtp", _SMTP, SmtpView)
    values["oauth"] = _section(data, "oauth", _OAUTH, OAuthView)
    values["relay"] = _section(data, "relay", _RELAY, RelayView)
    if "secret_backend" in data:
        values["secret_backend"] = _choice(data["secret_backend"], _BACKENDS, optional=True)
    if "dns_server" in data:
        value = data["dns_server"]
        values["dns_server"] = None if value is None else validate_dns_server(value)
    if "profiles" in data:
        values["profiles"] = _profiles(data["profiles"])
    return ConfigView(**values)


def view_of(config: Config) -> ConfigView:
    """The read-only view of a pydantic ``Config``."""
    return ConfigView(
        version=config.version, language=config.language, provider=config.provider,
        company=CompanyView(**config.company.model_dump()),
        smtp=SmtpView(**config.smtp.model_dump()),
        oauth=OAuthView(**config.oauth.model_dump()),
        relay=RelayView(**config.relay.model_dump()),
        secret_backend=config.secret_backend, dns_server=config.dns_server,
        profiles=[_profile_view(profile.model_dump()) for profile in config.profiles])


def _profile_view(data: dict[str, Any]) -> ProfileView:
    account = data.pop("account", None)
    return ProfileView(**data, account=None if account is None else ProfileAccountView(**account))


def _view(data: Mapping[str, Any], *, path: Path | None, text: str | None,
          key: str) -> ConfigView:
    upgraded = upgrade(data, path=path, text=text, key=key)
    try:
        return _fast(upgraded)
    except (_Refused, FieldError):
        pass
    # Not the plain case: the models decide, and name every problem with its line.
    from .config import _validate

    return view_of(_validate(data, path=path, text=text, key=key))


def view_from_dict(data: Mapping[str, Any]) -> ConfigView:
    """Like ``config_from_dict``: a ConfigView from plain data, ConfigError if invalid."""
    return _view(data, path=None, text=None, key="config.error.values")


def with_changes(config: ConfigView, changes: Mapping[str, object]) -> ConfigView:
    """Like ``config.with_changes``: a validated copy with dotted fields changed."""
    data = config.model_dump()
    for dotted, value in changes.items():
        parts = dotted.split(".")
        target: Any = data
        for part in parts[:-1]:
            target = target.get(part) if isinstance(target, dict) else None
        if not isinstance(target, dict):
            raise ConfigError("config.error.values", problems=[
                Problem(FieldError("config.field.no_such"), field=dotted)])
        target[parts[-1]] = value
    return view_from_dict(data)


def read_config(path: Path) -> ConfigView:
    """Read the settings file, like ``load_config`` (same errors), without pydantic."""
    path = Path(path)
    parsed, text = parse_toml(read_bytes(path), path)
    return _view(parsed, path=path, text=text, key="config.error.invalid")
