"""Canadian Internet providers and web hosts that include mailboxes."""

from __future__ import annotations

from ..i18n import LocalText as L
from .common import FULL_ADDRESS_AND_PASSWORD, NO_COPY, WRONG_PASSWORD
from .model import IMPLICIT_TLS_465_ONLY, STARTTLS_587_ONLY, Provider, ServerPreset, hints

BELL = Provider(
    id="bell",
    name=L(fr="Bell (Sympatico)", en="Bell (Sympatico)"),
    keywords=("sympatico", "bell.net", "bell canada"),
    presets=(ServerPreset("smtphm.sympatico.ca", 587, "starttls"),),
    username_template="email",
    auth_kinds=("password",),
    password_kind="account_password",
    hints=hints(
        host=L(fr="Bell : smtphm.sympatico.ca", en="Bell: smtphm.sympatico.ca"),
        port=L(fr="587 = STARTTLS", en="587 = STARTTLS"),
        security=STARTTLS_587_ONLY,
        username=L(
            fr="Votre adresse Bell complète (@bell.net ou @sympatico.ca)",
            en="Your full Bell address (@bell.net or @sympatico.ca)",
        ),
        password=L(fr="Le mot de passe de courriel Bell", en="The Bell email password"),
    ),
    checklist=(
        L(
            fr="Nom d'utilisateur : votre adresse Bell complète ; mot de passe : celui "
               "du courriel Bell.",
            en="Username: your full Bell address; password: the Bell email password.",
        ),
        L(
            fr="Serveur smtphm.sympatico.ca, port 587, STARTTLS.",
            en="Server smtphm.sympatico.ca, port 587, STARTTLS.",
        ),
    ),
    sent_copies=NO_COPY,
    domains=("bell.net", "sympatico.ca"),
    diagnosis_hints={"auth.invalid_credentials": WRONG_PASSWORD},
)

OVH = Provider(
    id="ovh",
    name=L(fr="OVHcloud (courriel)", en="OVHcloud (email)"),
    keywords=("ovh", "mx plan", "kimsufi"),
    presets=(
        ServerPreset("ssl0.ovh.net", 465, "implicit_tls"),
        ServerPreset("ssl0.ovh.net", 587, "starttls"),
    ),
    username_template="email",
    auth_kinds=("password",),
    password_kind="account_password",
    hints=hints(
        host=L(
            fr="OVHcloud : ssl0.ovh.net (pas un alias du domaine)",
            en="OVHcloud: ssl0.ovh.net (not an alias in your domain)",
        ),
    ),
    checklist=(
        L(
            fr="Serveur : ssl0.ovh.net, le nom inscrit sur son certificat ; un alias "
               "comme smtp.votredomaine échoue.",
            en="Server: ssl0.ovh.net, the name on its certificate; an alias such as "
               "smtp.yourdomain fails.",
        ),
        FULL_ADDRESS_AND_PASSWORD,
        L(
            fr="Compte OVHcloud ouvert au Canada (ca.ovh.com) ? Choisissez plutôt "
               "« OVHcloud Canada (courriel) » : serveur smtp.mail.ovh.ca.",
            en="OVHcloud account opened in Canada (ca.ovh.com)? Choose \"OVHcloud Canada "
               "(email)\" instead: server smtp.mail.ovh.ca.",
        ),
        L(
            fr="Offres Exchange ou autres : prenez le serveur indiqué dans l'espace "
               "client OVHcloud.",
            en="Exchange or other plans: use the server shown in the OVHcloud Control "
               "Panel.",
        ),
    ),
    sent_copies=NO_COPY,
    mx_patterns=("mail.ovh.net",),
    links=(
        (L(fr="Aide OVHcloud", en="OVHcloud help"), "https://help.ovhcloud.com/"),
    ),
    diagnosis_hints={
        "tls.hostname_mismatch": L(
            fr="Utilisez ssl0.ovh.net : c'est le nom inscrit sur le certificat d'OVHcloud.",
            en="Use ssl0.ovh.net: it is the name on OVHcloud's certificate.",
        ),
        "auth.invalid_credentials": WRONG_PASSWORD,
    },
)

# OVHcloud's American and Asia-Pacific platform (accounts opened at ca.ovh.com): its
# own servers and MX hosts, under ovh.ca rather than ovh.net.
OVH_CANADA = Provider(
    id="ovh-ca",
    name=L(fr="OVHcloud Canada (courriel)", en="OVHcloud Canada (email)"),
    keywords=("ovh", "ovh.ca", "ca.ovh.com", "mx plan"),
    presets=(ServerPreset("smtp.mail.ovh.ca", 465, "implicit_tls"),),
    username_template="email",
    auth_kinds=("password",),
    password_kind="account_password",
    hints=hints(
        host=L(
            fr="OVHcloud Canada : smtp.mail.ovh.ca",
            en="OVHcloud Canada: smtp.mail.ovh.ca",
        ),
        port=L(fr="465 = SSL/TLS implicite", en="465 = implicit SSL/TLS"),
        security=IMPLICIT_TLS_465_ONLY,
    ),
    checklist=(
        L(
            fr="Compte OVHcloud ouvert au Canada (ca.ovh.com) : serveur smtp.mail.ovh.ca, "
               "port 465, SSL/TLS.",
            en="OVHcloud account opened in Canada (ca.ovh.com): server smtp.mail.ovh.ca, "
               "port 465, SSL/TLS.",
        ),
        FULL_ADDRESS_AND_PASSWORD,
        L(
            fr="Compte OVHcloud européen (ovh.com) : choisissez plutôt « OVHcloud "
               "(courriel) », serveur ssl0.ovh.net.",
            en="European OVHcloud account (ovh.com): choose \"OVHcloud (email)\" "
               "instead, server ssl0.ovh.net.",
        ),
    ),
    sent_copies=NO_COPY,
    mx_patterns=("mail.ovh.ca",),
    links=(
        (L(fr="Aide OVHcloud", en="OVHcloud help"), "https://help.ovhcloud.com/"),
    ),
    diagnosis_hints={"auth.invalid_credentials": WRONG_PASSWORD},
)

