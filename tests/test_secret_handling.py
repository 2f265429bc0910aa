"""The password never comes back out by accident: not through a keyring's error text,
not through what was read on standard input, not through argparse repeating what was
typed, not through a crash report's local variables. And ``--json`` always answers
with a JSON document, even when the run could not start.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import keyring
import keyring.backend
import pytest
from keyring.errors import KeyringError, PasswordSetError
from rich.pretty import pretty_repr
from test_app_support import SIZE, build, paste, settle, texts

from comelin_tui import cli
from comelin_tui.config import Config, SmtpSettings, save_config
from comelin_tui.secrets import SMTP_PASSWORD, KeyringSecretStore, SecretError, config_namespace
from comelin_tui.wizard_state import WizardState

PASSWORD = "Tr0ub4dor-n3ver-sh0wn"
TYPED = "hunter2-typed-by-mistake"


def saved_settings(tmp_path: Path, backend: str = "file") -> Path:
    config_path = tmp_path / "config.toml"
    save_config(Config(company={"email": "ventes@exemple.test"},
                       smtp=SmtpSettings(host="127.0.0.1", port=9, security="none",
                                         username="ventes@exemple.test",
                                         from_address="ventes@exemple.test"),
                       secret_backend=backend), config_path)
    return config_path


def comelin(*args: str, stdin: bytes = b"", lang: str = "en") -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, "-m", "comelin_tui", "--lang", lang, *args],
                          input=stdin, capture_output=True, timeout=60, check=False)
    return subprocess.CompletedProcess(done.args, done.returncode,
                                       done.stdout.decode("utf-8", "replace"),
                                       done.stderr.decode("utf-8", "replace"))


def no_traceback(output: str) -> bool:
    return "Traceback" not in output and "unexpected error" not in output


# -- 11. keyring errors are shown without their text -----------------------------------------

class LeakyKeyring(keyring.backend.KeyringBackend):
    """A real backend whose errors quote what it was given, as some D-Bus replies do."""

    priority = 1  # type: ignore[assignment]
    fail_reads = False

    def get_password(self, service: str, username: str) -> str | None:
        if self.fail_reads:
            raise KeyringError(f"item {username} holds {PASSWORD}: collection unavailable")
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        raise PasswordSetError(f"cannot store {password!r} for {username}")

    def delete_password(self, service: str, username: str) -> None:
        raise KeyringError(f"cannot delete {PASSWORD}")


class DbusError(Exception):
    """Shaped like jeepney's DBusErrorResponse: a D-Bus error name and a message."""

    def __init__(self, name: str, text: str) -> None:
        super().__init__(text)
        self.name = name


class LockedDbusKeyring(LeakyKeyring):
    def get_password(self, service: str, username: str) -> str | None:
        raise DbusError("org.freedesktop.Secret.Error.IsLocked", f"locked; last value {PASSWORD}")


@pytest.fixture
def leaky_keyring() -> LeakyKeyring:
    backend = LeakyKeyring()
    keyring.set_keyring(backend)
    return backend


def test_a_keyring_error_names_its_class_never_its_text(leaky_keyring: LeakyKeyring,
                                                        tmp_path: Path) -> None:
    store = KeyringSecretStore(config_namespace(tmp_path / "config.toml"))
    with pytest.raises(SecretError) as refused:
        store.set(SMTP_PASSWORD, PASSWORD)
    for lang in ("en", "fr"):
        message = refused.value.message(lang)
        assert PASSWORD not in message
        assert "PasswordSetError" in message
    assert "refused to store the value" in refused.value.message("en")
    assert "a refusé d'enregistrer la valeur" in refused.value.message("fr")
    leaky_keyring.fail_reads = True
    with pytest.raises(SecretError) as unreadable:
        store.get(SMTP_PASSWORD)
    assert PASSWORD not in unreadable.value.message("en")
    assert "KeyringError" in unreadable.value.message("en")
    # Not chained either: a traceback (COMELIN_TUI_DEBUG) would print the cause's text.
    assert unreadable.value.__cause__ is None
    assert unreadable.value.__suppress_context__


