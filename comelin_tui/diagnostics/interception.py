"""TLS interception: a certificate issued by an antivirus or firewall product's own CA.

Antivirus suites (mail shields) and firewalls doing "SSL inspection" stand between
the computer and the mail server: they present a certificate of their own, signed
by a CA they install on the computer (or on the company's computers). Their CA
names itself in the certificate's issuer, which is what is matched here.

Matched on whole words of the issuer (organisation and common name), case
insensitive; the list is of products seen on store computers and networks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Kind = Literal["antivirus", "firewall"]


@dataclass(frozen=True)
class Product:
    name: str
    kind: Kind
    patterns: tuple[str, ...]  # regular expressions, matched against the issuer


PRODUCTS: tuple[Product, ...] = (
    Product("Avast", "antivirus", (r"\bavast\b",)),
    Product("AVG", "antivirus", (r"\bavg\b",)),
    Product("Norton", "antivirus", (r"\bnorton\b",)),
    Product("ESET", "antivirus", (r"\beset\b",)),
    Product("Kaspersky", "antivirus", (r"\bkaspersky\b",)),
    Product("Bitdefender", "antivirus", (r"\bbitdefender\b",)),
    Product("McAfee", "antivirus", (r"\bmcafee\b",)),
    Product("Trend Micro", "antivirus", (r"\btrend ?micro\b",)),
    Product("Malwarebytes", "antivirus", (r"\bmalwarebytes\b",)),
    Product("Fortinet (FortiGate)", "firewall", (r"\bforti(?:net|gate)\b",)),
    Product("Sophos", "firewall", (r"\bsophos\b",)),
    Product("Zscaler", "firewall", (r"\bzscaler\b",)),
    Product("Palo Alto Networks", "firewall", (r"\bpalo ?alto\b",)),
    Product("Check Point", "firewall", (r"\bcheck ?point\b",)),
    Product("SonicWall", "firewall", (r"\bsonicwall\b",)),
    Product("WatchGuard", "firewall", (r"\bwatchguard\b",)),
    Product("Cisco Umbrella", "firewall", (r"\bcisco umbrella\b", r"\bopendns\b")),
    Product("Netskope", "firewall", (r"\bnetskope\b",)),
    Product("Barracuda", "firewall", (r"\bbarracuda\b",)),
    Product("Untangle", "firewall", (r"\buntangle\b",)),
)

_COMPILED = tuple((product, tuple(re.compile(p, re.IGNORECASE) for p in product.patterns))
                  for product in PRODUCTS)


def intercepting_product(issuer: object) -> Product | None:
    """The product whose CA issued a certificate, from the issuer text, or None."""
    if not isinstance(issuer, str) or not issuer:
        return None
    for product, patterns in _COMPILED:
        if any(pattern.search(issuer) for pattern in patterns):
            return product
    return None
