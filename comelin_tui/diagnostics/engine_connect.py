"""The connection steps: resolve, connect, tls, banner, ehlo, starttls."""

from __future__ import annotations

import asyncio
import contextlib
import re
import socket
import ssl
import threading
import time
from datetime import UTC
from typing import TYPE_CHECKING, Any

from ..discovery.sanity import OS_SANITY_BUDGET, OsSanity, is_address, sanity_names
from ..i18n import join, m, register
from .engine_common import StepFailed, StepFunction
from .model import Step, StepStatus, Target
from .os_errors import UNREACHABLE_ERRNOS, os_error_code
from .smtpio import (
    SmtpConnection,
    connect_socket,
    describe_error,
    extension_facts,
    extension_summary,
    open_connection,
    parse_ehlo,
)
from .tlsinfo import normalise_fingerprint, prepare_client_context, session_facts, summary

if TYPE_CHECKING:
    from .engine import CheckRun

register({
    "engine.config.no_host": {
        "fr": "Aucun serveur d'envoi n'est configuré", "en": "No outgoing server is configured",
    },
    "engine.config.ca_file": {
        "fr": "Impossible de lire le fichier d'autorité de certification {path} : {reason}",
        "en": "Cannot read the certificate authority file {path}: {reason}",
    },
    "engine.resolve.none": {
        "fr": "Aucune adresse pour {host}", "en": "No address for {host}",
    },
    "engine.resolve.failed": {
        "fr": "Impossible de trouver l'adresse de {host} : {error}",
        "en": "Cannot find the address of {host}: {error}",
    },
    "engine.banner.implicit_found": {
        "fr": "Aucun accueil en {seconds} s, mais le port {port} accepte une négociation TLS "
              "d'emblée : il attend le SSL/TLS implicite",
        "en": "No greeting in {seconds} s, but port {port} takes a TLS handshake at once: it "
              "expects implicit SSL/TLS",
    },
    "engine.connect.ok": {
        "fr": "Connecté à {address}, port {port}", "en": "Connected to {address}, port {port}",
    },
    "engine.connect.failed": {
        "fr": "Port {port} : {attempts}", "en": "Port {port}: {attempts}",
    },
    "engine.tls.pinned": {
        "fr": "Certificat non reconnu accepté parce qu'il correspond à l'empreinte épinglée "
              "({fingerprint}) ; {summary}",
        "en": "Untrusted certificate accepted because it matches the pinned fingerprint "
              "({fingerprint}); {summary}",
    },
    "engine.tls.failed": {
        "fr": "{error} ; certificat présenté : {summary} ; {fingerprint}",
        "en": "{error}; certificate presented: {summary}; {fingerprint}",
    },
    "engine.tls.pinned_why": {
        "fr": "sans l'épinglage : {error}", "en": "without the pin: {error}",
    },
    "engine.tls.pinned_name_ok": {
        "fr": "vérification du nom : le certificat couvre {host}",
        "en": "name check: the certificate covers {host}",
    },
    "engine.tls.pinned_name_bad": {
        "fr": "vérification du nom : le certificat ne couvre PAS {host}",
        "en": "name check: the certificate does NOT cover {host}",
    },
    "engine.tls.trusted_not_pinned": {
        "fr": "Le certificat présenté ({fingerprint}) n'est pas celui qui est épinglé, même si "
              "une autorité le reconnaît ; {summary}",
        "en": "The certificate presented ({fingerprint}) is not the pinned one, although an "
              "authority vouches for it; {summary}",
    },
    "engine.tls.pin_mismatch": {
        "fr": "l'empreinte ne correspond pas à l'empreinte épinglée",
        "en": "the fingerprint does not match the pinned one",
    },
    "engine.ehlo.ok": {"fr": "{server} : {extensions}", "en": "{server}: {extensions}"},
    "engine.starttls.unavailable": {
        "fr": "Le serveur n'offre pas STARTTLS (extensions : {extensions}) ; "
              "aucun envoi en clair",
        "en": "The server does not offer STARTTLS (extensions: {extensions}); "
              "nothing is sent unencrypted",
    },
    "engine.starttls.ok": {"fr": "{summary} ; {extensions}", "en": "{summary}; {extensions}"},
    "engine.resolve.sanity": {
        "fr": "le même résolveur DNS nie aussi l'existence de noms qui existent à coup sûr : "
              "{names}",
        "en": "the same DNS resolver also denies names that certainly exist: {names}",
    },
})


