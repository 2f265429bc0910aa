"""What a security review proved, each point reproduced first: files the program must not
trust (FIFOs, another user's files, group-writable folders), folders created private under
any umask, no core dumps, a quiet end when the reader goes away, crash leftovers cleaned,
a bounded read of a huge log, and clear-text login consent that stays with its server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from smtp_servers import (  # noqa: F401 - fixtures
    PASSWORD,
    USERNAME,
    Certificates,
    ScriptedServer,
    certs_fixture,
    fresh_servers,
    reset_used_servers,
    starttls_server_fixture,
)

from comelin_tui.attempt_log import Attempt, append_attempt, last_attempt
from comelin_tui.config import (
    CompanySettings,
    Config,
    ConfigError,
    SmtpSettings,
    load_config,
    save_config,
)
from comelin_tui.secrets import SMTP_PASSWORD, FileSecretStore, SecretError

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX owners, modes and FIFOs")
as_root = pytest.mark.skipif(os.name != "posix" or os.geteuid() != 0,
                             reason="giving a file to another user needs root")
NOBODY = 65534


def comelin(*args: str, **options: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "comelin_tui", "--lang", "en", *args],
                          capture_output=True, text=True, timeout=30, check=False,
                          **options)  # type: ignore[call-overload]


def a_config(**smtp: object) -> Config:
    values: dict[str, object] = {"host": "smtp.shop.test", "port": 587,
                                 "security": "starttls", "username": "caisse@shop.test",
                                 "from_address": "caisse@shop.test"}
    values.update(smtp)
    return Config(provider="custom", company=CompanySettings(name="Shop",
                                                             email="caisse@shop.test"),
                  smtp=SmtpSettings(**values), secret_backend="file")  # type: ignore[arg-type]


# -- FIFOs and other non-regular files ------------------------------------------------------

@posix_only
def test_a_fifo_in_place_of_the_settings_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "config.toml"
    os.mkfifo(fifo)
    done = comelin("show", "--config", str(fifo))  # used to hang forever
    assert done.returncode != 0
    assert "is not a regular file (a named pipe)" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


@posix_only
def test_a_fifo_in_place_of_the_attempt_log_is_refused_not_waited_on(tmp_path: Path) -> None:
    log = tmp_path / "attempts.jsonl"
    os.mkfifo(log)
    assert last_attempt(log) is None  # reads as no history
    with pytest.raises(OSError, match="not a regular file"):
        append_attempt(Attempt.from_json({"time": "2026-12-01T10:00:00+00:00",
                                          "status": "ok"}), log)


# -- private folders, owners and modes ------------------------------------------------------

@posix_only
def test_every_missing_folder_is_created_private_under_umask_000(tmp_path: Path) -> None:
    script = (
        "import os, sys\n"
        "from pathlib import Path\n"
        "os.umask(0)\n"
        "from comelin_tui.config import save_config\n"
        "from comelin_tui.attempt_log import Attempt, append_attempt\n"
        "from comelin_tui.secrets import FileSecretStore\n"
        "root = Path(sys.argv[1])\n"
        "from test_hardening import a_config\n"
        "save_config(a_config(), root / 'a' / 'b' / 'config.toml')\n"
        "FileSecretStore(root / 's1' / 's2' / 'config.secrets').set('x', 'y')\n"
        "append_attempt(Attempt.from_json({'time': '2026-12-01T10:00:00+00:00', "
        "'status': 'ok'}), root / 'l1' / 'l2' / 'attempts.jsonl')\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path(__file__).parent),
                                                        os.environ.get("PYTHONPATH", "")])}
    subprocess.run([sys.executable, "-c", script, str(tmp_path)], check=True, env=env,
                   timeout=30)
    for folder in ("a", "a/b", "s1", "s1/s2", "l1", "l1/l2"):
        mode = (tmp_path / folder).stat().st_mode & 0o777
        assert mode == 0o700, f"{folder}: {mode:04o}"


@posix_only
def test_a_group_writable_settings_folder_is_refused_with_the_fix(tmp_path: Path) -> None:
    folder = tmp_path / "settings"
    path = folder / "config.toml"
    save_config(a_config(), path)
    folder.chmod(0o775)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = caught.value.message("en")
    assert "can be changed by other users (mode 0775)" in message
    assert f"chmod go-w {folder}" in message
    folder.chmod(0o700)
    assert load_config(path).smtp.host == "smtp.shop.test"  # nothing was lost


@as_root
def test_settings_owned_by_another_user_are_refused(tmp_path: Path) -> None:
    """Another user swapped the folder: root's next check must not send the password."""
    path = tmp_path / "config.toml"
    save_config(a_config(host="evil.example"), path)
    os.chown(path, NOBODY, NOBODY)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert f"belongs to another user (uid {NOBODY})" in caught.value.message("en")
    done = comelin("check", "--config", str(path), "--no-dns-checks")
    assert done.returncode != 0 and "belongs to another user" in done.stderr
    assert "evil.example" not in done.stdout


