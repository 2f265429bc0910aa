"""One name for each concept every view shows: define it here once, call it everywhere.

Security modes (the engine, the probe, discovery, the test message, ``show``,
the wizard and the test screen all say the same), their choice in the wizard
(with the usual port), and the test send's outcome headline. Textual-free and
light: the check path imports it.
"""

from __future__ import annotations

from .i18n import Msg, m, register

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
})


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
