"""The relay's durable queue (``relay --queue``): 250 once the message is safe on disk.

Each message is two files in the spool folder (0700): ``<id>.eml`` (the bytes
the POS sent) and ``<id>.json`` (envelope and delivery state). Both are written
to a temporary name, fsynced and renamed, the folder fsynced, and only then does
the POS hear 250; the ``.json`` is written last, so its presence means "queued".

Delivery is at least once: a message is removed only after the provider
accepted it, so a crash between the provider's 250 and the removal sends it
again after a restart (a duplicate, never a loss). Retries back off from one
minute to one hour; a message is given up after 24 hours or at once on a
permanent refusal, and the company address gets a notice through the same
provider. One relay at a time uses a spool (a lock file says which).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import secrets
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ComelinError
from ..i18n import register, t

if TYPE_CHECKING:
    from .relay import UpstreamPool

FIRST_RETRY = 60.0
LAST_RETRY = 3600.0
GIVE_UP_AFTER = 24 * 3600.0
SCAN_EVERY = 5.0
LOCK_NAME = ".lock"

register({
    "queue.locked": {
        "fr": "Une autre instance du relais utilise déjà la file {path}.",
        "en": "Another relay already uses the queue {path}.",
    },
    "queue.bounce_subject": {
        "fr": "Message non remis : {subject}",
        "en": "Undelivered message: {subject}",
    },
    "queue.bounce_body": {
        "fr": "Le relais comelin-tui n'a pas pu remettre ce message au fournisseur.\n\n"
              "Expéditeur : {sender}\nDestinataires : {recipients}\nReçu le : {received}\n"
              "Essais : {attempts}\nDernière réponse : {reply}\n{diagnosis}\n\n"
              "Le message d'origine n'a pas été envoyé à ces destinataires.",
        "en": "The comelin-tui relay could not hand this message to the provider.\n\n"
              "Sender: {sender}\nRecipients: {recipients}\nReceived: {received}\n"
              "Attempts: {attempts}\nLast reply: {reply}\n{diagnosis}\n\n"
              "The original message was not sent to these recipients.",
    },
})


class QueueError(ComelinError):
    """The spool cannot be used (locked by another relay, not writable)."""


@dataclass
class QueuedMessage:
    """A message's envelope and delivery state (the ``.json`` file)."""

    id: str
    sender: str
    recipients: list[str]
    received: float = field(default_factory=time.time)
    attempts: int = 0
    next_attempt: float = 0.0
    last_reply: str = ""
    last_diagnosis: str | None = None
    size: int = 0
    delivered_to: list[str] = field(default_factory=list)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> QueuedMessage:
        fields = {name: data[name] for name in cls.__dataclass_fields__ if name in data}
        return cls(**fields)


