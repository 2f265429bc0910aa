"""Settings discovery against a real DNS server on 127.0.0.1 (and real SMTP servers for probing)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import ssl
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import trustme
from dns_server import DnsServer, dns_server_fixture  # noqa: F401

from comelin_tui.discovery import DiscoveryError, discover, dns, lookup_mx

LIFETIME = 1.0


# -- MX ---------------------------------------------------------------------------------

async def test_lookup_mx_google_sorted_and_detected(dns_server: DnsServer) -> None:
    result = await lookup_mx("ventes@gshop.test", nameserver=dns_server.address, lifetime=LIFETIME)
    assert result.status == "ok"
    assert result.hosts == ("aspmx.l.google.com", "alt1.aspmx.l.google.com",
                            "alt3.aspmx.l.google.com")
    assert result.provider_id == "google-workspace"
    assert result.message("en") == (
        "The domain's MX points to Google Workspace / Gmail (aspmx.l.google.com)")
    assert result.message("fr").startswith("Le MX du domaine pointe vers Google")


async def test_lookup_mx_microsoft(dns_server: DnsServer) -> None:
    result = await lookup_mx("contoso.test", nameserver=dns_server.address, lifetime=LIFETIME)
    assert result.hosts == ("contoso-test.mail.protection.outlook.com",)
    assert result.provider_id == "microsoft365"


@pytest.mark.parametrize(("domain", "status"), [
    ("missing.test", "nxdomain"),
    ("nomx.test", "no_answer"),
    ("servfail.test", "servfail"),
])
async def test_lookup_mx_faults_are_statuses(dns_server: DnsServer, domain: str, status: str) -> None:
    result = await lookup_mx(domain, nameserver=dns_server.address, lifetime=LIFETIME)
    assert result.status == status
    assert result.hosts == ()
    assert result.detection is None
    assert domain in result.message("en")
    assert result.message("fr") != result.message("en")


async def test_null_mx_means_no_mail(dns_server: DnsServer) -> None:
    result = await lookup_mx("nullmx.test", nameserver=dns_server.address, lifetime=LIFETIME)
    assert (result.status, result.null_mx, result.hosts) == ("ok", True, ())
    assert "null MX" in result.message("en")


async def test_server_that_never_answers_costs_one_lifetime(dns_server: DnsServer) -> None:
    started = time.monotonic()
    result = await lookup_mx("slow.test", nameserver=dns_server.address, lifetime=LIFETIME)
    assert time.monotonic() - started < LIFETIME + 0.5
    assert result.status == "timeout"
    assert "did not answer in time" in result.message("en")


async def test_discover_with_silent_server_is_bounded_by_the_lifetime(dns_server: DnsServer) -> None:
    # Seven parallel lookups (MX, two SRV, A/AAAA of two hosts): one lifetime in all.
    started = time.monotonic()
    result = await discover("a@slow.test", nameserver=dns_server.address, lifetime=LIFETIME)
    assert time.monotonic() - started < LIFETIME + 0.5
    assert not result.found
    assert set(result.lookups.values()) == {"timeout"}
    assert len(result.lookups) == 7
    assert [w.code for w in result.warnings] == ["dns.unavailable"]


async def test_unreachable_dns_server_is_a_status(unused_udp_port: int) -> None:
    result = await lookup_mx("gshop.test", nameserver=f"127.0.0.1:{unused_udp_port}",
                             lifetime=0.5)
    assert result.status in ("error", "servfail", "timeout")
    assert result.message("en")


@pytest.fixture
def unused_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("content", [None, "# no nameserver line\n"])
async def test_no_resolver_configuration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         content: str | None) -> None:
    resolv = tmp_path / "resolv.conf"
    if content is not None:
        resolv.write_text(content)
    monkeypatch.setattr(dns, "RESOLV_CONF", str(resolv))
    result = await lookup_mx("gshop.test", lifetime=LIFETIME)
    assert result.status == "no_resolver"
    assert "no DNS server is configured" in result.message("en")
    found = await discover("gshop.test", lifetime=LIFETIME)
    assert not found.found
    assert set(found.lookups.values()) == {"no_resolver"}


# -- Provider from MX ------------------------------------------------------------------------

async def test_discover_google_from_mx(dns_server: DnsServer) -> None:
    result = await discover("ventes@gshop.test", nameserver=dns_server.address, lifetime=LIFETIME)
    assert result.provider_id == "google-workspace"
    assert (result.host, result.port, result.security) == ("smtp.gmail.com", 587, "starttls")
    assert (result.source, result.confidence) == ("mx", "high")
    assert result.reason("en") == (
        "The domain's MX points to Google Workspace / Gmail (aspmx.l.google.com)")
    assert result.reason("fr").startswith("Le MX du domaine pointe vers Google")
    assert result.mx_hosts[0] == "aspmx.l.google.com"
    assert result.warnings == []
    assert result.probes == []  # MX answered: nothing to probe
    json.dumps(result.to_json("fr"))


async def test_discover_microsoft_from_mx(dns_server: DnsServer) -> None:
    result = await discover("contoso.test", nameserver=dns_server.address, lifetime=LIFETIME)
    assert result.provider_id == "microsoft365"
    assert result.host == "smtp.office365.com"
    assert "contoso-test.mail.protection.outlook.com" in result.reason("en")


async def test_idn_domain_is_encoded(dns_server: DnsServer) -> None:
    result = await discover("Ventes@Épicerie.test", nameserver=dns_server.address, lifetime=LIFETIME)
    assert result.domain == "épicerie.test"
    assert result.domain_ascii == "xn--picerie-9xa.test"
    assert result.provider_id == "google-workspace"
    assert ("xn--picerie-9xa.test.", "MX") in dns_server.queries


async def test_public_domain_known_without_dns(dns_server: DnsServer) -> None:
    # The test server refuses names outside its zones (gmail.com); the catalogue still knows.
    result = await discover("magasin@gmail.com", nameserver=dns_server.address, lifetime=LIFETIME)
    assert (result.provider_id, result.source, result.host) == (
        "google-workspace", "domain", "smtp.gmail.com")
    assert result.mx.status == "servfail"


# -- SRV -------------------------------------------------------------------------------------

async def test_srv_submissions_before_submission(dns_server: DnsServer) -> None:
    result = await discover("a@srvshop.test", nameserver=dns_server.address, lifetime=LIFETIME,
                            probe=False)
    assert (result.host, result.port, result.security) == ("smtp.srvshop.test", 465,
                                                           "implicit_tls")
    assert (result.source, result.confidence, result.provider_id) == ("srv", "high", None)
    assert result.reason("en") == (
        "The SRV record _submissions._tcp.srvshop.test gives smtp.srvshop.test port 465 "
        "(implicit SSL/TLS)")
    assert result.warnings == []
    assert [n.code for n in result.notes] == ["discovery.mx_unknown"]


async def test_srv_dot_target_means_not_offered(dns_server: DnsServer) -> None:
    result = await discover("a@srvdot.test", nameserver=dns_server.address, lifetime=LIFETIME,
                            probe=False)
    assert result.srv[0].not_offered and result.srv[0].record is None
    # The lower priority value wins among the STARTTLS records.
    assert (result.host, result.port, result.security) == ("mail.srvdot.test", 587, "starttls")
    assert "discovery.srv_not_offered" in [n.code for n in result.notes]
    assert "not offered" in " ".join(n.message("en") for n in result.notes)


async def test_srv_outside_domain_warns(dns_server: DnsServer) -> None:
    result = await discover("a@srvout.test", nameserver=dns_server.address, lifetime=LIFETIME,
                            probe=False)
    assert result.host == "smtp.hosting.test"
    assert result.confidence == "medium"
    [warning] = result.warnings
    assert warning.code == "discovery.srv_outside"
    assert "outside the domain srvout.test" in warning.message("en")
    assert "hors du domaine" in warning.message("fr")


# -- Probe fallback --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> tuple[ssl.SSLContext, Path]:
    ca = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("smtp.probeshop.test").configure_cert(context)
    ca_file = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    return context, ca_file


@contextlib.asynccontextmanager
async def smtp_servers(context: ssl.SSLContext) -> AsyncIterator[tuple[int, int, int]]:
    """(closed port, STARTTLS port, implicit TLS port) on 127.0.0.1."""
    from aiosmtpd.handlers import Sink
    from aiosmtpd.smtp import SMTP

    loop = asyncio.get_running_loop()
    starttls = await loop.create_server(
        lambda: SMTP(Sink(), hostname="smtp.probeshop.test", tls_context=context),
        "127.0.0.1", 0)
    implicit = await loop.create_server(
        lambda: SMTP(Sink(), hostname="smtp.probeshop.test"), "127.0.0.1", 0, ssl=context)
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        closed_port = closed.getsockname()[1]
    try:
        yield (closed_port, starttls.sockets[0].getsockname()[1],
               implicit.sockets[0].getsockname()[1])
    finally:
        for srv in (starttls, implicit):
            srv.close()


async def test_probe_fallback_finds_the_best_ranked_answer(
    dns_server: DnsServer, tls: tuple[ssl.SSLContext, Path],
) -> None:
    from comelin_tui.diagnostics.probe import Candidate

    context, ca_file = tls
    async with smtp_servers(context) as (closed, starttls_port, implicit_port):
        candidates = [Candidate(closed, "starttls"), Candidate(starttls_port, "starttls"),
                      Candidate(implicit_port, "implicit_tls")]
        result = await discover("caisse@probeshop.test", nameserver=dns_server.address,
                                lifetime=LIFETIME, probe_timeout=3.0, candidates=candidates,
                                ca_file=ca_file)
    assert (result.source, result.confidence) == ("probe", "medium")
    # The closed port ranks first but refuses; the next one in the ranking wins.
    assert (result.host, result.port, result.security) == (
        "smtp.probeshop.test", starttls_port, "starttls")
    assert result.reason("en") == (
        f"A mail server answered on smtp.probeshop.test port {starttls_port} (STARTTLS)")
    probed = {(p.host, p.port): p.ok for p in result.probes}
    assert probed == {("smtp.probeshop.test", closed): False,
                      ("smtp.probeshop.test", starttls_port): True,
                      ("smtp.probeshop.test", implicit_port): True}
    # mail.probeshop.test does not exist: never probed.
    assert result.lookups["A mail.probeshop.test"] == "nxdomain"


async def test_probe_skipped_when_disabled(dns_server: DnsServer) -> None:
    result = await discover("caisse@probeshop.test", nameserver=dns_server.address,
                            lifetime=LIFETIME, probe=False)
    assert not result.found
    assert result.source is None and result.confidence is None
    assert result.probes == []
    assert "Nothing found for probeshop.test" in result.reason("en")
    assert "A smtp.probeshop.test" not in result.lookups


async def test_nothing_found_and_nothing_to_probe(dns_server: DnsServer) -> None:
    result = await discover("a@nomx.test", nameserver=dns_server.address, lifetime=LIFETIME)
    assert not result.found
    assert [w.code for w in result.warnings] == ["dns.mx_missing"]
    assert result.probes == []


async def test_nxdomain_domain(dns_server: DnsServer) -> None:
    result = await discover("a@missing.test", nameserver=dns_server.address, lifetime=LIFETIME)
    assert not result.found
    assert [w.code for w in result.warnings] == ["dns.not_found"]
    assert "does not exist" in result.warnings[0].message("en")


# -- Bad input -------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["", "no-domain@", "nodot", "a@b c.test", "x@-bad-.test",
                                   "x@" + "a" * 64 + ".test"])
async def test_bad_domain_is_bad_input(value: str) -> None:
    with pytest.raises(DiscoveryError) as caught:
        await discover(value, nameserver="127.0.0.1:1")
    assert caught.value.exit_code == 3
    assert "not a usable email address" in caught.value.message("en")


# The same rules as the dns_server setting (one parser for both).
@pytest.mark.parametrize("value", ["1.2.3", "dns.example", "127.0.0.1:0", "127.0.0.1:x",
                                   "[::1]x", "127.0.0.1:", "[127.0.0.1]:53", "[::1]:"])
async def test_bad_nameserver_is_bad_input(value: str) -> None:
    with pytest.raises(DiscoveryError) as caught:
        await lookup_mx("gshop.test", nameserver=value)
    assert "not a valid DNS server" in caught.value.message("en")


@pytest.mark.parametrize(("value", "expected"), [
    ("127.0.0.1", ("127.0.0.1", 53)), ("127.0.0.1:5353", ("127.0.0.1", 5353)),
    ("::1", ("::1", 53)), ("[::1]:5353", ("::1", 5353)),
])
def test_parse_nameserver(value: str, expected: tuple[str, int]) -> None:
    assert dns.parse_nameserver(value) == expected


async def test_bad_lifetime_is_bad_input() -> None:
    with pytest.raises(DiscoveryError):
        await lookup_mx("gshop.test", nameserver="127.0.0.1", lifetime=0)
