# ruff: noqa: E501, E402, B007, RUF005  (a diagnostic script: long JS and probe lines kept as run)
"""Where plotly.js spends one click's redraw of the Explorer board (issue #13).

Opens the Explorer (500-point moons pool, logreg) in JupyterLab in headless
Chromium with plotly.js exposed as ``window.__Plotly`` (a subclass of
LiveFigure whose bundle sets it), captures the figure and the ``plotly_update``
of a real click, then replays that update on the same page for each variant:
``base`` (as sent), parts left out (``noann``, ``nolegend``, ``noheat``,
``noscatter``, ``nobar``, ``noticks``, ``nocbar``, ``nocontour``), other
settings (``zfast``, ``znone``, ``gl``, ``glbig`` (WebGL for layers of over 100 points), ``contain``) or other calls (``react``,
``styleonly``, ``relayoutonly``), or ``hide-x3-x4`` (the traces on those x axes left
out); ``a+b`` combines. Variants alternate; per
variant it prints the median wall time from the call to the next painted
frame, the renderer main thread's CPU time (``ThreadTime``, robust to a busy
machine), all Chromium processes' CPU time and style + layout time.
``TRACE=base`` also prints a Chrome trace summary of one replay.

Run: VARIANTS=base,noheat,noscatter,zfast REPS=7 OPENBLAS_NUM_THREADS=1 PYTHONPATH=$PWD \
     .venv/bin/python benchmarks/profile_redraw.py
"""

import json
import os
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))
import tempfile

import bench_browser as bb
import psutil
from playwright.sync_api import sync_playwright
from test_browser import ARGS, CHROMIUM, Lab, notebook, run_all


def tree_cpu():
    tot = 0.0
    for p in psutil.Process().children(recursive=True):
        try:
            if "chrom" in p.name():
                t = p.cpu_times()
                tot += t.user + t.system
        except psutil.Error:
            pass
    return tot


