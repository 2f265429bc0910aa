"""Mistakes caught before the test send: a Google app password that is not one, a sender
the login may not send as, a server that is not the chosen provider's. Warnings from the
core checks (the wizard, the review and ``comelin-tui show`` all use them)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from comelin_tui.config import CompanySettings, Config, SmtpSettings, save_config
from comelin_tui.config_checks import config_warnings, password_warnings
from comelin_tui.secrets import SMTP_PASSWORD, FileSecretStore, Secret, secret_file_path


def settings(provider: str = "google-workspace", *, host: str = "smtp.gmail.com",
             username: str = "ventes@boutique.test", sender: str = "ventes@boutique.test",
             auth: str = "password") -> Config:
    return Config(provider=provider,
                  company=CompanySettings(name="Boutique", email="ventes@boutique.test"),
                  smtp=SmtpSettings(host=host, port=587, security="starttls", auth=auth,
                                    username=username, from_address=sender))


def keys(warnings) -> list[str]:
    return [w.key for w in warnings]


@pytest.mark.parametrize("password", ["abcd efgh ijkl mnop", "abcdefghijklmnop",
                                      "ABCD EFGH IJKL MNOP"])
def test_a_google_app_password_as_google_shows_it_passes(password: str) -> None:
    assert password_warnings(settings(), password) == []
    assert password_warnings(settings("google-smtp-relay", host="smtp-relay.gmail.com"),
                             Secret(password)) == []


@pytest.mark.parametrize("password", ["Boutique2026!", "abcd efgh ijkl mno",
                                      "abcd-efgh-ijkl-mnop", "abcd efgh ijkl mnop q",
                                      "abcd3fgh1jklmn0p"])
def test_a_google_password_that_is_not_16_letters_is_caught(password: str) -> None:
    found = password_warnings(settings(), Secret(password))
    assert keys(found) == ["config.warn.google_app_password"] and found[0].field == "password"
    for lang in ("fr", "en"):
        said = found[0].message(lang) + found[0].hint(lang)
        assert "16" in said and password not in said
    assert "App passwords" in found[0].hint("en")
    assert "Mots de passe des applications" in found[0].hint("fr")


def test_other_providers_passwords_are_not_judged_by_google_s_rule() -> None:
    assert password_warnings(settings("microsoft365", host="smtp.office365.com"),
                             "short") == []
    assert password_warnings(settings(auth="none"), "short") == []


def test_a_sender_that_is_not_the_login_needs_send_as_rights() -> None:
    found = config_warnings(settings(username="caisse@boutique.test"))
    assert keys(found) == ["config.warn.send_as"] and found[0].field == "smtp.username"
    assert "caisse@boutique.test" in found[0].message("en")
    assert "ventes@boutique.test" in found[0].message("fr")
    assert '"Send As"' in found[0].hint("en") and "Send mail as" in found[0].hint("en")
    # The same address in other capitals, a login that is not an address, no login: fine.
    assert config_warnings(settings(username="Ventes@Boutique.TEST")) == []
    assert config_warnings(settings("custom", host="mail.boutique.test",
                                    username="caisse123")) == []
    assert config_warnings(settings("custom", host="mail.boutique.test",
                                    username="caisse@boutique.test", auth="none")) == []


@pytest.mark.parametrize(("provider", "host", "expected"), [
    ("google-workspace", "smtp.office365.com", "smtp.gmail.com"),
    ("microsoft365", "smtp.gmail.com", "smtp.office365.com"),
    ("microsoft365-relay", "smtp.gmail.com", "mail.protection.outlook.com"),
    ("sendgrid", "smtp.mailgun.org", "smtp.sendgrid.net"),
])
def test_a_server_that_is_not_the_provider_s_is_caught(provider: str, host: str,
                                                        expected: str) -> None:
    found = [w for w in config_warnings(settings(provider, host=host))
             if w.key == "config.warn.host_not_provider"]
    assert len(found) == 1 and found[0].field == "smtp.host"
    assert host in found[0].message("en") and expected in found[0].message("en")
    assert expected in found[0].hint("fr")


def test_the_provider_is_named_in_the_language_asked() -> None:
    warning = next(w for w in config_warnings(settings(host="smtp.office365.com"))
                   if w.key == "config.warn.host_not_provider")
    assert warning.message("en") != warning.message("fr")
    assert "n'est pas parmi ceux connus pour Google Workspace" in warning.message("fr")


@pytest.mark.parametrize(("provider", "host"), [
    ("google-workspace", "smtp.gmail.com"),
    ("google-workspace", "SMTP.Gmail.com."),
    ("microsoft365-relay", "boutique-test.mail.protection.outlook.com"),
    ("microsoft365-relay", "boutique-test.l-v1.mx.microsoft"),
    ("zoho", "smtppro.zoho.eu"),
    ("amazon-ses", "email-smtp.eu-west-1.amazonaws.com"),
    ("custom", "smtp.office365.com"),
    ("google-workspace", ""),
    # A server on this machine (a local relay, the demo's) is not judged.
    ("zoho", "127.0.0.1"),
    ("google-workspace", "localhost"),
    ("microsoft365", "::1"),
])
def test_the_provider_s_own_servers_pass(provider: str, host: str) -> None:
    assert "config.warn.host_not_provider" not in keys(
        config_warnings(settings(provider, host=host)))


def test_show_lists_the_mistakes_too(tmp_path: Path) -> None:
    config_path = tmp_path / "config.toml"
    config = settings(host="smtp.office365.com", username="caisse@boutique.test")
    config.secret_backend = "file"
    save_config(config, config_path)
    FileSecretStore(secret_file_path(config_path)).set(SMTP_PASSWORD, "Boutique2026!")
    result = subprocess.run(
        [sys.executable, "-m", "comelin_tui", "--lang", "en", "show", "--config",
         str(config_path)], capture_output=True, text=True, timeout=60, check=False,
        env=dict(os.environ))
    assert result.returncode in (0, 1), result.stderr
    out = " ".join(result.stdout.split())
    assert "is not Google Workspace / Gmail's (smtp.gmail.com)" in out
    assert "has the right to send as ventes@boutique.test" in out
    assert "A Google app password is 16 letters" in out
    assert "Boutique2026!" not in result.stdout + result.stderr
