"""The CLI's `check` and the TUI's test screen are two views of one core job (send_test)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from test_app_support import SIZE, assert_no_errors, build, settle

from comelin_tui import cli, paths
from comelin_tui.jobs import send_test as job
from comelin_tui.sandbox import Sandbox
from comelin_tui.screens.test_send import TestSendScreen


def test_the_core_job_imports_no_view() -> None:
    import subprocess
    import sys

    code = ("import sys, comelin_tui.jobs.send_test\n"
            "bad = [m for m in sys.modules if m.split('.')[0] == 'textual'\n"
            "       or m.startswith(('comelin_tui.commands', 'comelin_tui.screens'))]\n"
            "assert not bad, bad\n")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


async def test_cli_and_tui_run_the_same_job(isolated_environment: Path,
                                            monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    calls: list[tuple[str, job.SendTestOptions]] = []
    real = job.send_test

    async def watched(config: Any, config_path: Path, on_step: Any = None,
                      options: job.SendTestOptions | None = None, **extra: Any) -> Any:
        options = options or job.SendTestOptions()
        calls.append((config.smtp.host, options))
        return await real(config, config_path, on_step, options, **extra)

    monkeypatch.setattr(job, "send_test", watched)
    with Sandbox() as sandbox:
        config_path = paths.config_path()
        sandbox.demo_config(config_path)
        sandbox.store_password(config_path, "file")

        assert await _cli(["check", "--json", "--no-probe"]) == 0
        cli_json = json.loads(capsys.readouterr().out)

        app = build(config_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("enter")  # Send a test email
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, TestSendScreen)
            await pilot.press("ctrl+r")
            await settle(pilot)
            assert screen.result is not None and screen.result.status == "ok"
            tui_steps = [(s.id, s.status) for s in screen.result.steps]
            assert_no_errors(app)
        assert len(sandbox.mailbox) == 2

    assert [host for host, _ in calls] == [sandbox.host, sandbox.host]
    assert [(s["id"], s["status"]) for s in cli_json["steps"]] == tui_steps
    records = [json.loads(line) for line in paths.attempt_log_path().read_text().splitlines()]
    assert len(records) == 2
    cli_record, tui_record = records
    assert cli_record.keys() == tui_record.keys()
    for record in records:
        record.pop("time")
        for step in record["steps"]:
            step.pop("duration_ms")
        record.pop("duration_ms")
        assert record.pop("queue_id")  # each message its own
    assert cli_record == tui_record


async def _cli(argv: list[str]) -> int:
    """The command line in a thread: it runs its own event loop, as it does from a shell."""
    import asyncio

    return await asyncio.to_thread(cli.run, argv)
