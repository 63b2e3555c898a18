"""What a person sees: the Explorer in JupyterLab in headless Chromium, click to redrawn.

Targets (issue #13), on this machine: median click-to-redrawn <= 250 ms for a
500-point pool with logistic regression, <= 1 s at 50,000 points, first
render <= 3 s.

For each configuration (pool size x model) a notebook builds an Explorer
whose controller records the Python-side time of every action; Playwright
drives Debian's Chromium against a JupyterLab this script starts (the
fixtures of ``tests/test_browser.py``). A ``mousedown`` listener stamps the
start of each action; the action is redrawn when Python has answered (the
status line changed), the plot shows the new state (its first panel's title
gives the new round and label count) and it has been quiet for 250 ms after
its last ``plotly_afterplot`` or DOM change: the redrawn moment is that last
event (or the moment the new title was seen, if later).
Bytes per update are the websocket frames (both ways) between one action's
mousedown and its redrawn moment; the Python side's own time comes from the
same run.

The median time from the mousedown to the arrival of the figure patch (the
largest websocket frame) splits click-to-redrawn into Python and transport
before it and plotly.js redrawing after it. ``--render-ab main=DIR after=DIR``
times only the first render, alternating two source folders of alviz in one
JupyterLab (the fairest comparison on a shared machine).

Run: OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/bench_browser.py [--clicks 10]
     [--sizes 500 5000 50000] [--models logreg mlp_mc_dropout] [--label NAME] [--json F]
     [--render-ab LABEL=DIR ... --reps 5] [--write-from F ... --load TEXT --note TEXT]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import signal
import sys
import tempfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from test_browser import ARGS, CHROMIUM, Lab, notebook, run_all  # noqa: E402
from test_browser_widgets import POINT_JS, _shutdown_kernels  # noqa: E402

CELL = """
import json, time
import alviz as al

N, MODEL = {n}, {model!r}
ds = al.datasets.load("moons", n_samples=int(round(N / 0.75)), noise=0.2, seed=0)
LOG = open("times-{tag}.jsonl", "a")


class Timed(al.widgets.ExplorerController):
    def _timed(self, name, fn, *args, **kwargs):
        t, cpu = time.perf_counter(), time.thread_time()
        out = fn(*args, **kwargs)
        s, cpu = time.perf_counter() - t, time.thread_time() - cpu
        LOG.write(json.dumps({{"action": name, "s": s, "cpu": cpu}}) + "\\n")
        LOG.flush()
        return out

    def on_point_click(self, *a, **k):
        return self._timed("click", super().on_point_click, *a, **k)

    def step(self):
        return self._timed("step", super().step)


