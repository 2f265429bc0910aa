"""Whatever is in the settings file, loading it gives a Config or a ConfigError, nothing else."""

from __future__ import annotations

import datetime
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comelin_tui.config import (
    CompanySettings,
    Config,
    ConfigError,
    SmtpSettings,
    load_config,
    save_config,
    to_toml,
)

FUZZ = settings(max_examples=100, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

VALID_TEXT = to_toml(Config(
    language="fr", dns_server="192.0.2.53:5353",
    company=CompanySettings(name="Épicerie", email="caisse@épicerie.ca"),
    smtp=SmtpSettings(host="smtp.épicerie.ca", port=465, security="implicit_tls",
                      username="caisse", from_address="caisse@épicerie.ca",
                      reply_to="info@épicerie.ca", pinned_fingerprint="AB" * 32),
)).encode()

SECTIONS = {
    "company": ["name", "email", "nmae"],
    "smtp": ["host", "port", "security", "auth", "username", "from_address", "reply_to",
             "timeout", "ca_file", "pinned_fingerprint", "allow_insecure_auth", "prot"],
    "oauth": ["tenant", "client_id", "account"],
}
TOP_KEYS = ["version", "language", "provider", "secret_backend", "dns_server", "smpt", "x"]

plausible_text = st.sampled_from([
    "", " ", "smtp.gmail.com", "smtp.gmail.com:587", "smtp://x", "caisse@épicerie.ca",
    "a@@b", "starttls", "implicit_tls", "none", "password", "oauth2", "fr", "en", "keyring",
    "file", "1.1.1.1", "[::1]:53", "AB:" * 31 + "AB", "587", "~/ca.pem", "xn--zz.com",
    "é" * 70, "a\u0000b", "\u200b", "..", "[", "custom", "~no-such-user-comelin/ca.pem",
])
scalars = st.one_of(
    plausible_text,
    st.text(max_size=40),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.sampled_from([0, 1, 2, 25, 465, 587, 65535, 65536]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.datetimes(max_value=datetime.datetime(9999, 1, 1)),
    st.dates(),
    st.times(),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=6,
)

# Inside sections, mostly values that could be right, so some documents load.
section_values = st.one_of(plausible_text, st.sampled_from([25, 465, 587, 15.0, True, False]),
                           values)


@st.composite
def plausible_documents(draw: st.DrawFn) -> dict[str, Any]:
    document: dict[str, Any] = {}
    for key in draw(st.lists(st.sampled_from(TOP_KEYS), max_size=4, unique=True)):
        document[key] = draw(values)
    if draw(st.booleans()):
        document["version"] = draw(st.sampled_from([1, 1, 1, 2, 0, -1, "1", 1.0, True]))
    for section, keys in SECTIONS.items():
        if draw(st.booleans()):
            chosen = draw(st.lists(st.sampled_from(keys), max_size=len(keys), unique=True))
            document[section] = {key: draw(section_values) for key in chosen}
        elif draw(st.integers(0, 9)) == 0:
            document[section] = draw(scalars)  # a section that is not a table
    return document


@st.composite
def damaged_files(draw: st.DrawFn) -> bytes:
    """A valid settings file with a few bytes changed, inserted or cut."""
    data = bytearray(VALID_TEXT)
    for _ in range(draw(st.integers(1, 4))):
        position = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["replace", "insert", "cut"]))
        byte = draw(st.integers(0, 255))
        if action == "insert" or position == len(data):
            data.insert(position, byte)
        elif action == "replace":
            data[position] = byte
        else:
            del data[position:position + draw(st.integers(1, 20))]
    return bytes(data)


@pytest.fixture(scope="module")
def folder() -> Iterator[Path]:
    # Module-scoped: hypothesis reruns the test body many times in one test call.
    with tempfile.TemporaryDirectory() as name:
        yield Path(name)


def _load_only_config_error(path: Path, data: bytes) -> None:
    path.write_bytes(data)
    try:
        config = load_config(path)
    except ConfigError as error:
        # The message must render in both languages and name the file.
        assert str(path) in error.message("en") and str(path) in error.message("fr")
        return
    # Whatever loads must save and load back unchanged.
    target = path.with_name("resaved.toml")
    save_config(config, target)
    assert load_config(target) == config


@FUZZ
@given(data=st.one_of(st.binary(max_size=600), damaged_files()))
def test_random_bytes_give_config_or_config_error(folder: Path, data: bytes) -> None:
    _load_only_config_error(folder / "bytes.toml", data)


@FUZZ
@given(document=plausible_documents())
def test_random_toml_gives_config_or_config_error(folder: Path, document: dict[str, Any]) -> None:
    _load_only_config_error(folder / "document.toml", tomli_w.dumps(document).encode())
