"""How every screen looks at 80x24, in French and in English (pytest-textual-snapshot).

Each snapshot is the app built by ``make_app``, driven with keys (text arrives
as a terminal paste) and screenshotted once every worker has finished. What is
on screen must not depend on the run:

- the settings file is ``config.toml`` *relative* to a private working folder,
  so the secret file reads ``config.secrets``, never a temporary path;
- the dashboard's last test comes from an attempt log written here with a fixed
  local time;
- MX lookups go to the test DNS server on loopback (fixed records);
- the Input cursor is made steady (a blink would fall on either phase);
- step times read "-- ms" (``ComelinApp.stable_durations``);
- a live test send shows the sandbox's port and queue id, which no input can
  fix (the sandbox listens on port 0): :func:`mask_run` replaces exactly those
  with placeholders after the run.

Update with ``pytest tests/test_snapshots.py --snapshot-update``, then review the
SVG files under ``tests/__snapshots__/`` before accepting them.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from dns_server import DnsServer, dns_server_fixture  # noqa: F401
from test_app_support import build, fill, paste, settle
from textual.pilot import Pilot
from textual.widgets import Input

from comelin_tui.app import ComelinApp
from comelin_tui.attempt_log import Attempt, append_attempt, config_key
from comelin_tui.config import CompanySettings, Config, SmtpSettings, save_config
from comelin_tui.sandbox import Sandbox
from comelin_tui.screens.test_send import TestSendScreen
from comelin_tui.secrets import SMTP_PASSWORD, FileSecretStore, secret_file_path
from comelin_tui.widgets import Tr

pytestmark = pytest.mark.parametrize("lang", ["fr", "en"])

SIZE = (80, 24)
CONFIG = Path("config.toml")  # relative on purpose: see the module docstring
EMAIL = "ventes@gshop.test"  # MX -> Google in the test DNS zone
COMPANY = "Boutique Test"
# Google shows app passwords in groups of four; the wizard strips the spaces.
APP_PASSWORD = "abcd efgh ijkl mnop"

RunBefore = Callable[[Pilot[Any]], Awaitable[None]]
SnapCompare = Callable[..., bool]


@pytest.fixture(autouse=True)
def private_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run in a private folder, with the terminal's colour settings out of the picture."""
    monkeypatch.chdir(tmp_path)
    for name in ("NO_COLOR", "TEXTUAL_COLOR_SYSTEM", "TEXTUAL_THEME", "TEXTUAL_ANIMATIONS"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


# -- driving ----------------------------------------------------------------------


async def still(pilot: Pilot[Any]) -> None:
    """Stop what moves on its own: the Input cursor blink."""
    await settle(pilot)
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False  # the cursor then stays shown, on every run
    await pilot.pause()


def then_still(steps: RunBefore) -> RunBefore:
    """*steps*, then wait for every worker and stop the cursor."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await steps(pilot)
        await still(pilot)

    return run_before


async def start_wizard(pilot: Pilot[Any]) -> None:
    await pilot.press("enter")  # "Start the setup", the welcome's first action
    await settle(pilot)


async def to_provider(pilot: Pilot[Any]) -> None:
    """Welcome -> email and name typed -> Next: the MX lookup preselects Google."""
    await start_wizard(pilot)
    await paste(pilot, EMAIL)
    await pilot.press("tab")
    await paste(pilot, COMPANY)
    await pilot.press("ctrl+n")  # looks up MX at once, then shows the provider step
    await settle(pilot)


async def to_server(pilot: Pilot[Any]) -> None:
    await to_provider(pilot)
    await pilot.press("enter")  # Enter on the preselected provider goes on
    await settle(pilot)


async def to_credentials(pilot: Pilot[Any]) -> None:
    await to_server(pilot)
    await pilot.press("ctrl+n")
    await settle(pilot)
    await paste(pilot, APP_PASSWORD)  # the password field has focus


async def to_review(pilot: Pilot[Any]) -> None:
    await to_credentials(pilot)
    await pilot.press("ctrl+n")
    await settle(pilot)


def app_for(lang: str, dns: DnsServer | None = None) -> ComelinApp:
    # A generous DNS lifetime: the loopback server answers at once, and a busy
    # machine must not turn a slow answer into "no provider detected".
    app = (build(CONFIG, language=lang) if dns is None
           else build(CONFIG, language=lang, dns_server=dns.address, dns_lifetime=5.0))
    app.stable_durations = True  # "-- ms": a step's time changes from run to run
    return app


# -- saved settings ---------------------------------------------------------------


def save_google_settings() -> None:
    """A store set up with Google Workspace, its password in the protected file."""
    config = Config(
        provider="google-workspace",
        company=CompanySettings(name=COMPANY, email=EMAIL),
        smtp=SmtpSettings(host="smtp.gmail.com", port=587, security="starttls",
                          username=EMAIL, from_address=EMAIL),
        secret_backend="file",
    )
    save_config(config, CONFIG)
    FileSecretStore(secret_file_path(CONFIG)).set(SMTP_PASSWORD, "abcdefghijklmnop")


def log_last_test() -> None:
    """One passed test in the attempt log, at a fixed wall-clock time in any time zone."""
    when = datetime(2026, 3, 2, 14, 30).astimezone()  # local, shown back as 14:30
    append_attempt(Attempt(time=when, status="ok", host="smtp.gmail.com", port=587,
                           security="starttls", provider="google-workspace",
                           config=config_key(CONFIG)))


def save_sandbox_settings(sandbox: Sandbox, **smtp: object) -> None:
    config = sandbox.demo_config()
    for name, value in smtp.items():
        setattr(config.smtp, name, value)
    save_config(config, CONFIG)
    sandbox.store_password(CONFIG, "file")


def mask_run(screen: TestSendScreen, sandbox: Sandbox) -> None:
    """Replace what a live run cannot keep stable: the port and the queue id.

    Only the shown text changes (each replacement keeps the layout): the run
    itself, its steps, diagnosis and suggestion are the real ones.
    """
    port = re.compile(rf"\b{sandbox.port}\b")
    queue_id = screen.result.queue_id if screen.result is not None else None
    for widget in screen.query(Tr):
        text = widget.text
        if not text:
            continue
        masked = port.sub("<port>", text)
        masked = re.sub(r"Testing (CA|cert) #[\w-]+", r"Testing \1 #<random>", masked)
        masked = re.sub(r"\b(?:[0-9A-F]{2}:){31}[0-9A-F]{2}\b", "<fingerprint>", masked)
        masked = masked.replace(str(sandbox.ca_file), "<ca-file>")
        if queue_id:
            masked = masked.replace(queue_id, "<queue-id>")
        if masked != text:
            widget.update(masked)


def run_test_send(sandbox: Sandbox) -> RunBefore:
    """Dashboard -> "Send a test email" -> Ctrl+R, then the run masked and shown."""

    async def steps(pilot: Pilot[Any]) -> None:
        await pilot.press("enter")  # the dashboard's first action
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, TestSendScreen)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert screen.result is not None
        mask_run(screen, sandbox)
        await pilot.pause()
        screen._show_verdict()  # as the screen does, now that the texts are masked

    return then_still(steps)


# -- home -------------------------------------------------------------------------


def test_welcome(snap_compare: SnapCompare, lang: str) -> None:
    """No settings yet: the welcome, the language choice and what the wizard asks."""
    assert snap_compare(app_for(lang), terminal_size=SIZE, run_before=then_still(settle))


def test_dashboard(snap_compare: SnapCompare, lang: str) -> None:
    """Saved settings: company, server, security, where the secret is, the last test."""
    save_google_settings()
    log_last_test()
    assert snap_compare(app_for(lang), terminal_size=SIZE, run_before=then_still(settle))


# -- the wizard's steps -----------------------------------------------------------


def test_step_email(snap_compare: SnapCompare, lang: str, dns_server: DnsServer) -> None:
    """Step 1 filled in, with the MX lookup's finding under the address."""

    async def steps(pilot: Pilot[Any]) -> None:
        await to_provider(pilot)
        await pilot.press("escape")  # back to the email step
        await settle(pilot)

    assert snap_compare(app_for(lang, dns_server), terminal_size=SIZE,
                        run_before=then_still(steps))


def test_step_provider(snap_compare: SnapCompare, lang: str, dns_server: DnsServer) -> None:
    """Step 2: Google preselected from the MX records, the reason and its checklist."""
    assert snap_compare(app_for(lang, dns_server), terminal_size=SIZE,
                        run_before=then_still(to_provider))


def test_step_server_invalid_port(snap_compare: SnapCompare, lang: str,
                                  dns_server: DnsServer) -> None:
    """Step 3: Google's presets, and an impossible port refused under its field."""

    async def steps(pilot: Pilot[Any]) -> None:
        await to_server(pilot)
        await fill(pilot, "#smtp-port", "99999")
        await pilot.press("tab")  # leaving the field shows why it is refused
        await settle(pilot)

    assert snap_compare(app_for(lang, dns_server), terminal_size=SIZE,
                        run_before=then_still(steps))


def test_step_credentials(snap_compare: SnapCompare, lang: str, dns_server: DnsServer) -> None:
    """Step 4: the username from Google's template, an app password pasted with its
    spaces (removed), the advice and where the secret will be kept."""
    assert snap_compare(app_for(lang, dns_server), terminal_size=SIZE,
                        run_before=then_still(to_credentials))


def test_step_review(snap_compare: SnapCompare, lang: str, dns_server: DnsServer) -> None:
    """Step 5 before saving: the summary and Save."""
    assert snap_compare(app_for(lang, dns_server), terminal_size=SIZE,
                        run_before=then_still(to_review))


def test_step_review_saved(snap_compare: SnapCompare, lang: str,
                           dns_server: DnsServer) -> None:
    """Step 5 after Save: the reminders from Comelin's help, and the test send."""

    async def steps(pilot: Pilot[Any]) -> None:
        await to_review(pilot)
        await pilot.press("enter")  # Save (focused)
        await settle(pilot)

    assert snap_compare(app_for(lang, dns_server), terminal_size=SIZE,
                        run_before=then_still(steps))


# -- the test send ----------------------------------------------------------------


def test_test_send_passed(snap_compare: SnapCompare, lang: str) -> None:
    """A real send through the sandbox: every step ok, the verdict and the bounce note."""
    with Sandbox() as sandbox:
        save_sandbox_settings(sandbox)
        assert snap_compare(app_for(lang), terminal_size=SIZE, run_before=run_test_send(sandbox))


def test_test_send_failed_with_fix(snap_compare: SnapCompare, lang: str) -> None:
    """No encryption against a STARTTLS server: the password is not sent, the diagnosis
    says why, and probing suggests STARTTLS on the same port (Apply suggested fix)."""
    with Sandbox() as sandbox:
        save_sandbox_settings(sandbox, security="none")
        assert snap_compare(app_for(lang), terminal_size=SIZE, run_before=run_test_send(sandbox))


# -- over the screens -------------------------------------------------------------


def test_help(snap_compare: SnapCompare, lang: str, dns_server: DnsServer) -> None:
    """F1 on the port field: what a port is, Google's hint, and the keys."""

    async def steps(pilot: Pilot[Any]) -> None:
        await to_server(pilot)
        await pilot.press("tab")  # host -> port
        await pilot.press("f1")
        await settle(pilot)

    assert snap_compare(app_for(lang, dns_server), terminal_size=SIZE,
                        run_before=then_still(steps))


def test_unsaved_changes_dialog(snap_compare: SnapCompare, lang: str,
                                dns_server: DnsServer) -> None:
    """Escape from the wizard with an address typed: save, discard or stay."""

    async def steps(pilot: Pilot[Any]) -> None:
        # Through Next and back, so the MX lookup has run: left to its typing
        # debounce, it could land before or after the screenshot.
        await to_provider(pilot)
        await pilot.press("escape")  # back to the email step
        await settle(pilot)
        await pilot.press("escape")  # leave: unsaved changes
        await settle(pilot)

    assert snap_compare(app_for(lang, dns_server), terminal_size=SIZE,
                        run_before=then_still(steps))


def test_search_palette(snap_compare: SnapCompare, lang: str) -> None:
    """Ctrl+P, "port" typed: the matching settings with their step."""

    async def steps(pilot: Pilot[Any]) -> None:
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"port")
        await settle(pilot)

    assert snap_compare(app_for(lang), terminal_size=SIZE, run_before=then_still(steps))

