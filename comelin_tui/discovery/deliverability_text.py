"""French and English texts of the deliverability steps (summaries and DNS hints)."""

from __future__ import annotations

from .. import i18n

_TEXTS: dict[str, dict[str, str]] = {
    # Diagnoses: "discovery.<code with dots as underscores>.summary|hint".
    "discovery.dns_unavailable.summary": {
        "fr": "Vérification {what} impossible : {problem}",
        "en": "Could not check {what}: {problem}",
    },
    "discovery.dns_unavailable.hint": {
        "fr": "Vérifiez le DNS de ce poste ou indiquez un autre serveur DNS (--dns-server), "
              "puis réessayez. L'envoi de courriels n'en dépend pas.",
        "en": "Check this computer's DNS or give another DNS server (--dns-server), then try "
              "again. Sending email does not depend on it.",
    },
    "discovery.dns_not_found.summary": {
        "fr": "Le domaine {domain} n'existe pas dans le DNS",
        "en": "The domain {domain} does not exist in DNS",
    },
    "discovery.dns_not_found.hint": {
        "fr": "Vérifiez l'orthographe du domaine de l'adresse ; un domaine tout neuf peut "
              "prendre quelques heures à apparaître.",
        "en": "Check the spelling of the address's domain; a brand-new domain can take a few "
              "hours to appear.",
    },
    "discovery.dns_mx_missing.summary": {
        "fr": "{domain} n'a pas d'enregistrement MX : les réponses et les avis de non-remise "
              "ne pourront pas revenir au magasin",
        "en": "{domain} has no MX record: replies and bounces cannot come back to the store",
    },
    "discovery.dns_mx_missing.hint": {
        "fr": "Chez votre hébergeur DNS, ajoutez les enregistrements MX que votre fournisseur "
              "de courriel vous donne pour {domain}.",
        "en": "At your DNS host, add the MX records your email provider gives you for "
              "{domain}.",
    },
    "discovery.dns_spf_missing.summary": {
        "fr": "Aucun enregistrement SPF pour {domain} : les serveurs destinataires ne savent "
              "pas quels serveurs peuvent envoyer en son nom",
        "en": "No SPF record for {domain}: receiving servers cannot tell which servers may "
              "send on its behalf",
    },
    "discovery.dns_spf_missing.hint": {
        "fr": "Chez votre hébergeur DNS, ajoutez un enregistrement TXT sur {domain} : {example}",
        "en": "At your DNS host, add a TXT record on {domain}: {example}",
    },
    "discovery.dns_spf_multiple.summary": {
        "fr": "{count} enregistrements SPF sur {domain} : les destinataires traitent cela comme "
              "une erreur (permerror) et SPF échoue",
        "en": "{count} SPF records on {domain}: receivers treat this as an error (permerror) "
              "and SPF fails",
    },
    "discovery.dns_spf_multiple.hint": {
        "fr": "Fusionnez-les en un seul enregistrement TXT commençant par v=spf1 (gardez tous "
              "les include:) et supprimez les autres.",
        "en": "Merge them into a single TXT record starting with v=spf1 (keep every include:) "
              "and delete the others.",
    },
    "discovery.dns_spf_loop.summary": {
        "fr": "L'enregistrement SPF s'inclut lui-même ({chain}) : c'est une erreur pour les "
              "destinataires",
        "en": "The SPF record includes itself ({chain}): receivers treat it as an error",
    },
    "discovery.dns_spf_loop.hint": {
        "fr": "Retirez l'include: qui renvoie vers un domaine déjà présent dans la chaîne.",
        "en": "Remove the include: that points back to a domain already in the chain.",
    },
    "discovery.dns_spf_too_many_lookups.summary": {
        "fr": "L'enregistrement SPF demande {count} recherches DNS (la limite est {limit}) : "
              "les destinataires le traitent comme une erreur (permerror)",
        "en": "The SPF record needs {count} DNS lookups (the limit is {limit}): receivers "
              "treat it as an error (permerror)",
    },
    "discovery.dns_spf_too_many_lookups.hint": {
        "fr": "Retirez les include: des services que vous n'utilisez plus, ou remplacez-en par "
              "des plages ip4:/ip6:, pour rester à {limit} recherches ou moins.",
        "en": "Remove the include: of services you no longer use, or replace some with "
              "ip4:/ip6: ranges, to stay at {limit} lookups or fewer.",
    },
    "discovery.dns_spf_include_missing.summary": {
        "fr": "L'enregistrement SPF inclut {target}, qui n'a pas d'enregistrement SPF : "
              "c'est une erreur pour les destinataires",
        "en": "The SPF record includes {target}, which has no SPF record: receivers treat it "
              "as an error",
    },
    "discovery.dns_spf_include_missing.hint": {
        "fr": "Corrigez le nom après include: (faute de frappe ?) ou retirez-le.",
        "en": "Fix the name after include: (a typo?) or remove it.",
    },
    "discovery.dns_spf_provider_missing.summary": {
        "fr": "L'enregistrement SPF n'autorise pas {provider} (include:{include} absent)",
        "en": "The SPF record does not authorise {provider} (include:{include} is missing)",
    },
    "discovery.dns_spf_provider_missing.hint": {
        "fr": "Chez votre hébergeur DNS, modifiez le TXT SPF de {domain} pour y ajouter "
              "include:{include} avant le ~all ou -all : {example}",
        "en": "At your DNS host, edit the SPF TXT record of {domain} to add include:{include} "
              "before the ~all or -all: {example}",
    },
    "discovery.dns_spf_relay_missing.summary": {
        "fr": "L'enregistrement SPF n'autorise pas le serveur {host} ({addresses})",
        "en": "The SPF record does not authorise the server {host} ({addresses})",
    },
    "discovery.dns_spf_relay_missing.hint": {
        "fr": "Ajoutez {term} (ou l'include: que donne votre relais) à l'enregistrement SPF "
              "de {domain}, avant le ~all ou -all.",
        "en": "Add {term} (or the include: your relay gives) to the SPF record of {domain}, "
              "before the ~all or -all.",
    },
    "discovery.dns_dkim_missing_google.summary": {
        "fr": "Pas de clé DKIM pour {provider} ({names})",
        "en": "No DKIM key from {provider} ({names})",
    },
    "discovery.dns_dkim_missing_google.hint": {
        "fr": "Dans la console d'administration Google (Applications > Google Workspace > "
              "Gmail > Authentifier les e-mails), générez la clé DKIM, publiez-la chez votre "
              "hébergeur DNS en TXT sous google._domainkey.{domain}, puis cliquez sur "
              "« Démarrer l'authentification ».",
        "en": "In the Google Admin console (Apps > Google Workspace > Gmail > Authenticate "
              "email), generate the DKIM key, publish it at your DNS host as a TXT record "
              "named google._domainkey.{domain}, then click “Start authentication”.",
    },
    "discovery.dns_dkim_missing_microsoft.summary": {
        "fr": "Pas de sélecteur DKIM pour {provider} ({names})",
        "en": "No DKIM selector from {provider} ({names})",
    },
    "discovery.dns_dkim_missing_microsoft.hint": {
        "fr": "Dans le portail Microsoft Defender (Courrier et collaboration > Stratégies > "
              "Paramètres d'authentification du courrier > DKIM), choisissez {domain}, ajoutez "
              "chez votre hébergeur DNS les deux CNAME selector1._domainkey et "
              "selector2._domainkey indiqués, puis activez la signature.",
        "en": "In the Microsoft Defender portal (Email & collaboration > Policies > Email "
              "authentication settings > DKIM), pick {domain}, add the two CNAME records "
              "selector1._domainkey and selector2._domainkey it shows at your DNS host, then "
              "enable signing.",
    },
    "discovery.dns_dkim_missing_generic.summary": {
        "fr": "Pas de clé DKIM ({names})",
        "en": "No DKIM key ({names})",
    },
    "discovery.dns_dkim_missing_generic.hint": {
        "fr": "Activez DKIM chez votre fournisseur et publiez chez votre hébergeur DNS les "
              "enregistrements qu'il indique pour {domain}.",
        "en": "Turn on DKIM at your provider and publish the records it gives for {domain} at "
              "your DNS host.",
    },
    "discovery.dns_dmarc_missing.summary": {
        "fr": "Aucun enregistrement DMARC pour {domain} : Gmail et d'autres peuvent refuser "
              "ou classer en pourriel les courriels non authentifiés",
        "en": "No DMARC record for {domain}: Gmail and others may reject or junk "
              "unauthenticated mail",
    },
    "discovery.dns_dmarc_missing.hint": {
        "fr": "Chez votre hébergeur DNS, ajoutez un enregistrement TXT nommé _dmarc.{domain} : "
              "v=DMARC1; p=none; rua=mailto:dmarc@{domain} (commencez par p=none pour "
              "observer, resserrez ensuite).",
        "en": "At your DNS host, add a TXT record named _dmarc.{domain}: v=DMARC1; p=none; "
              "rua=mailto:dmarc@{domain} (start with p=none to observe, tighten later).",
    },
    "discovery.dns_dmarc_multiple.summary": {
        "fr": "{count} enregistrements DMARC pour {domain} : les destinataires les ignorent tous",
        "en": "{count} DMARC records for {domain}: receivers ignore them all",
    },
    "discovery.dns_dmarc_multiple.hint": {
        "fr": "Gardez un seul TXT v=DMARC1 sous _dmarc.{domain} et supprimez les autres.",
        "en": "Keep a single v=DMARC1 TXT record at _dmarc.{domain} and delete the others.",
    },
    "discovery.dns_dmarc_invalid.summary": {
        "fr": "L'enregistrement DMARC de {domain} n'a pas de politique p= valide",
        "en": "The DMARC record of {domain} has no valid p= policy",
    },
    "discovery.dns_dmarc_invalid.hint": {
        "fr": "Commencez l'enregistrement par v=DMARC1; p=none; (ou p=quarantine / p=reject).",
        "en": "Start the record with v=DMARC1; p=none; (or p=quarantine / p=reject).",
    },
    # Step details.
    "discovery.mx_step.null": {
        "fr": "{domain} publie un MX nul (aucun courriel reçu)",
        "en": "{domain} publishes a null MX (receives no email)",
    },
    "discovery.mx_step.none": {
        "fr": "aucun enregistrement MX pour {domain}",
        "en": "no MX record for {domain}",
    },
    "discovery.spf_example": {
        "fr": "v=spf1 include:<domaine SPF de votre fournisseur> ~all",
        "en": "v=spf1 include:<your provider's SPF domain> ~all",
    },
    "discovery.spf_step.none": {
        "fr": "aucun enregistrement v=spf1 sur {domain}",
        "en": "no v=spf1 record on {domain}",
    },
    "discovery.spf_step.lookups": {
        "fr": "{count} recherche(s) DNS sur {limit}",
        "en": "{count} of {limit} DNS lookups",
    },
    "discovery.spf_step.unreadable": {
        "fr": "non vérifiés (DNS sans réponse) : {names}",
        "en": "not checked (DNS did not answer): {names}",
    },
    "discovery.spf_step.relay_unknown": {
        "fr": "adresse de {host} introuvable : autorisation non vérifiée",
        "en": "address of {host} not found: authorisation not checked",
    },
    "discovery.spf_step.provider_unknown": {
        "fr": "fournisseur inconnu : autorisation du serveur d'envoi non vérifiée",
        "en": "unknown provider: whether the sending server is authorised was not checked",
    },
    "discovery.dkim_step.unknown": {
        "fr": "Les sélecteurs DKIM dépendent du fournisseur : vérifiez DKIM dans sa console "
              "d'administration",
        "en": "DKIM selectors depend on the provider: check DKIM in its admin console",
    },
    "discovery.dkim_step.missing": {
        "fr": "introuvable : {names}",
        "en": "not found: {names}",
    },
    "discovery.dmarc_step.missing": {
        "fr": "aucun enregistrement v=DMARC1 sous {name}",
        "en": "no v=DMARC1 record at {name}",
    },
    "discovery.dmarc_step.policy_none": {
        "fr": "politique p=none : rapports seulement, rien n'est bloqué",
        "en": "policy p=none: reports only, nothing is blocked",
    },
    "discovery.dmarc_step.policy_quarantine": {
        "fr": "politique p=quarantine : le courriel non authentifié va aux indésirables",
        "en": "policy p=quarantine: unauthenticated mail goes to spam",
    },
    "discovery.dmarc_step.policy_reject": {
        "fr": "politique p=reject : le courriel non authentifié est refusé",
        "en": "policy p=reject: unauthenticated mail is refused",
    },
    # The DNS denies names that certainly exist (gmail.com...): the resolver's fault.
    "discovery.dns_resolver_broken.summary": {
        "fr": "Le DNS dit que {domain} n'existe pas, mais il dit la même chose de {names}, qui "
              "existent à coup sûr : le serveur DNS utilisé est filtré ou en panne",
        "en": "The DNS says {domain} does not exist, but it says the same of {names}, which "
              "certainly exist: the DNS server in use is filtered or broken",
    },
    "discovery.dns_resolver_broken.hint": {
        "fr": "Vérifiez d'abord le DNS de ce poste : un filtre DNS (antivirus, contrôle "
              "parental, filtre d'entreprise), un VPN, un portail captif (une page Wi-Fi qui "
              "demande de se connecter), les serveurs de /etc/resolv.conf (sous Windows : les "
              "réglages DNS de la carte réseau) ; ou indiquez un autre serveur DNS "
              "(--dns-server ou le réglage « Serveur DNS »). D'ici là, rien ne peut être dit "
              "des enregistrements du domaine.",
        "en": "Check this computer's DNS first: a DNS filter (antivirus, parental or company "
              "filter), a VPN, a captive portal (a Wi-Fi page asking you to sign in), the "
              "servers in /etc/resolv.conf (on Windows: the network adapter's DNS settings); "
              "or give another DNS server (--dns-server or the “DNS server” setting). Until "
              "then nothing can be said about the domain's records.",
    },
    "discovery.not_checked.no_domain": {
        "fr": "non vérifié : le DNS dit que {domain} n'existe pas (voir MX)",
        "en": "not checked: the DNS says {domain} does not exist (see MX)",
    },
    "discovery.mx_step.sanity": {
        "fr": "le même serveur DNS nie aussi l'existence de {names}",
        "en": "the same DNS server also denies {names}",
    },
    "discovery.not_checked.resolver_broken": {
        "fr": "non vérifié : le serveur DNS utilisé est filtré ou en panne (voir MX)",
        "en": "not checked: the DNS server in use is filtered or broken (see MX)",
    },
}


def register_texts() -> None:
    """Register the texts (idempotent)."""
    i18n.register(_TEXTS)


register_texts()
