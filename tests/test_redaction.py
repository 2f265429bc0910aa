"""Masking the password without pointing at it, against real loopback servers.

What the program writes itself (the login, the addresses, the host, the words of a
step) is never masked, even when the password is part of it: ``caisse@********.example``
would tell anyone what the password is. What the server says is masked once it was
given the password: as sent (base64, the AUTH PLAIN blob, AUTH LOGIN's steps) and
re-encoded (URL, quoted-printable, hex...), and a short password only where it is a
word of its own. A password that is part of the login is warned about instead.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import quopri
import smtplib
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import pytest
from aiosmtpd.smtp import MISSING, SMTP, AuthResult, LoginPassword
from dns_server import dns_server_fixture  # noqa: F401
from smtp_servers import (
    Certificates,
    ScriptedHandler,
    ScriptedServer,
    certs_fixture,  # noqa: F401
    make_target,
)

from comelin_tui import paths
from comelin_tui.attempt_log import read_records
from comelin_tui.diagnostics.engine import run_check
from comelin_tui.diagnostics.model import RunResult, Step
from comelin_tui.diagnostics.redact import REDACTED, Redactor, secret_forms
from comelin_tui.jobs.relay import Relay, RelayLimits, RelayOptions
from comelin_tui.sandbox import Sandbox

LOGIN = "caisse@boutique.example"
INSIDE_LOGIN = "boutique"  # the password of the review: part of the login's domain
RICH = "Pâte=brisée&sel 42!"  # every re-encoding of it differs from it


def forms(password: str, username: str) -> list[str]:
    """Every way the password could be seen, computed here independently of the program."""
    raw = password.encode()
    blobs = [raw, b"\0" + username.encode() + b"\0" + raw]
    found = {password, quote(password, safe=""), quote_plus(password),
             quopri.encodestring(raw, quotetabs=True).decode().replace("=\n", ""),
             raw.hex(), raw.hex().upper(), raw.decode("latin-1")}
    for blob in blobs:
        encoded = base64.b64encode(blob).decode()
        found |= {encoded, encoded.rstrip("=")}
    return sorted(found, key=len, reverse=True)


def echo(password: str) -> str:
    """What a careless server writes after it heard *password*: it, and re-encoded."""
    raw = password.encode()
    return (f"you said {password} (base64 {base64.b64encode(raw).decode()}, "
            f"url {quote(password, safe='')}, "
            f"qp {quopri.encodestring(raw, quotetabs=True).decode()}, hex {raw.hex()})")


# -- a careless server ------------------------------------------------------------------------

@dataclass
class EchoingHandler(ScriptedHandler):
    """aiosmtpd's own AUTH PLAIN and LOGIN, then the credentials it heard repeated back:
    in the refusal of a wrong password, or in its reply to RCPT after a good one."""

    login: str = LOGIN
    password: str = INSIDE_LOGIN
    echo_refusal: bool = True  # a wrong password: 535 with the password repeated
    echo_rcpt: bool = False  # a good one: RCPT refused with the password repeated
    echo_sender: bool = False  # MAIL accepted, the sender's address quoted back
    refusal: str = ""  # the 535's text, {password}, {login}, {echo} filled in
    heard: str = ""

    def reset(self) -> None:
        super().reset()
        self.echo_refusal, self.echo_rcpt, self.echo_sender = True, False, False
        self.refusal = self.heard = ""

    def authenticate(self, server: SMTP, session: Any, envelope: Any, mechanism: str,
                     auth_data: Any) -> AuthResult:  # type: ignore[override]
        assert isinstance(auth_data, LoginPassword)
        self.heard = auth_data.password.decode()
        if auth_data.login.decode() == self.login and self.heard == self.password:
            return AuthResult(success=True)
        text = self.refusal or "535 5.7.8 Authentication failed for {login}: {echo}"
        return AuthResult(success=False, handled=False, message=text.format(
            login=auth_data.login.decode(), password=self.heard, echo=echo(self.heard)))

    async def handle_AUTH(self, server: SMTP, session: Any, envelope: Any,
                          args: list[str]) -> Any:
        self.commands.append("AUTH " + args[0])
        return MISSING  # aiosmtpd's own mechanisms, then authenticate() above

    async def handle_MAIL(self, server: SMTP, session: Any, envelope: Any, address: str,
                          options: list[str]) -> str:
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        if self.echo_sender:
            return f"250 2.1.0 <{address}>... Sender ok"
        return "250 2.1.0 OK"

    async def handle_RCPT(self, server: SMTP, session: Any, envelope: Any, address: str,
                          options: list[str]) -> str:
        if self.echo_rcpt:
            return f"550 5.7.1 <{address}>: not allowed for {self.login}; {echo(self.heard)}"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"


class EchoingServer(ScriptedServer):
    """A :class:`ScriptedServer` with the careless handler, and a name of its own."""

    def __init__(self, certificates: Certificates, name: str) -> None:
        super().__init__(certificates)
        self.scripted = EchoingHandler()
        self.name = name

    def factory(self) -> SMTP:
        server = super().factory()
        server.hostname = self.name
        server.enable_SMTPUTF8 = True  # replies in UTF-8: the password as it was heard
        return server


@pytest.fixture(scope="module")
def echoing(certs: Certificates) -> Iterator[EchoingServer]:
    # Its name holds the password by chance: said before the password was sent, so
    # never an echo, and shown as it is.
    server = EchoingServer(certs, name="boutique-mx01.test")
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(autouse=True)
def _fresh(echoing: EchoingServer) -> None:
    echoing.reset()


def configure(server: EchoingServer, *, login: str, password: str,
              mechanism: str = "PLAIN") -> None:
    server.scripted.login, server.scripted.password = login, password
    server.options.exclude_mechanisms = tuple(m for m in ("PLAIN", "LOGIN") if m != mechanism)


async def check(server: EchoingServer, certs: Certificates, *, login: str, password: str,
                **target: Any) -> tuple[RunResult, str]:
    """The run, and everything it showed: result JSON, every step event as the TUI
    gets it (with its transcript), the transcript."""
    events: list[Step] = []
    result = await run_check(make_target(server, certs, username=login, password=password,
                                         from_address=login, **target),
                             events.append, probe=False)
    shown = json.dumps(result.to_json(), ensure_ascii=False) + json.dumps(
        [e.to_json() | {"transcript": e.transcript} for e in events], ensure_ascii=False)
    return result, shown


# -- 1. what the program wrote is never masked ------------------------------------------------

def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "comelin_tui", *args], capture_output=True,
                          text=True, timeout=60, check=False, env={**os.environ, **(env or {})})


def test_a_password_inside_the_login_leaves_the_login_readable_in_check(
        isolated_environment: Path) -> None:
    """The review's case: `boutique` for caisse@boutique.example printed
    "Authenticated as caisse@********.example" in steps, transcript and JSON."""
    config_path = paths.config_path()
    with Sandbox(username=LOGIN, password=INSIDE_LOGIN) as sandbox:
        sandbox.demo_config(config_path)
        sandbox.store_password(config_path)
        human = cli("check", "--transcript", "--no-probe")
        as_json = cli("check", "--json", "--no-probe")
    assert human.returncode == 0, human.stdout + human.stderr
    assert as_json.returncode == 0, as_json.stderr
    data = json.loads(as_json.stdout)
    auth = next(step for step in data["steps"] if step["id"] == "auth")
    assert auth["detail"] == f"Authenticated with PLAIN as {LOGIN}"
    # (the step's line wraps at the terminal's width: read it with its rows joined)
    assert f"Authenticated with PLAIN as {LOGIN}" in " ".join(human.stdout.split())
    assert f"-> MAIL FROM:<{LOGIN}>" in human.stdout
    assert "-> AUTH PLAIN ********" in human.stdout  # the protocol level still masks
    for output in (human.stdout, as_json.stdout):
        assert "@********" not in output and "********.example" not in output
    log = paths.attempt_log_path().read_text()
    for form in forms(INSIDE_LOGIN, LOGIN):
        if form != INSIDE_LOGIN:  # "boutique" itself is part of the login, shown
            assert form not in log and form not in as_json.stdout


async def test_server_text_quoting_the_login_is_not_masked_inside_it(
        echoing: EchoingServer, certs: Certificates) -> None:
    configure(echoing, login=LOGIN, password=INSIDE_LOGIN)
    echoing.scripted.echo_sender = True
    result, shown = await check(echoing, certs, login=LOGIN, password=INSIDE_LOGIN)

    assert result.status == "ok"
    assert f"<- 250 2.1.0 <{LOGIN}>... Sender ok" in result.transcript  # after the login
    assert "<- 220 boutique-mx01.test ESMTP test" in result.transcript  # before it
    assert result.step("mail_from").detail == f"250 2.1.0 <{LOGIN}>... Sender ok"
    assert result.step("auth").detail == f"Authenticated with PLAIN as {LOGIN}"
    assert "-> AUTH PLAIN ********" in result.transcript
    assert "@********" not in shown and "********-mx01" not in shown
    assert base64.b64encode(f"\0{LOGIN}\0{INSIDE_LOGIN}".encode()).decode() not in shown


async def test_a_password_inside_the_login_echoed_alone_is_masked(
        echoing: EchoingServer, certs: Certificates) -> None:
    configure(echoing, login=LOGIN, password="something-else")
    echoing.scripted.refusal = "535 5.7.8 Bad credentials for {login}: {password} is wrong"
    result, shown = await check(echoing, certs, login=LOGIN, password=INSIDE_LOGIN)

    assert result.diagnosis is not None and result.diagnosis.code == "auth.invalid_credentials"
    assert f"<- 535 5.7.8 Bad credentials for {LOGIN}: ******** is wrong" in result.transcript
    assert f"Bad credentials for {LOGIN}: ******** is wrong" in result.step("auth").detail
    assert ": boutique is wrong" not in shown


# -- 2. a server echoing the password, as sent or re-encoded ---------------------------------

@pytest.mark.parametrize("mechanism", ["PLAIN", "LOGIN"])
async def test_a_server_echoing_the_password_is_masked_everywhere(
        echoing: EchoingServer, certs: Certificates, mechanism: str) -> None:
    login = "ventes@epicerie.example"
    configure(echoing, login=login, password="the right one", mechanism=mechanism)
    result, shown = await check(echoing, certs, login=login, password=RICH)

    assert echoing.scripted.heard == RICH  # it did hear it, and said it back
    assert result.diagnosis is not None and result.diagnosis.code == "auth.invalid_credentials"
    for form in forms(RICH, login):
        assert form not in shown, f"{form!r} shown"
    line = next(line for line in result.transcript if line.startswith("<- 535"))
    assert line == (f"<- 535 5.7.8 Authentication failed for {login}: you said ******** "
                    "(base64 ********, url ********, qp ********, hex ********)")
    assert login in result.step("auth").detail
    assert result.step("auth").facts["reply"] == [line[3:]]


@pytest.mark.parametrize(("password", "recipient"), [
    (RICH, "client@example.net"),
    # The recipient holds the password: the provider quoting it is no echo.
    ("facture9", "facture9@client.example"),
])
async def test_an_echo_after_the_login_is_masked_for_the_pos_and_in_the_attempt_log(
        echoing: EchoingServer, certs: Certificates, tmp_path: Path, password: str,
        recipient: str) -> None:
    """The relay passes the provider's refusal on to the POS and logs it: masked."""
    login = "ventes@epicerie.example"
    configure(echoing, login=login, password=password)
    echoing.scripted.echo_rcpt = True
    log_path = tmp_path / "attempts.jsonl"
    relay = Relay(
        RelayOptions(host="127.0.0.1", port=0, username="pos", password="local-pos-secret",
                     senders=frozenset({login}), log_path=log_path,
                     limits=RelayLimits(wait=2.0, idle_timeout=5.0)),
        _source(make_target(echoing, certs, username=login, password=password,
                            from_address=login)))
    await relay.start()
    try:
        host, port = relay.address

        def pos() -> tuple[int, bytes]:
            with smtplib.SMTP(host, port, timeout=10) as client:
                client.ehlo("pos01")
                client.login("pos", "local-pos-secret")
                client.mail(login)
                return client.rcpt(recipient)

        code, text = await asyncio.get_running_loop().run_in_executor(None, pos)
    finally:
        await relay.stop(grace=2.0)

    assert echoing.scripted.heard == password
    heard_by_pos = text.decode()
    assert code == 550
    assert f"<{recipient}>: not allowed for ventes@epicerie.example" in heard_by_pos
    assert "you said ******** (base64 ********, url ********" in heard_by_pos
    [record] = read_records("relay", log_path)
    assert record["status"] == "fail" and "you said ********" in record["reply"]
    logged = log_path.read_text()
    for form in forms(password, login):
        for where in (heard_by_pos, logged):
            assert form not in where.replace(recipient, ""), f"{form!r} found"


