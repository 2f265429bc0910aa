"""Command line: argparse subcommands, one clear line per error, exit codes.

Each subcommand lives in its own ``commands/`` module with ``add_parser`` and
``run`` and is imported only when used, so ``comelin-tui check`` never pays
for Textual and ``--version`` pays for nothing.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from typing import Any, NoReturn

from . import __version__, i18n
from .compat import localise_argparse
from .errors import ComelinError
from .i18n import t

# name -> module under comelin_tui.commands
COMMANDS = {
    "show": "show",
    "password": "password",
    "check": "check",
    "discover": "discover",
    "signin": "signin",
    "relay": "relay",
    "send": "send",
    "queue": "queue",
    "profile": "profile",
    "serve": "serve",
}

i18n.register({
    "cli.description": {
        "fr": "Configure et vérifie le courriel sortant de l'entreprise pour Comelin.",
        "en": "Set up and prove the company's outgoing email for Comelin.",
    },
    "cli.config_help": {
        "fr": "fichier de réglages (par défaut : $COMELIN_TUI_CONFIG ou le dossier de configuration)",
        "en": "settings file (default: $COMELIN_TUI_CONFIG or the user config folder)",
    },
    "cli.lang_help": {
        "fr": "langue de l'interface (par défaut : celle du système)",
        "en": "interface language (default: the system's)",
    },
    "cli.demo_help": {
        "fr": "essayer l'assistant avec un serveur de démonstration local, sans toucher aux vrais réglages",
        "en": "try the wizard against a local demo server, leaving the real settings alone",
    },
    "cli.dns_server_help": {
        "fr": "assistant : serveur DNS à interroger (IP ou IP:PORT ; par défaut celui des "
              "réglages ou du système)",
        "en": "wizard: DNS server to ask (IP or IP:PORT; default: the settings' or the "
              "system's)",
    },
    "cli.no_dns_checks_help": {
        "fr": "assistant : après l'envoi test, ne pas vérifier les enregistrements DNS du "
              "domaine (MX, SPF, DKIM, DMARC)",
        "en": "wizard: after the test send, skip the domain's DNS record checks (MX, SPF, "
              "DKIM, DMARC)",
    },
    "cli.wizard_only": {
        "fr": "{option} sert seulement à l'assistant (comelin-tui sans commande) ; une "
              "commande qui l'accepte le prend après son nom (voir comelin-tui {command} --help)",
        "en": "{option} is for the wizard only (comelin-tui with no command); a command that "
              "takes it wants it after its name (see comelin-tui {command} --help)",
    },
    "cli.commands_title": {"fr": "commandes", "en": "commands"},
    "cli.version_help": {"fr": "afficher la version et quitter",
                         "en": "show the version and exit"},
    "cli.error": {"fr": "erreur : {message}", "en": "error: {message}"},
    "cli.interrupted": {"fr": "interrompu", "en": "interrupted"},
    "cli.unexpected": {
        "fr": "erreur inattendue ({kind}) : {message}. Relancez avec COMELIN_TUI_DEBUG=1 pour les détails.",
        "en": "unexpected error ({kind}): {message}. Run again with COMELIN_TUI_DEBUG=1 for details.",
    },
    "cli.unrecognized_options": {
        "fr": "arguments non reconnus : {options}",
        "en": "unrecognized arguments: {options}",
    },
    "cli.unexpected_values": {
        "fr": "argument inattendu (non répété ici, au cas où ce serait un mot de passe). Un "
              "mot de passe ne se donne jamais sur la ligne de commande : il est demandé sans "
              "écho, ou lu sur l'entrée standard (--password-stdin, password --stdin)",
        "en": "unexpected argument (not repeated here, in case it is a password). A password "
              "is never given on the command line: it is asked without echo, or read from "
              "standard input (--password-stdin, password --stdin)",
    },
    "cli.password_argument": {
        "fr": "un mot de passe ne se donne pas sur la ligne de commande (il resterait dans "
              "l'historique et serait visible des autres utilisateurs) : utilisez "
              "--password-stdin, qui le lit sur l'entrée standard, ou le demande sans écho "
              "dans un terminal",
        "en": "a password is not given on the command line (it would stay in the shell "
              "history and be visible to other users): use --password-stdin, which reads it "
              "from standard input, or asks for it without echo in a terminal",
    },
    "cli.usage_error": {
        "fr": "ligne de commande incorrecte : {message}",
        "en": "wrong command line: {message}",
    },
})


def _pre_language(argv: list[str]) -> None:
    """Apply --lang before building the parser, so --help is in that language."""
    for i, arg in enumerate(argv):
        value = None
        if arg == "--lang" and i + 1 < len(argv):
            value = argv[i + 1]
        elif arg.startswith("--lang="):
            value = arg.split("=", 1)[1]
        if value:
            try:
                i18n.set_language(value)
            except ValueError:
                pass  # argparse reports the bad choice
            return


# Top-level options that take a value (their value is never the command's name).
_VALUED = frozenset({"--config", "--lang", "--dns-server"})


def command_in(argv: list[str]) -> str | None:
    """The subcommand *argv* runs, when it names one before any ``--help``; else None."""
    skip = False
    for arg in argv:
        if skip:
            skip = False
            continue
        if arg in ("-h", "--help"):
            return None
        if arg in _VALUED:
            skip = True
            continue
        if arg.startswith("-"):
            continue
        return arg if arg in COMMANDS else None
    return None


class UsageError(Exception):
    """The command line is wrong: *message* for *parser* (the subcommand's, when it is)."""

    def __init__(self, parser: argparse.ArgumentParser, message: str) -> None:
        super().__init__(message)
        self.parser = parser
        self.message = message

    def report(self) -> NoReturn:
        """argparse's own report: usage and message on stderr, then exit 2."""
        argparse.ArgumentParser.error(self.parser, self.message)


def unexpected_arguments(extras: list[str]) -> str:
    """What argparse would call "unrecognized arguments", without the values: an option
    is named (without what follows ``=``), anything else only counted, since a password
    typed by mistake (``comelin-tui password hunter2``) must not be printed back."""
    options = [arg.split("=", 1)[0] for arg in extras if arg.startswith("-") and arg != "-"]
    values = len(extras) - len(options)
    parts = []
    if options:
        parts.append(t("cli.unrecognized_options", options=" ".join(options)))
    if values:
        parts.append(t("cli.unexpected_values"))
    return "; ".join(parts)


class RefusePassword(argparse.Action):
    """``--password [VALUE]``: refused without repeating the value, with the safe way."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: str | None = None) -> None:
        parser.error(t("cli.password_argument"))


def add_password_trap(parser: argparse.ArgumentParser) -> None:
    """A hidden ``--password`` that takes the value typed after it and refuses it, so that
    neither argparse's abbreviation (``--password`` for ``--password-stdin``) nor its
    "unrecognized arguments" ever gets to see or print it."""
    parser.add_argument("--password", nargs="?", action=RefusePassword, default=argparse.SUPPRESS,
                        help=argparse.SUPPRESS)


class CommandLineParser(argparse.ArgumentParser):
    """argparse whose errors never repeat a value typed by mistake (see
    :func:`unexpected_arguments`) and reach :func:`run` as a :class:`UsageError`, so a
    ``--json`` command can still answer with a JSON document."""

    def parse_args(self, args: Any = None, namespace: Any = None) -> Any:
        parsed, extras = self.parse_known_args(args, namespace)
        if extras:
            self.error(unexpected_arguments(extras))
        return parsed

    def error(self, message: str) -> NoReturn:
        raise UsageError(self, message)


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole command line; with *only*, that subcommand's full parser and the others
    as bare names (what it costs to build them all is paid only for ``--help``)."""
    parser = CommandLineParser(prog="comelin-tui", description=t("cli.description"))
    parser.add_argument("--version", action="version", version=f"comelin-tui {__version__}",
                        help=t("cli.version_help"))
    add_common_arguments(parser)
    parser.add_argument("--demo", action="store_true", help=t("cli.demo_help"))
    # The wizard's own (a command has its own --dns-server): separate names, so a
    # command's defaults never overwrite them and a misplaced one is caught.
    parser.add_argument("--dns-server", metavar="IP[:PORT]", dest="wizard_dns_server",
                        default=None, help=t("cli.dns_server_help"))
    parser.add_argument("--no-dns-checks", action="store_true", dest="wizard_no_dns_checks",
                        help=t("cli.no_dns_checks_help"))
    sub = parser.add_subparsers(dest="command", title=t("cli.commands_title"))
    for name, module in COMMANDS.items():
        if only is None or name == only:
            importlib.import_module(f".commands.{module}", __package__).add_parser(sub, name)
        else:
            sub.add_parser(name)
    return parser


def add_common_arguments(parser: argparse.ArgumentParser) -> None:
    """Options every subcommand accepts too (``comelin-tui show --config X``)."""
    parser.add_argument("--config", metavar="PATH", default=argparse.SUPPRESS,
                        help=t("cli.config_help"))
    parser.add_argument("--lang", choices=i18n.LANGUAGES, default=argparse.SUPPRESS,
                        help=t("cli.lang_help"))


def no_core_dumps() -> None:
    """No core file: one would hold the password (in clear and in base64) for anyone
    who can read the folder it lands in. POSIX; Windows writes no core files (a crash
    dump there is Windows Error Reporting's, off unless an administrator enables it)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return
    try:
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (OSError, ValueError):
        pass  # not allowed to lower it here: nothing worse than before


def _quiet_broken_pipe() -> int:
    """The reader went away (``show | head``): stop without a word. Later writes
    (and the interpreter's last flush) go nowhere instead of failing again."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass
    return 141  # as a program killed by SIGPIPE: the shell's convention


def run(argv: list[str]) -> int:
    no_core_dumps()
    try:
        code = _run(argv)
        sys.stdout.flush()
    except BrokenPipeError:
        return _quiet_broken_pipe()
    return code


# Commands whose "could not run" exit code is 3 (the monitoring convention for check,
# "bad input" for discover); another command's usage error stays argparse's 2.
_USAGE_EXIT_JSON = {"check": 3, "discover": 3}


# The commands that take --json.
_JSON_COMMANDS = frozenset({"check", "discover", "show", "relay", "profile"})


def _wants_json(argv: list[str]) -> str | None:
    """The command when *argv* asks it for ``--json`` (read before parsing, so that even
    a command line argparse refuses is answered in JSON); else None."""
    command = command_in(argv)
    return command if command in _JSON_COMMANDS and "--json" in argv else None


def _print_json_could_not_run(command: str, error: ComelinError,
                              args: argparse.Namespace | None) -> None:
    """A JSON document on stdout for a run that could not start: a script reading
    ``--json`` output always gets one. check keeps the contract's shape."""
    if command == "check":
        from .commands.check import could_not_run_json

        data = could_not_run_json(error, args)
    else:
        data = {"status": "unknown", "error": error.key, "message": error.message()}
    print(json.dumps(data, ensure_ascii=False, indent=2), flush=True)


def _run(argv: list[str]) -> int:
    import os

    _pre_language(argv)
    localise_argparse(i18n.get_language)
    json_command = _wants_json(argv)
    parser = build_parser(command_in(argv))
    try:
        args = parser.parse_args(argv)
        if args.command is not None:
            for option, given in (("--dns-server", args.wizard_dns_server is not None),
                                  ("--no-dns-checks", args.wizard_no_dns_checks)):
                if given:
                    parser.error(t("cli.wizard_only", option=option, command=args.command))
    except UsageError as usage:
        if json_command is None:
            usage.report()  # usage and message on stderr, exit 2
        error = ComelinError("cli.usage_error", message=usage.message)
        _print_json_could_not_run(json_command, error, None)
        print(t("cli.error", message=usage.message), file=sys.stderr)
        return _USAGE_EXIT_JSON.get(json_command, 2)
    args.config = getattr(args, "config", None)
    args.lang = getattr(args, "lang", None)
    json_command = args.command if getattr(args, "json", False) else None
    try:
        if args.command is None:
            from .commands import wizard

            return wizard.run(args)
        module = importlib.import_module(f".commands.{COMMANDS[args.command]}", __package__)
        return int(module.run(args))
    except ComelinError as error:
        if json_command is not None:
            _print_json_could_not_run(json_command, error, args)
        print(t("cli.error", message=error.message()), file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        if json_command is not None:
            _print_json_could_not_run(json_command, ComelinError("cli.interrupted"), args)
        print(t("cli.interrupted"), file=sys.stderr)
        return 130
    except BrokenPipeError:
        raise  # the reader went away: run() ends quietly
    except Exception as error:  # the edge: never a traceback
        if os.environ.get("COMELIN_TUI_DEBUG"):
            raise
        # A codec error quotes the text it choked on, which may be a password.
        detail = "-" if isinstance(error, UnicodeError) else error
        unexpected = ComelinError("cli.unexpected", kind=type(error).__name__, message=detail)
        if json_command is not None:
            _print_json_could_not_run(json_command, unexpected, args)
        print(unexpected.message(), file=sys.stderr)
        return 3
