"""The core stays free of Textual, and the CLI's fast paths stay light."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CORE_MODULES = [
    "comelin_tui.config",
    "comelin_tui.secrets",
    "comelin_tui.providers",
    "comelin_tui.diagnostics.model",
    "comelin_tui.diagnostics.engine",
    "comelin_tui.diagnostics.classifier",
    "comelin_tui.diagnostics.probe",
    "comelin_tui.discovery",
    "comelin_tui.sandbox",
    "comelin_tui.attempt_log",
    "comelin_tui.cli",
    "comelin_tui.compat",
    "comelin_tui.oauth",
    "comelin_tui.oauth_check",
]


def _modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys; print('\\n'.join(sys.modules))"],
        capture_output=True, text=True, check=True,
    ).stdout
    return set(out.split())


def test_core_does_not_import_textual() -> None:
    modules = _modules_after("\n".join(f"import {m}" for m in CORE_MODULES))
    assert "textual" not in modules


def test_version_imports_nothing_heavy() -> None:
    code = (
        "import sys\nfrom comelin_tui.cli import run\n"
        "try:\n    run(['--version'])\nexcept SystemExit:\n    pass\n"
    )
    modules = _modules_after(code)
    # asyncio too: every command's parser is built for --version, and one of them
    # importing asyncio at the top would cost every start-up.
    for heavy in ("textual", "pydantic", "keyring", "dns", "aiosmtplib", "aiosmtpd", "asyncio"):
        assert heavy not in modules, heavy


def test_show_imports_no_network_stack(tmp_path: Path) -> None:
    """`show` reads a file: no Textual, DNS, SMTP, keyring (file backend) or asyncio."""
    from comelin_tui.config import Config, save_config

    path = tmp_path / "config.toml"
    save_config(Config(secret_backend="file"), path)
    code = (
        "import contextlib, io\nfrom comelin_tui.cli import run\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    assert run(['show', '--config', {str(path)!r}]) == 0\n"
    )
    modules = _modules_after(code)
    for heavy in ("textual", "keyring", "dns", "aiosmtplib", "aiosmtpd", "msal", "asyncio"):
        assert heavy not in modules, heavy


def test_import_contracts_hold() -> None:
    """The import-linter contracts in pyproject.toml (layers, Textual only in the TUI) are kept.

    grimp reads every import statement, so a lazy import inside a function or one
    under TYPE_CHECKING breaks a contract as surely as one at the top of a module.
    """
    root = Path(__file__).resolve().parents[1]
    scripts = Path(sys.executable).parent
    lint = next((path for path in (scripts / "lint-imports", scripts / "lint-imports.exe")
                 if path.exists()), None)
    assert lint is not None, f"lint-imports is not installed next to {sys.executable}"
    result = subprocess.run(
        [str(lint), "--no-cache", "--no-logo", str(root / "pyproject.toml")],
        check=False, capture_output=True, text=True, cwd=root,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout, result.stdout
