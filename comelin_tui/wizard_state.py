"""What the wizard knows, without a screen: the draft, the steps, the held secrets.

:class:`WizardState` holds the draft settings (a copy of the saved ones), the
step list and where the technician is in it, whether something typed is not
saved yet, the password typed here (held in memory until Save, never in a
``repr``), a Microsoft sign-in made here, what the MX lookup found, and the
secret store preview: what Save will write and where the secret goes. Its
methods are the wizard's rules (the sender follows the company email, a
provider's presets fill only the fields nobody typed over...); the wizard
screen is a view over it, and the tests drive it without a pilot.

Nothing here imports Textual; the blocking parts (keyring probe, writing) are
plain functions the screen runs in worker threads.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import ComelinError
from .i18n import LANGUAGES, t
from .secrets import Secret

if TYPE_CHECKING:
    from .config import Config
    from .discovery import DiscoveryResult, MxResult
    from .oauth import SignInResult
    from .providers import Provider

__all__ = ["STEPS", "SavePlan", "StorePreview", "WizardState", "default_auth", "probe_store",
           "write_plan"]

# The wizard's steps, in order; the test send ("test") comes after them.
STEPS = ("email", "provider", "server", "credentials", "review")

# Status of a step in the sidebar.
CURRENT, TODO, ERROR, DONE = "current", "todo", "error", "done"


def default_auth(provider: Provider) -> str:
    """The provider's first way to sign in; the password when its first (Microsoft
    sign-in) cannot work here because msal is not installed."""
    from .oauth import msal_available

    auth = provider.default_auth
    if auth == "oauth2" and "password" in provider.auth_kinds and not msal_available():
        return "password"
    return auth


@dataclass(frozen=True)
class StorePreview:
    """Where the secret will go, and what is there already."""

    kind: str
    texts: Mapping[str, str]  # how and where it is kept, per language
    has_secret: bool = False  # a password is saved already
    has_sign_in: bool = False  # a Microsoft token cache is saved already
    accounts: tuple[str, ...] = ()  # who signed in, for that cache

    def describe(self, lang: str | None = None) -> str:
        from .i18n import get_language

        text = self.texts.get(lang or get_language())
        return text if text is not None else t("tui.cred.store_probing", lang)


@dataclass(frozen=True)
class SavePlan:
    """What Save writes: the settings, and which secret goes to which store."""

    config: Config
    backend: str | None
    password: Secret | None = field(default=None, repr=False)
    token_cache: str | None = field(default=None, repr=False)

    @property
    def writes_password(self) -> bool:
        return self.password is not None

    @property
    def writes_sign_in(self) -> bool:
        return self.token_cache is not None


# What the email step says under the address about a server the domain publishes.
_PUBLISHED_WARNINGS = frozenset({"discovery.autoconfig_plain", "discovery.srv_outside"})


class WizardState:
    """The wizard's draft and progress (see the module docstring)."""

    def __init__(self, draft: Config, *, saved: bool, start: str = "email",
                 saved_config: Callable[[], Config | None] = lambda: None) -> None:
        self.draft = draft
        self.saved = saved  # editing settings that exist on disk
        # The settings on disk now (the app's), for "is this sign-in the saved one".
        self._saved_config = saved_config
        self.current = start if start in self.all_steps else self.all_steps[0]
        self.visited: set[str] = set(self.all_steps) if saved else {self.current}
        # None = keep the stored password; else the one typed here, as a Secret (never
        # shown by a repr, a crash report's locals included).
        self._password: Secret | None = None
        self._initial_password: Secret | None = None
        self._baseline = self._snapshot()
        self.just_saved = False
        # Demo mode: (host, port, security) of the demo server, the only server offered.
        self.demo_server: tuple[str, int, str] | None = None
        self.save_changed = True  # the last Save wrote something (False: nothing changed)
        self.save_error: ComelinError | None = None
        self.store: StorePreview | None = None
        # The MX lookup.
        self.mx_result: MxResult | None = None
        # The whole discovery (MX, autoconfig, SRV) of the domain looked up.
        self.discovery: DiscoveryResult | None = None
        # How an autoconfig file's username follows the address ("email", "local_part").
        self.discovered_username: str | None = None
        self.mx_error: ComelinError | None = None
        self.mx_domain = ""
        self.mx_running = False
        # A person's choice of provider is never overridden by the MX guess.
        self.provider_chosen = saved
        # Values last filled in automatically: a field still equal to its auto value was
        # not edited, so a better guess may replace it.
        smtp = draft.smtp
        self.auto: dict[str, object] = {} if saved else {
            "host": smtp.host, "port": smtp.port, "security": smtp.security,
            "username": smtp.username, "from_address": smtp.from_address, "auth": smtp.auth,
        }
        # A sign-in made here, not saved yet: its token cache and what it was made for.
        self.oauth_cache: str | None = None
        self.oauth_account = ""
        self.oauth_signed_for: tuple[str, str] | None = None

    def __repr__(self) -> str:
        held = "held" if self.password is not None else "none"
        return (f"WizardState(step={self.current!r}, saved={self.saved}, dirty={self.dirty}, "
                f"password={held})")

    @property
    def password(self) -> Secret | None:
        """The password typed here (None: keep the stored one)."""
        return self._password

    @password.setter
    def password(self, value: Secret | str | None) -> None:
        self._password = _as_secret(value)

    # -- the draft ---------------------------------------------------------------

    def _snapshot(self) -> dict[str, Any]:
        return self.draft.model_dump(exclude={"language"})

    @property
    def dirty(self) -> bool:
        """True when something typed here is not saved yet."""
        return (self._snapshot() != self._baseline or self.password != self._initial_password
                or self.oauth_cache is not None)

    def hold_initial_password(self, password: Secret | str) -> None:
        """A password that comes with the draft (the demo's): held, but not a change."""
        self.password = self._initial_password = _as_secret(password)

    @property
    def provider(self) -> Provider:
        from .providers import get_provider

        return get_provider(self.draft.provider)

    def assign(self, dotted: str, value: object) -> ComelinError | None:
        """Set a draft field through the settings' own validation; the error if refused."""
        from pydantic import ValidationError

        from .config import FieldError

        section, _, name = dotted.rpartition(".")
        target = getattr(self.draft, section) if section else self.draft
        try:
            setattr(target, name, value)
        except ValidationError as error:
            for item in error.errors(include_url=False):
                cause = (item.get("ctx") or {}).get("error")
                if isinstance(cause, ComelinError):
                    return cause
            return FieldError("config.field.invalid", detail=error.errors()[0].get("msg", ""))
        return None

    # -- steps -------------------------------------------------------------------

    @property
    def steps(self) -> tuple[str, ...]:
        """The steps shown now, in order (the test send comes after them)."""
        return STEPS

    @property
    def all_steps(self) -> tuple[str, ...]:
        """Every step this wizard may show (a pane each)."""
        return STEPS

    def go(self, step: str) -> None:
        """Make *step* the current one (the one left counts as visited)."""
        self.visited.add(self.current)
        self.current = step
        self.visited.add(step)

    @property
    def first(self) -> bool:
        return self.current == self.steps[0]

    @property
    def last(self) -> bool:
        return self.current == self.steps[-1]

    def next_step(self) -> str | None:
        steps = self.steps
        index = steps.index(self.current) if self.current in steps else 0
        return steps[index + 1] if index + 1 < len(steps) else None

    def previous_step(self) -> str | None:
        steps = self.steps
        index = steps.index(self.current) if self.current in steps else 0
        return steps[index - 1] if index > 0 else None

    def step_states(self, has_problems: Callable[[str], bool],
                    tested: str | None) -> dict[str, str]:
        """Each step's status for the sidebar; *has_problems* says whether a step's fields
        are wrong or missing, *tested* is the last test send's status (None: none)."""
        states = {}
        for step in self.steps:
            if step == self.current:
                states[step] = CURRENT
            elif step not in self.visited:
                states[step] = TODO
            else:
                states[step] = ERROR if has_problems(step) else DONE
        # A test of other settings (before a start over) or of settings since changed
        # says nothing about these.
        states["test"] = (TODO if tested is None or self.dirty or not self.saved
                          else ERROR if tested == "fail" else DONE)
        return states

    # -- what the company email and the provider fill in --------------------------

    def email_changed(self, old: str, new: str) -> bool:
        """Keep the sender (and the username) in step with the company email; True when
        the username was filled in."""
        smtp = self.draft.smtp
        if smtp.from_address in ("", old, self.auto.get("from_address")) \
                and self.assign("smtp.from_address", new) is None:
            self.auto["from_address"] = new
        return self.fill_username()

    def fill_username(self) -> bool:
        """The provider's username for the company email, unless someone typed one."""
        from .providers import CUSTOM_ID, username_for

        smtp = self.draft.smtp
        email = self.draft.company.email
        if smtp.username in ("", self.auto.get("username")) and email:
            value = username_for(self.provider, email)
            if self.discovered_username is not None and self.draft.provider == CUSTOM_ID:
                # The domain's autoconfig file said how its logins are written.
                value = email.rpartition("@")[0] if self.discovered_username == "local_part" \
                    else email
            if self.assign("smtp.username", value) is None:
                self.auto["username"] = value
                return True
        return False

    def lookup_domain(self) -> str | None:
        """The domain to look up now (its MX), or None when there is none or it is done;
        a domain returned counts as under way."""
        email = self.draft.company.email
        domain = email.rpartition("@")[2] if "@" in email else ""
        if not domain or domain == self.mx_domain:
            return None
        self.mx_domain = domain
        self.mx_result = None
        self.discovery = None
        self.discovered_username = None
        self.mx_error = None
        self.mx_running = True
        return domain

    def lookup_done(self, domain: str, result: DiscoveryResult | None,
                    error: ComelinError | None) -> None:
        """The discovery ended: keep what it found and preselect the likely provider, or
        the server the domain's autoconfig file, the ISPDB or its SRV records give."""
        from .providers import CUSTOM_ID, detect_by_domain, get_provider

        self.mx_running = False
        self.discovery = result
        self.mx_result = result.mx if result is not None else None
        self.mx_error = error
        mx = self.mx_result
        guess = mx.detection.provider if mx is not None and mx.detection else None
        guess = guess or detect_by_domain(domain)
        # A server the domain publishes (autoconfig, SRV); never a plaintext one, which
        # stays a warning under the address: no downgrade comes from the network.
        published = (result is not None and result.source in ("autoconfig", "srv")
                     and result.host is not None and result.port is not None
                     and result.security not in (None, "none"))
        if guess is None and published and result is not None and result.provider_id:
            guess = get_provider(result.provider_id)
        if self.provider_chosen:
            return
        # Also for no guess at all: the custom presets fill smtp.<domain>.
        self.choose_provider((guess or self.provider).id, by_user=False)
        if guess is None and published and result is not None and self.demo_server is None:
            if self.draft.provider != CUSTOM_ID:
                self.choose_provider(CUSTOM_ID, by_user=False)
            assert result.host is not None and result.port is not None
            self.apply_preset(result.host, result.port, result.security or "starttls",
                              force=False)
            self.discovered_username = result.username_template
            self.fill_username()

    def mx_text(self, lang: str | None = None) -> str:
        if self.mx_running:
            return t("tui.email.mx_running", lang, domain=self.mx_domain)
        if self.mx_error is not None:
            return self.mx_error.message(lang)
        if self.mx_result is not None:
            text = self.mx_result.message(lang)
            found = self.discovery
            if found is not None and found.source in ("autoconfig", "srv"):
                text = f"{text}\n{found.reason(lang)}"
                text += "".join(f"\n{warning.message(lang)}" for warning in found.warnings
                                if warning.code in _PUBLISHED_WARNINGS)
            return text
        return ""

    @property
    def mx_hosts(self) -> tuple[str, ...]:
        return tuple(self.mx_result.hosts) if self.mx_result is not None else ()

    def choose_provider(self, provider_id: str, *, by_user: bool) -> bool:
        """Pick a provider and fill its server and username where nobody typed over them;
        False when nothing changed."""
        from .providers import expand_host, get_provider

        provider = get_provider(provider_id)
        changed = provider.id != self.draft.provider
        if by_user:
            self.provider_chosen = True
            if not changed:
                return False
        self.assign("provider", provider.id)
        if self.demo_server is not None:
            # The demo sends to its own server whatever provider is picked: never to
            # smtp.gmail.com with the demo's login.
            self.apply_preset(*self.demo_server, force=True)
        elif provider.presets:
            preset = provider.default_preset
            self.apply_preset(expand_host(preset, self.draft.company.email, self.mx_hosts),
                              preset.port, preset.security, force=by_user)
        smtp = self.draft.smtp
        # The provider's recommended way to sign in, unless the technician chose one.
        if smtp.auth not in provider.auth_kinds or smtp.auth == self.auto.get("auth"):
            auth = default_auth(provider)
            if self.assign("smtp.auth", auth) is None:
                self.auto["auth"] = auth
        self.fill_username()
        return True

    def apply_preset(self, host: str, port: int, security: str, *, force: bool) -> None:
        """Fill host/port/security; without *force*, only fields still at their auto value."""
        smtp = self.draft.smtp
        for name, value in (("host", host), ("port", port), ("security", security)):
            current = getattr(smtp, name)
            untouched = name in self.auto and current == self.auto[name]
            wanted = (force or untouched or current in ("", None)) and value not in ("", None)
            if wanted and self.assign(f"smtp.{name}", value) is None:
                self.auto[name] = getattr(smtp, name)

    # -- Microsoft sign-in -----------------------------------------------------------

    def sign_in_state(self) -> str:
        """"new" (signed in here, not saved), "saved" (in the store) or "none"."""
        oauth = self.draft.oauth
        wanted = (oauth.tenant, oauth.client_id)
        if self.oauth_cache is not None and self.oauth_signed_for == wanted:
            return "new"
        saved = self._saved_config()
        store = self.store
        if store is not None and store.has_sign_in and saved is not None \
                and saved.smtp.auth == "oauth2" \
                and (saved.oauth.tenant, saved.oauth.client_id) == wanted:
            return "saved"
        return "none"

    def signed_in_account(self) -> str:
        """Who signed in (the pending sign-in, else the saved one)."""
        state = self.sign_in_state()
        if state == "new":
            return self.oauth_account
        if state == "saved":
            accounts = self.store.accounts if self.store is not None else ()
            return self.draft.oauth.account or next(iter(accounts), "")
        return ""

    def signed_in(self, result: SignInResult, cache: str) -> None:
        """A sign-in succeeded here: hold its token cache for Save and fill the settings."""
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

    # -- the secret store and Save ---------------------------------------------------

    @property
    def has_secret(self) -> bool:
        return self.store is not None and self.store.has_secret

    def secret_where(self, lang: str | None = None) -> str:
        if self.store is None:
            return t("tui.cred.store_probing", lang)
        return self.store.describe(lang)

    def save_plan(self, language: str | None, *, only_seen: bool = False) -> SavePlan:
        """What Save would write now: the settings (in *language*) and the held secrets
        that go with the way of signing in chosen. With *only_seen* (a save from the
        leave dialog), the steps never opened keep what is saved (or the defaults):
        guesses the technician has not seen, such as a provider's server, are not written."""
        config = self.draft.model_copy(deep=True)
        if only_seen:
            config = self._seen_only(config)
        config.language = language  # type: ignore[assignment]
        password = self.password if config.smtp.auth == "password" else None
        # A sign-in made here goes to the same store as a password would, then the
        # settings record that store: the token cache is never saved on its own.
        token_cache = (self.oauth_cache if config.smtp.auth == "oauth2"
                       and self.sign_in_state() == "new" else None)
        backend = config.secret_backend or (self.store.kind if self.store else None)
        return SavePlan(config, backend, password, token_cache)

    def _seen_only(self, config: Config) -> Config:
        from .config import Config, with_changes
        from .fields import field_spec, fields_of_step

        base = self._saved_config() or Config()
        changes: dict[str, object] = {}
        for step in STEPS:
            if step in self.visited:
                continue
            for name in fields_of_step(step):
                spec = field_spec(name)
                if spec is None or not spec.setting:
                    continue
                value: object = base
                for part in name.split("."):
                    value = getattr(value, part)
                changes[name] = value
        return with_changes(config, changes) if changes else config

    def saved_as(self, plan: SavePlan, written: Config, *, changed: bool = True) -> None:
        """Save wrote *plan*: the draft is now the saved settings. *changed*: False when
        the save found everything saved already (nothing written)."""
        self.save_changed = changed
        self.draft.secret_backend = written.secret_backend
        before = self.store or StorePreview(written.secret_backend or "file", {})
        self.store = StorePreview(
            kind=written.secret_backend or before.kind, texts=before.texts,
            has_secret=before.has_secret or plan.writes_password,
            has_sign_in=before.has_sign_in or plan.writes_sign_in,
            accounts=(((self.oauth_account,) if self.oauth_account else ())
                      if plan.writes_sign_in else before.accounts))
        self.oauth_cache = None
        self.oauth_signed_for = None
        self.password = self._initial_password = None
        self._baseline = self._snapshot()
        self.saved = True
        self.just_saved = True
        self.save_error = None
        self.visited.update(self.all_steps)

    def write(self, plan: Any, config_path: Path) -> tuple[Config, bool]:
        """Write what :meth:`save_plan` gave (blocking: run in a thread)."""
        return write_plan(plan, config_path)

    def follow(self, config: Config) -> bool:
        """Settings saved elsewhere (a fix from the test screen): take them, unless
        something typed here is not saved; True when taken."""
        if self.dirty:
            return False
        self.draft = config.model_copy(deep=True)
        self._baseline = self._snapshot()
        return True


