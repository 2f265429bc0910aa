"""International addresses on the wire, against real loopback servers (aiosmtpd).

An accented domain goes as its A-label (IDNA 2008) in MAIL FROM, RCPT TO and the
address headers, and needs no SMTPUTF8; an accented local part needs SMTPUTF8,
and without it is refused before any MAIL command, with its own diagnosis; an
A-label the technician typed goes exactly as typed. The same rules in the test
send, the relay and ``comelin-tui send``.
"""

from __future__ import annotations

import asyncio
import json
import os
import smtplib
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from comelin_tui import paths
from comelin_tui.attempt_log import read_records
from comelin_tui.config import (
    config_warnings,
    email_to_ascii,
    load_config,
    save_config,
    validate_email,
    with_changes,
)
from comelin_tui.diagnostics.addresses import NeedsSmtputf8, address_key, wire_address
from comelin_tui.diagnostics.engine import run_check
from comelin_tui.diagnostics.model import RunResult
from comelin_tui.jobs.relay import Relay, RelayLimits, RelayOptions
from comelin_tui.jobs.send_message import send_message
from comelin_tui.sandbox import Sandbox

IDN_SENDER = "caisse@boulangerie-élan.ca"
IDN_SENDER_WIRE = "caisse@xn--boulangerie-lan-mnb.ca"
UTF8_SENDER = "élise@boulangerie-élan.ca"
IDN_RECIPIENT = "commandes@épicerie-du-coin.ca"
IDN_RECIPIENT_WIRE = "commandes@xn--picerie-du-coin-9mb.ca"


@pytest.fixture(scope="module")
def plain_server() -> Iterator[Sandbox]:
    """A submission server (STARTTLS, AUTH) that does not offer SMTPUTF8."""
    with Sandbox(smtputf8=False) as server:
        yield server


@pytest.fixture(scope="module")
def utf8_server() -> Iterator[Sandbox]:
    """The same server offering SMTPUTF8."""
    with Sandbox() as server:
        yield server


@pytest.fixture(autouse=True)
def _fresh(plain_server: Sandbox, utf8_server: Sandbox) -> None:
    for server in (plain_server, utf8_server):
        server.clear()
        server.replies.clear()


def client_lines(result: RunResult, verb: str) -> list[str]:
    return [line for line in result.transcript if line.startswith(f"-> {verb}")]


def header_lines(raw: bytes) -> dict[str, bytes]:
    head = raw.split(b"\r\n\r\n", 1)[0].replace(b"\r\n ", b" ").replace(b"\r\n\t", b" ")
    lines: dict[str, bytes] = {}
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        lines.setdefault(name.decode("ascii").lower(), value.strip())
    return lines


# --- the helper every path uses ---------------------------------------------------------


def test_the_wire_form_of_an_address() -> None:
    assert wire_address(IDN_SENDER, smtputf8=False) == IDN_SENDER_WIRE
    assert wire_address(IDN_SENDER, smtputf8=True) == IDN_SENDER
    assert wire_address(IDN_SENDER_WIRE, smtputf8=False) == IDN_SENDER_WIRE
    # Mixed: the typed A-label label kept, the accented one encoded (IDNA 2008: ß stays).
    assert wire_address("kasse@xn--bckerei-5wa.straße.de", smtputf8=False) == \
        "kasse@xn--bckerei-5wa.xn--strae-oqa.de"
    with pytest.raises(NeedsSmtputf8) as refused:
        wire_address(UTF8_SENDER, smtputf8=False)
    assert refused.value.address == UTF8_SENDER
    assert address_key("Caisse@Boulangerie-Élan.ca") == address_key(IDN_SENDER_WIRE)


# --- the test send ----------------------------------------------------------------------


