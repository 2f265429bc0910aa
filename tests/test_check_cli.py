"""`comelin-tui check` end to end against the sandbox: the real CLI, in-process and as a process."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from dns_server import DnsServer, dns_server_fixture  # noqa: F401

from comelin_tui import cli, paths
from comelin_tui.attempt_log import last_attempt, read_attempts
from comelin_tui.diagnostics.model import SMTP_STEPS, Step
from comelin_tui.diagnostics.render import LivePrinter, use_color
from comelin_tui.sandbox import Sandbox

SUBJECT = "Comelin test message"


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox() as server:
        yield server


@pytest.fixture(autouse=True)
def _fresh(sandbox: Sandbox) -> None:
    sandbox.clear()
    sandbox.replies.clear()


@pytest.fixture
def saved(sandbox: Sandbox, isolated_environment: Path) -> Path:
    """Settings for the sandbox saved at the default place, password in the file store."""
    config_path = paths.config_path()
    assert str(config_path).startswith(str(isolated_environment))
    sandbox.demo_config(config_path)
    sandbox.store_password(config_path, "file")
    return config_path


def comelin(*args: str, input: str | None = None,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The real command in a child process (environment isolated by conftest)."""
    return subprocess.run(
        [sys.executable, "-m", "comelin_tui", *args], input=input, capture_output=True,
        text=True, timeout=60, check=False, env={**os.environ, **(env or {})},
    )


def test_success_end_to_end(saved: Path, sandbox: Sandbox) -> None:
    done = comelin("check")
    assert done.returncode == 0, done.stdout + done.stderr
    [message] = sandbox.mailbox
    assert message["Subject"] == SUBJECT
    lines = done.stdout.splitlines()
    step_lines = [line for line in lines if line.startswith("[")]
    assert len(step_lines) >= 8  # one per step, printed as each ends
    assert step_lines[0].startswith("[ ok ]") and "Resolve" in step_lines[0]
    assert any("Authentication" in line and line.startswith("[ ok ]") for line in step_lines)
    assert "\x1b[" not in done.stdout  # not a terminal: no colour
    assert any(line.startswith("Result: PASSED") for line in lines)
    assert done.stderr == ""
    record = last_attempt()
    assert record is not None and record.status == "ok" and record.port == sandbox.port


