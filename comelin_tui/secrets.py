"""Where the SMTP password and the OAuth token cache are kept: never in the config file.

Three stores share one interface, :class:`SecretStore`:

- :class:`KeyringSecretStore`: the OS keyring (Windows Credential Manager, macOS
  Keychain, Secret Service, KWallet). Entries use the service ``"comelin-tui"`` and
  the account ``"<name>@<namespace>"``, where the namespace is a short hash of the
  resolved config path (:func:`config_namespace`), so the demo settings and the real
  ones never share a secret.
- :class:`FileSecretStore`: a JSON file next to the config (``config.toml`` ->
  ``config.secrets``), owner-only (0600), written atomically, refused when other
  users can read it (as ssh does with private keys).
- :class:`EnvSecretStore`: ``COMELIN_SMTP_PASSWORD`` for automation, read-only.

A fourth, :class:`MemorySecretStore`, keeps values in this process only: what a
sign-in saves is held there until the wizard or the command commits it.

Headless POS boxes have no keyring daemon: :func:`open_secret_store` picks the
keyring only when a real round trip works within a few seconds, otherwise the file.

Writes (set, delete, :meth:`SecretStore.update`) of the file and keyring stores
hold an exclusive lock (``config.secrets.lock``, see :mod:`comelin_tui.filelock`)
while they read what is stored now and write it back, so two programs writing
different secrets at once (a relay renewing its sign-in, ``comelin-tui password``)
never undo each other.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import hashlib
import json
import os
import re
import stat
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, ClassVar, Literal, TypeVar

from . import i18n
from .errors import ComelinError
from .filelock import exclusive_lock, lock_path
from .i18n import t

SMTP_PASSWORD = "smtp-password"
OAUTH_TOKEN_CACHE = "oauth-token-cache"
ENV_PASSWORD = "COMELIN_SMTP_PASSWORD"
SERVICE = "comelin-tui"

StoreKind = Literal["keyring", "file", "env", "memory"]
Backend = Literal["keyring", "file"]

PROBE_TIMEOUT = 3.0
OPERATION_TIMEOUT = 10.0
# Windows Credential Manager takes at most 2,560 bytes per entry, stored as UTF-16:
# 1,000 UTF-16 code units (2,000 bytes) leaves room and keeps every backend happy.
CHUNK_SIZE = 1000
_HEADER_PREFIX = "comelin-tui-chunks:v1:"
# keyrings.alt (plain-text or password-prompting files) and keyrings.cryptfile ask
# for a master password with getpass on the terminal: see _acceptable_backend.
_PROMPTING_MODULES = ("keyrings.alt", "keyrings.cryptfile")

_T = TypeVar("_T")

i18n.register({
    "secrets.env_read_only": {
        "fr": "Le mot de passe SMTP vient de la variable d'environnement {var} : il ne peut pas "
              "être modifié ni effacé ici. Changez ou retirez plutôt la variable.",
        "en": "The SMTP password comes from the environment variable {var}: it cannot be "
              "changed or deleted here. Change or unset the variable instead.",
    },
    "secrets.keyring_missing": {
        "fr": "Aucun trousseau de clés utilisable sur cet ordinateur. Choisissez plutôt le "
              "fichier protégé à côté des réglages pour conserver le secret.",
        "en": "No usable system keyring on this computer. Choose the protected file next to "
              "the settings to keep the secret instead.",
    },
    "secrets.keyring_locked": {
        "fr": "Le trousseau de clés du système est verrouillé ({detail}). Déverrouillez-le "
              "(ouvrez la session de bureau ou déverrouillez le trousseau), ou choisissez le "
              "fichier protégé à côté des réglages.",
        "en": "The system keyring is locked ({detail}). Unlock it (open the desktop session or "
              "unlock the keyring), or choose the protected file next to the settings.",
    },
    "secrets.keyring_timeout": {
        "fr": "Le trousseau de clés du système n'a pas répondu en {seconds} secondes (il est "
              "peut-être verrouillé ou attend une confirmation). Déverrouillez-le, ou choisissez "
              "le fichier protégé à côté des réglages.",
        "en": "The system keyring did not answer within {seconds} seconds (it may be locked or "
              "waiting for a confirmation). Unlock it, or choose the protected file next to "
              "the settings.",
    },
    "secrets.keyring_failed": {
        "fr": "Le trousseau de clés du système a signalé une erreur ({kind} : {detail}). "
              "Réessayez, ou choisissez le fichier protégé à côté des réglages.",
        "en": "The system keyring reported an error ({kind}: {detail}). Try again, or choose "
              "the protected file next to the settings.",
    },
    "secrets.keyring_incomplete": {
        "fr": "Le secret « {name} » est incomplet dans le trousseau de clés (une partie manque "
              "ou ne correspond pas). Enregistrez-le de nouveau.",
        "en": "The secret \"{name}\" is incomplete in the keyring (a part is missing or does "
              "not match). Save it again.",
    },
    "secrets.not_saved": {
        "fr": "Le secret n'a peut-être pas été enregistré : {reason}",
        "en": "The secret may not have been saved: {reason}",
    },
    "secrets.file_unsafe": {
        "fr": "Le fichier de secrets {path} est accessible à d'autres utilisateurs (permissions "
              "{mode}) : il est refusé, comme ssh le fait pour les clés privées. Corrigez avec : "
              "chmod 600 {path}",
        "en": "The secret file {path} is accessible to other users (permissions {mode}): it is "
              "refused, as ssh does with private keys. Fix it with: chmod 600 {path}",
    },
    "secrets.file_unreadable": {
        "fr": "Impossible de lire le fichier de secrets {path} : {detail}.",
        "en": "Cannot read the secret file {path}: {detail}.",
    },
    "secrets.file_corrupt": {
        "fr": "Le fichier de secrets {path} est endommagé ({detail}) ; il n'a pas été modifié. "
              "Corrigez-le ou supprimez-le, puis enregistrez de nouveau le mot de passe.",
        "en": "The secret file {path} is damaged ({detail}); it was left untouched. Fix or "
              "delete it, then save the password again.",
    },
    "secrets.detail.not_regular": {
        "fr": "ce n'est pas un fichier ordinaire", "en": "it is not a regular file",
    },
    "secrets.detail.too_large": {
        "fr": "il dépasse 1 Mio, bien plus qu'un mot de passe et des jetons",
        "en": "it is over 1 MiB, far more than a password and tokens",
    },
    "secrets.detail.not_utf8": {
        "fr": "ce n'est pas du texte UTF-8 valide", "en": "it is not valid UTF-8 text",
    },
    "secrets.detail.value_not_utf8": {
        "fr": "la valeur à enregistrer n'est pas du texte UTF-8 valide",
        "en": "the value to save is not valid UTF-8 text",
    },
    "secrets.file_write_failed": {
        "fr": "Impossible d'écrire le fichier de secrets {path} : {detail}.",
        "en": "Cannot write the secret file {path}: {detail}.",
    },
    "secrets.migrate_read_only": {
        "fr": "Impossible de déplacer un secret vers ou depuis la variable d'environnement {var}.",
        "en": "A secret cannot be moved to or from the environment variable {var}.",
    },
    "secrets.migrate_mismatch": {
        "fr": "La copie du secret « {name} » ne se relit pas correctement ; l'original est "
              "conservé à son ancien emplacement.",
        "en": "The copy of the secret \"{name}\" does not read back correctly; the original is "
              "kept where it was.",
    },
    "secrets.migrate_old_copy": {
        "fr": "Le secret « {name} » a été copié, mais l'ancienne copie n'a pas pu être effacée "
              "({reason}). Effacez-la vous-même : {where}",
        "en": "The secret \"{name}\" was copied, but the old copy could not be deleted "
              "({reason}). Delete it yourself: {where}",
    },
    "secrets.describe_keyring": {
        "fr": "Conservé dans le trousseau de clés du système ({backend}), service « comelin-tui »"
              ", comptes « <nom>@{namespace} » (propres à ce fichier de réglages). Les valeurs "
              "de plus de 1 000 caractères (comme le jeton de connexion Microsoft 365) sont "
              "découpées en plusieurs entrées (<nom>#1, #2…), car le Gestionnaire "
              "d'identification de Windows accepte au plus 2 560 octets par entrée.",
        "en": "Kept in the system keyring ({backend}), service \"comelin-tui\", accounts "
              "\"<name>@{namespace}\" (specific to this settings file). Values longer than "
              "1,000 characters (such as the Microsoft 365 sign-in token) are split into "
              "several entries (<name>#1, #2...) because Windows Credential Manager accepts at "
              "most 2,560 bytes per entry.",
    },
    "secrets.describe_file": {
        "fr": "Conservé dans le fichier {path}, lisible seulement par votre compte (permissions "
              "0600). Il n'est pas chiffré : un administrateur de cet ordinateur peut le lire.",
        "en": "Kept in the file {path}, readable only by your account (permissions 0600). It "
              "is not encrypted: an administrator of this computer can read it.",
    },
    "secrets.describe_file_missing": {
        "fr": "Aucun fichier de secrets pour l'instant : {path} sera créé, lisible seulement "
              "par votre compte, au premier enregistrement.",
        "en": "No secret file yet: {path} will be created, readable only by your account, "
              "when a secret is first saved.",
    },
    "secrets.describe_file_windows": {
        "fr": "Conservé dans le fichier {path}, dans votre profil utilisateur Windows, dont les "
              "droits d'accès le réservent à votre compte. Il n'est pas chiffré : un "
              "administrateur de cet ordinateur peut le lire.",
        "en": "Kept in the file {path}, inside your Windows user profile, whose access rights "
              "reserve it to your account. It is not encrypted: an administrator of this "
              "computer can read it.",
    },
    "secrets.describe_env": {
        "fr": "Lu dans la variable d'environnement {var} (lecture seule ; on la change là où "
              "elle est définie).",
        "en": "Read from the environment variable {var} (read-only; change it where it is set).",
    },
    # Why the keyring failed, in our words: its own text may quote the secret.
    "secrets.keyring_reason.dbus": {
        "fr": "erreur D-Bus {name}", "en": "D-Bus error {name}",
    },
    "secrets.keyring_reason.set_refused": {
        "fr": "il a refusé d'enregistrer la valeur", "en": "it refused to store the value",
    },
    "secrets.keyring_reason.delete_refused": {
        "fr": "il a refusé d'effacer l'entrée", "en": "it refused to delete the entry",
    },
    "secrets.keyring_reason.init_failed": {
        "fr": "il n'a pas pu démarrer", "en": "it could not start",
    },
    "secrets.keyring_reason.os": {
        "fr": "erreur du système {code}", "en": "system error {code}",
    },
    "secrets.keyring_reason.other": {
        "fr": "son message n'est pas affiché, car il peut citer le secret",
        "en": "its message is not shown, as it may quote the secret",
    },
})


class Secret:
    """A password or token that never shows itself: its ``repr`` and ``str`` are masked,
    so a crash report's locals, a log line or an f-string cannot print it.

    Hold it from where the value is read to where it is used; :meth:`reveal` gives the
    text itself, to be passed straight on (a local holding it would show in a crash
    report that prints locals).
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The secret itself."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return repr(self)

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        """Equal to the same secret, or to its text (compared in constant time)."""
        if isinstance(other, Secret):
            other = other._value
        if not isinstance(other, str):
            return NotImplemented
        import hmac

        return hmac.compare_digest(self._value.encode("utf-8", "surrogatepass"),
                                   other.encode("utf-8", "surrogatepass"))

    def __hash__(self) -> int:
        return hash(self._value)  # as its text's, which it equals


