"""The store's network, read from real servers on loopback: port 25 blocked beside a
working 587, a certificate from an antivirus product's CA, a name whose IPv6 address
comes first while the server listens on IPv4 only, a certificate not yet valid with
the server's own time in its greeting."""

from __future__ import annotations

import datetime
import socket
import ssl
from collections.abc import Iterator
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword
from dns_server import DnsServer
from system_resolver import use_dns_server
from test_app_support import SIZE, assert_no_errors, build, settle, texts

from comelin_tui.config import CompanySettings, Config, SmtpSettings, save_config
from comelin_tui.diagnostics.engine import run_check
from comelin_tui.diagnostics.model import Target
from comelin_tui.diagnostics.probe import Candidate
from comelin_tui.discovery import discover

# Imported here, not in a test: pytest rewrites the asserts of any module named test_*.py,
# and CPython 3.11 can fail to parse one while the servers' threads run.
from comelin_tui.screens.test_send import TestSendScreen
from comelin_tui.secrets import SMTP_PASSWORD, FileSecretStore, secret_file_path

USER, PASSWORD = "caisse@boutique.test", "mot-de-passe-de-test"


class Accept:
    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        return "250 2.0.0 Ok: queued as NET1"


def _authenticate(server: SMTP, session: Any, envelope: Any, mechanism: str,
                  auth_data: Any) -> AuthResult:
    ok = (isinstance(auth_data, LoginPassword) and auth_data.login.decode() == USER
          and auth_data.password.decode() == PASSWORD)
    return AuthResult(success=ok, handled=False)


class Server(Controller):
    """aiosmtpd with STARTTLS (or implicit TLS), a login, and a greeting of our choice."""

    def __init__(self, leaf: trustme.LeafCert, *, host: str = "127.0.0.1", port: int = 0,
                 implicit: bool = False, ident: str = "ESMTP test") -> None:
        self.context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        leaf.configure_cert(self.context)
        self.implicit = implicit
        self.ident = ident
        super().__init__(Accept(), hostname=host, port=port,
                         ssl_context=self.context if implicit else None)

    def factory(self) -> SMTP:
        return SMTP(self.handler, hostname="mail.boutique.test", ident=self.ident,
                    tls_context=None if self.implicit else self.context,
                    auth_require_tls=not self.implicit, authenticator=_authenticate)

    def _create_server(self) -> Any:
        async def create() -> Any:
            server = await self.loop.create_server(
                self._factory_invoker, host=self.hostname, port=self.port,
                ssl=self.ssl_context)
            self.port = server.sockets[0].getsockname()[1]
            return server
        return create()


def target(host: str, port: int, ca: Path | None, **extra: Any) -> Target:
    values: dict[str, Any] = {
        "host": host, "port": port, "security": "starttls", "username": USER,
        "password": PASSWORD, "from_address": USER, "to_address": "compta@example.org",
        "ca_file": ca, "timeout": 1.5, "language": "en"}
    values.update(extra)
    return Target(**values)


def write_ca(ca: trustme.CA, folder: Path) -> Path:
    path = folder / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return path


@pytest.fixture
def started() -> Iterator[list[Controller]]:
    servers: list[Controller] = []
    yield servers
    for server in servers:
        server.stop()


def start(servers: list[Controller], server: Controller) -> Controller:
    try:
        server.start()
    except PermissionError as error:  # a port under 1024 without root
        pytest.skip(f"cannot listen on {server.hostname}:{server.port} here ({error})")
    servers.append(server)
    return server


# --- port 25 blocked, 587 open ---------------------------------------------------------------


@pytest.fixture
def blackholed_25() -> Iterator[str]:
    """Port 25 of 127.0.4.25 drops every connection attempt (a full accept queue), as a
    firewall or an ISP that blocks outgoing port 25 does. Ports under 1024: root only."""
    host = "127.0.4.25"
    listener, filler = socket.socket(), socket.socket()
    try:
        try:
            listener.bind((host, 25))
        except OSError as error:
            pytest.skip(f"cannot listen on {host}:25 here ({error})")
        listener.listen(0)
        filler.settimeout(2)
        filler.connect((host, 25))
        yield host
    finally:
        filler.close()
        listener.close()


