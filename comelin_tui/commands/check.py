"""`comelin-tui check`: a live test send, from the saved settings or ad-hoc options.

Like swaks, a server can be tried before anything is saved (``--host`` ...);
options override the saved settings for this run only and nothing is written
except one line in the attempt log. Exit codes follow the monitoring
convention: 0 ok, 1 warning, 2 failure, 3 could not run.

Only light modules are imported at parse time (``--version`` must stay
instant); the engine, pydantic and the secret store load in :func:`run`, and
Textual never does.

The run itself is the core job :func:`comelin_tui.jobs.send_test.send_test`, the
same one the TUI's test screen calls: this module only turns options into
settings and the job's options, and prints what the job reports.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import i18n
from ..errors import ComelinError
from ..i18n import t
from .check_dns import add_check_arguments, validate_check_arguments

if TYPE_CHECKING:
    from ..config_read import ConfigView as Config
    from ..diagnostics.model import RunResult, Step
    from ..jobs.send_test import SendTestOptions, SendTestSetupError
    from ..secrets import Secret

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
    "check.saved_password_elsewhere": {
        "fr": "Attention : le mot de passe enregistré (pour {saved}) sera envoyé à {host}. "
              "Pour un autre compte, donnez son mot de passe avec --password-stdin.",
        "en": "Note: the saved password (for {saved}) will be sent to {host}. For another "
              "account, give its password with --password-stdin.",
    },
    "check.saved_password_elsewhere_refused": {
        "fr": "Le mot de passe enregistré est celui de {saved} : il n'est pas envoyé à {host} "
              "sans votre accord. Donnez le mot de passe de ce serveur avec --password-stdin, "
              "ou ajoutez --send-saved-password pour lui envoyer celui de {saved}.",
        "en": "The saved password is the one for {saved}: it is not sent to {host} without "
              "your say-so. Give this server's password with --password-stdin, or add "
              "--send-saved-password to send it the one for {saved}.",
    },
    "check.send_saved_password_help": {
        "fr": "avec --host : envoyer le mot de passe enregistré à ce serveur aussi",
        "en": "with --host: send the saved password to that server too",
    },
    "check.demo_banner": {
        "fr": "Démonstration : serveur local {host}:{port}, compte {username} "
              "(vos vrais réglages ne sont ni lus ni modifiés).",
        "en": "Demo: local server {host}:{port}, account {username} "
              "(your real settings are neither read nor changed).",
    },
    "check.stdin_not_text": {
        "fr": "--password-stdin : ce qui a été lu n'est pas du texte UTF-8 valide (ses octets "
              "ne sont pas affichés) ; rien n'a été envoyé",
        "en": "--password-stdin: what was read is not valid UTF-8 text (its bytes are not "
              "shown); nothing was sent",
    },
    "check.profile_help": {
        "fr": "essayer ce profil d'expéditeur (son expéditeur, son compte) ; company : celui "
              "de l'entreprise",
        "en": "try this sender profile (its sender, its account); company: the company's",
    },
    "check.all_profiles_help": {
        "fr": "essayer chaque profil : un essai par compte et expéditeur distincts, les "
              "vérifications DNS une fois par domaine ; le code de sortie est le pire",
        "en": "try every profile: one test per distinct account and sender, the DNS checks "
              "once per domain; the exit code is the worst",
    },
    "check.no_profile_password": {
        "fr": "aucun mot de passe enregistré pour le compte du profil « {name} ». "
              "Enregistrez-le avec « comelin-tui password --profile {name} ».",
        "en": "no password saved for the account of the profile \"{name}\". Save it with "
              "\"comelin-tui password --profile {name}\".",
    },
    "check.all_profiles_options": {
        "fr": "--all-profiles essaie les réglages enregistrés de chaque profil : {options} "
              "n'y a pas sa place (pour un seul profil : --profile NOM)",
        "en": "--all-profiles tries each profile's saved settings: {options} has no place "
              "there (for one profile: --profile NAME)",
    },
    "check.stdin_nul": {
        "fr": "--password-stdin : ce qui a été lu contient un caractère nul, qu'aucun serveur "
              "SMTP ne peut recevoir ; rien n'a été envoyé",
        "en": "--password-stdin: what was read contains a NUL character, which no SMTP server "
              "can receive; nothing was sent",
    },
})


class CheckSetupError(ComelinError):
    """The check could not start: no settings, incomplete settings, no secret."""


def add_parser(sub: argparse._SubParsersAction, name: str) -> None:
    from ..cli import add_common_arguments, add_password_trap

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
    parser.add_argument("--send-saved-password", action="store_true",
                        help=t("check.send_saved_password_help"))
    add_password_trap(parser)
    parser.add_argument("--json", action="store_true", help=t("check.json_help"))
    parser.add_argument("--no-probe", action="store_true", help=t("check.no_probe_help"))
    parser.add_argument("--transcript", action="store_true", help=t("check.transcript_help"))
    # SUPPRESS: "comelin-tui --demo check" (top-level flag) must not be reset here.
    parser.add_argument("--demo", action="store_true", default=argparse.SUPPRESS,
                        help=t("check.demo_help"))
    add_check_arguments(parser)
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--profile", metavar="NAME", help=t("check.profile_help"))
    which.add_argument("--all-profiles", action="store_true", help=t("check.all_profiles_help"))


def run(args: argparse.Namespace) -> int:
    """Run the check; print steps live (or JSON at the end); return the exit code."""
    if getattr(args, "demo", False):
        from ..sandbox import DemoSession

        with DemoSession() as demo:
            demo.save()
            if not args.json:
                sandbox = demo.start()
                from ..diagnostics.render import wrap_report_line

                banner = t("check.demo_banner", host=sandbox.host, port=sandbox.port,
                           username=sandbox.username)
                print("\n".join(wrap_report_line(banner, output_width())), flush=True)
            # The demo's log stays in its throwaway folder, away from the real history.
            return _check(args, demo.config_path, demo.attempt_log_path,
                          demo_password=demo.password)
    from .. import paths

    return _check(args, paths.config_path(args.config), None)


def _check(args: argparse.Namespace, config_path: Path, log_path: Path | None,
           demo_password: str | None = None) -> int:
    if getattr(args, "all_profiles", False):
        from .check_profiles import check_all_profiles

        return check_all_profiles(args, config_path, log_path)
    try:
        config, options = prepare(args, config_path, log_path, demo_password=demo_password)
        result = _run(args, config, config_path, options)
    except ComelinError as error:
        _log_could_not_run(error, args, log_path, config_path)
        if args.json:
            print(json.dumps(could_not_run_json(error, args), ensure_ascii=False, indent=2))
            print(t("cli.error", message=error.message()), file=sys.stderr)
            return EXIT_COULD_NOT_RUN
        raise
    if args.json:
        data = result.to_json()
        data["queue_id"] = result.queue_id
        if getattr(args, "profile", None):
            data["profile"] = _profile_json(config_path, args.profile)
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        _print_outcome(args, result)
    return result.exit_code


# -- options -> settings and the job's options ----------------------------------------------

def prepare(args: argparse.Namespace, config_path: Path, log_path: Path | None = None, *,
            demo_password: str | None = None) -> tuple[Config, SendTestOptions]:
    """The run's settings (saved ones, overridden by options) and the test send's options.

    Raises a ComelinError (exit 3) when the run cannot start.
    """
    import dataclasses

    # The settings are only read here: the pydantic models stay unloaded (config_read).
    from ..config_read import ConfigNotFound, ConfigView, read_config
    from ..jobs.send_test import SendTestOptions, field_name, missing_settings
    from ..secrets import Secret

    try:
        config = read_config(config_path)
    except ConfigNotFound:
        if not args.host:
            raise CheckSetupError("check.no_config", path=config_path) from None
        config = ConfigView()
    profile = None
    if getattr(args, "profile", None):
        from ..profiles import NoSuchProfile, find_profile, profile_config

        try:
            profile = find_profile(config, args.profile)
        except NoSuchProfile:
            raise CheckSetupError("profile.no_such", name=args.profile, names=", ".join(
                ["company", *(p.name for p in config.profiles)])) from None
        config = profile_config(config, profile)
    saved_host = config.smtp.host
    config = apply_overrides(config, args)
    validate_check_arguments(args)
    stdin = args.password_stdin and config.smtp.auth != "none"
    demo = bool(getattr(args, "demo", False))
    # Ad hoc (--host): the test goes to --to, else to the sender, never to the saved
    # company address, which belongs to other settings.
    to_address = args.to_address or (config.smtp.from_address if args.host else None)
    if args.host and saved_host and args.host.strip().lower() != saved_host.lower() \
            and not stdin and config.smtp.auth == "password" and not demo:
        # The saved secret belongs to the saved server: another host gets it only when
        # asked for in so many words (another local user could name their own server).
        if not args.send_saved_password:
            raise CheckSetupError("check.saved_password_elsewhere_refused", host=args.host,
                                  saved=saved_host)
        if not args.json:
            print(t("check.saved_password_elsewhere", host=args.host, saved=saved_host),
                  file=sys.stderr)
    options = SendTestOptions(
        to_address=to_address, send=not args.no_send, probe=not args.no_probe,
        password=Secret("") if stdin else (Secret(demo_password) if demo_password else None),
        dns_checks=not (args.no_dns_checks or demo),
        dns_server=args.dns_server, log_path=log_path, language=i18n.get_language(),
        # Another profile's sender or account is not a test of the saved company settings.
        adhoc=is_adhoc(args) or (profile is not None and not profile.is_company),
        secret_name=profile.secret if profile else None,
        profile=None if profile is None or profile.is_company else profile.name)
    # Incomplete settings are said before a password is asked for.
    missing = missing_settings(config, options)
    if missing:
        raise CheckSetupError("check.missing_fields", fields=", ".join(map(field_name, missing)))
    if stdin:
        options = dataclasses.replace(options, password=_password_from_stdin())
    return config, options


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
        if changes["smtp.host"] != config.smtp.host:
            # Consent to an unencrypted login was given for the saved server only.
            changes["smtp.allow_insecure_auth"] = False
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


def is_adhoc(args: argparse.Namespace) -> bool:
    """Options override the server settings: the run is not a test of the saved ones
    (the home screen's "Last test" skips it). --to, --timeout and --no-send still test them."""
    return any(getattr(args, name, None) is not None for name in (
        "host", "port", "security", "auth", "username", "from_address", "ca_file"))


def _profile_json(config_path: Path, name: str) -> dict[str, Any]:
    """The profile a ``--profile`` run tried (``profile`` in its JSON)."""
    from ..config_read import read_config
    from ..profiles import find_profile

    return find_profile(read_config(config_path), name).to_json()


def _password_from_stdin() -> Secret:
    """--password-stdin: one line; typed by a person, it is not echoed. Refused, without
    quoting a byte of it, when it is not UTF-8 text or holds a NUL character."""
    from ..secrets import Secret
    from .password import UnusableSecretText, check_secret_text, stdin_line

    try:
        if sys.stdin.isatty():
            # Typed by a person: no echo on the screen (or in a screen recording).
            import getpass

            secret = Secret(getpass.getpass(t("check.password_prompt")))
            check_secret_text(secret.reveal())
            return secret
        line = stdin_line()
    except UnusableSecretText as problem:
        raise CheckSetupError(f"check.stdin_{problem.reason}") from None
    if line is None:
        raise CheckSetupError("check.stdin_empty")
    return Secret(line)


def _in_cli_words(error: SendTestSetupError) -> CheckSetupError:
    """The job's could-not-start reasons, in the command line's terms (options, commands)."""
    if error.reason == "incomplete":
        return CheckSetupError("check.missing_fields", **error.params)
    if error.reason == "no_profile_password":
        return CheckSetupError("check.no_profile_password", **error.params)
    return CheckSetupError("check.no_password", **error.params)


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
        **({"profile": {"name": args.profile}} if getattr(args, "profile", None) else {}),
    }


