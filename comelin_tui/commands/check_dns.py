"""The deliverability steps (mx, spf, dkim, dmarc) after ``comelin-tui check``'s send.

Plugs into the check command's step-provider hook; heavy imports stay inside
the functions so ``--help`` and the parser stay light.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING

from .. import i18n
from ..i18n import t

if TYPE_CHECKING:
    from ..config import Config
    from ..diagnostics.model import RunResult, Step

i18n.register({
    "check_steps.no_dns_help": {
        "fr": "ne pas vérifier les enregistrements DNS du domaine (MX, SPF, DKIM, DMARC)",
        "en": "skip the domain's DNS record checks (MX, SPF, DKIM, DMARC)",
    },
    "check_steps.dns_server_help": {
        "fr": "serveur DNS à interroger (IP ou IP:PORT ; par défaut celui du système ou des "
              "réglages)",
        "en": "DNS server to ask (IP or IP:PORT; default: the settings' or the system's)",
    },
})

LIFETIME = 3.0


def add_check_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--no-dns-checks", action="store_true",
                        help=t("check_steps.no_dns_help"))
    parser.add_argument("--dns-server", metavar="IP[:PORT]", help=t("check_steps.dns_server_help"))


def validate_check_arguments(args: argparse.Namespace) -> None:
    """A bad ``--dns-server`` is refused before the test send, not found after it."""
    value = getattr(args, "dns_server", None)
    if value is not None and not getattr(args, "no_dns_checks", False):
        from ..config_validate import validate_dns_server

        validate_dns_server(value, field="--dns-server")


async def after_send_steps(args: argparse.Namespace, result: RunResult,
                           on_step: Callable[[Step], None] | None,
                           config: Config) -> list[Step]:
    """The advisory DNS steps, unless skipped or in demo mode.

    A special-use domain is not asked of the system resolver (it has no public
    DNS); with an explicit DNS server it is, which is how tests point at theirs.
    """
    from ..discovery.domains import is_reserved, sending_domain

    domain = sending_domain(config)
    nameserver = getattr(args, "dns_server", None) or config.dns_server
    if getattr(args, "no_dns_checks", False) or getattr(args, "demo", False) \
            or (nameserver is None and is_reserved(domain)):
        return []
    from ..discovery import deliverability_steps

    return await deliverability_steps(
        domain, config.provider, nameserver=nameserver, lifetime=LIFETIME,
        on_step=on_step, smtp_host=config.smtp.host, lang=i18n.get_language(),
    )
