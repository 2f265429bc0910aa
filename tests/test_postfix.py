"""The engine, the `check` command and the relay against a real Postfix + Dovecot.

The submission server a small host or ISP runs (Debian's packages, a private instance on
127.0.2.x, see ``postfix_server``): what it really answers, not what a script says it would.
Where today's diagnosis is not yet what an expert would say, the test says what is right
and is marked ``xfail(strict=True)`` with the issue it belongs to.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import smtplib
import subprocess
import sys
from collections.abc import AsyncIterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from postfix_server import (  # noqa: F401 - fixture
    LOGIN,
    OTHER_SENDER,
    OUTSIDE,
    RECIPIENT,
    PostfixServer,
    postfix_fixture,
)

from comelin_tui.attempt_log import read_records
from comelin_tui.diagnostics.engine import run_check
from comelin_tui.diagnostics.model import RunResult, Target
from comelin_tui.jobs.relay import Relay, RelayLimits, RelayOptions

pytestmark = pytest.mark.slow

SUBJECT = "Comelin test message"
# Advice that sends the technician back to the login, in either language.
LOGIN_ADVICE = re.compile(
    r"\blog ?in\b|password|authenticat|sign in|connectez|mot de passe|identifiant"
    r"|authentifi", re.IGNORECASE)


@pytest.fixture(autouse=True)
def _empty_mailboxes(postfix: PostfixServer) -> None:
    postfix.clear_mail()


def target(server: PostfixServer, **overrides: Any) -> Target:
    """The shop's account on the submission port (587, STARTTLS), the test CA trusted."""
    values: dict[str, Any] = {
        "host": server.address, "port": 587, "security": "starttls", "auth": "password",
        "username": LOGIN, "password": server.password, "from_address": LOGIN,
        "to_address": RECIPIENT, "ca_file": server.ca_file, "timeout": 5.0,
    }
    values.update(overrides)
    return Target(**values)


def no_login(server: PostfixServer, **overrides: Any) -> Target:
    """Port 25 as a point-of-sale without an account would use it."""
    return target(server, port=25, auth="none", username="", password=None, **overrides)


def statuses(result: RunResult) -> dict[str, str]:
    return {step.id: step.status for step in result.steps}


def advice(result: RunResult) -> str:
    assert result.diagnosis is not None, result.to_json()
    return f"{result.diagnosis.summary}\n{result.diagnosis.hint}"


def assert_delivered(server: PostfixServer, result: RunResult, protocol: str) -> None:
    """The test message is in the recipient's maildir, received as *protocol* under its id."""
    [message] = server.wait_for_messages(1)
    assert message["Subject"] == SUBJECT and message["To"] == RECIPIENT
    assert message["From"] == LOGIN
    received = message["Received"]
    assert result.queue_id and f"id {result.queue_id}" in received, received
    assert f"with {protocol} " in received, received  # ESMTPSA: TLS and a login
    assert server.password not in result.to_json()


# -- success -----------------------------------------------------------------------------

async def test_submission_587_with_starttls_delivers(postfix: PostfixServer) -> None:
    result = await run_check(target(postfix))

    assert result.status == "ok" and result.exit_code == 0, result.to_json()
    assert result.diagnosis is None and result.suggestion is None
    assert statuses(result)["tls"] == "skipped"
    ehlo, starttls = result.step("ehlo"), result.step("starttls")
    assert ehlo.facts["starttls"] is True
    assert ehlo.facts["auth"] == []  # smtpd_tls_auth_only: no AUTH before TLS
    assert starttls.facts["verified"] is True
    assert postfix.address in starttls.facts["sans"]
    assert starttls.facts["auth"] == ["PLAIN", "LOGIN"]
    assert result.step("auth").status == "ok"
    assert_delivered(postfix, result, "ESMTPSA")


async def test_submissions_465_with_implicit_tls_delivers(postfix: PostfixServer) -> None:
    result = await run_check(target(postfix, port=465, security="implicit_tls"))

    assert result.status == "ok", result.to_json()
    tls = result.step("tls")
    assert tls.status == "ok" and tls.facts["verified"] is True
    assert statuses(result)["starttls"] == "skipped"
    assert result.step("ehlo").facts["auth"] == ["PLAIN", "LOGIN"]
    assert_delivered(postfix, result, "ESMTPSA")


