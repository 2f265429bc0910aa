"""Settings: pydantic models, validation in French and English, TOML load and save.

Every model field has a default, so a half-filled draft (what the wizard edits)
is a valid object; :func:`missing_fields` says what is still needed before a
test send, :func:`config_warnings` what looks wrong without being invalid.

Users never see a pydantic ``ValidationError``: :func:`load_config`,
:func:`config_from_dict` and :func:`with_changes` turn it into a
:class:`ConfigError` naming the dotted field (and the line, for a file) and the
reason in the user's language. Assigning an invalid value to a model field
directly raises pydantic's error; screens validate input with the standalone
validators (:func:`validate_email`, :func:`validate_host`, :func:`validate_port`)
or apply edits with :func:`with_changes`.

On-disk format and durability: see :func:`save_config`.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

import tomli_w
from pydantic import BaseModel, ValidationError

from .config_checks import ConfigWarning, config_warnings, field_label, missing_fields
from .config_models import (
    CONFIG_VERSION,
    MIGRATIONS,
    AuthKind,
    CompanySettings,
    Config,
    OAuthSettings,
    SecretBackend,
    Security,
    SmtpSettings,
)
from .config_store import (
    ConfigError,
    ConfigNotFound,
    ConfigTooNew,
    Problem,
    atomic_write,
    backup_path,
    ensure_folder,
    keep_copy,
    key_lines,
    line_of,
    migrate,
    parse_toml,
    read_bytes,
    remove_stale_temps,
    upgrade,
)
from .config_validate import (
    FieldError,
    email_to_ascii,
    host_to_ascii,
    parse_dns_server,
    validate_dns_server,
    validate_email,
    validate_fingerprint,
    validate_host,
    validate_port,
    validate_timeout,
)
from .errors import ComelinError
from .filelock import exclusive_lock
from .i18n import register

__all__ = [
    "CONFIG_VERSION", "MIGRATIONS", "AuthKind", "CompanySettings", "Config", "ConfigError",
    "ConfigNotFound", "ConfigTooNew", "ConfigWarning", "FieldError", "OAuthSettings",
    "SecretBackend", "Security", "SmtpSettings", "backup_path", "config_from_dict",
    "config_warnings", "email_to_ascii", "field_label", "host_to_ascii", "load_config",
    "migrate", "missing_fields", "parse_dns_server", "save_config", "to_toml", "update_config",
    "validate_dns_server", "validate_email", "validate_fingerprint", "validate_host",
    "validate_port", "validate_timeout", "with_changes",
]

register({
    "config.error.values": {
        "fr": "Réglages non valides : {problems}",
        "en": "Invalid settings: {problems}",
    },
})

_FILE_HEADER = (
    "# Réglages de comelin-tui : le mot de passe n'est pas dans ce fichier.\n"
    "# comelin-tui réécrit ce fichier à chaque enregistrement : les commentaires ajoutés\n"
    "# à la main ne sont pas gardés (la version précédente reste dans config.toml.bak).\n"
    "# comelin-tui settings: the password is not in this file.\n"
    "# comelin-tui rewrites this file on every save: comments added by hand are not\n"
    "# kept (the previous version stays in config.toml.bak).\n\n"
)


# --- validation errors a person can read ---------------------------------------

_TYPE_KEYS = {
    "int_type": "config.field.integer",
    "int_parsing": "config.field.integer",
    "int_from_float": "config.field.integer",
    "float_type": "config.field.number",
    "float_parsing": "config.field.number",
    "finite_number": "config.field.number",
    "bool_type": "config.field.boolean",
    "bool_parsing": "config.field.boolean",
    "string_type": "config.field.text",
    "path_type": "config.field.text",
    "model_type": "config.field.table",
    "model_attributes_type": "config.field.table",
    "dict_type": "config.field.table",
    "missing": "config.field.required",
    "list_type": "config.field.list",
}


def _model_at(loc: tuple[object, ...]) -> type[BaseModel] | None:
    model: type[BaseModel] = Config
    for part in loc:
        if isinstance(part, int):  # an item of a list of sections ([[profiles]])
            continue
        info = model.model_fields.get(str(part))
        annotation = info.annotation if info else None
        # list[Section] and Section | None: the section itself
        for candidate in (annotation, *get_args(annotation)):
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                annotation = candidate
                break
            if get_origin(candidate) is list:
                inner = get_args(candidate)
                if inner and isinstance(inner[0], type) and issubclass(inner[0], BaseModel):
                    annotation = inner[0]
                    break
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return None
        model = annotation
    return model


def _choices(loc: tuple[object, ...]) -> list[str]:
    model = _model_at(loc[:-1])
    info = model.model_fields.get(str(loc[-1])) if model and loc else None
    annotation: Any = info.annotation if info else None
    for candidate in (annotation, *get_args(annotation)):
        if get_origin(candidate) is Literal:
            return [str(choice) for choice in get_args(candidate)]
    return []


def _fault(item: Mapping[str, Any], loc: tuple[object, ...]) -> ComelinError:
    """A translatable error for one pydantic error item."""
    cause = (item.get("ctx") or {}).get("error")
    if isinstance(cause, ComelinError):
        return cause
    kind = item.get("type", "")
    if kind == "extra_forbidden" and loc:
        parent = _model_at(loc[:-1])
        allowed = list(parent.model_fields) if parent else []
        close = difflib.get_close_matches(str(loc[-1]).lower(), allowed, n=1, cutoff=0.6)
        if close:
            return FieldError("config.field.unknown_suggest", suggestion=close[0])
        return FieldError("config.field.unknown", allowed=", ".join(allowed))
    if kind == "literal_error":
        return FieldError("config.field.choice", choices=", ".join(_choices(loc)))
    if kind in _TYPE_KEYS:
        return FieldError(_TYPE_KEYS[kind])
    return FieldError("config.field.invalid", detail=str(item.get("msg", kind))[:120])


def _problems(error: ValidationError, lines: Mapping[tuple[str, ...], int]) -> list[Problem]:
    problems = []
    for item in error.errors(include_url=False):
        loc = tuple(item.get("loc", ()))
        problems.append(Problem(_fault(item, loc), field=".".join(map(str, loc)) or None,
                                line=line_of(dict(lines), loc)))
    # In file order, so the first problem (ConfigError.line) is the first line to fix.
    return sorted(problems, key=lambda p: p.line if p.line is not None else 1 << 30)


def _validate(data: Mapping[str, Any], *, path: Path | None, text: str | None,
              key: str) -> Config:
    data = upgrade(data, path=path, text=text, key=key)
    try:
        return Config.model_validate(data)
    except ValidationError as error:
        lines = key_lines(text) if text is not None else {}
        raise ConfigError(key, path=path, problems=_problems(error, lines)) from None


def config_from_dict(data: Mapping[str, Any]) -> Config:
    """A Config from plain data (migrated if older); ConfigError with translated reasons."""
    return _validate(data, path=None, text=None, key="config.error.values")


def with_changes(config: Config, changes: Mapping[str, object]) -> Config:
    """A validated copy of *config* with dotted fields changed (``{"smtp.port": 465}``)."""
    data: dict[str, Any] = config.model_dump()
    for dotted, value in changes.items():
        parts = dotted.split(".")
        target: Any = data
        for part in parts[:-1]:
            target = target.get(part) if isinstance(target, dict) else None
        if not isinstance(target, dict):
            raise ConfigError("config.error.values", problems=[
                Problem(FieldError("config.field.no_such"), field=dotted)])
        target[parts[-1]] = value
    return config_from_dict(data)


# --- the file ------------------------------------------------------------------


def _config_from_bytes(data: bytes, path: Path) -> Config:
    parsed, text = parse_toml(data, path)
    return _validate(parsed, path=path, text=text, key="config.error.invalid")


def load_config(path: Path) -> Config:
    """Read the settings file.

    Raises ConfigNotFound if it does not exist, ConfigTooNew if a newer
    comelin-tui wrote it, ConfigError (naming the file, the line and the
    problem) if it is unreadable, malformed or invalid.
    """
    path = Path(path)
    return _config_from_bytes(read_bytes(path), path)


def to_toml(config: Config) -> str:
    """The file content for *config* (None values omitted)."""
    data = config.model_dump(mode="json", exclude_none=True)
    data["version"] = CONFIG_VERSION
    if not data.get("profiles"):
        data.pop("profiles", None)  # no [[profiles]]: the company settings alone
    return _FILE_HEADER + tomli_w.dumps(data)


def save_config(config: Config, path: Path) -> bool:
    """Write the settings file atomically, keeping the previous version as ``<name>.bak``.

    A whole write: what another program saved meanwhile is replaced (the last
    writer wins, never a mix). To change a part of the settings, use
    :func:`update_config`, which applies the change to what is on disk now.

    - The folder is created (0700) if missing.
    - Under the settings lock (``<name>.lock``, see :mod:`comelin_tui.filelock`),
      held only for the read of the previous version and the write.
    - Temp file in the same folder, fsync, rename, fsync of the folder: a crash
      or power cut leaves the old file or the new one, never a mix.
    - Mode 0600. On Windows file modes do not apply; the file is in the user's
      profile, protected by its ACL.
    - The previous file is copied (atomically too) to ``<name>.bak`` before the
      rename. If it does not load (hand-broken, invalid), it is kept instead as
      ``<name>.corrupt-<timestamp>`` (``.newer-`` if a newer comelin-tui wrote it)
      and the last good ``.bak`` stays untouched.
    - Saving identical content changes nothing, so ``.bak`` keeps the real
      previous version: False is returned then, True when the file was written.
    """
    path = _write_target(Path(path))
    new = _checked_bytes(config)
    with _settings_lock(path):
        return _replace(path, new)


def update_config(path: Path, change: Callable[[Config], Config], *,
                  default: Config | None = None) -> Config:
    """Apply *change* to the settings as they are on disk now, save, and return the result
    (see :func:`update_config_written`)."""
    return update_config_written(path, change, default=default)[0]


def update_config_written(path: Path, change: Callable[[Config], Config], *,
                          default: Config | None = None) -> tuple[Config, bool]:
    """Apply *change* to the settings as they are on disk now, save, and return the result
    and whether the file was written (False: it held the result already).

    The file is read again under the settings lock and *change* gets what it holds,
    so a change made meanwhile by another program (or another part of this one) is
    kept: only what *change* changes is replaced. *change* runs under the lock: it
    must be quick (no network, no question to the user). With no settings file,
    *change* gets *default*, or ConfigNotFound is raised when there is none. A file
    that does not load (ConfigError, ConfigTooNew) is left as it is: the change
    cannot be applied to it.
    """
    path = _write_target(Path(path))
    with _settings_lock(path):
        try:
            current = _config_from_bytes(read_bytes(path), path)
        except ConfigNotFound:
            if default is None:
                raise
            current = default
        config = change(current)
        written = _replace(path, _checked_bytes(config))
    return config, written


def _write_target(path: Path) -> Path:
    """The file a save writes: a symlink's target (the link itself is kept), written
    deliberately: never into a file or folder another user owns or others may change
    (a link planted towards a file of theirs, or of the system's, is refused)."""
    from .safefs import UnsafeFileError, check_private_file

    target = path
    if path.is_symlink():
        try:
            target = path.resolve()
        except (OSError, RuntimeError) as error:  # a loop: RuntimeError before Python 3.13
            raise ConfigError("config.error.write", path=path,
                              reason=getattr(error, "strerror", None) or str(error)) from None
    try:
        if target != path:
            check_private_file(path)
        check_private_file(target)
    except UnsafeFileError as error:
        raise ConfigError("config.error.write", path=path, reason=error.message()) from None
    return target


def _checked_bytes(config: Config) -> bytes:
    text = to_toml(config)
    # What is written must load back: never leave a file comelin-tui would refuse.
    _validate(tomllib.loads(text), path=None, text=text, key="config.error.not_saved")
    return text.encode("utf-8")


@contextmanager
def _settings_lock(path: Path) -> Iterator[None]:
    try:
        ensure_folder(path.parent)  # the lock file goes beside the settings
    except OSError as error:
        raise ConfigError("config.error.write", path=path,
                          reason=error.strerror or str(error)) from None
    with exclusive_lock(path, error=ConfigError):
        yield


def _replace(path: Path, new: bytes) -> bool:
    """Write *new* to *path* (the caller holds the lock), keeping the previous version;
    False when the file holds *new* already (nothing written)."""
    try:
        remove_stale_temps(path)
        try:
            old: bytes | None = path.read_bytes()
        except FileNotFoundError:
            old = None
        if old == new:
            if os.name == "posix" and path.stat().st_mode & 0o777 != 0o600:
                path.chmod(0o600)
            return False
        if old is not None:
            try:
                _config_from_bytes(old, path)
            except ConfigTooNew:
                keep_copy(path, old, "newer")
            except ConfigError:
                keep_copy(path, old, "corrupt")
            else:
                atomic_write(backup_path(path), old)
        atomic_write(path, new)
    except OSError as error:
        raise ConfigError("config.error.write", path=path,
                          reason=error.strerror or str(error)) from None
    return True
