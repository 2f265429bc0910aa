"""The check engine against real SMTP servers on 127.0.0.1 (aiosmtpd, trustme certificates):
the whole conversation, authentication, provider replies, the test message, redaction."""

from __future__ import annotations

import asyncio
import base64
import json
import socket
import threading
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
from smtp_servers import (  # noqa: F401 - fixtures
    TOKEN,
    USERNAME,
    Certificates,
    ScriptedServer,
    certs_fixture,
    failing,
    fresh_servers,
    implicit_server_fixture,
    make_certificates,
    make_target,
    reset_used_servers,
    running,
    sent_auth,
    server_certificate_der,
    starttls_server_fixture,
    statuses,
)

from comelin_tui.diagnostics import message
from comelin_tui.diagnostics.engine import run_check
from comelin_tui.diagnostics.engine_mail import queue_id
from comelin_tui.diagnostics.message import build_test_message, sanitise_hostname
from comelin_tui.diagnostics.model import SMTP_STEPS, RunResult, Step, Target
from comelin_tui.diagnostics.redact import Redactor, redact_line, secret_forms
from comelin_tui.diagnostics.smtpio import Reply
from comelin_tui.diagnostics.tlsinfo import fingerprint
from comelin_tui.sandbox import Sandbox

# -- the happy paths -------------------------------------------------------------------

async def test_starttls_run_sends_the_test_message(starttls_server: ScriptedServer,
                                                   certs: Certificates) -> None:
    events: list[Step] = []
    result = await run_check(make_target(starttls_server, certs), events.append)

    assert result.status == "ok" and result.exit_code == 0
    assert [s.id for s in result.steps] == list(SMTP_STEPS)
    assert statuses(result) == {
        "resolve": "ok", "connect": "ok", "tls": "skipped", "banner": "ok", "ehlo": "ok",
        "starttls": "ok", "auth": "ok", "mail_from": "ok", "rcpt_to": "ok", "data": "ok",
        "quit": "ok",
    }
    assert result.diagnosis is None and result.suggestion is None
    assert result.queue_id == "4ABC123DEF"
    assert "4ABC123DEF" in result.step("data").detail

    # Every step that runs is announced ("running"), then reported once, in order.
    ran = [e.id for e in events if e.status == "running"]
    assert ran == [s for s in SMTP_STEPS if s != "tls"]
    ended = [e.id for e in events if e.status != "running"]
    assert ended == list(SMTP_STEPS)

    ehlo = result.step("ehlo")
    assert ehlo.facts["starttls"] is True and ehlo.facts["size"] == 10 * 1024 * 1024
    assert ehlo.facts["auth"] == []  # AUTH only after STARTTLS on this server
    starttls = result.step("starttls")
    assert starttls.facts["verified"] is True
    assert starttls.facts["version"] in ("TLSv1.2", "TLSv1.3")
    assert starttls.facts["cipher"]
    assert "localhost" in starttls.facts["sans"] and "127.0.0.1" in starttls.facts["sans"]
    assert starttls.facts["issuer"] and starttls.facts["not_after"].startswith("3000-01-01")
    assert starttls.facts["fingerprint_sha256"] == fingerprint(
        server_certificate_der(certs, "good"))
    assert starttls.facts["auth"] == ["LOGIN", "PLAIN", "XOAUTH2"]
    assert result.step("auth").facts["mechanism"] == "PLAIN"

    # The message arrived, and the SIZE parameter announced its size.
    assert len(starttls_server.scripted.messages) == 1
    sent = message_from_bytes(starttls_server.scripted.messages[0], policy=default_policy)
    assert sent["Subject"] == "Comelin test message"
    assert sent["To"] == "comptable@example.org"
    assert sent["Message-ID"].endswith("@example.com>")
    assert socket.gethostname() in sent.get_content()
    size = result.step("mail_from").facts["message_size"]
    assert starttls_server.scripted.mail_options == [[f"SIZE={size}"]]

    # The transcript has the conversation, but not the message body.
    transcript = result.transcript
    assert transcript[0] == "<- 220 mx.test.invalid ESMTP test"
    assert "-> STARTTLS" in transcript and "-> QUIT" in transcript
    # The message's size as SIZE= declared it, not the dot-stuffed bytes on the wire.
    assert f"-> [message: {size} bytes]" in transcript
    assert not any("Comelin test message" in line for line in transcript)
    assert result.step("data").transcript[0] == "-> DATA"


