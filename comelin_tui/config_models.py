"""The settings as pydantic models (all fields defaulted: a half-filled draft is valid)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from .config_store import CONFIG_VERSION, MIGRATIONS
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
from .diagnostics.model import AuthKind, Security
from .i18n import Lang
from .profiles import duplicate_name, validate_profile_name, validate_purpose

__all__ = [
    "CONFIG_VERSION", "MIGRATIONS", "AuthKind", "CompanySettings", "Config", "OAuthSettings",
    "ProfileAccountSettings", "ProfileSettings", "RelaySettings", "SecretBackend", "Security",
    "SmtpSettings",
]

SecretBackend = Literal["keyring", "file"]



def _lower(value: object) -> object:
    """Choice fields accept ``STARTTLS`` or `` starttls `` from a hand-edited file."""
    return value.strip().lower() if isinstance(value, str) else value


class _Section(BaseModel):
    # Unknown keys are refused: a typo like `prot = 587` must not vanish silently.
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class CompanySettings(_Section):
    """The store: its name and its main email address."""

    name: str = ""
    email: str = ""

    @field_validator("name", mode="before")
    @classmethod
    def _check_name(cls, value: object) -> str:
        return validate_text(value, field="company.name", max_length=200)

    @field_validator("email", mode="before")
    @classmethod
    def _check_email(cls, value: object) -> str:
        return validate_email(value, field="company.email", allow_empty=True)


class SmtpSettings(_Section):
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
    allow_insecure_auth: bool = Field(default=False, strict=True)

    @field_validator("host", mode="before")
    @classmethod
    def _check_host(cls, value: object) -> str:
        return validate_host(value, field="smtp.host", allow_empty=True)

    @field_validator("port", mode="before")
    @classmethod
    def _check_port(cls, value: object) -> int:
        return validate_port(value, field="smtp.port")

    @field_validator("security", "auth", mode="before")
    @classmethod
    def _check_choice(cls, value: object) -> object:
        return _lower(value)

    @field_validator("username", mode="before")
    @classmethod
    def _check_username(cls, value: object) -> str:
        return validate_text(value, field="smtp.username", max_length=320)

    @field_validator("from_address", mode="before")
    @classmethod
    def _check_from(cls, value: object) -> str:
        return validate_email(value, field="smtp.from_address", allow_empty=True)

    @field_validator("reply_to", mode="before")
    @classmethod
    def _check_reply_to(cls, value: object) -> str | None:
        if value is None:
            return None
        return validate_email(value, field="smtp.reply_to", allow_empty=True) or None

    @field_validator("timeout", mode="before")
    @classmethod
    def _check_timeout(cls, value: object) -> float:
        return validate_timeout(value, field="smtp.timeout")

    @field_validator("ca_file", mode="before")
    @classmethod
    def _check_ca_file(cls, value: object) -> Path | None:
        return None if value is None else validate_ca_file(value, field="smtp.ca_file")

    @field_validator("pinned_fingerprint", mode="before")
    @classmethod
    def _check_fingerprint(cls, value: object) -> str | None:
        if value is None:
            return None
        return validate_fingerprint(value, field="smtp.pinned_fingerprint")


class OAuthSettings(_Section):
    """OAuth2 sign-in (Microsoft 365, Google): application and account, never the token."""

    tenant: str = ""
    client_id: str = ""
    account: str = ""

    @field_validator("tenant", "client_id", mode="before")
    @classmethod
    def _check_text(cls, value: object, info: ValidationInfo) -> str:
        return validate_text(value, field=f"oauth.{info.field_name}", max_length=256)

    @field_validator("account", mode="before")
    @classmethod
    def _check_account(cls, value: object) -> str:
        return validate_email(value, field="oauth.account", allow_empty=True)


class RelaySettings(_Section):
    """The local relay Comelin sends through (``comelin-tui relay``); never its password.

    Limits left unset take the provider's (Microsoft 365: 3 connections, 30 a minute).
    """

    listen: str = "127.0.0.1:2525"
    username: str = ""  # the POS's login; empty: the company email
    max_recipients: int = Field(default=100, ge=1, le=10000)
    max_connections: int | None = Field(default=None, ge=1, le=100)
    messages_per_minute: int | None = Field(default=None, ge=1, le=100000)
    wait: float = Field(default=10.0, ge=0.0, le=300.0)
    idle_timeout: float = Field(default=30.0, ge=1.0, le=3600.0)
    starttls: bool = Field(default=False, strict=True)
    queue: bool = Field(default=False, strict=True)

    @field_validator("listen", mode="before")
    @classmethod
    def _check_listen(cls, value: object) -> str:
        from .config_validate import validate_listen

        return validate_listen(value, field="relay.listen")

    @field_validator("username", mode="before")
    @classmethod
    def _check_username(cls, value: object) -> str:
        return validate_text(value, field="relay.username", max_length=320)


class ProfileAccountSettings(_Section):
    """A profile's own account (when it is not the company mailbox); never its secret,
    kept under the profile's own key (``comelin-tui password --profile NAME``)."""

    host: str
    port: int = 587
    security: Security = "starttls"
    username: str = ""
    ca_file: Path | None = None

    @field_validator("host", mode="before")
    @classmethod
    def _check_host(cls, value: object) -> str:
        host = validate_host(value, field="profiles.account.host", allow_empty=True)
        if not host:
            raise FieldError("profile.account.no_host", field="profiles.account.host")
        return host

    @field_validator("port", mode="before")
    @classmethod
    def _check_port(cls, value: object) -> int:
        return validate_port(value, field="profiles.account.port")

    @field_validator("security", mode="before")
    @classmethod
    def _check_choice(cls, value: object) -> object:
        return _lower(value)

    @field_validator("username", mode="before")
    @classmethod
    def _check_username(cls, value: object) -> str:
        return validate_text(value, field="profiles.account.username", max_length=320)

    @field_validator("ca_file", mode="before")
    @classmethod
    def _check_ca_file(cls, value: object) -> Path | None:
        return None if value is None else validate_ca_file(value,
                                                           field="profiles.account.ca_file")


