"""The attempt log: one JSON line per test send, newest last.

Each line says when, which server, the outcome, the diagnosis code, how long
each step took and the suggested fix. It never holds a secret, a transcript
or a message: only what the dashboard shows ("last test: ok, 2 minutes ago")
and what support asks first.

The file lives in the state folder (owner-only: folder 0700, file 0600) and
stays small: past ~1 MB it is renamed to ``attempts.jsonl.1`` and a new one
starts, so at most two files exist.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import paths
from .diagnostics.model import RunResult

MAX_BYTES = 1024 * 1024
RECORD_VERSION = 1


@dataclass(frozen=True)
class StepTiming:
    """One step of an attempt: id, status and duration."""

    id: str
    status: str
    duration_ms: int


@dataclass(frozen=True)
class Attempt:
    """One line of the attempt log."""

    time: datetime  # aware, UTC
    status: str  # ok | warn | fail | unknown (could not run)
    host: str = ""
    port: int | None = None
    security: str | None = None
    code: str | None = None  # diagnosis code, None when all went well
    steps: tuple[StepTiming, ...] = ()
    suggestion: dict[str, Any] | None = None
    duration_ms: int = 0
    sent: bool = True  # False for --no-send
    queue_id: str | None = None
    provider: str | None = None
    # The settings file tested (its absolute path); None in records written before it
    # was kept. ``adhoc``: options (``check --host``, ``--port``...) overrode those
    # settings, so the run says nothing about them.
    config: str | None = None
    adhoc: bool = False
    # The sender profile tested (its sender, maybe its own account); None: the company's.
    profile: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "version": RECORD_VERSION,
            "time": self.time.astimezone(UTC).isoformat(timespec="seconds")
            .replace("+00:00", "Z"),
            "status": self.status,
            "server": {"host": self.host, "port": self.port, "security": self.security},
            "diagnosis": self.code,
            "steps": [
                {"id": s.id, "status": s.status, "duration_ms": s.duration_ms} for s in self.steps
            ],
            "duration_ms": self.duration_ms,
            "suggestion": self.suggestion,
            "sent": self.sent,
            "queue_id": self.queue_id,
            "provider": self.provider,
            "config": self.config,
            "adhoc": self.adhoc,
            "profile": self.profile,
        }

    @classmethod
    def from_json(cls, data: Any) -> Attempt:
        """Rebuild a record; ValueError/TypeError/KeyError if the line is not one."""
        if not isinstance(data, dict):
            raise TypeError("not an object")
        if data.get("kind", "test") != "test":
            raise ValueError("not a test send")  # a relayed message, read by read_records
        when = datetime.fromisoformat(str(data["time"]))
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        server = data.get("server") or {}
        port = server.get("port")
        suggestion = data.get("suggestion")
        return cls(
            time=when,
            status=str(data["status"]),
            host=str(server.get("host") or ""),
            port=int(port) if port is not None else None,
            security=server.get("security"),
            code=data.get("diagnosis"),
            steps=tuple(
                StepTiming(str(s["id"]), str(s["status"]), int(s.get("duration_ms", 0)))
                for s in data.get("steps") or ()
            ),
            suggestion=suggestion if isinstance(suggestion, dict) else None,
            duration_ms=int(data.get("duration_ms") or 0),
            sent=bool(data.get("sent", True)),
            queue_id=data.get("queue_id"),
            provider=data.get("provider"),
            config=str(data["config"]) if data.get("config") else None,
            adhoc=bool(data.get("adhoc", False)),
            profile=str(data["profile"]) if data.get("profile") else None,
        )


def config_key(config_path: Path | str) -> str:
    """How a settings file is named in the log: its absolute path (not resolved through
    links, which may be unreadable; ``~`` expanded)."""
    return os.path.abspath(os.path.expanduser(str(config_path)))


def attempt_from_result(result: RunResult, *, now: datetime | None = None,
                        config_path: Path | str | None = None,
                        adhoc: bool = False, profile: str | None = None) -> Attempt:
    """The log record for a finished run (no secret, no transcript, no detail text)."""
    target = result.target
    return Attempt(
        time=now or datetime.now(UTC),
        status=result.status,
        host=target.host,
        port=target.port,
        security=target.security,
        code=result.diagnosis.code if result.diagnosis else None,
        steps=tuple(StepTiming(s.id, s.status, s.duration_ms) for s in result.steps),
        suggestion=result.suggestion.to_json() if result.suggestion else None,
        duration_ms=sum(s.duration_ms for s in result.steps),
        sent=target.send,
        queue_id=result.queue_id,
        provider=target.provider_id,
        config=config_key(config_path) if config_path is not None else None,
        adhoc=adhoc,
        profile=profile,
    )


def append_attempt(attempt: Attempt | RunResult, path: Path | None = None, *,
                   config_path: Path | str | None = None, adhoc: bool = False,
                   profile: str | None = None) -> Path:
    """Append one record (a RunResult is converted first, with the settings file it
    tested, whether options overrode them and the sender profile tested); returns the
    log's path."""
    if isinstance(attempt, RunResult):
        attempt = attempt_from_result(attempt, config_path=config_path, adhoc=adhoc,
                                      profile=profile)
    return _append(attempt.to_json(), path)


