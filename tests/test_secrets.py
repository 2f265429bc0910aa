"""Secret storage: OS keyring when a real round trip works, else an owner-only file; env wins."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backend
import pytest
from keyring.backends import chainer, null
from keyring.errors import KeyringLocked

from comelin_tui import i18n
from comelin_tui.secrets import (
    CHUNK_SIZE,
    ENV_PASSWORD,
    OAUTH_TOKEN_CACHE,
    SERVICE,
    SMTP_PASSWORD,
    EnvSecretStore,
    FileSecretStore,
    KeyringSecretStore,
    MemorySecretStore,
    SecretError,
    SecretNotSaved,
    SecretStore,
    config_namespace,
    keyring_usable,
    migrate_secret,
    migrate_secrets,
    open_secret_store,
    secret_file_path,
    smtp_password,
    smtp_password_store,
)

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


@pytest.fixture
def config_file(isolated_environment: Path) -> Path:
    folder = isolated_environment / "config" / "comelin-tui"
    folder.mkdir()
    return folder / "config.toml"


def _files_containing(root: Path, needle: str) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and needle.encode() in p.read_bytes())


# -- keyring path (in-memory backend) -------------------------------------------------------

def test_working_keyring_is_chosen_and_round_trips(memory_keyring, config_file: Path) -> None:
    assert keyring_usable()
    store = open_secret_store(config_file)
    assert isinstance(store, KeyringSecretStore) and store.kind == "keyring"
    store.set(SMTP_PASSWORD, "hunter2-é")
    assert store.get(SMTP_PASSWORD) == "hunter2-é"
    account = f"{SMTP_PASSWORD}@{config_namespace(config_file)}"
    # The probe cleaned up after itself: only our entry is in the keyring.
    assert memory_keyring.store == {(SERVICE, account): "hunter2-é"}
    assert not secret_file_path(config_file).exists()
    store.delete(SMTP_PASSWORD)
    assert store.get(SMTP_PASSWORD) is None
    store.delete(SMTP_PASSWORD)  # deleting an absent secret is fine


def test_demo_and_real_settings_never_share_a_secret(memory_keyring, tmp_path: Path) -> None:
    real = open_secret_store(tmp_path / "real" / "config.toml", "keyring")
    demo = open_secret_store(tmp_path / "demo" / "config.toml", "keyring")
    real.set(SMTP_PASSWORD, "real-password")
    assert demo.get(SMTP_PASSWORD) is None
    # Same file reached by another spelling: same namespace.
    (tmp_path / "real").mkdir(exist_ok=True)  # the lock file's folder may be there
    assert config_namespace(tmp_path / "real" / ".." / "real" / "config.toml") == \
        config_namespace(tmp_path / "real" / "config.toml")


def test_large_value_is_chunked_and_reassembled(memory_keyring, tmp_path: Path) -> None:
    store = open_secret_store(tmp_path / "config.toml", "keyring")
    token_cache = ('{"AccessToken": {"k": "' + "abcdefghij" * 1000 + '"}}')  # ~10 KB
    store.set(OAUTH_TOKEN_CACHE, token_cache)
    entries = memory_keyring.store
    assert len(entries) == 1 + -(-len(token_cache) // CHUNK_SIZE)
    assert all(len(value) <= CHUNK_SIZE for value in entries.values())
    assert store.get(OAUTH_TOKEN_CACHE) == token_cache
    # A shorter value replaces it and leaves no stale chunk behind.
    store.set(OAUTH_TOKEN_CACHE, "small")
    assert list(entries.values()) == ["small"]
    store.set(OAUTH_TOKEN_CACHE, token_cache)
    store.delete(OAUTH_TOKEN_CACHE)
    assert entries == {}
    assert store.get(OAUTH_TOKEN_CACHE) is None


def test_chunks_respect_utf16_size_for_emoji(memory_keyring, tmp_path: Path) -> None:
    store = open_secret_store(tmp_path / "config.toml", "keyring")
    value = "🔑" * 700  # 1,400 UTF-16 code units: over the limit though under 1,000 chars
    store.set(OAUTH_TOKEN_CACHE, value)
    assert len(memory_keyring.store) == 3
    assert all(len(v.encode("utf-16-le")) <= 2 * CHUNK_SIZE for v in memory_keyring.store.values())
    assert store.get(OAUTH_TOKEN_CACHE) == value


def test_damaged_chunks_are_reported_not_mixed(memory_keyring, tmp_path: Path) -> None:
    store = open_secret_store(tmp_path / "config.toml", "keyring")
    store.set(OAUTH_TOKEN_CACHE, "x" * 2500)
    del memory_keyring.store[(SERVICE, store.account(OAUTH_TOKEN_CACHE, 2))]
    with pytest.raises(SecretError, match="incomplete"):
        store.get(OAUTH_TOKEN_CACHE)


def test_keyring_describe_mentions_keyring_and_chunks(memory_keyring, tmp_path: Path) -> None:
    store = open_secret_store(tmp_path / "config.toml", "keyring")
    english = store.describe("en")
    assert "keyring" in english and "comelin-tui" in english and store.namespace in english
    assert "2,560 bytes" in english and "#1" in english
    assert "trousseau de clés" in store.describe("fr")


# -- headless box: no keyring -> protected file ----------------------------------------------

def test_fail_backend_falls_back_to_owner_only_file(config_file: Path, tmp_path: Path) -> None:
    assert not keyring_usable()
    store = open_secret_store(config_file)
    assert isinstance(store, FileSecretStore) and store.kind == "file"
    assert store.path == config_file.parent / "config.secrets"
    store.set(SMTP_PASSWORD, "s3cret-value")
    assert store.get(SMTP_PASSWORD) == "s3cret-value"
    if os.name == "posix":
        assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    # In that file and nowhere else (no temp file left over, not in the config).
    assert _files_containing(tmp_path, "s3cret-value") == [store.path]
    # Beside it, only its (empty) lock file, which writers hold while they change it.
    assert sorted(p.name for p in config_file.parent.iterdir()) == [
        "config.secrets", "config.secrets.lock"]
    # Deleting the last secret removes the file.
    store.delete(SMTP_PASSWORD)
    assert not store.path.exists()


@posix_only
def test_file_is_0600_even_with_a_permissive_umask(tmp_path: Path) -> None:
    store = FileSecretStore(tmp_path / "new-folder" / "config.secrets")
    previous = os.umask(0)
    try:
        store.set(SMTP_PASSWORD, "pw")
        store.set(OAUTH_TOKEN_CACHE, "cache")
    finally:
        os.umask(previous)
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(store.path.parent.stat().st_mode) == 0o700
    assert (store.get(SMTP_PASSWORD), store.get(OAUTH_TOKEN_CACHE)) == ("pw", "cache")


def test_secret_file_path_is_next_to_the_config(tmp_path: Path) -> None:
    assert secret_file_path(tmp_path / "config.toml") == tmp_path / "config.secrets"
    assert secret_file_path(tmp_path / "odd.secrets") == tmp_path / "odd.secrets.secrets"


@posix_only
def test_group_readable_secret_file_is_refused(tmp_path: Path) -> None:
    store = FileSecretStore(tmp_path / "config.secrets")
    store.set(SMTP_PASSWORD, "pw")
    store.path.chmod(0o640)
    with pytest.raises(SecretError) as caught:
        store.get(SMTP_PASSWORD)
    message = str(caught.value)
    assert f"chmod 600 {store.path}" in message and "0640" in message
    assert "chmod 600" in caught.value.message("fr")
    # Saving is refused too, and the file is left as it was.
    before = store.path.read_bytes()
    with pytest.raises(SecretNotSaved, match="chmod 600"):
        store.set(SMTP_PASSWORD, "new")
    assert store.path.read_bytes() == before
    store.path.chmod(0o600)
    assert store.get(SMTP_PASSWORD) == "pw"


def test_damaged_secret_file_is_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "config.secrets"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    os.write(fd, b'{"smtp-password": "pw",')
    os.close(fd)
    store = FileSecretStore(path)
    with pytest.raises(SecretError, match="damaged"):
        store.get(SMTP_PASSWORD)
    with pytest.raises(SecretNotSaved, match="may not have been saved"):
        store.set(OAUTH_TOKEN_CACHE, "cache")
    assert path.read_bytes() == b'{"smtp-password": "pw",'


# -- keyrings that hang, are locked, or must not be used ----------------------------------------

class HangingKeyring(keyring.backend.KeyringBackend):
    """A backend whose daemon never answers (until the test releases it)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self, release: threading.Event) -> None:
        super().__init__()
        self.release = release

    def get_password(self, service: str, username: str) -> str | None:
        self.release.wait()
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        self.release.wait()

    def delete_password(self, service: str, username: str) -> None:
        self.release.wait()


