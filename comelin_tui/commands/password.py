"""``comelin-tui password``: change the stored SMTP password (never as an argument)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from .. import i18n
from ..errors import ComelinError
from ..i18n import t

i18n.register({
    "password.help": {
        "fr": "changer le mot de passe enregistré (demandé sans écho, ou lu sur l'entrée standard)",
        "en": "change the stored password (asked without echo, or read from standard input)",
    },
    "password.stdin_help": {
        "fr": "lire le mot de passe sur une ligne de l'entrée standard (scripts)",
        "en": "read the password from one line of standard input (scripts)",
    },
    "password.store_help": {
        "fr": "où le garder : trousseau du système (keyring) ou fichier protégé (file)",
        "en": "where to keep it: the system keyring (keyring) or a protected file (file)",
    },
    "password.profile_help": {
        "fr": "le mot de passe du compte propre de ce profil (comelin-tui profile)",
        "en": "the password of this profile's own account (comelin-tui profile)",
    },
    "password.profile_company_account": {
        "fr": "le profil « {name} » envoie par le compte de l'entreprise : son mot de passe "
              "est celui de l'entreprise (comelin-tui password, sans --profile)",
        "en": "the profile \"{name}\" sends through the company account: its password is the "
              "company's (comelin-tui password, without --profile)",
    },
    "password.profile_saved": {
        "fr": "Mot de passe du profil « {name} » enregistré ({username} sur {host}). {where}",
        "en": "Password of the profile \"{name}\" saved ({username} on {host}). {where}",
    },
    "password.prompt": {"fr": "Nouveau mot de passe : ", "en": "New password: "},
    "password.again": {"fr": "Encore une fois : ", "en": "Once more: "},
    "password.mismatch": {
        "fr": "les deux saisies diffèrent ; rien n'a été changé",
        "en": "the two entries differ; nothing was changed",
    },
    "password.empty": {
        "fr": "mot de passe vide ; rien n'a été changé",
        "en": "empty password; nothing was changed",
    },
    "password.not_text": {
        "fr": "le mot de passe reçu n'est pas du texte UTF-8 valide ; rien n'a été changé",
        "en": "the password received is not valid UTF-8 text; nothing was changed",
    },
    "password.not_moved": {
        "fr": "Attention : les secrets de l'ancien emplacement n'ont pas pu être déplacés "
              "({reason}). Ils y restent ; le nouveau mot de passe est enregistré au nouvel "
              "emplacement.",
        "en": "Note: the secrets in the old place could not be moved ({reason}). They stay "
              "there; the new password is saved in the new place.",
    },
    "password.nul": {
        "fr": "le mot de passe contient un caractère nul, qu'aucun serveur SMTP ne peut "
              "recevoir ; rien n'a été changé",
        "en": "the password contains a NUL character, which no SMTP server can receive; "
              "nothing was changed",
    },
    "password.no_tty": {
        "fr": "aucun terminal pour demander le mot de passe : utilisez --stdin",
        "en": "no terminal to ask for the password: use --stdin",
    },
    "password.not_needed": {
        "fr": "ces réglages n'utilisent pas de mot de passe (authentification : {auth})",
        "en": "these settings use no password (authentication: {auth})",
    },
    "password.saved": {"fr": "Mot de passe enregistré. {where}", "en": "Password saved. {where}"},
    "password.spaces_removed": {
        "fr": "Les espaces du mot de passe d'application ont été retirés.",
        "en": "The spaces in the app password were removed.",
    },
    "password.env_wins": {
        "fr": "Attention : {var} est défini et remplace le mot de passe enregistré tant qu'il l'est.",
        "en": "Note: {var} is set and overrides the stored password while it is.",
    },
    "password.moved": {
        "fr": "Secrets déplacés vers le nouvel emplacement : {names}.",
        "en": "Secrets moved to the new place: {names}.",
    },
})


class PasswordInputError(ComelinError):
    exit_code = 2


def add_parser(sub: argparse._SubParsersAction, name: str) -> None:
    from ..cli import add_common_arguments

    parser = sub.add_parser(name, help=t("password.help"), description=t("password.help"))
    add_common_arguments(parser)
    parser.add_argument("--stdin", action="store_true", help=t("password.stdin_help"))
    parser.add_argument("--store", choices=("keyring", "file"), help=t("password.store_help"))
    parser.add_argument("--profile", metavar="NAME", help=t("password.profile_help"))


class UnusableSecretText(ValueError):
    """What was read is no password: ``reason`` is ``"not_text"`` or ``"nul"``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def stdin_line() -> str | None:
    """One line of standard input, its line end removed; None at the end of input.

    Read as bytes and decoded as strict UTF-8, whatever the locale: a byte that is not
    UTF-8 or a NUL character raises :class:`UnusableSecretText`, whose message never
    quotes what was read (a codec's message quotes the byte, a byte of the password).
    """
    stream = getattr(sys.stdin, "buffer", None)
    if stream is not None:
        raw = stream.readline()
        if not raw:
            return None
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise UnusableSecretText("not_text") from None
    else:  # a text stream put in its place
        try:
            line = sys.stdin.readline()
        except UnicodeDecodeError:
            raise UnusableSecretText("not_text") from None
        if not line:
            return None
    line = line.rstrip("\r\n")
    check_secret_text(line)
    return line