async def test_implicit_tls_run_with_a_host_name(implicit_server: ScriptedServer,
                                                 certs: Certificates) -> None:
    result = await run_check(make_target(implicit_server, certs, host="localhost"))

    assert result.status == "ok", result.to_json()
    assert statuses(result)["starttls"] == "skipped"
    tls = result.step("tls")
    assert tls.status == "ok" and tls.facts["verified"] is True
    assert "verified" in tls.detail and "TLS" in tls.detail
    assert "127.0.0.1" in result.step("resolve").facts["a"]
    assert result.step("resolve").detail.startswith("127.0.0.1")


async def test_french_message_and_details(starttls_server: ScriptedServer,
                                          certs: Certificates) -> None:
    target = make_target(starttls_server, certs, language="fr", reply_to="ventes@example.com")
    result = await run_check(target)

    assert result.status == "ok"
    sent = message_from_bytes(starttls_server.scripted.messages[0], policy=default_policy)
    assert sent["Subject"] == "Message d'essai Comelin"
    assert sent["Reply-To"] == "ventes@example.com"
    body = sent.get_content()
    assert "Envoyé par l'ordinateur" in body and f"port {target.port}" in body
    assert result.step("connect").detail.startswith("Connecté à 127.0.0.1")


def test_test_message_in_both_languages() -> None:
    target = Target(host="smtp.example.com", port=465, security="implicit_tls",
                    from_address="magasin@example.com", to_address="moi@example.org")
    english = build_test_message(target, "en")
    assert english["Subject"] == "Comelin test message"
    assert "smtp.example.com, port 465, implicit SSL/TLS" in english.get_content()
    assert english["Message-ID"].endswith("@example.com>")
    assert english["Date"] and "Reply-To" not in english
    french = build_test_message(target, "fr")
    assert "SSL/TLS implicite" in french.get_content()


async def test_non_ascii_recipient_is_sent_with_smtputf8() -> None:
    """RFC 6531: a UTF-8 address needs SMTPUTF8 on MAIL FROM and a UTF-8 header, never
    an encoded word inside the address (no mail program would read it)."""
    with Sandbox() as sandbox:  # aiosmtpd with SMTPUTF8 enabled
        result = await run_check(sandbox.target(to_address="élise@demo.example"), probe=False)
        assert result.status == "ok", result.to_json()
        mail_from = next(line for line in result.transcript if line.startswith("-> MAIL FROM"))
        assert mail_from.endswith(" SMTPUTF8")
        [delivery] = sandbox.deliveries
    assert "To: élise@demo.example".encode() in delivery.raw
    assert b"=?utf-8?" not in delivery.raw


async def test_no_send_stops_after_rcpt_with_rset(starttls_server: ScriptedServer,
                                                  certs: Certificates) -> None:
    result = await run_check(make_target(starttls_server, certs, send=False))

    assert result.status == "ok"
    assert statuses(result)["data"] == "skipped"
    assert "--no-send" in result.step("data").detail
    assert result.step("quit").transcript[:2] == ["-> RSET", "<- 250 OK"]
    assert starttls_server.scripted.messages == []
    assert starttls_server.scripted.commands[-1] == "RSET"
    assert result.queue_id is None


async def test_no_authentication_skips_auth(starttls_server: ScriptedServer,
                                            certs: Certificates) -> None:
    result = await run_check(make_target(starttls_server, certs, auth="none", password=None))
    assert result.status == "ok"
    assert statuses(result)["auth"] == "skipped"
    assert not sent_auth(result)


async def test_ehlo_name_is_sanitised(starttls_server: ScriptedServer,
                                      certs: Certificates) -> None:
    result = await run_check(make_target(starttls_server, certs, helo_name="Caisse 01_magasin"))
    assert "-> EHLO Caisse-01-magasin" in result.transcript
    assert sanitise_hostname("") == "localhost"
    assert sanitise_hostname("pos01.example.com.") == "pos01.example.com"
    assert sanitise_hostname("10.0.0.5") == "[10.0.0.5]"
    assert sanitise_hostname("-*-") == "localhost"


