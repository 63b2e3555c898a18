"""End to end: the workshop deck (``alviz slides``) and the app (``alviz app``) in Chromium.

Each server is the real command, started on a free loopback port with a token,
waited for with bounded timeouts and stopped by PID. Screenshots of every slide
and of the app go to ``tests/artifacts/`` (gitignored) for a person to look at.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

# Debian's Chromium and its headless flags (that module skips itself without playwright).
from test_browser import ARGS, CHROMIUM, click_point

from alviz import _servers

ARTIFACTS = Path(__file__).parent / "artifacts"
SECTIONS = [
    "1 · The loop", "2 · Measuring uncertainty", "3 · An honest comparison", "4 · Hands-on 1",
    "5 · Break", "6 · Two kinds of uncertainty", "7 · BALD and batches",
    "8 · Calibration and conformal sets", "9 · Pitfalls", "10 · Hands-on 2", "11 · Take home",
]  # fmt: skip

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is missing"),
]
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright for Python is missing")
pytest.importorskip("voila", reason="voila is missing (pip install -e .[app])")


class Command:
    """``alviz <args>`` as a child process, waited for until it prints its link."""

    def __init__(self, *args: str, timeout: float = 180):
        self.port, self.token = _servers.free_port(), "tok-" + os.urandom(8).hex()
        # As a class sees it: the Predict widgets wait for an answer (nbval's autoanswer off).
        env = {k: v for k, v in os.environ.items() if k != "ALVIZ_AUTOANSWER"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "alviz.cli", *args, "--port", str(self.port), "--no-browser",
             "--token", self.token],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1, env=env,
        )  # fmt: skip
        self.log = []
        end = time.monotonic() + timeout
        os.set_blocking(self.proc.stdout.fileno(), False)
        while time.monotonic() < end and self.proc.poll() is None:
            line = self.proc.stdout.readline()
            if not line:
                time.sleep(0.2)
                continue
            self.log.append(line)
            if m := re.search(r"is serving: (\S+)", line):
                self.link = m.group(1)
                return
        self.stop()
        raise RuntimeError(f"alviz {args[0]} did not start in {timeout} s:\n{''.join(self.log)}")

    def stop(self) -> None:
        """SIGTERM to alviz (it stops its server), then SIGKILL whatever is left, by PID."""
        children = _children(self.proc.pid)
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        for pid in children:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def _children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    return out


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


# ---------------------------------------------------------------------------- the deck
ONSCREEN = ".jp-deck-mod-onscreen"
TITLE = "Active learning with uncertainty sampling"


def onscreen_text(page) -> str:
    return page.evaluate(
        "s => [...document.querySelectorAll(s)].map(c => c.innerText).join('\\n')", ONSCREEN
    )


def plot_points(page, trace: int) -> int:
    """Points in one trace of the plot on the current slide, as plotly.js holds them."""
    return page.evaluate(
        "([s, t]) => document.querySelector(s + ' .js-plotly-plot').data[t].x.length",
        [ONSCREEN, trace],
    )


@pytest.fixture(scope="module")
def deck(browser, tmp_path_factory):
    # A copy: JupyterLab autosaves the deck it runs, and the repository's deck stays clean.
    copy = tmp_path_factory.mktemp("deck") / "workshop"
    shutil.copytree(Path(__file__).parents[1] / "notebooks" / "workshop", copy)
    server = Command("slides", str(copy / "workshop.ipynb"))
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.hosts = set()  # every host the deck's page asks for: only its own server
    page.on("request", lambda r: page.hosts.add(urlsplit(r.url).hostname or urlsplit(r.url).scheme))
    try:
        page.goto(server.link)
        page.locator(".jp-Notebook").first.wait_for(timeout=60_000)
        sync_api.expect(page.locator(ONSCREEN).first).to_contain_text(
            "Active learning with uncertainty sampling", timeout=60_000
        )
        sync_api.expect(page.locator(".jp-StatusBar-Item", has_text="Idle").first).to_be_attached(
            timeout=60_000
        )
        # As an instructor before class: the command palette works in deck mode.
        page.keyboard.press("Control+Shift+c")
        page.locator("input.lm-CommandPalette-input").fill("Run All Cells")
        page.keyboard.press("Enter")
        # Every widget cell has drawn (3 Explorers and a Compare board), and the kernel is done.
        page.wait_for_function(
            "() => document.querySelectorAll('.js-plotly-plot').length >= 4", timeout=300_000
        )
        sync_api.expect(page.locator(".jp-StatusBar-Item", has_text="Idle").first).to_be_attached(
            timeout=300_000
        )
        yield page
    finally:
        page.close()
        server.stop()


def go_to(page, text: str, limit: int = 80) -> None:
    """Show the first slide holding ``text``: back to the title slide, then forward."""
    for direction in ("ArrowLeft", "ArrowRight"):
        for _ in range(limit):
            here = onscreen_text(page)
            if text in here or (direction == "ArrowLeft" and TITLE in here):
                break
            page.keyboard.press(direction)
            page.wait_for_timeout(300)
        if text in onscreen_text(page):
            return
    raise AssertionError(f"no slide shows {text!r} within {limit} key presses")


def test_the_deck_renders_and_advances_through_every_slide(deck):
    page = deck
    go_to(page, "Active learning with uncertainty sampling")
    out = ARTIFACTS / "workshop"
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.png"):
        old.unlink()
    seen = []
    for i in range(120):
        page.wait_for_timeout(800)  # the slide transition and plotly's redraw
        text = onscreen_text(page)
        page.screenshot(path=str(out / f"{i:02d}.png"))
        # A fragment keeps the slide's text (its cell is on screen, not yet shown): stop
        # only at the last slide, once the arrow key no longer changes anything.
        if SECTIONS[-1] in text and seen and seen[-1] == text:
            break
        seen.append(text)
        page.keyboard.press("ArrowRight")
    assert len(set(seen)) >= 25, f"only {len(set(seen))} different slides"
    order = [next(i for i, t in enumerate(seen) if s in t) for s in SECTIONS]
    assert order == sorted(order), "sections out of order"
    assert not any("Traceback" in t or "Error" in t for t in seen), "a slide shows an error"
    assert page.hosts <= {"127.0.0.1", "data", "blob"}, page.hosts  # offline: no CDN


def test_a_live_widget_on_a_slide_responds_to_step_and_to_a_click(deck):
    from alviz.viz.boundary import TRACE

    page = deck
    go_to(page, "The Explorer: press")
    plot = page.locator(f"{ONSCREEN} .js-plotly-plot").first
    plot.wait_for(timeout=60_000)
    status = page.locator(f"{ONSCREEN} .widget-html-content b").first
    sync_api.expect(status).to_contain_text("10 labels", timeout=30_000)
    labeled = plot_points(page, TRACE["labeled"])
    # The first click into a cell that is not selected can be lost: select it first.
    status.click()
    page.wait_for_timeout(500)
    page.locator(f"{ONSCREEN} button", has_text="Step").first.click()
    sync_api.expect(status).to_contain_text("11 labels", timeout=60_000)
    page.wait_for_function(
        "([s, t, n]) => document.querySelector(s + ' .js-plotly-plot').data[t].x.length === n",
        arg=[ONSCREEN, TRACE["labeled"], labeled + 1], timeout=30_000,
    )  # fmt: skip
    assert plot_points(page, TRACE["queried"]) == 1
    click_point(page, TRACE["pool"], 5, scope=ONSCREEN)
    sync_api.expect(status).to_contain_text("12 labels", timeout=60_000)
    page.wait_for_function(
        "([s, t, n]) => document.querySelector(s + ' .js-plotly-plot').data[t].x.length === n",
        arg=[ONSCREEN, TRACE["labeled"], labeled + 2], timeout=30_000,
    )  # fmt: skip
    page.wait_for_timeout(1000)
    (ARTIFACTS / "workshop").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "workshop" / "explorer-after-step-and-click.png"))


def test_a_predict_moment_checks_the_answer_a_person_gives(deck):
    page = deck
    go_to(page, "Margin asks about the point")
    question = page.locator(ONSCREEN, has_text="Margin asks about the point").last
    question.get_by_text("B", exact=True).click()
    question.get_by_role("button", name="Check").click()
    sync_api.expect(question).to_contain_text("Not quite", timeout=30_000)
    question.get_by_text("A", exact=True).click()
    question.get_by_role("button", name="Check").click()
    sync_api.expect(question).to_contain_text("Right", timeout=30_000)


# ---------------------------------------------------------------------------- the app
@pytest.fixture(scope="module")
def app():
    server = Command("app", "explorer")
    yield server
    server.stop()


def _code():
    from alviz.widgets import ExplorerController

    c = ExplorerController("moons", strategy="margin", seed=3, initial=12, resolution=40,
                           panels=("boundary", "acquisition"))  # fmt: skip
    return c.export_settings()


def test_the_app_renders_without_code_restores_from_a_link_and_responds(app, browser):
    from alviz.viz.boundary import TRACE
    from alviz.widgets._links import app_link

    page = browser.new_page(viewport={"width": 1300, "height": 1000})
    hosts = set()
    page.on("request", lambda r: hosts.add(urlsplit(r.url).hostname or urlsplit(r.url).scheme))
    try:
        page.goto(app_link(_code(), base_url=app.link))
        plot = page.locator(".js-plotly-plot").first
        page.locator(".js-plotly-plot path.point").first.wait_for(timeout=180_000)
        status = page.locator(".widget-html-content b").first
        sync_api.expect(status).to_contain_text("12 labels", timeout=60_000)  # initial=12
        strategy = page.locator(".widget-dropdown", has_text="strategy").locator("select")
        assert strategy.input_value() == "margin"
        # No code: Voila strips the sources.
        assert page.locator(".jp-InputArea, .cm-editor, .CodeMirror").count() == 0
        assert "app_widget" not in page.content()
        assert page.locator(".js-plotly-plot").count() == 1  # one figure widget per page
        labeled = page.evaluate(
            "t => document.querySelector('.js-plotly-plot').data[t].x.length", TRACE["labeled"]
        )
        page.get_by_role("button", name="Step").click()
        sync_api.expect(status).to_contain_text("13 labels", timeout=30_000)
        click_point(page, TRACE["pool"], 4)
        sync_api.expect(status).to_contain_text("14 labels", timeout=30_000)
        page.wait_for_function(
            "([t, n]) => document.querySelector('.js-plotly-plot').data[t].x.length === n",
            arg=[TRACE["labeled"], labeled + 2], timeout=30_000,
        )  # fmt: skip
        assert plot.is_visible()
        page.wait_for_timeout(1000)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "app-explorer.png"), full_page=True)
        # Everything came from the app's own server: no CDN.
        assert hosts <= {"127.0.0.1", "data", "blob"}, hosts
    finally:
        page.close()


def test_a_damaged_link_says_so_and_shows_the_default_world(app, browser):
    page = browser.new_page(viewport={"width": 1300, "height": 1000})
    try:
        page.goto(app.link + "&settings=alviz1-damaged")
        sync_api.expect(page.get_by_text("settings could not be used")).to_be_visible(
            timeout=180_000
        )
        page.locator(".js-plotly-plot path.point").first.wait_for(timeout=120_000)
        page.screenshot(path=str(ARTIFACTS / "app-damaged-link.png"))
    finally:
        page.close()
