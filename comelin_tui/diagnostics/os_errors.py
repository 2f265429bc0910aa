"""What an OS error says by itself: one table from error numbers to diagnosis codes.

The classifier's exception rules, the engine's own fallback and its choice of
which address to blame all read this table, so an error number means the
same thing everywhere. Only ``errno`` and ``socket`` are imported.
"""

from __future__ import annotations

import errno
import socket
import sys
from collections.abc import Mapping


def _numbers(module: object, *names: str) -> frozenset[int]:
    # Some names are missing on some platforms (EAI_NODATA, EHOSTDOWN on Windows...).
    return frozenset(getattr(module, name) for name in names if hasattr(module, name))


# No route to the server from here: a network that is down or absent (often IPv6),
# or a local firewall that forbids the connection.
UNREACHABLE_ERRNOS = _numbers(
    errno, "ENETUNREACH", "EHOSTUNREACH", "ENETDOWN", "EHOSTDOWN", "EADDRNOTAVAIL",
    "EAFNOSUPPORT", "EACCES", "EPERM",
)
# The connection was there and went away.
DISCONNECTED_ERRNOS = _numbers(errno, "ECONNRESET", "EPIPE", "ECONNABORTED", "ENOTCONN")

ERRNO_CODES: Mapping[int, str] = {
    errno.ECONNREFUSED: "connect.refused",
    # A timeout's meaning depends on the step: the classifier refines "connect.timeout".
    errno.ETIMEDOUT: "connect.timeout",
    **{number: "connect.unreachable" for number in UNREACHABLE_ERRNOS},
    **{number: "smtp.disconnected" for number in DISCONNECTED_ERRNOS},
}
# getaddrinfo's error numbers (socket.gaierror), a separate numbering from errno.
GAI_CODES: Mapping[int, str] = {
    **{number: "dns.not_found"
       for number in _numbers(socket, "EAI_NONAME", "EAI_NODATA", "EAI_ADDRFAMILY")},
    **{number: "dns.unavailable" for number in _numbers(socket, "EAI_AGAIN", "EAI_FAIL")},
}
# What Python raises without an error number (asyncio's own resets, timeouts...).
_CLASS_CODES: tuple[tuple[type[BaseException], str], ...] = (
    (ConnectionRefusedError, "connect.refused"),
    (TimeoutError, "connect.timeout"),
    (ConnectionError, "smtp.disconnected"),
)


def errno_code(exc: BaseException) -> str | None:
    """The code the exception's own error number names, or None (no number, or not the OS's)."""
    number = getattr(exc, "errno", None)
    if not isinstance(number, int):
        return None
    if isinstance(exc, socket.gaierror):
        return GAI_CODES.get(number)
    ssl = sys.modules.get("ssl")
    if ssl is not None and isinstance(exc, ssl.SSLError):
        return None  # its number is OpenSSL's (1 is SSL_ERROR_SSL, not EPERM)
    return ERRNO_CODES.get(number)


def os_error_code(exc: BaseException) -> str | None:
    """The code for an OS error: its number first, else the class Python gave it."""
    code = errno_code(exc)
    if code is not None or isinstance(exc, socket.gaierror):
        return code
    ssl = sys.modules.get("ssl")
    if ssl is not None and isinstance(exc, ssl.SSLError):
        return None
    for cls, class_code in _CLASS_CODES:
        if isinstance(exc, cls):
            return class_code
    return None
