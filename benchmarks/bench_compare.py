"""``al.compare`` with the default ``n_jobs`` against ``n_jobs=1``, in fresh processes.

Issue 16 item 1: the README's tiny sweep (moons, random/entropy/BALD x 3 seeds,
budget 50) took 1.9-2.3x as long with the default ``n_jobs`` as with
``n_jobs=1`` in a fresh process: starting worker processes outweighed
sub-second runs. The default must never be slower than serial. Measured here
for that tiny sweep and a bigger one (breast cancer / WDBC, 3 strategies x
``--big-seeds`` seeds, budget 100), each call in a fresh Python process, the
conditions of one repeat back to back in a shuffled order. "call" is the
``compare()`` call; "process" the whole child from start to exit (workers
that are still starting when the call returns must not delay the exit much);
"second call" a repeated call in the same process (workers started by the
first call are reused).

Run: .venv/bin/python benchmarks/bench_compare.py [--repeats 3] [--big-seeds 12] [--no-md]
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
RESULTS = HERE / "results" / "compare.md"
STRATEGIES = ["random", "entropy", "bald"]
SWEEPS = {
    "tiny": dict(dataset="moons", seeds=3, budget=50),
    "big": dict(dataset="breast_cancer", seeds=None, budget=100),
}


def child(sweep: str, n_jobs, seeds: int) -> None:
    import alviz as al

    spec = SWEEPS[sweep]
    ds = al.datasets.load(spec["dataset"], seed=0)
    times, in_workers = [], []
    for _ in range(2):
        t = time.perf_counter()
        res = al.compare(
            ds, STRATEGIES, seeds=range(seeds), budget=spec["budget"], n_jobs=n_jobs, progress=False
        )
        times.append(time.perf_counter() - t)
        in_workers.append(res.meta.get("runs_in_workers", 0))
    print(json.dumps({"calls": times, "in_workers": in_workers}), flush=True)


def run_child(sweep: str, n_jobs, seeds: int) -> dict:
    cmd = [sys.executable, __file__, "--child", sweep, str(n_jobs), str(seeds)]
    t = time.perf_counter()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    res = json.loads(out.stdout.strip().splitlines()[-1])
    res["process"] = time.perf_counter() - t
    return res


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--repeats", type=int, default=3, help="fresh processes per condition")
    p.add_argument("--big-seeds", type=int, default=12, help="seeds of the bigger sweep")
    p.add_argument("--no-md", action="store_true", help=f"do not write {RESULTS.name}")
    p.add_argument("--child", nargs=3, default=None, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child is not None:
        sweep, n_jobs, seeds = args.child
        child(sweep, None if n_jobs == "None" else int(n_jobs), int(seeds))
        return
    seeds = {"tiny": SWEEPS["tiny"]["seeds"], "big": args.big_seeds}
    conditions = [(s, n) for s in SWEEPS for n in (None, 1)]
    load_before = os.getloadavg()[0]
    rng = np.random.default_rng(0)
    got = {c: [] for c in conditions}
    for r in range(args.repeats):
        for i in rng.permutation(len(conditions)):
            c = conditions[i]
            got[c].append(run_child(c[0], c[1], seeds[c[0]]))
        print(f"repeat {r + 1}/{args.repeats} done", file=sys.stderr)
    load_after = os.getloadavg()[0]

    def med(c, key, k=None):
        return float(np.median([g[key] if k is None else g[key][k] for g in got[c]]))

    rows = []
    for sweep in SWEEPS:
        serial = (sweep, 1)
        for n_jobs in (1, None):
            c = (sweep, n_jobs)
            first, second, proc = med(c, "calls", 0), med(c, "calls", 1), med(c, "process")
            workers = f"{med(c, 'in_workers', 0):.0f} / {med(c, 'in_workers', 1):.0f}"
            rows.append(
                f"| {sweep} ({3 * seeds[sweep]} runs) | {'default' if n_jobs is None else 1} "
                f"| {first:.2f} | {first / med(serial, 'calls', 0):.2f} | {second:.2f} "
                f"| {second / med(serial, 'calls', 1):.2f} | {proc:.2f} "
                f"| {proc / med(serial, 'process'):.2f} | {workers} |"
            )
    given = sys.argv[1:] if argv is None else argv
    command = " ".join(
        [".venv/bin/python", "benchmarks/bench_compare.py", *map(shlex.quote, given)]
    )
    md = f"""## compare(): default n_jobs against n_jobs=1

`al.compare(ds, {STRATEGIES}, seeds=range(k), budget=b)`: *tiny* = moons (375-point pool),
k = 3, b = 50 (the README's call); *big* = breast cancer (WDBC), k = {args.big_seeds},
b = 100. Every condition in a fresh Python process, median over {args.repeats} processes;
the conditions of a repeat ran back to back in a shuffled order. Seconds; ratios to
`n_jobs=1` measured in the same run. Target (issue 16): the default never slower than
`n_jobs=1` (ratio <= 1 up to noise).

| sweep | n_jobs | 1st call s | ratio | 2nd call s | ratio | process s | ratio | in workers |
| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
{chr(10).join(rows)}

The default runs the sweep in the calling process at once; when the runs left are
expected to take more than 3 s and the machine has idle cores (1-minute load average), it
starts worker processes (loky's reusable executor, at most one per core but one) that
take chunks of runs once they have started; a call never waits for a worker to start.
*in workers*: runs the workers took in the first / second call of a process.
Machine load average: {load_before:.1f} before, {load_after:.1f} after, on {os.cpu_count()} CPUs.

Command: `{command}`
"""
    print(md)
    if not args.no_md:
        RESULTS.write_text(md)


if __name__ == "__main__":
    main()
