"""The reply rules: an ordered table of named rules, the first that holds decides.

Every rule has a unique name and is reached by at least one real-looking reply
below, so a rule made unreachable by a new one above it is caught here.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from comelin_tui.diagnostics.classifier import DIAGNOSIS_CODES
from comelin_tui.diagnostics.reply_rules import REPLY_RULES, SeenReply, reply_rule, reply_verdict

OAUTH_CHALLENGE = base64.b64encode(json.dumps(
    {"status": "401", "schemes": "Bearer", "scope": "https://mail.google.com/"}).encode()).decode()
XOAUTH2 = {"auth_mechanism": "XOAUTH2"}

# (rule name, step, code, reply, facts)
SAMPLES: list[tuple[str, str, int | None, str, dict[str, Any]]] = [
    ("not-an-smtp-code", "ehlo", 999, "999 what is this", {}),
    ("oauth-challenge", "auth", 334, f"334 {OAUTH_CHALLENGE}", {}),
    ("other-challenge", "auth", 334, "334 VXNlcm5hbWU6", {}),
    ("positive-reply", "data", 250, "250 2.0.0 Ok: queued as 4XyZ", {}),
    ("microsoft-basic-auth-retired", "auth", 535,
     "535 5.7.139 Authentication unsuccessful, basic authentication is disabled.", {}),
    ("microsoft-credentials", "auth", 535,
     "535 5.7.139 Authentication unsuccessful, the user credentials were incorrect.", {}),
    ("microsoft-smtp-auth-disabled", "auth", 535,
     "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the "
     "Tenant. Visit https://aka.ms/smtp_auth_disabled for more information.", {}),
    ("basic-auth-retired", "auth", 550,
     "550 5.7.30 Basic authentication is not supported for Client Submission.", {}),
    ("login-temporary-failure", "auth", 454, "454 4.7.0 Temporary authentication failure",
     {}),
    ("login-rate-limited", "auth", 454, "454 4.7.0 Too many login attempts, please try again "
     "later.", {}),
    ("oauth-login-refused", "auth", 535, "535 5.7.3 Authentication unsuccessful", XOAUTH2),
    ("oauth-words", "mail_from", 530, "530 5.7.0 Invalid token", {}),
    ("app-password-words", "auth", 534, "534-5.7.9 Application-specific password required.", {}),
    ("mechanism-too-weak", "auth", 534, "534 5.7.9 Authentication mechanism is too weak", {}),
    ("app-password-534", "auth", 534, "534 5.7.14 Please log in with your web browser "
     "first", {}),
    ("tls-first-before-login", "auth", 530, "530 5.7.0 Must issue a STARTTLS command first", {}),
    ("tls-first-after-login", "mail_from", 538, "538 5.7.11 Encryption required for requested "
     "authentication mechanism", {}),
    ("session-rate-limited", "banner", 421, "421 4.7.0 Try again later, closing connection.", {}),
    ("session-refused", "banner", 554, "554 5.7.1 Service unavailable; Client host "
     "[203.0.113.5] blocked using zen.spamhaus.org", {}),
    ("closing-421", "mail_from", 421, "421 4.4.2 Connection dropped due to timeout, try again "
     "later", {}),
    ("address-needs-smtputf8", "rcpt_to", 553,
     "553 5.6.7 Non-ASCII addresses not permitted for that recipient", {}),
    ("dmarc-status", "data", 550, "550 5.7.26 This mail is unauthenticated, which poses a "
     "security risk to the sender and Gmail users.", {}),
    ("send-as-denied", "mail_from", 550, "550 5.7.60 SMTP; Client does not have permissions to "
     "send as this sender", {}),
    ("not-authenticated", "mail_from", 530, "530 5.7.57 Client not authenticated to send mail.",
     {}),
    ("relay-denied", "rcpt_to", 554, "554 5.7.1 <bob@example.org>: Relay access denied", {}),
    ("blocklisted", "data", 550, "550 5.7.1 Your IP address is listed on a blocklist", {}),
    ("mailbox-full", "rcpt_to", 552, "552 5.2.2 The email account that you tried to reach is "
     "over quota.", {}),
    ("message-too-large", "data", 552, "552 5.3.4 Message size exceeds fixed maximum message "
     "size", {}),
    ("quota-exceeded", "data", 550, "550 5.4.5 Daily user sending limit exceeded.", {}),
    ("rate-limited", "rcpt_to", 450, "450 4.2.1 The user you are trying to contact is receiving "
     "mail at a rate that prevents additional messages", {}),
    ("dmarc-words", "data", 550, "550 5.7.1 Message failed SPF and DKIM checks", {}),
    ("recipient-later", "rcpt_to", 451, "451 4.3.0 <a@b.example>: Temporary lookup failure",
     {}),
    ("auth-mechanism-refused", "auth", 504, "504 5.5.4 Unrecognized authentication type", {}),
    ("auth-not-offered", "auth", 502, "502 5.5.1 Command not implemented", {}),
    ("auth-refused", "auth", 535, "535 5.7.8 Error: authentication failed: UGFzc3dvcmQ6", {}),
    ("auth-other", "auth", None, "Something odd happened", {}),
    ("credentials-refused", "mail_from", None, "Username and Password not accepted", {}),
    ("starttls-refused", "starttls", 454, "454 4.7.0 TLS not available due to local problem", {}),
    ("sender-refused", "mail_from", 550, "550 5.7.1 Sender address not allowed for this account "
     "category", {}),
    ("recipient-refused", "rcpt_to", 550, "550 Mailbox unavailable", {}),
    ("recipient-unknown", "data", 550, "550 5.1.1 <bob@example.org>: Recipient address "
     "rejected: User unknown", {}),
    ("nothing-known", "data", 554, "554 5.7.1 Message rejected as spam by Content Filtering.", {}),
]


def test_rule_names_are_unique() -> None:
    names = [rule.name for rule in REPLY_RULES]
    assert len(names) == len(set(names))


def test_every_rule_names_a_contract_code() -> None:
    assert {rule.code for rule in REPLY_RULES} <= set(DIAGNOSIS_CODES)


def test_the_last_rule_always_holds() -> None:
    assert REPLY_RULES[-1].when(SeenReply.of("data", None, ""))


def test_every_rule_is_reached_by_a_sample() -> None:
    assert [sample[0] for sample in SAMPLES] == [rule.name for rule in REPLY_RULES]


@pytest.mark.parametrize(("name", "step", "code", "message", "facts"), SAMPLES,
                         ids=[sample[0] for sample in SAMPLES])
def test_sample_reply_is_decided_by_its_rule(name: str, step: str, code: int | None,
                                             message: str, facts: dict[str, Any]) -> None:
    rule = reply_rule(SeenReply.of(step, code, message, facts))
    assert rule.name == name
    assert reply_verdict(step, code, message, facts).code == rule.code


def test_each_word_list_is_searched_once_per_reply() -> None:
    from comelin_tui.diagnostics.reply_rules import SMTP_AUTH_DISABLED

    seen = SeenReply.of("auth", 535, "535 5.7.139 SmtpClientAuthentication is disabled")
    assert seen.says(SMTP_AUTH_DISABLED) and seen.says(SMTP_AUTH_DISABLED)
    assert list(seen._found) == [SMTP_AUTH_DISABLED]  # one search, then remembered