def _source(target: Any) -> Any:
    async def source(refresh: bool) -> Any:
        return target
    return source


# -- 3. passwords of 1 to 3 characters --------------------------------------------------------

@pytest.mark.parametrize(("password", "word"), [("ox", "oxford"), ("k", "kiosk"),
                                                ("zq9", "zq9x")])
async def test_a_short_password_is_masked_as_a_word_never_inside_other_words(
        echoing: EchoingServer, certs: Certificates, password: str, word: str) -> None:
    login = "box@fox.example"
    configure(echoing, login=login, password="long enough, and right")
    encoded = base64.b64encode(password.encode()).decode()
    echoing.scripted.refusal = (f"535 5.7.8 {word}: bad password {{password}} for {{login}} "
                                f"(base64 {encoded}, hex {password.encode().hex()})")
    result, shown = await check(echoing, certs, login=login, password=password)

    assert echoing.scripted.heard == password
    line = next(line for line in result.transcript if line.startswith("<- 535"))
    assert line == (f"<- 535 5.7.8 {word}: bad password ******** for {login} "
                    "(base64 ********, hex ********)")
    assert f"bad password ******** for {login}" in result.step("auth").detail
    assert f"bad password {password} " not in shown and encoded not in shown


# -- 4. the warning instead -------------------------------------------------------------------

