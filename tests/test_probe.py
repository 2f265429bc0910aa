"""Port and encryption probing, against real servers on 127.0.0.1.

The usual candidates (587, 465, 25, 2525) are mapped to the ephemeral ports of
local servers through the ``candidates`` argument.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import pytest
from hostile_servers import RawServer, blackhole_port, free_port, silent
from smtp_servers import (
    PASSWORD,
    USERNAME,
    Certificates,
    ScriptedServer,
    make_certificates,
    reset_used_servers,
    running,
    server_certificate_der,
)

from comelin_tui.diagnostics.engine import run_check
from comelin_tui.diagnostics.model import Step, Target
from comelin_tui.diagnostics.probe import (
    DEFAULT_CANDIDATES,
    Candidate,
    ProbeResult,
    best_result,
    candidates_for,
    probe_candidates,
    probe_one,
)
from comelin_tui.diagnostics.tlsinfo import fingerprint

TIMEOUT = 1.0


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Certificates:
    return make_certificates(tmp_path_factory.mktemp("certs"))


@pytest.fixture(scope="module")
def starttls_server(certs: Certificates) -> Iterator[ScriptedServer]:
    with running(certs) as server:
        yield server


@pytest.fixture(scope="module")
def implicit_server(certs: Certificates) -> Iterator[ScriptedServer]:
    with running(certs, implicit_tls=True) as server:
        yield server


@pytest.fixture(scope="module")
def dropping_port() -> Iterator[int]:
    with blackhole_port() as port:
        yield port


@pytest.fixture
def silent_server() -> Iterator[RawServer]:
    server = RawServer(silent).start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def fresh_servers(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    reset_used_servers(request)


def target(port: int, security: str, certs: Certificates, **overrides: object) -> Target:
    values: dict[str, object] = {
        "host": "127.0.0.1", "port": port, "security": security, "username": USERNAME,
        "password": PASSWORD,
        "from_address": USERNAME, "ca_file": certs.ca_file, "timeout": TIMEOUT,
    }
    values.update(overrides)
    return Target(**values)  # type: ignore[arg-type]


async def test_implicit_tls_on_a_starttls_port_is_the_wrong_mode(
        starttls_server: ScriptedServer, implicit_server: ScriptedServer,
        certs: Certificates, dropping_port: int) -> None:
    """Fails fast; one candidate silently drops: the run still takes about one timeout."""
    candidates = [
        Candidate(dropping_port, "starttls"),             # "587": firewalled
        Candidate(implicit_server.port, "implicit_tls"),  # "465": works
    ]
    events: list[Step] = []
    started = time.monotonic()
    result = await run_check(target(starttls_server.port, "implicit_tls", certs),
                             events.append, candidates=candidates)
    elapsed = time.monotonic() - started

    assert elapsed < TIMEOUT + 1.0
    tls = result.step("tls")
    assert tls.status == "fail"
    assert result.diagnosis.code == "tls.wrong_mode"
    assert tls.diagnosis == result.diagnosis
    # The same port with STARTTLS works: that is the suggestion.
    assert result.suggestion is not None
    assert (result.suggestion.port, result.suggestion.security) == (
        starttls_server.port, "starttls")
    assert str(starttls_server.port) in result.suggestion.reason
    assert "STARTTLS" in result.suggestion.reason
    probed = {(p["port"], p["security"]): p["ok"] for p in tls.facts["probe"]}
    assert probed == {
        (starttls_server.port, "starttls"): True,
        (dropping_port, "starttls"): False,
        (implicit_server.port, "implicit_tls"): True,
    }
    # While probing, the failing step said so; then it ended once, as a failure.
    tls_events = [e for e in events if e.id == "tls"]
    assert [e.status for e in tls_events] == ["running", "running", "fail"]
    assert "other ports" in tls_events[1].detail
    assert result.to_json()["suggestion"]["security"] == "starttls"


async def test_plaintext_on_an_implicit_tls_port(implicit_server: ScriptedServer,
                                                 certs: Certificates,
                                                 dropping_port: int) -> None:
    """The greeting never comes; a TLS handshake raced on the same port finds implicit TLS
    half-way through the wait, and probing starts then too: the whole run takes about
    half a timeout plus the slowest probe, not a timeout plus it."""
    candidates = [Candidate(dropping_port, "starttls")]
    events: list[tuple[float, Step]] = []
    started = time.monotonic()
    result = await run_check(target(implicit_server.port, "starttls", certs),
                             lambda step: events.append((time.monotonic(), step)),
                             candidates=candidates)
    ended = time.monotonic()

    assert result.step("banner").status == "fail"
    assert result.diagnosis.code == "tls.wrong_mode"
    assert (result.suggestion.port, result.suggestion.security) == (
        implicit_server.port, "implicit_tls")
    assert ended - started < 2 * TIMEOUT + 1.0  # no hang (the overlap is checked below)
    # The banner step ends early: the race found implicit TLS before the timeout.
    failed_at = [at for at, step in events if step.id == "banner"][1]
    assert failed_at - started < TIMEOUT
    # The dropping candidate waits out its whole timeout; probing began half-way through
    # the greeting's wait, so the run ends about half a timeout plus that probe.
    longest_probe = max(p["duration_ms"] for p in result.step("banner").facts["probe"]) / 1000
    assert longest_probe >= TIMEOUT
    assert ended - started < TIMEOUT / 2 + longest_probe + TIMEOUT / 2


async def test_refused_port_suggests_a_working_one(starttls_server: ScriptedServer,
                                                   implicit_server: ScriptedServer,
                                                   certs: Certificates) -> None:
    closed = free_port()
    candidates = [Candidate(starttls_server.port, "starttls"),
                  Candidate(implicit_server.port, "implicit_tls"),
                  Candidate(free_port(), "starttls")]
    result = await run_check(target(closed, "starttls", certs), candidates=candidates)

    assert result.step("connect").status == "fail"
    assert result.diagnosis.code == "connect.refused"
    assert result.suggestion is not None
    assert (result.suggestion.port, result.suggestion.security) == (
        starttls_server.port, "starttls")
    assert "works" in result.suggestion.reason
    assert "AUTH" in result.suggestion.reason


async def test_starttls_unavailable_suggests_implicit_tls(starttls_server: ScriptedServer,
                                                          implicit_server: ScriptedServer,
                                                          certs: Certificates) -> None:
    starttls_server.options.starttls = False
    candidates = [Candidate(implicit_server.port, "implicit_tls")]
    result = await run_check(target(starttls_server.port, "starttls", certs),
                             candidates=candidates)
    assert result.diagnosis.code == "tls.starttls_unavailable"
    assert (result.suggestion.port, result.suggestion.security) == (
        implicit_server.port, "implicit_tls")


async def test_no_probing_when_disabled(certs: Certificates,
                                        implicit_server: ScriptedServer) -> None:
    candidates = [Candidate(implicit_server.port, "implicit_tls")]
    result = await run_check(target(free_port(), "starttls", certs), probe=False,
                             candidates=candidates)
    assert result.diagnosis.code == "connect.refused"
    assert result.suggestion is None
    assert "probe" not in result.step("connect").facts


async def test_nothing_works_means_no_suggestion(certs: Certificates,
                                                 dropping_port: int) -> None:
    candidates = [Candidate(free_port(), "starttls"), Candidate(dropping_port, "implicit_tls")]
    started = time.monotonic()
    result = await run_check(target(free_port(), "implicit_tls", certs), candidates=candidates)
    assert time.monotonic() - started < TIMEOUT + 1.0
    assert result.diagnosis.code == "connect.refused"
    assert result.suggestion is None
    assert [p["ok"] for p in result.step("connect").facts["probe"]] == [False, False, False]


async def test_probe_candidates_in_parallel(starttls_server: ScriptedServer,
                                            implicit_server: ScriptedServer,
                                            certs: Certificates, dropping_port: int) -> None:
    candidates = [
        Candidate(starttls_server.port, "starttls"),
        Candidate(implicit_server.port, "implicit_tls"),
        Candidate(dropping_port, "starttls"),
        Candidate(free_port(), "starttls"),
        Candidate(implicit_server.port, "starttls"),  # plaintext on a TLS port: no greeting
    ]
    started = time.monotonic()
    results = await probe_candidates("127.0.0.1", candidates, timeout=TIMEOUT,
                                     ca_file=certs.ca_file)
    # Two candidates wait out the timeout: one after the other would take 2 x TIMEOUT.
    assert time.monotonic() - started < 1.8 * TIMEOUT

    assert [r.candidate for r in results] == candidates
    assert [r.ok for r in results] == [True, True, False, False, False]
    assert "PLAIN" in results[0].extensions["AUTH"]  # the EHLO after STARTTLS
    assert "-> STARTTLS" in results[0].transcript
    assert "PLAIN" in results[1].extensions["AUTH"]
    assert "1 s" in results[2].detail and "refused" in results[3].detail
    assert all(r.duration_ms >= 0 for r in results)
    assert not any(line.startswith("-> AUTH") for r in results for line in r.transcript)


async def test_probe_refuses_an_untrusted_certificate(starttls_server: ScriptedServer,
                                                      certs: Certificates) -> None:
    starttls_server.tls.current = "untrusted"
    [result] = await probe_candidates("127.0.0.1", [Candidate(starttls_server.port, "starttls")],
                                      timeout=TIMEOUT, ca_file=certs.ca_file)
    assert not result.ok
    assert "certificate" in result.detail


async def test_cancelling_probes_closes_every_socket(silent_server: RawServer) -> None:
    candidates = [Candidate(silent_server.port, "starttls"),
                  Candidate(silent_server.port, "implicit_tls")]
    task = asyncio.create_task(probe_candidates("127.0.0.1", candidates, timeout=30))
    await asyncio.to_thread(silent_server.connected.wait, 5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await asyncio.to_thread(silent_server.peer_closed.wait, 2)


def test_candidates_for_skips_the_failing_combination() -> None:
    failing = Target(host="h", port=465, security="starttls")
    assert candidates_for(failing) == [
        Candidate(465, "implicit_tls"), Candidate(587, "starttls"),
        Candidate(25, "starttls"), Candidate(2525, "starttls"),
    ]
    custom = Target(host="h", port=2526, security="implicit_tls")
    assert candidates_for(custom)[0] == Candidate(2526, "starttls")
    assert candidates_for(custom)[1:] == list(DEFAULT_CANDIDATES)
    assert Candidate(587, "starttls") not in candidates_for(
        Target(host="h", port=587, security="starttls"))


def test_best_result_ranking() -> None:
    def ok(port: int, security: str, auth: str = "PLAIN LOGIN") -> ProbeResult:
        return ProbeResult(Candidate(port, security), True, "", {"AUTH": auth} if auth else {})

    failing = Target(host="h", port=465, security="starttls")
    # The same port in the other mode comes first.
    assert best_result([ok(587, "starttls"), ok(465, "implicit_tls")],
                       failing).candidate.port == 465
    # Then a candidate offering a usable AUTH (port 25 often offers none).
    relay = Target(host="h", port=2626, security="starttls")
    results = [ok(25, "starttls", auth=""), ok(2525, "starttls")]
    assert best_result(results, relay).candidate.port == 2525
    # Without authentication, the candidates' order.
    assert best_result(results, Target(host="h", port=2626, security="starttls",
                                       auth="none")).candidate.port == 25
    assert best_result([ProbeResult(Candidate(587, "starttls"), False, "")], failing) is None


async def test_probe_with_a_pinned_certificate(implicit_server: ScriptedServer,
                                               certs: Certificates) -> None:
    """The pin alone decides (the probe's TLS is not verified), and a mismatch is
    told in the run's language, not the process's."""
    candidate = Candidate(implicit_server.port, "implicit_tls")
    right = fingerprint(server_certificate_der(certs, "good"))
    matching = await probe_one("127.0.0.1", candidate, timeout=TIMEOUT, pinned_fingerprint=right)
    assert matching.ok, matching.detail
    wrong = "AA:" * 31 + "AA"
    refused = await probe_one("127.0.0.1", candidate, timeout=TIMEOUT,
                              pinned_fingerprint=wrong, lang="fr")
    assert not refused.ok
    assert "empreinte épinglée" in refused.detail


async def test_pinned_run_whose_candidates_present_another_certificate(
        implicit_server: ScriptedServer, certs: Certificates) -> None:
    """A candidate whose certificate does not match the pin is a failed probe, not a crash."""
    candidates = [Candidate(implicit_server.port, "implicit_tls")]
    pinned = target(free_port(), "starttls", certs, pinned_fingerprint="AA:" * 31 + "AA")
    result = await run_check(pinned, candidates=candidates)
    assert result.diagnosis.code == "connect.refused"
    assert result.suggestion is None
    [probe] = [p for p in result.step("connect").facts["probe"]
               if p["port"] == implicit_server.port and p["security"] == "implicit_tls"]
    assert probe["ok"] is False and "pinned" in probe["detail"]
