"""The settings file on disk: errors, TOML parsing with line numbers, atomic writes.

Kept apart from the pydantic models (:mod:`comelin_tui.config`), which use it.
"""

from __future__ import annotations

import os
import re
import time
import tomllib
from collections.abc import Callable, Iterable, Mapping
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .config_validate import FieldError
from .errors import ComelinError
from .i18n import t

# The on-disk format version this program writes. Bump it when a change needs a
# migration, and add MIGRATIONS[old] to turn a version-`old` dict into `old + 1`.
CONFIG_VERSION = 2


def _v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
    """Version 2 adds the sender profiles (``[[profiles]]``): a version-1 file has none,
    and its company settings become the default profile as they are."""
    return data


MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _v1_to_v2}

# A temp file older than this is left over from a crash (a save takes milliseconds).
STALE_TEMP_SECONDS = 600.0
# A settings file is a few hundred bytes; anything far larger is the wrong file
# (a log, a disk image, /dev/zero) and is refused before it fills the memory.
MAX_CONFIG_BYTES = 1 << 20


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a settings file: what, and where (field and/or line)."""

    error: ComelinError
    field: str | None = None
    line: int | None = None
    column: int | None = None

    def render(self, lang: str | None = None) -> str:
        message = self.error.message(lang)
        if self.line is not None and self.field:
            return t("config.where.line_field", lang, line=self.line, field=self.field,
                     message=message)
        if self.line is not None and self.column is not None:
            return t("config.where.line_column", lang, line=self.line, column=self.column,
                     message=message)
        if self.line is not None:
            return t("config.where.line", lang, line=self.line, message=message)
        if self.field:
            return t("config.where.field", lang, field=self.field, message=message)
        return message


class ConfigError(ComelinError):
    """The settings cannot be read, parsed or validated (or saved).

    ``path`` is the file, ``line`` the first line at fault (None when unknown),
    ``field`` the first dotted setting at fault, ``problems`` every problem
    found, each rendered in the language asked for by :meth:`message`.
    """

    def __init__(self, key: str, /, *, path: Path | None = None, line: int | None = None,
                 problems: Iterable[Problem] = (), **params: object) -> None:
        self.path = path
        self.problems = tuple(problems)
        self.line = line if line is not None else next(
            (p.line for p in self.problems if p.line is not None), None)
        self.field = next((p.field for p in self.problems if p.field), None)
        super().__init__(key, path=str(path) if path is not None else "", **params)

    def message(self, lang: str | None = None) -> str:
        params = dict(self.params)
        if self.problems:
            params["problems"] = "; ".join(problem.render(lang) for problem in self.problems)
        return t(self.key, lang, **params)


class ConfigNotFound(ConfigError):
    """There is no settings file yet."""


class ConfigTooNew(ConfigError):
    """The file was written by a newer comelin-tui, in a format this one does not know."""

    def __init__(self, *, path: Path | None, version: int, known: int,
                 line: int | None = None) -> None:
        self.version = version
        self.known = known
        super().__init__("config.error.too_new", path=path, line=line, version=version,
                         known=known)


def migrate(data: dict[str, Any], version: int, *,
            migrations: Mapping[int, Callable[[dict[str, Any]], dict[str, Any]]] = MIGRATIONS,
            target: int = CONFIG_VERSION) -> dict[str, Any]:
    """Bring a settings dict written in format *version* up to *target*, one step at a time."""
    for step_from in range(version, target):
        step = migrations.get(step_from)
        if step is None:  # a programming error: every old version needs a migration
            raise RuntimeError(f"no settings migration from version {step_from}")
        data = step(dict(data))
        data["version"] = step_from + 1
    return data


def upgrade(data: Mapping[str, Any], *, path: Path | None, text: str | None,
            key: str) -> dict[str, Any]:
    """The settings data in this program's format: version checked, older ones migrated.

    Raises ConfigError (a version that is not a positive integer) or ConfigTooNew,
    with the line of ``version`` when *text* is the file's.
    """
    data = dict(data)
    version = data.get("version", 1)  # files from before the field existed are version 1
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        lines = key_lines(text) if text is not None else {}
        raise ConfigError(key, path=path, problems=[Problem(
            FieldError("config.version.invalid"), field="version",
            line=line_of(lines, ("version",)))])
    if version > CONFIG_VERSION:
        lines = key_lines(text) if text is not None else {}
        raise ConfigTooNew(path=path, version=version, known=CONFIG_VERSION,
                           line=line_of(lines, ("version",)))
    return migrate(data, version)


def read_bytes(path: Path) -> bytes:
    """The file's content; ConfigNotFound if absent, ConfigError if unreadable or too large."""
    from .safefs import UnsafeFileError, check_private_file, read_regular

    try:
        check_private_file(path)
        data = read_regular(path, MAX_CONFIG_BYTES + 1)
    except FileNotFoundError:
        raise ConfigNotFound("config.error.not_found", path=path) from None
    except UnsafeFileError as error:
        raise ConfigError("config.error.read", path=path, reason=error.message()) from None
    except OSError as error:
        raise ConfigError("config.error.read", path=path,
                          reason=error.strerror or str(error)) from None
    if len(data) > MAX_CONFIG_BYTES:
        raise ConfigError("config.error.too_large", path=path, limit=MAX_CONFIG_BYTES >> 20)
    return data


