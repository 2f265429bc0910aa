"""The local relay against real loopback servers: the POS (smtplib) -> relay -> upstream."""

from __future__ import annotations

import asyncio
import smtplib
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from comelin_tui.attempt_log import read_attempts, read_records
from comelin_tui.jobs.relay import Relay, RelayError, RelayLimits, RelayOptions
from comelin_tui.sandbox import Sandbox

LOCAL_LOGIN = "caisse@demo.example"
LOCAL_PASSWORD = "local-relay-secret-42"
POS_THREADS = ThreadPoolExecutor(max_workers=16, thread_name_prefix="pos")


@pytest.fixture(scope="module")
def upstream() -> Iterator[Sandbox]:
    with Sandbox() as server:
        yield server


@pytest.fixture(autouse=True)
def _fresh(upstream: Sandbox) -> None:
    upstream.clear()
    upstream.replies.clear()


def options(tmp_path: Path, **changes: Any) -> RelayOptions:
    values: dict[str, Any] = {
        "host": "127.0.0.1", "port": 0, "username": LOCAL_LOGIN, "password": LOCAL_PASSWORD,
        "senders": frozenset({"caisse@demo.example"}), "log_path": tmp_path / "attempts.jsonl",
        "limits": RelayLimits(wait=2.0, idle_timeout=5.0),
    }
    values.update(changes)
    return RelayOptions(**values)


def source_for(server: Sandbox, **target: Any) -> Any:
    async def source(refresh: bool) -> Any:
        return server.target(**target)
    return source


class RunningRelay:
    def __init__(self, relay: Relay) -> None:
        self.relay = relay
        self.host, self.port = relay.address

    def pos(self, *, login: bool = True, password: str = LOCAL_PASSWORD) -> smtplib.SMTP:
        client = smtplib.SMTP(self.host, self.port, timeout=10)
        client.ehlo("pos01")
        if login:
            client.login(LOCAL_LOGIN, password)
        return client

    async def send(self, message: EmailMessage | None = None, *, sender: str = LOCAL_LOGIN,
                   to: tuple[str, ...] = ("client@example.net",), **pos: Any) -> Any:
        message = message or invoice()

        def work() -> Any:
            with self.pos(**pos) as client:
                return client.send_message(message, from_addr=sender, to_addrs=list(to))
        # Threads of their own: the POS clients must not starve the relay's resolver,
        # which uses the loop's default executor.
        return await asyncio.get_running_loop().run_in_executor(POS_THREADS, work)


def invoice(subject: str = "Facture 1001") -> EmailMessage:
    message = EmailMessage()
    message["From"] = LOCAL_LOGIN
    message["To"] = "client@example.net"
    message["Subject"] = subject
    message.set_content("Merci de votre achat.\n.\nUne ligne qui commence par un point.\n")
    return message


@pytest.fixture
async def relay(upstream: Sandbox, tmp_path: Path) -> AsyncIterator[RunningRelay]:
    relay = Relay(options(tmp_path), source_for(upstream))
    await relay.start()
    try:
        yield RunningRelay(relay)
    finally:
        await relay.stop(grace=2.0)


async def test_a_message_passes_through_with_the_providers_250(
        relay: RunningRelay, upstream: Sandbox, tmp_path: Path) -> None:
    refused = await relay.send()
    assert refused == {}
    [message] = upstream.mailbox
    assert message["Subject"] == "Facture 1001"
    assert "\n.\n" in message.get_content().replace("\r\n", "\n")  # dots unstuffed
    [record] = read_records("relay", tmp_path / "attempts.jsonl")
    assert record["status"] == "ok" and record["reply"].startswith("250")
    assert record["sender"] == LOCAL_LOGIN and record["recipients"] == 1
    assert record["queue_id"]
    assert LOCAL_PASSWORD not in (tmp_path / "attempts.jsonl").read_text()
    assert upstream.password not in (tmp_path / "attempts.jsonl").read_text()
    assert read_attempts(tmp_path / "attempts.jsonl") == []  # not a test send


async def test_an_upstream_refusal_is_passed_on_with_its_text(
        relay: RunningRelay, upstream: Sandbox, tmp_path: Path) -> None:
    upstream.replies["RCPT"] = "550 5.1.1 <client@example.net>: Recipient address rejected"
    with pytest.raises(smtplib.SMTPRecipientsRefused) as caught:
        await relay.send()
    code, text = caught.value.recipients["client@example.net"]
    assert code == 550 and b"5.1.1" in text and b"Recipient address rejected" in text
    assert upstream.mailbox == []
    [record] = read_records("relay", tmp_path / "attempts.jsonl")
    assert record["status"] == "fail" and record["diagnosis"] == "recipient.rejected"


async def test_the_upstream_down_gives_451_and_nothing_accepted(
        upstream: Sandbox, tmp_path: Path) -> None:
    async def down(refresh: bool) -> Any:
        return upstream.target(port=1, timeout=1.0)  # nothing listens there

    relay = Relay(options(tmp_path), down)
    await relay.start()
    try:
        with pytest.raises(smtplib.SMTPSenderRefused) as caught:
            await RunningRelay(relay).send()
        assert caught.value.smtp_code == 451
        assert b"connect.refused" in caught.value.smtp_error
    finally:
        await relay.stop(grace=1.0)
    [record] = read_records("relay", tmp_path / "attempts.jsonl")
    assert record["status"] == "temporary" and record["diagnosis"] == "connect.refused"


