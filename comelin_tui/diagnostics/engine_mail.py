"""The conversation steps after EHLO: auth, mail_from, rcpt_to, data, quit."""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import TYPE_CHECKING, Any

from ..i18n import m, register
from .addresses import domain_to_ascii, first_needing_smtputf8, wire_address
from .engine_common import StepFailed, StepFunction
from .message import (
    build_test_message,
    dot_stuff,
    message_addresses,
    message_bytes,
    recipient,
    uses_smtputf8,
)
from .model import Step, StepStatus, Suggestion
from .smtpio import Reply, ReplyError, SmtpConnection, SmtpDisconnected, extension_summary

if TYPE_CHECKING:
    from .engine import CheckRun

register({
    "engine.auth.ok": {
        "fr": "Authentifié avec {mechanism} en tant que {username}",
        "en": "Authenticated with {mechanism} as {username}",
    },
    "engine.auth.insecure": {
        "fr": "Mot de passe non envoyé : la connexion n'est pas chiffrée",
        "en": "Password not sent: the connection is not encrypted",
    },
    "engine.auth.unavailable": {
        "fr": "Le serveur n'offre pas l'authentification (AUTH) ; extensions : {extensions}",
        "en": "The server does not offer authentication (AUTH); extensions: {extensions}",
    },
    "engine.auth.unsupported": {
        "fr": "Aucune méthode d'authentification utilisable (offertes : {offered} ; "
              "possibles : {usable})",
        "en": "No usable authentication method (offered: {offered}; supported: {usable})",
    },
    "engine.auth.no_secret": {
        "fr": "Aucun mot de passe n'est enregistré", "en": "No password is stored",
    },
    "engine.auth.oauth_error": {
        "fr": "{reply} (jeton refusé : {error})", "en": "{reply} (token refused: {error})",
    },
    "engine.mail.no_from": {
        "fr": "Aucune adresse d'expéditeur n'est configurée",
        "en": "No sender address is configured",
    },
    "engine.mail.no_to": {
        "fr": "Aucune adresse de destinataire n'est configurée",
        "en": "No recipient address is configured",
    },
    "engine.mail.too_large": {
        "fr": "Le message de test ({size} octets) dépasse la limite du serveur ({limit} octets)",
        "en": "The test message ({size} bytes) is larger than the server's limit "
              "({limit} bytes)",
    },
    "engine.data.queued": {
        "fr": "{reply} (n° de file d'attente {queue_id})",
        "en": "{reply} (queue id {queue_id})",
    },
    "engine.quit.closed": {
        "fr": "Le serveur a fermé la connexion sans répondre à QUIT",
        "en": "The server closed the connection without answering QUIT",
    },
    "engine.mail.needs_smtputf8": {
        "fr": "Rien n'a été envoyé : {address} a des lettres accentuées (non ASCII) avant "
              "le « @ », et le serveur n'offre pas SMTPUTF8 ; extensions : {extensions}",
        "en": "Nothing was sent: {address} has accented (non-ASCII) letters before the "
              "“@”, and the server does not offer SMTPUTF8; extensions: {extensions}",
    },
})

_QUEUED_AS_RE = re.compile(r"queued\s+as\s+<?([^\s<>]+?)>?(?:[\s;,.]|$)", re.IGNORECASE)
_ID_RE = re.compile(r"\bid=<?([^\s<>;,]+)>?", re.IGNORECASE)
_BRACKETED_RE = re.compile(r"<([^\s<>]+)>")
_ENHANCED_TOKEN_RE = re.compile(r"^[245]\.\d{1,3}\.\d{1,3}$")


def queue_id(reply: Reply) -> str | None:
    """The queue id in a 250 reply to DATA, when one can be recognised.

    ``queued as 4Bc2Xy``, ``OK id=1rAbCd-000Xyz-Q1``, ``OK <MSGID@host>``, else
    the last token that looks like an identifier (Gmail ends with ``- gsmtp``).
    """
    text = reply.text
    for pattern in (_QUEUED_AS_RE, _ID_RE, _BRACKETED_RE):
        match = pattern.search(text)
        if match:
            return match.group(1)
    tokens = [tok.strip("()[],;.") for tok in text.split()]
    while tokens and tokens[-1].lower() in ("gsmtp", "-", ""):
        tokens.pop()
    if tokens:
        last = tokens[-1]
        if (len(last) >= 5 and any(c.isdigit() for c in last)
                and not _ENHANCED_TOKEN_RE.match(last)):
            return last
    return None


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _oauth_error(reply: Reply) -> dict[str, Any] | str:
    """The JSON error a XOAUTH2 334 challenge carries (status, schemes, scope)."""
    try:
        decoded = base64.b64decode(reply.text.strip(), validate=True).decode("utf-8", "replace")
    except (binascii.Error, ValueError):
        return reply.text
    try:
        value = json.loads(decoded)
    except ValueError:
        return decoded
    if isinstance(value, dict):
        return {str(k): v for k, v in value.items() if isinstance(v, str | int | float | bool)}
    return decoded