class SecretError(ComelinError):
    """A secret could not be read, saved or deleted; the message says what to do.

    A parameter may be a callable taking the language (e.g. another error's
    ``message``), so a wrapped reason is shown in the same language as the rest.
    """

    def message(self, lang: str | None = None) -> str:
        params = {key: value(lang) if callable(value) else value
                  for key, value in self.params.items()}
        return t(self.key, lang, **params)


class SecretNotSaved(SecretError):
    """Saving failed: the caller still holds the value and must not drop it."""

    def __init__(self, cause: SecretError) -> None:
        self.cause = cause
        super().__init__("secrets.not_saved", reason=cause.message)


class SecretStore(ABC):
    """Get, set and delete named secrets, and say where and how they are protected."""

    kind: ClassVar[StoreKind]
    read_only: ClassVar[bool] = False

    @abstractmethod
    def get(self, name: str) -> str | None:
        """The secret, or None when it is not stored."""

    @abstractmethod
    def set(self, name: str, value: str) -> None:
        """Store the secret (replacing any previous value)."""

    @abstractmethod
    def delete(self, name: str) -> None:
        """Remove the secret; removing an absent secret is not an error."""

    def update(self, name: str, change: Callable[[str | None], str | None]) -> str | None:
        """Replace the secret by ``change(current value)`` (None: delete it); return it.

        The stores on disk read the current value and write the new one under their
        lock, so nothing another program wrote in between is lost. *change* runs
        under that lock: it must be quick (no network). This default, for stores
        that live in one process only, reads and writes without a lock.
        """
        current = self.get(name)
        new = change(current)
        if new != current:
            if new is None:
                self.delete(name)
            else:
                self.set(name, new)
        return new

    @abstractmethod
    def describe(self, lang: str | None = None) -> str:
        """Where the secrets are and how they are protected, in *lang*."""


