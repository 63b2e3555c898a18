"""End to end: what a person sees of the Explorer in JupyterLab (headless Chromium).

Each test opens one small notebook in the JupyterLab of ``test_browser.py``'s
fixtures and checks the plot itself (``gd.data``, what plotly.js holds after
Python's patches), not only a status line. Screenshots of each scenario go to
``tests/artifacts/`` (git-ignored) for a person to look at.
"""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest
from test_browser import ARGS, CHROMIUM, POINT_JS, Lab, notebook, run_all, status

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright for Python is missing")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is missing"),
]

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"

EXPLORER = (
    "import alviz as al\nw = al.widgets.Explorer('moons', resolution=30, initial=10, seed=0)\nw"
)
HUMAN = (
    "import alviz as al\n"
    "w = al.widgets.Explorer('moons', resolution=30, initial=10, seed=0, oracle='human')\nw"
)
LARGE = (
    "import alviz as al\n"
    "ds = al.datasets.load('moons', n_samples=66_667, noise=0.2, seed=0)\n"
    "w = al.widgets.Explorer(ds, resolution=30, initial=10, seed=0, panels=('boundary', "
    "'acquisition'))\nw"
)
BROKEN = (
    "import alviz as al\n"
    "class Broken(al.widgets.ExplorerController):\n"
    "    def _advance(self):\n"
    "        raise ZeroDivisionError('boom')\n"
    "w = al.widgets.Explorer(controller=Broken('moons', resolution=30, initial=10, seed=0))\nw"
)
NOTEBOOKS = {"explorer": EXPLORER, "human": HUMAN, "large": LARGE, "broken": BROKEN}


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    root = tmp_path_factory.mktemp("lab-widgets")
    for name, cell in NOTEBOOKS.items():
        (root / f"{name}.ipynb").write_text(json.dumps(notebook([cell])))
    server = Lab(root)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser(lab):
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture
def open_notebook(lab, browser, request):
    """Open a notebook, run it, wait for its plot; screenshot and shut its kernel after."""
    pages = []

    def _open(name: str):
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        page.errors = []
        page.on("pageerror", lambda e: page.errors.append(str(e)))
        page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
        page.goto(lab.url(f"{name}.ipynb"))
        run_all(page)
        page.locator(".js-plotly-plot").first.wait_for(timeout=180_000)
        page.wait_for_function(
            "() => { const gd = document.querySelector('.js-plotly-plot');"
            " return gd && gd._fullData && gd._fullData.length >= 4; }",
            timeout=180_000,
        )
        pages.append(page)
        return page

    yield _open
    ARTIFACTS.mkdir(exist_ok=True)
    for i, page in enumerate(pages):
        page.locator(".jp-OutputArea-output").first.screenshot(
            path=str(ARTIFACTS / f"{request.node.name}-{i}.png")
        )
        page.close()
    _shutdown_kernels(lab)


def _shutdown_kernels(lab) -> None:
    base = f"http://127.0.0.1:{lab.port}/api/kernels"
    auth = {"Authorization": f"token {lab.token}"}
    with urllib.request.urlopen(urllib.request.Request(base, headers=auth)) as r:
        kernels = json.load(r)
    for k in kernels:
        req = urllib.request.Request(f"{base}/{k['id']}", method="DELETE", headers=auth)
        urllib.request.urlopen(req).close()


def data(page, t: int, key: str) -> list:
    """``gd.data[t][key]`` as plotly.js holds it."""
    return page.evaluate(
        "([t, k]) => Array.from(document.querySelector('.js-plotly-plot').data[t][k] || [])",
        [t, key],
    )


# The layout image drawn for trace ``t`` (a grid map): its source, and whether the plot
# shows an <image> with that source on the trace's axes.
PICTURE_JS = """t => {
  const gd = document.querySelector('.js-plotly-plot'), tr = gd._fullData[t];
  const im = (gd.layout.images || []).find(i => i.xref === tr.xaxis && i.yref === tr.yaxis);
  if (!im) return [null, false];
  const drawn = [...gd.querySelectorAll('.imagelayer image')]
    .some(e => (e.getAttribute('href') || e.getAttribute('xlink:href')) === im.source);
  return [im.source, drawn];
}"""


