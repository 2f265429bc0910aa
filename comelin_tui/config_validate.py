"""Field validators for the settings.

Used by the pydantic models in :mod:`comelin_tui.config` and, standalone, by
the wizard for inline validation. Each raises :class:`FieldError` with a
translated message that says what is wrong and how to fix it.
"""

from __future__ import annotations

import ipaddress
import math
import re
import unicodedata
from pathlib import Path

from . import config_messages  # noqa: F401 - registers the "config." messages
from .diagnostics.addresses import a_label_decodes, label_forms
from .errors import ComelinError

# Characters RFC 5322 allows unquoted in the local part of an address.
_ATEXT = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+/=?^_`{|}~-"
)
# Letters, digits and hyphen; underscore too, because real internal relays use it
# and resolvers accept it.
_LABEL_RE = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?")
_LABEL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
# Dots that IDNA treats as label separators (ideographic, fullwidth, halfwidth).
_DOTS = str.maketrans({"\u3002": ".", "\uff0e": ".", "\uff61": "."})
_DIGITS_RE = re.compile(r"[0-9]+")
_PROVIDER_RE = re.compile(r"[a-z0-9][a-z0-9_.-]*")
_FINGERPRINT_PREFIX_RE = re.compile(
    r"^(?:sha-?256)(?:\s*fingerprint)?\s*[=:]?\s*", re.IGNORECASE
)
MAX_TIMEOUT = 300.0


class FieldError(ComelinError, ValueError):
    """A value that is not valid for a setting; the message says why (translated).

    It is also a ``ValueError`` so pydantic reports it as a validation error of
    the field it came from.
    """

    def __init__(self, key: str, /, *, field: str | None = None, **params: object) -> None:
        self.field = field
        super().__init__(key, **params)


def _require_text(value: object, field: str | None) -> str:
    if not isinstance(value, str):
        raise FieldError("config.field.text", field=field)
    return value


def _reject_control(value: str, field: str | None) -> None:
    for char in value:
        if unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn") and char != "\t":
            raise FieldError("config.field.control", field=field, code=f"U+{ord(char):04X}")


def _label_to_ascii(label: str, field: str | None) -> str:
    """One DNS label in ASCII (punycode for internationalised labels).

    Python's "idna" codec (IDNA 2003) is the one ``socket.getaddrinfo`` and the
    asyncio SMTP client use for a Unicode host, so a name accepted here
    resolves the way the network code will resolve it.
    """
    try:
        ascii_label = label.encode("idna").decode("ascii")
    except (UnicodeError, ValueError) as error:
        key = "config.host.label_too_long" if "too long" in str(error) else "config.host.bad_label"
        raise FieldError(key, field=field, label=label) from None
    if not ascii_label:
        raise FieldError("config.host.bad_label", field=field, label=label)
    if len(ascii_label) > 63:
        raise FieldError("config.host.label_too_long", field=field, label=label)
    if not _LABEL_RE.fullmatch(ascii_label):
        bad = [c for c in label if c.isascii() and c not in _LABEL_CHARS]
        if bad:
            raise FieldError("config.host.bad_char", field=field, char=bad[0])
        raise FieldError("config.host.hyphen_edge", field=field, label=label)
    if ascii_label.lower().startswith("xn--") and not a_label_decodes(ascii_label):
        # A hand-typed punycode label must decode (IDNA 2008, or 2003), or the name
        # cannot be shown.
        raise FieldError("config.host.bad_label", field=field, label=label)
    return ascii_label


def _domain_to_ascii(name: str, field: str | None, empty_key: str) -> tuple[str, str]:
    """(ASCII form, normalised Unicode form) of a DNS name, checking every label."""
    labels = name.translate(_DOTS).split(".")
    if any(label == "" for label in labels):
        raise FieldError(empty_key, field=field)
    ascii_labels = [_label_to_ascii(label, field) for label in labels]
    ascii_name = ".".join(ascii_labels)
    if len(ascii_name) > 253:
        raise FieldError("config.host.too_long", field=field)
    unicode_labels = []
    for label in ascii_labels:
        try:
            unicode_labels.append(label.encode("ascii").decode("idna"))
        except (UnicodeError, ValueError):  # pragma: no cover - checked in _label_to_ascii
            unicode_labels.append(label)
    return ascii_name.lower(), ".".join(unicode_labels).lower()


def host_to_ascii(host: str) -> str:
    """The ASCII (punycode) form of a valid host name or IP address, for the network."""
    value = validate_host(host)
    try:
        ipaddress.ip_address(value)
        return value
    except ValueError:
        return _domain_to_ascii(value, None, "config.host.empty_label")[0]


def email_to_ascii(address: str) -> str:
    """The address with its domain in ASCII (its A-label, as the wire carries it); the
    local part is unchanged."""
    local, _, domain = validate_email(address).rpartition("@")
    return f"{local}@{_email_domain(domain, None)[0].lower()}"


def _email_domain(domain: str, field: str | None) -> tuple[str, str]:
    """(A-label form, form kept in the settings) of an address's domain.

    ASCII labels, A-labels (``xn--...``) included, are kept as typed (lower case);
    others become their A-label by IDNA 2008 (UTS #46), the one the wire uses
    (:mod:`comelin_tui.diagnostics.addresses`), and are kept in their Unicode
    form. Every label gets the checks of a host name's.
    """
    labels = domain.translate(_DOTS).split(".")
    if any(label == "" for label in labels):
        raise FieldError("config.email.double_dot", field=field)
    ascii_labels, kept = [], []
    for label in labels:
        if label.isascii():
            ascii_labels.append(_label_to_ascii(label, field).lower())
            kept.append(label.lower())
            continue
        try:
            ascii_label, unicode_label = label_forms(label)
        except ValueError:
            _label_to_ascii(label, field)  # names what is wrong when it can
            raise FieldError("config.host.bad_label", field=field, label=label) from None
        if len(ascii_label) > 63:
            raise FieldError("config.host.label_too_long", field=field, label=label)
        _label_to_ascii(ascii_label, field)  # the host name checks (characters, hyphens)
        ascii_labels.append(ascii_label.lower())
        kept.append(unicode_label.lower())
    ascii_name = ".".join(ascii_labels)
    if len(ascii_name) > 253:
        raise FieldError("config.host.too_long", field=field)
    return ascii_name, ".".join(kept)


def validate_email(value: object, *, field: str | None = None, allow_empty: bool = False) -> str:
    """A normalised email address (domain lower-case, internationalised domains accepted).

    ``caisse@épicerie.ca`` is kept in Unicode and ``caisse@xn--picerie-9xa.ca`` as
    typed; :func:`email_to_ascii` gives the form for the wire. Quoted local parts
    and address literals are refused: no store mailbox needs them and they usually
    mean a typo.
    """
    text = _require_text(value, field).strip()
    if not text:
        if allow_empty:
            return ""
        raise FieldError("config.email.empty", field=field)
    if any(char.isspace() for char in text):
        raise FieldError("config.email.space", field=field)
    _reject_control(text, field)
    if "@" not in text:
        raise FieldError("config.email.missing_at", field=field)
    if text.count("@") > 1:
        raise FieldError("config.email.many_at", field=field)
    local, domain = text.split("@")
    if not local:
        raise FieldError("config.email.empty_local", field=field)
    if not domain:
        raise FieldError("config.email.empty_domain", field=field)
    if ".." in local or ".." in domain.translate(_DOTS):
        raise FieldError("config.email.double_dot", field=field)
    if local.startswith(".") or local.endswith("."):
        raise FieldError("config.email.dot_edge", field=field)
    if len(local.encode("utf-8")) > 64:
        raise FieldError("config.email.local_too_long", field=field)
    for char in local:
        if char in _ATEXT or char == ".":
            continue
        if not char.isascii() and unicodedata.category(char)[0] in "LMN":
            continue  # internationalised local part (RFC 6531)
        raise FieldError("config.email.bad_char", field=field, char=char)
    if domain.startswith("[") or _looks_like_ip(domain):
        raise FieldError("config.email.domain_ip", field=field)
    ascii_domain, unicode_domain = _email_domain(domain, field)
    if "." not in ascii_domain:
        raise FieldError("config.email.no_dot", field=field, domain=domain)
    if _DIGITS_RE.fullmatch(ascii_domain.rsplit(".", 1)[1]):
        raise FieldError("config.email.domain_ip", field=field)
    if len(local.encode("utf-8")) + 1 + len(ascii_domain) > 254:
        raise FieldError("config.email.too_long", field=field)
    return f"{local}@{unicode_domain}"


def _looks_like_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def validate_host(value: object, *, field: str | None = None, allow_empty: bool = False) -> str:
    """A server name (IDNA ok, normalised to lower case) or an IPv4/IPv6 address.

    Refuses what people paste by mistake: a scheme (``smtp://``), a path, a port
    (``smtp.x.com:587``: the message says to put 587 in the port field), spaces,
    empty labels, an email address.
    """
    text = _require_text(value, field).strip()
    if not text:
        if allow_empty:
            return ""
        raise FieldError("config.host.empty", field=field)
    if "://" in text:
        scheme = text.split("://", 1)[0]
        raise FieldError("config.host.scheme", field=field, scheme=f"{scheme}://")
    if "@" in text:
        raise FieldError("config.host.email", field=field)
    if any(char.isspace() for char in text):
        raise FieldError("config.host.space", field=field)
    _reject_control(text, field)
    if "/" in text or "\\" in text or "?" in text or "#" in text:
        raise FieldError("config.host.path", field=field)
    bracketed = re.fullmatch(r"\[([^\[\]]*)\](?::(.*))?", text)
    if bracketed:
        if bracketed.group(2) is not None:
            raise FieldError("config.host.port_inside", field=field,
                             host=f"[{bracketed.group(1)}]", port=bracketed.group(2))
        try:
            return str(ipaddress.IPv6Address(bracketed.group(1)))
        except ValueError:
            raise FieldError("config.host.bad_ipv6", field=field) from None
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        pass
    if text.count(":") == 1:
        host, port = text.split(":")
        raise FieldError("config.host.port_inside", field=field, host=host, port=port)
    if ":" in text:
        raise FieldError("config.host.bad_ipv6", field=field)
    if _DIGITS_RE.fullmatch(text):
        raise FieldError("config.host.number", field=field, value=text)
    if text.endswith(".") and not text.endswith(".."):
        text = text[:-1]  # a fully qualified name; the trailing dot adds nothing here
    _, unicode_name = _domain_to_ascii(text, field, "config.host.empty_label")
    if _DIGITS_RE.fullmatch(unicode_name.rsplit(".", 1)[-1]):
        raise FieldError("config.host.bad_ipv4", field=field, value=text)
    return unicode_name


def validate_port(value: object, *, field: str | None = None) -> int:
    """A TCP port, 1-65535; digit strings (from an input box) are accepted."""
    if isinstance(value, bool):
        raise FieldError("config.port.not_number", field=field, value=str(value).lower())
    if isinstance(value, str):
        text = value.strip()
        if not _DIGITS_RE.fullmatch(text) or len(text) > 6:
            raise FieldError("config.port.not_number", field=field, value=text[:20])
        number = int(text)
    elif isinstance(value, int):
        number = value
    else:
        raise FieldError("config.port.not_number", field=field, value=str(value)[:20])
    if not 1 <= number <= 65535:
        raise FieldError("config.port.range", field=field, value=str(number)[:20])
    return number


def validate_timeout(value: object, *, field: str | None = None) -> float:
    """A network timeout in seconds: more than 0, at most 300."""
    if isinstance(value, bool):
        raise FieldError("config.timeout.invalid", field=field, max=int(MAX_TIMEOUT))
    if isinstance(value, str):
        try:
            value = float(value.strip().replace(",", "."))  # "7,5" in a French input box
        except ValueError:
            raise FieldError("config.timeout.invalid", field=field, max=int(MAX_TIMEOUT)) from None
    if not isinstance(value, int | float):
        raise FieldError("config.timeout.invalid", field=field, max=int(MAX_TIMEOUT))
    try:
        number = float(value)
    except OverflowError:
        raise FieldError("config.timeout.invalid", field=field, max=int(MAX_TIMEOUT)) from None
    if not math.isfinite(number) or not 0 < number <= MAX_TIMEOUT:
        raise FieldError("config.timeout.invalid", field=field, max=int(MAX_TIMEOUT))
    return number


def validate_fingerprint(value: object, *, field: str | None = None) -> str | None:
    """A SHA-256 certificate fingerprint as upper-case colon-separated hex, or None if empty.

    Accepts what ``openssl x509 -fingerprint -sha256`` and browsers show
    (``sha256 Fingerprint=AB:CD:...``, with or without colons or spaces).
    """
    text = _require_text(value, field).strip()
    if not text:
        return None
    text = _FINGERPRINT_PREFIX_RE.sub("", text)
    groups = [group for group in re.split(r"[:\s]+", text) if group]
    hex_text = "".join(groups)
    if not re.fullmatch(r"[0-9A-Fa-f]+", hex_text):
        raise FieldError("config.fingerprint.not_hex", field=field)
    if len(hex_text) == 40:
        raise FieldError("config.fingerprint.sha1", field=field)
    if len(hex_text) != 64:
        raise FieldError("config.fingerprint.length", field=field, count=len(hex_text))
    if len(groups) > 1 and any(len(group) != 2 for group in groups):
        raise FieldError("config.fingerprint.grouping", field=field)
    upper = hex_text.upper()
    return ":".join(upper[i:i + 2] for i in range(0, 64, 2))


def parse_dns_server(value: str) -> tuple[str, int]:
    """(IP address, port) of a DNS server setting like ``1.1.1.1``, ``1.1.1.1:5353``, ``[::1]:53``."""
    text = _require_text(value, "dns_server").strip()
    field = "dns_server"
    if not text:
        raise FieldError("config.dns.invalid", field=field)
    port = 53
    bracketed = re.fullmatch(r"\[([^\[\]]*)\](?::(.*))?", text)
    if bracketed:
        address, port_text = bracketed.group(1), bracketed.group(2)
        try:
            ip = ipaddress.IPv6Address(address)
        except ValueError:
            raise FieldError("config.dns.invalid", field=field) from None
        if port_text is not None:
            port = validate_port(port_text, field=field)
        return str(ip), port
    try:
        return str(ipaddress.ip_address(text)), port
    except ValueError:
        pass
    if text.count(":") == 1:
        address, port_text = text.split(":")
        try:
            ip4 = ipaddress.IPv4Address(address)
        except ValueError:
            raise FieldError("config.dns.invalid", field=field) from None
        return str(ip4), validate_port(port_text, field=field)
    raise FieldError("config.dns.invalid", field=field)


def validate_dns_server(value: object, *, field: str | None = "dns_server") -> str | None:
    """A DNS server override (IP address, optionally with a port), normalised; None if empty."""
    text = _require_text(value, field).strip()
    if not text:
        return None
    address, port = parse_dns_server(text)
    if port == 53:
        return address
    return f"[{address}]:{port}" if ":" in address else f"{address}:{port}"


def parse_listen(text: str, *, field: str | None = "relay.listen") -> tuple[str, int]:
    """``127.0.0.1:2525``, ``[::1]:2525`` or ``2525`` (on 127.0.0.1) -> (address, port)."""
    text = text.strip()
    if text.isdigit():
        return "127.0.0.1", validate_port(text, field=field)
    bracketed = re.fullmatch(r"\[([^\[\]]*)\]:(\d+)", text)
    if bracketed:
        try:
            return str(ipaddress.IPv6Address(bracketed.group(1))), validate_port(
                bracketed.group(2), field=field)
        except ValueError:
            raise FieldError("config.listen.invalid", field=field) from None
    address, sep, port_text = text.rpartition(":")
    if not sep or not port_text.isdigit():
        raise FieldError("config.listen.invalid", field=field)
    if address == "localhost":
        address = "127.0.0.1"
    try:
        return str(ipaddress.IPv4Address(address)), validate_port(port_text, field=field)
    except ValueError:
        raise FieldError("config.listen.invalid", field=field) from None


def validate_listen(value: object, *, field: str | None = "relay.listen") -> str:
    """Where the relay listens, normalised (``127.0.0.1:2525``, ``[::1]:2525``)."""
    address, port = parse_listen(_require_text(value, field), field=field)
    return f"[{address}]:{port}" if ":" in address else f"{address}:{port}"


def validate_text(value: object, *, field: str | None = None, max_length: int = 256) -> str:
    """Free text from one input line: trimmed, no control characters, bounded length."""
    text = _require_text(value, field).strip()
    _reject_control(text, field)
    if len(text) > max_length:
        raise FieldError("config.field.too_long", field=field, max=max_length)
    return text


def validate_provider_id(value: object, *, field: str | None = "provider") -> str:
    """A provider id from the catalogue (``gmail``, ``m365``, ``custom``...); empty means custom."""
    text = _require_text(value, field).strip().lower()
    if not text:
        return "custom"
    if not _PROVIDER_RE.fullmatch(text) or len(text) > 64:
        raise FieldError("config.provider.invalid", field=field)
    return text


def validate_ca_file(value: object, *, field: str | None = "smtp.ca_file") -> Path | None:
    """A path to a PEM file of CA certificates (``~`` expanded), or None if empty."""
    if isinstance(value, Path):
        value = str(value)
    text = _require_text(value, field).strip()
    if not text:
        return None
    _reject_control(text, field)
    if len(text) > 4096:
        raise FieldError("config.field.too_long", field=field, max=4096)
    try:
        return Path(text).expanduser()
    except RuntimeError:  # "~someone/..." where no such user exists
        user = text.split("/", 1)[0]
        raise FieldError("config.path.no_such_user", field=field, user=user) from None