async def step_resolve(run: CheckRun, step: Step) -> StepStatus:
    """Host name to addresses with the OS resolver (A and AAAA, in the OS's order)."""
    host = run.server_hostname
    if not host:
        raise StepFailed(run.diagnosis("config.invalid"), m("engine.config.no_host", run.lang))
    if run.target.security != "none":
        # The system CA store takes ~20 ms to load: load it while resolving and connecting.
        prepare_client_context(run.target.ca_file)
    loop = asyncio.get_running_loop()
    sanity = _start_sanity(host)
    try:
        infos = await loop.getaddrinfo(host, run.target.port, type=socket.SOCK_STREAM,
                                       proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError) as exc:
        detail = m("engine.resolve.failed", run.lang, host=host,
                   error=describe_error(exc, run.target.timeout, run.lang))
        facts: dict[str, Any] = {}
        if sanity is not None and os_error_code(exc) == "dns.not_found":
            # "No such name": does the same resolver deny names that certainly exist?
            check = await sanity.check(host, min(OS_SANITY_BUDGET, run.target.timeout / 2))
            facts = check.facts()
            if check.broken:
                detail = join([detail, m("engine.resolve.sanity", run.lang,
                                         names=", ".join(check.missing))], "; ", run.lang)
        raise StepFailed(detail=detail, facts=facts, exception=exc) from exc
    seen: set[str] = set()
    for family, _type, _proto, _name, sockaddr in infos:
        address = str(sockaddr[0])
        if address not in seen:
            seen.add(address)
            run.addresses.append((family, sockaddr))
    if not run.addresses:
        raise StepFailed(run.diagnosis("dns.not_found"), m("engine.resolve.none", run.lang, host=host))
    ipv4 = [a[0] for f, a in run.addresses if f == socket.AF_INET]
    ipv6 = [a[0] for f, a in run.addresses if f == socket.AF_INET6]
    step.detail = ", ".join(a[0] for _f, a in run.addresses)
    step.facts = {"addresses": [a[0] for _f, a in run.addresses], "a": ipv4, "aaaa": ipv6}
    # Start the name lookup for EHLO now; it may ask DNS and is needed soon.
    run.helo_task = asyncio.ensure_future(_helo_name(run.target))
    return "ok"


def _start_sanity(host: str) -> OsSanity | None:
    """Names that certainly exist, asked of the OS resolver at the same time as *host*
    (never after it failed), so that a resolver denying everything is named as such."""
    if is_address(host):
        return None
    names = [name for name in sanity_names() if name != host.rstrip(".").lower()]
    return OsSanity(names)


async def _helo_name(target: Target) -> str:
    from .message import ehlo_name, sanitise_hostname

    if target.helo_name:
        return sanitise_hostname(target.helo_name)
    # Not asyncio.to_thread: asyncio.run joins its default executor on the way out,
    # so a slow reverse lookup (getfqdn may ask an unreachable DNS) would hold the
    # command's exit, and Ctrl+C, long after the check ended. A daemon thread is
    # simply left behind; the ehlo step stops waiting for it after a moment anyway.
    loop = asyncio.get_running_loop()
    future: asyncio.Future[str] = loop.create_future()

    def deliver(name: str) -> None:
        if not future.done():
            future.set_result(name)

    def work() -> None:
        try:
            name = ehlo_name(target)
        except Exception:  # noqa: BLE001 - any name will do for EHLO
            name = "localhost"
        with contextlib.suppress(RuntimeError):  # the loop is closed: nobody is waiting
            loop.call_soon_threadsafe(deliver, name)

    threading.Thread(target=work, name="comelin-ehlo-name", daemon=True).start()
    return await future


