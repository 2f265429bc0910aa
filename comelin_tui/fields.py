"""The field registry: every setting's words, once.

Each :class:`FieldSpec` holds what a person reads about one setting, in French
and English: its name (in lists, messages, ``show``, the search and as the help's
title), the label over its control when the wizard's pane says it differently,
the hint under the control, the F1 help, the words the search also finds it by,
and what to say when it is needed but empty. It also says which wizard step
edits it and which controls' F1 explains it.

The step panes, the settings search, the help screen, ``comelin-tui show`` and
the settings' own messages all read it: adding a setting means one entry here
(plus its widget). The validators themselves live in :mod:`config_validate`,
with their messages, because one kind of check (an email address, a host name)
serves several settings.

The texts are registered with :mod:`i18n`: a setting's name as
``config.label.<name>`` (the settings module's own messages use it), its other
words as ``field.<name>.<part>``. Nothing here imports pydantic or Textual.
"""

from __future__ import annotations

from dataclasses import dataclass

from .i18n import LANGUAGES, LocalText, register, t

__all__ = [
    "FIELDS", "FieldSpec", "field_label", "field_spec", "field_step", "fields_of_step",
    "help_topic_of_control", "is_needed", "required_message", "searchable_fields",
    "widget_id",
]

# The parts of an entry that are text, besides the label.
PARTS = ("form", "hint", "placeholder", "help", "keywords", "required")


def widget_id(dotted: str) -> str:
    """DOM id of the control for a dotted setting (``smtp.host`` -> ``smtp-host``)."""
    return dotted.replace(".", "-").replace("_", "-")


@dataclass(frozen=True)
class FieldSpec:
    """One setting (or a wizard-only field such as the password) and its words."""

    name: str
    label: LocalText
    help: LocalText | None = None
    keywords: LocalText | None = None  # more words the search finds it by
    step: str | None = None  # the wizard step editing it (None: only in the settings file)
    form: LocalText | None = None  # the label over its control, when the pane says more
    hint: LocalText | None = None  # under the control
    provider_hint: str | None = None  # ...or the provider catalogue's hint of that name
    placeholder: LocalText | None = None
    required: LocalText | None = None  # needed but empty (default: "Required: <label>.")
    needed: bool = False  # the wizard asks for it before going on (when its pane shows it)
    control: str | None = None  # the control's id, when not widget_id(name)
    controls: tuple[str, ...] = ()  # other controls whose F1 explains this field
    setting: bool = True  # a field of the Config model (False: the wizard's own)
    searchable: bool = True  # offered by the settings search (when it has a step)

    @property
    def label_key(self) -> str:
        return f"config.label.{self.name}"

    def key(self, part: str) -> str | None:
        """The i18n key of a text part (``form`` falls back to the label), or None."""
        if part == "label":
            return self.label_key
        if part == "form" and self.form is None:
            return self.label_key
        return f"field.{self.name}.{part}" if getattr(self, part) is not None else None

    def text(self, part: str, lang: str | None = None, /, **params: object) -> str:
        """A text part in *lang* ("" when the entry has none)."""
        key = self.key(part)
        return t(key, lang, **params) if key is not None else ""

    @property
    def control_id(self) -> str:
        return self.control or widget_id(self.name)

    @property
    def help_controls(self) -> tuple[str, ...]:
        return (self.control_id, *self.controls)

    def search_words(self) -> list[str]:
        """What the search matches, in every language: the name, then the keywords."""
        words = [self.text("label", lang) for lang in LANGUAGES]
        words += [self.text("keywords", lang) for lang in LANGUAGES if self.keywords]
        return words


def _(fr: str, en: str) -> LocalText:
    return LocalText(fr, en)

