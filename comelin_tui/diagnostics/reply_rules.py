"""Name the cause of an SMTP reply: reply code, then enhanced status code, then the words.

Real servers word the same failure in many ways, in English or French, over
several lines ("535-5.7.8 Username and Password not accepted. Learn more at" /
"535 5.7.8  https://support.google.com/..."). The reply is flattened to
lowercase ASCII words (accents, punctuation and per-line codes dropped) and
matched against several alternatives per meaning, never one exact sentence.

The decision is :data:`REPLY_RULES`, an ordered table of named rules (a
predicate over the reply, the step and the engine's facts, and the verdict):
the first rule that holds decides, so the table's order is the precedence.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import unicodedata
from collections.abc import Callable, Mapping
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
NON_ASCII_ADDRESS = _words(
    r"\bsmtputf8\b", r"\bnon ascii (?:address|characters? in (?:the )?address|local part)",
    r"\b(?:utf 8|8 ?bit|internationali[sz]ed) (?:e ?mail )?address\w*\b.{0,30}\b(?:not|un)",
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
    """The family the catalogue gives a provider id (``Provider.family``), or None.

    Ids the catalogue does not know count as "custom", as everywhere else
    (``get_provider``): they have no family, and the reply's own words
    (:func:`family_of_reply`) still name Google or Microsoft. The catalogue is
    imported on the first call with an id, not with this module.
    """
    if not isinstance(provider_id, str) or not provider_id.strip():
        return None
    try:
        from ..providers import get_provider
    except ImportError:
        return None
    try:
        family = getattr(get_provider(provider_id), "family", None)
    except Exception:  # noqa: BLE001 - a catalogue problem must not hide the diagnosis
        return None
    return family if isinstance(family, str) else None


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
    seen = SeenReply.of(step, code, message, facts)
    verdict = reply_rule(seen).verdict(seen)
    verdict.family = verdict.family or family_of_reply(seen.text, seen.subject)
    return verdict


class SeenReply:
    """One failed step's reply as the rules read it: code, class, x.y.z, words, facts."""

    __slots__ = ("_found", "cls", "code", "enh", "facts", "message", "oauth", "step", "subject",
                 "text")

    def __init__(self, step: str, code: int | None, enh: tuple[int, int, int] | None,
                 message: str, facts: Mapping[str, Any]) -> None:
        self.step = step
        self.code = code
        self.enh = enh
        self.subject = (enh[1], enh[2]) if enh else None
        self.cls = code // 100 if code is not None else (enh[0] if enh else None)
        self.message = message
        self.text = normalise(message)
        self.facts = facts
        self.oauth = oauth_context(facts)
        self._found: dict[re.Pattern[str], bool] = {}

    @classmethod
    def of(cls, step: str, code: int | None, message: str,
           facts: Mapping[str, Any] | None = None) -> SeenReply:
        """Read a raw reply: its code (from the text when not given) and enhanced status."""
        message = (message or "")[:MAX_REPLY_CHARS]
        if code is None:
            code = reply_code_in(message)
        enh = enhanced_status(message)
        if enh is not None and code is not None and 200 <= code <= 599 and enh[0] != code // 100:
            enh = None  # an x.y.z that disagrees with the reply code is not a status code
        return cls(step, code, enh, message, facts or {})

    def says(self, words: re.Pattern[str]) -> bool:
        """Whether the reply's words match (each pattern searched once per reply)."""
        found = self._found.get(words)
        if found is None:
            found = self._found[words] = words.search(self.text) is not None
        return found


@dataclass(frozen=True)
class ReplyRule:
    """A named rule: when *when* holds for a reply, the verdict is *code* (and refinements).

    *variant* may be a function of the reply (the situation it reveals), and
    *params* what the reply adds to the texts.
    """

    name: str
    when: Callable[[SeenReply], bool]
    code: str
    variant: str | Callable[[SeenReply], str | None] | None = None
    family: str | None = None
    params: Callable[[SeenReply], dict[str, Any]] | None = None

    def verdict(self, seen: SeenReply) -> Verdict:
        """A fresh verdict (the caller may still add the family the reply reveals)."""
        variant = self.variant(seen) if callable(self.variant) else self.variant
        params = self.params(seen) if self.params is not None else {}
        return Verdict(self.code, variant, self.family, params)


def _challenge(r: SeenReply) -> bool:
    # XOAUTH2 failures come as a 334 challenge carrying base64 JSON.
    return r.code == 334 or (
        r.step == "auth" and r.code is None and oauth_error_status(r.message) is not None
    )


