"""The compatibility module: argparse speaks French through its private gettext hook.

If a new Python renames the hook or rewords a message the French table knows,
these tests fail (the words would silently fall back to English otherwise).
"""

from __future__ import annotations

import argparse
import ast
import inspect
import subprocess
import sys

import pytest

from comelin_tui import cli, i18n
from comelin_tui.compat import ARGPARSE_FR, localise_argparse


def _argparse_message_ids() -> set[str]:
    """Every literal argparse passes to its ``_`` hook, read from its source."""
    tree = ast.parse(inspect.getsource(argparse))
    return {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "_"
        and node.args and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    }


def test_argparse_still_looks_its_words_up_through_the_hook() -> None:
    assert callable(getattr(argparse, "_", None)), "argparse has no module-level _ any more"
    unknown = set(ARGPARSE_FR) - _argparse_message_ids()
    assert not unknown, f"argparse reworded or dropped: {sorted(unknown)}"


def test_the_hook_takes_effect_and_follows_the_language() -> None:
    language = ["fr"]
    try:
        assert localise_argparse(lambda: language[0]) is True
        parser = argparse.ArgumentParser(prog="x")
        assert "utilisation\u00a0: x" in parser.format_help()
        language[0] = "en"
        assert "usage: x" in parser.format_help()
    finally:
        localise_argparse(i18n.get_language)


def test_without_the_hook_argparse_stays_in_english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(argparse, "_")
    assert localise_argparse(lambda: "fr") is False
    assert not hasattr(argparse, "_")


def _comelin(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "comelin_tui", *args], capture_output=True,
                          text=True, timeout=60, check=False)


def test_french_help_and_errors_from_the_real_command() -> None:
    shown = _comelin("--lang", "fr", "--help")
    assert shown.returncode == 0
    assert shown.stdout.startswith("utilisation\u00a0: comelin-tui")
    assert "afficher cette aide et quitter" in shown.stdout
    assert "afficher la version et quitter" in shown.stdout
    refused = _comelin("--lang", "fr", "--bogus")
    assert refused.returncode == 2
    assert "comelin-tui\u00a0: erreur\u00a0: arguments non reconnus\u00a0: --bogus" in refused.stderr
    sub = _comelin("--lang", "fr", "check", "--port")
    assert "argument --port\u00a0: une valeur est attendue" in sub.stderr


def test_english_help_and_errors_stay_argparse_own(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as ended:
        cli.run(["--lang", "en", "--bogus"])
    assert ended.value.code == 2
    assert "comelin-tui: error: unrecognized arguments: --bogus" in capsys.readouterr().err
