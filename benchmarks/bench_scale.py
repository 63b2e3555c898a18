"""How one ``Session.step`` grows with the pool: 500 to 500k points (1M with ``--sizes``).

One step = fit on the labels + draws for the whole pool + score + select. For
each model (``logreg``, ``mlp_mc_dropout``, ``deep_ensemble``) and strategy
(``bald``; ``batch_bald`` with a batch of 5) the script times steps at every
pool size (moons, 2-D, 20 initial labels, 20 draws), reports the time per
pool point and the fitted growth exponent ``b`` of ``time ~ n^b`` over the
sizes (1 = linear), and the peak memory that numpy allocated during a step
(``tracemalloc``; torch's own buffers are not counted) per pool point.

Target (issue 16): growth near linear (b <= 1.1 over the largest decade) and
memory per point that does not grow with the pool. Pointwise strategies (bald)
score a big pool in chunks (``alviz.session._SCORE_CHUNK_BYTES``), so their peak
stops growing with the pool once it is bigger than a chunk.

Run: OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/bench_scale.py --write
"""

from __future__ import annotations

import argparse
import os
import subprocess
import time
import tracemalloc
from pathlib import Path

import numpy as np

import alviz as al

MODELS = ("logreg", "mlp_mc_dropout", "deep_ensemble")
STRATEGIES = {"bald": 1, "batch_bald": 5}  # strategy -> batch size


def one_case(model: str, strategy: str, batch: int, n_pool: int, repeats: int) -> dict:
    ds = al.datasets.load("moons", n_samples=int(n_pool / 0.8), noise=0.2, test_size=0.2, seed=0)
    s = al.Session(ds, model=model, strategy=strategy, batch_size=batch, initial=20, seed=0)
    if n_pool <= 50_000:
        s.step()  # first fit and caches (the big pools then time their first step: too slow)
    walls, cpus, peaks, parts = [], [], [], []
    for _ in range(repeats):
        tracemalloc.start()
        t0, c0 = time.perf_counter(), time.process_time()
        s.step()
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        parts.append(s.history[-1].timings)
    part = {
        k: float(np.median([p[k] for p in parts])) for k in ("fit", "predict", "score", "select")
    }
    return {
        "n": ds.n_samples,
        "wall": float(np.median(walls)),
        "cpu": float(np.median(cpus)),
        "peak": float(np.median(peaks)),
        **part,
    }


def exponent(ns, ts) -> float:
    """Slope of log(time) against log(n) over the two largest sizes."""
    return float(np.polyfit(np.log(ns[-2:]), np.log(ts[-2:]), 1)[0])


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[500, 5_000, 50_000, 500_000])
    p.add_argument("--models", nargs="+", default=list(MODELS))
    p.add_argument("--strategies", nargs="+", default=list(STRATEGIES))
    p.add_argument("--write", action="store_true", help="write results/scale.md")
    args = p.parse_args()
    load_before = uptime()
    rows = []
    t_start = time.perf_counter()
    for model in args.models:
        for strategy in args.strategies:
            res = []
            for n in args.sizes:
                repeats = 3 if n <= 50_000 else 1
                r = one_case(model, strategy, STRATEGIES[strategy], n, repeats)
                res.append(r)
                print(model, strategy, r, flush=True)
            ns = np.array([r["n"] for r in res], dtype=float)
            rows.append((model, strategy, res, exponent(ns, [r["cpu"] for r in res])))
    elapsed = time.perf_counter() - t_start
    sizes = [r["n"] for r in rows[0][2]]
    head = " | ".join(f"{n:,}" for n in sizes)
    lines = [
        "## One Session step against the pool size",
        "",
        "Moons (2-D), 20 initial labels, 20 draws; fit + draws for the whole pool + score + "
        "select. Cells: CPU ms per step (median of 3 steps after a first one up to 50k "
        "points; above, the first step), then **us per pool point**. `b`: growth exponent "
        "of CPU time over the two largest sizes (1 = linear). Memory: peak numpy "
        "allocation during a step (tracemalloc) at the largest size, and per pool point. "
        "Target (#16): b near 1, bounded memory per point.",
        "",
        f"| model | strategy (batch) | {head} | b | peak MB (bytes / point) | slowest part |",
        "| --- | --- | " + " | ".join("---:" for _ in sizes) + " | ---: | ---: | --- |",
    ]
    for model, strategy, res, b in rows:
        cells = " | ".join(f"{r['cpu'] * 1e3:.1f} ({r['cpu'] / r['n'] * 1e6:.2f})" for r in res)
        last = res[-1]
        slow = max(("fit", "predict", "score", "select"), key=lambda k: last[k])
        lines.append(
            f"| {model} | {strategy} ({STRATEGIES[strategy]}) | {cells} | {b:.2f} | "
            f"{last['peak'] / 2**20:.0f} ({last['peak'] / last['n']:.0f}) | "
            f"{slow} ({last[slow] * 1e3:.0f} ms wall) |"
        )
    lines += [
        "",
        "`predict` is the model's draws for the pool (one batched pass per draw set, in chunks "
        "of the pool), `score` the strategy's scores, `select` the choice of the batch.",
        f"Whole run {elapsed:.0f} s. Machine load: before `{load_before}`; after `{uptime()}` "
        f"({os.cpu_count()} CPUs, shared with other engineers' work: wall times are inflated, "
        "CPU times less so).",
        "",
        "Command: `OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/bench_scale.py --write`",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.write:
        (Path(__file__).parent / "results" / "scale.md").write_text(text)


if __name__ == "__main__":
    main()