N = int(os.environ.get("N", 500))
PRE = """
import alviz.widgets._base as _b
class _P(_b.LiveFigure):
    _esm = _b._quiet_bundle().replace("var Md=dbe(LQ());", "var Md=dbe(LQ());window.__Plotly=Md.default;")
_b.LiveFigure = _P
import alviz.widgets._board as _bo
_bo.LiveFigure = _P  # boards open their figure themselves (Board.opening)
"""
root = Path(tempfile.mkdtemp(prefix="alviz-profile-redraw-"))
lab = Lab(root)
(root / "p.ipynb").write_text(
    json.dumps(notebook([PRE + bb.CELL.format(n=N, model="logreg", tag="x")]))
)
REPLAY_JS = r"""() => {
  const P = window.__Plotly; const gd = document.querySelector('.js-plotly-plot');
  const cap = window.__cap;
  const frame = () => new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
  const isAxis = k => /^[xy]axis\d*$/.test(k), isCax = k => /^coloraxis\d*$/.test(k);
  const T = {
    base: () => {},
    zfast: (d) => d.forEach(t => { if (t.type === 'heatmap' && t.zsmooth) t.zsmooth = 'fast'; }),
    znone: (d) => d.forEach(t => { if (t.type === 'heatmap') t.zsmooth = false; }),
    gl: (d) => d.forEach(t => { if (t.type === 'scatter' && t.mode && t.mode.includes('markers') && !t.mode.includes('lines')) t.type = 'scattergl'; }),
    noann: (d, l, s, lo) => { l.annotations = []; for (const k of Object.keys(lo)) if (k.startsWith('annotations')) delete lo[k]; },
    nolegend: (d, l) => { l.showlegend = false; d.forEach(t => t.showlegend = false); },
    noheat: (d) => d.forEach(t => { if (t.type === 'heatmap' || t.type === 'contour') t.visible = false; }),
    noscatter: (d) => d.forEach(t => { if (t.type === 'scatter' || t.type === 'scattergl') t.visible = false; }),
    nobar: (d) => d.forEach(t => { if (t.type === 'bar') t.visible = false; }),
    noticks: (d, l) => { for (const k of Object.keys(l)) if (isAxis(k)) { l[k].showticklabels = false; l[k].showgrid = false; l[k].ticks = ''; l[k].title = ''; } },
    nocbar: (d, l) => { d.forEach(t => { t.showscale = false; if (t.marker) t.marker.showscale = false; }); for (const k of Object.keys(l)) if (isCax(k)) l[k].showscale = false; },
    nocontour: (d) => d.forEach(t => { if (t.type === 'contour') t.visible = false; }),
    angle0: (d, l) => { for (const k of Object.keys(l)) if (isAxis(k)) l[k].tickangle = 0; },
    nolinecolor: (d) => d.forEach(t => { if (t.marker && t.marker.line) delete t.marker.line; }),
    flatcolor: (d) => d.forEach(t => { if (t.marker && t.marker.coloraxis && t.marker.color && t.marker.color.length) { t.marker.color = '#888888'; delete t.marker.coloraxis; } }),
    strcolor: (d) => d.forEach(t => { if (t.marker && t.marker.coloraxis && t.marker.color && t.marker.color.length) { t.marker.color = Array.from(t.marker.color, v => `rgb(${Math.round(v * 1000) % 256},100,150)`); delete t.marker.coloraxis; } }),
    noline: (d) => d.forEach(t => { if (t.marker && t.marker.line) t.marker.line = {width: 0}; }),
    glbig: (d) => d.forEach(t => { if (t.type === 'scatter' && t.x && t.x.length > 100) t.type = 'scattergl'; }),
    nobig: (d) => d.forEach(t => { if (t.type === 'scatter' && t.x && t.x.length > 100) t.visible = false; }),
    nosmall: (d) => d.forEach(t => { if (t.type === 'scatter' && !(t.x && t.x.length > 100)) t.visible = false; }),
    notext: (d) => d.forEach(t => { if (t.type === 'scatter' && t.mode && t.mode.includes('text')) t.visible = false; }),
    contain: () => {}, react: () => {}, styleonly: () => {}, relayoutonly: () => {},
  };
  function setPath(o, path, v) {
    const ks = path.replace(/\[(\d+)\]/g, '.$1').split('.');
    let c = o; for (let i = 0; i < ks.length - 1; i++) { if (c[ks[i]] == null) c[ks[i]] = /^\d+$/.test(ks[i+1]) ? [] : {}; c = c[ks[i]]; }
    c[ks[ks.length - 1]] = v;
  }
  window.__exp = async (name) => {
    const parts = name.split('+');
    const d = structuredClone(cap.data), l = structuredClone(cap.layout), s = structuredClone(cap.s), lo = structuredClone(cap.l);
    for (const p of parts) {
      if (p.startsWith('hide-')) {  // hide-x3-x4: leave out the traces drawn on those x axes
        const axes = p.split('-').slice(1);
        d.forEach(t => { if (axes.includes(t.xaxis || 'x')) t.visible = false; });
      } else T[p](d, l, s, lo);
    }
    gd.style.contain = parts.includes('contain') ? 'strict' : '';
    if (parts.includes('contain')) { gd.style.width = l.width + 'px'; gd.style.height = l.height + 'px'; }
    await P.newPlot(gd, d, l);
    await frame(); await frame();
    window.__run = async () => {
      let nafter = 0; const h = () => nafter++; gd.on('plotly_afterplot', h); const t0 = performance.now(); let t1, pr;
      if (parts.includes('react')) {
        const d2 = structuredClone(d);
        for (const [k, v0] of Object.entries(s)) {
          if (k.startsWith('_')) continue;
          const vals = Array.isArray(v0) ? v0 : d2.map(() => v0);
          vals.forEach((v, i) => { if (v !== undefined) setPath(d2[i], k, v); });
        }
        const l2 = structuredClone(l); for (const [k, v] of Object.entries(lo)) setPath(l2, k, v);
        l2.datarevision = (l2.datarevision || 0) + 1;
        pr = P.react(gd, d2, l2);
      } else if (parts.includes('styleonly')) pr = P.restyle(gd, s);
      else if (parts.includes('relayoutonly')) pr = P.relayout(gd, lo);
      else pr = P.update(gd, s, lo);
      t1 = performance.now(); await pr;
      await frame();
      gd.removeListener('plotly_afterplot', h);
      return [performance.now() - t0, t1 - t0];
    };
    return 0;
  };
}
"""

