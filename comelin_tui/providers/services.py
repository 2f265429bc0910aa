"""Sending services (no mailbox) and the "Other / custom" entry, always last."""

from __future__ import annotations

from ..i18n import LocalText as L
from .model import Provider, ServerPreset, hints

CUSTOM_ID = "custom"

_SERVICE_COPY = L(
    fr="Aucune boîte : rien n'est gardé dans « Envoyés », le service ne conserve que "
       "ses journaux de livraison. Ajoutez l'adresse du magasin en copie cachée au "
       "besoin.",
    en="No mailbox: nothing is kept in Sent, the service only keeps delivery logs. "
       "Add the store's address as Bcc if needed.",
)
_VERIFY_SENDER_DOMAIN = L(
    fr="Authentifiez le domaine d'envoi (SPF et DKIM) dans le service.",
    en="Authenticate the sending domain (SPF and DKIM) in the service.",
)

SENDGRID = Provider(
    id="sendgrid",
    kind="sending_service",
    name=L(fr="SendGrid (Twilio)", en="SendGrid (Twilio)"),
    keywords=("twilio",),
    presets=(
        ServerPreset("smtp.sendgrid.net", 587, "starttls"),
        ServerPreset("smtp.sendgrid.net", 465, "implicit_tls"),
    ),
    username_template="custom",
    username_value="apikey",
    auth_kinds=("password",),
    password_kind="api_key",
    hints=hints(
        host=L(fr="SendGrid : smtp.sendgrid.net", en="SendGrid: smtp.sendgrid.net"),
        username=L(
            fr="Exactement « apikey » (le mot, pas la clé)",
            en="Exactly \"apikey\" (the word, not the key)",
        ),
        password=L(
            fr="Une clé API SendGrid avec l'autorisation d'envoi (Mail Send)",
            en="A SendGrid API key with Mail Send permission",
        ),
    ),
    checklist=(
        L(
            fr="Créez une clé API avec l'autorisation « Mail Send » (Settings > API Keys).",
            en="Create an API key with \"Mail Send\" permission (Settings > API Keys).",
        ),
        L(
            fr="Nom d'utilisateur : le mot « apikey » ; mot de passe : la clé API.",
            en="Username: the word \"apikey\"; password: the API key.",
        ),
        L(
            fr="Vérifiez l'adresse d'expédition (Single Sender) ou authentifiez le domaine.",
            en="Verify the From address (Single Sender) or authenticate the domain.",
        ),
    ),
    sent_copies=_SERVICE_COPY,
    links=(
        (L(fr="SendGrid : intégration SMTP", en="SendGrid: SMTP integration"),
         ("https://www.twilio.com/docs/sendgrid/for-developers/sending-email/"
          "integrating-with-the-smtp-api")),
        (L(fr="SendGrid : clés API", en="SendGrid: API keys"),
         "https://app.sendgrid.com/settings/api_keys"),
    ),
    diagnosis_hints={
        "auth.invalid_credentials": L(
            fr="Le nom d'utilisateur doit être exactement « apikey » et le mot de passe "
               "une clé API valide avec l'autorisation Mail Send.",
            en="The username must be exactly \"apikey\" and the password a valid API key "
               "with Mail Send permission.",
        ),
        "sender.rejected": L(
            fr="SendGrid n'envoie que depuis une adresse ou un domaine vérifié : "
               "vérifiez l'expéditeur dans SendGrid.",
            en="SendGrid only sends from a verified address or domain: verify the "
               "sender in SendGrid.",
        ),
    },
)