def _oauth_status(r: SeenReply) -> dict[str, Any]:
    status = oauth_error_status(r.message)
    return {"status": status} if status else {}


def _microsoft_policy(r: SeenReply) -> bool:
    # A 5.7.139 is Microsoft's, whatever the settings say.
    return r.subject == (7, 139) or r.says(SMTP_AUTH_DISABLED)


def _code_534(r: SeenReply) -> bool:
    return r.code == 534 or (r.subject == (7, 9) and r.step == "auth")


def _tls_first(r: SeenReply) -> bool:
    return r.code == 538 or r.says(TLS_FIRST)


def _session_refused(r: SeenReply) -> bool:
    return r.step in _GREETING or (r.code == 421 and not r.says(RATE))


def _recipient_side(r: SeenReply) -> str | None:
    side = r.step == "rcpt_to" or " recipient " in r.text or " destinataire " in r.text
    return "recipient" if side else None


def _too_large(r: SeenReply) -> bool:
    return r.subject in ((3, 4), (2, 3)) or r.says(TOO_LARGE) or (
        r.code == 552 and r.step == "data" and r.subject is None
    )


def _quota(r: SeenReply) -> bool:
    return (r.enh is not None and r.enh[0] == 5 and r.subject == (4, 5)) or r.says(QUOTA) or (
        r.subject == (2, 0) and " quota" in r.text
    )


def _rate(r: SeenReply) -> bool:
    return r.code == 432 or (
        r.cls == 4 and (r.says(RATE) or r.subject == (2, 1) or (
            r.code == 450 and r.subject is not None and r.subject[0] == 7
            and not r.says(REJECTED)
        ))
    )


