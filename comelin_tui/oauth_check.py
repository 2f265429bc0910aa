"""The test send with Microsoft 365 OAuth: a fresh access token, then XOAUTH2.

Used by ``comelin-tui check`` and the TUI's test send. Textual-free; the
engine is imported when a check runs.

How a failed sign-in shows up (chosen so the JSON contract stays the same): a
:class:`~comelin_tui.diagnostics.model.RunResult` whose ``auth`` step fails with
the diagnosis ``auth.oauth_failed`` (the AADSTS reason and the hint, usually
"sign in again") and whose other steps are ``skipped``: no connection is made
without a token. Exit code 2, like any failed check.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .i18n import join, m
from .oauth import AccessToken, Verify, acquire_access_token
from .oauth_errors import OAuthError

if TYPE_CHECKING:
    from .config import Config
    from .diagnostics.model import RunResult, Step, Target
    from .secrets import SecretStore


def with_token(target: Target, token: AccessToken | str, config: Config | None = None) -> Target:
    """*target* authenticating with XOAUTH2 as the signed-in mailbox."""
    value = token.token if isinstance(token, AccessToken) else token
    username = target.username or (config.oauth.account if config is not None else "") or (
        token.username if isinstance(token, AccessToken) else "")
    return dataclasses.replace(target, auth="oauth2", password=value, username=username)


async def oauth_target(target: Target, config: Config, store: SecretStore, *,
                       authority_host: str | None = None, verify: Verify = True,
                       force_refresh: bool = False) -> Target:
    """*target* with a fresh access token (in a thread). Raises OAuthError."""
    token = await asyncio.to_thread(
        acquire_access_token, config, store, authority_host=authority_host, verify=verify,
        force_refresh=force_refresh)
    return with_token(target, token, config)


def oauth_failure_result(target: Target, error: OAuthError,
                         lang: str | None = None) -> RunResult:
    """The run when no access token could be had: ``auth`` fails, every other step skipped.

    Nothing was sent and no connection was made; the diagnosis is ``auth.oauth_failed``
    with the service's reason and the hint (usually: sign in again).
    """
    from .diagnostics.model import SMTP_STEPS, RunResult, Step

    lang = lang or target.language
    diagnosis = error.diagnosis(lang)
    steps = [Step(step_id, "fail", detail=error.detail(lang), diagnosis=diagnosis)
             if step_id == "auth" else
             Step(step_id, "skipped", detail=m("oauth.step_not_attempted", lang))
             for step_id in SMTP_STEPS]
    return RunResult(target=dataclasses.replace(target, password=None), steps=steps,
                     diagnosis=diagnosis)


def _oauth_rejected(result: RunResult) -> bool:
    step = result.step("auth")
    return bool(step and step.status == "fail" and step.diagnosis
                and step.diagnosis.code == "auth.oauth_failed")


def _emit(result: RunResult, on_step: Callable[[Step], None] | None) -> RunResult:
    if on_step is not None:
        for step in result.steps:
            on_step(dataclasses.replace(step))
    return result


async def run_check_oauth(target: Target, config: Config, store: SecretStore,
                          on_step: Callable[[Step], None] | None = None, *, probe: bool = True,
                          authority_host: str | None = None,
                          verify: Verify = True) -> RunResult:
    """``run_check`` with a fresh access token when ``target.auth == "oauth2"``.

    - No token (not signed in, refresh refused, service unreachable): the result of
      :func:`oauth_failure_result` (its steps are also sent to *on_step*).
    - The server refuses a token the cache still thought valid (revoked early): one
      forced refresh and a second run; *on_step* then sees the steps start over. If
      that refresh fails, the first run is returned with the refresh error as the
      ``auth`` step's diagnosis.
    ``target.password`` is ignored: it is replaced by the fresh token. Targets that do
    not use OAuth go straight to ``run_check``. Raises OAuthUnavailable, SecretError.
    """
    from .diagnostics.engine import run_check

    if target.auth != "oauth2":
        return await run_check(target, on_step, probe=probe)
    lang = target.language
    options: dict[str, Any] = {"authority_host": authority_host, "verify": verify}
    try:
        token = await asyncio.to_thread(acquire_access_token, config, store, **options)
    except OAuthError as error:
        return _emit(oauth_failure_result(target, error, lang), on_step)
    result = await run_check(with_token(target, token, config), on_step, probe=probe)
    if not (token.from_cache and _oauth_rejected(result)):
        return result
    try:
        fresh = await asyncio.to_thread(acquire_access_token, config, store,
                                        force_refresh=True, **options)
    except OAuthError as error:
        auth = result.step("auth")
        if auth is not None:
            auth.diagnosis = error.diagnosis(lang)
            extra = error.detail(lang)
            auth.detail = join([auth.detail, extra], " | ", lang) if auth.detail else extra
            result.diagnosis = auth.diagnosis
            if on_step is not None:
                on_step(dataclasses.replace(auth))
        return result
    return await run_check(with_token(target, fresh, config), on_step, probe=probe)


async def run_check_oauth_saved(target: Target, config_path: Path,
                                on_step: Callable[[Step], None] | None = None, *,
                                probe: bool = True) -> RunResult:
    """:func:`run_check_oauth` for the saved settings in *config_path* (the CLI's case)."""
    from .config import Config, ConfigNotFound, load_config
    from .secrets import open_secret_store

    try:
        config = load_config(config_path)
    except ConfigNotFound:
        config = Config()  # ad-hoc --host run: "not set up" becomes the diagnosis
    store = open_secret_store(config_path, config.secret_backend)
    return await run_check_oauth(target, config, store, on_step, probe=probe)
