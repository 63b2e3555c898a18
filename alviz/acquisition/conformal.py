"""Conformal set size: query the points whose conformal prediction set is largest.

The calibration set of split conformal prediction must be held out from
training, but in active learning every label goes into training. The scores
on the labeled set are therefore **cross-fitted**: the labeled set is cut into
``n_folds`` class-stratified folds, a clone of the model is fitted on all
folds but one and scores the held-out fold, so each calibration score comes
from a model that never saw that point (as in cross-conformal prediction,
Vovk 2015). The threshold is then applied to the full model's pool
probabilities. The clones see ``(n_folds - 1) / n_folds`` of the labels, so
they err a little more than the full model and the sets lean larger
(conservative).

With fewer than ``ceil(1 / alpha) - 1`` labels no finite conformal threshold
exists (every set would be full), and without a cloneable model nothing can
be cross-fitted. Then the strategy falls back, with an
:class:`~alviz._warnings.AlvizWarning`, to the model's own ``1 - alpha``
credible sets: the fewest top classes whose probabilities sum to at least
``1 - alpha`` (uncalibrated).
"""

from __future__ import annotations

import hashlib
import math
import warnings

import numpy as np
from sklearn.base import clone

from .._validation import check_labels, check_probs, check_random_state
from .._warnings import AlvizWarning
from ..calibration import SplitConformal
from ._base import Context, Strategy, _positions
from ._registry import register

__all__ = [
    "ConformalSetSize",
    "conformal_set_size_scores",
    "credible_sets",
    "cross_fitted_probs",
]


def conformal_set_size_scores(
    probs, probs_calibration, y_calibration, alpha: float = 0.1, method: str = "lac", seed=0
) -> np.ndarray:
    """Size of each point's split-conformal prediction set.

    Parameters
    ----------
    probs : array-like of shape (n_pool, n_classes)
    probs_calibration : array-like of shape (n_calibration, n_classes)
        Probabilities of held-out (or cross-fitted) labeled points.
    y_calibration : array-like of shape (n_calibration,)
    alpha : float
        Target miscoverage (sets cover the truth with probability >= 1 - alpha).
    method : {"lac", "aps", "aps_conservative"}
        Conformity score, see :class:`alviz.calibration.SplitConformal`.
    seed : None, int or numpy.random.Generator
        The uniform draws of the randomized ``"aps"``.

    Returns
    -------
    ndarray of shape (n_pool,)
        Integers in ``[0, n_classes]`` as floats; larger = more classes remain plausible.
    """
    cp = SplitConformal(alpha=alpha, method=method, seed=seed)
    cp.fit(probs_calibration, y_calibration)
    return cp.predict_sets(probs).sum(axis=1).astype(np.float64)


def credible_sets(probs, alpha: float = 0.1) -> np.ndarray:
    """The fewest top classes whose probabilities sum to at least ``1 - alpha`` (no calibration).

    Parameters
    ----------
    probs : array-like of shape (n_samples, n_classes)
    alpha : float

    Returns
    -------
    ndarray of bool, shape (n_samples, n_classes)
    """
    p = check_probs(probs).astype(np.float64, copy=False)
    order = np.argsort(-p, axis=1, kind="stable")
    mass_before = np.cumsum(np.take_along_axis(p, order, axis=1), axis=1)
    mass_before = np.hstack([np.zeros((len(p), 1)), mass_before[:, :-1]])
    keep_sorted = mass_before < 1.0 - alpha - 1e-12  # a class is kept while mass is missing
    sets = np.zeros_like(keep_sorted)
    np.put_along_axis(sets, order, keep_sorted, axis=1)
    return sets


def _stratified_folds(y: np.ndarray, n_folds: int, rng: np.random.Generator) -> np.ndarray:
    """Fold of each sample: shuffled, then dealt class by class so each fold gets every class."""
    fold = np.empty(len(y), dtype=np.int64)
    order = rng.permutation(len(y))
    order = order[np.argsort(y[order], kind="stable")]
    fold[order] = np.arange(len(y)) % n_folds
    return fold


def cross_fitted_probs(model, X, y, n_classes: int, n_folds: int = 5, seed=0) -> np.ndarray:
    """Out-of-fold probabilities of the labeled set: each from a clone that did not see it.

    Parameters
    ----------
    model : classifier with ``fit`` and ``predict_proba``
        Cloned with :func:`sklearn.base.clone`; never modified.
    X : array-like of shape (n_labeled, n_features)
    y : array-like of shape (n_labeled,)
    n_classes : int
    n_folds : int
        At least 2 and at most ``n_labeled``.
    seed : int or Generator
        Assigns the folds.

    Returns
    -------
    ndarray of shape (n_labeled, n_classes)
    """
    from ..models import full_proba  # classes a fold never saw get probability 0

    y = check_labels(y)
    X = np.asarray(X)
    if not 2 <= n_folds <= len(y):
        raise ValueError(f"n_folds must be in [2, {len(y)}] (the labels); got {n_folds!r}.")
    fold = _stratified_folds(y, n_folds, check_random_state(seed))
    out = np.empty((len(y), n_classes))
    for f in range(n_folds):
        test = fold == f
        m = clone(model).fit(X[~test], y[~test])
        out[test] = full_proba(m, X[test], n_classes)
    return out


