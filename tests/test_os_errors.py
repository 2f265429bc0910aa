"""One table from OS error numbers to diagnosis codes, read by the classifier and the engine."""

from __future__ import annotations

import errno
import socket
import ssl

import pytest

from comelin_tui.diagnostics.classifier import DIAGNOSIS_CODES, Evidence, classify
from comelin_tui.diagnostics.engine_common import engine_code
from comelin_tui.diagnostics.engine_connect import _pick_connect_error
from comelin_tui.diagnostics.os_errors import (
    ERRNO_CODES,
    GAI_CODES,
    UNREACHABLE_ERRNOS,
    errno_code,
    os_error_code,
)


def test_every_code_of_the_table_is_a_contract_code() -> None:
    assert set(ERRNO_CODES.values()) | set(GAI_CODES.values()) <= set(DIAGNOSIS_CODES)


# A step where the code needs no refinement by the step (a timeout at connect is
# connect.timeout, a reset during a TLS step may be a wrong security mode).
_STEP = {"connect.refused": "connect", "connect.timeout": "connect",
         "connect.unreachable": "connect", "smtp.disconnected": "mail_from"}


@pytest.mark.parametrize("number", sorted(ERRNO_CODES), ids=errno.errorcode.get)
def test_classifier_and_engine_read_the_same_table(number: int) -> None:
    exc = OSError(number, "x")  # Python picks the subclass (ConnectionResetError...)
    expected = ERRNO_CODES[number]
    step = _STEP[expected]
    assert errno_code(exc) == expected
    assert classify(Evidence(step, exception=exc)).code == expected  # type: ignore[arg-type]
    assert engine_code(step, exc) == expected


@pytest.mark.parametrize("number", sorted(GAI_CODES))
def test_resolver_numbers(number: int) -> None:
    exc = socket.gaierror(number, "x")
    assert classify(Evidence("resolve", exception=exc)).code == GAI_CODES[number]
    assert engine_code("resolve", exc) == GAI_CODES[number]


def test_errors_without_a_number_go_by_their_class() -> None:
    assert os_error_code(ConnectionRefusedError()) == "connect.refused"
    assert os_error_code(ConnectionResetError()) == "smtp.disconnected"
    assert os_error_code(BrokenPipeError()) == "smtp.disconnected"
    assert os_error_code(TimeoutError()) == "connect.timeout"
    assert os_error_code(OSError("no number")) is None
    assert engine_code("banner", TimeoutError()) == "smtp.banner_timeout"
    assert engine_code("data", TimeoutError()) is None  # the classifier says what it can


def test_an_ssl_error_number_is_not_an_os_error_number() -> None:
    error = ssl.SSLError(1, "[SSL] something unexpected")  # 1 is SSL_ERROR_SSL, not EPERM
    assert errno.EPERM == 1 and errno.EPERM in UNREACHABLE_ERRNOS
    assert errno_code(error) is None and os_error_code(error) is None
    assert engine_code("tls", error) is None
    assert classify(Evidence("tls", exception=error)).code != "connect.unreachable"


def test_connect_blames_a_timeout_over_a_no_route_error() -> None:
    no_route = OSError(errno.EPERM, "Operation not permitted")  # a local firewall, IPv6
    timeout = TimeoutError()
    assert _pick_connect_error([no_route, timeout]) is timeout
    assert _pick_connect_error([no_route]) is no_route
