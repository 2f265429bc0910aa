"""Keep secrets out of transcripts, details, logs and JSON, without pointing at them.

Two layers, because one mistake must not leak a password:

1. :func:`redact_line` and :meth:`Redactor.sent` hide what the client sends
   during authentication: ``AUTH <mechanism> <argument>`` keeps only the
   mechanism, and every line answering a ``334`` challenge becomes
   ``********``. Nothing else the client writes is touched.
2. :meth:`Redactor.server_text` masks the password or token, and the forms a
   server may echo it in (base64 of what was sent, URL or quoted-printable
   encoding, hex...), in text that came from the server once it has been given
   the secret: a careless server that quotes what it received cannot leak it.

Text the program wrote itself (the login, the addresses, the host, the words of
a step) is never masked: masking ``boutique`` inside ``caisse@boutique.example``
would tell anyone who reads it what the password is. For the same reason, inside
server text an occurrence that is part of one of those public values (a server
quoting the sender address) is left as it is, and a short form (under
:data:`SHORT_FORM` characters: a password of 1 to 7 characters, base64 of a tiny
one) is masked only where it stands as a whole word, never inside other words.
Text the server sent before it was given the secret cannot echo it: it is shown
as sent.

Server text is also made safe to print: control characters (terminal escape
sequences from a hostile server) are replaced.
"""

from __future__ import annotations

import base64
import json
import quopri
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, quote_plus

from ..i18n import Msg

REDACTED = "********"
SENT, RECEIVED = "-> ", "<- "

_AUTH_RE = re.compile(r"^(?P<prefix>(?:-> )?)(?P<verb>AUTH)(?P<rest>\s.*)?$", re.IGNORECASE)
# Everything below space except tab, plus DEL and the C1 range (ESC sequences, bells...).
_CONTROL_RE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")
# A form shorter than this is masked only as a whole word: masking "ab" everywhere
# would mangle every message and point at the password.
SHORT_FORM = 8


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


def _base64_forms(blob: bytes) -> set[str]:
    forms: set[str] = set()
    for encode in (base64.b64encode, base64.urlsafe_b64encode):
        encoded = encode(blob).decode("ascii")
        forms.update((encoded, encoded.rstrip("=")))
    return forms


def _text_forms(secret: str) -> set[str]:
    """The secret re-encoded the ways a server may quote it back in text."""
    raw = secret.encode("utf-8")
    return {
        secret,
        sanitize_text(secret),  # as shown, once control characters are replaced
        quote(secret, safe=""), quote_plus(secret, safe=""),  # URL (percent) encoding
        # Quoted-printable, without its soft line breaks.
        quopri.encodestring(raw, quotetabs=True).decode("ascii").replace("=\n", ""),
        raw.hex(), raw.hex().upper(),
        json.dumps(secret)[1:-1], json.dumps(secret, ensure_ascii=False)[1:-1],
        raw.decode("latin-1"),  # UTF-8 read as Latin-1 by a server (mojibake)
    }


def secret_forms(secret: str, username: str = "") -> list[str]:
    """The password or token, the encodings an SMTP client sends it in (base64 of the
    password as AUTH LOGIN sends it, of the AUTH PLAIN and XOAUTH2 blobs), and the ways
    a server may echo any of them re-encoded; longest first."""
    if not secret:
        return []
    raw = secret.encode("utf-8")
    user = username.encode("utf-8")
    blobs = [
        raw,  # AUTH LOGIN's password step
        b"\0" + user + b"\0" + raw,  # AUTH PLAIN
        user + b"\0" + user + b"\0" + raw,  # AUTH PLAIN with an authorization identity
        b"user=" + user + b"\x01auth=Bearer " + raw + b"\x01\x01",  # XOAUTH2
    ]
    forms = _text_forms(secret)
    for blob in blobs:
        forms |= _base64_forms(blob)
    return sorted((f for f in forms if f), key=lambda f: (-len(f), f))


def public_forms(values: Iterable[str]) -> list[str]:
    """Values the program shows anyway (login, addresses, host), with the parts a server
    may quote alone: the local part, the domain and its parents."""
    found: set[str] = set()
    for value in values:
        value = (value or "").strip()
        if not value:
            continue
        found.add(value)
        local, at, domain = value.rpartition("@")
        if at:
            found.add(local)
        else:
            domain = value
        labels = domain.strip("[].").split(".")
        if labels[-1].isdigit() or ":" in domain:
            continue  # an IP address: its pieces are no names
        for start in range(len(labels) - 1):
            found.add(".".join(labels[start:]))
    return sorted((f for f in found if f), key=len, reverse=True)


