"""Microsoft 365 (mailbox and connector relay) and Outlook.com."""

from __future__ import annotations

from ..i18n import LocalText as L
from .model import STARTTLS_587_ONLY, Provider, ServerPreset, hints

MICROSOFT_365 = Provider(
    id="microsoft365",
    family="microsoft",
    related=("microsoft365-relay",),
    name=L(fr="Microsoft 365 (Exchange Online)", en="Microsoft 365 (Exchange Online)"),
    keywords=("office 365", "office365", "outlook", "exchange", "o365", "godaddy"),
    presets=(ServerPreset("smtp.office365.com", 587, "starttls"),),
    username_template="email",
    auth_kinds=("oauth2", "password"),  # the sign-in first: basic auth ends Dec 2026
    password_kind="account_password",
    hints=hints(
        host=L(fr="Microsoft 365 : smtp.office365.com", en="Microsoft 365: smtp.office365.com"),
        port=L(
            fr="587 = STARTTLS ; 465 n'est pas pris en charge",
            en="587 = STARTTLS; 465 is not supported",
        ),
        security=L(
            fr="STARTTLS sur 587 (465 n'est pas pris en charge) ; jamais sans chiffrement",
            en="STARTTLS on 587 (465 is not supported); never unencrypted",
        ),
        username=L(
            fr="Le nom de connexion (UPN) de la boîte, pas un alias",
            en="The mailbox's sign-in name (UPN), not an alias",
        ),
        password=L(
            fr="Le mot de passe actuel de la boîte (« SMTP authentifié » doit être activé)",
            en="The mailbox's current password (\"Authenticated SMTP\" must be on)",
        ),
    ),
    checklist=(
        L(
            fr="Préférez « Se connecter avec Microsoft » (OAuth) : aucun mot de passe "
               "n'est conservé et cela fonctionne après le retrait de l'authentification "
               "de base.",
            en="Prefer \"Sign in with Microsoft\" (OAuth): no password is stored, and it "
               "keeps working after basic authentication is retired.",
        ),
        L(
            fr="Activez « SMTP authentifié » pour la boîte : Centre d'administration "
               "Exchange > Destinataires > Boîtes aux lettres > la boîte > Gérer les "
               "applications de messagerie.",
            en="Turn on \"Authenticated SMTP\" for the mailbox: Exchange admin center > "
               "Recipients > Mailboxes > the mailbox > Manage email apps.",
        ),
        L(
            fr="Le SMTP authentifié ne doit pas être désactivé pour toute l'organisation "
               "(Paramètres > Flux de courrier).",
            en="Authenticated SMTP must not be turned off for the whole organization "
               "(Settings > Mail flow).",
        ),
        L(
            fr="Les paramètres de sécurité par défaut bloquent le SMTP avec mot de passe : "
               "désactivez-les ou utilisez « Se connecter avec Microsoft ».",
            en="Security defaults block SMTP with a password: turn them off or use "
               "\"Sign in with Microsoft\".",
        ),
        L(
            fr="L'authentification de base (mot de passe) pour SMTP est désactivée par "
               "défaut à partir de la fin de décembre 2026 ; un administrateur peut "
               "encore la réactiver.",
            en="Basic authentication (password) for SMTP is turned off by default from "
               "the end of December 2026; an admin can still turn it back on.",
        ),
        L(
            fr="L'adresse d'expédition doit être cette boîte, ou la boîte doit avoir "
               "l'autorisation « Envoyer en tant que ».",
            en="The From address must be this mailbox, or the mailbox must have "
               "\"Send As\" permission.",
        ),
    ),
    notes=(
        L(
            fr="Limites : 10 000 destinataires par jour et 30 messages par minute.",
            en="Limits: 10,000 recipients per day and 30 messages per minute.",
        ),
    ),
    sent_copies=L(
        fr="Les messages envoyés sont gardés dans « Éléments envoyés » et comptent dans "
           "le quota de la boîte ; une boîte pleine bloque l'envoi.",
        en="Sent messages are kept in Sent Items and count toward the mailbox quota; "
           "a full mailbox blocks sending.",
    ),
    mx_patterns=("mail.protection.outlook.com", "mx.microsoft"),
    links=(
        (L(fr="Microsoft : activer le SMTP authentifié", en="Microsoft: enable SMTP AUTH"),
         ("https://learn.microsoft.com/exchange/clients-and-mobile-in-exchange-online/"
          "authenticated-client-smtp-submission")),
        (L(fr="Centre d'administration Exchange", en="Exchange admin center"),
         "https://admin.exchange.microsoft.com"),
        (L(fr="Microsoft : envoyer depuis un appareil ou une application",
           en="Microsoft: send email from a device or application"),
         ("https://learn.microsoft.com/exchange/mail-flow-best-practices/how-to-set-up-a-"
          "multifunction-device-or-application-to-send-email-using-microsoft-365-or-office-365")),
    ),
    diagnosis_hints={
        "auth.smtp_auth_disabled": L(
            fr="Centre d'administration Exchange > la boîte > Gérer les applications de "
               "messagerie > cochez « SMTP authentifié » ; vérifiez aussi le paramètre de "
               "l'organisation et les paramètres de sécurité par défaut.",
            en="Exchange admin center > the mailbox > Manage email apps > tick "
               "\"Authenticated SMTP\"; also check the organization-wide setting and "
               "security defaults.",
        ),
        "auth.basic_auth_retired": L(
            fr="Microsoft n'accepte plus le mot de passe : choisissez « Se connecter avec "
               "Microsoft » (OAuth), ou demandez à l'administrateur de réactiver "
               "l'authentification de base.",
            en="Microsoft no longer accepts the password: choose \"Sign in with "
               "Microsoft\" (OAuth), or ask the admin to turn basic authentication "
               "back on.",
        ),
        "auth.invalid_credentials": L(
            fr="Utilisez le nom de connexion (UPN) de la boîte, pas un alias, et son mot "
               "de passe actuel ; avec l'authentification multifacteur, utilisez "
               "« Se connecter avec Microsoft ».",
            en="Use the mailbox's sign-in name (UPN), not an alias, and its current "
               "password; with multi-factor authentication, use \"Sign in with "
               "Microsoft\".",
        ),
        "auth.oauth_failed": L(
            fr="Reconnectez-vous avec Microsoft ; l'inscription de l'application doit "
               "avoir l'autorisation SMTP.Send et permettre les flux clients publics.",
            en="Sign in with Microsoft again; the app registration needs the SMTP.Send "
               "permission and must allow public client flows.",
        ),
        "sender.send_as_denied": L(
            fr="L'adresse d'expédition doit être la boîte connectée, ou celle-ci doit "
               "avoir l'autorisation « Envoyer en tant que » sur cette adresse.",
            en="The From address must be the signed-in mailbox, or that mailbox needs "
               "\"Send As\" permission on this address.",
        ),
        "sender.not_authenticated": L(
            fr="Microsoft n'a pas accepté la connexion : vérifiez le nom d'utilisateur et "
               "que le SMTP authentifié est activé pour la boîte.",
            en="Microsoft did not accept the sign-in: check the username and that "
               "Authenticated SMTP is on for the mailbox.",
        ),
        "quota.exceeded": L(
            fr="Limite Microsoft atteinte : 10 000 destinataires par jour, 30 messages "
               "par minute ; réessayez plus tard.",
            en="Microsoft limit reached: 10,000 recipients per day, 30 messages per "
               "minute; try again later.",
        ),
        "rate.limited": L(
            fr="Trop de connexions simultanées à la même boîte : fermez les autres "
               "logiciels qui envoient avec elle, puis réessayez.",
            en="Too many simultaneous connections to the same mailbox: close other "
               "software sending with it, then try again.",
        ),
        "mailbox.full": L(
            fr="La boîte est pleine (les éléments envoyés comptent) : videz « Éléments "
               "envoyés » et « Éléments supprimés ».",
            en="The mailbox is full (sent items count): empty Sent Items and "
               "Deleted Items.",
        ),
    },
)