def append_record(record: dict[str, Any], path: Path | None = None) -> Path:
    """Append a record of another kind (``"kind": "relay"``: one real message relayed),
    with the version and the time; the test history (:func:`read_attempts`) skips them."""
    data = {"version": RECORD_VERSION,
            "time": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
            **record}
    return _append(data, path)


def read_records(kind: str, path: Path | None = None) -> list[dict[str, Any]]:
    """The records of *kind* (``"relay"``), oldest first; bad lines skipped."""
    log_path = path or paths.attempt_log_path()
    found: list[dict[str, Any]] = []
    for file in (_rotated(log_path), log_path):
        for line in _read_text(file).splitlines():
            try:
                data = json.loads(line)
            except ValueError:
                continue
            if isinstance(data, dict) and data.get("kind") == kind:
                found.append(data)
    return found


def _append(data: dict[str, Any], path: Path | None) -> Path:
    log_path = path or paths.attempt_log_path()
    _make_private_folder(log_path.parent)
    _rotate_if_large(log_path)
    line = json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"
    import errno

    from .safefs import UnsafeFileError, open_regular

    try:
        # Never a FIFO in its place: opening one to write would hang.
        fd = open_regular(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    except UnsafeFileError as error:
        # Callers treat a log they cannot write as an OSError (reported, never fatal).
        raise OSError(errno.EINVAL, str(error.message()), str(log_path)) from None
    try:
        # One write of one line: concurrent runs interleave whole lines.
        os.write(fd, line.encode("utf-8"))
    finally:
        os.close(fd)
    return log_path


def read_attempts(path: Path | None = None) -> list[Attempt]:
    """Every readable record, oldest first (the rotated file first); bad lines skipped."""
    log_path = path or paths.attempt_log_path()
    records: list[Attempt] = []
    for file in (_rotated(log_path), log_path):
        records.extend(_parse_lines(_read_text(file)))
    return records


def last_attempt(path: Path | None = None, *,
                 config_path: Path | str | None = None) -> Attempt | None:
    """The newest readable record, or None when there is none yet.

    With *config_path*: the newest test of those settings as saved, the one the home
    screen shows; an ad-hoc run (options overriding them), a sender profile's test (its
    own sender, maybe its own account) or another settings file's test is skipped, and
    so is a record that does not say which file it tested.
    """
    log_path = path or paths.attempt_log_path()
    wanted = config_key(config_path) if config_path is not None else None
    for file in (log_path, _rotated(log_path)):
        lines = _read_text(file).splitlines()
        for line in reversed(lines):
            record = _parse_line(line)
            if record is None:
                continue
            if wanted is None or (record.config == wanted and not record.adhoc
                                  and record.profile is None):
                return record
    return None


def _rotated(path: Path) -> Path:
    return path.with_name(path.name + ".1")


def _read_text(path: Path) -> str:
    # The history is a convenience: an unreadable log (permissions, a folder in its
    # place) reads as no history, like a corrupt line, never as an error.
    from .safefs import UnsafeFileError, read_regular

    try:
        # The end only: a log grown huge (rotation failing) costs a bounded read.
        return read_regular(path, MAX_BYTES * 2, tail=True).decode("utf-8", "replace")
    except (OSError, UnsafeFileError):
        return ""


def _parse_lines(text: str) -> list[Attempt]:
    return [r for r in map(_parse_line, text.splitlines()) if r is not None]


def _parse_line(line: str) -> Attempt | None:
    # A line cut by a crash or a full disk must not hide the good ones.
    line = line.strip()
    if not line:
        return None
    try:
        return Attempt.from_json(json.loads(line))
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


def _make_private_folder(folder: Path) -> None:
    if not folder.is_dir():
        from .safefs import make_private_folders

        make_private_folders(folder)  # 0700 each, whatever the umask


def _rotate_if_large(path: Path) -> None:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return
    if size >= MAX_BYTES:
        os.replace(path, _rotated(path))
