"""Reading the settings without pydantic gives what the models give: values, errors, lines."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import given
from hypothesis import strategies as st
from test_config_fuzz import FUZZ, VALID_TEXT, damaged_files, plausible_documents

from comelin_tui.config import (
    CompanySettings,
    Config,
    ConfigError,
    OAuthSettings,
    SmtpSettings,
    config_from_dict,
    load_config,
    save_config,
    with_changes,
)
from comelin_tui.config_read import (
    CompanyView,
    ConfigView,
    OAuthView,
    SmtpView,
    _fast,
    read_config,
    view_from_dict,
    view_of,
)
from comelin_tui.config_read import with_changes as view_with_changes

PAIRS = [(Config, ConfigView), (CompanySettings, CompanyView), (SmtpSettings, SmtpView),
         (OAuthSettings, OAuthView)]


@pytest.mark.parametrize(("model", "view"), PAIRS, ids=lambda cls: cls.__name__)
def test_the_views_have_the_models_fields_in_order_with_their_defaults(model: Any,
                                                                       view: Any) -> None:
    assert [item.name for item in dataclasses.fields(view)] == list(model.model_fields)
    assert dataclasses.asdict(view()) == model().model_dump()


def _same_outcome(read: Any, load: Any) -> None:
    """Both give equal settings, or both the same ConfigError, word for word."""
    try:
        expected = load()
    except ConfigError as error:
        with pytest.raises(ConfigError) as caught:
            read()
        got = caught.value
        assert type(got) is type(error)
        for lang in ("en", "fr"):
            assert got.message(lang) == error.message(lang)
        assert (got.line, got.field, got.key) == (error.line, error.field, error.key)
        return
    view = read()
    assert view == view_of(expected)
    assert view.to_config() == expected


@FUZZ
@given(document=plausible_documents())
def test_any_data_gives_what_the_models_give(document: dict[str, Any]) -> None:
    _same_outcome(lambda: view_from_dict(document), lambda: config_from_dict(document))


@pytest.fixture(scope="module")
def folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as name:
        yield Path(name)


@FUZZ
@given(data=st.one_of(damaged_files(), st.binary(max_size=300)))
def test_any_file_gives_what_load_config_gives(folder: Path, data: bytes) -> None:
    path = folder / "config.toml"
    path.write_bytes(data)
    _same_outcome(lambda: read_config(path), lambda: load_config(path))


@FUZZ
@given(document=plausible_documents())
def test_any_toml_document_gives_what_load_config_gives(folder: Path,
                                                        document: dict[str, Any]) -> None:
    path = folder / "document.toml"
    path.write_text(tomli_w.dumps(document))
    _same_outcome(lambda: read_config(path), lambda: load_config(path))


def test_a_saved_file_is_read_by_the_fast_path(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(VALID_TEXT)
    view = read_config(path)
    assert view == view_of(load_config(path))
    assert _fast(tomllib.loads(VALID_TEXT.decode())) == view  # no fallback to the models
    assert view.smtp.host == "smtp.épicerie.ca" and view.smtp.port == 465
    assert view.company.email == "caisse@épicerie.ca" and view.dns_server == "192.0.2.53:5353"


CHANGES = [
    {"smtp.port": 465},
    {"smtp.host": "smtp.example.net", "smtp.security": "implicit_tls"},
    {"smtp.port": 0},
    {"smtp.security": "tls"},
    {"smtp.nope": 1},
    {"nope.port": 1},
    {"smtp.timeout": 7.5, "smtp.ca_file": None},
]


@pytest.mark.parametrize("changes", CHANGES, ids=repr)
def test_changes_are_validated_like_the_models_do(changes: dict[str, object]) -> None:
    config = Config(smtp=SmtpSettings(host="smtp.example.org"))
    _same_outcome(lambda: view_with_changes(view_of(config), changes),
                  lambda: with_changes(config, changes))


def test_the_models_take_a_view_for_editing() -> None:
    view = view_from_dict({"smtp": {"host": "SMTP.Example.org", "port": "2525"}})
    assert with_changes(view, {"smtp.port": 587}) == Config(  # type: ignore[arg-type]
        smtp=SmtpSettings(host="smtp.example.org", port=587))


def test_reading_the_settings_loads_no_pydantic(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    save_config(Config(company=CompanySettings(email="caisse@example.net"),
                       smtp=SmtpSettings(host="smtp.example.net", username="caisse")), path)
    code = f"""
import sys
from comelin_tui.config_read import read_config
view = read_config({str(path)!r})
assert view.smtp.host == "smtp.example.net"
print(" ".join(m for m in ("pydantic", "comelin_tui.config_models") if m in sys.modules))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=60).stdout
    assert out.strip() == ""
