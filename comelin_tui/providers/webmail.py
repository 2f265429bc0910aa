"""Webmail services: Zoho, Yahoo, iCloud, Fastmail, Proton."""

from __future__ import annotations

from ..i18n import LocalText as L
from .common import NO_COPY
from .model import STARTTLS_587_ONLY, Provider, ServerPreset, hints

_ZOHO_SENDER = L(
    fr="Zoho n'accepte que l'adresse du compte ou ses alias comme expéditeur.",
    en="Zoho only accepts the account's address or its aliases as sender.",
)

ZOHO = Provider(
    id="zoho",
    name=L(fr="Zoho Mail", en="Zoho Mail"),
    keywords=("zoho workplace", "zohomail"),
    presets=(
        ServerPreset("smtppro.zoho.com", 465, "implicit_tls",
                     label=L(fr="Compte d'organisation payant", en="Paid organization account")),
        ServerPreset("smtppro.zoho.com", 587, "starttls",
                     label=L(fr="Compte d'organisation payant", en="Paid organization account")),
        ServerPreset("smtp.zoho.com", 465, "implicit_tls",
                     label=L(fr="Compte personnel ou gratuit", en="Personal or free account")),
        ServerPreset("smtppro.zoho.eu", 465, "implicit_tls",
                     label=L(fr="Centre de données européen", en="European data centre")),
    ),
    username_template="email",
    auth_kinds=("password",),
    password_kind="account_password",
    hints=hints(
        host=L(
            fr="Zoho : smtppro.zoho.com (organisation payante) ou smtp.zoho.com",
            en="Zoho: smtppro.zoho.com (paid organization) or smtp.zoho.com",
        ),
        password=L(
            fr="Mot de passe Zoho, ou mot de passe propre à l'application si la "
               "validation en deux étapes est active",
            en="Zoho password, or an application-specific password if two-factor "
               "authentication is on",
        ),
    ),
    checklist=(
        L(
            fr="Organisation payante avec votre domaine : smtppro.zoho.com ; compte "
               "personnel ou gratuit : smtp.zoho.com.",
            en="Paid organization with your own domain: smtppro.zoho.com; personal or "
               "free account: smtp.zoho.com.",
        ),
        L(
            fr="Prenez le serveur de votre centre de données : .com, .eu, .in… (voyez "
               "l'adresse de votre page Zoho Mail).",
            en="Use the server of your data centre: .com, .eu, .in... (see the address "
               "of your Zoho Mail page).",
        ),
        L(
            fr="Validation en deux étapes active ? Créez un mot de passe propre à "
               "l'application dans votre compte Zoho.",
            en="Two-factor authentication on? Create an application-specific password "
               "in your Zoho account.",
        ),
        L(
            fr="L'adresse d'expédition doit être celle du compte ou un de ses alias.",
            en="The From address must be the account's own or one of its aliases.",
        ),
    ),
    sent_copies=L(
        fr="Zoho garde automatiquement une copie dans « Envoyés ».",
        en="Zoho automatically keeps a copy in Sent.",
    ),
    mx_patterns=("zoho.com", "zohomail.com", "zoho.eu", "zoho.in", "zoho.com.au"),
    domains=("zohomail.com", "zoho.com"),
    links=(
        (L(fr="Zoho : configuration du serveur SMTP", en="Zoho: SMTP server configuration"),
         "https://www.zoho.com/mail/help/zoho-smtp.html"),
    ),
    diagnosis_hints={
        "auth.invalid_credentials": L(
            fr="Vérifiez le serveur (smtppro pour une organisation payante, smtp sinon, "
               "et le bon centre de données) ; avec la validation en deux étapes, "
               "utilisez un mot de passe propre à l'application.",
            en="Check the server (smtppro for a paid organization, smtp otherwise, and "
               "the right data centre); with two-factor authentication, use an "
               "application-specific password.",
        ),
        # Zoho answers a foreign From with "553 Sender is not allowed to relay".
        "sender.rejected": _ZOHO_SENDER,
        "relay.denied": _ZOHO_SENDER,
    },
)

