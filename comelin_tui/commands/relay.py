"""``comelin-tui relay``: the local SMTP relay Comelin sends through, and its chores.

``relay`` runs it (until Ctrl+C or SIGTERM, which let the messages in flight
finish); ``relay password`` sets the POS's local password; ``relay status``
says whether it runs and what it sent; ``relay install`` writes a systemd
unit. The relay itself is :mod:`comelin_tui.jobs.relay`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import i18n
from ..errors import ComelinError
from ..i18n import t

if TYPE_CHECKING:
    from ..config import Config
    from ..jobs.relay import Delivery

from ..jobs.relay_setup import (
    RELAY_PASSWORD,
    UNIT_NAME,
    generate_password,
    queue_folder,
    relay_options,
    relay_status,
    relay_username,
    status_path,
    systemd_unit,
    write_status,
)

__all__ = ["RELAY_PASSWORD", "queue_folder", "relay_options", "relay_status", "relay_username",
           "systemd_unit"]

i18n.register({
    "relay.help": {
        "fr": "relais SMTP local pour Comelin (127.0.0.1:2525), vers le fournisseur",
        "en": "local SMTP relay for Comelin (127.0.0.1:2525), to the provider",
    },
    "relay.listen_help": {
        "fr": "où écouter (par défaut : le réglage relay.listen, 127.0.0.1:2525)",
        "en": "where to listen (default: the relay.listen setting, 127.0.0.1:2525)",
    },
    "relay.allow_remote_help": {
        "fr": "permettre une adresse qui n'est pas de bouclage (TLS et connexion obligatoires)",
        "en": "allow an address that is not loopback (TLS and login required)",
    },
    "relay.no_auth_help": {
        "fr": "sans connexion, pour les logiciels de caisse qui ne savent que HELO "
              "(bouclage seulement)",
        "en": "no login, for POS software that only knows HELO (loopback only)",
    },
    "relay.starttls_help": {
        "fr": "offrir STARTTLS avec un certificat local généré",
        "en": "offer STARTTLS with a generated local certificate",
    },
    "relay.queue_help": {
        "fr": "file d'attente durable : 250 dès que le message est sur le disque, remis ensuite "
              "avec des essais pendant 24 h (voir « comelin-tui queue »)",
        "en": "durable queue: 250 once the message is on disk, delivered after with retries "
              "for 24 h (see \"comelin-tui queue\")",
    },
    "relay.password_help": {
        "fr": "créer (ou changer) le mot de passe local que Comelin donne au relais",
        "en": "create (or change) the local password Comelin gives the relay",
    },
    "relay.password_stdin_help": {
        "fr": "lire le mot de passe local sur l'entrée standard au lieu d'en générer un",
        "en": "read the local password from standard input instead of generating one",
    },
    "relay.status_help": {
        "fr": "le relais tourne-t-il, où écoute-t-il, ses derniers envois",
        "en": "whether the relay runs, where it listens, its last sends",
    },
    "relay.json_help": {"fr": "résultat en JSON", "en": "result as JSON"},
    "relay.install_help": {
        "fr": "écrire un service systemd qui démarre le relais avec l'ordinateur",
        "en": "write a systemd service that starts the relay with the computer",
    },
    "relay.user_help": {
        "fr": "service de l'utilisateur (systemctl --user) plutôt que du système",
        "en": "a user service (systemctl --user) instead of a system one",
    },
    "relay.output_help": {
        "fr": "écrire le fichier de service ici plutôt qu'à l'endroit habituel",
        "en": "write the service file here instead of the usual place",
    },
    "relay.remote_warning": {
        "fr": "Attention : le relais écoute sur {host}, pas seulement sur cet ordinateur. "
              "STARTTLS et la connexion sont obligatoires; limitez l'accès au port par le "
              "pare-feu aux seules caisses.",
        "en": "Warning: the relay listens on {host}, not only on this computer. STARTTLS "
              "and the login are required; let only the POS machines reach the port "
              "(firewall).",
    },
    "relay.no_config": {
        "fr": "aucun réglage enregistré ({path}) : configurez d'abord le courriel avec "
              "« comelin-tui ».",
        "en": "no saved settings ({path}): set up email first with \"comelin-tui\".",
    },
    "relay.incomplete": {
        "fr": "réglages incomplets : {fields}. Complétez-les avec « comelin-tui ».",
        "en": "settings incomplete: {fields}. Complete them with \"comelin-tui\".",
    },
    "relay.profile_route": {
        "fr": "  {sender} (profil {name}) part par son propre compte : {host}:{port}",
        "en": "  {sender} (profile {name}) goes out through its own account: {host}:{port}",
    },
    "relay.started": {
        "fr": "Relais prêt sur {listen} -> {host}:{port} ({security}). Dans Comelin : hôte "
              "{local_host}, port {local_port}, {encryption}, utilisateur {username}. "
              "Ctrl+C pour arrêter.",
        "en": "Relay ready on {listen} -> {host}:{port} ({security}). In Comelin: host "
              "{local_host}, port {local_port}, {encryption}, username {username}. "
              "Ctrl+C to stop.",
    },
    "relay.encryption_none": {"fr": "sans chiffrement", "en": "no encryption"},
    "relay.encryption_starttls": {"fr": "STARTTLS", "en": "STARTTLS"},
    "relay.no_login": {"fr": "aucun (HELO)", "en": "none (HELO)"},
    "relay.stopping": {
        "fr": "Arrêt : les messages en cours se terminent...",
        "en": "Stopping: the messages in flight finish...",
    },
    "relay.stopped": {"fr": "Relais arrêté.", "en": "Relay stopped."},
    "relay.delivery": {
        "fr": "{time} {status} de {sender} à {recipients} destinataire(s) : {reply}",
        "en": "{time} {status} from {sender} to {recipients} recipient(s): {reply}",
    },
    "relay.status.ok": {"fr": "ACCEPTÉ", "en": "ACCEPTED"},
    "relay.status.fail": {"fr": "REFUSÉ", "en": "REFUSED"},
    "relay.status.temporary": {"fr": "EN ATTENTE", "en": "DEFERRED"},
    "relay.password_saved": {
        "fr": "Mot de passe local du relais enregistré ({where}).",
        "en": "Local relay password saved ({where}).",
    },
    "relay.password_generated": {
        "fr": "Mot de passe local du relais (à entrer dans Comelin, panneau de configuration "
              "du courriel) : {password}\nCe n'est pas le mot de passe du fournisseur ; il ne "
              "sert qu'au relais sur cet ordinateur.",
        "en": "Local relay password (to enter in Comelin, email settings panel): {password}\n"
              "It is not the provider's password; it only opens the relay on this computer.",
    },
    "relay.password_empty": {
        "fr": "mot de passe vide ; rien n'a été changé", "en": "empty password; nothing was changed",
    },
    "relay.running": {
        "fr": "Le relais tourne sur {listen} (depuis {since}, processus {pid}).",
        "en": "The relay runs on {listen} (since {since}, process {pid}).",
    },
    "relay.not_running": {
        "fr": "Le relais ne tourne pas{where}. Démarrez-le avec « comelin-tui relay » ou "
              "comme service (« comelin-tui relay install »).",
        "en": "The relay is not running{where}. Start it with \"comelin-tui relay\" or as a "
              "service (\"comelin-tui relay install\").",
    },
    "relay.not_running_at": {"fr": " (rien ne répond sur {listen})", "en": " (nothing answers on {listen})"},
    "relay.login_is": {
        "fr": "Utilisateur à entrer dans Comelin : {username}",
        "en": "Username to enter in Comelin: {username}",
    },
    "relay.last_sends": {"fr": "Derniers envois :", "en": "Last sends:"},
    "relay.no_sends": {"fr": "Aucun envoi par le relais pour l'instant.",
                       "en": "No send through the relay yet."},
    "relay.unit_written": {
        "fr": "Service écrit : {path}\nPour le démarrer maintenant et à chaque démarrage :\n"
              "  {enable}\nPour voir ce qu'il fait : {logs}",
        "en": "Service written: {path}\nTo start it now and at every boot:\n  {enable}\n"
              "To see what it does: {logs}",
    },
    "relay.unit_failed": {
        "fr": "impossible d'écrire {path} ({reason}). Essayez --user, ou --output FICHIER.",
        "en": "cannot write {path} ({reason}). Try --user, or --output FILE.",
    },
})


class RelayCommandError(ComelinError):
    exit_code = 3


def add_parser(sub: argparse._SubParsersAction, name: str) -> None:
    from ..cli import add_common_arguments

    parser = sub.add_parser(name, help=t("relay.help"), description=t("relay.help"))
    add_common_arguments(parser)
    parser.add_argument("--listen", metavar="HOST:PORT", help=t("relay.listen_help"))
    parser.add_argument("--allow-remote", action="store_true", help=t("relay.allow_remote_help"))
    parser.add_argument("--no-auth", action="store_true", help=t("relay.no_auth_help"))
    parser.add_argument("--starttls", action="store_true", help=t("relay.starttls_help"))
    parser.add_argument("--queue", action="store_true", help=t("relay.queue_help"))
    actions = parser.add_subparsers(dest="relay_command", metavar="{password,status,install}")
    password = actions.add_parser("password", help=t("relay.password_help"),
                                  description=t("relay.password_help"))
    add_common_arguments(password)
    password.add_argument("--stdin", action="store_true", help=t("relay.password_stdin_help"))
    status = actions.add_parser("status", help=t("relay.status_help"),
                                description=t("relay.status_help"))
    add_common_arguments(status)
    status.add_argument("--json", action="store_true", help=t("relay.json_help"))
    install = actions.add_parser("install", help=t("relay.install_help"),
                                 description=t("relay.install_help"))
    add_common_arguments(install)
    install.add_argument("--user", action="store_true", help=t("relay.user_help"))
    install.add_argument("--output", metavar="PATH", help=t("relay.output_help"))


def run(args: argparse.Namespace) -> int:
    from .. import paths

    config_path = paths.config_path(args.config)
    command = getattr(args, "relay_command", None)
    if command == "password":
        return _password(args, config_path)
    if command == "status":
        return _status(args, config_path)
    if command == "install":
        return _install(args, config_path)
    return _serve(args, config_path)


# -- settings -------------------------------------------------------------------------------

def _load(config_path: Path) -> Config:
    from ..config import ConfigNotFound, load_config

    try:
        return load_config(config_path)
    except ConfigNotFound:
        raise RelayCommandError("relay.no_config", path=config_path) from None


def _local_password(config: Config, config_path: Path) -> str | None:
    from ..secrets import open_secret_store

    return open_secret_store(config_path, config.secret_backend).get(RELAY_PASSWORD)


# -- relay ----------------------------------------------------------------------------------

def _serve(args: argparse.Namespace, config_path: Path) -> int:
    import asyncio

    from ..jobs.relay import Relay
    from ..jobs.send_test import SendTestOptions, field_name, missing_settings, target_source

    config = _load(config_path)
    missing = missing_settings(config, SendTestOptions())
    if missing:
        raise RelayCommandError("relay.incomplete", fields=", ".join(map(field_name, missing)))
    password = None if args.no_auth else _local_password(config, config_path)
    options = relay_options(config, config_path, listen=args.listen,
                            allow_remote=args.allow_remote, no_auth=args.no_auth,
                            starttls=args.starttls, password=password, queue=args.queue)
    from ..jobs.relay_setup import relay_routes

    relay = Relay(options, target_source(config, config_path), on_delivery=_print_delivery,
                  routes=relay_routes(config, config_path))
    if args.allow_remote:
        print(t("relay.remote_warning", host=options.host), file=sys.stderr)
    return asyncio.run(_run_until_stopped(relay, config, config_path))


async def _run_until_stopped(relay: Any, config: Config, config_path: Path) -> int:
    import asyncio
    import contextlib
    import signal

    from ..labels import security_label

    host, port = await relay.start()
    listen = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    write_status(listen, config_path)
    options = relay.options
    smtp = config.smtp
    print(t("relay.started", listen=listen, host=smtp.host, port=smtp.port,
            security=security_label(smtp.security), local_host=host, local_port=port,
            encryption=t("relay.encryption_starttls" if options.tls_context
                         else "relay.encryption_none"),
            username=options.username if options.require_auth else t("relay.no_login")),
          flush=True)
    from ..profiles import all_profiles

    for profile in all_profiles(config):
        if profile.account is not None and profile.from_address:
            print(t("relay.profile_route", sender=profile.from_address, name=profile.name,
                    host=profile.account.host, port=profile.account.port), flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for name in ("SIGTERM", "SIGINT"):
        number = getattr(signal, name, None)
        if number is None:
            continue
        try:
            loop.add_signal_handler(number, stop.set)
        except (NotImplementedError, RuntimeError):
            # Windows: no loop signal handlers; Ctrl+C still raises KeyboardInterrupt.
            signal.signal(number, lambda *_: loop.call_soon_threadsafe(stop.set))
    try:
        await stop.wait()
    finally:
        print(t("relay.stopping"), flush=True)
        await relay.stop(grace=30.0)
        with contextlib.suppress(OSError):
            status_path().unlink()
        print(t("relay.stopped"), flush=True)
    return 0


def _print_delivery(delivery: Delivery) -> None:
    import time

    print(t("relay.delivery", time=time.strftime("%H:%M:%S"),
            status=t(f"relay.status.{delivery.status}"), sender=delivery.sender or "-",
            recipients=len(delivery.recipients), reply=delivery.reply), flush=True)


# -- status ----------------------------------------------------------------------------------

def _status(args: argparse.Namespace, config_path: Path) -> int:
    from ..config import ConfigError, load_config

    try:
        config: Config | None = load_config(config_path)
    except ConfigError:
        config = None
    data = relay_status(config)
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0 if data["running"] else 1
    if data["running"]:
        print(t("relay.running", listen=data["listen"], since=data["since"] or "?",
                pid=data["pid"] or "?"))
    else:
        print(t("relay.not_running", where=t("relay.not_running_at", listen=data["listen"])))
    if data["username"]:
        print(t("relay.login_is", username=data["username"]))
    if data["last"]:
        print(t("relay.last_sends"))
        for record in data["last"]:
            print(f"  {record.get('time', '?')}  "
                  f"{t('relay.status.' + str(record.get('status', 'fail')))}  "
                  f"{record.get('sender') or '-'}  {record.get('reply', '')}")
    else:
        print(t("relay.no_sends"))
    return 0 if data["running"] else 1


# -- password --------------------------------------------------------------------------------

def _password(args: argparse.Namespace, config_path: Path) -> int:
    from ..secrets import open_secret_store

    config = _load(config_path)
    if args.stdin:
        from .password import UnusableSecretText, stdin_line

        try:
            value = stdin_line() or ""
        except UnusableSecretText as problem:
            raise RelayCommandError(f"password.{problem.reason}") from None
        if not value:
            raise RelayCommandError("relay.password_empty")
        generated = None
    else:
        value = generated = generate_password()
    store = open_secret_store(config_path, config.secret_backend)
    store.set(RELAY_PASSWORD, value)
    print(t("relay.password_saved", where=store.describe()))
    if generated is not None:
        # Shown once, on purpose: it must be typed into Comelin's panel. It opens only
        # this computer's relay, never the provider's account.
        print(t("relay.password_generated", password=generated))
    return 0


# -- install ---------------------------------------------------------------------------------

def _install(args: argparse.Namespace, config_path: Path) -> int:
    import os

    _load(config_path)  # a service for settings that do not exist would only fail
    if args.output:
        path = Path(args.output)
    elif args.user:
        path = Path(os.path.expanduser("~/.config/systemd/user")) / UNIT_NAME
    else:
        path = Path("/etc/systemd/system") / UNIT_NAME
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(systemd_unit(config_path, user=args.user), encoding="utf-8")
    except OSError as error:
        raise RelayCommandError("relay.unit_failed", path=path,
                                reason=error.strerror or error) from None
    scope = "--user " if args.user else ""
    print(t("relay.unit_written", path=path,
            enable=f"systemctl {scope}daemon-reload && systemctl {scope}enable --now {UNIT_NAME}",
            logs=f"journalctl {scope}-u {UNIT_NAME} -f"))
    return 0
