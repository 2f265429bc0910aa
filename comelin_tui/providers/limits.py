"""What a provider lets one mailbox do at once: the relay keeps within it.

Facts (December 2026): Microsoft 365 allows 3 concurrent SMTP connections per
mailbox ("432 4.3.2 Concurrent connections limit exceeded") and 30 messages a
minute (then "554 5.2.0 ... SubmissionQuotaExceeded"). Google counts messages
over a rolling day only (about 2,000 for Workspace), which a burst limit does
not help with. Other servers: no limit unless the settings give one.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SendingLimits:
    max_connections: int | None = None
    messages_per_minute: int | None = None


BY_FAMILY: dict[str, SendingLimits] = {
    "microsoft": SendingLimits(max_connections=3, messages_per_minute=30),
}


def sending_limits(provider_id: str | None) -> SendingLimits:
    """The limits of *provider_id*'s family, or none."""
    from . import get_provider

    family = getattr(get_provider(provider_id or "custom"), "family", None)
    return BY_FAMILY.get(family or "", SendingLimits())
