"""The wizard stays responsive while a DNS server never answers the MX lookup."""

from __future__ import annotations

import time
from pathlib import Path

from dns_server import DnsServer, dns_server_fixture  # noqa: F401
from test_app_support import SIZE, build, paste, settle, texts, value

from comelin_tui.screens.wizard import WizardScreen

LIFETIME = 1.5


async def test_typing_goes_on_while_the_mx_lookup_waits(tmp_path: Path,
                                                        dns_server: DnsServer) -> None:
    app = build(tmp_path / "config.toml", dns_server=dns_server.address, dns_lifetime=LIFETIME)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # start the setup
        await settle(pilot)
        wizard = app.screen
        assert isinstance(wizard, WizardScreen)
        await paste(pilot, "ventes@slow.test")  # slow.test: the DNS server never answers
        started = time.monotonic()
        wizard.lookup_now()
        await pilot.pause()
        assert wizard.mx_running
        # Type the company name while the lookup is still waiting: every key lands.
        await pilot.press("tab", *"Boutique")
        await pilot.pause()
        assert value(pilot, "#company-name") == "Boutique"
        assert wizard.mx_running, "the lookup should still be waiting"
        assert time.monotonic() - started < LIFETIME
        await app.workers.wait_for_complete()
        elapsed = time.monotonic() - started
        await pilot.pause()
        assert not wizard.mx_running
        assert elapsed < LIFETIME + 0.7  # bounded by the lifetime, never a hang
        assert wizard.mx_result is not None and wizard.mx_result.status == "timeout"
        assert wizard.mx_result.message("en") in texts(pilot)
        assert wizard.draft.provider == "custom"  # no guess: nothing is blocked either


async def test_microsoft_365_starts_on_the_recommended_sign_in(tmp_path: Path) -> None:
    """Picking Microsoft 365 selects "Sign in with Microsoft"; a person's choice then sticks."""
    app = build(tmp_path / "config.toml")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        wizard = app.screen
        assert isinstance(wizard, WizardScreen)
        await paste(pilot, "caisse@contoso.example")
        await settle(pilot)
        assert wizard.draft.smtp.auth == "password"  # custom: a password
        wizard.choose_provider("microsoft365", by_user=True)
        await pilot.pause()
        assert wizard.draft.smtp.auth == "oauth2"
        wizard.choose_provider("google-workspace", by_user=True)
        await pilot.pause()
        assert wizard.draft.smtp.auth == "password"  # Google has no other way
        wizard.choose_provider("microsoft365", by_user=True)
        await pilot.pause()
        assert wizard.draft.smtp.auth == "oauth2"
        # The technician picks the password: choosing the provider again keeps it.
        wizard.assign("smtp.auth", "password")
        wizard.choose_provider("outlook-com", by_user=True)
        wizard.choose_provider("microsoft365", by_user=True)
        await pilot.pause()
        assert wizard.draft.smtp.auth == "password"