def _pick_connect_error(errors: list[BaseException]) -> BaseException:
    """The error that explains the failure: a timeout if any address timed out,
    "refused" only if every address refused; no-route errors only when alone."""
    relevant = [e for e in errors if getattr(e, "errno", None) not in UNREACHABLE_ERRNOS] or errors
    for exc in relevant:
        if isinstance(exc, TimeoutError):
            return exc
    if all(isinstance(e, ConnectionRefusedError) for e in relevant):
        return relevant[0]
    return next(e for e in relevant if not isinstance(e, ConnectionRefusedError))


async def step_connect(run: CheckRun, step: Step) -> StepStatus:
    """TCP connect to each address in turn until one answers."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + run.target.timeout
    attempts: list[dict[str, Any]] = []
    errors: list[BaseException] = []
    for index, (family, sockaddr) in enumerate(run.addresses):
        # Share what is left of the deadline among the addresses still to try,
        # so one silent address does not use up the time of the next ones.
        share = max(deadline - loop.time(), 0.0) / (len(run.addresses) - index)
        try:
            async with asyncio.timeout(share):
                sock = await connect_socket(family, sockaddr)
        except OSError as exc:
            errors.append(exc)
            attempts.append({"address": sockaddr[0], "ok": False, "family": _family(family),
                             "error": describe_error(exc, share, run.lang),
                             "code": os_error_code(exc)})
            continue
        run.conn = await open_connection(sock, run.redactor, run.record)
        run.sockaddr = (family, sockaddr)
        run.prober.address = sockaddr[0]
        attempts.append({"address": sockaddr[0], "ok": True, "family": _family(family)})
        step.detail = m("engine.connect.ok", run.lang, address=sockaddr[0], port=run.target.port)
        step.facts = {"address": sockaddr[0], "attempts": attempts}
        return _family_failed(run, step, attempts)
    detail = "; ".join(f"{a['address']}: {a['error']}" for a in attempts)
    raise StepFailed(detail=m("engine.connect.failed", run.lang, port=run.target.port,
                              attempts=detail),
                     facts={"attempts": attempts}, exception=_pick_connect_error(errors))


# A date in a greeting ("220 ... ready at Wed, 2 Dec 2026 13:00:00 +0000": Exchange,
# Sendmail and others say their time), as RFC 5322 writes it.
_BANNER_DATE = re.compile(
    r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), *)?\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|"
    r"Oct|Nov|Dec) \d{4} \d{1,2}:\d{2}(?::\d{2})? *(?:[+-]\d{4}|UT|UTC|GMT|[ECMP][SD]T)\b")


def banner_time(text: str) -> str | None:
    """The server's own time, when its greeting says it (ISO 8601, UTC), else None."""
    match = _BANNER_DATE.search(text)
    if match is None:
        return None
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(match.group(0))
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None  # "-0000": the server does not know its own zone
    return when.astimezone(UTC).isoformat()


async def _greeting_time(run: CheckRun, conn: SmtpConnection) -> str | None:
    """The time an implicit-TLS server's greeting says, read on the second connection."""
    try:
        async with asyncio.timeout(min(2.0, run.target.timeout / 2)):
            reply = await conn.expect(None, 220)
    except Exception:  # noqa: BLE001 - only a clue; the verification error is what matters
        return None
    return banner_time(str(reply))


def _family(family: int) -> str:
    return "IPv6" if family == socket.AF_INET6 else "IPv4"