class ProfileSettings(_Section):
    """A sender profile (:mod:`comelin_tui.profiles`): a store, a purpose, a sender and,
    optionally, an account of its own."""

    name: str
    store: str = ""
    purpose: str = "invoices"
    from_address: str
    display_name: str = ""
    reply_to: str | None = None
    account: ProfileAccountSettings | None = None

    @field_validator("name", mode="before")
    @classmethod
    def _check_name(cls, value: object) -> str:
        return validate_profile_name(value)

    @field_validator("store", mode="before")
    @classmethod
    def _check_store(cls, value: object) -> str:
        return validate_text(value, field="profiles.store", max_length=200)

    @field_validator("purpose", mode="before")
    @classmethod
    def _check_purpose(cls, value: object) -> str:
        return validate_purpose(value)

    @field_validator("from_address", mode="before")
    @classmethod
    def _check_from(cls, value: object) -> str:
        return validate_email(value, field="profiles.from_address")

    @field_validator("display_name", mode="before")
    @classmethod
    def _check_display_name(cls, value: object) -> str:
        return validate_text(value, field="profiles.display_name", max_length=200)

    @field_validator("reply_to", mode="before")
    @classmethod
    def _check_reply_to(cls, value: object) -> str | None:
        if value is None:
            return None
        return validate_email(value, field="profiles.reply_to", allow_empty=True) or None


class Config(_Section):
    """All the settings; the single source of truth the screens edit a copy of."""

    version: int = CONFIG_VERSION
    language: Lang | None = None
    provider: str = "custom"
    company: CompanySettings = Field(default_factory=CompanySettings)
    smtp: SmtpSettings = Field(default_factory=SmtpSettings)
    oauth: OAuthSettings = Field(default_factory=OAuthSettings)
    relay: RelaySettings = Field(default_factory=RelaySettings)
    secret_backend: SecretBackend | None = None
    dns_server: str | None = None
    profiles: list[ProfileSettings] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_profiles(self) -> Config:
        twice = duplicate_name(profile.name for profile in self.profiles)
        if twice is not None:
            raise FieldError("profile.name.duplicate", field="profiles", name=twice)
        return self

    @field_validator("version", mode="before")
    @classmethod
    def _check_version(cls, value: object) -> int:
        # Older versions are migrated before validation, newer ones refused.
        if isinstance(value, bool) or value != CONFIG_VERSION:
            raise FieldError("config.version.mismatch", field="version", known=CONFIG_VERSION)
        return CONFIG_VERSION

    @field_validator("language", "secret_backend", mode="before")
    @classmethod
    def _check_choice(cls, value: object) -> object:
        return _lower(value)

    @field_validator("provider", mode="before")
    @classmethod
    def _check_provider(cls, value: object) -> str:
        return validate_provider_id(value)

    @field_validator("dns_server", mode="before")
    @classmethod
    def _check_dns(cls, value: object) -> str | None:
        return None if value is None else validate_dns_server(value)
