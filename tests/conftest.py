"""Test isolation: no test sees the developer's own config, keyring, state or locale."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backend
import pytest
from keyring.backends import fail

from comelin_tui import i18n


class InMemoryKeyring(keyring.backend.KeyringBackend):
    """A real keyring backend that keeps passwords in a dict."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        from keyring.errors import PasswordDeleteError

        try:
            del self.store[(service, username)]
        except KeyError:
            raise PasswordDeleteError(username) from None


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """``-n auto``: a worker per core, at most four. Most of the suite waits on servers and
    terminals rather than computing, yet more workers than cores starve the timed waits."""
    import os

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(4, cores or 1))


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Private XDG folders, no password in the environment, no OS keyring, English."""
    home = tmp_path / "home"
    for sub in ("config", "state", "data", "cache"):
        (home / sub).mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.delenv("COMELIN_TUI_CONFIG", raising=False)
    monkeypatch.delenv("COMELIN_SMTP_PASSWORD", raising=False)
    monkeypatch.delenv("COMELIN_TUI_LANG", raising=False)
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.setenv("LANG", "en_CA.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    # A "no such name" makes the program ask names that certainly exist (gmail.com...)
    # of the same resolver; the OS resolver here is the machine's, which no test may ask
    # a real name. localhost is answered from /etc/hosts. The DNS sanity tests choose
    # their own names, asked of their loopback DNS server.
    monkeypatch.setenv("COMELIN_DNS_SANITY_NAMES", "localhost")
    # Discovery asks Thunderbird's provider database for domains the catalogue lacks: here
    # a loopback port where nothing listens, so the ask is refused at once.
    monkeypatch.setenv("COMELIN_ISPDB_URL", "https://127.0.0.1:1/v1.1/")
    # Subprocesses (the CLI run for real) get the headless-box keyring too.
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    previous_keyring = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    i18n.set_language("en")
    yield home
    keyring.set_keyring(previous_keyring)
    i18n._current = None


@pytest.fixture
def memory_keyring() -> InMemoryKeyring:
    """A working OS keyring (in memory) for tests of the keyring path."""
    backend = InMemoryKeyring()
    keyring.set_keyring(backend)
    return backend