# The precedence of the reply rules: evaluated in this order, the first that holds
# decides. Login policies come first (they explain a refusal at any step), then the
# greeting, the envelope, sizes and limits, and last what is left, by step.
REPLY_RULES: tuple[ReplyRule, ...] = (
    ReplyRule("not-an-smtp-code", lambda r: r.code is not None and not 200 <= r.code <= 599,
              "smtp.protocol_error"),
    ReplyRule("oauth-challenge",
              lambda r: _challenge(r) and (oauth_error_status(r.message) is not None or r.oauth),
              "auth.oauth_failed", params=_oauth_status),
    ReplyRule("other-challenge", _challenge, "unknown"),
    ReplyRule("positive-reply", lambda r: r.cls in (2, 3), "unknown"),
    # Login policies, decided by the reply itself.
    ReplyRule("microsoft-basic-auth-retired",
              lambda r: _microsoft_policy(r) and r.says(BASIC_AUTH_OFF),
              "auth.basic_auth_retired", family="microsoft"),
    ReplyRule("microsoft-credentials",
              lambda r: _microsoft_policy(r) and r.says(CREDENTIALS_WRONG)
              and not r.says(SMTP_AUTH_DISABLED),
              "auth.invalid_credentials", family="microsoft"),
    ReplyRule("microsoft-smtp-auth-disabled", _microsoft_policy, "auth.smtp_auth_disabled",
              lambda r: _microsoft_variant(r.text), "microsoft"),
    ReplyRule("basic-auth-retired", lambda r: r.subject == (7, 30) or r.says(BASIC_AUTH_OFF),
              "auth.basic_auth_retired"),
    ReplyRule("login-temporary-failure",
              lambda r: r.step == "auth" and r.cls == 4 and not r.says(AUTH_RATE)
              and not r.says(RATE),
              "auth.temporary_failure"),
    ReplyRule("login-rate-limited",
              lambda r: r.says(AUTH_RATE) and (r.step == "auth" or r.cls == 4),
              "auth.rate_limited"),
    ReplyRule("oauth-login-refused", lambda r: r.oauth and r.step == "auth" and r.cls in (4, 5),
              "auth.oauth_failed"),
    ReplyRule("oauth-words",
              lambda r: r.says(OAUTH_WORDS) and (r.step == "auth" or r.code in (530, 534, 535)),
              "auth.oauth_failed"),
    ReplyRule("app-password-words", lambda r: r.says(APP_PASSWORD),
              "auth.app_password_required"),
    ReplyRule("mechanism-too-weak",
              lambda r: _code_534(r) and r.says(TOO_WEAK) and not r.says(GOOGLE),
              "auth.mechanism_unsupported"),
    ReplyRule("app-password-534", _code_534, "auth.app_password_required"),
    ReplyRule("tls-first-before-login", lambda r: _tls_first(r) and r.step in _BEFORE_LOGIN,
              "auth.unavailable", "starttls_first"),
    ReplyRule("tls-first-after-login", _tls_first, "sender.not_authenticated", "starttls_first"),
    # Greeting: the server refuses the whole session.
    ReplyRule("session-rate-limited",
              lambda r: _session_refused(r) and (r.code == 432 or (r.cls == 4 and r.says(RATE))),
              "rate.limited"),
    ReplyRule("session-refused", _session_refused, "smtp.service_unavailable",
              lambda r: "blocklist" if r.says(BLOCKLIST) else None),
    ReplyRule("closing-421", lambda r: r.code == 421, "rate.limited"),
    # Envelope: who may send, to whom.
    # RFC 6531: 5.6.7 "non-ASCII addresses not permitted", 5.6.9 "UTF-8 headers cannot
    # be transferred"; an accented address somewhere on the way, never a typo.
    ReplyRule("address-needs-smtputf8",
              lambda r: r.cls == 5 and (r.subject in ((6, 7), (6, 9))
                                        or r.says(NON_ASCII_ADDRESS)),
              "address.needs_smtputf8", "refused"),
    ReplyRule("dmarc-status", lambda r: r.subject in _DMARC_SUBJECTS, "sender.rejected", "dmarc"),
    ReplyRule("send-as-denied", lambda r: r.subject == (7, 60) or r.says(SEND_AS),
              "sender.send_as_denied"),
    ReplyRule("not-authenticated",
              lambda r: r.subject == (7, 57) or r.code == 530 or r.says(NOT_AUTHENTICATED),
              "sender.not_authenticated"),
    ReplyRule("relay-denied", lambda r: r.subject in ((7, 54), (7, 68)) or r.says(RELAY),
              "relay.denied"),
    ReplyRule("blocklisted", lambda r: r.says(BLOCKLIST) and r.cls == 5,
              "smtp.service_unavailable", "blocklist"),
    # Size and limits.
    ReplyRule("mailbox-full", lambda r: r.subject == (2, 2) or r.says(MAILBOX_FULL),
              "mailbox.full", _recipient_side),
    ReplyRule("message-too-large", _too_large, "message.too_large"),
    ReplyRule("quota-exceeded", _quota, "quota.exceeded"),
    ReplyRule("rate-limited", _rate, "rate.limited"),
    ReplyRule("dmarc-words", lambda r: r.says(DMARC) and r.cls == 5, "sender.rejected", "dmarc"),
    # A 4xx at RCPT about the recipient (greylisting, a busy mailbox), not about us.
    ReplyRule("recipient-later",
              lambda r: r.step == "rcpt_to" and r.cls == 4
              and not any(w in r.text for w in (" client host ", " helo ", " sender address ",
                                                " reverse ", " hostname ")),
              "recipient.temporary"),
    # What is left, by the step it happened at.
    ReplyRule("auth-mechanism-refused",
              lambda r: r.step == "auth" and (r.code == 504 or r.says(MECHANISM_UNSUPPORTED)),
              "auth.mechanism_unsupported"),
    ReplyRule("auth-not-offered",
              lambda r: r.step == "auth" and (r.code in (500, 502, 503)
                                              or r.says(AUTH_NOT_AVAILABLE)),
              "auth.unavailable"),
    ReplyRule("auth-refused",
              lambda r: r.step == "auth" and (
                  r.cls == 5 or (r.cls is None and r.says(CREDENTIALS_WRONG))),
              "auth.invalid_credentials"),
    ReplyRule("auth-other", lambda r: r.step == "auth", "unknown"),
    ReplyRule("credentials-refused",
              lambda r: r.code == 535 or (r.code is None and r.says(CREDENTIALS_WRONG)),
              "auth.invalid_credentials"),
    ReplyRule("starttls-refused", lambda r: r.step == "starttls" and r.cls in (4, 5),
              "tls.starttls_unavailable"),
    ReplyRule("sender-refused", lambda r: r.step == "mail_from" and r.cls == 5,
              "sender.rejected"),
    ReplyRule("recipient-refused", lambda r: r.step == "rcpt_to" and r.cls == 5,
              "recipient.rejected"),
    ReplyRule("recipient-unknown",
              lambda r: r.cls == 5 and r.step in ("rcpt_to", "data") and (
                  r.subject in _RECIPIENT_SUBJECTS or r.says(UNKNOWN_USER)),
              "recipient.rejected"),
    ReplyRule("nothing-known", lambda r: True, "unknown"),
)


def reply_rule(seen: SeenReply) -> ReplyRule:
    """The first rule of :data:`REPLY_RULES` that holds for *seen* (the last always does)."""
    return next(rule for rule in REPLY_RULES if rule.when(seen))
