"""Speed of the torch models where a person waits for them: refit after one label, and maps.

Target (issue 5): refitting the 2-D toy MLP (moons, 10-100 labels) after one
new label in well under 100 ms on the 2-core machine. Measured in the same
run: a cold refit of the same model (the baseline), scikit-learn's
``MLPClassifier`` with the same architecture and optimiser (cold and warm),
and the torch model with torch's default thread count instead of
``n_threads="auto"``. Test accuracy sits beside each time, so that speed is
not bought with a worse model. Second table: predicting the 100x100 grid of
the uncertainty maps (probabilities and 20 sampled draws). Third table: the
small CNN on images (scikit-learn's 8x8 digits and the real MNIST test split,
read in place from ``--mnist``), against logistic regression and the MLP.

Run: .venv/bin/python benchmarks/bench_models.py [--repeats 7] [--mnist DIR] [--no-md]
"""

from __future__ import annotations

import argparse
import gzip
import os
import shlex
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import torch
from sklearn.datasets import make_moons
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

import alviz as al

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "models.md"
MNIST_DIR = HERE.parents[1] / "shared" / "datasets" / "mnist-t10k"
N_POOL, N_TEST, LABELS, NEW_LABELS = 500, 1000, (10, 30, 100), 5


def data():
    X, y = make_moons(N_POOL + N_TEST, noise=0.2, random_state=0)
    return X[:N_POOL], y[:N_POOL], X[N_POOL:], y[N_POOL:]


def sk_mlp(warm: bool):
    # The same network and optimiser as alviz's mlp_mc_dropout (without dropout, which
    # scikit-learn lacks): 128-128 ReLU, Adam lr 0.01, full batch, stop after 20 flat epochs.
    return MLPClassifier(
        hidden_layer_sizes=(128, 128),
        solver="adam",
        learning_rate_init=0.01,
        alpha=1e-3,
        batch_size="auto",  # min(200, n): the whole labelled set here
        max_iter=500,
        n_iter_no_change=20,
        tol=1e-4,
        warm_start=warm,
        random_state=0,
    )


CONTENDERS = {
    "alviz mlp_mc_dropout, warm refit": lambda: al.models.make("mlp_mc_dropout", warm_start=True),
    "alviz mlp_mc_dropout, cold refit (baseline)": lambda: al.models.make("mlp_mc_dropout"),
    "alviz mlp_mc_dropout, warm, torch default threads": lambda: al.models.make(
        "mlp_mc_dropout", warm_start=True, n_threads=None
    ),
    "alviz deep_ensemble (5 members), warm refit": lambda: al.models.make(
        "deep_ensemble", warm_start=True
    ),
    "scikit-learn MLPClassifier, warm refit": lambda: sk_mlp(True),
    "scikit-learn MLPClassifier, cold refit": lambda: sk_mlp(False),
}


def refit_times(make, X, y, Xt, yt, n, repeats):
    """Median wall and CPU seconds of a refit after one new label, and the test accuracy."""
    times, cpu, accs = [], [], []
    for r in range(repeats):
        order = np.random.default_rng(r).permutation(len(X))
        lab = order[: n + NEW_LABELS]
        model = make()
        model.fit(X[lab[:n]], y[lab[:n]])
        for k in range(n + 1, n + NEW_LABELS + 1):  # one label at a time, as in a session
            if not getattr(model, "warm_start", False):
                model = make()
            t, c = time.perf_counter(), time.process_time()
            model.fit(X[lab[:k]], y[lab[:k]])
            times.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
        accs.append((model.predict(Xt) == yt).mean())
    return float(np.median(times)), float(np.median(cpu)), float(np.mean(accs))


def grid_times(repeats):
    X, y, _, _ = data()
    g = np.linspace(-2, 3, 100)
    G = np.c_[np.repeat(g, 100), np.tile(g - 0.5, 100)]
    rows = []
    sk = sk_mlp(False).fit(X[:100], y[:100])
    t = [time.perf_counter()]
    for _ in range(repeats):
        sk.predict_proba(G)
        t.append(time.perf_counter())
    base = float(np.median(np.diff(t)))
    rows.append(("scikit-learn MLPClassifier predict_proba (baseline)", base))
    for name in ("mlp_mc_dropout", "deep_ensemble"):
        m = al.models.make(name).fit(X[:100], y[:100])
        for what, fn in (
            ("predict_proba", lambda m=m: m.predict_proba(G)),
            ("sample_proba, 20 draws", lambda m=m: m.sample_proba(G, n_draws=20)),
        ):
            t = [time.perf_counter()]
            for _ in range(repeats):
                fn()
                t.append(time.perf_counter())
            rows.append((f"alviz {name} {what}", float(np.median(np.diff(t)))))
    return rows, base


