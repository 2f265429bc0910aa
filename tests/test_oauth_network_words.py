"""A sign-in service out of reach is said in words (name not found, connection refused,
no answer), in both languages, with what to do: never as errno text."""

from __future__ import annotations

import pytest
from hostile_servers import free_port
from idp_server import CLIENT_ID, TENANT_DOMAIN

from comelin_tui.oauth import DeviceSignIn, OAuthError, _network_error
from comelin_tui.secrets import MemorySecretStore

# The texts requests/urllib3 give (Linux, macOS, Windows), nested as they nest them.
CASES = [
    (("Max retries exceeded (Caused by NameResolutionError(\"<HTTPSConnection>: Failed to "
     "resolve 'login.x.example' ([Errno -2] Name or service not known)\"))"), "name"),
    (("Caused by NewConnectionError('<HTTPSConnection>: Failed to establish a new "
     "connection: [Errno 8] nodename nor servname provided, or not known')"), "name"),
    ("[Errno 11001] getaddrinfo failed", "name"),
    (("Caused by NewConnectionError('<HTTPSConnection>: Failed to establish a new "
     "connection: [Errno 111] Connection refused')"), "refused"),
    (("[WinError 10061] No connection could be made because the target machine actively "
     "refused it"), "refused"),
    (("HTTPSConnectionPool(host='login.x.example', port=443): Read timed out. "
     "(read timeout=10)"), "timeout"),
    ("[Errno 101] Network is unreachable", "unreachable"),
]


@pytest.mark.parametrize(("text", "cause"), CASES)
def test_each_cause_has_its_words_and_no_errno(text: str, cause: str) -> None:
    error = _network_error(OSError(text), "https://login.x.example/contoso")
    assert error.kind == "network" and error.cause == cause
    for lang in ("fr", "en"):
        said = error.message(lang) + " " + error.hint(lang)
        assert "Errno" not in said and "WinError" not in said
        assert "login.x.example" in said or cause in ("name", "unreachable")
    assert "Errno" not in error.reason


def test_a_closed_port_is_a_refused_connection() -> None:
    with pytest.raises(OAuthError) as caught:
        DeviceSignIn(MemorySecretStore(), timeout=3).start(
            TENANT_DOMAIN, CLIENT_ID, authority_host=f"https://127.0.0.1:{free_port()}")
    assert caught.value.cause == "refused"
    assert "connection to 127.0.0.1:" in caught.value.message("en")
    assert "refusée" in caught.value.message("fr")
