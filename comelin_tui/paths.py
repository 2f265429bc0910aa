"""Where things live on disk (platformdirs; overridable for tests and --config)."""

from __future__ import annotations

import os
from pathlib import Path

from . import i18n
from .errors import ComelinError

APP_NAME = "comelin-tui"
CONFIG_ENV = "COMELIN_TUI_CONFIG"


i18n.register({
    "paths.bad_home": {
        "fr": "chemin invalide {path} : {reason}",
        "en": "invalid path {path}: {reason}",
    },
})


class PathError(ComelinError):
    """A path given by the user that cannot be used (e.g. ``~nosuchuser/...``)."""


def _expand(value: str | os.PathLike[str]) -> Path:
    try:
        return Path(value).expanduser()
    except RuntimeError as error:  # unknown user in ~user, or no home folder
        raise PathError("paths.bad_home", path=os.fspath(value), reason=error) from None


def default_config_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "config.toml"


def config_path(override: str | os.PathLike[str] | None = None) -> Path:
    """``--config``, else ``$COMELIN_TUI_CONFIG``, else the platform's config folder."""
    if override:
        return _expand(override)
    env = os.environ.get(CONFIG_ENV)
    if env:
        return _expand(env)
    return default_config_path()


def state_dir() -> Path:
    """Folder for the attempt log."""
    import platformdirs

    return Path(platformdirs.user_state_dir(APP_NAME, appauthor=False))


def attempt_log_path() -> Path:
    return state_dir() / "attempts.jsonl"
