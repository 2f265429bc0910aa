"""Name the cause of an SMTP reply: reply code, then enhanced status code, then the words.

Real servers word the same failure in many ways, in English or French, over
several lines ("535-5.7.8 Username and Password not accepted. Learn more at" /
"535 5.7.8  https://support.google.com/..."). The reply is flattened to
lowercase ASCII words (accents, punctuation and per-line codes dropped) and
matched against several alternatives per meaning, never one exact sentence.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# Longer replies are cut: the meaning is always in the first lines, and the
# rules must stay fast on hostile input.
MAX_REPLY_CHARS = 8000


@dataclass
class Verdict:
    """A contract code plus what refines its text (situation variant, provider family)."""

    code: str
    variant: str | None = None
    family: str | None = None
    params: dict[str, Any] = field(default_factory=dict)


_LINE_CODE = re.compile(r"^\d{3}(?:[ -]|$)")
_LINE_ENH = re.compile(r"^#?[245]\.\d{1,3}\.\d{1,3}(?!\d|\.\d)")
_ENH_AT_LINE_START = re.compile(
    r"^[ \t]*(?:\d{3}(?:[ -][ \t]*|$))?#?([245])\.(\d{1,3})\.(\d{1,3})(?!\d|\.\d)", re.MULTILINE
)
_ENH_ANYWHERE = re.compile(r"(?<![\w.])#?([45])\.(\d{1,3})\.(\d{1,3})(?!\d|\.\d)")
_REPLY_CODE = re.compile(r"^\s*(\d{3})(?:[ -]|$)")


def enhanced_status(message: str) -> tuple[int, int, int] | None:
    """The first RFC 3463 enhanced status code (class, subject, detail) in a reply, if any."""
    if not message:
        return None
    text = message[:MAX_REPLY_CHARS]
    match = _ENH_AT_LINE_START.search(text) or _ENH_ANYWHERE.search(text)
    if match is None:
        return None
    return int(match.group(1)), int(match.group(2)), int(match.group(3))


def reply_code_in(message: str) -> int | None:
    """The reply code at the start of a raw reply ("535-5.7.8 ..."), if the text has one."""
    match = _REPLY_CODE.match(message or "")
    return int(match.group(1)) if match else None


def normalise(message: str) -> str:
    """Lowercase ASCII words of all reply lines, codes removed, padded with spaces."""
    parts = []
    for line in (message or "")[:MAX_REPLY_CHARS].splitlines():
        line = _LINE_CODE.sub("", line.strip()).strip()
        parts.append(_LINE_ENH.sub("", line))
    text = unicodedata.normalize("NFKD", " ".join(parts))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return " " + re.sub(r"[^a-z0-9]+", " ", text).strip() + " "


def _words(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


# Each list: several ways servers say the same thing (English, then French).
SMTP_AUTH_DISABLED = _words(
    r"smtpclientauthentication", r"\bsmtp ?auth\w*\b.{0,20}\b(?:disabled|not enabled|turned off)",
    r"\bsecurity defaults\b", r"\bconditional access\b",
    r"did not meet the criteria to be authenticated", r"authenticated smtp.{0,20}disabled",
)
BASIC_AUTH_OFF = _words(
    r"\bbasic auth\w*\b.{0,30}\b(?:disabled|not supported|not allowed|deprecated|retired"
    r"|turned off|blocked|no longer)",
    r"\bauthentification de base\b.{0,30}\b(?:desactivee|non prise en charge)",
)
CREDENTIALS_WRONG = _words(
    r"username and password not accepted", r"badcredentials",
    r"\bcredentials\b.{0,12}\b(?:incorrect|invalid|wrong|not accepted|rejected)",
    r"\binvalid (?:credentials|login|user ?name|password)",
    r"\bincorrect (?:authentication data|password|user ?name|credentials|login)",
    r"\b(?:user ?name|password)\b.{0,12}\b(?:incorrect|invalid|wrong|not accepted)",
    r"\bauthentication (?:failed|unsuccessful|failure|rejected)", r"\blogin (?:failed|incorrect)",
    r"\bauthentification (?:echouee|refusee|invalide)",
    r"\bmot de passe (?:invalide|incorrect|errone|refuse)", r"\bidentifiants? (?:invalide|incorrect)",
)
APP_PASSWORD = _words(
    r"application ?specific password", r"\bapp passwords?\b", r"invalidsecondfactor",
    r"web ?login ?required", r"log ?in via your web browser", r"mot de passe d application",
)
TOO_WEAK = _words(r"too weak", r"\bmechanism\b", r"\bmecanisme\b")
OAUTH_WORDS = _words(
    r"\binvalid (?:access |bearer |oauth )?token", r"\btoken\b.{0,20}\b(?:expired|invalid|revoked)",
    r"\bexpired token", r"\bxoauth2?\b", r"\boauthbearer\b", r"\binvalid (?:scope|audience)\b",
    r"\bjeton\b.{0,20}\b(?:expire|invalide)",
)
AUTH_RATE = _words(
    r"\btoo many (?:failed |bad |invalid |unsuccessful |incorrect )?"
    r"(?:login|log in|logon|auth\w*|sign ?in|attempts?)\b",
    r"\b(?:login|logon|auth\w*) attempts?\b.{0,40}\b(?:later|exceeded|limit)",
    r"\btrop de tentatives\b",
)
TLS_FIRST = _words(
    r"must issue a starttls", r"\bstarttls\b.{0,20}\b(?:required|first|needed)",
    r"\b(?:encryption|tls|ssl)\b (?:is )?required", r"\bmust use (?:tls|ssl|starttls|encryption)\b",
    r"\brequires? (?:a )?(?:secure|encrypted|tls) (?:connection|channel)",
    r"\bchiffrement (?:requis|obligatoire)", r"\bconnexion securisee (?:requise|obligatoire)",
)
SEND_AS = _words(
    r"sendasdenied", r"\bsend ?as (?:this )?sender\b", r"\bpermissions? to send as\b",
    r"\bnot (?:authori[sz]ed|allowed|permitted) to send (?:as|on behalf|from)\b",
    r"\bnot owned by\b", r"\bn est pas autorise a envoyer\b",
)
NOT_AUTHENTICATED = _words(
    r"\bauthentication (?:is )?required\b", r"\bmust (?:first )?(?:authenticate|log ?in)\b",
    r"\bnot authenticated\b", r"\bauthenticate first\b", r"\bnot logged in\b",
    r"\b(?:login|log in|auth) (?:is )?required\b", r"\banonymous (?:mail|submission)\b",
    r"\bauthentification (?:est )?(?:requise|obligatoire|necessaire)\b",
)
RELAY = _words(
    r"\brelay(?:ing)?\b.{0,25}\b(?:denied|not permitted|not allowed|prohibited|refused"
    r"|disallowed|forbidden|rejected)\b",
    r"\b(?:unable|not permitted|not allowed|not authori[sz]ed|cannot|can t|do not|don t"
    r"|we do not) (?:to )?relay\b",
    r"\bno relay", r"\bdirect send\b",
    r"\brelais\b.{0,25}\b(?:refuse|interdit|non autorise|pas autorise|rejete)",
)
BLOCKLIST = _words(
    r"\bblocked using\b", r"\bblack ?list\w*", r"\bblock ?list\w*", r"\bspamhaus\b",
    r"\bdnsbl\b", r"\brbl\b", r"\b(?:client host|your ip|ip address|host)\b.{0,40}\b"
    r"(?:blocked|listed|blacklisted|blocklisted)\b", r"\bliste noire\b",
)
MAILBOX_FULL = _words(
    r"\bmailbox\b.{0,20}\b(?:full|over quota|quota|size limit|storage)",
    r"\bover quota\b", r"\binbox\b.{0,20}\b(?:full|out of storage)", r"\bout of storage",
    r"\bboite\b.{0,30}\bpleine\b", r"\bquota de la boite\b",
)
TOO_LARGE = _words(
    r"\bsize\b.{0,40}\b(?:exceed\w*|limit|too (?:large|big))", r"\bexceed\w*\b.{0,40}\bsize\b",
    r"\btoo (?:large|big)\b", r"\btaille\b.{0,40}\b(?:depass\w*|limite|trop)",
    r"\btrop (?:gros|volumineux)\b",
)
QUOTA = _words(
    r"submissionquotaexceeded", r"\bsending (?:limit|quota)", r"\b(?:relay|send|message) limit\b",
    r"\b(?:daily|hourly)\b.{0,30}\b(?:limit|quota)\b", r"\bquota exceeded\b",
    r"\blimite d envoi\b", r"\bquota d envoi\b",
)
RATE = _words(
    r"\btry again later\b", r"\btoo many\b", r"\brate ?limit", r"\bthrottl", r"\bslow down\b",
    r"\bgr[ae]ylist", r"\btemporarily (?:deferred|rate|blocked|limited)\b", r"\bdeferred\b",
    r"\bcome back later\b", r"\bconcurrent connections\b", r"\bat a rate\b",
    r"\breessay\w* plus tard\b", r"\btrop de\b",
)
REJECTED = _words(r"\breject\w*\b", r"\brefus\w*\b", r"\bdenied\b")
DMARC = _words(
    r"\b(?:dmarc|dkim|spf)\b", r"\bsender is unauthenticated\b", r"\bunauthenticated (?:e ?mail|mail)\b",
    r"\bmail is unauthenticated\b",
)
MECHANISM_UNSUPPORTED = _words(
    r"\bunrecognized authentication (?:type|mechanism)\b",
    r"\b(?:mechanism|method)\b.{0,30}\b(?:not (?:supported|available|enabled)|unsupported|unknown)",
    r"\bunsupported (?:authentication )?(?:mechanism|method)\b",
)
AUTH_NOT_AVAILABLE = _words(
    r"\bauth\w* (?:is )?not (?:enabled|available|supported|allowed|permitted)\b",
    r"\bcommand not (?:recognized|implemented)\b", r"\bunrecognized command\b", r"\bnot implemented\b",
)
UNKNOWN_USER = _words(
    r"\buser unknown\b", r"\bunknown (?:user|recipient)\b", r"\bno such (?:user|mailbox|recipient)\b",
    r"\brecipient (?:address rejected|not found)\b", r"\brecipientnotfound\b",
    r"\b(?:utilisateur|destinataire) inconnu\b",
)
GOOGLE = _words(r"\bgoogle\b", r"\bgsmtp\b", r"badcredentials", r"invalidsecondfactor", r"weblogin")
MICROSOFT = _words(
    r"\boutlook\b", r"\boffice ?365\b", r"\bmicrosoft\b", r"\baka ms\b", r"\bexchange\b",
    r"smtpclientauthentication", r"sendasdenied", r"submissionquota", r"\bstoredrv\b",
)
_MICROSOFT_SUBJECTS = {(7, 139), (7, 57), (7, 60), (7, 30), (7, 68)}
_DMARC_SUBJECTS = {(7, 23), (7, 25), (7, 26), (7, 27)}
_RECIPIENT_SUBJECTS = {(1, 1), (1, 2), (1, 3), (1, 6), (1, 10)}
_BEFORE_LOGIN = {"resolve", "connect", "tls", "banner", "ehlo", "starttls", "auth"}
_GREETING = {"connect", "tls", "banner"}


def family_of_reply(text: str, subject: tuple[int, int] | None) -> str | None:
    """The provider a reply itself reveals ("google", "microsoft"), whatever the settings say."""
    if subject in _MICROSOFT_SUBJECTS or MICROSOFT.search(text):
        return "microsoft"
    if GOOGLE.search(text):
        return "google"
    return None


def family_of_provider(provider_id: str | None) -> str | None:
    """The family of a catalogue provider id ("google-workspace" -> "google")."""
    pid = (provider_id or "").lower()
    if any(word in pid for word in ("google", "gmail")):
        return "google"
    if any(word in pid for word in ("microsoft", "office", "outlook", "365", "exchange", "hotmail")):
        return "microsoft"
    return None


def oauth_error_status(message: str) -> str | None:
    """The status of an XOAUTH2 error challenge (334 + base64 JSON), or None."""
    for token in (message or "")[:MAX_REPLY_CHARS].split():
        if len(token) < 8 or len(token) > 4096:
            continue
        try:
            raw = base64.b64decode(token + "=" * (-len(token) % 4), validate=True)
            data = json.loads(raw.decode("utf-8"))
        except (binascii.Error, ValueError, UnicodeDecodeError):
            continue
        if isinstance(data, dict) and ("status" in data or "schemes" in data):
            return str(data.get("status") or "?")[:20]
    return None


def oauth_context(facts: Mapping[str, Any]) -> bool:
    """Whether the failed login was an OAuth one (from the engine's facts)."""
    mechanism = str(facts.get("auth_mechanism") or facts.get("mechanism") or "").upper()
    kind = str(facts.get("auth_kind") or facts.get("auth") or "").lower()
    return (
        mechanism in ("XOAUTH2", "OAUTHBEARER") or kind == "oauth2" or bool(facts.get("oauth_error"))
    )


def _microsoft_variant(text: str) -> str | None:
    if "security defaults" in text:
        return "security_defaults"
    if "conditional access" in text or "did not meet the criteria" in text:
        return "conditional_access"
    if " mailbox " in text:
        return "mailbox"
    if " tenant " in text:
        return "tenant"
    return None


def reply_verdict(
    step: str, code: int | None, message: str, facts: Mapping[str, Any] | None = None
) -> Verdict:
    """The diagnosis for a server reply (code may be None when only words are known)."""
    facts = facts or {}
    message = (message or "")[:MAX_REPLY_CHARS]
    if code is None:
        code = reply_code_in(message)
    enh = enhanced_status(message)
    if enh is not None and code is not None and 200 <= code <= 599 and enh[0] != code // 100:
        enh = None  # an x.y.z that disagrees with the reply code is not a status code
    text = normalise(message)
    subject = (enh[1], enh[2]) if enh else None
    verdict = _decide(step, code, enh, subject, text, message, facts)
    verdict.family = verdict.family or family_of_reply(text, subject)
    return verdict


def _decide(
    step: str,
    code: int | None,
    enh: tuple[int, int, int] | None,
    subject: tuple[int, int] | None,
    text: str,
    message: str,
    facts: Mapping[str, Any],
) -> Verdict:
    if code is not None and not 200 <= code <= 599:
        return Verdict("smtp.protocol_error")
    cls = code // 100 if code is not None else (enh[0] if enh else None)
    oauth = oauth_context(facts)

    # XOAUTH2 failures come as a 334 challenge carrying base64 JSON.
    if code == 334 or (step == "auth" and code is None and oauth_error_status(message)):
        status = oauth_error_status(message)
        if status is not None or oauth:
            return Verdict("auth.oauth_failed", params={"status": status} if status else {})
        return Verdict("unknown")
    if cls in (2, 3):
        return Verdict("unknown")

    # Login policies, decided by the reply itself (a 5.7.139 is Microsoft whatever the settings).
    if subject == (7, 139) or SMTP_AUTH_DISABLED.search(text):
        if BASIC_AUTH_OFF.search(text):
            return Verdict("auth.basic_auth_retired", family="microsoft")
        if CREDENTIALS_WRONG.search(text) and not SMTP_AUTH_DISABLED.search(text):
            return Verdict("auth.invalid_credentials", family="microsoft")
        return Verdict("auth.smtp_auth_disabled", _microsoft_variant(text), "microsoft")
    if subject == (7, 30) or BASIC_AUTH_OFF.search(text):
        return Verdict("auth.basic_auth_retired")
    if AUTH_RATE.search(text) and (step == "auth" or cls == 4):
        return Verdict("auth.rate_limited")
    if oauth and step == "auth" and cls in (4, 5):
        return Verdict("auth.oauth_failed")
    if OAUTH_WORDS.search(text) and (step == "auth" or code in (530, 534, 535)):
        return Verdict("auth.oauth_failed")
    if APP_PASSWORD.search(text):
        return Verdict("auth.app_password_required")
    if code == 534 or (subject == (7, 9) and step == "auth"):
        if TOO_WEAK.search(text) and not GOOGLE.search(text):
            return Verdict("auth.mechanism_unsupported")
        return Verdict("auth.app_password_required")
    if code == 538 or TLS_FIRST.search(text):
        if step in _BEFORE_LOGIN:
            return Verdict("auth.unavailable", "starttls_first")
        return Verdict("sender.not_authenticated", "starttls_first")

    # Greeting: the server refuses the whole session.
    if step in _GREETING or (code == 421 and not RATE.search(text)):
        if code == 432 or (cls == 4 and RATE.search(text)):
            return Verdict("rate.limited")
        return Verdict("smtp.service_unavailable", "blocklist" if BLOCKLIST.search(text) else None)
    if code == 421:
        return Verdict("rate.limited")

    # Envelope: who may send, to whom.
    if subject in _DMARC_SUBJECTS:
        return Verdict("sender.rejected", "dmarc")
    if subject == (7, 60) or SEND_AS.search(text):
        return Verdict("sender.send_as_denied")
    if subject == (7, 57) or code == 530 or NOT_AUTHENTICATED.search(text):
        return Verdict("sender.not_authenticated")
    if subject in ((7, 54), (7, 68)) or RELAY.search(text):
        return Verdict("relay.denied")
    if BLOCKLIST.search(text) and cls == 5:
        return Verdict("smtp.service_unavailable", "blocklist")

    # Size and limits.
    if subject == (2, 2) or MAILBOX_FULL.search(text):
        recipient_side = step == "rcpt_to" or " recipient " in text or " destinataire " in text
        return Verdict("mailbox.full", "recipient" if recipient_side else None)
    if subject in ((3, 4), (2, 3)) or TOO_LARGE.search(text) or (
        code == 552 and step == "data" and subject is None
    ):
        return Verdict("message.too_large")
    if (enh is not None and enh[0] == 5 and subject == (4, 5)) or QUOTA.search(text) or (
        subject == (2, 0) and " quota" in text
    ):
        return Verdict("quota.exceeded")
    if code == 432 or (
        cls == 4 and (RATE.search(text) or subject == (2, 1) or (
            code == 450 and subject is not None and subject[0] == 7 and not REJECTED.search(text)
        ))
    ):
        return Verdict("rate.limited")
    if DMARC.search(text) and cls == 5:
        return Verdict("sender.rejected", "dmarc")

    # What is left, by the step it happened at.
    if step == "auth":
        if code == 504 or MECHANISM_UNSUPPORTED.search(text):
            return Verdict("auth.mechanism_unsupported")
        if code in (500, 502, 503) or AUTH_NOT_AVAILABLE.search(text):
            return Verdict("auth.unavailable")
        if cls == 5 or (cls is None and CREDENTIALS_WRONG.search(text)):
            return Verdict("auth.invalid_credentials")
        return Verdict("unknown")
    if code == 535 or (code is None and CREDENTIALS_WRONG.search(text)):
        return Verdict("auth.invalid_credentials")
    if step == "starttls" and cls in (4, 5):
        return Verdict("tls.starttls_unavailable")
    if step == "mail_from" and cls == 5:
        return Verdict("sender.rejected")
    if step == "rcpt_to" and cls == 5:
        return Verdict("recipient.rejected")
    if cls == 5 and step in ("rcpt_to", "data") and (
        subject in _RECIPIENT_SUBJECTS or UNKNOWN_USER.search(text)
    ):
        return Verdict("recipient.rejected")
    return Verdict("unknown")
