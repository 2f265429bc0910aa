"""One-key fixes and slow servers: what the run proved can be changed is offered as one
action (TUI: Ctrl+F; CLI: a command that works when pasted), and a late greeting is a
slow server with a longer timeout as its fix. Each case against a real loopback server."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hostile_servers import RawServer, late_greeting, silent
from smtp_servers import (  # noqa: F401 - fixtures
    PASSWORD,
    USERNAME,
    Certificates,
    ScriptedServer,
    certs_fixture,
    fresh_servers,
    make_target,
    reset_used_servers,
    starttls_server_fixture,
)
from test_app_support import SIZE, build, settle, texts

from comelin_tui.diagnostics.engine import run_check
from comelin_tui.diagnostics.fixes import cert_name, longer_timeout
from comelin_tui.diagnostics.model import Step, Target
from comelin_tui.diagnostics.render import format_step
from comelin_tui.labels import duration

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

OTHER_SENDER = "factures@example.com"  # not the login: a send-as refusal


def comelin(*args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "comelin_tui", "--lang", "en", *args],
                          input=input, capture_output=True, text=True, timeout=60,
                          check=False, env=dict(os.environ))


def try_line(stdout: str) -> list[str]:
    [line] = [li for li in stdout.splitlines() if li.startswith("To try it: ")]
    return shlex.split(line.removeprefix("To try it: "))


# -- a late greeting ----------------------------------------------------------------------

def slow_target(server: RawServer, timeout: float) -> Target:
    return Target(host="127.0.0.1", port=server.port, security="none", auth="none",
                  from_address="caisse@shop.test", to_address="compta@example.org",
                  timeout=timeout, language="en")


async def test_a_late_greeting_is_a_slow_server_and_the_fix_is_a_longer_timeout() -> None:
    # Listened for half a timeout more (no other port to try here): 2 s to 3 s.
    server = RawServer(late_greeting(2.5)).start()
    try:
        result = await run_check(slow_target(server, 2.0), candidates=[])
    finally:
        server.stop()
    banner = result.step("banner")
    assert banner is not None and banner.status == "fail"
    assert result.diagnosis is not None and result.diagnosis.code == "smtp.greeting_slow"
    assert 2.0 < banner.facts["late_greeting_s"] < 3.0
    assert "slow, not down" in result.diagnosis.summary
    assert "Server > Advanced > Timeout" in result.diagnosis.hint
    assert "The greeting came after " in banner.detail and "(timeout: 2 s)" in banner.detail
    assert result.fix is not None and result.fix.kind == "settings"
    assert dict(result.fix.changes) == {"smtp.timeout": 5}
    assert result.to_json()["fix"]["changes"] == {"smtp.timeout": 5}
    assert result.suggestion is None


async def test_no_greeting_at_all_is_still_a_greeting_timeout() -> None:
    server = RawServer(silent).start()
    try:
        result = await run_check(slow_target(server, 0.6), candidates=[])
    finally:
        server.stop()
    assert result.diagnosis is not None and result.diagnosis.code == "smtp.banner_timeout"
    assert result.fix is None


def test_the_cli_offers_the_longer_timeout_and_the_pasted_line_passes() -> None:
    server = RawServer(late_greeting(2.5)).start()
    try:
        flags = ["--host", "127.0.0.1", "--port", str(server.port), "--security", "none",
                 "--auth", "none", "--from", "caisse@shop.test", "--to", "compta@example.org",
                 "--timeout", "2", "--no-dns-checks"]
        done = comelin("check", *flags)
        assert done.returncode == 2, done.stdout + done.stderr
        assert "smtp.greeting_slow" in done.stdout
        assert "Fix: Timeout = 5 s" in done.stdout
        command = try_line(done.stdout)
        assert command[command.index("--timeout") + 1] == "5"
        assert command.count("--timeout") == 1 and "--port" in command
        again = comelin(*command[1:])
        assert again.returncode == 0, again.stdout + again.stderr
    finally:
        server.stop()
    assert b"queued" not in server.received and b"Subject:" in server.received


def test_a_timeout_half_as_long_again_rounded_up_to_five_seconds() -> None:
    assert longer_timeout(1.6) == 5
    assert longer_timeout(16.0) == 25
    assert longer_timeout(50.0) == 60
    assert longer_timeout(75.0) is None


# -- send-as, certificate name, Microsoft sign-in -----------------------------------------

async def test_a_send_as_refusal_offers_the_login_as_sender(starttls_server: ScriptedServer,
                                                            certs: Certificates) -> None:
    starttls_server.scripted.send_as_only = True
    result = await run_check(make_target(starttls_server, certs, from_address=OTHER_SENDER))
    assert result.diagnosis is not None and result.diagnosis.code == "sender.send_as_denied"
    assert result.fix is not None and dict(result.fix.changes) == {
        "smtp.from_address": USERNAME}
    assert USERNAME in result.fix.reason and OTHER_SENDER in result.fix.reason
    # The fix, applied, passes.
    fixed = await run_check(make_target(starttls_server, certs, from_address=USERNAME))
    assert fixed.status == "ok" and len(starttls_server.scripted.messages) == 1


async def test_a_name_mismatch_offers_the_name_on_the_certificate(
        starttls_server: ScriptedServer, certs: Certificates) -> None:
    starttls_server.tls.current = "wrong_name"  # issued for mail.example.net only
    result = await run_check(make_target(starttls_server, certs))
    assert result.diagnosis is not None and result.diagnosis.code == "tls.hostname_mismatch"
    assert result.fix is not None and dict(result.fix.changes) == {
        "smtp.host": "mail.example.net"}


async def test_an_untrusted_certificate_offers_no_host_change(
        starttls_server: ScriptedServer, certs: Certificates) -> None:
    starttls_server.tls.current = "untrusted"
    result = await run_check(make_target(starttls_server, certs))
    assert result.diagnosis is not None and result.diagnosis.code == "tls.untrusted"
    assert result.fix is None


def test_only_one_plain_name_on_a_certificate_is_offered() -> None:
    assert cert_name({"sans": ["mail.example.net"]}) == "mail.example.net"
    assert cert_name({"sans": ["*.example.net"]}) is None
    assert cert_name({"sans": ["*.example.net", "192.0.2.1", "smtp.example.net"]}) == (
        "smtp.example.net")
    assert cert_name({"sans": ["a.example.net", "b.example.net"]}) is None


async def test_retired_basic_auth_offers_microsoft_sign_in(
        starttls_server: ScriptedServer, certs: Certificates) -> None:
    starttls_server.scripted.reply_to_auth = (
        "535 5.7.139 Authentication unsuccessful, basic authentication is disabled.")
    result = await run_check(make_target(starttls_server, certs, provider_id="microsoft365"))
    assert result.diagnosis is not None
    assert result.diagnosis.code == "auth.basic_auth_retired", result.diagnosis
    assert result.fix is not None and result.fix.kind == "microsoft_signin"
    assert dict(result.fix.changes) == {"smtp.auth": "oauth2"}


# -- live time and durations --------------------------------------------------------------

def test_durations_over_a_second_read_in_seconds() -> None:
    assert duration(850, "en") == "850 ms"
    assert duration(1500, "en") == "1.5 s"
    assert duration(1500, "fr") == "1,5 s"
    assert duration(12_300, "en") == "12 s"


def test_a_waiting_step_shows_its_time_against_the_limit() -> None:
    line = format_step(Step("banner", detail="waiting"), "en", waited=(7.4, 15.0))
    assert "7 s / 15 s" in line and line.endswith("waiting")
    assert "s / " not in format_step(Step("banner"), "en", waited=(0.4, 15.0))


# -- the TUI ------------------------------------------------------------------------------

def save_settings(tmp_path: Path, server: ScriptedServer | RawServer, certs: Certificates,
                  **smtp: Any) -> Path:
    from comelin_tui.config import CompanySettings, Config, SmtpSettings, save_config
    from comelin_tui.secrets import SMTP_PASSWORD, FileSecretStore, secret_file_path

    provider = smtp.pop("provider", "custom")
    values: dict[str, Any] = {"host": "127.0.0.1", "port": server.port,
                              "security": "starttls", "username": USERNAME,
                              "from_address": USERNAME, "ca_file": certs.ca_file,
                              "timeout": 3.0}
    values.update(smtp)
    config = Config(provider=provider,
                    company=CompanySettings(name="Boutique", email="compta@example.org"),
                    smtp=SmtpSettings(**values), secret_backend="file")
    path = tmp_path / "config.toml"
    save_config(config, path)
    FileSecretStore(secret_file_path(path)).set(SMTP_PASSWORD, PASSWORD)
    return path


async def run_from_dashboard(pilot: Any) -> Any:
    from comelin_tui.screens.test_send import TestSendScreen

    await settle(pilot)
    await pilot.press("enter")  # "Send a test email"
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, TestSendScreen)
    await pilot.press("ctrl+r")
    await settle(pilot)
    return screen


async def test_ctrl_f_sets_the_login_as_sender_and_the_test_passes(
        tmp_path: Path, starttls_server: ScriptedServer, certs: Certificates) -> None:
    from comelin_tui.config import load_config

    starttls_server.scripted.send_as_only = True
    path = save_settings(tmp_path, starttls_server, certs, from_address=OTHER_SENDER)
    app = build(path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await run_from_dashboard(pilot)
        assert screen.result.diagnosis.code == "sender.send_as_denied"
        shown = texts(pilot)
        assert "Suggested fix: Sender = the signed-in account" in shown
        assert screen.query_one("#apply-fix").display
        await pilot.press("ctrl+f")
        await settle(pilot)
        assert screen.result.status == "ok", texts(pilot)
    assert load_config(path).smtp.from_address == USERNAME
    assert len(starttls_server.scripted.messages) == 1


async def test_ctrl_f_for_retired_basic_auth_opens_microsoft_sign_in_and_saves_nothing(
        tmp_path: Path, starttls_server: ScriptedServer, certs: Certificates) -> None:
    from comelin_tui.screens.wizard import WizardScreen

    starttls_server.scripted.reply_to_auth = (
        "535 5.7.139 Authentication unsuccessful, basic authentication is disabled.")
    path = save_settings(tmp_path, starttls_server, certs, provider="microsoft365")
    before = path.read_text()
    app = build(path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await run_from_dashboard(pilot)
        assert screen.result.fix is not None and screen.result.fix.kind == "microsoft_signin"
        assert "Ctrl+F opens Microsoft sign-in" in texts(pilot)
        await pilot.press("ctrl+f")
        await settle(pilot)
        wizard = app.screen
        assert isinstance(wizard, WizardScreen)
        assert wizard.current == "credentials"
        assert wizard.draft.smtp.auth == "oauth2"
    assert path.read_text() == before


async def test_a_waiting_step_counts_the_seconds_on_screen(tmp_path: Path,
                                                           certs: Certificates) -> None:
    server = RawServer(silent).start()
    try:
        path = save_settings(tmp_path, server, certs, security="none", auth="none",
                             timeout=2.0)
        app = build(path)
        async with app.run_test(size=SIZE) as pilot:
            from comelin_tui.screens.test_send import TestSendScreen

            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, TestSendScreen)
            await pilot.press("ctrl+r")
            seen = ""
            for _ in range(50):  # the spinner redraws the row; wait for the count to show
                await pilot.pause(0.1)
                seen = texts(pilot)
                if "1 s / 2 s" in seen:
                    break
            assert "1 s / 2 s" in seen, seen
            await pilot.press("escape")  # cancel the run
            await settle(pilot)
    finally:
        server.stop()