@pytest.mark.parametrize(("lang", "words"), [
    ("en", "The password is part of the username"),
    ("fr", "Le mot de passe fait partie du nom d'utilisateur"),
])
def test_show_warns_when_the_password_is_part_of_the_login(
        isolated_environment: Path, lang: str, words: str) -> None:
    config_path = paths.config_path()
    with Sandbox(username=LOGIN, password=INSIDE_LOGIN) as sandbox:
        sandbox.demo_config(config_path)
        sandbox.store_password(config_path)
        human = cli("show", "--lang", lang)
        as_json = cli("show", "--json", "--lang", lang)
    assert human.returncode == 0, human.stderr
    [warning] = [line for line in human.stdout.splitlines() if words in line]
    assert INSIDE_LOGIN not in warning
    assert any(words in text for text in json.loads(as_json.stdout)["warnings"])


def test_show_says_nothing_of_a_password_apart_from_the_login(
        isolated_environment: Path) -> None:
    config_path = paths.config_path()
    with Sandbox(username=LOGIN, password="Zq7-unrelated") as sandbox:
        sandbox.demo_config(config_path)
        sandbox.store_password(config_path)
        shown = cli("show", "--json")
    assert json.loads(shown.stdout)["warnings"] == []


def test_the_warning_names_where_the_password_is_seen() -> None:
    from comelin_tui.config import CompanySettings, Config, SmtpSettings
    from comelin_tui.config_checks import password_warnings

    def config(**smtp: Any) -> Config:
        values = {"host": "mail.epicerie.example", "username": "ventes",
                  "from_address": "ventes@epicerie.example", **smtp}
        return Config(company=CompanySettings(email="contact@marche.example"),
                      smtp=SmtpSettings(**values))

    assert [w.key for w in password_warnings(config(), "Ventes")] == [
        "config.warn.password_in_login"]
    assert [w.key for w in password_warnings(config(), "marche")] == [
        "config.warn.password_in_address"]
    assert [w.key for w in password_warnings(config(), "mail.")] == [
        "config.warn.password_in_host"]
    assert password_warnings(config(), "Zq7-unrelated") == []
    assert password_warnings(config(), None) == []
    assert password_warnings(config(auth="none"), "ventes") == []


