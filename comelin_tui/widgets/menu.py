"""A vertical menu of translated choices (arrows + Enter), lighter than a column of buttons."""

from __future__ import annotations

from collections.abc import Sequence

from textual.widgets import OptionList
from textual.widgets.option_list import Option

from .text import TextSource, plain, resolve


class Menu(OptionList):
    """An OptionList whose entries are ``(id, text source)`` pairs."""

    def __init__(self, items: Sequence[tuple[str, TextSource]], *, id: str | None = None,
                 classes: str | None = None) -> None:
        self._items = list(items)
        super().__init__(*(Option(plain(resolve(source)), id=item_id)
                           for item_id, source in self._items),
                         id=id, classes=classes, compact=True)

    def refresh_language(self) -> None:
        for item_id, source in self._items:
            self.replace_option_prompt(item_id, plain(resolve(source)))
