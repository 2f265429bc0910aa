"""Every diagnosis weighs the whole run: no advice contradicts a step that passed.

Each case runs the real engine against a real loopback server that behaves the way
a real-world server was seen to behave.
"""

from __future__ import annotations

import pytest
from hostile_servers import RawServer, free_port, greeting, silent
from smtp_servers import (  # noqa: F401 - fixtures
    Certificates,
    ScriptedServer,
    certs_fixture,
    failing,
    fresh_servers,
    make_target,
    reset_used_servers,
    running,
    starttls_server_fixture,
)

from comelin_tui.diagnostics.classifier import Evidence, classify, diagnosis
from comelin_tui.diagnostics.engine import run_check
from comelin_tui.diagnostics.model import Target
from comelin_tui.diagnostics.probe import Candidate
from comelin_tui.sandbox import Sandbox

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def words(text: str) -> str:
    return " ".join(text.lower().split())


async def test_a_relay_refusal_after_a_good_login_never_says_log_in(
        starttls_server: ScriptedServer, certs: Certificates) -> None:
    starttls_server.scripted.rcpt_reply = "554 5.7.1 <client@example.net>: Relay access denied"
    result = await run_check(make_target(starttls_server, certs, to_address="client@example.net"),
                             probe=False)
    assert result.step("auth").status == "ok"
    found = result.diagnosis
    assert found is not None and found.code == "relay.denied"
    hint = words(found.hint.render("en"))
    assert "log in" not in hint and "login is right" in hint
    assert "authentifiez" not in words(found.hint.render("fr"))


def test_a_relay_refusal_after_login_on_port_25_names_the_mx() -> None:
    found = classify(Evidence(step="rcpt_to", code=554,
                              message="554 5.7.1 <a@b.example>: Relay access denied",
                              facts={"port": 25, "authenticated": True}), "en")
    assert found.code == "relay.denied" and "(MX)" in found.hint and "587" in found.hint


async def test_no_auth_after_starttls_never_says_use_starttls(
        starttls_server: ScriptedServer, certs: Certificates) -> None:
    starttls_server.options.exclude_mechanisms = ("PLAIN", "LOGIN", "XOAUTH2")
    result = await run_check(make_target(starttls_server, certs), probe=False)
    assert result.step("starttls").status == "ok"
    found = result.diagnosis
    assert found is not None and found.code == "auth.unavailable"
    hint = words(found.hint)
    assert "use port 587 with starttls" not in hint and "only after starttls" not in hint
    assert "takes no password logins" in hint
    assert "encrypted" in words(found.summary)


async def test_a_tiny_message_refused_for_size_is_not_about_attachments(
        starttls_server: ScriptedServer, certs: Certificates) -> None:
    starttls_server.scripted.data_reply = "552 5.3.4 Message size exceeds fixed maximum"
    result = await run_check(make_target(starttls_server, certs), probe=False)
    found = result.diagnosis
    assert found is not None and found.code == "message.too_large"
    assert "attachment" not in words(found.hint) and "quota" in words(found.hint)
    assert str(result.step("mail_from").facts["message_size"]) in found.summary


async def test_every_port_refused_means_down_or_filtered() -> None:
    target = Target(host="127.0.0.1", port=free_port(), security="starttls",
                    username="caisse@shop.test", password="p", from_address="caisse@shop.test",
                    to_address="caisse@shop.test", timeout=2.0, language="en")
    others = [Candidate(free_port(), "starttls"), Candidate(free_port(), "implicit_tls")]
    result = await run_check(target, candidates=others)
    found = result.diagnosis
    assert found is not None and found.code == "connect.refused"
    assert result.suggestion is None
    hint = words(found.hint)
    assert "check the port number" not in hint and "server is down" in hint
    probe = result.step("connect").facts["probe"]
    assert {r["error"] for r in probe} == {"connect.refused"}


async def test_no_implicit_tls_advice_when_the_probe_ruled_it_out() -> None:
    server = RawServer(silent).start()
    try:
        target = Target(host="127.0.0.1", port=server.port, security="starttls",
                        username="caisse@shop.test", password="p",
                        from_address="caisse@shop.test", to_address="caisse@shop.test",
                        timeout=1.5, language="en")
        result = await run_check(target, candidates=[Candidate(server.port, "implicit_tls")])
    finally:
        server.stop()
    found = result.diagnosis
    assert found is not None and found.code in ("smtp.banner_timeout", "tls.wrong_mode")
    hint = words(found.hint)
    assert "implicit ssl/tls was also tried on this port" in hint
    assert "probably expects implicit" not in hint