async def test_idn_sender_without_smtputf8_goes_as_its_a_label(plain_server: Sandbox) -> None:
    target = plain_server.target(from_address=IDN_SENDER, to_address=IDN_RECIPIENT,
                                 reply_to="ventes@boulangerie-élan.ca")
    result = await run_check(target, probe=False)

    assert result.status == "ok", result.to_json()
    [mail_from] = client_lines(result, "MAIL FROM")
    assert mail_from.startswith(f"-> MAIL FROM:<{IDN_SENDER_WIRE}>")
    assert "SMTPUTF8" not in mail_from
    assert client_lines(result, "RCPT TO") == [f"-> RCPT TO:<{IDN_RECIPIENT_WIRE}>"]
    mail_step = result.step("mail_from")
    assert mail_step is not None and mail_step.facts["envelope_from"] == IDN_SENDER_WIRE
    assert mail_step.facts["smtputf8"] is False
    [delivery] = plain_server.deliveries
    assert delivery.mail_from == IDN_SENDER_WIRE
    assert delivery.rcpt_tos == (IDN_RECIPIENT_WIRE,)
    headers = header_lines(delivery.raw)
    assert headers["from"] == IDN_SENDER_WIRE.encode()
    assert headers["to"] == IDN_RECIPIENT_WIRE.encode()
    assert headers["reply-to"] == b"ventes@xn--boulangerie-lan-mnb.ca"
    assert headers["message-id"].endswith(b"@xn--boulangerie-lan-mnb.ca>")
    # 7-bit headers: no raw UTF-8, and never an encoded word where an address is.
    head = delivery.raw.split(b"\r\n\r\n", 1)[0]
    assert head.isascii() and b"=?" not in head


async def test_an_accented_domain_alone_never_asks_for_smtputf8(utf8_server: Sandbox) -> None:
    """Offered or not, SMTPUTF8 is left out when the A-label says it all: a server down
    the line without it would have to bounce a message sent with it (RFC 6531)."""
    result = await run_check(utf8_server.target(from_address=IDN_SENDER), probe=False)

    assert result.status == "ok", result.to_json()
    [mail_from] = client_lines(result, "MAIL FROM")
    assert mail_from.startswith(f"-> MAIL FROM:<{IDN_SENDER_WIRE}>")
    assert "SMTPUTF8" not in mail_from
    [delivery] = utf8_server.deliveries
    assert delivery.mail_from == IDN_SENDER_WIRE
    assert header_lines(delivery.raw)["from"] == IDN_SENDER_WIRE.encode()


async def test_accented_local_part_with_smtputf8_goes_as_typed(utf8_server: Sandbox) -> None:
    target = utf8_server.target(from_address=UTF8_SENDER, to_address=IDN_RECIPIENT)
    result = await run_check(target, probe=False)

    assert result.status == "ok", result.to_json()
    [mail_from] = client_lines(result, "MAIL FROM")
    assert mail_from.startswith(f"-> MAIL FROM:<{UTF8_SENDER}>")
    assert mail_from.endswith(" SMTPUTF8")
    # The message goes with SMTPUTF8: every address as typed, in UTF-8 (RFC 6532).
    assert client_lines(result, "RCPT TO") == [f"-> RCPT TO:<{IDN_RECIPIENT}>"]
    [delivery] = utf8_server.deliveries
    assert delivery.mail_from == UTF8_SENDER and delivery.rcpt_tos == (IDN_RECIPIENT,)
    headers = header_lines(delivery.raw)
    assert headers["from"] == UTF8_SENDER.encode()
    assert headers["to"] == IDN_RECIPIENT.encode()
    assert headers["message-id"].isascii()
    assert b"=?" not in headers["from"] + headers["to"]
    assert delivery.message["From"] == UTF8_SENDER


@pytest.mark.parametrize("lang", ["en", "fr"])
async def test_accented_local_part_without_smtputf8_is_refused_before_mail(
        plain_server: Sandbox, lang: str) -> None:
    result = await run_check(plain_server.target(from_address=UTF8_SENDER, language=lang),
                             probe=False)

    assert result.status == "fail"
    step = result.step("mail_from")
    assert step is not None and step.status == "fail"
    assert step.diagnosis is not None and step.diagnosis.code == "address.needs_smtputf8"
    assert result.diagnosis is not None and result.diagnosis.code == "address.needs_smtputf8"
    assert step.facts["address"] == UTF8_SENDER
    # The conversation went as far as the login, and no MAIL command ever reached the server.
    assert plain_server.commands[:4] == ["EHLO", "STARTTLS", "EHLO", "AUTH"]
    assert "MAIL" not in plain_server.commands and "RCPT" not in plain_server.commands
    assert client_lines(result, "MAIL") == []
    assert plain_server.deliveries == []
    summary, hint = str(step.diagnosis.summary), str(step.diagnosis.hint)
    assert UTF8_SENDER in summary and "SMTPUTF8" in summary
    if lang == "en":
        assert "not a typo" in hint and "alias" in hint and "spelling" not in hint
    else:
        assert "pas une faute de frappe" in hint and "alias" in hint
        assert "orthographe" not in hint


