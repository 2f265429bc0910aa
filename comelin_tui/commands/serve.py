"""`comelin-tui serve`: the same wizard in a browser, for guided onboarding.

Bound to 127.0.0.1:8080 by default and reached from the technician's laptop with
``ssh -L 8080:127.0.0.1:8080 store-server``; the URL printed at start carries a
token drawn at each start. Another address than loopback only with ``--allow-remote`` (a
warning; the token is still required). Never a public relay.
"""

from __future__ import annotations

import argparse
import ipaddress
import sys

from .. import i18n
from ..errors import ComelinError
from ..i18n import t

DEFAULT_LISTEN = "127.0.0.1:8080"

i18n.register({
    "serve.help": {
        "fr": "l'assistant dans un navigateur (accompagnement), derrière un jeton tiré à "
              "chaque lancement",
        "en": "the wizard in a browser (guided onboarding), behind a token drawn at each "
              "start",
    },
    "serve.listen_help": {
        "fr": "adresse et port d'écoute (défaut : 127.0.0.1:8080)",
        "en": "address and port to listen on (default: 127.0.0.1:8080)",
    },
    "serve.allow_remote_help": {
        "fr": "permettre une autre adresse que la boucle locale (le jeton reste exigé)",
        "en": "allow another address than loopback (the token is still required)",
    },
    "serve.bad_listen": {
        "fr": "« {value} » n'est pas une adresse d'écoute : indiquez HÔTE:PORT, par exemple "
              "127.0.0.1:8080.",
        "en": "“{value}” is not an address to listen on: give HOST:PORT, for example "
              "127.0.0.1:8080.",
    },
    "serve.remote_refused": {
        "fr": "{host} n'est pas une adresse de boucle locale : d'autres ordinateurs du réseau "
              "pourraient joindre l'assistant. Restez sur 127.0.0.1 et passez par ssh -L, ou "
              "ajoutez --allow-remote si c'est voulu.",
        "en": "{host} is not a loopback address: other computers on the network could reach "
              "the wizard. Stay on 127.0.0.1 and go through ssh -L, or add --allow-remote if "
              "this is intended.",
    },
    "serve.remote_warning": {
        "fr": "Attention : l'assistant écoute sur {host}, joignable par d'autres ordinateurs ; "
              "sans chiffrement (HTTP), le jeton et ce qui est tapé traversent le réseau en "
              "clair. Préférez 127.0.0.1 avec ssh -L.",
        "en": "Warning: the wizard listens on {host}, reachable by other computers; without "
              "encryption (HTTP), the token and what is typed cross the network in clear. "
              "Prefer 127.0.0.1 with ssh -L.",
    },
    "serve.missing": {
        "fr": "Le service navigateur n'est pas installé : pip install 'comelin-tui[serve]' "
              "(textual-serve).",
        "en": "The browser service is not installed: pip install 'comelin-tui[serve]' "
              "(textual-serve).",
    },
    "serve.cannot_listen": {
        "fr": "Impossible d'écouter sur {host}:{port} : {reason}. Un autre programme l'utilise "
              "peut-être : choisissez un autre port avec --listen.",
        "en": "Cannot listen on {host}:{port}: {reason}. Another program may be using it: "
              "choose another port with --listen.",
    },
    "serve.ready": {
        "fr": "L'assistant est servi. Ouvrez cette adresse dans le navigateur (une seule "
              "session à la fois) :\n\n  {url}\n",
        "en": "The wizard is being served. Open this address in the browser (one session at a "
              "time):\n\n  {url}\n",
    },
    "serve.tunnel": {
        "fr": "Depuis votre portable : ssh -L {port}:127.0.0.1:{port} ce-serveur, puis la même "
              "adresse. Ctrl+C ici arrête tout.",
        "en": "From your laptop: ssh -L {port}:127.0.0.1:{port} this-server, then the same "
              "address. Ctrl+C here stops everything.",
    },
    "serve.stopped": {"fr": "Service arrêté.", "en": "Service stopped."},
    "serve.session_started": {"fr": "Une session s'est ouverte dans un navigateur.",
                              "en": "A session opened in a browser."},
    "serve.session_ended": {"fr": "La session du navigateur est terminée.",
                            "en": "The browser session has ended."},
    "serve.page.forbidden.heading": {"fr": "Accès refusé", "en": "Access refused"},
    "serve.page.forbidden.text": {
        "fr": "Cette adresse demande le jeton que comelin-tui serve a affiché en démarrant : "
              "ouvrez l'adresse complète, avec ?token=…",
        "en": "This address needs the token comelin-tui serve printed when it started: open "
              "the whole address, with ?token=…",
    },
    "serve.page.in_use.heading": {"fr": "Déjà utilisé", "en": "Already in use"},
    "serve.page.in_use.text": {
        "fr": "Une session de l'assistant est déjà ouverte dans un autre navigateur ou un "
              "autre onglet. Fermez-la, puis rechargez cette page.",
        "en": "A wizard session is already open in another browser or tab. Close it, then "
              "reload this page.",
    },
    "serve.page.starting": {"fr": "Démarrage de l'assistant Comelin…",
                            "en": "Starting the Comelin wizard…"},
    "serve.page.ended": {"fr": "La session est terminée.", "en": "The session has ended."},
    "serve.page.restart": {"fr": "Recommencer", "en": "Start again"},
    "serve.page.retry": {"fr": "Réessayer", "en": "Try again"},
})


