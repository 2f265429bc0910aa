"""Discovery: find a domain's SMTP settings (MX, SRV, probing) and check its
deliverability records (MX, SPF, DKIM, DMARC). Textual-free; dnspython is
imported only when a lookup is made.

The names below load their module on first use, so that a light part of the
package (``discovery.domains``, say) costs nothing of the rest.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .deliverability import DKIM_SELECTORS, SPF_INCLUDES, deliverability_steps
    from .dns import (
        LOOKUP_STATUSES,
        DiscoveryError,
        Lookup,
        LookupStatus,
        SrvRecord,
        check_lifetime,
        normalise_domain,
        parse_nameserver,
    )
    from .messages import Note
    from .results import DiscoveryResult, MxResult, ProbeFinding, SrvFinding
    from .settings import discover, lookup_mx

_WHERE = {
    "DKIM_SELECTORS": "deliverability", "SPF_INCLUDES": "deliverability",
    "deliverability_steps": "deliverability",
    "LOOKUP_STATUSES": "dns", "DiscoveryError": "dns", "Lookup": "dns", "LookupStatus": "dns",
    "SrvRecord": "dns", "check_lifetime": "dns", "normalise_domain": "dns",
    "parse_nameserver": "dns",
    "Note": "messages",
    "DiscoveryResult": "results", "MxResult": "results", "ProbeFinding": "results",
    "SrvFinding": "results",
    "discover": "settings", "lookup_mx": "settings",
}

__all__ = [
    "DKIM_SELECTORS", "LOOKUP_STATUSES", "SPF_INCLUDES", "DiscoveryError", "DiscoveryResult",
    "Lookup", "LookupStatus", "MxResult", "Note", "ProbeFinding", "SrvFinding", "SrvRecord",
    "check_lifetime", "deliverability_steps", "discover", "lookup_mx", "normalise_domain",
    "parse_nameserver",
]
assert set(__all__) == set(_WHERE)


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
