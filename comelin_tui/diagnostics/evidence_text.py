"""The evidence under a diagnosis, in words: what the server replied, the certificate it
presented, and what each other port did when probed.

Both views show the same sections (the CLI prints them wrapped to the terminal, the
TUI draws them in its scrolling pane): a title and lines, worded in the language asked
for at the time they are drawn, so a language switch words them again. Everything
here comes from the steps' facts, already scrubbed of secrets by the engine.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ..i18n import register, render, t
from ..labels import security_label, step_label
from .model import RunResult, Step

register({
    "evidence.reply.title": {
        "fr": "Réponse du serveur à l'étape « {step} »\u00a0:",
        "en": "The server's reply at the step \"{step}\":",
    },
    "evidence.cert.title": {
        "fr": "Certificat présenté par le serveur (étape « {step} »)\u00a0:",
        "en": "Certificate presented by the server (step \"{step}\"):",
    },
    "evidence.cert.subject": {"fr": "Sujet\u00a0: {value}", "en": "Subject: {value}"},
    "evidence.cert.names": {"fr": "Noms\u00a0: {value}", "en": "Names: {value}"},
    "evidence.cert.issuer": {"fr": "Émetteur\u00a0: {value}", "en": "Issuer: {value}"},
    "evidence.cert.validity": {
        "fr": "Valide du {not_before} au {not_after}",
        "en": "Valid from {not_before} to {not_after}",
    },
    "evidence.cert.expired": {
        "fr": "{validity} (expiré selon l'horloge de cet ordinateur)",
        "en": "{validity} (expired by this computer's clock)",
    },
    "evidence.cert.not_yet_valid": {
        "fr": "{validity} (pas encore valide selon l'horloge de cet ordinateur)",
        "en": "{validity} (not yet valid by this computer's clock)",
    },
    "evidence.cert.fingerprint": {
        "fr": "Empreinte SHA-256\u00a0: {value}", "en": "SHA-256 fingerprint: {value}",
    },
    "evidence.cert.ca_file": {
        "fr": "Fichier d'AC utilisé\u00a0: {path} (en plus des autorités du système)",
        "en": "CA file used: {path} (as well as the system's authorities)",
    },
    "evidence.cert.system_store": {
        "fr": "Autorités de confiance\u00a0: celles du système (aucun fichier d'AC)",
        "en": "Trusted authorities: the system's (no CA file)",
    },
    "evidence.cert.verified": {
        "fr": "Vérification\u00a0: réussie", "en": "Verification: passed",
    },
    "evidence.cert.pinned": {
        "fr": "Vérification\u00a0: non reconnu, accepté par son empreinte épinglée",
        "en": "Verification: untrusted, accepted by its pinned fingerprint",
    },
    "evidence.cert.failed": {
        "fr": "Vérification\u00a0: échec ({error})", "en": "Verification: failed ({error})",
    },
    "evidence.cert.unknown": {"fr": "inconnu", "en": "unknown"},
    "evidence.probe.title": {
        "fr": "Autres ports et chiffrements essayés\u00a0:",
        "en": "Other ports and encryption modes tried:",
    },
    "evidence.probe.works": {
        "fr": "port {port}, {security}\u00a0: fonctionne (vérifié\u00a0: {verified})",
        "en": "port {port}, {security}: works (tested: {verified})",
    },
    "evidence.probe.no_login": {
        "fr": "port {port}, {security}\u00a0: répond, mais n'offre aucune connexion "
              "utilisable avec ces réglages (AUTH\u00a0: {mechanisms})",
        "en": "port {port}, {security}: answers, but offers no login these settings "
              "can use (AUTH: {mechanisms})",
    },
    "evidence.probe.failed": {
        "fr": "port {port}, {security}\u00a0: échec\u00a0: {detail}",
        "en": "port {port}, {security}: failed: {detail}",
    },
    "evidence.probe.no_mechanism": {"fr": "aucune", "en": "none"},
})

# Steps whose facts may describe a certificate.
_TLS_STEPS = ("tls", "starttls")


@dataclass(frozen=True)
class EvidenceSection:
    """A titled block of evidence: ``kind`` is ``reply``, ``certificate`` or ``probe``."""

    kind: str
    title: str
    lines: tuple[str, ...]


def failed_step(result: RunResult) -> Step | None:
    return next((s for s in result.steps if s.status == "fail"), None)


def reply_section(result: RunResult, lang: str | None = None) -> EvidenceSection | None:
    """The failing step's reply, every line as the server wrote it."""
    step = failed_step(result)
    reply = step.facts.get("reply") if step is not None else None
    if step is None or not reply:
        return None
    return EvidenceSection("reply", t("evidence.reply.title", lang, step=step_label(step.id, lang)),
                           tuple(str(line) for line in reply))


def certificate_step(result: RunResult) -> Step | None:
    """The TLS step that saw a certificate (implicit TLS or STARTTLS), if any."""
    return next((s for s in result.steps
                 if s.id in _TLS_STEPS and s.facts.get("fingerprint_sha256")), None)


def _when(value: Any) -> str:
    """An ISO time as ``2026-03-01 12:00 UTC`` (as it came, when it does not parse)."""
    try:
        when = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _validity(facts: dict[str, Any], lang: str | None, now: datetime | None) -> str:
    unknown = t("evidence.cert.unknown", lang)
    before, after = facts.get("not_before"), facts.get("not_after")
    text = t("evidence.cert.validity", lang, not_before=_when(before) if before else unknown,
             not_after=_when(after) if after else unknown)
    now = now or datetime.now(UTC)
    try:
        if after and datetime.fromisoformat(str(after)) < now:
            return t("evidence.cert.expired", lang, validity=text)
        if before and datetime.fromisoformat(str(before)) > now:
            return t("evidence.cert.not_yet_valid", lang, validity=text)
    except (TypeError, ValueError):
        pass
    return text


