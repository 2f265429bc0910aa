"""Name the cause of an exception raised while talking to a server.

Handles what the engine can raise: the OS (resolver, sockets), the ssl module,
dnspython and the engine's own SMTP client (:mod:`.smtpio`). Nothing heavy is
imported here: ``ssl`` only when the exception could be one, the SMTP client
only through ``sys.modules`` (if one of its exceptions exists, its module is
already loaded), dnspython by the module name of the exception's class.
"""

from __future__ import annotations

import socket
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from .os_errors import errno_code
from .reply_rules import Verdict, normalise


@dataclass(frozen=True)
class ReplyError:
    """An exception that carries a server reply: classify the reply instead."""

    code: int
    message: str


_UNTRUSTED_VERIFY_CODES = {2, 7, 18, 19, 20, 21, 24, 26, 27, 28}
_WRONG_MODE_REASONS = (
    "WRONG_VERSION_NUMBER", "RECORD_LAYER_FAILURE", "PACKET_LENGTH_TOO_LONG", "HTTP_REQUEST",
    "HTTPS_PROXY_REQUEST", "UNKNOWN_PROTOCOL", "RECORD_TOO_LARGE", "WRONG_SSL_VERSION",
)
_PROTOCOL_REASONS = (
    "UNSUPPORTED_PROTOCOL", "NO_PROTOCOLS_AVAILABLE", "NO_SHARED_CIPHER", "NO_CIPHERS_AVAILABLE",
    "TLSV1_ALERT_PROTOCOL_VERSION", "SSLV3_ALERT_HANDSHAKE_FAILURE", "TLSV1_ALERT_INSUFFICIENT_SECURITY",
    "NO_SUITABLE_SIGNATURE_ALGORITHM", "DH_KEY_TOO_SMALL", "UNSAFE_LEGACY_RENEGOTIATION_DISABLED",
    "VERSION_TOO_LOW", "LEGACY_SIGALG_DISALLOWED_OR_UNSUPPORTED", "EE_KEY_TOO_SMALL",
    "CA_MD_TOO_WEAK", "CA_KEY_TOO_SMALL", "UNSUPPORTED_SSL_VERSION",
)


def wrong_mode_variant(step: str, facts: Mapping[str, Any]) -> str | None:
    """Which way the security mode is wrong, when the engine's facts show it, else None."""
    if step in ("tls", "starttls") and (
        facts.get("received_plaintext") or facts.get("probe_plaintext_ok")
    ):
        return "implicit_on_plain"
    if facts.get("received_tls_bytes") or facts.get("probe_implicit_tls_ok"):
        return "plain_on_implicit"
    if facts.get("wrong_mode"):
        return "implicit_on_plain" if step in ("tls", "starttls") else "plain_on_implicit"
    return None


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """The exception, then what caused it (explicit cause, or unsuppressed context)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen and len(seen) < 8:
        seen.add(id(current))
        yield current
        if current.__cause__ is not None:
            current = current.__cause__
        elif not current.__suppress_context__:
            current = current.__context__
        else:
            current = None


def _smtp_client() -> Any:
    """The engine's SMTP client module, when loaded (its exceptions exist only then)."""
    return sys.modules.get(f"{__package__}.smtpio")


def exception_verdict(
    exc: BaseException, step: str, facts: Mapping[str, Any]
) -> Verdict | ReplyError | None:
    """A verdict for *exc* (or a ReplyError to classify as a reply); None when unknown.

    Specific causes anywhere in the chain (a certificate error under a
    "connection error" wrapper) win over generic wrappers.
    """
    chain = list(_chain(exc))
    for candidate in chain:
        found = _specific(candidate, step, facts)
        if found is not None:
            return found
    for candidate in chain:
        found = _generic(candidate, step, facts)
        if found is not None:
            return found
    return None


