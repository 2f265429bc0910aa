"""``comelin-tui signin``: the device code sign-in from the command line, against a local
identity provider over HTTPS (msal for real), and the OSC 52 copy helper."""

from __future__ import annotations

import _thread
import base64
import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from idp_server import (  # noqa: F401 - fixtures
    CLIENT_ID,
    DEVICE_GRANT,
    TENANT_DOMAIN,
    TENANT_ID,
    USERNAME,
    VERIFICATION_URI,
    LocalIdentityProvider,
    idp_fixture,
    idp_server_fixture,
)

from comelin_tui.cli import run
from comelin_tui.config import (
    CompanySettings,
    Config,
    OAuthSettings,
    SmtpSettings,
    load_config,
    save_config,
)
from comelin_tui.oauth import AUTHORITY_ENV, INSTALL_COMMAND
from comelin_tui.secrets import OAUTH_TOKEN_CACHE, FileSecretStore, secret_file_path
from comelin_tui.terminal import osc52_copy, write_osc52

OSC52_START = "\x1b]52;c;"


def write_config(path: Path, *, provider: str = "microsoft365", tenant: str = TENANT_DOMAIN,
                 client_id: str = CLIENT_ID, username: str = "") -> Path:
    save_config(Config(
        provider=provider,
        company=CompanySettings(name="Boutique", email=USERNAME),
        smtp=SmtpSettings(host="smtp.office365.com", port=587, username=username),
        oauth=OAuthSettings(tenant=tenant, client_id=client_id),
    ), path)
    return path


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    return write_config(tmp_path / "conf" / "config.toml")


@pytest.fixture
def authority(idp: LocalIdentityProvider, monkeypatch: pytest.MonkeyPatch) -> LocalIdentityProvider:
    """The command talks to the local identity provider and trusts its CA."""
    monkeypatch.setenv(AUTHORITY_ENV, idp.base_url)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(idp.ca_file))
    return idp


def signin(config: Path, *extra: str) -> int:
    return run(["signin", "--config", str(config), *extra])


def files_beside(config: Path) -> dict[Path, str]:
    """Every file in the settings folder except the secret file (settings, backups)."""
    secrets = secret_file_path(config)
    return {p: p.read_text(errors="replace") for p in config.parent.iterdir()
            if p.is_file() and p != secrets}


# -- success ------------------------------------------------------------------------------

