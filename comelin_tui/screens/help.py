"""F1: help for the focused field (and the keys), over the current screen."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget

from .. import i18n
from ..i18n import catalogue, t
from ..widgets import KeyBar, Tr
from .base import MODAL_BINDINGS

_HELP_TITLES = {
    "company.email": ("Courriel de l'entreprise", "Company email"),
    "company.name": ("Nom de l'entreprise", "Company name"),
    "provider": ("Fournisseur de courriel", "Email provider"),
    "smtp.host": ("Serveur d'envoi (hôte)", "Outgoing server (host)"),
    "smtp.port": ("Port", "Port"),
    "smtp.security": ("Sécurité de la connexion", "Connection security"),
    "smtp.ca_file": ("Fichier d'autorité de certification", "Certificate authority file"),
    "smtp.timeout": ("Délai d'attente", "Timeout"),
    "smtp.username": ("Nom d'utilisateur", "Username"),
    "password": ("Mot de passe", "Password"),
    "smtp.auth": ("Connexion sans mot de passe", "No login"),
    "oauth.method": ("Comment se connecter", "How to sign in"),
    "oauth.tenant": ("Locataire (tenant)", "Tenant"),
    "oauth.client_id": ("ID d'application (client)", "Application (client) ID"),
    "oauth.sign_in": ("Se connecter avec Microsoft", "Sign in with Microsoft"),
    "steps": ("Les étapes", "The steps"),
    "recipient": ("Destinataire du test", "Test recipient"),
    "screen.HomeScreen": ("Accueil", "Home"),
    "screen.WizardScreen": ("L'assistant", "The wizard"),
    "screen.TestSendScreen": ("Envoi test", "Test send"),
}

HELP_MESSAGES: dict[str, dict[str, str]] = {
    "tui.help.title": {"fr": "Aide", "en": "Help"},
    "tui.help.general": {
        "fr": "L'assistant avance étape par étape; rien n'est écrit avant « Enregistrer ».",
        "en": "The wizard goes step by step; nothing is written before \"Save\".",
    },
    "tui.help.keys_title": {"fr": "Touches", "en": "Keys"},
    "tui.help.keys": {
        "fr": "Tab / Maj+Tab : champ suivant / précédent\n"
              "Entrée : valider, champ suivant     Ctrl+N : étape suivante\n"
              "Échap : retour (ou sortir)     Ctrl+T : liste des étapes\n"
              "Ctrl+P : chercher un réglage     F1 ou Ctrl+G : aide\n"
              "F2 ou Ctrl+L : English     Ctrl+Q : quitter\n"
              "Envoi test : Ctrl+R envoyer, Ctrl+T échange, Ctrl+F corriger",
        "en": "Tab / Shift+Tab: next / previous field\n"
              "Enter: confirm, next field     Ctrl+N: next step\n"
              "Escape: back (or leave)     Ctrl+T: the list of steps\n"
              "Ctrl+P: search settings     F1 or Ctrl+G: help\n"
              "F2 or Ctrl+L: français     Ctrl+Q: quit\n"
              "Test send: Ctrl+R send, Ctrl+T transcript, Ctrl+F apply fix",
    },
    "tui.help.provider_hint": {"fr": "{provider} : {hint}", "en": "{provider}: {hint}"},
    "tui.help.company.email": {
        "fr": "L'adresse qui envoie les reçus. Idéalement la même que celle configurée comme "
              "expéditeur dans Comelin : un autre domaine finit souvent dans les pourriels. "
              "Son domaine sert aussi à deviner le fournisseur (enregistrements MX).",
        "en": "The address that sends receipts. Ideally the same as the sender configured in "
              "Comelin: another domain often lands in spam. Its domain is also used to guess "
              "the provider (MX records).",
    },
    "tui.help.company.name": {
        "fr": "Le nom de l'entreprise, tel que les clients le connaissent.",
        "en": "The company's name, as customers know it.",
    },
    "tui.help.provider": {
        "fr": "Qui héberge la boîte courriel. L'assistant le devine d'après les serveurs MX "
              "du domaine; choisissez « Autre » si le vôtre n'est pas dans la liste. "
              "Tapez dans le filtre pour réduire la liste.",
        "en": "Who hosts the mailbox. The wizard guesses it from the domain's MX servers; "
              "choose \"Other\" if yours is not listed. Type in the filter to narrow the list.",
    },
    "tui.help.smtp.host": {
        "fr": "Le nom du serveur d'envoi (SMTP), sans « smtp:// » ni port. Exemples : "
              "smtp.gmail.com, smtp.office365.com.",
        "en": "The outgoing (SMTP) server name, without \"smtp://\" or a port. Examples: "
              "smtp.gmail.com, smtp.office365.com.",
    },
    "tui.help.smtp.port": {
        "fr": "587 avec STARTTLS (le plus courant), 465 avec SSL/TLS implicite. Le port 25 "
              "est souvent bloqué par les fournisseurs Internet.",
        "en": "587 with STARTTLS (most common), 465 with implicit SSL/TLS. Port 25 is often "
              "blocked by Internet providers.",
    },
    "tui.help.smtp.security": {
        "fr": "STARTTLS : la connexion commence en clair puis passe au chiffrement (port "
              "587). SSL/TLS implicite : chiffrée dès le départ (port 465). Flèches puis "
              "Entrée pour choisir.",
        "en": "STARTTLS: the connection starts in clear text, then switches to encryption "
              "(port 587). Implicit SSL/TLS: encrypted from the start (port 465). Arrows then "
              "Enter to choose.",
    },
    "tui.help.smtp.ca_file": {
        "fr": "Seulement si le serveur utilise un certificat d'une autorité privée "
              "(serveur interne) : le chemin du fichier PEM de cette autorité.",
        "en": "Only if the server uses a certificate from a private authority (an internal "
              "server): the path of that authority's PEM file.",
    },
    "tui.help.smtp.timeout": {
        "fr": "Combien de secondes attendre chaque réponse du serveur avant d'abandonner.",
        "en": "How many seconds to wait for each server reply before giving up.",
    },
    "tui.help.smtp.username": {
        "fr": "Le plus souvent, l'adresse courriel complète de la boîte.",
        "en": "Most often, the mailbox's full email address.",
    },
    "tui.help.password": {
        "fr": "Le mot de passe n'est jamais écrit dans le fichier de réglages ni affiché. "
              "Google, Yahoo et d'autres exigent un mot de passe d'application.",
        "en": "The password is never written to the settings file nor shown. Google, Yahoo "
              "and others require an app password.",
    },
    "tui.help.smtp.auth": {
        "fr": "Certains relais (Google Workspace, connecteur Microsoft 365) reconnaissent "
              "l'adresse IP du magasin : aucune connexion n'est alors nécessaire.",
        "en": "Some relays (Google Workspace, Microsoft 365 connector) trust the store's IP "
              "address: no login is needed then.",
    },
    "tui.help.oauth.method": {
        "fr": "Microsoft 365 : « Se connecter avec Microsoft » ne garde aucun mot de passe et "
              "continue de fonctionner après le retrait de l'authentification de base (fin "
              "2026). Le mot de passe reste possible tant que l'organisation l'accepte. "
              "Flèches puis Entrée pour choisir.",
        "en": "Microsoft 365: \"Sign in with Microsoft\" keeps no password and keeps working "
              "after basic authentication is retired (end of 2026). The password still works "
              "while the organization allows it. Arrows then Enter to choose.",
    },
    "tui.help.oauth.tenant": {
        "fr": "L'organisation Microsoft 365 : son domaine (contoso.com, "
              "contoso.onmicrosoft.com) ou l'ID de l'annuaire (locataire), un GUID affiché "
              "sur la page Vue d'ensemble de l'inscription d'application.",
        "en": "The Microsoft 365 organization: its domain (contoso.com, "
              "contoso.onmicrosoft.com) or the Directory (tenant) ID, a GUID shown on the app "
              "registration's Overview page.",
    },
    "tui.help.oauth.client_id": {
        "fr": "L'ID d'application (client) de l'inscription d'application créée pour "
              "Comelin : « Autoriser les flux clients publics » = Oui et l'autorisation "
              "déléguée SMTP.Send.",
        "en": "The Application (client) ID of the app registration made for Comelin: "
              "\"Allow public client flows\" = Yes and the delegated permission SMTP.Send.",
    },
    "tui.help.oauth.sign_in": {
        "fr": "Aucun navigateur n'est nécessaire ici : ouvrez l'adresse affichée sur un "
              "téléphone ou un ordinateur et entrez le code. Échap annule. La connexion est "
              "gardée avec les réglages au moment d'enregistrer, jamais dans le fichier.",
        "en": "No browser is needed here: open the address shown on a phone or a computer "
              "and enter the code. Escape cancels. The sign-in is kept with the settings when "
              "you save, never in the settings file.",
    },
    "tui.help.steps": {
        "fr": "Les étapes : [x] faite, [>] en cours, [!] à corriger, [ ] à venir. Flèches "
              "puis Entrée pour y aller.",
        "en": "The steps: [x] done, [>] current, [!] to fix, [ ] to do. Arrows then Enter to "
              "go there.",
    },
    "tui.help.recipient": {
        "fr": "Qui reçoit le message d'essai. Une autre adresse que l'expéditeur prouve que "
              "le courriel sort vraiment.",
        "en": "Who receives the test message. An address other than the sender proves that "
              "mail really goes out.",
    },
    "tui.help.screen.HomeScreen": {
        "fr": "Flèches puis Entrée pour choisir une action. Échap quitte.",
        "en": "Arrows then Enter to choose an action. Escape quits.",
    },
    "tui.help.screen.WizardScreen": {
        "fr": "Remplissez chaque étape; Ctrl+N passe à la suivante, Échap revient. La barre "
              "de gauche montre l'état de chaque étape.",
        "en": "Fill in each step; Ctrl+N goes to the next one, Escape goes back. The left "
              "bar shows the state of each step.",
    },
    "tui.help.screen.TestSendScreen": {
        "fr": "Le test suit chaque étape de l'envoi. En cas d'échec, le diagnostic dit quoi "
              "corriger; Échap annule un test en cours.",
        "en": "The test follows each step of the send. On failure the diagnosis says what to "
              "fix; Escape cancels a running test.",
    },
}
for _topic, (_fr, _en) in _HELP_TITLES.items():
    HELP_MESSAGES[f"tui.help.title.{_topic}"] = {"fr": _fr, "en": _en}
i18n.register(HELP_MESSAGES)

# Control id -> help key; anything else falls back to the screen's help.
FIELD_HELP = {
    "company-email": "company.email",
    "company-name": "company.name",
    "provider": "provider",
    "provider-filter": "provider",
    "smtp-host": "smtp.host",
    "smtp-port": "smtp.port",
    "smtp-security": "smtp.security",
    "server-presets": "smtp.host",
    "smtp-ca-file": "smtp.ca_file",
    "smtp-timeout": "smtp.timeout",
    "smtp-username": "smtp.username",
    "password": "password",
    "reveal": "password",
    "smtp-auth": "smtp.auth",
    "auth-method": "oauth.method",
    "oauth-tenant": "oauth.tenant",
    "oauth-client-id": "oauth.client_id",
    "oauth-start": "oauth.sign_in",
    "oauth-code": "oauth.sign_in",
    "steps": "steps",
    "recipient": "recipient",
}
# Hints the provider catalogue has for a help topic.
PROVIDER_HINT = {
    "company.email": "email", "smtp.host": "host", "smtp.port": "port",
    "smtp.security": "security", "smtp.username": "username", "password": "password",
}


def help_topic(focused: Widget | None, screen: Any) -> str:
    """The help topic for what has focus, else the screen's own."""
    node: Any = focused
    while node is not None and node is not screen:
        topic = FIELD_HELP.get(node.id or "")
        if topic:
            return topic
        node = node.parent
    return f"screen.{type(screen).__name__}"