@as_root
def test_a_secret_file_owned_by_another_user_is_refused(tmp_path: Path) -> None:
    store = FileSecretStore(tmp_path / "config.secrets")
    store.set(SMTP_PASSWORD, "planted")
    os.chown(store.path, NOBODY, NOBODY)
    with pytest.raises(SecretError) as caught:
        store.get(SMTP_PASSWORD)
    assert "belongs to another user" in caught.value.message("en")


# -- crash leftovers ------------------------------------------------------------------------

@posix_only
def test_stale_temp_files_of_a_crashed_write_are_removed_on_the_next(tmp_path: Path) -> None:
    store = FileSecretStore(tmp_path / "config.secrets")
    stale = tmp_path / ".config.secrets.0123456789ab.tmp"
    fresh = tmp_path / ".config.secrets.ba9876543210.tmp"  # a write under way elsewhere
    stale.write_text('{"smtp-password": "old secret"}')
    fresh.write_text("{}")
    hour_ago = time.time() - 3600
    os.utime(stale, (hour_ago, hour_ago))
    store.set(SMTP_PASSWORD, "new")
    assert not stale.exists() and fresh.exists()
    settings_stale = tmp_path / ".config.toml.abcd1234.tmp"
    settings_stale.write_text("x")
    os.utime(settings_stale, (hour_ago, hour_ago))
    save_config(a_config(), tmp_path / "config.toml")
    assert not settings_stale.exists()


# -- the attempt log: a bounded read of its end ---------------------------------------------