def certificate_lines(facts: dict[str, Any], lang: str | None = None, *,
                      now: datetime | None = None) -> list[str]:
    """Subject, names, issuer, validity, fingerprint, what it was checked against, verdict."""
    unknown = t("evidence.cert.unknown", lang)
    lines = [t("evidence.cert.subject", lang, value=facts.get("subject") or unknown)]
    if facts.get("sans"):
        lines.append(t("evidence.cert.names", lang, value=", ".join(map(str, facts["sans"]))))
    lines.append(t("evidence.cert.issuer", lang, value=facts.get("issuer") or unknown))
    lines.append(_validity(facts, lang, now))
    lines.append(t("evidence.cert.fingerprint", lang, value=facts.get("fingerprint_sha256")))
    if facts.get("ca_file"):
        lines.append(t("evidence.cert.ca_file", lang, path=facts["ca_file"]))
    elif "ca_file" in facts:
        lines.append(t("evidence.cert.system_store", lang))
    if facts.get("pinned"):
        lines.append(t("evidence.cert.pinned", lang))
    elif facts.get("verified"):
        lines.append(t("evidence.cert.verified", lang))
    else:
        error = render(facts.get("verify_error") or "", lang) or unknown
        lines.append(t("evidence.cert.failed", lang, error=error))
    return lines


def certificate_section(result: RunResult, lang: str | None = None, *,
                        now: datetime | None = None) -> EvidenceSection | None:
    step = certificate_step(result)
    if step is None:
        return None
    return EvidenceSection(
        "certificate", t("evidence.cert.title", lang, step=step_label(step.id, lang)),
        tuple(certificate_lines(step.facts, lang, now=now)))


def _usable(mechanisms: list[str], auth_kind: str) -> bool:
    """The same rule as the probe's: a candidate counts only if these settings can log in."""
    if auth_kind == "none":
        return True
    if auth_kind == "oauth2":
        return "XOAUTH2" in mechanisms
    return bool({"PLAIN", "LOGIN"} & set(mechanisms))


def probe_line(probe: dict[str, Any], auth_kind: str, lang: str | None = None) -> str:
    """One probed candidate and its result: works (and what was tested), or why not."""
    port = probe.get("port", "?")
    security = security_label(str(probe.get("security", "")), lang)
    mechanisms = [str(m).upper() for m in probe.get("auth") or []]
    detail = render(probe.get("detail") or "", lang)
    if probe.get("ok"):
        if not _usable(mechanisms, auth_kind):
            return t("evidence.probe.no_login", lang, port=port, security=security,
                     mechanisms=" ".join(mechanisms) or t("evidence.probe.no_mechanism", lang))
        if auth_kind != "none" and mechanisms:
            verified = t("probe.verified.auth", lang, security=security,
                         mechanisms=" ".join(mechanisms))
        else:
            verified = t("probe.verified.tls", lang, security=security)
        return t("evidence.probe.works", lang, port=port, security=security, verified=verified)
    # The code (``connect.refused``...) is in the JSON; the words say the same here.
    return t("evidence.probe.failed", lang, port=port, security=security, detail=detail)


def probe_section(result: RunResult, lang: str | None = None) -> EvidenceSection | None:
    """Every candidate the probe tried, in its order, with its result."""
    probes = next((s.facts["probe"] for s in result.steps
                   if s.status == "fail" and s.facts.get("probe")), None)
    if not probes:
        return None
    auth_kind = result.target.auth
    return EvidenceSection("probe", t("evidence.probe.title", lang),
                           tuple(probe_line(p, auth_kind, lang) for p in probes))


def evidence_sections(result: RunResult, lang: str | None = None) -> list[EvidenceSection]:
    """The reply, the certificate and the probe results of a run, those it has."""
    sections = (reply_section(result, lang), certificate_section(result, lang),
                probe_section(result, lang))
    return [section for section in sections if section is not None]


def wrap_section(section: EvidenceSection, width: int | None) -> list[str]:
    """The section as text lines: its title, then each line indented and, with a
    *width*, wrapped to it (long words broken, never cut off)."""
    lines = [section.title]
    for line in section.lines:
        lines.extend(wrap_line(line, width, "  ", "    "))
    return lines


# French spacing that must not become a line break: "« mot »", "mot :", "mot ;".
_GLUED = re.compile(r"(?<=«) | (?=[»:;!?])")


def wrap_line(text: str, width: int | None, indent: str = "", more: str = "", *,
              break_long_words: bool = True) -> Iterable[str]:
    """*text* wrapped between words to *width* (a word longer than a line is broken,
    unless *break_long_words* is False: then it overflows its row, whole, as a path to
    copy must); never a row that starts with ":" or "»", or ends with "«"."""
    if width is None or width <= len(more) + 10:
        return [indent + text]
    glued = _GLUED.sub("\x00", text)
    rows = textwrap.wrap(glued, width=width, initial_indent=indent, subsequent_indent=more,
                         break_long_words=break_long_words,
                         break_on_hyphens=False) or [indent]
    return [row.replace("\x00", " ") for row in rows]
