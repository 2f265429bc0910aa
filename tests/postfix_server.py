"""A private, real Postfix + Dovecot on a loopback address of its own (127.0.2.1).

The submission server a small host or ISP runs, from Debian's own packages, with its
configuration, queue and mail in a temporary folder:

- port 587: submission, STARTTLS required, SASL login through Dovecot, the sender must be
  the login's (``reject_sender_login_mismatch``);
- port 465: the same with implicit TLS (``smtpd_tls_wrappermode``);
- port 25: MX-style delivery, no AUTH, STARTTLS offered, relaying to outside domains refused.

Dovecot is only the SASL provider (its auth socket in Postfix's ``private/``, one user in a
passwd-file). Postfix's ``virtual`` agent delivers the shop's mail to maildirs, so a test can
read what arrived. Nothing leaves the machine (``default_transport = error``).

It listens on 127.0.2.1 (Linux routes all of 127.0.0.0/8 to ``lo``), so tests probing
127.0.0.1:25/587/465 never meet it. When another run already holds those ports on
127.0.2.1, the next free 127.0.2.x is taken. Only root can start Postfix; without root or
without the packages (``.ci/run`` installs them) the tests skip and say why.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import pwd
import secrets
import select
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
from collections.abc import Iterator
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path

import pytest
import trustme

DOMAIN = "shop.test"
LOGIN = f"caisse@{DOMAIN}"  # the one account Dovecot knows
OTHER_SENDER = f"patron@{DOMAIN}"  # owned by another login: a send-as refusal
RECIPIENT = f"comptable@{DOMAIN}"  # a local mailbox
OUTSIDE = "client@example.org"  # a domain this server does not relay to without a login
HOSTNAME = f"mail.{DOMAIN}"
PORTS = (25, 587, 465)

POSTFIX = shutil.which("postfix", path="/usr/sbin:/usr/bin:" + os.environ.get("PATH", ""))
DOVECOT = shutil.which("dovecot", path="/usr/sbin:/usr/bin:" + os.environ.get("PATH", ""))
START_TIMEOUT = 15.0


def unavailable_reason() -> str | None:
    """Why a private Postfix + Dovecot cannot run here, or None."""
    if POSTFIX is None or DOVECOT is None:
        return ("Postfix and Dovecot are not installed (Debian packages postfix and "
                "dovecot-core; .ci/run installs them as root)")
    if os.geteuid() != 0:
        return "a private Postfix instance must be started as root"
    for user in ("postfix", "dovecot", "dovenull", "nobody"):
        try:
            pwd.getpwnam(user)
        except KeyError:
            return f"system user {user!r} missing (the postfix/dovecot-core packages create it)"
    return None


# -- waiting on events, not sleeps ----------------------------------------------------------

def wait_for_exit(pid: int, timeout: float) -> bool:
    """Wait until process *pid* (not necessarily our child) ends; False on timeout."""
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        ready, _, _ = select.select([fd], [], [], timeout)
        return bool(ready)
    finally:
        os.close(fd)


def process_group(pgid: int) -> list[int]:
    """The live processes of process group *pgid*."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid pgrp ...: comm may hold spaces, so split after the ")".
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] != "Z" and int(fields[2]) == pgid:
            members.append(int(entry.name))
    return members


def stop_group(pid: int, timeout: float = 10.0) -> None:
    """SIGTERM a master daemon and its process group; wait until every one has ended.

    The whole group, not only the master: Dovecot's auth, stats and log processes otherwise
    outlive their master by seconds.
    """
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for member in [pid, *process_group(pid)]:
        if not wait_for_exit(member, max(0.0, deadline - time.monotonic())):
            with contextlib.suppress(ProcessLookupError):
                os.kill(member, signal.SIGKILL)
            wait_for_exit(member, 1.0)


