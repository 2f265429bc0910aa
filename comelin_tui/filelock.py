"""An exclusive lock between processes, on a lock file beside the file it protects.

Every read-modify-write of the settings and of the secret store holds it, so a
program that read a file never writes back over a change another one made in
the meantime (a relay renewing its sign-in while ``comelin-tui password``
saves). It is held only while the file is read, changed and written, never
across network work, so waiting for it is short; a wait that lasts longer than
:data:`LOCK_TIMEOUT` ends in a clear error, never a hang.

- POSIX: ``fcntl.flock`` on ``<file>.lock``.
- Windows: ``msvcrt.locking`` on the first byte of the same file. The test suite
  runs on Linux only: this branch is kept to the few documented calls it needs.

The kernel drops the lock when its holder ends, even when it is killed: a crash
never leaves a stale lock. The lock file itself stays (empty, 0600): removing it
would let one process lock the old file while another creates and locks a new one.
Two threads of one process exclude each other too (each opens the file itself).
"""

from __future__ import annotations

import errno
import os
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import ComelinError
from .i18n import register

if sys.platform == "win32":
    import msvcrt
else:
    import fcntl

# Seconds to wait for another writer: a save takes milliseconds, a keyring write a
# few seconds at worst (read at each call, so tests can shorten it).
LOCK_TIMEOUT = 10.0
_FIRST_POLL = 0.002
_MAX_POLL = 0.05

register({
    "lock.timeout": {
        "fr": "Un autre programme comelin-tui modifie {path} depuis plus de {seconds} secondes "
              "(verrou {lock}) ; rien n'a été modifié. Attendez qu'il ait terminé, puis "
              "réessayez. Si aucun autre comelin-tui ne semble au travail, l'un d'eux est "
              "peut-être bloqué avec le verrou : arrêtez-le.",
        "en": "Another comelin-tui program has been changing {path} for more than {seconds} "
              "seconds (lock {lock}); nothing was changed. Wait for it to finish, then try "
              "again. If no other comelin-tui seems to be at work, one may be stuck holding "
              "the lock: stop it.",
    },
    "lock.failed": {
        "fr": "Impossible de verrouiller {path} avant de le modifier (verrou {lock}) : {detail}.",
        "en": "Cannot lock {path} before changing it (lock {lock}): {detail}.",
    },
})


class LockError(ComelinError):
    """The lock could not be had: another writer kept it too long, or no lock file."""


def lock_path(path: Path) -> Path:
    """The lock file of *path*: ``config.toml`` -> ``config.toml.lock``."""
    path = Path(path)
    return path.with_name(path.name + ".lock")


_held = threading.local()


@contextmanager
def exclusive_lock(path: Path, *, timeout: float | None = None,
                   error: type[ComelinError] = LockError) -> Iterator[None]:
    """Hold the exclusive lock of *path* (the protected file) inside the ``with`` block.

    The folder of *path* must exist. Waits at most *timeout* seconds (default
    :data:`LOCK_TIMEOUT`), then raises *error* (``lock.timeout``); a lock file that
    cannot be opened raises *error* (``lock.failed``). *error* lets each store raise
    its own kind (ConfigError, SecretError), so its callers need no new case.
    """
    path = Path(path)
    lock = lock_path(path)
    key = os.path.abspath(lock)
    held: set[str] = getattr(_held, "paths", set())
    _held.paths = held
    if key in held:  # the same thread again would wait for itself until the timeout
        raise RuntimeError(f"lock already held by this thread: {lock}")
    wait = LOCK_TIMEOUT if timeout is None else timeout
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(lock, flags, 0o600)
    except OSError as failure:
        raise error("lock.failed", path=path, lock=lock,
                    detail=failure.strerror or failure) from None
    try:
        if sys.platform != "win32":
            info = os.fstat(fd)
            if info.st_uid == os.geteuid() and info.st_mode & 0o777 != 0o600:
                os.fchmod(fd, 0o600)  # exactly 0600 whatever the umask
        _acquire(fd, wait)
    except _Busy:
        os.close(fd)
        raise error("lock.timeout", path=path, lock=lock, seconds=f"{wait:g}") from None
    except OSError as failure:  # e.g. a file system without locks
        os.close(fd)
        raise error("lock.failed", path=path, lock=lock,
                    detail=failure.strerror or failure) from None
    except BaseException:
        os.close(fd)
        raise
    held.add(key)
    try:
        yield
    finally:
        held.discard(key)
        try:
            _unlock(fd)
        finally:
            os.close(fd)  # closing releases the lock in any case


class _Busy(Exception):
    pass


def _acquire(fd: int, wait: float) -> None:
    """Take the lock on *fd*, polling until *wait* seconds have passed (then _Busy)."""
    deadline = time.monotonic() + wait
    pause = _FIRST_POLL
    while True:
        try:
            _try_lock(fd)
            return
        except OSError as failure:
            if failure.errno not in _BUSY_ERRNOS:
                raise
        left = deadline - time.monotonic()
        if left <= 0:
            raise _Busy
        time.sleep(min(pause, left))
        pause = min(pause * 2, _MAX_POLL)


if sys.platform == "win32":
    # Not run by the test suite (Linux only): kept to msvcrt's documented calls.
    # msvcrt.locking raises EACCES (or EDEADLOCK) when the byte is locked by another handle.
    _BUSY_ERRNOS = {errno.EACCES, errno.EDEADLK}

    def _try_lock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)  # locking() works from the current position
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # one byte; past the end of file is allowed

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
else:
    _BUSY_ERRNOS = {errno.EWOULDBLOCK, errno.EAGAIN}

    def _try_lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
