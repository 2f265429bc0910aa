"""The engine's connection steps against real servers on 127.0.0.1: certificates (trustme),
pinned fingerprints, CA files, name resolution and several addresses."""

from __future__ import annotations

import hashlib
import socket
from pathlib import Path

import pytest
from hostile_servers import blackhole_port, free_port
from smtp_servers import (  # noqa: F401 - fixtures
    Certificates,
    ScriptedServer,
    certs_fixture,
    failing,
    fresh_servers,
    implicit_server_fixture,
    make_certificates,
    make_target,
    reset_used_servers,
    running,
    sent_auth,
    server_certificate_der,
    starttls_server_fixture,
)

from comelin_tui.diagnostics.engine import run_check
from comelin_tui.diagnostics.model import Target
from comelin_tui.diagnostics.tlsinfo import fingerprint

# -- certificates ------------------------------------------------------------------------

@pytest.mark.parametrize(("certificate", "code"), [
    ("untrusted", "tls.untrusted"),
    ("wrong_name", "tls.hostname_mismatch"),
    ("expired", "tls.expired"),
])
@pytest.mark.parametrize("mode", ["starttls", "implicit_tls"])
async def test_certificate_problems(starttls_server: ScriptedServer,
                                    implicit_server: ScriptedServer, certs: Certificates,
                                    certificate: str, code: str, mode: str) -> None:
    server = starttls_server if mode == "starttls" else implicit_server
    server.tls.current = certificate
    result = await run_check(make_target(server, certs))

    step = failing(result)
    assert step.id == ("starttls" if mode == "starttls" else "tls")
    assert result.diagnosis.code == code
    # The certificate is described, with the fingerprint a technician could pin.
    assert step.facts["verified"] is False
    assert step.facts["fingerprint_sha256"] == fingerprint(
        server_certificate_der(certs, certificate))
    assert step.facts["fingerprint_sha256"] in step.detail
    assert result.suggestion is None  # a certificate problem is the same on every port
    assert not sent_auth(result)


@pytest.mark.parametrize("mode", ["starttls", "implicit_tls"])
async def test_pinned_certificate_is_accepted_with_a_warning(
        starttls_server: ScriptedServer, implicit_server: ScriptedServer,
        certs: Certificates, mode: str) -> None:
    server = starttls_server if mode == "starttls" else implicit_server
    server.tls.current = "untrusted"
    pin = hashlib.sha256(server_certificate_der(certs, "untrusted")).hexdigest()  # lowercase
    result = await run_check(make_target(server, certs, pinned_fingerprint=pin))

    assert result.status == "warn" and result.exit_code == 1
    step = result.step("starttls" if mode == "starttls" else "tls")
    assert step.status == "warn"
    assert "pinned" in step.detail
    assert step.facts["pinned"] is True and step.facts["verified"] is False
    assert result.step("data").status == "ok"
    assert len(server.scripted.messages) == 1


async def test_wrong_pin_is_refused(starttls_server: ScriptedServer,
                                    certs: Certificates) -> None:
    starttls_server.tls.current = "untrusted"
    pin = fingerprint(server_certificate_der(certs, "good"))
    result = await run_check(make_target(starttls_server, certs, pinned_fingerprint=pin))
    assert result.diagnosis.code == "tls.untrusted"
    assert "pinned" in failing(result).detail
    assert starttls_server.scripted.commands == []


async def test_a_trusted_certificate_that_is_not_the_pinned_one_is_refused(
        starttls_server: ScriptedServer, certs: Certificates) -> None:
    """A pin means exactly this certificate, in the engine as in the probe."""
    other = fingerprint(server_certificate_der(certs, "untrusted"))
    result = await run_check(make_target(starttls_server, certs, send=False,
                                         pinned_fingerprint=other))
    assert result.status == "fail"
    step = failing(result)
    assert step.id == "starttls" and result.diagnosis.code == "tls.untrusted"
    assert "not the pinned one" in step.detail
    assert "another certificate than the pinned one" in result.diagnosis.summary
    assert "AUTH" not in " ".join(starttls_server.scripted.commands)


async def test_the_pinned_certificate_itself_passes_when_trusted_too(
        starttls_server: ScriptedServer, certs: Certificates) -> None:
    pin = fingerprint(server_certificate_der(certs, "good"))
    result = await run_check(make_target(starttls_server, certs, send=False,
                                         pinned_fingerprint=pin))
    assert result.status == "ok"
    assert result.step("starttls").facts["pinned"] is True


async def test_a_pinned_certificate_for_another_name_says_so(
        starttls_server: ScriptedServer, certs: Certificates) -> None:
    starttls_server.tls.current = "wrong_name"  # issued for mail.example.net
    pin = fingerprint(server_certificate_der(certs, "wrong_name"))
    result = await run_check(make_target(starttls_server, certs, send=False,
                                         pinned_fingerprint=pin))
    step = result.step("starttls")
    assert step.status == "warn" and step.facts["name_matches"] is False
    assert "name check: the certificate does NOT cover 127.0.0.1" in step.detail
    assert "without the pin: " in step.detail


