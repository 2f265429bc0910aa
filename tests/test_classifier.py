"""The classifier: every failure gets a contract diagnosis code and a French/English text.

Replies are the ones real servers send (Google, Microsoft 365, Postfix, Exim,
Dovecot, a French-language server), both as raw multi-line replies (code on
every line) and as the engine hands them over (lines joined). TLS errors come
from real handshakes against small servers on 127.0.0.1; SMTP client errors
from the engine's own client (smtpio) talking to a scripted server.
"""

from __future__ import annotations

import asyncio
import base64
import datetime
import errno
import json
import re
import socket
import ssl
import sys
import threading
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import trustme
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comelin_tui import i18n
from comelin_tui.diagnostics.classifier import (
    DIAGNOSIS_CODES,
    Evidence,
    classify,
    diagnosis,
    enhanced_status,
)
from comelin_tui.diagnostics.model import SMTP_STEPS
from comelin_tui.i18n import LocalText

DESIGN_CODES = {
    "config.invalid", "dns.not_found", "dns.unavailable", "connect.refused", "connect.timeout",
    "connect.unreachable", "tls.wrong_mode", "tls.untrusted", "tls.hostname_mismatch",
    "tls.expired", "tls.protocol", "tls.starttls_unavailable", "smtp.banner_timeout",
    "smtp.service_unavailable", "smtp.protocol_error", "smtp.disconnected", "auth.unavailable",
    "auth.insecure_refused", "auth.invalid_credentials", "auth.app_password_required",
    "auth.smtp_auth_disabled", "auth.basic_auth_retired", "auth.mechanism_unsupported",
    "auth.oauth_failed", "auth.rate_limited", "sender.not_authenticated",
    "sender.send_as_denied", "sender.rejected", "recipient.rejected", "relay.denied",
    "message.too_large", "quota.exceeded", "rate.limited", "mailbox.full", "unknown",
}


def _added_codes() -> set[str]:
    """The codes docs/diagnosis-codes.md adds to the design's contract (first table)."""
    import re
    from pathlib import Path

    text = (Path(__file__).parent.parent / "docs" / "diagnosis-codes.md").read_text()
    first_table = text.split("Refinements of existing codes")[0]
    return set(re.findall(r"^\| `([a-z]+\.[a-z0-9_]+)` \|", first_table, re.MULTILINE))


# The contract: the design's codes plus the ones added since (documented, never renamed).
CONTRACT_CODES = DESIGN_CODES | _added_codes()

GOOGLE_OAUTH_CHALLENGE = base64.b64encode(json.dumps(
    {"status": "401", "schemes": "Bearer", "scope": "https://mail.google.com/"}
).encode()).decode()


@dataclass(frozen=True)
class ReplyCase:
    id: str
    step: str
    code: int | None
    message: str
    expected: str
    provider_id: str | None = None
    facts: dict[str, Any] = field(default_factory=dict)
    hint_has: str = ""  # a word the English hint must contain (provider/situation text)


