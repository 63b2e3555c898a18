"""The WDBC protocol of Lu, Li & Lin (2023), re-benchmarking Zhan et al. (2021).

Protocol (arXiv 2306.08954 and its code, github.com/ariapoy/active-learning-benchmark):
a seeded 60/40 train/test split per seed, a StandardScaler fitted on the
training part, 20 random initial labels, an RBF SVC (``gamma="auto"``,
``C=1``, no probability calibration), batch size 1, the whole pool as
budget, and AUBC = the (trapezoidal) mean test accuracy over the curve.

Why no ``probability=True``: the protocol's SVC is built with
``probability=False`` and its margin sampler (Google's ``margin_AL``) ranks
the pool by ``|decision_function|``; accuracy comes from ``SVC.predict``,
the sign of the decision value. Platt scaling (``probability=True``) would
add a 5-fold internal cross-validation to every fit (five times the cost,
and its own randomness), and its intercept moves the 0.5 point away from
the decision boundary, so both the margin ranking and the argmax accuracy
would differ from the protocol. :class:`DecisionFunctionSVC` gives the
Session what it needs (``predict_proba``) while keeping both exactly: its
probabilities are the logistic of the decision value, monotone in it.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin

from ._data import arrays_dataset
from ._format import paired_cell

__all__ = [
    "PUBLISHED",
    "DecisionFunctionSVC",
    "lu2023_aubc",
    "run_wdbc",
    "wdbc_dataset",
    "wdbc_summary",
]

#: Mean ± std of AUBC over 150 seeds (Lu, Li & Lin 2023, results table, WDBC row):
#: US-C (margin, compatible SVM) and Uniform.
PUBLISHED = {"margin": (0.9652, 0.0103), "random": (0.9539, 0.0130)}
TRAIN_SHARE = 0.6
INITIAL = 20


class DecisionFunctionSVC(ClassifierMixin, BaseEstimator):
    """RBF SVC whose ``predict_proba`` is the logistic of its decision value.

    Not calibrated probabilities: a monotone map of the decision value, so
    that uncertainty sampling ranks the pool by ``|decision_function|`` and
    ``argmax`` equals ``SVC.predict``, as in the WDBC protocol. Binary only.

    Parameters
    ----------
    C : float
    gamma : {"auto", "scale"} or float
    """

    def __init__(self, C: float = 1.0, gamma="auto"):
        self.C = C
        self.gamma = gamma

    def fit(self, X, y):
        """Fit the SVC on ``X`` of shape (n_samples, n_features) and binary ``y``."""
        from sklearn.svm import SVC

        y = np.asarray(y)
        if len(np.unique(y)) > 2:
            raise ValueError(
                f"DecisionFunctionSVC is binary; y has {len(np.unique(y))} classes. Use "
                f"alviz.models.make('svm') (Platt-calibrated) for more classes."
            )
        self.svc_ = SVC(C=self.C, gamma=self.gamma, kernel="rbf").fit(X, y)
        self.classes_ = self.svc_.classes_
        return self

    def decision_function(self, X) -> np.ndarray:
        """Signed distance to the boundary, shape (n_samples,)."""
        return self.svc_.decision_function(X)

    def predict_proba(self, X) -> np.ndarray:
        """``[1 - σ(f), σ(f)]`` with ``f`` the decision value; shape (n_samples, 2)."""
        p = expit(self.svc_.decision_function(X))
        return np.column_stack([1.0 - p, p])

    def predict(self, X) -> np.ndarray:
        """``SVC.predict``: the sign of the decision value."""
        return self.svc_.predict(X)


def wdbc_dataset(seed: int):
    """WDBC split as the protocol does: shuffle with ``default_rng(seed)``, first 60% train.

    The scaler is fitted on the training part only.

    Returns
    -------
    Dataset
        341 training (pool) rows and 228 test rows, 30 standardised features.
    """
    from sklearn.datasets import load_breast_cancer
    from sklearn.preprocessing import StandardScaler

    X, y = load_breast_cancer(return_X_y=True)
    idx = np.arange(len(y))
    np.random.default_rng(seed).shuffle(idx)
    n_train = int(len(y) * TRAIN_SHARE)
    train, test = idx[:n_train], idx[n_train:]
    scaler = StandardScaler().fit(X[train])
    X_train, X_test = scaler.transform(X[train]), scaler.transform(X[test])
    return arrays_dataset(
        "wdbc", X_train, y[train], X_test, y[test], classes=["malignant", "benign"]
    )


def lu2023_aubc(values_after_queries) -> float:
    """AUBC exactly as the protocol's code computes it (``utils.AUBC``, batch size 1).

    Parameters
    ----------
    values_after_queries : array-like of shape (n_queries,)
        Test accuracy after each query (the initial labels' accuracy is not in it).

    Returns
    -------
    float
        The trapezoidal area over the ``n_queries - 1`` gaps divided by
        ``n_queries``: the mean accuracy over the curve times ``(Q - 1) / Q``.
    """
    v = np.asarray(values_after_queries, dtype=np.float64)
    if v.ndim != 1 or len(v) < 2:
        raise ValueError(f"need at least two values after queries; got shape {v.shape}.")
    return float(np.sum((v[1:] + v[:-1]) / 2.0) / len(v))


def run_wdbc(seeds=range(150), budget=None, n_jobs=None, progress=True, backend=None):
    """The WDBC sweep: margin and random, SVC(rbf, gamma="auto", C=1), 20 initial labels.

    Parameters
    ----------
    seeds : iterable of int
    budget : int, optional
        Labels to query; default the whole pool (321).
    n_jobs, progress, backend
        As :func:`alviz.experiments.compare`.

    Returns
    -------
    Results
    """
    from ._compare import compare

    return compare(
        wdbc_dataset,
        strategies=["margin", "random"],
        models={"svc_rbf": DecisionFunctionSVC(C=1.0, gamma="auto")},
        seeds=seeds,
        budget=budget,
        batch_size=1,
        initial=INITIAL,
        n_jobs=n_jobs,
        backend=backend,
        progress=progress,
    )


def wdbc_summary(results):
    """Our AUBC against the published one, with wall times.

    Returns
    -------
    pandas.DataFrame
        One row per strategy: ``aubc_lu2023`` (the protocol's formula) and
        ``aubc_mean`` (mean accuracy over the whole curve, initial labels to
        the full pool) as mean ± std over seeds, the published value, the
        difference, the paired difference to random (mean [95% CI], win rate
        over seeds) and median seconds per run and per step.
    """
    import pandas as pd

    table = results.table
    times = results.step_times().set_index("strategy")
    mean_aubc = results.aubc("accuracy", method="mean", per_run=True)
    paired = results.versus_random(method="mean").set_index("strategy")
    rows = []
    for strategy, grp in table.groupby("strategy", sort=False):
        lu = []
        for _, run in grp.groupby("seed"):
            run = run.sort_values("n_labeled")
            lu.append(lu2023_aubc(run.loc[run["n_labeled"] > INITIAL, "accuracy"]))
        lu = np.asarray(lu)
        ours_mean = mean_aubc.loc[mean_aubc["strategy"] == strategy, "aubc"].to_numpy()
        pub_mean, pub_std = PUBLISHED.get(strategy, (np.nan, np.nan))
        rows.append(
            {
                "strategy": strategy,
                "n_seeds": len(lu),
                "aubc_lu2023": lu.mean(),
                "std_lu2023": lu.std(ddof=1) if len(lu) > 1 else np.nan,
                "aubc_mean": ours_mean.mean(),
                "published": pub_mean,
                "published_std": pub_std,
                "diff": lu.mean() - pub_mean,
                "within_0.005": bool(abs(lu.mean() - pub_mean) <= 0.005),
                "vs_random": paired_cell(paired, strategy),
                "median_run_seconds": times.loc[strategy, "median_run_seconds"],
                "median_step_ms": 1000 * times.loc[strategy, "median_step_seconds"],
            }
        )
    return pd.DataFrame(rows)
