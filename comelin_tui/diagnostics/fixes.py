"""One-key fixes: what a finished run proved could be changed, offered as one action.

A fix is data: the settings to change (``smtp.port``, ``smtp.from_address``...)
or a sign-in to run, with the reason in words (a message). The TUI applies it on
one key and runs the test again; the CLI prints the command that tries it. A fix
is only offered where the run's own evidence says what the value must be: the
port and mode the probe verified, the login for a send-as refusal, the one name
the certificate was issued for, the time the late greeting took, and Microsoft
sign-in where basic authentication is retired.
"""

from __future__ import annotations

import ipaddress
import math
from typing import TYPE_CHECKING, Any

from ..i18n import m, register
from ..labels import security_label
from .model import Fix

if TYPE_CHECKING:
    from .model import RunResult

register({
    "fix.port_security": {
        "fr": "Port {port} avec {security} : {reason}",
        "en": "Port {port} with {security}: {reason}",
    },
    "fix.from_login": {
        "fr": "Expéditeur = le compte connecté ({username}) : le serveur refuse d'envoyer "
              "au nom de {sender}",
        "en": "Sender = the signed-in account ({username}): the server refuses to send as "
              "{sender}",
    },
    "fix.host_cert_name": {
        "fr": "Serveur = {name}, le nom pour lequel son certificat est émis (au lieu de {host})",
        "en": "Server = {name}, the name its certificate is issued for (instead of {host})",
    },
    "fix.timeout": {
        "fr": "Délai d'attente = {timeout} s : l'accueil du serveur est venu après {seconds} s",
        "en": "Timeout = {timeout} s: the server's greeting came after {seconds} s",
    },
    "fix.microsoft_signin": {
        "fr": "Connexion Microsoft (OAuth) au lieu du mot de passe : l'authentification de "
              "base est retirée pour ce compte",
        "en": "Microsoft sign-in (OAuth) instead of the password: basic authentication is "
              "retired for this account",
    },
})

# A timeout worth offering: beyond a minute, a server that slow is the problem.
MAX_TIMEOUT = 60


def fix_for(result: RunResult) -> Fix | None:
    """The one fix this finished run supports, or None."""
    lang = result.target.language
    if result.suggestion is not None:
        suggestion = result.suggestion
        return Fix("settings", (("smtp.port", suggestion.port),
                                ("smtp.security", suggestion.security)),
                   m("fix.port_security", lang, port=suggestion.port,
                     security=security_label(suggestion.security, lang),
                     reason=suggestion.reason))
    if result.diagnosis is None:
        return None
    code = result.diagnosis.code
    maker = _MAKERS.get(code)
    return maker(result) if maker else None


def _from_login(result: RunResult) -> Fix | None:
    target = result.target
    username, sender = target.username.strip(), target.from_address.strip()
    if target.auth == "none" or "@" not in username or username.lower() == sender.lower():
        return None
    return Fix("settings", (("smtp.from_address", username),),
               m("fix.from_login", target.language, username=username, sender=sender))


def cert_name(facts: dict[str, Any]) -> str | None:
    """The one DNS name a certificate is issued for that a server setting can take:
    no wildcard, no IP address; several names pick the one that reads as a mail server."""
    names: list[str] = []
    for name in facts.get("sans") or ():
        name = str(name).strip().rstrip(".").lower()
        if not name or "*" in name or not name.isascii() or name in names:
            continue
        try:
            ipaddress.ip_address(name)
            continue
        except ValueError:
            names.append(name)
    if len(names) == 1:
        return names[0]
    mail = [n for n in names if n.split(".", 1)[0] in ("smtp", "mail", "smtp-mail", "outbound")]
    return mail[0] if len(mail) == 1 else None


def _host_cert_name(result: RunResult) -> Fix | None:
    step = next((s for s in result.steps if s.id in ("tls", "starttls") and s.facts.get("sans")),
                None)
    if step is None:
        return None
    name = cert_name(step.facts)
    host = result.target.host.strip().rstrip(".").lower()
    if name is None or name == host:
        return None
    return Fix("settings", (("smtp.host", name),),
               m("fix.host_cert_name", result.target.language, name=name, host=host))


def longer_timeout(seconds: float) -> int | None:
    """A timeout with room to spare for a greeting that took *seconds*: half as long
    again, rounded up to 5 s; None when even the longest allowed would not do."""
    wanted = int(math.ceil(seconds * 1.5 / 5.0) * 5)
    if seconds >= MAX_TIMEOUT:
        return None
    return min(max(wanted, 5), MAX_TIMEOUT)


def _timeout(result: RunResult) -> Fix | None:
    step = result.step("banner")
    seconds = step.facts.get("late_greeting_s") if step else None
    if not isinstance(seconds, (int, float)):
        return None
    timeout = longer_timeout(float(seconds))
    if timeout is None or timeout <= result.target.timeout:
        return None
    return Fix("settings", (("smtp.timeout", timeout),),
               m("fix.timeout", result.target.language, timeout=timeout,
                 seconds=f"{seconds:.0f}"))


def _microsoft_signin(result: RunResult) -> Fix | None:
    if result.target.auth != "password":
        return None
    return Fix("microsoft_signin", (("smtp.auth", "oauth2"),),
               m("fix.microsoft_signin", result.target.language))


_MAKERS = {
    "sender.send_as_denied": _from_login,
    "tls.hostname_mismatch": _host_cert_name,
    "smtp.greeting_slow": _timeout,
    "auth.basic_auth_retired": _microsoft_signin,
}
