"""Misbehaving servers: every one gives a diagnosis within the deadline, never a hang or a
traceback, and cancelling a run closes its socket at once."""

from __future__ import annotations

import asyncio
import json
import ssl
import time
from collections.abc import Iterator

import pytest
from hostile_servers import (
    Behaviour,
    RawServer,
    blackhole_port,
    closes_during_starttls,
    closes_during_tls,
    closes_mid_data,
    drip,
    endless_ehlo,
    eof_after_greeting,
    garbage,
    greeting,
    old_tls_only,
    silent,
    slow_but_steady,
    starttls_injection,
)

from comelin_tui.diagnostics.engine import run_check
from comelin_tui.diagnostics.model import RunResult, Step, Target
from comelin_tui.diagnostics.probe import Candidate
from comelin_tui.diagnostics.redact import Redactor
from comelin_tui.diagnostics.smtpio import _READ_CHUNK, MAX_LINE, SmtpConnection, SmtpProtocolError

TIMEOUT = 0.6
# Scheduling slack on a busy two-core machine.
SLACK = 0.5


@pytest.fixture
def serve() -> Iterator[list[RawServer]]:
    servers: list[RawServer] = []
    yield servers
    for server in servers:
        server.stop()


def start(servers: list[RawServer], behaviour: Behaviour) -> RawServer:
    server = RawServer(behaviour).start()
    servers.append(server)
    return server


def plain_target(port: int, security: str = "none", **overrides: object) -> Target:
    values: dict[str, object] = {
        "host": "127.0.0.1", "port": port, "security": security, "auth": "none",
        "from_address": "magasin@example.com", "timeout": TIMEOUT,
    }
    values.update(overrides)
    return Target(**values)  # type: ignore[arg-type]


async def timed_check(target: Target, **kwargs: object) -> tuple[RunResult, float]:
    started = time.monotonic()
    result = await run_check(target, probe=False, **kwargs)  # type: ignore[arg-type]
    return result, time.monotonic() - started


def failing(result: RunResult) -> Step:
    return next(step for step in result.steps if step.status == "fail")


async def test_server_that_never_speaks(serve: list[RawServer]) -> None:
    server = start(serve, silent)
    result, elapsed = await timed_check(plain_target(server.port, "starttls"))
    assert failing(result).id == "banner"
    assert result.diagnosis.code == "smtp.banner_timeout"
    assert TIMEOUT <= elapsed < TIMEOUT + SLACK


async def test_server_that_drips_one_byte_a_second(serve: list[RawServer]) -> None:
    server = start(serve, drip)
    result, elapsed = await timed_check(plain_target(server.port, "starttls"))
    assert failing(result).id == "banner"
    assert result.diagnosis.code == "smtp.banner_timeout"
    assert elapsed < TIMEOUT + SLACK


async def test_megabyte_of_garbage(serve: list[RawServer]) -> None:
    server = start(serve, garbage)
    result, elapsed = await timed_check(plain_target(server.port, "starttls"))
    assert failing(result).id == "banner"
    assert result.diagnosis.code == "smtp.protocol_error"
    assert elapsed < SLACK
    assert str(MAX_LINE) in failing(result).detail
    assert len(json.dumps(result.to_json())) < 20_000  # nothing like a megabyte is kept


async def test_endless_multiline_reply(serve: list[RawServer]) -> None:
    server = start(serve, endless_ehlo)
    result, elapsed = await timed_check(plain_target(server.port, "starttls"))
    assert failing(result).id == "ehlo"
    assert result.diagnosis.code == "smtp.protocol_error"
    assert elapsed < SLACK
    assert len(result.transcript) < 110


async def test_server_closes_during_implicit_tls(serve: list[RawServer]) -> None:
    server = start(serve, closes_during_tls)
    result, elapsed = await timed_check(plain_target(server.port, "implicit_tls"))
    assert failing(result).id == "tls"
    assert result.diagnosis.code == "smtp.disconnected"
    assert elapsed < SLACK


async def test_no_common_tls_version(serve: list[RawServer]) -> None:
    server = start(serve, old_tls_only)
    result, elapsed = await timed_check(plain_target(server.port, "implicit_tls"))
    assert failing(result).id == "tls"
    assert result.diagnosis.code == "tls.protocol"
    assert "PROTOCOL_VERSION" in failing(result).detail
    assert elapsed < SLACK


async def test_server_closes_during_starttls(serve: list[RawServer]) -> None:
    server = start(serve, closes_during_starttls)
    result, elapsed = await timed_check(plain_target(server.port, "starttls"))
    assert failing(result).id == "starttls"
    assert result.diagnosis.code == "smtp.disconnected"
    assert elapsed < SLACK


async def test_plaintext_injected_before_the_starttls_handshake(serve: list[RawServer]) -> None:
    """Bytes that arrive with the 220 to STARTTLS, before the handshake, are refused:
    read after the upgrade, they would pass for the encrypted server's EHLO reply."""
    server = start(serve, starttls_injection(_READ_CHUNK))
    result, elapsed = await timed_check(plain_target(server.port, "starttls"))
    assert failing(result).id == "starttls"
    assert result.diagnosis.code == "smtp.protocol_error"
    assert "injected.example" in failing(result).detail
    assert not any("injected" in line for line in result.transcript)
    assert elapsed < TIMEOUT


async def test_start_tls_refuses_bytes_waiting_in_the_reader() -> None:
    reader = asyncio.StreamReader()
    reader.feed_data(b"250 injected\r\n")
    conn = SmtpConnection(reader, None, Redactor())  # type: ignore[arg-type]
    with pytest.raises(SmtpProtocolError):
        await conn.start_tls(ssl.create_default_context(), "mx.example")