REPLY_CASES = [
    # --- greeting -------------------------------------------------------------------------
    ReplyCase("421-greeting-busy", "banner", 421,
              "421 4.3.2 Service not available, closing transmission channel",
              "smtp.service_unavailable"),
    ReplyCase("421-greeting-too-many", "banner", 421,
              "421 4.7.0 Too many concurrent SMTP connections from this IP; try again later",
              "rate.limited"),
    ReplyCase("554-greeting-blocklist", "banner", 554,
              "554 5.7.1 Service unavailable; Client host [203.0.113.5] blocked using "
              "zen.spamhaus.org; https://www.spamhaus.org/query/ip/203.0.113.5",
              "smtp.service_unavailable", hint_has="blocklist"),
    ReplyCase("554-greeting-plain", "banner", 554, "554 mx.example.net ESMTP not accepting messages",
              "smtp.service_unavailable"),
    ReplyCase("421-gmail-try-later-ehlo", "ehlo", 421,
              "421-4.7.0 Try again later, closing connection. (EHLO)\n"
              "421 4.7.0  For more information, go to https://support.google.com/a/answer/3221692 "
              "a1-20020a gsmtp", "rate.limited"),
    ReplyCase("421-mid-session-shutdown", "mail_from", 421,
              "421 4.3.2 System not accepting network messages", "smtp.service_unavailable"),
    # --- Google authentication --------------------------------------------------------------
    ReplyCase("google-535-5.7.8-raw", "auth", 535,
              "535-5.7.8 Username and Password not accepted. Learn more at\n"
              "535 5.7.8  https://support.google.com/mail/?p=BadCredentials "
              "d75a77b69052e-4b2f gsmtp",
              "auth.invalid_credentials", hint_has="app password"),
    ReplyCase("google-535-5.7.8-joined", "auth", 535,
              "5.7.8 Username and Password not accepted. Learn more at 5.7.8  "
              "https://support.google.com/mail/?p=BadCredentials x1-20020a gsmtp",
              "auth.invalid_credentials", provider_id="custom", hint_has="app password"),
    ReplyCase("google-534-5.7.9", "auth", 534,
              "534-5.7.9 Application-specific password required. Learn more at\n"
              "534 5.7.9  https://support.google.com/mail/?p=InvalidSecondFactor "
              "z3-20020a gsmtp",
              "auth.app_password_required", hint_has="App passwords"),
    ReplyCase("google-534-5.7.14-weblogin", "auth", 534,
              "534-5.7.14 <https://accounts.google.com/signin/continue?sarp=1&scc=1&plt=AKgnsbt>\n"
              "534-5.7.14 Please log in via your web browser and then try again.\n"
              "534 5.7.14  Learn more at https://support.google.com/mail/answer/78754 gsmtp",
              "auth.app_password_required"),
    ReplyCase("google-530-starttls-first-mail-from", "mail_from", 530,
              "530 5.7.0 Must issue a STARTTLS command first. a2-20020a gsmtp",
              "sender.not_authenticated", hint_has="encryption"),
    ReplyCase("google-530-starttls-first-at-auth", "auth", 530,
              "530 5.7.0 Must issue a STARTTLS command first. a2-20020a gsmtp",
              "auth.unavailable", hint_has="encryption"),
    ReplyCase("google-454-too-many-logins", "auth", 454,
              "454 4.7.0 Too many login attempts, please try again later. "
              "c4-20020a gsmtp", "auth.rate_limited"),
    ReplyCase("google-xoauth2-334-json", "auth", 334, GOOGLE_OAUTH_CHALLENGE,
              "auth.oauth_failed"),
    ReplyCase("google-xoauth2-final-535", "auth", 535,
              "535-5.7.8 Username and Password not accepted. Learn more at\n"
              "535 5.7.8  https://support.google.com/mail/?p=BadCredentials gsmtp",
              "auth.oauth_failed", facts={"mechanism": "XOAUTH2"}),
    ReplyCase("google-daily-limit", "mail_from", 550,
              "550-5.4.5 Daily user sending limit exceeded. For more information on Gmail\n"
              "550-5.4.5 sending limits go to\n"
              "550 5.4.5  https://support.google.com/a/answer/166852 gsmtp",
              "quota.exceeded", provider_id="google-workspace"),
    ReplyCase("google-relay-peak-limit", "mail_from", 450,
              "450-4.2.1 Peak SMTP relay limit exceeded for customer. Please try again later.\n"
              "450 4.2.1 gsmtp", "quota.exceeded"),
    ReplyCase("google-receiving-too-fast", "rcpt_to", 450,
              "450-4.2.1 The user you are trying to contact is receiving mail at a rate that\n"
              "450-4.2.1 prevents additional messages from being delivered. Please resend your\n"
              "450 4.2.1 message at a later point. gsmtp", "rate.limited"),
    ReplyCase("google-dmarc-5.7.26", "data", 550,
              "550-5.7.26 This mail has been blocked because the sender is unauthenticated.\n"
              "550-5.7.26 Gmail requires all senders to authenticate with either SPF or DKIM.\n"
              "550 5.7.26  https://support.google.com/mail/answer/81126 gsmtp",
              "sender.rejected", hint_has="DMARC"),
    ReplyCase("google-recipient-full", "rcpt_to", 552,
              "552-5.2.2 The recipient's inbox is out of storage space. Please direct the\n"
              "552 5.2.2 recipient to https://support.google.com/mail/?p=OverQuotaPerm gsmtp",
              "mailbox.full", hint_has="another recipient"),
    ReplyCase("google-too-large", "data", 552,
              "552-5.3.4 Your message exceeded Google's message size limits. Please visit\n"
              "552 5.3.4  https://support.google.com/mail/?p=MaxSizeError gsmtp",
              "message.too_large"),
    ReplyCase("google-unknown-user", "rcpt_to", 550,
              "550-5.1.1 The email account that you tried to reach does not exist. Please try\n"
              "550 5.1.1 double-checking the recipient's email address for typos gsmtp",
              "recipient.rejected"),
    # --- Microsoft 365 ------------------------------------------------------------------------
    ReplyCase("ms-5.7.139-tenant", "auth", 535,
              "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for "
              "the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information. "
              "[TY1PR01CA0183.jpnprd01.prod.outlook.com]",
              "auth.smtp_auth_disabled", hint_has="whole organization"),
    ReplyCase("ms-5.7.139-mailbox-custom-provider", "auth", 535,
              "5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the "
              "Mailbox. Visit https://aka.ms/smtp_auth_disabled for more information.",
              "auth.smtp_auth_disabled", provider_id="custom", hint_has="Authenticated SMTP"),
    ReplyCase("ms-5.7.139-security-defaults", "auth", 535,
              "535 5.7.139 Authentication unsuccessful, user is locked by your organization's "
              "security defaults policy. Contact your administrator.",
              "auth.smtp_auth_disabled", hint_has="Security defaults"),
    ReplyCase("ms-5.7.139-conditional-access", "auth", 535,
              "535 5.7.139 Authentication unsuccessful, the request did not meet the criteria to "
              "be authenticated successfully. Contact your administrator.",
              "auth.smtp_auth_disabled", hint_has="Conditional Access"),
    ReplyCase("ms-5.7.139-basic-disabled", "auth", 535,
              "535 5.7.139 Authentication unsuccessful, basic authentication is disabled. "
              "[PH7P220CA0132.NAMP220.PROD.OUTLOOK.COM 2024-11-11T21:51:32.927Z]",
              "auth.basic_auth_retired", hint_has="OAuth"),
    ReplyCase("ms-5.7.139-credentials", "auth", 535,
              "535 5.7.139 Authentication unsuccessful, the user credentials were incorrect. "
              "[PH0PR07CA0004.namprd07.prod.outlook.com]",
              "auth.invalid_credentials", hint_has="UPN"),
    ReplyCase("ms-5.7.3", "auth", 535,
              "535 5.7.3 Authentication unsuccessful [SN4PR0601CA0017.namprd06.prod.outlook.com]",
              "auth.invalid_credentials", provider_id="microsoft365"),
    ReplyCase("ms-5.7.3-xoauth2", "auth", 535,
              "535 5.7.3 Authentication unsuccessful [SN4PR0601CA0017.namprd06.prod.outlook.com]",
              "auth.oauth_failed", facts={"auth_mechanism": "XOAUTH2"}),
    ReplyCase("ms-5.7.30-at-auth", "auth", 535,
              "535 5.7.30 Basic authentication is not supported for Client Submission. "
              "[BN9PR03CA0123.namprd03.prod.outlook.com]", "auth.basic_auth_retired"),
    ReplyCase("ms-5.7.30-550", "mail_from", 550,
              "550 5.7.30 Basic authentication is not supported for Client Submission.",
              "auth.basic_auth_retired"),
    ReplyCase("ms-5.7.57", "mail_from", 530,
              "530 5.7.57 Client not authenticated to send mail. "
              "[YT4PR01CA0013.CANPRD01.PROD.OUTLOOK.COM]", "sender.not_authenticated"),
    ReplyCase("ms-5.7.57-anonymous", "mail_from", 530,
              "530 5.7.57 SMTP; Client was not authenticated to send anonymous mail during "
              "MAIL FROM [BL0PR02CA0054.namprd02.prod.outlook.com]", "sender.not_authenticated",
              hint_has="Authenticated SMTP"),
    ReplyCase("ms-5.7.60-send-as", "data", 550,
              "550 5.7.60 SMTP; Client does not have permissions to send as this sender "
              "[YQBPR0101MB5521.CANPRD01.PROD.OUTLOOK.COM]", "sender.send_as_denied"),
    ReplyCase("ms-sendasdenied", "data", 554,
              "554 5.2.0 STOREDRV.Submission.Exception:SendAsDeniedException.MapiExceptionSendAsDenied;"
              " Failed to process message due to a permanent exception", "sender.send_as_denied"),
    ReplyCase("ms-submission-quota", "data", 554,
              "554 5.2.0 STOREDRV.Submission.Exception:SubmissionQuotaExceededException; Failed "
              "to process message due to a permanent exception with message Cannot submit "
              "message.", "quota.exceeded", hint_has="10,000"),
    ReplyCase("ms-mailbox-full", "data", 554,
              "554 5.2.2 mailbox full; STOREDRV.Submission.Exception:QuotaExceededException."
              "MapiExceptionQuotaExceeded", "mailbox.full", hint_has="Sent Items"),
    ReplyCase("ms-concurrent", "mail_from", 432,
              "432 4.3.2 STOREDRV.ClientSubmit; Concurrent connections limit exceeded",
              "rate.limited"),
    ReplyCase("ms-5.7.54-relay", "rcpt_to", 550,
              "550 5.7.54 SMTP; Unable to relay recipient in non-accepted domain",
              "relay.denied"),
    ReplyCase("ms-5.7.68-direct-send", "rcpt_to", 550,
              "550 5.7.68 TenantInboundAttribution; Direct Send not allowed for this "
              "organization from unauthorized sources", "relay.denied",
              hint_has="smtp.office365.com"),
    ReplyCase("ms-5.7.4-mechanism", "auth", 504,
              "504 5.7.4 Unrecognized authentication type "
              "[MW4PR03CA0123.namprd03.prod.outlook.com]", "auth.mechanism_unsupported"),
    ReplyCase("ms-recipient-not-found", "rcpt_to", 550,
              "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address "
              "lookup", "recipient.rejected"),
    # --- Postfix / Dovecot ----------------------------------------------------------------------
    ReplyCase("postfix-dovecot-auth-failed", "auth", 535,
              "535 5.7.8 Error: authentication failed: authentication failure",
              "auth.invalid_credentials"),
    ReplyCase("postfix-auth-not-enabled", "auth", 503,
              "503 5.5.1 Error: authentication not enabled", "auth.unavailable"),
    ReplyCase("postfix-relay-denied", "rcpt_to", 554,
              "554 5.7.1 <client@example.net>: Relay access denied", "relay.denied"),
    ReplyCase("postfix-relay-wins-at-rcpt", "rcpt_to", 550,
              "550 5.7.1 <bob@example.net>: Recipient address rejected: relaying denied",
              "relay.denied"),
    ReplyCase("postfix-unknown-user", "rcpt_to", 550,
              "550 5.1.1 <nobody@example.com>: Recipient address rejected: User unknown in "
              "virtual mailbox table", "recipient.rejected"),
    ReplyCase("postfix-not-owned", "mail_from", 553,
              "553 5.7.1 <ventes@example.com>: Sender address rejected: not owned by user "
              "caisse@example.com", "sender.send_as_denied"),
    ReplyCase("postfix-not-logged-in", "mail_from", 553,
              "553 5.7.1 <ventes@example.com>: Sender address rejected: not logged in",
              "sender.not_authenticated"),
    ReplyCase("postfix-sender-domain", "mail_from", 550,
              "550 5.1.8 <pos@nowhere.invalid>: Sender address rejected: Domain not found",
              "sender.rejected"),
    ReplyCase("postfix-size", "data", 552, "552 5.3.4 Message size exceeds fixed limit",
              "message.too_large"),
    ReplyCase("postfix-greylist", "rcpt_to", 450,
              "450 4.2.0 <bob@example.org>: Recipient address rejected: Greylisted, see "
              "http://postgrey.schweikert.ch/help/example.org.html", "rate.limited"),
    ReplyCase("postfix-tls-unavailable", "starttls", 454,
              "454 4.7.0 TLS not available due to local problem", "tls.starttls_unavailable"),
    ReplyCase("postfix-spf-fail", "rcpt_to", 550,
              "550 5.7.23 <bob@example.org>: Recipient address rejected: Message rejected due "
              "to: SPF fail - not authorized", "sender.rejected", hint_has="SPF"),
    ReplyCase("postfix-450-4.7.1-client-rejected", "rcpt_to", 450,
              "450 4.7.1 Client host rejected: cannot find your hostname, [203.0.113.9]",
              "unknown"),
    ReplyCase("rate-450-4.7.x", "mail_from", 450,
              "450 4.7.1 Service temporarily unavailable", "rate.limited"),
    ReplyCase("mailbox-full-452", "rcpt_to", 452,
              "452 4.2.2 <bob@example.org>: Mailbox full", "mailbox.full"),
    # --- Exim ------------------------------------------------------------------------------------
    ReplyCase("exim-535", "auth", 535, "535 Incorrect authentication data",
              "auth.invalid_credentials"),
    ReplyCase("exim-relay", "rcpt_to", 550, "550 relay not permitted", "relay.denied"),
    ReplyCase("exim-auth-required", "rcpt_to", 550,
              "550 Authentication required to send through this server",
              "sender.not_authenticated"),
    ReplyCase("exim-size", "mail_from", 552,
              "552 Message size exceeds maximum permitted", "message.too_large"),
    ReplyCase("exim-ratelimit", "mail_from", 451,
              "451 4.7.0 Rate limit exceeded, slow down please", "rate.limited"),
    ReplyCase("exim-auth-ratelimit", "auth", 535,
              "535 Too many authentication failures, try again later", "auth.rate_limited"),
    # --- French-language servers ----------------------------------------------------------------
    ReplyCase("fr-auth", "auth", 535,
              "535-5.7.8 Authentification échouée :\n"
              "535 5.7.8 identifiant ou mot de passe invalide", "auth.invalid_credentials"),
    ReplyCase("fr-relay", "rcpt_to", 554, "554 5.7.1 <client@exemple.ca> : Relais refusé",
              "relay.denied"),
    ReplyCase("fr-auth-required", "mail_from", 550,
              "550 5.7.1 Authentification requise pour envoyer du courriel",
              "sender.not_authenticated"),
    ReplyCase("fr-mailbox-full", "rcpt_to", 552, "552 Boîte aux lettres pleine",
              "mailbox.full"),
    ReplyCase("fr-too-many", "banner", 421,
              "421-4.7.0 Trop de connexions simultanées depuis votre adresse\n"
              "421 4.7.0 Réessayez plus tard", "rate.limited"),
    ReplyCase("fr-size", "data", 552, "552 5.3.4 Taille du message trop grande",
              "message.too_large"),
    # --- other rules ----------------------------------------------------------------------------
    ReplyCase("mechanism-too-weak", "auth", 534,
              "534 5.7.9 Authentication mechanism is too weak", "auth.mechanism_unsupported"),
    ReplyCase("538-encryption", "auth", 538,
              "538 5.7.11 Encryption required for requested authentication mechanism",
              "auth.unavailable"),
    ReplyCase("oauth-invalid-token-words", "auth", 535,
              "535 5.7.3 Authentication unsuccessful: invalid token", "auth.oauth_failed"),
    ReplyCase("other-5xx-mail-from", "mail_from", 550,
              "550 5.7.1 Sender address not allowed for this account category",
              "sender.rejected"),
    ReplyCase("other-5xx-rcpt", "rcpt_to", 550, "550 Mailbox unavailable",
              "recipient.rejected"),
    ReplyCase("spam-at-data", "data", 554,
              "554 5.7.1 Message rejected as spam by Content Filtering.", "unknown"),
    ReplyCase("garbage-code", "ehlo", 999, "999 what is this", "smtp.protocol_error"),
    ReplyCase("malformed-line", "banner", -1,
              "Malformed SMTP response line: HTTP/1.1 400 Bad Request", "smtp.protocol_error"),
    ReplyCase("code-only-in-message", "auth", None,
              "535 5.7.8 Error: authentication failed: UGFzc3dvcmQ6", "auth.invalid_credentials"),
    ReplyCase("words-only", "auth", None, "Username and Password not accepted",
              "auth.invalid_credentials"),
    ReplyCase("unexpected-positive", "data", 250, "250 2.0.0 Ok: queued as 4XyZ",
              "unknown"),
    ReplyCase("ehlo-syntax", "ehlo", 501, "501 5.5.4 Invalid EHLO/HELO domain", "unknown"),
    ReplyCase("postfix-454-temporary-auth", "auth", 454,
              "454 4.7.0 Temporary authentication failure", "auth.temporary_failure",
              hint_has="change no setting"),
    ReplyCase("recipient-lookup-later", "rcpt_to", 451,
              "451 4.3.0 <client@example.net>: Temporary lookup failure",
              "recipient.temporary", hint_has="try again in a few minutes"),
    # RFC 6531: an accented local part refused on the way is never read as a typo.
    ReplyCase("non-ascii-sender-567", "mail_from", 553,
              "553 5.6.7 Non-ASCII addresses not permitted for that sender",
              "address.needs_smtputf8", hint_has="not a typo"),
    ReplyCase("non-ascii-recipient-words", "rcpt_to", 553,
              "553 5.1.3 SMTPUTF8 is required for this address", "address.needs_smtputf8",
              hint_has="without accents"),
]