async def test_an_accented_recipient_without_smtputf8_is_refused_too(
        plain_server: Sandbox) -> None:
    result = await run_check(plain_server.target(to_address="josée@épicerie-du-coin.ca"),
                             probe=False)

    assert result.diagnosis is not None and result.diagnosis.code == "address.needs_smtputf8"
    assert "josée@épicerie-du-coin.ca" in str(result.diagnosis.summary)
    assert "MAIL" not in plain_server.commands


@pytest.mark.parametrize("smtputf8", [False, True])
async def test_a_typed_a_label_stays_exactly_as_typed(plain_server: Sandbox,
                                                      utf8_server: Sandbox,
                                                      smtputf8: bool) -> None:
    server = utf8_server if smtputf8 else plain_server
    # With SMTPUTF8 in use (an accented recipient), the typed A-label is still not decoded.
    to = "josée@épicerie-du-coin.ca" if smtputf8 else server.username
    result = await run_check(server.target(from_address=IDN_SENDER_WIRE, to_address=to),
                             probe=False)

    assert result.status == "ok", result.to_json()
    [mail_from] = client_lines(result, "MAIL FROM")
    assert mail_from.startswith(f"-> MAIL FROM:<{IDN_SENDER_WIRE}>")
    assert mail_from.endswith(" SMTPUTF8") is smtputf8
    [delivery] = server.deliveries
    assert delivery.mail_from == IDN_SENDER_WIRE
    assert header_lines(delivery.raw)["from"] == IDN_SENDER_WIRE.encode()
    assert "envelope_from" not in result.step("mail_from").facts  # type: ignore[union-attr]


# --- settings and the CLI ------------------------------------------------------------------


def test_idn_addresses_pass_validation_and_are_saved_as_typed(plain_server: Sandbox) -> None:
    assert validate_email(IDN_SENDER) == IDN_SENDER
    assert validate_email(IDN_SENDER_WIRE) == IDN_SENDER_WIRE
    assert email_to_ascii(IDN_SENDER) == IDN_SENDER_WIRE
    config_path = paths.config_path()
    config = with_changes(plain_server.demo_config(), {
        "company.email": IDN_SENDER, "smtp.from_address": IDN_SENDER,
        "smtp.reply_to": "ventes@xn--boulangerie-lan-mnb.ca"})
    save_config(config, config_path)
    saved = load_config(config_path)
    assert saved.company.email == IDN_SENDER and saved.smtp.from_address == IDN_SENDER
    assert saved.smtp.reply_to == "ventes@xn--boulangerie-lan-mnb.ca"
    assert IDN_SENDER in config_path.read_text(encoding="utf-8")
    # An accented domain is no reason for a warning; an accented local part is.
    assert "config.warn.smtputf8" not in {w.key for w in config_warnings(saved)}
    accented = with_changes(saved, {"smtp.from_address": UTF8_SENDER,
                                    "company.email": UTF8_SENDER})
    [warning] = [w for w in config_warnings(accented) if w.key == "config.warn.smtputf8"]
    assert "domain" in warning.message("en") and "domaine" in warning.message("fr")


def test_check_json_names_the_code(plain_server: Sandbox) -> None:
    config_path = paths.config_path()
    save_config(with_changes(plain_server.demo_config(), {"smtp.from_address": UTF8_SENDER}),
                config_path)
    plain_server.store_password(config_path, "file")
    done = subprocess.run([sys.executable, "-m", "comelin_tui", "check", "--json",
                           "--no-dns-checks"], capture_output=True, text=True, timeout=60,
                          check=False, env=dict(os.environ))

    assert done.returncode == 2, done.stdout + done.stderr
    data = json.loads(done.stdout)
    assert data["diagnosis"]["code"] == "address.needs_smtputf8"
    [step] = [s for s in data["steps"] if s["id"] == "mail_from"]
    assert step["status"] == "fail" and step["diagnosis"]["code"] == "address.needs_smtputf8"
    assert step["facts"]["address"] == UTF8_SENDER
    assert not any(line.startswith("-> MAIL") for line in data["transcript"])
    assert "MAIL" not in plain_server.commands


# --- real mail: the relay and `send` --------------------------------------------------------

POS_THREADS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="pos-idn")
LOCAL_LOGIN = "caisse@demo.example"
LOCAL_PASSWORD = "local-relay-secret-idn"


def relay_options(tmp_path: Path, senders: frozenset[str]) -> RelayOptions:
    return RelayOptions(host="127.0.0.1", port=0, username=LOCAL_LOGIN, password=LOCAL_PASSWORD,
                        senders=senders, log_path=tmp_path / "attempts.jsonl",
                        limits=RelayLimits(wait=2.0, idle_timeout=5.0))