# -- refusals ----------------------------------------------------------------------------

async def test_a_wrong_password_is_invalid_credentials(postfix: PostfixServer) -> None:
    result = await run_check(target(postfix, password="not-the-password-1"))

    assert result.status == "fail" and result.exit_code == 2
    auth = result.step("auth")
    assert auth.status == "fail" and auth.detail.startswith("535 5.7.8")
    assert result.diagnosis is not None and result.diagnosis.code == "auth.invalid_credentials"
    assert result.suggestion is None  # the settings are right: no other port to offer
    assert statuses(result)["mail_from"] == "skipped"
    assert "not-the-password-1" not in result.to_json()
    assert postfix.messages() == []


async def test_a_sender_not_the_logins_is_send_as_denied(postfix: PostfixServer) -> None:
    result = await run_check(target(postfix, from_address=OTHER_SENDER))

    assert result.status == "fail"
    assert result.step("auth").status == "ok"  # the login passed...
    # ...and Postfix refuses the sender at RCPT (smtpd_delay_reject), not at MAIL FROM.
    rcpt = result.step("rcpt_to")
    assert rcpt.status == "fail" and rcpt.detail.startswith("553 5.7.1"), rcpt.detail
    assert "not owned by user" in rcpt.detail
    assert result.diagnosis is not None and result.diagnosis.code == "sender.send_as_denied"
    assert not LOGIN_ADVICE.search(result.diagnosis.hint), result.diagnosis.hint
    assert postfix.messages() == [] and postfix.messages(OTHER_SENDER) == []


async def test_a_send_as_refusal_names_both_accounts(postfix: PostfixServer) -> None:
    result = await run_check(target(postfix, from_address=OTHER_SENDER))

    assert OTHER_SENDER in advice(result)
    assert LOGIN in advice(result)


async def test_relay_to_an_outside_domain_without_login_is_denied(
        postfix: PostfixServer) -> None:
    result = await run_check(no_login(postfix, to_address=OUTSIDE))

    assert result.status == "fail"
    assert statuses(result)["auth"] == "skipped" and statuses(result)["starttls"] == "ok"
    # The evidence the advice has to respect: this port offers no login at all.
    assert result.step("ehlo").facts["auth"] == [] and result.step("starttls").facts["auth"] == []
    rcpt = result.step("rcpt_to")
    assert rcpt.detail.startswith("554 5.7.1") and "Relay access denied" in rcpt.detail
    assert result.diagnosis is not None and result.diagnosis.code == "relay.denied"
    text = advice(result)
    assert "STARTTLS" not in text  # STARTTLS worked
    assert "implicit" not in text.lower()
    assert result.suggestion is None or result.suggestion.port in (587, 465)


async def test_relay_denied_on_port_25_points_to_submission(postfix: PostfixServer) -> None:
    result = await run_check(no_login(postfix, to_address=OUTSIDE))

    # AUTH is not offered here: logging in is only possible on 587 (or 465).
    assert result.diagnosis is not None and result.diagnosis.code == "relay.denied"
    assert "587" in result.diagnosis.hint, result.diagnosis.hint


async def test_port_25_local_delivery_is_only_a_warning(postfix: PostfixServer) -> None:
    result = await run_check(no_login(postfix))

    [message] = postfix.wait_for_messages(1)  # Postfix did deliver it locally...
    assert message["Subject"] == SUBJECT
    # ...which says nothing about mail to customers outside shop.test.
    assert result.status == "warn" and result.exit_code == 1, result.to_json()


# -- wrong settings: what probing finds on a real server -----------------------------------

async def test_a_wrong_port_is_corrected_to_submission_not_to_port_25(
        postfix: PostfixServer) -> None:
    result = await run_check(target(postfix, port=2526))  # nothing listens there

    assert result.diagnosis is not None and result.diagnosis.code == "connect.refused"
    # 25 answers too, but offers no login: only a port where these settings work is offered.
    assert result.suggestion is not None, result.to_json()
    assert (result.suggestion.port, result.suggestion.security) in (
        (587, "starttls"), (465, "implicit_tls"))


async def test_implicit_tls_on_587_suggests_starttls(postfix: PostfixServer) -> None:
    result = await run_check(target(postfix, security="implicit_tls"))

    assert result.diagnosis is not None and result.diagnosis.code == "tls.wrong_mode"
    assert result.suggestion is not None
    assert (result.suggestion.port, result.suggestion.security) == (587, "starttls")


