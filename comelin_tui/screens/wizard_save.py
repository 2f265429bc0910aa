"""The wizard's saving: where the secret will go (keyring probe), then Save.

Both touch blocking things (the keyring, the disk): they run in exclusive
workers, the blocking calls in threads, and a refusal is shown, never raised.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual import work

from .. import i18n
from ..errors import ComelinError
from ..i18n import t

if TYPE_CHECKING:
    from ..config import Config
    from .step_base import StepPane

STEPS = ("email", "provider", "server", "credentials", "review")


class Saving:
    """Mixin of WizardScreen: the secret store preview, Save, and outside saves."""

    draft: Config
    saved: bool
    password: str | None
    _initial_password: str | None
    _baseline: dict[str, Any]
    just_saved: bool
    save_error: ComelinError | None
    store_kind: str | None
    store_text: dict[str, str] | None
    has_secret: bool
    has_sign_in: bool
    saved_accounts: list[str]
    oauth_cache: str | None
    visited: set[str]

    if TYPE_CHECKING:
        app: Any

        @property
        def dirty(self) -> bool: ...
        def _snapshot(self) -> dict[str, Any]: ...
        def pane(self, step: str) -> StepPane: ...
        def panes(self) -> list[StepPane]: ...
        def refresh_chrome(self) -> None: ...
        def goto(self, step: str, *, field: str | None = None) -> None: ...
        def notify(self, message: str, **options: Any) -> None: ...
        def call_after_refresh(self, callback: Any) -> bool: ...
        def sign_in_state(self) -> str: ...
        def sign_in_saved(self, *, wrote: bool) -> None: ...

    @work(exclusive=True, group="secret-preview", exit_on_error=False)
    async def preview_secret_store(self) -> None:
        """Which store the secret will go to, and what is there already (may probe)."""
        from ..oauth import signed_in_accounts
        from ..secrets import OAUTH_TOKEN_CACHE, SMTP_PASSWORD, SecretError, open_secret_store

        app: Any = self.app
        backend = self.draft.secret_backend
        saved = self.saved

        def probe() -> tuple[str, dict[str, str], bool, bool, list[str]]:
            store = open_secret_store(app.config_path, backend)
            texts: dict[str, str] = {lang: store.describe(lang) for lang in i18n.LANGUAGES}
            has = has_cache = False
            accounts: list[str] = []
            try:
                has = saved and store.get(SMTP_PASSWORD) is not None
                has_cache = store.get(OAUTH_TOKEN_CACHE) is not None
                accounts = signed_in_accounts(store) if has_cache else []
            except SecretError:
                pass  # unreadable: shown as missing; Save says why if it cannot write
            return store.kind, texts, has, has_cache, accounts

        (self.store_kind, self.store_text, self.has_secret, self.has_sign_in,
         self.saved_accounts) = await asyncio.to_thread(probe)
        self.pane("credentials").load()
        self.pane("review").entered()

    def secret_where(self) -> str:
        if self.store_text is None:
            return t("tui.cred.store_probing")
        return self.store_text[i18n.get_language()]

    # -- save ----------------------------------------------------------------

    def field_problems(self) -> dict[str, list[str]]:
        """Problems of every step except the review, by step."""
        return {step: problems for step in STEPS[:-1]
                if (problems := self.pane(step).check(show=False))}

    @work(exclusive=True, group="save", exit_on_error=False)
    async def save(self, then: Callable[[], None] | None = None) -> None:
        """Write the settings and the secret (off the event loop); then run *then*."""
        from ..config import save_config
        from ..secrets import OAUTH_TOKEN_CACHE, SMTP_PASSWORD, open_secret_store

        app: Any = self.app
        # Missing values may be saved (the test send says what is still needed); values
        # the settings refuse may not.
        for step in STEPS[:-1]:
            if self.pane(step).invalid_fields():
                self.goto(step)
                self.pane(step).check(show=True)
                self.notify(t("tui.wizard.fix_first"), severity="warning", timeout=5)
                return
        config = self.draft.model_copy(deep=True)
        config.language = app.language
        password = self.password if config.smtp.auth == "password" else None
        # A sign-in made here goes to the same store as a password would, then the
        # settings record that store: the token cache is never saved on its own.
        token_cache = (self.oauth_cache if config.smtp.auth == "oauth2"
                       and self.sign_in_state() == "new" else None)
        backend = config.secret_backend or self.store_kind

        def write() -> Config:
            store = open_secret_store(app.config_path, backend)  # type: ignore[arg-type]
            if password is not None:
                store.set(SMTP_PASSWORD, password)
            if token_cache is not None:
                store.set(OAUTH_TOKEN_CACHE, token_cache)
            config.secret_backend = store.kind  # type: ignore[assignment]
            save_config(config, app.config_path)
            return config

        self.save_error = None
        try:
            written = await asyncio.to_thread(write)
        except ComelinError as error:
            self.save_error = error
            self.pane("review").entered()
            self.notify(error.message(), title=t("tui.review.not_saved"), severity="error",
                        markup=False, timeout=10)
            return
        self.draft.secret_backend = written.secret_backend
        if password is not None:
            self.has_secret = True
        self.sign_in_saved(wrote=token_cache is not None)
        self.password = self._initial_password = None
        self._baseline = self._snapshot()
        self.saved = True
        self.just_saved = True
        self.visited.update(STEPS)
        app.settings_saved(written)
        for pane in self.panes():
            pane.load()
        self.pane("review").entered()
        self.refresh_chrome()
        if then is not None:
            then()
        else:
            self.call_after_refresh(self.pane("review").focus_first)

    def on_settings_saved(self, config: Config) -> None:
        """Settings changed elsewhere (a fix applied from the test screen): follow them."""
        if self.dirty:
            return
        self.draft = config.model_copy(deep=True)
        self._baseline = self._snapshot()
        for pane in self.panes():
            pane.load()
        self.refresh_chrome()
