"""Where things live on disk (platformdirs; overridable for tests and --config)."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "comelin-tui"
CONFIG_ENV = "COMELIN_TUI_CONFIG"


def default_config_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "config.toml"


def config_path(override: str | os.PathLike[str] | None = None) -> Path:
    """``--config``, else ``$COMELIN_TUI_CONFIG``, else the platform's config folder."""
    if override:
        return Path(override).expanduser()
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env).expanduser()
    return default_config_path()


def state_dir() -> Path:
    """Folder for the attempt log."""
    import platformdirs

    return Path(platformdirs.user_state_dir(APP_NAME, appauthor=False))


def attempt_log_path() -> Path:
    return state_dir() / "attempts.jsonl"