AMAZON_SES = Provider(
    id="amazon-ses",
    kind="sending_service",
    name=L(fr="Amazon SES", en="Amazon SES"),
    keywords=("aws", "simple email service"),
    presets=(
        ServerPreset("email-smtp.ca-central-1.amazonaws.com", 587, "starttls",
                     label=L(fr="Canada (Centre)", en="Canada (Central)")),
        ServerPreset("email-smtp.ca-central-1.amazonaws.com", 465, "implicit_tls",
                     label=L(fr="Canada (Centre)", en="Canada (Central)")),
        ServerPreset("email-smtp.us-east-1.amazonaws.com", 587, "starttls",
                     label=L(fr="États-Unis (Virginie du Nord)", en="US East (N. Virginia)")),
    ),
    username_template="custom",
    auth_kinds=("password",),
    password_kind="api_key",
    hints=hints(
        host=L(
            fr="email-smtp.<région>.amazonaws.com, p. ex. email-smtp.ca-central-1.amazonaws.com",
            en="email-smtp.<region>.amazonaws.com, e.g. email-smtp.ca-central-1.amazonaws.com",
        ),
        username=L(
            fr="Le nom d'utilisateur SMTP créé dans la console SES",
            en="The SMTP user name created in the SES console",
        ),
        password=L(
            fr="Le mot de passe SMTP de SES (pas une clé d'accès AWS)",
            en="The SES SMTP password (not an AWS access key)",
        ),
    ),
    checklist=(
        L(
            fr="Console SES > SMTP settings : créez des identifiants SMTP ; ils sont "
               "propres à une région.",
            en="SES console > SMTP settings: create SMTP credentials; they belong to one "
               "region.",
        ),
        L(
            fr="Vérifiez l'adresse ou le domaine d'expédition dans cette même région.",
            en="Verify the From address or domain in that same region.",
        ),
        L(
            fr="Un nouveau compte est en « sandbox » : il n'envoie qu'à des adresses "
               "vérifiées jusqu'à l'accès production.",
            en="A new account is in the sandbox: it only sends to verified addresses "
               "until production access is granted.",
        ),
        L(
            fr="Serveur : le point de terminaison de cette région, p. ex. "
               "email-smtp.ca-central-1.amazonaws.com.",
            en="Server: that region's endpoint, e.g. email-smtp.ca-central-1.amazonaws.com.",
        ),
    ),
    sent_copies=_SERVICE_COPY,
    links=(
        (L(fr="Amazon SES : points de terminaison SMTP", en="Amazon SES: SMTP endpoints"),
         "https://docs.aws.amazon.com/ses/latest/dg/smtp-connect.html"),
        (L(fr="Amazon SES : identifiants SMTP", en="Amazon SES: SMTP credentials"),
         "https://docs.aws.amazon.com/ses/latest/dg/smtp-credentials.html"),
    ),
    diagnosis_hints={
        "auth.invalid_credentials": L(
            fr="Utilisez des identifiants SMTP SES (pas des clés d'accès AWS) créés pour "
               "la même région que le serveur.",
            en="Use SES SMTP credentials (not AWS access keys) created for the same "
               "region as the server.",
        ),
        "sender.rejected": L(
            fr="SES exige une adresse ou un domaine d'expédition vérifié dans cette région.",
            en="SES requires a From address or domain verified in this region.",
        ),
        "recipient.rejected": L(
            fr="Compte SES en sandbox : vérifiez le destinataire ou demandez l'accès "
               "production.",
            en="SES account in the sandbox: verify the recipient or request production "
               "access.",
        ),
    },
)

MAILGUN = Provider(
    id="mailgun",
    kind="sending_service",
    name=L(fr="Mailgun", en="Mailgun"),
    keywords=("sinch",),
    presets=(
        ServerPreset("smtp.mailgun.org", 587, "starttls",
                     label=L(fr="Région États-Unis", en="US region")),
        ServerPreset("smtp.eu.mailgun.org", 587, "starttls",
                     label=L(fr="Région Europe", en="EU region")),
        ServerPreset("smtp.mailgun.org", 465, "implicit_tls",
                     label=L(fr="Région États-Unis", en="US region")),
    ),
    username_template="custom",
    auth_kinds=("password",),
    password_kind="api_key",
    hints=hints(
        host=L(
            fr="Mailgun : smtp.mailgun.org (É.-U.) ou smtp.eu.mailgun.org (Europe)",
            en="Mailgun: smtp.mailgun.org (US) or smtp.eu.mailgun.org (EU)",
        ),
        username=L(
            fr="L'identifiant SMTP du domaine, p. ex. postmaster@mg.votredomaine.com",
            en="The domain's SMTP login, e.g. postmaster@mg.yourdomain.com",
        ),
        password=L(
            fr="Le mot de passe SMTP du domaine (pas celui du tableau de bord)",
            en="The domain's SMTP password (not the dashboard password)",
        ),
    ),
    checklist=(
        L(
            fr="Ajoutez et vérifiez le domaine d'envoi dans Mailgun (SPF et DKIM).",
            en="Add and verify the sending domain in Mailgun (SPF and DKIM).",
        ),
        L(
            fr="Paramètres du domaine > SMTP credentials : copiez l'identifiant et "
               "réinitialisez le mot de passe.",
            en="Domain settings > SMTP credentials: copy the login and reset the "
               "password.",
        ),
        L(
            fr="Compte européen : smtp.eu.mailgun.org ; sinon smtp.mailgun.org.",
            en="EU account: smtp.eu.mailgun.org; otherwise smtp.mailgun.org.",
        ),
    ),
    sent_copies=_SERVICE_COPY,
    links=(
        (L(fr="Mailgun : envoi SMTP", en="Mailgun: sending with SMTP"),
         "https://documentation.mailgun.com/docs/mailgun/user-manual/smtp-protocol/"),
    ),
    diagnosis_hints={
        "auth.invalid_credentials": L(
            fr="Utilisez les identifiants SMTP du domaine (Paramètres du domaine > SMTP "
               "credentials) et le serveur de la bonne région (É.-U. ou Europe).",
            en="Use the domain's SMTP credentials (Domain settings > SMTP credentials) "
               "and the server of the right region (US or EU).",
        ),
    },
)