async def test_a_port_that_answers_without_auth_is_never_suggested(
        certs: Certificates) -> None:
    # An MX-style server: STARTTLS and EHLO fine, but no AUTH at all.
    with running(certs) as mx:
        mx.options.exclude_mechanisms = ("PLAIN", "LOGIN", "XOAUTH2")
        target = Target(host="127.0.0.1", port=free_port(), security="starttls",
                        username="caisse@shop.test", password="p",
                        from_address="caisse@shop.test", to_address="caisse@shop.test",
                        timeout=2.0, ca_file=certs.ca_file, language="en")
        result = await run_check(target, candidates=[Candidate(mx.port, "starttls")])
    assert result.diagnosis is not None and result.diagnosis.code == "connect.refused"
    assert result.suggestion is None
    [probed] = [r for r in result.step("connect").facts["probe"] if r["port"] == mx.port]
    assert probed["ok"] is True and probed["auth"] == []


async def test_the_suggestion_says_what_was_verified(certs: Certificates) -> None:
    with running(certs) as good:
        target = Target(host="127.0.0.1", port=free_port(), security="starttls",
                        username="caisse@shop.test", password="p",
                        from_address="caisse@shop.test", to_address="caisse@shop.test",
                        timeout=2.0, ca_file=certs.ca_file, language="en")
        result = await run_check(target, candidates=[Candidate(good.port, "starttls")])
    assert result.suggestion is not None
    reason = str(result.suggestion.reason)
    assert "Tested: STARTTLS, AUTH" in reason and "offered" in reason and "LOGIN" in reason


async def test_no_probing_after_too_many_connections() -> None:
    server = RawServer(greeting(b"421 4.7.0 Too many concurrent SMTP connections")).start()
    other = RawServer(silent).start()
    try:
        target = Target(host="127.0.0.1", port=server.port, security="starttls",
                        username="caisse@shop.test", password="p",
                        from_address="caisse@shop.test", to_address="caisse@shop.test",
                        timeout=2.0, language="en")
        result = await run_check(target, candidates=[Candidate(other.port, "starttls")])
        assert not other.connected.is_set()  # nobody knocked on another port
    finally:
        server.stop()
        other.stop()
    assert result.diagnosis is not None and result.diagnosis.code == "rate.limited"
    assert "probe" not in result.step("banner").facts


def test_engine_decisions_weigh_the_run_too() -> None:
    found = diagnosis("auth.unavailable", "en", encrypted=True)
    assert "takes no password logins" in found.hint
    plain = diagnosis("auth.unavailable", "en")
    assert "only after STARTTLS" in plain.hint


# -- server-side faults: the settings are right, the password never judged ---------------

async def test_454_at_auth_is_a_temporary_failure_not_a_bad_password(
        starttls_server: ScriptedServer, certs: Certificates) -> None:
    starttls_server.scripted.reply_to_auth = "454 4.7.0 Temporary authentication failure"
    result = await run_check(make_target(starttls_server, certs))
    found = result.diagnosis
    assert found is not None and found.code == "auth.temporary_failure"
    assert "never checked" in found.summary and "change no setting" in words(found.hint)
    assert result.suggestion is None


async def test_a_cut_at_auth_after_tls_says_the_password_was_never_judged(
        starttls_server: ScriptedServer, certs: Certificates,
        monkeypatch: pytest.MonkeyPatch) -> None:
    async def cut(server: object, session: object, envelope: object, args: list[str]) -> str:
        server.transport.abort()  # type: ignore[attr-defined]
        return "421 4.3.2 gone"

    monkeypatch.setattr(starttls_server.scripted, "handle_AUTH", cut)
    result = await run_check(make_target(starttls_server, certs))
    assert result.step("starttls").status == "ok"
    found = result.diagnosis
    assert found is not None and found.code == "auth.temporary_failure", found
    assert "never judged" in found.summary and "change no setting" in words(found.hint)


async def test_a_4xx_at_rcpt_is_temporary(starttls_server: ScriptedServer,
                                          certs: Certificates) -> None:
    starttls_server.scripted.rcpt_reply = "451 4.3.0 <caisse@shop.test>: Temporary lookup failure"
    result = await run_check(make_target(starttls_server, certs), probe=False)
    assert result.diagnosis is not None and result.diagnosis.code == "recipient.temporary"
    assert "no setting is at fault" in result.diagnosis.hint