# -- keyring -------------------------------------------------------------------------------

class _Timeout(Exception):
    pass


class _NoUsableKeyring(Exception):
    pass


def _call_with_timeout(work: Callable[[], _T], timeout: float) -> _T:
    """Run *work* in a daemon thread; raise _Timeout if it has not finished in time.

    A keyring call can block forever (a D-Bus daemon that never answers, a locked
    collection waiting for an unlock dialog nobody sees over SSH). Python cannot kill
    a thread, so a stuck call is abandoned: the thread is a daemon and never keeps
    the program from exiting.
    """
    done = threading.Event()
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = work()
        except BaseException as error:  # noqa: BLE001 - handed back to the caller
            outcome["error"] = error
        finally:
            done.set()

    threading.Thread(target=target, name="comelin-keyring", daemon=True).start()
    if not done.wait(timeout):
        raise _Timeout
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def _acceptable_backend(backend: Any) -> bool:
    """Whether *backend* is a real keyring that will not prompt on the terminal.

    ``fail`` and ``null`` store nothing. keyring marks the backends it does not
    recommend with a priority below 1; among them keyrings.alt's encrypted file and
    keyrings.cryptfile ask for a master password with getpass. Inside a TUI that
    prompt would draw over the screen and wait for input nobody can give. We cannot
    take the terminal away from one thread (getpass opens /dev/tty itself, not
    stdin), so the only safe course is never to call such a backend: it is treated
    as absent and the protected file is used instead.
    """
    from keyring.backends import fail, null

    if isinstance(backend, fail.Keyring | null.Keyring):
        return False
    if type(backend).__module__.startswith(_PROMPTING_MODULES):
        return False
    try:
        return float(backend.priority) >= 1
    except Exception:  # noqa: BLE001 - a backend that cannot tell is not viable
        return False