BREVO = Provider(
    id="brevo",
    kind="sending_service",
    name=L(fr="Brevo (anciennement Sendinblue)", en="Brevo (formerly Sendinblue)"),
    keywords=("sendinblue",),
    presets=(
        ServerPreset("smtp-relay.brevo.com", 587, "starttls"),
        ServerPreset("smtp-relay.brevo.com", 465, "implicit_tls"),
    ),
    username_template="custom",
    auth_kinds=("password",),
    password_kind="api_key",
    hints=hints(
        host=L(fr="Brevo : smtp-relay.brevo.com", en="Brevo: smtp-relay.brevo.com"),
        username=L(
            fr="L'identifiant SMTP affiché dans Brevo (SMTP et API)",
            en="The SMTP login shown in Brevo (SMTP & API)",
        ),
        password=L(
            fr="Une clé SMTP Brevo (pas une clé API)",
            en="A Brevo SMTP key (not an API key)",
        ),
    ),
    checklist=(
        _VERIFY_SENDER_DOMAIN,
        L(
            fr="Paramètres > SMTP et API > SMTP : copiez l'identifiant et générez une "
               "clé SMTP.",
            en="Settings > SMTP & API > SMTP: copy the login and generate an SMTP key.",
        ),
        L(
            fr="Ajoutez l'adresse d'expédition comme expéditeur dans Brevo.",
            en="Add the From address as a sender in Brevo.",
        ),
    ),
    sent_copies=_SERVICE_COPY,
    links=(
        (L(fr="Brevo : relais SMTP", en="Brevo: SMTP relay"),
         "https://developers.brevo.com/docs/smtp-integration"),
        (L(fr="Brevo : clés SMTP", en="Brevo: SMTP keys"),
         "https://app.brevo.com/settings/keys/smtp"),
    ),
    diagnosis_hints={
        "auth.invalid_credentials": L(
            fr="Utilisez l'identifiant SMTP et une clé SMTP (pas la clé API ni le mot de "
               "passe du compte).",
            en="Use the SMTP login and an SMTP key (not the API key or the account "
               "password).",
        ),
        "sender.rejected": L(
            fr="Brevo n'envoie que depuis un expéditeur ou un domaine validé.",
            en="Brevo only sends from a validated sender or domain.",
        ),
    },
)

CUSTOM = Provider(
    id=CUSTOM_ID,
    kind="custom",
    name=L(fr="Autre / personnalisé", en="Other / custom"),
    keywords=("autre", "other", "manuel", "manual", "cpanel", "hébergeur", "host"),
    # Thunderbird's guesses, encrypted ones first: STARTTLS on 587, then
    # implicit TLS on 465.
    presets=(
        ServerPreset("smtp.{domain}", 587, "starttls"),
        ServerPreset("mail.{domain}", 587, "starttls"),
        ServerPreset("smtp.{domain}", 465, "implicit_tls"),
        ServerPreset("mail.{domain}", 465, "implicit_tls"),
    ),
    username_template="email",
    auth_kinds=("password", "none"),
    password_kind="account_password",
    hints=hints(
        host=L(
            fr="Demandez-le à votre hébergeur ; souvent smtp.votredomaine ou "
               "mail.votredomaine",
            en="Ask your email host; often smtp.yourdomain or mail.yourdomain",
        ),
    ),
    checklist=(
        L(
            fr="Demandez à votre hébergeur : serveur SMTP, port, sécurité et nom "
               "d'utilisateur.",
            en="Ask your email host for: SMTP server, port, security and username.",
        ),
        L(
            fr="Préférez 587 avec STARTTLS ou 465 avec SSL/TLS implicite ; le port 25 est souvent "
               "bloqué par les fournisseurs Internet.",
            en="Prefer 587 with STARTTLS or 465 with implicit SSL/TLS; port 25 is often blocked by "
               "Internet providers.",
        ),
    ),
    sent_copies=L(
        fr="Une copie des messages envoyés est gardée ou non selon le serveur : vérifiez "
           "« Envoyés » après le test ; si elle y est, elle compte dans l'espace de la boîte.",
        en="Whether a copy of sent messages is kept depends on the server: check Sent after "
           "the test; if it is there, it counts toward the mailbox's storage.",
    ),
)

PROVIDERS: tuple[Provider, ...] = (SENDGRID, AMAZON_SES, MAILGUN, BREVO)
