"""The wizard's Microsoft sign-in state: a sign-in made here waits, like a typed password,
for Save; a saved one counts while the tenant and application stay the same."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.css.query import NoMatches

from .oauth_sign_in import MicrosoftSignIn

if TYPE_CHECKING:
    from ..config import Config
    from ..errors import ComelinError
    from ..oauth import SignInResult
    from .step_base import StepPane


class SigningIn:
    """Mixin of WizardScreen: the pending token cache and who signed in."""

    draft: Config
    auto: dict[str, object]
    # The token cache of a sign-in made here, not saved yet, and what it was made for.
    oauth_cache: str | None
    oauth_account: str
    oauth_signed_for: tuple[str, str] | None
    # A token cache is in the secret store already, and whose.
    has_sign_in: bool
    saved_accounts: list[str]

    if TYPE_CHECKING:
        app: Any

        def assign(self, dotted: str, value: object) -> ComelinError | None: ...
        def panes(self) -> list[StepPane]: ...
        def refresh_chrome(self) -> None: ...
        def query_one(self, selector: Any, expect_type: Any = None) -> Any: ...

    def init_sign_in(self) -> None:
        self.oauth_cache = None
        self.oauth_account = ""
        self.oauth_signed_for = None
        self.has_sign_in = False
        self.saved_accounts = []

    def sign_in_state(self) -> str:
        """"new" (signed in here, not saved), "saved" (in the store) or "none"."""
        oauth = self.draft.oauth
        wanted = (oauth.tenant, oauth.client_id)
        if self.oauth_cache is not None and self.oauth_signed_for == wanted:
            return "new"
        saved: Config | None = getattr(self.app, "settings", None)
        if self.has_sign_in and saved is not None and saved.smtp.auth == "oauth2" \
                and (saved.oauth.tenant, saved.oauth.client_id) == wanted:
            return "saved"
        return "none"

    def signed_in_account(self) -> str:
        """Who signed in (the pending sign-in, else the saved one)."""
        state = self.sign_in_state()
        if state == "new":
            return self.oauth_account
        if state == "saved":
            return self.draft.oauth.account or next(iter(self.saved_accounts), "")
        return ""

    def signed_in(self, result: SignInResult, cache: str) -> None:
        """A sign-in succeeded here: keep its token cache for Save and fill the settings."""
        self.oauth_cache = cache
        self.oauth_account = result.username
        self.assign("smtp.auth", "oauth2")
        self.assign("oauth.tenant", result.tenant)
        self.assign("oauth.client_id", result.client_id)
        if self.assign("oauth.account", result.username) is not None:
            self.assign("oauth.account", "")
        smtp = self.draft.smtp
        # XOAUTH2 names the mailbox that signed in: fill the username nobody typed.
        if result.username and smtp.username in ("", self.auto.get("username")) \
                and self.assign("smtp.username", result.username) is None:
            self.auto["username"] = result.username
        oauth = self.draft.oauth
        self.oauth_signed_for = (oauth.tenant, oauth.client_id)
        for pane in self.panes():
            pane.load()
        self.refresh_chrome()

    def sign_in_saved(self, *, wrote: bool) -> None:
        """Save wrote the pending token cache (or dropped it: the password was chosen)."""
        if wrote:
            self.has_sign_in = True
            self.saved_accounts = [self.oauth_account] if self.oauth_account else []
        self.oauth_cache = None
        self.oauth_signed_for = None

    def sign_in_widget(self) -> MicrosoftSignIn | None:
        try:
            return self.query_one(MicrosoftSignIn)  # type: ignore[no-any-return]
        except NoMatches:
            return None

    @property
    def signing_in(self) -> bool:
        widget = self.sign_in_widget()
        return widget is not None and widget.busy

    def action_cancel_sign_in(self) -> None:
        """Escape while waiting for the sign-in: stop now, keep nothing."""
        widget = self.sign_in_widget()
        if widget is not None:
            widget.cancel()
        self.refresh_chrome()
