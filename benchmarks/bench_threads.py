"""A Session step with scikit-learn's HistGradientBoosting, with and without torch having run.

Issue 11 item 5: HistGradientBoosting runs on OpenMP; in a process where torch
had run (torch brings its own OpenMP runtime), a step became 7-20x slower.
alviz now limits OpenMP to one thread for small work, as it already did for
BLAS (``alviz.models._base.small_blas``). Target: a step in a process where
torch ran within 1.5x of the same step in a process without torch.

Each measurement runs in a fresh child process (torch cannot be unloaded):
``torch`` = torch imported and an MC-dropout MLP fitted before the Session;
``limit off`` = the thread limit disabled (``SMALL_BLAS_ROWS = -1``), i.e. the
behaviour before the fix. The four children of one repeat run back to back
in a shuffled order, so machine load hits every condition alike; medians over
all steps of all repeats.

Run: .venv/bin/python benchmarks/bench_threads.py [--repeats 5] [--steps 10] [--no-md]
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "threads.md"
CONDITIONS = [(False, True), (True, True), (False, False), (True, False)]  # (torch, limit)
N_POOL, INITIAL = 1000, 20


def child(torch_ran: bool, limit: bool, steps: int) -> None:
    """Time ``steps`` Session steps in this process; print the times as JSON."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    import alviz as al
    import alviz.models._base as base

    if not limit:
        base.SMALL_BLAS_ROWS = -1  # every call "large": no limit, as before the fix
    ds = al.datasets.load("moons", n_samples=N_POOL, seed=0)
    if torch_ran:
        import torch

        al.models.make("mlp_mc_dropout", seed=0, max_epochs=20, n_threads=None).fit(
            ds.X[:200], ds.y[:200]
        )
        x = torch.randn(400, 400)
        for _ in range(10):
            x = torch.tanh(x @ x.T / 400)  # torch's OpenMP pool on every core
    model = HistGradientBoostingClassifier(max_iter=50, min_samples_leaf=5, random_state=0)
    s = al.Session(ds, model=model, strategy="entropy", initial=INITIAL, seed=0)
    s.step()  # warm-up: first-call imports and scans
    times = []
    for _ in range(steps):
        t = time.perf_counter()
        s.step()
        times.append(time.perf_counter() - t)
    print(json.dumps({"times": times, "accuracy": s.history[-1].metrics["accuracy"]}))


def run_child(torch_ran: bool, limit: bool, steps: int) -> dict:
    cmd = [sys.executable, __file__, "--child", f"{int(torch_ran)}{int(limit)}"]
    cmd += ["--steps", str(steps)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=os.environ.copy())
    return json.loads(out.stdout.strip().splitlines()[-1])


def label(torch_ran: bool, limit: bool) -> str:
    return ("torch ran" if torch_ran else "no torch") + (", limit on" if limit else ", limit off")


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--repeats", type=int, default=5, help="child processes per condition")
    p.add_argument("--steps", type=int, default=10, help="timed steps per child")
    p.add_argument("--no-md", action="store_true", help=f"do not write {RESULTS.name}")
    p.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child is not None:
        child(args.child[0] == "1", args.child[1] == "1", args.steps)
        return
    load_before = os.getloadavg()[0]
    rng = np.random.default_rng(0)
    times = {c: [] for c in CONDITIONS}
    accuracy = {}
    for r in range(args.repeats):
        for i in rng.permutation(len(CONDITIONS)):
            c = CONDITIONS[i]
            res = run_child(*c, args.steps)
            times[c] += res["times"]
            accuracy[c] = res["accuracy"]
        print(f"repeat {r + 1}/{args.repeats} done", file=sys.stderr)
    load_after = os.getloadavg()[0]
    med = {c: 1e3 * float(np.median(t)) for c, t in times.items()}
    rows = []
    for limit in (True, False):
        base = med[(False, limit)]
        for torch_ran in (False, True):
            c = (torch_ran, limit)
            rows.append(f"| {label(*c)} | {med[c]:.1f} | {med[c] / base:.2f} | {accuracy[c]:.3f} |")
    speedup = med[(True, False)] / med[(True, True)]
    given = sys.argv[1:] if argv is None else argv
    command = " ".join(
        [".venv/bin/python", "benchmarks/bench_threads.py", *map(shlex.quote, given)]
    )
    ratio_on = med[(True, True)] / med[(False, True)]
    plain = med[(False, False)] / med[(False, True)]
    md = f"""## Threads: HistGradientBoosting after torch

One `Session.step()` with scikit-learn's
`HistGradientBoostingClassifier(max_iter=50, min_samples_leaf=5)` and entropy on a
{N_POOL}-point moons pool ({INITIAL} initial labels), in a fresh process per
measurement: without torch, or after torch ran (an MC-dropout MLP fitted and a
few matrix products on every core). *limit off* disables alviz's one-thread limit
for small work (the behaviour before the fix). Median over {args.repeats} processes x
{args.steps} steps per row; the four processes of a repeat ran back to back in a
shuffled order. Target (issue 11): torch ran / no torch <= 1.5 with the limit on.

| condition | ms / step | ratio to no torch (same limit) | test accuracy |
| --- | ---: | ---: | ---: |
{chr(10).join(rows)}

With the limit on, a step after torch is {ratio_on:.2f}x the step without torch
(target <= 1.5). The limit makes a step {speedup:.1f}x faster after torch and
{plain:.1f}x faster without torch: on small tree fits, more OpenMP threads cost more
than they save, the more so on a loaded machine.
Machine load average: {load_before:.1f} before, {load_after:.1f} after, on {os.cpu_count()} CPUs.

Command: `{command}`
"""
    print(md)
    if not args.no_md:
        RESULTS.write_text(md)


if __name__ == "__main__":
    main()
