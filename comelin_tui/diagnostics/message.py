"""The test message a check sends, and the EHLO name the machine introduces itself with."""

from __future__ import annotations

import datetime
import email.policy
import ipaddress
import re
import socket
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from ..i18n import register, t
from ..labels import security_label
from .addresses import domain_to_ascii, first_needing_smtputf8, wire_address
from .model import Target

register({
    "test_message.subject": {"fr": "Message d'essai Comelin", "en": "Comelin test message"},
    "test_message.body": {
        "fr": (
            "Bonjour,\n\n"
            "Ceci est un message de test envoyé par Comelin pour vérifier l'envoi "
            "des courriels du magasin.\n\n"
            "Envoyé par l'ordinateur : {machine}\n"
            "Date et heure : {when}\n"
            "Serveur d'envoi : {host}, port {port}, {security}\n\n"
            "Si vous lisez ce message, l'envoi des courriels fonctionne. "
            "Aucune réponse n'est nécessaire.\n"
        ),
        "en": (
            "Hello,\n\n"
            "This is a test message sent by Comelin to check the store's "
            "outgoing email.\n\n"
            "Sent from the computer: {machine}\n"
            "Date and time: {when}\n"
            "Outgoing server: {host}, port {port}, {security}\n\n"
            "If you can read this, sending email works. No reply is needed.\n"
        ),
    },
})

_LABEL_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")
_fqdn_cache: str | None = None


def sanitise_hostname(name: str) -> str:
    """*name* as a valid EHLO argument: a host name, an address literal, or ``localhost``."""
    name = (name or "").strip().rstrip(".")
    try:
        address = ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        pass
    else:
        return f"[IPv6:{address}]" if address.version == 6 else f"[{address}]"
    try:
        name = name.encode("idna").decode("ascii")
    except UnicodeError:
        pass
    labels = []
    for label in name.split("."):
        label = re.sub(r"[^A-Za-z0-9-]", "-", label).strip("-")[:63]
        if label:
            labels.append(label)
    cleaned = ".".join(labels)[:253].strip(".-")
    if not cleaned or not all(_LABEL_RE.match(part) for part in cleaned.split(".")):
        return "localhost"
    return cleaned


def machine_fqdn() -> str:
    """This machine's name for EHLO (FQDN when the system knows one), computed once.

    ``socket.getfqdn`` can ask DNS; callers on an event loop run it in a thread.
    """
    global _fqdn_cache
    if _fqdn_cache is None:
        try:
            name = socket.getfqdn()
        except OSError:
            name = ""
        _fqdn_cache = sanitise_hostname(name)
    return _fqdn_cache


def ehlo_name(target: Target) -> str:
    """``target.helo_name`` when set, else the machine's FQDN, always a valid name."""
    if target.helo_name:
        return sanitise_hostname(target.helo_name)
    return machine_fqdn()


def recipient(target: Target) -> str:
    """Where the test goes: the configured recipient, else the sender itself."""
    return target.to_address or target.from_address


def build_test_message(target: Target, lang: str | None = None, *,
                       smtputf8: bool = False) -> EmailMessage:
    """The test message, in the target's language, saying who sent it, when and how.

    Its addresses are the wire's (:func:`~.addresses.wire_address`): A-labels for
    internationalised domains, unless the message goes with *smtputf8* (RFC 6532).
    """
    lang = lang or target.language
    now = datetime.datetime.now().astimezone()
    message = EmailMessage()
    message["Subject"] = t("test_message.subject", lang)
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid("comelin", domain=_message_id_domain(target))
    message["From"] = wire_address(target.from_address, smtputf8=smtputf8)
    message["To"] = wire_address(recipient(target), smtputf8=smtputf8)
    if target.reply_to:
        message["Reply-To"] = wire_address(target.reply_to, smtputf8=smtputf8)
    message["X-Mailer"] = "comelin-tui"
    message.set_content(t(
        "test_message.body", lang,
        machine=socket.gethostname() or "?",
        when=now.strftime("%Y-%m-%d %H:%M:%S %z"),
        host=target.host,
        port=target.port,
        security=security_label(target.security, lang),
    ))
    return message


def _message_id_domain(target: Target) -> str:
    """The Message-ID's right side: always ASCII (the sender's domain as its A-label)."""
    domain = target.from_address.rpartition("@")[2]
    try:
        domain = domain_to_ascii(domain)
    except ValueError:
        domain = ""
    return domain if domain.isascii() and domain else (
        sanitise_hostname(socket.gethostname() or "localhost"))


def message_addresses(target: Target) -> tuple[str, ...]:
    """Every address the test message carries: sender, recipient, Reply-To."""
    return tuple(a for a in (target.from_address, recipient(target), target.reply_to) if a)


def needs_smtputf8(target: Target) -> bool:
    """Whether the test can only go with SMTPUTF8 (RFC 6531): an address whose local
    part is not ASCII (``élise@...``). A domain alone never needs it: it has an A-label."""
    return first_needing_smtputf8(message_addresses(target)) is not None


def uses_smtputf8(target: Target, extensions: dict[str, str]) -> bool:
    """Whether the test goes with SMTPUTF8: it needs it, and the server offers it."""
    return needs_smtputf8(target) and "SMTPUTF8" in extensions


_ADDRESS_HEADERS = ("From", "To", "Reply-To")


def message_bytes(message: EmailMessage) -> bytes:
    """The message as sent on the wire: CRLF lines (7-bit headers when possible)."""
    if not all(str(message.get(name, "")).isascii() for name in _ADDRESS_HEADERS):
        # The 7-bit policy would write an encoded word inside the address, which no
        # mail program reads as an address (RFC 2047 section 5): UTF-8 (RFC 6532).
        return message.as_bytes(policy=email.policy.SMTPUTF8)
    try:
        return message.as_bytes(policy=email.policy.SMTP)
    except (UnicodeError, ValueError):
        # Non-ASCII addresses need SMTPUTF8 (RFC 6531).
        return message.as_bytes(policy=email.policy.SMTPUTF8)


def dot_stuff(payload: bytes) -> bytes:
    """DATA payload: leading dots doubled, CRLF line ends, terminated by ``CRLF.CRLF``."""
    data = payload.replace(b"\r\n", b"\n").replace(b"\r", b"\n").replace(b"\n", b"\r\n")
    if data.startswith(b"."):
        data = b"." + data
    data = data.replace(b"\r\n.", b"\r\n..")
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    return data + b".\r\n"