YAHOO = Provider(
    id="yahoo",
    name=L(fr="Yahoo Mail", en="Yahoo Mail"),
    keywords=("ymail", "rocketmail"),
    presets=(
        ServerPreset("smtp.mail.yahoo.com", 465, "implicit_tls"),
        ServerPreset("smtp.mail.yahoo.com", 587, "starttls"),
    ),
    username_template="email",
    auth_kinds=("password",),
    password_kind="app_password",
    hints=hints(
        host=L(fr="Yahoo : smtp.mail.yahoo.com", en="Yahoo: smtp.mail.yahoo.com"),
        password=L(
            fr="Mot de passe d'application Yahoo (le mot de passe habituel est refusé)",
            en="Yahoo app password (the usual password is refused)",
        ),
    ),
    checklist=(
        L(
            fr="Compte Yahoo > Sécurité du compte > Générer un mot de passe "
               "d'application.",
            en="Yahoo account > Account security > Generate app password.",
        ),
        L(
            fr="Collez-le ici : le mot de passe habituel du compte est refusé.",
            en="Paste it here: the account's usual password is refused.",
        ),
    ),
    sent_copies=NO_COPY,
    mx_patterns=("yahoodns.net",),
    domains=("yahoo.com", "yahoo.ca", "ymail.com", "rocketmail.com"),
    links=(
        (L(fr="Sécurité du compte Yahoo", en="Yahoo account security"),
         "https://login.yahoo.com/account/security"),
        (L(fr="Aide Yahoo : paramètres des serveurs", en="Yahoo help: server settings"),
         ("https://help.yahoo.com/kb/new-mail-for-desktop/"
          "imap-server-settings-yahoo-mail-sln4075.html")),
    ),
    diagnosis_hints={
        "auth.invalid_credentials": L(
            fr="Yahoo exige un mot de passe d'application : Sécurité du compte > "
               "Générer un mot de passe d'application.",
            en="Yahoo requires an app password: Account security > Generate app "
               "password.",
        ),
    },
)

ICLOUD = Provider(
    id="icloud",
    name=L(fr="iCloud Mail (Apple)", en="iCloud Mail (Apple)"),
    keywords=("apple", "me.com", "mac.com"),
    presets=(ServerPreset("smtp.mail.me.com", 587, "starttls"),),
    username_template="email",
    auth_kinds=("password",),
    password_kind="app_password",
    hints=hints(
        host=L(fr="iCloud : smtp.mail.me.com", en="iCloud: smtp.mail.me.com"),
        port=L(fr="587 = STARTTLS", en="587 = STARTTLS"),
        security=STARTTLS_587_ONLY,
        username=L(
            fr="Votre adresse iCloud complète (@icloud.com), même avec un domaine "
               "personnalisé",
            en="Your full iCloud address (@icloud.com), even with a custom domain",
        ),
        password=L(
            fr="Mot de passe pour app (pas celui du compte Apple)",
            en="App-specific password (not the Apple Account password)",
        ),
    ),
    checklist=(
        L(
            fr="L'authentification à deux facteurs doit être active sur le compte Apple.",
            en="Two-factor authentication must be on for the Apple Account.",
        ),
        L(
            fr="Créez un mot de passe pour app à appleid.apple.com (Connexion et "
               "sécurité > Mots de passe pour app).",
            en="Create an app-specific password at appleid.apple.com (Sign-In and "
               "Security > App-Specific Passwords).",
        ),
        L(
            fr="Nom d'utilisateur : votre adresse iCloud complète.",
            en="Username: your full iCloud address.",
        ),
    ),
    sent_copies=NO_COPY,
    mx_patterns=("mail.icloud.com",),
    domains=("icloud.com", "me.com", "mac.com"),
    links=(
        (L(fr="Apple : réglages des serveurs iCloud Mail",
           en="Apple: iCloud Mail server settings"),
         "https://support.apple.com/HT202304"),
        (L(fr="Compte Apple", en="Apple Account"), "https://appleid.apple.com"),
    ),
    diagnosis_hints={
        "auth.invalid_credentials": L(
            fr="Utilisez votre adresse iCloud complète et un mot de passe pour app créé "
               "à appleid.apple.com.",
            en="Use your full iCloud address and an app-specific password created at "
               "appleid.apple.com.",
        ),
    },
)

