"""TLS contexts and the certificate facts a technician needs.

Facts come from the DER certificate (parsed with ``cryptography``, which the
sandbox's certificate tooling already brings) so they are available even for a
certificate that failed verification: that is exactly when the fingerprint,
issuer and dates matter.
"""

from __future__ import annotations

import hashlib
import os
import re
import ssl
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


def client_context(ca_file: Path | None = None, *, verify: bool = True) -> ssl.SSLContext:
    """The client context: system CAs plus *ca_file*, TLS 1.2 or newer.

    ``verify=False`` is only for fetching a certificate to compare with a
    pinned fingerprint; nothing is sent over such a connection unless the
    fingerprint matches.

    Loading the system CA store costs ~20 ms, more than the rest of a whole
    check, so contexts are shared (safe for client connections) and rebuilt
    only when the CA file changes.
    """
    key: tuple[object, ...] = (verify,)
    if verify and ca_file is not None:
        try:
            info = os.stat(ca_file)
            key = (verify, str(ca_file), info.st_mtime_ns, info.st_size)
        except OSError:
            key = (verify, str(ca_file), None)  # let loading report the problem
    cached = _CONTEXTS.get(key)
    if cached is None:
        cached = _new_client_context(ca_file, verify=verify)
        if len(_CONTEXTS) >= 16:
            _CONTEXTS.clear()
        _CONTEXTS[key] = cached
    return cached


_CONTEXTS: dict[tuple[object, ...], ssl.SSLContext] = {}


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


def certificate_facts(der: bytes | None) -> dict[str, Any]:
    """Subject, SANs, issuer, validity and fingerprint of a DER certificate."""
    if not der:
        return {}
    facts: dict[str, Any] = {"fingerprint_sha256": fingerprint(der)}
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
    facts.update(certificate_facts(ssl_object.getpeercert(binary_form=True)))
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
