"""Speed of the entropy decomposition (BALD) on sampled predictions, and of the per-round metrics.

Target (issue 3): ``decompose`` / ``mutual_information`` on draws of shape
(20, 100000, 10) float32 in at most 40 ms on the 2-core machine and at least
3x faster than the plain numpy expression measured in the same run. Target
(issue 16): within 2x of the machine's bound, measured in the same run from
its float32 log throughput and memory bandwidth (``bound_rows``). alviz's
time includes validating the input (finite, non-negative, rows summing to 1);
the plain expression validates nothing.

Each repeat times every in-process candidate once, in turn, so a burst of
load from other processes hits all of them; the table gives the median time
and the median of the per-repeat ratios to the plain expression. Peers
(baal, scikit-activeml) run in their own virtual environment when ``--peers``
points at one; they are timed in a subprocess after the in-process repeats.

Run: .venv/bin/python benchmarks/bench_uncertainty.py [--peers /tmp/peers/bin/python] [--write]
"""

from __future__ import annotations

import argparse
import inspect
import os
import platform
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np

import alviz as al

RESULTS = Path(__file__).resolve().parent / "results" / "uncertainty.md"
#: The bound table alone (``--write-bound``), so it can be refreshed without the peers.
BOUND_RESULTS = RESULTS.with_name("bald_bound.md")
SHAPE = (20, 100_000, 10)


def make_draws(shape, seed=0):
    """Softmax of Gaussian logits: MC-dropout-like draws, some of them near one-hot."""
    rng = np.random.default_rng(seed)
    z = rng.standard_normal(shape, dtype=np.float32) * np.float32(3)
    z -= z.max(axis=-1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=-1, keepdims=True)
    return z


def plain_numpy(p):
    """The textbook expression a person would write."""
    mean = p.mean(axis=0)
    total = -(mean * np.log(mean + 1e-12)).sum(axis=-1)
    aleatoric = -(p * np.log(p + 1e-12)).sum(axis=-1).mean(axis=0)
    return total - aleatoric


PEERS = {  # label (after the distribution's name and version) -> (distribution, setup)
    "`BALD().compute_score` (draws last)": (
        "baal",
        """
from baal.active.heuristics import BALD
view = p.transpose(1, 2, 0)  # baal wants (n_samples, n_classes, n_draws)
h = BALD()
run = lambda: h.compute_score(view)
""",
    ),
    "`batch_bald(batch_size=1)`": (
        "scikit-activeml",
        """
from skactiveml.pool._bald import batch_bald
run = lambda: batch_bald(p, batch_size=1, random_state=0)
""",
    ),
}

PEER_TIMER = """
import importlib.metadata, time
import numpy as np
{make}
p = make_draws({shape})
{setup}
run()
times = []
for _ in range({repeats}):
    t0 = time.perf_counter(); run(); times.append(time.perf_counter() - t0)
print(importlib.metadata.version({dist!r}), np.median(times) * 1e3)
"""


def interleaved(candidates: dict, repeats: int, cpu: dict | None = None) -> dict[str, list[float]]:
    """Seconds per call for each candidate, timing them in turn within each repeat.

    ``cpu``, when given, receives the CPU seconds of the process (all threads) per call.
    """
    for f in candidates.values():
        f()  # warm up: imports, thread pools, first-touch page faults
    times = {name: [] for name in candidates}
    for name in candidates:
        if cpu is not None:
            cpu[name] = []
    for _ in range(repeats):
        for name, f in candidates.items():
            c0, t0 = time.process_time(), time.perf_counter()
            f()
            times[name].append(time.perf_counter() - t0)
            if cpu is not None:
                cpu[name].append(time.process_time() - c0)
    return times


def peer_ms(python: str, dist: str, setup: str, repeats: int) -> tuple[str, float] | None:
    """``(version, median ms)`` of a peer timed in its own interpreter."""
    code = PEER_TIMER.format(
        make=inspect.getsource(make_draws), shape=SHAPE, setup=setup, repeats=repeats, dist=dist
    )
    out = subprocess.run([python, "-c", code], capture_output=True, text=True)
    if out.returncode:
        print(f"  (peer skipped: {out.stderr.strip().splitlines()[-1]})", file=sys.stderr)
        return None
    version, ms = out.stdout.strip().splitlines()[-1].split()
    return version, float(ms)


def accuracy(p) -> float:
    """Largest |alviz - float64 formula| over the three parts, in nats."""
    p64 = p.astype(np.float64)

    def h(q):
        return -(q * np.log(np.where(q > 0, q, 1.0))).sum(-1)

    total, aleatoric = h(p64.mean(0)), h(p64).mean(0)
    d = al.uncertainty.decompose(p)
    return max(
        float(np.abs(d.total - total).max()),
        float(np.abs(d.aleatoric - aleatoric).max()),
        float(np.abs(d.epistemic - (total - aleatoric)).max()),
    )


#: Elements of one cache-resident block for the log probe (512 KiB of float32 in, 512 out).
_PROBE = 128 * 1024


