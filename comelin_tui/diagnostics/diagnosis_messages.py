"""French and English text for every diagnosis code (summary: what happened; hint: what to do).

Keys: ``diagnosis.<code>.summary`` and ``diagnosis.<code>.hint``, plus optional
refinements ``diagnosis.<code>.summary.<variant>`` / ``diagnosis.<code>.hint.<variant>``
where the variant is a situation (``starttls_first``, ``port25``...) or a
provider family (``google``, ``microsoft``).

Templates use ``{name}`` placeholders and optional segments in square brackets:
``"Le serveur[ {host}] a refusé la connexion[ sur le port {port}]."`` keeps a
segment only when every placeholder inside it has a value, so a text reads well
with or without the details (the classifier's formatter does this; plain
:func:`comelin_tui.i18n.t` shows the brackets as they are).
"""

from __future__ import annotations

from ..i18n import register

# Every code of the diagnostics contract, in the contract's order.
DIAGNOSIS_CODES: tuple[str, ...] = (
    "config.invalid",
    "dns.not_found",
    "dns.unavailable",
    "connect.refused",
    "connect.timeout",
    "connect.unreachable",
    "tls.wrong_mode",
    "tls.untrusted",
    "tls.hostname_mismatch",
    "tls.expired",
    "tls.protocol",
    "tls.starttls_unavailable",
    "smtp.banner_timeout",
    "smtp.service_unavailable",
    "smtp.protocol_error",
    "smtp.disconnected",
    "auth.unavailable",
    "auth.insecure_refused",
    "auth.invalid_credentials",
    "auth.app_password_required",
    "auth.smtp_auth_disabled",
    "auth.basic_auth_retired",
    "auth.mechanism_unsupported",
    "auth.oauth_failed",
    "auth.rate_limited",
    "sender.not_authenticated",
    "sender.send_as_denied",
    "sender.rejected",
    "recipient.rejected",
    "relay.denied",
    "message.too_large",
    "quota.exceeded",
    "rate.limited",
    "mailbox.full",
    # Added December 2026 (issue "expert reading"): never renamed, only added.
    "auth.temporary_failure",
    "smtp.timeout",
    "recipient.temporary",
    "relay.local_only",
    "smtp.greeting_slow",
    "auth.cleartext_allowed",
    "dns.resolver_broken",
    "address.needs_smtputf8",
    "tls.intercepted",
    "connect.family_failed",
    "unknown",
)


def _m(fr: str, en: str) -> dict[str, str]:
    return {"fr": fr, "en": en}