async def test_a_sender_not_allowed_gets_550(relay: RunningRelay, upstream: Sandbox) -> None:
    with pytest.raises(smtplib.SMTPSenderRefused) as caught:
        await relay.send(sender="someone@else.example")
    assert caught.value.smtp_code == 550
    assert b"caisse@demo.example" in caught.value.smtp_error
    assert upstream.mailbox == [] and upstream.logins == []  # never reached the provider


async def test_no_login_530_and_a_wrong_local_password_535(relay: RunningRelay) -> None:
    with pytest.raises(smtplib.SMTPSenderRefused) as caught:
        await relay.send(login=False)
    assert caught.value.smtp_code == 530
    with pytest.raises(smtplib.SMTPAuthenticationError) as wrong:
        await relay.send(password="not-it")
    assert wrong.value.smtp_code == 535


async def test_a_remote_bind_is_refused_without_allow_remote(tmp_path: Path,
                                                            upstream: Sandbox) -> None:
    with pytest.raises(RelayError) as caught:
        Relay(options(tmp_path, host="0.0.0.0"), source_for(upstream))
    assert "--allow-remote" in caught.value.message("en")
    with pytest.raises(RelayError) as no_tls:
        Relay(options(tmp_path, host="0.0.0.0", allow_remote=True), source_for(upstream))
    assert "STARTTLS" in no_tls.value.message("en")


async def test_a_helo_client_with_no_auth_on_loopback(upstream: Sandbox,
                                                     tmp_path: Path) -> None:
    relay = Relay(options(tmp_path, require_auth=False, password=None), source_for(upstream))
    await relay.start()
    try:
        running = RunningRelay(relay)

        def helo_only() -> Any:
            with smtplib.SMTP(running.host, running.port, timeout=10) as client:
                client.helo("old-pos")
                return client.sendmail(LOCAL_LOGIN, ["client@example.net"],
                                       invoice().as_bytes())
        assert await asyncio.to_thread(helo_only) == {}
        assert len(upstream.mailbox) == 1
    finally:
        await relay.stop(grace=1.0)


async def test_a_message_over_the_upstream_size_is_refused_at_mail(
        tmp_path: Path) -> None:
    with Sandbox(data_size_limit=2000) as small:
        relay = Relay(options(tmp_path), source_for(small))
        await relay.start()
        try:
            big = invoice()
            big.set_content("x" * 5000)

            def send() -> Any:
                with RunningRelay(relay).pos() as client:
                    client.ehlo_or_helo_if_needed()
                    code, text = client.mail(LOCAL_LOGIN, [f"SIZE={len(big.as_bytes())}"])
                    return code, text
            code, text = await asyncio.to_thread(send)
            assert code == 552, text
            assert small.mailbox == []
        finally:
            await relay.stop(grace=1.0)


async def test_one_upstream_connection_serves_a_burst(relay: RunningRelay,
                                                      upstream: Sandbox) -> None:
    for number in range(5):
        assert await relay.send(invoice(f"Facture {number}")) == {}
    assert len(upstream.mailbox) == 5
    assert len(upstream.logins) == 1  # one login, then RSET between messages


async def test_ten_parallel_pos_with_three_connections_none_lost(
        upstream: Sandbox, tmp_path: Path) -> None:
    limits = RelayLimits(max_connections=3, wait=20.0, idle_timeout=5.0)
    relay = Relay(options(tmp_path, limits=limits), source_for(upstream))
    await relay.start()
    try:
        running = RunningRelay(relay)
        results = await asyncio.gather(*(running.send(invoice(f"Facture {n}"))
                                         for n in range(10)))
        assert results == [{}] * 10
        subjects = sorted(message["Subject"] for message in upstream.mailbox)
        assert subjects == sorted(f"Facture {n}" for n in range(10))
        assert len(upstream.logins) <= 3
        assert upstream.max_concurrent_sessions() <= 3
    finally:
        await relay.stop(grace=2.0)


async def test_starttls_for_pos_software_that_insists_on_encryption(
        upstream: Sandbox, tmp_path: Path) -> None:
    import ssl

    from comelin_tui.jobs.relay_setup import _local_tls_context

    relay = Relay(options(tmp_path, tls_context=_local_tls_context()), source_for(upstream))
    await relay.start()
    try:
        running = RunningRelay(relay)

        def encrypted() -> Any:
            with smtplib.SMTP(running.host, running.port, timeout=10) as client:
                client.ehlo("pos01")
                assert client.has_extn("starttls")
                client.starttls(context=ssl._create_unverified_context())
                client.login(LOCAL_LOGIN, LOCAL_PASSWORD)
                return client.send_message(invoice("Facture TLS"))
        assert await asyncio.get_running_loop().run_in_executor(POS_THREADS, encrypted) == {}
    finally:
        await relay.stop(grace=1.0)
    assert [m["Subject"] for m in upstream.mailbox] == ["Facture TLS"]
