"""Setting up the relay for Comelin, shared by ``comelin-tui relay`` and the TUI's
"Connect Comelin": its options from the settings, the POS's local login, its status,
its service, and a test message sent the way Comelin sends.

Textual-free (a job: the views call it).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..config import Config
    from ..diagnostics.model import RunResult, Step
    from .relay import Delivery, RelayOptions

RELAY_PASSWORD = "relay-password"
# Easy to read aloud and to type on a POS keyboard: no 0/O, 1/l/I.
PASSWORD_ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
PASSWORD_LENGTH = 20
STATUS_FILE = "relay_status.json"
UNIT_NAME = "comelin-tui-relay.service"


def relay_username(config: Config) -> str:
    return config.relay.username or config.company.email or config.smtp.from_address



def queue_folder() -> Path:
    """The relay's spool: one folder in the state folder (0700)."""
    from .. import paths

    return paths.state_dir() / "queue"


def relay_options(config: Config, config_path: Path, *, listen: str | None = None,
                  allow_remote: bool = False, no_auth: bool = False, starttls: bool = False,
                  password: str | None = None, queue: bool = False) -> RelayOptions:
    """The relay's options from the settings (and this run's flags)."""
    from ..config_validate import parse_listen
    from ..jobs.relay import RelayLimits, RelayOptions
    from ..providers.limits import sending_limits

    host, port = parse_listen(listen or config.relay.listen,
                              field="--listen" if listen else "relay.listen")
    provider = sending_limits(config.provider)
    relay = config.relay
    limits = RelayLimits(
        max_connections=relay.max_connections or provider.max_connections,
        messages_per_minute=relay.messages_per_minute or provider.messages_per_minute,
        max_recipients=relay.max_recipients, wait=relay.wait, idle_timeout=relay.idle_timeout)
    from ..profiles import senders as profile_senders

    senders = frozenset({*(a.lower() for a in (config.smtp.from_address, config.company.email)
                           if a), *profile_senders(config)})
    tls = _local_tls_context() if (starttls or relay.starttls or allow_remote) else None
    return RelayOptions(
        host=host, port=port, username=relay_username(config), password=password,
        require_auth=not no_auth, allow_remote=allow_remote, tls_context=tls, senders=senders,
        limits=limits, queue_folder=queue_folder() if (queue or relay.queue) else None,
        notice_to=config.company.email or config.smtp.from_address)


def relay_routes(config: Config, config_path: Path) -> dict[str, Any]:
    """Each sender of a profile with an account of its own, and the target source of that
    account (one source per distinct account: its pool of connections is shared); the
    other senders go through the company account."""
    from ..profiles import account_key, all_profiles, profile_config
    from .send_test import target_source

    sources: dict[tuple[object, ...], Any] = {}
    routes: dict[str, Any] = {}
    for profile in all_profiles(config):
        if profile.account is None or not profile.from_address:
            continue
        key = account_key(profile)
        if key not in sources:
            sources[key] = target_source(profile_config(config, profile), config_path,
                                         secret_name=profile.secret, profile=profile.name)
        routes.setdefault(profile.from_address.lower(), sources[key])
    return routes


def _local_tls_context() -> Any:
    """A certificate made for this computer's relay (POS software rarely checks it)."""
    import ssl

    import trustme

    authority = trustme.CA(organization_name="comelin-tui relay")
    certificate = authority.issue_cert("localhost", "127.0.0.1", "::1")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    certificate.configure_cert(context)
    return context



def status_path() -> Path:
    from .. import paths

    return paths.state_dir() / STATUS_FILE


def write_status(listen: str, config_path: Path) -> None:
    import os
    import time

    path = status_path()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    data = {"pid": os.getpid(), "listen": listen, "started": time.time(),
            "config": str(config_path)}
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(data), encoding="utf-8")
    os.replace(temporary, path)


def answers(listen: str, timeout: float = 2.0) -> bool:
    """Whether a comelin-tui relay greets on *listen* (a real connection, on any OS)."""
    import socket

    from ..config_validate import parse_listen

    host, port = parse_listen(listen)
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.settimeout(timeout)
            greeting = sock.recv(512)
            sock.sendall(b"QUIT\r\n")
    except OSError:
        return False
    return greeting.startswith(b"220") and b"comelin-tui relay" in greeting


def relay_status(config: Config | None) -> dict[str, Any]:
    """Whether the relay runs, where, since when, and its last sends (no secret)."""
    import time

    from ..attempt_log import read_records

    listen = config.relay.listen if config is not None else "127.0.0.1:2525"
    data: dict[str, Any] = {"running": False, "listen": listen, "pid": None, "since": None,
                            "username": relay_username(config) if config is not None else None}
    try:
        saved = json.loads(status_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        saved = None
    if isinstance(saved, dict) and isinstance(saved.get("listen"), str):
        data["listen"] = saved["listen"]
        data["pid"] = saved.get("pid")
        started = saved.get("started")
        if isinstance(started, int | float):
            data["since"] = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(started))
    data["running"] = answers(data["listen"])
    records = read_records("relay")
    data["last"] = records[-10:]
    data["failures"] = [r for r in records if r.get("status") != "ok"][-5:]
    return data



