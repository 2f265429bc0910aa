"""Small pieces of the Microsoft sign-in in the wizard that need no widget: the OSC 52
copy, the checks of the tenant and the client ID."""

from __future__ import annotations

import os
from typing import Any

from ..errors import ComelinError
from . import oauth_text  # noqa: F401 - registers the sign-in texts


def copy_to_terminal(app: Any, text: str) -> None:
    """Copy *text* to the technician's clipboard with OSC 52 (a convenience, never needed).

    Textual writes the plain sequence; inside tmux or GNU screen the wrapped form
    is written too, so it reaches the outer terminal when passthrough is allowed.
    """
    from ..terminal import osc52_copy

    app.copy_to_clipboard(text)
    driver = getattr(app, "_driver", None)  # Textual has no public raw write
    if driver is not None and (os.environ.get("TMUX") or os.environ.get("STY")):
        driver.write(osc52_copy(text))


def printable(text: str) -> str:
    """What the sign-in service sent, without control characters (never sent to the
    terminal as they came)."""
    return "".join(char for char in text if char.isprintable())[:200]


def default_tenant(email: str) -> str:
    """The company email's domain, the usual tenant name ("" when there is none)."""
    return email.rpartition("@")[2].strip().lower() if "@" in email else ""


def field_problem(name: str, value: str) -> ComelinError | None:
    """Why *value* cannot be the tenant / client ID (None when it can)."""
    from ..oauth import OAuthConfigError

    if not value.strip():
        from ..fields import field_spec, is_needed

        spec = field_spec(name)
        if spec is not None and is_needed(name):
            return ComelinError(spec.key("required") or "field.required",
                                field=spec.text("label"))
    try:
        clean_value(name, value)
    except OAuthConfigError as error:
        return error
    return None


def clean_value(name: str, value: str) -> str:
    """The tenant / client ID as Microsoft wants it (raises OAuthConfigError)."""
    from ..oauth import validate_client_id, validate_tenant

    return (validate_tenant if name == "oauth.tenant" else validate_client_id)(value)
