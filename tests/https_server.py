"""A real HTTPS server on 127.0.0.1 for the autoconfig tests (trustme certificate).

One server answers for many names (it routes on the Host header), so a test DNS
server can point ``autoconfig.<domain>``, ``<domain>`` and an ISPDB mirror's name
at the same port. Routes are ``(host, path) -> Reply``; anything else is 404.
Every request is recorded as ``(host, path with query)``.
"""

from __future__ import annotations

import http.server
import ssl
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field

import trustme


@dataclass
class Reply:
    """What a route answers. ``kind``: "body" (status, headers, body), "slow" (never
    answers until the server stops), "stream" (``size`` bytes without a length),
    "chunked" (the body in chunks of ``size`` bytes; ``cut``: no closing zero-size
    chunk, the connection just closes), "claims" (a Content-Length of ``size``, then the body). ``delay``: the
    seconds the server takes before it answers (a far or busy server)."""

    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    kind: str = "body"
    size: int = 0
    cut: bool = False
    delay: float = 0.0


def redirect(location: str, status: int = 301) -> Reply:
    return Reply(status=status, headers={"Location": location})


def xml(text: str) -> Reply:
    return Reply(text.encode(), headers={"Content-Type": "text/xml"})


class HttpsServer:
    """``start()`` serves on 127.0.0.1 (a free port) until ``stop()``."""

    def __init__(self, ca: trustme.CA, names: Iterable[str]) -> None:
        self.routes: dict[tuple[str, str], Reply] = {}
        self.requests: list[tuple[str, str]] = []
        self.release = threading.Event()
        self.slow_started = threading.Event()
        self._cert = ca.issue_cert(*names, "127.0.0.1")
        self._server: http.server.ThreadingHTTPServer | None = None
        self.port = 0

    def start(self) -> HttpsServer:
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                host = (self.headers.get("Host") or "").rsplit(":", 1)[0].lower()
                owner.requests.append((host, self.path))
                reply = owner.routes.get((host, self.path.split("?", 1)[0]))
                if reply is None:
                    reply = Reply(b"not here", status=404)
                if reply.kind == "slow":
                    owner.slow_started.set()
                    owner.release.wait(30)
                    return
                if reply.delay:
                    owner.release.wait(reply.delay)  # the server's own pace
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                if reply.kind == "stream":
                    self.send_header("Connection", "close")
                    self.end_headers()
                    chunk = b"<" * 65536
                    sent = 0
                    try:
                        while sent < reply.size:
                            self.wfile.write(chunk)
                            sent += len(chunk)
                    except OSError:
                        pass  # the client stopped reading: that is the point
                    self.close_connection = True
                    return
                if reply.kind == "chunked":
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    pieces = [reply.body[i:i + reply.size]
                              for i in range(0, len(reply.body), reply.size)]
                    for piece in pieces:
                        self.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
                    if not reply.cut:
                        self.wfile.write(b"0\r\n\r\n")
                    self.close_connection = True
                    return
                length = reply.size if reply.kind == "claims" else len(reply.body)
                self.send_header("Content-Length", str(length))
                self.end_headers()
                self.wfile.write(reply.body)

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self._cert.configure_cert(context)
        server.socket = context.wrap_socket(server.socket, server_side=True,
                                            do_handshake_on_connect=False)
        self._server = server
        self.port = server.server_address[1]
        threading.Thread(target=server.serve_forever, name="https-test-server",
                         daemon=True).start()
        return self

    def stop(self) -> None:
        self.release.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def url(self, host: str, path: str) -> str:
        return f"https://{host}:{self.port}{path}"
