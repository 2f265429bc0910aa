"""The wizard in a browser, for guided onboarding: textual-serve behind a token drawn at each start.

Each browser session runs the ordinary wizard (``python -m comelin_tui``) as a
subprocess, driven through Textual's web driver, with the same settings, secret store
and test send as in a terminal. Around textual-serve's own server:

- every request must carry the token: in the printed URL once (the answer sets a
  cookie, HttpOnly and SameSite=Strict, and sends the browser to the bare address, so
  the token leaves the address bar of a shared screen), then the cookie; anything else
  is refused (403) before an app is started. The token is never logged (no access
  log; the token is compared in constant time);
- one session at a time: a second browser gets an "already in use" page;
- the app's end is bounded: when the tab closes (or serve is stopped) the app is asked
  to quit, then killed if it has not after a few seconds: no process is left behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp_jinja2
import jinja2
from aiohttp import WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.server import Server

from ..i18n import t

log = logging.getLogger("comelin_tui.serve")

COOKIE = "comelin_serve"  # + the port: two serves (two tunnels) keep their own
TEMPLATES = Path(__file__).resolve().parent.parent / "serve_templates"
# How long an app is given to quit when its tab closes, before it is killed.
QUIT_GRACE = 5.0

_PAGE = """<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">
<meta name="referrer" content="no-referrer"><title>{title}</title>
<style>body{{background:#0c181f;color:#fff;font:18px "Roboto Mono",menlo,monospace;
display:flex;align-items:center;justify-content:center;height:100vh;margin:0}}
div{{max-width:640px;padding:24px;background:#12232d}}</style></head>
<body><div id="{kind}"><p><b>{heading}</b></p><p>{text}</p></div></body></html>"""


def new_token() -> str:
    return secrets.token_urlsafe(24)


class WebServer(Server):
    """textual-serve's server, guarded by a token, one session at a time."""

    def __init__(self, argv: list[str], *, host: str, port: int, token: str,
                 lang: str) -> None:
        import shlex

        import textual_serve

        super().__init__(shlex.join(argv), host=host, port=port, title="Comelin",
                         templates_path=TEMPLATES,
                         statics_path=Path(textual_serve.__file__).resolve().parent / "static")
        self.argv = argv
        self.token = token
        # The browser's proof, once the token was shown: another secret, so the cookie
        # (sent to every service of this host, whatever its port) is not the token.
        self.session_key = secrets.token_urlsafe(24)
        self.lang = lang
        self.active: AppService | None = None
        self.busy = False
        self.idle = asyncio.Event()  # no session
        self.idle.set()
        self.ending = asyncio.Event()  # the session's page has closed its socket
        self.ending.set()
        self.sessions = 0
        self.bound_port = port

    @property
    def cookie(self) -> str:
        return f"{COOKIE}_{self.bound_port}"

    # -- the guard ---------------------------------------------------------------------

    def _authorised(self, request: web.Request) -> bool:
        for given, secret in ((request.query.get("token"), self.token),
                              (request.cookies.get(self.cookie), self.session_key)):
            if given and hmac.compare_digest(given.encode(), secret.encode()):
                return True
        return False

    def page(self, kind: str, status: int) -> web.Response:
        lang = self.lang
        body = _PAGE.format(lang=lang, title="Comelin", kind=kind,
                            heading=t(f"serve.page.{kind}.heading", lang),
                            text=t(f"serve.page.{kind}.text", lang))
        return web.Response(status=status, text=body, content_type="text/html",
                            headers={"Cache-Control": "no-store"})

    @web.middleware
    async def guard(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if not self._authorised(request):
            return self.page("forbidden", 403)
        origin = request.headers.get("Origin")
        if origin and urlsplit(origin).netloc != request.host:
            return self.page("forbidden", 403)  # another site's page, with our cookie
        if "token" in request.query:
            # Keep the token out of the address bar (and the history) of a shared screen.
            response = web.HTTPFound("/")
            response.set_cookie(self.cookie, self.session_key, httponly=True,
                                samesite="Strict", path="/")
            response.headers["Cache-Control"] = "no-store"
            return response
        return await handler(request)

    async def _make_app(self) -> web.Application:
        app = web.Application(middlewares=[self.guard])
        aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(self.templates_path))
        app.add_routes([
            web.get("/", self.handle_index, name="index"),
            web.get("/ws", self.handle_websocket, name="websocket"),
            web.static("/static", self.statics_path, show_index=False, name="static"),
        ])
        app.on_shutdown.append(self.on_shutdown)
        return app

    # -- the page and the session ------------------------------------------------------

    async def _wait_idle(self) -> bool:
        """Whether the wizard is free for a new page's socket.

        A reload asks for the new socket as the old page goes (its socket closes about
        then; its wizard ends within QUIT_GRACE): that is waited for. A second browser's
        page finds a session whose socket stays open: it is in use."""
        if not self.busy:
            return True
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(1.5):
                await self.ending.wait()
        if self.ending.is_set():
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(QUIT_GRACE + 1.0):
                    await self.idle.wait()
        return not self.busy

    async def handle_index(self, request: web.Request) -> web.StreamResponse:  # type: ignore[override]
        # Always the page: whether the wizard is free is the socket's to say (a reload
        # asks for this page while its old socket is still open).
        lang = self.lang
        context = {"lang": lang, "title": "Comelin", "font_size": 16,
                   "starting": t("serve.page.starting", lang),
                   "ended": t("serve.page.ended", lang),
                   "restart": t("serve.page.restart", lang),
                   "in_use_heading": t("serve.page.in_use.heading", lang),
                   "in_use": t("serve.page.in_use.text", lang),
                   "retry": t("serve.page.retry", lang)}
        response = aiohttp_jinja2.render_template("app_index.html", request, context)
        response.headers["Cache-Control"] = "no-store"
        return response

    async def handle_websocket(  # type: ignore[override]
            self, request: web.Request) -> web.StreamResponse:
        websocket = web.WebSocketResponse(heartbeat=15)
        if not websocket.can_prepare(request).ok:
            return web.Response(status=400, text="websocket only")
        if not await self._wait_idle():
            # The page says so (textual-serve's page would only say "session ended").
            await websocket.prepare(request)
            await websocket.send_json(["comelin_in_use"])
            await websocket.close()
            return websocket
        self.busy = True  # before any other await: a second socket cannot slip in
        self.idle.clear()
        self.ending.clear()
        app_service: AppService | None = None
        try:
            width = _size(request.query.get("width"), 80)
            height = _size(request.query.get("height"), 24)
            await websocket.prepare(request)
            app_service = WizardProcess(self.argv, write_bytes=websocket.send_bytes,
                                     write_str=websocket.send_str,
                                     close=websocket.close,  # type: ignore[arg-type]
                                     download_manager=self.download_manager)
            await app_service.start(width, height)
            self.active = app_service
            self.sessions += 1
            print(t("serve.session_started", self.lang), flush=True)
            await self._messages(websocket, app_service)
            self.ending.set()
        except asyncio.CancelledError:
            with contextlib.suppress(Exception):
                await websocket.close()
        except Exception:  # one session's trouble never stops the server
            log.exception("session failed")
        finally:
            if app_service is not None:
                await end_app(app_service)
                print(t("serve.session_ended", self.lang), flush=True)
            self.active = None
            self.busy = False
            self.ending.set()
            self.idle.set()
        return websocket

    async def _messages(self, websocket: web.WebSocketResponse, app: AppService) -> None:
        """The browser's keys and size to the app (textual-serve's protocol)."""
        async for message in websocket:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                envelope = message.json()
                kind, data = envelope[0], envelope[1] if len(envelope) > 1 else None
            except (ValueError, TypeError, IndexError, KeyError):
                continue
            if kind == "stdin" and isinstance(data, str):
                await app.send_bytes(data.encode("utf-8", "replace"))
            elif kind == "resize" and isinstance(data, dict):
                await app.set_terminal_size(_size(data.get("width"), 80),
                                            _size(data.get("height"), 24))
            elif kind == "ping":
                await websocket.send_json(["pong", data])
            elif kind == "blur":
                await app.blur()
            elif kind == "focus":
                await app.focus()

    async def on_shutdown(self, app: web.Application) -> None:
        if self.active is not None:
            await end_app(self.active)

    # -- running -----------------------------------------------------------------------

    async def start(self) -> web.AppRunner:
        """Listen (port 0 takes a free one: ``bound_port`` says which)."""
        runner = web.AppRunner(await self._make_app(), access_log=None,
                               handle_signals=False)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        await site.start()
        server = site._server  # aiohttp keeps the listening sockets there
        sockets = getattr(server, "sockets", None) or ()
        if sockets:
            self.bound_port = sockets[0].getsockname()[1]
        return runner


class WizardProcess(AppService):
    """textual-serve's app service, starting the wizard from its argv (no shell: no
    quoting to get wrong, on Windows either, and the process ended is the wizard)."""

    def __init__(self, argv: list[str], **kwargs: Any) -> None:
        import shlex

        super().__init__(shlex.join(argv), **kwargs)
        self.argv = argv

    async def _open_app_process(self, width: int = 80, height: int = 24) -> Any:
        environment = self._build_environment(width=width, height=height)
        self._process = process = await asyncio.create_subprocess_exec(
            *self.argv, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE, env=environment)
        assert process.stdin is not None
        self._stdin = process.stdin
        return process


async def end_app(app: AppService, grace: float = QUIT_GRACE) -> None:
    """Ask the app to quit and let it finish (its demo folder, its settings), then kill it
    if it is still there after *grace* seconds: never an orphan."""
    process = getattr(app, "_process", None)
    with contextlib.suppress(Exception):  # a stuck or broken app: killed below
        async with asyncio.timeout(grace):
            await app.stop()
            if process is not None:
                await process.wait()
    if process is not None and process.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        with contextlib.suppress(Exception):
            await process.wait()


def _size(value: object, default: int) -> int:
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return default
    return min(max(number, 10), 500)
