"""The wizard warns, on the step where each is typed and again on the review, of the
mistakes a test send would only show as a refusal; none of them blocks Save. The review
shows the CA file and the timeout too."""

from __future__ import annotations

from pathlib import Path

from test_app_support import SIZE, assert_no_errors, build, fill, settle, texts

from comelin_tui.config import CompanySettings, Config, SmtpSettings, load_config, save_config
from comelin_tui.screens.wizard import WizardScreen
from comelin_tui.widgets import Tr


def saved_google(tmp_path: Path) -> Path:
    """Google Workspace chosen, but Microsoft's server, and a login that is not the
    sender."""
    config_path = tmp_path / "config.toml"
    save_config(Config(
        provider="google-workspace",
        company=CompanySettings(name="Boutique", email="ventes@boutique.test"),
        smtp=SmtpSettings(host="smtp.office365.com", port=587, security="starttls",
                          username="caisse@boutique.test", from_address="ventes@boutique.test",
                          timeout=20.0, ca_file=tmp_path / "private-ca.pem"),
        secret_backend="file",
    ), config_path)
    (tmp_path / "private-ca.pem").write_text("not used here\n")
    return config_path


def shown(pilot, selector: str) -> str:
    widget = pilot.app.screen.query_one(selector, Tr)
    return widget.text if widget.display else ""


async def test_each_mistake_is_shown_on_its_step_and_on_the_review(tmp_path: Path) -> None:
    config_path = saved_google(tmp_path)
    app = build(config_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_wizard("edit", field="smtp.host")
        await settle(pilot)
        wizard = app.screen
        assert isinstance(wizard, WizardScreen) and wizard.current == "server"
        server = shown(pilot, "#server-warnings")
        assert "smtp.office365.com is not Google Workspace / Gmail's (smtp.gmail.com)" \
            in server
        assert "send as" not in server  # the login's warning is on the login's step

        await pilot.press("ctrl+n")
        await settle(pilot)
        assert wizard.current == "credentials"
        login = shown(pilot, "#cred-warnings")
        assert "The sender (ventes@boutique.test) is not the login (caisse@boutique.test)" \
            in login and '"Send As"' in login
        await fill(pilot, "#password", "Boutique2026!")  # the account's usual password
        assert shown(pilot, "#cred-password-warning") == ""  # not judged while typing
        await pilot.press("tab")  # the field left: judged
        await settle(pilot)
        assert "A Google app password is 16 letters" in shown(pilot, "#cred-password-warning")
        await pilot.press("f2")
        await settle(pilot)
        assert "compte 16 lettres" in shown(pilot, "#cred-password-warning")
        assert "n'est pas le compte de connexion" in shown(pilot, "#cred-warnings")
        await pilot.press("f2")
        await settle(pilot)

        await pilot.press("ctrl+n")  # warnings never block
        await settle(pilot)
        assert wizard.current == "review"
        review = texts(pilot)
        for expected in ("is not Google Workspace / Gmail's", "has the right to send as",
                         "A Google app password is 16 letters",
                         "CA file", str(tmp_path / "private-ca.pem"), "Timeout", "20 s"):
            assert expected in review, expected
        assert "Boutique2026!" not in review
        await pilot.press("f2")
        await settle(pilot)
        review = texts(pilot)
        for expected in ("n'est pas parmi ceux connus pour Google Workspace", "Fichier CA", "Délai", "20 s",
                         "compte 16 lettres"):
            assert expected in review, expected
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("enter")  # Save
        await settle(pilot)
        assert "Settings and password saved." in texts(pilot)
        assert_no_errors(app)
    assert load_config(config_path).smtp.host == "smtp.office365.com"


async def test_an_app_password_pasted_with_its_spaces_warns_of_nothing(tmp_path: Path) -> None:
    config_path = saved_google(tmp_path)
    config = load_config(config_path)
    config.smtp.host, config.smtp.username = "smtp.gmail.com", "ventes@boutique.test"
    config.smtp.ca_file = None
    save_config(config, config_path)
    app = build(config_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_wizard("password")
        await settle(pilot)
        wizard = app.screen
        assert wizard.current == "credentials"
        await fill(pilot, "#password", "abcd efgh ijkl mnop")  # as Google shows it
        await pilot.press("tab")
        await settle(pilot)
        assert shown(pilot, "#cred-password-warning") == ""
        assert shown(pilot, "#cred-warnings") == ""
        await pilot.press("ctrl+n")
        await settle(pilot)
        review = texts(pilot)
        assert "! " not in review
        assert "- (the system's authorities)" in review and "20 s" in review
        assert_no_errors(app)