def _as_secret(value: Secret | str | None) -> Secret | None:
    return value if value is None or isinstance(value, Secret) else Secret(value)


def typed_password(text: str, *, strip_spaces: bool) -> tuple[Secret | None, bool]:
    """What the password field holds, as a Secret (None when empty), and whether spaces
    were removed (Google shows app passwords in groups of four: not part of it).

    The screen's handler calls this rather than keeping the text in a local of its own.
    """
    stripped = strip_spaces and any(char.isspace() for char in text)
    if stripped:
        text = "".join(text.split())
    return (Secret(text) if text else None), stripped


# --- the blocking parts, run in worker threads by the screen ---------------------------


def probe_store(config_path: Path, backend: str | None, *, saved: bool) -> StorePreview:
    """Which store the secret will go to (may probe the keyring), and what is there."""
    from .oauth import signed_in_accounts
    from .secrets import OAUTH_TOKEN_CACHE, SMTP_PASSWORD, SecretError, open_secret_store

    store = open_secret_store(config_path, backend)  # type: ignore[arg-type]
    texts: dict[str, str] = {lang: store.describe(lang) for lang in LANGUAGES}
    has = has_cache = False
    accounts: list[str] = []
    try:
        has = saved and store.get(SMTP_PASSWORD) is not None
        has_cache = store.get(OAUTH_TOKEN_CACHE) is not None
        accounts = signed_in_accounts(store) if has_cache else []
    except SecretError:
        pass  # unreadable: shown as missing; Save says why if it cannot write
    return StorePreview(store.kind, texts, has, has_cache, tuple(accounts))