def _family_failed(run: CheckRun, step: Step, attempts: list[dict[str, Any]]) -> StepStatus:
    from .classifier import diagnosis as make_diagnosis

    """Connected, but only after every address of the other family failed (IPv6 with no
    route, say): a warning that names which family fails, how, and that the other works."""
    working = attempts[-1]["family"]
    failed = [a for a in attempts[:-1] if a["family"] != working]
    if not failed:
        return "ok"
    facts = {"failed_family": failed[0]["family"], "working_family": working,
             "failed_error": failed[0]["error"],
             "failed_addresses": [a["address"] for a in failed]}
    step.facts.update(facts)
    # Refused: that family reaches the server's machine, where nothing listens (its DNS
    # record or its service); silent or no route: the store's network or its provider.
    refused = all(a.get("code") == "connect.refused" for a in failed)
    step.diagnosis = make_diagnosis("connect.family_failed", run.lang,
                                    provider_id=run.target.provider_id,
                                    variant="refused" if refused else "network",
                                    **run.evidence_facts(facts))
    return "warn"



async def _reconnect_for_certificate(run: CheckRun, implicit: bool) -> SmtpConnection:
    """A second connection, TLS without verification, only to read the certificate."""
    assert run.sockaddr is not None
    sock = await connect_socket(*run.sockaddr)
    conn = await open_connection(sock, run.redactor, run.record)
    try:
        if not implicit:
            await conn.expect(None, 220)
            conn.greeted = True
            await conn.expect(f"EHLO {run.helo}", 250)
            await conn.expect("STARTTLS", 220)
        await conn.start_tls(run.tls_context(verify=False), run.server_hostname)
    except BaseException:
        conn.abort()
        raise
    return conn


async def handshake(run: CheckRun, implicit: bool) -> tuple[dict[str, Any], StepStatus, str]:
    """TLS on the current connection; with a pinned fingerprint, an untrusted
    certificate is accepted on an exact match only. Returns (facts, status, detail)."""
    assert run.conn is not None
    context = run.tls_context()
    try:
        await run.conn.start_tls(context, run.server_hostname)
    except ssl.SSLCertVerificationError as exc:
        run.conn.abort()
        return await _untrusted(run, exc, implicit)
    facts = {**session_facts(run.conn.ssl_object, verified=True), **_trust_facts(run)}
    pinned = run.target.pinned_fingerprint
    if pinned and facts.get("fingerprint_sha256") != normalise_fingerprint(pinned):
        # A pin means exactly this certificate, as in the probe: another one, even one
        # an authority vouches for, is not it.
        run.conn.abort()
        from .classifier import diagnosis

        facts["pinned"] = False
        detail = m("engine.tls.trusted_not_pinned", run.lang,
                   fingerprint=facts.get("fingerprint_sha256", "?"),
                   summary=summary(facts, run.lang))
        raise StepFailed(diagnosis("tls.untrusted", run.lang,
                                   provider_id=run.target.provider_id, variant="pin_mismatch",
                                   **run.evidence_facts(facts)), detail, facts)
    if pinned:
        facts["pinned"] = True
    return facts, "ok", summary(facts, run.lang)


def intercepted(run: CheckRun, step: Step, facts: dict[str, Any],
                status: StepStatus) -> StepStatus:
    """A certificate this computer trusts, issued by an antivirus or firewall product's
    own CA: mail goes out, through that product. Said as a warning on the TLS step."""
    from .classifier import diagnosis
    from .interception import intercepting_product

    product = intercepting_product(facts.get("issuer"))
    if product is None or status != "ok" or facts.get("pinned"):
        return status
    facts["intercepted_by"] = product.name
    step.diagnosis = diagnosis("tls.intercepted", run.lang, provider_id=run.target.provider_id,
                               variant=product.kind, **run.evidence_facts(facts))
    return "warn"


def name_matches(host: str, names: list[str]) -> bool:
    """Whether a certificate issued for *names* (SANs) covers *host* (RFC 6125: exact,
    or a wildcard for one left-most label; IP addresses compared as addresses)."""
    import ipaddress

    host = host.strip("[]").rstrip(".").lower()
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    for name in names:
        name = str(name).rstrip(".").lower()
        if address is not None:
            try:
                if ipaddress.ip_address(name) == address:
                    return True
            except ValueError:
                continue
            continue
        if name == host:
            return True
        if name.startswith("*.") and "." in host and host.split(".", 1)[1] == name[2:]:
            return True
    return False


