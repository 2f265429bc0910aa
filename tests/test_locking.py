"""Writers in several processes lose no update of the settings or the secret store.

The writers are real processes (tests/lock_writers.py, and the real
``comelin-tui password``), started together through a pipe; each one checks
that what it wrote is still there before it writes again. The lock's bounded
wait is checked against a process that holds it and says so through a pipe.
"""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest
from idp_server import (  # noqa: F401 - fixtures
    CLIENT_ID,
    TENANT_DOMAIN,
    LocalIdentityProvider,
    idp_fixture,
    idp_server_fixture,
)

from comelin_tui import filelock, i18n
from comelin_tui.cli import run
from comelin_tui.config import (
    CompanySettings,
    Config,
    ConfigError,
    ConfigNotFound,
    SmtpSettings,
    load_config,
    save_config,
    update_config,
    with_changes,
)
from comelin_tui.filelock import LockError, exclusive_lock, lock_path
from comelin_tui.oauth import DeviceSignIn
from comelin_tui.secrets import (
    OAUTH_TOKEN_CACHE,
    SMTP_PASSWORD,
    FileSecretStore,
    KeyringSecretStore,
    SecretError,
    SecretNotSaved,
    config_namespace,
    open_secret_store,
    secret_file_path,
)

TESTS = Path(__file__).resolve().parent
WRITERS = TESTS / "lock_writers.py"
ROUNDS = 30


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "conf" / "config.toml"
    save_config(Config(company=CompanySettings(name="Boutique", email="caisse@boutique.example"),
                       smtp=SmtpSettings(host="smtp.boutique.example",
                                         username="caisse@boutique.example")), path)
    return path