class LockedKeyring(keyring.backend.KeyringBackend):
    """A backend whose collection is locked and cannot be unlocked here."""

    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringLocked("Failed to unlock the collection!")

    set_password = delete_password = get_password  # type: ignore[assignment]


@pytest.fixture
def hanging_keyring() -> Iterator[HangingKeyring]:
    release = threading.Event()
    backend = HangingKeyring(release)
    keyring.set_keyring(backend)
    yield backend
    release.set()  # let the abandoned threads finish


def test_hanging_keyring_is_not_usable_within_the_timeout(hanging_keyring, tmp_path) -> None:
    started = time.monotonic()
    assert keyring_usable(timeout=0.5) is False
    assert time.monotonic() - started < 1.5
    # open_secret_store would use the file; a recorded keyring backend times out clearly.
    store = KeyringSecretStore("abc", timeout=0.5)
    with pytest.raises(SecretError) as caught:
        store.get(SMTP_PASSWORD)
    assert "did not answer within 0.5 seconds" in str(caught.value)
    assert "protected file" in str(caught.value)


def test_locked_keyring_gives_a_clear_error(tmp_path: Path) -> None:
    keyring.set_keyring(LockedKeyring())
    assert keyring_usable(timeout=1.0) is False
    store = open_secret_store(tmp_path / "config.toml", "keyring")
    with pytest.raises(SecretError) as caught:
        store.get(SMTP_PASSWORD)
    message = str(caught.value)
    assert "locked" in message and "Unlock it" in message and "protected file" in message
    assert "Traceback" not in message and "\n" not in message
    assert "verrouillé" in caught.value.message("fr")
    with pytest.raises(SecretNotSaved) as not_saved:
        store.set(SMTP_PASSWORD, "pw")
    assert "may not have been saved" in str(not_saved.value)
    assert "locked" in str(not_saved.value)
    assert "peut-être pas été enregistré" in not_saved.value.message("fr")
    assert "verrouillé" in not_saved.value.message("fr")


