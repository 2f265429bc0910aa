"""``comelin-tui signin``: Microsoft 365 sign-in with a device code, from the command line.

For boxes with no browser (and no TUI at hand): the command shows an address
and a short code, someone enters the code on any phone or computer, and the
sign-in is saved. The token cache goes to the secret store only once the
sign-in succeeded and was not cancelled; the settings file gets the account,
never a token.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
import threading
from typing import TYPE_CHECKING, TextIO

from .. import i18n, oauth_messages  # noqa: F401 - the app registration's steps
from ..errors import ComelinError
from ..i18n import t

if TYPE_CHECKING:
    from ..config import Config
    from ..oauth import DeviceCode, DeviceSignIn, OAuthError, SignInResult

MICROSOFT_PROVIDERS = ("microsoft365", "outlook-com")
# How often the waiting loop wakes: Ctrl+C and the countdown are never later than this.
TICK = 0.5
# After Ctrl+C, how long to let a poll already under way finish (the HTTP timeout is 15 s).
CANCEL_GRACE = 20.0
BOX_TEXT_WIDTH = 66  # the box stays within 80 columns (PuTTY's default)

i18n.register({
    "signin.help": {
        "fr": "connecter le compte Microsoft 365 avec un code (sans navigateur sur cet ordinateur)",
        "en": "sign in the Microsoft 365 account with a code (no browser needed on this computer)",
    },
    "signin.tenant_help": {
        "fr": "locataire (tenant) : domaine Microsoft 365 ou ID de l'annuaire (par défaut : "
              "celui des réglages)",
        "en": "tenant: Microsoft 365 domain or Directory (tenant) ID (default: the saved one)",
    },
    "signin.client_id_help": {
        "fr": "ID d'application (client) de l'inscription d'application (par défaut : celui "
              "des réglages)",
        "en": "Application (client) ID of the app registration (default: the saved one)",
    },
    "signin.no_copy_help": {
        "fr": "ne pas copier le code dans le presse-papiers du terminal (OSC 52)",
        "en": "do not copy the code to the terminal's clipboard (OSC 52)",
    },
    "signin.not_microsoft": {
        "fr": "La connexion avec Microsoft sert aux comptes Microsoft 365 (et Outlook.com) ; "
              "ces réglages sont pour « {provider} ». Choisissez d'abord Microsoft 365 comme "
              "fournisseur dans comelin-tui.",
        "en": "Sign-in with Microsoft is for Microsoft 365 (and Outlook.com) accounts; these "
              "settings are for \"{provider}\". Choose Microsoft 365 as the provider in "
              "comelin-tui first.",
    },
    "signin.no_client_id": {
        "fr": "La connexion Microsoft 365 a besoin de l'ID d'application (client) d'une "
              "inscription d'application. Si elle n'existe pas encore :\n{steps}\n"
              "Puis : comelin-tui signin --tenant <locataire> --client-id <ID d'application>",
        "en": "Microsoft 365 sign-in needs the Application (client) ID of an app "
              "registration. If there is none yet:\n{steps}\n"
              "Then: comelin-tui signin --tenant <tenant> --client-id <application ID>",
    },
    "signin.header": {
        "fr": "Connexion Microsoft 365 : locataire {tenant}",
        "en": "Microsoft 365 sign-in: tenant {tenant}",
    },
    "signin.application": {
        "fr": "ID d'application (client) : {client_id}",
        "en": "Application (client) ID: {client_id}",
    },
    "signin.any_tenant": {
        "fr": "(aucun : tout compte professionnel)",
        "en": "(none given: any work account)",
    },
    "signin.step_code": {
        "fr": "2. Entrez ce code :",
        "en": "2. Enter this code:",
    },
    "signin.code_label": {"fr": "Code :", "en": "Code:"},
    "signin.step_account": {
        "fr": "3. Connectez-vous avec le compte qui envoie le courriel ({account}) et "
              "acceptez. Le code expire dans {minutes} minutes.",
        "en": "3. Sign in with the account that sends the email ({account}) and accept. "
              "The code expires in {minutes} minutes.",
    },
    "signin.step_account_any": {
        "fr": "3. Connectez-vous avec le compte qui envoie le courriel et acceptez. Le code "
              "expire dans {minutes} minutes.",
        "en": "3. Sign in with the account that sends the email and accept. The code "
              "expires in {minutes} minutes.",
    },
    "signin.copied": {
        "fr": "Le code a aussi été copié dans le presse-papiers, si votre terminal le permet.",
        "en": "The code was also copied to the clipboard, if your terminal allows it.",
    },
    "signin.waiting": {
        "fr": "En attente de la connexion (Ctrl+C pour annuler)...",
        "en": "Waiting for the sign-in (Ctrl+C to cancel)...",
    },
    "signin.countdown": {
        "fr": "En attente de la connexion : encore {time} (Ctrl+C pour annuler)",
        "en": "Waiting for the sign-in: {time} left (Ctrl+C to cancel)",
    },
    "signin.done": {
        "fr": "Connecté : {describe}",
        "en": "Signed in: {describe}",
    },
    "signin.saved": {
        "fr": "Réglages enregistrés : l'envoi utilisera la connexion Microsoft (OAuth2). "
              "Vérifiez avec : comelin-tui check",
        "en": "Settings saved: sending will use the Microsoft sign-in (OAuth2). "
              "Check it with: comelin-tui check",
    },
    "signin.account_differs": {
        "fr": "Attention : le compte connecté ({account}) n'est pas le nom d'utilisateur SMTP "
              "des réglages ({username}). Microsoft 365 n'accepte le jeton que pour le compte "
              "qui s'est connecté : corrigez l'un ou l'autre.",
        "en": "Note: the signed-in account ({account}) is not the SMTP username in the "
              "settings ({username}). Microsoft 365 accepts the token only for the account "
              "that signed in: fix one or the other.",
    },
})


class SignInInputError(ComelinError):
    """Settings or options that cannot lead to a sign-in (exit 3)."""


class MissingClientId(SignInInputError):
    """No Application (client) ID: how an administrator makes the app registration."""

    def __init__(self) -> None:
        super().__init__("signin.no_client_id")

    def message(self, lang: str | None = None) -> str:
        # The same steps as the wizard's sign-in step shows, indented under the sentence.
        steps = textwrap.indent(t("oauth.app_registration", lang), "  ")
        return t("signin.no_client_id", lang, steps=steps)


class SignInFailed(ComelinError):
    """The sign-in service refused or could not be reached: message and hint (exit 2)."""

    exit_code = 2

    def __init__(self, error: OAuthError) -> None:
        self.error = error
        super().__init__("oauth.failed_with_hint")

    def message(self, lang: str | None = None) -> str:
        return t("oauth.failed_with_hint", lang, message=self.error.message(lang),
                 hint=self.error.hint(lang))


def add_parser(sub: argparse._SubParsersAction, name: str) -> None:
    from ..cli import add_common_arguments

    parser = sub.add_parser(name, help=t("signin.help"), description=t("signin.help"))
    add_common_arguments(parser)
    parser.add_argument("--tenant", metavar="T", help=t("signin.tenant_help"))
    parser.add_argument("--client-id", metavar="ID", help=t("signin.client_id_help"))
    parser.add_argument("--no-copy", action="store_true", help=t("signin.no_copy_help"))


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (OSError, ValueError):
        return False


def _settings_for_sign_in(config: Config, tenant: str | None,
                          client_id: str | None) -> tuple[str, str]:
    """The validated tenant and client ID (options first, then the saved ones)."""
    from ..oauth import validate_client_id, validate_tenant
    from ..providers import get_provider

    if config.provider not in MICROSOFT_PROVIDERS:
        raise SignInInputError("signin.not_microsoft",
                               provider=get_provider(config.provider).name.get_text())
    tenant = validate_tenant(config.oauth.tenant if tenant is None else tenant)
    raw_client_id = config.oauth.client_id if client_id is None else client_id
    if not raw_client_id.strip():
        raise MissingClientId()
    if not tenant and config.provider == "outlook-com":
        tenant = "common"  # "organizations" (the default) leaves out personal accounts
    return tenant, validate_client_id(raw_client_id)


def _box(lines: list[str], stream: TextIO) -> str:
    """*lines* framed, with line-drawing characters when the output can encode them."""
    chars = "┌─┐│└┘"
    try:
        chars.encode(getattr(stream, "encoding", None) or "ascii")
    except (UnicodeEncodeError, LookupError):
        chars = "+-+|++"
    top_left, across, top_right, side, bottom_left, bottom_right = tuple(chars)
    width = max(len(line) for line in lines)
    rows = [f"  {top_left}{across * (width + 4)}{top_right}"]
    rows += [f"  {side}  {line.ljust(width)}  {side}" for line in lines]
    rows.append(f"  {bottom_left}{across * (width + 4)}{bottom_right}")
    return "\n".join(rows)


def render_code(code: DeviceCode, account: str, stream: TextIO,
                lang: str | None = None) -> str:
    """The boxed block: where to go, the code (padded to stand out), who signs in."""
    minutes = max(1, round(code.seconds_left() / 60))
    step_account = (t("signin.step_account", lang, account=account, minutes=minutes)
                    if account else t("signin.step_account_any", lang, minutes=minutes))
    lines = ["", t("oauth.step_open", lang), f"     {code.verification_uri}",
             t("signin.step_code", lang), "",
             f"     {t('signin.code_label', lang)}  {code.user_code}  ", ""]
    lines += textwrap.wrap(step_account, BOX_TEXT_WIDTH, subsequent_indent="   ",
                           break_long_words=False, break_on_hyphens=False)
    lines.append("")
    return _box(lines, stream)


def _countdown(seconds: int, lang: str | None = None) -> str:
    minutes, seconds = divmod(max(0, seconds), 60)
    return t("signin.countdown", lang, time=f"{minutes}:{seconds:02d}")


def wait_for_sign_in(flow: DeviceSignIn, code: DeviceCode, out: TextIO,
                     show_countdown: bool) -> SignInResult:
    """``flow.wait()`` in a thread, so Ctrl+C cancels it (then OAuthError "cancelled")."""
    from ..oauth import OAuthError

    outcome: list[SignInResult | BaseException] = []

    def work() -> None:
        try:
            outcome.append(flow.wait())
        except BaseException as error:  # noqa: BLE001 - handed to the main thread
            outcome.append(error)

    worker = threading.Thread(target=work, name="signin-wait", daemon=True)
    shown: int | None = None
    width = 0
    try:
        worker.start()
        while True:  # drawn at least once, however quickly the worker finishes
            left = code.seconds_left()
            if show_countdown and left != shown:
                line = _countdown(left)
                # Only "\r" (no erase sequence): old Windows consoles print those as text.
                out.write("\r" + line.ljust(width))
                out.flush()
                shown, width = left, max(width, len(line))
            worker.join(TICK)
            if not worker.is_alive():
                break
    except KeyboardInterrupt:
        flow.cancel()
        worker.join(CANCEL_GRACE)
        raise OAuthError("cancelled") from None
    finally:
        if width:
            out.write("\r" + " " * width + "\r")
            out.flush()
    result = outcome[0]
    if isinstance(result, BaseException):
        raise result
    return result


def run(args: argparse.Namespace) -> int:
    from ..config import load_config, save_config, with_changes
    from ..oauth import DeviceSignIn, OAuthError, describe_sign_in, require_msal
    from ..paths import config_path
    from ..secrets import OAUTH_TOKEN_CACHE, MemorySecretStore, open_secret_store
    from ..terminal import write_osc52

    path = config_path(args.config)
    config = load_config(path)
    tenant, client_id = _settings_for_sign_in(config, args.tenant, args.client_id)
    require_msal()
    store = open_secret_store(path, config.secret_backend)
    # Held in memory until committed: if Ctrl+C lands just as the sign-in succeeds
    # (the wait runs in a thread), the token cache must still not reach the real store.
    held = MemorySecretStore()
    flow = DeviceSignIn(held)
    out = sys.stdout
    tty = _isatty(out)
    try:
        code = flow.start(tenant, client_id)
        print(t("signin.header", tenant=tenant or t("signin.any_tenant")))
        print(t("signin.application", client_id=client_id))
        print()
        account = config.oauth.account or config.smtp.username
        print(render_code(code, account, out))
        print()
        if tty and not args.no_copy and write_osc52(code.user_code, out):
            print(t("signin.copied"))
        if not tty:
            print(t("signin.waiting"))
        out.flush()  # a pipe (tee, a log) must show the code now, not at exit
        result = wait_for_sign_in(flow, code, out, show_countdown=tty)
    except OAuthError as error:
        if error.kind == "cancelled":
            print(t("oauth.cancelled"), file=sys.stderr)
            return 130
        raise SignInFailed(error) from None

    changes: dict[str, object] = {
        "smtp.auth": "oauth2", "oauth.tenant": result.tenant,
        "oauth.client_id": result.client_id, "oauth.account": result.username,
        "secret_backend": store.kind,
    }
    if not config.smtp.username and result.username:
        changes["smtp.username"] = result.username
    updated = with_changes(config, changes)  # validated before anything is written
    store.set(OAUTH_TOKEN_CACHE, held.get(OAUTH_TOKEN_CACHE) or "")
    save_config(updated, path)

    print(t("signin.done", describe=describe_sign_in(store)))
    print(store.describe())
    username = updated.smtp.username
    if result.username and username.lower() != result.username.lower():
        print(t("signin.account_differs", account=result.username, username=username),
              file=sys.stderr)
    print(t("signin.saved"))
    return 0
