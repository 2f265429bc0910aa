"""TLS contexts and the certificate facts a technician needs.

Facts come from the DER certificate (parsed with ``cryptography``, which the
sandbox's certificate tooling already brings) so they are available even for a
certificate that failed verification: that is exactly when the fingerprint,
issuer and dates matter. For a verified session the ``ssl`` module has already
decoded the certificate; when its names need no RFC 4514 escaping (nearly
always), the same facts are read from there, which spares ``comelin-tui check``
the ~30 ms import of ``cryptography.x509``.
"""

from __future__ import annotations

import hashlib
import ipaddress
import os
import re
import ssl
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..i18n import m, register

register({
    "tlsinfo.verified": {"fr": "vérifié", "en": "verified"},
    "tlsinfo.not_verified": {"fr": "non vérifié", "en": "not verified"},
    "tlsinfo.summary": {
        "fr": "{version}, {cipher} ; certificat pour {subject}, émis par {issuer}, "
              "valide jusqu'au {not_after} ; {verified}",
        "en": "{version}, {cipher}; certificate for {subject}, issued by {issuer}, "
              "valid until {not_after}; {verified}",
    },
    "tlsinfo.fingerprint": {
        "fr": "empreinte SHA-256 {fingerprint}",
        "en": "SHA-256 fingerprint {fingerprint}",
    },
})

_HEX_RE = re.compile(r"[^0-9A-Fa-f]")