def parse_toml(data: bytes, path: Path | None) -> tuple[dict[str, Any], str]:
    """(parsed TOML, text); ConfigError naming the line and the problem if malformed."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        raise ConfigError("config.error.syntax", path=path, problems=[
            Problem(FieldError("config.toml.encoding"), line=line)]) from None
    text = text.removeprefix("\ufeff")  # the byte order mark Windows Notepad adds
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as error:
        problem = _toml_problem(error, text)
    except RecursionError:
        problem = Problem(FieldError("config.toml.too_deep"))
    except ValueError as error:  # e.g. an integer longer than Python's digit limit
        problem = Problem(FieldError("config.toml.other", detail=str(error)[:120]))
    raise ConfigError("config.error.syntax", path=path, problems=[problem])


_POSITION_RE = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)$")
_TOML_MESSAGES: tuple[tuple[str, str], ...] = (
    ("Invalid value", "config.toml.invalid_value"),
    ("Expected '=' after a key", "config.toml.expected_equals"),
    ("Cannot overwrite a value", "config.toml.overwrite"),
    ("Cannot mutate immutable namespace", "config.toml.overwrite"),
    ("Cannot redefine namespace", "config.toml.overwrite"),
    ("Duplicate inline table key", "config.toml.overwrite"),
    ("Expected ']", "config.toml.expected_bracket"),
    ("Expected newline or end of document", "config.toml.newline"),
    ("Invalid statement", "config.toml.invalid_statement"),
    ("Unterminated string", "config.toml.unterminated"),
    ("Unclosed array", "config.toml.unclosed"),
    ("Unclosed inline table", "config.toml.unclosed"),
    ("Invalid initial character for a key part", "config.toml.bad_key"),
    ("Unescaped '\\'", "config.toml.bad_escape"),
    ("Invalid hex value", "config.toml.bad_escape"),
    ("Escaped character is not a Unicode scalar value", "config.toml.bad_escape"),
)


def _toml_problem(error: tomllib.TOMLDecodeError, text: str) -> Problem:
    """tomllib's English message turned into a translated problem with line and column."""
    raw = str(error)
    line: int | None = getattr(error, "lineno", None)  # Python 3.14+ has attributes
    column: int | None = getattr(error, "colno", None)
    match = _POSITION_RE.search(raw)
    if match and line is None:
        if match.group(1):
            line, column = int(match.group(1)), int(match.group(2))
        else:
            line = len(text.rstrip("\n").split("\n"))
    detail = getattr(error, "msg", None) or _POSITION_RE.sub("", raw)
    if detail.startswith("Cannot declare "):
        names = re.findall(r"'((?:[^'\\]|\\.)*)'", detail)
        fault: ComelinError = FieldError("config.toml.declare_twice", name=f"[{'.'.join(names)}]")
    elif detail.startswith(("Illegal character", "Found invalid character")):
        fault = FieldError("config.toml.illegal_char", char=_char_code(detail))
    else:
        key = next((k for prefix, k in _TOML_MESSAGES if detail.startswith(prefix)), None)
        fault = FieldError(key) if key else FieldError("config.toml.other", detail=detail[:120])
    return Problem(fault, line=line, column=column)


def _char_code(detail: str) -> str:
    try:
        import ast  # only for a malformed file's message

        char = ast.literal_eval(detail.split(" ", 2)[2])
    except (ValueError, SyntaxError, IndexError):
        return detail
    if isinstance(char, str) and len(char) == 1:
        return f"U+{ord(char):04X}"
    return detail


