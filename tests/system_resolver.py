"""The OS resolver (``socket.getaddrinfo``) answered by a loopback test DNS server.

The test send's ``resolve`` step uses the OS resolver, which cannot be pointed at
a test DNS server (glibc reads /etc/resolv.conf and port 53 only). This helper
puts, in place of ``socket.getaddrinfo``, a resolver that asks the loopback
:class:`~dns_server.DnsServer` over real DNS (UDP on 127.0.0.1) and fails the
way glibc does: NXDOMAIN is ``EAI_NONAME``, an empty answer ``EAI_NODATA``,
SERVFAIL, REFUSED and silence ``EAI_AGAIN``. IP literals and localhost go to
the real ``getaddrinfo`` (no DNS is asked for them), so connections stay real. Nothing
reaches the machine's own resolver.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

import dns.exception
import dns.resolver
import pytest
from dns_server import DnsServer

_real_getaddrinfo = socket.getaddrinfo


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    return True


def use_dns_server(monkeypatch: pytest.MonkeyPatch, server: DnsServer,
                   lifetime: float = 3.0, *, ipv6_first: bool = False) -> list[str]:
    """Make ``socket.getaddrinfo`` ask *server*; returns the names it was asked, in order.

    Addresses come IPv4 first, or IPv6 first with *ipv6_first* (as glibc orders them
    on a machine with IPv6 connectivity, RFC 6724)."""
    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers = ["127.0.0.1"]
    resolver.port = server.port
    resolver.cache = None
    asked: list[str] = []

    def getaddrinfo(host: Any, port: Any, family: int = 0, type: int = 0,
                    proto: int = 0, flags: int = 0) -> list[Any]:
        if (host is None or isinstance(host, bytes) or _is_address(str(host))
                or str(host).lower() == "localhost"):  # /etc/hosts, no DNS
            return _real_getaddrinfo(host, port, family, type, proto, flags)
        name = str(host).rstrip(".").lower()
        asked.append(name)
        addresses: list[str] = []
        empty = True
        families = [("A", socket.AF_INET), ("AAAA", socket.AF_INET6)]
        for rdtype, wanted in (families[::-1] if ipv6_first else families):
            if family not in (0, socket.AF_UNSPEC, wanted):
                continue
            try:
                answer = resolver.resolve(name + ".", rdtype, search=False, lifetime=lifetime)
            except dns.resolver.NXDOMAIN:
                raise socket.gaierror(socket.EAI_NONAME, "Name or service not known") from None
            except dns.resolver.NoAnswer:
                continue
            except (dns.resolver.NoNameservers, dns.exception.Timeout):
                raise socket.gaierror(socket.EAI_AGAIN,
                                      "Temporary failure in name resolution") from None
            empty = False
            addresses += [rdata.address for rdata in answer]
        if empty or not addresses:
            raise socket.gaierror(socket.EAI_NODATA, "No address associated with hostname")
        infos: list[Any] = []
        for address in addresses:
            infos += _real_getaddrinfo(address, port, family, type, proto,
                                       flags | socket.AI_NUMERICHOST)
        return infos

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return asked