def test_slow_machine_name_lookup_does_not_hold_the_exit(
        starttls_server: ScriptedServer, certs: Certificates,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """getfqdn may wait on an unreachable DNS: EHLO goes on with "localhost", and
    asyncio.run (what the CLI does) returns without waiting for that lookup."""
    release = threading.Event()
    real_getfqdn = socket.getfqdn
    monkeypatch.setattr(socket, "getfqdn", lambda *args: (release.wait(60), real_getfqdn())[1])
    monkeypatch.setattr(message, "_fqdn_cache", None)
    target = make_target(starttls_server, certs, timeout=1.0, send=False)
    outcome: list[RunResult] = []
    runner = threading.Thread(target=lambda: outcome.append(asyncio.run(run_check(target))))
    try:
        runner.start()
        runner.join(15)  # far less than the lookup's 60 s, far more than the check needs
        assert not runner.is_alive(), "asyncio.run waited for the machine name lookup"
    finally:
        release.set()
    [result] = outcome
    assert result.status == "ok", result.to_json()
    assert "-> EHLO localhost" in result.transcript


async def test_on_step_receives_copies(starttls_server: ScriptedServer,
                                       certs: Certificates) -> None:
    def vandal(step: Step) -> None:
        step.detail = "changed by the listener"
        step.transcript.append("-> nonsense")

    result = await run_check(make_target(starttls_server, certs, send=False), vandal)
    assert result.status == "ok"
    assert all(s.detail != "changed by the listener" for s in result.steps)
    assert "-> nonsense" not in result.transcript


# -- authentication ------------------------------------------------------------------------

async def test_login_when_plain_is_not_offered(starttls_server: ScriptedServer,
                                               certs: Certificates) -> None:
    starttls_server.options.exclude_mechanisms = ("PLAIN",)
    result = await run_check(make_target(starttls_server, certs, send=False))

    assert result.status == "ok"
    auth = result.step("auth")
    assert auth.facts["mechanism"] == "LOGIN"
    assert auth.transcript[0] == "-> AUTH LOGIN"
    assert auth.transcript.count("-> ********") == 2


@pytest.mark.parametrize("mechanism_left", ["PLAIN", "LOGIN"])
async def test_password_never_appears_anywhere(starttls_server: ScriptedServer,
                                               certs: Certificates,
                                               mechanism_left: str) -> None:
    """Neither the password nor any encoding of it, even when the server echoes it back."""
    starttls_server.options.exclude_mechanisms = tuple(
        m for m in ("PLAIN", "LOGIN") if m != mechanism_left)
    starttls_server.scripted.echo_auth = mechanism_left == "PLAIN"
    events: list[Step] = []
    password = "n0t-Th1s-0ne!"
    result = await run_check(make_target(starttls_server, certs, password=password),
                             events.append)

    assert result.diagnosis is not None and result.diagnosis.code == "auth.invalid_credentials"
    everything = json.dumps(result.to_json()) + json.dumps(
        [e.to_json() | {"transcript": e.transcript} for e in events])
    plain_blob = base64.b64encode(f"\0{USERNAME}\0{password}".encode()).decode()
    for secret in (password, base64.b64encode(password.encode()).decode(), plain_blob,
                   plain_blob.rstrip("=")):
        assert secret not in everything
    assert "********" in everything


async def test_wrong_password(starttls_server: ScriptedServer, certs: Certificates) -> None:
    result = await run_check(make_target(starttls_server, certs, password="wrong-password"))
    assert result.status == "fail" and result.exit_code == 2
    assert failing(result).id == "auth"
    assert result.diagnosis.code == "auth.invalid_credentials"
    assert "535" in failing(result).detail
    after = [s.status for s in result.steps[result.steps.index(failing(result)) + 1:]]
    assert after == ["skipped"] * 4
    assert result.step("quit").detail.startswith("Not done")


@pytest.mark.parametrize(("attribute", "reply", "step", "code"), [
    ("reply_to_auth", ("534-5.7.9 Application-specific password required. Learn more at\r\n"
                      "534 5.7.9  https://support.google.com/mail/?p=InvalidSecondFactor"),
     "auth", "auth.app_password_required"),
    ("reply_to_auth", ("535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is "
                      "disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled"),
     "auth", "auth.smtp_auth_disabled"),
    ("reply_to_auth", "535 5.7.3 Authentication unsuccessful", "auth",
     "auth.invalid_credentials"),
    ("reply_to_auth", "535 5.7.30 Basic authentication is not supported for Client Submission.",
     "auth", "auth.basic_auth_retired"),
    ("reply_to_auth", "454 4.7.0 Too many login attempts, please try again later.", "auth",
     "auth.rate_limited"),
    ("mail_reply", "550 5.7.60 SMTP; Client does not have permissions to send as this sender",
     "mail_from", "sender.send_as_denied"),
    ("mail_reply", "530 5.7.57 Client not authenticated to send mail.", "mail_from",
     "sender.not_authenticated"),
    ("mail_reply", "553 5.1.8 Sender address rejected: Domain not found", "mail_from",
     "sender.rejected"),
    ("rcpt_reply", "554 5.7.1 <comptable@example.org>: Relay access denied", "rcpt_to",
     "relay.denied"),
    ("rcpt_reply", "550 5.1.1 The email account that you tried to reach does not exist.",
     "rcpt_to", "recipient.rejected"),
    ("data_reply", "552 5.3.4 Message size exceeds fixed maximum message size", "data",
     "message.too_large"),
    ("data_reply", ("554 5.2.0 STOREDRV.Submission.Exception:SubmissionQuotaExceededException;"
                   " Failed to process message"), "data", "quota.exceeded"),
    ("data_reply", "554 5.2.2 mailbox full", "data", "mailbox.full"),
    ("data_reply", "451 4.3.0 Temporary server error", "data", "unknown"),
])
async def test_provider_replies_are_named(starttls_server: ScriptedServer, certs: Certificates,
                                          attribute: str, reply: str, step: str,
                                          code: str) -> None:
    setattr(starttls_server.scripted, attribute, reply)
    result = await run_check(make_target(starttls_server, certs))

    assert result.status == "fail"
    assert failing(result).id == step
    assert result.diagnosis.code == code
    assert failing(result).diagnosis == result.diagnosis
    # The raw reply is kept in the detail.
    assert reply.split("\r\n")[-1].split()[1] in failing(result).detail
    assert result.suggestion is None  # no probing for conversation failures


async def test_message_larger_than_size_fails_before_data(starttls_server: ScriptedServer,
                                                         certs: Certificates) -> None:
    starttls_server.options.size_limit = 200
    result = await run_check(make_target(starttls_server, certs))

    assert failing(result).id == "mail_from"
    assert result.diagnosis.code == "message.too_large"
    assert "200" in failing(result).detail
    assert "MAIL" not in starttls_server.scripted.commands


async def test_starttls_not_offered_never_falls_back(starttls_server: ScriptedServer,
                                                    certs: Certificates) -> None:
    starttls_server.options.starttls = False
    starttls_server.options.auth_require_tls = False  # AUTH offered in plaintext: tempting
    result = await run_check(make_target(starttls_server, certs), probe=False)

    assert failing(result).id == "starttls"
    assert result.diagnosis.code == "tls.starttls_unavailable"
    assert not sent_auth(result)
    assert starttls_server.scripted.commands == []


async def test_password_refused_over_plaintext(starttls_server: ScriptedServer,
                                              certs: Certificates) -> None:
    result = await run_check(make_target(starttls_server, certs, security="none"))

    assert failing(result).id == "auth"
    assert result.diagnosis.code == "auth.insecure_refused"
    assert not sent_auth(result)
    # The server offers STARTTLS: say so.
    assert result.suggestion is not None
    assert (result.suggestion.port, result.suggestion.security) == (
        starttls_server.port, "starttls")


async def test_auth_not_advertised_before_starttls(starttls_server: ScriptedServer,
                                                  certs: Certificates) -> None:
    target = make_target(starttls_server, certs, security="none", allow_insecure_auth=True)
    result = await run_check(target)
    assert failing(result).id == "auth"
    assert result.diagnosis.code == "auth.unavailable"


async def test_insecure_auth_when_explicitly_allowed(starttls_server: ScriptedServer,
                                                    certs: Certificates) -> None:
    starttls_server.options.auth_require_tls = False
    target = make_target(starttls_server, certs, security="none", allow_insecure_auth=True,
                         send=False)
    result = await run_check(target)
    # Allowed, but never a plain OK: the password crossed the network readable.
    assert result.status == "warn" and result.exit_code == 1
    auth = result.step("auth")
    assert auth.status == "warn" and auth.diagnosis.code == "auth.cleartext_allowed"
    assert "-> AUTH PLAIN ********" in result.transcript


async def test_no_usable_mechanism(starttls_server: ScriptedServer,
                                   certs: Certificates) -> None:
    starttls_server.options.exclude_mechanisms = ("PLAIN", "LOGIN")
    result = await run_check(make_target(starttls_server, certs))
    assert failing(result).id == "auth"
    assert result.diagnosis.code == "auth.mechanism_unsupported"
    assert "XOAUTH2" in failing(result).detail


async def test_xoauth2_with_a_good_token(starttls_server: ScriptedServer,
                                         certs: Certificates) -> None:
    result = await run_check(make_target(starttls_server, certs, auth="oauth2", password=TOKEN))
    assert result.status == "ok"
    assert result.step("auth").facts["mechanism"] == "XOAUTH2"
    assert TOKEN not in json.dumps(result.to_json())
    assert "-> AUTH XOAUTH2 ********" in result.transcript


async def test_xoauth2_error_challenge(starttls_server: ScriptedServer,
                                       certs: Certificates) -> None:
    token = "ya29.expired-token-abcdef"
    result = await run_check(make_target(starttls_server, certs, auth="oauth2", password=token))

    assert failing(result).id == "auth"
    assert result.diagnosis.code == "auth.oauth_failed"
    auth = failing(result)
    assert auth.facts["oauth_error"]["status"] == "401"
    assert "401" in auth.detail
    # The client's answer to the challenge is an empty line, redacted like any answer.
    assert auth.transcript[2] == "-> ********"
    blob = base64.b64encode(f"user={USERNAME}\x01auth=Bearer {token}\x01\x01".encode()).decode()
    everything = json.dumps(result.to_json())
    assert token not in everything and blob not in everything


# -- small pieces -------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("2.0.0 Ok: queued as 4Bc2Xy1ZkQz3", "4Bc2Xy1ZkQz3"),
    ("OK id=1rAbCd-000Xyz-Q1", "1rAbCd-000Xyz-Q1"),
    ("2.0.0 OK <DM6PR01MB1234.namprd01.prod.outlook.com> [Hostname=DM6PR01MB1234]",
     "DM6PR01MB1234.namprd01.prod.outlook.com"),
    ("2.0.0 OK  1700000000 d75a77b69052e-43b0f1d1c2asm123456cf.12 - gsmtp",
     "d75a77b69052e-43b0f1d1c2asm123456cf.12"),
    ("Message accepted for delivery", None),
    ("2.0.0 Ok", None),
])
def test_queue_id(text: str, expected: str | None) -> None:
    assert queue_id(Reply(250, (text,))) == expected


