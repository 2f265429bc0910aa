"""The test send for several sender profiles: once per account and sender, DNS once per domain.

``comelin-tui check --profile NAME`` and ``--all-profiles`` (and, later, the TUI's
profile list) call :func:`check_profiles`. Each profile runs with the settings
:func:`comelin_tui.profiles.profile_config` gives it (its sender; its own account
and secret, or the company's), through the very steps of the test send
(:mod:`comelin_tui.jobs.send_test`).

- A test runs once per distinct account and sender (send-as rights are granted per
  sender): profiles that share both share its result (``tested_with`` names the
  profile that was tested).
- The deliverability checks (mx, spf, dkim, dmarc) run once per distinct sending
  domain, right after the first test of that domain; every result of that domain
  carries the same steps.
- A profile that cannot start (no saved secret for its account, settings incomplete)
  has its error instead of a result; the others still run.

Every test is one line of the attempt log, as a plain test send is.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..diagnostics.model import worst_status
from ..errors import ComelinError

if TYPE_CHECKING:
    from ..config_models import Config
    from ..config_read import ConfigView
    from ..diagnostics.model import RunResult, Step
    from ..profiles import Profile
    from .send_test import OnStep, SendTestOptions

EXIT_COULD_NOT_RUN = 3


@dataclass
class ProfileRun:
    """One profile's outcome: a result (maybe shared), or why it could not start."""

    profile: Profile
    result: RunResult | None = None
    error: ComelinError | None = None
    tested_with: str | None = None  # the profile whose test this one shares

    @property
    def status(self) -> str:
        return self.result.status if self.result is not None else "unknown"

    @property
    def exit_code(self) -> int:
        return self.result.exit_code if self.result is not None else EXIT_COULD_NOT_RUN

    @property
    def code(self) -> str | None:
        """The diagnosis code (``config.invalid`` when it could not start)."""
        if self.result is None:
            return "config.invalid"
        return self.result.diagnosis.code if self.result.diagnosis else None


@dataclass
class ProfilesRun:
    """Every profile's outcome, in the order asked; the domains checked once each."""

    runs: list[ProfileRun] = field(default_factory=list)
    domains: dict[str, list[str]] = field(default_factory=dict)  # domain -> profile names
    domain_status: dict[str, str] = field(default_factory=dict)  # domain -> worst DNS status

    @property
    def exit_code(self) -> int:
        """The worst: 3 (could not run) > 2 (failure) > 1 (warning) > 0."""
        return max((run.exit_code for run in self.runs), default=0)

    @property
    def status(self) -> str:
        if any(run.result is None for run in self.runs):
            return "unknown"
        return worst_status([run.result.status for run in self.runs if run.result])


@dataclass(frozen=True)
class GroupStart:
    """What a view hears before each test: who is tested, and who shares it."""

    profile: Profile
    sharing: tuple[Profile, ...]
    domain: str
    dns_cached: bool  # the domain's DNS checks were done for an earlier profile


async def check_profiles(config: Config | ConfigView, config_path: Path, profiles: Sequence[Profile],
                         options: SendTestOptions, *,
                         on_group: Callable[[GroupStart], None] | None = None,
                         on_step: OnStep | None = None,
                         on_result: Callable[[ProfileRun], None] | None = None,
                         on_log_error: Callable[[OSError], None] | None = None) -> ProfilesRun:
    """Test *profiles* (see the module's docstring); never raises for one profile's trouble.

    *options* applies to every run (recipient, send or not, probe, DNS); its password,
    when given (standard input), is used for the first profile only (a single
    ``--profile``). *on_result* hears each tested profile once its run (DNS included)
    is over.
    """
    from ..profiles import check_groups, profile_config, sender_domain
    from .send_test import dns_steps, prepare, run_target, write_log

    outcome = ProfilesRun()
    dns_done: dict[str, list[Step]] = {}
    for group in check_groups(profiles):
        first = group[0]
        domain = sender_domain(first.from_address)
        outcome.domains.setdefault(domain, [])
        outcome.domains[domain].extend(profile.name for profile in group)
        run_config = profile_config(config, first)
        run_options = dataclasses.replace(
            options, dns_checks=False, secret_name=first.secret,
            profile=None if first.is_company else first.name,
            password=options.password if len(profiles) == 1 else None)
        if on_group is not None:
            on_group(GroupStart(first, tuple(group[1:]), domain, domain in dns_done))
        try:
            target = await prepare(run_config, config_path, run_options)
        except ComelinError as error:  # SendTestSetupError, an unreadable secret
            for profile in group:
                run = ProfileRun(profile, error=error,
                                 tested_with=None if profile is first else first.name)
                outcome.runs.append(run)
            if on_result is not None:
                on_result(outcome.runs[-len(group)])
            continue
        result = await run_target(target, run_config, config_path, on_step, run_options)
        if options.dns_checks:
            if domain not in dns_done:
                dns_done[domain] = await dns_steps(run_config, result, on_step, options)
                statuses = [step.status for step in dns_done[domain]]
                outcome.domain_status[domain] = worst_status(statuses) if statuses else "skipped"
            result.steps.extend(dns_done[domain])
        if options.log:
            try:
                await asyncio.to_thread(write_log, result, run_options, config_path)
            except OSError as error:
                if on_log_error is not None:
                    on_log_error(error)
        for profile in group:
            outcome.runs.append(ProfileRun(
                profile, result=result, tested_with=None if profile is first else first.name))
        if on_result is not None:
            on_result(outcome.runs[-len(group)])
    order = {profile.name: index for index, profile in enumerate(profiles)}
    outcome.runs.sort(key=lambda run: order[run.profile.name])
    return outcome