FIELDS: tuple[FieldSpec, ...] = (
    # --- step 1: the company ------------------------------------------------------
    FieldSpec(
        "company.email", _("Courriel de l'entreprise", "Company email"), step="email",
        needed=True,
        hint=_("Idéalement, l'adresse d'où Comelin envoie les courriels (l'expéditeur).",
               "Ideally the address Comelin sends from (the sender)."),
        provider_hint="email",
        placeholder=_("ventes@votremagasin.ca", "sales@yourstore.com"),
        keywords=_("expéditeur adresse courriel domaine", "sender address email domain"),
        help=_("L'adresse qui envoie les reçus. Idéalement la même que celle configurée comme "
               "expéditeur dans Comelin : un autre domaine finit souvent dans les pourriels. "
               "Son domaine sert aussi à deviner le fournisseur (enregistrements MX).",
               "The address that sends receipts. Ideally the same as the sender configured "
               "in Comelin: another domain often lands in spam. Its domain is also used to "
               "guess the provider (MX records)."),
    ),
    FieldSpec(
        "company.name", _("Nom de l'entreprise", "Company name"), step="email",
        hint=_("Affiché comme nom de l'expéditeur (facultatif).",
               "Shown as the sender's name (optional)."),
        placeholder=_("Boutique Exemple inc.", "Example Store Inc."),
        keywords=_("commerce magasin raison sociale", "store business"),
        help=_("Le nom de l'entreprise, tel que les clients le connaissent.",
               "The company's name, as customers know it."),
    ),
    # --- step 2: the provider ---------------------------------------------------------
    FieldSpec(
        "provider", _("Fournisseur de courriel", "Email provider"), step="provider",
        controls=("provider-filter",),
        keywords=_("google microsoft 365 outlook hébergeur", "google microsoft 365 outlook host"),
        help=_("Qui héberge la boîte courriel. L'assistant le devine d'après les serveurs MX "
               "du domaine; choisissez « Autre » si le vôtre n'est pas dans la liste. "
               "Tapez dans le filtre pour réduire la liste.",
               "Who hosts the mailbox. The wizard guesses it from the domain's MX servers; "
               "choose \"Other\" if yours is not listed. Type in the filter to narrow the "
               "list."),
    ),
    # --- step 3: the server -----------------------------------------------------------
    FieldSpec(
        "smtp.host", _("Serveur SMTP", "SMTP server"), step="server", needed=True,
        form=_("Hôte (serveur SMTP)", "Host (SMTP server)"), provider_hint="host",
        controls=("server-presets",),
        keywords=_("hôte nom du serveur d'envoi sortant", "host outgoing server name"),
        help=_("Le nom du serveur d'envoi (SMTP), sans « smtp:// » ni port. Exemples : "
               "smtp.gmail.com, smtp.office365.com.",
               "The outgoing (SMTP) server name, without \"smtp://\" or a port. Examples: "
               "smtp.gmail.com, smtp.office365.com."),
    ),
    FieldSpec(
        "smtp.port", _("Port", "Port"), step="server", provider_hint="port", needed=True,
        keywords=_("numéro 587 465 25", "number 587 465 25"),
        help=_("587 avec STARTTLS (le plus courant), 465 avec SSL/TLS implicite. Le port 25 "
               "est souvent bloqué par les fournisseurs Internet.",
               "587 with STARTTLS (most common), 465 with implicit SSL/TLS. Port 25 is often "
               "blocked by Internet providers."),
    ),
    FieldSpec(
        "smtp.security", _("Sécurité de la connexion", "Connection security"), step="server",
        form=_("Sécurité", "Security"), provider_hint="security",
        keywords=_("chiffrement SSL TLS STARTTLS", "encryption SSL TLS STARTTLS"),
        help=_("STARTTLS : la connexion commence en clair puis passe au chiffrement (port "
               "587). SSL/TLS implicite : chiffrée dès le départ (port 465). Flèches puis "
               "Entrée pour choisir.",
               "STARTTLS: the connection starts in clear text, then switches to encryption "
               "(port 587). Implicit SSL/TLS: encrypted from the start (port 465). Arrows "
               "then Enter to choose."),
    ),
    FieldSpec(
        "smtp.ca_file",
        _("Fichier d'autorité de certification (CA)", "Certificate authority (CA) file"),
        step="server",
        hint=_("Seulement pour un serveur interne à certificat privé (fichier PEM).",
               "Only for an internal server with a private certificate (PEM file)."),
        keywords=_("certificat PEM interne privé", "certificate PEM internal private"),
        help=_("Seulement si le serveur utilise un certificat d'une autorité privée "
               "(serveur interne) : le chemin du fichier PEM de cette autorité.",
               "Only if the server uses a certificate from a private authority (an internal "
               "server): the path of that authority's PEM file."),
    ),
    FieldSpec(
        "smtp.timeout", _("Délai d'attente", "Timeout"), step="server", needed=True,
        form=_("Délai d'attente (secondes)", "Timeout (seconds)"),
        hint=_("Temps maximal pour chaque étape de l'envoi (15 par défaut).",
               "Longest wait for each step of the send (15 by default)."),
        keywords=_("secondes lent attente", "seconds slow wait"),
        help=_("Combien de secondes attendre chaque réponse du serveur avant d'abandonner.",
               "How many seconds to wait for each server reply before giving up."),
    ),
    # --- step 4: signing in -------------------------------------------------------------
    FieldSpec(
        "smtp.username", _("Nom d'utilisateur", "Username"), step="credentials",
        provider_hint="username", needed=True,
        keywords=_("identifiant compte utilisateur", "login account user"),
        help=_("Le plus souvent, l'adresse courriel complète de la boîte.",
               "Most often, the mailbox's full email address."),
    ),
    FieldSpec(
        "password", _("Mot de passe", "Password"), step="credentials", setting=False,
        needed=True,
        provider_hint="password", controls=("reveal",),
        keywords=_("mot de passe d'application clé API secret",
                   "app password API key secret"),
        required=_("Entrez le mot de passe : aucun n'est enregistré.",
                   "Enter the password: none is saved yet."),
        help=_("Le mot de passe n'est jamais écrit dans le fichier de réglages ni affiché. "
               "Google, Yahoo et d'autres exigent un mot de passe d'application.",
               "The password is never written to the settings file nor shown. Google, Yahoo "
               "and others require an app password."),
    ),
    FieldSpec(
        "smtp.auth", _("Authentification", "Authentication"), step="credentials",
        keywords=_("connexion sans mot de passe relais IP", "no login relay IP"),
        help=_("Certains relais (Google Workspace, connecteur Microsoft 365) reconnaissent "
               "l'adresse IP du magasin : aucune connexion n'est alors nécessaire.",
               "Some relays (Google Workspace, Microsoft 365 connector) trust the store's IP "
               "address: no login is needed then."),
    ),
    FieldSpec(
        "oauth.method", _("Connexion au serveur", "How to sign in"), step="credentials",
        setting=False, searchable=False, control="auth-method",
        keywords=_("OAuth mot de passe Microsoft", "OAuth password Microsoft"),
        help=_("Microsoft 365 : « Se connecter avec Microsoft » ne garde aucun mot de passe "
               "et continue de fonctionner après le retrait de l'authentification de base "
               "(fin 2026). Le mot de passe reste possible tant que l'organisation "
               "l'accepte. Flèches puis Entrée pour choisir.",
               "Microsoft 365: \"Sign in with Microsoft\" keeps no password and keeps working "
               "after basic authentication is retired (end of 2026). The password still "
               "works while the organization allows it. Arrows then Enter to choose."),
    ),
    FieldSpec(
        "oauth.tenant", _("Locataire (tenant) Microsoft 365", "Microsoft 365 tenant"),
        step="credentials",
        form=_("Locataire (tenant) : domaine ou ID de l'annuaire",
               "Tenant: domain or Directory (tenant) ID"),
        hint=_("Par défaut, le domaine du courriel de l'entreprise.",
               "By default, the company email's domain."),
        keywords=_("organisation annuaire domaine Entra", "organization directory domain Entra"),
        help=_("L'organisation Microsoft 365 : son domaine (contoso.com, "
               "contoso.onmicrosoft.com) ou l'ID de l'annuaire (locataire), un GUID affiché "
               "sur la page Vue d'ensemble de l'inscription d'application.",
               "The Microsoft 365 organization: its domain (contoso.com, "
               "contoso.onmicrosoft.com) or the Directory (tenant) ID, a GUID shown on the "
               "app registration's Overview page."),
    ),
    FieldSpec(
        "oauth.client_id",
        _("ID d'application (client) Microsoft", "Microsoft Application (client) ID"),
        step="credentials",
        form=_("ID d'application (client)", "Application (client) ID"), needed=True,
        hint=_("Page Vue d'ensemble de l'inscription d'application (un GUID).",
               "On the app registration's Overview page (a GUID)."),
        placeholder=_("00000000-0000-0000-0000-000000000000",
                      "00000000-0000-0000-0000-000000000000"),
        keywords=_("inscription d'application GUID Entra", "app registration GUID Entra"),
        required=_("Entrez l'ID d'application (client) de l'inscription d'application.",
                   "Enter the Application (client) ID of the app registration."),
        help=_("L'ID d'application (client) de l'inscription d'application créée pour "
               "Comelin : « Autoriser les flux clients publics » = Oui et l'autorisation "
               "déléguée SMTP.Send.",
               "The Application (client) ID of the app registration made for Comelin: "
               "\"Allow public client flows\" = Yes and the delegated permission SMTP.Send."),
    ),
    FieldSpec(
        "oauth.sign_in", _("Connexion Microsoft", "Microsoft sign-in"), step="credentials",
        setting=False, control="oauth-start", controls=("oauth-code",),
        keywords=_("se connecter code OAuth jeton", "sign in device code OAuth token"),
        help=_("Aucun navigateur n'est nécessaire ici : ouvrez l'adresse affichée sur un "
               "téléphone ou un ordinateur et entrez le code. Échap annule. La connexion est "
               "gardée avec les réglages au moment d'enregistrer, jamais dans le fichier.",
               "No browser is needed here: open the address shown on a phone or a computer "
               "and enter the code. Escape cancels. The sign-in is kept with the settings "
               "when you save, never in the settings file."),
    ),
    # --- the last steps (the search jumps there) --------------------------------------
    FieldSpec(
        "save", _("Vérifier et enregistrer", "Review and save"), step="review",
        setting=False, keywords=_("enregistrer sauvegarder résumé", "save write summary"),
    ),
    FieldSpec(
        "test", _("Envoyer un courriel test", "Send a test email"), step="test",
        setting=False, keywords=_("essai vérifier envoi", "try check send"),
    ),
    # --- a sender profile (the profile wizard's first step; not in the search) ---------
    FieldSpec(
        "profile.name", _("Nom du profil", "Profile name"), step="profile", setting=False,
        searchable=False, needed=True,
        hint=_("Son nom en ligne de commande (comelin-tui check --profile NOM) : minuscules, "
               "chiffres et tirets.",
               "Its name on the command line (comelin-tui check --profile NAME): lowercase, "
               "digits and hyphens."),
        placeholder=_("magasin-12-commandes", "store-12-orders"),
        help=_("Le nom qui désigne ce profil dans les commandes et les scripts. Il ne change "
               "plus une fois enregistré : pour un autre nom, ajoutez un profil et retirez "
               "celui-ci.",
               "The name that designates this profile in commands and scripts. It no longer "
               "changes once saved: for another name, add a profile and remove this one."),
    ),
    FieldSpec(
        "profile.store", _("Magasin", "Store"), step="profile", setting=False,
        searchable=False,
        hint=_("Le magasin ou la succursale qui envoie (facultatif).",
               "The store or branch that sends (optional)."),
        placeholder=_("Magasin 12 - Laval", "Store 12 - Laval"),
        help=_("Le magasin ou la succursale pour qui ce profil envoie, tel que Comelin le "
               "nomme.",
               "The store or branch this profile sends for, as Comelin names it."),
    ),
    FieldSpec(
        "profile.purpose", _("Usage", "Purpose"), step="profile", setting=False,
        searchable=False, control="profile-purpose",
        help=_("Ce que ce profil envoie : les factures et reçus, les alertes d'administration, "
               "les commandes aux fournisseurs, ou autre chose que vous décrivez.",
               "What this profile sends: invoices and receipts, admin alerts, supplier "
               "orders, or something else you describe."),
    ),
    FieldSpec(
        "profile.purpose_text", _("Autre usage", "Other purpose"), step="profile",
        setting=False, searchable=False,
        placeholder=_("infolettre", "newsletter"),
        help=_("L'usage en quelques mots, quand ce n'est aucun des trois proposés.",
               "The purpose in a few words, when it is none of the three offered."),
    ),
    FieldSpec(
        "profile.from_address", _("Adresse d'expéditeur", "Sender address"), step="profile",
        setting=False, searchable=False, needed=True,
        required=_("À remplir : l'adresse d'expéditeur du profil.",
                   "Required: the profile's sender address."),
        hint=_("L'adresse « De : » de ces messages, la même que dans Comelin.",
               "The \"From:\" address of these messages, the same as in Comelin."),
        placeholder=_("commandes@votremagasin.ca", "orders@yourstore.com"),
        help=_("L'adresse d'où partent les messages de ce profil. Par le compte de "
               "l'entreprise, ce compte doit avoir le droit d'envoyer sous cette adresse "
               "(« envoyer en tant que »); le test le vérifie.",
               "The address this profile's messages come from. Through the company account, "
               "that account needs the right to send as this address (\"send as\"); the "
               "test checks it."),
    ),
    FieldSpec(
        "profile.display_name", _("Nom affiché", "Display name"), step="profile",
        setting=False, searchable=False,
        hint=_("Le nom que voient les destinataires (facultatif).",
               "The name recipients see (optional)."),
        placeholder=_("Commandes - Magasin 12", "Orders - Store 12"),
        help=_("Le nom affiché à côté de l'adresse d'expéditeur.",
               "The name shown beside the sender address."),
    ),
    FieldSpec(
        "profile.reply_to", _("Adresse de réponse", "Reply-to address"), step="profile",
        setting=False, searchable=False,
        hint=_("Où vont les réponses, si ce n'est pas l'expéditeur (facultatif).",
               "Where replies go, when not to the sender (optional)."),
        help=_("Les réponses des destinataires vont à cette adresse plutôt qu'à "
               "l'expéditeur.",
               "Recipients' replies go to this address rather than to the sender."),
    ),
    FieldSpec(
        "profile.own_account", _("Compte d'envoi", "Sending account"), step="profile",
        setting=False, searchable=False,
        help=_("Par défaut, le profil envoie par le compte de l'entreprise. Cochez « compte "
               "propre » quand ces messages partent d'une autre boîte, avec son serveur et "
               "son mot de passe : les étapes Serveur et Identifiants s'ajoutent alors.",
               "By default the profile sends through the company account. Check \"own "
               "account\" when these messages go out from another mailbox, with its server "
               "and password: the Server and Login steps are added then."),
    ),
    # --- only in the settings file (or set by the wizard itself) ---------------------
    FieldSpec(
        "smtp.from_address", _("Adresse d'expéditeur", "Sender address"),
        keywords=_("de expéditeur From", "from sender"),
        help=_("L'adresse « De : » des messages; l'assistant y met le courriel de "
               "l'entreprise.",
               "The messages' \"From:\" address; the wizard puts the company email there."),
    ),
    FieldSpec(
        "smtp.reply_to", _("Adresse de réponse", "Reply-to address"),
        keywords=_("répondre à Reply-To", "reply to Reply-To"),
        help=_("Où vont les réponses des clients, si ce n'est pas l'expéditeur (facultatif).",
               "Where customers' replies go, when not to the sender (optional)."),
    ),
    FieldSpec(
        "smtp.pinned_fingerprint", _("Empreinte du certificat", "Certificate fingerprint"),
        keywords=_("épinglé SHA-256 certificat", "pinned SHA-256 certificate"),
        help=_("L'empreinte SHA-256 du certificat du serveur, pour un serveur interne dont "
               "le certificat n'est pas public : seul ce certificat est alors accepté.",
               "The SHA-256 fingerprint of the server's certificate, for an internal server "
               "without a public certificate: only that certificate is accepted then."),
    ),
    FieldSpec(
        "smtp.allow_insecure_auth",
        _("Permettre le mot de passe sans chiffrement", "Allow password without encryption"),
        keywords=_("clair non chiffré relais local", "clear text unencrypted local relay"),
        help=_("Seulement pour un relais de confiance sur le même réseau local : le mot de "
               "passe passerait en clair. Sans ce réglage, comelin-tui refuse de l'envoyer.",
               "Only for a trusted relay on the same local network: the password would cross "
               "it in clear text. Without this setting, comelin-tui refuses to send it."),
    ),
    FieldSpec(
        "oauth.account", _("Compte OAuth", "OAuth account"),
        keywords=_("boîte connectée Microsoft", "signed-in mailbox Microsoft"),
        help=_("La boîte qui s'est connectée avec Microsoft; remplie à la connexion.",
               "The mailbox that signed in with Microsoft; filled in at sign-in."),
    ),
    FieldSpec(
        "secret_backend", _("Rangement du mot de passe", "Password storage"),
        keywords=_("trousseau de clés fichier protégé", "keyring protected file"),
        help=_("Où le mot de passe est gardé : « keyring » (le trousseau de clés du système) "
               "ou « file » (un fichier protégé à côté des réglages). Choisi à "
               "l'enregistrement.",
               "Where the password is kept: \"keyring\" (the system keyring) or \"file\" "
               "(a protected file next to the settings). Chosen when saving."),
    ),
    FieldSpec(
        "profiles", _("Profils d'expéditeur", "Sender profiles"),
        keywords=_("magasin succursale alertes commandes fournisseurs expéditeur compte",
                   "store branch alerts supplier orders sender account"),
        help=_("Un expéditeur par magasin et par usage (factures et reçus, alertes "
               "d'administration, commandes aux fournisseurs, ou autre) : adresse, nom "
               "affiché, adresse de réponse, et au besoin un compte à lui (serveur, "
               "utilisateur ; son mot de passe avec « comelin-tui password --profile NOM »). "
               "Le profil de l'entreprise est celui par défaut. Géré avec « comelin-tui "
               "profile ».",
               "A sender per store and per purpose (invoices and receipts, admin alerts, "
               "supplier orders, or other): address, display name, reply-to, and if needed an "
               "account of its own (server, login; its password with \"comelin-tui password "
               "--profile NAME\"). The company profile is the default. Managed with "
               "\"comelin-tui profile\"."),
    ),
    FieldSpec(
        "dns_server", _("Serveur DNS", "DNS server"),
        keywords=_("résolveur MX adresse IP", "resolver MX IP address"),
        help=_("Le serveur DNS des recherches (MX, SPF, DKIM, DMARC), si ce n'est pas celui "
               "du système : une adresse IP, avec un port au besoin.",
               "The DNS server for the lookups (MX, SPF, DKIM, DMARC) when not the system's: "
               "an IP address, with a port if needed."),
    ),
    FieldSpec(
        "language", _("Langue", "Language"),
        keywords=_("français anglais", "French English"),
        help=_("La langue de l'assistant (fr ou en); F2 ou Ctrl+L la change à tout moment.",
               "The wizard's language (fr or en); F2 or Ctrl+L switches it at any time."),
    ),
    # --- the local relay for Comelin (the settings file and `comelin-tui relay`) ---------
    FieldSpec(
        "relay.listen", _("Adresse d'écoute du relais", "Relay listen address"),
        keywords=_("hôte port 2525 écoute", "host port 2525 listen"),
        help=_("Où le relais attend Comelin : une adresse et un port, 127.0.0.1:2525 par "
               "défaut (seulement cet ordinateur).",
               "Where the relay waits for Comelin: an address and a port, 127.0.0.1:2525 by "
               "default (this computer only)."),
    ),
    FieldSpec(
        "relay.username", _("Utilisateur local du relais", "Relay local username"),
        keywords=_("identifiant Comelin caisse", "login Comelin till"),
        help=_("Le nom d'utilisateur que Comelin donne au relais; vide : le courriel de "
               "l'entreprise. Son mot de passe est gardé comme celui du fournisseur.",
               "The username Comelin gives the relay; empty: the company email. Its password "
               "is kept like the provider's."),
    ),
    FieldSpec(
        "relay.max_recipients", _("Destinataires par message", "Recipients per message"),
        keywords=_("limite destinataires", "recipients limit"),
        help=_("Combien de destinataires un message peut avoir au plus (100 par défaut).",
               "How many recipients a message may have at most (100 by default)."),
    ),
    FieldSpec(
        "relay.max_connections",
        _("Connexions au fournisseur à la fois", "Connections to the provider at once"),
        keywords=_("limite simultanées", "limit simultaneous"),
        help=_("Combien de connexions le relais ouvre à la fois chez le fournisseur; vide : "
               "la limite connue du fournisseur.",
               "How many connections the relay opens at once to the provider; empty: the "
               "provider's known limit."),
    ),
    FieldSpec(
        "relay.messages_per_minute", _("Messages par minute", "Messages per minute"),
        keywords=_("limite débit", "limit rate"),
        help=_("Combien de messages par minute le relais envoie au plus; vide : la limite "
               "connue du fournisseur.",
               "How many messages a minute the relay sends at most; empty: the provider's "
               "known limit."),
    ),
    FieldSpec(
        "relay.wait", _("Attente avant « réessayez »", "Wait before \"try again\""),
        keywords=_("secondes attente occupé", "seconds wait busy"),
        help=_("Combien de secondes un message attend une place avant que Comelin entende "
               "« réessayez plus tard » (10 par défaut).",
               "How many seconds a message waits for a free slot before Comelin hears \"try "
               "again later\" (10 by default)."),
    ),
    FieldSpec(
        "relay.idle_timeout",
        _("Fermeture d'une connexion inutilisée", "Idle connection closed after"),
        keywords=_("secondes inactive", "seconds idle"),
        help=_("Après combien de secondes sans message une connexion au fournisseur est "
               "fermée (30 par défaut).",
               "After how many seconds without a message a connection to the provider is "
               "closed (30 by default)."),
    ),
    FieldSpec(
        "relay.starttls", _("STARTTLS pour Comelin", "STARTTLS for Comelin"),
        keywords=_("chiffrement local", "local encryption"),
        help=_("Offrir STARTTLS à Comelin sur le relais (inutile quand tout reste sur cet "
               "ordinateur).",
               "Offer STARTTLS to Comelin on the relay (not needed when everything stays on "
               "this computer)."),
    ),
    FieldSpec(
        "relay.queue", _("File d'attente durable", "Durable queue"),
        keywords=_("file spool réessayer plus tard", "spool retry later"),
        help=_("Accepter un message dès qu'il est écrit sur le disque et le livrer ensuite, "
               "en réessayant si le fournisseur ne répond pas.",
               "Accept a message once it is written to disk and deliver it afterwards, "
               "trying again while the provider does not answer."),
    ),
    # --- sections and the format, named in the settings file's messages ----------------
    FieldSpec("version", _("Version du format", "Format version"), searchable=False),
    FieldSpec("company", _("Entreprise", "Company"), searchable=False),
    FieldSpec("smtp", _("Serveur d'envoi (SMTP)", "Outgoing server (SMTP)"), searchable=False),
    FieldSpec("oauth", _("OAuth", "OAuth"), searchable=False),
    FieldSpec("relay", _("Relais local pour Comelin", "Local relay for Comelin"),
              searchable=False),
)