def _usable_backend() -> Any | None:
    """The configured keyring backend, or None when there is none worth using."""
    import keyring
    from keyring.backends import chainer

    backend = keyring.get_keyring()
    if isinstance(backend, chainer.ChainerBackend):
        # The chainer reads from every backend in turn (one of them may prompt):
        # talk directly to the best acceptable one instead. No backends = absent.
        return next((b for b in backend.backends if _acceptable_backend(b)), None)
    return backend if _acceptable_backend(backend) else None


def keyring_usable(timeout: float = PROBE_TIMEOUT) -> bool:
    """Whether the OS keyring stores, returns and deletes a probe value within *timeout*."""
    import keyring  # noqa: F401 - imported here, not in the thread (import lock)

    def probe() -> bool:
        backend = _usable_backend()
        if backend is None:
            return False
        # A unique account: two probes at once never see each other's value.
        import uuid  # not at import: reading the password file needs no random names

        account = f"probe-{uuid.uuid4().hex}"
        value = uuid.uuid4().hex
        backend.set_password(SERVICE, account, value)
        try:
            if backend.get_password(SERVICE, account) != value:
                return False
        finally:
            backend.delete_password(SERVICE, account)
        return backend.get_password(SERVICE, account) is None

    try:
        return bool(_call_with_timeout(probe, timeout))
    except Exception:  # noqa: BLE001 - any failure means "use the file"
        return False


def config_namespace(config_path: Path) -> str:
    """Short hash of the resolved config path: keeps keyring entries of two configs apart."""
    resolved = os.path.normcase(str(Path(config_path).expanduser().resolve()))
    return hashlib.sha256(os.fsencode(resolved)).hexdigest()[:12]


def _utf16_units(char: str) -> int:
    return 2 if ord(char) > 0xFFFF else 1


def _needs_chunks(value: str) -> bool:
    # A short value that looks like our header is chunked too, so it is never misread.
    return sum(map(_utf16_units, value)) > CHUNK_SIZE or value.startswith(_HEADER_PREFIX)


def _split(value: str) -> list[str]:
    chunks: list[str] = []
    start = units = 0
    for index, char in enumerate(value):
        width = _utf16_units(char)
        if units + width > CHUNK_SIZE:
            chunks.append(value[start:index])
            start, units = index, 0
        units += width
    chunks.append(value[start:])
    return chunks


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _parse_header(value: str | None) -> tuple[int, str] | None:
    """(chunk count, digest) when *value* is a chunk header, else None."""
    if value is None or not value.startswith(_HEADER_PREFIX):
        return None
    count, _, digest = value[len(_HEADER_PREFIX):].partition(":")
    return (int(count), digest) if count.isdigit() else None


# D-Bus error names (org.freedesktop.Secret.Error.IsLocked): identifiers a service
# chooses, never the text of a message, so they can be shown.
_DBUS_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*){2,}$")


def _dbus_error_name(error: BaseException) -> str | None:
    """The D-Bus error name of *error* (jeepney's ``name``, dbus-python's
    ``get_dbus_name()``), when it has one that looks like one."""
    name: object = getattr(error, "name", None)
    getter = getattr(error, "get_dbus_name", None)
    if not isinstance(name, str) and callable(getter):
        try:
            name = getter()
        except Exception:  # noqa: BLE001 - then there is no name to show
            name = None
    if isinstance(name, str) and len(name) <= 255 and _DBUS_NAME_RE.match(name):
        return name
    return None