def test_recorded_keyring_missing_on_this_box_says_what_to_do(tmp_path: Path) -> None:
    store = open_secret_store(tmp_path / "config.toml", "keyring")  # fail backend
    with pytest.raises(SecretError, match="No usable system keyring"):
        store.get(SMTP_PASSWORD)


def test_null_and_empty_chainer_backends_count_as_absent() -> None:
    keyring.set_keyring(null.Keyring())
    assert not keyring_usable()

    class EmptyChainer(chainer.ChainerBackend):
        backends = ()  # type: ignore[assignment]

    keyring.set_keyring(EmptyChainer())
    assert not keyring_usable()


def test_chainer_uses_its_best_backend(memory_keyring, tmp_path: Path) -> None:
    class OneChainer(chainer.ChainerBackend):
        backends = (memory_keyring,)  # type: ignore[assignment]

    keyring.set_keyring(OneChainer())
    assert keyring_usable()
    store = open_secret_store(tmp_path / "config.toml")
    store.set(SMTP_PASSWORD, "pw")
    assert list(memory_keyring.store.values()) == ["pw"]


def test_prompting_backend_is_never_called() -> None:
    calls: list[str] = []

    class PromptingKeyring(keyring.backend.KeyringBackend):
        priority = 1  # type: ignore[assignment]

        def get_password(self, service: str, username: str) -> str | None:
            calls.append("prompted")
            return None

        set_password = delete_password = get_password  # type: ignore[assignment]

    PromptingKeyring.__module__ = "keyrings.alt.file"  # e.g. EncryptedKeyring (getpass)
    keyring.set_keyring(PromptingKeyring())
    assert not keyring_usable()
    assert calls == []


# -- environment override ----------------------------------------------------------------------

def test_environment_password_wins_and_is_read_only(monkeypatch, config_file: Path) -> None:
    FileSecretStore(secret_file_path(config_file)).set(SMTP_PASSWORD, "from-file")
    assert smtp_password(config_file, "file") == "from-file"
    monkeypatch.setenv(ENV_PASSWORD, "from-env")
    assert smtp_password(config_file, "file") == "from-env"
    store = smtp_password_store(config_file, "keyring")
    assert isinstance(store, EnvSecretStore) and store.read_only and store.kind == "env"
    assert store.get(OAUTH_TOKEN_CACHE) is None
    for action in (lambda: store.set(SMTP_PASSWORD, "x"), lambda: store.delete(SMTP_PASSWORD)):
        with pytest.raises(SecretError) as caught:
            action()
        assert ENV_PASSWORD in str(caught.value) and "environment" in str(caught.value)
    assert EnvSecretStore({ENV_PASSWORD: ""}).get(SMTP_PASSWORD) is None


