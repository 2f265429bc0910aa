"""`comelin-tui discover EMAIL`: what the DNS says about an address's mail settings.

Prints the provider and server discovery found (and how sure it is), then
the advisory deliverability checks (MX, SPF, DKIM, DMARC) for that
provider. ``--json`` prints the same as one JSON object. Exit codes: 0 found
and nothing to fix, 1 nothing found or an advisory warning, 3 bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from .. import i18n
from ..i18n import t

DEFAULT_LIFETIME = 3.0
DEFAULT_PROBE_TIMEOUT = 5.0

i18n.register({
    "discover.help": {
        "fr": "trouver les réglages d'envoi d'une adresse (MX, SRV, sondage) et vérifier SPF, "
              "DKIM et DMARC",
        "en": "find an address's sending settings (MX, SRV, probing) and check SPF, DKIM and "
              "DMARC",
    },
    "discover.email_help": {
        "fr": "l'adresse courriel de l'entreprise (ou son domaine)",
        "en": "the company's email address (or its domain)",
    },
    "discover.json_help": {"fr": "résultat en JSON", "en": "print the result as JSON"},
    "discover.dns_server_help": {
        "fr": "serveur DNS à interroger au lieu de celui du système",
        "en": "DNS server to ask instead of the system's",
    },
    "discover.no_probe_help": {
        "fr": "ne pas sonder smtp.<domaine> et mail.<domaine> quand le DNS ne dit rien",
        "en": "do not probe smtp.<domain> and mail.<domain> when DNS says nothing",
    },
    "discover.timeout_help": {
        "fr": "délai en secondes des recherches DNS et du sondage (DNS : 3, sondage : 5 par "
              "défaut)",
        "en": "time limit in seconds for DNS lookups and probing (default DNS 3, probing 5)",
    },
    "discover.ispdb_url_help": {
        "fr": "base de fournisseurs autoconfig à interroger (un miroir HTTPS de celle de "
              "Thunderbird ; par défaut COMELIN_ISPDB_URL, sinon "
              "https://autoconfig.thunderbird.net/v1.1/)",
        "en": "autoconfig provider database to ask (an HTTPS mirror of Thunderbird's; "
              "default COMELIN_ISPDB_URL, else https://autoconfig.thunderbird.net/v1.1/)",
    },
    "discover.ca_file_help": {
        "fr": "autorité de certification de plus à croire (fichier PEM), pour les fichiers "
              "autoconfig et le sondage des serveurs",
        "en": "an extra certificate authority to trust (PEM file), for the autoconfig files "
              "and the server probe",
    },
    "discover.no_autoconfig_help": {
        "fr": "ne pas demander de fichier autoconfig (ni au domaine, ni à la base de "
              "fournisseurs)",
        "en": "do not ask for autoconfig files (neither the domain nor the provider database)",
    },
    "discover.username": {"fr": "Nom d'utilisateur : {username}",
                          "en": "Username: {username}"},
    "discover.autoconfig": {"fr": "Autoconfig :", "en": "Autoconfig:"},
    "discover.autoconfig_line": {"fr": "  {source} : {status}", "en": "  {source}: {status}"},
    "discover.source.autoconfig": {"fr": "autoconfig", "en": "autoconfig"},
    "discover.domain": {"fr": "Domaine : {domain}", "en": "Domain: {domain}"},
    "discover.mx": {"fr": "MX : {hosts}", "en": "MX: {hosts}"},
    "discover.mx_none": {"fr": "MX : aucun ({status})", "en": "MX: none ({status})"},
    "discover.provider": {"fr": "Fournisseur : {name} ({id})", "en": "Provider: {name} ({id})"},
    "discover.server": {
        "fr": "Serveur : {host}, port {port} ({security})",
        "en": "Server: {host} port {port} ({security})",
    },
    "discover.how": {
        "fr": "Trouvé par : {source}, confiance {confidence}",
        "en": "Found by: {source}, confidence {confidence}",
    },
    "discover.source.domain": {"fr": "domaine connu", "en": "known domain"},
    "discover.source.mx": {"fr": "MX", "en": "MX"},
    "discover.source.srv": {"fr": "enregistrement SRV", "en": "SRV record"},
    "discover.source.probe": {"fr": "sondage", "en": "probing"},
    "discover.confidence.high": {"fr": "élevée", "en": "high"},
    "discover.confidence.medium": {"fr": "moyenne", "en": "medium"},
    "discover.confidence.low": {"fr": "faible", "en": "low"},
    "discover.reason": {"fr": "Pourquoi : {reason}", "en": "Why: {reason}"},
    "discover.warning": {"fr": "Attention : {message}", "en": "Warning: {message}"},
    "discover.note": {"fr": "Note : {message}", "en": "Note: {message}"},
    "discover.deliverability": {
        "fr": "Délivrabilité (à titre indicatif) :",
        "en": "Deliverability (advisory):",
    },
    "discover.deliverability_skipped": {
        "fr": "Délivrabilité : non vérifiée, le DNS ne répond pas.",
        "en": "Deliverability: not checked, DNS is not answering.",
    },
    "discover.deliverability_resolver_broken": {
        "fr": "Délivrabilité : non vérifiée, le DNS nie l'existence de noms qui existent à "
              "coup sûr.",
        "en": "Deliverability: not checked, the DNS denies names that certainly exist.",
    },
})


def add_parser(sub: argparse._SubParsersAction, name: str) -> None:
    from ..cli import add_common_arguments

    parser = sub.add_parser(name, help=t("discover.help"), description=t("discover.help"))
    add_common_arguments(parser)
    parser.add_argument("email", metavar="EMAIL", help=t("discover.email_help"))
    parser.add_argument("--json", action="store_true", help=t("discover.json_help"))
    parser.add_argument("--dns-server", metavar="IP[:PORT]", default=None,
                        help=t("discover.dns_server_help"))
    parser.add_argument("--no-probe", action="store_true", help=t("discover.no_probe_help"))
    # Checked in run(), so a bad value is exit 3 with a translated message.
    parser.add_argument("--timeout", metavar="S", default=None, help=t("discover.timeout_help"))
    parser.add_argument("--ispdb-url", metavar="URL", default=None,
                        help=t("discover.ispdb_url_help"))
    parser.add_argument("--ca-file", metavar="PATH", default=None, type=Path,
                        help=t("discover.ca_file_help"))
    parser.add_argument("--no-autoconfig", action="store_true",
                        help=t("discover.no_autoconfig_help"))


def _configured_dns_server(args: argparse.Namespace) -> str | None:
    """The DNS server saved in the settings, if any (discovery works without settings)."""
    try:
        from ..config import load_config
        from ..paths import config_path

        path = config_path(getattr(args, "config", None))
        if not path.exists():
            return None
        return load_config(path).dns_server or None
    except Exception:  # noqa: BLE001 - a broken settings file is `show`'s business, not ours
        return None


def run(args: argparse.Namespace) -> int:
    # Imported here: every command's parser loads this module, and asyncio costs
    # start-up time that `--version` and `show` should not pay.
    import asyncio

    from ..discovery import check_lifetime, normalise_domain, parse_nameserver

    lang = i18n.get_language()
    # Bad input is reported before any lookup (DiscoveryError -> exit 3).
    normalise_domain(args.email)
    if args.timeout is not None:
        lifetime = probe_timeout = check_lifetime(args.timeout)
    else:
        lifetime, probe_timeout = DEFAULT_LIFETIME, DEFAULT_PROBE_TIMEOUT
    nameserver = args.dns_server or _configured_dns_server(args)
    if nameserver:
        parse_nameserver(nameserver)
    from ..discovery.autoconfig import ispdb_url

    base_url = ispdb_url(args.ispdb_url)  # a bad URL is exit 3 before any lookup
    result, steps = asyncio.run(_gather(args.email, nameserver, lifetime, probe_timeout,
                                        probe=not args.no_probe, ca_file=args.ca_file,
                                        autoconfig=not args.no_autoconfig,
                                        ispdb_url=base_url))
    status = _status(result, steps)
    if args.json:
        data = {"status": status, **result.to_json(lang),
                "deliverability": [step.to_json() for step in steps]}
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        _print_text(result, steps, lang)
    return 0 if status == "ok" else 1


async def _gather(email: str, nameserver: str | None, lifetime: float, probe_timeout: float,
                  *, probe: bool, ca_file: Path | None = None, autoconfig: bool = True,
                  ispdb_url: str | None = None) -> tuple[Any, list[Any]]:
    from ..discovery import deliverability_steps, discover

    result = await discover(email, nameserver=nameserver, lifetime=lifetime, probe=probe,
                            probe_timeout=probe_timeout, ca_file=ca_file,
                            autoconfig=autoconfig, ispdb_url=ispdb_url)
    if result.mx.status in ("timeout", "no_resolver") or result.mx.resolver_broken:
        # The DNS is not answering, or denies names that certainly exist: the four checks
        # would only wait out the lifetime again, or advise records for a domain it denies.
        return result, []
    steps = await deliverability_steps(result.domain_ascii, result.provider_id,
                                       nameserver=nameserver, lifetime=lifetime,
                                       smtp_host=result.host)
    return result, steps


def _status(result: Any, steps: list[Any]) -> str:
    """ok only when something was found, with no warning and every check run and clean."""
    from ..diagnostics.model import StepStatus, worst_status

    own: StepStatus = "ok" if result.found and not result.warnings and steps else "warn"
    return worst_status([own, *(step.status for step in steps)])


def _print_text(result: Any, steps: list[Any], lang: str) -> None:
    from ..diagnostics import render
    from ..discovery.messages import security_label

    color = render.use_color(sys.stdout)
    lines = [t("discover.domain", lang, domain=result.domain)]
    if result.mx.hosts:
        lines.append(t("discover.mx", lang, hosts=", ".join(
            f"{host} ({pref})" for pref, host in result.mx.records if host)))
    else:
        lines.append(t("discover.mx_none", lang, status=result.mx.status))
    if result.found:
        if result.provider_id:
            lines.append(t("discover.provider", lang, name=result.provider_name(lang),
                           id=result.provider_id))
        if result.host:
            lines.append(t("discover.server", lang, host=result.host, port=result.port,
                           security=security_label(result.security, lang)))
        if result.username:
            lines.append(t("discover.username", lang, username=result.username))
        lines.append(t("discover.how", lang, source=t(f"discover.source.{result.source}", lang),
                       confidence=t(f"discover.confidence.{result.confidence}", lang)))
        lines.append(t("discover.reason", lang, reason=result.reason(lang)))
    else:
        lines.append(render.paint(result.reason(lang), "warn", color))
    lines += [render.paint(t("discover.warning", lang, message=w.message(lang)), "warn", color)
              for w in result.warnings]
    lines += [t("discover.note", lang, message=n.message(lang)) for n in result.notes]
    asked = [a for a in (result.autoconfig.attempts if result.autoconfig else ())
             if a.status != "not_needed"]
    if asked:
        from ..discovery.autoconfig import source_label

        lines.append(t("discover.autoconfig", lang))
        lines += [t("discover.autoconfig_line", lang, source=source_label(a.source, lang),
                    status=a.message(lang)) for a in asked]
    lines.append("")
    if not steps and result.mx.resolver_broken:
        lines.append(t("discover.deliverability_resolver_broken", lang))
    elif not steps:
        lines.append(t("discover.deliverability_skipped", lang))
    else:
        lines.append(t("discover.deliverability", lang))
        for step in steps:
            lines.append(render.format_step(step, lang, color=color))
            if step.diagnosis is not None and step.status == "warn":
                lines += ["    " + line for line in render.format_diagnosis(step.diagnosis, lang)]
    print("\n".join(lines))