def _keyring_explanation(error: BaseException) -> Callable[[str | None], str]:
    """What went wrong, in our words: never the error's own text, which a backend may
    fill with the value it was given or a D-Bus reply quoting it."""
    from keyring.errors import InitError, PasswordDeleteError, PasswordSetError

    name = _dbus_error_name(error)
    if name is not None:
        return functools.partial(t, "secrets.keyring_reason.dbus", name=name)
    if isinstance(error, PasswordSetError):
        key = "secrets.keyring_reason.set_refused"
    elif isinstance(error, PasswordDeleteError):
        key = "secrets.keyring_reason.delete_refused"
    elif isinstance(error, InitError):
        key = "secrets.keyring_reason.init_failed"
    elif isinstance(error, OSError) and error.errno is not None \
            and error.errno in errno.errorcode:
        return functools.partial(t, "secrets.keyring_reason.os",
                                 code=errno.errorcode[error.errno])
    else:
        key = "secrets.keyring_reason.other"
    return functools.partial(t, key)


def _keyring_error(error: BaseException) -> SecretError:
    """A user-facing SecretError for anything a keyring backend raised.

    Only the error's class (and a D-Bus error name) is shown, with an explanation
    of ours: a backend's message may quote the secret it was handed.
    """
    from keyring.errors import KeyringLocked, NoKeyringError

    if isinstance(error, _NoUsableKeyring | NoKeyringError):
        return SecretError("secrets.keyring_missing")
    kind = type(error).__name__
    # D-Bus backends report a locked collection with their own exception types or names.
    if isinstance(error, KeyringLocked) or "locked" in f"{kind} {_dbus_error_name(error)}".lower():
        return SecretError("secrets.keyring_locked", detail=kind)
    return SecretError("secrets.keyring_failed", kind=kind, detail=_keyring_explanation(error))


class KeyringSecretStore(SecretStore):
    """Secrets in the OS keyring, under service ``comelin-tui``, account ``<name>@<namespace>``.

    Values over 1,000 UTF-16 code units are stored as ``<name>#1..n`` plus a header
    entry under ``<name>`` giving the count and a digest. Every call runs in a thread
    bounded by *timeout*; failures become :class:`SecretError`.
    """

    kind = "keyring"

    def __init__(self, namespace: str, *, timeout: float = OPERATION_TIMEOUT,
                 backend: Any | None = None, lock_for: Path | None = None) -> None:
        self.namespace = namespace
        self.timeout = timeout
        self._backend = backend
        # A write reads the old chunk count and writes several entries: two at once
        # would mix their chunks. *lock_for* names the file whose lock guards the writes
        # (the secret file's, so a move between stores is guarded too); None: no lock.
        self._lock_for = lock_for

    def _locked(self) -> contextlib.AbstractContextManager[None]:
        return (contextlib.nullcontext() if self._lock_for is None
                else _store_lock(self._lock_for))

    def account(self, name: str, part: int | None = None) -> str:
        """The keyring account (username) that holds *name*, or its chunk *part*."""
        return f"{name}@{self.namespace}" if part is None else f"{name}#{part}@{self.namespace}"

    def _call(self, action: Callable[[Any], _T]) -> _T:
        import keyring  # noqa: F401 - imported here, not in the thread (import lock)

        def work() -> _T:
            if self._backend is None:
                self._backend = _usable_backend()
                if self._backend is None:
                    raise _NoUsableKeyring
            return action(self._backend)

        try:
            return _call_with_timeout(work, self.timeout)
        except _Timeout:
            raise SecretError("secrets.keyring_timeout", seconds=f"{self.timeout:g}") from None
        except SecretError:
            raise
        except Exception as error:  # noqa: BLE001 - D-Bus, OS and keyring errors alike
            # Not chained: a traceback would print the backend's own text with it.
            raise _keyring_error(error) from None

    def _forget(self, backend: Any, account: str) -> None:
        from keyring.errors import PasswordDeleteError

        try:
            backend.delete_password(SERVICE, account)
        except PasswordDeleteError:
            pass  # already absent

    def _chunk_count(self, backend: Any, name: str) -> int:
        header = _parse_header(backend.get_password(SERVICE, self.account(name)))
        return header[0] if header else 0

    def _read(self, backend: Any, name: str) -> str | None:
        head = backend.get_password(SERVICE, self.account(name))
        header = _parse_header(head)
        if header is None:
            return head
        count, digest = header
        parts = [backend.get_password(SERVICE, self.account(name, i))
                 for i in range(1, count + 1)]
        if any(part is None for part in parts) or _digest("".join(parts)) != digest:
            raise SecretError("secrets.keyring_incomplete", name=name)
        return "".join(parts)

    def _write(self, backend: Any, name: str, value: str) -> None:
        old_count = self._chunk_count(backend, name)
        new_count = 0
        if _needs_chunks(value):
            chunks = _split(value)
            # Chunks first, header last: an interrupted write leaves a header whose
            # digest no longer matches, which get() reports instead of mixing values.
            for part, chunk in enumerate(chunks, start=1):
                backend.set_password(SERVICE, self.account(name, part), chunk)
            new_count = len(chunks)
            header = f"{_HEADER_PREFIX}{new_count}:{_digest(value)}"
            backend.set_password(SERVICE, self.account(name), header)
        else:
            backend.set_password(SERVICE, self.account(name), value)
        for part in range(new_count + 1, old_count + 1):
            self._forget(backend, self.account(name, part))

    def _erase(self, backend: Any, name: str) -> None:
        count = self._chunk_count(backend, name)
        self._forget(backend, self.account(name))
        for part in range(1, count + 1):
            self._forget(backend, self.account(name, part))

    def get(self, name: str) -> str | None:
        head = self._call(lambda backend: backend.get_password(SERVICE, self.account(name)))
        if _parse_header(head) is None:
            return head  # one entry: read at once
        # Chunks: read them under the lock too, or a write halfway through would mix values.
        with self._locked():
            return self._call(lambda backend: self._read(backend, name))

    def set(self, name: str, value: str) -> None:
        try:
            with self._locked():
                self._call(lambda backend: self._write(backend, name, value))
        except SecretError as error:
            raise SecretNotSaved(error) from error

    def delete(self, name: str) -> None:
        with self._locked():
            self._call(lambda backend: self._erase(backend, name))

    def update(self, name: str, change: Callable[[str | None], str | None]) -> str | None:
        # The lock is held in this thread while each keyring call runs in its own, bounded
        # one: a call abandoned at its timeout may still finish after the lock is released.
        try:
            with self._locked():
                current = self._call(lambda backend: self._read(backend, name))
                new = change(current)
                if new == current:
                    return new
                if new is None:
                    self._call(lambda backend: self._erase(backend, name))
                else:
                    self._call(lambda backend: self._write(backend, name, new))
                return new
        except SecretError as error:
            raise SecretNotSaved(error) from error

    def describe(self, lang: str | None = None) -> str:
        backend = self._backend
        if backend is None:
            try:
                backend = self._call(lambda found: found)
            except SecretError:
                pass  # describe() never fails: the label is just unknown
        label = getattr(backend, "name", None) or "?"
        return t("secrets.describe_keyring", lang, backend=label, namespace=self.namespace)


