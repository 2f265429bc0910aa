"""`comelin-tui check`: a live test send, from the saved settings or ad-hoc options.

Like swaks, a server can be tried before anything is saved (``--host`` ...);
options override the saved settings for this run only and nothing is written
except one line in the attempt log. Exit codes follow the monitoring
convention: 0 ok, 1 warning, 2 failure, 3 could not run.

Only light modules are imported at parse time (``--version`` must stay
instant); the engine, pydantic and the secret store load in :func:`run`, and
Textual never does.

Extra steps after the SMTP conversation (the advisory deliverability checks
``mx``/``spf``/``dkim``/``dmarc``) plug in through :data:`STEP_PROVIDER_MODULES`:
each module listed there exposes ``add_check_arguments(parser)`` (its own
options, e.g. ``--no-dns-checks``, ``--dns-server``) and
``async after_send_steps(args, result, on_step, config) -> list[Step]`` (the
finished RunResult, the live printer or None, the settings used). It may also
expose ``validate_check_arguments(args)``, called before anything is sent, to
reject its bad options (a ComelinError: exit 3) while the run has not started.
It must keep heavy imports inside those functions.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from .. import i18n
from ..errors import ComelinError
from ..i18n import t

if TYPE_CHECKING:
    from ..config_read import ConfigView as Config
    from ..diagnostics.model import RunResult, Step, Target

# Modules adding steps after the SMTP conversation (see the module docstring).
STEP_PROVIDER_MODULES: tuple[str, ...] = ("comelin_tui.commands.check_dns",)

EXIT_COULD_NOT_RUN = 3

i18n.register({
    "check.help": {
        "fr": "envoyer un message d'essai et expliquer tout échec",
        "en": "send a test message and explain any failure",
    },
    "check.epilog": {
        "fr": "Codes de sortie : 0 OK, 1 avertissement, 2 échec, 3 vérification impossible "
              "(réglages absents ou invalides, mot de passe illisible). Le mot de passe vient "
              "de --password-stdin, sinon de COMELIN_SMTP_PASSWORD, sinon du coffre où "
              "l'assistant l'a enregistré ; jamais de la ligne de commande.",
        "en": "Exit codes: 0 OK, 1 warning, 2 failure, 3 could not run (settings missing or "
              "invalid, password unreadable). The password comes from --password-stdin, else "
              "COMELIN_SMTP_PASSWORD, else the store where the wizard saved it; never from the "
              "command line.",
    },
    "check.host_help": {
        "fr": "serveur SMTP (remplace le réglage)", "en": "SMTP server (overrides the setting)",
    },
    "check.port_help": {"fr": "port du serveur", "en": "server port"},
    "check.security_help": {"fr": "chiffrement de la connexion", "en": "connection encryption"},
    "check.auth_help": {"fr": "type d'authentification", "en": "authentication kind"},
    "check.username_help": {"fr": "nom d'utilisateur SMTP", "en": "SMTP username"},
    "check.from_help": {"fr": "adresse de l'expéditeur", "en": "sender address"},
    "check.to_help": {
        "fr": "destinataire du message d'essai (par défaut : le courriel de l'entreprise)",
        "en": "recipient of the test message (default: the company email)",
    },
    "check.ca_file_help": {
        "fr": "fichier PEM d'autorités de certification auxquelles faire aussi confiance "
              "(AC privée)",
        "en": "PEM file of certificate authorities to trust as well (private CA)",
    },
    "check.timeout_help": {
        "fr": "délai par étape, en secondes", "en": "timeout per step, in seconds",
    },
    "check.no_send_help": {
        "fr": "tout vérifier sauf l'envoi : s'arrêter après RCPT TO",
        "en": "check everything but the send: stop after RCPT TO",
    },
    "check.password_prompt": {"fr": "Mot de passe : ", "en": "Password: "},
    "check.password_stdin_help": {
        "fr": "lire le mot de passe (ou le jeton) sur une ligne de l'entrée standard",
        "en": "read the password (or token) from one line of standard input",
    },
    "check.json_help": {
        "fr": "résultat en JSON (pour la surveillance), affiché à la fin",
        "en": "result as JSON (for monitoring), printed at the end",
    },
    "check.no_probe_help": {
        "fr": "en cas d'échec, ne pas essayer d'autres ports",
        "en": "on failure, do not try other ports",
    },
    "check.demo_help": {
        "fr": "essayer contre un serveur de démonstration local (les vrais réglages ne sont "
              "pas touchés)",
        "en": "try against a local demo server (the real settings are not touched)",
    },
    "check.transcript_help": {
        "fr": "afficher aussi l'échange avec le serveur (mots de passe masqués)",
        "en": "also show the conversation with the server (passwords masked)",
    },
    "check.no_config": {
        "fr": "aucun réglage enregistré ({path}). Lancez « comelin-tui » pour configurer le "
              "courriel, ou essayez un serveur avec --host.",
        "en": "no saved settings ({path}). Run \"comelin-tui\" to set up email, or try a "
              "server with --host.",
    },
    "check.missing_fields": {
        "fr": "réglages incomplets : {fields}. Complétez-les avec « comelin-tui » ou en "
              "options (--host, --from, --username...).",
        "en": "settings incomplete: {fields}. Complete them with \"comelin-tui\" or as "
              "options (--host, --from, --username...).",
    },
    "check.no_password": {
        "fr": "aucun mot de passe SMTP enregistré. Enregistrez-le avec « comelin-tui "
              "password », ou fournissez-le par {var} ou --password-stdin.",
        "en": "no SMTP password saved. Save it with \"comelin-tui password\", or give it "
              "through {var} or --password-stdin.",
    },
    "check.stdin_empty": {
        "fr": "--password-stdin : rien à lire sur l'entrée standard",
        "en": "--password-stdin: nothing to read on standard input",
    },
    "check.could_not_run_hint": {
        "fr": "Corrigez les réglages (« comelin-tui ») puis relancez la vérification.",
        "en": "Fix the settings (\"comelin-tui\") and run the check again.",
    },
    "check.log_failed": {
        "fr": "avertissement : journal des essais non écrit ({reason})",
        "en": "warning: attempt log not written ({reason})",
    },
    "check.demo_banner": {
        "fr": "Démonstration : serveur local {host}:{port}, compte {username} "
              "(vos vrais réglages ne sont ni lus ni modifiés).",
        "en": "Demo: local server {host}:{port}, account {username} "
              "(your real settings are neither read nor changed).",
    },
})


class CheckSetupError(ComelinError):
    """The check could not start: no settings, incomplete settings, no secret."""


def add_parser(sub: argparse._SubParsersAction, name: str) -> None:
    from ..cli import add_common_arguments

    parser = sub.add_parser(name, help=t("check.help"), description=t("check.help"),
                            epilog=t("check.epilog"))
    add_common_arguments(parser)
    parser.add_argument("--host", help=t("check.host_help"))
    parser.add_argument("--port", metavar="N", help=t("check.port_help"))
    parser.add_argument("--security", choices=("starttls", "implicit_tls", "none"),
                        help=t("check.security_help"))
    parser.add_argument("--auth", choices=("password", "oauth2", "none"), help=t("check.auth_help"))
    parser.add_argument("--username", help=t("check.username_help"))
    parser.add_argument("--from", dest="from_address", metavar="ADDRESS", help=t("check.from_help"))
    parser.add_argument("--to", dest="to_address", metavar="ADDRESS", help=t("check.to_help"))
    parser.add_argument("--ca-file", metavar="PATH", help=t("check.ca_file_help"))
    parser.add_argument("--timeout", metavar="SECONDS", help=t("check.timeout_help"))
    parser.add_argument("--no-send", action="store_true", help=t("check.no_send_help"))
    parser.add_argument("--password-stdin", action="store_true",
                        help=t("check.password_stdin_help"))
    parser.add_argument("--json", action="store_true", help=t("check.json_help"))
    parser.add_argument("--no-probe", action="store_true", help=t("check.no_probe_help"))
    parser.add_argument("--transcript", action="store_true", help=t("check.transcript_help"))
    # SUPPRESS: "comelin-tui --demo check" (top-level flag) must not be reset here.
    parser.add_argument("--demo", action="store_true", default=argparse.SUPPRESS,
                        help=t("check.demo_help"))
    for module in _step_providers():
        module.add_check_arguments(parser)


def _step_providers() -> list[ModuleType]:
    return [importlib.import_module(name) for name in STEP_PROVIDER_MODULES]


def run(args: argparse.Namespace) -> int:
    """Run the check; print steps live (or JSON at the end); return the exit code."""
    if getattr(args, "demo", False):
        from ..sandbox import demo_environment

        with demo_environment() as demo:
            if not args.json:
                sandbox = demo.sandbox
                print(t("check.demo_banner", host=sandbox.host, port=sandbox.port,
                        username=sandbox.username), flush=True)
            # The demo's log stays in its throwaway folder, away from the real history.
            return _check(args, demo.config_path, demo.folder / "attempts.jsonl",
                          demo_password=demo.sandbox.password)
    from .. import paths

    return _check(args, paths.config_path(args.config), None)


def _check(args: argparse.Namespace, config_path: Path, log_path: Path | None,
           demo_password: str | None = None) -> int:
    try:
        target, config = prepare(args, config_path, demo_password=demo_password)
        result = _run_engine(args, target, config, config_path)
    except ComelinError as error:
        _log_could_not_run(error, args, log_path)
        if args.json:
            print(json.dumps(could_not_run_json(error, args), ensure_ascii=False, indent=2))
            print(t("cli.error", message=error.message()), file=sys.stderr)
            return EXIT_COULD_NOT_RUN
        raise
    _write_log(result, log_path)
    if args.json:
        data = result.to_json()
        data["queue_id"] = result.queue_id
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        _print_outcome(args, result)
    return result.exit_code


# -- settings -> Target ----------------------------------------------------------------------

def prepare(args: argparse.Namespace, config_path: Path, *,
            demo_password: str | None = None) -> tuple[Target, Config]:
    """The run's Target and settings: saved ones, overridden by options; the secret last.

    Raises a ComelinError (exit 3) when the run cannot start.
    """
    # The settings are only read here: the pydantic models stay unloaded (config_read).
    from ..config_read import ConfigNotFound, ConfigView, read_config
    from ..diagnostics.model import Target

    try:
        config = read_config(config_path)
    except ConfigNotFound:
        if not args.host:
            raise CheckSetupError("check.no_config", path=config_path) from None
        config = ConfigView()
    config = apply_overrides(config, args)
    for module in _step_providers():
        validate = getattr(module, "validate_check_arguments", None)
        if validate is not None:
            validate(args)
    missing = _missing(config, args)
    if missing:
        raise CheckSetupError("check.missing_fields", fields=", ".join(missing))
    smtp = config.smtp
    password = _secret(args, config, config_path, demo_password)
    target = Target(
        host=smtp.host,
        port=smtp.port,
        security=smtp.security,
        auth=smtp.auth,
        username=smtp.username,
        password=password,
        from_address=smtp.from_address,
        to_address=args.to_address or config.company.email or smtp.from_address,
        reply_to=smtp.reply_to,
        timeout=smtp.timeout,
        ca_file=smtp.ca_file,
        pinned_fingerprint=smtp.pinned_fingerprint,
        allow_insecure_auth=smtp.allow_insecure_auth,
        provider_id=config.provider,
        send=not args.no_send,
        language=i18n.get_language(),
    )
    return target, config


def apply_overrides(config: Config, args: argparse.Namespace) -> Config:
    """The settings with this run's options applied, each validated like the wizard does."""
    from ..config_read import with_changes
    from ..config_validate import (
        validate_ca_file,
        validate_email,
        validate_host,
        validate_port,
        validate_timeout,
    )

    changes: dict[str, object] = {}
    # Each option is checked on its own first, so an error names the option.
    if args.host is not None:
        changes["smtp.host"] = validate_host(args.host, field="--host")
    if args.port is not None:
        changes["smtp.port"] = validate_port(args.port, field="--port")
    if args.security is not None:
        changes["smtp.security"] = args.security
    if args.auth is not None:
        changes["smtp.auth"] = args.auth
    if args.username is not None:
        changes["smtp.username"] = args.username.strip()
    if args.from_address is not None:
        changes["smtp.from_address"] = validate_email(args.from_address, field="--from")
    if args.ca_file is not None:
        changes["smtp.ca_file"] = validate_ca_file(args.ca_file, field="--ca-file")
    if args.timeout is not None:
        changes["smtp.timeout"] = validate_timeout(args.timeout, field="--timeout")
    if args.to_address is not None:
        args.to_address = validate_email(args.to_address, field="--to")
    return with_changes(config, changes) if changes else config


