"""The core stays free of Textual, and the CLI's fast paths stay light."""

from __future__ import annotations

import subprocess
import sys

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
    for heavy in ("textual", "pydantic", "keyring", "dns", "aiosmtplib", "aiosmtpd"):
        assert heavy not in modules, heavy