@pytest.mark.parametrize("case", REPLY_CASES, ids=[c.id for c in REPLY_CASES])
def test_reply_rules(case: ReplyCase) -> None:
    evidence = Evidence(step=case.step, code=case.code, message=case.message,  # type: ignore[arg-type]
                        provider_id=case.provider_id, facts=case.facts)
    found = classify(evidence, "en")
    assert found.code == case.expected, found
    assert found.summary and found.hint
    if case.hint_has:
        assert case.hint_has.lower() in found.hint.lower(), found.hint
    french = classify(evidence, "fr")
    assert french.code == case.expected
    assert french.summary != found.summary or french.hint != found.hint


def test_reply_rules_cover_every_reply_code_of_the_contract() -> None:
    from_replies = {case.expected for case in REPLY_CASES}
    engine_decisions = {"config.invalid", "auth.insecure_refused", "tls.starttls_unavailable",
                        "auth.mechanism_unsupported", "message.too_large", "auth.unavailable",
                        "relay.local_only", "auth.cleartext_allowed"}
    connection_level = {c for c in CONTRACT_CODES if c.split(".")[0] in ("dns", "connect", "tls")}
    connection_level |= {"smtp.banner_timeout", "smtp.disconnected", "smtp.timeout",
                         "smtp.greeting_slow"}
    missing = CONTRACT_CODES - from_replies - engine_decisions - connection_level
    assert not missing


def test_unknown_keeps_the_raw_reply_in_the_summary() -> None:
    found = classify(Evidence("data", code=554, message="554-5.6.0 Odd thing\n554 5.6.0 happened"))
    assert found.code == "unknown"
    assert "554 5.6.0 Odd thing 5.6.0 happened" in found.summary


def test_catch_all_codes_show_the_reply_and_addresses() -> None:
    found = classify(Evidence("rcpt_to", code=550, message="550 Mailbox unavailable",
                              facts={"recipient": "bob@example.org"}), "fr")
    assert found.summary == ("Le serveur a refusé le destinataire bob@example.org\u00a0: "
                             "550 Mailbox unavailable.")


# --- enhanced status codes -----------------------------------------------------------------------

@pytest.mark.parametrize(("message", "expected"), [
    ("535-5.7.8 Username and Password not accepted. Learn more at\n535 5.7.8  https://x", (5, 7, 8)),
    ("5.7.139 Authentication unsuccessful", (5, 7, 139)),
    ("550 #5.1.0 Address rejected", (5, 1, 0)),
    ("554 Message refused (5.7.1)", (5, 7, 1)),
    ("250 2.0.0 Ok", (2, 0, 0)),
    ("550 Client host 192.0.2.10 rejected", None),
    ("220 mail.example.com ESMTP Postfix 3.7.4", None),
    ("", None),
])
def test_enhanced_status(message: str, expected: tuple[int, int, int] | None) -> None:
    assert enhanced_status(message) == expected