def _env_secret() -> bool:
    import os

    from ..secrets import ENV_PASSWORD

    return bool(os.environ.get(ENV_PASSWORD))


def _missing(config: Config, args: argparse.Namespace) -> list[str]:
    """Settings still needed for this run, named for a person."""
    from ..config_checks import field_label, missing_fields

    missing = missing_fields(config)
    # The company email is only the default recipient; --to or the sender stand in.
    if args.to_address or config.smtp.from_address:
        missing = [name for name in missing if name != "company.email"]
    # A token given by hand does not need the app registration.
    if args.password_stdin or _env_secret():
        missing = [name for name in missing if name != "oauth.client_id"]
    named = []
    for name in missing:
        label = field_label(name)
        named.append(name if label == name else f"{label} ({name})")
    return named


def _secret(args: argparse.Namespace, config: Config, config_path: Path,
            demo_password: str | None) -> str | None:
    """The password or OAuth token: --password-stdin, else the environment, else the store."""
    auth = config.smtp.auth
    if auth == "none":
        return None
    if args.password_stdin:
        if sys.stdin.isatty():
            # Typed by a person: no echo on the screen (or in a screen recording).
            import getpass

            line = getpass.getpass(t("check.password_prompt")) + "\n"
        else:
            line = sys.stdin.readline()
        if not line:
            raise CheckSetupError("check.stdin_empty")
        return line.rstrip("\r\n")
    import os

    from ..secrets import ENV_PASSWORD, smtp_password

    if demo_password is not None:
        return demo_password
    if auth == "oauth2":
        # None: the saved sign-in gives a fresh token when the run starts, and a
        # refused sign-in becomes the run's diagnosis (auth.oauth_failed, exit 2).
        return os.environ.get(ENV_PASSWORD) or None
    password = smtp_password(config_path, config.secret_backend)
    if not password:
        raise CheckSetupError("check.no_password", var=ENV_PASSWORD)
    return password


