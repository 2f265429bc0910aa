"""A small authoritative DNS server on 127.0.0.1 for tests (UDP and TCP, port 0).

Built on dnspython's message API. Zones are a dict ``name -> [(rdtype,
rdata text)]``; TXT text may be given bare (it is quoted and split into
255-byte strings here). Per-name behaviours apply to the name and everything
under it: ``"servfail"`` answers SERVFAIL, ``"timeout"`` never answers.
Unknown names under a served zone get NXDOMAIN; names outside every zone get
REFUSED, as an authoritative server does.
"""

from __future__ import annotations

import socket
import socketserver
import threading
from collections.abc import Iterator, Mapping, Sequence

import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rrset
import pytest

Records = Mapping[str, Sequence[tuple[str, str]]]


def _txt(text: str) -> str:
    if text.startswith('"'):
        return text
    data = text.encode()
    chunks = [data[i:i + 255] for i in range(0, len(data), 255)] or [b""]
    return " ".join('"' + c.decode().replace("\\", "\\\\").replace('"', '\\"') + '"'
                    for c in chunks)


class DnsServer:
    """Serve ``records`` for ``zones`` on 127.0.0.1 (same port for UDP and TCP)."""

    def __init__(self, records: Records, *, zones: Sequence[str],
                 behaviours: Mapping[str, str] | None = None, ttl: int = 60) -> None:
        self.zones = [dns.name.from_text(z) for z in zones]
        self.behaviours = {dns.name.from_text(n): b for n, b in (behaviours or {}).items()}
        self.ttl = ttl
        self.records: dict[dns.name.Name, dict[int, list[dns.rdata.Rdata]]] = {}
        for name, entries in records.items():
            node = self.records.setdefault(dns.name.from_text(name), {})
            for rdtype_text, text in entries:
                rdtype = dns.rdatatype.from_text(rdtype_text)
                if rdtype == dns.rdatatype.TXT:
                    text = _txt(text)
                rdata = dns.rdata.from_text(dns.rdataclass.IN, rdtype, text, dns.name.root,
                                            relativize=False)
                node.setdefault(rdtype, []).append(rdata)
        self.queries: list[tuple[str, str]] = []
        self.errors: list[str] = []
        self._stop = threading.Event()
        self._servers: list[socketserver.BaseServer] = []
        self.port = 0

    # -- answering -----------------------------------------------------------------

    def _behaviour(self, name: dns.name.Name) -> str | None:
        for marked, behaviour in self.behaviours.items():
            if name.is_subdomain(marked):
                return behaviour
        return None

    def answer(self, wire: bytes) -> bytes | None:
        """The response to a query in wire format (None: stay silent)."""
        try:
            query = dns.message.from_wire(wire)
        except Exception:  # noqa: BLE001 - garbage in, no answer out
            return None
        response = dns.message.make_response(query)
        response.flags |= dns.flags.AA
        if not query.question:
            response.set_rcode(dns.rcode.FORMERR)
            return response.to_wire()
        question = query.question[0]
        name, rdtype = question.name, question.rdtype
        self.queries.append((name.to_text(), dns.rdatatype.to_text(rdtype)))
        behaviour = self._behaviour(name)
        if behaviour == "timeout":
            return None
        if behaviour == "servfail":
            response.set_rcode(dns.rcode.SERVFAIL)
            return response.to_wire()
        if not any(name.is_subdomain(zone) for zone in self.zones):
            response.flags &= ~dns.flags.AA
            response.set_rcode(dns.rcode.REFUSED)
            return response.to_wire()
        try:
            self._fill(response, name, rdtype)
            return response.to_wire()
        except Exception as error:  # noqa: BLE001 - a broken test zone: say so, answer SERVFAIL
            self.errors.append(f"{name} {rdtype}: {error!r}")
            failure = dns.message.make_response(query)
            failure.set_rcode(dns.rcode.SERVFAIL)
            return failure.to_wire()

    def _fill(self, response: dns.message.Message, name: dns.name.Name, rdtype: int) -> None:
        for _hop in range(8):  # follow in-zone CNAMEs, as an authoritative server does
            node = self.records.get(name)
            if node is None:
                # An empty non-terminal (a name with names under it) is NOERROR, no data.
                exists = any(other.is_subdomain(name) for other in self.records)
                if not exists and not response.answer:
                    response.set_rcode(dns.rcode.NXDOMAIN)
                return
            if rdtype in node:
                response.answer.append(dns.rrset.from_rdata_list(name, self.ttl, node[rdtype]))
                return
            cname = node.get(dns.rdatatype.CNAME)
            if not cname or rdtype == dns.rdatatype.CNAME:
                return
            response.answer.append(dns.rrset.from_rdata_list(name, self.ttl, cname))
            name = cname[0].target
            if not any(name.is_subdomain(zone) for zone in self.zones):
                return

    # -- serving -------------------------------------------------------------------

    def start(self) -> DnsServer:
        owner = self

        class Udp(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                data, sock = self.request
                reply = owner.answer(data)
                if reply is not None:
                    sock.sendto(reply, self.client_address)

        class Tcp(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                conn: socket.socket = self.request
                conn.settimeout(5)
                try:
                    size = int.from_bytes(_recv_exact(conn, 2), "big")
                    reply = owner.answer(_recv_exact(conn, size))
                except OSError:
                    return
                if reply is None:
                    owner._stop.wait()  # "timeout": hold the connection, say nothing
                    return
                conn.sendall(len(reply).to_bytes(2, "big") + reply)

        for _attempt in range(20):
            udp = socketserver.ThreadingUDPServer(("127.0.0.1", 0), Udp)
            port = udp.server_address[1]
            try:
                tcp = socketserver.ThreadingTCPServer(("127.0.0.1", port), Tcp)
            except OSError:  # the TCP port is taken: pick another pair
                udp.server_close()
                continue
            break
        else:  # pragma: no cover
            raise RuntimeError("no free port for the test DNS server")
        for server in (udp, tcp):
            server.daemon_threads = True
            threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                             daemon=True).start()
        self._servers = [udp, tcp]
        self.port = port
        return self

    def stop(self) -> None:
        self._stop.set()
        for server in self._servers:
            server.shutdown()
            server.server_close()

    @property
    def address(self) -> str:
        """The ``IP:PORT`` string discovery's ``nameserver`` takes."""
        return f"127.0.0.1:{self.port}"


def _recv_exact(conn: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = conn.recv(size - len(data))
        if not chunk:
            raise ConnectionError("closed")
        data += chunk
    return data


# -- the shared test zones -----------------------------------------------------------

GOOGLE_DKIM = "v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAtest"

ZONE_RECORDS: dict[str, list[tuple[str, str]]] = {
    # Google Workspace domain.
    "gshop.test": [
        ("MX", "1 aspmx.l.google.com."),
        ("MX", "5 alt1.aspmx.l.google.com."),
        ("MX", "10 alt3.aspmx.l.google.com."),
        ("TXT", "v=spf1 include:_spf.google.com ~all"),
        ("TXT", "google-site-verification=abc123"),
    ],
    "google._domainkey.gshop.test": [("TXT", GOOGLE_DKIM)],
    "_dmarc.gshop.test": [("TXT", "v=DMARC1; p=none; rua=mailto:dmarc@gshop.test")],
    # Microsoft 365 domain.
    "contoso.test": [
        ("MX", "0 contoso-test.mail.protection.outlook.com."),
        ("TXT", "v=spf1 include:spf.protection.outlook.com -all"),
    ],
    "selector1._domainkey.contoso.test": [
        ("CNAME", "selector1-contoso-test._domainkey.contoso.onmicrosoft.com.")],
    "selector2._domainkey.contoso.test": [
        ("CNAME", "selector2-contoso-test._domainkey.contoso.onmicrosoft.com.")],
    "_dmarc.contoso.test": [("TXT", "v=DMARC1; p=reject")],
    # The providers' own SPF records (simplified; documentation address ranges).
    "_spf.google.com": [("TXT", "v=spf1 include:_netblocks.google.com ~all")],
    "_netblocks.google.com": [("TXT", "v=spf1 ip4:192.0.2.0/25 ip6:2001:db8::/48 ~all")],
    "spf.protection.outlook.com": [("TXT", "v=spf1 ip4:198.51.100.0/24 -all")],
    # SRV: implicit TLS (RFC 8314) and STARTTLS (RFC 6186) both published.
    "srvshop.test": [("MX", "10 mx.srvshop.test.")],
    "mx.srvshop.test": [("A", "127.0.0.1")],
    "_submissions._tcp.srvshop.test": [("SRV", "0 1 465 smtp.srvshop.test.")],
    "_submission._tcp.srvshop.test": [("SRV", "0 1 587 smtp.srvshop.test.")],
    "smtp.srvshop.test": [("A", "127.0.0.1")],
    # SRV: implicit TLS explicitly not offered, STARTTLS offered.
    "srvdot.test": [("MX", "10 mx.srvdot.test.")],
    "_submissions._tcp.srvdot.test": [("SRV", "0 0 0 .")],
    "_submission._tcp.srvdot.test": [
        ("SRV", "10 1 587 mail.srvdot.test."), ("SRV", "20 1 2525 backup.srvdot.test.")],
    # SRV: target outside the domain.
    "srvout.test": [("MX", "10 mx.srvout.test.")],
    "_submissions._tcp.srvout.test": [("SRV", "0 1 465 smtp.hosting.test.")],
    # Nothing published: probe fallback on smtp.<d> (mail.<d> does not exist).
    "probeshop.test": [("TXT", "v=spf1 a:smtp.probeshop.test -all")],
    "smtp.probeshop.test": [("A", "127.0.0.1")],
    # SPF troubles.
    "twospf.test": [("MX", "10 mx.twospf.test."), ("TXT", "v=spf1 include:_spf.google.com ~all"),
                    ("TXT", "v=spf1 ip4:192.0.2.10 -all")],
    "spfloop.test": [("MX", "10 mx.spfloop.test."), ("TXT", "v=spf1 include:a.spfloop.test ~all")],
    "a.spfloop.test": [("TXT", "v=spf1 include:b.spfloop.test ~all")],
    "b.spfloop.test": [("TXT", "v=spf1 include:a.spfloop.test ~all")],
    "spfmany.test": [
        ("MX", "10 aspmx.l.google.com."),
        ("TXT", "v=spf1 include:_spf.google.com " + " ".join(
            f"include:s{i}.spfmany.test" for i in range(1, 5)) + " mx a ~all"),
    ],
    **{f"s{i}.spfmany.test": [("TXT", f"v=spf1 a:h{i}.spfmany.test mx:spfmany.test ~all")]
       for i in range(1, 5)},
    "broken-include.test": [("TXT", "v=spf1 include:nospf.test ~all")],
    # Loopback addresses: discovery fetches https://<domain>/.well-known/... from them.
    "nospf.test": [("A", "127.0.0.21")],
    # Google domain without DMARC, with a relay IP SPF.
    "nodmarc.test": [("MX", "1 smtp.google.com."), ("TXT", "v=spf1 include:_spf.google.com ~all"),
                     ("TXT", "v=spf1-like but not spf")],
    "google._domainkey.nodmarc.test": [("TXT", GOOGLE_DKIM)],
    # A relay authorised by ip4: in SPF.
    "relayshop.test": [("MX", "10 mx.relayshop.test."),
                       ("TXT", "v=spf1 ip4:127.0.0.0/30 -all")],
    "relay.relayshop.test": [("A", "127.0.0.1")],
    "other.relayshop.test": [("A", "127.0.0.9")],
    "_dmarc.relayshop.test": [("TXT", "v=DMARC1; rua=mailto:x@relayshop.test")],
    # No MX at all (bounces cannot come back); a null MX.
    "nomx.test": [("A", "127.0.0.5")],
    "nullmx.test": [("MX", "0 .")],
    # Records carrying terminal escape sequences (set the window title, clear the screen).
    "escapes.test": [("MX", "1 aspmx.l.google.com."),
                     ("TXT", '"v=spf1 include:_spf.google.com \\027]0;pwned\\007 ~all"')],
    "_dmarc.escapes.test": [("TXT", '"v=DMARC1; p=none; \\027[2J"')],
    # An IDN domain (épicerie.test).
    "xn--picerie-9xa.test": [("MX", "1 aspmx.l.google.com.")],
}
ZONES = ("test", "google.com", "outlook.com")
BEHAVIOURS = {"servfail.test": "servfail", "slow.test": "timeout"}


@pytest.fixture(scope="module", name="dns_server")
def dns_server_fixture() -> Iterator[DnsServer]:
    """The shared test zones, served on 127.0.0.1 for the whole module.

    Use it with ``from dns_server import dns_server_fixture`` and a
    ``dns_server`` argument.
    """
    server = DnsServer(ZONE_RECORDS, zones=ZONES, behaviours=BEHAVIOURS).start()
    yield server
    server.stop()
    assert not server.errors, server.errors  # a broken test zone
