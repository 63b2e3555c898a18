"""End to end: the real widgets in JupyterLab, driven by headless Chromium.

JupyterLab is started on 127.0.0.1 with a random free port and a token, in a
temporary folder holding a small notebook; Playwright drives Debian's
Chromium. Checks that a click in the browser reaches Python (the status
line, which Python rewrites, changes) and that Python's figure patches
reach the plot (the clicked point is drawn as labeled).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="/usr/bin/chromium is missing (apt-get install chromium; tools/ensure_chromium.sh)",
    ),
]
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright for Python is missing")


def notebook(cells: list[str]) -> dict:
    """A notebook with code ``cells`` and the kernelspec (no 'Select Kernel' dialog)."""
    return {
        "cells": [
            {"cell_type": "code", "execution_count": None, "id": f"c{i}", "metadata": {},
             "outputs": [], "source": src}
            for i, src in enumerate(cells)
        ],
        "metadata": {"kernelspec": KERNELSPEC, "language_info": {"name": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }  # fmt: skip


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Lab:
    """A JupyterLab server on a temporary folder (localhost, random port, token)."""

    def __init__(self, root: Path):
        self.root, self.port, self.token = root, free_port(), "alviz-test-token"
        cmd = [
            sys.executable, "-m", "jupyterlab", "--no-browser",
            f"--ServerApp.root_dir={root}", "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={self.port}", f"--IdentityProvider.token={self.token}",
            "--ServerApp.allow_remote_access=False",
            "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.extension_manager=readonly",
        ]  # fmt: skip
        if hasattr(os, "geteuid") and os.geteuid() == 0:  # CI containers run as root
            cmd.append("--allow-root")
        self.log = open(root / "lab.log", "w")
        self.proc = subprocess.Popen(
            cmd, cwd=root, stdout=self.log, stderr=subprocess.STDOUT, env=os.environ.copy()
        )
        self._wait()

    def _wait(self, timeout: float = 60) -> None:
        url = f"http://127.0.0.1:{self.port}/api/status?token={self.token}"
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                raise RuntimeError(f"JupyterLab exited: {(self.root / 'lab.log').read_text()}")
            try:
                with urllib.request.urlopen(url, timeout=2):
                    return
            except OSError:
                time.sleep(0.3)
        raise TimeoutError("JupyterLab did not start within 60 s")

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/lab/tree/{path}?token={self.token}&reset"

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


EXPLORER_CELLS = [
    "import alviz as al\nw = al.widgets.Explorer('moons', resolution=40, initial=10, seed=0)\nw",
]


LABELER_CELLS = [
    "import alviz as al\n"
    "texts = ['good film', 'great plot', 'fine cast', 'bad film', 'awful plot', 'dull cast']\n"
    "ds = al.datasets.from_texts(texts, labels=['pos', None, None, 'neg', None, None],\n"
    "                            classes=['neg', 'pos'], test_size=0)\n"
    "w = al.widgets.Labeler(ds, batch_size=2, seed=0)\n"
    "w",
]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    root = tmp_path_factory.mktemp("lab")
    (root / "explorer.ipynb").write_text(json.dumps(notebook(EXPLORER_CELLS)))
    (root / "labeler.ipynb").write_text(json.dumps(notebook(LABELER_CELLS)))
    server = Lab(root)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def page(lab):
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1500, "height": 1100})
        yield page
        browser.close()


def run_all(page) -> None:
    """Run every cell through the menu (as a person would), once the kernel is idle."""
    page.locator(".jp-Notebook").first.wait_for(timeout=60_000)
    sync_api.expect(page.locator(".jp-StatusBar-Item", has_text="| Idle").first).to_be_visible(
        timeout=60_000
    )
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()


def status(page):
    return page.locator(".widget-html-content b").first


def n_points(page, trace: int) -> int:
    """Points of one trace as plotly.js holds them (after Python's patches)."""
    return page.evaluate("t => document.querySelector('.js-plotly-plot').data[t].x.length", trace)


# Position (page pixels) and dataset index of point ``i`` of trace ``t`` of the first plot
# (in the element ``scope``, when given). A board draws its pool as one picture, so a pool
# point has no node of its own to click: a person clicks where it is drawn.
POINT_JS = """([t, i, scope]) => {
  const gd = document.querySelector((scope ? scope + ' ' : '') + '.js-plotly-plot');
  if (!scope) gd.scrollIntoView({block: 'start'});  // a slide shows its plot already
  const tr = gd._fullData[t], L = gd._fullLayout;
  const xa = L[tr.xaxis.replace('x', 'xaxis')], ya = L[tr.yaxis.replace('y', 'yaxis')];
  // The figure's own drawing (the plot's box may be narrower); a slide may scale it.
  const r = gd.querySelector('.main-svg').getBoundingClientRect(), k = r.width / L.width;
  return [r.left + k * (xa._offset + xa.l2p(tr.x[i])), r.top + k * (ya._offset + ya.l2p(tr.y[i])),
          tr.customdata[i]];
}"""


def click_point(page, trace: int, i: int, scope: str = "") -> int:
    """Click point ``i`` of trace ``trace`` where the plot draws it; its dataset index."""
    x, y, index = page.evaluate(POINT_JS, [trace, i, scope])
    page.mouse.click(x, y)
    return int(index)


def test_clicking_a_point_in_the_browser_labels_it_in_python(lab, page):
    from alviz.viz.boundary import TRACE

    page.goto(lab.url("explorer.ipynb"))
    run_all(page)
    points = page.locator(".js-plotly-plot path.point")
    points.first.wait_for(timeout=120_000)
    sync_api.expect(status(page)).to_contain_text("10 labels", timeout=30_000)
    # The boundary is the board's first panel: its traces come first.
    labeled = n_points(page, TRACE["labeled"])
    index = click_point(page, TRACE["pool"], 3)
    sync_api.expect(status(page)).to_contain_text("11 labels", timeout=30_000)
    # Python's patch reached plotly.js: the clicked point moved to the labeled layer.
    page.wait_for_function(
        "([t, n]) => document.querySelector('.js-plotly-plot').data[t].x.length === n",
        arg=[TRACE["labeled"], labeled + 1],
        timeout=30_000,
    )
    assert index in page.evaluate(
        "t => Array.from(document.querySelector('.js-plotly-plot').data[t].customdata)",
        TRACE["labeled"],
    )
    page.get_by_role("button", name="Step").click()
    sync_api.expect(status(page)).to_contain_text("round 1 · 12 labels", timeout=30_000)
    assert n_points(page, TRACE["queried"]) == 1


def test_keyboard_shortcuts_label_in_the_browser(lab, page):
    page.goto(lab.url("labeler.ipynb"))
    run_all(page)
    box = page.locator("input.alviz-keys")
    box.wait_for(timeout=120_000)
    status = page.locator(".widget-html-content", has_text="labeled").first
    sync_api.expect(status).to_contain_text("2 of 6 labeled", timeout=30_000)
    box.click()
    page.keyboard.press("2")  # class 2 in the menu: 'pos'
    sync_api.expect(status).to_contain_text("3 of 6 labeled", timeout=30_000)
    page.keyboard.press("s")
    sync_api.expect(status).to_contain_text("1 skipped", timeout=30_000)
    page.keyboard.press("u")
    sync_api.expect(status).to_contain_text("0 skipped", timeout=30_000)
    assert box.input_value() == ""  # keys act; they are not typed into the box


def screenshot(notebook_path: Path, out: Path, wait_text: str = "") -> None:
    """Run a notebook in JupyterLab and save a picture of its first widget (docs/explorer.png).

    ``wait_text``: text the widget's status line shows once the notebook's cells have run.
    """
    import shutil
    import tempfile

    root = Path(tempfile.mkdtemp())
    shutil.copy(notebook_path, root / notebook_path.name)
    server = Lab(root)
    try:
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            page = browser.new_page(viewport={"width": 1600, "height": 2600})
            page.goto(server.url(notebook_path.name))
            run_all(page)
            page.locator(".js-plotly-plot path.point").first.wait_for(timeout=180_000)
            if wait_text:  # e.g. the status line after the notebook's own steps
                sync_api.expect(status(page)).to_contain_text(wait_text, timeout=180_000)
            page.wait_for_timeout(3000)  # let plotly finish the last patch
            widget = page.locator(".jp-OutputArea-output").first
            widget.screenshot(path=str(out))
            browser.close()
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    # .venv/bin/python tests/test_browser.py notebooks/01_explorer.ipynb docs/explorer.png "round 5"
    screenshot(Path(sys.argv[1]), Path(sys.argv[2]), *sys.argv[3:4])