def read_greeting(address: str, port: int, *, implicit_tls: bool = False,
                  context: ssl.SSLContext | None = None, timeout: float = 5.0) -> bytes:
    """Connect and read the 220 line (the listener is up once the master has started)."""
    with socket.create_connection((address, port), timeout=timeout) as raw:
        sock: socket.socket = raw
        if implicit_tls:
            assert context is not None
            sock = context.wrap_socket(raw, server_hostname=address)
        data = b""
        while b"\r\n" not in data:
            chunk = sock.recv(512)
            if not chunk:
                break
            data += chunk
        with contextlib.suppress(OSError):
            sock.sendall(b"QUIT\r\n")
        return data


class _Inotify:
    """The few inotify calls needed to wait for a maildir delivery without polling."""

    IN_MOVED_TO = 0x80
    IN_CREATE = 0x100

    def __init__(self, folder: Path) -> None:
        self._libc = ctypes.CDLL(None, use_errno=True)
        self.fd = self._libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if self.fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1")
        mask = self.IN_MOVED_TO | self.IN_CREATE
        if self._libc.inotify_add_watch(self.fd, os.fsencode(folder), mask) < 0:
            os.close(self.fd)
            raise OSError(ctypes.get_errno(), "inotify_add_watch")

    def wait(self, timeout: float) -> None:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if ready:
            with contextlib.suppress(BlockingIOError):
                os.read(self.fd, 65536)

    def close(self) -> None:
        os.close(self.fd)


def pick_address() -> str:
    """127.0.2.1, or the next 127.0.2.x whose ports 25, 587 and 465 are all free."""
    for last in range(1, 255):
        address = f"127.0.2.{last}"
        free = True
        for port in PORTS:
            with socket.socket() as probe:
                # As Postfix binds: a closed connection's TIME_WAIT does not count, a listener does.
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                try:
                    probe.bind((address, port))
                except OSError:
                    free = False
                    break
        if free:
            return address
    raise RuntimeError("no free 127.0.2.x address for ports 25, 587 and 465")


# -- the instance ---------------------------------------------------------------------------