def test_sign_in_saves_settings_and_token_cache_never_a_token_in_the_config(
        authority: LocalIdentityProvider, config_file: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    assert signin(config_file) == 0
    out, err = capsys.readouterr()

    code = next(iter(authority.device_codes.values()))
    assert code.used
    assert VERIFICATION_URI in out
    # The code on its own line, set apart by spaces (the IdP's codes: a letter, 8 hex digits).
    assert re.search(r"  Code:  [B-Z][0-9A-F]{8}  ", out)
    assert f"Signed in: {USERNAME}" in out
    assert f"{USERNAME} (sign-in token of" in out  # describe_sign_in
    assert str(secret_file_path(config_file)) in out  # where it is kept
    # Not a terminal (captured): no countdown, no OSC 52.
    assert "\r" not in out and "\x1b" not in out and "Waiting for the sign-in" in out

    config = load_config(config_file)
    assert config.smtp.auth == "oauth2"
    assert (config.oauth.tenant, config.oauth.client_id) == (TENANT_DOMAIN, CLIENT_ID)
    assert config.oauth.account == USERNAME
    assert config.smtp.username == USERNAME  # was empty
    assert config.secret_backend == "file"  # the headless box: no keyring

    saved = FileSecretStore(secret_file_path(config_file)).get(OAUTH_TOKEN_CACHE)
    issued = authority.secrets_issued()
    assert saved and len(issued) == 2 and all(token in saved for token in issued)
    texts = files_beside(config_file)
    assert config_file in texts
    for token in issued:
        assert all(token not in text for text in texts.values())
        assert token not in out + err


def test_options_win_over_saved_settings_and_a_different_username_is_flagged(
        authority: LocalIdentityProvider, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    path = write_config(tmp_path / "config.toml", tenant="", client_id="",
                        username="autre@contoso.example")
    assert signin(path, "--tenant", TENANT_ID.upper(), "--client-id", CLIENT_ID.upper()) == 0
    _, err = capsys.readouterr()
    config = load_config(path)
    assert (config.oauth.tenant, config.oauth.client_id) == (TENANT_ID.upper(), CLIENT_ID)
    assert config.smtp.username == "autre@contoso.example"  # never overwritten
    assert "autre@contoso.example" in err and USERNAME in err


def test_a_change_saved_during_the_sign_in_is_kept(
        authority: LocalIdentityProvider, config_file: Path) -> None:
    """The sign-in takes minutes: its settings go into the file as it is then."""
    authority.device_outcome = "pending"

    def change_meanwhile() -> None:
        authority.wait_for_polls(1)  # the command is waiting for the person to sign in
        config = load_config(config_file)
        save_config(config.model_copy(update={"dns_server": "192.0.2.53"}), config_file)
        authority.device_outcome = "approve"  # then the person signs in

    other = threading.Thread(target=change_meanwhile)
    other.start()
    try:
        assert signin(config_file) == 0
    finally:
        other.join(10)
    config = load_config(config_file)
    assert config.dns_server == "192.0.2.53"
    assert config.smtp.auth == "oauth2" and config.oauth.account == USERNAME


# -- failures: message + hint, exit 2, nothing saved ----------------------------------------

@pytest.mark.parametrize(("outcome", "words"), [
    ("expired_token", ["expired", "within 15 minutes"]),
    ("AADSTS7000218", ["AADSTS7000218", "\"Allow public client flows\" to Yes"]),
    ("AADSTS65001", ["AADSTS65001", "Grant admin consent"]),
    ("AADSTS53003", ["AADSTS53003", "sign-in logs"]),
    ("authorization_declined", ["declined", "accept the request"]),
])
def test_refused_sign_in_prints_message_and_hint(
        authority: LocalIdentityProvider, config_file: Path,
        capsys: pytest.CaptureFixture[str], outcome: str, words: list[str]) -> None:
    before = config_file.read_bytes()
    authority.device_outcome = outcome
    assert signin(config_file) == 2
    err = capsys.readouterr().err
    assert "What to do: " in err and "Trace ID" not in err
    for word in words:
        assert word in err
    assert config_file.read_bytes() == before
    assert not secret_file_path(config_file).exists()


def test_unknown_tenant_exit_2_with_hint(
        authority: LocalIdentityProvider, config_file: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    assert signin(config_file, "--tenant", "fabrikam.example") == 2
    err = capsys.readouterr().err
    assert "fabrikam.example" in err and "Directory (tenant) ID" in err
    assert not authority.grants(DEVICE_GRANT)


def test_ctrl_c_cancels_with_130_and_saves_nothing(
        authority: LocalIdentityProvider, config_file: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    authority.device_outcome = "pending"
    before = config_file.read_bytes()

    def press_ctrl_c() -> None:
        authority.wait_for_polls(1)  # the command is waiting: no Ctrl+C outside of it
        _thread.interrupt_main()

    # Ctrl+C as a terminal delivers it, even where the suite runs with SIGINT ignored
    # (a background job of a non-interactive shell): interrupt_main honours the handler.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    presser = threading.Thread(target=press_ctrl_c)
    presser.start()
    try:
        assert signin(config_file) == 130
    finally:
        presser.join(5)
        signal.signal(signal.SIGINT, previous)
    err = capsys.readouterr().err
    assert "Sign-in cancelled: nothing was saved." in err
    assert config_file.read_bytes() == before
    assert not secret_file_path(config_file).exists()
    assert len(authority.grants(DEVICE_GRANT)) == 1  # polling stopped


# -- input errors: exit 3, before any network ----------------------------------------------

def test_no_client_id_explains_the_app_registration(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_config(tmp_path / "config.toml", client_id="")
    assert signin(path) == 3
    err = capsys.readouterr().err
    assert "Application (client) ID" in err
    for step in ("App registrations", "\"Allow public client flows\" = Yes",
                 "SMTP.Send, delegated (Office 365 Exchange Online)",
                 "Directory (tenant) ID", "--client-id"):
        assert step in err
    assert run(["--lang", "fr", "signin", "--config", str(path)]) == 3
    assert "«\u00a0Autoriser les flux clients publics\u00a0» = Oui" in capsys.readouterr().err


def test_invalid_client_id_is_an_input_error(
        config_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert signin(config_file, "--client-id", "my-app") == 3
    assert "GUID" in capsys.readouterr().err


def test_not_a_microsoft_provider(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_config(tmp_path / "config.toml", provider="google-workspace")
    assert signin(path) == 3
    err = capsys.readouterr().err
    assert "Microsoft 365" in err and "Google Workspace" in err


def test_no_settings_yet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert signin(tmp_path / "none.toml") == 3
    assert "No settings file" in capsys.readouterr().err


def test_without_msal_says_how_to_install(config_file: Path) -> None:
    script = ("import sys; sys.modules['msal'] = None; from comelin_tui.cli import run; "
              f"sys.exit(run(['--lang', 'en', 'signin', '--config', {str(config_file)!r}]))")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 3, done.stderr
    assert "needs the optional msal package" in done.stderr
    assert INSTALL_COMMAND in done.stderr
    assert "Traceback" not in done.stderr


# -- on a terminal: the code copied with OSC 52, a countdown --------------------------------

@pytest.mark.skipif(os.name != "posix", reason="needs a pseudo-terminal")
@pytest.mark.parametrize("no_copy", [False, True])
def test_on_a_terminal_the_code_is_copied_and_a_countdown_shown(
        authority: LocalIdentityProvider, config_file: Path, monkeypatch: pytest.MonkeyPatch,
        no_copy: bool) -> None:
    monkeypatch.delenv("TMUX", raising=False)
    monkeypatch.delenv("STY", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    master, slave = os.openpty()
    chunks: list[bytes] = []

    def read_all() -> None:
        while True:
            try:
                data = os.read(master, 4096)
            except OSError:  # the terminal's other side is closed
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=read_all)
    reader.start()
    captured = sys.stdout
    with open(slave, "w", encoding="utf-8", closefd=True) as terminal:
        sys.stdout = terminal
        try:
            exit_code = signin(config_file, *(["--no-copy"] if no_copy else []))
        finally:
            sys.stdout = captured
    reader.join(5)
    os.close(master)
    assert exit_code == 0
    shown = b"".join(chunks).decode("utf-8")
    assert "┌" in shown  # a UTF-8 terminal gets line drawing
    assert "\rWaiting for the sign-in: 1" in shown  # "14:59 left" or so
    copied = OSC52_START in shown
    assert copied is not no_copy
    if copied:
        payload = shown.split(OSC52_START)[1].split("\x07")[0]
        assert f"  Code:  {base64.b64decode(payload).decode()}  " in shown
        assert "copied to the clipboard" in shown
    assert next(iter(authority.device_codes.values())).used


# -- OSC 52 ---------------------------------------------------------------------------------

def test_osc52_sequence_carries_the_text_in_base64() -> None:
    sequence = osc52_copy("ABCD-EFGH", {})
    assert sequence == "\x1b]52;c;" + base64.b64encode(b"ABCD-EFGH").decode() + "\x07"
    assert base64.b64decode(osc52_copy("Café ✓", {})[7:-1]).decode() == "Café ✓"


def test_osc52_is_wrapped_for_tmux_and_screen() -> None:
    plain = osc52_copy("ABCD-EFGH", {})
    tmux = osc52_copy("ABCD-EFGH", {"TMUX": "/tmp/tmux-1000/default,123,0"})
    assert tmux == "\x1bPtmux;" + plain.replace("\x1b", "\x1b\x1b") + "\x1b\\"
    screen = osc52_copy("x" * 200, {"STY": "1234.pts-0.host"})
    pieces = screen.split("\x1b\\")[:-1]
    assert all(piece.startswith("\x1bP") and len(piece) <= 78 for piece in pieces)
    assert "".join(piece[2:] for piece in pieces) == osc52_copy("x" * 200, {})


def test_osc52_is_never_written_to_a_pipe(tmp_path: Path) -> None:
    with open(tmp_path / "log.txt", "w") as log:
        assert write_osc52("ABCD-EFGH", log) is False
    assert (tmp_path / "log.txt").read_text() == ""