async def _auth_plain(conn: SmtpConnection, username: str, secret: str) -> Reply:
    blob = _b64(b"\0" + username.encode("utf-8") + b"\0" + secret.encode("utf-8"))
    reply = await conn.command(f"AUTH PLAIN {blob}")
    if reply.code == 334:  # no initial response accepted: answer the challenge
        reply = await conn.command(blob, secret=True)
    return reply


async def _auth_login(conn: SmtpConnection, username: str, secret: str) -> Reply:
    reply = await conn.command("AUTH LOGIN")
    if reply.code == 334:
        reply = await conn.command(_b64(username.encode("utf-8")), secret=True)
    if reply.code == 334:
        reply = await conn.command(_b64(secret.encode("utf-8")), secret=True)
    return reply


async def step_auth(run: CheckRun, step: Step) -> StepStatus:
    """AUTH: XOAUTH2 for OAuth, else PLAIN then LOGIN; never a password in clear."""
    target, conn = run.target, run.conn
    assert conn is not None
    if not conn.encrypted and not target.allow_insecure_auth:
        if "STARTTLS" in run.extensions:
            run.result.suggestion = Suggestion(
                target.port, "starttls",
                m("probe.reason.use_starttls", run.lang, port=target.port))
        raise StepFailed(run.diagnosis("auth.insecure_refused"),
                         m("engine.auth.insecure", run.lang))
    if not run.extensions.get("AUTH", "").split():
        # No AUTH line, or one naming no mechanism at all: no login offered.
        raise StepFailed(run.diagnosis("auth.unavailable"),
                         m("engine.auth.unavailable", run.lang,
                           extensions=extension_summary(run.extensions)))
    offered = run.extensions["AUTH"].upper().split()
    usable = ["XOAUTH2"] if target.auth == "oauth2" else ["PLAIN", "LOGIN"]
    mechanisms = [m for m in usable if m in offered]
    step.facts = {"offered": offered}
    if not mechanisms:
        raise StepFailed(run.diagnosis("auth.mechanism_unsupported"),
                         m("engine.auth.unsupported", run.lang, offered=" ".join(offered),
                           usable=" ".join(usable)), step.facts)
    secret = target.password or ""
    if not secret:
        raise StepFailed(run.diagnosis("config.invalid"), m("engine.auth.no_secret", run.lang))

    if target.auth == "oauth2":
        return await _xoauth2(run, step, conn, secret)

    mechanism = mechanisms[0]
    reply = await (_auth_plain if mechanism == "PLAIN" else _auth_login)(
        conn, target.username, secret)
    if reply.code == 504 and len(mechanisms) > 1:
        # Advertised but refused: some servers list PLAIN yet only take LOGIN.
        mechanism = mechanisms[1]
        reply = await _auth_login(conn, target.username, secret)
    step.facts["mechanism"] = mechanism
    if reply.code != 235:
        raise ReplyError("AUTH", reply)
    step.detail = m("engine.auth.ok", run.lang, mechanism=mechanism, username=target.username)
    if not conn.encrypted and not target.own_relay:
        # Allowed by the settings, but the password crossed the network readable
        # (to this machine's own relay, on loopback, it never left the machine).
        step.diagnosis = run.diagnosis("auth.cleartext_allowed")
        return "warn"
    return "ok"


async def _xoauth2(run: CheckRun, step: Step, conn: SmtpConnection, token: str) -> StepStatus:
    username = run.target.username
    blob = _b64(f"user={username}\x01auth=Bearer {token}\x01\x01".encode())
    step.facts["mechanism"] = "XOAUTH2"
    reply = await conn.command(f"AUTH XOAUTH2 {blob}")
    if reply.code == 235:
        step.detail = m("engine.auth.ok", run.lang, mechanism="XOAUTH2", username=username)
        return "ok"
    if reply.code != 334:
        raise ReplyError("AUTH", reply)
    # The 334 challenge carries the reason as base64 JSON; an empty line ends
    # the exchange and the server then sends its final error (RFC 7628).
    error = run.redactor.scrub_data(_oauth_error(reply))
    step.facts["oauth_error"] = error
    final = await conn.command("", secret=True)
    diagnosis = run.classify_reply("auth", ReplyError("AUTH", final),
                                   {"mechanism": "XOAUTH2", "oauth_error": error})
    if diagnosis.code in ("unknown", "auth.invalid_credentials"):
        diagnosis = run.diagnosis("auth.oauth_failed")
    error_text = json.dumps(error, sort_keys=True) if isinstance(error, dict) else str(error)
    raise StepFailed(diagnosis, m("engine.auth.oauth_error", run.lang, reply=str(final),
                                  error=error_text), step.facts)


