"""The command palette's "search settings", like the admin panel's search box.

Each hit names a setting and its step; choosing it shows that step and
focuses the field. Both languages match ("hote" and "host" both find the
host), whatever language the screen is in.
"""

from __future__ import annotations

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
from textual.widgets import Input

from .. import i18n
from ..i18n import t
from ..widgets import plain
from .base import MODAL_BINDINGS

# (setting, step) in wizard order; "test" is the test send screen.
SETTINGS: tuple[tuple[str, str], ...] = (
    ("company.email", "email"),
    ("company.name", "email"),
    ("provider", "provider"),
    ("smtp.host", "server"),
    ("smtp.port", "server"),
    ("smtp.security", "server"),
    ("smtp.ca_file", "server"),
    ("smtp.timeout", "server"),
    ("smtp.username", "credentials"),
    ("password", "credentials"),
    ("smtp.auth", "credentials"),
    ("oauth.tenant", "credentials"),
    ("oauth.client_id", "credentials"),
    ("save", "review"),
    ("test", "test"),
)


def setting_text(setting: str, step: str, lang: str | None = None) -> str:
    """How a setting reads in the palette: "Host (SMTP server) - Server"."""
    return t("tui.search.entry", lang, setting=t(f"tui.search.field.{setting}", lang),
             step=t(f"tui.step.{step}", lang))


class SearchSettings(Provider):
    """Find a setting by name, in French or English, and jump to it."""

    def _go(self, setting: str) -> Any:
        app: Any = self.app
        return app.goto_setting(setting)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        lang = i18n.get_language()
        for setting, step in SETTINGS:
            text = setting_text(setting, step, lang)
            score = max(matcher.match(setting_text(setting, step, other))
                        for other in i18n.LANGUAGES)
            if score > 0:
                shown = matcher.highlight(text) if matcher.match(text) else plain(text)
                yield Hit(score, shown, partial(self._go, setting), text=text,
                          help=t("tui.search.help"))

    async def discover(self) -> Hits:
        for setting, step in SETTINGS:
            text = setting_text(setting, step)
            yield DiscoveryHit(plain(text), partial(self._go, setting), text=text,
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

    def on_mount(self) -> None:
        icon = self.query_one(SearchIcon)
        icon.icon = ">"
        icon.refresh()