def could_not_run_json(error: ComelinError,
                       args: argparse.Namespace | None = None) -> dict[str, Any]:
    """The contract's JSON shape for a run that could not start (status "unknown").

    ``server`` stays an object (what the options said, else nulls) so a parser
    that reads ``server.host`` never meets a null where the contract has an object.
    """
    return {
        "status": "unknown",
        "server": {
            "host": getattr(args, "host", None),
            "port": getattr(args, "port", None),
            "security": getattr(args, "security", None),
        },
        "steps": [],
        "diagnosis": {
            "code": "config.invalid",
            "summary": error.message(),
            "hint": t("check.could_not_run_hint"),
        },
        "suggestion": None,
        "transcript": [],
        "error": error.key,
    }


# -- running and printing ---------------------------------------------------------------------

def _run_engine(args: argparse.Namespace, target: Target, config: Config,
                config_path: Path) -> RunResult:
    import asyncio

    from ..diagnostics.engine import run_check
    from ..diagnostics.render import LivePrinter

    on_step: Callable[[Step], None] | None = None if args.json else LivePrinter(sys.stdout)

    async def main() -> RunResult:
        if target.auth == "oauth2" and target.password is None:
            from ..oauth_check import run_check_oauth_saved

            result = await run_check_oauth_saved(target, config_path, on_step,
                                                 probe=not args.no_probe)
        else:
            result = await run_check(target, on_step, probe=not args.no_probe)
        for module in _step_providers():
            result.steps.extend(await module.after_send_steps(args, result, on_step, config))
        return result

    return asyncio.run(main())


def _print_outcome(args: argparse.Namespace, result: RunResult) -> None:
    from ..diagnostics.render import format_outcome, format_transcript, use_color

    lines: list[str] = []
    if args.transcript:
        lines += format_transcript(result.transcript)
    lines += format_outcome(result, color=use_color(sys.stdout))
    print("\n".join(lines), flush=True)


def _write_log(result: RunResult, log_path: Path | None) -> None:
    from ..attempt_log import append_attempt

    try:
        append_attempt(result, log_path)
    except OSError as error:
        # The check itself worked; a read-only state folder must not change its outcome.
        print(t("check.log_failed", reason=error.strerror or error), file=sys.stderr)


def _log_could_not_run(error: ComelinError, args: argparse.Namespace,
                       log_path: Path | None) -> None:
    from datetime import UTC, datetime

    from ..attempt_log import Attempt, append_attempt

    attempt = Attempt(time=datetime.now(UTC), status="unknown", host=args.host or "",
                      code="config.invalid", sent=not args.no_send)
    try:
        append_attempt(attempt, log_path)
    except OSError as log_error:
        print(t("check.log_failed", reason=log_error.strerror or log_error), file=sys.stderr)
