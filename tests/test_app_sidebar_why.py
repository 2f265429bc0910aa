"""A [!] in the wizard's list of steps always says why, on the row under it: the
fields to fix, or the failed test; in the screen's language."""

from __future__ import annotations

from pathlib import Path

from language_check import drawn_text
from test_app_support import SIZE, build, fill, settle

from comelin_tui.config import Config, SmtpSettings, save_config
from comelin_tui.fields import field_label
from comelin_tui.screens.wizard import WizardScreen


def row(wizard: WizardScreen, step: str) -> str:
    return str(wizard.query_one("#steps").get_option(step).prompt)


async def test_a_step_marked_to_fix_names_its_field_in_both_languages(tmp_path: Path) -> None:
    config_path = tmp_path / "config.toml"
    save_config(Config(company={"name": "Quincaillerie", "email": "ventes@exemple.ca"},
                       smtp=SmtpSettings(host="smtp.exemple.ca", port=587, security="starttls",
                                         username="ventes@exemple.ca",
                                         from_address="ventes@exemple.ca"),
                       secret_backend="file"), config_path)
    app = build(config_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_wizard("edit", field="smtp.port")
        await settle(pilot)
        wizard = app.screen
        assert isinstance(wizard, WizardScreen)
        await fill(pilot, "#smtp-port", "99999")
        wizard.goto("review")
        await settle(pilot)
        server = row(wizard, "server")
        assert server.startswith("[!] Server") and "\n" in server
        assert field_label("smtp.port", "en") in server.split("\n", 1)[1]
        await pilot.press("f2")
        await settle(pilot)
        server = row(wizard, "server")
        assert server.startswith("[!] Serveur")
        assert field_label("smtp.port", "fr") in server.split("\n", 1)[1]
        for step in ("email", "provider", "server", "credentials", "review", "test"):
            marked, _sep, why = row(wizard, step).partition("\n")
            # Every [!] has its reason under it (no password saved: the password);
            # no other mark has a line.
            assert bool(why.strip()) == marked.startswith("[!]"), row(wizard, step)


async def test_the_failed_test_mark_says_the_test_failed(tmp_path: Path) -> None:
    config_path = tmp_path / "config.toml"
    save_config(Config(company={"email": "ventes@exemple.ca"},
                       smtp=SmtpSettings(host="smtp.exemple.ca", port=587, security="starttls",
                                         username="ventes@exemple.ca",
                                         from_address="ventes@exemple.ca"),
                       secret_backend="file"), config_path)
    app = build(config_path, language="fr")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.last_test_status = "fail"  # as the test screen sets it after a failed send
        app.open_wizard("edit")
        await settle(pilot)
        wizard = app.screen
        assert isinstance(wizard, WizardScreen)
        assert row(wizard, "test") == "[!] Envoi test\n    test échoué"
        await pilot.press("f2")
        await settle(pilot)
        assert row(wizard, "test") == "[!] Test send\n    test failed"


async def test_a_long_why_wraps_indented_under_the_step_within_the_list(
        tmp_path: Path) -> None:
    config_path = tmp_path / "config.toml"
    save_config(Config(company={"name": "Quincaillerie", "email": "ventes@exemple.ca"},
                       smtp=SmtpSettings(host="smtp.exemple.ca", port=587, security="starttls",
                                         username="ventes@exemple.ca",
                                         from_address="ventes@exemple.ca"),
                       secret_backend="file"), config_path)
    app = build(config_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_wizard("edit", field="smtp.host")
        await settle(pilot)
        wizard = app.screen
        assert isinstance(wizard, WizardScreen)
        await fill(pilot, "#smtp-host", "smtp://mail.exemple.ca:25")
        await fill(pilot, "#smtp-port", "0")
        wizard.goto("review")
        await settle(pilot)
        steps = wizard.query_one("#steps")
        width = steps.scrollable_content_region.width
        for lang, name in (("en", "Server"), ("fr", "Serveur")):
            if lang == "fr":
                await pilot.press("f2")
                await settle(pilot)
            fields = [field_label("smtp.host", lang), field_label("smtp.port", lang)]
            for line in row(wizard, "server").split("\n"):
                assert len(line) <= width, (line, width)  # nothing left to wrap
            # As drawn: the rows under "[!] Server" are all indented, up to the next step.
            left = steps.region.x
            lines = [line[left:left + width] for line in drawn_text(app).splitlines()]
            start = lines.index(f"[!] {name}".ljust(width))
            why = []
            for line in lines[start + 1:]:
                if line.startswith("["):
                    break
                assert line.startswith("    ") and line.strip(), lines[start:start + 4]
                why.append(line.strip())
            assert " ".join(why) == ", ".join(fields), why
