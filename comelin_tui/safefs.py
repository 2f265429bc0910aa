"""Files the program trusts: regular files only, private folders, the right owner.

- :func:`open_regular` never hangs on a FIFO (or a device) put where a settings
  file or the attempt log belongs: it opens without blocking and refuses
  anything but a regular file.
- :func:`make_private_folders` creates every missing folder 0700, whatever
  the umask (``mkdir``'s mode is filtered by it).
- :func:`check_private` refuses, as ssh does, a settings file, secret file or
  their folder owned by another user (root excepted) or writable by group or
  others: another local user could otherwise point the settings at their
  own server and receive the password.

On Windows, POSIX owners and modes do not apply: the files live in the user's
profile, whose ACL keeps other users out, and the checks of owner and mode are
skipped (a FIFO cannot be created there by ordinary means).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .errors import ComelinError
from .i18n import register

register({
    "safefs.not_regular": {
        "fr": "{path} n'est pas un fichier ordinaire ({kind}) : remplacez-le par un fichier, "
              "ou retirez-le.",
        "en": "{path} is not a regular file ({kind}): replace it with a file, or remove it.",
    },
    "safefs.kind.fifo": {"fr": "un tube nommé", "en": "a named pipe"},
    "safefs.kind.dir": {"fr": "un dossier", "en": "a folder"},
    "safefs.kind.other": {"fr": "un fichier spécial", "en": "a special file"},
    "safefs.bad_owner": {
        "fr": "{path} appartient à un autre utilisateur (uid {uid}) : comelin-tui refuse "
              "de s'en servir, car cet utilisateur pourrait y diriger le mot de passe vers "
              "son propre serveur. Si c'est bien le vôtre : sudo chown {user} {path}",
        "en": "{path} belongs to another user (uid {uid}): comelin-tui refuses to use it, "
              "as that user could point the password at their own server. If it is really "
              "yours: sudo chown {user} {path}",
    },
    "safefs.bad_mode": {
        "fr": "{path} peut être modifié par d'autres utilisateurs (mode {mode}) : "
              "comelin-tui refuse de s'en servir. Corrigez avec : chmod go-w {path}",
        "en": "{path} can be changed by other users (mode {mode}): comelin-tui refuses "
              "to use it. Fix it with: chmod go-w {path}",
    },
})


class UnsafeFileError(ComelinError):
    """A file or folder the program must not trust (type, owner or mode)."""

    exit_code = 78  # EX_CONFIG


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "safefs.kind.fifo"
    if stat.S_ISDIR(mode):
        return "safefs.kind.dir"
    return "safefs.kind.other"


def not_regular(path: Path, mode: int) -> UnsafeFileError:
    from .i18n import m

    return UnsafeFileError("safefs.not_regular", path=path, kind=m(_kind(mode)))


def open_regular(path: Path, flags: int, mode: int = 0o600) -> int:
    """``os.open`` that never blocks on a FIFO and returns only a regular file's fd.

    Raises OSError as ``os.open`` does (FileNotFoundError...), and
    :class:`UnsafeFileError` for anything but a regular file.
    """
    try:
        before = os.stat(path)
    except FileNotFoundError:
        before = None  # to be created (O_CREAT), or FileNotFoundError from the open
    if before is not None and not stat.S_ISREG(before.st_mode):
        raise not_regular(path, before.st_mode)  # a FIFO opened for writing would block
    fd = os.open(path, flags | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0),
                 mode)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise not_regular(path, info.st_mode)
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_regular(path: Path, limit: int, *, tail: bool = False) -> bytes:
    """Up to *limit* bytes of a regular file (see :func:`open_regular`): its start, or
    with *tail* its end from the first whole line (a huge log costs *limit*, not its size)."""
    fd = open_regular(path, os.O_RDONLY)
    with os.fdopen(fd, "rb") as handle:
        if not tail:
            return handle.read(limit)
        size = os.fstat(handle.fileno()).st_size
        if size <= limit:
            return handle.read(limit)
        handle.seek(size - limit)
        data = handle.read(limit)
        cut = data.find(b"\n")
        return data[cut + 1:] if cut >= 0 else b""


def make_private_folders(folder: Path) -> None:
    """Create *folder* and every missing parent with mode 0700 (umask or not);
    folders that exist are left as they are."""
    missing: list[Path] = []
    current = Path(folder)
    while not current.exists():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for created in reversed(missing):
        try:
            created.mkdir(mode=0o700)
        except FileExistsError:
            continue  # made meanwhile by another process: not ours to change
        if os.name == "posix":
            os.chmod(created, 0o700)
    if not Path(folder).is_dir():
        import errno

        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(folder))


def _user_name() -> str:
    try:
        import pwd

        return pwd.getpwuid(os.geteuid()).pw_name
    except (ImportError, KeyError):
        return str(os.geteuid())


def check_private(path: Path) -> None:
    """Refuse *path* when another user (not root) owns it or group/others may write it.

    A missing path passes (nothing to trust yet). POSIX only; see the module's notes.
    """
    if os.name != "posix":
        return
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return
    except OSError:
        return  # unreadable: the read that follows says so in its own words
    if info.st_uid not in (os.geteuid(), 0):
        raise UnsafeFileError("safefs.bad_owner", path=path, uid=info.st_uid,
                              user=_user_name())
    writable_by_others = info.st_mode & 0o022
    # A sticky shared folder (/tmp) is safe for its own files: others cannot replace them.
    if writable_by_others and not (stat.S_ISDIR(info.st_mode) and info.st_mode & stat.S_ISVTX):
        raise UnsafeFileError("safefs.bad_mode", path=path, mode=f"{info.st_mode & 0o777:04o}")


def check_private_file(path: Path) -> None:
    """The file and the folder that holds it (see :func:`check_private`)."""
    check_private(path.parent if str(path.parent) else Path("."))
    check_private(path)