_TEXTS: dict[str, dict[str, str]] = {
    # --- configuration and name resolution -------------------------------------------------
    "config.invalid.summary": _m(
        "Les paramètres sont incomplets ou invalides[ ({field})][ : {detail}].",
        "The settings are incomplete or invalid[ ({field})][: {detail}].",
    ),
    "config.invalid.hint": _m(
        "Ouvrez les paramètres, corrigez le champ indiqué, puis refaites le test.",
        "Open the settings, fix the field shown, then run the test again.",
    ),
    "dns.not_found.summary": _m(
        "Le nom du serveur[ {host}] n'existe pas dans le DNS.",
        "The server name[ {host}] does not exist in DNS.",
    ),
    "dns.not_found.hint": _m(
        "Vérifiez l'orthographe du nom du serveur (par exemple smtp.gmail.com ou "
        "smtp.office365.com); s'il est exact, le DNS du domaine est mal configuré.",
        "Check the spelling of the server name (for example smtp.gmail.com or "
        "smtp.office365.com); if it is right, the domain's DNS is misconfigured.",
    ),
    "dns.unavailable.summary": _m(
        "Impossible de résoudre le nom[ {host}] : aucun serveur DNS n'a répondu.",
        "The name[ {host}] could not be looked up: no DNS server answered.",
    ),
    "dns.unavailable.hint": _m(
        "Vérifiez la connexion réseau et les réglages DNS de cet ordinateur "
        "(/etc/resolv.conf, routeur), puis réessayez dans un instant.",
        "Check this computer's network connection and DNS settings (/etc/resolv.conf, "
        "router), then try again in a moment.",
    ),
    # --- TCP connection ------------------------------------------------------------------
    "connect.refused.summary": _m(
        "Le serveur[ {host}] a refusé la connexion[ sur le port {port}].",
        "The server[ {host}] refused the connection[ on port {port}].",
    ),
    "connect.refused.hint": _m(
        "Aucun service n'écoute sur ce port : vérifiez le numéro de port (587 pour "
        "STARTTLS, 465 pour le SSL/TLS implicite) et qu'aucun pare-feu ne le rejette.",
        "Nothing is listening on this port: check the port number (587 for STARTTLS, "
        "465 for implicit SSL/TLS) and that no firewall rejects it.",
    ),
    "connect.timeout.summary": _m(
        "Aucune réponse du serveur[ {host}][ sur le port {port}][ en {timeout} s].",
        "No answer from the server[ {host}][ on port {port}][ within {timeout} s].",
    ),
    "connect.timeout.hint": _m(
        "Un pare-feu bloque probablement la connexion : vérifiez le pare-feu et le "
        "routeur du magasin, ou essayez le port 587 ou 465.",
        "A firewall is probably dropping the connection: check the store's firewall "
        "and router, or try port 587 or 465.",
    ),
    "connect.timeout.hint.port25": _m(
        "Beaucoup de fournisseurs d'accès Internet bloquent le port 25 : utilisez "
        "plutôt le port 587 (STARTTLS) ou 465 (SSL/TLS implicite).",
        "Many Internet providers block port 25: use port 587 (STARTTLS) or 465 "
        "(implicit SSL/TLS) instead.",
    ),
    "connect.unreachable.summary": _m(
        "Aucune route réseau ne mène au serveur[ {host}].",
        "There is no network route to the server[ {host}].",
    ),
    "connect.unreachable.hint": _m(
        "Vérifiez la connexion Internet et la passerelle par défaut de cet "
        "ordinateur; une adresse IPv6 sans connectivité IPv6 cause aussi ce problème.",
        "Check this computer's Internet connection and default gateway; an IPv6 "
        "address without IPv6 connectivity also causes this.",
    ),
    # --- TLS -----------------------------------------------------------------------------
    "tls.wrong_mode.summary": _m(
        "Le mode de sécurité[ {security}] ne correspond pas à ce que le serveur "
        "attend[ sur le port {port}].",
        "The security mode[ {security}] does not match what the server expects"
        "[ on port {port}].",
    ),
    "tls.wrong_mode.hint": _m(
        "Utilisez STARTTLS avec le port 587, ou le SSL/TLS implicite avec le "
        "port 465.",
        "Use STARTTLS with port 587, or implicit SSL/TLS with port 465.",
    ),
    "tls.wrong_mode.hint.suggested": _m(
        "Le serveur répond en {suggested_security} sur le port {suggested_port} : "
        "choisissez ce réglage.",
        "The server answers with {suggested_security} on port {suggested_port}: "
        "choose that setting.",
    ),
    "tls.wrong_mode.hint.implicit_on_plain": _m(
        "Ce port attend STARTTLS (ou du SMTP en clair) : choisissez la sécurité "
        "STARTTLS, ou utilisez le port 465 pour le SSL/TLS implicite.",
        "This port expects STARTTLS (or plain SMTP): set the security to STARTTLS, "
        "or use port 465 for implicit SSL/TLS.",
    ),
    "tls.wrong_mode.hint.plain_on_implicit": _m(
        "Ce port attend le SSL/TLS implicite : choisissez la sécurité SSL/TLS "
        "implicite, ou utilisez le port 587 avec STARTTLS.",
        "This port expects implicit SSL/TLS: set the security to implicit SSL/TLS, "
        "or use port 587 with STARTTLS.",
    ),
    "tls.untrusted.summary": _m(
        "Le certificat du serveur n'est pas reconnu (autosigné, autorité inconnue "
        "ou chaîne incomplète).",
        "The server's certificate is not trusted (self-signed, unknown authority or "
        "incomplete chain).",
    ),
    "tls.untrusted.hint": _m(
        "Utilisez le nom de serveur officiel du fournisseur; pour un serveur interne, "
        "indiquez le certificat de son autorité (Serveur > Avancé > Fichier d'autorité de "
        "certification (CA)), ou "
        "demandez à son administrateur d'installer la chaîne complète.",
        "Use the provider's official server name; for an in-house server, set its "
        "authority's certificate as the CA file (Server > Advanced > Certificate authority "
        "(CA) file), or ask its "
        "administrator to install the full certificate chain.",
    ),
    "tls.untrusted.summary.pin_mismatch": _m(
        "Le serveur a présenté un autre certificat que celui qui est épinglé (empreinte "
        "dans les réglages).",
        "The server presented another certificate than the pinned one (the fingerprint in "
        "the settings).",
    ),
    "tls.untrusted.hint.pin_mismatch": _m(
        "Une empreinte épinglée veut dire « ce certificat-là exactement ». Si le serveur a "
        "renouvelé son certificat, vérifiez la nouvelle empreinte auprès de son "
        "administrateur, puis mettez-la à jour (ligne pinned_fingerprint du fichier de réglages, que comelin-tui show indique), ou "
        "retirez-la si une autorité reconnue émet désormais son certificat. Sinon, "
        "quelqu'un s'interpose : n'envoyez rien.",
        "A pinned fingerprint means \"exactly this certificate\". If the server renewed its "
        "certificate, check the new fingerprint with its administrator, then update it "
        "(the pinned_fingerprint line of the settings file, which comelin-tui show names), or remove it if a recognised authority now "
        "issues its certificate. Otherwise someone is in the way: send nothing.",
    ),
    "tls.hostname_mismatch.summary": _m(
        "Le certificat du serveur ne couvre pas le nom utilisé pour le joindre"
        "[ ({host})][; il est émis pour {cert_names}].",
        "The server's certificate does not cover the name used to reach it"
        "[ ({host})][; it is issued for {cert_names}].",
    ),
    "tls.hostname_mismatch.hint": _m(
        "Entrez le nom du serveur exactement comme le certificat l'indique (par "
        "exemple smtp.office365.com plutôt qu'une adresse IP ou un alias).",
        "Enter the server name exactly as the certificate shows it (for example "
        "smtp.office365.com rather than an IP address or an alias).",
    ),
    "tls.expired.summary": _m(
        "Le certificat du serveur est expiré[ (valide jusqu'au {not_after})].",
        "The server's certificate has expired[ (valid until {not_after})].",
    ),
    "tls.expired.summary.not_yet_valid": _m(
        "Le certificat du serveur n'est pas encore valide[ (valide à partir du "
        "{not_before})].",
        "The server's certificate is not valid yet[ (valid from {not_before})].",
    ),
    "tls.expired.hint": _m(
        "Vérifiez d'abord la date et l'heure de cet ordinateur[ (il indique {now})] : une "
        "horloge déréglée cause ce problème; si elles sont justes, l'administrateur du "
        "serveur doit renouveler le certificat.",
        "Check this computer's date and time first[ (it says {now})]: a wrong clock "
        "causes this; if they are right, the server's administrator must renew the "
        "certificate.",
    ),
    "tls.protocol.summary": _m(
        "Le serveur et cet ordinateur n'ont aucune version de TLS ou aucun "
        "chiffrement en commun.",
        "The server and this computer share no TLS version or cipher.",
    ),
    "tls.protocol.hint": _m(
        "Le serveur est sans doute trop ancien (TLS 1.0 ou 1.1 seulement) ou "
        "l'OpenSSL de ce système est désuet : mettez le système à jour, ou demandez "
        "à l'administrateur du serveur d'activer TLS 1.2 ou plus récent.",
        "The server is probably too old (TLS 1.0 or 1.1 only) or this system's "
        "OpenSSL is outdated: update the system, or ask the server's administrator "
        "to enable TLS 1.2 or later.",
    ),
    "tls.starttls_unavailable.summary": _m(
        "Le serveur[ {host}] n'offre pas STARTTLS[ sur le port {port}]; la connexion "
        "ne peut donc pas être chiffrée.",
        "The server[ {host}] does not offer STARTTLS[ on port {port}], so the "
        "connection cannot be encrypted.",
    ),
    "tls.starttls_unavailable.hint": _m(
        "Essayez le port 465 avec le SSL/TLS implicite ou le port 587 avec STARTTLS; le "
        "mot de passe n'est jamais envoyé sans chiffrement. Un pare-feu ou un "
        "antivirus qui filtre le SMTP peut aussi masquer STARTTLS.",
        "Try port 465 with implicit SSL/TLS or port 587 with STARTTLS; the password is "
        "never sent unencrypted. A firewall or antivirus that filters SMTP can also "
        "hide STARTTLS.",
    ),
    # --- SMTP session ----------------------------------------------------------------------
    "smtp.banner_timeout.summary": _m(
        "La connexion s'est ouverte, mais le serveur n'a rien envoyé[ en {timeout} s].",
        "The connection opened but the server sent nothing[ within {timeout} s].",
    ),
    "smtp.banner_timeout.hint": _m(
        "Ce port attend probablement le SSL/TLS implicite (habituellement le "
        "port 465) : changez le réglage de sécurité; sinon, le serveur est surchargé "
        "ou un pare-feu filtrant retient la connexion.",
        "This port probably expects implicit SSL/TLS (usually port 465): change "
        "the security setting; otherwise the server is overloaded or a filtering "
        "firewall is holding the connection.",
    ),
    "smtp.banner_timeout.hint.tls_silent": _m(
        "Le serveur n'a pas répondu à la négociation TLS : vérifiez que ce port "
        "utilise bien le SSL/TLS implicite (465), sinon choisissez STARTTLS avec le "
        "port 587.",
        "The server did not answer the TLS handshake: check that this port really "
        "uses implicit SSL/TLS (465), otherwise choose STARTTLS with port 587.",
    ),
    "smtp.service_unavailable.summary": _m(
        "Le serveur refuse le service pour le moment[ : {reply}].",
        "The server is refusing service right now[: {reply}].",
    ),
    "smtp.service_unavailable.hint": _m(
        "Réessayez plus tard; si le problème persiste, l'adresse IP publique du "
        "magasin est peut-être bloquée : communiquez avec le fournisseur.",
        "Try again later; if it persists, the store's public IP address may be "
        "blocked: contact the provider.",
    ),
    "smtp.service_unavailable.hint.blocklist": _m(
        "L'adresse IP publique du magasin figure sur une liste de blocage : "
        "envoyez par le serveur de votre fournisseur (port 587 avec "
        "authentification) ou demandez le retrait de l'adresse de la liste.",
        "The store's public IP address is on a blocklist: send through your "
        "provider's server (port 587 with login) or ask for the address to be "
        "removed from the list.",
    ),
    "smtp.protocol_error.summary": _m(
        "La réponse du serveur n'est pas du SMTP valide (données illisibles ou ligne "
        "trop longue).",
        "The server's answer is not valid SMTP (garbage or an over-long line).",
    ),
    "smtp.protocol_error.hint": _m(
        "Vérifiez le serveur et le port : ce n'est probablement pas un serveur de "
        "courriel (serveur Web ou autre service), ou un proxy ou un antivirus "
        "interfère.",
        "Check the server and port: this is probably not a mail server (a web "
        "server or another service), or a proxy or antivirus is interfering.",
    ),
    "smtp.disconnected.summary": _m(
        "Le serveur a fermé la connexion de façon inattendue.",
        "The server closed the connection unexpectedly.",
    ),
    "smtp.disconnected.hint": _m(
        "Réessayez; si le problème se répète, vérifiez la sécurité choisie pour ce "
        "port (465 : SSL/TLS implicite, 587 : STARTTLS) et si un pare-feu ou un "
        "antivirus coupe les connexions SMTP.",
        "Try again; if it happens again, check the security chosen for this port "
        "(465: implicit SSL/TLS, 587: STARTTLS) and whether a firewall or antivirus cuts "
        "SMTP connections.",
    ),
    # --- authentication -------------------------------------------------------------------
    "auth.unavailable.summary": _m(
        "Le serveur n'offre pas l'authentification (SMTP AUTH) sur cette connexion.",
        "The server does not offer login (SMTP AUTH) on this connection.",
    ),
    "auth.unavailable.hint": _m(
        "La plupart des serveurs n'offrent l'authentification qu'après STARTTLS : "
        "utilisez le port 587 avec STARTTLS ou le 465 avec le SSL/TLS implicite. Un "
        "serveur relais autorisé par adresse IP n'exige aucune authentification.",
        "Most servers offer login only after STARTTLS: use port 587 with STARTTLS or "
        "465 with implicit SSL/TLS. A relay server that trusts the store's IP address "
        "needs no login.",
    ),
    "auth.unavailable.hint.starttls_first": _m(
        "Le serveur exige le chiffrement avant l'authentification : choisissez "
        "STARTTLS (port 587) ou le SSL/TLS implicite (port 465).",
        "The server requires encryption before login: choose STARTTLS (port 587) or "
        "implicit SSL/TLS (port 465).",
    ),
    "auth.insecure_refused.summary": _m(
        "Le mot de passe n'a pas été envoyé, car la connexion n'est pas chiffrée.",
        "The password was not sent because the connection is not encrypted.",
    ),
    "auth.insecure_refused.hint": _m(
        "Utilisez STARTTLS (port 587) ou le SSL/TLS implicite (port 465). Seulement sur "
        "un réseau local de confiance, autorisez l'authentification non chiffrée "
        "(ligne allow_insecure_auth du fichier de réglages).",
        "Use STARTTLS (port 587) or implicit SSL/TLS (port 465). Only on a trusted local "
        "network, allow unencrypted login (the allow_insecure_auth line of the settings file).",
    ),
    "auth.invalid_credentials.summary": _m(
        "Le serveur a refusé le nom d'utilisateur ou le mot de passe[ de {username}].",
        "The server rejected the username or password[ for {username}].",
    ),
    "auth.invalid_credentials.hint": _m(
        "Entrez de nouveau le mot de passe (attention au verrouillage des majuscules "
        "et aux espaces) et vérifiez que le nom d'utilisateur est l'adresse "
        "courriel complète si le fournisseur l'exige.",
        "Enter the password again (watch Caps Lock and spaces) and check that the "
        "username is the full email address if the provider expects it.",
    ),
    "auth.invalid_credentials.hint.google": _m(
        "Google n'accepte plus le mot de passe du compte ici : créez un mot de passe "
        "d'application (Compte Google > Sécurité > Validation en deux étapes > "
        "Mots de passe des applications) et entrez ses 16 lettres sans espaces.",
        "Google no longer accepts the account password here: create an app password "
        "(Google Account > Security > 2-Step Verification > App passwords) and enter "
        "its 16 letters without spaces.",
    ),
    "auth.invalid_credentials.hint.microsoft": _m(
        "Utilisez le nom de connexion (UPN) de la boîte aux lettres, pas un alias, "
        "avec son mot de passe actuel; si le compte utilise l'authentification "
        "multifacteur, passez à OAuth.",
        "Use the mailbox's sign-in name (UPN), not an alias, with its current "
        "password; if the account uses multifactor authentication, switch to OAuth.",
    ),
    "auth.app_password_required.summary": _m(
        "Le compte exige un mot de passe d'application pour ce type de connexion.",
        "The account requires an app password for this kind of login.",
    ),
    "auth.app_password_required.hint": _m(
        "Activez la validation en deux étapes du compte, créez un mot de passe "
        "d'application (Compte Google > Sécurité > Mots de passe des applications) "
        "et entrez ses 16 lettres sans espaces au lieu du mot de passe habituel.",
        "Turn on 2-Step Verification for the account, create an app password "
        "(Google Account > Security > App passwords) and enter its 16 letters "
        "without spaces instead of the usual password.",
    ),
    "auth.smtp_auth_disabled.summary": _m(
        "Microsoft 365 refuse l'authentification SMTP (SMTP AUTH) pour cette boîte "
        "aux lettres ou cette organisation.",
        "Microsoft 365 refuses SMTP login (SMTP AUTH) for this mailbox or "
        "organization.",
    ),
    "auth.smtp_auth_disabled.hint": _m(
        "Dans le centre d'administration Exchange, ouvrez la boîte aux lettres > "
        "Gérer les applications de messagerie et cochez « SMTP authentifié »; "
        "vérifiez aussi que SMTP AUTH est permis pour l'organisation et que les "
        "paramètres de sécurité par défaut sont désactivés.",
        "In the Exchange admin center, open the mailbox > Manage email apps and "
        "check Authenticated SMTP; also make sure SMTP AUTH is allowed for the "
        "organization and Security defaults are turned off.",
    ),
    "auth.smtp_auth_disabled.hint.tenant": _m(
        "SMTP AUTH est désactivé pour toute l'organisation. Un administrateur, dans "
        "PowerShell : Connect-ExchangeOnline, puis Set-TransportConfig "
        "-SmtpClientAuthenticationDisabled $false; ou, pour cette boîte seulement : "
        "centre d'administration Microsoft 365 > Utilisateurs actifs > la boîte > "
        "Courrier > Gérer les applications de messagerie > cochez « SMTP authentifié ». "
        "Le changement peut prendre jusqu'à une heure.",
        "SMTP AUTH is turned off for the whole organization. An admin, in PowerShell: "
        "Connect-ExchangeOnline, then Set-TransportConfig -SmtpClientAuthenticationDisabled "
        "$false; or, for this mailbox only: Microsoft 365 admin center > Active users > "
        "the mailbox > Mail > Manage email apps > check Authenticated SMTP. The change can "
        "take up to an hour.",
    ),
    "auth.smtp_auth_disabled.hint.mailbox": _m(
        "SMTP AUTH est désactivé pour cette boîte. Centre d'administration Microsoft 365 "
        "> Utilisateurs actifs > la boîte > Courrier > Gérer les applications de "
        "messagerie > cochez « SMTP authentifié »; ou, dans PowerShell : "
        "Connect-ExchangeOnline, puis Set-CASMailbox -Identity {username} "
        "-SmtpClientAuthenticationDisabled $false. Le changement peut prendre jusqu'à une "
        "heure.",
        "SMTP AUTH is turned off for this mailbox. Microsoft 365 admin center > Active "
        "users > the mailbox > Mail > Manage email apps > check Authenticated SMTP; or, in "
        "PowerShell: Connect-ExchangeOnline, then Set-CASMailbox -Identity {username} "
        "-SmtpClientAuthenticationDisabled $false. The change can take up to an hour.",
    ),
    "auth.smtp_auth_disabled.hint.security_defaults": _m(
        "Les paramètres de sécurité par défaut (Security defaults) coupent SMTP AUTH "
        "pour tout le locataire, avec un mot de passe comme avec la connexion Microsoft. "
        "Les désactiver retire leur protection (l'authentification multifacteur) à tout "
        "le monde : qu'un administrateur les remplace d'abord par des stratégies d'accès "
        "conditionnel qui gardent l'authentification multifacteur, puis permette SMTP "
        "AUTH pour cette boîte seulement, et choisissez alors « Se connecter avec "
        "Microsoft ».",
        "Security defaults turn SMTP AUTH off for the whole tenant, for a password and "
        "for Microsoft sign-in alike. Turning them off removes their protection "
        "(multi-factor authentication) for everyone: have an admin first replace them "
        "with Conditional Access policies that keep multi-factor authentication, then "
        "allow SMTP AUTH for this mailbox only, and choose \"Sign in with Microsoft\".",
    ),
    "auth.smtp_auth_disabled.hint.conditional_access": _m(
        "Une stratégie d'accès conditionnel bloque cette connexion : un "
        "administrateur doit exclure ce compte ou l'adresse IP du magasin de la "
        "stratégie dans Microsoft Entra ID.",
        "A Conditional Access policy blocks this login: an admin must exclude this "
        "account or the store's IP address from the policy in Microsoft Entra ID.",
    ),
    "auth.basic_auth_retired.summary": _m(
        "Le serveur n'accepte plus le nom d'utilisateur et le mot de passe "
        "(authentification de base) pour l'envoi.",
        "The server no longer accepts a username and password (basic "
        "authentication) for sending.",
    ),
    "auth.basic_auth_retired.hint": _m(
        "Passez à l'authentification OAuth (connexion Microsoft 365 avec un code "
        "d'appareil), ou demandez à l'administrateur de réactiver SMTP AUTH de base "
        "tant que Microsoft le permet; un connecteur relais par adresse IP est "
        "une autre option.",
        "Switch to OAuth (Microsoft 365 sign-in with a device code), or ask the "
        "admin to turn basic SMTP AUTH back on while Microsoft still allows it; a "
        "connector relay trusted by IP address is another option.",
    ),
    "auth.mechanism_unsupported.summary": _m(
        "Aucune des méthodes d'authentification offertes par le serveur"
        "[ ({mechanisms})] n'est utilisable.",
        "None of the login methods the server offers[ ({mechanisms})] can be used.",
    ),
    "auth.mechanism_unsupported.hint": _m(
        "Vérifiez le réglage de sécurité (certaines méthodes n'apparaissent qu'après "
        "STARTTLS) et le type d'authentification (mot de passe ou OAuth) attendu "
        "par le fournisseur.",
        "Check the security setting (some methods appear only after STARTTLS) and "
        "the kind of login (password or OAuth) the provider expects.",
    ),
    "auth.oauth_failed.summary": _m(
        "Le serveur a refusé le jeton d'accès OAuth[ (statut {status})].",
        "The server rejected the OAuth access token[ (status {status})].",
    ),
    "auth.oauth_failed.hint": _m(
        "Reconnectez le compte pour obtenir un nouveau jeton; vérifiez que c'est "
        "bien la boîte d'envoi et que l'application a la permission SMTP.Send "
        "(Microsoft) ou la portée mail.google.com (Google).",
        "Sign the account in again to get a new token; check that it is the mailbox "
        "you send from and that the app has the SMTP.Send permission (Microsoft) or "
        "the mail.google.com scope (Google).",
    ),
    "auth.rate_limited.summary": _m(
        "Trop de tentatives d'authentification : le serveur refuse temporairement "
        "les connexions.",
        "Too many login attempts: the server is refusing logins for a while.",
    ),
    "auth.rate_limited.hint": _m(
        "Attendez de 15 à 30 minutes avant de réessayer, et vérifiez d'abord le mot "
        "de passe pour éviter le verrouillage du compte.",
        "Wait 15 to 30 minutes before trying again, and check the password first so "
        "the account does not get locked.",
    ),
    # --- envelope -------------------------------------------------------------------------
    "sender.not_authenticated.summary": _m(
        "Le serveur n'accepte pas de courriel de cette connexion sans "
        "authentification.",
        "The server does not accept mail from this connection without a login.",
    ),
    "sender.not_authenticated.hint": _m(
        "Choisissez l'authentification par nom d'utilisateur et mot de passe (ou "
        "OAuth) avec les identifiants de la boîte aux lettres.",
        "Set the login to username and password (or OAuth) with the mailbox's "
        "credentials.",
    ),
    "sender.not_authenticated.hint.starttls_first": _m(
        "Le serveur exige le chiffrement avant l'envoi : choisissez STARTTLS (port "
        "587) ou le SSL/TLS implicite (port 465).",
        "The server requires encryption before sending: choose STARTTLS (port 587) "
        "or implicit SSL/TLS (port 465).",
    ),
    "sender.not_authenticated.hint.microsoft": _m(
        "Microsoft 365 exige une authentification réussie avant l'envoi : "
        "choisissez mot de passe ou OAuth, et cochez « SMTP authentifié » pour la "
        "boîte aux lettres.",
        "Microsoft 365 needs a successful login before sending: choose password or "
        "OAuth, and check Authenticated SMTP for the mailbox.",
    ),
    "sender.send_as_denied.summary": _m(
        "Le compte[ {username}] n'a pas le droit d'envoyer au nom de l'adresse "
        "d'expédition[ {sender}].",
        "The account[ {username}] is not allowed to send as the sender address[ {sender}].",
    ),
    "sender.send_as_denied.hint": _m(
        "Utilisez l'adresse de la boîte aux lettres connectée comme expéditeur (Ctrl+F le "
        "fait; sinon la ligne from_address du fichier de réglages), ou demandez à un administrateur d'accorder à ce compte la permission "
        "« Envoyer en tant que » pour cette adresse.",
        "Use the signed-in mailbox's own address as the sender (Ctrl+F does it; otherwise the from_address line of the settings file), "
        "or have an admin "
        "grant this account the Send As permission for that address.",
    ),
    "sender.rejected.summary": _m(
        "Le serveur a refusé l'adresse d'expédition[ {sender}][ : {reply}].",
        "The server refused the sender address[ {sender}][: {reply}].",
    ),
    "sender.rejected.summary.dmarc": _m(
        "Le message a été refusé, car le domaine de l'expéditeur n'est pas "
        "authentifié (SPF, DKIM, DMARC).",
        "The message was refused because the sender's domain is not authenticated "
        "(SPF, DKIM, DMARC).",
    ),
    "sender.rejected.hint": _m(
        "Utilisez une adresse de la boîte authentifiée ou d'un domaine accepté par "
        "le serveur, et vérifiez qu'elle ne contient pas de faute de frappe.",
        "Use an address of the signed-in mailbox or of a domain the server accepts, "
        "and check it for typos.",
    ),
    "sender.rejected.hint.dmarc": _m(
        "Dans le DNS du domaine, publiez l'inclusion SPF du fournisseur, activez la "
        "signature DKIM et ajoutez un enregistrement DMARC; envoyez ensuite par le "
        "serveur du fournisseur.",
        "In the domain's DNS, publish the provider's SPF include, turn on DKIM "
        "signing and add a DMARC record; then send through the provider's server.",
    ),
    "recipient.rejected.summary": _m(
        "Le serveur a refusé le destinataire[ {recipient}][ : {reply}].",
        "The server refused the recipient[ {recipient}][: {reply}].",
    ),
    "recipient.rejected.hint": _m(
        "Vérifiez l'adresse du destinataire du test et essayez une autre adresse "
        "que vous savez valide.",
        "Check the test recipient's address and try another address you know "
        "exists.",
    ),
    "relay.denied.summary": _m(
        "Le serveur refuse de relayer le message vers ce destinataire à partir de "
        "cette connexion.",
        "The server refuses to relay the message to this recipient from this "
        "connection.",
    ),
    "relay.denied.hint": _m(
        "Authentifiez-vous avec le nom d'utilisateur et le mot de passe de la boîte "
        "(SMTP AUTH), ou demandez à l'administrateur du serveur d'autoriser le "
        "relais depuis l'adresse IP publique du magasin.",
        "Log in with the mailbox's username and password (SMTP AUTH), or ask the "
        "server's administrator to allow relaying from the store's public IP "
        "address.",
    ),
    "relay.denied.hint.microsoft": _m(
        "Envoyez par smtp.office365.com port 587 avec authentification, ou demandez "
        "à l'administrateur de créer un connecteur qui reconnaît l'adresse IP "
        "publique du magasin.",
        "Send through smtp.office365.com port 587 with a login, or ask the admin to "
        "create a connector that trusts the store's public IP address.",
    ),
    # --- server-side faults (the settings are right) ---------------------------------------
    "auth.temporary_failure.summary": _m(
        "Le service de connexion du serveur a échoué temporairement : le mot de passe "
        "n'a pas été vérifié[ ({reply})].",
        "The server's login service failed for now: the password was never checked"
        "[ ({reply})].",
    ),
    "auth.temporary_failure.summary.cut": _m(
        "Le serveur a coupé la connexion pendant la vérification du mot de passe : "
        "celui-ci n'a pas été jugé.",
        "The server cut the connection while checking the password: it was never judged.",
    ),
    "auth.temporary_failure.summary.after_tls": _m(
        "Le chiffrement a réussi, puis le serveur a coupé la connexion avant "
        "l'authentification : son service de connexion est probablement en panne, et le "
        "mot de passe n'a pas été vérifié.",
        "Encryption worked, then the server cut the connection before the login: its "
        "login service is probably down, and the password was never checked.",
    ),
    "auth.temporary_failure.hint": _m(
        "Ne changez aucun réglage : réessayez dans quelques minutes et, si cela se "
        "répète, signalez à l'administrateur du serveur que son service d'accès ne "
        "répond pas.",
        "Change no setting: try again in a few minutes and, if it happens again, tell the "
        "server's administrator that its sign-on service does not answer.",
    ),
    "smtp.disconnected.summary.after_tls": _m(
        "Le chiffrement a réussi, puis le serveur a coupé la connexion.",
        "Encryption worked, then the server cut the connection.",
    ),
    "smtp.disconnected.hint.after_tls": _m(
        "Les réglages de connexion sont bons (le chiffrement a fonctionné) : c'est un "
        "problème du serveur. Réessayez, puis signalez-le à son administrateur.",
        "The connection settings are right (encryption worked): it is the server's "
        "fault. Try again, then tell its administrator.",
    ),
    "smtp.timeout.summary": _m(
        "Le serveur a cessé de répondre pendant l'étape « {step} »[ (délai de {timeout} s)].",
        "The server stopped answering during the step \"{step}\"[ ({timeout} s timeout)].",
    ),
    "smtp.timeout.hint": _m(
        "Le serveur a répondu jusque-là : réessayez; si cela se répète, le serveur "
        "est surchargé ou un pare-feu coupe les longues connexions. Un délai plus long "
        "(Serveur > Avancé > Délai d'attente) peut aider.",
        "The server answered until then: try again; if it happens again, the server is "
        "overloaded or a firewall cuts long connections. A longer timeout (Server > "
        "Advanced > Timeout) may help.",
    ),
    "recipient.temporary.summary": _m(
        "Le serveur a reporté le destinataire[ {recipient}][ : {reply}].",
        "The server deferred the recipient[ {recipient}][: {reply}].",
    ),
    "recipient.temporary.hint": _m(
        "C'est temporaire (liste grise, boîte du destinataire occupée) : réessayez dans "
        "quelques minutes; aucun réglage n'est en cause.",
        "It is temporary (greylisting, the recipient's mailbox busy): try again in a few "
        "minutes; no setting is at fault.",
    ),
    "relay.local_only.summary": _m(
        "Accepté sans authentification sur le port 25, mais seulement pour un destinataire "
        "du même domaine[ ({recipient})] : cela prouve la réception, pas l'envoi.",
        "Accepted with no login on port 25, but only for a recipient of the same domain"
        "[ ({recipient})]: that proves receiving, not sending.",
    ),
    "smtp.greeting_slow.summary": _m(
        "Le serveur a fini par accueillir la connexion, mais après {seconds} s, au-delà "
        "du délai d'attente[ de {timeout} s] : il est lent, pas en panne.",
        "The server did greet the connection, but after {seconds} s, past the timeout"
        "[ of {timeout} s]: it is slow, not down.",
    ),
    "smtp.greeting_slow.hint": _m(
        "Allongez le délai d'attente (Serveur > Avancé > Délai d'attente) puis refaites "
        "le test. Un accueil aussi lent vient souvent d'un serveur surchargé ou d'une "
        "vérification DNS inverse qui traîne de son côté : signalez-le à son administrateur.",
        "Make the timeout longer (Server > Advanced > Timeout), then test again. A greeting "
        "this slow often comes from an overloaded server or a slow reverse DNS check on "
        "its side: tell its administrator.",
    ),
    "auth.cleartext_allowed.summary": _m(
        "Connexion acceptée, mais le mot de passe a traversé le réseau sans chiffrement "
        "(permis par le réglage « Permettre le mot de passe sans chiffrement »).",
        "Login accepted, but the password crossed the network unencrypted (allowed by the "
        "setting \"Allow password without encryption\").",
    ),
    "auth.cleartext_allowed.hint": _m(
        "Acceptable seulement vers un relais de confiance sur le même réseau local. "
        "Sinon, choisissez STARTTLS (587) ou le SSL/TLS implicite (465) et retirez "
        "cette permission (ligne allow_insecure_auth du fichier de réglages).",
        "Acceptable only towards a trusted relay on the same local network. Otherwise, "
        "choose STARTTLS (587) or implicit SSL/TLS (465) and remove that permission "
        "(the allow_insecure_auth line of the settings file).",
    ),
    "relay.local_only.hint": _m(
        "Les clients et les fournisseurs (destinataires extérieurs) seront probablement "
        "refusés. Faites un essai vers une adresse externe (Destinataire du test, ou "
        "--to), ou utilisez le serveur d'envoi du fournisseur avec authentification "
        "(port 587 ou 465).",
        "Customers and suppliers (outside recipients) will probably be refused. Try a "
        "test to an outside address (Test recipient, or --to), or use the provider's "
        "sending server with a login (port 587 or 465).",
    ),
    # --- what the whole run proved (classifier.weigh_run) -----------------------------------
    "relay.denied.summary.after_login": _m(
        "La connexion a réussi, mais le serveur refuse de relayer vers ce destinataire"
        "[ ({recipient})].",
        "The login worked, but the server refuses to relay to this recipient"
        "[ ({recipient})].",
    ),
    "relay.denied.hint.after_login": _m(
        "L'identifiant est bon : ce compte n'a pas le droit d'envoyer vers l'extérieur "
        "par ce serveur, ou ce n'est pas le serveur d'envoi du fournisseur. Vérifiez "
        "l'hôte SMTP indiqué par le fournisseur et demandez-lui si ce compte peut relayer.",
        "The login is right: this account may not send outside through this server, or "
        "this is not the provider's sending server. Check the SMTP host the provider "
        "gives and ask whether this account may relay.",
    ),
    "relay.denied.summary.mx_port": _m(
        "La connexion a réussi, mais le port 25 de ce serveur ne reçoit que le courriel "
        "destiné à son propre domaine.",
        "The login worked, but port 25 of this server only takes mail for its own domain.",
    ),
    "relay.denied.hint.mx_port": _m(
        "Ce serveur est probablement celui qui reçoit le courriel du domaine (MX), pas "
        "celui qui l'envoie : utilisez le serveur d'envoi du fournisseur, port 587 "
        "(STARTTLS) ou 465 (SSL/TLS implicite).",
        "This is probably the server that receives the domain's mail (MX), not the one "
        "that sends it: use the provider's sending server, port 587 (STARTTLS) or 465 "
        "(implicit SSL/TLS).",
    ),
    "relay.denied.summary.port25_no_login": _m(
        "Sans authentification, le port 25 de ce serveur ne prend que le courriel destiné "
        "à son propre domaine.",
        "With no login, port 25 of this server only takes mail for its own domain.",
    ),
    "relay.denied.hint.port25_no_login": _m(
        "Pour envoyer aux clients et aux fournisseurs, utilisez le port de soumission du "
        "fournisseur, 587 (ou 465), avec le nom d'utilisateur et le mot de passe de la "
        "boîte; ce port 25 n'offre aucune authentification.",
        "To send to customers and suppliers, use the provider's submission port, 587 (or "
        "465), with the mailbox's username and password; this port 25 offers no login "
        "at all.",
    ),
    "sender.not_authenticated.summary.after_login": _m(
        "Le serveur dit que la connexion n'est pas authentifiée, alors que la connexion "
        "a réussi dans cet envoi.",
        "The server says the session is not authenticated, although the login worked in "
        "this very run.",
    ),
    "sender.not_authenticated.hint.after_login": _m(
        "Les réglages sont bons, c'est le serveur qui se contredit : réessayez, et "
        "signalez à l'administrateur du serveur la réponse complète ci-dessus.",
        "The settings are right; the server contradicts itself: try again, and show the "
        "server's administrator the full reply above.",
    ),
    "auth.unavailable.summary.encrypted_no_auth": _m(
        "La connexion est chiffrée, mais le serveur n'offre toujours pas "
        "l'authentification (SMTP AUTH).",
        "The connection is encrypted, yet the server still offers no login (SMTP AUTH).",
    ),
    "auth.unavailable.hint.encrypted_no_auth": _m(
        "Ce serveur (ou ce port) n'accepte pas les connexions par mot de passe : c'est "
        "souvent le serveur qui reçoit le courriel (MX, port 25) ou un relais réservé "
        "à certaines adresses IP. Utilisez le serveur d'envoi du fournisseur (port 587 "
        "ou 465), ou choisissez « Aucune » authentification si le relais reconnaît "
        "l'adresse IP du magasin.",
        "This server (or port) takes no password logins: it is often the server that "
        "receives mail (MX, port 25) or a relay kept for some IP addresses. Use the "
        "provider's sending server (port 587 or 465), or choose no login if the relay "
        "trusts the store's IP address.",
    ),
    "message.too_large.summary.tiny": _m(
        "Le serveur refuse pour sa taille un message de seulement {size} octets.",
        "The server refuses as too large a message of only {size} bytes.",
    ),
    "message.too_large.hint.tiny": _m(
        "Ce n'est pas la taille du message : la limite du serveur est mal réglée ou le "
        "quota du compte est épuisé. Vérifiez l'espace de la boîte et demandez au "
        "fournisseur de vérifier la limite d'envoi.",
        "It is not the message's size: the server's limit is misconfigured or the "
        "account's quota is used up. Check the mailbox's storage and ask the provider "
        "to check the sending limit.",
    ),
    "connect.refused.hint.every_port": _m(
        "Les ports essayés ensuite ({tried_ports}) refusent aussi : le serveur est arrêté, ou un pare-feu "
        "rejette les connexions. Vérifiez le nom du serveur, puis essayez depuis un "
        "autre réseau ou demandez au fournisseur si le service fonctionne.",
        "The ports tried next ({tried_ports}) refuse too: the server is down, or a firewall rejects "
        "the connections. Check the server name, then try from another network or ask "
        "the provider whether the service is up.",
    ),
    "connect.timeout.hint.every_port": _m(
        "Aucun des ports essayés ensuite ({tried_ports}) ne répond : le réseau du magasin ou un "
        "pare-feu bloque les connexions sortantes, ou le serveur est injoignable. "
        "Essayez depuis un autre réseau (partage de connexion d'un téléphone).",
        "None of the ports tried next ({tried_ports}) answers: the store's network or a "
        "firewall blocks outgoing connections, or the server cannot be reached. Try "
        "from another network (a phone's hotspot).",
    ),
    "tls.wrong_mode.hint.implicit_ruled_out": _m(
        "Le SSL/TLS implicite a aussi été essayé sur ce port, sans succès : vérifiez le "
        "port et le mode de sécurité indiqués par le fournisseur.",
        "Implicit SSL/TLS was also tried on this port, and did not work: check the port "
        "and security mode the provider gives.",
    ),
    "smtp.banner_timeout.hint.implicit_ruled_out": _m(
        "Le SSL/TLS implicite a aussi été essayé sur ce port, sans réponse : le serveur "
        "est lent ou surchargé. Réessayez avec un délai plus long (Serveur > Avancé > "
        "Délai d'attente), ou plus tard.",
        "Implicit SSL/TLS was also tried on this port, with no answer: the server is "
        "slow or overloaded. Try again with a longer timeout (Server > Advanced > "
        "Timeout), or later.",
    ),
    # --- message and limits ---------------------------------------------------------------
    "message.too_large.summary": _m(
        "Le message est trop volumineux pour le serveur[ (limite : {limit} octets)].",
        "The message is too large for the server[ (limit: {limit} bytes)].",
    ),
    "message.too_large.hint": _m(
        "Envoyez des pièces jointes plus petites (PDF ou images réduits) ou "
        "demandez au fournisseur d'augmenter la limite.",
        "Send smaller attachments (shrink PDFs or images) or ask the provider to "
        "raise the limit.",
    ),
    "quota.exceeded.summary": _m(
        "Le compte a atteint sa limite d'envoi.",
        "The account has reached its sending limit.",
    ),
    "quota.exceeded.hint": _m(
        "Attendez la réinitialisation de la limite (habituellement 24 heures); pour "
        "de gros volumes, utilisez un service de relais.",
        "Wait for the limit to reset (usually 24 hours); for large volumes, use a "
        "relay service.",
    ),
    "quota.exceeded.hint.google": _m(
        "Google Workspace permet environ 2 000 messages par jour par utilisateur : "
        "attendez 24 heures, ou utilisez le service de relais SMTP "
        "(smtp-relay.gmail.com) configuré par l'administrateur.",
        "Google Workspace allows about 2,000 messages per user per day: wait 24 "
        "hours, or use the SMTP relay service (smtp-relay.gmail.com) set up by the "
        "admin.",
    ),
    "quota.exceeded.hint.microsoft": _m(
        "Microsoft 365 permet 10 000 destinataires par jour et 30 messages par "
        "minute par boîte aux lettres : attendez, puis envoyez plus lentement.",
        "Microsoft 365 allows 10,000 recipients per day and 30 messages per minute "
        "per mailbox: wait, then send more slowly.",
    ),
    "rate.limited.summary": _m(
        "Le serveur limite temporairement cette connexion (trop de connexions ou de "
        "messages).",
        "The server is temporarily limiting this connection (too many connections "
        "or messages).",
    ),
    "rate.limited.hint": _m(
        "Attendez quelques minutes et réessayez; fermez les autres programmes qui "
        "envoient avec ce compte au même moment.",
        "Wait a few minutes and try again; close other programs that send through "
        "this account at the same time.",
    ),
    "mailbox.full.summary": _m(
        "La boîte aux lettres est pleine.",
        "The mailbox is full.",
    ),
    "mailbox.full.summary.recipient": _m(
        "La boîte aux lettres du destinataire[ {recipient}] est pleine.",
        "The recipient's mailbox[ {recipient}] is full.",
    ),
    "mailbox.full.hint": _m(
        "Libérez de l'espace dans la boîte d'envoi (videz les éléments supprimés et "
        "les anciens éléments envoyés : les copies envoyées comptent dans le quota) "
        "ou augmentez son quota.",
        "Free space in the sending mailbox (empty Deleted Items and old Sent Items: "
        "sent copies count toward the quota) or raise its quota.",
    ),
    "mailbox.full.hint.recipient": _m(
        "Essayez le test avec un autre destinataire; celui-ci doit libérer de "
        "l'espace.",
        "Run the test with another recipient; this one must free some space.",
    ),
    "unknown.summary": _m(
        "Le serveur a donné une réponse inattendue : {reply}",
        "The server gave an unexpected answer: {reply}",
    ),
    "unknown.summary.timeout": _m(
        "Le serveur a cessé de répondre[ après {timeout} s].",
        "The server stopped answering[ after {timeout} s].",
    ),
    "unknown.summary.error": _m(
        "Le test s'est arrêté sur une erreur inattendue : {reply}",
        "The test stopped on an unexpected error: {reply}",
    ),
    "unknown.hint": _m(
        "Notez la réponse exacte et communiquez-la au fournisseur de courriel ou à "
        "l'administrateur du serveur; elle leur indiquera le problème.",
        "Note the exact answer and pass it on to the mail provider or the server's "
        "administrator; it tells them what went wrong.",
    ),
    "unknown.hint.timeout": _m(
        "Réessayez; si le problème se répète, le serveur, un pare-feu ou un "
        "antivirus retient la connexion : communiquez avec le fournisseur.",
        "Try again; if it happens again, the server, a firewall or an antivirus is "
        "holding the connection: contact the provider.",
    ),
    "dns.resolver_broken.summary": _m(
        "Le résolveur DNS de cet ordinateur dit que[ {host}] n'existe pas, mais il dit la "
        "même chose de noms qui existent à coup sûr[ ({names})] : il est filtré ou en panne.",
        "This computer's DNS resolver says that[ {host}] does not exist, but it says the "
        "same of names that certainly exist[ ({names})]: it is filtered or broken.",
    ),
    "dns.resolver_broken.hint": _m(
        "Vérifiez le DNS de cet ordinateur : un filtre DNS (antivirus, contrôle parental, "
        "filtre d'entreprise), un VPN, un portail captif (une page Wi-Fi qui demande de se "
        "connecter), les serveurs de /etc/resolv.conf (sous Windows : les réglages DNS de la "
        "carte réseau). Tant qu'il ment, impossible de savoir si le nom du serveur est "
        "juste; refaites ensuite le test.",
        "Check this computer's DNS: a DNS filter (antivirus, parental or company filter), a "
        "VPN, a captive portal (a Wi-Fi page asking you to sign in), the servers in "
        "/etc/resolv.conf (on Windows: the network adapter's DNS settings). While it lies, "
        "whether the server name is right cannot be told; then run the test again.",
    ),
    # --- internationalised addresses (RFC 6531) -----------------------------------------------
    "address.needs_smtputf8.summary": _m(
        "L'adresse {address} a des lettres accentuées (non ASCII) avant le « @ », et le "
        "serveur[ {host}] n'offre pas SMTPUTF8, l'extension qu'il faut pour une telle "
        "adresse : rien n'a été envoyé.",
        "The address {address} has accented (non-ASCII) letters before the “@”, and the "
        "server[ {host}] does not offer SMTPUTF8, the extension such an address needs: "
        "nothing was sent.",
    ),
    "address.needs_smtputf8.hint": _m(
        "L'adresse n'est pas une faute de frappe : c'est ce serveur qui ne sait pas la "
        "transmettre. Pour l'expéditeur, créez chez le fournisseur un alias sans accents "
        "de la même boîte (par exemple elise@ pour élise@), puis utilisez-le comme "
        "expéditeur (« Courriel de l'entreprise » dans l'assistant; essayez-le d'abord avec "
        "comelin-tui check --from); ou utilisez un serveur d'envoi qui offre SMTPUTF8. "
        "Des accents dans le domaine, après le « @ », ne demandent rien.",
        "The address is not a typo: this server cannot carry it. For the sender, create an "
        "alias without accents for the same mailbox at the provider (for example elise@ "
        "for élise@), then use it as the sender (“Company email” in the wizard; try it "
        "first with comelin-tui check --from); or use a sending server that offers "
        "SMTPUTF8. Accents in the domain, after the “@”, need nothing.",
    ),
    "address.needs_smtputf8.summary.refused": _m(
        "Le serveur a refusé une adresse accentuée avant le « @ »[ : {reply}].",
        "The server refused an address with accented letters before the “@”[: {reply}].",
    ),
    "address.needs_smtputf8.hint.refused": _m(
        "L'adresse n'est pas une faute de frappe : un serveur sur le chemin ne sait pas la "
        "transmettre (SMTPUTF8). Utilisez une adresse sans accents avant le « @ » (un "
        "alias de la même boîte, créé chez le fournisseur).",
        "The address is not a typo: a server on the way cannot carry it (SMTPUTF8). Use "
        "an address without accents before the “@” (an alias of the same mailbox, created "
        "at the provider).",
    ),
}

