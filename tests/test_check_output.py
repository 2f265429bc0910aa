"""`comelin-tui check` as a new technician reads it at 80 columns, in French and English:
lines wrapped between words, the queue id once, skipped steps saying why, the ports a
diagnosis names being the ones the run probed. The real command, a real loopback server."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hostile_servers import free_port

from comelin_tui import cli, paths
from comelin_tui.diagnostics.engine import run_check
from comelin_tui.diagnostics.model import Step, Target
from comelin_tui.diagnostics.probe import Candidate
from comelin_tui.diagnostics.render import LivePrinter, format_outcome
from comelin_tui.sandbox import Sandbox

TRY_PREFIXES = ("To try it:", "Pour l'essayer :", "To apply it:", "Pour l'appliquer :")


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox() as server:
        yield server


@pytest.fixture
def saved(sandbox: Sandbox, isolated_environment: Path) -> Path:
    sandbox.clear()
    config_path = paths.config_path()
    sandbox.demo_config(config_path)
    sandbox.store_password(config_path, "file")
    return config_path


def comelin(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "comelin_tui", *args], capture_output=True,
                          text=True, timeout=60, check=False,
                          env={**os.environ, "COLUMNS": "80", "NO_COLOR": "1", **(env or {})})


def flat(text: str) -> str:
    return " ".join(text.split())


def assert_fits(out: str, width: int = 80) -> None:
    for line in out.splitlines():
        if not line.startswith(TRY_PREFIXES):  # a command to paste stays one line
            assert len(line) <= width, line


def assert_step_rows_hang_under_the_detail(out: str) -> None:
    """A step's next rows start under its detail's first letter."""
    column = None
    for line in out.splitlines():
        if line.startswith("["):
            match = re.match(r"\[[^\]]+\] .{24} .{8}  ", line)
            column = match.end() if match else None
        elif line.startswith(" ") and column is not None:
            assert len(line) - len(line.lstrip()) == column, line
        else:
            column = None


# -- a. wrapped at the terminal's width ----------------------------------------------------

@pytest.mark.parametrize("lang", ["fr", "en"])
def test_check_lines_wrap_between_words_at_80_columns(saved: Path, lang: str) -> None:
    bad = {"COMELIN_SMTP_PASSWORD": "not-the-password"}
    done = comelin("--lang", lang, "check", "--no-probe", env=bad)
    assert done.returncode == 2, done.stdout + done.stderr
    assert_fits(done.stdout)
    assert_step_rows_hang_under_the_detail(done.stdout)
    data = json.loads(comelin("--lang", lang, "check", "--no-probe", "--json", env=bad).stdout)
    # The long diagnosis reads whole: wrapped between words, never inside one.
    assert flat(data["diagnosis"]["hint"]) in flat(done.stdout)
    assert flat(data["diagnosis"]["summary"]) in flat(done.stdout)
    assert len(flat(data["diagnosis"]["hint"])) > 80  # long enough to need a wrap
    # The row after a label hangs under the text, not under the label.
    rows = done.stdout.splitlines()
    label = "Quoi faire\u00a0: " if lang == "fr" else "What to do: "
    at = next(i for i, row in enumerate(rows) if row.startswith(label))
    assert rows[at + 1].startswith(" " * len(label)) and rows[at + 1][len(label)] != " "


def test_the_live_printer_wraps_a_long_step_at_the_terminal_width(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("NO_COLOR", "1")
    stream = io.StringIO()
    detail = ("250 smtp.exemple.ca : SIZE 35882577, 8BITMIME, AUTH LOGIN PLAIN XOAUTH2 "
              "PLAIN-CLIENTTOKEN OAUTHBEARER XOAUTH, ENHANCEDSTATUSCODES, PIPELINING, "
              "CHUNKING, SMTPUTF8")
    LivePrinter(stream)(Step("ehlo", "ok", 12, detail))
    out = stream.getvalue()
    assert len(out.splitlines()) > 1
    assert_fits(out)
    assert_step_rows_hang_under_the_detail(out)
    assert flat(out).endswith(flat(detail))


def test_french_spacing_never_starts_or_ends_a_row() -> None:
    from comelin_tui.diagnostics.evidence_text import wrap_line

    text = "Non fait : la sécurité choisie est « sans chiffrement » ; voilà"
    for width in range(20, 60):
        for row in wrap_line(text, width):
            assert not row.lstrip().startswith(("»", ":", ";")) and not row.endswith("«"), row


# -- b. the queue id once --------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_queue_id_is_said_once_on_the_data_line(saved: Path, lang: str,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.run(["--lang", lang, "check", "--no-dns-checks"]) == 0
    out = capsys.readouterr().out
    from comelin_tui.attempt_log import last_attempt

    queue_id = last_attempt().queue_id  # type: ignore[union-attr]
    assert queue_id
    rows = out.splitlines()
    at = next(i for i, row in enumerate(rows) if "(DATA)" in row)
    end = at + 1
    while end < len(rows) and rows[end].startswith(" "):
        end += 1  # the step's own next rows
    data_step = " ".join(rows[at:end])
    assert data_step.count(queue_id) == 1, data_step
    assert flat(out).count(queue_id) == 2  # the server's reply, then the verdict naming it


# -- c. skipped because no encryption was chosen -------------------------------------------

@pytest.mark.parametrize("lang", ["fr", "en"])
def test_no_encryption_steps_say_so_even_after_a_failure(saved: Path, lang: str) -> None:
    done = comelin("--lang", lang, "check", "--security", "none", "--port", str(free_port()),
                   "--no-probe", "--no-dns-checks")
    assert done.returncode == 2, done.stdout + done.stderr
    data = json.loads(comelin("--lang", lang, "check", "--security", "none", "--port",
                              str(free_port()), "--no-probe", "--no-dns-checks",
                              "--json").stdout)
    steps = {step["id"]: step for step in data["steps"]}
    assert steps["connect"]["status"] == "fail"
    chosen = ("la sécurité choisie est «\u00a0sans chiffrement\u00a0»" if lang == "fr"
              else 'the security chosen is "no encryption"')
    earlier = "étape précédente" if lang == "fr" else "earlier step"
    for step_id in ("tls", "starttls"):
        assert steps[step_id]["status"] == "skipped"
        assert chosen in steps[step_id]["detail"] and earlier not in steps[step_id]["detail"]
    assert earlier in steps["banner"]["detail"]  # that one was stopped by the failure
    assert flat(chosen) in flat(done.stdout)


# -- d. the ports named are the ports probed -----------------------------------------------

@pytest.mark.parametrize("lang", ["fr", "en"])
async def test_every_port_refused_names_exactly_the_ports_probed(lang: str) -> None:
    target = Target(host="127.0.0.1", port=free_port(), security="starttls",
                    username="caisse@shop.test", password="p", from_address="caisse@shop.test",
                    to_address="caisse@shop.test", timeout=2.0, language=lang)
    others = [Candidate(free_port(), "starttls"), Candidate(free_port(), "implicit_tls"),
              Candidate(free_port(), "starttls")]
    result = await run_check(target, candidates=others)
    found = result.diagnosis
    assert found is not None and found.code == "connect.refused"
    probed = [str(r["port"]) for r in result.step("connect").facts["probe"]]
    assert {str(c.port) for c in others} <= set(probed)  # (and this port in the other mode)
    hint = found.hint.render(lang)
    named = re.search(r"\(([\d, ]+)\)", hint)
    assert named is not None, hint
    assert named.group(1).split(", ") == list(dict.fromkeys(probed))  # each once, in order
    # The usual ports are not named (whole numbers: a random port may contain "587").
    assert not {"587", "465", "25"} & set(re.findall(r"\d+", hint)), hint
    report = "\n".join(format_outcome(result, lang, width=79))
    assert named.group(1) in flat(report)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_whole_demo_check_fits_80_columns(isolated_environment: Path, lang: str) -> None:
    done = comelin("--lang", lang, "check", "--demo")
    assert done.returncode == 0, done.stdout + done.stderr
    assert_fits(done.stdout)
    assert_step_rows_hang_under_the_detail(done.stdout)
