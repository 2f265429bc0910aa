"""The wizard's guesses: the provider from the MX records, and what follows from it.

As the email is typed, the MX lookup runs (debounced, in an exclusive worker,
bounded by the app's DNS lifetime) and the likely provider is preselected;
its presets and username template fill the fields nobody typed over.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import work
from textual.timer import Timer

from ..errors import ComelinError
from ..i18n import t
from .steps_email import EmailStep

if TYPE_CHECKING:
    from ..config import Config
    from ..discovery import MxResult
    from ..providers import Provider
    from .step_base import StepPane

# How long typing must pause before the MX lookup starts.
MX_DEBOUNCE = 0.6


def default_auth(provider: Provider) -> str:
    """The provider's first way to sign in; the password when its first (Microsoft
    sign-in) cannot work here because msal is not installed."""
    from ..oauth import msal_available

    auth = provider.default_auth
    if auth == "oauth2" and "password" in provider.auth_kinds and not msal_available():
        return "password"
    return auth


class ProviderGuessing:
    """Mixin of WizardScreen: MX lookup, provider choice, presets and username."""

    draft: Config
    auto: dict[str, object]
    provider_chosen: bool
    mx_result: MxResult | None
    mx_error: ComelinError | None
    mx_domain: str
    mx_running: bool
    _mx_timer: Timer | None

    if TYPE_CHECKING:
        app: Any

        @property
        def provider(self) -> Provider: ...
        def assign(self, dotted: str, value: object) -> ComelinError | None: ...
        def pane(self, step: str) -> StepPane: ...
        def panes(self) -> list[StepPane]: ...
        def refresh_chrome(self) -> None: ...

    def email_changed(self, old: str, new: str) -> None:
        """Keep the sender and username in step with the company email, then look up MX."""
        smtp = self.draft.smtp
        if smtp.from_address in ("", old, self.auto.get("from_address")) \
                and self.assign("smtp.from_address", new) is None:
            self.auto["from_address"] = new
        self.fill_username()
        if self._mx_timer is not None:
            self._mx_timer.stop()
        self._mx_timer = self.set_timer(  # type: ignore[attr-defined]
            MX_DEBOUNCE, self.lookup_now)

    def fill_username(self) -> None:
        from ..providers import username_for

        smtp = self.draft.smtp
        if smtp.username in ("", self.auto.get("username")) and self.draft.company.email:
            value = username_for(self.provider, self.draft.company.email)
            if self.assign("smtp.username", value) is None:
                self.auto["username"] = value
                self.pane("credentials").load()

    def lookup_now(self) -> None:
        """Start the MX lookup for the current email's domain, unless already done."""
        if self._mx_timer is not None:
            self._mx_timer.stop()
            self._mx_timer = None
        email = self.draft.company.email
        domain = email.rpartition("@")[2] if "@" in email else ""
        if not domain or domain == self.mx_domain:
            return
        self.mx_domain = domain
        self.mx_result = None
        self.mx_error = None
        self.mx_running = True
        self.refresh_mx()
        self.lookup_mx(domain)

    @work(exclusive=True, group="mx", exit_on_error=False)
    async def lookup_mx(self, domain: str) -> None:
        """The MX lookup (bounded by the app's DNS lifetime); it never blocks typing."""
        from ..discovery import lookup_mx
        from ..providers import detect_by_domain

        app: Any = self.app
        try:
            result = await lookup_mx(domain, nameserver=self.draft.dns_server or app.dns_server,
                                     lifetime=app.dns_lifetime)
        except ComelinError as error:
            self.mx_error = error
            result = None
        finally:
            self.mx_running = False
        self.mx_result = result
        guess = result.detection.provider if result is not None and result.detection else None
        guess = guess or detect_by_domain(domain) or self.provider
        if not self.provider_chosen:
            # Also for no guess at all: the custom presets fill smtp.<domain>.
            self.choose_provider(guess.id, by_user=False)
        self.refresh_mx()

    def mx_text(self) -> str:
        if self.mx_running:
            return t("tui.email.mx_running", domain=self.mx_domain)
        if self.mx_error is not None:
            return self.mx_error.message()
        if self.mx_result is not None:
            return self.mx_result.message()
        return ""

    def refresh_mx(self) -> None:
        email_step = self.pane("email")
        assert isinstance(email_step, EmailStep)
        email_step.load_mx()
        self.pane("provider").load()

    def choose_provider(self, provider_id: str, *, by_user: bool) -> None:
        """Pick a provider and fill its server and username where nobody typed over them."""
        from ..providers import expand_host, get_provider

        provider = get_provider(provider_id)
        changed = provider.id != self.draft.provider
        if by_user:
            self.provider_chosen = True
            if not changed:
                return
        self.assign("provider", provider.id)
        if provider.presets:
            mx_hosts = self.mx_result.hosts if self.mx_result is not None else ()
            self.apply_preset(expand_host(provider.default_preset, self.draft.company.email,
                                          mx_hosts),
                              provider.default_preset.port, provider.default_preset.security,
                              force=by_user)
        smtp = self.draft.smtp
        # The provider's recommended way to sign in, unless the technician chose one.
        if smtp.auth not in provider.auth_kinds or smtp.auth == self.auto.get("auth"):
            auth = default_auth(provider)
            if self.assign("smtp.auth", auth) is None:
                self.auto["auth"] = auth
        self.fill_username()
        for pane in self.panes():
            pane.load()
        self.refresh_chrome()

    def apply_preset(self, host: str, port: int, security: str, *, force: bool) -> None:
        """Fill host/port/security; without *force*, only fields still at their auto value."""
        smtp = self.draft.smtp
        for name, value in (("host", host), ("port", port), ("security", security)):
            current = getattr(smtp, name)
            untouched = name in self.auto and current == self.auto[name]
            wanted = (force or untouched or current in ("", None)) and value not in ("", None)
            if wanted and self.assign(f"smtp.{name}", value) is None:
                self.auto[name] = getattr(smtp, name)