async def test_the_wizard_warns_when_the_password_is_part_of_the_login(
        tmp_path: Path) -> None:
    from test_app_support import SIZE, build, fill, paste, settle, texts

    from comelin_tui.screens.wizard import WizardScreen

    app = build(tmp_path / "config.toml")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await paste(pilot, "mot de passe")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, WizardScreen) and app.screen.current == "credentials"
        await fill(pilot, "#smtp-username", LOGIN)
        await fill(pilot, "#password", INSIDE_LOGIN)
        assert "The password is part of the username" not in texts(pilot)  # still typing
        await pilot.press("tab")  # the password typed: judged now
        await settle(pilot)
        warning = app.screen.query_one("#cred-password-warning")
        assert "The password is part of the username" in texts(pilot)
        await pilot.press("f2")  # French
        await settle(pilot)
        assert "Le mot de passe fait partie du nom d'utilisateur" in texts(pilot)
        assert INSIDE_LOGIN not in warning.text
        await fill(pilot, "#password", "Zq7-unrelated")
        await pilot.press("tab")
        await settle(pilot)
        assert "Le mot de passe fait partie" not in texts(pilot)
        assert app.errors == []


# -- 5. the rules themselves -------------------------------------------------------------------

def test_masks_are_never_masked_again_and_nothing_before_the_secret_was_sent() -> None:
    redactor = Redactor(secret_forms("*", "u"), [LOGIN])
    assert redactor.received("220 * ready") == "<- 220 * ready"  # not given the secret yet
    assert redactor.sent("AUTH PLAIN AHUAKg==") == "-> AUTH PLAIN ********"
    assert redactor.received("535 * ******** *") == f"<- 535 {REDACTED} ******** {REDACTED}"
    assert redactor.scrub(REDACTED) == REDACTED


