"""The one place that reaches into a library's private parts, each with a test.

argparse has no public way to translate its own words (``usage:``, its errors,
"show this help message and exit"): it looks each one up, when it is shown,
through its module-level ``_`` (gettext's ``gettext``). :func:`localise_argparse`
replaces that name. ``tests/test_compat.py`` proves it works on this Python
(French words in ``--help`` and in errors) and fails when argparse renames the
hook or rewords a message listed here. Textual-free, and cheap to import.
"""

from __future__ import annotations

import argparse
import gettext
from collections.abc import Callable, Mapping

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
        "option ambiguë : %(option)s peut vouloir dire %(matches)s",
    "invalid %(type)s value: %(value)r": "valeur %(type)s invalide : %(value)r",
    "invalid choice: %(value)r (choose from %(choices)s)":
        "choix invalide : %(value)r (choisir parmi %(choices)s)",
    "not allowed with argument %s": "incompatible avec l'argument %s",
}


def localise_argparse(language: Callable[[], str]) -> bool:
    """Make argparse's own words follow *language()* ("fr": French); False without the hook.

    Without the hook (a future argparse) the words simply stay in English.
    """
    if not callable(getattr(argparse, "_", None)):
        return False

    def translate(message: str) -> str:
        if language() == "fr":
            return ARGPARSE_FR.get(message, message)
        return gettext.gettext(message)

    argparse._ = translate  # type: ignore[attr-defined]
    return True
