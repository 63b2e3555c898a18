"""MNIST protocols: Gal, Islam & Ghahramani (2017) and BatchBALD (Kirsch et al. 2019), CPU-scaled.

The published set-ups train a small CNN with MC dropout on up to 1,000
labels of the 60,000 MNIST training images, retraining after every
acquisition of 10 labels and scoring a random 2,000-point subset of the
pool with MC-dropout passes, on a GPU. Here everything runs on a shared
2-core CPU, so the protocol is scaled down and every change is stated in
:data:`PROTOCOL_CHANGES` (and in the published results table).
"""

from __future__ import annotations

import numpy as np

from ._data import arrays_dataset
from ._format import paired_cell

__all__ = [
    "GAL2017",
    "PROTOCOL_CHANGES",
    "batchbald_summary",
    "gal2017_summary",
    "mnist_scaled",
    "protocol_notes",
    "run_batchbald",
    "run_gal2017",
]

#: Labels needed for 10% / 5% test error, Gal, Islam & Ghahramani 2017, Table 1.
GAL2017 = {
    "bald": (145, 335),
    "variation_ratios": (120, 295),
    "max_entropy": (165, 355),
    "random": (255, 835),
}

#: The CPU-scaled set-up (keyword arguments of the functions below).
SCALED = {
    "n_pool": 4000,  # paper: the 60,000 training images (less a validation set)
    "n_test": 1000,  # paper: the 10,000 test images
    "downsample": 2,  # 28x28 -> 14x14 by 2x2 mean pooling; paper: 28x28
    "subset": 500,  # pool points scored per step; paper: 2,000
    "n_draws": 10,  # MC-dropout passes per point, chosen for CPU time
    "initial": 20,  # balanced, as in the paper
    "batch_size": 10,  # as in the paper
    "budget": 230,  # labels queried: 20 -> 250 labels; paper: up to 1,000
    "lr": 3e-3,  # Adam; more epochs and a larger step than alviz's defaults (1e-3, 30)
    "max_epochs": 100,  # at most, with early stopping (patience 10) on the training loss
}

PROTOCOL_CHANGES = """\
- Data: the real MNIST test split (t10k, 10,000 images) only: a stratified, seeded (seed 0) pool
  of {n_pool} and a held-out test set of {n_test} (paper: the MNIST training images as pool, the
  10,000 test images for testing).
- Images mean-pooled {downsample}x{downsample} to 14x14 (paper: 28x28), to make CPU training
  affordable.
- Model: alviz's `cnn_mc_dropout` (conv3x3 16 -> maxpool -> conv3x3 32 -> maxpool -> 4x4 average
  pool, dropout 0.25, dense 128, dropout 0.25; full-batch Adam lr {lr}, weight decay 1e-4, at
  most {max_epochs} epochs with early stopping on the training loss), retrained from scratch
  after every acquisition (Gal et al.: conv4x4 32 - conv4x4 32 - maxpool - dropout 0.25 - dense
  128 - dropout 0.5 on 28x28 images). Test accuracy with dropout off.
- Acquisition: a random {subset}-point subset of the pool is scored per step (Gal et al.'s code:
  2,000) with {n_draws} MC-dropout passes per point, a number chosen for CPU time, not taken
  from the papers; max entropy uses the mean of the MC-dropout passes, as in the paper.
- Budget: {initial} balanced initial labels + {budget} acquired in steps of {batch_size} (up to
  {total} labels; paper: up to 1,000). Targets the run never reaches are reported as '>{total}'.
- Seeds: 3 (paper: 3 repetitions, curves averaged). "Labels to x%" is read off the seed-averaged
  curve (`mean_curve`, as the paper reads its averaged curves), with the per-seed median beside it.
"""


def protocol_notes(**overrides) -> str:
    """:data:`PROTOCOL_CHANGES` filled in with the set-up's numbers."""
    p = {**SCALED, **overrides}
    return PROTOCOL_CHANGES.format(total=p["initial"] + p["budget"], **p)