_SUBPROCESS = """
import sys
from pathlib import Path
from comelin_tui.secrets import smtp_password
print(smtp_password(Path(sys.argv[1]), None))
print("keyring" in sys.modules)
"""


@pytest.mark.parametrize("env_password", ["from-env", None])
def test_env_password_does_not_import_keyring(env_password, config_file: Path) -> None:
    env = dict(os.environ)
    if env_password:
        env[ENV_PASSWORD] = env_password
    out = subprocess.run(
        [sys.executable, "-c", _SUBPROCESS, str(config_file)],
        capture_output=True, text=True, check=True, env=env, timeout=60,
    ).stdout.split()
    if env_password:
        assert out == ["from-env", "False"]
    else:  # control: without the variable the keyring is probed (fail backend -> file)
        assert out == ["None", "True"]


# -- descriptions and switching backend --------------------------------------------------------

def test_describe_is_in_french_and_english(memory_keyring, config_file: Path) -> None:
    stores = [KeyringSecretStore("abc"), FileSecretStore(secret_file_path(config_file)),
              EnvSecretStore({})]
    missing = stores[1].describe("en")  # no file yet: nothing is said to be kept there
    assert missing.startswith("No secret file yet") and "will be created" in missing
    assert stores[1].describe("fr").startswith("Aucun fichier de secrets")
    stores[1].set("smtp-password", "s3cret-Test")
    for store in stores:
        french, english = store.describe("fr"), store.describe("en")
        assert french != english
        assert "Conservé" in french or "Lu dans" in french
        assert "Kept" in english or "Read from" in english
    assert str(secret_file_path(config_file)) in stores[1].describe("en")
    assert ENV_PASSWORD in stores[2].describe("fr")
    i18n.set_language("fr")
    assert stores[2].describe() == stores[2].describe("fr")


def test_migrate_between_file_and_keyring(memory_keyring, config_file: Path) -> None:
    file_store = open_secret_store(config_file, "file")
    keyring_store = open_secret_store(config_file, "keyring")
    file_store.set(SMTP_PASSWORD, "pw")
    file_store.set(OAUTH_TOKEN_CACHE, "c" * 5000)
    assert migrate_secrets(file_store, keyring_store) == [SMTP_PASSWORD, OAUTH_TOKEN_CACHE]
    assert file_store.get(SMTP_PASSWORD) is None and not file_store.path.exists()
    assert keyring_store.get(OAUTH_TOKEN_CACHE) == "c" * 5000
    assert migrate_secret(SMTP_PASSWORD, keyring_store, file_store) is True
    assert file_store.get(SMTP_PASSWORD) == "pw" and keyring_store.get(SMTP_PASSWORD) is None
    assert migrate_secret(SMTP_PASSWORD, keyring_store, file_store) is False
    with pytest.raises(SecretError, match=ENV_PASSWORD):
        migrate_secret(SMTP_PASSWORD, EnvSecretStore({ENV_PASSWORD: "x"}), file_store)


def test_migrate_keeps_the_original_when_the_target_fails(config_file: Path) -> None:
    keyring.set_keyring(LockedKeyring())
    file_store = open_secret_store(config_file, "file")
    file_store.set(SMTP_PASSWORD, "pw")
    with pytest.raises(SecretNotSaved):
        migrate_secret(SMTP_PASSWORD, file_store, open_secret_store(config_file, "keyring"))
    assert file_store.get(SMTP_PASSWORD) == "pw"


def test_non_recommended_backend_counts_as_absent(memory_keyring) -> None:
    """keyring marks plain-text or prompting backends with a priority below 1."""
    type(memory_keyring).priority = 0.5  # type: ignore[assignment]
    try:
        assert not keyring_usable()
    finally:
        type(memory_keyring).priority = 1  # type: ignore[assignment]
    assert keyring_usable()


# -- hostile secret files ------------------------------------------------------------------------

