"""The words of the Microsoft 365 sign-in in the wizard, in French (Québec) and English.

Kept beside the sign-in screens (like the F1 help texts beside the help
screen); the sign-in errors' own messages and hints come from
:mod:`comelin_tui.oauth_messages`, shared with ``comelin-tui signin``.
"""

from __future__ import annotations

from .. import i18n, oauth_messages  # noqa: F401 - the app registration's steps

SIGN_IN_MESSAGES: dict[str, dict[str, str]] = {
    # --- the choice -----------------------------------------------------------------
    "tui.oauth.method_oauth": {"fr": "Se connecter avec Microsoft (recommandé)",
                               "en": "Sign in with Microsoft (recommended)"},
    "tui.oauth.method_password": {"fr": "Mot de passe (SMTP AUTH, en voie de retrait)",
                                  "en": "Password (SMTP AUTH, being retired)"},
    "tui.oauth.password_retiring": {
        "fr": "Microsoft désactive par défaut le mot de passe SMTP (authentification de base) "
              "à la fin de décembre 2026 : préférez « Se connecter avec Microsoft ».",
        "en": "Microsoft turns SMTP passwords (basic authentication) off by default at the "
              "end of December 2026: prefer \"Sign in with Microsoft\".",
    },
    "tui.oauth.msal_missing": {
        "fr": "La connexion avec Microsoft a besoin du module facultatif msal, absent ici. "
              "Installez-le, puis relancez comelin-tui :\n    {command}\n"
              "Ou choisissez le mot de passe ci-dessus.",
        "en": "Signing in with Microsoft needs the optional msal package, missing here. "
              "Install it, then start comelin-tui again:\n    {command}\n"
              "Or choose the password above.",
    },
    # --- the form -------------------------------------------------------------------
    "tui.oauth.sign_in": {"fr": "Se connecter", "en": "Sign in"},
    "tui.oauth.sign_in_again": {"fr": "Se reconnecter", "en": "Sign in again"},
    "tui.oauth.checklist_title": {
        "fr": "Pas encore d'inscription d'application ? L'administrateur la crée une fois :",
        "en": "No app registration yet? The administrator creates it once:",
    },
    # --- waiting --------------------------------------------------------------------
    "tui.oauth.starting": {
        "fr": "Demande d'un code à Microsoft... (Échap pour annuler)",
        "en": "Asking Microsoft for a code... (Escape to cancel)",
    },
    "tui.oauth.step_code": {"fr": "2. Entrez ce code :", "en": "2. Enter this code:"},
    "tui.oauth.step_account": {
        "fr": "3. Connectez-vous avec la boîte qui envoie le courriel ({account}) et "
              "acceptez.",
        "en": "3. Sign in with the mailbox that sends the email ({account}) and accept.",
    },
    "tui.oauth.step_account_any": {
        "fr": "3. Connectez-vous avec la boîte qui envoie le courriel et acceptez.",
        "en": "3. Sign in with the mailbox that sends the email and accept.",
    },
    "tui.oauth.copied": {
        "fr": "Code copié dans le presse-papiers (si le terminal le permet).",
        "en": "Code copied to the clipboard (if the terminal allows it).",
    },
    "tui.oauth.countdown": {
        "fr": "En attente de la connexion : le code expire dans {time}. Échap pour annuler.",
        "en": "Waiting for the sign-in: the code expires in {time}. Escape to cancel.",
    },
    "tui.oauth.copy": {"fr": "Copier le code", "en": "Copy the code"},
    "tui.oauth.cancel": {"fr": "Annuler", "en": "Cancel"},
    # --- outcome --------------------------------------------------------------------
    "tui.oauth.signed_in": {
        "fr": "Connecté : {account}. Enregistrez (étape 5) pour garder cette connexion.",
        "en": "Signed in: {account}. Save (step 5) to keep this sign-in.",
    },
    "tui.oauth.saved": {"fr": "Connexion enregistrée : {account}.",
                        "en": "Saved sign-in: {account}."},
    "tui.oauth.sign_in_first": {
        "fr": "Connectez-vous d'abord (bouton « Se connecter »), ou choisissez le mot de passe.",
        "en": "Sign in first (the \"Sign in\" button), or choose the password.",
    },
    "tui.oauth.sign_in_later": {
        "fr": "Les réglages peuvent être enregistrés sans la connexion : Suivant, puis "
              "Enregistrer; connectez-vous ensuite avec « comelin-tui signin » une fois que "
              "cet ordinateur joint Microsoft.",
        "en": "The settings can be saved without the sign-in: Next, then Save; then sign in "
              "with `comelin-tui signin` once this computer reaches Microsoft.",
    },
    "tui.wizard.sign_in_first": {
        "fr": "Connectez-vous d'abord avec Microsoft (bouton « Se connecter »), ou choisissez "
              "le mot de passe. Pour vous connecter plus tard : Ctrl+T, Vérifier et "
              "enregistrer, puis « comelin-tui signin ».",
        "en": "Sign in with Microsoft first (the \"Sign in\" button), or choose the password. "
              "To sign in later: Ctrl+T, Review and save, then `comelin-tui signin`.",
    },
    "tui.oauth.account_differs": {
        "fr": "Attention : le compte connecté ({account}) n'est pas le nom d'utilisateur SMTP "
              "({username}); Microsoft 365 n'accepte le jeton que pour le compte connecté.",
        "en": "Note: the signed-in account ({account}) is not the SMTP username ({username}); "
              "Microsoft 365 accepts the token only for the account that signed in.",
    },
    "tui.oauth.where_title": {"fr": "Où la connexion sera gardée :",
                              "en": "Where the sign-in will be kept:"},
    # --- review, dashboard ------------------------------------------------------------
    "tui.review.sign_in": {"fr": "Connexion", "en": "Sign-in"},
    "tui.review.sign_in_new": {"fr": "Microsoft, {account} (sera enregistrée)",
                               "en": "Microsoft, {account} (will be saved)"},
    "tui.review.sign_in_kept": {"fr": "Microsoft, {account} (déjà enregistrée)",
                                "en": "Microsoft, {account} (already saved)"},
    "tui.review.sign_in_missing": {"fr": "Microsoft : PAS CONNECTÉ",
                                   "en": "Microsoft: NOT SIGNED IN"},
    "tui.review.sign_in_pending": {
        "fr": "Connexion Microsoft en attente : les réglages peuvent être enregistrés sans "
              "elle. Connectez-vous ensuite avec « comelin-tui signin » (ou Accueil > Se "
              "reconnecter avec Microsoft) une fois que cet ordinateur joint Microsoft.",
        "en": "Microsoft sign-in pending: the settings can be saved without it. Then sign "
              "in with `comelin-tui signin` (or Home > Sign in with Microsoft again) once "
              "this computer reaches Microsoft.",
    },
    "tui.review.saved_sign_in_pending": {
        "fr": "Réglages enregistrés; connexion Microsoft en attente : lancez « comelin-tui "
              "signin » une fois que cet ordinateur joint Microsoft.",
        "en": "Settings saved; Microsoft sign-in pending: run `comelin-tui signin` once "
              "this computer reaches Microsoft.",
    },
    "tui.review.saved_oauth": {"fr": "Réglages et connexion Microsoft enregistrés.",
                               "en": "Settings and Microsoft sign-in saved."},
    "tui.review.reminder_sign_in": {
        "fr": "Si Microsoft n'accepte plus la connexion (mot de passe changé, accès révoqué), "
              "reconnectez-vous ici (Accueil > Se reconnecter avec Microsoft).",
        "en": "If Microsoft stops accepting the sign-in (password changed, access revoked), "
              "sign in again here (Home > Sign in with Microsoft again).",
    },
    "tui.review.saved_settings": {"fr": "Réglages enregistrés.", "en": "Settings saved."},
    "tui.home.action.sign_in": {"fr": "Se reconnecter avec Microsoft",
                                "en": "Sign in with Microsoft again"},
    "tui.home.sign_in": {"fr": "Connexion", "en": "Sign-in"},
    "tui.home.sign_in_line": {"fr": "Microsoft : {describe}. {where}",
                              "en": "Microsoft: {describe}. {where}"},
}

i18n.register(SIGN_IN_MESSAGES)
