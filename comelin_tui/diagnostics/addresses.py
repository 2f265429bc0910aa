"""An email address as it goes on the wire, for every path that sends mail.

SMTP addresses are ASCII (RFC 5321). An internationalised domain
(``boulangerie-élan.ca``) has an ASCII form every server takes, its A-label
(``xn--boulangerie-lan-mnb.ca``, IDNA 2008 with the UTS #46 mapping); a local
part with non-ASCII letters (``élise@``) has none: only SMTPUTF8 (RFC 6531) can
carry it, on every hop to the mailbox. Hence one rule for the test send, the
relay and ``comelin-tui send``:

- a message needs SMTPUTF8 only when some address's *local part* is not ASCII;
- without SMTPUTF8 every domain goes as its A-label, and a non-ASCII local part
  cannot go at all (:class:`NeedsSmtputf8`: refused before a byte is sent);
- with SMTPUTF8 the address goes as typed, in UTF-8 (RFC 6532 headers too).

A label typed in ASCII, an A-label included, is never re-encoded: it goes
exactly as the technician typed it. Domains alone never ask for SMTPUTF8, so a
message to or from an IDN domain reaches servers down the line that lack it.
"""

from __future__ import annotations

from collections.abc import Iterable
from types import ModuleType

# Dots that IDNA treats as label separators (ideographic, fullwidth, halfwidth).
_DOTS = str.maketrans({"\u3002": ".", "\uff0e": ".", "\uff61": "."})


class NeedsSmtputf8(ValueError):
    """*address* has a non-ASCII local part and the server does not offer SMTPUTF8."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__(address)


def _idna() -> ModuleType | None:
    try:
        import idna
    except ImportError:  # pragma: no cover - idna comes with the dependencies
        return None
    return idna


def label_forms(label: str) -> tuple[str, str]:
    """(A-label, U-label) of one non-ASCII DNS label; ValueError when it has none.

    IDNA 2008 with the UTS #46 mapping first (``straße`` stays ``straße``); what
    IDNA 2008 refuses but Python's IDNA 2003 codec takes (symbols) falls back to
    the codec, so that no address the settings accept is left without an A-label.
    """
    idna = _idna()
    if idna is not None:
        try:
            ascii_label = idna.encode(label, uts46=True).decode("ascii")
            return ascii_label, idna.decode(ascii_label)
        except (idna.IDNAError, UnicodeError, ValueError):
            pass
    try:
        ascii_label = label.encode("idna").decode("ascii")
        return ascii_label, ascii_label.encode("ascii").decode("idna")
    except (UnicodeError, ValueError) as error:
        raise ValueError(f"not a valid internationalised label: {label!r}") from error


def a_label_decodes(label: str) -> bool:
    """Whether a typed ``xn--`` label is a real A-label (IDNA 2008, else IDNA 2003)."""
    idna = _idna()
    if idna is not None:
        try:
            idna.decode(label)
            return True
        except (idna.IDNAError, UnicodeError, ValueError):
            pass
    try:
        label.encode("ascii").decode("idna")
        return True
    except (UnicodeError, ValueError):
        return False


def domain_to_ascii(domain: str) -> str:
    """The domain with each non-ASCII label as its A-label; ASCII labels as typed.

    ValueError for a label that has no A-label.
    """
    if domain.isascii():
        return domain
    return ".".join(label if label.isascii() else label_forms(label)[0]
                    for label in domain.translate(_DOTS).split("."))


def local_part_is_ascii(address: str) -> bool:
    return address.rpartition("@")[0].isascii() if "@" in address else address.isascii()


def needs_smtputf8(addresses: Iterable[str | None]) -> bool:
    """Whether these addresses can only travel with SMTPUTF8 (a non-ASCII local part)."""
    return first_needing_smtputf8(addresses) is not None


def first_needing_smtputf8(addresses: Iterable[str | None]) -> str | None:
    """The first address whose local part is not ASCII, if any."""
    return next((a for a in addresses if a and not local_part_is_ascii(a)), None)


def wire_address(address: str, *, smtputf8: bool) -> str:
    """*address* as MAIL FROM, RCPT TO and the address headers carry it.

    With *smtputf8* (offered by the server and used for this message): as typed.
    Without: the domain as its A-label; :class:`NeedsSmtputf8` for a non-ASCII
    local part. A domain with no A-label at all is left as typed: the server's
    refusal then names it.
    """
    if smtputf8 or address.isascii():
        return address
    local, at, domain = address.rpartition("@")
    if not at:
        raise NeedsSmtputf8(address)
    if not local.isascii():
        raise NeedsSmtputf8(address)
    try:
        return f"{local}@{domain_to_ascii(domain)}"
    except ValueError:
        return address


def address_header(name: str, display_name: str, address: str, *, smtputf8: bool) -> str:
    """One address header line (``From: ...``, no line end) as the wire carries it.

    The display name as an RFC 2047 encoded word when it is not ASCII, the address
    by :func:`wire_address`, never inside an encoded word; with *smtputf8*, both
    in UTF-8 (RFC 6532).
    """
    import email.policy
    from email.headerregistry import Address

    local, _, domain = wire_address(address, smtputf8=smtputf8).rpartition("@")
    policy = email.policy.SMTPUTF8 if smtputf8 else email.policy.SMTP
    value = str(Address(display_name=display_name, username=local, domain=domain))
    return policy.header_factory(name, value).fold(policy=policy).rstrip("\r\n")


def address_key(address: str) -> str:
    """*address* for comparing: lower case, the domain as its A-label, so that the
    typed form and the wire form of the same address compare equal."""
    local, at, domain = address.strip().rpartition("@")
    if not at:
        return address.strip().lower()
    try:
        domain = domain_to_ascii(domain)
    except ValueError:
        pass
    return f"{local}@{domain}".lower()