def read_idx(path: Path) -> np.ndarray:
    """An IDX (MNIST) array from a gzip file: big-endian dims after a 4-byte magic."""
    raw = gzip.decompress(path.read_bytes())
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def image_rows(mnist_dir: Path | None):
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    sets = [("digits 8x8", X[:1000], y[:1000], X[1000:], y[1000:], 30)]
    if mnist_dir is not None and (mnist_dir / "t10k-images-idx3-ubyte.gz").exists():
        Xm = read_idx(mnist_dir / "t10k-images-idx3-ubyte.gz").reshape(-1, 784).astype(float)
        ym = read_idx(mnist_dir / "t10k-labels-idx1-ubyte.gz").astype(int)
        sets.append(
            ("MNIST 28x28 (t10k split)", Xm[:2000], ym[:2000], Xm[5000:7000], ym[5000:7000], 10)
        )
    rows = []
    for label, Xtr, ytr, Xte, yte, epochs in sets:
        for name, params in (
            ("logreg", {}),
            ("mlp_mc_dropout", {}),
            ("cnn_mc_dropout", {"max_epochs": epochs}),
        ):
            t = time.perf_counter()
            m = al.models.make(name, **params).fit(Xtr, ytr)
            fit = time.perf_counter() - t
            t = time.perf_counter()
            d = m.sample_proba(Xte, n_draws=20)
            draws = time.perf_counter() - t
            acc = (m.predict(Xte) == yte).mean()
            rows.append(
                f"| {label}, {len(Xtr)} train / {len(Xte)} test | {name} | {fit:.1f} | "
                f"{draws:.1f} | {acc:.3f} | {(d.mean(0).argmax(1) == yte).mean():.3f} |"
            )
            print(rows[-1], flush=True)
    return rows


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeats", type=int, default=7, help="labelled sets (refit) / calls (grid)")
    p.add_argument("--mnist", default=str(MNIST_DIR), help="folder with the MNIST t10k IDX files")
    p.add_argument("--no-md", action="store_true", help=f"do not write {RESULTS.name}")
    args = p.parse_args(argv)
    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    X, y, Xt, yt = data()
    load = os.getloadavg()[0]

    lines = [
        "| model | " + " | ".join(f"{n} labels: wall / CPU ms (acc)" for n in LABELS) + " |",
        "|---|" + "---|" * len(LABELS),
    ]
    cold = {}
    results = {}
    for label, make in CONTENDERS.items():
        cells = []
        for n in LABELS:
            sec, cpu, acc = refit_times(make, X, y, Xt, yt, n, args.repeats)
            results[label, n] = sec
            cells.append(f"{sec * 1e3:.1f} / {cpu * 1e3:.1f} ({acc:.3f})")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
        print(lines[-1], flush=True)
    for n in LABELS:
        cold[n] = results["alviz mlp_mc_dropout, cold refit (baseline)", n]
    ratio = " / ".join(
        f"{cold[n] / results['alviz mlp_mc_dropout, warm refit', n]:.1f}x" for n in LABELS
    )

    grid, base = grid_times(args.repeats)
    glines = ["| 100x100 grid (10,000 points) | ms | vs baseline |", "|---|---|---|"]
    glines += [f"| {name} | {sec * 1e3:.1f} | {sec / base:.1f}x |" for name, sec in grid]
    for line in glines[2:]:
        print(line)

    images = image_rows(Path(args.mnist) if args.mnist else None)

    cmd = " ".join(
        [".venv/bin/python", "benchmarks/bench_models.py", *map(shlex.quote, sys.argv[1:])]
    )
    md = f"""# Models

## Refit after one new label (2-D moons, MLP 128-128)

Median wall time (and CPU time of this process, which contention on the shared machine inflates
less) of `fit` after adding one label to `n` labels ({NEW_LABELS} successive labels x
{args.repeats} random labelled sets), and mean test accuracy on {N_TEST} held-out points after
the last refit. Warm refits continue from the previous weights and optimiser state; cold refits
start from scratch each time. Target: well under 100 ms. Warm refit speed-up over the cold
baseline: {ratio} (for {" / ".join(map(str, LABELS))} labels). scikit-learn's warm refits are
cheap because they stop after about one epoch: its count of epochs without improvement carries
over from the previous fit; alviz quarters its patience on a warm refit instead.

{chr(10).join(lines)}

## Maps: predicting a 100x100 grid

Median of {args.repeats} calls; models fitted on 100 labels.

{chr(10).join(glines)}

## Images: the small CNN with MC dropout

Default settings (the CNN's epochs capped as shown in the command's code), one run each; time to
fit, time for 20 sampled draws on the test set, accuracy of `predict` and of the mean of the
draws.

| data | model | fit s | 20 draws s | accuracy | MC accuracy |
|---|---|---|---|---|---|
{chr(10).join(images)}

Machine: {os.cpu_count()} CPU cores, torch {torch.__version__}, load average {load:.1f} at the
start (shared machine: compare rows within a run, not across runs).

Command: `{cmd}`
"""
    if not args.no_md:
        RESULTS.write_text(md)
        print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
