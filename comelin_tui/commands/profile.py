"""``comelin-tui profile list|add|edit|remove``: the sender profiles, for scripts too.

A technician setting up many stores by script adds a profile per store and per
purpose (``add NAME --from ADDRESS ...``), with an account of its own when it is
not the company mailbox (``--host --port --security --username``); that account's
secret is set with ``comelin-tui password --profile NAME``, never here. Every change
is applied to the settings as they are on disk (under their lock), so two scripts
at once never undo each other. The model is :mod:`comelin_tui.profiles`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from .. import i18n
from ..errors import ComelinError
from ..i18n import t

i18n.register({
    "profile.help": {
        "fr": "les profils d'expéditeur : un expéditeur par magasin et par usage "
              "(list, add, edit, remove)",
        "en": "the sender profiles: a sender per store and per purpose "
              "(list, add, edit, remove)",
    },
    "profile.list_help": {"fr": "lister les profils (le profil de l'entreprise d'abord)",
                          "en": "list the profiles (the company profile first)"},
    "profile.add_help": {"fr": "ajouter un profil", "en": "add a profile"},
    "profile.edit_help": {
        "fr": "changer un profil (seules les options données changent)",
        "en": "change a profile (only the options given change)",
    },
    "profile.remove_help": {
        "fr": "retirer un profil (et le mot de passe de son compte propre)",
        "en": "remove a profile (and the password of its own account)",
    },
    "profile.name_help": {
        "fr": "nom du profil (ex. magasin-12-commandes)", "en": "profile name (e.g. store-12-orders)",
    },
    "profile.from_help": {"fr": "adresse de l'expéditeur", "en": "sender address"},
    "profile.store_help": {"fr": "le magasin", "en": "the store"},
    "profile.purpose_help": {
        "fr": "l'usage : invoices (factures et reçus), alerts (alertes d'administration), "
              "orders (commandes aux fournisseurs), ou un texte libre",
        "en": "the purpose: invoices (invoices and receipts), alerts (admin alerts), orders "
              "(supplier orders), or free text",
    },
    "profile.reply_to_help": {
        "fr": "adresse de réponse (vide : aucune)", "en": "reply-to address (empty: none)",
    },
    "profile.display_name_help": {
        "fr": "nom affiché de l'expéditeur", "en": "the sender's display name",
    },
    "profile.host_help": {
        "fr": "compte propre : serveur SMTP (sinon le compte de l'entreprise)",
        "en": "own account: SMTP server (else the company account)",
    },
    "profile.port_help": {"fr": "compte propre : port", "en": "own account: port"},
    "profile.security_help": {"fr": "compte propre : chiffrement",
                              "en": "own account: encryption"},
    "profile.username_help": {"fr": "compte propre : nom d'utilisateur",
                              "en": "own account: username"},
    "profile.ca_file_help": {
        "fr": "compte propre : fichier PEM d'autorités de certification (AC privée)",
        "en": "own account: PEM file of certificate authorities (private CA)",
    },
    "profile.company_account_help": {
        "fr": "envoyer par le compte de l'entreprise (retire le compte propre)",
        "en": "send through the company account (removes the own account)",
    },
    "profile.json_help": {"fr": "sortie JSON pour les scripts", "en": "JSON output for scripts"},
    "profile.cli_exists": {
        "fr": "le profil « {name} » existe déjà : changez-le avec « comelin-tui profile edit "
              "{name} »",
        "en": "the profile \"{name}\" already exists: change it with \"comelin-tui profile edit "
              "{name}\"",
    },
    "profile.cli_account_needs_host": {
        "fr": "{options} : seulement pour un compte propre, qui a besoin de --host",
        "en": "{options}: only for an account of its own, which needs --host",
    },
    "profile.added": {"fr": "Profil « {name} » ajouté.", "en": "Profile \"{name}\" added."},
    "profile.changed": {"fr": "Profil « {name} » changé.", "en": "Profile \"{name}\" changed."},
    "profile.removed": {"fr": "Profil « {name} » retiré.", "en": "Profile \"{name}\" removed."},
    "profile.set_password": {
        "fr": "Son compte propre a besoin de son mot de passe : comelin-tui password "
              "--profile {name}",
        "en": "Its own account needs its password: comelin-tui password --profile {name}",
    },
    "profile.secret_not_removed": {
        "fr": "Attention : le mot de passe de son compte n'a pas pu être effacé ({reason}).",
        "en": "Note: the password of its account could not be deleted ({reason}).",
    },
    "profile.column.sender": {"fr": "Expéditeur", "en": "Sender"},
    "profile.column.account": {"fr": "Compte", "en": "Account"},
    "profile.reply_to": {"fr": "réponse à {address}", "en": "reply to {address}"},
    "profile.default_purpose": {"fr": "par défaut", "en": "default"},
})


class ProfileError(ComelinError):
    exit_code = 2


_ACCOUNT_OPTIONS = (("--port", "port"), ("--security", "security"),
                    ("--username", "username"), ("--ca-file", "ca_file"))


def add_parser(sub: argparse._SubParsersAction, name: str) -> None:
    from ..cli import add_common_arguments

    parser = sub.add_parser(name, help=t("profile.help"), description=t("profile.help"))
    add_common_arguments(parser)
    actions = parser.add_subparsers(dest="profile_action", required=True, metavar="ACTION")
    listing = actions.add_parser("list", help=t("profile.list_help"),
                                 description=t("profile.list_help"))
    add_common_arguments(listing)
    listing.add_argument("--json", action="store_true", help=t("profile.json_help"))
    for action, required in (("add", True), ("edit", False)):
        sub_parser = actions.add_parser(action, help=t(f"profile.{action}_help"),
                                        description=t(f"profile.{action}_help"))
        add_common_arguments(sub_parser)
        sub_parser.add_argument("name", metavar="NAME", help=t("profile.name_help"))
        sub_parser.add_argument("--from", dest="from_address", metavar="ADDRESS",
                                required=required, help=t("profile.from_help"))
        sub_parser.add_argument("--store", metavar="S", help=t("profile.store_help"))
        sub_parser.add_argument("--purpose", metavar="P", help=t("profile.purpose_help"))
        sub_parser.add_argument("--reply-to", metavar="R", help=t("profile.reply_to_help"))
        sub_parser.add_argument("--display-name", metavar="N",
                                help=t("profile.display_name_help"))
        sub_parser.add_argument("--host", metavar="H", help=t("profile.host_help"))
        sub_parser.add_argument("--port", metavar="P", help=t("profile.port_help"))
        sub_parser.add_argument("--security", choices=("starttls", "implicit_tls", "none"),
                                help=t("profile.security_help"))
        sub_parser.add_argument("--username", metavar="U", help=t("profile.username_help"))
        sub_parser.add_argument("--ca-file", metavar="PATH", help=t("profile.ca_file_help"))
        if action == "edit":
            sub_parser.add_argument("--company-account", action="store_true",
                                    help=t("profile.company_account_help"))
    remove = actions.add_parser("remove", help=t("profile.remove_help"),
                                description=t("profile.remove_help"))
    add_common_arguments(remove)
    remove.add_argument("name", metavar="NAME", help=t("profile.name_help"))


def run(args: argparse.Namespace) -> int:
    from ..paths import config_path

    path = config_path(args.config)
    action = args.profile_action
    if action == "list":
        return _list(args, path)
    if action == "remove":
        return _remove(args, path)
    return _add_or_edit(args, path, adding=action == "add")


def _list(args: argparse.Namespace, path: Path) -> int:
    from ..config_read import read_config
    from ..profiles import all_profiles, purpose_label

    profiles = all_profiles(read_config(path))
    if getattr(args, "json", False):
        print(json.dumps({"config_file": str(path),
                          "profiles": [profile.to_json() for profile in profiles]},
                         ensure_ascii=False, indent=2))
        return 0
    for line in profile_lines(profiles, purpose_label):
        print(line)
    return 0


def profile_lines(profiles: list[Any], purpose_label: Any) -> list[str]:
    """One block per profile: name, store, purpose; sender; account (for ``list``, ``show``)."""
    lines: list[str] = []
    for profile in profiles:
        purpose = purpose_label(profile.purpose) if profile.purpose else \
            t("profile.default_purpose")
        store = profile.store or "-"
        lines.append(f"{profile.name}  [{store}; {purpose}]")
        sender = f"{profile.display_name} <{profile.from_address}>" if profile.display_name \
            else (profile.from_address or "?")
        if profile.reply_to:
            sender += ", " + t("profile.reply_to", address=profile.reply_to)
        lines.append(f"    {t('profile.column.sender')}: {sender}")
        lines.append(f"    {t('profile.column.account')}: {profile.account_text()}")
    return lines


def _changes(args: argparse.Namespace) -> tuple[dict[str, Any], dict[str, Any]]:
    """The profile's fields and its account's fields given on the command line."""
    fields: dict[str, Any] = {}
    for option, key in (("from_address", "from_address"), ("store", "store"),
                        ("purpose", "purpose"), ("display_name", "display_name")):
        value = getattr(args, option)
        if value is not None:
            fields[key] = value
    if args.reply_to is not None:
        fields["reply_to"] = args.reply_to or None
    account: dict[str, Any] = {}
    if args.host is not None:
        account["host"] = args.host
    for option, key in _ACCOUNT_OPTIONS:
        value = getattr(args, key)
        if value is not None:
            account[key] = value
    return fields, account


_OPTION_OF = {"host": "--host", **{key: option for option, key in _ACCOUNT_OPTIONS}}


def _add_or_edit(args: argparse.Namespace, path: Path, *, adding: bool) -> int:
    from ..config import Config, ConfigError, update_config
    from ..config_validate import FieldError
    from ..profiles import COMPANY, set_profile, validate_profile_name
    from ..profiles import ProfileError as CoreError

    if args.name.strip().lower() == COMPANY:
        raise ProfileError("profile.company_not_here")
    try:
        name = validate_profile_name(args.name, field="NAME")
    except FieldError as error:
        raise ProfileError("cli.usage_error", message=error.message()) from None
    fields, account = _changes(args)
    company_account = getattr(args, "company_account", False)

    def change(current: Config) -> Config:
        try:
            return set_profile(current, name, fields, account, adding=adding,
                               company_account=company_account)
        except CoreError as error:
            raise _in_cli_words(error) from None
        except ConfigError as error:
            raise ProfileError("cli.usage_error", message=error.message()) from None

    config = update_config(path, change, default=Config())
    print(t("profile.added" if adding else "profile.changed", name=name))
    saved = next(p for p in config.profiles if p.name == name)
    if saved.account is not None and (adding or "host" in account):
        print(t("profile.set_password", name=name))
    return 0


def _in_cli_words(error: ComelinError) -> ProfileError:
    """The core's refusal, with the command line's options and commands."""
    params = dict(error.params)
    if error.key == "profile.exists":
        return ProfileError("profile.cli_exists", **params)
    if error.key == "profile.account_needs_host":
        options = " ".join(_OPTION_OF.get(key.strip(), key)
                           for key in str(params.get("fields", "")).split(","))
        return ProfileError("profile.cli_account_needs_host", options=options)
    return ProfileError(error.key, **params)


def _remove(args: argparse.Namespace, path: Path) -> int:
    from ..profiles import ProfileError as CoreError
    from ..profiles import remove_saved

    try:
        _config, profile, secret_error = remove_saved(path, args.name)
    except CoreError as error:
        raise _in_cli_words(error) from None
    print(t("profile.removed", name=profile.name))
    if secret_error is not None:
        print(t("profile.secret_not_removed", reason=secret_error.message()), file=sys.stderr)
    return 0
