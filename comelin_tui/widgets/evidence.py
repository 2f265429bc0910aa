"""The evidence under a diagnosis on the test screen: the server's whole reply, the
certificate it presented, and each port the probe tried with its result.

The words come from :mod:`comelin_tui.diagnostics.evidence_text` (the same sections
``comelin-tui check`` prints), worded when drawn: a language switch words them again.
The lines wrap to the pane's width, never cut (the pane scrolls).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Vertical

from .text import Tr

if TYPE_CHECKING:
    from ..diagnostics.evidence_text import EvidenceSection
    from ..diagnostics.model import RunResult

KINDS = ("reply", "certificate", "probe")


class EvidencePanel(Vertical):
    """A title and its lines for each piece of evidence the finished run has."""

    def __init__(self, result: Callable[[], RunResult | None], *, id: str | None = None) -> None:
        super().__init__(id=id, classes="evidence")
        self._result = result

    def compose(self) -> ComposeResult:
        for kind in KINDS:
            yield Tr(partial(self._title, kind), id=f"evidence-{kind}-title",
                     classes="evidence-title", hide_empty=True)
            yield Tr(partial(self._lines, kind), id=f"evidence-{kind}",
                     classes="evidence-lines", hide_empty=True)

    def section(self, kind: str) -> EvidenceSection | None:
        """The section of *kind* in the current language, or None."""
        result = self._result()
        if result is None:
            return None
        from ..diagnostics import evidence_text

        finders = {"reply": evidence_text.reply_section,
                   "certificate": evidence_text.certificate_section,
                   "probe": evidence_text.probe_section}
        return finders[kind](result)

    def _title(self, kind: str) -> str:
        section = self.section(kind)
        return section.title if section is not None else ""

    def _lines(self, kind: str) -> str:
        section = self.section(kind)
        return "\n".join(section.lines) if section is not None else ""
