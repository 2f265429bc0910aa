"""Misbehaving servers on 127.0.0.1 for the hostile-server and probe tests.

- :class:`RawServer`: a bare asyncio server running a coroutine per
  connection (silent, drip, garbage, closes during TLS or mid-DATA, refusing
  greetings...), in its own thread so a test can wait on its events.
- :func:`blackhole_port`: a listening socket whose accept queue is full, so
  connection attempts are silently dropped (a firewalled port).
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
import threading
from collections.abc import Awaitable, Callable, Iterator

Behaviour = Callable[[asyncio.StreamReader, asyncio.StreamWriter, "RawServer"], Awaitable[None]]


class RawServer:
    """A bare TCP server in its own thread; *behaviour* runs for each connection."""

    def __init__(self, behaviour: Behaviour) -> None:
        self.behaviour = behaviour
        self.port = 0
        self.connected = threading.Event()
        self.peer_closed = threading.Event()  # the client closed its side (EOF or reset)
        self.received = bytearray()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.AbstractServer | None = None

    def start(self) -> RawServer:
        self._thread.start()
        future = asyncio.run_coroutine_threadsafe(self._start(), self._loop)
        future.result(5)
        return self

    async def _start(self) -> None:
        self._server = await asyncio.start_server(self._client, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connected.set()
        try:
            await self.behaviour(reader, writer, self)
        except (ConnectionError, OSError, asyncio.IncompleteReadError, ssl.SSLError):
            self.peer_closed.set()
        except asyncio.CancelledError:
            pass  # the server is stopping
        finally:
            writer.transport.abort()

    def reset(self) -> None:
        self.connected.clear()
        self.peer_closed.clear()
        self.received.clear()

    def stop(self) -> None:
        async def close() -> None:
            if self._server is not None:
                self._server.close()
            for task in asyncio.all_tasks():
                if task is not asyncio.current_task():
                    task.cancel()
        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(close(), self._loop).result(5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)


async def read_until_eof(reader: asyncio.StreamReader, server: RawServer) -> None:
    """Read (and keep) whatever the client sends until it closes its side."""
    while True:
        chunk = await reader.read(4096)
        if not chunk:
            server.peer_closed.set()
            return
        server.received.extend(chunk)


async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                 server: RawServer) -> None:
    """Accepts and never says a word."""
    try:
        await read_until_eof(reader, server)
    except ConnectionError:
        server.peer_closed.set()


async def drip(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
               server: RawServer) -> None:
    """A greeting, one byte every second."""
    for byte in b"220 slow.example ESMTP\r\n":
        writer.write(bytes([byte]))
        await writer.drain()
        await asyncio.sleep(1.0)


async def garbage(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                  server: RawServer) -> None:
    """A megabyte without a single line end."""
    writer.write(b"garbage" + b"\xfe" * (1024 * 1024))
    await writer.drain()
    await read_until_eof(reader, server)


async def endless_ehlo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                       server: RawServer) -> None:
    """A valid greeting, then an EHLO reply of a megabyte of continuation lines."""
    writer.write(b"220 big.example ESMTP\r\n")
    await reader.readline()
    line = b"250-" + b"X" * 60 + b"\r\n"
    writer.write(line * (1024 * 1024 // len(line)))
    await writer.drain()
    await read_until_eof(reader, server)


def greeting(line: bytes) -> Behaviour:
    """Greets with *line* (a 421 or 554 refusal, say), then hangs up."""
    async def behaviour(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                        server: RawServer) -> None:
        writer.write(line + b"\r\n")
        await writer.drain()
    return behaviour


def slow_but_steady(delay: float) -> Behaviour:
    """A plain SMTP server that takes *delay* seconds before every reply."""
    async def behaviour(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                        server: RawServer) -> None:
        replies = {b"EHLO": b"250-slow.example\r\n250 8BITMIME\r\n", b"QUIT": b"221 bye\r\n"}
        await asyncio.sleep(delay)
        writer.write(b"220 slow.example ESMTP\r\n")
        while line := await reader.readline():
            verb = line.split()[0].upper() if line.split() else b""
            await asyncio.sleep(delay)
            writer.write(replies.get(verb, b"250 OK\r\n"))
            await writer.drain()
            if verb == b"QUIT":
                return
    return behaviour


async def _dialog_until(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                        stop_at: bytes, ehlo: bytes = b"250-mx.example\r\n250 SIZE 1000000\r\n"
                        ) -> None:
    writer.write(b"220 mx.example ESMTP\r\n")
    while True:
        line = await reader.readline()
        if not line:
            return
        verb = line.split()[0].upper() if line.split() else b""
        if verb == stop_at:
            return
        if verb == b"EHLO":
            writer.write(ehlo)
        elif verb == b"QUIT":
            writer.write(b"221 bye\r\n")
            return
        else:
            writer.write(b"250 OK\r\n")
        await writer.drain()


async def closes_mid_data(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                          server: RawServer) -> None:
    """Normal dialog, 354 to DATA, then hangs up after the first bytes of the message."""
    await _dialog_until(reader, writer, b"DATA")
    writer.write(b"354 End data with <CR><LF>.<CR><LF>\r\n")
    await writer.drain()
    await reader.read(10)


async def closes_during_starttls(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                                 server: RawServer) -> None:
    """Offers STARTTLS, says 220 to it, then hangs up in the middle of the handshake."""
    await _dialog_until(reader, writer, b"STARTTLS",
                        ehlo=b"250-mx.example\r\n250 STARTTLS\r\n")
    writer.write(b"220 2.0.0 Ready to start TLS\r\n")
    await writer.drain()
    await reader.read(10)  # the start of the ClientHello


def starttls_injection(chunk: int) -> Behaviour:
    """Says 220 to STARTTLS in a reply that ends exactly where the client's first read
    of *chunk* bytes ends, and in the same write a plaintext EHLO reply: bytes injected
    before the handshake (a man in the middle's trick), waiting in the client's reader."""
    async def behaviour(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                        server: RawServer) -> None:
        await _dialog_until(reader, writer, b"STARTTLS",
                            ehlo=b"250-mx.example\r\n250 STARTTLS\r\n")
        line = b"220-" + b"x" * 96 + b"\r\n"
        body = line * ((chunk - 200) // len(line))
        last = b"220 " + b"y" * (chunk - len(body) - 6) + b"\r\n"
        writer.write(body + last + b"250-injected.example\r\n250 AUTH PLAIN\r\n")
        await writer.drain()
        await read_until_eof(reader, server)
    return behaviour


async def closes_during_tls(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                            server: RawServer) -> None:
    """An implicit-TLS port that hangs up in the middle of the handshake."""
    await reader.read(10)


async def old_tls_only(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                       server: RawServer) -> None:
    """An implicit-TLS port of an old server: answers the ClientHello with a fatal
    "protocol version" alert (it only knows versions the client refuses)."""
    await reader.read(5)
    writer.write(b"\x15\x03\x01\x00\x02\x02\x46")
    await writer.drain()
    await read_until_eof(reader, server)


async def eof_after_greeting(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                             server: RawServer) -> None:
    """Greets, then closes at EHLO."""
    writer.write(b"220 mx.example ESMTP\r\n")
    await writer.drain()
    await reader.readline()


# -- a port that silently drops connection attempts ------------------------------------

@contextlib.contextmanager
def blackhole_port() -> Iterator[int]:
    """A port where connection attempts are silently dropped (full accept queue)."""
    listener = socket.socket()
    filler = socket.socket()
    try:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port = listener.getsockname()[1]
        # With a backlog of 0 the queue holds one connection; once it is there,
        # further SYNs are dropped, as a firewall that does not answer.
        filler.settimeout(2)
        filler.connect(("127.0.0.1", port))
        yield port
    finally:
        filler.close()
        listener.close()


def free_port() -> int:
    """A port nothing listens on (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def late_greeting(delay: float) -> Behaviour:
    """A plain SMTP server (no TLS, no AUTH) whose greeting takes *delay* seconds
    (a reverse DNS check that drags, an overloaded box); then it takes the message."""
    async def behaviour(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                        server: RawServer) -> None:
        await asyncio.sleep(delay)
        writer.write(b"220 slow.example ESMTP\r\n")
        await writer.drain()
        while line := await reader.readline():
            server.received.extend(line)
            verb = line.split()[0].upper() if line.split() else b""
            if verb == b"EHLO":
                writer.write(b"250-slow.example\r\n250 8BITMIME\r\n")
            elif verb == b"DATA":
                writer.write(b"354 go ahead\r\n")
                await writer.drain()
                while (body := await reader.readline()) not in (b".\r\n", b""):
                    server.received.extend(body)
                writer.write(b"250 2.0.0 queued as SLOW1\r\n")
            elif verb == b"QUIT":
                writer.write(b"221 bye\r\n")
                await writer.drain()
                return
            else:
                writer.write(b"250 OK\r\n")
            await writer.drain()
    return behaviour
