"""``comelin-tui check`` adds the advisory DNS steps after the send (real DNS + SMTP on loopback)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from dns_server import DnsServer, dns_server_fixture  # noqa: F401

from comelin_tui import cli, paths
from comelin_tui.config import save_config, with_changes
from comelin_tui.discovery.domains import is_reserved
from comelin_tui.sandbox import Sandbox


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(username="ventes@gshop.test") as server:
        yield server


@pytest.fixture
def saved(sandbox: Sandbox, isolated_environment: Path) -> Path:
    config_path = paths.config_path()
    config = sandbox.demo_config()
    config = with_changes(config, {
        "provider": "google-workspace",
        "company.email": "ventes@gshop.test",
        "smtp.from_address": "ventes@gshop.test",
    })
    save_config(config, config_path)
    sandbox.store_password(config_path, "file")
    return config_path


def test_dns_steps_follow_the_send(saved: Path, dns_server: DnsServer,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.run(["check", "--json", "--no-probe", "--dns-server", dns_server.address])
    data = json.loads(capsys.readouterr().out)
    ids = [step["id"] for step in data["steps"]]
    assert ids[-4:] == ["mx", "spf", "dkim", "dmarc"]
    assert ids.index("data") < ids.index("mx")
    dns_statuses = {step["status"] for step in data["steps"][-4:]}
    assert dns_statuses <= {"ok", "warn", "skipped"}  # advisory: never a failure
    assert code == {"ok": 0, "warn": 1}[data["status"]]


def test_no_dns_checks_skips_them(saved: Path, dns_server: DnsServer,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.run(["check", "--json", "--no-probe", "--no-dns-checks",
                    "--dns-server", dns_server.address])
    data = json.loads(capsys.readouterr().out)
    assert code == 0
    assert [s["id"] for s in data["steps"]][-1] == "quit"


def test_reserved_domains_are_not_asked_of_the_system_resolver() -> None:
    assert is_reserved("demo.example") and is_reserved("example.com")
    assert is_reserved("shop.test") and is_reserved("")
    assert not is_reserved("epicerie-tremblay.ca")
    assert not is_reserved("notexample.com")


def test_bad_dns_server_is_refused_before_the_send(saved: Path, sandbox: Sandbox,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """Exit 3 means the run could not start: nothing may have been sent."""
    sandbox.clear()
    code = cli.run(["check", "--json", "--no-probe", "--dns-server", "not-an-address"])
    captured = capsys.readouterr()
    assert code == 3
    data = json.loads(captured.out)
    assert data["status"] == "unknown" and data["steps"] == []
    assert "DNS" in captured.err
    assert sandbox.mailbox == []
