"""Errors a user can hit: each carries a translated message a person can act on."""

from __future__ import annotations

from .i18n import m


class ComelinError(Exception):
    """Base of every error shown to a user (CLI: one line + exit code; TUI: a notice).

    ``key`` names an i18n message; ``params`` fill its placeholders, so the
    same error can be shown in French or English.
    """

    exit_code = 3

    def __init__(self, key: str, /, **params: object) -> None:
        self.key = key
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: str | None = None) -> str:
        """The message (words as data: a view may word it again in another language)."""
        return m(self.key, lang, **self.params)

    def __str__(self) -> str:
        return self.message()