def _log_probe(n_threads: int, n_blocks: int = 40):
    """A call that takes float32 log2 of ``n_threads * n_blocks`` cache-resident blocks."""
    from concurrent.futures import ThreadPoolExecutor

    rng = np.random.default_rng(1)
    ins = [rng.random(_PROBE, dtype=np.float32) + np.float32(1e-6) for _ in range(n_threads)]
    outs = [np.empty_like(x) for x in ins]

    def work(i):
        for _ in range(n_blocks):
            np.log2(ins[i], out=outs[i])

    if n_threads == 1:
        return lambda: work(0)
    pool = ThreadPoolExecutor(n_threads)  # numpy releases the GIL inside log2
    return lambda: list(pool.map(work, range(n_threads)))


def bound_rows(p, times: dict, cpu_times: dict, repeats: int) -> list[str]:
    """The machine's bound for BALD on ``p``: its float32 log rate and memory bandwidth.

    Measured here, interleaved like the candidates: float32 ``log2`` on cache-resident
    blocks (one thread, and every core at once) and a copy of an array as large as
    ``p`` (read + write). BALD needs one log per element of ``p`` plus one per element
    of the mean, and reads ``p`` once; the bound is the slower of the two. Both are
    given in wall time and in CPU time: on a loaded machine the wall times include
    waiting for a core (and longer calls wait more), the CPU times only the work.
    """
    n_threads = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    dst = np.empty_like(p)
    probes = {
        "log2, 1 thread": _log_probe(1),
        f"log2, {n_threads} threads": _log_probe(n_threads),
        "copy": lambda: np.copyto(dst, p),
    }
    cpu: dict[str, list[float]] = {}
    t = {k: float(np.median(v)) for k, v in interleaved(probes, repeats, cpu).items()}
    c = {k: float(np.median(v)) for k, v in cpu.items()}
    per_call = _PROBE * 40
    n_logs = p.size + p.shape[1] * p.shape[2]
    rate_1 = per_call / t["log2, 1 thread"]
    rate_n = n_threads * per_call / t[f"log2, {n_threads} threads"]
    bandwidth = 2 * p.nbytes / t["copy"]
    wall_bound = max(n_logs / rate_n, p.nbytes / bandwidth)
    # CPU seconds of the work, whatever the load: logs at the one-thread rate, and half
    # a copy for reading p once.
    log_cpu = n_logs * c["log2, 1 thread"] / per_call
    read_cpu = c["copy"] / 2
    cpu_bound = max(log_cpu, read_cpu)
    name = "alviz `mutual_information` (validates input)"
    ours, ours_cpu = float(np.median(times[name])), float(np.median(cpu_times[name]))
    return [
        "",
        "The machine's bound for BALD on these draws, measured in the same run:",
        "",
        "| quantity | wall | CPU |",
        "| --- | ---: | ---: |",
        f"| float32 log2, 1 thread (cache-resident), Gelem/s | {rate_1 / 1e9:.2f} "
        f"| {per_call / c['log2, 1 thread'] / 1e9:.2f} |",
        f"| float32 log2, {n_threads} threads, Gelem/s | {rate_n / 1e9:.2f} | |",
        f"| copy of {p.nbytes / 1e6:.0f} MB (read + write), GB/s | {bandwidth / 1e9:.1f} "
        f"| {2 * p.nbytes / c['copy'] / 1e9:.1f} |",
        f"| {n_logs / 1e6:.0f}M logs, ms | {n_logs / rate_n * 1e3:.1f} ({n_threads} threads) "
        f"| {log_cpu * 1e3:.1f} |",
        f"| reading {p.nbytes / 1e6:.0f} MB once, ms | {p.nbytes / bandwidth * 1e3:.1f} "
        f"| {read_cpu * 1e3:.1f} |",
        f"| **bound** (the slower of the two), ms | {wall_bound * 1e3:.1f} "
        f"| {cpu_bound * 1e3:.1f} |",
        f"| alviz `mutual_information`, ms | {ours * 1e3:.1f} | {ours_cpu * 1e3:.1f} |",
        f"| **alviz / bound** (target <= 2) | {ours / wall_bound:.2f}x "
        f"| {ours_cpu / cpu_bound:.2f}x |",
        "",
        "CPU: seconds of CPU over all the process's threads, the work done whatever the load.",
    ]


