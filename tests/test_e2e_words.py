"""End to end, typed as a paste or PuTTY over a slow link sends it: every form of the
wizard filled in bursts (a whole field, Tab, the next field... in one send-keys, no
pause between), in ``comelin-tui --demo`` in a tmux pane at 80x24.

Each burst starts with Ctrl+U (clear the field) followed at once by the text, and each
field must then hold exactly its text. The acceptance walk does the whole demo that
way in French, then in English, to a passed test send and out, and no word of the
other language is on any screen captured on the way.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from language_check import foreign_words
from test_e2e_tmux import POLL, WAIT, TmuxPane

from comelin_tui import i18n

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("tmux") is None,
                       reason="tmux is not installed (Debian: apt-get install tmux)"),
]

EMAIL = "caisse@demo.example"  # the demo server's login: the username follows it
COMPANY = "Boutique Rafale 42"
WRONG_PASSWORD = "pas-le-bon 7"
RECIPIENT = "rafale@demo.example"


def t(key: str, lang: str, **params: object) -> str:
    from language_check import exclusive_words

    exclusive_words()  # imports every module: every catalogue is registered
    return i18n.t(key, lang, **params)


def holds(screen: str, text: str) -> bool:
    """An input on *screen* shows exactly *text* (nothing before or after it)."""
    return re.search(rf"▊\s+{re.escape(text)}\s+▎", screen) is not None


def demo(tmp_path: Path, lang: str) -> TmuxPane:
    env = {name: value for name, value in os.environ.items() if not name.startswith("TMUX")}
    env["TERM"] = "xterm"
    command = (f"TERM=xterm {shlex.quote(sys.executable)} -m comelin_tui --demo "
               f"--lang {lang}; echo DONE-$?; exec cat")
    return TmuxPane(command, cwd=tmp_path, env=env)


@pytest.fixture
def panes() -> Iterator[list[TmuxPane]]:
    started: list[TmuxPane] = []
    yield started
    for pane in started:
        pane.close()


def walk(pane: TmuxPane, lang: str) -> list[str]:
    """The whole demo, every form typed in bursts; the screens seen on the way."""
    seen: list[str] = []

    def wait(*texts: str) -> str:
        shown = pane.wait_for(*texts)
        seen.append(shown)
        return shown

    def title(number: int, step: str) -> str:
        return t("tui.wizard.title", lang, number=number, total=6,
                 step=t(f"tui.step.{step}", lang))

    wait(t("tui.home.action.start", lang))
    pane.send("Enter")
    wait(title(1, "email"))

    # 1. Email: the address, Tab, the company name, each after Ctrl+U, in one go.
    pane.send("C-u", EMAIL, "Tab", "C-u", COMPANY)
    shown = wait(COMPANY)
    assert holds(shown, EMAIL) and holds(shown, COMPANY), shown
    pane.send("C-n")

    # 2. Provider: letters on the list go to its filter; Enter takes the one match.
    wait(title(2, "provider"))
    pane.send("other", "Enter")
    shown = wait(title(3, "server"))

    # 3. Server: the demo's host and port typed again over what is there.
    port = re.search(r"▊\s+(\d{4,5})\s+▎", shown)
    assert port is not None, shown
    host = "127.0.0.1"
    pane.send("C-u", host, "Tab", "C-u", "9", "BSpace", port.group(1))
    shown = pane.wait_for(host)
    seen.append(shown)
    assert holds(shown, host) and holds(shown, port.group(1)), shown
    pane.send("C-n")

    # 4. Login: back to the username, the password typed and shown, then the demo's
    #    own put back with its button.
    wait(title(4, "credentials"))
    reveal = t("tui.cred.reveal", lang)
    pane.send("BTab", "C-u", EMAIL, "Tab", "C-u", WRONG_PASSWORD, "Tab", "Space")
    shown = wait(f"[x] {reveal}", WRONG_PASSWORD)
    assert holds(shown, EMAIL) and holds(shown, WRONG_PASSWORD), shown
    pane.send("Tab", "Enter")  # "Put back the demo password"
    deadline = time.monotonic() + WAIT
    while WRONG_PASSWORD in (shown := pane.screen()) and time.monotonic() < deadline:
        time.sleep(POLL)
    seen.append(shown)
    assert WRONG_PASSWORD not in shown, shown  # the demo's, shown instead
    assert re.search(r"▊\s+\S{12,}\s+▎", shown.split(reveal)[0].rsplit(EMAIL, 1)[1]), shown
    pane.send("C-n")

    # 5. Review & save, then the test send.
    wait(title(5, "review"))
    pane.send("Enter")  # Save (focused)
    wait(t("tui.review.saved", lang))
    pane.send("Enter")  # Run the test send (focused after saving)
    wait(t("tui.test.title", lang), t("tui.test.send", lang))

    # 6. The recipient, replacing the default, and Enter sends: all in one go.
    pane.send("C-u", RECIPIENT, "Enter")
    verdict = t("outcome.ok", lang, to=RECIPIENT).split(":")[0].strip()
    shown = wait(verdict, t("tui.test.mailbox", lang, count=1))
    assert RECIPIENT in shown, shown

    pane.send("C-q")
    shown = pane.wait_for("DONE-")
    assert "DONE-0" in shown, shown
    return seen


def test_every_form_typed_in_bursts_gets_exactly_its_text(
        tmp_path: Path, panes: list[TmuxPane]) -> None:
    pane = demo(tmp_path, "en")
    panes.append(pane)
    walk(pane, "en")


def test_the_whole_demo_in_bursts_in_french_then_english(
        tmp_path: Path, panes: list[TmuxPane]) -> None:
    typed = [EMAIL, COMPANY, WRONG_PASSWORD, RECIPIENT]
    # What the demo server presents and says (its certificate, the message's
    # subject), the demo's own store name and its folder are data, not words.
    server = ["Testing cert", "Testing CA", "trustme", "Comelin sandbox CA",
              "Comelin test message", "Message d'essai Comelin", "Boutique démo",
              "comelin-demo", "comelin-sandbox"]
    for lang in ("fr", "en"):
        folder = tmp_path / lang
        folder.mkdir()
        pane = demo(folder, lang)
        panes.append(pane)
        for screen in walk(pane, lang):
            found = foreign_words(screen, lang, [*typed, *server])
            assert not found, f"{lang}: words of the other language {sorted(found)}\n{screen}"
            assert not re.search(r":[ \u00a0]*:(?![\d\]])", screen), screen  # "Host:: x"
            if lang == "en":  # no French spacing: "Host : x"
                assert not re.search(r"[^\s:] [:;?!](\s|$)", screen), screen
            for line in screen.splitlines():  # no line (of any column) starts with ':'
                for part in re.split(r"[▕▏│┃█▌▐]", line):
                    assert not re.match(r"\s*[:»;?!](\s|$)", part), screen