def writer(*args: object, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    environment = {**os.environ, **(env or {})}
    return subprocess.Popen([sys.executable, str(WRITERS), *map(str, args)], cwd=TESTS,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=environment)


def start_together(processes: list[subprocess.Popen[str]]) -> None:
    """Wait until every writer is ready, then let them all go at once."""
    for process in processes:
        assert process.stdout is not None and process.stdin is not None
        line = process.stdout.readline()
        assert line == "ready\n", line + process.stderr.read()  # type: ignore[union-attr]
    for process in processes:
        process.stdin.write("go\n")  # type: ignore[union-attr]
        process.stdin.flush()  # type: ignore[union-attr]


def outcome(process: subprocess.Popen[str], timeout: float = 120) -> str:
    out, err = process.communicate(timeout=timeout)
    assert process.returncode == 0, out + err
    return out


@contextmanager
def holding(path: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holds the lock of *path* inside the block (it said so)."""
    holder = writer("hold", path)
    try:
        assert holder.stdout is not None and holder.stdin is not None
        assert holder.stdout.readline() == "held\n"
        yield holder
    finally:
        if holder.poll() is None:
            holder.stdin.write("\n")  # type: ignore[union-attr]
            holder.stdin.flush()  # type: ignore[union-attr]
            holder.communicate(timeout=30)


# -- lost updates ---------------------------------------------------------------------------

def test_secret_writers_in_three_processes_lose_no_update(config_file: Path) -> None:
    processes = [writer("secrets", config_file, index, ROUNDS) for index in range(3)]
    start_together(processes)
    for process in processes:
        assert outcome(process).endswith(f"done {ROUNDS}\n")
    store = open_secret_store(config_file, "file")
    for index in range(3):
        assert store.get(f"{SMTP_PASSWORD}.{index}") == f"password-{index}-{ROUNDS - 1}"
        assert store.get(f"{OAUTH_TOKEN_CACHE}.{index}") == \
            f'{{"refresh": "token-{index}-{ROUNDS - 1}"}}'
    assert stat.S_IMODE(lock_path(store.path).stat().st_mode) == 0o600  # type: ignore[attr-defined]


def test_two_processes_changing_different_settings_keep_both(config_file: Path) -> None:
    processes = [writer("settings", config_file, field, ROUNDS)
                 for field in ("company.name", "smtp.port")]
    start_together(processes)
    for process in processes:
        assert outcome(process).endswith(f"done {ROUNDS}\n")
    config = load_config(config_file)
    assert config.company.name == f"Boutique {ROUNDS - 1}"
    assert config.smtp.port == 2000 + ROUNDS - 1
    # Untouched settings are still there, and the previous version is kept.
    assert config.smtp.host == "smtp.boutique.example"
    assert load_config(config_file.with_name("config.toml.bak")).smtp.host == \
        "smtp.boutique.example"


def test_chunked_keyring_writes_in_two_processes_never_mix(
        config_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each value is several keyring entries: writes and reads of them never interleave."""
    folder = tmp_path / "keyring"
    folder.mkdir()
    env = {"PYTHON_KEYRING_BACKEND": "file_keyring.FileKeyring",
           "COMELIN_TEST_KEYRING_DIR": str(folder)}
    processes = [writer("keyring", config_file, index, ROUNDS, env=env) for index in range(2)]
    start_together(processes)
    for process in processes:
        assert outcome(process).endswith(f"done {ROUNDS}\n")
    assert lock_path(secret_file_path(config_file)).is_file()  # the keyring writes took it
    monkeypatch.setenv("COMELIN_TEST_KEYRING_DIR", str(folder))
    from file_keyring import FileKeyring

    final = KeyringSecretStore(config_namespace(config_file), backend=FileKeyring()).get(
        OAUTH_TOKEN_CACHE)
    assert final is not None and final.split(":")[0] in {f"0-{ROUNDS - 1}", f"1-{ROUNDS - 1}"}


@pytest.mark.slow
def test_password_command_during_token_refreshes_is_never_undone(
        config_file: Path, idp: LocalIdentityProvider) -> None:
    """The review's case: a refresh in one process, ``comelin-tui password`` in another."""
    store = open_secret_store(config_file, "file")
    flow = DeviceSignIn(store, min_interval=0)
    flow.start(TENANT_DOMAIN, CLIENT_ID, authority_host=idp.base_url, verify=idp.ca_file)
    flow.wait()
    refresher = writer("refresh", config_file, idp.base_url, idp.ca_file)
    start_together([refresher])
    saved = None
    try:
        for round_ in range(12):
            # What the last "Password saved" saved is still there: no refresh undid it.
            assert store.get(SMTP_PASSWORD) == saved, f"round {round_}"
            saved = f"caisse-{round_}"
            done = subprocess.run(
                [sys.executable, "-m", "comelin_tui", "password", "--stdin",
                 "--config", str(config_file)],
                input=saved + "\n", capture_output=True, text=True, timeout=60, check=False)
            assert done.returncode == 0, done.stdout + done.stderr
            assert done.stdout.startswith("Password saved.")
    finally:
        with suppress(BrokenPipeError):  # a refresher that found a lost update has ended
            refresher.stdin.write("stop\n")  # type: ignore[union-attr]
            refresher.stdin.flush()  # type: ignore[union-attr]
        result = outcome(refresher)
    assert store.get(SMTP_PASSWORD) == saved
    refreshes = int(result.rsplit(" ", 1)[1])
    assert refreshes >= 1
    assert len(idp.grants("refresh_token")) == refreshes
    # The settings record the store the command used, merged into the file as it was.
    config = load_config(config_file)
    assert config.secret_backend == "file" and config.company.name == "Boutique"


# -- the lock itself ------------------------------------------------------------------------

def test_a_held_lock_ends_in_a_clear_error_not_a_hang(config_file: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(filelock, "LOCK_TIMEOUT", 0.3)
    store = open_secret_store(config_file, "file")
    store.set(SMTP_PASSWORD, "ancien")
    with holding(store.path):  # type: ignore[attr-defined]
        started = time.monotonic()
        with pytest.raises(SecretNotSaved) as caught:
            store.set(SMTP_PASSWORD, "nouveau")
        assert time.monotonic() - started < 5
        assert caught.value.cause.key == "lock.timeout"
        english = caught.value.message("en")
        assert "Another comelin-tui program has been changing" in english
        assert "0.3 seconds" in english and "config.secrets.lock" in english
        assert "Un autre programme comelin-tui modifie" in caught.value.message("fr")
        with pytest.raises(SecretError, match="Another comelin-tui"):
            store.delete(SMTP_PASSWORD)
    assert store.get(SMTP_PASSWORD) == "ancien"  # nothing was changed meanwhile
    store.set(SMTP_PASSWORD, "nouveau")  # and once released, the lock is free at once
    assert store.get(SMTP_PASSWORD) == "nouveau"

    with holding(config_file):
        with pytest.raises(ConfigError) as config_error:
            update_config(config_file, lambda current: with_changes(current, {"smtp.port": 465}))
        assert config_error.value.key == "lock.timeout"
        assert "config.toml.lock" in config_error.value.message("en")
        with pytest.raises(ConfigError, match="Another comelin-tui"):
            save_config(Config(), config_file)
    assert load_config(config_file).smtp.port == 587


def test_password_command_says_in_one_line_that_the_store_is_busy(
        config_file: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(filelock, "LOCK_TIMEOUT", 0.2)
    monkeypatch.setattr("sys.stdin", _Lines("nouveau-mot\n"))
    with holding(secret_file_path(config_file)):
        code = run(["password", "--stdin", "--lang", "fr", "--config", str(config_file)])
    err = capsys.readouterr().err
    assert code == 3
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert "Un autre programme comelin-tui modifie" in err and "nouveau-mot" not in err
    assert FileSecretStore(secret_file_path(config_file)).get(SMTP_PASSWORD) is None


class _Lines:
    def __init__(self, text: str) -> None:
        self._lines = text.splitlines(keepends=True)

    def readline(self) -> str:
        return self._lines.pop(0) if self._lines else ""

    def isatty(self) -> bool:
        return False


def test_a_killed_holder_leaves_no_stale_lock(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(filelock, "LOCK_TIMEOUT", 0.2)
    protected = tmp_path / "config.toml"
    holder = writer("hold", protected)
    assert holder.stdout is not None and holder.stdout.readline() == "held\n"
    with pytest.raises(LockError), exclusive_lock(protected):
        pass
    holder.send_signal(signal.SIGKILL)
    holder.communicate(timeout=30)
    with exclusive_lock(protected, timeout=5):  # the kernel dropped it with the process
        pass


def test_lock_file_is_owner_only_whatever_the_umask(tmp_path: Path) -> None:
    previous = os.umask(0)
    try:
        with exclusive_lock(tmp_path / "config.secrets"):
            pass
    finally:
        os.umask(previous)
    lock = tmp_path / "config.secrets.lock"
    assert stat.S_IMODE(lock.stat().st_mode) == 0o600 and lock.stat().st_size == 0
    lock.chmod(0o666)  # loosened by hand: tightened again at the next use
    with exclusive_lock(tmp_path / "config.secrets"):
        pass
    assert stat.S_IMODE(lock.stat().st_mode) == 0o600


def test_lock_through_a_symlink_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere"
    (tmp_path / "config.toml.lock").symlink_to(target)
    with pytest.raises(LockError) as caught, exclusive_lock(tmp_path / "config.toml"):
        pass
    assert caught.value.key == "lock.failed" and not target.exists()


def test_the_same_thread_locking_twice_is_a_programming_error(tmp_path: Path) -> None:
    with (exclusive_lock(tmp_path / "config.toml"),
          pytest.raises(RuntimeError, match="already held"),
          exclusive_lock(tmp_path / "config.toml")):
        pass
    with exclusive_lock(tmp_path / "config.toml"):  # released properly after the error
        pass


# -- what update_config and update do ------------------------------------------------------

def test_update_config_changes_what_is_on_disk_now(config_file: Path) -> None:
    stale = load_config(config_file)
    save_config(with_changes(stale, {"company.name": "Autre boutique"}), config_file)
    written = update_config(config_file,
                            lambda current: with_changes(current, {"smtp.port": 465}))
    assert written.company.name == "Autre boutique" and written.smtp.port == 465
    assert load_config(config_file) == written


def test_update_config_without_a_file_uses_the_default_or_says_so(tmp_path: Path) -> None:
    path = tmp_path / "new" / "config.toml"
    with pytest.raises(ConfigNotFound):
        update_config(path, lambda current: current)
    assert not path.exists()
    base = Config(smtp=SmtpSettings(host="smtp.boutique.example"))
    written = update_config(path, lambda current: with_changes(current, {"smtp.port": 465}),
                            default=base)
    assert load_config(path) == written and written.smtp.host == "smtp.boutique.example"


def test_update_config_leaves_a_broken_file_alone(config_file: Path) -> None:
    config_file.write_text("[smtp\nport = 25\n")
    with pytest.raises(ConfigError) as caught:
        update_config(config_file, lambda current: with_changes(current, {"smtp.port": 465}))
    assert caught.value.line == 1
    assert config_file.read_text() == "[smtp\nport = 25\n"


def test_token_refresh_keeps_a_cache_saved_meanwhile(tmp_path: Path) -> None:
    """A refresh writes its cache only over the one it started from (update's contract)."""
    store = FileSecretStore(tmp_path / "config.secrets")
    store.set(OAUTH_TOKEN_CACHE, "started-from")
    store.set(OAUTH_TOKEN_CACHE, "new-sign-in")  # another program, during the refresh
    kept = store.update(OAUTH_TOKEN_CACHE,
                        lambda current: "refreshed" if current == "started-from" else current)
    assert kept == "new-sign-in" and store.get(OAUTH_TOKEN_CACHE) == "new-sign-in"
    assert store.update(OAUTH_TOKEN_CACHE, lambda current: None) is None
    assert not store.path.exists()


def test_lock_messages_exist_in_both_languages() -> None:
    for key in ("lock.timeout", "lock.failed"):
        texts = i18n.catalogue()[key]
        assert set(texts) == set(i18n.LANGUAGES) and all(texts.values())


def test_keyring_reads_wait_for_a_chunked_write_only(config_file: Path, memory_keyring,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(filelock, "LOCK_TIMEOUT", 0.2)
    store = open_secret_store(config_file, "keyring")
    store.set(SMTP_PASSWORD, "court")
    store.set(OAUTH_TOKEN_CACHE, "x" * 5000)  # in chunks
    with holding(secret_file_path(config_file)):
        assert store.get(SMTP_PASSWORD) == "court"  # one entry: no lock needed
        with pytest.raises(SecretError) as caught:
            store.get(OAUTH_TOKEN_CACHE)
        assert caught.value.key == "lock.timeout"
        with pytest.raises(SecretNotSaved):
            store.set(SMTP_PASSWORD, "autre")
    assert store.get(OAUTH_TOKEN_CACHE) == "x" * 5000 and store.get(SMTP_PASSWORD) == "court"