def _specific(
    exc: BaseException, step: str, facts: Mapping[str, Any]
) -> Verdict | ReplyError | None:
    smtpio = _smtp_client()
    if smtpio is not None and isinstance(exc, smtpio.ReplyError):
        return ReplyError(exc.reply.code, "\n".join(exc.reply.lines))
    code = errno_code(exc)
    if isinstance(exc, socket.gaierror):
        if code is not None:
            return Verdict(code)
        text = normalise(str(exc))
        if any(w in text for w in (" not known ", " no address ", " nodename ", " not found ")):
            return Verdict("dns.not_found")
        return Verdict("dns.unavailable")
    if type(exc).__module__.startswith("dns."):
        return _dnspython(exc)
    if isinstance(exc, OSError) and "ssl" in sys.modules:
        import ssl

        if isinstance(exc, ssl.SSLError):
            return _ssl(exc, ssl, step, facts)
    if isinstance(exc, ConnectionRefusedError) or code == "connect.refused":
        return Verdict("connect.refused")
    if code == "connect.unreachable":
        return Verdict("connect.unreachable")
    if code == "connect.timeout":
        return _timeout(step, facts)
    name = type(exc).__name__.lower()
    if "protocolerror" in name or "protocolviolation" in name:
        return Verdict("smtp.protocol_error")
    if isinstance(exc, (ValueError, UnicodeError)):
        text = normalise(str(exc))
        words = (" too long ", " malformed ", " protocol ", " invalid response ", " garbage ")
        if isinstance(exc, UnicodeError) or any(w in text for w in words):
            return Verdict("smtp.protocol_error")
    return None


def _generic(exc: BaseException, step: str, facts: Mapping[str, Any]) -> Verdict | None:
    if isinstance(exc, TimeoutError):  # also asyncio.TimeoutError, socket.timeout
        return _timeout(step, facts)
    if isinstance(exc, ConnectionAbortedError) and "taking longer" in str(exc):
        return _timeout(step, facts)  # asyncio's TLS handshake timeout
    if isinstance(exc, (ConnectionError, EOFError)) or errno_code(exc) == "smtp.disconnected":
        return _disconnected(step, facts)
    return None


def _timeout(step: str, facts: Mapping[str, Any]) -> Verdict:
    if step == "resolve":
        return Verdict("dns.unavailable")
    if step == "connect":
        return Verdict("connect.timeout", "port25" if str(facts.get("port")) == "25" else None)
    if step in ("banner", "tls", "starttls"):
        variant = wrong_mode_variant(step, facts)
        if variant is not None:
            return Verdict("tls.wrong_mode", variant)
        return Verdict("smtp.banner_timeout", None if step == "banner" else "tls_silent")
    return Verdict("unknown", "timeout")


def _disconnected(step: str, facts: Mapping[str, Any]) -> Verdict:
    if step in ("banner", "tls", "starttls"):
        variant = wrong_mode_variant(step, facts)
        if variant is not None:
            return Verdict("tls.wrong_mode", variant)
    return Verdict("smtp.disconnected")


def _ssl(exc: OSError, ssl: Any, step: str, facts: Mapping[str, Any]) -> Verdict | None:
    if isinstance(exc, ssl.SSLCertVerificationError):
        code = getattr(exc, "verify_code", None)
        text = str(getattr(exc, "verify_message", "") or exc).lower()
        if code in (62, 64) or "mismatch" in text:
            return Verdict("tls.hostname_mismatch")
        if code == 10 or "expired" in text:
            return Verdict("tls.expired")
        if code == 9 or "not yet valid" in text:
            return Verdict("tls.expired", "not_yet_valid")
        return Verdict("tls.untrusted")
    reason = str(getattr(exc, "reason", "") or "").upper()
    text = str(exc).upper().replace(" ", "_")
    if isinstance(exc, (ssl.SSLEOFError, ssl.SSLZeroReturnError)) or "EOF" in reason:
        return _disconnected(step, facts)
    if any(r in reason or r in text for r in _WRONG_MODE_REASONS):
        return Verdict("tls.wrong_mode", "implicit_on_plain" if step == "tls" else None)
    if any(r in reason or r in text for r in _PROTOCOL_REASONS):
        return Verdict("tls.protocol")
    if "CERTIFICATE_VERIFY_FAILED" in reason or "CERTIFICATE_VERIFY_FAILED" in text:
        if "EXPIRED" in text:
            return Verdict("tls.expired")
        if "MISMATCH" in text:
            return Verdict("tls.hostname_mismatch")
        return Verdict("tls.untrusted")
    return None


def _dnspython(exc: BaseException) -> Verdict | None:
    names = {cls.__name__ for cls in type(exc).__mro__}
    if names & {"NXDOMAIN", "NoAnswer", "YXDOMAIN"}:
        return Verdict("dns.not_found")
    if names & {"NoNameservers", "LifetimeTimeout", "Timeout", "NoResolverConfiguration"}:
        return Verdict("dns.unavailable")
    return None
