"""``comelin-tui send``: sendmail-compatible sending for scripts and alerts.

The message comes on standard input; recipients are arguments, or with ``-t``
the message's To/Cc/Bcc (Bcc is removed before sending). ``-f`` sets the
envelope sender (default: the saved sender). It goes out through the same path
the test send proves (:mod:`comelin_tui.jobs.send_message`), and the exit code
follows sendmail's sysexits, as msmtp's does.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from .. import i18n
from ..errors import ComelinError
from ..i18n import t

if TYPE_CHECKING:
    from ..jobs.send_message import SendOutcome

# sysexits.h
EX_OK, EX_USAGE, EX_DATAERR, EX_NOUSER, EX_NOHOST = 0, 64, 65, 67, 68
EX_UNAVAILABLE, EX_TEMPFAIL, EX_NOPERM, EX_CONFIG = 69, 75, 77, 78
MAX_MESSAGE = 50 * 1024 * 1024

i18n.register({
    "send.help": {
        "fr": "envoyer un message lu sur l'entrée standard (compatible sendmail, pour les "
              "scripts)",
        "en": "send a message read from standard input (sendmail-compatible, for scripts)",
    },
    "send.epilog": {
        "fr": "Codes de sortie (sysexits) : 0 envoyé, 64 usage, 65 message invalide, "
              "67 destinataire refusé, 68 serveur introuvable, 69 refusé, 75 échec temporaire "
              "(réessayer), 77 connexion refusée, 78 réglages à corriger.",
        "en": "Exit codes (sysexits): 0 sent, 64 usage, 65 bad message, 67 recipient refused, "
              "68 server not found, 69 refused, 75 temporary failure (try again), 77 login "
              "refused, 78 settings to fix.",
    },
    "send.recipients_help": {"fr": "destinataires", "en": "recipients"},
    "send.t_help": {
        "fr": "prendre les destinataires dans les en-têtes To, Cc et Bcc du message",
        "en": "take the recipients from the message's To, Cc and Bcc headers",
    },
    "send.f_help": {
        "fr": "expéditeur de l'enveloppe (par défaut : l'adresse d'expéditeur enregistrée)",
        "en": "envelope sender (default: the saved sender address)",
    },
    "send.name_help": {
        "fr": "nom affiché dans l'en-tête From ajouté quand le message n'en a pas",
        "en": "display name for the From header added when the message has none",
    },
    "send.profile_help": {
        "fr": "envoyer avec ce profil d'expéditeur (son adresse, son nom, son compte) ; sans "
              "lui, un -f qui est l'adresse d'un profil prend ce profil",
        "en": "send with this sender profile (its address, name and account); without it, a "
              "-f that is a profile's address takes that profile",
    },
    "send.ignored_help": {
        "fr": "accepté pour la compatibilité avec sendmail, sans effet",
        "en": "accepted for sendmail compatibility, no effect",
    },
    "send.no_recipients": {
        "fr": "aucun destinataire : donnez-les en arguments, ou -t pour ceux du message",
        "en": "no recipients: give them as arguments, or -t for the message's",
    },
    "send.bad_address": {
        "fr": "adresse invalide : {address}", "en": "invalid address: {address}",
    },
    "send.too_large": {
        "fr": "message trop gros (plus de {limit} Mo)", "en": "message too large (over {limit} MB)",
    },
    "send.empty": {"fr": "aucun message sur l'entrée standard",
                   "en": "no message on standard input"},
    "send.not_set_up": {
        "fr": "aucun réglage enregistré ({path}) : configurez d'abord le courriel avec "
              "« comelin-tui ».",
        "en": "no saved settings ({path}): set up email first with \"comelin-tui\".",
    },
    "send.sent": {"fr": "envoyé : {reply}", "en": "sent: {reply}"},
    "send.partial": {
        "fr": "envoyé, sauf à : {refused}", "en": "sent, except to: {refused}",
    },
    "send.failed": {
        "fr": "non envoyé ({stage}) : {reply}", "en": "not sent ({stage}): {reply}",
    },
    "send.deferred": {
        "fr": "non envoyé pour l'instant ({stage}) : {reply}. Réessayez plus tard.",
        "en": "not sent for now ({stage}): {reply}. Try again later.",
    },
    "send.diagnosis": {
        "fr": "Diagnostic [{code}] : {summary}", "en": "Diagnosis [{code}]: {summary}",
    },
    "send.hint": {"fr": "Quoi faire : {hint}", "en": "What to do: {hint}"},
})


class SendUsageError(ComelinError):
    exit_code = EX_USAGE


class SendDataError(ComelinError):
    exit_code = EX_DATAERR


class SendConfigError(ComelinError):
    exit_code = EX_CONFIG


def add_parser(sub: argparse._SubParsersAction, name: str) -> None:
    from ..cli import add_common_arguments

    parser = sub.add_parser(name, help=t("send.help"), description=t("send.help"),
                            epilog=t("send.epilog"))
    add_common_arguments(parser)
    parser.add_argument("recipients", nargs="*", metavar="ADDRESS",
                        help=t("send.recipients_help"))
    parser.add_argument("-t", dest="from_headers", action="store_true", help=t("send.t_help"))
    parser.add_argument("-f", "-r", dest="sender", metavar="ADDRESS", help=t("send.f_help"))
    parser.add_argument("-F", dest="full_name", metavar="NAME", help=t("send.name_help"))
    parser.add_argument("--profile", metavar="NAME", help=t("send.profile_help"))
    parser.add_argument("-i", dest="ignore_dots", action="store_true",
                        help=t("send.ignored_help"))
    parser.add_argument("-o", dest="sendmail_option", action="append", metavar="OPTION",
                        help=t("send.ignored_help"))


def run(args: argparse.Namespace) -> int:
    import asyncio

    from .. import paths
    from ..config import ConfigNotFound, load_config, validate_email
    from ..config_validate import FieldError
    from ..jobs.send_message import send_message
    from ..jobs.send_test import (
        SendTestOptions,
        SendTestSetupError,
        field_name,
        missing_settings,
        target_source,
    )
    from . import check  # noqa: F401 - registers the check.* messages used below

    config_path = paths.config_path(args.config)
    try:
        config = load_config(config_path)
    except ConfigNotFound:
        raise SendConfigError("send.not_set_up", path=config_path) from None
    try:
        if args.sender:
            args.sender = validate_email(args.sender, field="-f")
    except FieldError as error:
        raise SendUsageError("send.bad_address", address=error.message()) from None
    data = _read_message()
    headers = _headers(data)
    # With -t, a From: that is a profile's address takes that profile (and its address is
    # the envelope sender), as -f would.
    header_sender = None
    if args.from_headers and not args.profile and not args.sender:
        from_addresses = _header_addresses(headers, ("from",))
        header_sender = from_addresses[0] if len(from_addresses) == 1 else None
    profile = _profile_for(config, args.profile, args.sender or header_sender)
    if profile is not None:
        from ..profiles import profile_config

        config = profile_config(config, profile)
        if header_sender is not None:
            args.sender = profile.from_address
    missing = missing_settings(config, SendTestOptions())
    if missing:
        raise SendConfigError("check.missing_fields", fields=", ".join(map(field_name, missing)))
    recipients = list(args.recipients)
    if args.from_headers:
        recipients += _header_addresses(headers, ("to", "cc", "bcc"))
        data = _without_bcc(data)
    sender = args.sender if args.sender is not None else config.smtp.from_address
    try:
        recipients = [validate_email(r, field="recipient") for r in _unique(recipients)]
        if sender:
            sender = validate_email(sender, field="-f")
    except FieldError as error:
        raise SendUsageError("send.bad_address", address=error.message()) from None
    if not recipients:
        raise SendUsageError("send.no_recipients")
    name = args.full_name or (profile.display_name if profile else "") or config.company.name
    data = _completed(data, headers, sender or config.smtp.from_address, name)
    source = target_source(config, config_path, secret_name=profile.secret if profile else None,
                           profile=profile.name if profile else None)
    try:
        outcome = asyncio.run(send_message(source, sender, recipients, data))
    except SendTestSetupError as error:
        key = "check.no_profile_password" if error.reason == "no_profile_password" else \
            "check.no_password"
        raise SendConfigError(key, **error.params) from None
    except ComelinError as error:  # an unreadable secret, no sign-in: settings to fix
        error.exit_code = EX_CONFIG
        raise
    return _report(outcome)


def _profile_for(config: Any, name: str | None, sender: str | None) -> Any:
    """The profile a message goes with: the one named, else the one whose address is the
    envelope sender (-f), else None (the company settings)."""
    from ..profiles import NoSuchProfile, find_profile, senders

    if name:
        try:
            profile = find_profile(config, name)
        except NoSuchProfile:
            raise SendConfigError("profile.no_such", name=name, names=", ".join(
                ["company", *(p.name for p in config.profiles)])) from None
        return None if profile.is_company else profile
    if sender:
        found = senders(config).get(sender.lower())
        if found is not None and not found.is_company:
            return found
    return None


def _read_message() -> bytes:
    data = sys.stdin.buffer.read(MAX_MESSAGE + 1)
    if len(data) > MAX_MESSAGE:
        raise SendDataError("send.too_large", limit=MAX_MESSAGE // (1024 * 1024))
    if not data.strip():
        raise SendDataError("send.empty")
    return data


def _split(data: bytes) -> tuple[bytes, bytes]:
    """The header block and the rest (the body with its blank line)."""
    for separator in (b"\r\n\r\n", b"\n\n"):
        index = data.find(separator)
        if index >= 0:
            return data[:index], data[index:]
    return data, b""


def _headers(data: bytes) -> dict[str, list[str]]:
    from email.parser import BytesHeaderParser
    from email.policy import default

    head, _ = _split(data)
    message = BytesHeaderParser(policy=default).parsebytes(head + b"\r\n\r\n")
    found: dict[str, list[str]] = {}
    for name, value in message.items():
        found.setdefault(name.lower(), []).append(str(value))
    return found


def _header_addresses(headers: dict[str, list[str]], names: tuple[str, ...]) -> list[str]:
    from email.utils import getaddresses

    values = [value for name in names for value in headers.get(name, [])]
    return [address for _name, address in getaddresses(values) if address]


def _without_bcc(data: bytes) -> bytes:
    """The message without its Bcc header (and its folded lines): recipients must not see it."""
    head, rest = _split(data)
    kept: list[bytes] = []
    dropping = False
    for line in head.splitlines(keepends=True):
        if line[:1] in (b" ", b"\t"):
            if not dropping:
                kept.append(line)
            continue
        dropping = line.lower().startswith(b"bcc:")
        if not dropping:
            kept.append(line)
    return b"".join(kept).rstrip(b"\r\n") + rest


def _completed(data: bytes, headers: dict[str, list[str]], sender: str, name: str) -> bytes:
    """From, Date and Message-ID added when the message has none (as sendmail does)."""
    from email.utils import formatdate, make_msgid

    from ..diagnostics.addresses import address_header, domain_to_ascii, local_part_is_ascii

    added: list[str] = []
    if "from" not in headers:
        # The domain as its A-label, the name as an encoded word: 7-bit, for any server.
        added.append(address_header("From", name, sender,
                                    smtputf8=not local_part_is_ascii(sender)))
    if "date" not in headers:
        added.append("Date: " + formatdate(localtime=True))
    if "message-id" not in headers:
        try:
            domain = domain_to_ascii(sender.rpartition("@")[2])
        except ValueError:
            domain = ""
        added.append("Message-ID: " + make_msgid("comelin", domain=domain or "localhost"))
    if not added:
        return data
    return "".join(line + "\r\n" for line in added).encode("utf-8") + data


def _unique(addresses: list[str]) -> list[str]:
    seen: set[str] = set()
    unique = []
    for address in addresses:
        if address.lower() not in seen:
            seen.add(address.lower())
            unique.append(address)
    return unique


def _report(outcome: SendOutcome) -> int:
    """One line on standard error (standard output stays free), and the sysexits code."""
    if outcome.status == "ok":
        return EX_OK
    if outcome.status == "partial":
        print(t("send.partial", refused="; ".join(f"{a} ({r})" for a, r in
                                                  outcome.refused.items())), file=sys.stderr)
    else:
        key = "send.deferred" if outcome.status == "temporary" else "send.failed"
        print(t(key, stage=outcome.stage, reply=outcome.reply), file=sys.stderr)
    diagnosis = outcome.diagnosis
    if diagnosis is not None:
        print(t("send.diagnosis", code=diagnosis.code, summary=diagnosis.summary),
              file=sys.stderr)
        if diagnosis.hint:
            print(t("send.hint", hint=diagnosis.hint), file=sys.stderr)
    return exit_code_for(outcome)


def exit_code_for(outcome: SendOutcome) -> int:
    """sysexits for *outcome*, as msmtp chooses them."""
    if outcome.status == "ok":
        return EX_OK
    if outcome.status == "temporary":
        return EX_TEMPFAIL
    code = outcome.diagnosis.code if outcome.diagnosis else "unknown"
    if outcome.status == "partial" or outcome.stage == "rcpt_to" or code.startswith("recipient."):
        return EX_NOUSER
    if code == "message.too_large":
        return EX_DATAERR
    if code == "dns.not_found":
        return EX_NOHOST
    if code.startswith(("auth.", "sender.")):
        return EX_NOPERM
    if code.startswith(("tls.", "config.")):
        return EX_CONFIG
    return EX_UNAVAILABLE