def metrics_rows(repeats: int) -> list[tuple[str, float]]:
    """Per-round metrics of a Session on 500 test rows, in microseconds."""
    rng = np.random.default_rng(0)
    z = rng.normal(size=(500, 3)) * 2
    probs = np.exp(z) / np.exp(z).sum(1, keepdims=True)
    y = rng.integers(0, 3, 500)
    cal = al.calibration
    rows = []
    for name, f in [
        ("expected_calibration_error", lambda: cal.expected_calibration_error(probs, y)),
        ("brier_score", lambda: cal.brier_score(probs, y)),
        ("negative_log_likelihood", lambda: cal.negative_log_likelihood(probs, y)),
        ("reliability_curve", lambda: cal.reliability_curve(probs, y)),
    ]:
        t = interleaved({name: f}, repeats * 20)[name]
        rows.append((name, float(np.median(t)) * 1e6))
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=9, help="timed repeats (median reported)")
    ap.add_argument("--peers", help="python of a venv with baal and scikit-activeml")
    ap.add_argument("--write", action="store_true", help=f"write the table to {RESULTS.name}")
    ap.add_argument(
        "--write-bound",
        action="store_true",
        help=f"write the machine-bound table (with the run's BALD times) to {BOUND_RESULTS.name}",
    )
    args = ap.parse_args()

    p = make_draws(SHAPE)
    p64 = p.astype(np.float64)
    load_before = os.getloadavg()[0]
    candidates = {
        "plain numpy expression (no validation)": lambda: plain_numpy(p),
        "alviz `decompose` (validates input)": lambda: al.uncertainty.decompose(p),
        "alviz `mutual_information` (validates input)": lambda: al.uncertainty.mutual_information(
            p
        ),
        "plain numpy expression, float64 input": lambda: plain_numpy(p64),
        "alviz `decompose`, float64 input": lambda: al.uncertainty.decompose(p64),
    }
    cpu: dict[str, list[float]] = {}
    times = interleaved(candidates, args.repeats, cpu)
    load_after = os.getloadavg()[0]

    def base_of(name):
        return "plain numpy expression" + (", float64 input" if "float64" in name else "")

    base_names = {n: next(b for b in candidates if b.startswith(base_of(n))) for n in candidates}
    lines = [
        f"BALD / entropy decomposition on draws of shape {SHAPE} (float32 unless said), "
        f"median of {args.repeats} interleaved repeats.",
        "",
        "| implementation | median ms | speed-up vs plain numpy, same run | CPU ms |",
        "| --- | ---: | ---: | ---: |",
    ]
    for name, t in times.items():
        base = np.array(times[base_names[name]])
        ratio = float(np.median(base / np.array(t)))
        cpu_ms = np.median(cpu[name]) * 1e3
        lines.append(f"| {name} | {np.median(t) * 1e3:.1f} | {ratio:.2f}x | {cpu_ms:.0f} |")
    if args.peers:
        ours = float(np.median(times["alviz `decompose` (validates input)"])) * 1e3
        for label, (dist, setup) in PEERS.items():
            got = peer_ms(args.peers, dist, textwrap.dedent(setup), args.repeats)
            if got is not None:
                version, ms = got
                speed = f"alviz is {ms / ours:.1f}x faster"
                lines.append(
                    f"| {dist} {version} {label}, own venv, run after | {ms:.1f} | {speed} | |"
                )
    bound = bound_rows(p, times, cpu, args.repeats)
    lines += bound
    lines += [
        "",
        "CPU ms: CPU time of the process over all its threads, the work done whatever the "
        "load (alviz spreads its blocks over the cores; the plain expression uses one).",
        "",
        f"alviz vs the float64 formula: max abs difference {accuracy(p):.1e} nats.",
        "",
        "Per-round metrics of a Session (500 test rows, 3 classes), median µs per call:",
        "",
        "| function | median µs |",
        "| --- | ---: |",
    ]
    lines += [f"| `{name}` | {us:.0f} |" for name, us in metrics_rows(args.repeats)]
    lines += [
        "",
        f"Machine: {os.cpu_count()} CPUs ({platform.processor() or platform.machine()}), "
        f"load average {load_before:.1f} before / {load_after:.1f} after the decomposition "
        f"timings; numpy {np.__version__}, Python {platform.python_version()}.",
    ]
    table = "\n".join(lines)
    print(table)
    if args.write or args.write_bound:
        command = " ".join([".venv/bin/python benchmarks/bench_uncertainty.py", *sys.argv[1:]])
        BOUND_RESULTS.write_text(
            "# BALD against the machine's bound\n\n"
            f"Draws of shape {SHAPE} float32; medians of {args.repeats} interleaved repeats; "
            f"load average {load_before:.1f} before / {load_after:.1f} after the candidates, "
            f"on {os.cpu_count()} CPUs. Target (issue 16): within 2x of the bound.\n"
            + "\n".join(bound)
            + f"\n\nCommand: `{command}`\n"
        )
    if args.write:
        command = " ".join([".venv/bin/python benchmarks/bench_uncertainty.py", *sys.argv[1:]])
        # A hand-written "## Notes" section (the reading of the numbers) survives reruns.
        old = RESULTS.read_text() if RESULTS.exists() else ""
        notes = old[old.index("\n## Notes") :] if "\n## Notes" in old else ""
        text = f"# Uncertainty core: speed\n\nCommand: `{command}`\n\n{table}\n{notes}"
        RESULTS.write_text(text)
        print(f"\nwrote {RESULTS}")


if __name__ == "__main__":
    main()