IONOS = Provider(
    id="ionos",
    name=L(fr="IONOS (courriel)", en="IONOS (email)"),
    keywords=("1and1", "1&1", "1und1"),
    presets=(
        ServerPreset("smtp.ionos.com", 587, "starttls"),
        ServerPreset("smtp.ionos.com", 465, "implicit_tls"),
    ),
    username_template="email",
    auth_kinds=("password",),
    password_kind="account_password",
    hints=hints(
        host=L(
            fr="IONOS : smtp.ionos.com (ou le serveur indiqué dans votre compte)",
            en="IONOS: smtp.ionos.com (or the server shown in your account)",
        ),
    ),
    checklist=(
        FULL_ADDRESS_AND_PASSWORD,
        L(
            fr="L'adresse d'expédition doit être du même domaine que la boîte (règle "
               "IONOS depuis janvier 2024).",
            en="The From address must be on the same domain as the mailbox (IONOS rule "
               "since January 2024).",
        ),
        L(
            fr="Contrat hors des États-Unis ? Prenez le serveur indiqué dans votre "
               "compte IONOS.",
            en="Contract outside the United States? Use the server shown in your IONOS "
               "account.",
        ),
    ),
    sent_copies=NO_COPY,
    mx_patterns=(
        "ionos.com", "ionos.ca", "ionos.de", "ionos.co.uk", "ionos.fr", "ionos.es",
        "ionos.it", "ionos.mx", "1and1.com", "perfora.net",
    ),
    links=(
        (L(fr="IONOS : adresse d'expédition et domaine",
           en="IONOS: sender address and domain"),
         ("https://www.ionos.com/help/email/general-topics/"
          "important-change-for-sending-emails-with-different-sender-addresses/")),
    ),
    diagnosis_hints={
        "sender.rejected": L(
            fr="IONOS refuse une adresse d'expédition d'un autre domaine que la boîte "
               "(« Sender address is not allowed ») : utilisez une adresse du même domaine.",
            en="IONOS refuses a From address on another domain than the mailbox "
               "(\"Sender address is not allowed\"): use an address on the same domain.",
        ),
        "auth.invalid_credentials": WRONG_PASSWORD,
    },
)

NAMECHEAP = Provider(
    id="namecheap-private-email",
    name=L(fr="Namecheap Private Email", en="Namecheap Private Email"),
    keywords=("namecheap", "privateemail"),
    presets=(
        ServerPreset("mail.privateemail.com", 465, "implicit_tls"),
        ServerPreset("mail.privateemail.com", 587, "starttls"),
    ),
    username_template="email",
    auth_kinds=("password",),
    password_kind="account_password",
    hints=hints(
        host=L(fr="Namecheap : mail.privateemail.com", en="Namecheap: mail.privateemail.com"),
    ),
    checklist=(FULL_ADDRESS_AND_PASSWORD,),
    sent_copies=NO_COPY,
    mx_patterns=("privateemail.com",),
    links=(
        (L(fr="Base de connaissances Namecheap", en="Namecheap knowledge base"),
         "https://www.namecheap.com/support/knowledgebase/"),
    ),
    diagnosis_hints={"auth.invalid_credentials": WRONG_PASSWORD},
)

# GoDaddy's own mailboxes ("Workspace Email"). Microsoft 365 sold by GoDaddy is a
# Microsoft 365 mailbox: its MX and server are Microsoft's (see microsoft.py).
GODADDY = Provider(
    id="godaddy-workspace-email",
    name=L(fr="GoDaddy Workspace Email", en="GoDaddy Workspace Email"),
    keywords=("godaddy", "secureserver", "workspace email"),
    presets=(ServerPreset("smtpout.secureserver.net", 465, "implicit_tls"),),
    username_template="email",
    auth_kinds=("password",),
    password_kind="account_password",
    hints=hints(
        host=L(
            fr="GoDaddy : smtpout.secureserver.net",
            en="GoDaddy: smtpout.secureserver.net",
        ),
        port=L(fr="465 = SSL/TLS implicite", en="465 = implicit SSL/TLS"),
        security=IMPLICIT_TLS_465_ONLY,
    ),
    checklist=(
        L(
            fr="Pour Workspace Email seulement. Microsoft 365 de GoDaddy ? Choisissez "
               "plutôt Microsoft 365 : la boîte est chez Microsoft.",
            en="For Workspace Email only. Microsoft 365 from GoDaddy? Choose Microsoft 365 "
               "instead: the mailbox is at Microsoft.",
        ),
        L(
            fr="Serveur smtpout.secureserver.net, port 465, SSL/TLS.",
            en="Server smtpout.secureserver.net, port 465, SSL/TLS.",
        ),
        FULL_ADDRESS_AND_PASSWORD,
    ),
    sent_copies=NO_COPY,
    mx_patterns=("secureserver.net",),
    diagnosis_hints={
        "auth.invalid_credentials": L(
            fr="Vérifiez l'adresse complète et le mot de passe de la boîte Workspace "
               "Email. Si la boîte est Microsoft 365 de GoDaddy, choisissez Microsoft 365.",
            en="Check the full address and the Workspace Email mailbox password. If the "
               "mailbox is Microsoft 365 from GoDaddy, choose Microsoft 365.",
        ),
    },
)

PROVIDERS: tuple[Provider, ...] = (
    BELL, OVH, OVH_CANADA, IONOS, NAMECHEAP, GODADDY,
)