def test_enhanced_code_that_disagrees_with_the_reply_code_is_ignored() -> None:
    # "5.2.2" inside a 4xx reply is not its status code: not "mailbox full".
    found = classify(Evidence("mail_from", code=451, message="451 Local error in 5.2.2 module"))
    assert found.code == "unknown"


# --- exceptions, constructed --------------------------------------------------------------------

def _gaierror(name: str, text: str) -> socket.gaierror:
    return socket.gaierror(getattr(socket, name), text)


def _with_cause(outer: BaseException, cause: BaseException) -> BaseException:
    outer.__cause__ = cause
    return outer


def _ssl_error(reason: str, text: str, cls: type[ssl.SSLError] = ssl.SSLError) -> ssl.SSLError:
    exc = cls(1, f"[SSL: {reason}] {text} (_ssl.c:1006)")
    exc.reason = reason  # type: ignore[attr-defined]
    return exc


def _verify_error(code: int, message: str) -> ssl.SSLCertVerificationError:
    exc = ssl.SSLCertVerificationError(1, f"[SSL: CERTIFICATE_VERIFY_FAILED] {message}")
    exc.verify_code = code  # type: ignore[attr-defined]
    exc.verify_message = message  # type: ignore[attr-defined]
    return exc


class ProtocolViolation(ValueError):
    """Like the engine's own: the server broke the protocol."""


EXCEPTION_CASES: list[tuple[str, str, Callable[[], BaseException], dict[str, Any], str]] = [
    ("eai-noname", "resolve", lambda: _gaierror("EAI_NONAME", "Name or service not known"), {},
     "dns.not_found"),
    ("eai-nodata", "resolve", lambda: _gaierror("EAI_NODATA", "No address associated with hostname"),
     {}, "dns.not_found"),
    ("eai-again", "resolve", lambda: _gaierror("EAI_AGAIN", "Temporary failure in name resolution"),
     {}, "dns.unavailable"),
    ("eai-fail", "resolve", lambda: _gaierror("EAI_FAIL", "Non-recoverable failure in name resolution"),
     {}, "dns.unavailable"),
    ("refused", "connect", lambda: ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused"),
     {}, "connect.refused"),
    # asyncio.TimeoutError and socket.timeout are this same class since Python 3.11.
    ("connect-timeout", "connect", lambda: TimeoutError(), {}, "connect.timeout"),
    ("etimedout", "connect", lambda: OSError(errno.ETIMEDOUT, "Connection timed out"), {},
     "connect.timeout"),
    ("resolve-timeout", "resolve", lambda: TimeoutError(), {}, "dns.unavailable"),
    ("banner-timeout", "banner", lambda: TimeoutError(), {}, "smtp.banner_timeout"),
    ("banner-timeout-probe-says-tls", "banner", lambda: TimeoutError(),
     {"probe_implicit_tls_ok": True}, "tls.wrong_mode"),
    ("banner-timeout-tls-bytes", "banner", lambda: TimeoutError("timed out"),
     {"received_tls_bytes": True}, "tls.wrong_mode"),
    ("tls-timeout", "tls", lambda: TimeoutError(), {}, "smtp.banner_timeout"),
    ("data-timeout", "data", lambda: TimeoutError(), {}, "smtp.timeout"),  # mid-conversation: named, with its step
    ("enetunreach", "connect", lambda: OSError(errno.ENETUNREACH, "Network is unreachable"), {},
     "connect.unreachable"),
    ("ehostunreach", "connect", lambda: OSError(errno.EHOSTUNREACH, "No route to host"), {},
     "connect.unreachable"),
    ("verify-18", "tls", lambda: _verify_error(18, "self-signed certificate"), {},
     "tls.untrusted"),
    ("verify-19", "tls", lambda: _verify_error(19, "self-signed certificate in certificate chain"),
     {}, "tls.untrusted"),
    ("verify-20", "starttls", lambda: _verify_error(20, "unable to get local issuer certificate"),
     {}, "tls.untrusted"),
    ("verify-21", "tls", lambda: _verify_error(21, "unable to verify the first certificate"), {},
     "tls.untrusted"),
    ("verify-2", "tls", lambda: _verify_error(2, "unable to get issuer certificate"), {},
     "tls.untrusted"),
    ("verify-10", "tls", lambda: _verify_error(10, "certificate has expired"), {}, "tls.expired"),
    ("verify-9", "tls", lambda: _verify_error(9, "certificate is not yet valid"), {},
     "tls.expired"),
    ("verify-62", "tls", lambda: _verify_error(
        62, "Hostname mismatch, certificate is not valid for 'smtp.example.com'."), {},
     "tls.hostname_mismatch"),
    ("verify-64", "tls", lambda: _verify_error(
        64, "IP address mismatch, certificate is not valid for '192.0.2.1'."), {},
     "tls.hostname_mismatch"),
    ("wrong-version", "tls", lambda: _ssl_error("WRONG_VERSION_NUMBER", "wrong version number"),
     {}, "tls.wrong_mode"),
    ("record-layer", "tls", lambda: _ssl_error("RECORD_LAYER_FAILURE", "record layer failure"),
     {}, "tls.wrong_mode"),
    ("packet-length", "tls", lambda: _ssl_error("PACKET_LENGTH_TOO_LONG", "packet length too long"),
     {}, "tls.wrong_mode"),
    ("http-request", "tls", lambda: _ssl_error("HTTP_REQUEST", "http request"), {},
     "tls.wrong_mode"),
    ("unsupported-protocol", "tls", lambda: _ssl_error("UNSUPPORTED_PROTOCOL", "unsupported protocol"),
     {}, "tls.protocol"),
    ("no-protocols", "starttls", lambda: _ssl_error("NO_PROTOCOLS_AVAILABLE", "no protocols available"),
     {}, "tls.protocol"),
    ("no-shared-cipher", "tls", lambda: _ssl_error("NO_SHARED_CIPHER", "no shared cipher"), {},
     "tls.protocol"),
    ("alert-protocol-version", "tls", lambda: _ssl_error(
        "TLSV1_ALERT_PROTOCOL_VERSION", "tlsv1 alert protocol version"), {}, "tls.protocol"),
    ("ssl-eof-plain", "tls", lambda: _ssl_error("UNEXPECTED_EOF_WHILE_READING", "EOF occurred",
                                                ssl.SSLEOFError), {}, "smtp.disconnected"),
    ("ssl-eof-facts", "tls", lambda: _ssl_error("UNEXPECTED_EOF_WHILE_READING", "EOF occurred",
                                                ssl.SSLEOFError),
     {"received_plaintext": True}, "tls.wrong_mode"),
    ("reset-during-tls", "starttls", lambda: ConnectionResetError(errno.ECONNRESET, "reset"), {},
     "smtp.disconnected"),
    ("reset-during-tls-facts", "tls", lambda: ConnectionResetError(errno.ECONNRESET, "reset"),
     {"probe_plaintext_ok": True}, "tls.wrong_mode"),
    ("reset-later", "mail_from", lambda: ConnectionResetError(errno.ECONNRESET, "reset"), {},
     "smtp.disconnected"),
    ("broken-pipe", "data", lambda: BrokenPipeError(errno.EPIPE, "Broken pipe"), {},
     "smtp.disconnected"),
    ("incomplete-read", "ehlo", lambda: asyncio.IncompleteReadError(b"250-", None), {},
     "smtp.disconnected"),
    ("protocol-violation", "ehlo", lambda: ProtocolViolation("line too long"), {},
     "smtp.protocol_error"),
    ("value-error-malformed", "banner", lambda: ValueError("malformed reply line"), {},
     "smtp.protocol_error"),
    ("facts-protocol-error", "ehlo", lambda: RuntimeError("boom"), {"protocol_error": True},
     "smtp.protocol_error"),
    ("wrapped-refused", "connect", lambda: _with_cause(
        OSError("could not connect"), ConnectionRefusedError(errno.ECONNREFUSED, "refused")), {},
     "connect.refused"),
    ("wrapped-certificate", "tls", lambda: _with_cause(
        ConnectionError("handshake failed"), _verify_error(10, "certificate has expired")), {},
     "tls.expired"),
    ("unrelated-error", "ehlo", lambda: RuntimeError("something odd"), {}, "unknown"),
]