# --- the store's network: port 25, interception, IPv6 against IPv4, the clock -----------------
_CLOCK_WRONG = _m(
    "L'horloge de cet ordinateur indique {now}, celle du serveur {server_time} : c'est "
    "l'heure de cet ordinateur qui est fausse. Réglez sa date et son heure (heure "
    "automatique, synchronisation NTP ; sous Windows : Paramètres > Heure et langue > "
    "Synchroniser maintenant ; une pile de carte mère morte remet l'horloge à zéro à chaque "
    "démarrage), puis refaites le test. Ne touchez pas aux réglages du courriel.",
    "This computer's clock says {now}, the server's says {server_time}: this computer's "
    "time is wrong. Set its date and time (automatic time, NTP sync; on Windows: Settings "
    "> Time & language > Sync now; a dead motherboard battery resets the clock at every "
    "start), then test again. Change no email setting.",
)
_CLOCK_RIGHT = _m(
    "L'horloge de cet ordinateur ({now}) s'accorde avec celle du serveur ({server_time}) : "
    "c'est bien le certificat du serveur qui est hors de ses dates. Son administrateur "
    "(ou le fournisseur) doit le renouveler ; aucun réglage d'ici n'y changera rien.",
    "This computer's clock ({now}) agrees with the server's ({server_time}): the server's "
    "certificate really is outside its dates. Its administrator (or the provider) must "
    "renew it; no setting here will change that.",
)
_INTERCEPTED_ANTIVIRUS = _m(
    "Dans {product}, désactivez l'analyse du courriel sortant (bouclier Courriel / "
    "« Mail Shield », protection du courriel, analyse SSL/TLS des courriels), ou ajoutez "
    "une exception pour {host}[ port {port}] ; puis refaites le test. Ne changez pas le "
    "serveur ni le mot de passe : ils ne sont pas en cause.",
    "In {product}, turn off the scanning of outgoing email (Mail Shield, email "
    "protection, SSL/TLS scanning of email), or add an exception for {host}[ port "
    "{port}]; then test again. Do not change the server or the password: they are not "
    "at fault.",
)
_INTERCEPTED_FIREWALL = _m(
    "Demandez à qui gère le pare-feu {product} d'exclure {host}[ port {port}] de "
    "l'inspection SSL/TLS (déchiffrement) ; puis refaites le test. Ne changez pas le "
    "serveur ni le mot de passe : ils ne sont pas en cause.",
    "Ask whoever runs the {product} firewall to exempt {host}[ port {port}] from SSL/TLS "
    "inspection (decryption); then test again. Do not change the server or the password: "
    "they are not at fault.",
)
_NETWORK: dict[str, dict[str, str]] = {
    "connect.timeout.summary.port25_blocked": _m(
        "Le port 25 ne répond pas[ sur {host}], alors que le port {suggested_port} du même "
        "serveur répond : le port 25 est bloqué à la sortie, par le fournisseur Internet ou "
        "par le pare-feu du magasin.",
        "Port 25 does not answer[ on {host}], while port {suggested_port} of the same "
        "server does: port 25 is blocked on the way out, by the Internet provider or the "
        "store's firewall.",
    ),
    "connect.timeout.hint.port25_blocked": _m(
        "Utilisez le port {suggested_port} ({suggested_security}) avec l'identifiant de la "
        "boîte : c'est le port d'envoi prévu pour les logiciels. Le port 25 sert entre "
        "serveurs ; les fournisseurs Internet le bloquent contre le pourriel. S'il faut "
        "vraiment le 25 (un relais qui reconnaît l'adresse IP du magasin), demandez au "
        "fournisseur Internet de le débloquer, ou ouvrez-le dans le pare-feu.",
        "Use port {suggested_port} ({suggested_security}) with the mailbox's login: it is "
        "the sending port meant for programs. Port 25 is for server-to-server mail; "
        "Internet providers block it against spam. If it really must be 25 (a relay that "
        "knows the store's IP address), ask the Internet provider to unblock it, or open "
        "it in the firewall.",
    ),
    "tls.untrusted.summary.intercepted_antivirus": _m(
        "Le certificat présenté[ au nom de {host}] a été émis par l'antivirus {product}, pas "
        "par une autorité publique : {product} s'interpose dans les connexions chiffrées de "
        "cet ordinateur pour analyser le courriel.",
        "The certificate presented[ for {host}] was issued by the {product} antivirus, not by "
        "a public authority: {product} steps into this computer's encrypted connections to "
        "scan email.",
    ),
    "tls.untrusted.hint.intercepted_antivirus": _INTERCEPTED_ANTIVIRUS,
    "tls.untrusted.summary.intercepted_firewall": _m(
        "Le certificat présenté[ au nom de {host}] a été émis par le pare-feu {product}, pas "
        "par une autorité publique : le réseau déchiffre les connexions chiffrées "
        "(inspection SSL/TLS).",
        "The certificate presented[ for {host}] was issued by the {product} firewall, not by "
        "a public authority: the network decrypts encrypted connections (SSL/TLS "
        "inspection).",
    ),
    "tls.untrusted.hint.intercepted_firewall": _INTERCEPTED_FIREWALL,
    "tls.intercepted.summary": _m(
        "La connexion chiffrée[ vers {host}] passe par {product} : son certificat remplace "
        "celui du serveur, et cet ordinateur lui fait confiance.",
        "The encrypted connection[ to {host}] goes through {product}: its certificate "
        "stands in for the server's, and this computer trusts it.",
    ),
    "tls.intercepted.hint": _m(
        "Le courriel part, mais {product} lit chaque message et le mot de passe avant le "
        "serveur, et ce n'est pas le vrai certificat du serveur qui a été vérifié.",
        "Mail goes out, but {product} reads every message and the password before the "
        "server does, and it is not the server's real certificate that was checked.",
    ),
    "tls.intercepted.hint.antivirus": _m(
        "Le courriel part, mais {product} lit chaque message et le mot de passe avant le "
        "serveur, et des envois peuvent échouer quand il se met à jour. "
        + _INTERCEPTED_ANTIVIRUS["fr"],
        "Mail goes out, but {product} reads every message and the password before the "
        "server does, and sends may fail when it updates. " + _INTERCEPTED_ANTIVIRUS["en"],
    ),
    "tls.intercepted.hint.firewall": _m(
        "Le courriel part, mais le pare-feu lit chaque message et le mot de passe avant le "
        "serveur. " + _INTERCEPTED_FIREWALL["fr"],
        "Mail goes out, but the firewall reads every message and the password before the "
        "server does. " + _INTERCEPTED_FIREWALL["en"],
    ),
    "tls.expired.summary.not_yet_valid_clock_wrong": _m(
        "Le certificat du serveur n'est pas encore valide selon l'horloge de cet ordinateur"
        "[ (valide à partir du {not_before})].",
        "The server's certificate is not valid yet by this computer's clock[ (valid from "
        "{not_before})].",
    ),
    "tls.expired.summary.not_yet_valid_clock_right": _m(
        "Le certificat du serveur n'est pas encore valide[ (valide à partir du "
        "{not_before})].",
        "The server's certificate is not valid yet[ (valid from {not_before})].",
    ),
    "tls.expired.summary.expired_clock_wrong": _m(
        "Le certificat du serveur est expiré selon l'horloge de cet ordinateur[ (valide "
        "jusqu'au {not_after})].",
        "The server's certificate has expired by this computer's clock[ (valid until "
        "{not_after})].",
    ),
    "tls.expired.hint.not_yet_valid_clock_wrong": _CLOCK_WRONG,
    "tls.expired.hint.expired_clock_wrong": _CLOCK_WRONG,
    "tls.expired.hint.not_yet_valid_clock_right": _m(
        "L'horloge de cet ordinateur ({now}) s'accorde avec celle du serveur ({server_time}) : "
        "le certificat installé sur le serveur ne commence vraiment que plus tard. Son "
        "administrateur (ou le fournisseur) l'a mis en place trop tôt et doit remettre le "
        "certificat en cours ; aucun réglage d'ici n'y changera rien.",
        "This computer's clock ({now}) agrees with the server's ({server_time}): the "
        "certificate installed on the server really starts later. Its administrator (or the "
        "provider) put it in place too early and must put the current one back; no setting "
        "here will change that.",
    ),
    "tls.expired.hint.expired_clock_right": _CLOCK_RIGHT,
    "tls.expired.hint.not_yet_valid": _m(
        "L'horloge de cet ordinateur indique {now} : un certificat « pas encore valide » "
        "veut presque toujours dire que cette heure est en retard. Réglez la date et "
        "l'heure (heure automatique, NTP), puis refaites le test ; si elles sont justes, "
        "l'administrateur du serveur a installé un certificat trop tôt.",
        "This computer's clock says {now}: a certificate “not valid yet” almost always "
        "means that this time is behind. Set the date and time (automatic time, NTP), then "
        "test again; if they are right, the server's administrator installed a "
        "certificate too early.",
    ),
    "connect.family_failed.summary": _m(
        "{failed_family} ne mène pas au serveur[ {host}] ({failed_error}) ; "
        "{working_family} fonctionne.",
        "{failed_family} does not reach the server[ {host}] ({failed_error}); "
        "{working_family} works.",
    ),
    "connect.family_failed.hint.refused": _m(
        "Le serveur refuse les connexions sur son adresse {failed_family}"
        "[ ({failed_address})] : son enregistrement DNS ({failed_family}) pointe vers une "
        "machine où rien n'écoute sur ce port. Rien à changer ici : ce programme passe par "
        "{working_family}. Signalez-le à l'administrateur du serveur ou au fournisseur ; un "
        "logiciel qui n'essaie pas l'autre adresse échouera.",
        "The server refuses connections on its {failed_family} address"
        "[ ({failed_address})]: its DNS record ({failed_family}) points to a machine where "
        "nothing listens on this port. Nothing to change here: this program goes through "
        "{working_family}. Tell the server's administrator or the provider; a program that "
        "does not try the other address will fail.",
    ),
    "connect.family_failed.hint": _m(
        "Le nom du serveur a des adresses IPv4 et IPv6. Ce programme passe à l'autre ; un "
        "logiciel qui ne le fait pas échouera, et chaque envoi attend d'abord. Si l'IPv6 "
        "échoue : le routeur ou le fournisseur Internet donne une adresse IPv6 à cet "
        "ordinateur sans vraie connectivité IPv6 ; faites-la réparer, ou désactivez l'IPv6 "
        "sur la carte réseau de cet ordinateur. Si c'est l'IPv4 : un pare-feu ou le routeur "
        "bloque l'IPv4 vers ce serveur.",
        "The server's name has both IPv4 and IPv6 addresses. This program moves on to the "
        "other; a program that does not will fail, and every send waits first. If IPv6 "
        "fails: the router or the Internet provider gives this computer an IPv6 address "
        "without real IPv6 connectivity; have it fixed, or turn IPv6 off on this "
        "computer's network adapter. If it is IPv4: a firewall or the router blocks IPv4 "
        "to this server.",
    ),
}

_TEXTS.update(_NETWORK)

# Values shown for parameters the evidence did not provide, and security names.
_EXTRA: dict[str, dict[str, str]] = {
    "param.reply": _m("(aucun détail)", "(no details)"),
}

MESSAGES: dict[str, dict[str, str]] = {
    **{f"diagnosis.{key}": texts for key, texts in _TEXTS.items()},
    **{f"diagnosis.{key}": texts for key, texts in _EXTRA.items()},
}

register(MESSAGES)
