"""Name a failure: what one step saw (exception, reply) becomes a contract diagnosis code
with a summary (what happened) and a hint (what to do) in French or English.

Order of evidence, as the contract says: the exception type, the reply code,
the enhanced status code, then the reply's words; provider rules refine the
hint. ``classify`` never raises: whatever it is given, it returns a Diagnosis.

Facts the engine may put in ``Evidence.facts`` (all optional):
``host``, ``port``, ``security``, ``timeout``, ``username``, ``from_address``,
``to_address``, ``size_limit``, ``message_size``, ``mechanisms`` (offered AUTH
mechanisms), ``cert_names`` / ``tls_sans``, ``not_after``, ``not_before``,
``auth_mechanism`` ("XOAUTH2"...) or ``auth_kind`` ("oauth2"), and the
refinements ``protocol_error`` (bool), ``received_tls_bytes``,
``probe_implicit_tls_ok``, ``received_plaintext``, ``probe_plaintext_ok``
(the security mode is wrong, and which way).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ..i18n import LANGUAGES, Msg, catalogue, get_language
from ..labels import SECURITY_MODES, security_label, step_label
from .diagnosis_messages import DIAGNOSIS_CODES
from .exception_rules import ReplyError, exception_verdict
from .interception import intercepting_product
from .model import Diagnosis, StepId
from .reply_rules import (
    MAX_REPLY_CHARS,
    Verdict,
    enhanced_status,
    family_of_provider,
    reply_code_in,
    reply_verdict,
)

__all__ = ["DIAGNOSIS_CODES", "Evidence", "classify", "diagnosis", "enhanced_status"]

_CODES = frozenset(DIAGNOSIS_CODES)


@dataclass(frozen=True)
class Evidence:
    """What one step saw when it failed."""

    step: StepId
    exception: BaseException | None = None
    code: int | None = None
    message: str = ""  # the server's reply text (all lines), never our own commands
    provider_id: str | None = None
    facts: Mapping[str, Any] = field(default_factory=dict)


def classify(evidence: Evidence, lang: str | None = None) -> Diagnosis:
    """The diagnosis (code, summary, hint in *lang*) for what a failed step saw; never raises."""
    try:
        verdict, reply = _verdict(evidence)
        verdict = weigh_run(verdict, evidence.facts if isinstance(evidence.facts, Mapping)
                            else {})
    except Exception:  # noqa: BLE001 - a classifier bug must never hide the failure
        verdict, reply = Verdict("unknown"), _describe_exception(evidence.exception)
    try:
        facts = evidence.facts if isinstance(evidence.facts, Mapping) else {}
        params = {**_params_from(facts), **_params_from(verdict.params)}
        if reply:
            params.setdefault("reply", reply)
        return _render(verdict, _provider_id(evidence.provider_id), lang, params)
    except Exception:  # noqa: BLE001 - same: always a diagnosis
        return _render(Verdict("unknown"), None, lang, {"reply": _safe_text(reply, 300)})


def diagnosis(
    code: str,
    lang: str | None = None,
    *,
    provider_id: str | None = None,
    variant: str | None = None,
    **params: Any,
) -> Diagnosis:
    """The diagnosis for a decision the engine made itself (e.g. "tls.starttls_unavailable").

    *params* fill the texts (host, port, security, limit, field, detail...);
    *variant* picks a refined text when one exists. Unknown codes raise ValueError.
    """
    if code not in _CODES:
        raise ValueError(f"not a diagnosis code of the contract: {code!r}")
    family = family_of_provider(provider_id)
    verdict = Verdict(code, variant, family)
    if variant is None:
        verdict = weigh_run(verdict, params)
    return _render(verdict, provider_id, lang,
                   {**_params_from(params), **_params_from(verdict.params)})


# --- the whole run's evidence ---------------------------------------------------------------

# Below this, a "too large" refusal cannot be about the message: the test message is ~1 KB.
TINY_MESSAGE = 100 * 1024


def weigh_run(verdict: Verdict, facts: Mapping[str, Any]) -> Verdict:
    """The verdict refined by what the same run already proved, so that no advice
    contradicts a step that passed: a login that worked, TLS already in use, ports
    the probe found refused, a message far below any real size limit."""
    code = verdict.code
    authenticated = facts.get("authenticated") is True
    encrypted = facts.get("encrypted") is True
    situation: str | None = None
    if code == "relay.denied" and authenticated:
        situation = "mx_port" if facts.get("port") == 25 else "after_login"
    elif code == "relay.denied" and facts.get("port") == 25 and facts.get("auth_offered") is False:
        situation = "port25_no_login"
    elif code == "sender.not_authenticated" and authenticated:
        situation = "after_login"
    elif code == "auth.unavailable" and encrypted:
        situation = "encrypted_no_auth"
    elif code == "message.too_large" and _small(facts.get("message_size")):
        situation = "tiny"
    elif code in ("connect.refused", "connect.timeout") and _every_port(facts, code):
        situation = "every_port"
        # The ports this run probed, named as they were: never a list written in advance.
        tried = list(dict.fromkeys(str(r.get("port")) for r in _probe(facts)
                                   if r.get("port") is not None))
        return Verdict(code, situation, verdict.family,
                       {**verdict.params, "tried_ports": tried})
    elif code in ("tls.wrong_mode", "smtp.banner_timeout") and _implicit_ruled_out(facts):
        situation = "implicit_ruled_out"
    elif code == "connect.timeout" and facts.get("port") == 25 and (works := _works_elsewhere(facts)):
        # 25 silent while the submission ports of the same server answer: blocked on the
        # way out (the ISP or the store's firewall), not a server that is down.
        return Verdict(code, "port25_blocked", verdict.family,
                       {**verdict.params, "suggested_port": works.get("port"),
                        "suggested_security": works.get("security")})
    elif code == "tls.untrusted" and verdict.variant is None and (
            product := intercepting_product(facts.get("issuer"))) is not None:
        return Verdict(code, f"intercepted_{product.kind}", verdict.family,
                       {**verdict.params, "product": product.name})
    elif code == "tls.expired":
        return _clock_verdict(verdict, facts)
    elif code == "dns.not_found" and facts.get("dns_sanity_missing"):
        # The same resolver denies names that certainly exist (gmail.com...): the name
        # may well be right, the resolver is filtered or broken.
        return Verdict("dns.resolver_broken", None, verdict.family, verdict.params)
    if situation is None:
        return verdict
    return Verdict(code, situation, verdict.family, verdict.params)


# Beyond this gap between this computer's clock and the server's, the computer's is wrong.
CLOCK_SKEW_LIMIT = 5 * 60


def _works_elsewhere(facts: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The first other port of the same server that the probe found working."""
    return next((r for r in _probe(facts) if r.get("ok") and r.get("port") != facts.get("port")),
                None)


