"""Which domain a configuration sends from, and whether public DNS can know it.

Shared by the check command's DNS steps and the TUI's test send; plain
functions, no I/O.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..config import Config

# Special-use names (RFC 2606, RFC 6761) have no public DNS: asking is pointless.
RESERVED_SUFFIXES = (".example", ".test", ".invalid", ".localhost", ".local",
                     "example.com", "example.net", "example.org")


def sending_domain(config: Config) -> str:
    """The domain of the From address (or of the company email when there is none)."""
    address = config.smtp.from_address or config.company.email
    return address.rpartition("@")[2].strip().rstrip(".").lower()


def is_reserved(domain: str) -> bool:
    """True for an empty or special-use domain (``shop.example``, ``example.com``...)."""
    if not domain:
        return True
    for suffix in RESERVED_SUFFIXES:
        name = suffix.lstrip(".")
        if domain == name or domain.endswith("." + name):
            return True
    return False
