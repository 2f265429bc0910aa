"""One name for each concept every view shows: define it here once, call it everywhere.

Security modes (the engine, the probe, discovery, the test message, ``show``,
the wizard and the test screen all say the same), their choice in the wizard
(with the usual port), and the steps of a run. Textual-free and
light: the check path imports it.
"""

from __future__ import annotations

from .i18n import Msg, catalogue, get_language, m, register, t

SECURITY_MODES = ("starttls", "implicit_tls", "none")
USUAL_PORTS = {"starttls": 587, "implicit_tls": 465}

register({
    "label.security.starttls": {"fr": "STARTTLS", "en": "STARTTLS"},
    "label.security.implicit_tls": {"fr": "SSL/TLS implicite", "en": "implicit SSL/TLS"},
    "label.security.none": {"fr": "sans chiffrement", "en": "no encryption"},
    "label.security_choice.starttls": {"fr": "STARTTLS (habituellement 587)",
                                       "en": "STARTTLS (usually 587)"},
    "label.security_choice.implicit_tls": {"fr": "SSL/TLS implicite (habituellement 465)",
                                           "en": "Implicit SSL/TLS (usually 465)"},
    "label.security_choice.none": {"fr": "Sans chiffrement (déconseillé)",
                                   "en": "No encryption (not recommended)"},
    # The steps of a run, as every view names them.
    "render.step.resolve": {"fr": "Résolution du nom", "en": "Resolve host name"},
    "render.step.connect": {"fr": "Connexion TCP", "en": "TCP connection"},
    "render.step.tls": {"fr": "Chiffrement TLS", "en": "TLS handshake"},
    "render.step.banner": {"fr": "Accueil du serveur", "en": "Server greeting"},
    "render.step.ehlo": {"fr": "EHLO", "en": "EHLO"},
    "render.step.starttls": {"fr": "STARTTLS", "en": "STARTTLS"},
    "render.step.auth": {"fr": "Authentification", "en": "Authentication"},
    "render.step.mail_from": {"fr": "Expéditeur (MAIL FROM)", "en": "Sender (MAIL FROM)"},
    "render.step.rcpt_to": {"fr": "Destinataire (RCPT TO)", "en": "Recipient (RCPT TO)"},
    "render.step.data": {"fr": "Envoi du message (DATA)", "en": "Message (DATA)"},
    "render.step.quit": {"fr": "Fin de session (QUIT)", "en": "Close session (QUIT)"},
    "label.ms": {"fr": "{ms} ms", "en": "{ms} ms"},
    "label.seconds": {"fr": "{seconds} s", "en": "{seconds} s"},
    "label.elapsed": {"fr": "{elapsed} s sur {limit} s", "en": "{elapsed} s / {limit} s"},
    "label.bounce_short": {
        "fr": "Un message refusé plus loin revient en avis de non-remise (« Undeliverable », "
              "« Non remis ») : F1 dit comment le lire.",
        "en": "A message refused further along comes back as a bounce (\"Undeliverable\", "
              "\"Non remis\"): F1 tells how to read it.",
    },
    # What a bounce looks like and what to do: the help and `show` (the review: short).
    "label.bounce": {
        "fr": "Un message accepté peut encore être refusé plus loin : il revient alors "
              "dans la boîte de l'expéditeur comme avis de non-remise, souvent en anglais "
              "(« Undeliverable: Facture 1234 », « Non remis : Facture 1234 », « Delivery "
              "Status Notification (Failure) », de MAILER-DAEMON ou postmaster). Lisez la "
              "raison qu'il donne (adresse inconnue, boîte pleine, pris pour un pourriel), "
              "corrigez l'adresse du client ou du fournisseur dans Comelin, puis renvoyez.",
        "en": "An accepted message can still be refused further along: it then comes back "
              "to the sender's inbox as a bounce (\"Undeliverable: Invoice 1234\", \"Non "
              "remis : Facture 1234\", \"Delivery Status Notification (Failure)\", from "
              "MAILER-DAEMON or postmaster). Read the reason it gives (unknown address, "
              "mailbox full, taken for spam), correct the customer's or supplier's address "
              "in Comelin, then send again.",
    },
    "render.step.mx": {"fr": "Serveurs MX", "en": "MX records"},
    "render.step.spf": {"fr": "SPF", "en": "SPF"},
    "render.step.dkim": {"fr": "DKIM", "en": "DKIM"},
    "render.step.dmarc": {"fr": "DMARC", "en": "DMARC"},
    # A label before its value, as French typography writes it: "Libellé : valeur".
    "label.colon": {"fr": "{label} :", "en": "{label}:"},
})


def step_label(step_id: str, lang: str | None = None) -> Msg:
    """A step's name ("Server greeting" / "Accueil du serveur")."""
    if f"render.step.{step_id}" not in catalogue():
        return Msg.inline({"fr": step_id, "en": step_id}, lang)
    return m(f"render.step.{step_id}", lang)


def with_colon(label: str, lang: str | None = None) -> str:
    """*label* followed by its colon ("Fichier de réglages\u00a0:" / "Settings file:")."""
    return t("label.colon", lang, label=label)


def security_label(mode: str, lang: str | None = None) -> Msg:
    """The security mode's name ("SSL/TLS implicite" / "implicit SSL/TLS")."""
    if mode not in SECURITY_MODES:
        return Msg.inline({"fr": mode, "en": mode}, lang)
    return m(f"label.security.{mode}", lang)


def security_choice(mode: str, lang: str | None = None) -> Msg:
    """The mode as the wizard offers it, with its usual port ("STARTTLS (usually 587)")."""
    if mode not in SECURITY_MODES:
        return security_label(mode, lang)
    return m(f"label.security_choice.{mode}", lang)


def duration(ms: int, lang: str | None = None) -> str:
    """How long a step took: milliseconds under a second, then seconds ("1.5 s",
    in French "1,5 s"; whole seconds from 10 s), so slow steps read as slow."""
    if ms < 1000:
        return t("label.ms", lang, ms=ms)
    seconds = ms / 1000
    text = f"{seconds:.1f}" if seconds < 10 else f"{seconds:.0f}"
    if (lang or get_language()) == "fr":
        text = text.replace(".", ",")
    return t("label.seconds", lang, seconds=text)


def elapsed(seconds: float, limit: float, lang: str | None = None) -> str:
    """A waiting step against its limit, in whole seconds: "7 s / 15 s"."""
    return t("label.elapsed", lang, elapsed=int(seconds), limit=f"{limit:g}")