async def test_server_closes_mid_data(serve: list[RawServer]) -> None:
    server = start(serve, closes_mid_data)
    result, elapsed = await timed_check(plain_target(server.port))
    assert failing(result).id == "data"
    assert result.diagnosis.code == "smtp.disconnected"
    assert result.queue_id is None
    assert elapsed < TIMEOUT + SLACK


async def test_server_hangs_up_after_the_greeting(serve: list[RawServer]) -> None:
    server = start(serve, eof_after_greeting)
    result, _elapsed = await timed_check(plain_target(server.port))
    assert failing(result).id == "ehlo"
    assert result.diagnosis.code == "smtp.disconnected"


@pytest.mark.parametrize(("line", "code"), [
    (b"421 mx.example Service not available, closing transmission channel",
     "smtp.service_unavailable"),
    (b"554 mx.example No SMTP service here", "smtp.service_unavailable"),
    (b"421 4.7.0 mx.example Too many concurrent SMTP connections; try again later",
     "rate.limited"),
])
async def test_refusing_greetings(serve: list[RawServer], line: bytes, code: str) -> None:
    server = start(serve, greeting(line))
    result, _elapsed = await timed_check(plain_target(server.port, "starttls"))
    assert failing(result).id == "banner"
    assert result.diagnosis.code == code
    assert line.decode() in failing(result).detail


async def test_terminal_escapes_never_reach_the_report(serve: list[RawServer]) -> None:
    server = start(serve, greeting(b"421 4.3.2 \x1b[2J\x1b]0;owned\x07 Service not available"))
    result, _elapsed = await timed_check(plain_target(server.port, "starttls"))
    everything = json.dumps(result.to_json(), ensure_ascii=False)
    assert "\x1b" not in everything and "\x07" not in everything
    assert "Service not available" in failing(result).detail


async def test_port_that_drops_connection_attempts() -> None:
    with blackhole_port() as port:
        result, elapsed = await timed_check(plain_target(port, "starttls"))
    assert failing(result).id == "connect"
    assert result.diagnosis.code == "connect.timeout"
    assert TIMEOUT <= elapsed < TIMEOUT + SLACK
    assert failing(result).detail.endswith(f"127.0.0.1: no answer within {TIMEOUT:g} s")


async def test_each_step_has_its_own_deadline(serve: list[RawServer]) -> None:
    """Slow replies, each within the timeout: the run succeeds although it lasts
    longer than one timeout in total."""
    server = start(serve, slow_but_steady(TIMEOUT / 3))
    result, elapsed = await timed_check(plain_target(server.port, send=False))
    assert result.status == "ok", result.to_json()
    assert elapsed > TIMEOUT


async def test_cancelling_closes_the_socket_at_once(serve: list[RawServer]) -> None:
    server = start(serve, silent)
    task = asyncio.create_task(run_check(plain_target(server.port, "starttls", timeout=30)))
    assert await asyncio.to_thread(server.connected.wait, 5)
    started = time.monotonic()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    # "At once": well before any of the run's own waits (a polite close or the probes'
    # clean-up allow 1 s each, a step 30 s), with room for a busy machine.
    assert time.monotonic() - started < 1.0
    assert await asyncio.to_thread(server.peer_closed.wait, 2)


async def test_cancelling_while_probing_closes_every_socket(serve: list[RawServer]) -> None:
    main = start(serve, silent)
    other = start(serve, silent)
    candidates = [Candidate(other.port, "starttls"), Candidate(other.port, "implicit_tls")]
    target = plain_target(main.port, "starttls", timeout=0.4)
    task = asyncio.create_task(run_check(target, candidates=candidates))
    # Probing starts half-way through the silent greeting (the candidates are silent
    # too): cancel while both the main connection and the probes are waiting.
    assert await asyncio.to_thread(other.connected.wait, 5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert main.peer_closed.is_set() or await asyncio.to_thread(main.peer_closed.wait, 1)
    assert other.peer_closed.is_set() or await asyncio.to_thread(other.peer_closed.wait, 1)
    assert [t for t in asyncio.all_tasks() if t is not asyncio.current_task()] == []


async def test_hostile_runs_with_probing_stay_bounded(serve: list[RawServer]) -> None:
    """A silent main port and silent candidates: about one and a half timeouts."""
    main = start(serve, silent)
    other = start(serve, silent)
    events: list[tuple[float, Step]] = []
    with blackhole_port() as dropped:
        candidates = [Candidate(other.port, "implicit_tls"), Candidate(dropped, "starttls")]
        started = time.monotonic()
        result = await run_check(plain_target(main.port, "starttls"),
                                 lambda step: events.append((time.monotonic(), step)),
                                 candidates=candidates)
        ended = time.monotonic()
    assert result.diagnosis.code == "smtp.banner_timeout"
    assert result.suggestion is None
    assert ended - started < 2 * TIMEOUT + SLACK  # no hang (the overlap is checked below)
    # Every candidate waits out its timeout. Probing after the greeting's timeout would
    # end the run at least one probe's duration later; it overlaps the wait instead.
    timed_out = [at for at, step in events if step.id == "banner"][1]
    longest_probe = max(p["duration_ms"] for p in result.step("banner").facts["probe"]) / 1000
    assert longest_probe >= TIMEOUT
    assert ended - timed_out < longest_probe - TIMEOUT / 4
