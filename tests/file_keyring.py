"""A keyring backend whose entries are files, shared by every process that uses it.

Like a real keyring, each entry is stored on its own and atomically, and nothing
ties two entries together: what keeps the chunks of one value consistent is the
store's lock, which is what test_locking.py checks across processes. Select it
with ``PYTHON_KEYRING_BACKEND=file_keyring.FileKeyring`` (this folder on the path)
and ``COMELIN_TEST_KEYRING_DIR`` naming the folder.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import keyring.backend
from keyring.errors import PasswordDeleteError


class FileKeyring(keyring.backend.KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def _entry(self, service: str, username: str) -> Path:
        name = hashlib.sha256(f"{service}\0{username}".encode()).hexdigest()
        return Path(os.environ["COMELIN_TEST_KEYRING_DIR"]) / name

    def get_password(self, service: str, username: str) -> str | None:
        try:
            return self._entry(service, username).read_text(encoding="utf-8")
        except FileNotFoundError:
            return None

    def set_password(self, service: str, username: str, password: str) -> None:
        entry = self._entry(service, username)
        temp = entry.with_name(f"{entry.name}.{os.getpid()}.tmp")
        temp.write_text(password, encoding="utf-8")
        os.replace(temp, entry)

    def delete_password(self, service: str, username: str) -> None:
        try:
            self._entry(service, username).unlink()
        except FileNotFoundError:
            raise PasswordDeleteError(username) from None