def test_a_locked_dbus_collection_is_said_by_its_error_name(tmp_path: Path) -> None:
    keyring.set_keyring(LockedDbusKeyring())
    store = KeyringSecretStore(config_namespace(tmp_path / "config.toml"))
    with pytest.raises(SecretError) as locked:
        store.get(SMTP_PASSWORD)
    assert locked.value.key == "secrets.keyring_locked"
    assert PASSWORD not in locked.value.message("en") + locked.value.message("fr")


def test_password_command_with_a_leaky_keyring_prints_no_secret(
        leaky_keyring: LeakyKeyring, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capfd: pytest.CaptureFixture[str]) -> None:
    config_path = saved_settings(tmp_path, backend="keyring")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(f"{PASSWORD}\n".encode())))
    code = cli.run(["password", "--stdin", "--config", str(config_path)])
    out, err = capfd.readouterr()
    assert code == 3
    assert "PasswordSetError" in err
    assert PASSWORD not in out + err


def test_check_json_with_a_leaky_keyring_leaks_nothing(leaky_keyring: LeakyKeyring,
                                                       tmp_path: Path,
                                                       capfd: pytest.CaptureFixture[str]) -> None:
    leaky_keyring.fail_reads = True
    config_path = saved_settings(tmp_path, backend="keyring")
    code = cli.run(["check", "--json", "--config", str(config_path)])
    out, err = capfd.readouterr()
    assert code == 3
    data = json.loads(out)
    assert data["status"] == "unknown" and "KeyringError" in data["diagnosis"]["summary"]
    assert PASSWORD not in out + err
    logs = [path.read_text() for path in tmp_path.rglob("*.jsonl")]
    assert all(PASSWORD not in text for text in logs)