@pytest.mark.parametrize(("step", "make", "facts", "expected"),
                         [case[1:] for case in EXCEPTION_CASES],
                         ids=[case[0] for case in EXCEPTION_CASES])
def test_exception_rules(step: str, make: Callable[[], BaseException], facts: dict[str, Any],
                         expected: str) -> None:
    found = classify(Evidence(step=step, exception=make(), facts=facts), "en")  # type: ignore[arg-type]
    assert found.code == expected, found


def test_unrecognised_exception_is_not_called_a_server_answer() -> None:
    exc = RuntimeError("event loop is closed")
    found = classify(Evidence("ehlo", exception=exc, message=str(exc)), "en")
    assert found.code == "unknown"
    assert found.summary == ("The test stopped on an unexpected error: RuntimeError: event loop "
                             "is closed")


def test_wrong_mode_hint_says_which_way() -> None:
    implicit_on_plain = classify(Evidence(
        "tls", exception=_ssl_error("WRONG_VERSION_NUMBER", "wrong version number")), "en")
    assert "set the security to STARTTLS" in implicit_on_plain.hint
    plain_on_implicit = classify(Evidence(
        "banner", exception=TimeoutError(), facts={"received_tls_bytes": True}), "en")
    assert "set the security to implicit SSL/TLS" in plain_on_implicit.hint


def test_timeout_texts_use_the_facts() -> None:
    found = classify(Evidence("connect", exception=TimeoutError(),
                              facts={"host": "smtp.example.com", "port": 25, "timeout": 15.0}), "fr")
    assert found.summary == "Aucune réponse du serveur smtp.example.com sur le port 25 en 15 s."
    assert "port 25" in found.hint and "587" in found.hint  # ISPs block port 25


def test_not_yet_valid_certificate_has_its_own_summary() -> None:
    found = classify(Evidence("tls", exception=_verify_error(9, "certificate is not yet valid"),
                              facts={"not_before": "2099-01-01"}), "en")
    assert found.summary == (
        "The server's certificate is not valid yet (valid from 2099-01-01 00:00 UTC).")
    assert "clock" in found.hint


# --- the store's network: the clock, interception, port 25 -----------------------------------


def test_a_certificate_out_of_its_dates_shows_this_computers_time() -> None:
    found = classify(Evidence("tls", exception=_verify_error(9, "certificate is not yet valid"),
                              facts={"not_before": "2027-03-01T00:00:00+00:00",
                                     "clock_now": "2026-12-02T13:20:00+00:00"}), "en")
    assert "valid from 2027-03-01 00:00 UTC" in found.summary
    assert "This computer's clock says 2026-12-02 13:20 UTC" in found.hint
    expired = classify(Evidence("tls", exception=_verify_error(10, "certificate has expired"),
                                facts={"not_after": "2026-11-30T00:00:00+00:00",
                                       "clock_now": "2026-12-02T13:20:00+00:00"}), "fr")
    assert "valide jusqu'au 2026-11-30 00:00 UTC" in expired.summary
    assert "il indique 2026-12-02 13:20 UTC" in expired.hint


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_servers_own_time_says_which_clock_is_wrong(lang: str) -> None:
    facts = {"not_before": "2026-12-03T00:00:00+00:00", "clock_now": "2020-01-01T00:05:00+00:00",
             "server_time": "2026-12-04T10:00:00+00:00"}
    wrong = classify(Evidence("tls", exception=_verify_error(9, "certificate is not yet valid"),
                              facts=facts), lang)
    assert "2020-01-01 00:05 UTC" in wrong.hint and "2026-12-04 10:00 UTC" in wrong.hint
    assert {"fr": "l'heure de cet ordinateur qui est fausse",
            "en": "this computer's time is wrong"}[lang] in wrong.hint
    assert {"fr": "selon l'horloge de cet ordinateur",
            "en": "by this computer's clock"}[lang] in wrong.summary
    right = classify(Evidence("tls", exception=_verify_error(9, "certificate is not yet valid"),
                              facts={**facts, "clock_now": "2026-12-04T10:01:00+00:00"}), lang)
    assert {"fr": "s'accorde avec celle du serveur",
            "en": "agrees with the server's"}[lang] in right.hint


@pytest.mark.parametrize(("issuer", "product", "kind"), [
    (("CN=Avast Web/Mail Shield Root,O=Avast Web/Mail Shield,OU=generated by Avast Antivirus "
      "for SSL/TLS scanning"), "Avast", "antivirus"),
    ("CN=ESET SSL Filter CA,O=ESET spol. s r. o.", "ESET", "antivirus"),
    ("CN=Kaspersky Anti-Virus Personal Root Certificate,O=AO Kaspersky Lab", "Kaspersky",
     "antivirus"),
    ("CN=Bitdefender Personal CA.Net-Defender,OU=IDS,O=Bitdefender", "Bitdefender", "antivirus"),
    ("CN=FortiGate CA,OU=Certificate Authority,O=Fortinet", "Fortinet (FortiGate)", "firewall"),
    ("CN=Zscaler Intermediate Root CA (zscaler.net),O=Zscaler Inc.", "Zscaler", "firewall"),
    ("CN=Sophos SSL CA_C123,O=Sophos", "Sophos", "firewall"),
])
def test_a_certificate_from_an_intercepting_product_names_it(issuer: str, product: str,
                                                            kind: str) -> None:
    found = classify(Evidence("starttls", exception=_verify_error(20, "unable to get local "
                                                                  "issuer certificate"),
                              facts={"issuer": issuer, "host": "smtp.office365.com",
                                     "port": 587}), "en")
    assert found.code == "tls.untrusted"
    assert product in found.summary
    if kind == "antivirus":
        assert "Mail Shield" in found.hint and "exception for smtp.office365.com" in found.hint
    else:
        assert "SSL/TLS inspection" in found.hint and "smtp.office365.com port 587" in found.hint
    assert "Do not change the server or the password" in found.hint


def test_a_real_authority_is_not_taken_for_an_antivirus() -> None:
    for issuer in ("CN=R11,O=Let's Encrypt,C=US", "CN=DigiCert Global G2 TLS RSA SHA256 2020 CA1",
                   "CN=GTS CA 1C3,O=Google Trust Services LLC,C=US", "CN=Avastra Hosting CA"):
        found = classify(Evidence("tls", exception=_verify_error(20, "unable to get local "
                                                                 "issuer certificate"),
                                  facts={"issuer": issuer}), "en")
        assert "antivirus" not in found.summary and "firewall" not in found.summary, issuer


def test_port_25_silent_while_587_answers_is_a_blocked_port() -> None:
    facts = {"port": 25, "host": "smtp.example.com", "probe": [
        {"port": 587, "security": "starttls", "ok": True},
        {"port": 465, "security": "implicit_tls", "ok": True}]}
    for lang, words in (("en", ("Internet provider or the store's firewall", "Use port 587 (STARTTLS)")),
                        ("fr", ("fournisseur Internet ou par le pare-feu du magasin",
                                "Utilisez le port 587 (STARTTLS)"))):
        found = classify(Evidence("connect", exception=TimeoutError(), facts=facts), lang)
        assert found.code == "connect.timeout"
        assert words[0] in found.summary and "587" in found.summary
        assert words[1] in found.hint
    # Every other port silent too: not port 25 alone.
    silent = classify(Evidence("connect", exception=TimeoutError(), facts={**facts, "probe": [
        {"port": 587, "security": "starttls", "ok": False, "error": "connect.timeout"}]}), "en")
    assert "blocked on the way out" not in silent.summary


# --- exceptions from real handshakes --------------------------------------------------------------

@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


def _tls_server(context: ssl.SSLContext) -> int:
    """A one-connection TLS server in a thread; returns its port."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def run() -> None:
        with listener:
            listener.settimeout(5)
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            try:
                with context.wrap_socket(conn, server_side=True) as tls:
                    tls.recv(1)
            except (OSError, ssl.SSLError):
                pass  # the client gave up on purpose

    threading.Thread(target=run, daemon=True).start()
    return port


def _plain_server(greeting: bytes) -> int:
    """A one-connection plaintext server that greets like SMTP and waits."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    done = threading.Event()

    def run() -> None:
        with listener:
            listener.settimeout(5)
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with conn:
                conn.sendall(greeting)
                done.wait(5)
                conn.recv(4096)

    threading.Thread(target=run, daemon=True).start()
    return port


