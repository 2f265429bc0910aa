"""The relay with Microsoft 365 sign-in upstream: XOAUTH2 with the saved token, refreshed."""

from __future__ import annotations

from pathlib import Path

from idp_server import LocalIdentityProvider, idp_fixture, idp_server_fixture  # noqa: F401
from test_oauth_smtp import Mail, mail, mail_server, settings, sign_in, store  # noqa: F401
from test_relay import RunningRelay, invoice, options

from comelin_tui.attempt_log import read_records
from comelin_tui.jobs.relay import Relay
from comelin_tui.jobs.send_test import target_source
from comelin_tui.secrets import FileSecretStore


async def test_xoauth2_upstream_with_a_refresh_mid_run(
        mail: Mail, idp: LocalIdentityProvider, store: FileSecretStore,  # noqa: F811
        tmp_path: Path) -> None:
    sign_in(idp, store)  # the token cache lands next to config.toml, as the wizard leaves it
    config = settings(mail)
    source = target_source(config, tmp_path / "config.toml", language="en",
                           authority_host=idp.base_url, verify=idp.ca_file)
    relay = Relay(options(tmp_path, senders=frozenset({config.smtp.from_address.lower()})),
                  source)
    await relay.start()
    try:
        running = RunningRelay(relay)
        sender = config.smtp.from_address
        assert await running.send(invoice("Facture 1"), sender=sender) == {}
        idp.expire_access_tokens()        # the provider stops taking that token...
        await relay.pool.close_idle()     # ...and the next message needs a new connection
        assert await running.send(invoice("Facture 2"), sender=sender) == {}
    finally:
        await relay.stop(grace=2.0)
    assert len(mail.handler.messages) == 2
    first, refused, fresh = mail.handler.tokens_seen
    assert refused == first and fresh != first and idp.is_valid_access_token(fresh)
    assert len(idp.grants("refresh_token")) == 1
    records = read_records("relay", tmp_path / "attempts.jsonl")
    assert [r["status"] for r in records] == ["ok", "ok"]
    log = (tmp_path / "attempts.jsonl").read_text()
    for token in idp.secrets_issued():
        assert token not in log
