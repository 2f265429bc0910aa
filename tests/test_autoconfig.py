"""Autoconfig as Thunderbird does it, against a real HTTPS server and a real DNS
server on loopback: the domain's own file, the well-known path, the ISPDB, the
ISPDB entry of the MX's domain; bad XML, a huge file, a slow server, redirects."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme
from dns_server import DnsServer
from https_server import HttpsServer, Reply, redirect, xml
from test_app_support import SIZE, build, paste, settle, texts, value

from comelin_tui import cli
from comelin_tui.discovery import DiscoveryError, autoconfig, discover
from comelin_tui.discovery.autoconfig import FetchFailed, mx_domains, parse
from comelin_tui.screens.wizard import WizardScreen

LIFETIME = 1.5


def config_xml(host: str = "smtp.%EMAILDOMAIN%", port: int = 465, socket: str = "SSL",
               username: str = "%EMAILADDRESS%", name: str = "Hébergeur Test",
               extra: str = "") -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="example.test">
    <domain>example.test</domain>
    <displayName>{name}</displayName>
    <incomingServer type="imap">
      <hostname>imap.example.test</hostname><port>993</port><socketType>SSL</socketType>
      <username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication>
    </incomingServer>
    {extra}
    <outgoingServer type="smtp">
      <hostname>{host}</hostname>
      <port>{port}</port>
      <socketType>{socket}</socketType>
      <username>{username}</username>
      <authentication>password-cleartext</authentication>
    </outgoingServer>
  </emailProvider>
</clientConfig>"""


ZONES = {
    # The domain's own autoconfig host.
    "own.test": [("MX", "10 mx.own.test.")],
    "autoconfig.own.test": [("A", "127.0.0.1")],
    # Only the website's well-known path.
    "wk.test": [("MX", "10 mx.wk.test."), ("A", "127.0.0.1")],
    # Only the ISPDB knows the domain.
    "ispshop.test": [("MX", "10 mx.ispshop.test.")],
    # Only the ISPDB knows the MX's domain.
    "mxshop.test": [("MX", "10 mx1.mailhost.test.")],
    # Both the domain's file and the ISPDB: the domain's own wins.
    "both.test": [("MX", "10 mx.both.test.")],
    "autoconfig.both.test": [("A", "127.0.0.1")],
    # Trouble: bad XML, a huge file, a slow server, redirects.
    "badxml.test": [("MX", "10 mx.badxml.test.")],
    "autoconfig.badxml.test": [("A", "127.0.0.1")],
    "_submission._tcp.badxml.test": [("SRV", "0 1 587 smtp.badxml.test.")],
    "huge.test": [("MX", "10 mx.huge.test.")],
    "autoconfig.huge.test": [("A", "127.0.0.1")],
    "slowhost.test": [("MX", "10 mx.slowhost.test.")],
    "autoconfig.slowhost.test": [("A", "127.0.0.1")],
    "tohttp.test": [("MX", "10 mx.tohttp.test.")],
    "autoconfig.tohttp.test": [("A", "127.0.0.1")],
    "tohttps.test": [("MX", "10 mx.tohttps.test.")],
    "autoconfig.tohttps.test": [("A", "127.0.0.1")],
    "untrusted.test": [("MX", "10 mx.untrusted.test.")],
    "autoconfig.untrusted.test": [("A", "127.0.0.1")],
    # Bodies in chunks, whole or cut short; a length over the limit.
    "chunks.test": [("MX", "10 mx.chunks.test.")],
    "autoconfig.chunks.test": [("A", "127.0.0.1")],
    "cutchunks.test": [("MX", "10 mx.cutchunks.test.")],
    "autoconfig.cutchunks.test": [("A", "127.0.0.1")],
    "claims.test": [("MX", "10 mx.claims.test.")],
    "autoconfig.claims.test": [("A", "127.0.0.1")],
    # The domain's own file comes late, the ISPDB's at once: the domain's still wins.
    "late.test": [("MX", "10 mx.late.test.")],
    "autoconfig.late.test": [("A", "127.0.0.1")],
    # A file offering only plaintext sending.
    "plain.test": [("MX", "10 mx.plain.test.")],
    "autoconfig.plain.test": [("A", "127.0.0.1")],
    # The ISPDB mirror's own name.
    "ispdb.test": [("A", "127.0.0.1")],
}
NAMES = ["autoconfig.own.test", "wk.test", "autoconfig.both.test", "autoconfig.badxml.test",
         "autoconfig.huge.test", "autoconfig.slowhost.test", "autoconfig.tohttp.test",
         "autoconfig.tohttps.test", "autoconfig.chunks.test", "autoconfig.cutchunks.test",
         "autoconfig.claims.test", "autoconfig.late.test", "autoconfig.plain.test", "ispdb.test"]
