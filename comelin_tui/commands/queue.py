"""``comelin-tui queue``: the relay's durable queue: list, retry now, delete.

A running relay (``relay --queue``) looks at its queue every few seconds, so a
retry asked here is tried within moments. Nothing here needs the relay to run.
"""

from __future__ import annotations

import argparse
import json
import time

from .. import i18n
from ..errors import ComelinError
from ..i18n import t

i18n.register({
    "queue.help": {
        "fr": "la file d'attente du relais : lister, réessayer, supprimer",
        "en": "the relay's queue: list, retry, delete",
    },
    "queue.list_help": {"fr": "lister les messages en attente", "en": "list the waiting messages"},
    "queue.retry_help": {
        "fr": "réessayer maintenant (un message, ou tous sans identifiant)",
        "en": "try again now (one message, or all without an id)",
    },
    "queue.delete_help": {
        "fr": "supprimer un message de la file (il ne sera pas envoyé)",
        "en": "delete a message from the queue (it will not be sent)",
    },
    "queue.id_help": {"fr": "identifiant du message", "en": "the message's id"},
    "queue.json_help": {"fr": "résultat en JSON", "en": "result as JSON"},
    "queue.empty": {"fr": "La file d'attente est vide.", "en": "The queue is empty."},
    "queue.line": {
        "fr": "{id}  reçu {received}  de {sender}  à {recipients}  essais {attempts}  "
              "prochain {next}  {reply}",
        "en": "{id}  received {received}  from {sender}  to {recipients}  attempts {attempts}"
              "  next {next}  {reply}",
    },
    "queue.now": {"fr": "maintenant", "en": "now"},
    "queue.unknown": {
        "fr": "aucun message {id} dans la file ({path})",
        "en": "no message {id} in the queue ({path})",
    },
    "queue.retried": {
        "fr": "{count} message(s) seront réessayés dans quelques secondes (si le relais "
              "tourne).",
        "en": "{count} message(s) will be tried again within seconds (if the relay runs).",
    },
    "queue.deleted": {"fr": "Message {id} supprimé.", "en": "Message {id} deleted."},
})


class QueueCommandError(ComelinError):
    exit_code = 1


def add_parser(sub: argparse._SubParsersAction, name: str) -> None:
    from ..cli import add_common_arguments

    parser = sub.add_parser(name, help=t("queue.help"), description=t("queue.help"))
    add_common_arguments(parser)
    actions = parser.add_subparsers(dest="queue_command", metavar="{list,retry,delete}")
    listing = actions.add_parser("list", help=t("queue.list_help"))
    add_common_arguments(listing)
    listing.add_argument("--json", action="store_true", help=t("queue.json_help"))
    retry = actions.add_parser("retry", help=t("queue.retry_help"))
    add_common_arguments(retry)
    retry.add_argument("id", nargs="?", help=t("queue.id_help"))
    delete = actions.add_parser("delete", help=t("queue.delete_help"))
    add_common_arguments(delete)
    delete.add_argument("id", help=t("queue.id_help"))


def run(args: argparse.Namespace) -> int:
    from ..jobs.relay_queue import Spool
    from .relay import queue_folder

    spool = Spool(queue_folder())
    if not spool.folder.is_dir():
        messages = []
    else:
        messages = spool.messages()
    command = getattr(args, "queue_command", None) or "list"
    if command == "list":
        return _list(args, messages)
    wanted = [m for m in messages if args.id in (None, m.id)]
    if args.id is not None and not wanted:
        raise QueueCommandError("queue.unknown", id=args.id, path=spool.folder)
    if command == "retry":
        for message in wanted:
            message.next_attempt = 0.0
            spool.update(message)
        print(t("queue.retried", count=len(wanted)))
        return 0
    spool.remove(args.id)
    print(t("queue.deleted", id=args.id))
    return 0


def _list(args: argparse.Namespace, messages: list) -> int:  # type: ignore[type-arg]
    if getattr(args, "json", False):
        print(json.dumps([{
            "id": m.id, "sender": m.sender, "recipients": m.recipients, "size": m.size,
            "received": m.received, "attempts": m.attempts, "next_attempt": m.next_attempt,
            "last_reply": m.last_reply, "diagnosis": m.last_diagnosis,
        } for m in messages], ensure_ascii=False, indent=2))
        return 0
    if not messages:
        print(t("queue.empty"))
        return 0
    now = time.time()
    for m in messages:
        print(t("queue.line", id=m.id, received=_when(m.received), sender=m.sender or "<>",
                recipients=", ".join(m.recipients), attempts=m.attempts,
                next=t("queue.now") if m.next_attempt <= now else _when(m.next_attempt),
                reply=m.last_reply))
    return 0


def _when(stamp: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(stamp))
