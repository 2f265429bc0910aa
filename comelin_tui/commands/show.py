"""``comelin-tui show``: the saved settings, the secret masked, and where it lives.

Each row is named as everywhere else, by the field registry (:mod:`comelin_tui.fields`).
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from .. import i18n
from ..fields import field_label
from ..i18n import t
from ..labels import security_label, with_colon

i18n.register({
    "show.help": {"fr": "afficher les réglages enregistrés (mot de passe masqué)",
                  "en": "show the saved settings (password masked)"},
    "show.json_help": {"fr": "sortie JSON pour les scripts", "en": "JSON output for scripts"},
    "show.file": {"fr": "Fichier de réglages", "en": "Settings file"},
    # The row's label: its value says "Kept in ..." (no "Kept: Kept in").
    "show.secret_where": {"fr": "Emplacement", "en": "Location"},
    "show.where_file_unreadable": {
        "fr": "le fichier {path} (voir la ligne ci-dessus)",
        "en": "the file {path} (see the line above)",
    },
    "show.where_keyring_unreadable": {
        "fr": "le trousseau de clés du système, service « comelin-tui » (voir la ligne "
              "ci-dessus)",
        "en": "the system keyring, service \"comelin-tui\" (see the line above)",
    },
    "show.set": {"fr": "******** (enregistré)", "en": "******** (saved)"},
    "show.not_set": {"fr": "(aucun)", "en": "(none)"},
    "show.not_set_f": {"fr": "(aucune)", "en": "(none)"},  # une entreprise, une adresse
    "show.secret_error": {"fr": "illisible : {message}", "en": "unreadable: {message}"},
    "show.warnings": {"fr": "Avertissements", "en": "Warnings"},
    "show.seconds": {"fr": "{value} s", "en": "{value} s"},
    "show.auth.password": {"fr": "mot de passe", "en": "password"},
    "show.auth.oauth2": {"fr": "connexion Microsoft (OAuth2)", "en": "Microsoft sign-in (OAuth2)"},
    "show.auth.none": {"fr": "aucune (relais)", "en": "none (relay)"},
    "show.profiles": {"fr": "Profils d'expéditeur", "en": "Sender profiles"},
    "show.profile_secret": {"fr": "mot de passe du compte : {state}",
                            "en": "account password: {state}"},
    "show.reminder": {
        "fr": "Rappel : si le mot de passe change chez le fournisseur, changez-le ici aussi "
              "(comelin-tui password).",
        "en": "Reminder: if the password changes at the provider, change it here too "
              "(comelin-tui password).",
    },
})


def add_parser(sub: argparse._SubParsersAction, name: str) -> None:
    from ..cli import add_common_arguments

    parser = sub.add_parser(name, help=t("show.help"), description=t("show.help"))
    add_common_arguments(parser)
    parser.add_argument("--json", action="store_true", help=t("show.json_help"))


def run(args: argparse.Namespace) -> int:
    from ..config import config_warnings, load_config
    from ..paths import config_path
    from ..providers import get_provider
    from ..secrets import (
        OAUTH_TOKEN_CACHE,
        SMTP_PASSWORD,
        SecretError,
        open_secret_store,
        smtp_password_store,
    )

    path = config_path(args.config)
    config = load_config(path)
    smtp = config.smtp
    store = None
    secret: str | None = None
    secret_error: str | None = None
    secret_label = field_label("oauth.sign_in" if smtp.auth == "oauth2" else "password")
    # A locked keyring or an unsafe secret file must not hide the settings:
    # show them, with the problem in the secret's row (exit 1).
    try:
        if smtp.auth == "oauth2":
            from ..oauth import describe_sign_in

            store = open_secret_store(path, config.secret_backend)
            secret = store.get(OAUTH_TOKEN_CACHE)
            secret_text = describe_sign_in(store)
        else:
            store = smtp_password_store(path, config.secret_backend)
            secret = store.get(SMTP_PASSWORD) if smtp.auth == "password" else None
            secret_text = t("show.set") if secret else t("show.not_set")
    except SecretError as error:
        secret_error = error.message()
        secret_text = t("show.secret_error", message=secret_error)
    from ..config_checks import password_warnings

    profiles, profile_secrets = _profiles(config, path)
    found = config_warnings(config) + password_warnings(
        config, secret if smtp.auth == "password" else None)
    warnings = [f"{w.message()} {w.hint()}".strip() for w in found]

    where = _where(store, secret_error)
    if getattr(args, "json", False):
        data: dict[str, Any] = {
            "config_file": str(path),
            "settings": config.model_dump(mode="json"),
            "secret": {
                "saved": bool(secret),
                "kind": store.kind if store else None,
                "where": where,
                "error": secret_error,
            },
            "warnings": warnings,
            "profiles": [{**profile.to_json(), "secret": profile_secrets.get(profile.name)}
                         for profile in profiles],
        }
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 1 if secret_error else 0

    company = " ".join(filter(None, [config.company.name,
                                     f"<{config.company.email}>" if config.company.email else ""]))
    rows = [
        (t("show.file"), str(path)),
        (field_label("company"), company or t("show.not_set_f")),
        (field_label("provider"), get_provider(config.provider).display_name()),
        (field_label("smtp.host"),
         f"{smtp.host or '?'}:{smtp.port}, {security_label(smtp.security)}"),
        (field_label("smtp.auth"), t(f"show.auth.{smtp.auth}")),
        (field_label("smtp.username"), smtp.username or t("show.not_set")),
        (field_label("smtp.from_address"), smtp.from_address or t("show.not_set_f")),
    ]
    if smtp.reply_to:
        rows.append((field_label("smtp.reply_to"), smtp.reply_to))
    rows.append((field_label("smtp.timeout"), t("show.seconds", value=f"{smtp.timeout:g}")))
    if smtp.ca_file:
        rows.append((field_label("smtp.ca_file"), str(smtp.ca_file)))
    if smtp.pinned_fingerprint:
        rows.append((field_label("smtp.pinned_fingerprint"), smtp.pinned_fingerprint))
    if smtp.auth != "none":
        rows.append((secret_label, secret_text))
        if where:
            rows.append((t("show.secret_where"), where))
    from ..diagnostics.evidence_text import wrap_line
    from .check import output_width

    width = output_width()
    labels = [with_colon(label) for label, _ in rows]
    column = max(len(label) for label in labels) + 1
    # Continued under the value; a label column too wide for that leaves a short indent.
    more = " " * (column if width - column >= 24 else 4)
    for label, (_, value) in zip(labels, rows, strict=True):
        print("\n".join(wrap_line(value, width, label.ljust(column), more,
                                   break_long_words=False)))
    if len(profiles) > 1:
        from ..profiles import purpose_label
        from .profile import profile_lines

        print(f"\n{with_colon(t('show.profiles'))}")
        for profile in profiles:
            block = profile_lines([profile], purpose_label)
            if profile.name in profile_secrets:
                state = profile_secrets[profile.name]
                block.append("    " + t("show.profile_secret", state=t(
                    "show.set") if state["saved"] else state["error"] or t("show.not_set")))
            for line in block:
                lead = "  " + " " * (len(line) - len(line.lstrip()))
                print("\n".join(wrap_line(line.lstrip(), width, lead, lead + "  ",
                                           break_long_words=False)))
    if warnings:
        print(f"\n{with_colon(t('show.warnings'))}")
        for warning in warnings:
            print("\n".join(wrap_line(warning, width, "  - ", "    ",
                                       break_long_words=False)))
    if smtp.auth == "password":
        print()
        print("\n".join(wrap_line(t("show.reminder"), width, break_long_words=False)))
    print()
    print("\n".join(wrap_line(t("label.bounce"), width, break_long_words=False)))
    return 1 if secret_error else 0


def _where(store: Any, secret_error: str | None) -> str | None:
    """Where the secret lives, as far as it is known: a store that could not be read
    is named without the promises of a working one ("readable only by you"); a secret
    file that does not exist yet is said so by the store itself."""
    from ..secrets import FileSecretStore

    if store is None:
        return None
    if isinstance(store, FileSecretStore):
        if secret_error:
            return t("show.where_file_unreadable", path=store.path)
    elif secret_error and store.kind == "keyring":
        return t("show.where_keyring_unreadable")
    return store.describe()


def _profiles(config: Any, path: Any) -> tuple[list[Any], dict[str, dict[str, Any]]]:
    """Every profile, and for each one with an account of its own whether its secret is
    saved (never the secret)."""
    from ..profiles import all_profiles
    from ..secrets import SecretError, open_secret_store

    profiles = all_profiles(config)
    secrets: dict[str, dict[str, Any]] = {}
    own = [profile for profile in profiles if profile.secret is not None]
    if not own:
        return profiles, secrets
    try:
        store = open_secret_store(path, config.secret_backend)
    except SecretError as error:
        return profiles, {p.name: {"saved": False, "error": error.message()} for p in own}
    for profile in own:
        assert profile.secret is not None
        try:
            secrets[profile.name] = {"saved": bool(store.get(profile.secret)), "error": None}
        except SecretError as error:
            secrets[profile.name] = {"saved": False, "error": error.message()}
    return profiles, secrets