def _pattern(form: str) -> re.Pattern[str]:
    """Where *form* is masked: anywhere, or, for a short one, only as a whole word."""
    pattern = re.escape(form)
    if len(form) < SHORT_FORM:
        if re.match(r"\w", form):
            pattern = r"(?<!\w)" + pattern
        if re.search(r"\w$", form):
            pattern += r"(?!\w)"
    return re.compile(pattern)


class Redactor:
    """Redacts the client's authentication lines; masks known secrets in server text."""

    def __init__(self, secrets: Iterable[str] = (), public: Iterable[str] = ()) -> None:
        forms = sorted({s for s in secrets if s}, key=len, reverse=True)
        self._patterns = [_pattern(form) for form in forms]
        self._public: list[str] = []
        self._message_public: list[str] = []  # the addresses of the message under way
        self.add_public(public)
        self._after_challenge = False
        # Whether the server was given a secret (an AUTH argument, an answer to 334):
        # only from then on can what it says echo one.
        self.secret_sent = False

    def __repr__(self) -> str:
        return f"Redactor({len(self._patterns)} forms)"  # never the forms themselves

    def add_public(self, values: Iterable[str], *, message: bool = False) -> None:
        """More values the program shows anyway (never masked inside server text);
        *message*: only until :meth:`new_message` (one message's addresses, so that a
        connection carrying many messages does not collect them all)."""
        if message:
            self._message_public = sorted({*self._message_public, *public_forms(values)},
                                          key=len, reverse=True)
        else:
            self._public = sorted({*self._public, *public_forms(values)}, key=len,
                                  reverse=True)

    def new_message(self) -> None:
        """A new message on the same connection: the last one's addresses are forgotten."""
        self._message_public = []

    def _kept(self, text: str) -> list[tuple[int, int]]:
        """Spans never masked: a mask already there, and the public values."""
        spans = [(m.start(), m.end()) for m in re.finditer(re.escape(REDACTED), text)]
        folded = text.casefold() if len(text.casefold()) == len(text) else None
        for value in (*self._public, *self._message_public):
            haystack, needle = (folded, value.casefold()) if folded is not None else (text, value)
            start = haystack.find(needle)
            while start >= 0:
                spans.append((start, start + len(needle)))
                start = haystack.find(needle, start + 1)
        return spans

    def scrub(self, text: str) -> str:
        """*text*, from the server, with every known secret form replaced by ``********``.

        A form is left where it lies inside a longer public value (the server quoting
        the login or an address) or inside a mask already there. A message (words as
        data) keeps its key and its words: only its parameters are scrubbed.
        """
        if isinstance(text, Msg):
            return text.map_params(self.scrub)
        if not self._patterns or not text:
            return text
        masks: list[tuple[int, int]] = []
        kept: list[tuple[int, int]] | None = None
        for pattern in self._patterns:
            for match in pattern.finditer(text):
                start, end = match.span()
                if kept is None:
                    kept = self._kept(text)
                inside = any(s <= start and end <= e and (e - s > end - start
                                                          or text[s:e] == REDACTED)
                             for s, e in kept)
                if not inside:
                    masks.append((start, end))
        if not masks:
            return text
        masks.sort()
        merged = [masks[0]]
        for start, end in masks[1:]:
            last_start, last_end = merged[-1]
            if start <= last_end:
                merged[-1] = (last_start, max(last_end, end))
            else:
                merged.append((start, end))
        pieces, position = [], 0
        for start, end in merged:
            pieces += [text[position:start], REDACTED]
            position = end
        pieces.append(text[position:])
        return "".join(pieces)

    def scrub_data(self, value: Any) -> Any:
        """:meth:`scrub` applied to every string inside JSON-like data (server data)."""
        if isinstance(value, str):
            return self.scrub(value)
        if isinstance(value, dict):
            return {k: self.scrub_data(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.scrub_data(v) for v in value]
        return value

    def server_text(self, text: str) -> str:
        """Text the server sent, safe to show: sanitised, and scrubbed once the server
        was given a secret (before, it cannot echo one; masking a coincidence, such as
        a server name, would only point at the password)."""
        text = sanitize_text(text)
        return self.scrub(text) if self.secret_sent else text

    def sent(self, line: str, *, secret: bool = False) -> str:
        """The transcript form of a line the client sent."""
        if secret or self._after_challenge:
            self._after_challenge = False
            self.secret_sent = True
            return SENT + REDACTED
        shown = redact_line(SENT + line)
        if shown != SENT + line:
            self.secret_sent = True  # an AUTH command with its argument
        return shown

    def received(self, line: str) -> str:
        """The transcript form of a line the server sent."""
        # A 334 challenge means the client's next line is an authentication
        # answer, whatever the caller says about it.
        self._after_challenge = line.startswith("334")
        return RECEIVED + self.server_text(line)
