"""The options of ``comelin-tui check`` for the deliverability steps (mx, spf, dkim, dmarc).

The steps themselves run in the core test send (:mod:`comelin_tui.jobs.send_test`);
heavy imports stay inside the functions so ``--help`` and the parser stay light.
"""

from __future__ import annotations

import argparse

from .. import i18n
from ..i18n import t

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
