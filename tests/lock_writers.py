"""Writers run as separate processes by test_locking.py: ``python lock_writers.py MODE ...``.

Every writer prints ``ready`` and waits for a ``go`` line on stdin, so all of them
start writing at the same moment (no sleeps). Each checks, before every write,
that what it wrote last is still there: another process's write from a stale
read would have undone it. It prints one ``lost ...`` line per lost update,
then ``done <count>``, and exits 1 if anything was lost.

Modes:

- ``secrets CONFIG INDEX N``: N rounds of a password save (``set``) and a token
  cache update (``update``, written only over the cache it read, as a refresh
  does), under names of its own, in the protected file next to CONFIG.
- ``settings CONFIG FIELD N``: N ``update_config`` calls changing one field
  (``company.name`` or ``smtp.port``).
- ``keyring CONFIG INDEX N``: N saves of a value large enough to be split into
  chunks, through the keyring store (a keyring backend in files shared by the
  processes, see file_keyring.py); every read after it must find one value whole
  (its own or the other process's), never chunks of two.
- ``refresh CONFIG AUTHORITY CA_FILE``: silent token refreshes with the real
  msal against a local identity provider, until a ``stop`` line.
- ``hold PATH``: hold the lock of PATH, print ``held``, release it on a line.
"""

from __future__ import annotations

import sys
from pathlib import Path


def _start() -> None:
    print("ready", flush=True)
    if sys.stdin.readline().strip() != "go":
        raise SystemExit("no go")


def _finish(lost: list[str], count: int) -> int:
    for line in lost:
        print(f"lost {line}")
    print(f"done {count}", flush=True)
    return 1 if lost else 0


def secrets(config: Path, index: int, rounds: int) -> int:
    from comelin_tui.secrets import OAUTH_TOKEN_CACHE, SMTP_PASSWORD, open_secret_store

    store = open_secret_store(config, "file")
    password_name, cache_name = f"{SMTP_PASSWORD}.{index}", f"{OAUTH_TOKEN_CACHE}.{index}"
    password = cache = None
    lost: list[str] = []
    _start()
    for round_ in range(rounds):
        if store.get(password_name) != password:
            lost.append(f"password before round {round_}")
        password = f"password-{index}-{round_}"
        store.set(password_name, password)
        started_from = store.get(cache_name)
        if started_from != cache:
            lost.append(f"token cache before round {round_}")
        refreshed = f'{{"refresh": "token-{index}-{round_}"}}'
        written = store.update(cache_name,
                               lambda current, old=started_from, new=refreshed:
                               new if current == old else current)
        if written != refreshed:
            lost.append(f"token cache in round {round_}")
        cache = refreshed
    return _finish(lost, rounds)


def settings(config: Path, field: str, rounds: int) -> int:
    from comelin_tui.config import update_config, with_changes

    value: object = None
    lost: list[str] = []
    _start()
    for round_ in range(rounds):
        new: object = f"Boutique {round_}" if field == "company.name" else 2000 + round_

        def change(current, new=new, old=value, round_=round_):  # type: ignore[no-untyped-def]
            section, key = field.split(".")
            if old is not None and getattr(getattr(current, section), key) != old:
                lost.append(f"{field} before round {round_}")
            return with_changes(current, {field: new})

        update_config(config, change)
        value = new
    return _finish(lost, rounds)


def keyring_chunks(config: Path, index: int, rounds: int) -> int:
    from comelin_tui.secrets import OAUTH_TOKEN_CACHE, SecretError, open_secret_store

    store = open_secret_store(config, "keyring")
    lost: list[str] = []
    _start()
    for round_ in range(rounds):
        # A different number of chunks each time (3 to 5), so stale chunks matter too.
        value = f"{index}-{round_}:" + "x" * (2500 + 1000 * ((index + round_) % 3))
        store.set(OAUTH_TOKEN_CACHE, value)
        try:
            store.get(OAUTH_TOKEN_CACHE)
        except SecretError as error:
            lost.append(f"round {round_}: {error.key}")
    return _finish(lost, rounds)


def refresh(config: Path, authority: str, ca_file: str) -> int:
    import threading

    from idp_server import CLIENT_ID, TENANT_DOMAIN, USERNAME  # type: ignore[import-not-found]

    from comelin_tui.config import Config, OAuthSettings
    from comelin_tui.oauth import OAuthError, acquire_access_token
    from comelin_tui.secrets import OAUTH_TOKEN_CACHE, open_secret_store

    settings = Config(oauth=OAuthSettings(tenant=TENANT_DOMAIN, client_id=CLIENT_ID,
                                          account=USERNAME))
    store = open_secret_store(config, "file")
    stop = threading.Event()
    _start()
    threading.Thread(target=lambda: (sys.stdin.readline(), stop.set()), daemon=True).start()
    lost: list[str] = []
    count = 0
    cache = store.get(OAUTH_TOKEN_CACHE)
    while not stop.is_set():
        if store.get(OAUTH_TOKEN_CACHE) != cache:
            lost.append(f"token cache before refresh {count}")
        try:
            acquire_access_token(settings, store, authority_host=authority, verify=ca_file,
                                 force_refresh=True)
        except OAuthError as error:  # e.g. a refresh token already used: an old cache came back
            lost.append(f"refresh {count}: {error.kind}")
            break
        cache = store.get(OAUTH_TOKEN_CACHE)
        count += 1
    return _finish(lost, count)


def hold(path: Path) -> int:
    from comelin_tui.filelock import exclusive_lock

    with exclusive_lock(path):
        print("held", flush=True)
        sys.stdin.readline()
    print("released", flush=True)
    return 0


def main(argv: list[str]) -> int:
    mode, *args = argv
    if mode == "secrets":
        return secrets(Path(args[0]), int(args[1]), int(args[2]))
    if mode == "settings":
        return settings(Path(args[0]), args[1], int(args[2]))
    if mode == "keyring":
        return keyring_chunks(Path(args[0]), int(args[1]), int(args[2]))
    if mode == "refresh":
        return refresh(Path(args[0]), args[1], args[2])
    if mode == "hold":
        return hold(Path(args[0]))
    raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