def _handshake(port: int, client: ssl.SSLContext, server_hostname: str) -> BaseException:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
        try:
            client.wrap_socket(raw, server_hostname=server_hostname).close()
        except (OSError, ssl.SSLError) as exc:
            return exc
    raise AssertionError("the handshake should have failed")


def _server_context(cert: trustme.LeafCert, **limits: Any) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    cert.configure_cert(context)
    for name, value in limits.items():
        setattr(context, name, value)
    return context


def _client_context(ca: trustme.CA | None) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=None) if ca is None else ssl.create_default_context()
    if ca is not None:
        ca.configure_trust(context)
    return context


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


@pytest.mark.parametrize(("name", "expected"), [
    ("ip-mismatch", "tls.hostname_mismatch"),
    ("name-mismatch", "tls.hostname_mismatch"),
    ("expired", "tls.expired"),
    ("not-yet-valid", "tls.expired"),
    ("unknown-ca", "tls.untrusted"),
    ("self-signed", "tls.untrusted"),
    ("old-server-protocol", "tls.protocol"),
    ("no-shared-cipher", "tls.protocol"),
])
def test_real_tls_failures(ca: trustme.CA, name: str, expected: str) -> None:
    server_hostname = "127.0.0.1"
    client = _client_context(ca)
    if name == "ip-mismatch":
        context = _server_context(ca.issue_cert("mail.example.org"))
    elif name == "name-mismatch":
        context = _server_context(ca.issue_cert("mail.example.org"))
        server_hostname = "smtp.example.com"
    elif name == "expired":
        context = _server_context(ca.issue_cert(
            "127.0.0.1", not_before=_now() - datetime.timedelta(days=400),
            not_after=_now() - datetime.timedelta(days=2)))
    elif name == "not-yet-valid":
        context = _server_context(ca.issue_cert(
            "127.0.0.1", not_before=_now() + datetime.timedelta(days=30),
            not_after=_now() + datetime.timedelta(days=400)))
    elif name == "unknown-ca":
        context = _server_context(trustme.CA().issue_cert("127.0.0.1"))
    elif name == "self-signed":
        # The CA's own certificate served as the leaf: self-signed, untrusted by the client.
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        other = trustme.CA()
        with other.cert_pem.tempfile() as cert, other.private_key_pem.tempfile() as key:
            context.load_cert_chain(cert, key)
    elif name == "old-server-protocol":
        context = _server_context(ca.issue_cert("127.0.0.1"),
                                  maximum_version=ssl.TLSVersion.TLSv1_2)
        client.minimum_version = ssl.TLSVersion.TLSv1_3
    else:
        context = _server_context(ca.issue_cert("127.0.0.1"),
                                  maximum_version=ssl.TLSVersion.TLSv1_2)
        context.set_ciphers("ECDHE-ECDSA-AES128-SHA")
        client.maximum_version = ssl.TLSVersion.TLSv1_2
        client.set_ciphers("ECDHE-ECDSA-AES256-GCM-SHA384")
    exc = _handshake(_tls_server(context), client, server_hostname)
    found = classify(Evidence("tls", exception=exc, facts={"host": server_hostname}), "en")
    assert found.code == expected, (found, repr(exc))


def test_real_implicit_tls_against_a_plaintext_port(ca: trustme.CA) -> None:
    port = _plain_server(b"220 mx.example.net ESMTP Postfix\r\n")
    exc = _handshake(port, _client_context(ca), "127.0.0.1")
    found = classify(Evidence("tls", exception=exc, facts={"port": port}), "en")
    assert found.code == "tls.wrong_mode", repr(exc)
    assert "STARTTLS" in found.hint


def test_real_connection_refused() -> None:
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]
    with pytest.raises(ConnectionRefusedError) as info:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    found = classify(Evidence("connect", exception=info.value,
                              facts={"host": "127.0.0.1", "port": port}), "en")
    assert found.code == "connect.refused"
    assert found.summary == f"The server 127.0.0.1 refused the connection on port {port}."


# --- the engine's SMTP client, for real ------------------------------------------------------

Script = dict[str, bytes]


class ScriptedSmtp:
    """A tiny SMTP server on 127.0.0.1 answering each command verb from a script."""

    def __init__(self, script: Script, greeting: bytes = b"220 mx.example.net ESMTP\r\n") -> None:
        self.script = script
        self.greeting = greeting
        self.server: asyncio.AbstractServer | None = None
        self.sessions: set[asyncio.Task[Any]] = set()

    async def __aenter__(self) -> int:
        self.server = await asyncio.start_server(self._session, "127.0.0.1", 0)
        return self.server.sockets[0].getsockname()[1]

    async def __aexit__(self, *exc: object) -> None:
        assert self.server is not None
        self.server.close()
        await self.server.wait_closed()
        if self.sessions:  # the client has closed: each session sees EOF and ends
            await asyncio.wait(self.sessions, timeout=2)

    async def _session(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self.sessions.add(task)
        try:
            writer.write(self.greeting)
            await writer.drain()
            while line := await reader.readline():
                verb = line.split(b" ", 1)[0].strip().upper().decode("ascii", "replace")
                if verb == "QUIT":
                    writer.write(b"221 bye\r\n")
                    break
                answer = self.script.get(verb)
                if answer == b"CLOSE":
                    break
                writer.write(answer or b"250 ok\r\n")
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()


EHLO_AUTH = b"250-mx.example.net\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n"
PLAIN_LOGIN = base64.b64encode(b"\0caisse@example.com\0Tr3s-S3cret!pw").decode()


async def _client_failure(script: Script, action: str, **kwargs: Any) -> BaseException:
    """What the engine's client raises when the scripted server refuses *action*."""
    from comelin_tui.diagnostics.redact import Redactor
    from comelin_tui.diagnostics.smtpio import connect_socket, open_connection

    async with ScriptedSmtp(script, **kwargs) as port:
        conn = None
        try:
            async with asyncio.timeout(2):
                sock = await connect_socket(socket.AF_INET, ("127.0.0.1", port))
                conn = await open_connection(sock, Redactor())
                await conn.expect(None, 220)
                await conn.expect("EHLO pos01", 250)
                if action == "login":
                    await conn.expect(f"AUTH PLAIN {PLAIN_LOGIN}", 235, secret=True)
                elif action == "mail":
                    await conn.expect("MAIL FROM:<caisse@example.com>", 250)
                elif action == "rcpt":
                    await conn.expect("MAIL FROM:<caisse@example.com>", 250)
                    await conn.expect("RCPT TO:<bob@example.org>", 250, 251)
                elif action == "starttls":
                    await conn.expect("STARTTLS", 220)
        except Exception as exc:  # noqa: BLE001 - the failure is what the test looks at
            return exc
        finally:
            if conn is not None:
                conn.abort()
    raise AssertionError("the client should have failed")


async def test_client_google_bad_credentials() -> None:
    exc = await _client_failure({
        "EHLO": EHLO_AUTH,
        "AUTH": b"535-5.7.8 Username and Password not accepted. Learn more at\r\n"
                b"535 5.7.8  https://support.google.com/mail/?p=BadCredentials gsmtp\r\n",
    }, "login")
    found = classify(Evidence("auth", exception=exc, message=str(exc),
                              provider_id="google-workspace"), "en")
    assert found.code == "auth.invalid_credentials"
    assert "app password" in found.hint
    assert "Tr3s-S3cret" not in found.summary + found.hint


async def test_client_microsoft_tenant_disabled() -> None:
    exc = await _client_failure({
        "EHLO": EHLO_AUTH,
        "AUTH": b"535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled "
                b"for the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information.\r\n",
    }, "login")
    assert classify(Evidence("auth", exception=exc)).code == "auth.smtp_auth_disabled"


async def test_client_sender_and_recipient_refused() -> None:
    exc = await _client_failure({"MAIL": b"530 5.7.57 Client not authenticated to send "
                                         b"mail.\r\n"}, "mail")
    assert classify(Evidence("mail_from", exception=exc)).code == "sender.not_authenticated"
    exc = await _client_failure({"RCPT": b"554 5.7.1 <bob@example.org>: Relay access "
                                         b"denied\r\n"}, "rcpt")
    assert classify(Evidence("rcpt_to", exception=exc)).code == "relay.denied"


async def test_client_greeting_refused() -> None:
    exc = await _client_failure({}, "connect", greeting=b"554 5.7.1 Service unavailable; "
                                b"Client host [203.0.113.5] blocked using zen.spamhaus.org\r\n")
    found = classify(Evidence("banner", exception=exc), "en")
    assert found.code == "smtp.service_unavailable"
    assert "blocklist" in found.hint


async def test_client_not_supported_and_disconnected() -> None:
    exc = await _client_failure({"EHLO": b"250 mx.example.net\r\n",
                                 "STARTTLS": b"502 5.5.1 Command not implemented\r\n"},
                                "starttls")
    assert classify(Evidence("starttls", exception=exc)).code == "tls.starttls_unavailable"
    exc = await _client_failure({"EHLO": b"250 mx.example.net\r\n",
                                 "AUTH": b"502 5.5.1 Command not implemented\r\n"}, "login")
    assert classify(Evidence("auth", exception=exc)).code == "auth.unavailable"
    exc = await _client_failure({"MAIL": b"CLOSE"}, "mail")
    assert classify(Evidence("mail_from", exception=exc)).code == "smtp.disconnected"


async def test_client_connect_errors() -> None:
    from comelin_tui.diagnostics.redact import Redactor
    from comelin_tui.diagnostics.smtpio import connect_socket, open_connection

    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]
    with pytest.raises(ConnectionRefusedError) as info:
        await connect_socket(socket.AF_INET, ("127.0.0.1", port))
    assert classify(Evidence("connect", exception=info.value)).code == "connect.refused"

    ended = asyncio.Event()

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()  # says nothing, like an implicit-TLS port waiting for a handshake
        writer.close()
        ended.set()

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    async with server:
        sock = await connect_socket(socket.AF_INET, server.sockets[0].getsockname()[:2])
        conn = await open_connection(sock, Redactor())
        with pytest.raises(TimeoutError) as timeout_info:
            async with asyncio.timeout(0.2):
                await conn.expect(None, 220)
        conn.abort()
        await asyncio.wait_for(ended.wait(), 2)
    found = classify(Evidence("banner", exception=timeout_info.value), "en")
    assert found.code == "smtp.banner_timeout"