FASTMAIL = Provider(
    id="fastmail",
    name=L(fr="Fastmail", en="Fastmail"),
    keywords=("messagingengine",),
    presets=(
        ServerPreset("smtp.fastmail.com", 465, "implicit_tls"),
        ServerPreset("smtp.fastmail.com", 587, "starttls"),
    ),
    username_template="email",
    auth_kinds=("password",),
    password_kind="app_password",
    hints=hints(
        host=L(fr="Fastmail : smtp.fastmail.com", en="Fastmail: smtp.fastmail.com"),
        username=L(
            fr="Votre adresse Fastmail, avec le domaine",
            en="Your Fastmail address, including the domain",
        ),
        password=L(
            fr="Mot de passe d'application Fastmail (le mot de passe habituel est refusé)",
            en="Fastmail app password (the usual password is refused)",
        ),
    ),
    checklist=(
        L(
            fr="Paramètres > Confidentialité et sécurité > Mots de passe d'application : "
               "créez-en un avec accès au courriel (SMTP).",
            en="Settings > Privacy & Security > App passwords: create one with mail "
               "(SMTP) access.",
        ),
        L(
            fr="Nom d'utilisateur : votre adresse de connexion Fastmail.",
            en="Username: your Fastmail sign-in address.",
        ),
    ),
    sent_copies=NO_COPY,
    mx_patterns=("messagingengine.com",),
    domains=("fastmail.com", "fastmail.fm"),
    links=(
        (L(fr="Fastmail : noms de serveurs et ports", en="Fastmail: server names and ports"),
         "https://www.fastmail.com/help/technical/servernamesandports.html"),
    ),
    diagnosis_hints={
        "auth.invalid_credentials": L(
            fr="Fastmail exige un mot de passe d'application avec accès SMTP ; le mot de "
               "passe habituel est refusé.",
            en="Fastmail requires an app password with SMTP access; the usual password "
               "is refused.",
        ),
    },
)

PROTON = Provider(
    id="proton",
    name=L(fr="Proton Mail (envoi SMTP)", en="Proton Mail (SMTP submission)"),
    keywords=("protonmail", "proton mail"),
    presets=(ServerPreset("smtp.protonmail.ch", 587, "starttls"),),
    username_template="email",
    auth_kinds=("password",),
    password_kind="app_password",
    hints=hints(
        host=L(fr="Proton : smtp.protonmail.ch", en="Proton: smtp.protonmail.ch"),
        port=L(fr="587 = STARTTLS", en="587 = STARTTLS"),
        security=STARTTLS_587_ONLY,
        username=L(
            fr="L'adresse (domaine personnalisé) pour laquelle le jeton a été créé",
            en="The address (custom domain) the token was created for",
        ),
        password=L(
            fr="Le jeton SMTP créé dans les paramètres Proton Mail",
            en="The SMTP token created in Proton Mail settings",
        ),
    ),
    checklist=(
        L(
            fr="L'envoi SMTP est offert avec certains forfaits Proton (entreprise) et une "
               "adresse à domaine personnalisé.",
            en="SMTP submission comes with some Proton plans (business) and a "
               "custom-domain address.",
        ),
        L(
            fr="Paramètres Proton Mail > IMAP/SMTP > Jetons SMTP : générez un jeton pour "
               "l'adresse du magasin.",
            en="Proton Mail settings > IMAP/SMTP > SMTP tokens: generate a token for the "
               "store's address.",
        ),
        L(
            fr="Nom d'utilisateur : cette adresse ; mot de passe : le jeton.",
            en="Username: that address; password: the token.",
        ),
    ),
    sent_copies=L(
        fr="Les messages envoyés par SMTP apparaissent dans « Envoyés ».",
        en="Messages sent through SMTP appear in the Sent folder.",
    ),
    mx_patterns=("protonmail.ch",),
    links=(
        (L(fr="Proton : configurer l'envoi SMTP", en="Proton: set up SMTP submission"),
         "https://proton.me/support/smtp-submission"),
    ),
    diagnosis_hints={
        "auth.invalid_credentials": L(
            fr="Utilisez l'adresse exacte du jeton et le jeton SMTP (pas le mot de passe "
               "Proton) ; générez-en un nouveau au besoin.",
            en="Use the token's exact address and the SMTP token (not the Proton "
               "password); generate a new one if needed.",
        ),
        "sender.rejected": L(
            fr="L'adresse d'expédition doit être celle du jeton SMTP.",
            en="The From address must be the SMTP token's address.",
        ),
    },
)

PROVIDERS: tuple[Provider, ...] = (ZOHO, YAHOO, ICLOUD, FASTMAIL, PROTON)