def _clock_verdict(verdict: Verdict, facts: Mapping[str, Any]) -> Verdict:
    """A certificate outside its dates: this computer's time beside them, and, when the
    server said its own time (in its greeting), which of the two clocks is wrong."""
    now = _when(facts.get("clock_now")) or datetime.now(UTC)
    params = {**verdict.params, "now": _show_time(now)}
    for name in ("not_before", "not_after"):
        if (when := _when(facts.get(name))) is not None:
            params[name] = _show_time(when)
    server = _when(facts.get("server_time"))
    variant = verdict.variant
    if server is not None:
        params["server_time"] = _show_time(server)
        wrong = abs((now - server).total_seconds()) > CLOCK_SKEW_LIMIT
        base = "not_yet_valid" if verdict.variant == "not_yet_valid" else "expired"
        variant = f"{base}_clock_{'wrong' if wrong else 'right'}"
    return Verdict(verdict.code, variant, verdict.family, params)


def _when(value: object) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if not isinstance(value, str) or not value:
        return None
    try:
        found = datetime.fromisoformat(value)
    except ValueError:
        return None
    return found if found.tzinfo else found.replace(tzinfo=UTC)


def _show_time(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _small(size: object) -> bool:
    return isinstance(size, int) and not isinstance(size, bool) and 0 < size < TINY_MESSAGE


def _probe(facts: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    found = facts.get("probe")
    return [r for r in found if isinstance(r, Mapping)] if isinstance(found, list) else []


def _every_port(facts: Mapping[str, Any], code: str) -> bool:
    """Every other port and mode the probe tried failed the same way (down or filtered)."""
    results = _probe(facts)
    return bool(results) and all(not r.get("ok") and r.get("error") == code for r in results)


def _implicit_ruled_out(facts: Mapping[str, Any]) -> bool:
    """The probe tried implicit TLS on this very port, and it did not work."""
    port = facts.get("port")
    return any(r.get("port") == port and r.get("security") == "implicit_tls" and not r.get("ok")
               for r in _probe(facts))


# --- deciding ------------------------------------------------------------------------------


def _verdict(evidence: Evidence) -> tuple[Verdict, str]:
    """The verdict and the server's reply (cleaned) to show with it."""
    facts = evidence.facts if isinstance(evidence.facts, Mapping) else {}
    step = str(evidence.step)
    code = evidence.code if isinstance(evidence.code, int) else None
    message = evidence.message if isinstance(evidence.message, str) else ""
    if facts.get("protocol_error"):
        return Verdict("smtp.protocol_error"), _clean_reply(code, message)
    exc = evidence.exception
    if isinstance(exc, BaseException):
        found = exception_verdict(exc, step, facts)
        if isinstance(found, Verdict):
            return found, _clean_reply(code, message) or _describe_exception(exc)
        if isinstance(found, ReplyError):
            # The exception's own reply is authoritative (a caller may pass str(exc) too).
            code, message = found.code, found.message or message
        elif code is None and not message.strip():
            return Verdict("unknown", "error"), _describe_exception(exc)
    if code is None and not message.strip():
        return Verdict("unknown"), ""
    verdict = reply_verdict(step, code, message, facts)
    if code is None:
        code = reply_code_in(message)
    if isinstance(exc, BaseException) and code is None and verdict.code == "unknown":
        # The text was the exception's own (the engine passes str(exc)), not a server reply.
        return Verdict("unknown", "error"), _describe_exception(exc)
    return verdict, _clean_reply(code, message)


# --- texts --------------------------------------------------------------------------------

_PARAM_SOURCES: dict[str, tuple[str, ...]] = {
    "host": ("host",),
    "port": ("port",),
    "security": ("security",),
    "suggested_port": ("suggested_port",),
    "suggested_security": ("suggested_security",),
    "timeout": ("timeout",),
    "username": ("username",),
    "sender": ("sender", "from_address"),
    "recipient": ("recipient", "to_address"),
    "limit": ("limit", "size_limit"),
    "size": ("size", "message_size"),
    "field": ("field",),
    "detail": ("detail",),
    "mechanisms": ("mechanisms", "auth_mechanisms", "offered"),
    "cert_names": ("cert_names", "tls_sans", "sans"),
    "not_after": ("not_after", "tls_not_after"),
    "not_before": ("not_before", "tls_not_before"),
    "status": ("status",),
    "reply": ("reply",),
    "step": ("step",),
    "names": ("names", "dns_sanity_missing"),
    "address": ("address",),
    "tried_ports": ("tried_ports",),
    "product": ("product", "intercepted_by"),
    "now": ("now",),
    "server_time": ("server_time",),
    "failed_family": ("failed_family",),
    "working_family": ("working_family",),
    "failed_error": ("failed_error",),
    "failed_address": ("failed_addresses",),
}
_SPACE_RUN = re.compile(r"[^\S\u00a0\u202f]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]+")
_CLIENT_LINE = re.compile(
    r"^\s*(?:->|c:|>>)|^\s*auth\s+(?:plain|login|xoauth2|oauthbearer|cram-md5|ntlm|gssapi)\b",
    re.IGNORECASE,
)
_OPTIONAL = re.compile(r"\[([^\[\]]*)\]")
_FIELD = re.compile(r"\{(\w+)\}")


def _safe_text(value: object, limit: int = 200) -> str:
    """One printable line: no terminal escapes or control characters, bounded length."""
    text = str(value)
    text = text.encode("utf-8", "replace").decode("utf-8")  # lone surrogates from the wire
    # Runs of spaces become one; a no-break space (French typography) stays as it is.
    text = _SPACE_RUN.sub(" ", _CONTROL.sub(" ", text)).strip(" ")
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _params_from(source: Mapping[str, Any]) -> dict[str, str]:
    params: dict[str, str] = {}
    for name, keys in _PARAM_SOURCES.items():
        for key in keys:
            value = source.get(key)
            if value is None or isinstance(value, bool) or value == "":
                continue
            if isinstance(value, (list, tuple, set, frozenset)):
                value = ", ".join(str(item) for item in value)
            elif isinstance(value, float):
                value = f"{value:g}"
            text = _safe_text(value, 300 if name == "reply" else 200)
            if text:
                params[name] = text
                break
    return params


def _clean_reply(code: int | None, message: str) -> str:
    """The server's reply on one line, without per-line codes or anything we sent."""
    lines = []
    for line in (message or "")[:MAX_REPLY_CHARS].splitlines():
        if _CLIENT_LINE.match(line):
            continue  # our own commands (AUTH and its arguments) never reach a message
        line = re.sub(r"^\s*\d{3}(?:[ -]|$)", "", line).strip()
        if line:
            lines.append(line)
    text = " ".join(lines)
    if code is not None:
        text = f"{code} {text}".strip()
    return _safe_text(text, 300)


def _describe_exception(exc: BaseException | None) -> str:
    if exc is None:
        return ""
    name = type(exc).__name__
    if isinstance(exc, UnicodeError):
        return name  # its text quotes the offending characters, which may be a secret's
    try:
        text = str(exc)
    except Exception:  # noqa: BLE001 - a broken __str__ still gets its type name shown
        text = ""
    return _safe_text(f"{name}: {text}" if text else name, 300)


def _lang(lang: str | None) -> str:
    code = (lang or "").strip().lower()[:2]
    return code if code in LANGUAGES else get_language()


def _text(key: str, lang: str) -> str | None:
    texts = catalogue().get(key)
    if texts is None:
        return None
    return texts.get(lang) or texts.get("en")


def _format(template: str, params: Mapping[str, object], lang: str) -> str:
    """Fill a template: optional [segments] only when all their fields are known."""

    def fill(text: str) -> str:
        return _FIELD.sub(lambda m: str(params.get(m.group(1)) or "")
                          or _fallback(m.group(1), lang), text)

    def segment(match: re.Match[str]) -> str:
        names = _FIELD.findall(match.group(1))
        return fill(match.group(1)) if all(params.get(n) for n in names) else ""

    return fill(_OPTIONAL.sub(segment, template)).strip()


def _fallback(name: str, lang: str) -> str:
    return _text(f"diagnosis.param.{name}", lang) or "?"


def _security_names(params: dict[str, Any]) -> None:
    """Security modes and steps by their name in the words' language (worded when shown)."""
    for name in ("security", "suggested_security"):
        value = params.get(name)
        if isinstance(value, str) and value in SECURITY_MODES:
            params[name] = security_label(value)
    step = params.get("step")
    if isinstance(step, str):
        params["step"] = step_label(step)


def _worded(key: str, params: Mapping[str, Any], lang: str) -> Msg:
    """The diagnosis text *key*, filled by the classifier's formatter when it is worded."""
    return Msg(key, params, lang, formatter=_format)


def _render(
    verdict: Verdict, provider_id: str | None, lang: str | None, params: dict[str, str]
) -> Diagnosis:
    """The diagnosis as data: its texts are keys and parameters, worded in *lang* for now.

    Which text is chosen never depends on the language (every key exists in both,
    as the catalogue test checks), so a view can word the same choice in the other.
    """
    code = verdict.code if verdict.code in _CODES else "unknown"
    language = _lang(lang)
    values: dict[str, Any] = dict(params)
    _security_names(values)
    if verdict.variant is None and params.get("suggested_port") and params.get("suggested_security"):
        verdict = Verdict(code, "suggested", verdict.family, verdict.params)
    summary_key = f"diagnosis.{code}.summary"
    if verdict.variant and _exists(f"{summary_key}.{verdict.variant}"):
        summary_key = f"{summary_key}.{verdict.variant}"
    summary = _worded(summary_key, values, language) if _exists(summary_key) \
        else Msg.inline({"fr": code, "en": code}, language)
    return Diagnosis(code=code, summary=summary,
                     hint=_hint(code, verdict, provider_id, language, values))


def _exists(key: str) -> bool:
    return key in catalogue()


def _hint(
    code: str, verdict: Verdict, provider_id: str | None, lang: str, params: Mapping[str, Any]
) -> Msg:
    """Which hint applies, most specific first (the one stated precedence):

    1. the situation the verdict names (its variant: ``starttls_first``, ``port25``...);
    2. a reply that names another provider family than the settings (a 5.7.139 from a
       "custom" server): that family's hint, and the configured provider's do not apply;
    3. the configured provider's own hint in the catalogue, shown as written;
    4. the provider family's hint (from the reply, else from the settings);
    5. the generic hint of the code.
    """
    base = f"diagnosis.{code}.hint"
    if verdict.variant and _exists(key := f"{base}.{verdict.variant}"):
        return _worded(key, params, lang)
    id_family = family_of_provider(provider_id)
    reply_family = verdict.family
    if reply_family and reply_family != id_family:
        if _exists(key := f"{base}.{reply_family}"):
            return _worded(key, params, lang)
    elif provider_id and (texts := _catalogue_hint(provider_id, code)):
        return Msg.inline(texts, lang, formatter=_as_written)
    family = reply_family or id_family
    if family and _exists(key := f"{base}.{family}"):
        return _worded(key, params, lang)
    if _exists(base):
        return _worded(base, params, lang)
    return Msg.inline({"fr": "", "en": ""}, lang)


def _as_written(template: str, params: Mapping[str, object], lang: str) -> str:
    return _safe_text(template, 600)  # the catalogue's prose, shown as written


def _catalogue_hint(provider_id: str, code: str) -> dict[str, str] | None:
    """The provider catalogue's own hint for *code* in both languages, if it has one."""
    try:
        from comelin_tui.providers import get_provider
    except ImportError:
        return None
    try:
        hints = getattr(get_provider(provider_id), "diagnosis_hints", None) or {}
        text = hints.get(code)
        if text is None:
            return None
        if isinstance(text, Mapping):
            texts = {lang: str(text.get(lang) or text.get("en") or "") for lang in LANGUAGES}
        else:
            texts = {lang: str(text) for lang in LANGUAGES}
        return texts if any(texts.values()) else None
    except Exception:  # noqa: BLE001 - a catalogue problem must not hide the diagnosis
        return None


def _provider_id(value: object) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    return unicodedata.normalize("NFKC", value.strip())
