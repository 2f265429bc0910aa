"""Settings round trip through the real CLI on a box with no desktop keyring."""

from __future__ import annotations

import itertools
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from comelin_tui.config import Config, load_config, save_config
from comelin_tui.sandbox import Sandbox
from comelin_tui.secrets import secret_file_path

PASSWORD = "Tr0ub4dor&3-horse-battery"


def cli(*args: str, stdin: str = "", env: dict[str, str] | None = None,
        config: Path, lang: str = "en") -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "comelin_tui", "--lang", lang, *args, "--config", str(config)],
        input=stdin, capture_output=True, text=True, env=full_env, timeout=60, check=False,
    )


@pytest.fixture(scope="module")
def sandbox() -> Sandbox:
    with Sandbox() as box:
        yield box


@pytest.fixture
def config_file(tmp_path: Path, sandbox: Sandbox) -> Path:
    path = tmp_path / "conf" / "config.toml"
    config = sandbox.demo_config(path)
    save_config(config.model_copy(update={"secret_backend": None}), path)
    return path


def test_password_goes_to_protected_file_and_never_shows(config_file: Path) -> None:
    result = cli("password", "--stdin", stdin=PASSWORD + "\n", config=config_file)
    assert result.returncode == 0, result.stderr
    secret_file = secret_file_path(config_file)
    assert secret_file.exists()
    if os.name == "posix":  # Windows: the user profile's ACL protects it instead
        assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    assert PASSWORD in secret_file.read_text()
    assert PASSWORD not in config_file.read_text()
    assert load_config(config_file).secret_backend == "file"

    shown = cli("show", config=config_file)
    assert shown.returncode == 0, shown.stderr
    assert PASSWORD not in shown.stdout + shown.stderr
    assert "********" in shown.stdout
    assert str(secret_file) in shown.stdout  # where it lives is always shown
    shown_json = cli("show", "--json", config=config_file)
    assert PASSWORD not in shown_json.stdout
    assert '"saved": true' in shown_json.stdout


def test_environment_password_overrides_the_stored_one(config_file: Path,
                                                       sandbox: Sandbox) -> None:
    cli("password", "--stdin", stdin="wrong-password\n", config=config_file)
    failed = cli("check", "--no-probe", config=config_file)
    assert failed.returncode == 2, failed.stdout + failed.stderr
    ok = cli("check", "--no-probe", config=config_file,
             env={"COMELIN_SMTP_PASSWORD": sandbox.password})
    assert ok.returncode == 0, ok.stdout + ok.stderr
    shown = cli("show", config=config_file, env={"COMELIN_SMTP_PASSWORD": sandbox.password})
    assert "COMELIN_SMTP_PASSWORD" in shown.stdout
    assert sandbox.password not in shown.stdout


def test_google_app_password_spaces_are_stripped(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    config = Config.model_validate({
        "provider": "google-workspace",
        "company": {"email": "caisse@example.com"},
        "smtp": {"host": "smtp.gmail.com", "username": "caisse@example.com",
                 "from_address": "caisse@example.com"},
    })
    save_config(config, path)
    result = cli("password", "--stdin", stdin="abcd efgh ijkl mnop\n", config=path)
    assert result.returncode == 0, result.stderr
    assert "abcdefghijklmnop" in secret_file_path(path).read_text()


def test_password_without_settings_is_one_clear_line(tmp_path: Path) -> None:
    result = cli("password", "--stdin", stdin="x\n", config=tmp_path / "none.toml")
    assert result.returncode == 3
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_empty_password_changes_nothing(config_file: Path) -> None:
    result = cli("password", "--stdin", stdin="\n", config=config_file)
    assert result.returncode == 2
    assert "empty" in result.stderr
    assert not secret_file_path(config_file).exists()


def _run_in_process(argv: list[str], stdin: bytes, errors: str,
                    monkeypatch: pytest.MonkeyPatch) -> int:
    import io

    from comelin_tui import cli as cli_module

    # The way Python decodes a pipe: strict with a UTF-8 locale, surrogateescape with C.
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8",
                                                       errors=errors))
    return cli_module.run(["--lang", "en", *argv])