def _trust_facts(run: CheckRun) -> dict[str, Any]:
    """What the certificate was checked against: the CA file (as well as the system's
    authorities), or the system's alone (``ca_file`` null)."""
    ca_file = run.target.ca_file
    return {"ca_file": str(ca_file) if ca_file is not None else None}


async def _untrusted(run: CheckRun, exc: ssl.SSLCertVerificationError,
                     implicit: bool) -> tuple[dict[str, Any], StepStatus, str]:
    error = describe_error(exc, run.target.timeout, run.lang)
    facts: dict[str, Any] = {"verified": False, "verify_error": error, **_trust_facts(run)}
    conn: SmtpConnection | None = None
    try:
        conn = await _reconnect_for_certificate(run, implicit)
        facts.update(session_facts(conn.ssl_object, verified=False))
    except Exception:  # noqa: BLE001 - the original verification error is what matters
        conn = None
    pinned = run.target.pinned_fingerprint
    fingerprint = facts.get("fingerprint_sha256", "")
    if conn is not None and pinned and fingerprint == normalise_fingerprint(pinned):
        run.conn = conn
        facts["pinned"] = True
        # The name check is reported, never silently skipped: the pin vouches for the
        # certificate, not for the name it was reached by.
        covered = name_matches(run.server_hostname, list(facts.get("sans") or ()))
        facts["name_matches"] = covered
        name_key = "engine.tls.pinned_name_ok" if covered else "engine.tls.pinned_name_bad"
        detail = join([m("engine.tls.pinned", run.lang, fingerprint=fingerprint,
                         summary=summary(facts, run.lang)),
                       m("engine.tls.pinned_why", run.lang, error=error),
                       m(name_key, run.lang, host=run.server_hostname)], "; ", run.lang)
        return facts, "warn", detail
    if conn is not None:
        # Out of its dates: the server's own time says which clock is wrong (STARTTLS
        # has read it in the greeting already).
        out_of_dates = getattr(exc, "verify_code", None) in (9, 10)
        if implicit and out_of_dates and not pinned and (said := await _greeting_time(run, conn)):
            facts["server_time"] = said
        conn.abort()
    if pinned and fingerprint:
        error = join([error, m("engine.tls.pin_mismatch", run.lang)], "; ", run.lang)
    detail = error
    if fingerprint:
        detail = m("engine.tls.failed", run.lang, error=error, summary=summary(facts, run.lang),
                   fingerprint=m("tlsinfo.fingerprint", run.lang, fingerprint=fingerprint))
    raise StepFailed(detail=detail, facts=facts, exception=exc)


async def step_tls(run: CheckRun, step: Step) -> StepStatus:
    """Implicit TLS handshake (port 465 style)."""
    facts, status, detail = await handshake(run, implicit=True)
    step.facts = facts
    step.detail = detail
    return intercepted(run, step, facts, status)


# How long a silent greeting is waited for before a TLS handshake is raced on the same
# port: a port that expects implicit TLS says nothing until the client speaks TLS.
SILENCE_RACE = 2.0


async def step_banner(run: CheckRun, step: Step) -> StepStatus:
    """Read the 220 greeting; when it does not come, find out at once whether the port
    expects implicit TLS (a handshake on a second connection) instead of waiting out
    the whole timeout."""
    conn = run.conn
    assert conn is not None
    greeting = asyncio.ensure_future(conn.expect(None, 220))
    run.greeting = greeting
    run.greeting_since = time.monotonic()
    try:
        if run.target.security != "implicit_tls" and run.probe_enabled:
            await _race_implicit_tls(run, step, greeting)
        # Shielded: when the step's timeout strikes, the greeting keeps being listened
        # for while the other ports are probed (CheckRun.wait_late_greeting).
        reply = await asyncio.shield(greeting)
    except asyncio.CancelledError:
        raise
    except BaseException:
        greeting.cancel()
        raise
    conn.greeted = True
    step.detail = str(reply)
    step.facts = {"banner": str(reply)}
    if (said := banner_time(str(reply))) is not None:
        step.facts["server_time"] = said
    return "ok"