# -- running and printing ---------------------------------------------------------------------

def _run(args: argparse.Namespace, config: Config, config_path: Path,
         options: SendTestOptions) -> RunResult:
    """The core test send, steps printed live (not with --json)."""
    import asyncio

    from ..diagnostics.render import LivePrinter
    from ..jobs.send_test import SendTestSetupError, send_test

    printer = None if args.json else LivePrinter(
        sys.stdout, limit=config.smtp.timeout, dns_limit=options.dns_lifetime)
    on_step: Callable[[Step], None] | None = printer

    def log_failed(error: OSError) -> None:
        # The check itself worked; a read-only state folder must not change its outcome.
        print(t("check.log_failed", reason=error.strerror or error), file=sys.stderr)

    async def with_clock() -> RunResult:
        ticker = asyncio.ensure_future(printer.ticking()) if printer and printer.live else None
        try:
            return await send_test(config, config_path, on_step, options,
                                   on_log_error=log_failed)
        finally:
            if ticker is not None:
                ticker.cancel()

    try:
        return asyncio.run(with_clock())
    except SendTestSetupError as error:
        raise _in_cli_words(error) from None


def _print_outcome(args: argparse.Namespace, result: RunResult) -> None:
    from ..diagnostics.render import format_outcome, format_transcript, use_color

    lines: list[str] = []
    if args.transcript:
        lines += format_transcript(result.transcript)
    lines += format_outcome(result, color=use_color(sys.stdout), try_flags=try_flags(args),
                            width=output_width())
    print("\n".join(lines), flush=True)


