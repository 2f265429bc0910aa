"""What every screen shares: worker errors become notices, and a title bar + key bar."""

from __future__ import annotations

from typing import Any

from textual.binding import Binding, BindingType
from textual.worker import Worker, WorkerState

# Modal screens hide the app's bindings: these keep the language switch available.
MODAL_BINDINGS: list[BindingType] = [
    Binding("f2,ctrl+l", "app.switch_language", "tui.key.language", id="modal-language"),
]


class WorkerErrors:
    """Mixin: a worker that raised becomes a notification, never a crash.

    Workers are started with ``exit_on_error=False``; this is the one handler
    that turns their failures into a message the user can read.
    """

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            app: Any = self.app  # type: ignore[attr-defined]
            app.report_worker_error(event.worker)

