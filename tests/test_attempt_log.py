"""The attempt log: one JSON line per check, private, bounded, tolerant of damage."""

from __future__ import annotations

import json
import stat
from datetime import UTC, datetime
from pathlib import Path

from comelin_tui import attempt_log, paths
from comelin_tui.attempt_log import Attempt, append_attempt, last_attempt, read_attempts
from comelin_tui.diagnostics.model import Diagnosis, RunResult, Step, Suggestion, Target

SECRET = "Tr0ub4dor&3-never-logged"


def _result(status: str = "fail") -> RunResult:
    target = Target(host="smtp.demo.example", port=587, security="starttls",
                    username="caisse@demo.example", password=SECRET,
                    from_address="caisse@demo.example", to_address="caisse@demo.example",
                    provider_id="custom")
    steps = [
        Step("resolve", "ok", 3, "127.0.0.1"),
        Step("connect", "ok", 1, "127.0.0.1:587"),
        Step("auth", status, 42, f"535 5.7.8 bad credentials for {target.username}",
             transcript=["-> AUTH PLAIN ********"]),
    ]
    return RunResult(
        target=target, steps=steps,
        diagnosis=Diagnosis("auth.invalid_credentials", "Wrong password", "Retype it"),
        suggestion=Suggestion(465, "implicit_tls", "answered"),
        transcript=["-> AUTH PLAIN ********", "<- 535 5.7.8 nope"],
    )


def test_one_line_per_check_with_the_fields(isolated_environment: Path) -> None:
    path = append_attempt(_result())
    append_attempt(_result("ok"))
    assert path == paths.attempt_log_path()
    assert str(path).startswith(str(isolated_environment))
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    record = json.loads(lines[0])
    assert record["status"] == "fail"
    assert record["server"] == {"host": "smtp.demo.example", "port": 587, "security": "starttls"}
    assert record["diagnosis"] == "auth.invalid_credentials"
    assert [s["id"] for s in record["steps"]] == ["resolve", "connect", "auth"]
    assert record["steps"][2] == {"id": "auth", "status": "fail", "duration_ms": 42}
    assert record["suggestion"] == {"port": 465, "security": "implicit_tls", "reason": "answered"}
    assert record["duration_ms"] == 46
    when = datetime.fromisoformat(record["time"])
    assert when.utcoffset() is not None and when.utcoffset().total_seconds() == 0
    assert record["time"].endswith("Z")


def test_no_secret_no_transcript_no_detail(isolated_environment: Path) -> None:
    text = append_attempt(_result()).read_text(encoding="utf-8")
    assert SECRET not in text
    assert "AUTH" not in text and "535" not in text  # no transcript, no server text


def test_private_permissions(isolated_environment: Path) -> None:
    path = append_attempt(_result())
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_last_attempt_is_the_newest_and_skips_corrupt_lines(tmp_path: Path) -> None:
    path = tmp_path / "state" / "attempts.jsonl"
    assert last_attempt(path) is None
    append_attempt(_result("ok"), path)
    append_attempt(_result("fail"), path)
    with path.open("a", encoding="utf-8") as log:
        log.write('{"time": "2024-01-01T00:00:00Z", "status": "ok", "serv')  # cut short
        log.write("\nnot json at all\n[1, 2]\n\n")
    newest = last_attempt(path)
    assert newest is not None
    assert newest.status == "fail" and newest.code == "auth.invalid_credentials"
    assert newest.host == "smtp.demo.example" and newest.port == 587
    assert newest.time.tzinfo is not None
    assert [a.status for a in read_attempts(path)] == ["ok", "fail"]
    append_attempt(_result("ok"), path)  # appending after damage still works
    assert last_attempt(path).status == "ok"  # type: ignore[union-attr]


def test_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    attempt = Attempt(time=datetime(2025, 3, 1, 12, 0, 5, tzinfo=UTC), status="unknown",
                      code="config.invalid", sent=False)
    append_attempt(attempt, path)
    assert last_attempt(path) == attempt


def test_rotates_when_large(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(attempt_log, "MAX_BYTES", 2000)
    path = tmp_path / "attempts.jsonl"
    for _ in range(12):
        append_attempt(_result(), path)
    rotated = path.with_name("attempts.jsonl.1")
    assert rotated.exists()
    assert path.stat().st_size <= 2000 + 1000
    assert rotated.stat().st_size <= 2000 + 1000
    assert not path.with_name("attempts.jsonl.2").exists()
    assert last_attempt(path) is not None
    path.write_text("")  # the current file empty: the rotated one still answers
    assert last_attempt(path) is not None


def test_unreadable_log_reads_as_no_history(tmp_path: Path) -> None:
    """The dashboard reads it: a folder where the log should be is no history, not a crash."""
    path = tmp_path / "attempts.jsonl"
    path.mkdir()
    assert last_attempt(path) is None
    assert read_attempts(path) == []