MICROSOFT_365_RELAY = Provider(
    id="microsoft365-relay",
    family="microsoft",
    related=("microsoft365",),
    kind="relay",
    name=L(
        fr="Microsoft 365 : relais par connecteur",
        en="Microsoft 365: connector relay",
    ),
    keywords=("office 365", "office365", "exchange", "connecteur", "connector", "mx"),
    presets=(
        ServerPreset(
            "{domain_dashed}.mail.protection.outlook.com", 25, "starttls",
            label=L(fr="Hôte MX du domaine", en="The domain's MX host"),
            mx_suffixes=("mail.protection.outlook.com", "mx.microsoft"),
        ),
    ),
    username_template="email",
    auth_kinds=("none",),
    password_kind="none",
    hints=hints(
        host=L(
            fr="L'hôte MX du domaine, p. ex. contoso-com.mail.protection.outlook.com",
            en="The domain's MX host, e.g. contoso-com.mail.protection.outlook.com",
        ),
        port=L(fr="25 = STARTTLS (relais)", en="25 = STARTTLS (relay)"),
        security=L(fr="STARTTLS sur 25 (relais) ; jamais sans chiffrement",
                   en="STARTTLS on 25 (relay); never unencrypted"),
        username=L(
            fr="Aucun : le connecteur reconnaît l'adresse IP du magasin",
            en="None: the connector recognises the store's IP address",
        ),
        password=L(
            fr="Aucun mot de passe : le connecteur reconnaît l'adresse IP publique du "
               "magasin",
            en="No password: the connector recognises the store's public IP address",
        ),
    ),
    checklist=(
        L(
            fr="Le magasin doit avoir une adresse IP publique fixe.",
            en="The store needs a static public IP address.",
        ),
        L(
            fr="Centre d'administration Exchange > Flux de courrier > Connecteurs : "
               "ajoutez un connecteur du « serveur de courrier de votre organisation » "
               "vers Office 365, identifié par l'adresse IP du magasin.",
            en="Exchange admin center > Mail flow > Connectors: add a connector from "
               "\"Your organization's email server\" to Office 365, identified by the "
               "store's IP address.",
        ),
        L(
            fr="Ajoutez cette adresse IP à l'enregistrement SPF du domaine (ip4:…).",
            en="Add that IP address to the domain's SPF record (ip4:...).",
        ),
        L(
            fr="Serveur : l'hôte MX exact du domaine (Centre d'administration Microsoft "
               "365 > Paramètres > Domaines), port 25, STARTTLS, sans mot de passe.",
            en="Server: the domain's exact MX host (Microsoft 365 admin center > "
               "Settings > Domains), port 25, STARTTLS, no password.",
        ),
        L(
            fr="Le fournisseur Internet ne doit pas bloquer le port 25 en sortie.",
            en="The Internet provider must not block outgoing port 25.",
        ),
    ),
    sent_copies=L(
        fr="Aucune copie n'est gardée dans une boîte : ajoutez l'adresse du magasin en "
           "copie cachée si une trace est nécessaire.",
        en="No copy is kept in any mailbox: add the store's address as Bcc if a record "
           "is needed.",
    ),
    links=(
        (L(fr="Microsoft : options d'envoi pour appareils et applications",
           en="Microsoft: sending options for devices and applications"),
         ("https://learn.microsoft.com/exchange/mail-flow-best-practices/how-to-set-up-a-"
          "multifunction-device-or-application-to-send-email-using-microsoft-365-or-office-365")),
    ),
    diagnosis_hints={
        "relay.denied": L(
            fr="Microsoft ne reconnaît pas ce magasin : créez (ou corrigez) le connecteur "
               "entrant identifié par l'adresse IP publique du magasin dans le Centre "
               "d'administration Exchange (Flux de courrier > Connecteurs).",
            en="Microsoft does not recognise this store: create (or fix) the inbound "
               "connector identified by the store's public IP address in the Exchange "
               "admin center (Mail flow > Connectors).",
        ),
        "connect.timeout": L(
            fr="Le port 25 est souvent bloqué par les fournisseurs Internet : demandez "
               "l'ouverture ou utilisez plutôt smtp.office365.com (port 587).",
            en="Port 25 is often blocked by Internet providers: ask for it to be opened, "
               "or use smtp.office365.com (port 587) instead.",
        ),
        "sender.rejected": L(
            fr="L'adresse d'expédition doit appartenir à un domaine accepté du locataire "
               "Microsoft 365.",
            en="The From address must belong to an accepted domain of the Microsoft 365 "
               "tenant.",
        ),
        "dns.not_found": L(
            fr="Cet hôte n'existe pas : copiez l'hôte MX exact du domaine depuis le "
               "Centre d'administration Microsoft 365 (Paramètres > Domaines).",
            en="This host does not exist: copy the domain's exact MX host from the "
               "Microsoft 365 admin center (Settings > Domains).",
        ),
    },
)