# Circles in the SVG picture drawn for trace ``t``, whether the plot shows it, and the opacity
# of the markers the trace still draws itself.
DOTS_JS = """t => {
  const gd = document.querySelector('.js-plotly-plot'), tr = gd._fullData[t];
  const im = (gd.layout.images || []).find(i => i.xref === tr.xaxis && i.yref === tr.yaxis
                                                && i.source.startsWith('data:image/svg+xml'));
  if (!im) return [0, false, []];
  const svg = atob(im.source.split(',')[1]);
  const drawn = [...gd.querySelectorAll('.imagelayer image')]
    .some(e => (e.getAttribute('href') || e.getAttribute('xlink:href')) === im.source);
  const own = [...gd.querySelectorAll('.scatterlayer .trace')]
    .filter(g => g.__data__ && g.__data__[0] && g.__data__[0].trace.index === t)
    .flatMap(g => [...g.querySelectorAll('path.point')].map(p => p.style.opacity));
  return [svg.split('<circle').length - 1, drawn, own];
}"""


def picture_alpha(source: str):
    """The alpha channel of a ``data:image/png;base64,...`` picture, shape (height, width)."""
    import base64
    import io

    import numpy as np
    from PIL import Image

    png = base64.b64decode(source.split(",", 1)[1])
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))[..., 3]


def titles(page) -> str:
    return page.evaluate(
        "() => (document.querySelector('.js-plotly-plot').layout.annotations || [])"
        ".map(a => a.text).join(' | ')"
    )


def strategy_menu(page):
    return page.locator(".widget-dropdown", has_text="strategy").locator("select")


def test_a_click_labels_the_clicked_point_and_redraws_the_plot(open_notebook):
    from alviz.viz.boundary import TRACE

    page = open_notebook("explorer")
    sync_api.expect(status(page)).to_contain_text("10 labels", timeout=60_000)
    labeled = data(page, TRACE["labeled"], "customdata")
    x, y, index = page.evaluate(POINT_JS, [TRACE["pool"], 7])
    page.mouse.click(x, y)
    sync_api.expect(status(page)).to_contain_text("11 labels", timeout=60_000)
    page.wait_for_function(
        "([t, n]) => document.querySelector('.js-plotly-plot').data[t].customdata.length === n",
        arg=[TRACE["labeled"], len(labeled) + 1],
        timeout=60_000,
    )
    assert index in data(page, TRACE["labeled"], "customdata")  # the clicked point, not another
    assert index not in data(page, TRACE["pool"], "customdata")
    # The pool is one drawn picture of a circle per pool point (see alviz.viz._dots), and its
    # trace draws no visible marker; the picture followed the click.
    page.wait_for_function(
        "([js, t]) => { const [n, drawn] = eval(js)(t); return drawn"
        " && n === document.querySelector('.js-plotly-plot').data[t].x.length; }",
        arg=[DOTS_JS, TRACE["pool"]],
        timeout=30_000,
    )
    n, _, own = page.evaluate(DOTS_JS, TRACE["pool"])
    assert n == len(data(page, TRACE["pool"], "x")) and own in ([], ["0"]), own
    page.get_by_role("button", name="Step").click()
    sync_api.expect(status(page)).to_contain_text("round 1 · 12 labels", timeout=60_000)
    page.wait_for_function(
        "t => document.querySelector('.js-plotly-plot').data[t].customdata.length === 1",
        arg=TRACE["queried"],
        timeout=60_000,
    )
    assert not page.errors, page.errors


def test_every_strategy_in_the_menu_draws_its_acquisition_map(open_notebook):
    from alviz.viz.acquisition_map import ACQUISITION_TRACE
    from alviz.viz.boundary import TRACE

    page = open_notebook("explorer")
    sync_api.expect(status(page)).to_contain_text("10 labels", timeout=60_000)
    page.get_by_role("button", name="Step").click()  # a model, and a query, to show
    sync_api.expect(status(page)).to_contain_text("round 1", timeout=60_000)
    menu = strategy_menu(page)
    names = [o for o in menu.locator("option").all_inner_texts()]
    assert {"random", "coreset", "badge", "kmeans", "hybrid"} <= set(names)
    background = len(TRACE) + ACQUISITION_TRACE["background"]  # the board's second panel
    blank, refused = [], []
    for name in names:
        menu.select_option(label=name)
        # Either the map shows the strategy, or the message says why it cannot run here
        # (loss_prediction needs its own model) and the board stays as it was.
        page.wait_for_function(
            """n => (document.querySelector('.js-plotly-plot').layout.annotations || [])
                 .some(a => (a.text || '').startsWith('Acquisition scores of ' + n + ' '))
               || [...document.querySelectorAll('.widget-html-content')]
                 .some(e => e.innerText.includes("strategy '" + n + "'"))""",
            arg=name,
            timeout=60_000,
        )
        if f"strategy '{name}'" in page.locator(".jp-OutputArea-output").first.inner_text():
            refused.append(name)
            continue
        # The map is a picture on the panel's axes (see alviz.viz._raster): it must be
        # drawn, and every one of its pixels painted (an all-NaN map would be transparent).
        source, drawn = page.evaluate(PICTURE_JS, background)
        alpha = picture_alpha(source) if source else None
        if not drawn or alpha is None or alpha.min() == 0:
            blank.append((name, f"picture {'drawn' if drawn else 'missing'}, alpha {alpha}"))
    assert not blank, blank
    assert refused == ["loss_prediction"]  # the only one this model cannot serve
    assert not [e for e in page.errors if "findEmpties" in e or "Invalid color" in e]


