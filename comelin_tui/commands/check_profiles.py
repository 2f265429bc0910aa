"""``comelin-tui check --all-profiles``: every sender profile, the exit code the worst.

The run is the core job :func:`comelin_tui.jobs.check_profiles.check_profiles` (a test
per distinct account and sender, the DNS checks once per domain); this module turns
the options into the job's and prints what it reports: each test's steps live, under a
line naming the profile, then one line per profile. With ``--json``, one document:
``profiles`` holds, for each profile, what ``check --profile NAME --json`` prints
(``docs/diagnosis-codes.md``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import i18n
from ..errors import ComelinError
from ..i18n import t

if TYPE_CHECKING:
    from ..jobs.check_profiles import GroupStart, ProfileRun, ProfilesRun

i18n.register({
    "check.profiles.header": {
        "fr": "== Profil {name} : {sender}, {account}",
        "en": "== Profile {name}: {sender}, {account}",
    },
    "check.profiles.sharing": {
        "fr": "   (même compte et même expéditeur, donc le même essai : {names})",
        "en": "   (same account and same sender, so the same test: {names})",
    },
    "check.profiles.dns_cached": {
        "fr": "   Vérifications DNS de {domain} : faites une fois, plus haut.",
        "en": "   DNS checks of {domain}: done once, above.",
    },
    "check.profiles.could_not_run": {
        "fr": "Vérification impossible : {message}", "en": "Could not run: {message}",
    },
    "check.profiles.summary": {"fr": "Profils :", "en": "Profiles:"},
    "check.profiles.shared": {"fr": "même essai que {name}", "en": "same test as {name}"},
    "check.profiles.unknown": {"fr": "ÉCHEC", "en": "FAIL"},
    "check.profiles.result": {
        "fr": "Résultat : {status} (le pire des {count} profils)",
        "en": "Result: {status} (the worst of {count} profiles)",
    },
    "check.profiles.result_one": {
        "fr": "Résultat : {status} (un seul profil, celui de l'entreprise)",
        "en": "Result: {status} (one profile, the company's)",
    },
    "check.profiles.status.ok": {"fr": "RÉUSSI", "en": "PASSED"},
    "check.profiles.status.warn": {"fr": "AVERTISSEMENT", "en": "WARNING"},
    "check.profiles.status.fail": {"fr": "ÉCHOUÉ", "en": "FAILED"},
    "check.profiles.status.unknown": {"fr": "VÉRIFICATION IMPOSSIBLE", "en": "COULD NOT RUN"},
})

# What --all-profiles cannot take: each profile runs with its own saved settings.
_REFUSED = (("--host", "host"), ("--port", "port"), ("--security", "security"),
            ("--auth", "auth"), ("--username", "username"), ("--from", "from_address"),
            ("--ca-file", "ca_file"), ("--password-stdin", "password_stdin"),
            ("--send-saved-password", "send_saved_password"))


def check_all_profiles(args: argparse.Namespace, config_path: Path,
                       log_path: Path | None) -> int:
    from .check import EXIT_COULD_NOT_RUN, _log_could_not_run, could_not_run_json

    try:
        run = _run(args, config_path, log_path)
    except ComelinError as error:
        _log_could_not_run(error, args, log_path, config_path)
        if args.json:
            data = could_not_run_json(error, args)
            data["profiles"] = []
            print(json.dumps(data, ensure_ascii=False, indent=2))
            print(t("cli.error", message=error.message()), file=sys.stderr)
            return EXIT_COULD_NOT_RUN
        raise
    if args.json:
        print(json.dumps(profiles_json(run, args), ensure_ascii=False, indent=2))
    else:
        _print_summary(run)
    return run.exit_code


def _run(args: argparse.Namespace, config_path: Path, log_path: Path | None) -> ProfilesRun:
    import asyncio

    from ..config_read import ConfigNotFound, read_config
    from ..diagnostics.render import LivePrinter
    from ..jobs.check_profiles import check_profiles
    from ..jobs.send_test import SendTestOptions
    from ..profiles import all_profiles
    from .check import CheckSetupError, apply_overrides, validate_check_arguments

    given = [option for option, name in _REFUSED if getattr(args, name, None)]
    if given:
        raise CheckSetupError("check.all_profiles_options", options=", ".join(given))
    try:
        config = read_config(config_path)
    except ConfigNotFound:
        raise CheckSetupError("check.no_config", path=config_path) from None
    config = apply_overrides(config, args)  # --timeout, --to: the same for every profile
    validate_check_arguments(args)
    demo = bool(getattr(args, "demo", False))
    options = SendTestOptions(
        to_address=args.to_address, send=not args.no_send, probe=not args.no_probe,
        dns_checks=not (args.no_dns_checks or demo), dns_server=args.dns_server,
        log_path=log_path, language=i18n.get_language())
    printer = None if args.json else LivePrinter(
        sys.stdout, limit=config.smtp.timeout, dns_limit=options.dns_lifetime)

    def on_group(start: GroupStart) -> None:
        if printer is None:
            return
        profile = start.profile
        print("\n" + t("check.profiles.header", name=profile.name,
                       sender=profile.from_address or "?",
                       account=profile.account_text()), flush=True)
        if start.sharing:
            print(t("check.profiles.sharing", names=", ".join(p.name for p in start.sharing)))

    seen_domains: set[str] = set()

    def on_result(run: ProfileRun) -> None:
        if printer is None:
            return
        _print_result(args, run, seen_domains)

    def log_failed(error: OSError) -> None:
        print(t("check.log_failed", reason=error.strerror or error), file=sys.stderr)

    return asyncio.run(check_profiles(
        config, config_path, all_profiles(config), options, on_group=on_group,
        on_step=printer, on_result=on_result, on_log_error=log_failed))


def _print_result(args: argparse.Namespace, run: ProfileRun, seen: set[str]) -> None:
    from ..diagnostics.render import format_outcome, format_transcript, use_color
    from ..profiles import sender_domain
    from .check import _in_cli_words, output_width

    if run.result is None:
        error = run.error
        if error is not None and hasattr(error, "reason"):
            error = _in_cli_words(error)  # type: ignore[arg-type]
        print(t("check.profiles.could_not_run", message=error.message() if error else "?"),
              flush=True)
        return
    domain = sender_domain(run.profile.from_address)
    if domain in seen and any(step.id in ("mx", "spf", "dkim", "dmarc")
                              for step in run.result.steps):
        print(t("check.profiles.dns_cached", domain=domain))
    seen.add(domain)
    lines: list[str] = []
    if args.transcript:
        lines += format_transcript(run.result.transcript)
    lines += format_outcome(run.result, color=use_color(sys.stdout),
                            try_flags=(f"--profile {run.profile.name}",), width=output_width())
    print("\n".join(lines), flush=True)


def _print_summary(run: ProfilesRun) -> None:
    from ..diagnostics.render import status_tag, use_color

    color = use_color(sys.stdout)
    print("\n" + t("check.profiles.summary"))
    width = max((len(item.profile.name) for item in run.runs), default=0) + 2
    for item in run.runs:
        tag = status_tag(item.status, color=color) if item.result is not None else \
            f"[{t('check.profiles.unknown')}]"
        note = item.code or ""
        if item.tested_with:
            note = (note + "; " if note else "") + t("check.profiles.shared",
                                                     name=item.tested_with)
        line = f"  {tag} {item.profile.name:<{width}}{item.profile.from_address or '?'}"
        print(f"{line}  {note}".rstrip())
    key = "check.profiles.result" if len(run.runs) > 1 else "check.profiles.result_one"
    print(t(key, status=t(f"check.profiles.status.{run.status}"), count=len(run.runs)),
          flush=True)


def profile_run_json(item: ProfileRun, args: argparse.Namespace | None = None) -> dict[str, Any]:
    """What ``check --profile NAME --json`` prints for this profile, and ``tested_with``."""
    from .check import _in_cli_words, could_not_run_json

    if item.result is not None:
        data = item.result.to_json()
        data["queue_id"] = item.result.queue_id
    else:
        error = item.error or ComelinError("cli.interrupted")
        if hasattr(error, "reason"):
            error = _in_cli_words(error)  # type: ignore[arg-type]
        data = could_not_run_json(error, None)
    data["exit_code"] = item.exit_code
    data["profile"] = item.profile.to_json()
    data["tested_with"] = item.tested_with
    return data


def profiles_json(run: ProfilesRun, args: argparse.Namespace | None = None) -> dict[str, Any]:
    """The ``check --all-profiles --json`` document (``docs/diagnosis-codes.md``)."""
    return {
        "status": run.status,
        "exit_code": run.exit_code,
        "profiles": [profile_run_json(item, args) for item in run.runs],
        "domains": [{"domain": domain, "profiles": names,
                     "status": run.domain_status.get(domain, "skipped")}
                    for domain, names in run.domains.items()],
    }