class CaFileError(Exception):
    """The configured CA file cannot be read or holds no certificate."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


def _context_key(ca_file: Path | None, verify: bool) -> tuple[object, ...]:
    key: tuple[object, ...] = (verify,)
    if verify and ca_file is not None:
        try:
            info = os.stat(ca_file)
            key = (verify, str(ca_file), info.st_mtime_ns, info.st_size)
        except OSError:
            key = (verify, str(ca_file), None)  # let loading report the problem
    return key


def client_context(ca_file: Path | None = None, *, verify: bool = True) -> ssl.SSLContext:
    """The client context: system CAs plus *ca_file*, TLS 1.2 or newer.

    ``verify=False`` is only for fetching a certificate to compare with a
    pinned fingerprint; nothing is sent over such a connection unless the
    fingerprint matches.

    Loading the system CA store costs ~20 ms, more than the rest of a whole
    check, so contexts are shared (safe for client connections) and rebuilt
    only when the CA file changes; :func:`prepare_client_context` starts one
    early, in the background.
    """
    key = _context_key(ca_file, verify)
    with _LOCK:
        cached = _CONTEXTS.get(key)
        pending = _PENDING.get(key)
    if cached is None and pending is not None:
        pending.wait()  # the background build is under way: no sooner to start another
        with _LOCK:
            cached = _CONTEXTS.get(key)
    if cached is None:
        cached = _new_client_context(ca_file, verify=verify)  # a CaFileError says why
        _remember(key, cached)
    return cached


def prepare_client_context(ca_file: Path | None = None) -> None:
    """Start building the verifying context in a thread, so it is ready when TLS starts.

    OpenSSL loads the CA store without holding the GIL, so the load overlaps the
    connection's first round trips. A CA file that does not load is left for
    :func:`client_context` to report.
    """
    key = _context_key(ca_file, True)
    with _LOCK:
        if key in _CONTEXTS or key in _PENDING:
            return
        done = _PENDING[key] = threading.Event()

    def build() -> None:
        try:
            _remember(key, _new_client_context(ca_file, verify=True))
        except CaFileError:
            pass
        finally:
            with _LOCK:
                _PENDING.pop(key, None)
            done.set()

    threading.Thread(target=build, name="comelin-tls-context", daemon=True).start()


def _remember(key: tuple[object, ...], context: ssl.SSLContext) -> None:
    with _LOCK:
        if len(_CONTEXTS) >= 16:
            _CONTEXTS.clear()
        _CONTEXTS[key] = context


_CONTEXTS: dict[tuple[object, ...], ssl.SSLContext] = {}
_PENDING: dict[tuple[object, ...], threading.Event] = {}
_LOCK = threading.Lock()


def _new_client_context(ca_file: Path | None, *, verify: bool) -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    if verify:
        if ca_file is not None:
            try:
                context.load_verify_locations(cafile=str(ca_file))
            except (OSError, ssl.SSLError, ValueError) as exc:
                raise CaFileError(Path(ca_file), str(exc) or type(exc).__name__) from exc
    else:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def fingerprint(der: bytes) -> str:
    """SHA-256 of a DER certificate as uppercase colon hex (``AB:CD:...``)."""
    digest = hashlib.sha256(der).hexdigest().upper()
    return ":".join(digest[i:i + 2] for i in range(0, len(digest), 2))


def normalise_fingerprint(value: str) -> str:
    """A fingerprint typed any usual way (colons, spaces, lowercase) as ``AB:CD:...``."""
    text = value.strip()
    if text.lower().startswith("sha256:"):
        text = text[7:]
    digits = _HEX_RE.sub("", text).upper()
    return ":".join(digits[i:i + 2] for i in range(0, len(digits), 2))


def _name(name: Any) -> str:
    try:
        return name.rfc4514_string()
    except Exception:  # noqa: BLE001 - a malformed name must not break the report
        return str(name)


# The names cryptography's rfc4514_string() writes short, by OpenSSL's long name.
_SHORT_NAMES = {
    "commonName": "CN", "localityName": "L", "stateOrProvinceName": "ST",
    "organizationName": "O", "organizationalUnitName": "OU", "countryName": "C",
    "streetAddress": "STREET", "domainComponent": "DC", "userId": "UID",
}
# A value with one of these (or a space or # at an edge) is escaped by RFC 4514.
_ESCAPED = frozenset('\\"+,;<>\0')


def _decoded_name(rdns: object) -> str | None:
    """``Name.rfc4514_string()`` of a name as ``getpeercert()`` gives it; None if unsure."""
    if not isinstance(rdns, tuple) or not rdns:
        return None
    parts = []
    for rdn in reversed(rdns):
        if not (isinstance(rdn, tuple) and len(rdn) == 1 and len(rdn[0]) == 2):
            return None  # a multi-valued RDN: the order of its parts is cryptography's
        name, value = rdn[0]
        short = _SHORT_NAMES.get(name)
        if (short is None or not isinstance(value, str) or not value or not value.isascii()
                or not value.isprintable() or _ESCAPED.intersection(value)
                or value[0] in "# " or value[-1] == " "):
            return None
        parts.append(f"{short}={value}")
    return ",".join(parts)


# How OpenSSL prints a certificate time ("Jan  1 00:00:00 3000 GMT"); parsed by hand
# because ssl.cert_time_to_seconds loads _strptime and its locale tables.
_TIME_RE = re.compile(r"([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4}) GMT")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _decoded_time(value: object) -> str | None:
    match = _TIME_RE.fullmatch(str(value))
    if match is None or match.group(1) not in _MONTHS:
        return None
    month = _MONTHS.index(match.group(1)) + 1
    day, hour, minute, second, year = (int(part) for part in match.groups()[1:])
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=UTC).isoformat()
    except ValueError:
        return None


def _decoded_facts(decoded: dict[str, Any]) -> dict[str, Any] | None:
    """What :func:`certificate_facts` finds, from ``getpeercert()``; None when unsure."""
    subject = _decoded_name(decoded.get("subject"))
    issuer = _decoded_name(decoded.get("issuer"))
    not_before = _decoded_time(decoded.get("notBefore"))
    not_after = _decoded_time(decoded.get("notAfter"))
    if subject is None or issuer is None or not_before is None or not_after is None:
        return None
    dns: list[str] = []
    ips: list[str] = []
    for kind, value in decoded.get("subjectAltName", ()):
        if kind == "DNS":
            if not (isinstance(value, str) and value.isascii() and value.isprintable()):
                return None
            dns.append(value)
        elif kind == "IP Address":
            try:
                ips.append(str(ipaddress.ip_address(str(value).strip())))
            except ValueError:
                return None
    return {"subject": subject, "issuer": issuer, "not_before": not_before,
            "not_after": not_after, "sans": dns + ips}


def certificate_facts(der: bytes | None,
                      decoded: dict[str, Any] | None = None) -> dict[str, Any]:
    """Subject, SANs, issuer, validity and fingerprint of a DER certificate.

    *decoded* is the same certificate as ``SSLObject.getpeercert()`` returns it
    (verified sessions only); when given, and plain, cryptography is not needed.
    """
    if not der:
        return {}
    facts: dict[str, Any] = {"fingerprint_sha256": fingerprint(der)}
    plain = _decoded_facts(decoded) if decoded else None
    if plain is not None:
        facts.update(plain)
        return facts
    try:
        from cryptography import x509
    except ImportError:  # pragma: no cover - cryptography ships with the sandbox tooling
        return facts
    try:
        cert = x509.load_der_x509_certificate(der)
    except ValueError:
        return facts
    facts["subject"] = _name(cert.subject)
    facts["issuer"] = _name(cert.issuer)
    facts["not_before"] = cert.not_valid_before_utc.isoformat()
    facts["not_after"] = cert.not_valid_after_utc.isoformat()
    sans: list[str] = []
    try:
        ext = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName)
        sans = [str(v) for v in ext.value.get_values_for_type(x509.DNSName)]
        sans += [str(v) for v in ext.value.get_values_for_type(x509.IPAddress)]
    except Exception:  # noqa: BLE001 - absent or malformed: report what we have
        sans = []
    facts["sans"] = sans
    return facts


def session_facts(ssl_object: ssl.SSLObject | None, *, verified: bool) -> dict[str, Any]:
    """TLS version, cipher and certificate facts of an established session."""
    if ssl_object is None:
        return {}
    cipher = ssl_object.cipher()
    facts: dict[str, Any] = {
        "version": ssl_object.version(),
        "cipher": cipher[0] if cipher else None,
        "verified": verified,
    }
    # Decoded by ssl only when verified (empty otherwise).
    decoded = ssl_object.getpeercert() if verified else None
    facts.update(certificate_facts(ssl_object.getpeercert(binary_form=True), decoded))
    return facts


def _common_name(rfc4514: str) -> str | None:
    for part in rfc4514.split(","):
        if part.strip().upper().startswith("CN="):
            return part.strip()[3:]
    return None


def _who(facts: dict[str, Any]) -> str:
    """Who a certificate is for: its common name, else its first names (SANs)."""
    subject = str(facts.get("subject") or "")
    sans = facts.get("sans") or []
    return _common_name(subject) or ", ".join(sans[:3]) or subject or "?"


def summary(facts: dict[str, Any], lang: str | None = None) -> str:
    """One line for a step's detail: version, cipher, who the cert is for, by whom, until."""
    if not facts:
        return ""
    not_after = str(facts.get("not_after") or "?")[:10]
    return m(
        "tlsinfo.summary", lang,
        version=facts.get("version") or "?",
        cipher=facts.get("cipher") or "?",
        subject=_who(facts),
        issuer=_common_name(str(facts.get("issuer") or "")) or facts.get("issuer") or "?",
        not_after=not_after,
        verified=m("tlsinfo.verified" if facts.get("verified") else "tlsinfo.not_verified", lang),
    )