def check_secret_text(value: str) -> None:
    """Refuse a NUL character (AUTH PLAIN separates the login and the password with
    NUL bytes) and undecodable bytes kept as lone surrogates (C locale)."""
    if "\0" in value:
        raise UnusableSecretText("nul")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise UnusableSecretText("not_text") from None


def read_password(use_stdin: bool) -> str:
    """One password from stdin (``--stdin``) or asked twice without echo on the terminal."""
    if use_stdin:
        try:
            value = stdin_line() or ""
        except UnusableSecretText as problem:
            raise PasswordInputError(f"password.{problem.reason}") from None
    else:
        import getpass

        if not sys.stdin.isatty():
            raise PasswordInputError("password.no_tty")
        value = getpass.getpass(t("password.prompt"))
        if getpass.getpass(t("password.again")) != value:
            raise PasswordInputError("password.mismatch")
    if not value.strip():
        raise PasswordInputError("password.empty")
    try:
        check_secret_text(value)
    except UnusableSecretText as problem:
        raise PasswordInputError(f"password.{problem.reason}") from None
    return value


def run(args: argparse.Namespace) -> int:
    import os

    from ..config import load_config
    from ..paths import config_path
    from ..providers import get_provider
    from ..secrets import (
        ENV_PASSWORD,
        OAUTH_TOKEN_CACHE,
        SMTP_PASSWORD,
        SecretError,
        SecretNotSaved,
        migrate_secrets,
        open_secret_store,
    )

    path = config_path(args.config)
    config = load_config(path)
    if getattr(args, "profile", None) and args.profile.strip().lower() != "company":
        return _profile_password(args, path, config)
    if config.smtp.auth != "password":
        raise PasswordInputError("password.not_needed", auth=config.smtp.auth)
    value = read_password(args.stdin)
    if get_provider(config.provider).strip_spaces_in_password and " " in value.strip():
        value = "".join(value.split())
        print(t("password.spaces_removed"))

    wanted = args.store or config.secret_backend
    store = open_secret_store(path, wanted)
    if args.store and config.secret_backend and args.store != config.secret_backend:
        try:
            from ..profiles import all_profiles

            # The company's secrets and each profile's own account's: all move together.
            names = (SMTP_PASSWORD, OAUTH_TOKEN_CACHE,
                     *(p.secret for p in all_profiles(config) if p.secret))
            moved = migrate_secrets(open_secret_store(path, config.secret_backend), store,
                                    names)
        except SecretNotSaved:
            raise  # the new place refuses secrets: the password cannot go there either
        except SecretError as error:
            # Leaving a keyring that no longer works is the very reason to pass --store:
            # what cannot be read there stays there, and the new password still gets saved.
            print(t("password.not_moved", reason=error.message()), file=sys.stderr)
        else:
            if moved:
                print(t("password.moved", names=", ".join(moved)))
    store.set(SMTP_PASSWORD, value)
    _record_store(path, config, store)
    print(t("password.saved", where=store.describe()))
    from ..config_checks import password_warnings

    for warning in password_warnings(config, value):
        print(f"! {warning.message()} {warning.hint()}", file=sys.stderr)
    if os.environ.get(ENV_PASSWORD):
        print(t("password.env_wins", var=ENV_PASSWORD), file=sys.stderr)
    return 0


def _record_store(path: Any, config: Any, store: Any) -> None:
    from ..config import update_config

    if config.secret_backend != store.kind:
        # Only the record of the store changes: merged into the settings as they are now.
        update_config(path, lambda current: current.model_copy(
            update={"secret_backend": store.kind}))


def _profile_password(args: argparse.Namespace, path: Any, config: Any) -> int:
    """``password --profile NAME``: the secret of a profile's own account, under its own
    key. ``--store`` here only picks where a first secret goes; moving every secret is
    the company password's ``--store``."""
    from ..profiles import NoSuchProfile, find_profile, profile_config
    from ..secrets import open_secret_store

    try:
        profile = find_profile(config, args.profile)
    except NoSuchProfile:
        raise PasswordInputError("profile.no_such", name=args.profile, names=", ".join(
            ["company", *(p.name for p in config.profiles)])) from None
    if profile.account is None or profile.secret is None:
        raise PasswordInputError("password.profile_company_account", name=profile.name)
    value = read_password(args.stdin)
    store = open_secret_store(path, config.secret_backend or args.store)
    store.set(profile.secret, value)
    _record_store(path, config, store)
    print(t("password.profile_saved", name=profile.name, username=profile.account.username,
            host=profile.account.host, where=store.describe()))
    from ..config_checks import password_warnings

    for warning in password_warnings(profile_config(config, profile), value):
        print(f"! {warning.message()} {warning.hint()}", file=sys.stderr)
    return 0