# -- protected file -------------------------------------------------------------------------

# The file holds a password and an OAuth token cache (tens of KB at most).
MAX_SECRET_FILE_BYTES = 1 << 20
# Details of a refused file, filled in the language of the message that shows them.
_NOT_REGULAR = functools.partial(t, "secrets.detail.not_regular")
_TOO_LARGE = functools.partial(t, "secrets.detail.too_large")
_NOT_UTF8 = functools.partial(t, "secrets.detail.not_utf8")
_VALUE_NOT_UTF8 = functools.partial(t, "secrets.detail.value_not_utf8")


def _read_all(fd: int, limit: int) -> bytes:
    """Up to *limit* bytes from *fd* (a regular file: no short reads before the end)."""
    chunks: list[bytes] = []
    size = 0
    while size < limit:
        chunk = os.read(fd, min(65536, limit - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def secret_file_path(config_path: Path) -> Path:
    """The secret file next to the config: ``config.toml`` -> ``config.secrets``."""
    config_path = Path(config_path)
    if config_path.suffix == ".secrets":
        return config_path.with_name(config_path.name + ".secrets")
    return config_path.with_suffix(".secrets")


class FileSecretStore(SecretStore):
    """Secrets in a JSON file (name -> value), mode 0600, refused if others can read it.

    On Windows POSIX modes do not apply and the check is skipped: the file lives in
    the user's profile, whose ACL already reserves it to that account.
    """

    kind = "file"

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def _read(self) -> dict[str, str]:
        # O_NONBLOCK: a FIFO put in the file's place must not hang the program on open.
        flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
        from .safefs import UnsafeFileError, check_private

        try:
            # Another user's file or folder could hold a password they chose to plant.
            check_private(self.path.parent)
            check_private(self.path)
        except UnsafeFileError as error:
            raise SecretError("secrets.file_unreadable", path=self.path,
                              detail=error.message()) from None
        try:
            fd = os.open(self.path, flags)
        except FileNotFoundError:
            return {}
        except OSError as error:
            raise SecretError("secrets.file_unreadable", path=self.path,
                              detail=error.strerror or error) from None
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise SecretError("secrets.file_unreadable", path=self.path,
                                  detail=_NOT_REGULAR)
            if os.name == "posix" and info.st_mode & 0o077:
                raise SecretError("secrets.file_unsafe", path=self.path,
                                  mode=f"{info.st_mode & 0o777:04o}")
            if info.st_size > MAX_SECRET_FILE_BYTES:
                raise SecretError("secrets.file_corrupt", path=self.path, detail=_TOO_LARGE)
            raw = _read_all(fd, MAX_SECRET_FILE_BYTES + 1)
        except OSError as error:
            raise SecretError("secrets.file_unreadable", path=self.path,
                              detail=error.strerror or error) from None
        finally:
            os.close(fd)
        if len(raw) > MAX_SECRET_FILE_BYTES:
            raise SecretError("secrets.file_corrupt", path=self.path, detail=_TOO_LARGE)
        try:
            data = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError:
            # Not the codec's message: it quotes the offending byte, which may be a secret's.
            raise SecretError("secrets.file_corrupt", path=self.path, detail=_NOT_UTF8) from None
        except json.JSONDecodeError as error:
            raise SecretError("secrets.file_corrupt", path=self.path, detail=error) from None
        if not isinstance(data, dict) or not all(
            isinstance(key, str) and isinstance(value, str) for key, value in data.items()
        ):
            raise SecretError("secrets.file_corrupt", path=self.path,
                              detail="not a JSON object of text values")
        return data

    def _write(self, data: Mapping[str, str]) -> None:
        """Atomic replace: a 0600 temp file in the same folder, fsync, rename, fsync folder."""
        folder = self.path.parent
        import uuid

        from .config_store import remove_stale_temps

        remove_stale_temps(self.path)  # a crash's leftovers may hold a secret
        temp = folder / f".{self.path.name}.{uuid.uuid4().hex[:12]}.tmp"
        text = json.dumps(dict(data), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        try:
            payload = text.encode("utf-8")
        except UnicodeEncodeError:
            # Lone surrogates (undecodable bytes read from a pipe). Not the codec's message:
            # it quotes the character, which belongs to the secret.
            raise SecretError("secrets.file_write_failed", path=self.path,
                              detail=_VALUE_NOT_UTF8) from None
        try:
            _ensure_folder(folder)
            # Created 0600 from the start (O_EXCL): the secret is never readable by others,
            # not even for the instant between create and chmod.
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
            fd = os.open(temp, flags, 0o600)
            try:
                with os.fdopen(fd, "wb") as handle:
                    if os.name == "posix":
                        os.fchmod(handle.fileno(), 0o600)  # whatever the umask removed
                    handle.write(payload)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(temp, self.path)
            except BaseException:
                temp.unlink(missing_ok=True)
                raise
            if os.name == "posix":
                dir_fd = os.open(folder, os.O_RDONLY)
                try:
                    os.fsync(dir_fd)
                finally:
                    os.close(dir_fd)
        except OSError as error:
            raise SecretError("secrets.file_write_failed", path=self.path,
                              detail=error.strerror or error) from None

    def get(self, name: str) -> str | None:
        return self._read().get(name)

    def _change(self, name: str, change: Callable[[str | None], str | None]) -> str | None:
        """Read the file, change one entry, write it back: all under the file's lock."""
        with _store_lock(self.path):
            # Read first: a damaged or unsafe file is reported, never overwritten
            # (it may hold the other secret).
            data = self._read()
            current = data.get(name)
            new = change(current)
            if new == current:
                return new
            if new is None:
                del data[name]
            else:
                data[name] = new
            if data:
                self._write(data)
            else:
                try:
                    self.path.unlink(missing_ok=True)
                except OSError as error:
                    raise SecretError("secrets.file_write_failed", path=self.path,
                                      detail=error.strerror or error) from None
            return new

    def set(self, name: str, value: str) -> None:
        try:
            try:
                value.encode("utf-8")  # refused before any folder or lock file is made
            except UnicodeEncodeError:
                raise SecretError("secrets.file_write_failed", path=self.path,
                                  detail=_VALUE_NOT_UTF8) from None
            self._change(name, lambda _current: value)
        except SecretError as error:
            raise SecretNotSaved(error) from error

    def delete(self, name: str) -> None:
        if not self.path.exists():
            return  # nothing to delete: no need to create a folder for the lock
        self._change(name, lambda _current: None)

    def update(self, name: str, change: Callable[[str | None], str | None]) -> str | None:
        try:
            return self._change(name, change)
        except SecretError as error:
            raise SecretNotSaved(error) from error

    def describe(self, lang: str | None = None) -> str:
        # A file that is not there yet keeps nothing: said so, wherever this is shown.
        if not self.path.exists():
            return t("secrets.describe_file_missing", lang, path=self.path)
        key = "secrets.describe_file" if os.name == "posix" else "secrets.describe_file_windows"
        return t(key, lang, path=self.path)


# -- environment -----------------------------------------------------------------------------

class EnvSecretStore(SecretStore):
    """``COMELIN_SMTP_PASSWORD`` as the SMTP password (read-only; empty counts as unset)."""

    kind = "env"
    read_only = True

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self._environ = os.environ if environ is None else environ

    def get(self, name: str) -> str | None:
        return (self._environ.get(ENV_PASSWORD) or None) if name == SMTP_PASSWORD else None

    def set(self, name: str, value: str) -> None:
        raise SecretError("secrets.env_read_only", var=ENV_PASSWORD)

    def delete(self, name: str) -> None:
        raise SecretError("secrets.env_read_only", var=ENV_PASSWORD)

    def update(self, name: str, change: Callable[[str | None], str | None]) -> str | None:
        raise SecretError("secrets.env_read_only", var=ENV_PASSWORD)

    def describe(self, lang: str | None = None) -> str:
        return t("secrets.describe_env", lang, var=ENV_PASSWORD)


# -- memory --------------------------------------------------------------------------------

class MemorySecretStore(SecretStore):
    """Secrets held in this process only, never written anywhere (gone when it ends).

    A sign-in writes its token cache here, so nothing reaches the real store
    until the technician saves (or if the sign-in is cancelled halfway).
    """

    kind = "memory"

    def __init__(self) -> None:
        self._values: dict[str, str] = {}

    def get(self, name: str) -> str | None:
        return self._values.get(name)

    def set(self, name: str, value: str) -> None:
        self._values[name] = value

    def delete(self, name: str) -> None:
        self._values.pop(name, None)

    def describe(self, lang: str | None = None) -> str:
        return ""  # never shown: the values move to a real store before anyone asks


# -- choosing and switching ------------------------------------------------------------------

def _ensure_folder(folder: Path) -> None:
    """Create the folder of the secret file and of its lock, and any missing parent
    (0700 each, whatever the umask), if missing."""
    if not folder.is_dir():
        from .safefs import make_private_folders

        make_private_folders(folder)


@contextlib.contextmanager
def _store_lock(secret_file: Path) -> Iterator[None]:
    """The secret store's lock (``config.secrets.lock``), whichever store is used."""
    try:
        _ensure_folder(secret_file.parent)
    except OSError as error:
        raise SecretError("lock.failed", path=secret_file, lock=lock_path(secret_file),
                          detail=error.strerror or error) from None
    with exclusive_lock(secret_file, error=SecretError):
        yield


def open_secret_store(config_path: Path, backend: Backend | None = None) -> SecretStore:
    """The store for this config: *backend* if given, else keyring if usable, else file.

    With no recorded backend, an existing secret file wins over the keyring, so a
    secret saved earlier is never silently left behind.
    """
    file_path = secret_file_path(config_path)
    if backend is None:
        backend = "file" if file_path.exists() or not keyring_usable() else "keyring"
    if backend == "keyring":
        return KeyringSecretStore(config_namespace(config_path), lock_for=file_path)
    if backend == "file":
        return FileSecretStore(file_path)
    raise ValueError(f"unknown secret backend: {backend!r}")


def smtp_password_store(config_path: Path, backend: Backend | None = None) -> SecretStore:
    """Where the SMTP password is read from: the environment when set, else the store."""
    env = EnvSecretStore()
    if env.get(SMTP_PASSWORD) is not None:
        return env
    return open_secret_store(config_path, backend)


def smtp_password(config_path: Path, backend: Backend | None = None) -> str | None:
    """The SMTP password: ``COMELIN_SMTP_PASSWORD`` first (keyring not even imported)."""
    return smtp_password_store(config_path, backend).get(SMTP_PASSWORD)


def migrate_secret(name: str, from_store: SecretStore, to_store: SecretStore) -> bool:
    """Copy *name* to *to_store*, check it reads back, then delete it from *from_store*.

    Returns False when there was nothing to move. On failure the original stays.
    """
    if from_store.read_only or to_store.read_only:
        raise SecretError("secrets.migrate_read_only", var=ENV_PASSWORD)
    value = from_store.get(name)
    if value is None:
        return False
    to_store.set(name, value)
    if to_store.get(name) != value:
        raise SecretError("secrets.migrate_mismatch", name=name)
    try:
        from_store.delete(name)
    except SecretError as error:
        raise SecretError("secrets.migrate_old_copy", name=name, reason=error.message,
                          where=from_store.describe) from error
    return True


def migrate_secrets(from_store: SecretStore, to_store: SecretStore,
                    names: Iterable[str] = (SMTP_PASSWORD, OAUTH_TOKEN_CACHE)) -> list[str]:
    """Move every secret in *names* (default: all of ours); returns the names moved."""
    return [name for name in names if migrate_secret(name, from_store, to_store)]
