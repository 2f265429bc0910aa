"""One line per step of a test send: status tag (a spinner while running), name, time,
detail. The tag reads without colour; colour is a second cue through CSS classes.

A detail too long for the row (a long server reply) is never cut: it wraps between
words at the row's width, its next rows indented under the detail's first word (on a
narrow terminal, under the name)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from ..i18n import render, t
from ..labels import duration, elapsed
from .text import Tr

if TYPE_CHECKING:
    from ..diagnostics.model import Step

SPINNER = "|/-\\"


def clock(date_header: str) -> str:
    """HH:MM:SS (local time) of a Date header, or the header itself."""
    from email.utils import parsedate_to_datetime

    try:
        return parsedate_to_datetime(date_header).astimezone().strftime("%H:%M:%S")
    except (TypeError, ValueError):
        return date_header


class StepRow(Tr):
    """One step of the run: status tag (a spinner while running), name, time, detail."""

    def __init__(self, step: Step, limit: float | None = None) -> None:
        self.step = step
        self.frame = 0
        self.cancelled = False
        self.limit = limit  # the step's time limit, shown against the wait ("7 s / 15 s")
        self.since = time.monotonic()
        super().__init__(self._line, classes=f"step-row -{step.status}")
        # As many rows as the wrapped detail takes (the stylesheet's one row is for a
        # short detail; the row's own style wins over it).
        self.styles.height = "auto"
        self._wrapped_at = 0

    def on_resize(self) -> None:
        if self.content_size.width != self._wrapped_at:
            self.refresh_language()  # wrapped again at the new width

    def _line(self) -> str:
        from ..diagnostics.render import one_line, status_tag, step_name

        step = self.step
        if self.cancelled:
            tag = f"[{t('tui.test.cancelled_tag').center(len(status_tag('ok')) - 2)}]"
        elif step.status == "running":
            width = len(status_tag("ok"))
            tag = f"[{SPINNER[self.frame % len(SPINNER)].center(width - 2)}]"
        else:
            tag = status_tag(step.status)
        detail = one_line(render(step.detail))
        stable = getattr(self.app, "stable_durations", False)
        if step.status in ("running", "skipped"):
            took = ""
            waited = time.monotonic() - self.since
            if step.status == "running" and self.limit and waited >= 1 and not self.cancelled:
                detail = f"{elapsed(waited, self.limit)}  {detail}"
        else:
            took = t("tui.test.ms", ms="--") if stable else duration(step.duration_ms)
        prefix = f"{tag} {step_name(step.id):<24.24} {took:>8}  "
        width = self.content_size.width if self.is_mounted else 0
        if not width and self.is_attached:
            # Not laid out yet: the screen's width less its padding and scrollbar, so the
            # row takes its height at once (a re-wrap later would move what is under it).
            width = self.app.size.width - 4
        self._wrapped_at = self.content_size.width if self.is_mounted else 0
        if not width or len(prefix) + len(detail) <= width:
            return f"{prefix}{detail}"
        from ..diagnostics.evidence_text import wrap_line

        column = len(prefix) if width - len(prefix) >= 24 else len(tag) + 1
        rows = list(wrap_line(detail, width, " " * column, " " * column))
        if column < len(prefix):  # too narrow beside the name: the detail starts below
            return "\n".join([prefix.rstrip(), *rows])
        return "\n".join([prefix + rows[0][column:], *rows[1:]])

    def update_step(self, step: Step) -> None:
        if step.status == "running" and step.detail != self.step.detail:
            self.since = time.monotonic()  # a new wait: probing the other ports
        self.remove_class(f"-{self.step.status}")
        self.step = step
        self.add_class(f"-{step.status}")
        self.refresh_language()

    def cancel(self) -> None:
        self.cancelled = True
        self.remove_class("-running")
        self.add_class("-cancelled")
        self.refresh_language()

    def spin(self) -> None:
        self.frame += 1
        self.refresh_language()