CAPTURE = """() => {
  const P = window.__Plotly; const gd = document.querySelector('.js-plotly-plot');
  window.__cap = null;
  const orig = P.update;
  P.update = function(el, s, l, t) {
    if (!window.__cap) window.__cap = {data: structuredClone(el.data), layout: structuredClone(el.layout),
                                        s: structuredClone(s), l: structuredClone(l), t: t};
    P.update = orig; return orig.apply(this, arguments);
  };
}"""
EXP = REPLAY_JS
try:
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        page.add_init_script(bb.INIT_JS)
        page.on("console", lambda m: print("console:", m.text) if m.type in ("error",) else None)
        page.goto(lab.url("p.ipynb"))
        run_all(page)
        page.wait_for_function(
            "() => { const gd = document.querySelector('.js-plotly-plot'); return gd && gd._fullData && gd._fullData.length > 10 && window.__Plotly; }",
            timeout=600_000,
        )
        page.wait_for_timeout(2000)
        from alviz.viz.boundary import TRACE

        rng = np.random.default_rng(0)
        for k in range(2):
            page.evaluate(CAPTURE)
            x, y, _ = page.evaluate(bb.POINT_JS, [TRACE["pool"], int(rng.integers(400))])
            before, title = bb.status_text(page), page.evaluate(bb.TITLE_JS)
            page.mouse.click(x, y)
            print("click ms", bb.wait_redrawn(page, before, title))
        page.wait_for_function("() => window.__cap")
        print("restyle keys", page.evaluate("() => Object.keys(window.__cap.s)"))
        print("relayout keys", page.evaluate("() => Object.keys(window.__cap.l)"))
        page.evaluate(EXP)
        if os.environ.get("TRACE"):
            for v in os.environ["TRACE"].split(","):
                page.evaluate("v => window.__exp(v)", v)
                page.evaluate("() => window.__run()")
                page.evaluate("v => window.__exp(v)", v)
                browser.start_tracing(
                    page=page,
                    categories=[
                        "devtools.timeline",
                        "disabled-by-default-devtools.timeline",
                        "v8.execute",
                        "blink",
                    ],
                )
                page.evaluate("v => window.__exp(v)", v)
                ms = page.evaluate("() => window.__run()")
                raw = browser.stop_tracing()
                ev = json.loads(raw)["traceEvents"]
                import collections

                # main thread of renderer: tid with most FunctionCall
                tids = collections.Counter(
                    (e["pid"], e["tid"])
                    for e in ev
                    if e.get("name") in ("FunctionCall", "UpdateLayoutTree", "Layout")
                )
                main = tids.most_common(1)[0][0]
                agg = collections.Counter()
                cnt = collections.Counter()
                for e in ev:
                    if (e["pid"], e["tid"]) == main and e.get("ph") == "X" and e.get("dur"):
                        agg[e["name"]] += e["dur"]
                        cnt[e["name"]] += 1
                print("TRACE", v, ms)
                for name, us in agg.most_common(25):
                    print(f"   {us / 1000:8.1f} ms  x{cnt[name]:5d}  {name}")
        variants = os.environ.get("VARIANTS", "base").split(",")
        reps = int(os.environ.get("REPS", 5))
        res = {v: [] for v in variants}
        cdp = page.context.new_cdp_session(page)
        cdp.send("Performance.enable")
        for r in range(reps):
            for v in variants:
                page.evaluate("v => window.__exp(v)", v)
                c0 = tree_cpu()
                m0 = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
                ms = page.evaluate("() => window.__run()")
                c1 = tree_cpu()
                m1 = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
                res[v].append(
                    ms
                    + [
                        1000 * (m1["ThreadTime"] - m0["ThreadTime"]),
                        1000 * (c1 - c0),
                        1000
                        * (
                            m1["RecalcStyleDuration"]
                            - m0["RecalcStyleDuration"]
                            + m1["LayoutDuration"]
                            - m0["LayoutDuration"]
                        ),
                    ]
                )
                if r == 0 and os.environ.get("SHOTS"):
                    page.locator(".jp-OutputArea-output").first.screenshot(
                        path=f"{os.environ['SHOTS']}/{v}.png"
                    )
        for v in variants:
            a = np.array(res[v])
            print(
                f"{v:28s} update->painted median {np.median(a[:, 0]):6.0f} ms  sync {np.median(a[:, 1]):6.0f}  CPU {np.median(a[:, 2]):6.0f} allchrome-cpu {np.median(a[:, 3]):6.0f} style+layout {np.median(a[:, 4]):6.0f} (cpu all {a[:, 2].round().tolist()})"
            )
        browser.close()
finally:
    lab.stop()
