"""The Textual application: :class:`ComelinApp` and :func:`make_app`.

``make_app`` is the one factory the CLI and the tests use, so what is tested
is what ships. Importing this module stays close to a bare Textual app:
pydantic, keyring, dnspython and aiosmtpd are loaded in workers or on
first use, never here.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.command import CommandPalette
from textual.screen import ModalScreen, Screen
from textual.worker import Worker, WorkerState

from . import i18n, tui_messages  # noqa: F401 - registers the TUI strings
from .errors import ComelinError
from .i18n import t
from .screens.base import WorkerErrors
from .screens.home import HomeScreen
from .terminal import HANGUP_EXIT
from .widgets.textual_compat import (
    CrashReportWithoutLocals,
    KeysBoundWhereTyped,
    NoticesWaitForDialogs,
    keep_no_break_spaces,
)

if TYPE_CHECKING:
    from .config import Config
    from .config_read import ConfigView
    from .sandbox import DemoSession, Sandbox

# French typography's no-break spaces hold when a line wraps (see i18n.french_spacing).
keep_no_break_spaces()

WizardMode = Literal["new", "edit", "password"]
# How long the first screen waits for the saved settings before showing "loading".
FIRST_SCREEN_WAIT = 0.25


def _search_provider() -> type:
    from .screens.search import SearchSettings

    return SearchSettings


def _saved_language(config_path: Path) -> str | None:
    """The language saved in the settings, read cheaply (no pydantic at start-up)."""
    if not os.path.lexists(config_path):
        return None  # a first start: not even the TOML parser to load
    import tomllib

    try:
        with config_path.open("rb") as handle:
            value = tomllib.load(handle).get("language")
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return None
    return value if value in i18n.LANGUAGES else None


class ComelinApp(WorkerErrors, CrashReportWithoutLocals, NoticesWaitForDialogs,
                 KeysBoundWhereTyped, App[int]):
    """The wizard: home (welcome or dashboard), the guided steps, and the live test send."""

    CSS_PATH = "app.tcss"
    TITLE = "comelin-tui"
    COMMANDS: ClassVar[set[Any]] = {_search_provider}
    COMMAND_PALETTE_BINDING = "ctrl+p"
    # True shows every step's time as "-- ms": screenshots that do not depend on the run.
    stable_durations = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1,ctrl+g", "help", "tui.key.help", id="help"),
        Binding("f2,ctrl+l", "switch_language", "tui.key.language", id="language"),
        Binding("ctrl+p", "command_palette", "tui.key.search", id="search", priority=True),
        Binding("ctrl+q", "quit", "tui.key.quit", show=False, priority=True, id="quit"),
        # Ctrl+C asks to quit, on every screen and over every dialog, in a field too:
        # in PuTTY it is the key that stops a program, and copying is the terminal's
        # own mouse selection (a sign-in code has its own Copy button).
        Binding("ctrl+c", "ask_quit", show=False, priority=True, id="ask-quit"),
        # Focus moves as app-level priority bindings: handled in the order the keys
        # came, so letters typed right after Tab (a paste, PuTTY over a slow link) go
        # to the next field, not to the one being left.
        Binding("tab", "app.focus_next", show=False, priority=True),
        Binding("shift+tab", "app.focus_previous", show=False, priority=True),
    ]

    def __init__(self, config_path: Path, *, demo: DemoSession | None = None,
                 language: str | None = None, dns_server: str | None = None,
                 dns_lifetime: float = 3.0, dns_checks: bool = True) -> None:
        self.demo = demo
        self.config_path = demo.config_path if demo is not None else Path(config_path)
        self.language = i18n.set_language(
            language or _saved_language(self.config_path) or i18n.get_language()
        )
        super().__init__()
        # Animations off: they cost redraws over SSH and read poorly in 16 colours.
        self.animation_level = "none"
        # The saved settings, read without pydantic (what the dashboard shows); the
        # models are built from them when first asked for (see `settings`).
        self.settings_view: ConfigView | None = None
        self._settings: Config | None = None
        self.settings_error: ComelinError | None = None
        self.ready = False
        # DNS server for MX lookups when the settings name none (None: the system's).
        self.dns_server = dns_server
        self.dns_lifetime = dns_lifetime
        # An extra CA for the autoconfig fetches of the discovery (a private mirror).
        self.discovery_ca_file: Path | None = None
        # The advisory DNS checks (mx, spf, dkim, dmarc) after a test send.
        self.dns_checks = dns_checks
        # Status of the last test send of the saved settings in this session.
        self.last_test_status: str | None = None
        # Worker failures shown to the user (the tests assert there are none).
        self.errors: list[str] = []
        # The terminal is gone (see hang_up); the loop hang_up reaches the app through.
        self.hung_up = False
        self._running_loop: asyncio.AbstractEventLoop | None = None

    @property
    def settings(self) -> Config | None:
        """The saved settings as the pydantic models, for editing and the test send.

        Built from :attr:`settings_view` on first use, so showing the dashboard never
        loads pydantic.
        """
        if self._settings is None and self.settings_view is not None:
            self._settings = self.settings_view.to_config()
        return self._settings

    @settings.setter
    def settings(self, config: Config | None) -> None:
        from .config_read import view_of

        self._settings = config
        self.settings_view = None if config is None else view_of(config)

    @property
    def attempt_log_path(self) -> Path | None:
        """Where test sends are logged: the demo keeps its own, the real log stays clean."""
        return self.demo.attempt_log_path if self.demo is not None else None

    # -- start-up ----------------------------------------------------------

    async def on_mount(self) -> None:
        # First the loop, then the flag: a hang-up from another thread either sees
        # the loop, or happened before and is seen here (see hang_up).
        self._running_loop = asyncio.get_running_loop()
        if self.hung_up:
            self.exit(return_code=HANGUP_EXIT)
            return
        preparing = self.prepare()
        if self.demo is None:
            # Reading the settings takes a few milliseconds: wait that long so the home
            # screen is built once, with them, instead of "loading" and then rebuilt. A
            # slow disk gets the "loading" screen after a moment, as the demo does.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(preparing.wait()), FIRST_SCREEN_WAIT)
        self.push_screen(HomeScreen())

    @work(exclusive=True, group="prepare", exit_on_error=False)
    async def prepare(self) -> None:
        """Start the demo server if any, then load the saved settings (both may block)."""
        self.ready = False
        self.settings_error = None
        try:
            if self.demo is not None:
                await asyncio.to_thread(self.demo.start)
            self._settings = None
            self.settings_view = await asyncio.to_thread(self._load_settings)
        except ComelinError as error:
            self.settings_view = None
            self.settings_error = error
        except Exception as error:  # noqa: BLE001 - shown on the home screen, never a crash
            self.settings_view = None
            self.settings_error = ComelinError("tui.error.unexpected", kind=type(error).__name__,
                                               detail=str(error))
        self.ready = True
        await self.refresh_home()

    def _load_settings(self) -> ConfigView | None:
        # A first start has no file: not even the settings reader to load to learn that.
        if not os.path.lexists(self.config_path):
            return None
        # Read and checked without pydantic (config_read); the models only for editing.
        from .config_read import ConfigNotFound, read_config

        try:
            return read_config(self.config_path)
        except ConfigNotFound:
            return None

    async def refresh_home(self) -> None:
        """Redraw the home screen(s) from the current settings."""
        for screen in self.screen_stack:
            if isinstance(screen, HomeScreen):
                await screen.show_state()

    def on_unmount(self) -> None:
        if self.demo is not None:
            self.demo.close()

    def hang_up(self) -> None:
        """The terminal is gone: leave now, asking nothing (from any thread).

        Whatever is open (a dialog, a test send, unsaved changes) is dropped: nobody
        is left to answer. Never blocks: the terminal watch calls it from its own
        thread, and ends the process itself if this exit does not finish in time.
        """
        self.hung_up = True
        loop = self._running_loop
        if loop is not None:
            with contextlib.suppress(RuntimeError):  # the loop has closed: nothing to stop
                loop.call_soon_threadsafe(self._leave_hung_up)

    def _leave_hung_up(self) -> None:
        self.exit(return_code=HANGUP_EXIT)

    # -- navigation ----------------------------------------------------------

    def new_draft(self) -> Config:
        """A fresh draft: empty settings, or the demo server's in demo mode."""
        from .config import Config

        if self.demo is not None:
            return self.demo.draft()
        return Config()

    def open_wizard(self, mode: WizardMode = "new", *, field: str | None = None,
                    changes: dict[str, object] | None = None) -> None:
        """Push the wizard: a new setup, editing the saved settings, or just the password.
        *changes* are made to the draft only (saved when the technician saves)."""
        from .screens.wizard import WizardScreen

        if mode != "new" and self.settings_view is not None:
            draft = self.settings_view.to_config()  # a new model: the draft owns it
            saved = True
        else:
            draft = self.new_draft()
            saved = False
        if changes:
            from .config import with_changes

            draft = with_changes(draft, changes)
        if mode == "password" and field is None:
            field = "oauth.sign_in" if draft.smtp.auth == "oauth2" else "password"
        self.push_screen(WizardScreen(draft, saved=saved, field=field))

    def open_test_send(self, *, profile: str | None = None) -> None:
        """The test send of the company settings, or of the sender profile *profile*."""
        from .screens.test_send import TestSendScreen

        self.push_screen(TestSendScreen(profile))

    def open_profiles(self) -> None:
        """The sender profiles: list, add, edit, remove, test one or all."""
        from .screens.profiles import ProfilesScreen

        self.push_screen(ProfilesScreen())

    def open_connect_comelin(self) -> None:
        """Comelin's panel values, the relay, and a test the way Comelin sends."""
        from .screens.connect_comelin import ConnectComelinScreen

        self.push_screen(ConnectComelinScreen())

    async def goto_setting(self, field: str) -> None:
        """From the command palette: show the wizard step holding *field* and focus it."""
        from .screens.wizard import WizardScreen

        while len(self.screen_stack) > 2 and not isinstance(self.screen, WizardScreen):
            await self.pop_screen()
        if isinstance(self.screen, WizardScreen):
            if not self.screen.SETTINGS_SEARCH:
                # A sender profile's wizard: the company's settings are not its steps.
                self.notify(t("tui.search.not_here"), severity="warning", timeout=6)
                return
            self.screen.goto_field(field)
            return
        if not self.ready or self.settings_error is not None:
            return
        self.open_wizard("edit" if self.settings_view is not None else "new", field=field)

    def settings_saved(self, config: Config, *, changed: bool = True) -> None:
        """Record settings just written to disk; every open screen sees them. *changed*:
        False when the save found them saved already (the last test still holds)."""
        self.settings = config
        self.settings_error = None
        if changed:
            self.last_test_status = None
        for screen in self.screen_stack:
            hook = getattr(screen, "on_settings_saved", None)
            if hook is not None:
                hook(config)

    # -- actions ------------------------------------------------------------

    def action_help(self) -> None:
        from .screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss()
            return
        self.push_screen(HelpScreen(self.focused, self.screen))

    def action_switch_language(self) -> None:
        self.set_language("en" if self.language == "fr" else "fr")

    def set_language(self, lang: str) -> None:
        """Switch every text on every open screen to *lang* (nothing else changes)."""
        self.language = i18n.set_language(lang)
        for screen in self.screen_stack:
            self.refresh_language_of(screen)
        if len(self.screen_stack) > 1:
            # A screen under a dialog shows through it: repaint it in the new words too,
            # not only once the dialog closes.
            for screen in self.screen_stack[:-1]:
                screen.refresh(layout=True)
            self.screen.refresh(layout=True)

    @staticmethod
    def refresh_language_of(screen: Screen[Any]) -> None:
        for node in screen.walk_children(with_self=True):
            refresh = getattr(node, "refresh_language", None)
            if callable(refresh):
                refresh()
        screen.refresh_bindings()

    def action_command_palette(self) -> None:
        if not getattr(self.screen, "SETTINGS_SEARCH", True):
            # The search finds the company's settings: they are not a profile wizard's steps.
            self.notify(t("tui.search.not_here"), severity="warning", timeout=6)
            return
        if self.use_command_palette and not CommandPalette.is_open(self):  # type: ignore[arg-type]
            from .screens.search import SettingsPalette

            self.push_screen(SettingsPalette(placeholder=t("tui.search.placeholder"),
                                             id="--command-palette"))

    async def action_quit(self) -> None:
        """Quit, but never drop unsaved wizard changes without asking."""
        from .screens.wizard import WizardScreen

        for screen in reversed(self.screen_stack):
            if isinstance(screen, WizardScreen) and screen.dirty:
                while self.screen is not screen:
                    await self.pop_screen()
                screen.action_leave(then_quit=True)  # type: ignore[attr-defined]
                return
        self.exit(0)

    async def action_ask_quit(self) -> None:
        """Ctrl+C: unsaved wizard changes get the leave dialog (focus on Stay); otherwise
        a quit confirmation (focus on Stay), where a second Ctrl+C quits. In the leave
        dialog a second Ctrl+C changes nothing: a reflex must not drop what was typed."""
        from .screens.confirm import ConfirmLeaveScreen, ConfirmQuitScreen
        from .screens.wizard import WizardScreen

        if isinstance(self.screen, ConfirmQuitScreen):
            self.exit(0)
            return
        if isinstance(self.screen, ConfirmLeaveScreen):
            self.bell()
            return
        if any(isinstance(s, WizardScreen) and s.dirty for s in self.screen_stack):
            await self.action_quit()
            return

        def chosen(quit_now: bool | None) -> None:
            if quit_now:
                self.exit(0)

        self.push_screen(ConfirmQuitScreen(), chosen)

    # -- notices -------------------------------------------------------------

    def push_screen(self, screen: Any, *args: Any, **kwargs: Any) -> Any:
        """A dialog opens: the notices shown now go, so none covers it (and those that
        come while it is open wait for it to close: NoticesWaitForDialogs)."""
        if isinstance(screen, ModalScreen):
            self.clear_notifications()
        return super().push_screen(screen, *args, **kwargs)

    def get_system_commands(self, screen: Screen[Any]) -> Any:
        """Only our own (translated) commands: search settings covers the rest."""
        return iter(())

    # -- errors --------------------------------------------------------------

    def report_worker_error(self, worker: Worker[Any]) -> None:
        """A worker failed: tell the user in one line, never crash."""
        error = worker.error
        if isinstance(error, ComelinError):
            message = error.message(self.language)
        else:
            message = t("tui.error.unexpected", kind=type(error).__name__, detail=str(error))
        message = i18n.sentence(message)
        self.errors.append(message)
        self.notify(message, title=t("tui.error.title"), severity="error", markup=False,
                    timeout=10)


def make_app(config_path: Path | str | None = None, *, demo: bool | Sandbox | None = None,
             language: str | None = None, dns_server: str | None = None,
             dns_lifetime: float = 3.0, dns_checks: bool = True) -> ComelinApp:
    """Build the app: *demo* True (or a running Sandbox) uses throwaway demo settings.

    *dns_server* (``IP[:PORT]``) and *dns_lifetime* bound the DNS lookups (MX in the
    wizard, the domain's records after a test send); *dns_checks* False skips the
    latter, like ``check --no-dns-checks``.
    """
    from . import paths

    session: DemoSession | None = None
    if demo:
        from .sandbox import DemoSession

        session = DemoSession(None if demo is True else demo)
    path = paths.config_path(config_path)
    return ComelinApp(path, demo=session, language=language, dns_server=dns_server,
                      dns_lifetime=dns_lifetime, dns_checks=dns_checks)


__all__ = ["ComelinApp", "WorkerState", "make_app"]
