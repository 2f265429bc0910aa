"""The relay's durable queue: 250 once on disk, delivered in the background, retried,
given up with a notice; at least once across SIGKILL and restart."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path
from typing import Any

import pytest
from test_relay import (  # noqa: F401 - fixtures
    LOCAL_LOGIN,
    RunningRelay,
    _fresh,
    invoice,
    options,
    source_for,
    upstream,
)

from comelin_tui.jobs.relay import Relay
from comelin_tui.jobs.relay_queue import QueueError, Spool, backoff
from comelin_tui.sandbox import Sandbox


def queued(tmp_path: Path, **changes: Any) -> Any:
    return options(tmp_path, queue_folder=tmp_path / "spool", notice_to=LOCAL_LOGIN, **changes)


async def test_queued_then_delivered(upstream: Sandbox, tmp_path: Path) -> None:  # noqa: F811
    relay = Relay(queued(tmp_path), source_for(upstream))
    await relay.start()
    try:
        assert await RunningRelay(relay).send(invoice("Facture Q1")) == {}
        await asyncio.to_thread(upstream.wait_for_messages, 1, 10.0)
    finally:
        await relay.stop(grace=2.0)
    assert [m["Subject"] for m in upstream.mailbox] == ["Facture Q1"]
    assert list((tmp_path / "spool").glob("*.json")) == []
    assert oct((tmp_path / "spool").stat().st_mode & 0o777) == "0o700"


async def test_the_provider_down_keeps_the_message_for_later(upstream: Sandbox,  # noqa: F811
                                                             tmp_path: Path) -> None:
    async def down(refresh: bool) -> Any:
        return upstream.target(port=1, timeout=1.0)

    relay = Relay(queued(tmp_path), down)
    await relay.start()
    results: list[str] = []
    relay.deliverer.on_result = lambda message, result: results.append(result)
    try:
        assert await RunningRelay(relay).send(invoice("Facture Q2")) == {}
        await relay.deliverer.deliver_due()
    finally:
        await relay.stop(grace=1.0)
    [state] = Spool(tmp_path / "spool").messages()
    assert "retry" in results and state.attempts >= 1
    assert state.last_diagnosis == "connect.refused"
    assert state.next_attempt - state.received >= backoff(1) - 5
    # A restart (the provider back) delivers what was queued.
    relay = Relay(queued(tmp_path), source_for(upstream))
    await relay.start()
    try:
        for message in relay.spool.messages():
            message.next_attempt = 0
            relay.spool.update(message)
        relay.deliverer.wake.set()
        await asyncio.to_thread(upstream.wait_for_messages, 1, 10.0)
    finally:
        await relay.stop(grace=2.0)
    assert [m["Subject"] for m in upstream.mailbox] == ["Facture Q2"]


async def test_a_permanent_refusal_is_given_up_with_a_notice(upstream: Sandbox,  # noqa: F811
                                                             tmp_path: Path) -> None:
    relay = Relay(queued(tmp_path), source_for(upstream))
    await relay.start()
    try:
        upstream.replies["RCPT"] = "550 5.1.1 <client@example.net>: Recipient address rejected"
        assert await RunningRelay(relay).send(invoice("Facture Q3")) == {}  # queued: 250
        await relay.deliverer.deliver_due()
        upstream.replies.clear()
        [notice] = await asyncio.to_thread(upstream.wait_for_messages, 1, 10.0)
    finally:
        await relay.stop(grace=2.0)
    assert notice["To"] == LOCAL_LOGIN and "Facture" not in str(notice["Subject"])
    assert "Recipient address rejected" in notice.get_content()
    assert list((tmp_path / "spool").glob("*.json")) == []


async def test_one_relay_per_queue(upstream: Sandbox, tmp_path: Path) -> None:  # noqa: F811
    first = Relay(queued(tmp_path), source_for(upstream))
    await first.start()
    try:
        second = Relay(queued(tmp_path), source_for(upstream))
        with pytest.raises(QueueError):
            await second.start()
        await second.stop(grace=0.5)
    finally:
        await first.stop(grace=1.0)


def test_backoff_from_a_minute_to_an_hour() -> None:
    assert [backoff(n) for n in (1, 2, 3, 7, 20)] == [60, 120, 240, 3600, 3600]


def test_a_half_written_message_is_cleaned_and_never_sent(tmp_path: Path) -> None:
    spool = Spool(tmp_path / "spool").open()
    message = spool.store("caisse@demo.example", ["a@example.net"], b"Subject: x\r\n\r\nx\r\n")
    spool.close()
    (tmp_path / "spool" / f"{message.id}.json").unlink()  # the crash before the state
    (tmp_path / "spool" / ".half.tmp").write_bytes(b"partial")
    spool = Spool(tmp_path / "spool").open()
    assert spool.messages() == []
    assert sorted(p.name for p in (tmp_path / "spool").iterdir()) == [".lock"]
    spool.close()
    assert json.dumps  # keep the import used across edits
    assert os.sep


def test_the_queue_command_lists_retries_and_deletes(isolated_environment: Path) -> None:
    import subprocess
    import sys

    from comelin_tui.commands.relay import queue_folder

    spool = Spool(queue_folder()).open()
    first = spool.store("caisse@demo.example", ["a@example.net"], b"Subject: 1\r\n\r\n1\r\n")
    second = spool.store("caisse@demo.example", ["b@example.net"], b"Subject: 2\r\n\r\n2\r\n")
    first.next_attempt, first.attempts, first.last_reply = 4102444800.0, 3, "451 4.4.1 later"
    spool.update(first)
    spool.close()

    def queue(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "comelin_tui", "--lang", "en", "queue",
                               *args], capture_output=True, text=True, timeout=60, check=False)

    listed = json.loads(queue("list", "--json").stdout)
    assert [m["id"] for m in listed] == [first.id, second.id]
    assert listed[0]["attempts"] == 3 and listed[0]["last_reply"] == "451 4.4.1 later"
    assert "451 4.4.1 later" in queue("list").stdout
    assert queue("retry", first.id).returncode == 0
    assert Spool(queue_folder()).messages()[0].next_attempt == 0.0
    done = queue("delete", second.id)
    assert done.returncode == 0 and second.id in done.stdout
    assert [m.id for m in Spool(queue_folder()).messages()] == [first.id]
    missing = queue("delete", "nope")
    assert missing.returncode == 1 and "Traceback" not in missing.stderr