async def test_port_25_silent_while_587_answers_names_the_block_and_the_port(
        blackholed_25: str, started: list[Controller], tmp_path: Path) -> None:
    ca = trustme.CA()
    start(started, Server(ca.issue_cert(blackholed_25), host=blackholed_25, port=587))
    result = await run_check(target(blackholed_25, 25, write_ca(ca, tmp_path)))
    assert result.status == "fail"
    assert result.diagnosis.code == "connect.timeout"
    assert "blocked on the way out" in result.diagnosis.summary
    assert "Internet provider or the store's firewall" in result.diagnosis.summary
    assert "Use port 587 (STARTTLS)" in result.diagnosis.hint
    assert (result.suggestion.port, result.suggestion.security) == (587, "starttls")
    probe = result.step("connect").facts["probe"]
    assert any(r["port"] == 587 and r["ok"] for r in probe)


# --- TLS interception ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def avast() -> trustme.CA:
    return trustme.CA(organization_name="Avast Web/Mail Shield",
                      organization_unit_name="generated by Avast Antivirus for SSL/TLS scanning")


async def test_an_antivirus_certificate_refused_names_the_product(
        avast: trustme.CA, started: list[Controller]) -> None:
    server = start(started, Server(avast.issue_cert("127.0.0.1")))
    result = await run_check(target("127.0.0.1", server.port, None), probe=False)
    step = result.step("starttls")
    assert step.status == "fail" and step.diagnosis.code == "tls.untrusted"
    assert "issued by the Avast antivirus" in step.diagnosis.summary
    assert "Mail Shield" in step.diagnosis.hint
    assert "Avast" in step.facts["issuer"]


async def test_an_antivirus_certificate_trusted_by_this_computer_is_a_warning(
        avast: trustme.CA, started: list[Controller], tmp_path: Path) -> None:
    server = start(started, Server(avast.issue_cert("127.0.0.1"), implicit=True))
    result = await run_check(target("127.0.0.1", server.port, write_ca(avast, tmp_path),
                                    security="implicit_tls"), probe=False)
    tls = result.step("tls")
    assert tls.status == "warn" and tls.diagnosis.code == "tls.intercepted"
    assert tls.facts["intercepted_by"] == "Avast"
    assert "goes through Avast" in tls.diagnosis.summary
    assert result.step("data").status == "ok"  # mail goes out: the warning contradicts nothing
    assert result.status == "warn" and result.exit_code == 1
    french = await run_check(target("127.0.0.1", server.port, write_ca(avast, tmp_path),
                                    security="implicit_tls", language="fr"), probe=False)
    assert "passe par Avast" in french.step("tls").diagnosis.summary


# --- IPv6 against IPv4 -------------------------------------------------------------------------