def output_width() -> int:
    """The terminal's width (COLUMNS, else 80 when not a terminal): the evidence is
    wrapped to it, one column short so that no terminal wraps it again."""
    import shutil

    return max(shutil.get_terminal_size((80, 24)).columns - 1, 40)


def try_flags(args: argparse.Namespace) -> tuple[str, ...]:
    """This run's options, quoted for a shell: the "To try it" line then runs the
    same test with only what the suggestion or fix changes replaced."""
    import shlex

    flags: list[str] = []
    for option, value in (("--config", getattr(args, "config", None)),
                          ("--profile", getattr(args, "profile", None)), ("--host", args.host),
                          ("--port", getattr(args, "port", None)),
                          ("--security", getattr(args, "security", None)),
                          ("--auth", args.auth), ("--username", args.username),
                          ("--from", args.from_address), ("--to", args.to_address),
                          ("--ca-file", args.ca_file), ("--timeout", args.timeout),
                          ("--dns-server", getattr(args, "dns_server", None))):
        if value is not None:
            flags.append(f"{option} {shlex.quote(str(value))}")
    for option, given in (("--password-stdin", args.password_stdin),
                          ("--send-saved-password", getattr(args, "send_saved_password", False)),
                          ("--no-send", args.no_send),
                          ("--no-dns-checks", getattr(args, "no_dns_checks", False))):
        if given:
            flags.append(option)
    return tuple(flags)


def _log_could_not_run(error: ComelinError, args: argparse.Namespace,
                       log_path: Path | None, config_path: Path) -> None:
    from datetime import UTC, datetime

    from ..attempt_log import Attempt, append_attempt, config_key

    attempt = Attempt(time=datetime.now(UTC), status="unknown", host=args.host or "",
                      code="config.invalid", sent=not args.no_send,
                      config=config_key(config_path), adhoc=is_adhoc(args))
    try:
        append_attempt(attempt, log_path)
    except OSError as log_error:
        print(t("check.log_failed", reason=log_error.strerror or log_error), file=sys.stderr)