def test_client_exceptions_constructed() -> None:
    from comelin_tui.diagnostics.smtpio import (
        Reply,
        ReplyError,
        SmtpDisconnected,
        SmtpProtocolError,
    )

    def refused(command: str, code: int, *lines: str) -> ReplyError:
        return ReplyError(command, Reply(code, lines))

    cases: list[tuple[str, BaseException, str]] = [
        ("connect", TimeoutError(), "connect.timeout"),
        ("ehlo", TimeoutError(), "smtp.timeout"),
        ("banner", TimeoutError(), "smtp.banner_timeout"),
        ("data", TimeoutError(), "smtp.timeout"),
        ("ehlo", SmtpDisconnected(), "smtp.disconnected"),
        ("auth", refused("AUTH PLAIN", 535, "5.7.3 Authentication unsuccessful"),
         "auth.invalid_credentials"),
        ("mail_from", refused("MAIL FROM:<a@b.c>", 550, "5.7.60 SMTP; Client does not have "
                              "permissions to send as this sender"), "sender.send_as_denied"),
        ("rcpt_to", refused("RCPT TO:<x@y.z>", 550, "5.1.1 User unknown"), "recipient.rejected"),
        ("data", refused(".", 552, "5.3.4 Message size exceeds fixed maximum message size"),
         "message.too_large"),
        ("ehlo", refused("EHLO pos01", 421, "4.7.0 Try again later, closing connection"),
         "rate.limited"),
        ("banner", SmtpProtocolError("line_too_long", "x" * 20), "smtp.protocol_error"),
        ("auth", refused("AUTH XOAUTH2", 504, "5.5.4 Unrecognized authentication type"),
         "auth.mechanism_unsupported"),
        ("starttls", refused("STARTTLS", 454, "4.7.0 TLS not available due to local problem"),
         "tls.starttls_unavailable"),
    ]
    for step, exc, expected in cases:
        assert classify(Evidence(step, exception=exc)).code == expected, (step, exc)  # type: ignore[arg-type]


# --- engine decisions ----------------------------------------------------------------------------

def test_diagnosis_for_engine_decisions() -> None:
    found = diagnosis("message.too_large", "en", size=52_000_000, limit=35_882_577)
    assert found.summary == "The message is too large for the server (limit: 35882577 bytes)."
    found = diagnosis("tls.starttls_unavailable", "fr", host="mail.example.com", port=587)
    assert found.summary.startswith("Le serveur mail.example.com n'offre pas STARTTLS sur le "
                                    "port 587")
    found = diagnosis("config.invalid", "en", field="smtp.host")
    assert found.summary == "The settings are incomplete or invalid (smtp.host)."
    found = diagnosis("auth.mechanism_unsupported", "en", mechanisms=["CRAM-MD5", "NTLM"])
    assert "(CRAM-MD5, NTLM)" in found.summary
    found = diagnosis("tls.wrong_mode", "en", port=465, security="starttls",
                      suggested_port=465, suggested_security="implicit_tls")
    assert found.summary == ("The security mode STARTTLS does not match what the server "
                             "expects on port 465.")
    assert found.hint == ("The server answers with implicit SSL/TLS on port 465: choose that "
                          "setting.")
    for code in ("auth.unavailable", "auth.insecure_refused"):
        assert diagnosis(code).code == code


def test_diagnosis_refuses_codes_outside_the_contract() -> None:
    with pytest.raises(ValueError, match="not a diagnosis code"):
        diagnosis("auth.wrong_password")


def test_language_defaults_to_the_current_one() -> None:
    i18n.set_language("fr")
    assert diagnosis("mailbox.full").summary == "La boîte aux lettres est pleine."
    i18n.set_language("en")
    assert diagnosis("mailbox.full").summary == "The mailbox is full."
    assert diagnosis("mailbox.full", "de").summary == "The mailbox is full."


# --- the text table --------------------------------------------------------------------------------

def test_diagnosis_codes_are_the_contract() -> None:
    assert set(DIAGNOSIS_CODES) == CONTRACT_CODES
    assert len(DIAGNOSIS_CODES) == len(CONTRACT_CODES)


def test_every_code_has_french_and_english_summary_and_hint() -> None:
    catalogue = i18n.catalogue()
    for code in DIAGNOSIS_CODES:
        for kind in ("summary", "hint"):
            texts = catalogue[f"diagnosis.{code}.{kind}"]
            assert texts["fr"].strip() and texts["en"].strip(), (code, kind)
            assert texts["fr"] != texts["en"], (code, kind)
            assert i18n.placeholders(texts["fr"]) == i18n.placeholders(texts["en"])


def test_variant_keys_belong_to_real_codes() -> None:
    for key in i18n.catalogue():
        if key.startswith("diagnosis.") and (".summary." in key or ".hint." in key):
            code = key[len("diagnosis."):].split(".summary")[0].split(".hint")[0]
            assert code in CONTRACT_CODES, key


ALL_PARAMS = {
    "host": "smtp.example.com", "port": 587, "security": "starttls", "timeout": 15,
    "username": "caisse@example.com", "sender": "ventes@example.com",
    "recipient": "bob@example.org", "limit": 1000, "size": 2000, "field": "smtp.host",
    "detail": "port out of range", "mechanisms": "CRAM-MD5", "cert_names": "mail.example.org",
    "not_after": "2024-01-01", "not_before": "2099-01-01", "status": "401",
    "reply": "550 nope", "suggested_port": 465, "suggested_security": "implicit_tls",
}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_text_reads_well_with_and_without_details(lang: str) -> None:
    # French puts a space before a colon; English never does.
    space_before = r"\s[.,;]" if lang == "fr" else r"\s[.,:;]"
    leftovers = re.compile(rf"[\[\]{{}}]|{space_before}|\.\.|\s\s|\(\s|\s\)")
    for key in i18n.catalogue():
        if not key.startswith("diagnosis.") or ".summary" not in key and ".hint" not in key:
            continue
        code = key[len("diagnosis."):].split(".summary")[0].split(".hint")[0]
        variant = key.split(".summary.")[-1] if ".summary." in key else (
            key.split(".hint.")[-1] if ".hint." in key else None)
        for params in ({}, ALL_PARAMS):
            found = diagnosis(code, lang, variant=variant, **params)  # type: ignore[arg-type]
            for text in (found.summary, found.hint):
                assert text and not leftovers.search(text.replace("...", "")), (key, text)


