"""Google Workspace / Gmail, and the Workspace SMTP relay."""

from __future__ import annotations

from ..i18n import LocalText as L
from .model import Provider, ServerPreset, hints

GOOGLE_WORKSPACE = Provider(
    id="google-workspace",
    family="google",
    related=("google-smtp-relay",),
    name=L(fr="Google Workspace / Gmail", en="Google Workspace / Gmail"),
    keywords=("gmail", "google", "g suite", "gsuite"),
    presets=(
        ServerPreset("smtp.gmail.com", 587, "starttls"),
        ServerPreset("smtp.gmail.com", 465, "implicit_tls"),
    ),
    username_template="email",
    auth_kinds=("password",),
    password_kind="app_password",
    strip_spaces_in_password=True,
    hints=hints(
        host=L(fr="Google : smtp.gmail.com", en="Google: smtp.gmail.com"),
        port=L(fr="587 = STARTTLS ; 465 = SSL/TLS implicite", en="587 = STARTTLS; 465 = implicit SSL/TLS"),
        password=L(
            fr="Mot de passe d'application de 16 caractères (les espaces sont retirés)",
            en="16-character app password (spaces are removed)",
        ),
    ),
    checklist=(
        L(
            fr="Activez la validation en deux étapes du compte Google "
               "(myaccount.google.com > Sécurité).",
            en="Turn on 2-Step Verification for the Google account "
               "(myaccount.google.com > Security).",
        ),
        L(
            fr="Créez un mot de passe d'application à myaccount.google.com/apppasswords "
               "(nommez-le « Comelin »).",
            en="Create an app password at myaccount.google.com/apppasswords "
               "(name it \"Comelin\").",
        ),
        L(
            fr="Collez les 16 caractères ici ; les espaces n'ont pas d'importance.",
            en="Paste the 16 characters here; spaces do not matter.",
        ),
        L(
            fr="Pas d'option « Mots de passe d'application » ? L'administrateur Workspace "
               "doit permettre la validation en deux étapes pour ce compte.",
            en="No \"App passwords\" option? The Workspace admin must allow "
               "2-Step Verification for this account.",
        ),
    ),
    notes=(
        L(
            fr="Depuis le 30 septembre 2024, le mot de passe du compte ne fonctionne plus "
               "pour l'envoi SMTP : il faut un mot de passe d'application.",
            en="Since 30 September 2024 the account password no longer works for SMTP: "
               "an app password is required.",
        ),
        L(
            fr="Limite d'environ 2 000 messages par jour par utilisateur Workspace.",
            en="Limit of about 2,000 messages per day per Workspace user.",
        ),
    ),
    sent_copies=L(
        fr="Gmail garde une copie dans « Messages envoyés » ; elle compte dans "
           "l'espace de stockage du compte.",
        en="Gmail keeps a copy in Sent; it counts toward the account's storage.",
    ),
    mx_patterns=("google.com", "googlemail.com"),
    domains=("gmail.com", "googlemail.com"),
    links=(
        (L(fr="Créer un mot de passe d'application", en="Create an app password"),
         "https://myaccount.google.com/apppasswords"),
        (L(fr="Aide Google : mots de passe d'application", en="Google help: app passwords"),
         "https://support.google.com/accounts/answer/185833"),
        (L(fr="Aide Google : envoyer depuis un appareil ou une application",
           en="Google help: send email from a device or app"),
         "https://support.google.com/a/answer/176600"),
    ),
    diagnosis_hints={
        "auth.invalid_credentials": L(
            fr="Google refuse le mot de passe du compte : créez un mot de passe "
               "d'application à myaccount.google.com/apppasswords (validation en deux "
               "étapes requise) et collez-le ici.",
            en="Google refuses the account password: create an app password at "
               "myaccount.google.com/apppasswords (2-Step Verification required) "
               "and paste it here.",
        ),
        "auth.app_password_required": L(
            fr="Google exige un mot de passe d'application : activez la validation en "
               "deux étapes, puis créez-en un à myaccount.google.com/apppasswords (16 "
               "lettres, affichées par groupes de quatre : les espaces sont retirées) et "
               "entrez-le à Accueil > Changer le mot de passe.",
            en="Google requires an app password: turn on 2-Step Verification, then "
               "create one at myaccount.google.com/apppasswords (16 letters, shown in "
               "groups of four: the spaces are removed) and enter it at Home > Change the "
               "password.",
        ),
        "quota.exceeded": L(
            fr="Limite de Google atteinte (environ 2 000 messages sur 24 heures glissantes "
               "pour Workspace, 500 pour Gmail gratuit) : réessayez quand les envois les "
               "plus anciens auront plus de 24 heures, ou utilisez le relais SMTP de Google.",
            en="Google's limit is reached (about 2,000 messages over a rolling 24 hours "
               "for Workspace, 500 for free Gmail): try again once the oldest sends are "
               "over 24 hours old, or use Google's SMTP relay.",
        ),
        "sender.rejected": L(
            fr="L'adresse d'expédition doit être celle du compte ou un alias "
               "« Envoyer des e-mails en tant que » configuré dans Gmail.",
            en="The From address must be the account's own or a \"Send mail as\" "
               "alias set up in Gmail.",
        ),
    },
)

