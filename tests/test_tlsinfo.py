"""Certificate facts read from ssl's decoded certificate are the ones cryptography gives."""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import smtplib
import ssl
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from comelin_tui.diagnostics.engine import run_check
from comelin_tui.diagnostics.tlsinfo import _decoded_facts, certificate_facts
from comelin_tui.sandbox import Sandbox

KEY = ec.generate_private_key(ec.SECP256R1())
UTC = dt.UTC


def _name(*parts: tuple[x509.ObjectIdentifier, str]) -> x509.Name:
    return x509.Name([x509.RelativeDistinguishedName([x509.NameAttribute(oid, value)])
                      for oid, value in parts])


def certificate(subject: x509.Name, issuer: x509.Name, sans: list[x509.GeneralName],
                not_before: dt.datetime = dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC),
                not_after: dt.datetime = dt.datetime(2031, 6, 7, 8, 9, 10, tzinfo=UTC)) -> bytes:
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer)
               .public_key(KEY.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(not_before).not_valid_after(not_after))
    if sans:
        builder = builder.add_extension(x509.SubjectAlternativeName(sans), critical=False)
    return builder.sign(KEY, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


def decoded(der: bytes, tmp_path: Path) -> dict:
    """The certificate as SSLObject.getpeercert() gives it (same decoder)."""
    pem = tmp_path / "cert.pem"
    pem.write_text(ssl.DER_cert_to_PEM_cert(der))
    return ssl._ssl._test_decode_cert(str(pem))  # type: ignore[attr-defined]


PLAIN_CASES = {
    "cn only": (_name((NameOID.COMMON_NAME, "smtp.example.net")),
                _name((NameOID.COMMON_NAME, "Example CA")),
                [x509.DNSName("smtp.example.net")]),
    "every short name": (
        _name((NameOID.COUNTRY_NAME, "CA"), (NameOID.STATE_OR_PROVINCE_NAME, "Quebec"),
              (NameOID.LOCALITY_NAME, "Montreal"), (NameOID.ORGANIZATION_NAME, "Boutique Inc"),
              (NameOID.ORGANIZATIONAL_UNIT_NAME, "Testing CA #12"),
              (NameOID.STREET_ADDRESS, "1 rue X"), (NameOID.DOMAIN_COMPONENT, "example"),
              (NameOID.USER_ID, "u1"), (NameOID.COMMON_NAME, "mail.example.ca")),
        _name((NameOID.ORGANIZATION_NAME, "Let's Encrypt"), (NameOID.COMMON_NAME, "R11")),
        [x509.DNSName("mail.example.ca"), x509.DNSName("*.example.ca"),
         x509.IPAddress(ipaddress.ip_address("192.0.2.7")),
         x509.IPAddress(ipaddress.ip_address("2001:db8::1")), x509.RFC822Name("a@b.ca")]),
    "no san": (_name((NameOID.COMMON_NAME, "relay")), _name((NameOID.COMMON_NAME, "relay")), []),
}

UNSURE_CASES = {
    "escaped comma": _name((NameOID.ORGANIZATION_NAME, "Boutique, Inc")),
    "leading hash": _name((NameOID.COMMON_NAME, "#1")),
    "trailing space": _name((NameOID.COMMON_NAME, "relay ")),
    "accents": _name((NameOID.ORGANIZATION_NAME, "Épicerie")),
    "email attribute": _name((NameOID.EMAIL_ADDRESS, "admin@example.net")),
    "multi-valued": x509.Name([x509.RelativeDistinguishedName([
        x509.NameAttribute(NameOID.COMMON_NAME, "a"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "b")])]),
}


@pytest.mark.parametrize("case", sorted(PLAIN_CASES))
def test_plain_certificates_give_the_same_facts_without_cryptography(case: str,
                                                                    tmp_path: Path) -> None:
    subject, issuer, sans = PLAIN_CASES[case]
    der = certificate(subject, issuer, sans)
    from_ssl = certificate_facts(der, decoded(der, tmp_path))
    assert _decoded_facts(decoded(der, tmp_path)) is not None  # the fast path was taken
    assert from_ssl == certificate_facts(der)
    assert list(from_ssl) == list(certificate_facts(der))  # same order in the JSON


def test_dates_far_in_the_past_and_future(tmp_path: Path) -> None:
    name = _name((NameOID.COMMON_NAME, "old"))
    der = certificate(name, name, [], not_before=dt.datetime(1960, 2, 29, tzinfo=UTC),
                      not_after=dt.datetime(3000, 1, 1, tzinfo=UTC))
    assert certificate_facts(der, decoded(der, tmp_path)) == certificate_facts(der)


@pytest.mark.parametrize("case", sorted(UNSURE_CASES))
def test_names_needing_escapes_are_left_to_cryptography(case: str, tmp_path: Path) -> None:
    name = UNSURE_CASES[case]
    der = certificate(name, _name((NameOID.COMMON_NAME, "CA")), [x509.DNSName("x.example")])
    assert _decoded_facts(decoded(der, tmp_path)) is None
    assert certificate_facts(der, decoded(der, tmp_path)) == certificate_facts(der)


async def test_a_verified_session_reports_what_cryptography_reads() -> None:
    async with Sandbox() as sandbox:
        result = await run_check(sandbox.target(), probe=False)
        facts = next(step for step in result.steps if step.id == "starttls").facts

        def server_certificate() -> bytes:
            context = ssl.create_default_context(cafile=str(sandbox.ca_file))
            with smtplib.SMTP(sandbox.host, sandbox.port, timeout=5) as client:
                client.starttls(context=context)
                return client.sock.getpeercert(binary_form=True)

        der = await asyncio.to_thread(server_certificate)
    assert result.status == "ok" and facts["verified"] is True
    expected = certificate_facts(der)  # cryptography's reading
    assert {key: facts[key] for key in expected} == expected
