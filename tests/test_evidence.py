"""The evidence under a diagnosis, in `comelin-tui check` and on the test screen, against
real loopback servers: the server's whole reply (wrapped at 80 columns, never cut), the
certificate it presented (and which CA file it was checked against), and every port the
probe tried with its result."""

from __future__ import annotations

import hashlib
import json
import smtplib
import ssl
from pathlib import Path
from typing import Any

import pytest
import trustme
from language_check import assert_one_language, drawn_text
from test_app_support import SIZE, build, settle
from textual.geometry import Region

from comelin_tui import cli, paths
from comelin_tui.config import save_config
from comelin_tui.diagnostics.evidence_text import certificate_lines
from comelin_tui.diagnostics.model import RunResult
from comelin_tui.sandbox import Sandbox
from comelin_tui.screens.test_send import TestSendScreen
from comelin_tui.secrets import SMTP_PASSWORD, FileSecretStore, secret_file_path
from comelin_tui.widgets import Tr

WIDTH = 80
# A refusal as long-winded as real ones: three lines, two of them past 80 columns, one
# word (the address of a help page) longer than a whole line.
REPLY = (
    "550-5.7.1 The recipient address <compta@fournisseur.example> was refused by the local "
    "policy of this server, because the domain is not hosted here\r\n"
    "550-5.7.1 Details: https://support.example.net/articles/why-was-my-recipient-refused-"
    "by-the-server-and-what-to-do\r\n"
    "550 5.7.1 Contact postmaster@example.net"
)
REPLY_LINES = REPLY.split("\r\n")
# A loopback address of these tests' own: the probe's usual ports (587, 465, 25, 2525)
# answer nothing there, whatever else runs on 127.0.0.1.
PROBE_HOST = "127.0.9.7"


def squeezed(text: str) -> str:
    """*text* without any whitespace: what wrapping may change, nothing else."""
    return "".join(text.split())


def save(sandbox: Sandbox, config_path: Path, **smtp: object) -> Path:
    """The sandbox's settings (changed by *smtp*), the password in the protected file."""
    config = sandbox.demo_config()
    for name, value in smtp.items():
        setattr(config.smtp, name, value)
    save_config(config, config_path)
    FileSecretStore(secret_file_path(config_path)).set(SMTP_PASSWORD, sandbox.password)
    return config_path


def check(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = cli.run(["--lang", "en", "check", "--no-dns-checks", *args])
    return code, capsys.readouterr().out


def section(out: str, title: str) -> list[str]:
    """The lines of the CLI section starting with *title*: the title and its indented lines."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(title))
    block = [lines[start]]
    for line in lines[start + 1:]:
        if not line.startswith("  "):
            break
        block.append(line)
    return block


def peer_certificate(sandbox: Sandbox) -> bytes:
    """The sandbox's certificate, fetched on a connection of this test's own."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with smtplib.SMTP(sandbox.host, sandbox.port, timeout=5) as client:
        client.starttls(context=context)
        sock: Any = client.sock
        der: bytes = sock.getpeercert(binary_form=True)
    return der


def colon_hex(der: bytes) -> str:
    digest = hashlib.sha256(der).hexdigest().upper()
    return ":".join(digest[i:i + 2] for i in range(0, 64, 2))


def other_ca_file(folder: Path) -> Path:
    """A CA file that is real and readable, but not the one that signed the server's cert."""
    path = folder / "other-ca.pem"
    trustme.CA(organization_name="Another CA").cert_pem.write_to_path(str(path))
    return path


def rendered(widget: Tr) -> str:
    """Every line the widget draws at its width (below the fold too)."""
    width, height = widget.outer_size  # the lines come with the widget's padding
    return "\n".join(strip.text for strip in widget.render_lines(Region(0, 0, width, height)))


async def run_test_screen(pilot: Any) -> tuple[TestSendScreen, RunResult]:
    """Dashboard -> "Send a test email" -> Ctrl+R, to the end of the run."""
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, TestSendScreen)
    await pilot.press("ctrl+r")
    await settle(pilot)
    assert screen.result is not None
    return screen, screen.result


def code(result: RunResult) -> str:
    assert result.diagnosis is not None
    return result.diagnosis.code


