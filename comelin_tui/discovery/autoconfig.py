"""Mail client autoconfiguration, as Thunderbird does it: the domain's own file,
then the well-known path, then Thunderbird's ISP database (ISPDB), then the
ISPDB entry for the domain of the MX.

Every fetch is HTTPS with the certificate verified (system CAs, plus a CA file
for a private mirror), bounded in time and size; a redirect is followed only to
another https:// URL. The file is parsed with defusedxml (no entities, no DTD
tricks) and only its outgoing SMTP servers are kept, in the file's order, with
the placeholders filled in. Every source tried is reported with what it gave.

No Textual and no third-party HTTP client: asyncio's streams and ssl.
"""

from __future__ import annotations

import asyncio
import os
import re
import ssl
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote, urljoin, urlsplit

from .. import __version__, i18n
from ..i18n import t
from .dns import DiscoveryError
from .sanity import is_address

# Thunderbird's ISP database; COMELIN_ISPDB_URL (or --ispdb-url) names a mirror.
DEFAULT_ISPDB_URL = "https://autoconfig.thunderbird.net/v1.1/"
ENV_ISPDB_URL = "COMELIN_ISPDB_URL"
# The port of an https:// URL that names none (a variable, so a test can serve the
# domain's own autoconfig host on a loopback port of its own).
HTTPS_PORT = 443
# The largest file taken (the ISPDB's biggest are a few kilobytes).
MAX_BYTES = 128 * 1024
MAX_REDIRECTS = 3
MAX_HEADER_LINES = 100

Source = Literal["domain", "well_known", "ispdb", "ispdb_mx"]
SOURCES: tuple[Source, ...] = ("domain", "well_known", "ispdb", "ispdb_mx")
Status = Literal["ok", "not_found", "http_error", "redirect_refused", "too_large", "bad_xml",
                 "no_smtp", "timeout", "unreachable", "tls_error", "error", "not_needed"]

SOCKET_TYPES = {"ssl": "implicit_tls", "starttls": "starttls", "plain": "none"}
# Suffixes under which a registrable domain has three labels (for the MX's domain).
_TWO_LABEL_SUFFIXES = frozenset({
    "qc.ca", "on.ca", "bc.ca", "ab.ca", "mb.ca", "nb.ca", "ns.ca", "nl.ca", "pe.ca", "sk.ca",
    "co.uk", "org.uk", "com.au", "net.au", "co.nz", "com.br", "co.jp", "com.mx", "com.fr",
})
_HOST = re.compile(r"^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?"
                   r"(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?)*$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]+")

