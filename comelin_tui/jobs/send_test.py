"""The test send, done once for every view: the TUI's test screen and ``comelin-tui check``.

settings -> target -> secret or token -> engine (with probing) -> the domain's DNS
checks -> one line in the attempt log. Each step reaches *on_step* as it starts and
ends; the words it carries are data (message keys with parameters) that each view
words in the language it shows.

A run that cannot start (settings incomplete, no password) raises
:class:`SendTestSetupError`, whose ``reason`` a view may word in its own terms
(the CLI names options, the TUI names buttons).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ComelinError
from ..i18n import get_language, register

if TYPE_CHECKING:
    from ..config import Config
    from ..diagnostics.model import RunResult, Step, Target
    from ..secrets import Secret

OnStep = Callable[["Step"], None]

register({
    "send_test.incomplete": {
        "fr": "Réglages incomplets : {fields}.",
        "en": "Settings incomplete: {fields}.",
    },
    "send_test.no_password": {
        "fr": "Aucun mot de passe SMTP enregistré.",
        "en": "No SMTP password saved.",
    },
    "send_test.no_profile_password": {
        "fr": "Aucun mot de passe enregistré pour le compte du profil « {name} ».",
        "en": "No password saved for the account of the profile \"{name}\".",
    },
})

DNS_LIFETIME = 3.0


class SendTestSetupError(ComelinError):
    """The test send could not start; ``reason`` is ``"incomplete"``, ``"no_password"`` or
    ``"no_profile_password"`` (a profile's own account has no saved secret)."""

    def __init__(self, reason: str, /, **params: object) -> None:
        self.reason = reason
        super().__init__(f"send_test.{reason}", **params)


@dataclass(frozen=True)
class SendTestOptions:
    """How a test send runs; the defaults are the TUI's and a plain ``check``'s."""

    to_address: str | None = None  # default: the company email, else the sender
    send: bool = True  # False: stop after RCPT TO (RSET, QUIT)
    probe: bool = True  # after an early failure, try other ports and security modes
    # Given by hand (standard input, a demo); else env/store. A Secret: never in a repr.
    password: Secret | None = field(default=None, repr=False)
    dns_checks: bool = True
    dns_server: str | None = None  # else the settings' own, else the system's
    dns_lifetime: float = DNS_LIFETIME
    log: bool = True
    log_path: Path | None = None  # None: the attempt log in the user state folder
    language: str | None = None  # the words' language for now (default: the current one)
    adhoc: bool = False  # options override the saved settings: logged as an ad-hoc run
    # The secret's name in the store for a profile's own account (profiles.secret_name);
    # None: the company password (COMELIN_SMTP_PASSWORD first).
    secret_name: str | None = None
    # The sender profile tested (the words of a missing secret, the attempt log's record);
    # None: the company settings.
    profile: str | None = None


def missing_settings(config: Config, options: SendTestOptions) -> list[str]:
    """Settings still needed for this run (field names)."""
    from ..config_checks import missing_fields
    from ..secrets import ENV_PASSWORD

    missing = missing_fields(config)
    # The company email is only the default recipient; --to or the sender stand in.
    if options.to_address or config.smtp.from_address:
        missing = [name for name in missing if name != "company.email"]
    # A token given by hand does not need the app registration.
    if options.password is not None or os.environ.get(ENV_PASSWORD):
        missing = [name for name in missing if name != "oauth.client_id"]
    return missing


def field_name(name: str) -> str:
    """A setting named for a person, with its name in the settings file."""
    from ..config_checks import field_label

    label = field_label(name)
    return name if label == name else f"{label} ({name})"


def build_target(config: Config, options: SendTestOptions, password: Secret | None) -> Target:
    """The engine's target for these settings (see :meth:`Target.from_config`)."""
    from ..diagnostics.model import Target

    return Target.from_config(
        config, password=password.reveal() if password is not None else None,
        to_address=options.to_address or config.company.email or config.smtp.from_address,
        send=options.send, language=options.language or get_language())


def read_secret(config: Config, config_path: Path, options: SendTestOptions) -> Secret | None:
    """The password or token: given by hand, else the environment, else the secret store.

    For a Microsoft 365 sign-in, None means "the saved sign-in gives a fresh token when
    the run starts" (a refused sign-in then becomes the run's diagnosis). Blocking: the
    keyring may be slow; call it in a thread from an event loop.
    """
    from ..secrets import ENV_PASSWORD, Secret, smtp_password

    auth = config.smtp.auth
    if auth == "none":
        return None
    if options.password is not None:
        return options.password
    if options.secret_name is not None:
        from ..secrets import open_secret_store

        value = open_secret_store(config_path, config.secret_backend).get(options.secret_name)
        if not value:
            raise SendTestSetupError("no_profile_password", name=options.profile or "")
        return Secret(value)
    if auth == "oauth2":
        token = os.environ.get(ENV_PASSWORD)
        return Secret(token) if token else None
    password = Secret(smtp_password(config_path, config.secret_backend) or "")
    if not password:
        raise SendTestSetupError("no_password", var=ENV_PASSWORD)
    return password


def target_source(config: Config, config_path: Path, *, language: str | None = None,
                  authority_host: str | None = None, verify: Any = True,
                  secret_name: str | None = None,
                  profile: str | None = None) -> Callable[[bool], Awaitable[Target]]:
    """Targets for real messages (the relay, ``send``): the same settings, secret and
    token as the test send, read again at each new connection (a password changed with
    ``comelin-tui password`` applies at once; a Microsoft 365 token is refreshed when
    needed, or at once when *refresh* is asked because the provider refused it).
    For a profile's own account, *secret_name* names its secret (see
    :func:`comelin_tui.profiles.profile_config` for its settings)."""
    options = SendTestOptions(language=language, secret_name=secret_name, profile=profile)
    store: list[Any] = []

    async def source(refresh: bool = False) -> Target:
        password = await asyncio.to_thread(read_secret, config, config_path, options)
        target = build_target(config, options, password)
        if target.auth != "oauth2" or password is not None:
            return target
        from ..oauth import acquire_access_token
        from ..oauth_check import with_token
        from ..secrets import open_secret_store

        if not store:
            store.append(await asyncio.to_thread(open_secret_store, config_path,
                                                 config.secret_backend))
        token = await asyncio.to_thread(acquire_access_token, config, store[0],
                                        authority_host=authority_host, verify=verify,
                                        force_refresh=refresh)
        return with_token(target, token, config)

    return source


async def prepare(config: Config, config_path: Path,
                  options: SendTestOptions = SendTestOptions()) -> Target:
    """The run's target, secret included; raises SendTestSetupError (or a SecretError)."""
    missing = missing_settings(config, options)
    if missing:
        raise SendTestSetupError("incomplete", fields=", ".join(map(field_name, missing)))
    password = await asyncio.to_thread(read_secret, config, config_path, options)
    return build_target(config, options, password)


async def run_target(target: Target, config: Config, config_path: Path,
                     on_step: OnStep | None = None,
                     options: SendTestOptions = SendTestOptions()) -> RunResult:
    """The SMTP conversation (OAuth sign-in first when needed), then the DNS checks."""
    if target.auth == "oauth2" and target.password is None:
        from ..oauth_check import run_check_oauth
        from ..secrets import open_secret_store

        store = await asyncio.to_thread(open_secret_store, config_path, config.secret_backend)
        result = await run_check_oauth(target, config, store, on_step, probe=options.probe)
    else:
        from ..diagnostics.engine import run_check

        result = await run_check(target, on_step, probe=options.probe)
    result.steps.extend(await dns_steps(config, result, on_step, options))
    return result


async def dns_steps(config: Config, result: RunResult, on_step: OnStep | None,
                    options: SendTestOptions) -> list[Step]:
    """The advisory checks of the sending domain (mx, spf, dkim, dmarc: warn, never fail).

    Not when skipped; not for a special-use domain unless a DNS server was named,
    which is how tests point at theirs (the system resolver would only say "no such name").
    """
    from ..discovery.domains import is_reserved, sending_domain

    domain = sending_domain(config)
    nameserver = options.dns_server or config.dns_server
    if not options.dns_checks or (nameserver is None and is_reserved(domain)):
        return []
    from ..discovery import deliverability_steps

    return await deliverability_steps(
        domain, config.provider, nameserver=nameserver, lifetime=options.dns_lifetime,
        on_step=on_step, smtp_host=config.smtp.host, lang=result.target.language)


def write_log(result: RunResult, options: SendTestOptions,
              config_path: Path | None = None) -> None:
    """One line in the attempt log, naming the settings file tested; raises OSError
    (the caller decides how loud)."""
    from ..attempt_log import append_attempt

    append_attempt(result, options.log_path, config_path=config_path, adhoc=options.adhoc,
                   profile=options.profile)


async def send_test(config: Config, config_path: Path, on_step: OnStep | None = None,
                    options: SendTestOptions = SendTestOptions(), *,
                    on_log_error: Callable[[OSError], None] | None = None) -> RunResult:
    """The whole test send for *config*: see the module's docstring.

    Raises SendTestSetupError (or another ComelinError, e.g. an unreadable secret)
    when the run cannot start. A log that cannot be written never changes the
    outcome: *on_log_error* hears about it.
    """
    target = await prepare(config, config_path, options)
    result = await run_target(target, config, config_path, on_step, options)
    if options.log:
        try:
            await asyncio.to_thread(write_log, result, options, config_path)
        except OSError as error:
            if on_log_error is not None:
                on_log_error(error)
    return result