def test_a_public_value_equal_to_the_password_is_no_hiding_place() -> None:
    """Inside a longer public value, a password is left (masking it would point at it);
    alone, even where it equals a public value, it is masked."""
    redactor = Redactor(secret_forms("boutique.example", LOGIN), [LOGIN])
    assert redactor.scrub(f"from {LOGIN}") == f"from {LOGIN}"
    assert redactor.scrub("password boutique.example refused") == "password ******** refused"
    # A server writing the login in its own case still quotes the login.
    login = "Caisse@Boutique.example"
    redactor = Redactor(secret_forms("boutique", login), [login])
    assert redactor.scrub(f"<{LOGIN}> ok") == f"<{LOGIN}> ok"
    assert redactor.scrub("bad boutique") == "bad ********"


async def test_the_test_screen_masks_a_refusal_that_echoes_the_password(
        tmp_path: Path, dns_server: Any) -> None:
    """The TUI: steps, diagnosis and transcript of a provider quoting the password."""
    from test_app_flows import walk_wizard
    from test_app_support import SIZE, build, settle, texts

    from comelin_tui.screens.test_send import TestSendScreen

    username, password = "ventes@probeshop.test", "Zq7-echoed-wizard-secret"
    app = build(tmp_path / "settings" / "config.toml", dns_server=dns_server.address)
    with Sandbox(username=username, password=password) as sandbox:
        async with app.run_test(size=SIZE) as pilot:
            await walk_wizard(pilot, email=username, provider_id="custom",
                              host="smtp.probeshop.test", port=587, sandbox=sandbox,
                              password=password)
            sandbox.replies["RCPT"] = (f"550 5.7.1 <{username}> may not relay: "
                                       f"{echo(password)}")
            await pilot.press("enter")  # "Test send"
            await settle(pilot)
            assert isinstance(app.screen, TestSendScreen)
            await pilot.press("ctrl+r")
            await settle(pilot)
            screen = app.screen
            assert screen.result is not None and screen.result.status == "fail"
            shown = texts(pilot)
            await pilot.press("ctrl+t")  # the transcript panel
            await pilot.pause()
            shown += "\n" + texts(pilot)
            transcript = "\n".join(screen.result.transcript)
    assert f"<- 550 5.7.1 <{username}> may not relay: you said ********" in transcript
    assert "may not relay: you said ********" in shown
    for form in forms(password, username):
        assert form not in shown and form not in transcript, f"{form!r} shown"


def test_the_password_command_warns_too(isolated_environment: Path) -> None:
    config_path = paths.config_path()
    with Sandbox(username=LOGIN, password="unused-here") as sandbox:
        sandbox.demo_config(config_path)
    done = subprocess.run([sys.executable, "-m", "comelin_tui", "--lang", "en", "password",
                           "--stdin", "--store", "file"], input=INSIDE_LOGIN + "\n",
                          capture_output=True, text=True, timeout=30, check=False)
    assert done.returncode == 0, done.stderr
    assert "Password saved" in done.stdout
    assert "part of" in done.stderr and INSIDE_LOGIN not in done.stderr