async def test_starttls_on_465_is_diagnosed_before_the_timeout(postfix: PostfixServer) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    result = await run_check(target(postfix, port=465, timeout=6.0))
    elapsed = loop.time() - started

    assert result.diagnosis is not None and result.diagnosis.code == "tls.wrong_mode"
    assert result.suggestion is not None
    assert (result.suggestion.port, result.suggestion.security) == (465, "implicit_tls")
    assert elapsed < 4.0, f"{elapsed:.1f} s"


async def test_a_login_on_port_25_is_sent_to_the_submission_port(postfix: PostfixServer) -> None:
    result = await run_check(target(postfix, port=25))

    assert result.diagnosis is not None and result.diagnosis.code == "auth.unavailable"
    assert result.step("starttls").status == "ok"  # STARTTLS was used: AUTH is just not here
    assert result.suggestion is not None, result.to_json()
    assert result.suggestion.port in (587, 465)


# -- the login service down ----------------------------------------------------------------

async def test_login_service_down_is_not_a_password_error(postfix: PostfixServer) -> None:
    with postfix.dovecot_stopped():
        result = await run_check(target(postfix))
    # Postfix cannot reach Dovecot's auth socket: 454 4.7.0, the password never checked.
    auth = result.step("auth")
    assert auth.status == "fail" and auth.detail.startswith("454 4.7.0"), auth.detail
    assert "Temporary authentication failure" in auth.detail
    assert result.diagnosis is not None
    assert result.diagnosis.code != "auth.invalid_credentials"
    assert "password again" not in result.diagnosis.hint.lower()

    again = await run_check(target(postfix))  # Dovecot back: the same settings work
    assert again.status == "ok", again.to_json()


async def test_login_service_down_says_the_server_failed(postfix: PostfixServer) -> None:
    with postfix.dovecot_stopped():
        result = await run_check(target(postfix))

    assert result.diagnosis is not None
    assert result.diagnosis.code == "auth.temporary_failure", result.to_json()
    assert not LOGIN_ADVICE.search(result.diagnosis.hint), result.diagnosis.hint
    assert result.suggestion is None  # no setting to change


# -- the check command ---------------------------------------------------------------------

def check(server: PostfixServer, *args: str, password: str | None = None, port: int = 587,
          security: str = "starttls", login: bool = True) -> subprocess.CompletedProcess[str]:
    """`comelin-tui check` with ad-hoc flags for this server, as its own process."""
    command = [
        sys.executable, "-m", "comelin_tui", "check", "--host", server.address,
        "--port", str(port), "--security", security, "--from", LOGIN, "--to", RECIPIENT,
        "--ca-file", str(server.ca_file), "--no-dns-checks",
    ]
    if login:
        command += ["--username", LOGIN, "--password-stdin"]
    else:
        command += ["--auth", "none"]
    return subprocess.run([*command, *args], input=(password or server.password) + "\n",
                          capture_output=True, text=True, timeout=60, check=False,
                          env=dict(os.environ))


def test_check_command_passes_on_587(postfix: PostfixServer) -> None:
    done = check(postfix)

    assert done.returncode == 0, done.stdout + done.stderr
    assert any(line.startswith("Result: PASSED") for line in done.stdout.splitlines())
    [message] = postfix.wait_for_messages(1)
    assert message["Subject"] == SUBJECT
    assert postfix.password not in done.stdout + done.stderr


def test_check_command_json_on_465(postfix: PostfixServer) -> None:
    done = check(postfix, "--json", port=465, security="implicit_tls")

    assert done.returncode == 0, done.stdout + done.stderr
    data = json.loads(done.stdout)
    assert data["status"] == "ok" and data["diagnosis"] is None
    assert data["server"] == {"host": postfix.address, "port": 465, "security": "implicit_tls"}
    postfix.wait_for_messages(1)


def test_check_command_wrong_password_exits_2(postfix: PostfixServer) -> None:
    done = check(postfix, "--json", password="not-the-password-2")

    assert done.returncode == 2, done.stdout + done.stderr
    data = json.loads(done.stdout)
    assert data["diagnosis"]["code"] == "auth.invalid_credentials"
    assert "not-the-password-2" not in done.stdout + done.stderr
    assert postfix.messages() == []