async def test_a_timeout_at_rcpt_names_the_step(starttls_server: ScriptedServer,
                                                certs: Certificates,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    import asyncio

    async def stall(server: object, session: object, envelope: object, address: str,
                    options: list[str]) -> str:
        await asyncio.sleep(5)
        return "250 OK"

    monkeypatch.setattr(starttls_server.scripted, "handle_RCPT", stall)
    result = await run_check(make_target(starttls_server, certs, timeout=1.0), probe=False)
    found = result.diagnosis
    assert found is not None and found.code == "smtp.timeout"
    assert "Recipient (RCPT TO)" in found.summary
    assert "Destinataire (RCPT TO)" in found.render("fr").summary


async def test_no_login_port_25_to_its_own_domain_is_only_a_warning() -> None:
    from comelin_tui.diagnostics.engine_mail import local_delivery_only

    target = Target(host="127.0.0.1", port=25, security="starttls", auth="none",
                    from_address="caisse@shop.test", to_address="gerant@shop.test")
    assert local_delivery_only(target, "gerant@shop.test")
    assert not local_delivery_only(target, "client@example.net")


def test_an_own_domain_send_without_login_on_port_25_warns() -> None:
    """A real server on port 25 of a loopback address of its own, taking mail without a
    login (as an MX does): the send to its own domain passes, and is only a warning."""
    import asyncio

    from aiosmtpd.controller import Controller

    class Accept:
        async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
            return "250 2.0.0 Ok: queued as LOCAL1"

    controller = Controller(Accept(), hostname="127.0.3.25", port=25)
    try:
        controller.start()
    except (PermissionError, OSError) as error:
        pytest.skip(f"cannot listen on 127.0.3.25:25 here ({error})")
    try:
        target = Target(host="127.0.3.25", port=25, security="none", auth="none",
                        from_address="caisse@shop.test", to_address="gerant@shop.test",
                        timeout=3.0, language="en")
        result = asyncio.run(run_check(target, probe=False))
    finally:
        controller.stop()
    assert result.status == "warn" and result.exit_code == 1
    rcpt = result.step("rcpt_to")
    assert rcpt.status == "warn" and rcpt.diagnosis.code == "relay.local_only"
    assert "outside recipients" in rcpt.diagnosis.hint


async def test_a_silent_implicit_tls_port_is_named_in_seconds_not_after_the_timeout() -> None:
    import time

    with Sandbox(implicit_tls=True) as server:
        target = server.target(port=server.implicit_tls_port, security="starttls",
                               timeout=15.0, language="en")
        started = time.monotonic()
        result = await run_check(target, candidates=[])
        elapsed = time.monotonic() - started
    assert result.diagnosis is not None and result.diagnosis.code == "tls.wrong_mode"
    assert (result.suggestion.port, result.suggestion.security) == (
        server.implicit_tls_port, "implicit_tls")
    assert elapsed < 4.0, f"{elapsed:.1f} s with a 15 s timeout"
    assert "takes a TLS handshake at once" in str(result.step("banner").detail)


def test_microsoft_and_google_advice_names_the_clicks_and_the_facts() -> None:
    mailbox = classify(Evidence(
        step="auth", code=535, provider_id="microsoft365",
        message="535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is "
                "disabled for the Mailbox.", facts={"username": "caisse@shop.test"}), "en")
    assert "Microsoft 365 admin center > Active users" in mailbox.hint
    assert "Connect-ExchangeOnline" in mailbox.hint and "caisse@shop.test" in mailbox.hint
    assert "up to an hour" in mailbox.hint
    defaults = classify(Evidence(
        step="auth", code=535, provider_id="microsoft365",
        message="535 5.7.139 Authentication unsuccessful, user is locked by your "
                "organization's security defaults policy."), "en")
    assert "for Microsoft sign-in alike" in defaults.hint
    assert "removes their protection" in defaults.hint
    app_password = classify(Evidence(
        step="auth", code=534, provider_id="google-workspace",
        message="534-5.7.9 Application-specific password required."), "en")
    assert "16 letters" in app_password.hint and "Home > Change the password" in app_password.hint
    quota = classify(Evidence(
        step="mail_from", code=550, provider_id="google-workspace",
        message="550 5.4.5 Daily user sending limit exceeded."), "en")
    assert "rolling 24 hours" in quota.hint