i18n.register({
    "autoconfig.source.domain": {
        "fr": "fichier autoconfig du domaine", "en": "the domain's autoconfig file"},
    "autoconfig.source.well_known": {
        "fr": "fichier autoconfig du site du domaine (.well-known)",
        "en": "the domain's website autoconfig file (.well-known)"},
    "autoconfig.source.ispdb": {
        "fr": "base de fournisseurs de Thunderbird (ISPDB)",
        "en": "Thunderbird's provider database (ISPDB)"},
    "autoconfig.source.ispdb_mx": {
        "fr": "base de fournisseurs de Thunderbird (ISPDB), domaine du MX",
        "en": "Thunderbird's provider database (ISPDB), the MX's domain"},
    "autoconfig.status.ok": {"fr": "trouvé", "en": "found"},
    "autoconfig.status.not_found": {"fr": "absent", "en": "not there"},
    "autoconfig.status.http_error": {"fr": "erreur HTTP {code}", "en": "HTTP error {code}"},
    "autoconfig.status.redirect_refused": {
        "fr": "redirection refusée vers {url} (HTTPS seulement)",
        "en": "redirect to {url} refused (HTTPS only)"},
    "autoconfig.status.too_large": {
        "fr": "fichier trop gros (plus de {limit} Kio)",
        "en": "file too large (over {limit} KiB)"},
    "autoconfig.status.bad_xml": {
        "fr": "fichier illisible ({detail})", "en": "unreadable file ({detail})"},
    "autoconfig.status.no_smtp": {
        "fr": "aucun serveur d'envoi (SMTP) dans le fichier",
        "en": "no outgoing (SMTP) server in the file"},
    "autoconfig.status.timeout": {
        "fr": "pas de réponse à temps", "en": "no answer in time"},
    "autoconfig.status.unreachable": {
        "fr": "serveur injoignable ({detail})", "en": "server unreachable ({detail})"},
    "autoconfig.status.tls_error": {
        "fr": "certificat refusé ({detail})", "en": "certificate refused ({detail})"},
    "autoconfig.status.error": {"fr": "échec ({detail})", "en": "failed ({detail})"},
    "autoconfig.status.not_needed": {
        "fr": "pas nécessaire (déjà trouvé)", "en": "not needed (already found)"},
    "autoconfig.bad_ispdb_url": {
        "fr": "« {value} » n'est pas une adresse HTTPS utilisable pour la base de "
              "fournisseurs (ex. https://miroir.exemple/v1.1/).",
        "en": "“{value}” is not a usable HTTPS address for the provider database "
              "(e.g. https://mirror.example/v1.1/).",
    },
    "discovery.reason_autoconfig": {
        "fr": "Selon {source} : {host}, port {port} ({security}) ; {url}",
        "en": "According to {source}: {host} port {port} ({security}); {url}",
    },
    # The same sources, inside a sentence ("Selon la base...").
    "autoconfig.according.domain": {
        "fr": "le fichier autoconfig du domaine", "en": "the domain's autoconfig file"},
    "autoconfig.according.well_known": {
        "fr": "le fichier autoconfig du site du domaine (.well-known)",
        "en": "the domain's website autoconfig file (.well-known)"},
    "autoconfig.according.ispdb": {
        "fr": "la base de fournisseurs de Thunderbird (ISPDB)",
        "en": "Thunderbird's provider database (ISPDB)"},
    "autoconfig.according.ispdb_mx": {
        "fr": "la base de fournisseurs de Thunderbird (ISPDB), pour le domaine du MX",
        "en": "Thunderbird's provider database (ISPDB), for the MX's domain"},
    "discovery.autoconfig_plain": {
        "fr": "Le fichier autoconfig ne propose que l'envoi sans chiffrement sur {host} : "
              "le mot de passe passerait en clair ; demandez au fournisseur un port "
              "chiffré (465 ou 587)",
        "en": "The autoconfig file only offers unencrypted sending on {host}: the password "
              "would travel in clear; ask the provider for an encrypted port (465 or 587)",
    },
    "discovery.autoconfig_oauth": {
        "fr": "Le fichier autoconfig indique une connexion OAuth2 pour {host}",
        "en": "The autoconfig file says {host} signs in with OAuth2",
    },
})


class FetchFailed(Exception):
    """One fetch ended without a usable file: a status and its details."""

    def __init__(self, status: Status, **params: Any) -> None:
        super().__init__(status)
        self.status: Status = status
        self.params = params


@dataclass(frozen=True)
class OutgoingServer:
    """One ``outgoingServer type="smtp"`` of a file, placeholders filled in."""

    host: str
    port: int
    security: str  # implicit_tls / starttls / none
    username: str | None = None
    authentication: tuple[str, ...] = ()
    # "email" (%EMAILADDRESS%) or "local_part" (%EMAILLOCALPART%): the username follows
    # the address typed; None: as the file gives it.
    username_template: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"host": self.host, "port": self.port, "security": self.security,
                "username": self.username, "authentication": list(self.authentication)}