# Settings a person never edits (the format version) or that group others (sections).
NOT_EDITABLE = frozenset({"version", "company", "smtp", "oauth", "relay"})

_BY_NAME = {spec.name: spec for spec in FIELDS}
_BY_CONTROL = {control: spec.name for spec in FIELDS if spec.step and spec.help
               for control in spec.help_controls}


def _messages() -> dict[str, dict[str, str]]:
    messages: dict[str, dict[str, str]] = {
        "field.required": {"fr": "À remplir : {field}.", "en": "Required: {field}."},
    }
    for spec in FIELDS:
        messages[spec.label_key] = dict(spec.label)
        for part in PARTS:
            text = getattr(spec, part)
            if text is not None:
                messages[f"field.{spec.name}.{part}"] = dict(text)
    return messages


register(_messages())


def field_spec(name: str) -> FieldSpec | None:
    """The registry entry of a dotted setting (None for an unknown name)."""
    return _BY_NAME.get(name)


def field_label(name: str, lang: str | None = None) -> str:
    """How a dotted setting name reads for a person (``smtp.host`` -> "SMTP server")."""
    spec = _BY_NAME.get(name)
    return spec.text("label", lang) if spec is not None else name


def field_step(name: str) -> str | None:
    """The wizard step that edits *name* (None: not edited in the wizard)."""
    spec = _BY_NAME.get(name)
    return spec.step if spec is not None else None


def fields_of_step(step: str) -> tuple[str, ...]:
    """The fields a wizard step edits, in the order they are shown."""
    return tuple(spec.name for spec in FIELDS if spec.step == step)


def searchable_fields() -> tuple[FieldSpec, ...]:
    """What the settings search offers, in wizard order."""
    return tuple(spec for spec in FIELDS if spec.step and spec.searchable)


def help_topic_of_control(control_id: str) -> str | None:
    """The field whose help a focused control shows (None: not a field's control)."""
    return _BY_CONTROL.get(control_id)


def is_needed(name: str) -> bool:
    """True when the wizard asks for *name* before going on."""
    spec = _BY_NAME.get(name)
    return spec is not None and spec.needed


def required_message(name: str, lang: str | None = None) -> str:
    """What to say when *name* is needed and empty."""
    spec = _BY_NAME.get(name)
    if spec is not None and spec.required is not None:
        return spec.text("required", lang)
    return t("field.required", lang, field=field_label(name, lang))
