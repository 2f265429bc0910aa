"""The one place that reaches into a library's private parts, each with a test.

argparse has no public way to translate its own words (``usage:``, its errors,
"show this help message and exit"): it looks each one up, when it is shown,
through its module-level ``_`` (gettext's ``gettext``). :func:`localise_argparse`
replaces that name, and words the errors that would repeat a value typed by
mistake (it may be a password) without it. ``tests/test_compat.py`` proves it works on this Python
(French words in ``--help`` and in errors) and fails when argparse renames the
hook or rewords a message listed here. Textual-free, and cheap to import.
"""

from __future__ import annotations

import argparse
import gettext
from collections.abc import Callable, Mapping

from .i18n import french_spacing

# argparse's own words (usage, errors), for a French command line: its message ids, as
# they are written in argparse.py, to their French (tests/test_compat.py checks the ids).
ARGPARSE_FR: Mapping[str, str] = {
    "usage: ": "utilisation : ",
    "positional arguments": "arguments positionnels",
    "options": "options",
    "show this help message and exit": "afficher cette aide et quitter",
    "%(prog)s: error: %(message)s\n": "%(prog)s : erreur : %(message)s\n",
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s : %(message)s",
    "unrecognized arguments: %s": "arguments non reconnus : %s",
    "the following arguments are required: %s": "ces arguments sont requis : %s",
    "one of the arguments %s is required": "un de ces arguments est requis : %s",
    "expected one argument": "une valeur est attendue",
    "expected at most one argument": "au plus une valeur est attendue",
    "expected at least one argument": "au moins une valeur est attendue",
    "ambiguous option: %(option)s could match %(matches)s":
        "option ambiguë : elle peut vouloir dire %(matches)s",
    "invalid %(type)s value: %(value)r": "valeur %(type)s invalide",
    "invalid choice: %(value)r (choose from %(choices)s)":
        "choix invalide (choisir parmi %(choices)s)",
    "not allowed with argument %s": "incompatible avec l'argument %s",
    "ignored explicit argument %r": "cette option ne prend pas de valeur%.0s",
}

# With the French spacing the catalogues get (see i18n.french_spacing).
_ARGPARSE_FR_TYPESET = {message: french_spacing(text) for message, text in ARGPARSE_FR.items()}

# argparse's errors that repeat what was typed, worded without it: a password typed on the
# command line by mistake (``check --security hunter2``, ``comelin-tui hunter2``,
# ``--password-stdin=hunter2``) must not be printed back (terminal scrollback, CI logs).
# ``%.0s`` takes the value argparse formats in and prints nothing of it. The option's name
# is still given ("argument --security: invalid choice ..."). "unrecognized arguments" is
# never formatted: cli.py words it (it names options, never values).
ARGPARSE_QUIET_EN: Mapping[str, str] = {
    "ambiguous option: %(option)s could match %(matches)s":
        "ambiguous option: it could match %(matches)s",
    "invalid %(type)s value: %(value)r": "invalid %(type)s value",
    "invalid choice: %(value)r (choose from %(choices)s)": "invalid choice (choose from %(choices)s)",
    "ignored explicit argument %r": "this option takes no value%.0s",
}


def localise_argparse(language: Callable[[], str]) -> bool:
    """Make argparse's own words follow *language()* ("fr": French); False without the hook.

    Without the hook (a future argparse) the words simply stay in English.
    """
    if not callable(getattr(argparse, "_", None)):
        return False

    def translate(message: str) -> str:
        if language() == "fr":
            return _ARGPARSE_FR_TYPESET.get(message, message)
        return ARGPARSE_QUIET_EN.get(message) or gettext.gettext(message)

    argparse._ = translate  # type: ignore[attr-defined]
    return True