def write_plan(plan: SavePlan, config_path: Path) -> tuple[Config, bool]:
    """Write the secrets, then the settings recording their store: the settings written,
    and whether anything changed (False: the file and the store held all of it already,
    and nothing was written)."""
    from .secrets import OAUTH_TOKEN_CACHE, SMTP_PASSWORD, SecretError, open_secret_store

    config = plan.config.model_copy(deep=True)
    store = open_secret_store(config_path, plan.backend)  # type: ignore[arg-type]
    changed = False
    if plan.password is not None:
        try:
            stored = store.get(SMTP_PASSWORD)
        except SecretError:
            stored = None  # unreadable: written again, and set() says why if it cannot
        if stored != plan.password.reveal():
            store.set(SMTP_PASSWORD, plan.password.reveal())
            changed = True
    if plan.token_cache is not None:
        store.set(OAUTH_TOKEN_CACHE, plan.token_cache)
        changed = True
    config.secret_backend = store.kind  # type: ignore[assignment]
    config, written = _save_keeping_profiles(config, config_path)
    return config, written or changed


def _save_keeping_profiles(config: Config, config_path: Path) -> tuple[Config, bool]:
    """Save *config* with the sender profiles the file holds now: the wizard does not edit
    them, so a ``comelin-tui profile add`` made while it was open is kept. A file that does
    not load is replaced as :func:`save_config` does (its copy kept aside). The settings
    saved, and whether the file was written."""
    from .config import ConfigError, save_config, update_config_written

    try:
        return update_config_written(config_path, lambda current: config.model_copy(
            update={"profiles": current.profiles}), default=config)
    except ConfigError:
        return config, save_config(config, config_path)