def source_for(server: Sandbox) -> Any:
    async def source(refresh: bool) -> Any:
        return server.target()
    return source


def pos_message(sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "client@example.net"
    message["Subject"] = "Facture 1002"
    message.set_content("Merci de votre achat.\n")
    return message


async def pos_send(relay: Relay, sender: str) -> Any:
    host, port = relay.address

    def work() -> Any:
        with smtplib.SMTP(host, port, timeout=10) as client:
            client.ehlo("pos01")
            client.login(LOCAL_LOGIN, LOCAL_PASSWORD)
            return client.send_message(pos_message(sender), from_addr=sender,
                                       to_addrs=["client@example.net"])
    return await asyncio.get_running_loop().run_in_executor(POS_THREADS, work)


async def test_relay_sends_an_idn_sender_as_its_a_label(plain_server: Sandbox,
                                                        tmp_path: Path) -> None:
    # The relay's senders are the settings' (typed) forms; the POS may use either form.
    relay = Relay(relay_options(tmp_path, frozenset({IDN_SENDER})), source_for(plain_server))
    await relay.start()
    try:
        assert await pos_send(relay, IDN_SENDER) == {}
        assert await pos_send(relay, IDN_SENDER_WIRE) == {}
    finally:
        await relay.stop(grace=2.0)
    assert [d.mail_from for d in plain_server.deliveries] == [IDN_SENDER_WIRE] * 2


async def test_relay_refuses_an_accented_local_part_before_the_provider_hears_it(
        plain_server: Sandbox, tmp_path: Path) -> None:
    relay = Relay(relay_options(tmp_path, frozenset({UTF8_SENDER})), source_for(plain_server))
    await relay.start()
    try:
        with pytest.raises(smtplib.SMTPSenderRefused) as refused:
            await pos_send(relay, UTF8_SENDER)
    finally:
        await relay.stop(grace=2.0)
    assert refused.value.smtp_code == 553 and b"5.6.7" in refused.value.smtp_error
    assert "MAIL" not in plain_server.commands and plain_server.deliveries == []
    [record] = read_records("relay", tmp_path / "attempts.jsonl")
    assert record["status"] == "fail" and record["diagnosis"] == "address.needs_smtputf8"


async def test_send_job_follows_the_same_rules(plain_server: Sandbox, tmp_path: Path) -> None:
    data = pos_message(IDN_SENDER_WIRE).as_bytes()
    outcome = await send_message(source_for(plain_server), IDN_SENDER, [IDN_RECIPIENT], data,
                                 log_path=tmp_path / "attempts.jsonl")
    assert outcome.status == "ok", outcome
    [delivery] = plain_server.deliveries
    assert delivery.mail_from == IDN_SENDER_WIRE and delivery.rcpt_tos == (IDN_RECIPIENT_WIRE,)

    plain_server.clear()
    outcome = await send_message(source_for(plain_server), UTF8_SENDER, [IDN_RECIPIENT], data,
                                 log_path=tmp_path / "attempts.jsonl")
    assert outcome.status == "fail" and outcome.stage == "mail_from"
    assert outcome.diagnosis is not None and outcome.diagnosis.code == "address.needs_smtputf8"
    assert "MAIL" not in plain_server.commands


def test_send_command_adds_a_7bit_from_header(plain_server: Sandbox) -> None:
    """`comelin-tui send` adds From when the message has none: the company's name as an
    encoded word, the address with its A-label, never an encoded word around it."""
    config_path = paths.config_path()
    save_config(with_changes(plain_server.demo_config(), {
        "company.name": "Boulangerie Élan", "smtp.from_address": IDN_SENDER}), config_path)
    plain_server.store_password(config_path, "file")
    done = subprocess.run([sys.executable, "-m", "comelin_tui", "send", "boss@example.net"],
                          input=b"Subject: stock\n\nbas\n", capture_output=True, timeout=60,
                          check=False, env=dict(os.environ))

    assert done.returncode == 0, done.stderr
    [delivery] = plain_server.deliveries
    assert delivery.mail_from == IDN_SENDER_WIRE
    headers = header_lines(delivery.raw)
    assert headers["from"].isascii() and headers["from"].endswith(f"<{IDN_SENDER_WIRE}>".encode())
    assert b"=?utf-8?" in headers["from"]
    assert delivery.message["From"].addresses[0].display_name == "Boulangerie Élan"
    assert headers["message-id"].endswith(b"@xn--boulangerie-lan-mnb.ca>")