OWN = "/mail/config-v1.1.xml"
WELL_KNOWN = "/.well-known/autoconfig/mail/config-v1.1.xml"


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def ca_file(ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return path


@pytest.fixture(scope="module")
def dns() -> Iterator[DnsServer]:
    server = DnsServer(ZONES, zones=("test",)).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def web(ca: trustme.CA) -> Iterator[HttpsServer]:
    server = HttpsServer(ca, NAMES).start()
    server.routes.update({
        ("autoconfig.own.test", OWN): xml(config_xml()),
        ("wk.test", WELL_KNOWN): xml(config_xml(host="mail.wk.test", port=587,
                                                socket="STARTTLS")),
        ("ispdb.test", "/v1.1/ispshop.test"): xml(config_xml(
            host="smtp.isp.test", username="%EMAILLOCALPART%")),
        ("ispdb.test", "/v1.1/mailhost.test"): xml(config_xml(host="out.mailhost.test")),
        ("autoconfig.both.test", OWN): xml(config_xml(host="own.both.test")),
        ("ispdb.test", "/v1.1/both.test"): xml(config_xml(host="ispdb.both.test")),
        # Entities (a "billion laughs" seed) in an otherwise good file: refused whole.
        ("autoconfig.badxml.test", OWN): xml(config_xml(name="&b;").replace(
            '<?xml version="1.0" encoding="UTF-8"?>',
            '<?xml version="1.0"?><!DOCTYPE clientConfig [<!ENTITY a "aaaaaaaaaa">'
            '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>')),
        ("autoconfig.chunks.test", OWN): Reply(config_xml(host="chunked.chunks.test").encode(),
                                               kind="chunked", size=100),
        ("autoconfig.cutchunks.test", OWN): Reply(config_xml().encode(), kind="chunked",
                                                  size=100, cut=True),
        ("autoconfig.claims.test", OWN): Reply(b"<clientConfig/>", kind="claims",
                                               size=50 * 1024 * 1024),
        ("autoconfig.late.test", OWN): Reply(config_xml(host="own.late.test").encode(),
                                             delay=0.4),
        ("ispdb.test", "/v1.1/late.test"): xml(config_xml(host="ispdb.late.test")),
        ("autoconfig.plain.test", OWN): xml(config_xml(host="mail.plain.test", port=25,
                                                       socket="plain")),
        ("autoconfig.huge.test", OWN): Reply(kind="stream", size=4 * 1024 * 1024),
        ("autoconfig.slowhost.test", OWN): Reply(kind="slow"),
        ("autoconfig.tohttp.test", OWN): redirect("http://autoconfig.tohttp.test/config.xml"),
        ("autoconfig.tohttps.test", OWN): redirect("/moved.xml", 302),
        ("autoconfig.tohttps.test", "/moved.xml"): xml(config_xml(host="moved.tohttps.test")),
    })
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def own_port(web: HttpsServer, monkeypatch: pytest.MonkeyPatch) -> None:
    # The domains' own https:// URLs name no port: serve them on the test server's.
    monkeypatch.setattr(autoconfig, "HTTPS_PORT", web.port)


def run(dns: DnsServer, web: HttpsServer, email: str, ca_file: Path | None,
        **kwargs: object) -> object:
    return asyncio.run(discover(email, nameserver=dns.address, lifetime=LIFETIME, probe=False,
                                ca_file=ca_file, ispdb_url=web.url("ispdb.test", "/v1.1/"),
                                **kwargs))  # type: ignore[arg-type]


def tried(result: object) -> dict[str, str]:
    data = result.autoconfig.to_json("en")  # type: ignore[attr-defined]
    return {a["source"]: a["status"] for a in data["tried"]}


def test_the_domains_own_file_fills_in_its_placeholders(
        dns: DnsServer, web: HttpsServer, ca_file: Path) -> None:
    result = run(dns, web, "ventes@own.test", ca_file)
    assert (result.host, result.port, result.security) == ("smtp.own.test", 465, "implicit_tls")
    assert result.username == "ventes@own.test"
    assert (result.source, result.confidence) == ("autoconfig", "high")
    assert result.autoconfig.chosen.source == "domain"
    assert result.autoconfig.chosen.provider_name == "Hébergeur Test"
    assert ("autoconfig.own.test", f"{OWN}?emailaddress=ventes@own.test") in web.requests
    reason = result.reason("en")
    assert "the domain's autoconfig file" in reason and "smtp.own.test port 465" in reason
    assert "emailaddress" not in reason
    data = result.to_json("fr")
    assert data["source"] == "autoconfig"
    assert data["server"] == {"host": "smtp.own.test", "port": 465, "security": "implicit_tls",
                              "username": "ventes@own.test"}
    assert data["autoconfig"]["source"] == "domain"
    assert data["autoconfig"]["tried"][0]["servers"][0]["host"] == "smtp.own.test"
    assert "fichier autoconfig du domaine" in data["reason"]


def test_the_well_known_path_when_there_is_no_autoconfig_host(
        dns: DnsServer, web: HttpsServer, ca_file: Path) -> None:
    result = run(dns, web, "ventes@wk.test", ca_file)
    assert (result.host, result.port, result.security) == ("mail.wk.test", 587, "starttls")
    assert tried(result)["domain"] == "unreachable"  # autoconfig.wk.test has no address
    assert tried(result)["well_known"] == "ok"
    assert ("wk.test", WELL_KNOWN) in web.requests


def test_the_ispdb_when_the_domain_publishes_nothing(
        dns: DnsServer, web: HttpsServer, ca_file: Path) -> None:
    result = run(dns, web, "caisse@ispshop.test", ca_file)
    assert (result.host, result.port) == ("smtp.isp.test", 465)
    assert result.username == "caisse"  # %EMAILLOCALPART%
    assert tried(result) == {"domain": "unreachable", "well_known": "unreachable",
                             "ispdb": "ok"}
    assert result.autoconfig.to_json()["url"] == web.url("ispdb.test", "/v1.1/ispshop.test")


def test_the_ispdb_entry_of_the_mx_domain_comes_last(
        dns: DnsServer, web: HttpsServer, ca_file: Path) -> None:
    result = run(dns, web, "caisse@mxshop.test", ca_file)
    assert result.host == "out.mailhost.test"
    assert result.confidence == "medium"
    statuses = tried(result)
    assert statuses["ispdb"] == "not_found" and statuses["ispdb_mx"] == "ok"
    assert ("ispdb.test", "/v1.1/mailhost.test") in web.requests
    assert "the MX's domain" in result.reason("en")


def test_the_domains_own_file_wins_over_the_ispdb(
        dns: DnsServer, web: HttpsServer, ca_file: Path) -> None:
    result = run(dns, web, "caisse@both.test", ca_file)
    assert result.host == "own.both.test"
    assert result.autoconfig.chosen.source == "domain"
    assert tried(result)["ispdb"] in ("ok", "not_needed")


def test_bad_xml_is_refused_and_the_next_source_is_used(
        dns: DnsServer, web: HttpsServer, ca_file: Path) -> None:
    result = run(dns, web, "caisse@badxml.test", ca_file)
    assert tried(result)["domain"] == "bad_xml"
    # The SRV record comes after autoconfig: it is what is found.
    assert (result.source, result.host, result.port) == ("srv", "smtp.badxml.test", 587)
    message = result.autoconfig.attempts[0].message("fr")
    assert message.startswith("fichier illisible")


def test_the_domains_own_file_wins_even_when_it_answers_last(
        dns: DnsServer, web: HttpsServer, ca_file: Path) -> None:
    result = run(dns, web, "caisse@late.test", ca_file)
    assert result.host == "own.late.test"
    assert tried(result)["domain"] == "ok" and tried(result)["ispdb"] == "ok"
    assert result.autoconfig.attempts[0].duration_ms >= 300


def test_chunked_bodies_whole_and_cut_short(dns: DnsServer, web: HttpsServer,
                                            ca_file: Path) -> None:
    assert run(dns, web, "caisse@chunks.test", ca_file).host == "chunked.chunks.test"
    cut = run(dns, web, "caisse@cutchunks.test", ca_file)
    assert tried(cut)["domain"] == "error"
    assert cut.autoconfig.attempts[0].message("fr") == "échec (réponse coupée)"
    assert cut.autoconfig.attempts[0].message("en") == "failed (answer cut short)"


def test_a_length_over_the_limit_is_not_read(dns: DnsServer, web: HttpsServer,
                                             ca_file: Path) -> None:
    started = time.monotonic()
    result = run(dns, web, "caisse@claims.test", ca_file)
    assert tried(result)["domain"] == "too_large"
    assert time.monotonic() - started < LIFETIME


def test_a_plaintext_only_file_is_a_warning(dns: DnsServer, web: HttpsServer,
                                            ca_file: Path) -> None:
    result = run(dns, web, "caisse@plain.test", ca_file)
    assert (result.host, result.security) == ("mail.plain.test", "none")
    codes = [w.code for w in result.warnings]
    assert "discovery.autoconfig_plain" in codes


def test_a_bad_ispdb_url_in_the_environment_is_a_warning_not_a_failure(
        dns: DnsServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMELIN_ISPDB_URL", "http://mirror.test/v1.1/")
    result = asyncio.run(discover("caisse@own.test", nameserver=dns.address,
                                  lifetime=LIFETIME, probe=False))
    assert result.mx.status == "ok"  # the rest of the lookup went on
    warning = next(w for w in result.warnings if w.code == "autoconfig.bad_env")
    assert warning.message("en").startswith("COMELIN_ISPDB_URL: ")


def test_a_huge_file_is_cut_short(dns: DnsServer, web: HttpsServer, ca_file: Path) -> None:
    result = run(dns, web, "caisse@huge.test", ca_file)
    assert tried(result)["domain"] == "too_large"
    assert "128 KiB" in result.autoconfig.attempts[0].message("en")


def test_a_slow_server_is_given_up_within_the_budget(
        dns: DnsServer, web: HttpsServer, ca_file: Path) -> None:
    started = time.monotonic()
    result = run(dns, web, "caisse@slowhost.test", ca_file)
    elapsed = time.monotonic() - started
    assert web.slow_started.is_set()
    assert tried(result)["domain"] == "timeout"
    assert elapsed < LIFETIME + 1.0, elapsed
    assert not result.found


def test_a_redirect_to_plain_http_is_refused(
        dns: DnsServer, web: HttpsServer, ca_file: Path) -> None:
    result = run(dns, web, "caisse@tohttp.test", ca_file)
    attempt = result.autoconfig.attempts[0]
    assert attempt.status == "redirect_refused"
    assert "http://autoconfig.tohttp.test/config.xml" in attempt.message("en")
    assert not any(path == "/config.xml" for _host, path in web.requests)


def test_a_redirect_to_https_is_followed(
        dns: DnsServer, web: HttpsServer, ca_file: Path) -> None:
    result = run(dns, web, "caisse@tohttps.test", ca_file)
    assert result.host == "moved.tohttps.test"


def test_the_certificate_is_verified(dns: DnsServer, web: HttpsServer) -> None:
    result = run(dns, web, "ventes@own.test", None)  # the test CA is not trusted
    assert tried(result)["domain"] == "tls_error"
    assert result.source != "autoconfig"


def test_a_catalogue_provider_skips_the_fetches(
        dns: DnsServer, web: HttpsServer, ca_file: Path) -> None:
    before = len(web.requests)
    result = asyncio.run(discover("ventes@gmail.com", nameserver=dns.address, lifetime=LIFETIME,
                                  probe=False, ca_file=ca_file,
                                  ispdb_url=web.url("ispdb.test", "/v1.1/")))
    assert result.source == "domain" and result.autoconfig is None
    assert len(web.requests) == before


def test_discover_json_reports_each_source_tried(
        dns: DnsServer, web: HttpsServer, ca_file: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.run(["discover", "caisse@mxshop.test", "--json", "--no-probe",
                    "--dns-server", dns.address, "--timeout", str(LIFETIME),
                    "--ispdb-url", web.url("ispdb.test", "/v1.1/"), "--ca-file", str(ca_file)])
    data = json.loads(capsys.readouterr().out)
    assert data["source"] == "autoconfig"
    assert data["server"]["host"] == "out.mailhost.test"
    sources = [(a["source"], a["status"]) for a in data["autoconfig"]["tried"]]
    assert sources[:3] == [("domain", "unreachable"), ("well_known", "unreachable"),
                           ("ispdb", "not_found")]
    assert ("ispdb_mx", "ok") in sources
    assert all(a["message"] for a in data["autoconfig"]["tried"])
    assert code == 1  # advisory warnings (no SPF...) still say "look"


def test_discover_text_names_the_autoconfig_source(
        dns: DnsServer, web: HttpsServer, ca_file: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    cli.run(["discover", "ventes@own.test", "--no-probe", "--lang", "fr",
             "--dns-server", dns.address, "--timeout", str(LIFETIME),
             "--ispdb-url", web.url("ispdb.test", "/v1.1/"), "--ca-file", str(ca_file)])
    out = capsys.readouterr().out
    assert "Serveur\u00a0: smtp.own.test, port 465" in out
    assert "Nom d'utilisateur\u00a0: ventes@own.test" in out
    assert "autoconfig" in out


@pytest.mark.parametrize("url", ["http://ispdb.test/v1.1/", "ftp://x/", "https:///v1.1/",
                                 "https://ispdb.test/v1.1/?q=1", "https://a b/",
                                 "https://user:secret@mirror.test/v1.1/",
                                 "https://mirror.test:0/v1.1/",
                                 "https://mirror.test/\x1b]0;x\x07/", "https://miroir.tést/"])
def test_a_bad_ispdb_url_is_refused(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(DiscoveryError):
        autoconfig.ispdb_url(url)
    code = cli.run(["discover", "a@own.test", "--ispdb-url", url])
    assert code == 3
    err = capsys.readouterr().err
    assert "HTTPS" in err
    assert "\x1b" not in err and "secret" not in err


def test_a_missing_ca_file_is_said(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.run(["discover", "a@own.test", "--ca-file", str(tmp_path / "none.pem"),
                    "--ispdb-url", "https://127.0.0.1:1/v1.1/"])
    assert code == 3
    err = capsys.readouterr().err
    assert "none.pem" in err and "Traceback" not in err


# --- the file itself ---------------------------------------------------------------------


def test_parse_keeps_smtp_servers_in_the_files_order() -> None:
    extra = """<outgoingServer type="smtp"><hostname>first.example.test</hostname>
      <port>587</port><socketType>STARTTLS</socketType><username>%EMAILLOCALPART%</username>
      <authentication>OAuth2</authentication></outgoingServer>
      <outgoingServer type="smtp"><hostname>bad host</hostname><port>25</port>
      <socketType>plain</socketType></outgoingServer>
      <outgoingServer type="smtp"><hostname>x.example.test</hostname><port>99999</port>
      <socketType>SSL</socketType></outgoingServer>
      <outgoingServer type="smtp"><hostname>x.example.test</hostname><port>25</port>
      <socketType>weird</socketType></outgoingServer>
      <outgoingServer type="exchange"><hostname>ews.example.test</hostname></outgoingServer>"""
    extra += """<outgoingServer type="smtp"><hostname>digits.example.test</hostname>
      <port>²5</port><socketType>SSL</socketType></outgoingServer>"""
    name, servers = parse(config_xml(extra=extra).encode(), "jo@boutique.test", "boutique.test")
    assert name == "Hébergeur Test"
    assert [(s.host, s.port, s.security, s.username) for s in servers] == [
        ("first.example.test", 587, "starttls", "jo"),
        ("smtp.boutique.test", 465, "implicit_tls", "jo@boutique.test"),
    ]
    assert servers[0].authentication == ("OAuth2",)


# A good file (an emailProvider with a server) behind an external DTD: refused whole.
EXTERNAL_DTD = config_xml().replace(
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<?xml version="1.0"?><!DOCTYPE clientConfig SYSTEM "http://x.test/c.dtd">').encode()


def test_parse_refuses_what_is_not_a_client_config() -> None:
    for body, status in [(b"<html><body>Hi</body></html>", "bad_xml"),
                         (b"not xml at all", "bad_xml"),
                         (b"<clientConfig/>", "bad_xml"),
                         (config_xml(host="%UNKNOWN%.test").encode(), "no_smtp"),
                         (EXTERNAL_DTD, "bad_xml")]:
        with pytest.raises(FetchFailed) as failed:
            parse(body, "a@b.test", "b.test")
        assert failed.value.status == status, body


def test_parse_cleans_control_characters_from_the_names() -> None:
    name, _servers = parse(config_xml(name="Evil\x9b2J\u202eHost").encode(),
                           "a@b.test", "b.test")
    assert name == "Evil 2J Host"


def test_the_plain_socket_type_means_no_encryption() -> None:
    result_servers = parse(config_xml(port=25, socket="plain").encode(), "a@b.test", "b.test")[1]
    assert result_servers[0].security == "none"


def test_mx_domains() -> None:
    assert mx_domains(["mx1.mailhost.test"], "shop.test") == ["mailhost.test"]
    assert mx_domains(["a.b.mail.videotron.ca"], "x.ca") == ["b.mail.videotron.ca",
                                                              "videotron.ca"]
    assert mx_domains(["mx.boutique.qc.ca"], "boutique.qc.ca") == []
    assert mx_domains(["mail.shop.test"], "shop.test") == []
    assert mx_domains([], "shop.test") == []


# --- the wizard ------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["fr", "en"])
async def test_the_wizard_fills_the_server_the_autoconfig_file_gives(
        dns: DnsServer, web: HttpsServer, ca_file: Path, tmp_path: Path, lang: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMELIN_ISPDB_URL", web.url("ispdb.test", "/v1.1/"))
    app = build(tmp_path / "config.toml", dns_server=dns.address, dns_lifetime=LIFETIME,
                language=lang)
    app.discovery_ca_file = ca_file
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        wizard = app.screen
        assert isinstance(wizard, WizardScreen)
        await paste(pilot, "caisse@ispshop.test")
        wizard.lookup_now()
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert wizard.state.discovery is not None
        assert wizard.state.discovery.source == "autoconfig"
        shown = texts(pilot)
        source = {"fr": "base de fournisseurs de Thunderbird",
                  "en": "Thunderbird's provider database"}[lang]
        assert source in shown and "smtp.isp.test" in shown
        assert wizard.draft.provider == "custom"
        assert (wizard.draft.smtp.host, wizard.draft.smtp.port,
                wizard.draft.smtp.security) == ("smtp.isp.test", 465, "implicit_tls")
        assert wizard.draft.smtp.username == "caisse"  # the file's %EMAILLOCALPART%
        await pilot.press("ctrl+n", "ctrl+n")  # provider, then the server step
        await settle(pilot)
        assert value(pilot, "#smtp-host") == "smtp.isp.test"
        assert value(pilot, "#smtp-port") == "465"
        # The login step says what the file said: the part before the "@".
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert value(pilot, "#smtp-username") == "caisse"
        hint = {"fr": "La partie avant le «\u00a0@\u00a0» de l'adresse",
                "en": "The part of the address before the “@”"}[lang]
        assert hint in texts(pilot)