async def test_a_name_whose_ipv6_address_fails_is_reached_over_ipv4_and_said(
        started: list[Controller], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ca = trustme.CA()
    server = start(started, Server(ca.issue_cert("dual.boutique.test")))  # 127.0.0.1 only
    dns = DnsServer({"dual.boutique.test": [("AAAA", "::1"), ("A", "127.0.0.1")]},
                    zones=("test",)).start()
    try:
        asked = use_dns_server(monkeypatch, dns, ipv6_first=True)
        result = await run_check(target("dual.boutique.test", server.port,
                                        write_ca(ca, tmp_path)), probe=False)
    finally:
        dns.stop()
    assert "dual.boutique.test" in asked
    assert result.step("resolve").facts["addresses"] == ["::1", "127.0.0.1"]
    connect = result.step("connect")
    assert connect.status == "warn" and connect.diagnosis.code == "connect.family_failed"
    assert connect.facts["failed_family"] == "IPv6"
    assert connect.facts["failed_addresses"] == ["::1"]
    assert connect.diagnosis.summary.startswith("IPv6 does not reach the server")
    assert "IPv4 works" in connect.diagnosis.summary
    # Refused: IPv6 reaches the server's machine, where nothing listens: not this network.
    assert "refuses connections on its IPv6 address (::1)" in connect.diagnosis.hint
    assert "Nothing to change here" in connect.diagnosis.hint
    assert "network adapter" not in connect.diagnosis.hint
    assert result.step("data").status == "ok"


async def test_a_name_whose_ipv6_address_is_silent_gets_the_network_advice(
        started: list[Controller], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ca = trustme.CA()
    server = start(started, Server(ca.issue_cert("dual.boutique.test")))
    # The same port on ::1 drops every connection attempt (a full accept queue).
    listener, filler = socket.socket(socket.AF_INET6), socket.socket(socket.AF_INET6)
    try:
        try:
            listener.bind(("::1", server.port))
        except OSError as error:
            pytest.skip(f"no IPv6 loopback here ({error})")
        listener.listen(0)
        filler.settimeout(2)
        filler.connect(("::1", server.port))
        dns = DnsServer({"dual.boutique.test": [("AAAA", "::1"), ("A", "127.0.0.1")]},
                        zones=("test",)).start()
        try:
            use_dns_server(monkeypatch, dns, ipv6_first=True)
            result = await run_check(target("dual.boutique.test", server.port,
                                            write_ca(ca, tmp_path), language="fr"),
                                     probe=False)
        finally:
            dns.stop()
    finally:
        filler.close()
        listener.close()
    connect = result.step("connect")
    assert connect.status == "warn" and connect.diagnosis.code == "connect.family_failed"
    assert "désactivez l'IPv6 sur la carte réseau" in connect.diagnosis.hint
    assert result.step("data").status == "ok"


# --- the clock -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def future_ca() -> trustme.CA:
    return trustme.CA()


def future_leaf(ca: trustme.CA, now: datetime.datetime) -> trustme.LeafCert:
    return ca.issue_cert("127.0.0.1", not_before=now + datetime.timedelta(days=3),
                         not_after=now + datetime.timedelta(days=90))


def greeting_at(when: datetime.datetime) -> str:
    return f"ESMTP ready at {format_datetime(when)}"


@pytest.mark.parametrize("implicit", [False, True], ids=["starttls", "implicit_tls"])
async def test_a_certificate_not_yet_valid_with_the_servers_clock_ahead(
        future_ca: trustme.CA, started: list[Controller], tmp_path: Path,
        implicit: bool) -> None:
    NOW = datetime.datetime.now(datetime.UTC)
    # The server's clock says a week from now: this computer's clock is the wrong one.
    server = start(started, Server(future_leaf(future_ca, NOW), implicit=implicit,
                                   ident=greeting_at(NOW + datetime.timedelta(days=7))))
    result = await run_check(target("127.0.0.1", server.port, write_ca(future_ca, tmp_path),
                                    security="implicit_tls" if implicit else "starttls"),
                             probe=False)
    diagnosis = result.diagnosis
    assert diagnosis.code == "tls.expired"
    assert "not valid yet by this computer's clock" in diagnosis.summary
    assert "this computer's time is wrong" in diagnosis.hint
    shown = NOW.strftime("%Y-%m-%d")
    assert f"This computer's clock says {shown}" in diagnosis.hint
    week = (NOW + datetime.timedelta(days=7)).strftime("%Y-%m-%d")
    assert f"the server's says {week}" in diagnosis.hint


async def test_a_certificate_not_yet_valid_with_the_servers_clock_agreeing(
        future_ca: trustme.CA, started: list[Controller], tmp_path: Path) -> None:
    NOW = datetime.datetime.now(datetime.UTC)
    server = start(started, Server(future_leaf(future_ca, NOW), ident=greeting_at(NOW)))
    result = await run_check(target("127.0.0.1", server.port, write_ca(future_ca, tmp_path)),
                             probe=False)
    assert result.diagnosis.code == "tls.expired"
    assert "agrees with the server's" in result.diagnosis.hint
    assert result.step("banner").facts["server_time"].startswith(NOW.strftime("%Y-%m-%d"))


async def test_a_certificate_not_yet_valid_without_the_servers_time_shows_ours(
        future_ca: trustme.CA, started: list[Controller], tmp_path: Path) -> None:
    NOW = datetime.datetime.now(datetime.UTC)
    server = start(started, Server(future_leaf(future_ca, NOW)))
    result = await run_check(target("127.0.0.1", server.port, write_ca(future_ca, tmp_path),
                                    language="fr"), probe=False)
    assert result.diagnosis.code == "tls.expired"
    assert "pas encore valide" in result.diagnosis.summary
    assert f"L'horloge de cet ordinateur indique {NOW.strftime('%Y-%m-%d')}" in \
        result.diagnosis.hint


async def test_discover_says_port_25_is_blocked_when_587_answers(
        blackholed_25: str, started: list[Controller], tmp_path: Path) -> None:
    ca = trustme.CA()
    start(started, Server(ca.issue_cert("smtp.blocked25.test"), host=blackholed_25, port=587))
    dns = DnsServer({"blocked25.test": [("MX", "10 mx.blocked25.test.")],
                     "smtp.blocked25.test": [("A", blackholed_25)]}, zones=("test",)).start()
    try:
        result = await discover("caisse@blocked25.test", nameserver=dns.address, lifetime=1.5,
                                probe_timeout=1.5, ca_file=write_ca(ca, tmp_path),
                                autoconfig=False)
    finally:
        dns.stop()
    assert (result.source, result.host, result.port) == ("probe", "smtp.blocked25.test", 587)
    notes = {note.code: note.message("en") for note in result.notes}
    assert "discovery.port25_blocked" in notes
    assert "blocks port 25 on the way out; send through port 587" in notes[
        "discovery.port25_blocked"]
    silent = next(p for p in result.probes if p.port == 25)
    assert silent.error == "connect.timeout"
    assert {p["port"]: p["error"] for p in result.to_json()["probes"]}[25] == "connect.timeout"


# --- on the test screen --------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["fr", "en"])
async def test_the_test_screen_shows_the_interception_warning(
        avast: trustme.CA, started: list[Controller], tmp_path: Path, lang: str) -> None:
    server = start(started, Server(avast.issue_cert("127.0.0.1"), implicit=True))
    config_path = tmp_path / "config.toml"
    save_config(Config(
        provider="custom", company=CompanySettings(name="Boutique", email=USER),
        smtp=SmtpSettings(host="127.0.0.1", port=server.port, security="implicit_tls",
                          auth="password", username=USER, from_address=USER, timeout=3.0,
                          ca_file=write_ca(avast, tmp_path)),
        secret_backend="file"), config_path)
    FileSecretStore(secret_file_path(config_path)).set(SMTP_PASSWORD, PASSWORD)
    app = build(config_path, language=lang)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TestSendScreen)
        await pilot.press("ctrl+r")
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert screen.result is not None and screen.result.status == "warn"
        shown = texts(pilot)
        assert {"fr": "passe par Avast", "en": "goes through Avast"}[lang] in shown
        assert "Mail Shield" in shown
        assert PASSWORD not in shown
        assert_no_errors(app)


async def test_discover_warns_when_the_probe_meets_an_antivirus_certificate(
        avast: trustme.CA, started: list[Controller], tmp_path: Path) -> None:
    server = start(started, Server(avast.issue_cert("smtp.shielded.test")))
    dns = DnsServer({"shielded.test": [("MX", "10 mx.shielded.test.")],
                     "smtp.shielded.test": [("A", "127.0.0.1")]}, zones=("test",)).start()
    try:
        result = await discover("caisse@shielded.test", nameserver=dns.address, lifetime=1.5,
                                probe_timeout=1.5, ca_file=write_ca(avast, tmp_path),
                                autoconfig=False,
                                candidates=[Candidate(server.port, "starttls")])
    finally:
        dns.stop()
    assert result.source == "probe" and result.port == server.port
    warnings = {note.code: note.message("fr") for note in result.warnings}
    assert "issued by Avast" in {n.code: n.message("en") for n in result.warnings}[
        "discovery.intercepted"]
    assert "émis par Avast" in warnings["discovery.intercepted"]
    assert "Avast" in result.to_json()["probes"][0]["issuer"]
