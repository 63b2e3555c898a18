"""Split conformal prediction sets for classification (LAC and APS scores)."""

from __future__ import annotations

import math

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from .._validation import check_probs, check_random_state
from ._checks import check_class_indices, check_probs_labels

__all__ = ["SplitConformal", "conformity_scores"]

_METHODS = ("lac", "aps", "aps_conservative")


def _aps_cumulative(p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mass of the classes ranked strictly above each class, and each class's own mass.

    Classes are ranked by decreasing probability, ties by class index, so the
    ranking is a fixed total order and every class gets one well-defined score.
    """
    order = np.argsort(-p, axis=1, kind="stable")
    sorted_p = np.take_along_axis(p, order, axis=1)
    above_sorted = np.cumsum(sorted_p, axis=1) - sorted_p
    above = np.empty_like(above_sorted)
    np.put_along_axis(above, order, above_sorted, axis=1)
    return above, p


def conformity_scores(probs, method: str = "lac", u=None) -> np.ndarray:
    """Non-conformity score of every (sample, class): larger = the class fits worse.

    Parameters
    ----------
    probs : array-like of shape (n_samples, n_classes)
    method : {"lac", "aps", "aps_conservative"}
        ``"lac"``: ``1 - p(k)``. ``"aps"``: the mass of the classes ranked strictly
        above ``k`` plus ``u`` times ``p(k)`` (Romano, Sesia & Candès 2020, eq. 5).
        ``"aps_conservative"``: the same with ``u = 1``, the mass up to and
        including ``k``.
    u : None or array-like of shape (n_samples,)
        ``"aps"`` only: one uniform draw in [0, 1] per sample; ``None`` means 1
        (then ``"aps"`` equals ``"aps_conservative"``).

    Returns
    -------
    ndarray of shape (n_samples, n_classes)
        Classes are ranked by decreasing probability, ties by class index.
    """
    if method not in _METHODS:
        raise ValueError(f"method must be one of {_METHODS}; got {method!r}.")
    p = check_probs(probs).astype(np.float64, copy=False)
    if method == "lac":
        return 1.0 - p
    above, own = _aps_cumulative(p)
    if method == "aps_conservative" or u is None:
        return above + own
    u = np.asarray(u, dtype=np.float64)
    if u.shape != (len(p),) or not np.all((u >= 0) & (u <= 1)):
        raise ValueError(
            f"u must hold one number in [0, 1] per sample, shape ({len(p)},); got shape "
            f"{u.shape}. Pass rng.random(n_samples)."
        )
    return above + u[:, None] * own


class SplitConformal(BaseEstimator):
    """Prediction sets with a distribution-free coverage guarantee.

    Calibrated on held-out ``(probs, y)`` exchangeable with the test data, the
    sets contain the true label with probability at least ``1 - alpha``,
    marginally over calibration and test data, whatever the model
    (Vovk et al. 2005; Angelopoulos & Bates 2021, "A Gentle Introduction").

    Parameters
    ----------
    alpha : float
        Target miscoverage, in (0, 1): ``alpha=0.1`` aims at 90 % coverage.
    method : {"lac", "aps", "aps_conservative"}
        Conformity score (see :func:`conformity_scores`).

        - ``"lac"`` (Sadinle et al. 2019): ``1 - p(y)``; the smallest sets on
          average, but it may return empty sets. Coverage lies between
          ``1 - alpha`` and ``1 - alpha + 1 / (n + 1)`` (``n`` calibration samples,
          no ties).
        - ``"aps"`` (Romano, Sesia & Candès 2020), randomized as in the paper:
          the mass of the classes ranked above ``y`` plus a uniform draw times
          ``p(y)``. Sets adapt to how hard a sample is, coverage is the same
          near-exact band as LAC; sets depend on ``seed`` and may be empty.
        - ``"aps_conservative"``: the deterministic variant. Classes are added by
          decreasing probability until their mass reaches the threshold, the
          class that crosses it included. Sets are never empty and do not
          depend on ``seed``, but coverage is conservative: on ``load("digits")``
          with logistic regression at ``alpha=0.1`` it covers at least 0.98 with
          sets at least three times as large as ``"aps"`` (measured in the tests).
    seed : None, int or numpy.random.Generator
        The uniform draws of ``"aps"``; the same seed gives the same sets. They
        come from one stream started by ``fit``: ``fit`` then the same
        ``predict_sets`` calls replay exactly; a second call draws new ones.

    Attributes
    ----------
    threshold_ : float
        The conformal quantile of the calibration scores (``inf`` when the
        calibration set is too small for ``alpha``: then every set is full).
    n_calibration_ : int
        Number of calibration samples.
    n_classes_ : int
        Number of classes.
    """

    def __init__(self, alpha: float = 0.1, method: str = "lac", seed=None):
        self.alpha = alpha
        self.method = method
        self.seed = seed

    def _check_params(self):
        if not isinstance(self.alpha, float | int) or not 0 < self.alpha < 1:
            raise ValueError(f"alpha must be a number in (0, 1), e.g. 0.1; got {self.alpha!r}.")
        if self.method not in _METHODS:
            raise ValueError(
                f"method must be one of {_METHODS}; got {self.method!r}. 'aps' is the "
                f"randomized APS of Romano et al. 2020, 'aps_conservative' the deterministic one."
            )

    def _scores(self, p: np.ndarray, rng) -> np.ndarray:
        """Non-conformity score of every (sample, class), shape (n_samples, n_classes)."""
        u = rng.random(len(p)) if self.method == "aps" else None
        return conformity_scores(p, self.method, u)

    def fit(self, probs_cal, y_cal):
        """Compute the conformal threshold from held-out data.

        Parameters
        ----------
        probs_cal : array-like of shape (n_samples, n_classes)
            Predicted probabilities on calibration data the model was not trained on.
        y_cal : array-like of shape (n_samples,)
            Their true class indices.

        Returns
        -------
        self
        """
        self._check_params()
        p, y = check_probs_labels(probs_cal, y_cal, "probs_cal")
        p = p.astype(np.float64)
        rng = check_random_state(self.seed)
        n = len(y)
        scores = self._scores(p, rng)[np.arange(n), y]
        # The ceil((n + 1)(1 - alpha))-th smallest score: the finite-sample correction.
        k = math.ceil((n + 1) * (1 - self.alpha))
        self.threshold_ = float(np.inf if k > n else np.partition(scores, k - 1)[k - 1])
        self.n_calibration_ = n
        self.n_classes_ = p.shape[1]
        # Test-time draws continue the same stream, so fit + predict is reproducible.
        self._rng = rng
        return self

    def calibrate(self, probs_cal, y_cal):
        """Alias of :meth:`fit`."""
        return self.fit(probs_cal, y_cal)

    def predict_sets(self, probs) -> np.ndarray:
        """Prediction sets as a boolean mask.

        Parameters
        ----------
        probs : array-like of shape (n_samples, n_classes)
            Predicted probabilities on test data.

        Returns
        -------
        ndarray of bool, shape (n_samples, n_classes)
            ``sets[i, k]`` is True when class ``k`` is in sample ``i``'s set.
        """
        check_is_fitted(self, "threshold_")
        p = check_probs(probs).astype(np.float64)
        if p.shape[1] != self.n_classes_:
            raise ValueError(
                f"probs has {p.shape[1]} classes but the calibration data had {self.n_classes_} "
                f"classes; pass probabilities of the same model."
            )
        if self.method == "aps_conservative":
            # Add classes in order of probability until the mass reaches the
            # threshold, the crossing class included: a class is in the set when
            # the mass ranked strictly above it is below the threshold. This is a
            # superset of {score <= threshold}, so coverage holds, and the top
            # class is always in: sets are never empty.
            above, _ = _aps_cumulative(p)
            return above < self.threshold_
        return self._scores(p, self._rng) <= self.threshold_

    @staticmethod
    def set_sizes(sets) -> np.ndarray:
        """Number of classes in each set.

        Parameters
        ----------
        sets : array-like of bool, shape (n_samples, n_classes)
            From :meth:`predict_sets`.

        Returns
        -------
        ndarray of int, shape (n_samples,)
        """
        return _check_sets(sets).sum(axis=1)

    @staticmethod
    def coverage(sets, y) -> float:
        """Fraction of samples whose set contains the true label.

        Parameters
        ----------
        sets : array-like of bool, shape (n_samples, n_classes)
            From :meth:`predict_sets`.
        y : array-like of shape (n_samples,)
            True class indices.

        Returns
        -------
        float
            Empirical coverage in [0, 1]; compare with ``1 - alpha``.
        """
        s = _check_sets(sets)
        y = check_class_indices(y, s, "sets")
        if len(y) == 0:
            return float("nan")
        return float(s[np.arange(len(y)), y].mean())


def _check_sets(sets) -> np.ndarray:
    s = np.asarray(sets)
    if s.dtype != bool:
        raise TypeError(
            f"sets must be a boolean mask of shape (n_samples, n_classes); got dtype {s.dtype}. "
            f"Pass the output of SplitConformal.predict_sets(probs), not the probabilities."
        )
    if s.ndim != 2:
        raise ValueError(
            f"sets must be a 2-D boolean mask of shape (n_samples, n_classes); got shape {s.shape}."
        )
    return s
