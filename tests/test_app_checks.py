"""The test send screen beyond the SMTP steps: the domain's DNS records (advisory) and a
diagnosis that follows a language switch."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from dns_server import DnsServer, dns_server_fixture  # noqa: F401
from test_app_support import SIZE, assert_no_errors, build, settle, texts

from comelin_tui.cli import build_parser
from comelin_tui.cli import run as cli_run
from comelin_tui.commands.wizard import build_app
from comelin_tui.config import save_config
from comelin_tui.i18n import t
from comelin_tui.sandbox import Sandbox
from comelin_tui.screens.test_send import TestSendScreen
from comelin_tui.secrets import SMTP_PASSWORD, FileSecretStore, secret_file_path


def saved(tmp_path: Path, sandbox: Sandbox, *, password: str, provider: str = "custom") -> Path:
    config_path = tmp_path / "config.toml"
    config = sandbox.demo_config()
    config.provider = provider
    save_config(config, config_path)
    FileSecretStore(secret_file_path(config_path)).set(SMTP_PASSWORD, password)
    return config_path


async def run_test_send(pilot) -> TestSendScreen:
    """Home > "Send a test email" > Ctrl+R, until everything is done."""
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, TestSendScreen)
    await pilot.press("ctrl+r")
    await settle(pilot)
    return screen


async def test_the_domain_records_follow_the_send(tmp_path: Path,
                                                  dns_server: DnsServer) -> None:
    # A Google Workspace domain with MX, SPF and DKIM, but no DMARC record.
    with Sandbox(username="ventes@nodmarc.test") as sandbox:
        config_path = saved(tmp_path, sandbox, password=sandbox.password,
                            provider="google-workspace")
        app = build(config_path, dns_server=dns_server.address, dns_checks=True)
        async with app.run_test(size=SIZE) as pilot:
            screen = await run_test_send(pilot)
            result = screen.result
            assert len(sandbox.mailbox) == 1
            statuses = {step.id: step.status for step in result.steps}
            assert (statuses["mx"], statuses["spf"], statuses["dkim"]) == ("ok", "ok", "ok")
            assert statuses["dmarc"] == "warn"  # advisory: a warning, never a failure
            assert result.status == "warn"
            shown = texts(pilot)
            assert "The domain's DNS records" in shown
            assert "PASSED with a warning" in shown
            dmarc = result.step("dmarc")
            assert f"What to do: {dmarc.diagnosis.hint}" in shown
            rows = [row.text for row in screen.query(".step-row")]
            # After the SMTP steps, in order, each with its status and detail.
            for row, name in zip(rows[-4:], ("MX", "SPF", "DKIM", "DMARC"), strict=True):
                assert name in row, rows
            assert rows[-1].startswith("[warn] DMARC") and "_dmarc.nodmarc.test" in rows[-1]
            await pilot.press("f2")  # the advice follows the language too
            await settle(pilot)
            french = t("discovery.dns_dmarc_missing.hint", "fr", domain="nodmarc.test")
            assert f"Quoi faire\u00a0: {french}" in texts(pilot)
            asked = {name for name, _type in dns_server.queries}
            assert "_dmarc.nodmarc.test." in asked or "_dmarc.nodmarc.test" in asked
            assert_no_errors(app)


async def test_no_dns_checks_for_a_special_use_domain_without_a_dns_server(
        tmp_path: Path) -> None:
    with Sandbox() as sandbox:  # caisse@demo.example
        config_path = saved(tmp_path, sandbox, password=sandbox.password)
        app = build(config_path, dns_server=None, dns_checks=True)
        async with app.run_test(size=SIZE) as pilot:
            screen = await run_test_send(pilot)
            assert screen.result.status == "ok"
            assert screen.result.step("mx") is None
            assert not screen.query_one("#dns-rows").display
            assert_no_errors(app)


async def test_a_diagnosis_is_redrawn_in_the_other_language(tmp_path: Path) -> None:
    with Sandbox() as sandbox:
        config_path = saved(tmp_path, sandbox, password="not-the-password")
        app = build(config_path)
        async with app.run_test(size=SIZE) as pilot:
            screen = await run_test_send(pilot)
            assert screen.result.diagnosis.code == "auth.invalid_credentials"
            english = texts(pilot)
            assert "The server rejected the username or password" in english
            assert "What to do: Enter the password again" in english
            await pilot.press("f2")
            await settle(pilot)
            french = texts(pilot)
            assert "Le serveur a refusé le nom d'utilisateur ou le mot de passe" in french
            assert sandbox.username in french
            assert "Quoi faire\u00a0: Entrez de nouveau le mot de passe" in french
            assert "ÉCHEC à l'étape" in french
            await pilot.press("f2")
            await settle(pilot)
            assert texts(pilot) == english
            assert_no_errors(app)


async def test_the_wizard_command_line_names_the_dns_server_or_skips_the_checks(
        tmp_path: Path, dns_server: DnsServer) -> None:
    """`comelin-tui --dns-server IP:PORT --no-dns-checks`: the test send asks no DNS record."""
    with Sandbox(username="ventes@nodmarc.test") as sandbox:
        config_path = saved(tmp_path, sandbox, password=sandbox.password,
                            provider="google-workspace")
        args = build_parser().parse_args(["--config", str(config_path), "--dns-server",
                                          dns_server.address, "--no-dns-checks"])
        app = build_app(args)
        assert (app.dns_server, app.dns_checks) == (dns_server.address, False)
        asked_before = len(dns_server.queries)  # the server is shared by this module
        async with app.run_test(size=SIZE) as pilot:
            screen = await run_test_send(pilot)
            assert screen.result.status == "ok"
            assert screen.result.step("mx") is None
            assert not screen.query_one("#dns-rows").display
            assert len(dns_server.queries) == asked_before
            # Outside the screenshots, each step shows its real time.
            rows = [row.text for row in screen.query(".step-row")]
            assert rows and all(re.search(r" \d+ ms ", row) for row in rows), rows
            assert_no_errors(app)
        # Without --no-dns-checks, the named server is the one asked.
        app = build_app(build_parser().parse_args(["--config", str(config_path),
                                                   "--dns-server", dns_server.address]))
        assert (app.dns_server, app.dns_checks) == (dns_server.address, True)


def test_a_bad_dns_server_is_refused_before_the_wizard_starts(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_run(["--lang", "en", "--dns-server", "dns.example"]) == 3
    assert "DNS server" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exited:  # a command's options go after its name
        cli_run(["--lang", "en", "--no-dns-checks", "check"])
    assert exited.value.code == 2
    assert "--no-dns-checks is for the wizard only" in capsys.readouterr().err


async def test_after_a_failure_the_verdict_comes_first_and_the_dns_advice_is_folded(
        tmp_path: Path, dns_server: DnsServer) -> None:
    with Sandbox(username="ventes@nodmarc.test") as sandbox:
        config_path = saved(tmp_path, sandbox, password="not-the-password",
                            provider="google-workspace")
        app = build(config_path, dns_server=dns_server.address, dns_checks=True)
        async with app.run_test(size=SIZE) as pilot:
            screen = await run_test_send(pilot)
            assert screen.result.status == "fail"
            assert screen.result.step("dmarc") is not None  # the checks ran...
            checks = screen.query_one("#dns-checks")
            assert not checks.display  # ...and are folded under the verdict
            body = list(screen.query_one("#test-body").children)
            order = [w.id for w in body]
            assert order.index("diagnosis") < order.index("apply-fix") < order.index("dns-rows")
            outcome = screen.query_one("#outcome")
            assert outcome.region.height and screen.query_one("#test-body").region.contains_region(
                outcome.region), "the verdict is on screen"
            toggle = screen.query_one("#toggle-dns")
            assert toggle.display and "Show the DNS advice" in str(toggle.label)
            toggle.focus()
            await pilot.press("enter")
            await settle(pilot)
            assert checks.display and "Fold the DNS advice" in str(toggle.label)
            await pilot.press("f2")
            await settle(pilot)
            assert "Replier les conseils DNS" in str(toggle.label)
            assert_no_errors(app)