def assert_whole_and_within(widget: Tr, lines: list[str], app: Any) -> None:
    """Every character of *lines* is drawn by *widget*, which fits the 80-column screen."""
    drawn = squeezed(rendered(widget))
    for line in lines:
        assert squeezed(line) in drawn, f"cut: {line!r}\n{rendered(widget)}"
    width = widget.size.width
    assert widget.size.height >= sum(-(-len(line) // width) for line in lines)
    assert widget.region.right <= app.size.width


# -- the server's reply -------------------------------------------------------------------


def test_cli_shows_a_long_multiline_reply_whole_wrapped_to_the_terminal(
        isolated_environment: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", str(WIDTH))
    with Sandbox(replies={"RCPT": REPLY}) as sandbox:
        save(sandbox, paths.config_path())
        code, out = check(capsys, "--no-probe")
        assert code == 2
        block = section(out, "The server's reply at the step \"Recipient (RCPT TO)\":")
        assert all(len(line) < WIDTH for line in block), block
        assert len(block) > len(REPLY_LINES) + 1  # wrapped, not cut
        # Each line of the reply, in order, every character of it.
        body = squeezed("\n".join(block[1:]))
        positions = [body.index(squeezed(line)) for line in REPLY_LINES]
        assert positions == sorted(positions)
        # One reply line starts each group (its code first), wrapped ones are indented more.
        starts = [line for line in block[1:] if not line.startswith("    ")]
        assert [line.split()[0] for line in starts] == ["550-5.7.1", "550-5.7.1", "550"]

        # The JSON keeps it too, as the server wrote it (an added field of the step).
        code, out = check(capsys, "--no-probe", "--json")
        rcpt = next(s for s in json.loads(out)["steps"] if s["id"] == "rcpt_to")
        assert rcpt["facts"]["reply"] == REPLY_LINES


def test_a_reply_echoing_the_password_shows_it_masked(
        isolated_environment: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with Sandbox() as sandbox:
        sandbox.replies["RCPT"] = f"550-5.7.1 You logged in with {sandbox.password}\r\n550 no"
        save(sandbox, paths.config_path())
        for args in (("--no-probe",), ("--no-probe", "--json")):
            code, out = check(capsys, *args)
            assert code == 2
            assert sandbox.password not in out
            assert "You logged in with ********" in out


async def test_a_reply_echoing_the_password_shows_it_masked_on_the_test_screen(
        tmp_path: Path) -> None:
    with Sandbox() as sandbox:
        sandbox.replies["RCPT"] = f"550-5.7.1 You logged in with {sandbox.password}\r\n550 no"
        app = build(save(sandbox, tmp_path / "config.toml"))
        async with app.run_test(size=SIZE) as pilot:
            screen, _result = await run_test_screen(pilot)
            reply = screen.query_one("#evidence-reply", Tr)
            assert reply.text.splitlines() == ["550-5.7.1 You logged in with ********", "550 no"]
            assert all(sandbox.password not in widget.text for widget in screen.query(Tr))


async def test_test_screen_shows_the_whole_reply_under_the_diagnosis(tmp_path: Path) -> None:
    with Sandbox(replies={"RCPT": REPLY}) as sandbox:
        app = build(save(sandbox, tmp_path / "config.toml"))
        async with app.run_test(size=SIZE) as pilot:
            screen, result = await run_test_screen(pilot)
            assert result.diagnosis is not None
            reply = screen.query_one("#evidence-reply", Tr)
            assert reply.text == "\n".join(REPLY_LINES)
            title = screen.query_one("#evidence-reply-title", Tr)
            assert title.text == "The server's reply at the step \"Recipient (RCPT TO)\":"
            assert_whole_and_within(reply, REPLY_LINES, app)
            # Under the diagnosis, and the pane scrolls down to it.
            assert reply.region.y > screen.query_one("#diagnosis").region.y or \
                not reply.region
            reply.scroll_visible(animate=False, immediate=True)
            await pilot.pause()
            assert "550 5.7.1 Contact postmaster@example.net" in drawn_text(app)


# -- the certificate --------------------------------------------------------------------


def test_cli_shows_an_untrusted_certificate_and_the_ca_file_it_was_checked_against(
        isolated_environment: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("COLUMNS", str(WIDTH))
    other = other_ca_file(tmp_path)
    with Sandbox() as sandbox:
        save(sandbox, paths.config_path())
        der = peer_certificate(sandbox)
        code, out = check(capsys, "--ca-file", str(other))
        assert code == 2
        assert "Diagnosis [tls.untrusted]" in out
        block = section(out, "Certificate presented by the server (step \"STARTTLS\"):")
        assert all(len(line) < WIDTH for line in block), block
        text = squeezed("\n".join(block))
        assert squeezed("Subject: OU=Testing cert #") in text
        assert squeezed("Names: localhost, 127.0.0.1") in text
        assert squeezed("O=Comelin sandbox CA") in text  # the issuer
        assert squeezed("Valid from 2000-01-01 00:00 UTC to 3000-01-01 00:00 UTC") in text
        assert squeezed(f"SHA-256 fingerprint: {colon_hex(der)}") in text
        assert squeezed(f"CA file used: {other}") in text
        assert squeezed("Verification: failed (") in text
        assert "Trusted authorities" not in out


def test_cli_says_the_system_store_alone_was_used_without_a_ca_file(
        isolated_environment: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with Sandbox() as sandbox:
        save(sandbox, paths.config_path(), ca_file=None)
        code, out = check(capsys)
        assert code == 2
        assert "Diagnosis [tls.untrusted]" in out
        assert "  Trusted authorities: the system's (no CA file)" in out
        assert "CA file used" not in out
        code, out = check(capsys, "--json")
        starttls = next(s for s in json.loads(out)["steps"] if s["id"] == "starttls")
        assert starttls["facts"]["ca_file"] is None


def test_cli_shows_a_name_mismatch_with_the_names_the_certificate_has(
        isolated_environment: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with Sandbox(cert_identities=("mail.wrong-name.example",)) as sandbox:
        save(sandbox, paths.config_path())
        code, out = check(capsys)
        assert code == 2
        assert "Diagnosis [tls.hostname_mismatch]" in out
        text = squeezed(out)
        assert squeezed("Names: mail.wrong-name.example") in text
        assert squeezed(f"CA file used: {sandbox.ca_file}") in text
        assert squeezed("Verification: failed (") in text
        assert squeezed(colon_hex(peer_certificate(sandbox))) in text
        code, out = check(capsys, "--json")
        starttls = next(s for s in json.loads(out)["steps"] if s["id"] == "starttls")
        assert starttls["facts"]["ca_file"] == str(sandbox.ca_file)


async def test_test_screen_shows_a_name_mismatch_in_both_languages(tmp_path: Path) -> None:
    with Sandbox(cert_identities=("mail.wrong-name.example",)) as sandbox:
        app = build(save(sandbox, tmp_path / "config.toml"))
        async with app.run_test(size=SIZE) as pilot:
            screen, result = await run_test_screen(pilot)
            assert code(result) == "tls.hostname_mismatch"
            certificate = screen.query_one("#evidence-certificate", Tr)
            lines = certificate.text.splitlines()
            assert "Names: mail.wrong-name.example" in lines
            assert f"CA file used: {sandbox.ca_file} (as well as the system's authorities)" \
                in lines
            assert any(line.startswith("SHA-256 fingerprint: ") for line in lines)
            assert lines[-1].startswith("Verification: failed (")
            assert_whole_and_within(certificate, lines, app)
            # F2: the same evidence, in French; OpenSSL's reason and the names stay as they are.
            starttls = result.step("starttls")
            assert starttls is not None
            facts = starttls.facts
            allowed = (str(facts["verify_error"]), str(facts["subject"]), str(facts["issuer"]),
                       str(sandbox.ca_file), str(app.config_path), sandbox.username,
                       "mail.wrong-name.example", code(result),
                       *[line for line in result.transcript if line.startswith("<- ")])
            await pilot.press("f2")
            await settle(pilot)
            assert app.language == "fr"
            french = certificate.text.splitlines()
            assert f"Fichier d'AC utilisé\u00a0: {sandbox.ca_file} (en plus des autorités du " \
                   "système)" in french
            assert french[-1].startswith("Vérification\u00a0: échec (")
            assert screen.query_one("#evidence-certificate-title", Tr).text.startswith(
                "Certificat présenté par le serveur")
            assert_one_language(app, "fr", allowed, "name mismatch")


async def test_test_screen_shows_the_certificate_of_a_passed_run(tmp_path: Path) -> None:
    with Sandbox() as sandbox:
        app = build(save(sandbox, tmp_path / "config.toml"))
        async with app.run_test(size=SIZE) as pilot:
            screen, result = await run_test_screen(pilot)
            assert result.status == "ok"
            lines = screen.query_one("#evidence-certificate", Tr).text.splitlines()
            fingerprint = colon_hex(peer_certificate(sandbox))
            assert f"SHA-256 fingerprint: {fingerprint}" in lines
            assert lines[-1] == "Verification: passed"
            # The verdict stays in view after the run, the evidence under it.
            outcome = screen.query_one("#outcome")
            assert outcome.region and outcome.region.y >= 1
            assert not screen.query_one("#evidence-reply", Tr).display


def test_cli_shows_an_expired_certificate_with_its_dates(
        isolated_environment: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with Sandbox(cert_expired=True) as sandbox:
        save(sandbox, paths.config_path())
        code, out = check(capsys)
        assert code == 2
        assert "Diagnosis [tls.expired]" in out
        block = squeezed("\n".join(section(out, "Certificate presented by the server")))
        assert squeezed("UTC (expired by this computer's clock)") in block
        assert squeezed(f"CA file used: {sandbox.ca_file}") in squeezed(out)
        assert squeezed(colon_hex(peer_certificate(sandbox))) in squeezed(out)


def test_certificate_lines_say_when_the_clock_disagrees() -> None:
    from datetime import UTC, datetime

    facts = {"subject": "CN=mail.example.net", "issuer": "CN=R11,O=Let's Encrypt,C=US",
             "not_before": "2026-01-01T00:00:00+00:00", "not_after": "2026-04-01T00:00:00+00:00",
             "fingerprint_sha256": "AB:CD", "verified": False, "ca_file": None,
             "verify_error": "certificate has expired"}
    later = certificate_lines(facts, "en", now=datetime(2026, 5, 1, tzinfo=UTC))
    assert "Valid from 2026-01-01 00:00 UTC to 2026-04-01 00:00 UTC (expired by this " \
           "computer's clock)" in later
    assert "Verification: failed (certificate has expired)" in later
    sooner = certificate_lines(facts, "fr", now=datetime(2025, 5, 1, tzinfo=UTC))
    assert any("pas encore valide" in line for line in sooner)


# -- the probe ----------------------------------------------------------------------------


def probe_lines(out: str) -> list[str]:
    return section(out, "Other ports and encryption modes tried:")[1:]


def test_cli_lists_every_probed_port_with_its_result(
        isolated_environment: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with Sandbox(host=PROBE_HOST, cert_identities=(PROBE_HOST,)) as sandbox:
        # Implicit TLS on a port that speaks STARTTLS: the probe finds out which works.
        save(sandbox, paths.config_path(), security="implicit_tls")
        code, out = check(capsys)
        assert code == 2
        assert "Diagnosis [tls.wrong_mode]" in out
        lines = probe_lines(out)
        candidates = [f"port {sandbox.port}, STARTTLS:", "port 587, STARTTLS:",
                      "port 465, implicit SSL/TLS:", "port 25, STARTTLS:",
                      "port 2525, STARTTLS:"]
        assert [line.strip().split(": ")[0] + ":" for line in lines] == candidates
        assert lines[0] == (f"  port {sandbox.port}, STARTTLS: works (tested: STARTTLS, "
                            "AUTH LOGIN PLAIN offered)")
        for line in lines[1:]:
            assert line.endswith(": failed: connection refused"), line
        # The suggestion still follows, with the command that tries it.
        assert f"Suggestion: port {sandbox.port} (STARTTLS) works." in out
        code, out = check(capsys, "--json")
        failed = next(s for s in json.loads(out)["steps"] if s["status"] == "fail")
        assert [(p["port"], p["ok"]) for p in failed["facts"]["probe"]] == [
            (sandbox.port, True), (587, False), (465, False), (25, False), (2525, False)]


async def test_test_screen_lists_every_probed_port_in_both_languages(tmp_path: Path) -> None:
    with Sandbox(host=PROBE_HOST, cert_identities=(PROBE_HOST,)) as sandbox:
        app = build(save(sandbox, tmp_path / "config.toml", security="implicit_tls"))
        async with app.run_test(size=SIZE) as pilot:
            screen, result = await run_test_screen(pilot)
            assert code(result) == "tls.wrong_mode"
            probes = screen.query_one("#evidence-probe", Tr)
            lines = probes.text.splitlines()
            assert len(lines) == 5
            assert lines[0] == (f"port {sandbox.port}, STARTTLS: works (tested: STARTTLS, "
                                "AUTH LOGIN PLAIN offered)")
            assert all(line.endswith(": failed: connection refused") for line in lines[1:])
            assert_whole_and_within(probes, lines, app)
            # The probe's findings come before the suggestion they lead to.
            suggestion = screen.query_one("#suggestion", Tr)
            assert suggestion.display and suggestion.virtual_region.y > probes.virtual_region.y
            await pilot.press("f2")
            await settle(pilot)
            french = probes.text.splitlines()
            assert french[0] == (f"port {sandbox.port}, STARTTLS\u00a0: fonctionne "
                                 "(vérifié\u00a0: STARTTLS, AUTH LOGIN PLAIN offert)")
            assert all(line.endswith("\u00a0: échec\u00a0: connexion refusée")
                       for line in french[1:])
            await pilot.press("f2")
            await settle(pilot)
            assert probes.text.splitlines() == lines
