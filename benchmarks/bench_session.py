"""Speed of one ``Session.step()``: logistic regression + entropy on a 500-point 2-D pool.

Target (issue 6): at most 10 ms per step on the 2-core machine. Baseline in the
same run: the bare loop a person would write with scikit-learn and numpy
(fit LogisticRegression, predict_proba on the pool, entropy, argmax), which
does less than a Session step (no Laplace covariance, no test metrics, no
history). Peers (modAL, scikit-activeml) run in their own virtual environment
when ``--peers PYTHON`` points at one that has them installed.

Run: .venv/bin/python benchmarks/bench_session.py [--peers /tmp/peers/bin/python]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np

import alviz as al

N_POOL, INITIAL, STEPS, REPEATS = 500, 10, 40, 7

BARE = textwrap.dedent(
    """
    import time, numpy as np
    from sklearn.datasets import make_moons
    from sklearn.linear_model import LogisticRegression
    X, y = make_moons(n_samples={n}, noise=0.2, random_state=0)
    def run(seed):
        rng = np.random.default_rng(seed)
        lab = list(rng.choice(len(X), {initial}, replace=False))
        t0 = time.perf_counter()
        for _ in range({steps}):
            pool = np.setdiff1d(np.arange(len(X)), lab)
            m = LogisticRegression().fit(X[lab], y[lab])
            p = m.predict_proba(X[pool])
            h = -(p * np.log(np.clip(p, 1e-12, 1))).sum(1)
            lab.append(pool[h.argmax()])
        return (time.perf_counter() - t0) / {steps}
    print(np.median([run(s) for s in range({repeats})]) * 1e3)
    """
)


PEERS = {
    "modAL 0.4 (ActiveLearner + entropy_sampling)": """
    import time, numpy as np
    from sklearn.datasets import make_moons
    from sklearn.linear_model import LogisticRegression
    from modAL.models import ActiveLearner
    from modAL.uncertainty import entropy_sampling
    X, y = make_moons(n_samples={n}, noise=0.2, random_state=0)
    def run(seed):
        rng = np.random.default_rng(seed)
        lab = rng.choice(len(X), {initial}, replace=False)
        mask = np.ones(len(X), bool); mask[lab] = False
        learner = ActiveLearner(
            LogisticRegression(), entropy_sampling, X_training=X[lab], y_training=y[lab]
        )
        t0 = time.perf_counter()
        for _ in range({steps}):
            pool = np.flatnonzero(mask)
            i, _ = learner.query(X[pool])
            learner.teach(X[pool[i]], y[pool[i]])
            mask[pool[i]] = False
        return (time.perf_counter() - t0) / {steps}
    print(np.median([run(s) for s in range({repeats})]) * 1e3)
    """,
    "scikit-activeml (UncertaintySampling, entropy)": """
    import time, numpy as np
    from sklearn.datasets import make_moons
    from sklearn.linear_model import LogisticRegression
    from skactiveml.classifier import SklearnClassifier
    from skactiveml.pool import UncertaintySampling
    from skactiveml.utils import MISSING_LABEL
    X, y = make_moons(n_samples={n}, noise=0.2, random_state=0)
    def run(seed):
        rng = np.random.default_rng(seed)
        y_al = np.full(len(X), MISSING_LABEL)
        lab = rng.choice(len(X), {initial}, replace=False); y_al[lab] = y[lab]
        clf = SklearnClassifier(LogisticRegression(), classes=[0, 1])
        qs = UncertaintySampling(method="entropy", random_state=seed)
        t0 = time.perf_counter()
        for _ in range({steps}):
            clf.fit(X, y_al)
            i = qs.query(X, y_al, clf=clf, fit_clf=False)
            y_al[i] = y[i]
        return (time.perf_counter() - t0) / {steps}
    print(np.median([run(s) for s in range({repeats})]) * 1e3)
    """,
}


def alviz_step_ms() -> tuple[float, int]:
    ds = al.datasets.load("moons", n_samples=int(N_POOL / 0.8), noise=0.2, test_size=0.2, seed=0)
    times = []
    for seed in range(REPEATS):
        s = al.Session(ds, model="logreg", strategy="entropy", initial=INITIAL, seed=seed)
        t0 = time.perf_counter()
        s.run(STEPS)
        times.append((time.perf_counter() - t0) / STEPS)
    return float(np.median(times)) * 1e3, ds.n_samples


def run_snippet(python: str, code: str) -> float | None:
    fmt = dict(n=N_POOL, initial=INITIAL, steps=STEPS, repeats=REPEATS)
    out = subprocess.run([python, "-c", code.format(**fmt)], capture_output=True, text=True)
    if out.returncode:
        print(f"  (skipped: {out.stderr.strip().splitlines()[-1]})", file=sys.stderr)
        return None
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--peers", help="python of a venv with scikit-activeml")
    p.add_argument("--modal", help="python of a venv with modAL-python (needs scikit-learn<1.6)")
    p.add_argument("--write", action="store_true", help="write results/session.md")
    args = p.parse_args()
    ours, n_pool = alviz_step_ms()
    rows = [(f"alviz Session.step() ({n_pool}-point pool, + Laplace, test metrics)", ours)]
    rows.append(("scikit-learn + numpy (bare loop)", run_snippet(sys.executable, BARE)))
    for name, code in PEERS.items():
        python = args.modal if name.startswith("modAL") else args.peers
        if python:
            rows.append((name, run_snippet(python, textwrap.dedent(code))))
    lines = [
        "## One Session step",
        "",
        f"Logistic regression + entropy on a {N_POOL}-point 2-D pool (moons), {INITIAL} initial",
        f"labels; median over {REPEATS} runs of {STEPS} steps. Target: at most 10 ms.",
        "",
        "| implementation | ms / step | ratio to alviz |",
        "| --- | ---: | ---: |",
    ]
    lines += [f"| {name} | {ms:.2f} | {ms / ours:.2f} |" for name, ms in rows if ms is not None]
    lines += [
        "",
        "alviz's step does more than the others: a Laplace posterior (for draws), five test",
        "metrics (accuracy, macro-F1, NLL, ECE, Brier), diagnostics and an undo record.",
        f"Machine load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs.",
        "",
        "Command: `OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/bench_session.py "
        "--peers /tmp/peers/bin/python --modal /tmp/peers_modal/bin/python --write`",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.write:
        (Path(__file__).parent / "results" / "session.md").write_text(text)


if __name__ == "__main__":
    main()
