"""What a valid configuration still lacks, and what in it looks wrong."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import TYPE_CHECKING

from .config_validate import email_to_ascii
from .fields import field_label
from .i18n import LocalText, register, t

if TYPE_CHECKING:  # the checks read fields only: a ConfigView does as well, without pydantic
    from .config_models import Config
    from .config_read import ConfigView

__all__ = ["ConfigWarning", "config_warnings", "field_label", "missing_fields",
           "password_warnings"]

register({
    # Warnings: the setting may work, but probably will not.
    "config.warn.port465_starttls": {
        "fr": "Le port 465 utilise d'habitude le SSL/TLS implicite (chiffré dès la connexion), "
              "pas STARTTLS.",
        "en": "Port 465 normally uses implicit SSL/TLS (encrypted from the start), not STARTTLS.",
    },
    "config.warn.port465_starttls.hint": {
        "fr": "Choisissez « SSL/TLS implicite » avec le port 465, ou gardez STARTTLS avec le "
              "port 587.",
        "en": "Choose “Implicit SSL/TLS” with port 465, or keep STARTTLS with port 587.",
    },
    "config.warn.port587_implicit": {
        "fr": "Le port 587 utilise d'habitude STARTTLS, pas le SSL/TLS implicite.",
        "en": "Port 587 normally uses STARTTLS, not implicit SSL/TLS.",
    },
    "config.warn.port587_implicit.hint": {
        "fr": "Choisissez STARTTLS avec le port 587, ou gardez le SSL/TLS implicite avec le "
              "port 465.",
        "en": "Choose STARTTLS with port 587, or keep implicit SSL/TLS with port 465.",
    },
    "config.warn.port25": {
        "fr": "Le port 25 sert entre serveurs; beaucoup de fournisseurs Internet le bloquent "
              "pour l'envoi depuis un commerce.",
        "en": "Port 25 is for server-to-server mail; many Internet providers block it for "
              "sending from a store.",
    },
    "config.warn.port25.hint": {
        "fr": "Utilisez le port 587 avec STARTTLS, à moins que votre fournisseur indique le port 25.",
        "en": "Use port 587 with STARTTLS, unless your provider says to use port 25.",
    },
    "config.warn.insecure_auth": {
        "fr": "Sans chiffrement, le mot de passe (ou le jeton OAuth) passerait en clair sur "
              "le réseau; comelin-tui refusera de l'envoyer.",
        "en": "Without encryption the password (or OAuth token) would cross the network in "
              "clear text; comelin-tui will refuse to send it.",
    },
    "config.warn.insecure_auth.hint": {
        "fr": "Choisissez STARTTLS ou SSL/TLS implicite. Seulement pour un relais local de "
              "confiance : activez « Permettre le mot de passe sans chiffrement ».",
        "en": "Choose STARTTLS or implicit SSL/TLS. Only for a trusted local relay: turn on "
              "“Allow password without encryption”.",
    },
    "config.warn.insecure_auth_allowed": {
        "fr": "Le mot de passe (ou le jeton OAuth) passera en clair sur le réseau "
              "(permis dans les réglages).",
        "en": "The password (or OAuth token) will cross the network in clear text "
              "(allowed in the settings).",
    },
    "config.warn.insecure_auth_allowed.hint": {
        "fr": "Acceptable seulement pour un relais sur le même réseau local de confiance; "
              "sinon, choisissez STARTTLS ou SSL/TLS implicite.",
        "en": "Acceptable only for a relay on the same trusted local network; otherwise "
              "choose STARTTLS or implicit SSL/TLS.",
    },
    "config.warn.ca_missing": {
        "fr": "Le fichier d'autorité de certification {path} est introuvable.",
        "en": "The certificate authority file {path} cannot be found.",
    },
    "config.warn.ca_missing.hint": {
        "fr": "Vérifiez le chemin, ou videz ce champ si le serveur a un certificat public.",
        "en": "Check the path, or clear this field if the server has a public certificate.",
    },
    "config.warn.from_domain": {
        "fr": "L'adresse d'expéditeur ({from_domain}) n'est pas du même domaine que le "
              "courriel de l'entreprise ({company_domain}).",
        "en": "The sender address ({from_domain}) is not in the same domain as the company "
              "email ({company_domain}).",
    },
    "config.warn.from_domain.hint": {
        "fr": "Les reçus risquent d'aboutir dans les pourriels ou d'être refusés; utilisez "
              "une adresse de {company_domain} si possible.",
        "en": "Receipts may land in spam or be refused; use an address at {company_domain} "
              "if you can.",
    },
    "config.warn.smtputf8": {
        "fr": "L'adresse d'expéditeur contient des lettres accentuées avant le « @ » : seul "
              "un serveur qui offre SMTPUTF8 peut l'envoyer (des accents dans le domaine, "
              "après le « @ », passent partout).",
        "en": "The sender address has accented letters before the “@”: only a server that "
              "offers SMTPUTF8 can send it (accents in the domain, after the “@”, go "
              "everywhere).",
    },
    "config.warn.smtputf8.hint": {
        "fr": "Le test d'envoi dit si ce serveur offre SMTPUTF8; sinon, utilisez une adresse "
              "(un alias de la même boîte) sans accents avant le « @ ».",
        "en": "The test send tells whether this server offers SMTPUTF8; if it does not, use "
              "an address (an alias of the same mailbox) without accents before the “@”.",
    },
    # The password inside a value shown everywhere: masking it there would point at it.
    "config.warn.password_in_login": {
        "fr": "Le mot de passe fait partie du nom d'utilisateur : qui voit le nom "
              "d'utilisateur (il est affiché partout) peut deviner le mot de passe.",
        "en": "The password is part of the username: anyone who sees the username (it is "
              "shown everywhere) can guess the password.",
    },
    "config.warn.password_in_login.hint": {
        "fr": "Changez-le chez le fournisseur pour un mot de passe qui ne reprend ni le nom "
              "d'utilisateur, ni les adresses, ni le nom du serveur, puis enregistrez-le ici.",
        "en": "Change it at the provider to one that is not part of the username, the "
              "addresses or the server name, then save the new one here.",
    },
    "config.warn.password_in_address": {
        "fr": "Le mot de passe fait partie d'une adresse (l'expéditeur ou le courriel de "
              "l'entreprise) : qui la voit peut deviner le mot de passe.",
        "en": "The password is part of an address (the sender or the company email): "
              "anyone who sees it can guess the password.",
    },
    "config.warn.password_in_address.hint": {
        "fr": "Changez-le chez le fournisseur pour un mot de passe qui ne reprend ni le nom "
              "d'utilisateur, ni les adresses, ni le nom du serveur, puis enregistrez-le ici.",
        "en": "Change it at the provider to one that is not part of the username, the "
              "addresses or the server name, then save the new one here.",
    },
    "config.warn.password_in_host": {
        "fr": "Le mot de passe fait partie du nom du serveur SMTP : qui le voit peut "
              "deviner le mot de passe.",
        "en": "The password is part of the SMTP server's name: anyone who sees it can "
              "guess the password.",
    },
    "config.warn.password_in_host.hint": {
        "fr": "Changez-le chez le fournisseur pour un mot de passe qui ne reprend ni le nom "
              "d'utilisateur, ni les adresses, ni le nom du serveur, puis enregistrez-le ici.",
        "en": "Change it at the provider to one that is not part of the username, the "
              "addresses or the server name, then save the new one here.",
    },
    # Mistakes the test send would only show as a refusal: caught before it.
    "config.warn.google_app_password": {
        "fr": "Un mot de passe d'application Google compte 16 lettres (Google l'affiche en "
              "4 groupes de 4); celui-ci n'en a pas la forme : Google refusera la connexion.",
        "en": "A Google app password is 16 letters (Google shows it as 4 groups of 4); this "
              "one is not: Google will refuse the login.",
    },
    "config.warn.google_app_password.hint": {
        "fr": "Le mot de passe habituel du compte ne marche pas ici : créez un mot de passe "
              "d'application (Compte Google > Sécurité > Validation en deux étapes > Mots de "
              "passe des applications) et collez-le; les espaces peuvent rester.",
        "en": "The account's usual password does not work here: create an app password "
              "(Google Account > Security > 2-Step Verification > App passwords) and paste "
              "it; the spaces may stay.",
    },
    "config.warn.send_as": {
        "fr": "L'expéditeur ({sender}) n'est pas le compte de connexion ({username}) : le "
              "serveur refusera l'expéditeur, à moins que {username} ait le droit d'envoyer "
              "au nom de {sender}.",
        "en": "The sender ({sender}) is not the login ({username}): the server will refuse "
              "the sender unless {username} has the right to send as {sender}.",
    },
    "config.warn.send_as.hint": {
        "fr": "Donnez ce droit chez le fournisseur (Microsoft 365 : « Envoyer en tant que » "
              "sur la boîte; Gmail : Paramètres > Comptes > « Envoyer des e-mails en tant "
              "que »), ou envoyez depuis {username}.",
        "en": "Give that right at the provider (Microsoft 365: \"Send As\" on the mailbox; "
              "Gmail: Settings > Accounts > \"Send mail as\"), or send from {username}.",
    },
    "config.warn.host_not_provider": {
        "fr": "Le serveur {host} n'est pas parmi ceux connus pour {provider} ({expected}).",
        "en": "The server {host} is not {provider}'s ({expected}).",
    },
    "config.warn.host_not_provider.hint": {
        "fr": "Choisissez le fournisseur qui exploite ce serveur (étape Fournisseur de "
              "l'assistant), ou utilisez {expected}.",
        "en": "Choose the provider that runs this server (the wizard's Provider step), or "
              "use {expected}.",
    },
})


def missing_fields(config: Config | ConfigView) -> list[str]:
    """Dotted names of the settings still needed before a test send.

    The company name is not among them (nothing is sent without it failing);
    nor is the password, which lives in the secret store.
    """
    missing = []
    if not config.company.email:
        missing.append("company.email")
    if not config.smtp.host:
        missing.append("smtp.host")
    if not config.smtp.from_address:
        missing.append("smtp.from_address")
    if config.smtp.auth != "none" and not config.smtp.username:
        missing.append("smtp.username")
    if config.smtp.auth == "oauth2" and not config.oauth.client_id:
        missing.append("oauth.client_id")
    return missing


@dataclass(frozen=True, eq=True)
class ConfigWarning:
    """Something that is valid but probably wrong, with a hint how to fix it."""

    field: str
    key: str
    params: Mapping[str, object] = dataclass_field(default_factory=dict, hash=False)

    def message(self, lang: str | None = None) -> str:
        return t(self.key, lang, **self._worded(lang))

    def hint(self, lang: str | None = None) -> str:
        return t(f"{self.key}.hint", lang, **self._worded(lang))

    def _worded(self, lang: str | None) -> dict[str, object]:
        """The parameters, names in both languages (a provider's) worded in *lang*."""
        return {name: value.get_text(lang) if isinstance(value, LocalText) else value
                for name, value in self.params.items()}


def _domain(address: str) -> str:
    return email_to_ascii(address).rpartition("@")[2]


def config_warnings(config: Config | ConfigView) -> list[ConfigWarning]:
    """What looks wrong in valid settings: port/security mismatches, clear-text passwords..."""
    smtp = config.smtp
    warnings = []
    if smtp.port == 465 and smtp.security == "starttls":
        warnings.append(ConfigWarning("smtp.security", "config.warn.port465_starttls"))
    if smtp.port == 587 and smtp.security == "implicit_tls":
        warnings.append(ConfigWarning("smtp.security", "config.warn.port587_implicit"))
    if smtp.port == 25 and smtp.auth != "none":
        warnings.append(ConfigWarning("smtp.port", "config.warn.port25"))
    if smtp.security == "none" and smtp.auth != "none":
        key = "config.warn.insecure_auth_allowed" if smtp.allow_insecure_auth \
            else "config.warn.insecure_auth"
        warnings.append(ConfigWarning("smtp.security", key))
    if smtp.ca_file is not None and not smtp.ca_file.expanduser().is_file():
        warnings.append(ConfigWarning("smtp.ca_file", "config.warn.ca_missing",
                                      {"path": str(smtp.ca_file)}))
    if smtp.from_address and config.company.email:
        sender, company = _domain(smtp.from_address), _domain(config.company.email)
        related = sender == company or sender.endswith("." + company) \
            or company.endswith("." + sender)
        if not related:
            warnings.append(ConfigWarning("smtp.from_address", "config.warn.from_domain", {
                "from_domain": smtp.from_address.rpartition("@")[2],
                "company_domain": config.company.email.rpartition("@")[2]}))
    if smtp.from_address and not smtp.from_address.rpartition("@")[0].isascii():
        warnings.append(ConfigWarning("smtp.from_address", "config.warn.smtputf8"))
    if smtp.auth != "none" and "@" in smtp.username and smtp.from_address \
            and _address(smtp.username) != _address(smtp.from_address):
        # A login that is not an address (an ISP's account name, "apikey") says nothing
        # about which senders it may use.
        warnings.append(ConfigWarning("smtp.username", "config.warn.send_as", {
            "sender": smtp.from_address, "username": smtp.username}))
    host_warning = _host_of_another_provider(config)
    if host_warning is not None:
        warnings.append(host_warning)
    return warnings


def _address(address: str) -> str:
    try:
        return email_to_ascii(address.strip()).casefold()
    except ValueError:
        return address.strip().casefold()


def _parent(host: str) -> str:
    return ".".join(host.split(".")[-2:])


def _host_of_another_provider(config: Config | ConfigView) -> ConfigWarning | None:
    """The server is not one the chosen provider runs (Google Workspace chosen, host
    smtp.office365.com): the login, the port and the advice would all be wrong.
    "Other / custom", providers whose server is named after the domain, and a server on
    this machine (a local relay, the demo's) are not judged."""
    from .providers import CUSTOM_ID, get_provider, host_matches, is_loopback, normalise_host

    provider = get_provider(config.provider)
    host = normalise_host(config.smtp.host)
    if not host or provider.id == CUSTOM_ID or is_loopback(host):
        return None
    known: list[str] = []
    for preset in provider.presets:
        if preset.mx_suffixes:  # a connector relay: the tenant's own MX host
            if any(host_matches(host, suffix) for suffix in preset.mx_suffixes):
                return None
            known += [preset.mx_suffixes[0]]
        elif preset.is_template or _parent(host) == _parent(preset.host):
            return None  # named after the domain, or this provider's own (smtppro.zoho.eu)
        elif preset.host not in known:
            known.append(preset.host)
    if not known:
        return None
    return ConfigWarning("smtp.host", "config.warn.host_not_provider", {
        "host": config.smtp.host, "provider": provider.name,
        "expected": ", ".join(known)})


# Where a password would be seen, and the warning that says so (the first one found).
_PASSWORD_PLACES = (
    ("smtp.username", "config.warn.password_in_login"),
    ("smtp.from_address", "config.warn.password_in_address"),
    ("company.email", "config.warn.password_in_address"),
    ("smtp.host", "config.warn.password_in_host"),
)


def password_warnings(config: Config | ConfigView, password: object) -> list[ConfigWarning]:
    """A warning when the password (text, or a held ``Secret``) is part of a value shown
    everywhere (the username, an address, its domain, the server's name); the password
    itself is never in it."""
    reveal = getattr(password, "reveal", None)
    text = reveal() if callable(reveal) else password
    if not text or not isinstance(text, str) or config.smtp.auth != "password":
        return []
    warnings = []
    if not _looks_like_google_app_password(config, text):
        warnings.append(ConfigWarning("password", "config.warn.google_app_password"))
    secret = text.casefold()
    for name, key in _PASSWORD_PLACES:
        section, _, attribute = name.partition(".")
        value = getattr(getattr(config, section), attribute, None)
        if value and secret in str(value).casefold():
            return [*warnings, ConfigWarning(name, key)]
    return warnings


def _looks_like_google_app_password(config: Config | ConfigView, text: str) -> bool:
    """False for a Google provider's password that is not 16 letters once the spaces are
    dropped (Google shows app passwords as "abcd efgh ijkl mnop"; the wizard drops the
    spaces as they are pasted). True for every other provider."""
    from .providers import get_provider

    provider = get_provider(config.provider)
    if provider.family != "google" or provider.password_kind != "app_password":
        return True
    letters = "".join(text.split())
    return len(letters) == 16 and letters.isascii() and letters.isalpha()