class ServeError(ComelinError):
    """A listen address or an option serve cannot take."""


def add_parser(sub: argparse._SubParsersAction, name: str) -> None:
    from ..cli import add_common_arguments

    parser = sub.add_parser(name, help=t("serve.help"), description=t("serve.help"))
    add_common_arguments(parser)
    parser.add_argument("--listen", metavar="HOST:PORT", default=DEFAULT_LISTEN,
                        help=t("serve.listen_help"))
    parser.add_argument("--allow-remote", action="store_true",
                        help=t("serve.allow_remote_help"))
    parser.add_argument("--demo", action="store_true", dest="serve_demo",
                        help=t("cli.demo_help"))
    # The wizard's own options, for the wizard of each session.
    parser.add_argument("--dns-server", metavar="IP[:PORT]", dest="serve_dns_server",
                        default=None, help=t("cli.dns_server_help"))
    parser.add_argument("--no-dns-checks", action="store_true", dest="serve_no_dns_checks",
                        help=t("cli.no_dns_checks_help"))


def parse_listen(value: str) -> tuple[str, int]:
    """``HOST:PORT`` (``[IPv6]:PORT`` for IPv6) -> ``(host, port)``; port 0 takes a free one."""
    raw = (value or "").strip()
    host, sep, port_text = raw.rpartition(":")
    if not sep or not port_text.isdigit() or not host:
        raise ServeError("serve.bad_listen", value=raw)
    host = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    port = int(port_text)
    if not 0 <= port <= 65535 or any(c.isspace() for c in host):
        raise ServeError("serve.bad_listen", value=raw)
    return host, port


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def app_command(args: argparse.Namespace) -> list[str]:
    """The wizard's own command line, for each browser session (run without a shell)."""
    argv = [sys.executable, "-m", "comelin_tui"]
    if getattr(args, "config", None):
        argv.append(f"--config={args.config}")  # "=": a path that starts with "-" stays one
    if getattr(args, "lang", None):
        argv.append(f"--lang={args.lang}")
    # `comelin-tui --demo serve` as well as `comelin-tui serve --demo`: never the real
    # settings for a rehearsal.
    if getattr(args, "serve_dns_server", None):
        argv.append(f"--dns-server={args.serve_dns_server}")
    if getattr(args, "serve_no_dns_checks", False):
        argv.append("--no-dns-checks")
    if getattr(args, "serve_demo", False) or getattr(args, "demo", False):
        argv.append("--demo")
    return argv


def run(args: argparse.Namespace) -> int:
    host, port = parse_listen(args.listen)
    if getattr(args, "serve_dns_server", None):
        from ..config_validate import validate_dns_server

        # Said here, once, rather than by the wizard of each browser session.
        validate_dns_server(args.serve_dns_server, field="--dns-server")
    lang = i18n.get_language()
    if not is_loopback(host):
        if not args.allow_remote:
            raise ServeError("serve.remote_refused", host=host)
        print(t("serve.remote_warning", lang, host=host), file=sys.stderr)
    try:
        from .serve_web import WebServer, new_token
    except ImportError:
        raise ServeError("serve.missing") from None
    import asyncio

    server = WebServer(app_command(args), host=host, port=port, token=new_token(), lang=lang)
    try:
        asyncio.run(_serve(server, lang))
    except KeyboardInterrupt:
        pass
    print(t("serve.stopped", lang), flush=True)
    return 0


async def _serve(server: object, lang: str) -> None:
    import asyncio
    import signal

    from .serve_web import WebServer

    assert isinstance(server, WebServer)
    try:
        runner = await server.start()
    except OSError as error:
        raise ServeError("serve.cannot_listen", host=server.host, port=server.port,
                         reason=error.strerror or str(error)) from None
    shown = f"[{server.host}]" if ":" in server.host else server.host
    url = f"http://{shown}:{server.bound_port}/?token={server.token}"
    print(t("serve.ready", lang, url=url), flush=True)
    print(t("serve.tunnel", lang, port=server.bound_port), flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if signum is None:
            continue
        try:
            loop.add_signal_handler(signum, stop.set)
        except (NotImplementedError, RuntimeError):  # Windows: Ctrl+C is KeyboardInterrupt
            pass
    try:
        await stop.wait()
    finally:
        await runner.cleanup()