class PostfixServer:
    """A private Postfix (submission 587/465, MX 25) with Dovecot SASL, in *root*."""

    def __init__(self, root: Path, address: str) -> None:
        self.root = root
        self.address = address
        self.password = secrets.token_urlsafe(18)  # made per run: no secret in any file
        self.etc = root / "etc"
        self.spool = root / "spool"
        self.data = root / "data"
        self.mail = root / "mail"
        self.dovecot_dir = root / "dovecot"
        self.dovecot_conf = self.etc / "dovecot.conf"
        self.maillog = root / "maillog"
        self.dovecot_log = root / "dovecot.log"
        self.ca = trustme.CA()
        self.ca_file = self.etc / "test-ca.pem"
        self._postfix_pid: int | None = None
        self._dovecot_pid: int | None = None
        self._dovecot: subprocess.Popen[bytes] | None = None
        self._groups: set[int] = set()  # every master started: its group must be gone at the end

    # layout and configuration -------------------------------------------------------------

    def write_files(self) -> None:
        postfix = pwd.getpwnam("postfix")
        nobody = pwd.getpwnam("nobody")
        for folder in (self.etc, self.spool, self.dovecot_dir):
            folder.mkdir(parents=True)
        self.data.mkdir()
        os.chown(self.data, postfix.pw_uid, postfix.pw_gid)
        self.data.chmod(0o700)
        # Dovecot puts its auth socket in Postfix's private/ before Postfix starts.
        private = self.spool / "private"
        private.mkdir()
        os.chown(private, postfix.pw_uid, -1)
        private.chmod(0o700)
        for user in ("caisse", "comptable", "patron"):
            for sub in ("tmp", "new", "cur"):
                (self.mail / DOMAIN / user / sub).mkdir(parents=True)
        for dirpath, _dirs, _files in os.walk(self.mail):
            os.chown(dirpath, nobody.pw_uid, nobody.pw_gid)

        leaf = self.ca.issue_cert(HOSTNAME, self.address)
        self.ca.cert_pem.write_to_path(str(self.ca_file))
        leaf.private_key_and_cert_chain_pem.write_to_path(str(self.etc / "server.pem"))
        (self.etc / "server.pem").chmod(0o600)

        (self.etc / "vmailbox").write_text(
            "".join(f"{user}@{DOMAIN} {DOMAIN}/{user}/\n"
                    for user in ("caisse", "comptable", "patron")))
        (self.etc / "senders").write_text(
            f"{LOGIN} {LOGIN}\n{OTHER_SENDER} {OTHER_SENDER}\n{RECIPIENT} {RECIPIENT}\n")
        (self.etc / "main.cf").write_text(self._main_cf(nobody.pw_uid, nobody.pw_gid))
        (self.etc / "master.cf").write_text(self._master_cf())

        passwd = self.etc / "dovecot-users"
        passwd.write_text(f"{LOGIN}:{{PLAIN}}{self.password}\n")
        dovecot = pwd.getpwnam("dovecot")
        os.chown(passwd, -1, dovecot.pw_gid)
        passwd.chmod(0o640)
        self.dovecot_conf.write_text(self._dovecot_conf(passwd))
        # Postfix re-reads a configuration file until it is older than a second or two (it
        # waits out an editor still writing it): these were written whole, so date them back.
        past = time.time() - 60
        for path in self.etc.iterdir():
            os.utime(path, (past, past))

    def _main_cf(self, uid: int, gid: int) -> str:
        pem = self.etc / "server.pem"
        return f"""\
compatibility_level = 3.6
config_directory = {self.etc}
queue_directory = {self.spool}
data_directory = {self.data}
maillog_file = {self.maillog}
maillog_file_prefixes = {self.root}
myhostname = {HOSTNAME}
mydomain = {DOMAIN}
myorigin = $mydomain
mydestination =
# Every listener in master.cf names {self.address}, so nothing else is bound. Postfix
# refuses an inet_interfaces address that no interface carries (lo has 127.0.0.1/8, not
# 127.0.2.x itself), yet the kernel lets a program bind any address of 127.0.0.0/8.
inet_interfaces = all
inet_protocols = ipv4
mynetworks = {self.address}/32
alias_maps =
alias_database =
local_recipient_maps =
biff = no
smtputf8_enable = no
smtpd_peername_lookup = no
default_transport = discard:outside delivery is off in this test server
relay_transport = discard:outside delivery is off in this test server

virtual_mailbox_domains = {DOMAIN}
virtual_mailbox_base = {self.mail}
virtual_mailbox_maps = texthash:{self.etc}/vmailbox
virtual_uid_maps = static:{uid}
virtual_gid_maps = static:{gid}
virtual_minimum_uid = {min(uid, 100)}

smtpd_tls_chain_files = {pem}
smtpd_tls_security_level = may
smtpd_tls_loglevel = 0
tls_random_source = dev:/dev/urandom

smtpd_sasl_type = dovecot
smtpd_sasl_path = private/auth
smtpd_sasl_auth_enable = no
smtpd_sender_login_maps = texthash:{self.etc}/senders
smtpd_relay_restrictions = permit_sasl_authenticated, reject_unauth_destination
smtpd_recipient_restrictions =
"""

    def _master_cf(self) -> str:
        submission = (
            " -o smtpd_sasl_auth_enable=yes"
            " -o smtpd_tls_auth_only=yes"
            " -o smtpd_client_restrictions=permit_sasl_authenticated,reject"
            " -o smtpd_sender_restrictions=reject_sender_login_mismatch"
            " -o smtpd_relay_restrictions=permit_sasl_authenticated,reject"
        )
        a = self.address
        return f"""\
{a}:25 inet n - n - - smtpd
{a}:587 inet n - n - - smtpd -o syslog_name=postfix/submission -o smtpd_tls_security_level=encrypt{submission}
{a}:465 inet n - n - - smtpd -o syslog_name=postfix/submissions -o smtpd_tls_wrappermode=yes{submission}
pickup unix n - n 60 1 pickup
cleanup unix n - n - 0 cleanup
qmgr unix n - n 300 1 qmgr
tlsmgr unix - - n 1000? 1 tlsmgr
rewrite unix - - n - - trivial-rewrite
bounce unix - - n - 0 bounce
defer unix - - n - 0 bounce
trace unix - - n - 0 bounce
verify unix - - n - 1 verify
flush unix n - n 1000? 0 flush
proxymap unix - - n - - proxymap
showq unix n - n - - showq
error unix - - n - - error
retry unix - - n - - error
discard unix - - n - - discard
virtual unix - n n - - virtual
anvil unix - - n - 1 anvil
scache unix - - n - 1 scache
postlog unix-dgram n - n - 1 postlogd
"""

    def _dovecot_conf(self, passwd: Path) -> str:
        return f"""\
base_dir = {self.dovecot_dir}/run
state_dir = {self.dovecot_dir}/state
instance_name = comelin-test-{self.address}
protocols =
log_path = {self.dovecot_log}
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {passwd}
}}
userdb {{
  driver = static
  args = uid=nobody gid=nogroup home=/nonexistent
}}
service auth {{
  unix_listener {self.spool}/private/auth {{
    mode = 0660
    user = postfix
    group = postfix
  }}
}}
# No growing penalty for a login IP after a failed password (documented way to turn it off):
# a wrong-password test must not slow the tests after it. The first failure still waits 2 s.
service anvil {{
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
"""

    # processes -------------------------------------------------------------------------------

    def start(self) -> None:
        self.start_dovecot()
        self.start_postfix()

    def start_dovecot(self) -> None:
        socket_path = self.spool / "private" / "auth"
        socket_path.unlink(missing_ok=True)  # a stale one from a killed instance
        watch = _Inotify(socket_path.parent)
        try:
            # In the foreground (-F) as our child in its own process group: its pid is known
            # at once, and stopping it is a signal and a wait.
            with (self.root / "dovecot.out").open("ab") as sink:
                self._dovecot = subprocess.Popen(
                    [DOVECOT or "dovecot", "-F", "-c", str(self.dovecot_conf)],
                    stdin=subprocess.DEVNULL, stdout=sink, stderr=sink, start_new_session=True)
            self._dovecot_pid = self._dovecot.pid
            self._groups.add(self._dovecot_pid)
            deadline = time.monotonic() + START_TIMEOUT
            while not socket_path.exists():  # created by the master: an inotify event
                left = deadline - time.monotonic()
                if left <= 0 or self._dovecot.poll() is not None:
                    raise RuntimeError(f"Dovecot did not start:\n{self.log_tail()}")
                watch.wait(min(left, 0.5))
        finally:
            watch.close()
        # Ready when the auth service greets on its socket (a VERSION line).
        with socket.socket(socket.AF_UNIX) as client:
            client.settimeout(START_TIMEOUT)
            client.connect(str(socket_path))
            greeting = client.recv(4096)
        assert greeting.startswith(b"VERSION"), greeting

    def stop_dovecot(self) -> None:
        if self._dovecot is not None:
            stop_group(self._dovecot.pid)
            self._dovecot.wait(timeout=5)  # reap our child
            self._dovecot = None
            self._dovecot_pid = None

    @contextlib.contextmanager
    def dovecot_stopped(self) -> Iterator[None]:
        """Postfix without its login service (Dovecot down), then Dovecot back."""
        self.stop_dovecot()
        try:
            yield
        finally:
            self.start_dovecot()

    def start_postfix(self) -> None:
        # `postfix start` waits (master -w) until the master daemon has initialised, so its
        # listeners are open when it returns.
        run([POSTFIX or "postfix", "-c", str(self.etc), "start"], self.maillog)
        self._postfix_pid = int((self.spool / "pid" / "master.pid").read_text().split()[0])
        self._groups.add(self._postfix_pid)
        context = ssl.create_default_context(cafile=str(self.ca_file))
        for port in PORTS:
            greeting = read_greeting(self.address, port, implicit_tls=port == 465,
                                     context=context)
            assert greeting.startswith(b"220 "), (port, greeting, self.log_tail())

    def stop(self) -> None:
        if self._postfix_pid is not None:
            stop_group(self._postfix_pid)
            self._postfix_pid = None
        self.stop_dovecot()

    def leftover_processes(self) -> list[int]:
        """Processes of either instance still alive (none after stop())."""
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            with contextlib.suppress(OSError):
                environ = (entry / "environ").read_bytes()
                cmdline = (entry / "cmdline").read_bytes()
                if os.fsencode(str(self.root)) in environ + cmdline:
                    pids.append(int(entry.name))
        for group in self._groups:
            pids.extend(process_group(group))
        return sorted(set(pids) - {os.getpid()})

    def log_tail(self, lines: int = 30) -> str:
        text = ""
        for log in (self.maillog, self.dovecot_log):
            if log.exists():
                text += "\n".join(log.read_text(errors="replace").splitlines()[-lines:]) + "\n"
        return text

    # mail ----------------------------------------------------------------------------------

    def maildir(self, address: str) -> Path:
        user, _, domain = address.partition("@")
        return self.mail / domain / user / "new"

    def clear_mail(self) -> None:
        for user in ("caisse", "comptable", "patron"):
            for message in self.maildir(f"{user}@{DOMAIN}").iterdir():
                message.unlink()

    def messages(self, address: str = RECIPIENT) -> list[EmailMessage]:
        found = []
        for path in sorted(self.maildir(address).iterdir()):
            found.append(message_from_bytes(path.read_bytes(), policy=default_policy))
        return found  # type: ignore[return-value]

    def wait_for_messages(self, count: int = 1, address: str = RECIPIENT,
                          timeout: float = 10.0) -> list[EmailMessage]:
        """The messages delivered to *address* once there are *count* (inotify, no polling)."""
        watch = _Inotify(self.maildir(address))
        try:
            deadline = time.monotonic() + timeout
            while len(list(self.maildir(address).iterdir())) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no delivery to {address}:\n{self.log_tail()}")
                watch.wait(left)
        finally:
            watch.close()
        return self.messages(address)