def key_lines(text: str) -> dict[tuple[str, ...], int]:
    """Line number of each key and table header in a TOML text (best effort).

    tomllib gives no positions for values, so errors found later by validation
    are located by scanning the text: table headers set the current table,
    ``name = value`` lines name a key in it. Keys are parsed with tomllib
    itself, so quoted and dotted keys work.
    """
    found: dict[tuple[str, ...], int] = {}
    arrays: dict[tuple[str, ...], int] = {}  # [[name]] -> the index of its last item
    table: tuple[str, ...] = ()
    in_multiline: str | None = None
    for number, raw in enumerate(text.split("\n"), 1):
        line = raw.strip()
        if in_multiline:
            if line.count(in_multiline) % 2 == 1:
                in_multiline = None
            continue
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            header = _parse_key_path(line)
            if header is not None:
                found.setdefault(header, number)
                if line.startswith("[["):  # an array of tables: its items by index
                    arrays[header] = arrays.get(header, -1) + 1
                table = _indexed(header, arrays)
                found.setdefault(table, number)
            continue
        key_text, rest = _split_key(line)
        if key_text is None:
            continue
        path = _parse_key_path(f"{key_text} = 0")
        if path:
            found.setdefault(table + path, number)
        for delimiter in ('"""', "'''"):
            if rest.count(delimiter) % 2 == 1:
                in_multiline = delimiter
                break
    return found


def _indexed(header: tuple[str, ...], arrays: Mapping[tuple[str, ...], int]
             ) -> tuple[str, ...]:
    """A table header's path with the index of each array of tables it is in
    (``[[profiles]]`` then ``[profiles.account]``: ``("profiles", "0", "account")``)."""
    path: list[str] = []
    for depth, part in enumerate(header, 1):
        path.append(part)
        if header[:depth] in arrays:
            path.append(str(arrays[header[:depth]]))
    return tuple(path)


def _split_key(line: str) -> tuple[str | None, str]:
    """(key text, rest after '=') of a ``key = value`` line; quotes respected."""
    quote: str | None = None
    for index, char in enumerate(line):
        if quote:
            if char == quote:
                quote = None
        elif char in "\"'":
            quote = char
        elif char == "=":
            return line[:index], line[index + 1:]
    return None, ""


def _parse_key_path(snippet: str) -> tuple[str, ...] | None:
    try:
        parsed: Any = tomllib.loads(snippet)
    except (tomllib.TOMLDecodeError, ValueError, RecursionError):
        return None
    path: list[str] = []
    while isinstance(parsed, dict) and len(parsed) == 1:
        name, parsed = next(iter(parsed.items()))
        path.append(name)
    return tuple(path) or None


def line_of(lines: dict[tuple[str, ...], int], loc: Iterable[object]) -> int | None:
    """The line of the longest known prefix of *loc* (a key path)."""
    path = tuple(str(part) for part in loc)
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return None


# --- writing -------------------------------------------------------------------


def backup_path(path: Path) -> Path:
    """Where the previous version of *path* is kept."""
    return path.with_name(path.name + ".bak")


def ensure_folder(folder: Path) -> None:
    """Create the settings folder and any missing parent (0700, whatever the umask);
    an existing folder is left as it is."""
    if folder.is_dir():
        return
    from .safefs import make_private_folders

    make_private_folders(folder)


def atomic_write(path: Path, data: bytes) -> None:
    """Replace *path* by *data*: after a crash, the file holds the old or the new data.

    The temp file is in the same folder (a rename is atomic only within one file
    system), created with mode 0600 so the content is never readable by others,
    even briefly; it is fsynced before the rename, and the folder after it, so the
    rename itself survives a power cut.

    On Windows, POSIX file modes do not apply: the file lives in the user's
    profile, whose ACL keeps other users out; ``os.replace`` replaces an existing
    file there too.
    """
    import tempfile  # writing only: reading the settings (check, dashboard) skips it

    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            if hasattr(os, "fchmod"):
                os.fchmod(handle.fileno(), 0o600)  # exactly 0600 whatever the umask
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with suppress(OSError):
            tmp.unlink()
        raise
    fsync_folder(path.parent)


def fsync_folder(folder: Path) -> None:
    """Make a rename in *folder* durable (POSIX)."""
    if os.name == "nt":
        # Windows cannot open a folder for fsync; NTFS journals the rename itself.
        return
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems (network shares) refuse fsync on folders
    finally:
        os.close(fd)


def keep_copy(path: Path, data: bytes, label: str) -> Path:
    """Save *data* next to *path* as ``<name>.<label>-<timestamp>`` (never overwriting one)."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    candidate = path.with_name(f"{path.name}.{label}-{stamp}")
    counter = 1
    while candidate.exists():
        counter += 1
        candidate = path.with_name(f"{path.name}.{label}-{stamp}-{counter}")
    atomic_write(candidate, data)
    return candidate


def remove_stale_temps(path: Path, max_age: float = STALE_TEMP_SECONDS) -> None:
    """Delete temp files that a crash during an earlier save left next to *path*."""
    import glob

    now = time.time()
    for leftover in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        with suppress(OSError):
            if now - leftover.lstat().st_mtime > max_age:
                leftover.unlink()
