"""`comelin-tui serve`: the wizard in a real browser (Debian's Chromium, headless, driven
by selenium through chromedriver), behind its one-time token, one session at a time.

The real command runs as a subprocess on a free loopback port. The browser's page
runs textual-serve's own xterm.js front end; what the app sends over the websocket is
recorded in the page (a wrapper around WebSocket installed before the page's scripts),
so the test reads the screen's words without reading pixels. A screenshot of the
passed test send is saved for a person to look at (``COMELIN_SCREENSHOTS`` names the
folder; else the test's own temporary folder).
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from comelin_tui import cli
from comelin_tui.commands.serve import parse_listen

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
WAIT = 30.0


# --- options, without a browser --------------------------------------------------------------


@pytest.mark.parametrize("listen", ["0.0.0.0:8080", "192.0.2.10:8080", "[2001:db8::1]:8080",
                                    "boutique.example:8080"])
def test_a_non_loopback_address_needs_allow_remote(listen: str,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.run(["serve", "--listen", listen, "--lang", "en"])
    err = capsys.readouterr().err
    assert code == 3
    assert "is not a loopback address" in err and "--allow-remote" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("listen", ["8080", "127.0.0.1", "127.0.0.1:http", "127.0.0.1:70000",
                                    ":8080", "127.0.0.1 :8080"])
def test_a_bad_listen_address_is_said(listen: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.run(["serve", "--listen", listen, "--lang", "fr"])
    assert code == 3
    assert "n'est pas une adresse d'écoute" in capsys.readouterr().err


def test_allow_remote_warns_and_a_failed_listen_is_said(
        capsys: pytest.CaptureFixture[str]) -> None:
    # 192.0.2.10 is no address of this machine: the warning, then the listen fails.
    code = cli.run(["serve", "--listen", "192.0.2.10:8080", "--allow-remote", "--lang", "en"])
    err = capsys.readouterr().err
    assert code == 3
    assert "Warning: the wizard listens on 192.0.2.10" in err
    assert "Cannot listen on 192.0.2.10:8080" in err and "Traceback" not in err


def test_each_session_runs_the_wizard_with_the_same_settings_and_language() -> None:
    import argparse

    from comelin_tui.commands.serve import app_command

    command = app_command(argparse.Namespace(config="-odd name's $(id).toml", lang="fr",
                                             serve_demo=False, demo=False))
    # An argv, run without a shell: the path stays one argument, whatever is in it.
    assert command == [sys.executable, "-m", "comelin_tui", "--config=-odd name's $(id).toml",
                       "--lang=fr"]
    dns = app_command(argparse.Namespace(config=None, lang=None, serve_demo=False, demo=False,
                                         serve_dns_server="127.0.0.1:5353",
                                         serve_no_dns_checks=True))
    assert dns[3:] == ["--dns-server=127.0.0.1:5353", "--no-dns-checks"]
    for flags in ({"serve_demo": True, "demo": False}, {"serve_demo": False, "demo": True}):
        demo = app_command(argparse.Namespace(config=None, lang=None, **flags))
        assert demo == [sys.executable, "-m", "comelin_tui", "--demo"]


def test_a_bad_dns_server_is_said_before_serving(capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.run(["serve", "--dns-server", "not-an-ip", "--lang", "en"])
    assert code == 3
    assert "the IP address of a DNS server" in capsys.readouterr().err


def test_parse_listen() -> None:
    assert parse_listen("127.0.0.1:8080") == ("127.0.0.1", 8080)
    assert parse_listen("[::1]:0") == ("::1", 0)
    assert parse_listen("localhost:9000") == ("localhost", 9000)


# --- the real server -------------------------------------------------------------------------


class Served:
    """`comelin-tui serve --demo` on a free loopback port, its output read as it comes."""

    def __init__(self, home: Path, *extra: str) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "comelin_tui", "serve", "--demo", "--listen",
             "127.0.0.1:0", "--lang", "en", *extra],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
            cwd=home, start_new_session=True)
        self.lines: list[str] = []
        assert self.process.stdout is not None
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                break
            self.lines.append(line)
            if match := re.search(r"(http://127\.0\.0\.1:(\d+)/\?token=([\w-]+))", line):
                self.url, self.port, self.token = match.group(1), match.group(2), match.group(3)
                return
        raise AssertionError("serve printed no URL: " + "".join(self.lines)
                             + (self.process.stderr.read() if self.process.poll() else ""))

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def children(self) -> list[int]:
        """The processes serve started (the wizard of a browser session)."""
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                found.append(int(entry.name))
        return found

    def wait_children(self, count: int, timeout: float = WAIT) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.children()) == count:
                return
            time.sleep(0.05)  # polling /proc: the only way to see a process end
        raise AssertionError(f"serve has {len(self.children())} children, not {count}")

    def stop(self) -> tuple[str, str]:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        out, err = self.process.communicate(timeout=WAIT)
        return "".join(self.lines) + out, err


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    if not Path("/proc").is_dir():
        pytest.skip("reads the processes serve started from /proc (Linux)")
    server = Served(tmp_path)
    try:
        yield server
    finally:
        if server.process.poll() is None:
            os.killpg(server.process.pid, signal.SIGKILL)
            server.process.wait()


def fetch(url: str, cookie: str | None = None) -> tuple[int, str, dict[str, str]]:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), dict(error.headers)


@pytest.mark.slow
def test_without_the_token_everything_is_refused_before_an_app_starts(served: Served) -> None:
    for path in ("", "?token=wrong", "ws", "static/js/textual.js", "?token="):
        status, body, _headers = fetch(served.base + path)
        assert status == 403, path
        assert "needs the token" in body
    assert served.children() == []
    status, _body, headers = fetch(served.url)
    # The token's URL sets the cookie and sends the browser to the bare address.
    assert status == 302 and headers["Location"] == "/"
    assert "HttpOnly" in headers["Set-Cookie"] and "SameSite=Strict" in headers["Set-Cookie"]
    cookie = headers["Set-Cookie"].split(";", 1)[0]
    name, _eq, key = cookie.partition("=")
    assert name == f"comelin_serve_{served.port}"  # two serves keep their own
    assert key and key != served.token  # the cookie is not the token
    status, body, _headers = fetch(served.base, cookie=cookie)
    assert status == 200 and "textual.js" in body
    assert fetch(served.base, cookie=f"{name}={served.token}")[0] == 403
    # The websocket address asked as a page: a plain refusal, nothing started.
    status, _body, _headers = fetch(served.base + "ws", cookie=cookie)
    assert status == 400 and served.children() == []
    out, err = served.stop()
    assert served.token not in err  # never in a log; printed once, in the URL
    assert out.count(served.token) == 1
    assert served.process.returncode == 0
    assert "Traceback" not in err and "Unhandled" not in err


# --- in a real browser -----------------------------------------------------------------------

RECORDER = """
(() => {
  const Original = window.WebSocket;
  const decoder = new TextDecoder();
  window.__screen = [];
  window.WebSocket = function (url, protocols) {
    const socket = protocols === undefined ? new Original(url) : new Original(url, protocols);
    socket.addEventListener("message", (event) => {
      if (typeof event.data !== "string") {
        window.__screen.push(decoder.decode(new Uint8Array(event.data), {stream: true}));
      }
    });
    return socket;
  };
  window.WebSocket.prototype = Original.prototype;
  Object.assign(window.WebSocket, Original);
})();
"""
ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-_]")


def browser() -> object:
    if CHROMIUM is None or CHROMEDRIVER is None:
        pytest.skip("Chromium is not installed (Debian: apt-get install chromium "
                    "chromium-driver); .ci/run installs it")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                 "--window-size=1100,720", "--no-first-run", "--disable-extensions",
                 "--disable-background-networking", "--disable-sync"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORDER})
    return driver


def screen_text(driver: object) -> str:
    chunks = driver.execute_script("return window.__screen || [];")  # type: ignore[attr-defined]
    return ANSI.sub("", "".join(chunks))


def wait_for(driver: object, *words: str, since: int = 0) -> str:
    deadline = time.monotonic() + WAIT
    text = ""
    while time.monotonic() < deadline:
        text = screen_text(driver)[since:]
        if all(word in text for word in words):
            return text
        time.sleep(0.1)  # the page's recorder fills as the bytes arrive: poll it
    raise AssertionError(f"not on screen: {words!r}\n---\n{text[-3000:]}")


def wait_shown(driver: object, element_id: str) -> str:
    """The text of an element of the page once it is shown."""
    from selenium.webdriver.common.by import By

    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        element = driver.find_element(By.ID, element_id)  # type: ignore[attr-defined]
        if element.is_displayed():
            return str(element.text)
        time.sleep(0.1)  # the page shows it when serve's word arrives: poll it
    raise AssertionError(f"#{element_id} never shown")


def press(driver: object, *keys: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    actions = ActionChains(driver)  # type: ignore[arg-type]
    for key in keys:
        if key.startswith("ctrl+"):
            actions.key_down(Keys.CONTROL).send_keys(key[5:]).key_up(Keys.CONTROL)
        elif key == "enter":
            actions.send_keys(Keys.ENTER)
        else:
            actions.send_keys(key)
        actions.pause(0.05)
    actions.perform()


def screenshot_folder(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("COMELIN_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.slow
def test_a_browser_walks_the_demo_to_a_passed_test_send(served: Served, tmp_path: Path) -> None:
    first = browser()
    second = None
    try:
        first.get(served.url)  # type: ignore[attr-defined]
        assert first.current_url == served.base  # the token left the address bar
        wait_for(first, "Welcome", "Demo mode", "Start the setup")
        assert len(served.children()) == 1  # one wizard for this session
        # The keyboard goes to the terminal, as after a click in it.
        first.execute_script(  # type: ignore[attr-defined]
            "document.querySelector('.xterm-helper-textarea').focus();")

        # The keys of a technician, as in a terminal: start, Next four times, Save, test.
        press(first, "enter")
        wait_for(first, "Step 1 of 6")
        for number in (2, 3, 4, 5):
            mark = len(screen_text(first))
            press(first, "ctrl+n")
            wait_for(first, f"Step {number} of 6", since=mark)
        press(first, "enter")
        wait_for(first, "Settings and password saved.")
        press(first, "enter")
        mark = len(screen_text(first))
        wait_for(first, "Send the test", since=mark)
        press(first, "ctrl+r")
        wait_for(first, "PASSED", "Received by the demo server (1)", since=mark)
        shot = screenshot_folder(tmp_path) / "serve-demo-passed.png"
        first.save_screenshot(str(shot))  # type: ignore[attr-defined]
        assert shot.stat().st_size > 10_000
        # A reload ends this page's session and starts the next one: not "in use".
        first.refresh()  # type: ignore[attr-defined]
        wait_for(first, "Demo mode")
        assert not first.execute_script(  # type: ignore[attr-defined]
            "return document.body.classList.contains('-in-use');")
        served.wait_children(1)

        # A second browser, with the token: told the wizard is in use, no second app.
        second = browser()
        second.get(served.url)  # type: ignore[attr-defined]
        in_use = wait_shown(second, "in-use")
        assert "Already in use" in in_use and "Close it, then reload this page" in in_use
        second.save_screenshot(str(screenshot_folder(tmp_path) / "serve-in-use.png"))  # type: ignore[attr-defined]
        assert len(served.children()) == 1
        # The same address without the token: refused.
        second.delete_all_cookies()  # type: ignore[attr-defined]
        second.get(served.base)  # type: ignore[attr-defined]
        assert "Access refused" in second.page_source  # type: ignore[attr-defined]
        second.save_screenshot(str(screenshot_folder(tmp_path) / "serve-refused.png"))  # type: ignore[attr-defined]
    finally:
        first.quit()  # type: ignore[attr-defined]
        if second is not None:
            second.quit()  # type: ignore[attr-defined]
    # The tab is gone: its wizard ends, nothing is left behind.
    served.wait_children(0)
    out, err = served.stop()
    assert served.process.returncode == 0
    assert served.token not in err
    assert "Traceback" not in err
    assert "A session opened in a browser." in out and "The browser session has ended." in out


@pytest.mark.slow
def test_ctrl_c_on_serve_ends_the_running_session_too(served: Served) -> None:
    driver = browser()
    try:
        driver.get(served.url)  # type: ignore[attr-defined]
        wait_for(driver, "Start the setup")
        served.wait_children(1)
        wizard = served.children()[0]
        served.process.send_signal(signal.SIGINT)
        served.process.wait(timeout=WAIT)
        assert served.process.returncode == 0
        assert not Path(f"/proc/{wizard}").exists() or \
            "zombie" in Path(f"/proc/{wizard}/status").read_text().lower()
    finally:
        driver.quit()  # type: ignore[attr-defined]


@pytest.mark.slow
def test_a_killed_serve_leaves_no_wizard_behind(served: Served) -> None:
    driver = browser()
    try:
        driver.get(served.url)  # type: ignore[attr-defined]
        wait_for(driver, "Start the setup")
        served.wait_children(1)
        wizard = served.children()[0]
        served.process.kill()  # no goodbye: the wizard must notice on its own
        served.process.wait(timeout=WAIT)
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline and Path(f"/proc/{wizard}").exists() and \
                "zombie" not in Path(f"/proc/{wizard}/status").read_text().lower():
            time.sleep(0.1)  # polling /proc: the only way to see another process end
        assert not Path(f"/proc/{wizard}").exists() or \
            "zombie" in Path(f"/proc/{wizard}/status").read_text().lower()
    finally:
        driver.quit()  # type: ignore[attr-defined]


@pytest.mark.slow
async def test_a_broken_keystroke_does_not_end_the_session(served: Served) -> None:
    import aiohttp

    _status, _body, headers = fetch(served.url)
    cookie = headers["Set-Cookie"].split(";", 1)[0]
    async with aiohttp.ClientSession(headers={"Cookie": cookie}) as session, \
            session.ws_connect(served.base + "ws?width=80&height=24") as socket:
            await socket.send_str('["stdin", "\\ud800"]')  # a lone surrogate, from JSON
            await socket.send_str("not json at all")
            await socket.send_str('["resize", {"width": "wide", "height": null}]')
            await socket.send_str('["ping", "still-there"]')
            async with asyncio.timeout(WAIT):
                while True:
                    message = await socket.receive()
                    if message.type == aiohttp.WSMsgType.TEXT and "still-there" in message.data:
                        break
                    assert message.type not in (aiohttp.WSMsgType.CLOSE,
                                                aiohttp.WSMsgType.CLOSED), message
    served.wait_children(0)
    _out, err = served.stop()
    assert "Traceback" not in err and "session failed" not in err