@pytest.mark.parametrize("errors", ["strict", "surrogateescape"])
def test_undecodable_password_is_refused_without_quoting_it(
        config_file: Path, errors: str, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    code = _run_in_process(["password", "--stdin", "--config", str(config_file)],
                           b"pass\xe9word\n", errors, monkeypatch)
    captured = capsys.readouterr()
    assert code == 2, captured.err
    assert "not valid UTF-8 text" in captured.err and "nothing was changed" in captured.err
    # The codec's own message would quote the byte and where it is in the password.
    assert "0xe9" not in captured.err and "position" not in captured.err
    assert "\\udce9" not in captured.err and "unexpected" not in captured.err
    assert not secret_file_path(config_file).exists()


def test_store_option_leaves_a_keyring_that_no_longer_works(
        config_file: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    # Settings made on a desktop (keyring), now on a box without one: `--store file`
    # is the way out and must not fail because the old keyring cannot be read.
    save_config(load_config(config_file).model_copy(update={"secret_backend": "keyring"}),
                config_file)
    code = _run_in_process(["password", "--stdin", "--store", "file",
                            "--config", str(config_file)],
                           (PASSWORD + "\n").encode(), "strict", monkeypatch)
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "could not be moved" in captured.err and "No usable system keyring" in captured.err
    assert load_config(config_file).secret_backend == "file"
    assert PASSWORD in secret_file_path(config_file).read_text()


def test_unexpected_codec_error_is_one_line_without_the_text(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from comelin_tui import cli as cli_module
    from comelin_tui.commands import show

    def boom(_args: object) -> int:
        raise UnicodeEncodeError("utf-8", "hunter\udce9", 6, 7, "surrogates not allowed")

    monkeypatch.setattr(show, "run", boom)
    assert cli_module.run(["--lang", "en", "show"]) == 3
    err = capsys.readouterr().err
    assert "UnicodeEncodeError" in err and len(err.strip().splitlines()) == 1
    assert "hunter" not in err and "udce9" not in err and "position" not in err


def test_config_path_with_unknown_user_is_a_clear_error(tmp_path: Path) -> None:
    result = cli("show", config=Path("~no-such-user-xyz/config.toml"))
    assert result.returncode == 3
    assert "Traceback" not in result.stderr and "unexpected" not in result.stderr
    assert "no-such-user-xyz" in result.stderr


def test_show_still_shows_settings_when_the_secret_file_is_unsafe(config_file: Path) -> None:
    assert cli("password", "--stdin", stdin=PASSWORD + "\n", config=config_file).returncode == 0
    if os.name != "posix":
        pytest.skip("file modes are POSIX; on Windows the profile's ACL protects the file")
    secret_file_path(config_file).chmod(0o644)
    shown = cli("show", config=config_file)
    assert shown.returncode == 1
    assert "127.0.0.1" in shown.stdout  # the settings are still shown
    assert "chmod 600" in shown.stdout  # with what to do about the secret
    assert PASSWORD not in shown.stdout + shown.stderr


def test_command_line_errors_speak_french(tmp_path: Path) -> None:
    result = cli("bogus-command", config=tmp_path / "c.toml")
    french = subprocess.run(
        [sys.executable, "-m", "comelin_tui", "--lang", "fr", "bogus-command"],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert result.returncode == french.returncode == 2
    assert "invalid choice" in result.stderr
    assert "choix invalide" in french.stderr and "erreur" in french.stderr
    assert "utilisation" in french.stderr


def test_password_with_a_nul_byte_is_refused(config_file: Path) -> None:
    result = cli("password", "--stdin", stdin="abc\0def\n", config=config_file)
    assert result.returncode == 2
    assert "NUL" in result.stderr
    assert not secret_file_path(config_file).exists()


# -- `show` agrees with itself, in each state of the secret ------------------------------

def _show(config_file: Path, lang: str, capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    """`comelin-tui show` run for real (in process): its rows, label -> value."""
    from comelin_tui import cli as cli_module

    cli_module.run(["--lang", lang, "show", "--config", str(config_file)])
    out = capsys.readouterr().out
    assert PASSWORD not in out
    for line in out.splitlines():  # no word said twice in a row ("Conservé: Conservé")
        words = re.findall(r"[^\W\d_]+", line.lower())
        assert not [a for a, b in itertools.pairwise(words) if a == b], line
    rows = {}
    label = None
    for line in out.splitlines():
        if label is not None and line.startswith(" "):  # a row continued (wrapped)
            rows[label] += " " + line.strip()
            continue
        label = None
        name, sep, value = line.partition(": ")
        if sep and not line.startswith(" ") and len(name) < 30:
            label = name.strip().rstrip(":")
            rows[label] = value.strip()
    return rows


def _secret_rows(rows: dict[str, str], lang: str) -> tuple[str, str]:
    return (rows["Mot de passe" if lang == "fr" else "Password"],
            rows["Emplacement" if lang == "fr" else "Location"])


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_show_a_saved_password_says_it_is_kept_in_the_file(
        config_file: Path, lang: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli("password", "--stdin", stdin=PASSWORD + "\n", config=config_file).returncode == 0
    secret, where = _secret_rows(_show(config_file, lang, capsys), lang)
    assert secret.startswith("********")
    assert where.startswith("Conservé dans le fichier" if lang == "fr" else "Kept in the file")
    assert str(secret_file_path(config_file)) in where


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_show_without_a_secret_file_does_not_say_it_keeps_anything(
        config_file: Path, lang: str, capsys: pytest.CaptureFixture[str]) -> None:
    config = load_config(config_file)
    save_config(config.model_copy(update={"secret_backend": "file"}), config_file)
    assert not secret_file_path(config_file).exists()
    secret, where = _secret_rows(_show(config_file, lang, capsys), lang)
    assert secret == ("(aucun)" if lang == "fr" else "(none)")
    assert where.startswith("Aucun fichier de secrets" if lang == "fr" else "No secret file yet")
    assert "onserv" not in where and "Kept" not in where and "0600" not in where


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_show_an_unreadable_secret_file_is_not_also_kept_and_0600(
        config_file: Path, lang: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli("password", "--stdin", stdin=PASSWORD + "\n", config=config_file).returncode == 0
    secret_file_path(config_file).chmod(0o644)
    secret, where = _secret_rows(_show(config_file, lang, capsys), lang)
    assert secret.startswith("illisible" if lang == "fr" else "unreadable")
    assert "0644" in secret
    assert str(secret_file_path(config_file)) in where
    assert "0600" not in where and "onserv" not in where and "Kept" not in where
    assert ("seulement par votre compte" if lang == "fr" else "only by your account") \
        not in where


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_show_a_keyring_error_is_not_also_kept(
        config_file: Path, lang: str, capsys: pytest.CaptureFixture[str]) -> None:
    config = load_config(config_file)  # the keyring chosen; none works on this box
    save_config(config.model_copy(update={"secret_backend": "keyring"}), config_file)
    secret, where = _secret_rows(_show(config_file, lang, capsys), lang)
    assert secret.startswith("illisible" if lang == "fr" else "unreadable")
    assert ("trousseau" if lang == "fr" else "keyring") in where
    assert "onserv" not in where and "Kept" not in where and "fichier" not in where \
        and "file" not in where


def test_show_in_french_agrees_in_gender(config_file: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    config = load_config(config_file)
    save_config(config.model_copy(update={"smtp": config.smtp.model_copy(
        update={"from_address": ""})}), config_file)
    rows = _show(config_file, "fr", capsys)
    assert rows["Adresse d'expéditeur"] == "(aucune)"  # une adresse


# -- `show` and `check` at 80 columns, in French and English ----------------------------

def _rows_of(out: str) -> list[list[str]]:
    """The settings block of `show` (up to its first blank line): each row with the rows
    it continues on."""
    rows: list[list[str]] = []
    for line in out.split("\n\n")[0].splitlines():
        if line.startswith(" ") and rows:
            rows[-1].append(line)
        else:
            rows.append([line])
    return rows


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_show_fits_80_columns_its_rows_continued_under_the_value(
        config_file: Path, lang: str) -> None:
    assert cli("password", "--stdin", stdin=PASSWORD + "\n", config=config_file).returncode == 0
    shown = cli("show", lang=lang, config=config_file, env={"COLUMNS": "80"})
    assert shown.returncode == 0, shown.stderr
    out = shown.stdout
    for line in out.splitlines():  # only a word longer than a row (a path) may overflow
        head, _, word = line.rstrip().rpartition(" ")
        assert len(line) <= 80 or (len(head) < 80 and "/" in word), line
    rows = _rows_of(out)
    where_label = "Emplacement" if lang == "fr" else "Location"
    [where] = [row for row in rows if row[0].startswith(where_label)]
    assert len(where) > 1  # the store's description is longer than a row
    column = len(where[0]) - len(where[0].split(":", 1)[1].lstrip())
    for more in where[1:]:  # continued under the value, not under the label
        assert len(more) - len(more.lstrip()) == column, (where, column)
    said = " ".join(part.strip() for part in where)
    assert str(secret_file_path(config_file)) in said
    reminder = "Rappel" if lang == "fr" else "Reminder"
    assert any(line.startswith(reminder) for line in out.splitlines())
    assert "(comelin-tui password)" in " ".join(out.split())


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_show_labels_follow_the_typography_of_the_language(
        config_file: Path, lang: str) -> None:
    shown = cli("show", lang=lang, config=config_file, env={"COLUMNS": "80"})
    assert shown.returncode == 0, shown.stderr
    for row in _rows_of(shown.stdout):
        label = row[0].split(":", 1)[0]
        if lang == "fr":  # "Libellé : valeur", the space before the colon a no-break one
            assert label.endswith("\u00a0") and not label.endswith(" \u00a0"), row[0]
        else:
            assert label == label.rstrip(), row[0]
    first = shown.stdout.splitlines()[0]
    assert first.startswith("Fichier de réglages\u00a0:" if lang == "fr" else "Settings file:")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_check_names_a_step_as_the_list_of_steps_does(config_file: Path, lang: str,
                                                      sandbox: Sandbox) -> None:
    assert cli("password", "--stdin", stdin=sandbox.password + "\n",
               config=config_file).returncode == 0
    done = cli("check", "--no-send", "--no-dns-checks", lang=lang, config=config_file,
               env={"COLUMNS": "80"})
    assert done.returncode == 0, done.stdout + done.stderr
    said = " ".join(done.stdout.split())
    assert ("voir l'étape « STARTTLS »" if lang == "fr"
            else 'see the "STARTTLS" step') in said, done.stdout
    assert "l'étape starttls" not in said and "the starttls step" not in said
