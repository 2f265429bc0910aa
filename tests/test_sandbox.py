"""The embedded sandbox server, driven by aiosmtplib directly (not by our engine)."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Iterator
from email.message import EmailMessage

import aiosmtplib
import pytest

from comelin_tui.sandbox import DEMO_USERNAME, DemoSession, Sandbox, SandboxError


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    """One server for the module (sync start, shared across event loops)."""
    with Sandbox(implicit_tls=True, oauth_token="demo-token") as server:
        yield server


@pytest.fixture(autouse=True)
def _clean_mailbox(sandbox: Sandbox) -> Iterator[None]:
    sandbox.replies.clear()
    sandbox.clear()
    yield


def _message(sandbox: Sandbox, subject: str = "Hello") -> EmailMessage:
    message = EmailMessage()
    message["From"] = sandbox.username
    message["To"] = "client@demo.example"
    message["Subject"] = subject
    message.set_content("Bonjour de la caisse.")
    return message


def _client(sandbox: Sandbox, **options: object) -> aiosmtplib.SMTP:
    context = ssl.create_default_context(cafile=str(sandbox.ca_file))
    params: dict[str, object] = {"hostname": sandbox.host, "port": sandbox.port,
                                 "tls_context": context, "timeout": 5, "start_tls": False}
    params.update(options)
    return aiosmtplib.SMTP(**params)  # type: ignore[arg-type]


async def test_starttls_auth_send_lands_in_mailbox(sandbox: Sandbox) -> None:
    async with _client(sandbox) as client:
        await client.ehlo()
        assert client.supports_extension("starttls")
        assert not client.supports_extension("auth"), "AUTH must not be offered in clear text"
        await client.starttls()
        await client.ehlo()
        assert {"plain", "login"} <= set(client.server_auth_methods)
        await client.login(sandbox.username, sandbox.password)
        _code, reply = await client.send_message(_message(sandbox, "Essai 1"))
    assert "queued as" in reply
    [delivery] = sandbox.deliveries
    assert delivery.message["Subject"] == "Essai 1"
    assert delivery.mail_from == sandbox.username
    assert delivery.rcpt_tos == ("client@demo.example",)
    assert delivery.login == sandbox.username
    assert delivery.tls
    assert delivery.queue_id in reply
    assert sandbox.mailbox[0].get_content().strip() == "Bonjour de la caisse."


async def test_auth_login_works_too(sandbox: Sandbox) -> None:
    async with _client(sandbox) as client:
        await client.starttls()
        await client.ehlo()
        await client.auth_login(sandbox.username, sandbox.password)
    assert sandbox.logins[-1].mechanism == "LOGIN" and sandbox.logins[-1].success


async def test_bad_password_gets_535(sandbox: Sandbox) -> None:
    async with _client(sandbox) as client:
        await client.starttls()
        await client.ehlo()
        with pytest.raises(aiosmtplib.SMTPAuthenticationError) as caught:
            await client.auth_plain(sandbox.username, "not-the-password")
    assert caught.value.code == 535
    assert "5.7.8" in caught.value.message
    assert sandbox.logins[-1].success is False


async def test_mail_before_auth_is_refused_with_530(sandbox: Sandbox) -> None:
    async with _client(sandbox) as client:
        await client.starttls()
        with pytest.raises(aiosmtplib.SMTPSenderRefused) as caught:
            await client.mail(sandbox.username)
    assert caught.value.code == 530
    assert "5.7.0" in caught.value.message
    assert sandbox.mailbox == []


async def test_mail_before_starttls_is_refused(sandbox: Sandbox) -> None:
    async with _client(sandbox) as client:
        await client.ehlo()
        with pytest.raises(aiosmtplib.SMTPResponseException) as caught:
            await client.mail(sandbox.username)
    assert caught.value.code == 530


async def test_certificate_not_trusted_without_the_ca_file(sandbox: Sandbox) -> None:
    client = _client(sandbox, tls_context=ssl.create_default_context())
    async with client:
        with pytest.raises((ssl.SSLError, aiosmtplib.SMTPException)) as caught:
            await client.starttls()
    assert "CERTIFICATE_VERIFY_FAILED" in f"{caught.value} {caught.value.__cause__}"


async def test_implicit_tls_port_offers_auth_at_once(sandbox: Sandbox) -> None:
    assert sandbox.implicit_tls_port is not None
    client = _client(sandbox, port=sandbox.implicit_tls_port, use_tls=True)
    async with client:
        await client.ehlo()
        assert "plain" in client.server_auth_methods
        await client.login(sandbox.username, sandbox.password)
        await client.send_message(_message(sandbox, "Implicite"))
    assert sandbox.deliveries[-1].message["Subject"] == "Implicite"
    assert sandbox.deliveries[-1].tls


async def test_xoauth2_with_the_right_and_a_wrong_token(sandbox: Sandbox) -> None:
    async with _client(sandbox) as client:
        await client.starttls()
        await client.ehlo()
        assert "xoauth2" in client.server_auth_methods
        await client.auth_xoauth2(sandbox.username, "demo-token")
    async with _client(sandbox) as client:
        await client.starttls()
        await client.ehlo()
        with pytest.raises(aiosmtplib.SMTPAuthenticationError) as caught:
            await client.auth_xoauth2(sandbox.username, "expired-token")
    assert caught.value.code == 535
    assert [(a.mechanism, a.success) for a in sandbox.logins] == [
        ("XOAUTH2", True), ("XOAUTH2", False)]


async def test_scripted_replies(sandbox: Sandbox) -> None:
    sandbox.replies["RCPT"] = "550 5.1.1 User unknown"
    async with _client(sandbox) as client:
        await client.starttls()
        await client.login(sandbox.username, sandbox.password)
        with pytest.raises(aiosmtplib.SMTPRecipientsRefused) as caught:
            await client.send_message(_message(sandbox))
    assert caught.value.recipients[0].code == 550
    assert sandbox.mailbox == []


async def test_wait_for_messages_from_another_thread(sandbox: Sandbox) -> None:
    async def send() -> None:
        await aiosmtplib.send(_message(sandbox, "Attendu"), hostname=sandbox.host,
                              port=sandbox.port, start_tls=True, username=sandbox.username,
                              password=sandbox.password, timeout=5,
                              tls_context=ssl.create_default_context(cafile=str(sandbox.ca_file)))

    waiting = asyncio.create_task(asyncio.to_thread(sandbox.wait_for_messages, 1, 5.0))
    await send()
    [message] = await waiting
    assert message["Subject"] == "Attendu"


def test_target_points_at_the_server(sandbox: Sandbox) -> None:
    target = sandbox.target(send=False)
    assert (target.host, target.port, target.security) == ("127.0.0.1", sandbox.port, "starttls")
    assert target.username == DEMO_USERNAME and target.password == sandbox.password
    assert target.ca_file == sandbox.ca_file and target.send is False
    assert sandbox.password not in repr(target)
    implicit = sandbox.target(security="implicit_tls")
    assert implicit.port == sandbox.implicit_tls_port


async def test_async_start_and_stop_free_the_port_and_the_ca_folder() -> None:
    server = Sandbox()
    await server.start()
    port, ca_file = server.port, server.ca_file
    assert ca_file.is_file() and port > 0
    async with _client(server) as client:
        await client.starttls()
    await server.stop()
    assert not ca_file.exists()
    with pytest.raises(aiosmtplib.SMTPConnectError):
        await aiosmtplib.SMTP(hostname="127.0.0.1", port=port, timeout=2).connect()
    with pytest.raises(SandboxError):
        server.target()


def test_random_password_differs_per_sandbox() -> None:
    assert Sandbox().password != Sandbox().password


def test_demo_config_and_password_store(tmp_path, sandbox: Sandbox) -> None:
    from comelin_tui.config import load_config, missing_fields
    from comelin_tui.secrets import SMTP_PASSWORD, open_secret_store

    config_path = tmp_path / "demo" / "config.toml"
    config = sandbox.demo_config(config_path)
    assert config.provider == "custom"
    assert (config.smtp.host, config.smtp.port, config.smtp.security) == (
        "127.0.0.1", sandbox.port, "starttls")
    assert config.smtp.ca_file == sandbox.ca_file
    assert missing_fields(config) == []
    assert load_config(config_path) == config
    assert sandbox.password not in config_path.read_text()
    sandbox.store_password(config_path)
    assert open_secret_store(config_path, "file").get(SMTP_PASSWORD) == sandbox.password


async def test_without_starttls_nothing_is_offered() -> None:
    async with Sandbox(offer_starttls=False) as server, _client(server) as client:
        await client.ehlo()
        assert not client.supports_extension("starttls")
        assert not client.supports_extension("auth")


@pytest.mark.parametrize(("options", "reason"), [
    ({"cert_expired": True}, "certificate has expired"),
    ({"cert_identities": ("mail.other.example",)}, "IP address mismatch"),
])
async def test_broken_certificates(options: dict[str, object], reason: str) -> None:
    async with Sandbox(**options) as server, _client(server) as client:  # type: ignore[arg-type]
        with pytest.raises((ssl.SSLError, aiosmtplib.SMTPException)) as caught:
            await client.starttls()
    assert reason in f"{caught.value} {caught.value.__cause__}"


def test_a_sandbox_never_stopped_leaves_no_folder() -> None:
    import subprocess
    import sys
    from pathlib import Path

    code = ("from comelin_tui.sandbox import Sandbox\n"
            "box = Sandbox(); box.start(); print(box.ca_file.parent, flush=True)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=30, check=True)
    folder = Path(done.stdout.strip())
    assert folder.name.startswith("comelin-sandbox-")
    assert not folder.exists()


# -- demo mode: one session for the wizard and check --demo -----------------------------------

def test_demo_session_saves_settings_in_a_private_folder_and_cleans_up() -> None:
    from comelin_tui.config import load_config
    from comelin_tui.secrets import SMTP_PASSWORD, open_secret_store

    with DemoSession() as demo:
        folder = demo.folder
        assert folder.stat().st_mode & 0o777 == 0o700
        assert demo.sandbox is not None and demo.sandbox.running
        assert not demo.config_path.exists()  # the wizard starts from an unsaved draft
        assert demo.draft().smtp.port == demo.sandbox.port
        config = demo.save()
        assert load_config(demo.config_path) == config
        assert open_secret_store(demo.config_path, "file").get(SMTP_PASSWORD) == demo.password
        assert demo.attempt_log_path.parent == folder
        sandbox = demo.sandbox
    assert not folder.exists()
    assert not sandbox.running


def test_demo_session_leaves_a_given_sandbox_running(sandbox: Sandbox) -> None:
    demo = DemoSession(sandbox)
    assert demo.start() is sandbox
    assert demo.password == sandbox.password
    demo.close()
    assert sandbox.running and not demo.folder.exists()


def test_demo_session_that_cannot_start_leaves_no_folder() -> None:
    demo = DemoSession(host="192.0.2.1")  # not an address of this box: the listener fails
    with pytest.raises(SandboxError):
        demo.__enter__()
    assert not demo.folder.exists()
    with pytest.raises(SandboxError):
        demo.draft()
