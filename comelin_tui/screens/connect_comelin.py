"""Connect Comelin: what to type in Comelin's panel, the relay, and a test through it.

Comelin sends to the relay on this computer (127.0.0.1), which sends with the
settings the test send proved. This screen shows Comelin's fields in Comelin's
own words with the relay's local login (the local password is made here the
first time, and shown: it must be typed in Comelin, and it opens only this
computer's relay), says whether the relay runs, offers to install it as a
service, and sends a test the way Comelin will: the POS's leg (this program to
the relay, step by step) and the provider's leg (the relay's verdict).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button

from ..i18n import register, render, t
from ..widgets import KeyBar, TitleBar, Tr, TrButton
from ..widgets.step_row import StepRow
from .base import WorkerErrors

if TYPE_CHECKING:
    from ..diagnostics.model import RunResult, Step
    from ..jobs.relay import Delivery

register({
    "tui.connect.title": {"fr": "Brancher Comelin", "en": "Connect Comelin"},
    "tui.connect.intro": {
        "fr": "Comelin envoie par le relais local de cet ordinateur; le relais envoie avec "
              "les réglages que l'envoi test a prouvés (mot de passe ou connexion Microsoft). "
              "Dans Comelin, panneau de configuration du courriel, entrez :",
        "en": "Comelin sends through this computer's local relay; the relay sends with the "
              "settings the test send proved (password or Microsoft sign-in). In Comelin's "
              "email settings panel, enter:",
    },
    "tui.connect.host": {"fr": "Hôte SMTP", "en": "SMTP host"},
    "tui.connect.port": {"fr": "Port", "en": "Port"},
    "tui.connect.encryption": {"fr": "Type de chiffrement", "en": "Encryption type"},
    "tui.connect.encryption_none": {
        "fr": "Aucun (rien ne quitte l'ordinateur)",
        "en": "None (nothing leaves the computer)",
    },
    "tui.connect.encryption_starttls": {"fr": "STARTTLS", "en": "STARTTLS"},
    "tui.connect.username": {"fr": "Nom d'utilisateur", "en": "Username"},
    "tui.connect.password": {"fr": "Mot de passe", "en": "Password"},
    "tui.connect.password_note": {
        "fr": "Ce mot de passe local n'est pas celui du fournisseur : il n'ouvre que le "
              "relais de cet ordinateur.",
        "en": "This local password is not the provider's: it only opens this computer's "
              "relay.",
    },
    "tui.connect.loading": {"fr": "...", "en": "..."},
    "tui.connect.running": {
        "fr": "Le relais tourne sur {listen}.", "en": "The relay runs on {listen}.",
    },
    "tui.connect.not_running": {
        "fr": "Le relais ne tourne pas encore : installez-le comme service (il démarrera "
              "avec l'ordinateur), ou lancez « comelin-tui relay ». L'essai ci-dessous le "
              "démarre le temps de l'essai.",
        "en": "The relay is not running yet: install it as a service (it starts with the "
              "computer), or run \"comelin-tui relay\". The test below starts it for the "
              "test's duration.",
    },
    "tui.connect.test": {"fr": "Essai par le relais", "en": "Test through the relay"},
    "tui.connect.install": {"fr": "Installer le service", "en": "Install the service"},
    "tui.connect.new_password": {"fr": "Nouveau mot de passe", "en": "New password"},
    "tui.connect.leg_pos": {
        "fr": "1. Comelin -> relais (127.0.0.1)", "en": "1. Comelin -> relay (127.0.0.1)",
    },
    "tui.connect.leg_provider": {
        "fr": "2. Relais -> fournisseur : {reply}", "en": "2. Relay -> provider: {reply}",
    },
    "tui.connect.passed": {
        "fr": "RÉUSSI : le message est passé par le relais, comme Comelin le fera.",
        "en": "PASSED: the message went through the relay, as Comelin's will.",
    },
    "tui.connect.failed": {
        "fr": "ÉCHEC : {summary}", "en": "FAILED: {summary}",
    },
    "tui.connect.installed": {
        "fr": "Service écrit : {path}. Pour le démarrer : {enable}",
        "en": "Service written: {path}. To start it: {enable}",
    },
    "tui.connect.install_failed": {
        "fr": "Service non écrit : {reason}", "en": "Service not written: {reason}",
    },
    "tui.key.connect_test": {"fr": "Essai", "en": "Test"},
})


class ConnectComelinScreen(WorkerErrors, Screen[None]):
    """Comelin's panel values, the relay, and a test the way Comelin sends."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "tui.key.back", id="connect-back"),
        Binding("ctrl+r", "test", "tui.key.connect_test", id="connect-test"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.password: str | None = None
        self.status: dict[str, Any] | None = None
        self.result: RunResult | None = None
        self.delivery: Delivery | None = None
        self.note: str = ""
        self.running = False

    @property
    def config(self) -> Any:
        return self.app.settings  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        yield TitleBar("tui.connect.title")
        with VerticalScroll(id="connect-body"):
            yield Tr("tui.connect.intro", classes="intro")
            with Grid(id="connect-fields"):
                for label, value in self._fields():
                    yield Tr(label, classes="summary-label")
                    yield Tr(value, classes="summary-value")
            yield Tr("tui.connect.password_note", classes="muted")
            yield Tr(self._status_text, id="connect-status", hide_empty=True)
            with Horizontal(classes="actions"):
                yield TrButton("tui.connect.test", id="connect-run", variant="primary")
                yield TrButton("tui.connect.install", id="connect-install")
                yield TrButton("tui.connect.new_password", id="connect-new-password")
            yield Tr(lambda: t("tui.connect.leg_pos") if self.result or self.running else "",
                     classes="subheading", hide_empty=True)
            yield Vertical(id="connect-steps")
            yield Tr(self._provider_leg, id="connect-provider", hide_empty=True)
            yield Tr(self._outcome, id="connect-outcome", hide_empty=True)
            yield Tr(lambda: self.note, id="connect-note", classes="note", hide_empty=True)
        yield KeyBar(hide=("command_palette",))

    def _fields(self) -> list[tuple[str, Any]]:
        from ..jobs.relay_setup import relay_listen, relay_username

        host, port = relay_listen(self.config)
        return [
            ("tui.connect.host", lambda: host),
            ("tui.connect.port", lambda: str(port)),
            ("tui.connect.encryption", lambda: t(
                "tui.connect.encryption_starttls" if self.config.relay.starttls
                else "tui.connect.encryption_none")),
            ("tui.connect.username", lambda: relay_username(self.config)),
            ("tui.connect.password", lambda: self.password or t("tui.connect.loading")),
        ]

    def on_mount(self) -> None:
        self.query_one("#connect-run", Button).focus()
        self.load()

    def refresh_texts(self) -> None:
        for widget in self.query(Tr):
            widget.refresh_language()
        self.refresh_bindings()

    # -- words ------------------------------------------------------------------

    def _status_text(self) -> str:
        if self.status is None:
            return ""
        if self.status.get("running"):
            return t("tui.connect.running", listen=self.status.get("listen"))
        return t("tui.connect.not_running")

    def _provider_leg(self) -> str:
        if self.delivery is None:
            return ""
        return t("tui.connect.leg_provider", reply=self.delivery.reply or "-")

    def _outcome(self) -> str:
        result = self.result
        if result is None or self.running:
            return ""
        if result.status != "fail":
            return t("tui.connect.passed")
        diagnosis = result.diagnosis
        if self.delivery is not None and self.delivery.diagnosis is not None:
            diagnosis = self.delivery.diagnosis
        summary = render(diagnosis.summary) if diagnosis else "?"
        return t("tui.connect.failed", summary=summary)

    # -- work ---------------------------------------------------------------------

    @work(exclusive=True, group="connect-load", exit_on_error=False)
    async def load(self, *, new_password: bool = False) -> None:
        """The local password (made the first time) and whether the relay runs."""
        from ..jobs.relay_setup import local_password, relay_status

        app: Any = self.app
        config = self.config
        self.password = await asyncio.to_thread(local_password, config, app.config_path,
                                                renew=new_password)
        self.status = await asyncio.to_thread(relay_status, config)
        self.refresh_texts()

    @work(exclusive=True, group="connect-test", exit_on_error=False)
    async def action_test(self) -> None:
        """A test message as Comelin sends it: to the relay, which passes it on."""
        from ..jobs.relay_setup import test_through_relay

        if self.running:
            return
        app: Any = self.app
        self.running = True
        self.result = self.delivery = None
        steps = self.query_one("#connect-steps", Vertical)
        await steps.remove_children()
        rows: dict[str, StepRow] = {}

        def on_step(step: Step) -> None:
            if step.status == "skipped":
                return
            row = rows.get(step.id)
            if row is None:
                row = rows[step.id] = StepRow(step)
                steps.mount(row)
            else:
                row.update_step(step)

        self.refresh_texts()
        try:
            self.result, self.delivery = await test_through_relay(
                self.config, app.config_path, on_step, running=bool(
                    self.status and self.status.get("running")))
        finally:
            self.running = False
        self.refresh_texts()
        self.query_one("#connect-body", VerticalScroll).scroll_end(animate=False)

    @work(exclusive=True, group="connect-install", exit_on_error=False)
    async def install(self) -> None:
        from ..jobs.relay_setup import install_service

        app: Any = self.app
        try:
            path, enable = await asyncio.to_thread(install_service, app.config_path)
            self.note = t("tui.connect.installed", path=path, enable=enable)
        except OSError as error:
            self.note = t("tui.connect.install_failed", reason=error.strerror or error)
        self.refresh_texts()

    def action_back(self) -> None:
        self.dismiss()

    @on(Button.Pressed, "#connect-run")
    def run_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_test()

    @on(Button.Pressed, "#connect-install")
    def install_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.install()

    @on(Button.Pressed, "#connect-new-password")
    def new_password_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.load(new_password=True)

