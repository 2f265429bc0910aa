"""No word of the other language left on screen (helpers for pilot tests; no tests here).

A word counts as "of the other language" when the catalogue uses it in that
language's texts and never in this one's (``Suivant`` is French only, ``Next``
English only). Two looks at a screen: what is drawn (the visible 80x24, footer
and dialogs included) and the text of every widget (also below the fold).
Words the test itself typed, and what a server said (it speaks English), are
allowed: pass them as *allowed*.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from functools import cache
from typing import Any

from rich.console import Console
from textual.widgets import Button, Input, OptionList, Static

from comelin_tui import i18n

_WORD = re.compile(r"[^\W\d_]{4,}")
_FIELD = re.compile(r"\{[^{}]*\}")
_ADDRESS = re.compile(r"\b(?:https?://|www\.)\S+|\S+@\S+")  # links and addresses: no language


def words(text: str) -> set[str]:
    text = _ADDRESS.sub(" ", _FIELD.sub(" ", text))
    return {word.lower() for word in _WORD.findall(text)}


@cache
def exclusive_words() -> dict[str, frozenset[str]]:
    """For each language, the words its texts use and the other language's never do."""
    import importlib
    import pkgutil

    import comelin_tui

    for module in pkgutil.walk_packages(comelin_tui.__path__, "comelin_tui."):
        if not module.name.endswith("__main__"):
            importlib.import_module(module.name)  # every module's catalogue
    used = {lang: set[str]() for lang in i18n.LANGUAGES}
    for texts in i18n.catalogue().values():
        for lang in i18n.LANGUAGES:
            used[lang] |= words(texts.get(lang, ""))
    return {lang: frozenset(used[lang] - set().union(*(used[o] for o in used if o != lang)))
            for lang in i18n.LANGUAGES}


def drawn_text(app: Any) -> str:
    """What the terminal shows now: the screen as drawn, dialogs over it included."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True,
                      color_system=None, record=True, legacy_windows=False)
    update = app.screen._compositor.render_update(
        full=True, screen_stack=app._background_screens)
    console.print(update)
    return console.export_text(styles=False)


def widget_texts(app: Any) -> str:
    """The words of every widget of the current screen, shown or scrolled out of view."""
    parts: list[str] = []
    for widget in app.screen.walk_children(with_self=False):
        if not getattr(widget, "display", True):
            continue
        if isinstance(widget, Button):
            parts.append(str(widget.label))
        elif isinstance(widget, Input):
            parts.append(str(widget.placeholder))
        elif isinstance(widget, OptionList):
            parts.extend(str(option.prompt) for option in widget.options)
        elif isinstance(widget, Static):
            parts.append(str(widget.render()))
        border = getattr(widget, "border_title", None)
        if border:
            parts.append(str(border))
    return "\n".join(parts)


@cache
def names() -> frozenset[str]:
    """Brand names are not words of a language ("Namecheap Private Email")."""
    from comelin_tui.providers import providers

    return frozenset(word for provider in providers() for word in words(str(provider.name)))


def foreign_words(text: str, lang: str, allowed: Iterable[str] = ()) -> set[str]:
    """The words of *text* that belong to the other language only."""
    other = set().union(*(w for code, w in exclusive_words().items() if code != lang))
    permitted = names() | {word for item in allowed for word in words(item)}
    return (words(text) & other) - permitted


def cut_buttons(app: Any) -> list[str]:
    """The labels of shown buttons too narrow for them."""
    cut = []
    for button in app.screen.query(Button):
        node, shown = button, True
        while node is not None and shown:
            shown = bool(getattr(node, "display", True))
            node = node.parent
        label = str(button.label)
        if shown and button.content_size.width < len(label):
            cut.append(f"{label!r} in {button.content_size.width} columns")
        elif shown and button.region.width and button.region.right > app.size.width:
            cut.append(f"{label!r} past the right edge ({button.region.right} columns)")
    return cut


def assert_one_language(app: Any, lang: str, allowed: Iterable[str] = (),
                        where: str = "") -> None:
    """Neither the drawn screen nor any widget holds a word of the other language, and every
    button is wide enough for its label."""
    allowed = list(allowed)
    cut = cut_buttons(app)
    assert not cut, f"{where} ({lang}): buttons cut: {cut}"
    for name, text in (("drawn", drawn_text(app)), ("widgets", widget_texts(app))):
        found = foreign_words(text, lang, allowed)
        assert not found, (f"{where or type(app.screen).__name__} ({name}, {lang}): "
                           f"words of the other language: {sorted(found)}\n{text}")