def test_redaction() -> None:
    assert redact_line("-> AUTH PLAIN AGJvYgBzM2NyZXQ=") == "-> AUTH PLAIN ********"
    assert redact_line("auth login dXNlcg==") == "auth login ********"
    assert redact_line("-> AUTH LOGIN") == "-> AUTH LOGIN"
    assert redact_line("-> MAIL FROM:<a@b.c>") == "-> MAIL FROM:<a@b.c>"
    redactor = Redactor(secret_forms("hunter2-secret", "bob"))
    assert redactor.received("334 UGFzc3dvcmQ6") == "<- 334 UGFzc3dvcmQ6"
    assert redactor.sent("anything at all") == "-> ********"  # after a 334
    assert redactor.sent("NOOP") == "-> NOOP"
    assert redactor.received("535 nope hunter2-secret") == "<- 535 nope ********"
    assert redactor.received("220 \x1b[31mred") == "<- 220 ?[31mred"


def test_implicit_tls_has_one_name_in_the_check_texts() -> None:
    """The wizard offers "SSL/TLS implicite" / "implicit SSL/TLS": the check says the same."""
    import re

    from comelin_tui import i18n
    from comelin_tui.commands import check, signin  # noqa: F401 - register their texts

    prefixes = ("engine.", "smtpio.", "tlsinfo.", "check.", "check_steps.", "signin.",
                "sandbox.", "oauth.")
    texts = [(key, text) for key, text in i18n.catalogue().items() if key.startswith(prefixes)]
    assert any(key.startswith("engine.skip.") for key, _text in texts)
    wrong = [f"{key}: {text['fr']}" for key, text in texts
             if re.search(r"(?<!SSL/)TLS implicite", text["fr"])]
    wrong += [f"{key}: {text['en']}" for key, text in texts
              if re.search(r"implicit TLS", text["en"])]
    assert not wrong, "\n".join(wrong)