def test_check_command_sender_mismatch(postfix: PostfixServer) -> None:
    done = check(postfix, "--json", "--from", OTHER_SENDER)

    assert done.returncode == 2, done.stdout + done.stderr
    data = json.loads(done.stdout)
    assert data["diagnosis"]["code"] == "sender.send_as_denied"
    assert not LOGIN_ADVICE.search(data["diagnosis"]["hint"]), data["diagnosis"]["hint"]


def test_check_command_relay_denied_on_port_25(postfix: PostfixServer) -> None:
    done = check(postfix, "--json", "--to", OUTSIDE, port=25, login=False)

    assert done.returncode == 2, done.stdout + done.stderr
    data = json.loads(done.stdout)
    assert data["diagnosis"]["code"] == "relay.denied"
    [rcpt] = [step for step in data["steps"] if step["id"] == "rcpt_to"]
    assert "Relay access denied" in rcpt["detail"]


# -- the relay: the point-of-sale -> relay -> Postfix ---------------------------------------

RELAY_LOGIN = "caisse@demo.example"
RELAY_PASSWORD = "local-relay-secret-42"


@contextlib.asynccontextmanager
async def running_relay(postfix: PostfixServer, log_path: Path,
                        senders: frozenset[str] = frozenset({LOGIN})) -> AsyncIterator[Relay]:
    """The relay on 127.0.0.1 (its own login for the POS), forwarding to Postfix's 587."""
    options = RelayOptions(
        host="127.0.0.1", port=0, username=RELAY_LOGIN, password=RELAY_PASSWORD,
        senders=senders, log_path=log_path, limits=RelayLimits(wait=5.0, idle_timeout=5.0))

    async def upstream(refresh: bool) -> Target:
        return target(postfix)

    relay = Relay(options, upstream)
    await relay.start()
    try:
        yield relay
    finally:
        await relay.stop(grace=2.0)


@pytest.fixture
async def relay(postfix: PostfixServer, tmp_path: Path) -> AsyncIterator[Relay]:
    async with running_relay(postfix, tmp_path / "attempts.jsonl") as started:
        yield started


async def pos_send(relay: Relay, to: list[str], sender: str = LOGIN) -> Any:
    """What a point-of-sale does: log in to the relay and send one invoice."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ", ".join(to)
    message["Subject"] = "Facture 1001"
    message.set_content("Merci de votre achat.\n")
    host, port = relay.address

    def work() -> Any:
        with smtplib.SMTP(host, port, timeout=10) as client:
            client.ehlo("pos01")
            client.login(RELAY_LOGIN, RELAY_PASSWORD)
            return client.send_message(message, from_addr=sender, to_addrs=to)
    return await asyncio.get_running_loop().run_in_executor(None, work)


async def test_relay_delivers_through_postfix(relay: Relay, postfix: PostfixServer,
                                              tmp_path: Path) -> None:
    refused = await pos_send(relay, [RECIPIENT, OUTSIDE])

    assert refused == {}
    [message] = postfix.wait_for_messages(1)
    assert message["Subject"] == "Facture 1001"
    assert "with ESMTPSA" in message["Received"]
    [record] = read_records("relay", tmp_path / "attempts.jsonl")
    assert record["status"] == "ok" and record["recipients"] == 2
    assert record["queue_id"] and f"id {record['queue_id']}" in message["Received"]
    assert postfix.password not in (tmp_path / "attempts.jsonl").read_text()


async def test_relay_passes_on_postfix_refusing_the_sender(
        postfix: PostfixServer, tmp_path: Path) -> None:
    # The relay lets both addresses through; Postfix knows patron@ is not the login's.
    log_path = tmp_path / "attempts.jsonl"
    async with running_relay(postfix, log_path, frozenset({LOGIN, OTHER_SENDER})) as relay:
        with pytest.raises(smtplib.SMTPRecipientsRefused) as caught:
            await pos_send(relay, [RECIPIENT], sender=OTHER_SENDER)
    code, text = caught.value.recipients[RECIPIENT]
    assert code == 553 and b"not owned by user" in text
    assert postfix.messages() == []
    [record] = read_records("relay", log_path)
    assert record["status"] == "fail" and record["diagnosis"] == "sender.send_as_denied"
