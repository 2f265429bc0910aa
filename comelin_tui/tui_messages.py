"""The wizard's words, in French (Québec) and English, registered with :mod:`i18n`.

Every key description and message of the Textual screens lives here, so a
translator reads them side by side in one place; the settings' own labels,
hints and help are in the field registry (:mod:`comelin_tui.fields`), the
Microsoft sign-in's words beside it (``screens/oauth_text.py``).
"""

from __future__ import annotations

from . import i18n

_STEPS = {
    "email": ("Courriel", "Email"),
    "profile": ("Expéditeur", "Sender"),
    "provider": ("Fournisseur", "Provider"),
    "server": ("Serveur", "Server"),
    "credentials": ("Identifiants", "Login"),
    "review": ("Enregistrer", "Review & save"),
    "test": ("Envoi test", "Test send"),
}

MESSAGES: dict[str, dict[str, str]] = {
    # --- title bar, keys ------------------------------------------------------
    "tui.title.language": {"fr": "FR", "en": "EN"},
    "tui.title.demo": {"fr": "DÉMO", "en": "DEMO"},
    "tui.key.help": {"fr": "Aide", "en": "Help"},
    "tui.key.language": {"fr": "English", "en": "Français"},
    "tui.key.search": {"fr": "Chercher", "en": "Search"},
    "tui.key.quit": {"fr": "Quitter", "en": "Quit"},
    "tui.key.back": {"fr": "Retour", "en": "Back"},
    # Escape on the first step: back where the wizard was opened from (the home screen).
    "tui.key.leave": {"fr": "Accueil", "en": "Home"},
    "tui.key.next": {"fr": "Suivant", "en": "Next"},
    "tui.key.steps": {"fr": "Étapes", "en": "Steps"},
    "tui.key.stay": {"fr": "Rester", "en": "Stay"},
    "tui.key.close": {"fr": "Fermer", "en": "Close"},
    "tui.key.cancel": {"fr": "Annuler", "en": "Cancel"},
    "tui.key.run": {"fr": "Envoyer", "en": "Send"},
    "tui.key.transcript": {"fr": "Échange", "en": "Transcript"},
    "tui.key.apply_fix": {"fr": "Corriger", "en": "Fix"},
    "tui.error.title": {"fr": "Erreur", "en": "Error"},
    "tui.error.unexpected": {
        "fr": "Erreur inattendue ({kind}) : {detail}. Rien n'a été perdu ; réessayez.",
        "en": "Unexpected error ({kind}): {detail}. Nothing was lost; try again.",
    },
    # --- security labels --------------------------------------------------------
    # --- sidebar ----------------------------------------------------------------
    "tui.sidebar.current": {"fr": "[>]", "en": "[>]"},
    "tui.sidebar.done": {"fr": "[x]", "en": "[x]"},
    "tui.sidebar.todo": {"fr": "[ ]", "en": "[ ]"},
    "tui.sidebar.error": {"fr": "[!]", "en": "[!]"},
    "tui.sidebar.why_test": {"fr": "test échoué", "en": "test failed"},
    # --- home -------------------------------------------------------------------
    "tui.home.title": {"fr": "Comelin · Courriel sortant de l'entreprise",
                       "en": "Comelin · Company outgoing email"},
    "tui.home.loading": {"fr": "Lecture des réglages...", "en": "Reading the settings..."},
    "tui.home.welcome_title": {"fr": "Bienvenue", "en": "Welcome"},
    "tui.home.welcome_intro": {
        "fr": "Cet assistant configure le courriel sortant que Comelin utilise pour envoyer "
              "les reçus et les factures, puis le vérifie par un vrai envoi test. "
              "Il vous demandera :",
        "en": "This wizard sets up the outgoing email Comelin uses to send receipts and "
              "invoices, then proves it with a real test send. It will ask for:",
    },
    "tui.home.welcome_steps": {
        "fr": "  1. le courriel de l'entreprise (et son nom);\n"
              "  2. le fournisseur de courriel (deviné d'après le domaine);\n"
              "  3. le serveur d'envoi : hôte, port, sécurité;\n"
              "  4. le nom d'utilisateur et le mot de passe;\n"
              "  5. une vérification, puis l'enregistrement;\n"
              "  6. un envoi test, qui prouve que tout fonctionne.",
        "en": "  1. the company email (and name);\n"
              "  2. the email provider (guessed from the domain);\n"
              "  3. the outgoing server: host, port, security;\n"
              "  4. the username and password;\n"
              "  5. a review, then saving;\n"
              "  6. a test send that proves it all works.",
    },
    "tui.home.demo_note": {
        "fr": "Mode démo : un serveur local reçoit les messages; vos vrais réglages ne sont "
              "ni lus ni modifiés.",
        "en": "Demo mode: a local server receives the messages; your real settings are "
              "neither read nor changed.",
    },
    "tui.home.language_line": {
        "fr": "Langue : français. F2 ou Ctrl+L pour passer à l'anglais, à tout moment.",
        "en": "Language: English. F2 or Ctrl+L switches to French at any time.",
    },
    "tui.home.action.start": {"fr": "Commencer la configuration", "en": "Start the setup"},
    "tui.home.action.language": {"fr": "Switch to English", "en": "Passer en français"},
    "tui.home.action.quit": {"fr": "Quitter", "en": "Quit"},
    "tui.home.relay": {"fr": "Relais", "en": "Relay"},
    "tui.home.relay_running": {"fr": "tourne sur {listen}.", "en": "running on {listen}."},
    "tui.home.relay_stopped": {"fr": "arrêté.", "en": "not running."},
    "tui.home.relay_last": {"fr": "Dernier envoi {time} : {status}.",
                            "en": "Last send {time}: {status}."},
    "tui.home.relay_status.ok": {"fr": "accepté", "en": "accepted"},
    "tui.home.relay_status.fail": {"fr": "refusé", "en": "refused"},
    "tui.home.relay_status.temporary": {"fr": "reporté", "en": "deferred"},
    "tui.home.action.connect": {"fr": "Brancher Comelin (relais local)",
                                "en": "Connect Comelin (local relay)"},
    "tui.test.connect": {"fr": "Brancher Comelin", "en": "Connect Comelin"},
    "tui.home.action.test": {"fr": "Envoyer un courriel test", "en": "Send a test email"},
    "tui.home.action.password": {"fr": "Changer le mot de passe", "en": "Change the password"},
    "tui.home.action.edit": {"fr": "Modifier les réglages", "en": "Edit the settings"},
    "tui.search.not_here": {
        "fr": "La recherche trouve les réglages de l'entreprise : quittez d'abord ce profil "
              "(Échap).",
        "en": "The search finds the company settings: leave this profile first (Escape).",
    },
    "tui.home.action.profiles": {"fr": "Profils d'expéditeur (magasins, usages)",
                                 "en": "Sender profiles (stores, purposes)"},
    "tui.home.action.start_over": {"fr": "Tout recommencer", "en": "Start over"},
    "tui.home.dashboard_title": {"fr": "Réglages enregistrés", "en": "Saved settings"},
    "tui.home.company": {"fr": "Entreprise", "en": "Company"},
    "tui.home.provider": {"fr": "Fournisseur", "en": "Provider"},
    "tui.home.server": {"fr": "Serveur", "en": "Server"},
    "tui.home.security": {"fr": "Sécurité", "en": "Security"},
    "tui.home.username": {"fr": "Utilisateur", "en": "Username"},
    "tui.home.secret": {"fr": "Mot de passe", "en": "Password"},
    "tui.home.last_test": {"fr": "Dernier test", "en": "Last test"},
    "tui.home.never_tested": {"fr": "aucun envoi test pour l'instant",
                              "en": "no test send yet"},
    "tui.home.last_ok": {"fr": "réussi le {when} ({server})",
                         "en": "passed on {when} ({server})"},
    "tui.home.last_warn": {"fr": "réussi avec un avertissement le {when} ({server})",
                           "en": "passed with a warning on {when} ({server})"},
    "tui.home.last_fail": {"fr": "ÉCHEC le {when} ({server}) : {summary}",
                           "en": "FAILED on {when} ({server}): {summary}"},
    "tui.home.last_unknown": {"fr": "n'a pas pu commencer le {when} ({server}) : {summary}",
                              "en": "could not start on {when} ({server}): {summary}"},
    "tui.home.server_unknown": {"fr": "serveur non précisé", "en": "no server given"},
    "tui.home.no_secret": {
        "fr": "AUCUN mot de passe enregistré. Il serait ici : {where}",
        "en": "NO password saved yet. It would go here: {where}",
    },
    "tui.home.missing": {"fr": "Il manque : {fields}", "en": "Still missing: {fields}"},
    "tui.home.error_title": {"fr": "Les réglages ne peuvent pas être lus",
                             "en": "The settings cannot be read"},
    "tui.home.error_advice": {
        "fr": "Corrigez le fichier, ou recommencez la configuration : l'ancien fichier est "
              "gardé à côté au moment d'enregistrer.",
        "en": "Fix the file, or start the setup over: the old file is kept next to it when "
              "you save.",
    },
    # --- wizard -----------------------------------------------------------------
    "tui.wizard.title": {"fr": "Comelin · Étape {number} sur {total} : {step}",
                         "en": "Comelin · Step {number} of {total}: {step}"},
    "tui.wizard.back": {"fr": "Retour", "en": "Back"},
    "tui.wizard.next": {"fr": "Suivant", "en": "Next"},
    # Under a step whose text goes on below the bottom edge (PgDn scrolls it).
    "tui.wizard.more_below": {"fr": "▼ Plus bas : PgDn", "en": "▼ More below: PgDn"},
    "tui.wizard.fix_first": {
        "fr": "Corrigez d'abord les champs marqués.",
        "en": "Fix the marked fields first.",
    },
    "tui.wizard.save_first": {
        "fr": "Enregistrez d'abord les réglages, puis faites l'envoi test.",
        "en": "Save the settings first, then run the test send.",
    },
    # --- step 1: email ----------------------------------------------------------
    "tui.email.intro": {
        "fr": "L'adresse d'où partent les reçus et les factures de l'entreprise.",
        "en": "The address the company's receipts and invoices are sent from.",
    },
    "tui.email.mx_running": {
        "fr": "Recherche du fournisseur pour {domain} (DNS MX)...",
        "en": "Looking up the provider of {domain} (DNS MX)...",
    },
    # --- step 2: provider -------------------------------------------------------
    "tui.provider.intro": {
        "fr": "Choisissez le fournisseur (flèches, puis Entrée) :",
        "en": "Choose the provider (arrows, then Enter):",
    },
    "tui.provider.filter": {"fr": "Filtrer (ex. google, bell)...",
                            "en": "Filter (e.g. google, bell)..."},
    "tui.provider.chosen": {"fr": "(*)", "en": "(*)"},
    "tui.provider.no_detection": {
        "fr": "Aucun fournisseur reconnu automatiquement : {finding}",
        "en": "No provider recognised automatically: {finding}",
    },
    "tui.provider.checklist": {"fr": "À faire pour {provider} :",
                               "en": "Checklist for {provider}:"},
    "tui.field.digits_only": {"fr": "Des chiffres seulement dans ce champ.",
                              "en": "Digits only in this field."},
    "tui.provider.link": {"fr": "{label} : {url}", "en": "{label}: {url}"},
    "tui.provider.checklist_custom": {"fr": "À faire avec un autre fournisseur :",
                                      "en": "Checklist for another provider:"},
    "tui.provider.no_checklist": {
        "fr": "Demandez au fournisseur le serveur d'envoi (SMTP), le port et la sécurité.",
        "en": "Ask the provider for the outgoing (SMTP) server, port and security.",
    },
    # --- step 3: server ---------------------------------------------------------
    "tui.server.presets": {"fr": "Autres réglages connus pour {provider} (Entrée pour choisir) :",
                           "en": "Other known settings for {provider} (Enter to use):"},
    "tui.server.demo_only": {
        "fr": "Mode démo : le seul serveur est celui de la démo, {host}, port {port}. "
              "Le fournisseur choisi n'y change rien.",
        "en": "Demo mode: the only server is the demo's, {host}, port {port}. The "
              "provider picked does not change it.",
    },
    "tui.server.presets_custom": {"fr": "Réglages courants à essayer (Entrée pour choisir) :",
                                  "en": "Common settings to try (Enter to use):"},
    "tui.server.preset_option": {"fr": "{host}:{port}, {security}",
                                 "en": "{host}:{port}, {security}"},
    "tui.server.advanced": {"fr": "Avancé", "en": "Advanced"},
    # --- step 4: credentials ----------------------------------------------------
    "tui.cred.reveal": {"fr": "Afficher le mot de passe", "en": "Show the password"},
    "tui.cred.username_local_part": {
        "fr": "La partie avant le « @ » de l'adresse, comme l'indique le fichier autoconfig "
              "du domaine",
        "en": "The part of the address before the “@”, as the domain's autoconfig file says",
    },
    "tui.cred.demo_password": {"fr": "Remettre le mot de passe de la démo",
                               "en": "Put back the demo password"},
    "tui.cred.demo_password_note": {
        "fr": "Mode démo : le mot de passe de la démo est déjà entré. Effacé par erreur, "
              "ou pour le voir : « Remettre le mot de passe de la démo » ci-dessous.",
        "en": "Demo mode: the demo password is already entered. Cleared by mistake, or "
              "to see it: “Put back the demo password” below.",
    },
    "tui.cred.no_login": {
        "fr": "Pas de connexion (relais qui reconnaît l'IP)",
        "en": "No login (a relay that trusts the store's IP)",
    },
    "tui.cred.no_login_note": {
        "fr": "Ce serveur n'utilise ni nom d'utilisateur ni mot de passe : il reconnaît "
              "l'adresse IP publique du magasin.",
        "en": "This server uses no username or password: it trusts the store's public IP "
              "address.",
    },
    "tui.cred.app_password": {
        "fr": "{provider} exige un mot de passe d'application, pas le mot de passe du compte. "
              "Voir la liste de l'étape Fournisseur.",
        "en": "{provider} needs an app password, not the account password. See the "
              "checklist of the Provider step.",
    },
    "tui.cred.api_key": {
        "fr": "{provider} : le mot de passe est une clé d'API créée dans son tableau de bord.",
        "en": "{provider}: the password is an API key created in its dashboard.",
    },
    "tui.cred.password_keep": {
        "fr": "(vide : garder le mot de passe enregistré)",
        "en": "(empty: keep the saved password)",
    },
    "tui.cred.spaces_removed": {
        "fr": "Espaces retirés : les mots de passe d'application s'affichent par groupes de "
              "quatre, mais les espaces n'en font pas partie.",
        "en": "Spaces removed: app passwords are shown in groups of four, but the spaces are "
              "not part of them.",
    },
    "tui.cred.where_title": {"fr": "Où le mot de passe sera gardé :",
                             "en": "Where the password will be kept:"},
    "tui.cred.store_probing": {
        "fr": "vérification du trousseau de clés du système...",
        "en": "checking the system keyring...",
    },
    # --- step 5: review ---------------------------------------------------------
    "tui.review.intro": {
        "fr": "Vérifiez, puis enregistrez. Rien n'est écrit avant « Enregistrer ».",
        "en": "Check, then save. Nothing is written before \"Save\".",
    },
    "tui.review.sender": {"fr": "Expéditeur", "en": "Sender"},
    "tui.review.password": {"fr": "Mot de passe", "en": "Password"},
    "tui.review.stored": {"fr": "Gardé dans", "en": "Kept in"},
    "tui.review.no_login": {"fr": "aucune connexion (relais)", "en": "no login (relay)"},
    "tui.review.password_new": {"fr": "entré, sera enregistré",
                                "en": "entered, will be saved"},
    "tui.review.password_kept": {"fr": "inchangé (déjà enregistré)",
                                 "en": "unchanged (already saved)"},
    "tui.review.password_missing": {"fr": "MANQUANT", "en": "MISSING"},
    "tui.review.store_keyring": {"fr": "le trousseau de clés du système",
                                 "en": "the system keyring"},
    "tui.review.store_file": {"fr": "le fichier protégé {path}",
                              "en": "the protected file {path}"},
    "tui.review.step_problem": {"fr": "Étape {step} : à corriger : {fields}",
                                "en": "Step {step}: to fix: {fields}"},
    "tui.review.save": {"fr": "Enregistrer", "en": "Save"},
    "tui.review.unchanged": {
        "fr": "Rien n'a changé : ces réglages sont déjà ceux qui sont enregistrés "
              "(rien n'a été réécrit).",
        "en": "Nothing changed: these are already the saved settings (nothing was "
              "written again).",
    },
    "tui.review.saved": {"fr": "Réglages et mot de passe enregistrés.",
                         "en": "Settings and password saved."},
    "tui.wizard.saved_for_test": {
        "fr": "Réglages enregistrés (Ctrl+N sur Enregistrer). Envoi test...",
        "en": "Settings saved (Ctrl+N on Review & save). Test send...",
    },
    "tui.review.not_saved": {"fr": "Non enregistré", "en": "Not saved"},
    "tui.review.not_saved_detail": {"fr": "Rien n'a été enregistré : {reason}",
                                    "en": "Nothing was saved: {reason}"},
    "tui.review.reminder_password": {
        "fr": "Si le mot de passe change chez le fournisseur, changez-le ici aussi "
              "(Accueil > Changer le mot de passe).",
        "en": "If the password is changed at the provider, change it here too "
              "(Home > Change the password).",
    },
    "tui.review.test": {"fr": "Faire l'envoi test", "en": "Run the test send"},
    "tui.review.done": {"fr": "Terminé", "en": "Done"},
    # --- leaving ------------------------------------------------------------------
    "tui.leave.title": {"fr": "Modifications non enregistrées",
                        "en": "Unsaved changes"},
    "tui.leave.body": {
        "fr": "Des réglages ont été modifiés sans être enregistrés. Que faire ?",
        "en": "Some settings were changed but not saved. What now?",
    },
    "tui.leave.save": {"fr": "Enregistrer", "en": "Save"},
    "tui.leave.discard": {"fr": "Abandonner", "en": "Discard"},
    "tui.leave.stay": {"fr": "Rester", "en": "Stay"},
    # --- test send ----------------------------------------------------------------
    "tui.test.title": {"fr": "Comelin · Envoi test", "en": "Comelin · Test send"},
    "tui.test.title_profile": {"fr": "Comelin · Envoi test · profil {name}",
                               "en": "Comelin · Test send · profile {name}"},
    "tui.test.intro_profile": {
        "fr": "Expéditeur : {sender} (le serveur dit s'il accepte d'envoyer sous cette "
              "adresse).",
        "en": "Sender: {sender} (the server says whether it lets this account send as it).",
    },
    "tui.test.intro": {
        "fr": "Un vrai message d'essai passe par {host}:{port} ({security}).",
        "en": "A real test message goes through {host}:{port} ({security}).",
    },
    "tui.test.recipient_label": {"fr": "Destinataire", "en": "Recipient"},
    "tui.test.recipient_hint": {
        "fr": "Par défaut, le courriel de l'entreprise. Entrée pour envoyer.",
        "en": "The company email by default. Enter to send.",
    },
    "tui.test.send": {"fr": "Envoyer le test", "en": "Send the test"},
    "tui.test.transcript_show": {"fr": "Voir l'échange", "en": "Show transcript"},
    "tui.test.transcript_hide": {"fr": "Cacher l'échange", "en": "Hide transcript"},
    "tui.test.back": {"fr": "Retour", "en": "Back"},
    "tui.test.transcript_title": {"fr": "Échange avec le serveur (mots de passe masqués)",
                                  "en": "Transcript of the conversation with the server "
                                        "(passwords hidden)"},
    "tui.test.no_transcript": {
        "fr": "(aucun échange SMTP : la connexion a échoué avant)",
        "en": "(no transcript: the connection failed before any SMTP conversation)",
    },
    "tui.test.apply_fix": {"fr": "Appliquer la correction suggérée",
                           "en": "Apply suggested fix"},
    "tui.test.running": {"fr": "Envoi en cours... (Échap pour annuler)",
                         "en": "Sending... (Escape to cancel)"},
    "tui.test.cancelled": {"fr": "Test annulé.", "en": "Test cancelled."},
    "tui.test.cancelled_tag": {"fr": "--", "en": "--"},
    "tui.test.ms": {"fr": "{ms} ms", "en": "{ms} ms"},
    "tui.test.diagnosis": {"fr": "Diagnostic [{code}] : {summary}",
                           "en": "Diagnosis [{code}]: {summary}"},
    "tui.test.hint": {"fr": "Quoi faire : {hint}", "en": "What to do: {hint}"},
    "tui.test.suggestion": {
        "fr": "Correction suggérée : port {port}, {security}. {reason}",
        "en": "Suggested fix: port {port}, {security}. {reason}",
    },
    "tui.test.fix": {
        "fr": "Correction suggérée : {reason}. Ctrl+F l'enregistre et refait le test.",
        "en": "Suggested fix: {reason}. Ctrl+F saves it and tests again.",
    },
    "tui.test.fix_signin": {
        "fr": "Correction suggérée : {reason}. Ctrl+F ouvre la connexion Microsoft "
              "(étape Identifiants).",
        "en": "Suggested fix: {reason}. Ctrl+F opens Microsoft sign-in (the Login step).",
    },
    "tui.test.fix_saved": {
        "fr": "Correction enregistrée. Nouveau test...",
        "en": "Fix saved. Testing again...",
    },
    "tui.test.fix_applied": {
        "fr": "Correction enregistrée : port {port}, {security}. Nouveau test...",
        "en": "Fix saved: port {port}, {security}. Testing again...",
    },
    "tui.test.bounce_note": {
        "fr": "Un message refusé plus loin peut aussi revenir plus tard comme avis de "
              "non-remise dans la boîte de l'entreprise.",
        "en": "A message refused further along may also come back later as a bounce in the "
              "company inbox.",
    },
    "tui.test.incomplete": {
        "fr": "Réglages incomplets : {fields}. Modifiez les réglages d'abord.",
        "en": "Settings incomplete: {fields}. Edit the settings first.",
    },
    "tui.test.no_password": {
        "fr": "Aucun mot de passe enregistré : utilisez « Changer le mot de passe ».",
        "en": "No password saved: use \"Change the password\".",
    },
    "tui.test.dns_show": {"fr": "Voir les conseils DNS", "en": "Show the DNS advice"},
    "tui.test.dns_hide": {"fr": "Replier les conseils DNS", "en": "Fold the DNS advice"},
    "tui.test.dns_title": {
        "fr": "Enregistrements DNS du domaine (conseils : ils n'empêchent pas l'envoi)",
        "en": "The domain's DNS records (advice: they never block sending)",
    },
    "tui.test.dns_running": {
        "fr": "Vérification des enregistrements DNS du domaine... (Échap pour annuler)",
        "en": "Checking the domain's DNS records... (Escape to cancel)",
    },
    "tui.test.mailbox": {"fr": "Reçus par le serveur de démo ({count}) :",
                         "en": "Received by the demo server ({count}):"},
    "tui.test.mailbox_empty": {"fr": "Le serveur de démo n'a encore rien reçu.",
                               "en": "The demo server has received nothing yet."},
    # --- search (command palette) -------------------------------------------------
    "tui.search.placeholder": {"fr": "Chercher un réglage (ex. port, mot de passe)...",
                               "en": "Search settings (e.g. port, password)..."},
    "tui.search.entry": {"fr": "{setting} — étape {step}", "en": "{setting} — {step} step"},
    "tui.search.help": {"fr": "Aller à ce réglage", "en": "Go to this setting"},
}

for _step, (_fr, _en) in _STEPS.items():
    MESSAGES[f"tui.step.{_step}"] = {"fr": _fr, "en": _en}

i18n.register(MESSAGES)
