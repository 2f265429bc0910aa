"""`send --profile` and the relay: each profile's sender goes out through its own account.

Server A holds the company account (its senders: the company's and the alerts'); server
B the supplier-orders profile's own account. The settings, the relay's options and its
routes are built the way `comelin-tui relay` builds them.
"""

from __future__ import annotations

import asyncio
import dataclasses
import io
import smtplib
import sys
from collections.abc import AsyncIterator, Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from account_servers import AccountServer, account_server
from smtp_servers import PASSWORD, USERNAME, Certificates, certs_fixture  # noqa: F401

from comelin_tui import cli, paths
from comelin_tui.attempt_log import read_records
from comelin_tui.config import config_from_dict, save_config
from comelin_tui.config_read import read_config
from comelin_tui.jobs.relay import Relay
from comelin_tui.jobs.relay_setup import relay_options, relay_routes, relay_username
from comelin_tui.jobs.send_test import target_source
from comelin_tui.profiles import secret_name
from comelin_tui.secrets import SMTP_PASSWORD, FileSecretStore, secret_file_path

B_USER = "achats@fournil.test"
B_PASSWORD = "Fourn1l-Secret-pw!"
LOCAL_PASSWORD = "local-relay-secret-42"


@pytest.fixture(scope="module")
def server_a(certs: Certificates) -> Iterator[AccountServer]:
    yield from account_server(certs, senders=frozenset({"caisse@boulangerie.test",
                                                        "alertes@boulangerie.test"}))


@pytest.fixture(scope="module")
def server_b(certs: Certificates) -> Iterator[AccountServer]:
    yield from account_server(certs, username=B_USER, password=B_PASSWORD,
                              senders=frozenset({B_USER}))


@pytest.fixture(autouse=True)
def _fresh(server_a: AccountServer, server_b: AccountServer) -> None:
    for server in (server_a, server_b):
        server.scripted.messages.clear()
        server.scripted.logins.clear()  # type: ignore[attr-defined]


@pytest.fixture
def saved(certs: Certificates, server_a: AccountServer, server_b: AccountServer) -> Path:
    path = paths.config_path()
    save_config(config_from_dict({
        "company": {"name": "Boulangerie", "email": "caisse@boulangerie.test"},
        "smtp": {"host": "127.0.0.1", "port": server_a.port, "security": "starttls",
                 "username": USERNAME, "from_address": "caisse@boulangerie.test",
                 "ca_file": str(certs.ca_file), "timeout": 3.0},
        "secret_backend": "file",
        "profiles": [
            {"name": "store-12-alerts", "purpose": "alerts",
             "from_address": "alertes@boulangerie.test", "display_name": "Alertes 12"},
            {"name": "store-12-orders", "purpose": "orders", "from_address": B_USER,
             "display_name": "Achats Fournil",
             "account": {"host": "127.0.0.1", "port": server_b.port, "security": "starttls",
                         "username": B_USER, "ca_file": str(certs.ca_file)}},
        ],
    }), path)
    store = FileSecretStore(secret_file_path(path))
    store.set(SMTP_PASSWORD, PASSWORD)
    store.set(secret_name("store-12-orders"), B_PASSWORD)
    return path


# -- the relay -----------------------------------------------------------------------------

@pytest.fixture
async def relay(saved: Path, tmp_path: Path, request: pytest.FixtureRequest
                ) -> AsyncIterator[Relay]:
    config = read_config(saved)
    queue = getattr(request, "param", False)
    options = relay_options(config, saved, password=LOCAL_PASSWORD, queue=queue)
    # A free port, the log and the queue in this test's folder.
    options = dataclasses.replace(options, port=0, log_path=tmp_path / "attempts.jsonl",
                                  queue_folder=tmp_path / "queue" if queue else None)
    running = Relay(options, target_source(config, saved), routes=relay_routes(config, saved))
    await running.start()
    try:
        yield running
    finally:
        await running.stop(grace=5.0)


async def pos_send(relay: Relay, sender: str) -> Any:
    host, port = relay.address
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, "client@example.net", "1001"
    message.set_content("Facture 1001")

    def work() -> Any:
        with smtplib.SMTP(host, port, timeout=10) as client:
            client.login(relay.options.username, LOCAL_PASSWORD)
            return client.send_message(message, from_addr=sender, to_addrs=["client@example.net"])
    return await asyncio.get_running_loop().run_in_executor(None, work)


