"""End to end: a Predict exercise answered in JupyterLab, in headless Chromium.

Reuses the JupyterLab server and Chromium set-up of ``test_browser.py``.
"""

from __future__ import annotations

import json

import pytest
from test_browser import ARGS, CHROMIUM, Lab, notebook, run_all

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is missing"),
]
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright for Python is missing")

CELLS = [
    # The root conftest makes every Predict answer itself; a learner's kernel does not.
    "import os\nos.environ.pop('ALVIZ_AUTOANSWER', None)\n"
    "import alviz as al\n"
    "q = al.widgets.Predict('Which is larger, two or three?', ['two', 'three'],\n"
    "                       truth=lambda: 'three', explanation='Three is one more than two.')\n"
    "q",
]


def test_a_learner_answers_in_the_browser(tmp_path):
    (tmp_path / "predict.ipynb").write_text(json.dumps(notebook(CELLS)))
    lab = Lab(tmp_path)
    try:
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.goto(lab.url("predict.ipynb"))
            run_all(page)
            check = page.get_by_role("button", name="Check", exact=True)
            check.wait_for(timeout=120_000)
            expect = sync_api.expect
            idle = page.locator(".jp-StatusBar-Item", has_text="| Idle").first
            expect(idle).to_be_visible(timeout=60_000)  # the cell has run: the comm is open
            check.click()  # nothing chosen yet
            expect(page.get_by_text("Choose an answer first.")).to_be_visible(timeout=30_000)
            page.get_by_text("two", exact=True).click()
            check.click()
            expect(page.get_by_text("Not quite", exact=False)).to_be_visible(timeout=30_000)
            page.get_by_text("three", exact=True).click()
            check.click()
            expect(page.get_by_text("Right: three", exact=False)).to_be_visible(timeout=30_000)
            page.get_by_role("button", name="Show explanation", exact=True).click()
            shown = page.locator(".widget-html-content", has_text="Three is one more than two.")
            expect(shown).to_contain_text("Answer: three", timeout=30_000)
            browser.close()
    finally:
        lab.stop()