GOOGLE_SMTP_RELAY = Provider(
    id="google-smtp-relay",
    family="google",
    related=("google-workspace",),
    kind="relay",
    name=L(fr="Relais SMTP de Google Workspace", en="Google Workspace SMTP relay"),
    keywords=("gmail", "google", "smtp-relay", "relais"),
    presets=(
        ServerPreset("smtp-relay.gmail.com", 587, "starttls"),
        ServerPreset("smtp-relay.gmail.com", 465, "implicit_tls"),
        ServerPreset("smtp-relay.gmail.com", 25, "starttls"),
    ),
    username_template="email",
    auth_kinds=("none", "password"),
    password_kind="app_password",
    strip_spaces_in_password=True,
    hints=hints(
        host=L(fr="Relais Google : smtp-relay.gmail.com", en="Google relay: smtp-relay.gmail.com"),
        username=L(
            fr="Seulement si le relais exige l'authentification : l'adresse d'un "
               "utilisateur Workspace",
            en="Only if the relay requires authentication: a Workspace user's address",
        ),
        password=L(
            fr="Seulement si le relais exige l'authentification : mot de passe "
               "d'application de cet utilisateur",
            en="Only if the relay requires authentication: that user's app password",
        ),
    ),
    checklist=(
        L(
            fr="Administrateur Workspace : console d'administration > Applications > "
               "Google Workspace > Gmail > Routage > Service de relais SMTP > Ajouter.",
            en="Workspace admin: Admin console > Apps > Google Workspace > Gmail > "
               "Routing > SMTP relay service > Add.",
        ),
        L(
            fr="Expéditeurs autorisés : « Uniquement les adresses de mes domaines ».",
            en="Allowed senders: \"Only addresses in my domains\".",
        ),
        L(
            fr="Authentification : ajoutez l'adresse IP publique du magasin, ou exigez "
               "l'authentification SMTP.",
            en="Authentication: add the store's public IP address, or require "
               "SMTP authentication.",
        ),
        L(
            fr="Cochez « Exiger le chiffrement TLS ».",
            en="Tick \"Require TLS encryption\".",
        ),
        L(
            fr="Les changements peuvent prendre du temps (jusqu'à 24 heures) avant "
               "d'être actifs.",
            en="Changes can take some time (up to 24 hours) to apply.",
        ),
    ),
    notes=(
        L(
            fr="Limite de 10 000 messages par utilisateur et par jour.",
            en="Limit of 10,000 messages per user per day.",
        ),
    ),
    sent_copies=L(
        fr="Aucune copie n'est garantie dans une boîte d'envoi : ajoutez l'adresse du "
           "magasin en copie cachée si une trace est nécessaire.",
        en="No copy is guaranteed in a Sent folder: add the store's address as Bcc "
           "if a record is needed.",
    ),
    links=(
        (L(fr="Aide Google : service de relais SMTP", en="Google help: SMTP relay service"),
         "https://support.google.com/a/answer/2956491"),
    ),
    diagnosis_hints={
        "relay.denied": L(
            fr="Google ne reconnaît pas ce magasin : dans la console d'administration "
               "(Gmail > Routage > Service de relais SMTP), ajoutez l'adresse IP "
               "publique du magasin ou activez l'authentification SMTP.",
            en="Google does not recognise this store: in the Admin console (Gmail > "
               "Routing > SMTP relay service), add the store's public IP address or "
               "turn on SMTP authentication.",
        ),
        "sender.rejected": L(
            fr="L'adresse d'expédition doit appartenir à un domaine de votre compte "
               "Workspace.",
            en="The From address must belong to one of your Workspace domains.",
        ),
        "auth.invalid_credentials": L(
            fr="Utilisez l'adresse d'un utilisateur Workspace et son mot de passe "
               "d'application (myaccount.google.com/apppasswords).",
            en="Use a Workspace user's address and their app password "
               "(myaccount.google.com/apppasswords).",
        ),
        "quota.exceeded": L(
            fr="Limite du relais atteinte (10 000 messages par utilisateur et par jour).",
            en="Relay limit reached (10,000 messages per user per day).",
        ),
    },
)