async def test_the_relay_routes_two_senders_to_two_upstreams(
        relay: Relay, saved: Path, server_a: AccountServer, server_b: AccountServer) -> None:
    assert relay.options.senders >= {"caisse@boulangerie.test", "alertes@boulangerie.test",
                                     B_USER}
    assert relay.options.username == relay_username(read_config(saved))
    assert await pos_send(relay, "caisse@boulangerie.test") == {}
    assert await pos_send(relay, B_USER) == {}
    assert await pos_send(relay, "alertes@boulangerie.test") == {}  # company account
    assert len(server_a.scripted.messages) == 2 and len(server_b.scripted.messages) == 1
    assert b"From: achats@fournil.test" in server_b.scripted.messages[0]
    assert server_b.scripted.logins == [B_USER]  # type: ignore[attr-defined]
    assert B_USER not in server_a.scripted.logins  # type: ignore[attr-defined]
    # A sender of no profile is refused by the relay itself, before any upstream.
    with pytest.raises(smtplib.SMTPSenderRefused) as refused:
        await pos_send(relay, "inconnu@ailleurs.test")
    assert refused.value.smtp_code == 550
    records = read_records("relay", relay.options.log_path)
    assert [r["sender"] for r in records if r["status"] == "ok"] == [
        "caisse@boulangerie.test", B_USER, "alertes@boulangerie.test"]


@pytest.mark.parametrize("relay", [True], indirect=True)
async def test_the_queue_delivers_each_sender_through_its_own_account(
        relay: Relay, server_a: AccountServer, server_b: AccountServer) -> None:
    assert relay.spool is not None
    await pos_send(relay, B_USER)
    await pos_send(relay, "caisse@boulangerie.test")
    deadline = asyncio.get_running_loop().time() + 10
    while relay.spool.messages() and asyncio.get_running_loop().time() < deadline:
        relay.deliverer.wake.set()
        await asyncio.sleep(0.05)  # polling a condition with a deadline
    assert relay.spool.messages() == []
    assert len(server_b.scripted.messages) == 1 and len(server_a.scripted.messages) == 1
    assert server_b.scripted.logins == [B_USER]  # type: ignore[attr-defined]


# -- send -------------------------------------------------------------------------------------

def send(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *argv: str,
         message: bytes = b"Subject: Commande 77\r\n\r\nDeux sacs de farine.\r\n"
         ) -> tuple[int, str]:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(message)))
    code = cli.run(["send", *argv])
    return code, capsys.readouterr().err


def test_send_profile_goes_through_its_own_account_with_its_sender(
        saved: Path, server_a: AccountServer, server_b: AccountServer,
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    code, err = send(capsys, monkeypatch, "--profile", "store-12-orders", "meunier@example.net")
    assert code == 0, err
    [message] = server_b.scripted.messages
    assert b"From: Achats Fournil <achats@fournil.test>" in message
    assert server_a.scripted.messages == []
    # -f with a profile's address takes that profile's account.
    code, err = send(capsys, monkeypatch, "-f", B_USER, "meunier@example.net")
    assert code == 0, err
    assert len(server_b.scripted.messages) == 2
    # A profile through the company account: its sender and name, the company's server.
    code, err = send(capsys, monkeypatch, "--profile", "store-12-alerts", "gerant@example.net")
    assert code == 0, err
    [alert] = server_a.scripted.messages
    assert b"From: Alertes 12 <alertes@boulangerie.test>" in alert
    # No profile: the company settings, as before.
    code, err = send(capsys, monkeypatch, "gerant@example.net")
    assert code == 0, err
    assert b"From: Boulangerie <caisse@boulangerie.test>" in server_a.scripted.messages[1]
    assert server_b.scripted.logins == [B_USER, B_USER]  # type: ignore[attr-defined]
    # -t: the From: header that is a profile's address takes that profile's account.
    code, err = send(capsys, monkeypatch, "-t", message=(
        b"From: Achats <achats@fournil.test>\r\nTo: meunier@example.net\r\n"
        b"Subject: Commande\r\n\r\nDeux sacs.\r\n"))
    assert code == 0, err
    assert len(server_b.scripted.messages) == 3 and len(server_a.scripted.messages) == 2
    assert b"Subject: Commande" in server_b.scripted.messages[-1]


def test_send_profile_errors(saved: Path, capsys: pytest.CaptureFixture[str],
                             monkeypatch: pytest.MonkeyPatch) -> None:
    code, err = send(capsys, monkeypatch, "--profile", "nobody", "x@example.net")
    assert code == 78 and "no profile \"nobody\"" in err
    FileSecretStore(secret_file_path(saved)).delete(secret_name("store-12-orders"))
    code, err = send(capsys, monkeypatch, "--profile", "store-12-orders", "x@example.net")
    assert code == 78 and "password --profile store-12-orders" in err
    assert "Traceback" not in err