def test_json_has_the_contract_shape(saved: Path, sandbox: Sandbox,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.run(["check", "--json"])
    out = capsys.readouterr().out
    data = json.loads(out)  # one JSON object, nothing else on stdout
    assert code == 0
    assert set(data) >= {"status", "server", "steps", "diagnosis", "suggestion", "transcript"}
    assert data["status"] == "ok"
    assert data["server"] == {"host": "127.0.0.1", "port": sandbox.port, "security": "starttls"}
    ids = [step["id"] for step in data["steps"]]
    assert ids == [i for i in SMTP_STEPS if i in ids]  # contract order
    assert {"resolve", "connect", "banner", "ehlo", "starttls", "auth", "mail_from", "rcpt_to",
            "data", "quit"} <= set(ids)
    for step in data["steps"]:
        assert step["status"] in ("ok", "warn", "fail", "skipped")
        assert isinstance(step["duration_ms"], int) and isinstance(step["detail"], str)
    assert data["diagnosis"] is None and data["suggestion"] is None
    assert any(line.startswith("-> ") for line in data["transcript"])
    assert any("AUTH" in line and "********" in line for line in data["transcript"])
    assert sandbox.mailbox[0]["Subject"] == SUBJECT


def test_bad_password_exits_2_with_a_diagnosis(saved: Path, sandbox: Sandbox) -> None:
    done = comelin("check", "--json", "--no-probe", env={"COMELIN_SMTP_PASSWORD": "wrong-pass"})
    assert done.returncode == 2, done.stdout + done.stderr
    data = json.loads(done.stdout)
    assert data["status"] == "fail"
    assert data["diagnosis"]["code"] == "auth.invalid_credentials"
    assert data["diagnosis"]["summary"] and data["diagnosis"]["hint"]
    auth = next(step for step in data["steps"] if step["id"] == "auth")
    assert auth["status"] == "fail" and "535" in auth["detail"]
    assert sandbox.mailbox == []
    assert last_attempt().code == "auth.invalid_credentials"  # type: ignore[union-attr]


def test_bad_password_human_output(saved: Path, capsys: pytest.CaptureFixture[str],
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMELIN_SMTP_PASSWORD", "wrong-pass")
    assert cli.run(["check", "--no-probe"]) == 2
    out = capsys.readouterr().out
    assert "[FAIL] Authentication" in out
    assert "Diagnosis [auth.invalid_credentials]: " in out
    assert "What to do: " in out
    assert "Result: FAILED" in out


def test_no_config_exits_3_with_one_clear_line(isolated_environment: Path) -> None:
    done = comelin("check")
    assert done.returncode == 3
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    [line] = done.stderr.splitlines()
    assert "no saved settings" in line and "--host" in line
    assert not paths.config_path().exists()


def test_no_config_json_is_parseable(isolated_environment: Path) -> None:
    done = comelin("check", "--json")
    assert done.returncode == 3
    data = json.loads(done.stdout)
    assert data["status"] == "unknown"
    assert data["diagnosis"]["code"] == "config.invalid"
    assert "no saved settings" in data["diagnosis"]["summary"]
    assert data["steps"] == [] and data["transcript"] == []
    assert data["server"] == {"host": None, "port": None, "security": None}
    assert last_attempt().status == "unknown"  # type: ignore[union-attr]


def test_incomplete_settings_exit_3(sandbox: Sandbox, isolated_environment: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    from comelin_tui.config import save_config

    config = sandbox.demo_config()
    config = config.model_copy(update={"smtp": config.smtp.model_copy(update={"host": ""})})
    save_config(config, paths.config_path())
    assert cli.run(["check"]) == 3
    err = capsys.readouterr().err
    assert "smtp.host" in err and "Traceback" not in err


def test_missing_password_exits_3(sandbox: Sandbox, isolated_environment: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    sandbox.demo_config(paths.config_path())  # no password stored anywhere
    assert cli.run(["check", "--json"]) == 3
    captured = capsys.readouterr()
    assert json.loads(captured.out)["status"] == "unknown"
    assert "COMELIN_SMTP_PASSWORD" in captured.err


def test_no_send_sends_nothing(saved: Path, sandbox: Sandbox,
                               capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.run(["check", "--no-send", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["status"] == "ok"
    data_step = [s for s in data["steps"] if s["id"] == "data"]
    assert not data_step or data_step[0]["status"] == "skipped"
    assert sandbox.mailbox == []
    assert read_attempts()[-1].sent is False


def test_ad_hoc_flags_without_saved_settings(sandbox: Sandbox, isolated_environment: Path) -> None:
    done = comelin(
        "check", "--host", "127.0.0.1", "--port", str(sandbox.port), "--security", "starttls",
        "--username", sandbox.username, "--from", sandbox.username, "--to", "boss@demo.example",
        "--ca-file", str(sandbox.ca_file), "--timeout", "5", "--password-stdin",
        input=sandbox.password + "\n",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert sandbox.deliveries[0].rcpt_tos == ("boss@demo.example",)
    assert not paths.config_path().exists()  # tried before anything is saved


def test_flags_override_saved_settings(saved: Path, sandbox: Sandbox,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    # The saved port is right; a wrong port given as an option is the one tried.
    assert cli.run(["check", "--json", "--no-probe", "--port", "1", "--timeout", "2"]) == 2
    data = json.loads(capsys.readouterr().out)
    assert data["server"]["port"] == 1
    assert data["diagnosis"]["code"].startswith("connect.")


def test_bad_flag_value_is_a_clear_error(saved: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.run(["check", "--port", "99999"]) == 3
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "Traceback" not in err


def test_demo_succeeds_and_leaves_real_settings_alone(isolated_environment: Path) -> None:
    real_config = paths.config_path()
    done = comelin("check", "--demo")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("Demo: local server 127.0.0.1:")
    assert "Result: PASSED" in done.stdout
    assert not real_config.exists()
    assert not paths.attempt_log_path().exists()  # the demo keeps no history
    config_home = Path(os.environ["XDG_CONFIG_HOME"])
    assert list(config_home.rglob("*")) == []


def test_demo_does_not_read_a_broken_real_config(isolated_environment: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    real_config = paths.config_path()
    real_config.parent.mkdir(parents=True)
    real_config.write_text("this is = = not toml\n")
    before = real_config.read_bytes()
    assert cli.run(["--demo", "check", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["status"] == "ok"
    assert real_config.read_bytes() == before


def test_check_path_never_imports_textual(saved: Path) -> None:
    """Nor what this run does not use: msal (password, not OAuth), dnspython (no DNS
    checks for a reserved domain), keyring (file store), the sandbox's server side."""
    code = (
        "import sys\n"
        "from comelin_tui.cli import run\n"
        "status = run(['check', '--json'])\n"
        "for name in ('textual', 'msal', 'dns', 'keyring', 'aiosmtpd', 'trustme'):\n"
        "    assert name not in sys.modules, name + ' imported'\n"
        "sys.exit(status)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["status"] == "ok"


def test_a_warning_dns_step_gives_exit_1(saved: Path, capsys: pytest.CaptureFixture[str],
                                        dns_server: DnsServer) -> None:
    """The advisory DNS checks follow the send; a domain without SPF warns: exit 1."""
    code = cli.run(["check", "--no-probe", "--from", "caisse@srvshop.test",
                    "--dns-server", dns_server.address])
    out = capsys.readouterr().out
    assert code == 1, out
    assert "[warn] SPF" in out and "Result: PASSED with a warning" in out
    assert out.index("DATA") < out.index("SPF")


def test_colour_only_on_a_terminal_without_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    class Tty:
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert use_color(Tty())  # type: ignore[arg-type]
    assert not use_color(sys.stdout) or sys.stdout.isatty()
    monkeypatch.setenv("NO_COLOR", "1")
    assert not use_color(Tty())  # type: ignore[arg-type]


def test_french_output(saved: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.run(["check", "--lang", "fr", "--no-send"]) == 0
    out = capsys.readouterr().out
    assert "[  ok ] Résolution du nom" in out
    assert "Résultat\u00a0: RÉUSSI" in out


def test_live_printer_shows_the_running_step_on_a_terminal() -> None:
    import io

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen, pipe = Terminal(), io.StringIO()
    for stream in (screen, pipe):
        printer = LivePrinter(stream)
        printer(Step("connect"))  # running
        printer(Step("connect", "ok", 12, "Connected"))
    assert pipe.getvalue().splitlines() == ["[ ok ] TCP connection              12 ms  Connected"]
    shown = screen.getvalue()
    assert shown.startswith("[... ] TCP connection")
    last = re.sub(r"\x1b\[[0-9;]*m", "", shown.rsplit("\r", 1)[-1])
    assert last == "[ ok ] TCP connection              12 ms  Connected\n"


def _screen_rows(written: str, columns: int) -> list[str]:
    """What a terminal shows: "\r" goes back to the row's start, text past the last
    column wraps to a new row (which "\r" cannot leave again)."""
    rows = [""]
    col = 0
    for char in written:
        if char == "\n":
            rows.append("")
            col = 0
        elif char == "\r":
            col = 0
        else:
            if col == columns:
                rows.append("")
                col = 0
            row = rows[-1]
            rows[-1] = row[:col] + char + row[col + 1:]
            col += 1
    return [row.rstrip() for row in rows if row.strip()]


def test_live_printer_running_twice_leaves_one_clean_row(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A failing step is shown running, then running again while other ports are tried
    (a longer text than fits a PuTTY row), then failed: one row remains, the result."""
    import io

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("NO_COLOR", "1")
    screen = Terminal()
    printer = LivePrinter(screen)
    printer(Step("banner"))
    printer(Step("banner", detail="Essai des autres ports et modes de sécurité... " * 2))
    printer(Step("banner", "fail", 1000, "no answer within 1 s"))
    assert _screen_rows(screen.getvalue(), 80) == [
        "[FAIL] Server greeting             1.0 s  no answer within 1 s"]


def test_the_try_line_repeats_every_ad_hoc_flag_and_works_when_pasted(
        isolated_environment: Path) -> None:
    import shlex

    with Sandbox(implicit_tls=True) as server:
        flags = ["--host", server.host, "--port", str(server.implicit_tls_port),
                 "--security", "starttls", "--username", server.username,
                 "--from", server.username, "--ca-file", str(server.ca_file),
                 "--timeout", "2", "--password-stdin", "--no-dns-checks"]
        done = comelin("--lang", "en", "check", *flags, input=server.password + "\n")
        assert done.returncode == 2, done.stdout + done.stderr
        [line] = [li for li in done.stdout.splitlines() if li.startswith("To try it: ")]
        command = shlex.split(line.removeprefix("To try it: "))
        assert command[:2] == ["comelin-tui", "check"]
        for flag in ("--host", "--username", "--from", "--ca-file", "--password-stdin"):
            assert flag in command, line
        assert command[command.index("--security") + 1] == "implicit_tls"
        again = comelin("--lang", "en", *command[1:], input=server.password + "\n")
        assert again.returncode == 0, again.stdout + again.stderr
        assert len(server.mailbox) == 1


def test_an_ad_hoc_host_never_sends_to_the_saved_company_address(
        saved: Path, sandbox: Sandbox) -> None:
    from comelin_tui.config import load_config, save_config, with_changes

    config = with_changes(load_config(saved), {"company.email": "patron@boutique.test",
                                               "smtp.host": "smtp.saved.example"})
    save_config(config, saved)
    ad_hoc = ["--lang", "en", "check", "--host", sandbox.host, "--port", str(sandbox.port),
              "--no-dns-checks"]
    # The saved secret is not sent to another host unless asked for in so many words.
    refused = comelin(*ad_hoc)
    assert refused.returncode == 3 and sandbox.mailbox == []
    assert "not sent to 127.0.0.1 without your say-so" in refused.stderr
    assert "--send-saved-password" in refused.stderr
    done = comelin(*ad_hoc, "--send-saved-password")
    assert done.returncode == 0, done.stdout + done.stderr
    [message] = sandbox.mailbox
    assert message["To"] == sandbox.username  # the sender, not patron@boutique.test
    assert "the saved password (for smtp.saved.example) will be sent to 127.0.0.1" \
        in done.stderr
