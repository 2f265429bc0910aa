"""DNS sanity: is a "no such name" about the name, or about the resolver?

A resolver that answers NXDOMAIN for names that certainly exist (gmail.com,
outlook.com, the catalogue's SMTP hosts) is filtered or broken: a DNS filter, a
VPN, a captive portal, a wrong /etc/resolv.conf. Then "check the spelling" is
the wrong advice. So every lookup whose NXDOMAIN we would report asks a couple
of such names *in parallel* (never after: no extra wait when all is well), of
the very same resolver, within the same time budget:

- discovery's lookups (:class:`~comelin_tui.discovery.dns.DnsClient`) ask them
  of the same DNS server, through the same client and deadline;
- the test send's ``resolve`` step, which uses the OS resolver
  (``getaddrinfo``, honouring /etc/hosts), asks them through ``getaddrinfo``
  too, in daemon threads that never hold the program's exit.

Only a "no such name" for a sanity name counts; a timeout or a refusal says
nothing either way. ``COMELIN_DNS_SANITY_NAMES`` replaces the names (commas or
spaces between them; empty turns the check off), for a private network whose DNS
knows only internal names.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import ipaddress
import os
import socket
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

ENV_SANITY_NAMES = "COMELIN_DNS_SANITY_NAMES"
# Two names run by different companies: a filter that blocks one rarely blocks both,
# so one "no such name" among them already says the resolver is not telling the truth.
DEFAULT_SANITY_NAMES: tuple[str, ...] = ("gmail.com", "outlook.com")
# How long the OS-resolver check waits for the sanity names at most, from the start
# of the lookup (they were asked at the same time as the name itself).
OS_SANITY_BUDGET = 3.0


def sanity_names(environ: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """The names that certainly exist: ``COMELIN_DNS_SANITY_NAMES`` when set, else
    gmail.com and outlook.com."""
    env = os.environ if environ is None else environ
    value = env.get(ENV_SANITY_NAMES)
    if value is None:
        return DEFAULT_SANITY_NAMES
    names = (name.strip().rstrip(".").lower() for name in value.replace(",", " ").split())
    return tuple(dict.fromkeys(name for name in names if name))


@functools.cache
def catalogue_hosts() -> frozenset[str]:
    """The catalogue's fixed SMTP host names (smtp.gmail.com...), not the templates."""
    from ..providers import providers

    return frozenset(preset.host.lower() for provider in providers()
                     for preset in provider.presets if "{" not in preset.host)


def certainly_exists(name: str) -> bool:
    """True when *name* is a sanity name or one of the catalogue's fixed SMTP hosts."""
    name = name.rstrip(".").lower()
    return name in sanity_names() or name in catalogue_hosts()


def is_address(host: str) -> bool:
    """True for an IP literal: no DNS is asked, no sanity either."""
    try:
        ipaddress.ip_address(host.strip().strip("[]").split("%", 1)[0])
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class SanityCheck:
    """How the sanity names fared: name -> a lookup status (``nxdomain``, ``ok``...)."""

    answers: dict[str, str] = field(default_factory=dict)
    # The looked-up name itself, when it is a name that certainly exists.
    certain: tuple[str, ...] = ()

    @property
    def missing(self) -> tuple[str, ...]:
        """Names that certainly exist and that the resolver says do not."""
        return (*self.certain,
                *(name for name, status in self.answers.items() if status == "nxdomain"))

    @property
    def broken(self) -> bool:
        return bool(self.missing)

    def facts(self) -> dict[str, Any]:
        """The step facts the classifier weighs (``dns_sanity_missing``) and shows."""
        facts: dict[str, Any] = {"dns_sanity": dict(self.answers)}
        if self.missing:
            facts["dns_sanity_missing"] = list(self.missing)
        return facts


def judge(name: str, answers: Mapping[str, str]) -> SanityCheck:
    """The verdict for a "no such name" about *name*, given the sanity answers."""
    name = name.rstrip(".").lower()
    # The name itself may be one that certainly exists (smtp.gmail.com, gmail.com).
    certain = (name,) if certainly_exists(name) else ()
    return SanityCheck({k: v for k, v in answers.items() if k != name}, certain)


# --- the OS resolver (getaddrinfo) ------------------------------------------------------


def _os_status(name: str) -> str:
    """One name through getaddrinfo: ``ok``, ``nxdomain``, ``no_answer`` or ``error``."""
    try:
        socket.getaddrinfo(name, None, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        if error.errno == getattr(socket, "EAI_NONAME", None):
            return "nxdomain"
        if error.errno == getattr(socket, "EAI_NODATA", None):
            return "no_answer"  # the name exists, without an address
        return "error"
    except (OSError, UnicodeError, ValueError):
        return "error"
    return "ok"


# Lookups of sanity names still running in a thread, by name: a resolver that never
# answers must not gather a new thread per test or per relay connection; a new
# check waits for the lookup already asked.
_LOCK = threading.Lock()
_RUNNING: dict[str, list[Any]] = {}


def _ask_os(name: str, deliver: Any) -> None:
    """Call *deliver(status)* from a thread with the OS resolver's answer for *name*."""
    with _LOCK:
        waiting = _RUNNING.get(name)
        if waiting is not None:
            waiting.append(deliver)
            return
        _RUNNING[name] = [deliver]

    def work() -> None:
        status = _os_status(name)
        with _LOCK:
            callbacks = _RUNNING.pop(name, [])
        for callback in callbacks:
            callback(status)

    threading.Thread(target=work, name="comelin-dns-sanity", daemon=True).start()


class OsSanity:
    """Sanity names asked of the OS resolver now, each in a daemon thread.

    Not the event loop's executor: ``asyncio.run`` joins it on the way out, so a
    resolver that never answers would hold the command's exit long after the check
    ended. A daemon thread is simply left behind when its answer is not needed.
    """

    def __init__(self, names: Iterable[str]) -> None:
        loop = asyncio.get_running_loop()
        self.started = loop.time()
        self.futures: dict[str, asyncio.Future[str]] = {}
        for name in names:
            future: asyncio.Future[str] = loop.create_future()
            self.futures[name] = future
            _ask_os(name, functools.partial(self._deliver, loop, future))

    @staticmethod
    def _deliver(loop: asyncio.AbstractEventLoop, future: asyncio.Future[str],
                 status: str) -> None:
        def deliver() -> None:
            if not future.done():
                future.set_result(status)

        with contextlib.suppress(RuntimeError):  # the loop is closed: nobody is waiting
            loop.call_soon_threadsafe(deliver)

    async def check(self, name: str, budget: float = OS_SANITY_BUDGET) -> SanityCheck:
        """The verdict for a "no such name" about *name*: waits for the sanity answers
        until *budget* seconds after they were asked; a late one counts as a timeout."""
        pending = [f for f in self.futures.values() if not f.done()]
        remaining = self.started + budget - asyncio.get_running_loop().time()
        if pending and remaining > 0:
            await asyncio.wait(pending, timeout=remaining)
        answers = {n: (f.result() if f.done() and not f.cancelled() else "timeout")
                   for n, f in self.futures.items()}
        return judge(name, answers)