class HelpScreen(ModalScreen[None]):
    """Context help; Escape or F1 closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1,ctrl+g", "close", "tui.key.close", id="close-help"),
        *MODAL_BINDINGS,
    ]

    def __init__(self, focused: Widget | None, under: Any) -> None:
        super().__init__()
        self._focused = focused
        self._under = under

    def compose(self) -> ComposeResult:
        with Vertical(id="help", classes="dialog"):
            yield Tr(self._title, classes="heading")
            with VerticalScroll(id="help-body"):
                yield Tr(self._body)
                yield Tr(self._provider_hint, classes="note", hide_empty=True)
                yield Tr("tui.help.keys_title", classes="subheading")
                yield Tr("tui.help.keys")
        yield KeyBar()  # the dialog's own keys, not those of the screen under it

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()

    @property
    def topic(self) -> str:
        return help_topic(self._focused, self._under)

    def _title(self) -> str:
        key = f"tui.help.title.{self.topic}"
        return t(key) if key in catalogue() else t("tui.help.title")

    def _body(self) -> str:
        key = f"tui.help.{self.topic}"
        return t(key) if key in catalogue() else t("tui.help.general")

    def _provider_hint(self) -> str:
        field = PROVIDER_HINT.get(self.topic)
        draft = getattr(self._under, "draft", None)
        if field is None or draft is None:
            return ""
        from ..providers import get_provider

        provider = get_provider(draft.provider)
        hint = provider.hint(field)
        return t("tui.help.provider_hint", provider=provider.display_name(), hint=hint) \
            if hint else ""

    def action_close(self) -> None:
        self.dismiss()