def run(command: list[str], log: Path) -> None:
    """Run a start command; its output goes to a file (the daemon it leaves keeps a pipe open)."""
    output = log.with_suffix(".out")
    with output.open("ab") as sink:
        done = subprocess.run(command, stdin=subprocess.DEVNULL, stdout=sink, stderr=sink,
                              timeout=30, check=False, start_new_session=True)
    if done.returncode != 0:
        tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
        raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}):\n"
                           f"{output.read_text(errors='replace')}\n{tail}")


@contextlib.contextmanager
def running_postfix() -> Iterator[PostfixServer]:
    """A started private instance, stopped (every process gone) and removed afterwards."""
    server = _start_instance()
    try:
        yield server
    finally:
        _discard(server)


def _start_instance(attempts: int = 3) -> PostfixServer:
    # Another run may take the address between the choice and Postfix's bind: choose again.
    for attempt in range(attempts):
        # Not under pytest's tmp_path: that folder is mode 0700, and Postfix's and
        # Dovecot's unprivileged processes must reach their sockets and the maildirs.
        root = Path(tempfile.mkdtemp(prefix="comelin-postfix-"))
        root.chmod(0o755)
        server = PostfixServer(root, pick_address())
        try:
            server.write_files()
            server.start()
            return server
        except Exception:
            _discard(server)
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


def _discard(server: PostfixServer) -> None:
    server.stop()
    left = server.leftover_processes()
    shutil.rmtree(server.root, ignore_errors=True)
    assert not left, f"processes left after stopping Postfix and Dovecot: {left}"


@pytest.fixture(scope="module", name="postfix")
def postfix_fixture() -> Iterator[PostfixServer]:
    reason = unavailable_reason()
    if reason:
        pytest.skip(f"no real Postfix + Dovecot: {reason}")
    with running_postfix() as server:
        yield server