OUTLOOK_COM = Provider(
    id="outlook-com",
    family="microsoft",
    name=L(fr="Outlook.com (Hotmail, Live)", en="Outlook.com (Hotmail, Live)"),
    keywords=("hotmail", "live", "msn", "outlook", "microsoft"),
    presets=(ServerPreset("smtp-mail.outlook.com", 587, "starttls"),),
    username_template="email",
    auth_kinds=("oauth2", "password"),
    password_kind="account_password",
    hints=hints(
        host=L(fr="Outlook.com : smtp-mail.outlook.com", en="Outlook.com: smtp-mail.outlook.com"),
        port=L(fr="587 = STARTTLS", en="587 = STARTTLS"),
        security=STARTTLS_587_ONLY,
        password=L(
            fr="Préférez « Se connecter avec Microsoft » ; le mot de passe peut être refusé",
            en="Prefer \"Sign in with Microsoft\"; the password may be refused",
        ),
    ),
    checklist=(
        L(
            fr="Depuis le 16 septembre 2024, Microsoft exige la connexion moderne "
               "(« Se connecter avec Microsoft ») pour Outlook.com, Hotmail et Live dans "
               "les autres logiciels.",
            en="Since 16 September 2024 Microsoft requires modern sign-in (\"Sign in "
               "with Microsoft\") for Outlook.com, Hotmail and Live in other software.",
        ),
        L(
            fr="Utilisez l'adresse complète comme nom d'utilisateur.",
            en="Use the full address as the username.",
        ),
        L(
            fr="Pour une entreprise, préférez Microsoft 365 ou Google Workspace avec le "
               "domaine du magasin.",
            en="For a business, prefer Microsoft 365 or Google Workspace with the "
               "store's own domain.",
        ),
    ),
    sent_copies=L(
        fr="Vérifiez « Éléments envoyés » après le test ; les copies comptent dans "
           "l'espace de stockage du compte.",
        en="Check Sent Items after the test; copies count toward the account's storage.",
    ),
    mx_patterns=("olc.protection.outlook.com",),
    domains=(
        "outlook.com", "hotmail.com", "live.com", "msn.com", "hotmail.ca", "live.ca",
        "outlook.fr", "hotmail.fr", "live.fr",
    ),
    links=(
        (L(fr="Microsoft : paramètres POP, IMAP et SMTP d'Outlook.com",
           en="Microsoft: POP, IMAP and SMTP settings for Outlook.com"),
         ("https://support.microsoft.com/office/pop-imap-and-smtp-settings-for-outlook-com-"
          "d088b986-291d-42b8-9564-9c414e2aa040")),
    ),
    diagnosis_hints={
        "auth.invalid_credentials": L(
            fr="Microsoft refuse souvent le mot de passe pour Outlook.com : choisissez "
               "« Se connecter avec Microsoft ».",
            en="Microsoft often refuses the password for Outlook.com: choose \"Sign in "
               "with Microsoft\".",
        ),
        "auth.basic_auth_retired": L(
            fr="Outlook.com n'accepte plus le mot de passe : choisissez « Se connecter "
               "avec Microsoft ».",
            en="Outlook.com no longer accepts the password: choose \"Sign in with "
               "Microsoft\".",
        ),
        "sender.send_as_denied": L(
            fr="L'adresse d'expédition doit être l'adresse Outlook.com connectée.",
            en="The From address must be the signed-in Outlook.com address.",
        ),
    },
)
