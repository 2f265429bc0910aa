"""The command palette's "search settings", like the admin panel's search box.

Each hit names a setting and its step; choosing it shows that step and
focuses the field. The names and keywords come from the field registry
(:mod:`comelin_tui.fields`); both languages match ("hote" and "host" both find
the host), whatever language the screen is in.
"""

from __future__ import annotations

import re
import unicodedata
from functools import partial
from typing import Any, ClassVar

from textual.binding import BindingType
from textual.command import (
    CommandInput,
    CommandPalette,
    DiscoveryHit,
    Hit,
    Hits,
    Provider,
    SearchIcon,
)
from textual.fuzzy import Matcher
from textual.widgets import Input

from .. import i18n
from ..fields import FieldSpec, searchable_fields

i18n.register({
    "tui.search.no_matches": {"fr": "Aucun réglage trouvé", "en": "No setting found"},
})
from ..i18n import t
from ..widgets import plain
from .base import MODAL_BINDINGS


def setting_text(spec: FieldSpec, lang: str | None = None) -> str:
    """How a setting reads in the palette: "SMTP server — Server step"."""
    return t("tui.search.entry", lang, setting=spec.text("label", lang),
             step=t(f"tui.step.{spec.step}", lang))


def _folded(text: str) -> str:
    """Lower case without accents: "hote" finds "Hôte"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _keyword_hit(query: str, spec: FieldSpec) -> bool:
    """Every word of *query* starts a word of the setting's name or keywords (either
    language). Whole words only: a fuzzy match on keywords would find "port" in
    "encryption SSL TLS STARTTLS"."""
    words = {word for text in spec.search_words() for word in re.findall(r"\w+", _folded(text))}
    wanted = re.findall(r"\w+", _folded(query))
    return bool(wanted) and all(any(word.startswith(part) for word in words) for part in wanted)


# Whole words found among the keywords score as this share of an exact match: below
# the query found as is in a setting's name, above letters scattered through it.
KEYWORD_WEIGHT = 0.7


def score(matcher: Matcher, spec: FieldSpec) -> float:
    """How well the query in *matcher* finds *spec*, by its name in the palette (in either
    language) or by whole words of its name and keywords."""
    best = max(matcher.match(setting_text(spec, lang)) for lang in i18n.LANGUAGES)
    if _keyword_hit(matcher.query, spec):
        best = max(best, KEYWORD_WEIGHT * matcher.match(matcher.query))
    return best


def ranked(query: str) -> list[str]:
    """The settings *query* finds, best first (what the palette lists)."""
    matcher = Matcher(query)
    scores = [(score(matcher, spec), index, spec.name)
              for index, spec in enumerate(searchable_fields())]
    return [name for value, _, name in sorted(scores, key=lambda s: (-s[0], s[1])) if value > 0]


class SearchSettings(Provider):
    """Find a setting by name, in French or English, and jump to it."""

    def _go(self, setting: str) -> Any:
        app: Any = self.app
        return app.goto_setting(setting)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        lang = i18n.get_language()
        for spec in searchable_fields():
            text = setting_text(spec, lang)
            found = score(matcher, spec)
            if found > 0:
                shown = matcher.highlight(text) if matcher.match(text) else plain(text)
                yield Hit(found, shown, partial(self._go, spec.name), text=text,
                          help=t("tui.search.help"))

    async def discover(self) -> Hits:
        for spec in searchable_fields():
            text = setting_text(spec)
            yield DiscoveryHit(plain(text), partial(self._go, spec.name), text=text,
                               help=t("tui.search.help"))


class SettingsPalette(CommandPalette):
    """Textual's command palette with a plain ">" before the query, and F2.

    PuTTY's usual fonts have no glyph for the magnifying-glass emoji Textual shows
    there, and draw a box or two question marks instead. Like every dialog, it
    switches the language too, and then words its hits again.
    """

    BINDINGS: ClassVar[list[BindingType]] = MODAL_BINDINGS

    def refresh_language(self) -> None:
        query = self.query_one(CommandInput)
        query.placeholder = t("tui.search.placeholder")
        # The same search again, so the hits read in the new language.
        query.post_message(Input.Changed(query, query.value))

    def _start_no_matches_countdown(self, search_value: str) -> None:
        """Textual's "No matches found", in the screen's language (Textual writes it in
        English in the middle of this method: the same steps, our words)."""
        from rich.align import Align
        from rich.text import Text
        from textual.command import CommandList
        from textual.widgets.option_list import Option

        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(Option(
                    Align.center(Text(t("tui.search.no_matches"), style="not bold")),
                    disabled=True, id=self._NO_MATCHES))
                self._list_visible = True
            else:
                self._list_visible = False  # discovery with nothing to show: nothing said

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)

    def on_mount(self) -> None:
        icon = self.query_one(SearchIcon)
        icon.icon = ">"
        icon.refresh()