strategy = "bald" if MODEL != "logreg" else "entropy"
c = Timed(ds, model=MODEL, strategy=strategy, initial=10, seed=0, n_draws=20)
w = al.widgets.Explorer(controller=c)
w
"""

# Stamps every mousedown, every plotly redraw / plot DOM change and every websocket frame
# received (time, bytes), per page.
INIT_JS = """
window.__alviz = {down: 0, events: [], frames: [], afterplot: [], painted: [], bytes: 0};
const Socket = window.WebSocket;
window.WebSocket = function (...args) {
  const ws = new Socket(...args);
  const bytes = d => (typeof d === 'string' ? d.length : d.byteLength || d.size);
  const a = window.__alviz;
  ws.addEventListener('message', e => {
    const n = bytes(e.data);
    a.frames.push([performance.now(), n]);
    a.bytes += n;
  });
  const send = ws.send.bind(ws);
  ws.send = d => { a.bytes += bytes(d); return send(d); };
  return ws;
};
window.WebSocket.prototype = Socket.prototype;
Object.assign(window.WebSocket, Socket);
document.addEventListener('mousedown', () => { window.__alviz.down = performance.now(); }, true);
const hook = () => {
  for (const gd of document.querySelectorAll('.js-plotly-plot')) {
    if (gd.__alvizHooked || !gd.on) continue;
    gd.__alvizHooked = true;
    gd.on('plotly_afterplot', () => {
      const t = performance.now();
      window.__alviz.events.push(t);
      window.__alviz.afterplot.push(t);
      // The next frame the browser makes after the redraw (style, layout and paint done).
      requestAnimationFrame(() => setTimeout(() => window.__alviz.painted.push(performance.now())));
    });
    new MutationObserver(() => window.__alviz.events.push(performance.now()))
      .observe(gd, {subtree: true, childList: true});
  }
};
setInterval(hook, 50);
"""


class Frames:
    """Bytes of websocket frames, both ways (JupyterLab's sockets), since the last :meth:`reset`.

    Counted in the page (``INIT_JS`` wraps ``WebSocket``): Playwright's own frame
    events would ship every payload to this process while the kernel and the
    browser work, on a machine of two cores.
    """

    def __init__(self, page):
        self.page = page

    def reset(self):
        self.page.evaluate("() => { window.__alviz.bytes = 0; }")

    @property
    def total(self) -> int:
        return self.page.evaluate("() => window.__alviz.bytes")


STATUS_JS = (
    "() => { const e = document.querySelector('.widget-html-content b');"
    " return e ? e.textContent : null; }"
)


def status_text(page) -> str:
    page.locator(".widget-html-content b").first.wait_for(timeout=60_000)
    return page.evaluate(STATUS_JS)


TITLE_JS = "() => document.querySelector('.js-plotly-plot').layout.annotations[0].text"


# Milliseconds from the last mousedown to the arrival of the largest websocket frame since
# (the figure patch): what Python and the transport take; the rest is the browser redrawing.
UPDATE_JS = """() => {
  const a = window.__alviz, after = a.frames.filter(f => f[0] >= a.down);
  return after.length ? after.reduce((m, f) => (f[1] > m[1] ? f : m))[0] - a.down : NaN;
}"""


def wait_redrawn(page, before: str, title: str, quiet_ms: int = 250, timeout_s: float = 180):
    """Milliseconds from the last mousedown until the plot is redrawn, and until it is quiet.

    The plot shows the new state when its first panel's title (round and label count)
    differs from ``title``. It is *redrawn* at its last ``plotly_afterplot`` since the
    mousedown (every panel drawn: plotly.js fires it once per redraw of the figure), and
    *painted* when the browser has made its next frame after that redraw (style,
    layout and paint done: a ``requestAnimationFrame`` callback, then a task), and
    *quiet* at its last ``plotly_afterplot`` or DOM change before 250 ms without one
    (this includes the hover label plotly shows again under the resting mouse pointer),
    or when the new title was first seen if that is later.

    Returns
    -------
    redrawn_ms, painted_ms, quiet_ms : float
    """
    # One call that waits in the page: polling from here (two CDP round trips every
    # 15 ms) took CPU from the kernel and the renderer while they worked.
    return tuple(page.evaluate(WAIT_JS, [before, title, quiet_ms, timeout_s * 1000]))


WAIT_JS = """([before, title, quietMs, timeoutMs]) => new Promise((resolve, reject) => {
  const a = window.__alviz, t0 = performance.now(), status = STATUS;
  const last = v => Math.max(0, ...v.slice(-50));
  const plotTitle = () => document.querySelector('.js-plotly-plot').layout.annotations[0].text;
  let seen = null;
  const tick = () => {
    const now = performance.now();
    if (now - t0 > timeoutMs) {
      return reject(new Error(seen === null ? `status stayed ${before} or the plot title ${title}`
                                            : 'the plot never went quiet'));
    }
    if (seen === null) {
      if (status() !== before && plotTitle() !== title) seen = now;
      return setTimeout(tick, 15);
    }
    const lastEvent = Math.max(last(a.events), seen);
    if (now - lastEvent >= quietMs) {
      const plotted = last(a.afterplot), painted = last(a.painted);
      const redrawn = plotted > a.down ? plotted : seen;
      return resolve([redrawn - a.down, (painted >= redrawn ? painted : redrawn) - a.down,
                      lastEvent - a.down]);
    }
    setTimeout(tick, quietMs - (now - lastEvent) + 1);
  };
  tick();
})""".replace("STATUS", STATUS_JS)


# Resolves when the board is drawn (six panels' traces, the status line), with the
# moments the first cell finished (its prompt shows [1]) and the board was drawn. It
# watches the page for changes instead of being polled: polling from Playwright (each
# frame, or every 10 ms) took CPU from the kernel and the renderer on two cores.
RENDER_JS = """() => { window.__render = new Promise(resolve => {
  let t0 = null, cell = null;
  // From the click on the menu's "Run All Cells", as the old timer (started when the click
  // returned) did.
  const start = e => {
    const item = e.target.closest && e.target.closest('[role=menuitem]');
    if (t0 === null && item && item.textContent.includes('Run All Cells')) t0 = performance.now();
  };
  for (const kind of ['pointerdown', 'mousedown', 'mouseup']) {
    window.addEventListener(kind, start, true);
  }
  const check = () => {
    const p = document.querySelector('.jp-Cell .jp-InputPrompt');
    if (cell === null && p && p.textContent.trim() === '[1]:') cell = performance.now();
    const gd = document.querySelector('.js-plotly-plot');
    if (gd && gd._fullData && gd._fullData.length > 10
        && gd.querySelector('.scatterlayer, .gl-container')
        && document.querySelector('.widget-html-content b')) {
      obs.disconnect();
      const t = performance.now();
      resolve([t0 === null ? null : (t - t0) / 1000, cell === null ? null : (t - cell) / 1000]);
    }
  };
  const obs = new MutationObserver(check);
  obs.observe(document.body, {subtree: true, childList: true, characterData: true});
}); }"""


def run_and_render(page, widget_cell: bool = False):
    """Seconds from Run All (the notebook open, its kernel idle) to the drawn board.

    With ``widget_cell``, also the seconds from the end of the first cell (its prompt
    shows ``[1]``) to the drawn board: returns ``(run_all_s, widget_cell_s)``.
    """
    page.locator(".jp-Notebook").first.wait_for(timeout=60_000)
    page.evaluate(RENDER_JS)
    run_all(page)
    total, cell = page.evaluate("() => window.__render")
    if total is None or (widget_cell and cell is None):
        raise RuntimeError(f"the page saw no Run All click or no first cell end: {total}, {cell}")
    return (total, cell) if widget_cell else total


def cell_for(n: int, model: str, tag: str, src: str | None = None) -> str:
    """The benchmark's notebook cell; with ``src``, alviz is imported from that folder."""
    cell = CELL.format(n=n, model=model, tag=tag)
    if src is None:
        return cell
    return f"import sys\nsys.path.insert(0, {src!r})\n" + cell.replace(
        "\nw\n", f"\nassert al.__file__.startswith({src!r}), al.__file__\nw\n"
    )


def render_ab(lab, browser, sources: dict, reps: int, n: int = 500, model: str = "logreg"):
    """First render of one notebook with alviz from each source folder, alternating.

    Each run is a new kernel whose first cell puts its folder first on ``sys.path``
    (and checks that alviz came from there), so both codes share one JupyterLab and
    the same moments of machine load.
    """
    runs = {label: [] for label in sources}
    cells = {label: [] for label in sources}
    for rep in range(reps):
        for label, src in sources.items():
            name = f"render-{label}-{rep}.ipynb"
            # Two cells, as a course notebook has them: imports and data, then the widget.
            code = cell_for(n, model, f"render-{label}", src)
            cut = code.index("\nstrategy = ")
            (lab.root / name).write_text(json.dumps(notebook([code[:cut], code[cut + 1 :]])))
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            page.goto(lab.url(name))
            total, widget = run_and_render(page, widget_cell=True)
            runs[label].append(total)
            cells[label].append(widget)
            page.close()
            _shutdown_kernels(lab)
            print(label, f"{total:.1f} s, widget cell {widget:.1f} s", flush=True)
    return [
        {
            "label": label,
            "n": n,
            "model": model,
            "render_runs": v,
            "widget_cell_runs": cells[label],
            "source": sources[label],
        }
        for label, v in runs.items()
    ]


def render_md(rows) -> list[str]:
    """The first-render A/B table: median (min-max) seconds per code."""
    lines = [
        "First render, alternating codes in one JupyterLab (500-point moons pool, logreg; a "
        "notebook of two cells, imports and data then the widget; a new kernel each run, so "
        "every run pays the imports). Run All: from Run All to the drawn board. Widget cell: "
        "from the end of the first cell to the drawn board, what a person sees who runs the "
        "widget's cell:",
        "",
        "| code | pool | model | target | runs | Run All median s (min-max) | "
        "widget cell median s (min-max) |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: |",
    ]

    def spread(v) -> str:
        return f"{np.median(v):.1f} ({min(v):.1f}-{max(v):.1f})" if v else "–"

    for r in rows:
        v = r["render_runs"]
        lines.append(
            f"| {r['label']} | {r['n']:,} | {r['model']} | <= 3 s | {len(v)} | {spread(v)} | "
            f"{spread(r.get('widget_cell_runs', []))} |"
        )
    return lines


def bench(lab, browser, n: int, model: str, clicks: int, steps: int, src=None, tag="") -> dict:
    """One configuration: first render, ``clicks`` clicks (after a warm-up one), ``steps`` Steps.

    With ``src``, the notebook imports alviz from that folder (see :func:`cell_for`).
    """
    from alviz.viz.boundary import TRACE

    tag = f"{n}-{model}{tag}"
    path = lab.root / f"bench-{tag}.ipynb"
    path.write_text(json.dumps(notebook([cell_for(n, model, tag, src)])))
    times = lab.root / f"times-{tag}.jsonl"
    times.unlink(missing_ok=True)
    page = browser.new_page(viewport={"width": 1440, "height": 1000})
    page.add_init_script(INIT_JS)
    frames = Frames(page)
    console = []
    page.on("console", lambda m: console.append(m.text))
    page.goto(lab.url(path.name))
    first_render = run_and_render(page)
    if os.environ.get("ALVIZ_BENCH_SHOTS"):
        page.screenshot(path=f"{os.environ['ALVIZ_BENCH_SHOTS']}/bench-{tag}.png", full_page=True)
    page.wait_for_timeout(1500)
    rng = np.random.default_rng(0)
    click_ms, step_ms, click_bytes, step_bytes, update_ms = [], [], [], [], []
    click_quiet, step_quiet, click_painted = [], [], []
    for k in range(clicks + 1):  # one warm-up click
        n_pool = page.evaluate(
            f"() => document.querySelector('.js-plotly-plot').data[{TRACE['pool']}].x.length"
        )
        x, y, _ = page.evaluate(POINT_JS, [TRACE["pool"], int(rng.integers(n_pool))])
        before, title = status_text(page), page.evaluate(TITLE_JS)
        frames.reset()
        page.mouse.click(x, y)
        try:
            ms, painted, quiet = wait_redrawn(page, before, title)
        except Exception:  # a timeout in the page: keep what it showed
            if os.environ.get("ALVIZ_BENCH_SHOTS"):
                shots = os.environ["ALVIZ_BENCH_SHOTS"]
                Path(shots, f"console-{tag}.txt").write_text("\n".join(console))
                page.screenshot(path=f"{shots}/timeout-{tag}.png")
            raise
        if k:
            click_ms.append(ms)
            click_quiet.append(quiet)
            click_painted.append(painted)
            update_ms.append(page.evaluate(UPDATE_JS))
            click_bytes.append(frames.total)
    step = page.get_by_role("button", name="Step")
    for _ in range(steps):
        before, title = status_text(page), page.evaluate(TITLE_JS)
        frames.reset()
        step.click()
        ms, _, quiet = wait_redrawn(page, before, title)
        step_ms.append(ms)
        step_quiet.append(quiet)
        step_bytes.append(frames.total)
    page.close()
    if os.environ.get("ALVIZ_BENCH_SHOTS"):
        Path(os.environ["ALVIZ_BENCH_SHOTS"], f"console-{tag}.txt").write_text("\n".join(console))
    rows = [json.loads(line) for line in times.read_text().splitlines()]
    py_click = [r["s"] * 1000 for r in rows if r["action"] == "click"][1:]
    py_step = [r["s"] * 1000 for r in rows if r["action"] == "step"]
    py_cpu = [r.get("cpu", np.nan) * 1000 for r in rows if r["action"] == "click"][1:]
    warnings = [m for m in console if "Invalid color" in m or "anywidget" in m or "Error" in m]
    return {
        "n": n,
        "model": model,
        "first_render_s": first_render,
        "click_ms": float(np.median(click_ms)),
        "click_p90": float(np.percentile(click_ms, 90)),
        "click_quiet_ms": float(np.median(click_quiet)),
        "click_painted_ms": float(np.median(click_painted)),
        "step_quiet_ms": float(np.median(step_quiet)) if step_quiet else float("nan"),
        "update_ms": float(np.median(update_ms)),
        "step_ms": float(np.median(step_ms)) if step_ms else float("nan"),
        "py_click_ms": float(np.median(py_click)) if py_click else float("nan"),
        "py_click_cpu_ms": float(np.median(py_cpu)) if py_cpu else float("nan"),
        "py_step_ms": float(np.median(py_step)) if py_step else float("nan"),
        "kib_click": float(np.median(click_bytes)) / 1024,
        "kib_step": float(np.median(step_bytes)) / 1024 if step_bytes else float("nan"),
        "console": len(warnings),
        "clicks": clicks,
        "raw": {
            "click": click_ms,
            "painted": click_painted,
            "quiet": click_quiet,
            "update": update_ms,
            "py": py_click,
            "py_cpu": py_cpu,
        },
    }


def click_ab(lab, browser, sources: dict, reps: int, n: int, model: str, clicks: int):
    """Clicks on the same configuration with alviz from each source folder, alternating.

    Each code gets ``reps`` notebooks (a new kernel each) of ``clicks`` clicks, in turns,
    so both share the machine's moments of load; medians are over all their clicks.
    """
    runs = {label: [] for label in sources}
    for rep in range(reps):
        for label, src in sources.items():
            runs[label].append(bench(lab, browser, n, model, clicks, 0, src, f"-{label}-{rep}"))
            _shutdown_kernels(lab)
            print(label, f"{runs[label][-1]['click_ms']:.0f} ms", flush=True)
    rows = []
    for label, found in runs.items():
        pooled = {k: [v for r in found for v in r["raw"][k]] for k in found[0]["raw"]}
        rows.append(
            {
                "label": label,
                "n": n,
                "model": model,
                "source": sources[label],
                "runs": len(found),
                "clicks": len(pooled["click"]),
                "click_ms": float(np.median(pooled["click"])),
                "click_p90": float(np.percentile(pooled["click"], 90)),
                "click_quiet_ms": float(np.median(pooled["quiet"])),
                "click_painted_ms": float(np.median(pooled["painted"])),
                "update_ms": float(np.median(pooled["update"])),
                "py_click_ms": float(np.median(pooled["py"])),
                "py_click_cpu_ms": float(np.median(pooled["py_cpu"])),
                "first_render_s": float(np.median([r["first_render_s"] for r in found])),
                "kib_click": float(np.median([r["kib_click"] for r in found])),
            }
        )
    return rows


def click_ab_md(rows) -> list[str]:
    """The click A/B table: one row per code, medians over all its clicks."""
    lines = [
        "| code | pool | model | target | notebooks x clicks | click→redrawn median (p90) ms | "
        "click→painted ms | click→quiet ms | update arrives ms | Python ms | Python CPU ms | "
        "KiB per click | first render s |",
        "| --- | ---: | --- |" + " ---: |" * 10,
    ]
    for r in rows:
        lines.append(
            f"| {r['label']} | {r['n']:,} | {r['model']} | {_target(r)} | "
            f"{r['runs']} x {r['clicks'] // r['runs']} | "
            f"{r['click_ms']:.0f} ({r['click_p90']:.0f}) | {_ms(r.get('click_painted_ms'))} | "
            f"{r['click_quiet_ms']:.0f} | {r['update_ms']:.0f} | {r['py_click_ms']:.0f} | "
            f"{_ms(r.get('py_click_cpu_ms'))} | {r['kib_click']:.0f} | "
            f"{r['first_render_s']:.1f} |"
        )
    return lines


#: Columns of a full run's row: (header, cell).
_COLUMNS = (
    ("pool", lambda r: f"{r['n']:,}"),
    ("model", lambda r: r["model"]),
    ("target", lambda r: _target(r)),
    ("first render s", lambda r: f"{r['first_render_s']:.1f}"),
    ("click→redrawn median (p90) ms", lambda r: f"{r['click_ms']:.0f} ({r['click_p90']:.0f})"),
    ("click→painted ms", lambda r: _ms(r.get("click_painted_ms"))),
    ("click→quiet ms", lambda r: _ms(r.get("click_quiet_ms"))),
    ("update arrives ms", lambda r: _ms(r.get("update_ms"))),
    ("Python ms", lambda r: _ms(r.get("py_click_ms"))),
    ("Python CPU ms", lambda r: _ms(r.get("py_click_cpu_ms"))),
    ("Step→redrawn ms", lambda r: _ms(r.get("step_ms"))),
    ("Python Step ms", lambda r: _ms(r.get("py_step_ms"))),
    ("KiB per click", lambda r: f"{r['kib_click']:.0f}"),
    ("KiB per Step", lambda r: _ms(r.get("kib_step"))),
    ("console warnings", lambda r: str(r["console"])),
)  # fmt: skip


def table(rows, label: str) -> str:
    """A full run's rows (every size and model) as a markdown table."""
    lines = [
        "| code | " + " | ".join(h for h, _ in _COLUMNS) + " |",
        "| --- | ---: | --- |" + " ---: |" * (len(_COLUMNS) - 2),
    ]
    for r in rows:
        lines.append(f"| {r.get('label', label)} | " + " | ".join(f(r) for _, f in _COLUMNS) + " |")
    return "\n".join(lines)


def _target(r) -> str:
    ms = TARGETS.get((r["n"], r["model"]))
    return f"<= {ms} ms" if ms else "–"


def _ms(v) -> str:
    return "–" if v is None or v != v else f"{v:.0f}"


TARGETS = {(500, "logreg"): 250, (50000, "logreg"): 1000}

#: What the tables measure (benchmarks/results/browser.md).
DEFINITIONS = (
    "Click→redrawn: from the mousedown of a click on a pool point (or on Step) to the last "
    "`plotly_afterplot` since (plotly.js fires it once per redraw of the whole figure, every "
    "panel), once Python has answered and the plot's first title shows the new label count; "
    "click→painted: to the next frame the browser made after that redraw (a "
    "`requestAnimationFrame` callback, then a task); click→quiet: to the last "
    "`plotly_afterplot` or added/removed node in the plot before 250 ms without one (this "
    "includes the hover label plotly draws again under the resting pointer). Medians over the "
    "clicks after one warm-up click; 100 x 100 maps, six panels, moons pool of the size "
    "given, entropy (logreg) or BALD with 20 draws (MC-dropout MLP), in JupyterLab in headless "
    "Chromium. Update arrives: mousedown to the arrival of the figure patch (the largest "
    "websocket frame): the click, Python and the transport; the rest is the browser "
    "redrawing. Python ms: the controller's own time for the same actions, in the same run; "
    "Python CPU ms: the CPU time of the kernel's thread in it (the rest is waiting for a core "
    "on this machine of two). KiB: websocket frames both ways per action, counted in the page. "
    "The harness waits inside the page (one call per action, no polling from Playwright)."
)


def results_md(rows, command: str, load: str, note: str = "") -> str:
    """``benchmarks/results/browser.md`` from saved rows: full runs, click A/B, render A/B."""
    full = [r for r in rows if "step_ms" in r]
    clicks = [r for r in rows if "runs" in r and "render_runs" not in r]
    render = [r for r in rows if "render_runs" in r]
    lines = [
        "## Widget latency in a real browser (Explorer in JupyterLab, headless Chromium)",
        "",
        DEFINITIONS,
        "",
    ]
    if full:
        lines += ["Every size and model, one after the other:", "", table(full, "after"), ""]
    if clicks:
        lines += [
            "Clicks, alternating codes in one JupyterLab (each code a new notebook and kernel "
            "in turn, so both meet the same moments of load):",
            "",
            *click_ab_md(clicks),
            "",
        ]
    if render:
        lines += [*render_md(render), ""]
    lines += [f"Load: {load}", "", f"Command: `{command}`", ""]
    if note:
        lines[-1:-1] = ["", note]
    return "\n".join(lines)


def _save(path, rows) -> None:
    """Append ``rows`` to the JSON-lines file ``path`` (nothing when no path is given)."""
    if path:
        with open(path, "a") as f:
            f.writelines(json.dumps(r) + "\n" for r in rows)


def main(argv=None) -> None:
    from playwright.sync_api import sync_playwright

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--clicks", type=int, default=10)
    p.add_argument("--steps", type=int, default=5)
    p.add_argument("--sizes", type=int, nargs="+", default=[500, 5000, 50000])
    p.add_argument("--models", nargs="+", default=["logreg", "mlp_mc_dropout"])
    p.add_argument("--label", default="after", help="row label (e.g. baseline / after)")
    p.add_argument("--json", default=None, help="append the rows to this JSON-lines file")
    p.add_argument(
        "--write-from",
        nargs="+",
        metavar="JSONL",
        help="write benchmarks/results/browser.md from saved rows (no measuring)",
    )
    p.add_argument("--load", default="", help="with --write-from: the load to quote")
    p.add_argument(
        "--render-ab",
        nargs="+",
        metavar="LABEL=FOLDER",
        help="only time the first render, alternating alviz from these source folders",
    )
    p.add_argument(
        "--click-ab",
        nargs="+",
        metavar="LABEL=FOLDER",
        help="only time clicks (first size and model), alternating alviz from these folders",
    )
    p.add_argument(
        "--reps", type=int, default=5, help="with --render-ab / --click-ab: runs per code"
    )
    p.add_argument("--note", default="", help="with --write-from: a note under the table")
    args = p.parse_args(argv)
    if args.write_from:
        rows = [json.loads(x) for f in args.write_from for x in Path(f).read_text().splitlines()]
        cmd = (
            "OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/bench_browser.py --clicks 10 "
            "--steps 5 --json full.jsonl; the same with --click-ab main=DIR now=DIR --reps 3 "
            "--sizes 500 --models logreg --json ab.jsonl and --render-ab main=DIR now=DIR "
            "--reps 5 --json ab.jsonl (DIR: git archive of each commit); then --write-from "
            "full.jsonl ab.jsonl"
        )
        md = results_md(rows, cmd, args.load, args.note)
        (HERE / "results" / "browser.md").write_text(md)
        print(md)
        return
    # A timeout's SIGTERM still stops the JupyterLab this script started (the finally below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    load0 = os.getloadavg()
    root = Path(tempfile.mkdtemp(prefix="alviz-bench-browser-"))
    lab = Lab(root)
    rows = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            if args.click_ab or args.render_ab:
                sources = dict(x.split("=", 1) for x in args.click_ab or args.render_ab)
                if args.click_ab:
                    found = click_ab(
                        lab, browser, sources, args.reps, args.sizes[0], args.models[0], args.clicks
                    )
                else:
                    found = render_ab(lab, browser, sources, args.reps)
                _save(args.json, found)
                print("\n".join(click_ab_md(found) if args.click_ab else render_md(found)))
                browser.close()
                return
            for n in args.sizes:
                for model in args.models:
                    clicks = (
                        args.clicks if n < 50000 or model == "logreg" else max(3, args.clicks // 3)
                    )
                    r = bench(lab, browser, n, model, clicks, args.steps)
                    _shutdown_kernels(lab)  # idle kernels of earlier rows would load the machine
                    print(json.dumps(r), flush=True)
                    rows.append(r)
                    _save(args.json, [{**r, "label": args.label}])
            browser.close()
    finally:
        lab.stop()
    load1 = os.getloadavg()
    print(table(rows, args.label))
    print(
        f"load average {load0[0]:.1f} -> {load1[0]:.1f}; {os.cpu_count()} CPUs; Python "
        f"{platform.python_version()}; command: OPENBLAS_NUM_THREADS=1 .venv/bin/python "
        f"benchmarks/bench_browser.py {' '.join(map(shlex.quote, sys.argv[1:]))}"
    )


if __name__ == "__main__":
    main()