async def step_mail_from(run: CheckRun, step: Step) -> StepStatus:
    """MAIL FROM, with SIZE= when offered (a message over the limit fails here), and
    SMTPUTF8 when an address needs it; an address that needs it on a server that does
    not offer it is refused here, before a byte of the message is sent."""
    target, conn = run.target, run.conn
    assert conn is not None
    if not target.from_address:
        raise StepFailed(run.diagnosis("config.invalid"), m("engine.mail.no_from", run.lang))
    blocked = first_needing_smtputf8(message_addresses(target))
    if blocked and "SMTPUTF8" not in run.extensions:
        step.facts = {"smtputf8_offered": False, "address": blocked}
        raise StepFailed(run.diagnosis("address.needs_smtputf8", address=blocked),
                         m("engine.mail.needs_smtputf8", run.lang, address=blocked,
                           extensions=extension_summary(run.extensions)), step.facts)
    smtputf8 = uses_smtputf8(target, run.extensions)
    run.payload = message_bytes(build_test_message(target, run.lang, smtputf8=smtputf8))
    size = len(run.payload)
    limit_text = run.extensions.get("SIZE", "").split()
    limit = int(limit_text[0]) if limit_text and limit_text[0].isdigit() else 0
    step.facts = {"message_size": size, "size_limit": limit or None, "smtputf8": smtputf8}
    if limit and size > limit:
        raise StepFailed(run.diagnosis("message.too_large", size=size, limit=limit),
                         m("engine.mail.too_large", run.lang, size=size, limit=limit),
                         step.facts)
    params = f" SIZE={size}" if "SIZE" in run.extensions else ""
    if smtputf8:
        params += " SMTPUTF8"
    sender = wire_address(target.from_address, smtputf8=smtputf8)
    if sender != target.from_address:
        step.facts["envelope_from"] = sender
    reply = await conn.command(f"MAIL FROM:<{sender}>{params}")
    if reply.code != 250:
        raise ReplyError("MAIL FROM", reply)
    step.detail = str(reply)
    return "ok"


async def step_rcpt_to(run: CheckRun, step: Step) -> StepStatus:
    """RCPT TO the test recipient (its domain as its A-label unless SMTPUTF8 is used)."""
    assert run.conn is not None
    to = recipient(run.target)
    if not to:
        raise StepFailed(run.diagnosis("config.invalid"), m("engine.mail.no_to", run.lang))
    wire = wire_address(to, smtputf8=uses_smtputf8(run.target, run.extensions))
    reply = await run.conn.command(f"RCPT TO:<{wire}>")
    if reply.code not in (250, 251):
        raise ReplyError("RCPT TO", reply)
    step.detail = str(reply)
    step.facts = {"recipient": to}
    if wire != to:
        step.facts["envelope_to"] = wire
    if local_delivery_only(run.target, to):
        # Accepted only because the recipient is the server's own: proves no sending.
        step.diagnosis = run.diagnosis("relay.local_only", recipient=to)
        return "warn"
    return "ok"


def local_delivery_only(target: Any, recipient_address: str) -> bool:
    """No login, port 25, a recipient of the sender's own domain: the server may well
    take it as incoming mail for its domain (an MX), and refuse anyone outside."""
    if target.auth != "none" or target.port != 25:
        return False
    own = _ascii_domain(target.from_address)
    return bool(own) and _ascii_domain(recipient_address) == own


def _ascii_domain(address: str) -> str:
    domain = address.rpartition("@")[2]
    try:
        return domain_to_ascii(domain).lower()
    except ValueError:
        return domain.lower()


async def step_data(run: CheckRun, step: Step) -> StepStatus:
    """DATA with the test message; record the queue id."""
    conn = run.conn
    assert conn is not None
    reply = await conn.command("DATA")
    if reply.code != 354:
        raise ReplyError("DATA", reply)
    await conn.send_data(dot_stuff(run.payload), message_size=len(run.payload))
    reply = await conn.read_reply()
    if reply.code != 250:
        raise ReplyError("DATA", reply)
    found = queue_id(reply)
    run.result.queue_id = found
    step.facts = {"queue_id": found, "message_size": len(run.payload)}
    # The id once: named after the reply only when the reply does not already show it
    # ("250 2.0.0 Ok: queued as 4Bc2Xy" says it; "250 OK" with an id elsewhere does not).
    step.detail = (m("engine.data.queued", run.lang, reply=str(reply), queue_id=found)
                   if found and found not in str(reply) else str(reply))
    return "ok"


async def step_quit(run: CheckRun, step: Step) -> StepStatus:
    """RSET first with --no-send, then QUIT."""
    conn = run.conn
    assert conn is not None
    if not run.target.send:
        await conn.command("RSET")
    try:
        reply = await conn.command("QUIT")
    except (SmtpDisconnected, ConnectionError):
        # The message (if any) was already accepted: a server that hangs up
        # instead of saying goodbye is impolite, not broken.
        step.detail = m("engine.quit.closed", run.lang)
        return "ok"
    step.detail = str(reply)
    return "ok" if reply.code == 221 else "warn"


MAIL_STEPS: dict[str, StepFunction] = {
    "auth": step_auth,
    "mail_from": step_mail_from,
    "rcpt_to": step_rcpt_to,
    "data": step_data,
    "quit": step_quit,
}