def test_secret_path_that_is_a_folder_is_a_clear_error(tmp_path: Path) -> None:
    store = FileSecretStore(tmp_path / "config.secrets")
    store.path.mkdir(mode=0o700)
    with pytest.raises(SecretError) as caught:
        store.get(SMTP_PASSWORD)
    assert "not a regular file" in caught.value.message("en")
    assert "pas un fichier ordinaire" in caught.value.message("fr")
    with pytest.raises(SecretNotSaved):
        store.set(SMTP_PASSWORD, "pw")
    assert store.path.is_dir()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_secret_path_that_is_a_pipe_does_not_hang(tmp_path: Path) -> None:
    store = FileSecretStore(tmp_path / "config.secrets")
    os.mkfifo(store.path, 0o600)
    outcome: list[BaseException] = []
    # In a thread: without the fix, open() blocks forever waiting for a writer.
    worker = threading.Thread(target=lambda: outcome.append(
        pytest.raises(SecretError, store.get, SMTP_PASSWORD).value), daemon=True)
    worker.start()
    worker.join(timeout=10)
    assert not worker.is_alive(), "reading a named pipe hung"
    assert "not a regular file" in str(outcome[0])


def test_huge_secret_file_is_refused_without_reading_it_all(tmp_path: Path) -> None:
    path = tmp_path / "config.secrets"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    os.ftruncate(fd, 50 << 20)  # 50 MB of zeros, sparse
    os.close(fd)
    with pytest.raises(SecretError, match="over 1 MiB"):
        FileSecretStore(path).get(SMTP_PASSWORD)


def test_damaged_secret_file_message_never_quotes_its_bytes(tmp_path: Path) -> None:
    path = tmp_path / "config.secrets"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    os.write(fd, '{"smtp-password": "pass\xe9word"}'.encode("latin-1"))
    os.close(fd)
    with pytest.raises(SecretError) as caught:
        FileSecretStore(path).get(SMTP_PASSWORD)
    for lang in ("en", "fr"):
        message = caught.value.message(lang)
        assert "0xe9" not in message and "position" not in message, message
    assert "not valid UTF-8" in caught.value.message("en")


def test_undecodable_value_is_refused_without_quoting_it(tmp_path: Path) -> None:
    store = FileSecretStore(tmp_path / "conf" / "config.secrets")
    with pytest.raises(SecretNotSaved) as caught:
        store.set(SMTP_PASSWORD, "pass\udce9word")  # a byte that was not UTF-8, from a pipe
    message = caught.value.message("en")
    assert "udce9" not in message and "\udce9" not in message and "position" not in message
    assert "not valid UTF-8" in message
    assert not store.path.parent.exists()  # nothing written, not even a temp file


# -- memory (what a sign-in holds until it is saved) -----------------------------------------

def test_memory_store_holds_values_and_writes_nothing(memory_keyring, isolated_environment: Path,
                                                      config_file: Path) -> None:
    store = MemorySecretStore()
    assert store.kind == "memory" and not store.read_only
    store.set(OAUTH_TOKEN_CACHE, "cache-é")
    store.set(OAUTH_TOKEN_CACHE, "cache-2")
    assert store.get(OAUTH_TOKEN_CACHE) == "cache-2" and store.get(SMTP_PASSWORD) is None
    store.delete(SMTP_PASSWORD)  # absent: not an error
    assert _files_containing(isolated_environment, "cache-2") == []
    assert memory_keyring.store == {}
    real = open_secret_store(config_file, "file")
    assert migrate_secrets(store, real) == [OAUTH_TOKEN_CACHE]
    assert real.get(OAUTH_TOKEN_CACHE) == "cache-2" and store.get(OAUTH_TOKEN_CACHE) is None


def test_one_class_per_kind_of_store() -> None:
    """The wizard's and the signin command's held secrets are the same MemorySecretStore."""
    import importlib
    import pkgutil

    import comelin_tui

    for module in pkgutil.walk_packages(comelin_tui.__path__, "comelin_tui."):
        if not module.name.endswith("__main__"):
            importlib.import_module(module.name)

    def every(cls: type) -> set[type]:
        return {cls, *(sub for direct in cls.__subclasses__() for sub in every(direct))}

    stores = {cls for cls in every(SecretStore) if cls.__module__.startswith("comelin_tui")}
    assert stores == {SecretStore, KeyringSecretStore, FileSecretStore, EnvSecretStore,
                      MemorySecretStore}
    assert len({cls.kind for cls in stores - {SecretStore}}) == 4
