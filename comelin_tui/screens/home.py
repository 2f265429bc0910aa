"""Home: a welcome when nothing is set up yet, a dashboard once settings are saved."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, VerticalScroll
from textual.screen import Screen
from textual.widgets import OptionList

from .. import i18n
from ..i18n import t
from ..labels import security_choice
from ..widgets import KeyBar, Menu, TitleBar, Tr
from . import oauth_text  # noqa: F401 - the sign-in's words on the dashboard
from .base import WorkerErrors

if TYPE_CHECKING:
    from ..attempt_log import Attempt
    from ..config import Config
    from ..config_read import ConfigView


RELAY_POLL = 5.0  # seconds between two looks at the relay on the dashboard


def provider_label(provider_id: str) -> str:
    from ..providers import get_provider

    return get_provider(provider_id).display_name()


def attempt_summary(attempt: Attempt | None) -> str:
    """One line about the last test send, from the attempt log."""
    if attempt is None:
        return t("tui.home.never_tested")
    when = attempt.time.astimezone().strftime("%Y-%m-%d %H:%M")
    # A run that could not start may know no server, or no port: never "host:None".
    server = ":".join(str(part) for part in (attempt.host, attempt.port) if part) \
        or t("tui.home.server_unknown")
    if attempt.status in ("ok", "warn"):
        return t(f"tui.home.last_{attempt.status}", when=when, server=server)
    summary = attempt.code or "?"
    if attempt.code:
        try:
            from ..diagnostics.classifier import diagnosis

            summary = diagnosis(attempt.code).summary
        except Exception:  # noqa: BLE001 - an old or unknown code: show it as is
            summary = attempt.code
    if attempt.status == "unknown":
        return t("tui.home.last_unknown", when=when, server=server, summary=summary)
    return t("tui.home.last_fail", when=when, server=server, summary=summary)


class HomeScreen(WorkerErrors, Screen[None]):
    """Welcome (no settings) or dashboard (saved settings), with the actions of each."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave", "tui.key.quit", id="home-quit"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._secret_text: dict[str, str] | None = None
        self._secret_error: Any = None
        self._attempt: Attempt | None = None
        self._attempt_loaded = False
        self._relay: dict[str, Any] | None = None

    # -- layout ------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield TitleBar("tui.home.title")
        with VerticalScroll(id="home-body"):
            yield from self._body()
        yield KeyBar(show_command_palette=False)

    def _body(self) -> ComposeResult:
        app: Any = self.app
        if not app.ready:
            yield Tr("tui.home.loading", classes="muted")
            return
        if app.settings_error is not None:
            error = app.settings_error
            yield Tr("tui.home.error_title", classes="heading")
            yield Tr(lambda: error.message(), classes="error-text")
            yield Tr("tui.home.error_advice")
            items: list[tuple[str, Any]] = [("quit", "tui.home.action.quit")]
            # A newer comelin-tui's file must not be overwritten; a demo that could not
            # start its server has nothing to set up.
            if type(error).__name__ != "ConfigTooNew" and app.demo is None:
                items.insert(0, ("start", "tui.home.action.start_over"))
            yield Menu(items, id="home-menu")
            return
        # settings_view: the dashboard only reads the settings (no pydantic to load).
        if app.settings_view is None:
            yield from self._welcome()
        else:
            yield from self._dashboard(app.settings_view)

    def _welcome(self) -> ComposeResult:
        yield Tr("tui.home.welcome_title", classes="heading")
        yield Tr("tui.home.welcome_intro")
        yield Tr("tui.home.welcome_steps", classes="steps-list")
        if getattr(self.app, "demo", None) is not None:
            yield Tr("tui.home.demo_note", classes="note")
        yield Tr("tui.home.language_line", classes="muted")
        yield Menu([
            ("start", "tui.home.action.start"),
            ("language", "tui.home.action.language"),
            ("quit", "tui.home.action.quit"),
        ], id="home-menu")

    def _dashboard(self, config: ConfigView) -> ComposeResult:
        yield Tr("tui.home.dashboard_title", classes="heading")
        with Grid(id="summary"):
            for label, value in self._rows(config):
                yield Tr(label, classes="summary-label")
                yield Tr(value, classes="summary-value")
        yield Tr(lambda: self._problems(config), classes="warning-text", hide_empty=True)
        yield Menu([
            ("test", "tui.home.action.test"),
            ("password", lambda: t("tui.home.action.sign_in" if config.smtp.auth == "oauth2"
                                   else "tui.home.action.password")),
            ("edit", "tui.home.action.edit"),
            ("connect", "tui.home.action.connect"),
            ("profiles", lambda: self._profiles_action(config)),
            ("start", "tui.home.action.start_over"),
            ("quit", "tui.home.action.quit"),
        ], id="home-menu")

    @staticmethod
    def _profiles_action(config: ConfigView) -> str:
        count = len(config.profiles)
        action = t("tui.home.action.profiles")
        return f"{action} · {count}" if count else action

    def _rows(self, config: ConfigView) -> list[tuple[str, Any]]:
        company = config.company
        smtp = config.smtp
        return [
            ("tui.home.company", lambda: (f"{company.name} <{company.email}>"
                                          if company.name else company.email) or "-"),
            ("tui.home.provider", lambda: provider_label(config.provider)),
            ("tui.home.server", lambda: f"{smtp.host or '-'}:{smtp.port}"),
            ("tui.home.security", lambda: security_choice(smtp.security)),
            ("tui.home.username", lambda: smtp.username or "-"),
            ("tui.home.sign_in" if smtp.auth == "oauth2" else "tui.home.secret",
             self._secret_line),
            ("tui.home.last_test", lambda: attempt_summary(self._attempt)
             if self._attempt_loaded else "..."),
            ("tui.home.relay", self._relay_line),
        ]

    def _relay_line(self) -> str:
        """The relay, as `comelin-tui relay status` tells it (refreshed every few seconds)."""
        status = self._relay
        if status is None:
            return "..."
        last = status.get("last") or []
        if status.get("running"):
            line = t("tui.home.relay_running", listen=status.get("listen"))
        else:
            line = t("tui.home.relay_stopped")
        if last:
            record = last[-1]
            line += " " + t("tui.home.relay_last", time=str(record.get("time", "?"))[11:16],
                            status=t(f"tui.home.relay_status.{record.get('status', 'fail')}"))
        return line

    def _secret_line(self) -> str:
        if self._secret_error is not None:
            return str(self._secret_error.message())
        if self._secret_text is None:
            return "..."
        return self._secret_text[i18n.get_language()]

    @staticmethod
    def _problems(config: ConfigView) -> str:
        from ..config_checks import config_warnings, field_label, missing_fields

        lines = []
        missing = missing_fields(config)
        if missing:
            lines.append(t("tui.home.missing",
                           fields=", ".join(field_label(name) for name in missing)))
        lines.extend(warning.message() for warning in config_warnings(config))
        return "\n".join(lines)

    # -- state -------------------------------------------------------------

    def on_mount(self) -> None:
        self._focus_menu()
        self.set_interval(RELAY_POLL, self.poll_relay)

    async def show_state(self) -> None:
        """Rebuild from the app's current settings (after loading or saving)."""
        await self.recompose()
        self._focus_menu()
        app: Any = self.app
        if app.ready and app.settings_view is not None:
            self._secret_text = None
            self._attempt_loaded = False
            self.load_details(app.settings_view)

    def on_screen_resume(self) -> None:
        app: Any = self.app
        if app.ready and app.settings_view is not None:
            self.load_details(app.settings_view)

    def on_settings_saved(self, config: Config) -> None:
        self.call_later(self.show_state)

    def _focus_menu(self) -> None:
        menus = self.query("#home-menu")
        if menus:
            menus.first().focus()

    @work(exclusive=True, group="home-details", exit_on_error=False)
    async def load_details(self, config: ConfigView) -> None:
        """Where the secret lives (may probe the keyring) and the last test: off the loop."""
        from ..attempt_log import last_attempt
        from ..secrets import SMTP_PASSWORD, SecretError, smtp_password_store

        app: Any = self.app

        def describe_oauth() -> dict[str, str]:
            from ..oauth import describe_sign_in
            from ..secrets import open_secret_store

            store = open_secret_store(app.config_path, config.secret_backend)
            return {lang: t("tui.home.sign_in_line", lang, describe=describe_sign_in(store, lang),
                            where=store.describe(lang)) for lang in i18n.LANGUAGES}

        def describe() -> tuple[dict[str, str] | None, Any]:
            try:
                if config.smtp.auth == "oauth2":
                    return describe_oauth(), None
                store = smtp_password_store(app.config_path, config.secret_backend)
                texts: dict[str, str] = {lang: store.describe(lang) for lang in i18n.LANGUAGES}
                if store.get(SMTP_PASSWORD) is None:
                    texts = {lang: t("tui.home.no_secret", lang, where=texts[lang])
                             for lang in i18n.LANGUAGES}
                return texts, None
            except SecretError as error:
                return None, error

        # These settings' own last test: not another settings file's, not an ad-hoc
        # `check --host` run.
        self._attempt = await asyncio.to_thread(last_attempt, app.attempt_log_path,
                                                config_path=app.config_path)
        await self._read_relay(config)
        self._attempt_loaded = True
        self._secret_text, self._secret_error = await asyncio.to_thread(describe)
        for widget in self.query(Tr):
            widget.refresh_language()

    async def _read_relay(self, config: ConfigView) -> None:
        from ..jobs.relay_setup import relay_status

        app: Any = self.app
        if app.demo is not None:
            self._relay = {"running": False, "last": []}
            return
        self._relay = await asyncio.to_thread(relay_status, config)

    @work(exclusive=True, group="home-relay", exit_on_error=False)
    async def poll_relay(self) -> None:
        """Live: the relay's state and last send, every few seconds, off the event loop."""
        app: Any = self.app
        if not self.is_current or app.settings_view is None:
            return
        before = self._relay
        await self._read_relay(app.settings_view)
        if self._relay != before:
            for widget in self.query(Tr):
                widget.refresh_language()

    # -- actions -----------------------------------------------------------

    @on(OptionList.OptionSelected, "#home-menu")
    def menu_chosen(self, event: OptionList.OptionSelected) -> None:
        app: Any = self.app
        choice = event.option.id
        if choice == "quit":
            app.exit(0)
        elif choice == "language":
            app.action_switch_language()
        elif choice == "start" and app.settings_view is None and app.settings_error is None:
            app.open_wizard("new")  # the welcome's "Start the setup": nothing to lose
        elif choice == "start":
            from .confirm import ConfirmStartOverScreen

            def chosen(start_over: bool | None) -> None:
                if start_over:
                    app.open_wizard("new")

            app.push_screen(ConfirmStartOverScreen(), chosen)
        elif choice == "edit":
            app.open_wizard("edit")
        elif choice == "password":
            app.open_wizard("password")
        elif choice == "test":
            app.open_test_send()
        elif choice == "connect":
            app.open_connect_comelin()
        elif choice == "profiles":
            app.open_profiles()

    def action_leave(self) -> None:
        self.app.exit(0)

    def refresh_language(self) -> None:
        self.refresh_bindings()