def test_french_uses_quebec_vocabulary() -> None:
    french = " ".join(i18n.catalogue()[f"diagnosis.{c}.{k}"]["fr"]
                      for c in DIAGNOSIS_CODES for k in ("summary", "hint"))
    assert "courriel" in french and "mot de passe d'application" in french
    assert "e-mail" not in french.lower() and "mail " not in french.replace("gmail", "")


# --- provider awareness ----------------------------------------------------------------------------

@pytest.fixture
def fake_catalogue(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A provider catalogue with one hint, in place of the real one."""

    class FakeProvider:
        def __init__(self, provider_id: str, hints: dict[str, LocalText]) -> None:
            self.id = provider_id
            self.diagnosis_hints = hints

    providers = {
        "microsoft365": FakeProvider("microsoft365", {"auth.invalid_credentials": LocalText(
            fr="Conseil du catalogue Microsoft.", en="Microsoft catalogue advice [UPN].")}),
        "custom": FakeProvider("custom", {}),
    }
    module = types.ModuleType("comelin_tui.providers")
    module.get_provider = lambda pid: providers.get(pid or "", providers["custom"])  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "comelin_tui.providers", module)
    yield


def test_catalogue_hint_replaces_the_generic_one(fake_catalogue: None) -> None:
    found = classify(Evidence("auth", code=535, message="535 5.7.3 Authentication unsuccessful",
                              provider_id="microsoft365"), "en")
    assert found.code == "auth.invalid_credentials"
    assert found.hint == "Microsoft catalogue advice [UPN]."  # shown as written
    assert classify(Evidence("auth", code=535, message="535 5.7.3 Authentication unsuccessful",
                             provider_id="microsoft365"), "fr").hint == "Conseil du catalogue Microsoft."
    assert diagnosis("auth.invalid_credentials", "en",
                     provider_id="microsoft365").hint == "Microsoft catalogue advice [UPN]."


def test_reply_from_another_provider_wins_over_the_settings(fake_catalogue: None) -> None:
    # Configured as Microsoft 365, but the reply is Google's: Google's advice, not the catalogue's.
    found = classify(Evidence("auth", code=535, provider_id="microsoft365",
                              message="535-5.7.8 Username and Password not accepted.\n"
                                      "535 5.7.8 https://support.google.com/mail/?p=BadCredentials"))
    assert "app password" in found.hint


def test_works_without_the_provider_catalogue(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "comelin_tui.providers", None)  # import raises ImportError
    found = classify(Evidence("auth", code=535, message="535 5.7.3 Authentication unsuccessful "
                              "[x.prod.outlook.com]", provider_id="microsoft365"), "en")
    assert found.code == "auth.invalid_credentials"
    assert "UPN" in found.hint


def test_real_catalogue_hint_is_used() -> None:
    from comelin_tui.providers import get_provider

    expected = get_provider("google-workspace").diagnosis_hints["auth.invalid_credentials"]
    found = classify(Evidence("auth", code=535, provider_id="google-workspace",
                              message="535 5.7.8 Username and Password not accepted gsmtp"), "fr")
    assert found.hint == expected["fr"]


# --- safety ----------------------------------------------------------------------------------------

def test_our_own_auth_lines_never_reach_a_message() -> None:
    message = ("-> AUTH PLAIN AGNhaXNzZUBleGFtcGxlLmNvbQBUcjNzLVMzY3JldCFwdw==\n"
               "AUTH LOGIN Y2Fpc3Nl\n"
               "554-5.6.0 Something odd\n"
               "554 5.6.0 Authentication service said so")
    found = classify(Evidence("data", code=554, message=message), "en")
    assert found.code == "unknown"
    assert "AGNhaXNz" not in found.summary and "Y2Fpc3Nl" not in found.summary
    assert "Something odd 5.6.0 Authentication service said so" in found.summary


def test_terminal_escapes_are_removed_from_replies() -> None:
    found = classify(Evidence("data", code=554,
                              message="554 \x1b[2J\x1b]0;pwned\x07 odd\u202e reply\x00"), "en")
    assert "\x1b" not in found.summary and "\x00" not in found.summary
    assert "\u202e" not in found.summary and "odd" in found.summary


def test_unicode_errors_do_not_quote_characters() -> None:
    try:
        "mötdepasse".encode("ascii")
    except UnicodeEncodeError as exc:
        error = exc
    found = classify(Evidence("auth", exception=error), "en")
    assert "ö" not in found.summary and "\\xf6" not in found.summary


def test_long_replies_are_shortened() -> None:
    found = classify(Evidence("data", code=554, message="554 " + "x" * 100_000), "en")
    assert len(found.summary) < 400


# --- never raises --------------------------------------------------------------------------------

class Hostile(Exception):
    def __str__(self) -> str:
        raise RuntimeError("no text for you")


class BadValue:
    def __str__(self) -> str:
        raise RuntimeError("no text either")


def test_hostile_inputs_still_give_a_diagnosis() -> None:
    assert classify(Evidence("auth", exception=Hostile())).code == "unknown"
    found = classify(Evidence("connect", exception=ConnectionRefusedError(),
                              facts={"host": BadValue()}))
    assert found.code in CONTRACT_CODES and found.summary
    assert classify(Evidence("nonsense", code=10**30, message="\udcff\x00")).code in CONTRACT_CODES  # type: ignore[arg-type]
    assert classify(Evidence("auth", facts="not a mapping")).code == "unknown"  # type: ignore[arg-type]


EXCEPTIONS = st.sampled_from([
    None, TimeoutError(), ConnectionRefusedError(), ConnectionResetError(), OSError(),
    OSError(errno.EHOSTUNREACH, "x"), socket.gaierror(-2, "x"), socket.gaierror(999, "x"),
    ssl.SSLError(1, "x"), _ssl_error("WRONG_VERSION_NUMBER", "x"), _verify_error(10, "x"),
    ValueError("line too long"), RuntimeError("x"), KeyboardInterrupt(), Hostile(),
    asyncio.IncompleteReadError(b"", 4),
])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    step=st.one_of(st.sampled_from(SMTP_STEPS), st.text(max_size=10)),
    code=st.one_of(st.none(), st.integers(min_value=-10**6, max_value=10**6)),
    message=st.text(alphabet=st.characters(codec=None), max_size=400),
    exception=EXCEPTIONS,
    facts=st.dictionaries(st.sampled_from(["host", "port", "security", "mechanism", "recipient",
                                           "protocol_error", "received_tls_bytes", "sans"]),
                          st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=20),
                                    st.lists(st.text(max_size=5), max_size=3)), max_size=4),
    provider_id=st.one_of(st.none(), st.text(max_size=12), st.sampled_from(
        ["google-workspace", "microsoft365", "custom"])),
    lang=st.sampled_from([None, "fr", "en", "xx"]),
)
def test_classify_never_raises(step: str, code: int | None, message: str,
                               exception: BaseException | None, facts: dict[str, Any],
                               provider_id: str | None, lang: str | None) -> None:
    found = classify(Evidence(step=step, exception=exception, code=code, message=message,  # type: ignore[arg-type]
                              provider_id=provider_id, facts=facts), lang)
    assert found.code in CONTRACT_CODES
    assert found.summary.strip() and found.hint.strip()
    assert not re.search(r"[\x00-\x1f\x7f]", found.summary + found.hint)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_enhanced_status_never_raises(message: str) -> None:
    found = enhanced_status(message)
    assert found is None or (found[0] in (2, 4, 5) and len(found) == 3)