def _fsync_folder(folder: Path) -> None:
    if os.name == "nt":
        return  # Windows cannot open a folder to flush it; NTFS journals the rename
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_atomically(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(temporary, path)


class Spool:
    """The queue folder: store, list, update and remove messages, crash-safe."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._lock_fd: int | None = None

    def open(self) -> Spool:
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        with contextlib.suppress(OSError):
            self.folder.chmod(0o700)
        self._lock()
        self.clean()
        return self

    def _lock(self) -> None:
        path = self.folder / LOCK_NAME
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if os.name == "nt":  # pragma: no cover - Windows
                import msvcrt

                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise QueueError("queue.locked", path=self.folder) from None
        self._lock_fd = fd

    def close(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # closing the file releases the lock
            self._lock_fd = None

    def clean(self) -> None:
        """Remove what a crash left half-written: temporary files, bodies without state."""
        for path in self.folder.iterdir():
            if path.name.endswith(".tmp") or path.suffix == ".eml" and not path.with_suffix(".json").exists():
                with contextlib.suppress(OSError):
                    path.unlink()

    def store(self, sender: str, recipients: list[str], data: bytes) -> QueuedMessage:
        """Write the message safely; when this returns, the POS may hear 250."""
        message = QueuedMessage(id=f"{int(time.time() * 1000):x}{secrets.token_hex(4)}",
                                sender=sender, recipients=list(recipients), size=len(data))
        _write_atomically(self.folder / f"{message.id}.eml", data)
        _write_atomically(self.folder / f"{message.id}.json",
                          json.dumps(asdict(message)).encode("utf-8"))
        _fsync_folder(self.folder)
        return message

    def update(self, message: QueuedMessage) -> None:
        _write_atomically(self.folder / f"{message.id}.json",
                          json.dumps(asdict(message)).encode("utf-8"))

    def remove(self, message_id: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            (self.folder / f"{message_id}.json").unlink()
        with contextlib.suppress(FileNotFoundError):
            (self.folder / f"{message_id}.eml").unlink()
        _fsync_folder(self.folder)

    def data(self, message_id: str) -> bytes:
        return (self.folder / f"{message_id}.eml").read_bytes()

    def messages(self) -> list[QueuedMessage]:
        """Every queued message, oldest first (an unreadable state file is skipped)."""
        found = []
        for path in self.folder.glob("*.json"):
            try:
                found.append(QueuedMessage.from_json(json.loads(path.read_text("utf-8"))))
            except (OSError, ValueError, TypeError):
                continue
        return sorted(found, key=lambda m: (m.received, m.id))


def backoff(attempts: int) -> float:
    """Seconds before attempt *attempts* + 1: 1 min, 2, 4... up to 1 h."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LAST_RETRY)


class Deliverer:
    """Hands queued messages to the provider in the background, with retries."""

    def __init__(self, spool: Spool, pool: UpstreamPool, notice_to: str, *,
                 on_result: Callable[[QueuedMessage, str], None] | None = None,
                 clock: Callable[[], float] = time.time,
                 pool_for: Callable[[str], UpstreamPool] | None = None) -> None:
        self.spool = spool
        self.pool = pool
        # A sender's own account (a profile's), else *pool* (the company account's).
        self.pool_for = pool_for or (lambda _sender: pool)
        self.notice_to = notice_to
        self.on_result = on_result
        self.clock = clock
        self.wake = asyncio.Event()
        self.stopping = False
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self, grace: float = 30.0) -> None:
        """Let the delivery under way finish (within *grace*), then stop."""
        self.stopping = True
        self.wake.set()
        if self._task is None:
            return
        with contextlib.suppress(TimeoutError, asyncio.CancelledError):
            async with asyncio.timeout(grace):
                await asyncio.shield(self._task)
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task

    async def _run(self) -> None:
        while not self.stopping:
            await self.deliver_due()
            if self.stopping:
                return
            self.wake.clear()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(SCAN_EVERY):
                    await self.wake.wait()

    async def deliver_due(self) -> None:
        for message in self.spool.messages():
            if self.stopping:
                return
            if message.next_attempt <= self.clock():
                await self.deliver(message)

    async def deliver(self, message: QueuedMessage) -> str:
        """One attempt: ``ok``, ``retry`` or ``given_up`` (a notice went to the company)."""
        from ..diagnostics.upstream import UpstreamError

        try:
            data = self.spool.data(message.id)
        except OSError:
            self.spool.remove(message.id)
            return "given_up"
        pending = [r for r in message.recipients if r not in message.delivered_to]
        pool = self.pool_for(message.sender)
        try:
            upstream = await pool.acquire()
        except UpstreamError as error:
            code = error.diagnosis.code if error.diagnosis else "unknown"
            return self._after(message, temporary=error.temporary, reply=code, code=code,
                               refused=[])
        except Exception as error:  # noqa: BLE001 - a busy pool, no token: try again later
            reply = getattr(error, "reply", type(error).__name__)
            return self._after(message, temporary=True, reply=str(reply), code=None,
                               refused=[])
        try:
            result = await self._transaction(upstream, message, pending, data)
        finally:
            await pool.release(upstream)
        return result

    async def _transaction(self, upstream: Any, message: QueuedMessage, pending: list[str],
                           data: bytes) -> str:
        from ..diagnostics.addresses import needs_smtputf8

        verdict = await upstream.mail(message.sender, size=len(data),
                                      smtputf8=needs_smtputf8([message.sender, *pending]))
        if not verdict.accepted:
            return self._after(message, temporary=verdict.temporary, reply=str(verdict),
                               code=_code(verdict), refused=[])
        accepted, refused, temporary_refusals = [], [], []
        for address in pending:
            answer = await upstream.rcpt(address)
            if answer.accepted:
                accepted.append(address)
            elif answer.temporary:
                temporary_refusals.append((address, answer))
            else:
                refused.append((address, answer))
        if not accepted:
            answers = temporary_refusals or refused
            last = answers[-1][1] if answers else verdict
            return self._after(message, temporary=bool(temporary_refusals),
                               reply=str(last), code=_code(last),
                               refused=[a for a, _ in refused])
        verdict = await upstream.data(data)
        if not verdict.accepted:
            return self._after(message, temporary=verdict.temporary, reply=str(verdict),
                               code=_code(verdict), refused=[])
        message.delivered_to += accepted
        if not refused and not temporary_refusals:
            self.spool.remove(message.id)  # at once: the provider has it
            self._tell(message, "ok")
            return "ok"
        if refused:
            await self._notice(message, [a for a, _ in refused], str(refused[-1][1]),
                               _code(refused[-1][1]))
        if temporary_refusals:
            return self._after(message, temporary=True, reply=str(temporary_refusals[-1][1]),
                               code=_code(temporary_refusals[-1][1]), refused=[])
        self.spool.remove(message.id)
        self._tell(message, "ok")
        return "ok"

    def _after(self, message: QueuedMessage, *, temporary: bool, reply: str,
               code: str | None, refused: list[str]) -> str:
        message.attempts += 1
        message.last_reply, message.last_diagnosis = reply, code
        too_old = self.clock() - message.received >= GIVE_UP_AFTER
        if temporary and not too_old:
            message.next_attempt = self.clock() + backoff(message.attempts)
            self.spool.update(message)
            self._tell(message, "retry")
            return "retry"
        self._schedule_notice(message, refused or
                              [r for r in message.recipients if r not in message.delivered_to])
        self.spool.remove(message.id)
        self._tell(message, "given_up")
        return "given_up"

    def _schedule_notice(self, message: QueuedMessage, recipients: list[str]) -> None:
        loop = asyncio.get_running_loop()
        loop.create_task(self._notice(message, recipients, message.last_reply,
                                      message.last_diagnosis))

    async def _notice(self, message: QueuedMessage, recipients: list[str], reply: str,
                      code: str | None) -> None:
        """Tell the company, through the same provider, which message did not go (once:
        a notice that fails is only logged, never retried, so notices never loop)."""
        if not self.notice_to or not recipients:
            return
        body = _notice_bytes(message, recipients, reply, code, self.notice_to)
        try:
            upstream = await self.pool.acquire()
        except Exception:  # noqa: BLE001 - nothing more can be done than the log line
            return
        try:
            if (await upstream.mail(self.notice_to, size=len(body))).accepted and \
                    (await upstream.rcpt(self.notice_to)).accepted:
                await upstream.data(body)
        finally:
            await self.pool.release(upstream)

    def _tell(self, message: QueuedMessage, result: str) -> None:
        if self.on_result is not None:
            self.on_result(message, result)


def _code(verdict: Any) -> str | None:
    return verdict.diagnosis.code if getattr(verdict, "diagnosis", None) else None


def _notice_bytes(message: QueuedMessage, recipients: list[str], reply: str,
                  code: str | None, notice_to: str) -> bytes:
    from email.message import EmailMessage
    from email.utils import formatdate, make_msgid

    from ..i18n import get_language

    lang = get_language()
    notice = EmailMessage()
    notice["From"] = notice_to
    notice["To"] = notice_to
    notice["Subject"] = t("queue.bounce_subject", lang, subject=message.id)
    notice["Date"] = formatdate(localtime=True)
    notice["Message-ID"] = make_msgid("comelin-relay", domain=notice_to.partition("@")[2])
    notice["Auto-Submitted"] = "auto-replied"  # RFC 3834: no automatic answer to this
    notice.set_content(t(
        "queue.bounce_body", lang, sender=message.sender or "<>",
        recipients=", ".join(recipients),
        received=time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(message.received)),
        attempts=message.attempts, reply=reply or "-", diagnosis=code or ""))
    return notice.as_bytes()