def test_the_human_oracle_star_labels_the_queried_point(open_notebook):
    from alviz.viz.boundary import TRACE

    page = open_notebook("human")
    sync_api.expect(status(page)).to_contain_text("10 labels", timeout=60_000)
    page.get_by_role("button", name="Step").click()
    sync_api.expect(status(page)).to_contain_text("1 waiting for your label", timeout=60_000)
    page.wait_for_function(
        "t => document.querySelector('.js-plotly-plot').data[t].customdata.length === 1",
        arg=TRACE["queried"],
        timeout=60_000,
    )
    queried = data(page, TRACE["queried"], "customdata")[0]
    page.locator(".widget-dropdown", has_text="label as").locator("select").select_option(label="0")
    # Click the star's own SVG path, as a person clicks the red star.
    page.evaluate(
        """t => {
          const gd = document.querySelector('.js-plotly-plot');
          const uid = gd._fullData[t].uid;
          const g = [...gd.querySelectorAll('.scatterlayer .trace')]
            .find(el => el.__data__ && el.__data__[0].trace.uid === uid);
          g.querySelector('path.point').setAttribute('data-alviz', 'star');
        }""",
        TRACE["queried"],
    )
    page.evaluate("() => document.querySelector('.js-plotly-plot').scrollIntoView()")
    page.locator("[data-alviz=star]").click(force=True)
    sync_api.expect(status(page)).to_contain_text("11 labels", timeout=60_000)
    sync_api.expect(status(page)).not_to_contain_text("waiting", timeout=60_000)
    page.wait_for_function(
        "([t, i]) => Array.from(document.querySelector('.js-plotly-plot').data[t].customdata)"
        ".includes(i)",
        arg=[TRACE["labeled"], queried],
        timeout=60_000,
    )


def test_a_strategy_switch_redraws_the_acquisition_map(open_notebook):
    from alviz.viz.acquisition_map import ACQUISITION_TRACE
    from alviz.viz.boundary import TRACE

    page = open_notebook("explorer")
    sync_api.expect(status(page)).to_contain_text("10 labels", timeout=60_000)
    pool = len(TRACE) + ACQUISITION_TRACE["pool"]
    colours = page.evaluate(
        "t => Array.from(document.querySelector('.js-plotly-plot').data[t].marker.color)", pool
    )
    strategy_menu(page).select_option(label="margin")
    page.wait_for_function(
        "() => document.querySelector('.js-plotly-plot').layout.annotations"
        ".some(a => (a.text || '').startsWith('Acquisition scores of margin'))",
        timeout=60_000,
    )
    after = page.evaluate(
        "t => Array.from(document.querySelector('.js-plotly-plot').data[t].marker.color)", pool
    )
    assert len(after) == len(colours) and after != colours


def test_a_50000_point_pool_draws_a_sample_with_its_note(open_notebook):
    from alviz.viz.boundary import TRACE

    page = open_notebook("large")
    sync_api.expect(status(page)).to_contain_text("pool 49990", timeout=180_000)
    assert (
        page.evaluate("t => document.querySelector('.js-plotly-plot').data[t].type", TRACE["pool"])
        == "scattergl"
    )
    assert len(data(page, TRACE["pool"], "customdata")) == 3000
    assert "showing 3,000 of 49,990 unlabeled points" in titles(page)
    x, y, index = page.evaluate(POINT_JS, [TRACE["pool"], 11])
    page.mouse.click(x, y)
    sync_api.expect(status(page)).to_contain_text("11 labels", timeout=120_000)
    page.wait_for_function(
        "([t, i]) => Array.from(document.querySelector('.js-plotly-plot').data[t].customdata)"
        ".includes(i)",
        arg=[TRACE["labeled"], index],
        timeout=120_000,
    )


def test_an_error_in_a_callback_is_shown(open_notebook):
    page = open_notebook("broken")
    sync_api.expect(status(page)).to_contain_text("10 labels", timeout=60_000)
    page.get_by_role("button", name="Step").click()
    message = page.locator(".widget-html-content", has_text="unexpected error").first
    sync_api.expect(message).to_contain_text("ZeroDivisionError('boom')", timeout=60_000)
    # The board is still there and still answers.
    assert page.locator(".js-plotly-plot .main-svg").count() > 0
