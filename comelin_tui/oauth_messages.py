"""French and English text of the Microsoft 365 sign-in (see :mod:`comelin_tui.oauth`).

Each OAuthError kind has ``oauth.error.<kind>`` (what happened) and
``oauth.hint.<kind>`` (what to do). Placeholders available to every kind:
``{code}`` (AADSTS code or error name) and ``{reason}`` (the service's words).
"""

from __future__ import annotations

from .i18n import register

SIGN_IN_FR = "« Se connecter avec Microsoft »"
SIGN_IN_EN = "\"Sign in with Microsoft\""

register({
    # Shared by the wizard's sign-in and ``comelin-tui signin``.
    "oauth.step_open": {
        "fr": "1. Sur un téléphone ou un ordinateur, ouvrez :",
        "en": "1. On a phone or a computer, open:",
    },
    "oauth.cancelled": {
        "fr": "Connexion annulée : rien n'a été enregistré.",
        "en": "Sign-in cancelled: nothing was saved.",
    },
    "oauth.failed_with_hint": {
        "fr": "{message}\nQuoi faire : {hint}",
        "en": "{message}\nWhat to do: {hint}",
    },
    # The app registration an administrator makes once: shown by the wizard's sign-in
    # step and by `comelin-tui signin` when the client ID is missing.
    "oauth.app_registration": {
        "fr": "1. Centre d'administration Microsoft Entra > Inscriptions d'applications > "
              "Nouvelle inscription.\n"
              "2. Authentification : « Autoriser les flux clients publics » = Oui.\n"
              "3. Autorisations d'API : SMTP.Send, déléguée (Office 365 Exchange Online).\n"
              "4. Copiez l'ID d'application (client) et l'ID de l'annuaire (locataire).",
        "en": "1. Microsoft Entra admin center > App registrations > New registration.\n"
              "2. Authentication: \"Allow public client flows\" = Yes.\n"
              "3. API permissions: SMTP.Send, delegated (Office 365 Exchange Online).\n"
              "4. Copy the Application (client) ID and the Directory (tenant) ID.",
    },
    "oauth.msal_missing": {
        "fr": "La connexion Microsoft 365 a besoin du module facultatif msal, qui n'est pas "
              "installé. Installez-le avec : {command}",
        "en": "Microsoft 365 sign-in needs the optional msal package, which is not installed. "
              "Install it with: {command}",
    },
    "oauth.tenant_invalid": {
        "fr": "« {value} » n'est pas un locataire (tenant) valide : entrez un domaine (par "
              "exemple contoso.onmicrosoft.com) ou l'ID de l'annuaire (locataire), un GUID.",
        "en": "\"{value}\" is not a valid tenant: enter a domain (for example "
              "contoso.onmicrosoft.com) or the Directory (tenant) ID, a GUID.",
    },
    "oauth.client_id_invalid": {
        "fr": "« {value} » n'est pas un ID d'application (client) : c'est un GUID comme "
              "00000000-0000-0000-0000-000000000000, affiché sur la page Vue d'ensemble de "
              "l'inscription d'application.",
        "en": "\"{value}\" is not an Application (client) ID: it is a GUID like "
              "00000000-0000-0000-0000-000000000000, shown on the app registration's "
              "Overview page.",
    },
    "oauth.device_instructions": {
        "fr": "Sur un téléphone ou un ordinateur, ouvrez {uri} et entrez le code {code}. "
              "Le code expire dans {minutes} minutes.",
        "en": "On a phone or a computer, open {uri} and enter the code {code}. "
              "The code expires in {minutes} minutes.",
    },
    "oauth.step_not_attempted": {
        "fr": "non tenté : aucun jeton d'accès Microsoft 365",
        "en": "not attempted: no Microsoft 365 access token",
    },
    "oauth.describe": {
        "fr": "{account} (jeton de connexion de {size} caractères)",
        "en": "{account} (sign-in token of {size} characters)",
    },
    "oauth.describe_chunked": {
        "fr": "{account} (jeton de connexion de {size} caractères, découpé dans le trousseau "
              "en {parts} parties d'au plus {chunk} caractères)",
        "en": "{account} (sign-in token of {size} characters, split in the keyring into "
              "{parts} parts of at most {chunk} characters)",
    },
    "oauth.describe_none": {
        "fr": "aucune connexion enregistrée",
        "en": "not signed in",
    },
    # -- what happened ---------------------------------------------------------------------
    "oauth.error.public_client": {
        "fr": "Microsoft a refusé la connexion : l'inscription d'application ne permet pas "
              "les flux clients publics ({code}).",
        "en": "Microsoft refused the sign-in: the app registration does not allow public "
              "client flows ({code}).",
    },
    "oauth.error.consent": {
        "fr": "Microsoft a refusé la connexion : un administrateur doit d'abord donner son "
              "consentement à cette application ({code}).",
        "en": "Microsoft refused the sign-in: an administrator must first consent to this "
              "application ({code}).",
    },
    "oauth.error.conditional_access": {
        "fr": "Une stratégie d'accès conditionnel de l'organisation a bloqué cette connexion "
              "({code}).",
        "en": "A Conditional Access policy of the organization blocked this sign-in ({code}).",
    },
    "oauth.error.tenant": {
        "fr": "Microsoft ne connaît pas le locataire (tenant) « {tenant} » ({code}).",
        "en": "Microsoft does not know the tenant \"{tenant}\" ({code}).",
    },
    "oauth.error.client_id": {
        "fr": "Microsoft ne trouve aucune application avec cet ID d'application (client) "
              "dans ce locataire ({code}).",
        "en": "Microsoft finds no application with this Application (client) ID in this "
              "tenant ({code}).",
    },
    "oauth.error.expired": {
        "fr": "Le code de connexion a expiré avant la fin de la connexion.",
        "en": "The sign-in code expired before the sign-in was completed.",
    },
    "oauth.error.declined": {
        "fr": "La connexion a été refusée (la demande d'autorisation n'a pas été acceptée).",
        "en": "The sign-in was declined (the permission request was not accepted).",
    },
    "oauth.error.scope": {
        "fr": "Microsoft a accordé un jeton sans l'autorisation SMTP.Send (accordé : {reason}).",
        "en": "Microsoft granted a token without the SMTP.Send permission (granted: {reason}).",
    },
    "oauth.error.refresh": {
        "fr": "Microsoft 365 n'accepte plus la connexion enregistrée ({reason}).",
        "en": "Microsoft 365 no longer accepts the saved sign-in ({reason}).",
    },
    "oauth.error.not_signed_in": {
        "fr": "Aucune connexion Microsoft 365 n'est enregistrée pour ce compte ({account}).",
        "en": "No Microsoft 365 sign-in is saved for this account ({account}).",
    },
    "oauth.error.not_configured": {
        "fr": "La connexion Microsoft 365 n'est pas configurée : l'ID d'application (client) "
              "manque.",
        "en": "Microsoft 365 sign-in is not set up: the Application (client) ID is missing.",
    },
    "oauth.error.network": {
        "fr": "Impossible de joindre le service de connexion Microsoft ({reason}).",
        "en": "Cannot reach the Microsoft sign-in service ({reason}).",
    },
    "oauth.error.network_name": {
        "fr": "Impossible de joindre le service de connexion Microsoft : le nom {host} est "
              "introuvable (le DNS de cet ordinateur ne le connaît pas).",
        "en": "Cannot reach the Microsoft sign-in service: the name {host} is not found "
              "(this computer's DNS does not know it).",
    },
    "oauth.error.network_refused": {
        "fr": "Impossible de joindre le service de connexion Microsoft : la connexion à "
              "{host} est refusée.",
        "en": "Cannot reach the Microsoft sign-in service: the connection to {host} is "
              "refused.",
    },
    "oauth.error.network_timeout": {
        "fr": "Impossible de joindre le service de connexion Microsoft : {host} ne répond "
              "pas à temps.",
        "en": "Cannot reach the Microsoft sign-in service: {host} does not answer in time.",
    },
    "oauth.error.network_unreachable": {
        "fr": "Impossible de joindre le service de connexion Microsoft : aucune route vers "
              "{host} (réseau injoignable).",
        "en": "Cannot reach the Microsoft sign-in service: no route to {host} (network "
              "unreachable).",
    },
    "oauth.error.cancelled": {
        "fr": "Connexion annulée.",
        "en": "Sign-in cancelled.",
    },
    "oauth.error.generic": {
        "fr": "Microsoft a refusé la connexion ({reason}).",
        "en": "Microsoft refused the sign-in ({reason}).",
    },
    # -- what to do ------------------------------------------------------------------------
    "oauth.hint.public_client": {
        "fr": "Centre d'administration Microsoft Entra > Inscriptions d'applications > "
              "l'application > Authentification > Paramètres avancés : « Autoriser les flux "
              f"clients publics » à Oui. Enregistrez, puis refaites {SIGN_IN_FR}.",
        "en": "Microsoft Entra admin center > App registrations > the application > "
              "Authentication > Advanced settings: set \"Allow public client flows\" to Yes. "
              f"Save, then {SIGN_IN_EN} again.",
    },
    "oauth.hint.consent": {
        "fr": "Un administrateur Microsoft 365 ouvre Inscriptions d'applications > "
              "l'application > Autorisations d'API, vérifie que SMTP.Send (Office 365 Exchange "
              "Online, déléguée) y figure et clique « Accorder un consentement d'administrateur »."
              f" Puis refaites {SIGN_IN_FR}.",
        "en": "A Microsoft 365 administrator opens App registrations > the application > API "
              "permissions, checks that SMTP.Send (Office 365 Exchange Online, delegated) is "
              f"listed and clicks \"Grant admin consent\". Then {SIGN_IN_EN} again.",
    },
    "oauth.hint.conditional_access": {
        "fr": "Demandez à l'administrateur Microsoft 365 : les journaux de connexion Entra "
              "nomment la stratégie (connexion par code d'appareil, emplacement, appareil). Il "
              "peut exempter ce compte ou cette application, ou utiliser plutôt un connecteur "
              "de relais SMTP.",
        "en": "Ask the Microsoft 365 administrator: the Entra sign-in logs name the policy "
              "(device code sign-in, location, device). They can exempt this account or "
              "application, or use an SMTP connector relay instead.",
    },
    "oauth.hint.tenant": {
        "fr": "Entrez le domaine Microsoft 365 de l'organisation (par exemple "
              "contoso.onmicrosoft.com ou le domaine de l'entreprise) ou l'ID de l'annuaire "
              "(locataire) affiché sur la page Vue d'ensemble de l'inscription d'application.",
        "en": "Enter the organization's Microsoft 365 domain (for example "
              "contoso.onmicrosoft.com or the company's domain) or the Directory (tenant) ID "
              "shown on the app registration's Overview page.",
    },
    "oauth.hint.client_id": {
        "fr": "Copiez l'ID d'application (client) de la page Vue d'ensemble de l'inscription "
              "d'application (centre d'administration Microsoft Entra > Inscriptions "
              "d'applications) et vérifiez qu'elle a été créée dans le locataire de cette "
              "organisation.",
        "en": "Copy the Application (client) ID from the app registration's Overview page "
              "(Microsoft Entra admin center > App registrations) and check that it was "
              "created in this organization's tenant.",
    },
    "oauth.hint.expired": {
        "fr": "Recommencez la connexion et entrez le nouveau code dans les 15 minutes.",
        "en": "Start the sign-in again and enter the new code within 15 minutes.",
    },
    "oauth.hint.declined": {
        "fr": "Recommencez la connexion et acceptez la demande d'envoyer du courriel en votre "
              "nom ; si ce compte n'a pas le droit d'utiliser l'application, demandez à "
              "l'administrateur.",
        "en": "Start the sign-in again and accept the request to send email on your behalf; "
              "if this account may not use the application, ask the administrator.",
    },
    "oauth.hint.scope": {
        "fr": "Ajoutez l'autorisation déléguée SMTP.Send (Office 365 Exchange Online) à "
              f"l'inscription d'application, accordez le consentement, puis refaites {SIGN_IN_FR}.",
        "en": "Add the delegated permission SMTP.Send (Office 365 Exchange Online) to the app "
              f"registration, grant consent, then {SIGN_IN_EN} again.",
    },
    "oauth.hint.refresh": {
        "fr": f"Refaites {SIGN_IN_FR} : le mot de passe a peut-être changé, la connexion a été "
              "révoquée ou a expiré, ou une vérification supplémentaire (MFA) est maintenant "
              "exigée.",
        "en": f"{SIGN_IN_EN} again: the password may have changed, the sign-in may have been "
              "revoked or have expired, or extra verification (MFA) is now required.",
    },
    "oauth.hint.not_signed_in": {
        "fr": f"Dans comelin-tui, choisissez {SIGN_IN_FR} pour connecter le compte.",
        "en": f"In comelin-tui, choose {SIGN_IN_EN} to sign the account in.",
    },
    "oauth.hint.not_configured": {
        "fr": "Dans comelin-tui, entrez le locataire et l'ID d'application (client) de "
              f"l'inscription d'application, puis {SIGN_IN_FR}.",
        "en": "In comelin-tui, enter the tenant and the Application (client) ID of the app "
              f"registration, then {SIGN_IN_EN}.",
    },
    "oauth.hint.network": {
        "fr": "Vérifiez que cet ordinateur joint {host} en HTTPS (port 443), par le "
              "mandataire s'il y en a un (HTTPS_PROXY), et que son horloge est juste.",
        "en": "Check that this computer reaches {host} over HTTPS (port 443), through the "
              "proxy if there is one (HTTPS_PROXY), and that its clock is right.",
    },
    "oauth.hint.network_name": {
        "fr": "Vérifiez l'accès Internet et le serveur DNS de cet ordinateur "
              "(/etc/resolv.conf, un filtre DNS, un VPN).",
        "en": "Check this computer's Internet access and DNS server (/etc/resolv.conf, a DNS "
              "filter, a VPN).",
    },
    "oauth.hint.network_refused": {
        "fr": "Un pare-feu ou un mandataire bloque le HTTPS (port 443) vers {host}; s'il "
              "faut passer par un mandataire, indiquez-le (HTTPS_PROXY).",
        "en": "A firewall or a proxy blocks HTTPS (port 443) to {host}; if a proxy must be "
              "used, set it (HTTPS_PROXY).",
    },
    "oauth.hint.network_timeout": {
        "fr": "Un pare-feu laisse peut-être tomber le HTTPS (port 443) vers {host}, ou le lien "
              "est lent; vérifiez le mandataire (HTTPS_PROXY) et réessayez.",
        "en": "A firewall may be dropping HTTPS (port 443) to {host}, or the link is slow; "
              "check the proxy (HTTPS_PROXY) and try again.",
    },
    "oauth.hint.network_unreachable": {
        "fr": "Vérifiez l'accès Internet de cet ordinateur (câble, passerelle, VPN).",
        "en": "Check this computer's Internet access (cable, gateway, VPN).",
    },
    "oauth.hint.cancelled": {
        "fr": "Recommencez la connexion quand vous serez prêt.",
        "en": "Start the sign-in again when ready.",
    },
    "oauth.hint.generic": {
        "fr": f"Refaites {SIGN_IN_FR} ; si l'erreur revient, un administrateur Microsoft 365 "
              "peut chercher le code {code} dans les journaux de connexion Entra.",
        "en": f"{SIGN_IN_EN} again; if the error comes back, a Microsoft 365 administrator "
              "can look up the code {code} in the Entra sign-in logs.",
    },
})