async def test_the_dashboard_with_a_leaky_keyring_shows_no_secret(
        leaky_keyring: LeakyKeyring, tmp_path: Path) -> None:
    leaky_keyring.fail_reads = True
    config_path = saved_settings(tmp_path, backend="keyring")
    app = build(config_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        shown = texts(pilot)
        assert "KeyringError" in shown
        assert PASSWORD not in shown
        assert PASSWORD not in app.export_screenshot()
        assert all(PASSWORD not in message for message in app.errors)


# -- 12. --password-stdin refuses NUL and non-UTF-8; --json always answers in JSON ----------

BAD_INPUTS = {"nul": b"abc\x00def\n", "not_text": b"caf\xe9-latin1\n"}


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("kind", sorted(BAD_INPUTS))
def test_check_password_stdin_refuses_nul_and_non_utf8(tmp_path: Path, kind: str,
                                                       lang: str) -> None:
    config_path = saved_settings(tmp_path)
    done = comelin("check", "--config", str(config_path), "--password-stdin", "--no-probe",
                   stdin=BAD_INPUTS[kind], lang=lang)
    assert done.returncode == 3, done.stdout + done.stderr
    assert no_traceback(done.stderr), done.stderr
    expected = {("nul", "en"): "contains a NUL character",
                ("nul", "fr"): "contient un caractère nul",
                ("not_text", "en"): "not valid UTF-8 text",
                ("not_text", "fr"): "pas du texte UTF-8 valide"}[(kind, lang)]
    assert expected in done.stderr
    assert "--password-stdin" in done.stderr
    for fragment in ("abc", "def", "latin1", "\\xe9", "xe9"):
        assert fragment not in done.stdout + done.stderr
    assert "connect" not in done.stdout  # nothing was sent anywhere


@pytest.mark.parametrize("kind", sorted(BAD_INPUTS))
def test_check_json_password_stdin_refusal_is_json(tmp_path: Path, kind: str) -> None:
    config_path = saved_settings(tmp_path)
    done = comelin("check", "--json", "--config", str(config_path), "--password-stdin",
                   stdin=BAD_INPUTS[kind])
    assert done.returncode == 3
    data = json.loads(done.stdout)
    assert data["status"] == "unknown" and data["error"] == f"check.stdin_{kind}"


@pytest.mark.parametrize("kind", sorted(BAD_INPUTS))
def test_relay_and_password_commands_refuse_nul_and_non_utf8(tmp_path: Path, kind: str) -> None:
    config_path = saved_settings(tmp_path)
    for command in (["password", "--stdin"], ["relay", "password", "--stdin"]):
        for lang, expected in (("en", {"nul": "NUL character", "not_text": "not valid UTF-8"}),
                               ("fr", {"nul": "caractère nul", "not_text": "pas du texte UTF-8"})):
            done = comelin(*command, "--config", str(config_path), stdin=BAD_INPUTS[kind],
                           lang=lang)
            assert done.returncode != 0, (command, done.stdout)
            assert expected[kind] in done.stderr, (command, done.stderr)
            assert no_traceback(done.stderr), done.stderr
            for fragment in ("abc", "def", "latin1", "xe9"):
                assert fragment not in done.stdout + done.stderr
    assert not (tmp_path / "config.secrets").exists()  # nothing was saved


# Every way check --json can fail to run: a monitoring script parses stdout and reads 3.
CHECK_COULD_NOT_RUN = {
    "unknown option": ["--bogus"],
    "missing value": ["--port"],
    "bad choice": ["--security", "hunter"],
    "bad port": ["--port", "seventy"],
    "stray value": ["stray"],
    "password argument": ["--password", TYPED],
    "no settings": ["--config", "{absent}"],
    "damaged settings": ["--config", "{damaged}"],
    "no password": ["--config", "{saved}"],
    "empty stdin": ["--config", "{saved}", "--password-stdin"],
    "bad recipient": ["--config", "{saved}", "--to", "not an address"],
}


@pytest.mark.parametrize("case", sorted(CHECK_COULD_NOT_RUN))
def test_check_json_always_prints_a_json_document(tmp_path: Path, case: str) -> None:
    damaged = tmp_path / "damaged.toml"
    damaged.write_text("[smtp\nport = \n")
    paths = {"absent": tmp_path / "absent.toml", "damaged": damaged,
             "saved": saved_settings(tmp_path)}
    args = [arg.format(**paths) for arg in CHECK_COULD_NOT_RUN[case]]
    done = comelin("check", "--json", *args)
    data = json.loads(done.stdout)  # a JSON document, whatever went wrong
    assert done.returncode == 3, done.stdout + done.stderr
    assert data["status"] == "unknown"
    assert data["steps"] == [] and isinstance(data["server"], dict)
    assert data["diagnosis"]["summary"] and data["error"]
    assert done.stderr.strip()  # and a person reading stderr learns why
    assert TYPED not in done.stdout + done.stderr


@pytest.mark.parametrize("args", [["discover", "--json"], ["discover", "--json", "nobody@"],
                                  ["discover", "--json", "a@b.example", "--timeout", "x"],
                                  ["show", "--json"], ["show", "--json", "--bogus"]])
def test_discover_and_show_json_always_print_a_json_document(tmp_path: Path,
                                                             args: list[str]) -> None:
    done = comelin(*args, "--config", str(tmp_path / "absent.toml"))
    data = json.loads(done.stdout)
    assert done.returncode != 0
    assert data["status"] == "unknown" and data["error"] and data["message"]


# -- 13. a password typed as an argument is not echoed back -----------------------------------

@pytest.mark.parametrize("args", [
    ["password", TYPED], ["check", TYPED], ["check", "--password", TYPED],
    [f"--password={TYPED}", "check"], ["check", f"--password={TYPED}"],
    ["check", f"--password-stdin={TYPED}"], ["check", f"--pass={TYPED}"],
    ["relay", "password", TYPED], [TYPED], ["check", "--security", TYPED],
    ["show", "--lang", TYPED],
])
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_an_argument_typed_by_mistake_is_never_repeated(args: list[str], lang: str) -> None:
    done = comelin(*args, lang=lang)
    assert done.returncode == 2, done.stdout + done.stderr
    assert TYPED not in done.stdout + done.stderr
    assert "hunter2" not in done.stdout + done.stderr
    assert ("usage:" if lang == "en" else "utilisation\u00a0:") in done.stderr


@pytest.mark.parametrize("lang, words", [
    ("en", ("unexpected argument", "--password-stdin", "asked without echo")),
    ("fr", ("argument inattendu", "--password-stdin", "demandé sans écho")),
])
def test_the_refusal_says_how_to_give_a_password_safely(lang: str, words: tuple[str, ...]) -> None:
    done = comelin("password", TYPED, lang=lang)
    for word in words:
        assert word in done.stderr
    trap = comelin("check", "--password", TYPED, lang=lang)
    assert "--password-stdin" in trap.stderr and TYPED not in trap.stderr


def test_an_unknown_option_is_still_named() -> None:
    done = comelin("check", "--bogus", f"--other={TYPED}")
    assert "--bogus" in done.stderr and "--other" in done.stderr
    assert TYPED not in done.stderr


# -- 14. no crash report shows the password ----------------------------------------------------

def test_a_secret_never_shows_itself() -> None:
    from comelin_tui.secrets import Secret

    secret = Secret(PASSWORD)
    percent = "%s" % secret  # noqa: UP031 - the old way of formatting, checked too
    for shown in (repr(secret), str(secret), f"{secret}", f"{secret!r}", percent,
                  pretty_repr(secret), pretty_repr({"password": secret}), repr([secret])):
        assert PASSWORD not in shown
    assert secret.reveal() == PASSWORD
    assert secret == Secret(PASSWORD) and secret == PASSWORD and secret != "other"
    assert not Secret("") and secret


def test_the_wizard_holds_the_typed_password_as_a_secret() -> None:
    from comelin_tui.secrets import Secret
    from comelin_tui.wizard_state import typed_password

    state = WizardState(Config(), saved=False)
    state.password = PASSWORD
    assert isinstance(state.password, Secret)
    plan = state.save_plan("en")
    assert isinstance(plan.password, Secret) and plan.password.reveal() == PASSWORD
    for shown in (repr(state), pretty_repr(state), repr(plan), pretty_repr(plan),
                  pretty_repr(vars(state))):
        assert PASSWORD not in shown
    held, stripped = typed_password("abcd efgh ijkl mnop", strip_spaces=True)
    assert stripped and held == "abcdefghijklmnop"
    assert typed_password("", strip_spaces=False) == (None, False)


class InjectedFault(RuntimeError):
    pass


@pytest.mark.parametrize("text_in_a_local", [False, True])
async def test_a_handler_that_fails_while_the_password_is_held_prints_no_password(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str], text_in_a_local: bool) -> None:
    """The real crash report (Textual's, printed on stderr as the app exits), with a fault
    injected in the handler of the password field, just after the password was read.

    Without *text_in_a_local*, Textual's own report runs, locals shown: no frame of ours
    holds the password as text (the wizard holds a Secret). With it, the failing frame
    holds the text in a local (as code deeper down, a library's, may): our report prints
    no locals at all."""
    from textual.app import App

    from comelin_tui.app import ComelinApp
    from comelin_tui.screens.steps_credentials import CredentialsStep

    config_path = saved_settings(tmp_path)
    (tmp_path / "config.secrets").write_text('{"smtp-password": "old-password"}\n')
    (tmp_path / "config.secrets").chmod(0o600)
    real_check = CredentialsStep.check

    def failing_check(self: CredentialsStep, *, show: bool = True) -> Any:
        if self.state.password is not None:
            typed = self.state.password.reveal() if text_in_a_local else None
            raise InjectedFault(f"the password check broke ({len(typed or '')})")
        return real_check(self, show=show)

    monkeypatch.setattr(CredentialsStep, "check", failing_check)
    if not text_in_a_local:
        monkeypatch.setattr(ComelinApp, "_fatal_error", App._fatal_error)  # locals shown
    app = build(config_path)
    with pytest.raises(InjectedFault):
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("down", "enter")  # "Change the password"
            await settle(pilot)
            assert app.focused is not None and app.focused.id == "password"
            await paste(pilot, PASSWORD)
            await settle(pilot)
    report = capsys.readouterr().err
    assert "InjectedFault" in report and "password_typed" in report  # the report is there
    assert ("secret = Secret('********')" in report) is not text_in_a_local
    assert PASSWORD not in report