def generate_password() -> str:
    import secrets

    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(PASSWORD_LENGTH))



def systemd_unit(config_path: Path, *, user: bool) -> str:
    """The service: the relay with these settings, restarted on failure, kept in a box."""
    import shlex

    state = "%S/comelin-tui" if not user else "%h/.local/state/comelin-tui"
    command = " ".join(shlex.quote(part) for part in (
        sys.executable, "-m", "comelin_tui", "relay", "--config", str(config_path.resolve())))
    lines = [
        "[Unit]",
        "Description=comelin-tui relay: Comelin's outgoing mail to the company provider",
        "Documentation=https://pypi.org/project/comelin-tui/",
        "After=network-online.target",
        "Wants=network-online.target",
        "",
        "[Service]",
        "Type=simple",
        f"ExecStart={command}",
        "Restart=on-failure",
        "RestartSec=5",
        # SIGTERM lets the messages in flight finish (within 30 s).
        "KillSignal=SIGTERM",
        "TimeoutStopSec=45",
        "NoNewPrivileges=yes",
        "PrivateTmp=yes",
        "PrivateDevices=yes",
        "ProtectSystem=strict",
        f"ReadWritePaths={config_path.resolve().parent} {state}",
        "ProtectKernelTunables=yes",
        "ProtectKernelModules=yes",
        "ProtectKernelLogs=yes",
        "ProtectControlGroups=yes",
        "ProtectClock=yes",
        "ProtectHostname=yes",
        "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX",
        "RestrictNamespaces=yes",
        "RestrictRealtime=yes",
        "RestrictSUIDSGID=yes",
        "LockPersonality=yes",
        "SystemCallArchitectures=native",
        "CapabilityBoundingSet=",
        "UMask=0077",
    ]
    if not user:
        lines.append("StateDirectory=comelin-tui")
    lines += ["", "[Install]", f"WantedBy={'default.target' if user else 'multi-user.target'}",
              ""]
    return "\n".join(lines)




def relay_listen(config: Config) -> tuple[str, int]:
    """Where the relay listens (what Comelin's "SMTP host" and "Port" get)."""
    from ..config_validate import parse_listen

    return parse_listen(config.relay.listen)


def local_password(config: Config, config_path: Path, *, renew: bool = False) -> str:
    """The POS's local password for the relay, made (and saved) the first time."""
    from ..secrets import open_secret_store

    store = open_secret_store(config_path, config.secret_backend)
    if not renew:
        existing = store.get(RELAY_PASSWORD)
        if existing:
            return existing
    value = generate_password()
    store.set(RELAY_PASSWORD, value)
    return value


def install_service(config_path: Path) -> tuple[Path, str]:
    """Write the systemd unit (the system's when run as root, else the user's); the
    path and the command that enables it. Raises OSError."""
    import os

    user = hasattr(os, "geteuid") and os.geteuid() != 0
    if user:
        path = Path(os.path.expanduser("~/.config/systemd/user")) / UNIT_NAME
    else:
        path = Path("/etc/systemd/system") / UNIT_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(systemd_unit(config_path, user=user), encoding="utf-8")
    scope = "--user " if user else ""
    return path, f"systemctl {scope}daemon-reload && systemctl {scope}enable --now {UNIT_NAME}"


async def test_through_relay(config: Config, config_path: Path,
                             on_step: Callable[[Step], None] | None = None, *,
                             running: bool) -> tuple[RunResult, Delivery | None]:
    """A test message the way Comelin sends it: the engine plays the POS against the
    relay (the running one, else one started here for the test), which passes it on.

    Returns the POS leg (the engine's run against the relay) and the provider leg
    (the relay's verdict for that message, when this process ran the relay)."""
    from ..diagnostics.engine import run_check
    from ..diagnostics.model import Target
    from ..i18n import get_language
    from ..providers import is_loopback
    from .relay import Relay
    from .send_test import target_source

    host, port = relay_listen(config)
    password = local_password(config, config_path)
    recipient = config.company.email or config.smtp.from_address
    relay = None
    seen: list[Delivery] = []
    if not running:
        options = relay_options(config, config_path, password=password)
        relay = Relay(options, target_source(config, config_path), on_delivery=seen.append)
        await relay.start()
    try:
        target = Target(
            host=host, port=port, security="starttls" if config.relay.starttls else "none",
            auth="password", username=relay_username(config), password=password,
            from_address=config.smtp.from_address, to_address=recipient,
            timeout=max(config.smtp.timeout, 15.0), allow_insecure_auth=True,
            provider_id="custom", language=get_language(), own_relay=is_loopback(host))
        result = await run_check(target, on_step, probe=False)
    finally:
        if relay is not None:
            await relay.stop(grace=5.0)
    if not seen:
        from ..attempt_log import read_records

        records = read_records("relay")
        if records:
            from .relay import Delivery as Record

            last = records[-1]
            seen.append(Record(sender=str(last.get("sender", "")), reply=str(last.get("reply", "")),
                               code=last.get("diagnosis"), status=str(last.get("status", ""))))
    return result, (seen[-1] if seen else None)


