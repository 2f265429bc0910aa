"""Loopback SMTP servers with an account of their own (login, password, send-as senders).

For the sender profiles' tests: each server lets its one account send as the listed
senders only, as Microsoft 365 grants send-as rights, and records who logged in.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword
from smtp_servers import PASSWORD, USERNAME, Certificates, ScriptedHandler, ScriptedServer


@dataclass
class AccountHandler(ScriptedHandler):
    """One account, allowed to send as the listed senders only."""

    username: str = USERNAME
    password: str = PASSWORD
    senders: frozenset[str] = frozenset()
    logins: list[str] = field(default_factory=list)

    def authenticate(self, server: SMTP, session: Any, envelope: Any, mechanism: str,
                     auth_data: Any) -> AuthResult:
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login.decode() == self.username
              and auth_data.password.decode() == self.password)
        if ok:
            self.logins.append(self.username)
        return AuthResult(success=ok, handled=False)

    async def handle_MAIL(self, server: SMTP, session: Any, envelope: Any, address: str,
                          options: list[str]) -> str:
        if address.lower() not in self.senders:
            self.commands.append("MAIL")
            return "550 5.7.60 SMTP; Client does not have permissions to send as this sender"
        return await super().handle_MAIL(server, session, envelope, address, options)


class AccountServer(ScriptedServer):
    def __init__(self, certificates: Certificates, handler: AccountHandler) -> None:
        super().__init__(certificates)
        self.scripted = handler
        self.handler = handler


def account_server(certs: Certificates, **account: Any) -> Iterator[AccountServer]:
    server = AccountServer(certs, AccountHandler(**account))
    server.start()
    try:
        yield server
    finally:
        server.stop()