async def test_the_probe_trusts_exactly_the_pinned_certificate_too(
        starttls_server: ScriptedServer, certs: Certificates) -> None:
    from comelin_tui.diagnostics.probe import Candidate, probe_one

    good = fingerprint(server_certificate_der(certs, "good"))
    other = fingerprint(server_certificate_der(certs, "untrusted"))
    candidate = Candidate(starttls_server.port, "starttls")
    same = await probe_one("127.0.0.1", candidate, timeout=3.0, ca_file=certs.ca_file,
                           pinned_fingerprint=good)
    assert same.ok
    different = await probe_one("127.0.0.1", candidate, timeout=3.0, ca_file=certs.ca_file,
                                pinned_fingerprint=other)
    assert not different.ok


async def test_unreadable_ca_file(starttls_server: ScriptedServer, certs: Certificates,
                                  tmp_path: Path) -> None:
    result = await run_check(make_target(starttls_server, certs,
                                         ca_file=tmp_path / "missing.pem"))
    assert failing(result).id == "starttls"
    assert result.diagnosis.code == "config.invalid"
    assert "missing.pem" in failing(result).detail


# -- resolution ---------------------------------------------------------------------------

@pytest.mark.parametrize(("error", "code"), [
    (socket.EAI_NONAME, "dns.not_found"),
    (socket.EAI_AGAIN, "dns.unavailable"),
])
async def test_name_resolution_failures(monkeypatch: pytest.MonkeyPatch, error: int,
                                        code: str) -> None:
    # The OS resolver cannot be pointed at a test DNS server: make it fail as it would,
    # for the server's name only (the names that certainly exist still resolve).
    real = socket.getaddrinfo

    def getaddrinfo(host: object, *args: object, **kwargs: object) -> list[object]:
        if host != "smtp.example.invalid":
            return real(host, *args, **kwargs)  # type: ignore[arg-type]
        raise socket.gaierror(error, "resolver says no")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    result = await run_check(Target(host="smtp.example.invalid", port=587,
                                    security="starttls", timeout=2.0))
    assert failing(result).id == "resolve"
    assert result.diagnosis.code == code
    assert "smtp.example.invalid" in failing(result).detail
    assert result.suggestion is None


async def test_empty_host_is_a_configuration_problem() -> None:
    result = await run_check(Target(host="", port=587, security="starttls"))
    assert result.diagnosis.code == "config.invalid"
    assert result.exit_code == 2


# -- several addresses ----------------------------------------------------------------------

def fake_resolver(monkeypatch: pytest.MonkeyPatch, addresses: list[tuple[str, int]]) -> None:
    """The OS resolver answering *addresses* (IPv6 first) for any name; sockets stay real."""
    def getaddrinfo(host: object, port: object, *args: object, **kwargs: object) -> list:
        return [
            (socket.AF_INET6 if ":" in address else socket.AF_INET, socket.SOCK_STREAM,
             socket.IPPROTO_TCP, "",
             (address, real_port, 0, 0) if ":" in address else (address, real_port))
            for address, real_port in addresses
        ]
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


async def test_each_address_is_tried_in_order(monkeypatch: pytest.MonkeyPatch,
                                              starttls_server: ScriptedServer,
                                              certs: Certificates) -> None:
    # Nothing listens on ::1 at that port (the server is bound to 127.0.0.1 only).
    fake_resolver(monkeypatch, [("::1", starttls_server.port),
                                ("127.0.0.1", starttls_server.port)])
    result = await run_check(make_target(starttls_server, certs, host="localhost", send=False))

    # Connected over IPv4 after IPv6 failed: a warning that says so, and the run goes on.
    assert result.status == "warn", result.to_json()
    connect = result.step("connect")
    assert connect.status == "warn" and connect.diagnosis.code == "connect.family_failed"
    assert (connect.facts["failed_family"], connect.facts["working_family"]) == ("IPv6", "IPv4")
    assert result.step("rcpt_to").status == "ok"
    assert result.step("resolve").facts == {
        "addresses": ["::1", "127.0.0.1"], "a": ["127.0.0.1"], "aaaa": ["::1"]}
    assert result.step("resolve").detail == "::1, 127.0.0.1"
    attempts = result.step("connect").facts["attempts"]
    assert [(a["address"], a["ok"]) for a in attempts] == [("::1", False), ("127.0.0.1", True)]
    assert "refused" in attempts[0]["error"]


async def test_refused_only_when_every_address_refuses(monkeypatch: pytest.MonkeyPatch) -> None:
    port = free_port()
    fake_resolver(monkeypatch, [("::1", port), ("127.0.0.1", port)])
    result = await run_check(Target(host="smtp.example.com", port=port, security="starttls",
                                    timeout=1.0), probe=False)
    assert result.diagnosis.code == "connect.refused"
    assert "::1" in failing(result).detail and "127.0.0.1" in failing(result).detail

    with blackhole_port() as dropped:
        fake_resolver(monkeypatch, [("::1", dropped), ("127.0.0.1", dropped)])
        result = await run_check(Target(host="smtp.example.com", port=dropped,
                                        security="starttls", timeout=1.0), probe=False)
    # ::1 refuses (nothing listens there), 127.0.0.1 drops: the timeout explains it.
    assert result.diagnosis.code == "connect.timeout"
    assert failing(result).duration_ms < 1500
