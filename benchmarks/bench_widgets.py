"""Responsiveness of the Explorer: from a click (the controller call) to every panel updated.

Targets (issue #8): median <= 100 ms for logistic regression on a 500-point
2-D world with 100 x 100 maps, <= 250 ms for an MC-dropout MLP with 20 draws.

Each click labels a new pool point (seeded) through ``on_point_click``,
which refits the model, rebuilds all six panels (decision boundary,
acquisition map, aleatoric/epistemic maps, calibration, learning curve,
"why this point?") and patches the one live figure. The baseline, measured
in the same run on the same clicks, is the model work any UI must do to
show those maps: label, refit, and predict probabilities and draws on the
10,000-point grid. The message size is what the patch sends to the browser
(JSON plus binary buffers).

Run: OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/bench_widgets.py [--clicks 15] [--write]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


def message_bytes(msg: dict) -> int:
    """Bytes of a FigureWidget update message as ipywidgets sends it (JSON + buffers)."""
    from ipywidgets.widgets.widget import _remove_buffers
    from plotly.serializers import _py_to_js

    state, _, buffers = _remove_buffers({"_py2js_update": _py_to_js(msg, None)})
    return len(json.dumps(state)) + sum(memoryview(b).nbytes for b in buffers)


def bench(model: str, clicks: int, resolution: int, seed: int) -> dict:
    import alviz as al
    from alviz.viz import grid_view

    ds = al.datasets.load("moons", n_samples=667, noise=0.2, seed=seed)  # 500 train + 167 test
    assert ds.n_samples == 500
    strategy = "bald" if model != "logreg" else "entropy"
    c = al.widgets.ExplorerController(
        ds, resolution=resolution, model=model, strategy=strategy, initial=10, seed=seed, n_draws=20
    )
    twin = al.Session(ds, model=model, strategy=strategy, initial=10, seed=seed, n_draws=20)
    sent, panel_s = [], {name: [] for name in c.panels}
    c.figure.observe(lambda ch: sent.append(ch["new"]) if ch["new"] else None, "_py2js_update")
    spec = c._spec

    def timed_spec(name):  # where the time goes: each panel's content, model work included
        t = time.perf_counter()
        out = spec(name)
        panel_s[name].append(time.perf_counter() - t)
        return out

    c._spec = timed_spec
    rng = np.random.default_rng(seed)
    click_ms, base_ms, sizes = [], [], []
    for k in range(clicks + 2):  # two warm-up clicks
        i = int(rng.choice(c.session.pool_indices))
        t = time.perf_counter()
        twin.label(i, int(ds.y[i]))
        grid_view(twin, resolution).draws()  # refit + grid probabilities + grid draws
        base = time.perf_counter() - t
        n_sent = len(sent)
        t = time.perf_counter()
        c.on_point_click(i)
        total = time.perf_counter() - t
        if c.message:
            raise RuntimeError(c.message)
        if k >= 2:
            click_ms.append(1000 * total)
            base_ms.append(1000 * base)
            sizes += [message_bytes(m) for m in sent[n_sent:]]
    step_ms = []
    for _ in range(5):
        t = time.perf_counter()
        c.step()
        step_ms.append(1000 * (time.perf_counter() - t))
    return {
        "model": model,
        "strategy": strategy,
        "click": float(np.median(click_ms)),
        "click_p90": float(np.percentile(click_ms, 90)),
        "base": float(np.median(base_ms)),
        "step": float(np.median(step_ms)),
        "kb": float(np.median(sizes)) / 1024 if sizes else 0.0,
        "messages": len(sizes) / clicks,
        "panels": {k: 1000 * float(np.median(v[2 : 2 + clicks])) for k, v in panel_s.items()},
    }


def table(rows, resolution, clicks) -> str:
    lines = [
        "## Widget responsiveness (Explorer, Python side)",
        "",
        f"Click to every panel updated: six panels ({resolution} x {resolution} maps), "
        f"500-point moons pool, median over {clicks} clicks after two warm-up clicks. Baseline "
        "(same run, same clicks): label + refit + grid probabilities and 20 draws, the model "
        "work any UI needs for these maps.",
        "",
        "| model (strategy) | target | click, median (p90) ms | baseline ms | ratio | "
        "Step ms | message KiB (per click) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    targets = {"logreg": 100, "mlp_mc_dropout": 250}
    for r in rows:
        lines.append(
            f"| {r['model']} ({r['strategy']}) | <= {targets.get(r['model'], '–')} | "
            f"{r['click']:.0f} ({r['click_p90']:.0f}) | {r['base']:.0f} | "
            f"{r['click'] / r['base']:.2f} | {r['step']:.0f} | {r['kb']:.0f} "
            f"({r['messages']:.0f} msg) |"
        )
    panels = list(rows[0]["panels"])
    lines += [
        "",
        "Where a click's time goes (median ms per panel; the first panel that needs the refit or "
        "the grid draws pays for them, the others reuse them):",
        "",
        "| model | " + " | ".join(panels) + " | rest (label, status, patch) |",
        "| --- |" + " ---: |" * (len(panels) + 1),
    ]
    for r in rows:
        rest = r["click"] - sum(r["panels"].values())
        cells = " | ".join(f"{r['panels'][p]:.0f}" for p in panels)
        lines.append(f"| {r['model']} | {cells} | {rest:.0f} |")
    lines += [
        "",
        "Reading: the big cells are the model drawing 20 samples on the 10,000 grid points "
        "(`sample_proba`, paid by the first panel that needs draws: the uncertainty maps for "
        "entropy, the acquisition map for BALD) and the refit (paid by the boundary). The "
        "widget layer itself (building every panel's content from the model's outputs, "
        "composing the board, diffing and sending one message) is the ratio's excess over 1.",
    ]
    return "\n".join(lines)


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--clicks", type=int, default=15)
    p.add_argument("--resolution", type=int, default=100)
    p.add_argument("--models", nargs="+", default=["logreg", "mlp_mc_dropout"])
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--write", action="store_true", help="write benchmarks/results/widgets.md")
    args = p.parse_args(argv)
    load0 = os.getloadavg()[0]
    rows = [bench(m, args.clicks, args.resolution, args.seed) for m in args.models]
    load1 = os.getloadavg()[0]
    md = table(rows, args.resolution, args.clicks)
    import plotly
    import torch

    md += (
        f"\n\nMachine: {os.cpu_count()} CPUs, load average {load0:.1f} at the start and "
        f"{load1:.1f} at the end (shared with other jobs); Python {platform.python_version()}, "
        f"plotly {plotly.__version__}, torch {torch.__version__} ({torch.get_num_threads()} "
        "threads).\n\n"
        "Command: `OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/bench_widgets.py "
        + " ".join(map(shlex.quote, sys.argv[1:]))
        + "`\n"
    )
    print(md)
    if args.write:
        (HERE / "results" / "widgets.md").write_text(md)


if __name__ == "__main__":
    main()