def mnist_scaled(path, n_pool=4000, n_test=1000, downsample=2, seed=0):
    """The MNIST split of the CPU-scaled protocols.

    Parameters
    ----------
    path : str or Path
        Folder with the MNIST IDX files (e.g. ``t10k-images-idx3-ubyte.gz``).
    n_pool, n_test : int
        Pool and test sizes (stratified, seeded subsample).
    downsample : int
        Mean-pool factor of the 28x28 images (1 keeps them whole).
    seed : int
        Seed of the subsample and split.

    Returns
    -------
    Dataset
        ``X`` float32 of shape (n_pool, (28 // downsample) ** 2).
    """
    from .. import datasets

    ds = datasets.load(
        "mnist",
        path=path,
        n_samples=n_pool + n_test,
        test_size=n_test / (n_pool + n_test),
        seed=seed,
    )

    def pool(X):
        side, k = 28, int(downsample)
        X = np.asarray(X, dtype=np.float32).reshape(-1, side // k, k, side // k, k)
        return X.mean(axis=(2, 4)).reshape(len(X), -1)

    return arrays_dataset(
        f"mnist{28 // downsample}", pool(ds.X), ds.y, pool(ds.X_test), ds.y_test, ds.classes
    )


def _model(downsample: int, lr: float, max_epochs: int):
    from .. import models

    side = 28 // int(downsample)
    return models.make(
        "cnn_mc_dropout",
        image_shape=(side, side),
        lr=lr,
        max_epochs=max_epochs,
        patience=10,
        seed=0,
    )


def _strategies(names: dict, subset: int, n_draws: int) -> dict:
    from ._subsample import PoolSubsample

    return {
        label: PoolSubsample(name, size=subset, n_draws=n_draws, seed=0, probs_from_draws=True)
        for label, name in names.items()
    }


def _sweep(path, strategies: dict, seeds, budget, n_jobs, progress, **overrides):
    from ._compare import compare

    p = {**SCALED, **overrides}
    data = mnist_scaled(path, p["n_pool"], p["n_test"], p["downsample"])
    return compare(
        data,
        strategies=_strategies(strategies, p["subset"], p["n_draws"]),
        models={"cnn_mc_dropout": _model(p["downsample"], p["lr"], p["max_epochs"])},
        seeds=seeds,
        budget=p["budget"] if budget is None else budget,
        batch_size=p["batch_size"],
        initial=p["initial"],
        init="balanced",
        n_jobs=n_jobs,
        progress=progress,
    )


def run_gal2017(path, seeds=range(3), budget=None, n_jobs=None, progress=True, **overrides):
    """BALD, variation ratios, max entropy, mean STD and random on the scaled MNIST set-up.

    Returns
    -------
    Results
    """
    names = {
        "bald": "bald",
        "variation_ratios": "variation_ratios",
        "max_entropy": "entropy",
        "mean_std": "mean_std",
        "random": "random",
    }
    return _sweep(path, names, seeds, budget, n_jobs, progress, **overrides)


def run_batchbald(path, seeds=range(3), budget=None, n_jobs=None, progress=True, **overrides):
    """BatchBALD against top-k BALD, 10 labels per step, on the scaled MNIST set-up.

    Returns
    -------
    Results
    """
    names = {"batch_bald": "batch_bald", "bald_topk": "bald"}
    return _sweep(path, names, seeds, budget, n_jobs, progress, **overrides)


def _fmt_labels(value, total) -> str:
    return f">{total}" if value != value else str(int(value))


def _reach_table(results, targets: dict, baseline: str):
    """Labels to each target accuracy (seed-averaged curve, per-seed median), AUBC, times."""
    import pandas as pd

    total = int(results.table["n_labeled"].max()) if len(results.table) else 0
    times = results.step_times().set_index("strategy")
    aubc = results.aubc().set_index("strategy")
    paired = results.versus_random(baseline=baseline).set_index("strategy")
    curves = results.curves()
    last = curves[curves["n_labeled"] == total].set_index("strategy")["mean"]
    rows = []
    for strategy in results.strategies:
        row: dict = {"strategy": strategy}
        for label, acc in targets.items():
            s = results.labels_to(accuracy=acc)
            s = s[s["strategy"] == strategy].iloc[0]
            row[f"{label} (mean curve)"] = _fmt_labels(s["mean_curve"], total)
            row[f"{label} (median, reached/runs)"] = (
                f"{_fmt_labels(s['median'], total)} ({int(s['n_reached'])}/{int(s['n_runs'])})"
            )
        row[f"acc @ {total}"] = last.get(strategy, np.nan)
        row["aubc"] = aubc.loc[strategy, "mean"]
        row[f"aubc vs {baseline} (paired)"] = paired_cell(paired, strategy)
        row["median_step_s"] = times.loc[strategy, "median_step_seconds"]
        row["median_run_s"] = times.loc[strategy, "median_run_seconds"]
        rows.append(row)
    return pd.DataFrame(rows), total


def gal2017_summary(results):
    """Labels to 10% and 5% test error, beside Gal et al.'s Table 1, with wall times.

    Returns
    -------
    pandas.DataFrame
    """
    table, _ = _reach_table(results, {"10% err": 0.90, "5% err": 0.95}, baseline="random")
    table.insert(
        1,
        "paper 10% / 5%",
        [
            "{} / {}".format(*GAL2017[s]) if s in GAL2017 else "not quoted"
            for s in table["strategy"]
        ],
    )
    return table


def batchbald_summary(results):
    """Labels to 90% accuracy for BatchBALD and top-k BALD at batch size 10, with wall times.

    Returns
    -------
    pandas.DataFrame
    """
    table, _ = _reach_table(results, {"90% acc": 0.90}, baseline="bald_topk")
    return table
