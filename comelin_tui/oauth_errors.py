"""Errors of the Microsoft 365 sign-in, named after what Microsoft said (AADSTS codes).

Re-exported by :mod:`comelin_tui.oauth`; import them from there.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from . import oauth_messages  # noqa: F401 - registers the text
from .errors import ComelinError
from .i18n import m

if TYPE_CHECKING:
    from .diagnostics.model import Diagnosis

INSTALL_COMMAND = "pip install 'comelin-tui[m365]'"
DEFAULT_AUTHORITY_NETLOC = "login.microsoftonline.com"
AADSTS = re.compile(r"AADSTS(\d+)")
# The causes of a network failure that have their own message and hint.
NETWORK_CAUSES = ("name", "refused", "timeout", "unreachable")

# AADSTS code -> kind (message + hint in oauth_messages).
_KIND_BY_CODE = {
    "AADSTS7000218": "public_client",
    "AADSTS65001": "consent",
    "AADSTS53003": "conditional_access",
    "AADSTS90002": "tenant",
    "AADSTS700016": "client_id",
}
# OAuth error name -> kind. The device flow's own errors are checked first (an expired
# code also carries an AADSTS code), the others after the AADSTS codes.
_DEVICE_ERRORS = ("expired_token", "authorization_declined", "access_denied")
_KIND_BY_ERROR = {
    "expired_token": "expired",
    "authorization_declined": "declined",
    "access_denied": "declined",
    "invalid_grant": "refresh",
    "interaction_required": "refresh",
}


# -- errors -----------------------------------------------------------------------------------

class OAuthUnavailable(ComelinError):
    """msal is not installed; the message says how to install it."""

    def __init__(self) -> None:
        super().__init__("oauth.msal_missing", command=INSTALL_COMMAND)


class OAuthConfigError(ComelinError):
    """A tenant or application (client) ID that cannot be right (checked before any network)."""


class OAuthError(ComelinError):
    """Sign-in or token refresh failed.

    ``code`` is the AADSTS code when Microsoft gave one (``"AADSTS65001"``), else the
    OAuth error name (``"expired_token"``) or our own (``"not_signed_in"``,
    ``"network"``, ``"cancelled"``); ``reason`` is the service's own first line
    (English, no trace ids), or ``""``. ``kind`` picks the message and hint. As a
    diagnosis it is ``auth.oauth_failed``.
    """

    def __init__(self, kind: str, code: str = "", reason: str = "", *, cause: str = "",
                 **params: object) -> None:
        self.kind = kind
        self.code = code or kind
        self.reason = reason
        # A network failure's cause in words ("name", "refused", "timeout", "unreachable"):
        # its own message and hint, never the errno text.
        self.cause = cause if cause in NETWORK_CAUSES and kind == "network" else ""
        # Every placeholder any kind uses has a value, so no message shows "{tenant}".
        params = {"code": self.code, "reason": reason or self.code, "tenant": "-",
                  "account": "-", "host": DEFAULT_AUTHORITY_NETLOC, **params}
        super().__init__(f"oauth.error.{self._variant}", **params)

    @property
    def _variant(self) -> str:
        return f"{self.kind}_{self.cause}" if self.cause else self.kind

    @property
    def unreachable(self) -> bool:
        """Microsoft's sign-in service could not be reached from here (not a refusal)."""
        return self.kind == "network"

    @classmethod
    def from_response(cls, response: dict[str, Any], **params: object) -> OAuthError:
        """The error an OAuth error response describes (``error``, ``error_description``)."""
        error = str(response.get("error") or "")
        description = str(response.get("error_description") or "")
        codes = response.get("error_codes") or []
        found = AADSTS.search(description)
        code = (f"AADSTS{codes[0]}" if codes and str(codes[0]).isdigit()
                else f"AADSTS{found.group(1)}" if found else error or "unknown")
        if error in _DEVICE_ERRORS:
            kind = _KIND_BY_ERROR[error]
        else:
            kind = _KIND_BY_CODE.get(code) or _KIND_BY_ERROR.get(error) or "generic"
        return cls(kind, code, clean_reason(description) or error, **params)

    def hint(self, lang: str | None = None) -> str:
        return m(f"oauth.hint.{self._variant}", lang, **self.params)

    def detail(self, lang: str | None = None) -> str:
        """For a step's detail: what the service said (``"AADSTS50173: The provided..."``),
        else our message."""
        if self.reason and self.reason != self.code:
            return self.reason if self.reason.startswith(self.code) else f"{self.code}: {self.reason}"
        return self.message(lang)

    def diagnosis(self, lang: str | None = None) -> Diagnosis:
        """This error as the ``auth.oauth_failed`` diagnosis (summary and hint translated)."""
        from .diagnostics.model import Diagnosis

        return Diagnosis("auth.oauth_failed", self.message(lang), self.hint(lang))


def clean_reason(description: str) -> str:
    """The first line of an error description, without Trace ID / Correlation ID / Timestamp."""
    line = description.strip().splitlines()[0] if description.strip() else ""
    line = re.split(r"\s*(?:Trace ID|Correlation ID|Timestamp):", line)[0].strip()
    return line[:300]
