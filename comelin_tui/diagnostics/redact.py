"""Keep secrets out of transcripts, details, logs and JSON.

Two layers, because one mistake must not leak a password:

1. :func:`redact_line` and :class:`Redactor` hide what the client sends
   during authentication: ``AUTH <mechanism> <argument>`` keeps only the
   mechanism, and every line answering a ``334`` challenge becomes
   ``********``.
2. :meth:`Redactor.scrub` removes every known secret (the password or token,
   and the base64 forms a client sends) from any text, so a server that echoes
   what it received in an error reply cannot leak it either.

Server text is also made safe to print: control characters (terminal escape
sequences from a hostile server) are replaced.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable
from typing import Any

from ..i18n import Msg

REDACTED = "********"
SENT, RECEIVED = "-> ", "<- "

_AUTH_RE = re.compile(r"^(?P<prefix>(?:-> )?)(?P<verb>AUTH)(?P<rest>\s.*)?$", re.IGNORECASE)
# Everything below space except tab, plus DEL and the C1 range (ESC sequences, bells...).
_CONTROL_RE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")
# Shorter secrets are not scrubbed from free text: removing "ab" everywhere would
# mangle every message; the protocol-level redaction still hides them.
MIN_SCRUB_LENGTH = 4


def redact_line(line: str) -> str:
    """A transcript line with AUTH arguments replaced by ``********``.

    ``"-> AUTH PLAIN AGJvYgBzM2NyZXQ="`` becomes ``"-> AUTH PLAIN ********"``;
    ``"-> AUTH LOGIN"`` is unchanged (no argument); other lines are unchanged.
    """
    match = _AUTH_RE.match(line)
    if not match:
        return line
    words = (match.group("rest") or "").split()
    if len(words) <= 1:
        return line
    return f"{match.group('prefix')}{match.group('verb')} {words[0]} {REDACTED}"


def sanitize_text(text: str) -> str:
    """Server text safe to show on a terminal: control characters replaced by ``?``,
    and the invisible ones that reorder or hide text (bidi overrides such as U+202E,
    zero-width spaces, line separators U+2028...) shown escaped (``\\u202e``), so a
    server cannot make its words read otherwise than they are."""
    text = _CONTROL_RE.sub("?", text)
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() or char == "\t" else f"\\u{ord(char):04x}"
                   for char in text)


def secret_forms(secret: str, username: str = "") -> list[str]:
    """The password or token and the encodings an SMTP client sends it in."""
    if not secret:
        return []
    raw = secret.encode("utf-8")
    user = username.encode("utf-8")
    blobs = [
        raw,
        b"\0" + user + b"\0" + raw,  # AUTH PLAIN
        user + b"\0" + user + b"\0" + raw,  # AUTH PLAIN with an authorization identity
        b"user=" + user + b"\x01auth=Bearer " + raw + b"\x01\x01",  # XOAUTH2
    ]
    forms = {secret}
    for blob in blobs:
        encoded = base64.b64encode(blob).decode("ascii")
        forms.add(encoded)
        forms.add(encoded.rstrip("="))
    return sorted((f for f in forms if len(f) >= MIN_SCRUB_LENGTH), key=len, reverse=True)


class Redactor:
    """Redacts transcript lines and scrubs known secrets from any text."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets = sorted({s for s in secrets if len(s) >= MIN_SCRUB_LENGTH},
                               key=len, reverse=True)
        self._after_challenge = False

    def scrub(self, text: str) -> str:
        """*text* with every known secret replaced by ``********``.

        A message (words as data) keeps its key: the secret is scrubbed from its
        parameters, so it can still be worded in the other language.
        """
        if isinstance(text, Msg):
            scrubbed = text.map_params(self.scrub)
            if not any(secret in scrubbed for secret in self._secrets):
                return scrubbed
            text = str(scrubbed)  # never expected: the words themselves held it
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        return text

    def scrub_data(self, value: Any) -> Any:
        """:meth:`scrub` applied to every string inside JSON-like data."""
        if isinstance(value, str):
            return self.scrub(value)
        if isinstance(value, dict):
            return {k: self.scrub_data(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.scrub_data(v) for v in value]
        return value

    def sent(self, line: str, *, secret: bool = False) -> str:
        """The transcript form of a line the client sent."""
        if secret or self._after_challenge:
            self._after_challenge = False
            return SENT + REDACTED
        return self.scrub(redact_line(SENT + line))

    def received(self, line: str) -> str:
        """The transcript form of a line the server sent."""
        # A 334 challenge means the client's next line is an authentication
        # answer, whatever the caller says about it.
        self._after_challenge = line.startswith("334")
        return self.scrub(RECEIVED + sanitize_text(line))