@dataclass(frozen=True)
class Attempt:
    """What one source gave."""

    source: Source
    url: str
    status: Status
    servers: tuple[OutgoingServer, ...] = ()
    provider_name: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    duration_ms: int = 0

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def message(self, lang: str | None = None) -> str:
        params = dict(self.params)
        if self.status == "too_large":
            params.setdefault("limit", MAX_BYTES // 1024)
        if key := params.get("detail_key"):
            params["detail"] = t(str(key), lang, **{k: v for k, v in params.items()
                                                   if k not in ("detail_key", "detail")})
        return t(f"autoconfig.status.{self.status}", lang,
                 **{k: params.get(k, "") for k in ("code", "url", "limit", "detail")})

    def to_json(self, lang: str | None = None) -> dict[str, Any]:
        return {"source": self.source, "url": self.url, "status": self.status,
                "message": self.message(lang), "provider_name": self.provider_name or None,
                "servers": [s.to_json() for s in self.servers],
                "duration_ms": self.duration_ms}


@dataclass
class AutoconfigResult:
    """Every source tried, in Thunderbird's order of trust."""

    attempts: list[Attempt] = field(default_factory=list)

    @property
    def chosen(self) -> Attempt | None:
        """The most trusted source that gave at least one SMTP server."""
        for source in SOURCES:
            for attempt in self.attempts:
                if attempt.source == source and attempt.ok:
                    return attempt
        return None

    def to_json(self, lang: str | None = None) -> dict[str, Any]:
        chosen = self.chosen
        return {"source": chosen.source if chosen else None,
                "url": chosen.url if chosen else None,
                "tried": [a.to_json(lang) for a in self.attempts]}


def source_label(source: str, lang: str | None = None) -> str:
    return t(f"autoconfig.source.{source}", lang)


def ispdb_url(value: str | None = None) -> str:
    """The ISPDB base URL: *value*, else ``COMELIN_ISPDB_URL``, else Thunderbird's.

    Raises :class:`DiscoveryError` for anything but an https:// URL with a host.
    """
    raw = (value if value is not None else os.environ.get(ENV_ISPDB_URL, "")).strip()
    if not raw:
        return DEFAULT_ISPDB_URL
    shown = re.sub(r"//[^/@]*@", "//…@", _safe(raw, 120))  # a login in it is never echoed
    if not raw.isascii() or not raw.isprintable() or any(c.isspace() for c in raw):
        raise DiscoveryError("autoconfig.bad_ispdb_url", value=shown)
    try:
        parts = urlsplit(raw)
        port = parts.port  # raises ValueError for a bad port
    except ValueError:
        raise DiscoveryError("autoconfig.bad_ispdb_url", value=shown) from None
    if parts.scheme.lower() != "https" or not parts.hostname or parts.query or parts.fragment \
            or "@" in parts.netloc or port == 0:
        raise DiscoveryError("autoconfig.bad_ispdb_url", value=shown)
    return raw if raw.endswith("/") else raw + "/"


def mx_domains(mx_hosts: Sequence[str], domain: str) -> list[str]:
    """The domains whose ISPDB entry may describe the first MX's provider: the MX
    name minus its first label, then its registrable domain; never *domain* itself."""
    if not mx_hosts:
        return []
    labels = mx_hosts[0].rstrip(".").lower().split(".")
    found: list[str] = []
    if len(labels) >= 3:
        found.append(".".join(labels[1:]))
    keep = 3 if ".".join(labels[-2:]) in _TWO_LABEL_SUFFIXES else 2
    if len(labels) >= keep:
        found.append(".".join(labels[-keep:]))
    return [d for d in dict.fromkeys(found) if d != domain and d.count(".") >= 1]


def source_urls(email: str, domain: str, base: str) -> list[tuple[Source, str]]:
    """The three URLs asked at once, in order of trust."""
    query = f"?emailaddress={quote(email, safe='@')}" if "@" in email else ""
    return [
        ("domain", f"https://autoconfig.{domain}/mail/config-v1.1.xml{query}"),
        ("well_known", f"https://{domain}/.well-known/autoconfig/mail/config-v1.1.xml"),
        ("ispdb", base + domain),
    ]


# --- fetching -------------------------------------------------------------------------------

Resolver = Callable[[str], Awaitable[list[str]]]


async def fetch(url: str, context: ssl.SSLContext, resolve: Resolver | None = None,
                *, max_bytes: int = MAX_BYTES) -> bytes:
    """GET *url* (https only), following up to MAX_REDIRECTS https redirects.

    *resolve* gives a name's addresses (a DNS server of our own); without it the
    system resolver is used. Raises :class:`FetchFailed`; the caller bounds the time.
    """
    for _hop in range(MAX_REDIRECTS + 1):
        status, headers, body = await _get(url, context, resolve, max_bytes)
        if status in (301, 302, 303, 307, 308) and headers.get("location"):
            target = urljoin(url, headers["location"].strip())
            if urlsplit(target).scheme.lower() != "https":
                raise FetchFailed("redirect_refused", url=_safe(target, 120))
            url = target
            continue
        if status == 200:
            return body
        if status in (404, 410):
            raise FetchFailed("not_found")
        raise FetchFailed("http_error", code=status)
    raise FetchFailed("error", detail_key="autoconfig.detail.redirects")


async def _get(url: str, context: ssl.SSLContext, resolve: Resolver | None,
               max_bytes: int) -> tuple[int, dict[str, str], bytes]:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme.lower() != "https" or not host:
        raise FetchFailed("redirect_refused", url=_safe(url, 120))
    port = parts.port or HTTPS_PORT
    addresses = [host]
    if resolve is not None and not is_address(host):
        addresses = await resolve(host)
        if not addresses:
            raise FetchFailed("unreachable", detail_key="autoconfig.no_address", host=host)
    reader = writer = None
    errors: list[str] = []
    for address in addresses:
        try:
            reader, writer = await asyncio.open_connection(
                address, port, ssl=context, server_hostname=host)
            break
        except ssl.SSLError as exc:
            raise FetchFailed("tls_error", detail=_safe(exc.reason or exc, 120)) from None
        except OSError as exc:
            if isinstance(exc.__cause__, ssl.SSLError):
                raise FetchFailed("tls_error", detail=_safe(exc, 120)) from None
            errors.append(_safe(exc.strerror or exc, 80))
    if reader is None or writer is None:
        raise FetchFailed("unreachable", detail="; ".join(dict.fromkeys(errors)) or host)
    try:
        safe = "/%:@!$&'()*+,;=-._~"
        target = quote(parts.path or "/", safe=safe) + (
            f"?{quote(parts.query, safe=safe + '?')}" if parts.query else "")
        name = f"[{host}]" if ":" in host else host
        authority = name if parts.port is None else f"{name}:{parts.port}"
        writer.write((f"GET {target} HTTP/1.1\r\nHost: {authority}\r\n"
                      f"User-Agent: comelin-tui/{__version__}\r\n"
                      "Accept: application/xml, text/xml\r\nAccept-Encoding: identity\r\n"
                      "Connection: close\r\n\r\n").encode("ascii", "replace"))
        await writer.drain()
        return await _read_response(reader, max_bytes)
    except (OSError, asyncio.IncompleteReadError, ValueError, UnicodeError) as exc:
        raise FetchFailed("error", detail=_safe(type(exc).__name__, 80)) from None
    finally:
        writer.close()


async def _read_response(reader: asyncio.StreamReader,
                         max_bytes: int) -> tuple[int, dict[str, str], bytes]:
    for _interim in range(MAX_HEADER_LINES):
        status, headers = await _read_head(reader)
        if not 100 <= status < 200:  # "100 Continue" and the like come before the answer
            break
    else:
        raise FetchFailed("error", detail_key="autoconfig.detail.not_http")
    if status != 200:
        return status, headers, b""
    if "chunked" in headers.get("transfer-encoding", "").lower():
        return status, headers, await _read_chunked(reader, max_bytes)
    length = headers.get("content-length")
    if length is not None and length.isascii() and length.isdecimal():
        if int(length) > max_bytes:
            raise FetchFailed("too_large")
        return status, headers, await reader.readexactly(int(length))
    body = b""
    while chunk := await reader.read(65536):
        body += chunk
        if len(body) > max_bytes:
            raise FetchFailed("too_large")
    return status, headers, body


async def _read_head(reader: asyncio.StreamReader) -> tuple[int, dict[str, str]]:
    line = (await reader.readline()).decode("latin-1")
    match = re.match(r"HTTP/1\.[01] (\d{3})(?: |\r?\n|$)", line)
    if match is None:
        raise FetchFailed("error", detail_key="autoconfig.detail.not_http")
    headers: dict[str, str] = {}
    for _ in range(MAX_HEADER_LINES):
        raw = (await reader.readline()).decode("latin-1")
        if raw in ("\r\n", "\n"):
            return int(match.group(1)), headers
        if raw == "":
            raise FetchFailed("error", detail_key="autoconfig.detail.cut_short")
        name, _sep, value = raw.partition(":")
        headers[name.strip().lower()] = value.strip()
    raise FetchFailed("error", detail_key="autoconfig.detail.too_many_headers")


async def _read_chunked(reader: asyncio.StreamReader, max_bytes: int) -> bytes:
    body = b""
    while True:
        line = await reader.readline()
        size_line = line.split(b";")[0].strip()
        if not size_line:  # the end of the stream, or a blank line: not a chunk size
            raise FetchFailed("error", detail_key="autoconfig.detail.cut_short")
        size = int(size_line, 16)
        if size == 0:
            return body
        if len(body) + size > max_bytes:
            raise FetchFailed("too_large")
        body += await reader.readexactly(size)
        await reader.readline()


def _safe(value: object, limit: int) -> str:
    text = _CONTROL.sub(" ", str(value)).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- parsing -------------------------------------------------------------------------------


def parse(body: bytes, email: str, domain: str) -> tuple[str, tuple[OutgoingServer, ...]]:
    """The provider's display name and outgoing SMTP servers of a config-v1.1 file.

    Raises :class:`FetchFailed` ("bad_xml" or "no_smtp")."""
    from xml.etree.ElementTree import ParseError

    import defusedxml
    from defusedxml import ElementTree

    try:
        root = ElementTree.fromstring(body, forbid_dtd=True)
    except (ParseError, defusedxml.DefusedXmlException, ValueError) as exc:
        raise FetchFailed("bad_xml", detail=_safe(type(exc).__name__, 60)) from None
    if _local(root.tag) != "clientConfig":
        raise FetchFailed("bad_xml", detail="clientConfig")
    provider = next((c for c in root if _local(c.tag) == "emailProvider"), None)
    if provider is None:
        raise FetchFailed("bad_xml", detail="emailProvider")
    local_part = email.rpartition("@")[0] if "@" in email else ""
    fill = {"%EMAILADDRESS%": email if local_part else "", "%EMAILLOCALPART%": local_part,
            "%EMAILDOMAIN%": domain}
    name = ""
    servers: list[OutgoingServer] = []
    for child in provider:
        tag = _local(child.tag)
        if tag in ("displayName", "displayShortName") and not name:
            name = _safe(child.text or "", 80)
        if tag != "outgoingServer" or (child.get("type") or "").lower() != "smtp":
            continue
        server = _server(child, fill)
        if server is not None and server not in servers:
            servers.append(server)
    if not servers:
        raise FetchFailed("no_smtp")
    return name, tuple(servers)


def _server(element: Any, fill: dict[str, str]) -> OutgoingServer | None:
    def text(tag: str) -> str:
        found = next((c for c in element if _local(c.tag) == tag), None)
        return (found.text or "").strip() if found is not None else ""

    def filled(value: str) -> str:
        for placeholder, replacement in fill.items():
            value = value.replace(placeholder, replacement)
        return value

    host = filled(text("hostname")).rstrip(".").lower()
    security = SOCKET_TYPES.get(text("socketType").lower())
    port_text = text("port")
    if not _HOST.match(host) or security is None or not (port_text.isascii()
                                                           and port_text.isdecimal()):
        return None
    port = int(port_text)
    if not 0 < port < 65536:
        return None
    raw_username = text("username")
    template = {"%EMAILADDRESS%": "email", "%EMAILLOCALPART%": "local_part"}.get(raw_username)
    username = filled(raw_username)
    if "%" in username or not username:
        username = ""
    auths = tuple(dict.fromkeys(_safe(c.text or "", 40) for c in element
                                if _local(c.tag) == "authentication" and (c.text or "").strip()))
    return OutgoingServer(host, port, security, _safe(username, 254) or None, auths, template)


def _local(tag: object) -> str:
    return str(tag).rpartition("}")[2]


# --- the lookup -----------------------------------------------------------------------------


class AutoconfigLookup:
    """The four sources, fetched in parallel within one deadline.

    ``start()`` asks the domain's own URLs and the ISPDB at once; ``start_mx()``
    adds the MX's domain once the MX is known; ``result()`` waits for them in
    order of trust and stops at the first that gave a server.
    """

    def __init__(self, email: str, domain: str, *, timeout: float,
                 resolve: Resolver | None = None, base_url: str | None = None,
                 ca_file: Path | None = None) -> None:
        self.email = email.strip()
        self.domain = domain
        self.timeout = timeout
        self.resolve = resolve
        self.base = ispdb_url(base_url)
        self.ca_file = ca_file
        self._tasks: list[tuple[Source, str, asyncio.Task[Attempt]]] = []
        self._deadline = 0.0
        self._context: ssl.SSLContext | None = None

    def _ssl_context(self) -> ssl.SSLContext:
        if self._context is None:
            from ..diagnostics.tlsinfo import CaFileError, client_context

            try:
                self._context = client_context(self.ca_file)
            except CaFileError as error:
                raise DiscoveryError("autoconfig.bad_ca_file", path=str(error.path),
                                     reason=error.reason) from None
        return self._context

    def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._deadline = loop.time() + self.timeout
        self._ssl_context()  # a CA file that cannot be read is said before any fetch
        for source, url in source_urls(self.email, self.domain, self.base):
            self._add(source, url)

    def start_mx(self, mx_hosts: Sequence[str]) -> None:
        for mx_domain in mx_domains(mx_hosts, self.domain):
            self._add("ispdb_mx", self.base + mx_domain)

    def _add(self, source: Source, url: str) -> None:
        task = asyncio.ensure_future(self._attempt(source, url))
        self._tasks.append((source, url, task))

    async def _attempt(self, source: Source, url: str) -> Attempt:
        loop = asyncio.get_running_loop()
        started = loop.time()

        def ended(status: Status, **params: Any) -> Attempt:
            return Attempt(source, url, status, params=params,
                           duration_ms=int((loop.time() - started) * 1000))

        try:
            async with asyncio.timeout(max(self._deadline - loop.time(), 0.0)):
                body = await fetch(url, self._ssl_context(), self.resolve)
            name, servers = parse(body, self.email, self.domain)
        except FetchFailed as failed:
            return ended(failed.status, **failed.params)
        except TimeoutError:
            return ended("timeout")
        except Exception as exc:  # noqa: BLE001 - advisory: a broken source gives nothing
            return ended("error", detail=_safe(type(exc).__name__, 60))
        return replace(ended("ok"), servers=servers, provider_name=name)

    async def result(self) -> AutoconfigResult:
        """Wait in order of trust; the first source with a server ends the wait."""
        result = AutoconfigResult()
        order = sorted(self._tasks, key=lambda item: SOURCES.index(item[0]))
        found = False
        for source, url, task in order:
            if found:
                task.cancel()
                attempt = task.result() if task.done() and not task.cancelled() else \
                    Attempt(source, url, "not_needed")
            else:
                attempt = await task
                found = attempt.ok
            result.attempts.append(attempt)
        return result

    def stop(self) -> None:
        """Cancel whatever is still running (the caller was cancelled, or is done)."""
        for _source, _url, task in self._tasks:
            if not task.done():
                task.cancel()

    def cancel(self) -> AutoconfigResult:
        """Stop every fetch (the catalogue already knows the provider)."""
        result = AutoconfigResult()
        for source, url, task in self._tasks:
            task.cancel()
            result.attempts.append(Attempt(source, url, "not_needed"))
        return result


i18n.register({
    "autoconfig.bad_env": {"fr": "COMELIN_ISPDB_URL : {message}",
                           "en": "COMELIN_ISPDB_URL: {message}"},
    "autoconfig.no_address": {"fr": "{host} n'a pas d'adresse", "en": "{host} has no address"},
    "autoconfig.detail.not_http": {"fr": "pas une réponse HTTP", "en": "not an HTTP answer"},
    "autoconfig.detail.cut_short": {"fr": "réponse coupée", "en": "answer cut short"},
    "autoconfig.detail.too_many_headers": {"fr": "trop d'en-têtes", "en": "too many headers"},
    "autoconfig.detail.redirects": {"fr": "trop de redirections", "en": "too many redirects"},
    "autoconfig.bad_ca_file": {
        "fr": "Le fichier d'autorités de certification {path} est inutilisable : {reason}",
        "en": "The certificate authority file {path} cannot be used: {reason}",
    },
})
