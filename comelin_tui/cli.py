"""Command line: argparse subcommands, one clear line per error, exit codes.

Each subcommand lives in its own ``commands/`` module with ``add_parser`` and
``run`` and is imported only when used, so ``comelin-tui check`` never pays
for Textual and ``--version`` pays for nothing.
"""

from __future__ import annotations

import argparse
import importlib
import sys

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


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole command line; with *only*, that subcommand's full parser and the others
    as bare names (what it costs to build them all is paid only for ``--help``)."""
    parser = argparse.ArgumentParser(prog="comelin-tui", description=t("cli.description"))
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


def _run(argv: list[str]) -> int:
    import os

    _pre_language(argv)
    localise_argparse(i18n.get_language)
    parser = build_parser(command_in(argv))
    args = parser.parse_args(argv)
    if args.command is not None:
        for option, given in (("--dns-server", args.wizard_dns_server is not None),
                              ("--no-dns-checks", args.wizard_no_dns_checks)):
            if given:
                parser.error(t("cli.wizard_only", option=option, command=args.command))
    args.config = getattr(args, "config", None)
    args.lang = getattr(args, "lang", None)
    try:
        if args.command is None:
            from .commands import wizard

            return wizard.run(args)
        module = importlib.import_module(f".commands.{COMMANDS[args.command]}", __package__)
        return int(module.run(args))
    except ComelinError as error:
        print(t("cli.error", message=error.message()), file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print(t("cli.interrupted"), file=sys.stderr)
        return 130
    except BrokenPipeError:
        raise  # the reader went away: run() ends quietly
    except Exception as error:  # the edge: never a traceback
        if os.environ.get("COMELIN_TUI_DEBUG"):
            raise
        # A codec error quotes the text it choked on, which may be a password.
        detail = "-" if isinstance(error, UnicodeError) else error
        print(t("cli.unexpected", kind=type(error).__name__, message=detail), file=sys.stderr)
        return 3
