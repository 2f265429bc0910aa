"""A diagnosis shown on screen, in the language chosen after the run.

The engine words a diagnosis once, in the run's language. After a language
switch it is built again from its code and the facts of the failing step
(the same parameters the engine had). The rebuilt text is trusted only when,
in the run's language, it reads exactly as the engine's: otherwise (a reply
the classifier refined, a sign-in error's own words) the original is kept.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..diagnostics.model import Diagnosis, Step, Suggestion, Target

# Names diagnosis() takes itself: never passed through as facts.
_RESERVED = frozenset({"code", "lang", "provider_id", "variant"})
_RECEIVED = "<- "
_REPLY_LINE = re.compile(r"^(\d{3})[ -]?(.*)$")


def last_reply(transcript: list[str]) -> str:
    """The server's last reply in a step's transcript, on one line ("535 5.7.8 ...")."""
    lines: list[str] = []
    for line in reversed(transcript):
        if not line.startswith(_RECEIVED):
            if lines:
                break
            continue
        lines.insert(0, line[len(_RECEIVED):])
    code = ""
    texts = []
    for line in lines:
        match = _REPLY_LINE.match(line.strip())
        if match:
            code = code or match.group(1)
            texts.append(match.group(2).strip())
        else:
            texts.append(line.strip())
    return " ".join(part for part in (code, *texts) if part)


def facts_of(step: Step | None, target: Target, suggestion: Suggestion | None) -> dict[str, Any]:
    """What the engine knew when it named the failure: the settings, then the step's facts."""
    facts: dict[str, Any] = {
        "host": target.host, "port": target.port, "security": target.security,
        "timeout": target.timeout, "username": target.username,
        "from_address": target.from_address,
        "to_address": target.to_address or target.from_address, "auth_kind": target.auth,
    }
    if step is not None:
        facts.update(step.facts)
        reply = last_reply(step.transcript)
        if reply:
            facts.setdefault("reply", reply)
    if suggestion is not None:
        facts["suggested_port"] = suggestion.port
        facts["suggested_security"] = suggestion.security
    return {name: value for name, value in facts.items() if name not in _RESERVED}


def _dns_diagnosis(code: str, lang: str, *, domain: str, step: Step) -> Diagnosis:
    """A DNS check's advice, worded as the deliverability checks word it."""
    from ..diagnostics.model import Diagnosis
    from ..i18n import t

    params: dict[str, Any] = {"domain": domain}
    params.update({name: value for name, value in step.facts.items()
                   if isinstance(value, str | int)})
    key = "discovery." + code.replace(".", "_")
    return Diagnosis(code, t(f"{key}.summary", lang, **params), t(f"{key}.hint", lang, **params))


def in_language(diagnosis: Diagnosis, lang: str, *, step: Step | None, target: Target,
                suggestion: Suggestion | None = None, source: str | None = None) -> Diagnosis:
    """*diagnosis* worded in *lang*, or as it is when it cannot be rebuilt faithfully."""
    source = source or target.language
    if lang == source:
        return diagnosis
    try:
        if diagnosis.code.startswith("dns.") and step is not None:
            domain = (target.from_address or target.to_address).rpartition("@")[2].lower()

            def make(code: str, language: str) -> Diagnosis:
                return _dns_diagnosis(code, language, domain=domain, step=step)
        else:
            from ..diagnostics.classifier import diagnosis as classified

            facts = facts_of(step, target, suggestion)

            def make(code: str, language: str) -> Diagnosis:
                return classified(code, language, provider_id=target.provider_id, **facts)

        again = make(diagnosis.code, source)
        if (again.summary, again.hint) != (diagnosis.summary, diagnosis.hint):
            return diagnosis
        return make(diagnosis.code, lang)
    except Exception:  # noqa: BLE001 - the words already shown are always good enough
        return diagnosis
