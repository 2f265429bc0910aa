"""Small terminal helpers that need no Textual: copying text with OSC 52.

OSC 52 asks the terminal emulator (on the technician's own computer, at the
other end of SSH) to put text in its clipboard. Many terminals honour it
(Windows Terminal, iTerm2, kitty, WezTerm, xterm with the option); others
ignore it silently, so it is always a convenience, never the only way.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping
from typing import TextIO

__all__ = ["osc52_copy", "write_osc52"]

_ESC = "\x1b"
_BEL = "\x07"
_ST = _ESC + "\\"
# GNU screen cuts a DCS string after 768 bytes: pass the sequence through in pieces.
_SCREEN_CHUNK = 76


def osc52_copy(text: str, environ: Mapping[str, str] | None = None) -> str:
    """The escape sequence that copies *text* to the terminal's clipboard.

    Inside tmux (``$TMUX``) or GNU screen (``$STY``) the sequence is wrapped in
    their passthrough (DCS) form so it reaches the outer terminal.
    """
    env = os.environ if environ is None else environ
    payload = base64.b64encode(text.encode("utf-8")).decode("ascii")
    sequence = f"{_ESC}]52;c;{payload}{_BEL}"
    if env.get("TMUX"):
        # tmux passes through what is between "ESC P tmux;" and ST, with each ESC doubled.
        return f"{_ESC}Ptmux;{sequence.replace(_ESC, _ESC * 2)}{_ST}"
    if env.get("STY"):
        return "".join(f"{_ESC}P{sequence[i:i + _SCREEN_CHUNK]}{_ST}"
                       for i in range(0, len(sequence), _SCREEN_CHUNK))
    return sequence


def write_osc52(text: str, stream: TextIO) -> bool:
    """Copy *text* with OSC 52 if *stream* is a terminal; whether the sequence was written.

    Never writes to a pipe or a file: the sequence would end up in a log.
    """
    if os.environ.get("TERM") == "dumb":
        return False
    if os.name == "nt" and not (os.environ.get("WT_SESSION") or os.environ.get("TERM")):
        return False  # the old Windows console would print the sequence as text
    try:
        if not stream.isatty():
            return False
        stream.write(osc52_copy(text))
        stream.flush()
    except (OSError, ValueError):  # closed or broken stream: copying is only a convenience
        return False
    return True