async def _race_implicit_tls(run: CheckRun, step: Step, greeting: asyncio.Future[Any]) -> None:
    """After a silence, a TLS handshake on the same port; if the port speaks implicit TLS,
    the step fails now with that finding (StepFailed), else the greeting is awaited on."""
    from .probe import Candidate, probe_one, suggestion_for

    target = run.target
    wait = min(SILENCE_RACE, target.timeout / 2)
    done, _ = await asyncio.wait({greeting}, timeout=wait)
    if done:
        return
    address = run.sockaddr[1][0] if run.sockaddr else None
    race = asyncio.ensure_future(probe_one(
        run.server_hostname, Candidate(target.port, "implicit_tls"),
        timeout=max(target.timeout - wait, 0.5), ca_file=target.ca_file, address=address,
        helo_name=run.helo, pinned_fingerprint=target.pinned_fingerprint, lang=run.lang))
    try:
        done, _ = await asyncio.wait({greeting, race}, return_when=asyncio.FIRST_COMPLETED)
        if greeting in done or not race.done():
            return
        result = race.result()
    finally:
        if not race.done():
            race.cancel()
    if not result.ok:
        return  # not implicit TLS either: the greeting may still come (slow server)
    greeting.cancel()
    run.result.suggestion = suggestion_for(result, target, run.lang)
    facts = {"probe_implicit_tls_ok": True, "probe": [result.to_json()],
             "suggested_port": target.port, "suggested_security": "implicit_tls"}
    raise StepFailed(run.diagnosis("tls.wrong_mode", **facts),
                     m("engine.banner.implicit_found", run.lang, port=target.port,
                       seconds=f"{wait:g}"), facts)


async def _ehlo(run: CheckRun) -> tuple[str, dict[str, str]]:
    assert run.conn is not None
    reply = await run.conn.expect(f"EHLO {run.helo}", 250)
    run.extensions = parse_ehlo(reply)
    server = reply.lines[0].split()[0] if reply.lines and reply.lines[0].split() else "?"
    return server, run.extensions


async def step_ehlo(run: CheckRun, step: Step) -> StepStatus:
    """EHLO; record the extensions."""
    if run.helo_task is not None:
        try:
            async with asyncio.timeout(min(2.0, run.target.timeout / 2)):
                run.helo = await run.helo_task
        except TimeoutError:
            run.helo = "localhost"
    run.prober.helo_name = run.helo
    run.redactor.add_public([run.helo])
    server, extensions = await _ehlo(run)
    step.detail = m("engine.ehlo.ok", run.lang, server=server,
                    extensions=extension_summary(extensions))
    step.facts = {"helo": run.helo, **extension_facts(extensions)}
    return "ok"


async def step_starttls(run: CheckRun, step: Step) -> StepStatus:
    """STARTTLS (never a fallback to plaintext), handshake, EHLO again."""
    assert run.conn is not None
    if "STARTTLS" not in run.extensions:
        raise StepFailed(run.diagnosis("tls.starttls_unavailable"),
                         m("engine.starttls.unavailable", run.lang,
                           extensions=extension_summary(run.extensions)),
                         extension_facts(run.extensions))
    run.tls_context()  # a bad CA file fails here, before anything is sent
    await run.conn.expect("STARTTLS", 220)
    facts, status, detail = await handshake(run, implicit=False)
    _server, extensions = await _ehlo(run)
    step.facts = {**facts, **extension_facts(extensions)}
    step.detail = m("engine.starttls.ok", run.lang, summary=detail,
                    extensions=extension_summary(extensions))
    return intercepted(run, step, step.facts, status)


CONNECTION_STEPS: dict[str, StepFunction] = {
    "resolve": step_resolve,
    "connect": step_connect,
    "tls": step_tls,
    "banner": step_banner,
    "ehlo": step_ehlo,
    "starttls": step_starttls,
}