def _digest(*arrays) -> str:
    h = hashlib.sha1()
    for a in arrays:
        a = np.ascontiguousarray(a)
        h.update(str((a.shape, a.dtype)).encode())
        h.update(a.tobytes())
    return h.hexdigest()


@register
class ConformalSetSize(Strategy):
    """Query the points whose split-conformal prediction set holds the most classes.

    Parameters
    ----------
    alpha : float
        Target miscoverage of the sets.
    method : {"lac", "aps", "aps_conservative"}
        Conformity score (:class:`alviz.calibration.SplitConformal`).
    n_folds : int
        Folds of the cross-fitted calibration scores (fewer if there are fewer labels).
    seed : int
        Assigns the folds and the uniform draws of the randomized ``"aps"``:
        ``score`` and ``explain`` on the same context give the same sets.
    """

    name = "conformal_set_size"
    needs = frozenset({"probs"})
    # Its scores are pointwise, but it calibrates on the labelled set at every call:
    # once for the whole pool, not once per chunk.
    pointwise = False
    family = "uncertainty"
    reference = (
        "Vovk, Gammerman & Shafer 2005, Algorithmic Learning in a Random World; "
        "Angelopoulos & Bates 2021, A Gentle Introduction to Conformal Prediction; "
        "Makili, Sánchez & Dormido-Canto 2012, Active Learning Using Conformal Predictors."
    )

    def __init__(self, alpha: float = 0.1, method: str = "lac", n_folds: int = 5, seed: int = 0):
        self.alpha = alpha
        self.method = method
        self.n_folds = n_folds
        self.seed = seed

    def _calibrated(self, context: Context):
        """The fitted :class:`SplitConformal`, or None and why it cannot be calibrated."""
        X, y, model = context.X_labeled, context.y_labeled, context.model
        n = 0 if y is None else len(y)
        need = max(math.ceil(1 / self.alpha) - 1, 2)  # below: the conformal quantile is inf
        if n < need:
            return None, (
                f"{n} labels are too few for a conformal threshold at alpha={self.alpha} "
                f"(at least {need} are needed)"
            )
        if model is None or X is None:
            return None, "the context has no model (or no labeled features) to cross-fit"
        key = (id(model), _digest(X, y), repr(self.get_params()))
        cached = getattr(self, "_cache", None)  # score() and select() share one calibration
        if cached is not None and cached[0] == key:
            return self._conformal(cached[1], y), ""
        try:
            cal = cross_fitted_probs(
                model, X, y, context.n_classes, min(self.n_folds, n), self.seed
            )
        except Exception as exc:  # any model that cannot be cloned or refitted
            return None, f"cross-fitting the model failed ({type(exc).__name__}: {exc})"
        cp = self._conformal(cal, y)
        if not np.isfinite(cp.threshold_):
            return None, f"the conformal threshold at alpha={self.alpha} is infinite"
        self._cache = (key, cal)
        return cp, ""

    def _conformal(self, cal: np.ndarray, y: np.ndarray) -> SplitConformal:
        # Refitted on every call (cheap next to the cross-fit) so that the uniform
        # draws of randomized APS restart from the seed: same context, same sets.
        return SplitConformal(alpha=self.alpha, method=self.method, seed=self.seed).fit(cal, y)

    def _sets(self, context: Context) -> tuple[np.ndarray, float, str]:
        """Prediction sets of the pool, the threshold, and why it fell back ('' if it did not)."""
        if not isinstance(self.alpha, float | int) or not 0 < self.alpha < 1:
            raise ValueError(f"alpha must be a number in (0, 1), e.g. 0.1; got {self.alpha!r}.")
        probs = context.require("probs", self.name)
        cp, reason = self._calibrated(context)
        if cp is not None:
            return cp.predict_sets(probs), cp.threshold_, ""
        warnings.warn(
            f"conformal_set_size: {reason}; falling back to the model's uncalibrated "
            f"{1 - self.alpha:.0%} credible sets.",
            AlvizWarning,
            stacklevel=3,
        )
        return credible_sets(probs, self.alpha), float("nan"), reason

    def score(self, context: Context) -> np.ndarray:
        """Number of classes in each pool point's prediction set, shape (n_pool,)."""
        return self._sets(context)[0].sum(axis=1).astype(np.float64)

    def explain(self, context: Context, positions) -> dict[str, np.ndarray]:
        """``in_set`` (n_points, n_classes), ``threshold``, ``calibrated`` and ``score``."""
        pos = _positions(positions, context.n_pool)
        sets, threshold, reason = self._sets(context)
        return {
            "in_set": sets[pos],
            "threshold": np.full(len(pos), threshold),
            "calibrated": np.full(len(pos), not reason),
            "score": sets[pos].sum(axis=1).astype(np.float64),
        }
