"""Discovery: find a domain's SMTP settings (MX, SRV, probing) and check its
deliverability records (MX, SPF, DKIM, DMARC). Textual-free; dnspython is
imported only when a lookup is made.
"""

from __future__ import annotations

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

__all__ = [
    "DKIM_SELECTORS", "LOOKUP_STATUSES", "SPF_INCLUDES", "DiscoveryError", "DiscoveryResult",
    "Lookup", "LookupStatus", "MxResult", "Note", "ProbeFinding", "SrvFinding", "SrvRecord",
    "check_lifetime", "deliverability_steps", "discover", "lookup_mx", "normalise_domain",
    "parse_nameserver",
]