@posix_only
def test_the_dashboard_reads_the_end_of_a_huge_log_in_bounded_memory(tmp_path: Path) -> None:
    log = tmp_path / "attempts.jsonl"
    with log.open("wb") as handle:
        handle.truncate(1536 * 1024 * 1024)  # 1.5 GB of zeros (sparse), as a runaway log
        handle.seek(0, os.SEEK_END)
        handle.write(b"\n" + json.dumps({"time": "2026-12-01T10:00:00+00:00", "status": "ok",
                                         "server": {"host": "smtp.last.test"}}).encode()
                     + b"\n")
    script = (
        "import resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_AS, (700 * 1024 * 1024, 700 * 1024 * 1024))\n"
        "from pathlib import Path\n"
        "from comelin_tui.attempt_log import last_attempt\n"
        "record = last_attempt(Path(sys.argv[1]))\n"
        "print(record.host if record else 'none')\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(log)], capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.stdout.strip() == "smtp.last.test", done.stdout + done.stderr


# -- core dumps and broken pipes -----------------------------------------------------------

@posix_only
def test_no_core_file_can_be_written(tmp_path: Path) -> None:
    script = (
        "import resource\n"
        "soft, hard = resource.getrlimit(resource.RLIMIT_CORE)\n"
        "resource.setrlimit(resource.RLIMIT_CORE, (hard, hard))\n"
        "from comelin_tui.cli import run\n"
        f"run(['show', '--config', {str(tmp_path / 'none.toml')!r}])\n"
        "print(resource.getrlimit(resource.RLIMIT_CORE))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=30, check=False)
    assert done.stdout.strip().splitlines()[-1] == "(0, 0)", done.stdout + done.stderr


@posix_only
def test_show_into_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    save_config(a_config(), path)
    read_end, write_end = os.pipe()
    os.close(read_end)  # `show | head` after head has gone
    try:
        done = subprocess.run([sys.executable, "-m", "comelin_tui", "show", "--config",
                               str(path)], stdout=write_end, stderr=subprocess.PIPE,
                              text=True, timeout=30, check=False)
    finally:
        os.close(write_end)
    assert done.stderr == "", done.stderr
    assert done.returncode == 141


# -- clear-text login ----------------------------------------------------------------------

def test_clear_text_consent_does_not_follow_an_ad_hoc_host(
        tmp_path: Path, starttls_server: ScriptedServer, certs: Certificates) -> None:
    starttls_server.options.auth_require_tls = False
    path = tmp_path / "config.toml"
    save_config(a_config(host="127.0.0.1", port=starttls_server.port, security="none",
                         username=USERNAME, from_address=USERNAME,
                         allow_insecure_auth=True), path)
    FileSecretStore(tmp_path / "config.secrets").set(SMTP_PASSWORD, PASSWORD)
    common = ["--config", str(path), "--to", "compta@example.org", "--no-dns-checks",
              "--no-send", "--json"]
    saved = comelin("check", *common)
    data = json.loads(saved.stdout)
    assert data["status"] == "warn" and saved.returncode == 1, saved.stdout
    auth = next(s for s in data["steps"] if s["id"] == "auth")
    assert auth["diagnosis"]["code"] == "auth.cleartext_allowed"
    other = comelin("check", *common, "--host", "localhost", "--send-saved-password")
    data = json.loads(other.stdout)
    assert data["diagnosis"]["code"] == "auth.insecure_refused", other.stdout
    assert not any(line.startswith("-> AUTH") for line in data["transcript"])


def test_the_saved_password_goes_to_another_host_only_when_asked(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    save_config(a_config(host="smtp.shop.test"), path)
    FileSecretStore(tmp_path / "config.secrets").set(SMTP_PASSWORD, "saved-secret")
    done = comelin("check", "--config", str(path), "--host", "127.0.0.1", "--port", "9",
                   "--no-dns-checks", "--json")
    data = json.loads(done.stdout)
    assert data["error"] == "check.saved_password_elsewhere_refused"
    assert data["steps"] == []  # refused before any connection
    assert "saved-secret" not in done.stdout + done.stderr


def test_the_file_says_it_is_rewritten_and_a_hand_comment_survives_in_the_backup(
        tmp_path: Path) -> None:
    from comelin_tui.config import update_config, with_changes

    path = tmp_path / "config.toml"
    save_config(a_config(), path)
    text = path.read_text("utf-8")
    assert "rewrites this file on every save: comments added by hand are not" in text
    assert "réécrit ce fichier à chaque enregistrement" in text
    path.write_text(text + "# serveur changé le 2 décembre par Luc\n", "utf-8")
    update_config(path, lambda c: with_changes(c, {"smtp.port": 465,
                                                  "smtp.security": "implicit_tls"}))
    assert "Luc" not in path.read_text("utf-8")
    assert "Luc" in (tmp_path / "config.toml.bak").read_text("utf-8")


def test_bidi_and_invisible_characters_from_a_server_are_shown_escaped() -> None:
    import asyncio

    from hostile_servers import RawServer, greeting

    from comelin_tui.diagnostics.engine import run_check
    from comelin_tui.diagnostics.model import Target

    line = "554 5.7.1 Refus\u202egnp.exe\u202c car\u200bte\u2028ligne".encode()
    server = RawServer(greeting(line)).start()
    try:
        target = Target(host="127.0.0.1", port=server.port, security="none", auth="none",
                        from_address="a@shop.test", to_address="b@example.org", timeout=2.0,
                        language="en")
        result = asyncio.run(run_check(target, probe=False))
        done = comelin("check", "--host", "127.0.0.1", "--port", str(server.port),
                       "--security", "none", "--auth", "none", "--from", "a@shop.test",
                       "--to", "b@example.org", "--timeout", "2", "--no-dns-checks",
                       "--no-probe")
    finally:
        server.stop()
    shown = json.dumps(result.to_json(), ensure_ascii=False) + done.stdout
    for char in ("\u202e", "\u202c", "\u200b", "\u2028"):
        assert char not in shown
    assert "\\u202e" in result.step("banner").detail
    assert "\\u202egnp.exe" in done.stdout and "car\\u200bte" in done.stdout


@as_root
def test_a_symlink_towards_another_users_file_is_never_written_through(tmp_path: Path) -> None:
    theirs = tmp_path / "theirs"
    theirs.mkdir(mode=0o755)
    victim = theirs / "important.txt"
    victim.write_text("not a settings file\n")
    os.chown(theirs, NOBODY, NOBODY)
    os.chown(victim, NOBODY, NOBODY)
    mine = tmp_path / "mine"
    mine.mkdir(mode=0o700)
    link = mine / "config.toml"
    link.symlink_to(victim)
    with pytest.raises(ConfigError) as caught:
        save_config(a_config(), link)
    assert "belongs to another user" in caught.value.message("en")
    assert victim.read_text() == "not a settings file\n" and link.is_symlink()
