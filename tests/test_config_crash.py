"""A save killed at any moment (SIGKILL) leaves settings that load as the old or the new version.

Each round forks a child from this already-initialised process (so there is
no interpreter start-up to pay), the child saves in a tight loop alternating
two versions, and the parent kills it with SIGKILL after a random delay of up
to a few save durations, so the kill lands in every phase of a save: before
the backup, during the temp write, between fsync and rename, after it.
"""

from __future__ import annotations

import os
import random
import signal
import stat
import time
from pathlib import Path

import pytest

from comelin_tui.config import (
    CompanySettings,
    Config,
    OAuthSettings,
    SmtpSettings,
    backup_path,
    load_config,
    save_config,
)

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork() and SIGKILL")

ROUNDS = 300

VERSION_A = Config(
    company=CompanySettings(name="A", email="caisse@epicerie.ca"),
    smtp=SmtpSettings(host="smtp.epicerie.ca", port=587, security="starttls",
                      username="caisse@epicerie.ca", from_address="caisse@epicerie.ca"),
)
# A bigger file, so a torn write of one over the other could not look complete.
VERSION_B = Config(
    language="fr", provider="m365", secret_backend="file", dns_server="192.0.2.53",
    company=CompanySettings(name="B" * 150, email="info@épicerie.ca"),
    smtp=SmtpSettings(host="smtp.office365.com", port=465, security="implicit_tls",
                      auth="oauth2", username="caisse@épicerie.ca",
                      from_address="caisse@épicerie.ca", reply_to="info@épicerie.ca",
                      timeout=30.0, ca_file=Path("/etc/ssl/" + "c" * 120 + ".pem"),
                      pinned_fingerprint="AB" * 32),
    oauth=OAuthSettings(tenant="contoso.onmicrosoft.com", client_id="x" * 100,
                        account="caisse@épicerie.ca"),
)


def _save_forever(path: Path, ready: int) -> None:
    """The child: say it is running, then save A, B, A, B... until killed."""
    os.write(ready, b"r")
    versions = (VERSION_B, VERSION_A)
    count = 0
    while True:
        save_config(versions[count % 2], path)
        count += 1


def _run_child_and_kill(path: Path, delay: float) -> None:
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: never return into the test runner
        try:
            os.close(read_end)
            _save_forever(path, write_end)
        finally:
            os._exit(70)
    os.close(write_end)
    try:
        assert os.read(read_end, 1) == b"r", "the saving child did not start"
        time.sleep(delay)  # the kill moment (not a synchronisation: the pipe was)
        os.kill(pid, signal.SIGKILL)
    finally:
        _, status = os.waitpid(pid, 0)
        os.close(read_end)
    # Killed by us, not dead of an error of its own.
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL


def _temps(folder: Path) -> set[str]:
    return {p.name for p in folder.glob(".config.toml.*.tmp")}


def test_sigkill_during_save_leaves_old_or_new_version(tmp_path: Path) -> None:
    path = tmp_path / "settings" / "config.toml"
    save_config(VERSION_A, path)
    # Calibrate: kill within about three saves, whatever this disk's fsync costs.
    started = time.perf_counter()
    for i in range(10):
        save_config((VERSION_B, VERSION_A)[i % 2], path)
    per_save = (time.perf_counter() - started) / 10
    max_delay = min(max(per_save * 3, 0.0005), 0.03)

    seed = random.randrange(1 << 32)
    rng = random.Random(seed)
    seen: set[str] = set()
    torn_rounds = 0  # rounds where the kill left a half-written temp file behind
    for _ in range(ROUNDS):
        temps_before = _temps(path.parent)
        _run_child_and_kill(path, rng.uniform(0, max_delay))
        loaded = load_config(path)
        assert loaded in (VERSION_A, VERSION_B), f"seed {seed}"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        seen.add(loaded.company.name[:1])
        if backup_path(path).exists():
            assert load_config(backup_path(path)) in (VERSION_A, VERSION_B), f"seed {seed}"
        if _temps(path.parent) - temps_before:
            torn_rounds += 1
        assert not list(path.parent.glob("config.toml.corrupt-*")), f"seed {seed}"

    # The kills really landed both between saves and in the middle of writes.
    assert seen == {"A", "B"}, f"seed {seed}"
    assert torn_rounds > 0, f"seed {seed}"

    # The leftovers of the crashes are cleaned up by a later save once stale.
    old = time.time() - 3600
    for name in _temps(path.parent):
        os.utime(path.parent / name, (old, old))
    save_config(VERSION_A, path)
    assert _temps(path.parent) == set()
    assert load_config(path) == VERSION_A
