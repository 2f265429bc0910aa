"""After a whole wizard walk and test send, the password is only in the secret file."""

from __future__ import annotations

import base64
from pathlib import Path

from dns_server import DnsServer, dns_server_fixture  # noqa: F401
from test_app_flows import run_test_send, walk_wizard
from test_app_support import SIZE, build, texts

from comelin_tui.sandbox import Sandbox
from comelin_tui.secrets import secret_file_path

PASSWORD = "Zq7-unique-wizard-secret"


def secret_forms(username: str) -> list[bytes]:
    raw = PASSWORD.encode()
    plain = base64.b64encode(b"\0" + username.encode() + b"\0" + raw)
    return [raw, base64.b64encode(raw), plain]


async def test_password_only_in_the_secret_file(tmp_path: Path, isolated_environment: Path,
                                                dns_server: DnsServer) -> None:
    config_path = tmp_path / "settings" / "config.toml"
    app = build(config_path, dns_server=dns_server.address)
    username = "ventes@probeshop.test"
    screens: list[str] = []
    with Sandbox(username=username, password=PASSWORD) as sandbox:
        async with app.run_test(size=SIZE) as pilot:
            await walk_wizard(pilot, email=username, provider_id="custom",
                              host="smtp.probeshop.test", port=587, sandbox=sandbox,
                              password=PASSWORD)
            screens.append(texts(pilot))
            await run_test_send(pilot, sandbox)
            await pilot.press("ctrl+t")  # the transcript panel, shown
            await pilot.pause()
            screens.append(texts(pilot))
            transcript = "\n".join(app.screen.result.transcript)

    secret_file = secret_file_path(config_path)
    assert PASSWORD in secret_file.read_text()  # the one place it belongs
    forms = secret_forms(username)
    for shown in [*screens, transcript]:
        for form in forms:
            assert form.decode() not in shown
    written = [p for root in (tmp_path, isolated_environment) for p in root.rglob("*")
               if p.is_file() and p != secret_file]
    assert any(p.name == "config.toml" for p in written)
    assert any(p.name.startswith("attempts") for p in written)  # the attempt log
    for path in written:
        data = path.read_bytes()
        for form in forms:
            assert form not in data, f"secret found in {path}"
