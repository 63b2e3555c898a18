"""Proper scores and calibration errors of probabilistic classifiers."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from .._validation import check_probs_labels as _checked

__all__ = [
    "ReliabilityCurve",
    "brier_score",
    "classwise_ece",
    "expected_calibration_error",
    "maximum_calibration_error",
    "negative_log_likelihood",
    "probability_scores",
    "reliability_curve",
]

_STRATEGIES = ("uniform", "quantile")


def _check_n_bins(n_bins) -> int:
    if isinstance(n_bins, bool) or not isinstance(n_bins, int | np.integer) or n_bins < 1:
        raise ValueError(f"n_bins must be a positive integer; got {n_bins!r}.")
    return int(n_bins)


@functools.lru_cache(maxsize=8)
def _uniform_edges(n_bins: int) -> np.ndarray:
    # Read-only and cached: a Session asks for the same edges every round, and
    # linspace costs more than binning a test split of a few hundred rows.
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    edges.flags.writeable = False
    return edges


def _bin_edges(conf: np.ndarray, n_bins: int, strategy: str) -> np.ndarray:
    """Edges of shape (n_bins + 1,) from 0 to 1."""
    if strategy == "uniform":
        return _uniform_edges(n_bins)
    if strategy == "quantile":
        if len(conf) == 0:
            return np.linspace(0.0, 1.0, n_bins + 1)
        edges = np.quantile(conf, np.linspace(0.0, 1.0, n_bins + 1))
        edges[0], edges[-1] = 0.0, 1.0
        return edges
    raise ValueError(
        f"strategy must be one of {_STRATEGIES} (equal-width or equal-mass bins); got {strategy!r}."
    )


def _bin_index(conf: np.ndarray, edges: np.ndarray) -> np.ndarray:
    # Bin b holds confidences in (edges[b], edges[b+1]]; the first bin also holds edges[0].
    return np.searchsorted(edges[1:-1], conf, side="left")


def _binned_gaps(conf, correct, n_bins, strategy):
    """Per-bin counts and sums of ``correct - conf``."""
    edges = _bin_edges(conf, n_bins, strategy)
    b = _bin_index(conf, edges)
    count = np.bincount(b, minlength=n_bins)
    gap = np.bincount(b, weights=correct - conf, minlength=n_bins)
    return edges, b, count, gap


def _top_label(p, y):
    conf = p.max(axis=1).astype(np.float64)
    correct = (p.argmax(axis=1) == y).astype(np.float64)
    return conf, correct


def expected_calibration_error(probs, y, n_bins: int = 15, strategy: str = "uniform") -> float:
    """Expected calibration error of the top-class confidence.

    ``sum_b |B_b|/n * |acc(B_b) - conf(B_b)|`` (Naeini et al. 2015; Guo et al. 2017).

    Parameters
    ----------
    probs : array-like of shape (n_samples, n_classes)
        Predicted class probabilities.
    y : array-like of shape (n_samples,)
        True class indices.
    n_bins : int
        Number of confidence bins.
    strategy : {"uniform", "quantile"}
        ``"uniform"``: equal-width bins on [0, 1]; ``"quantile"``: equal-mass bins
        at the quantiles of the confidences (Nixon et al. 2019), which keeps every
        bin populated when confidences crowd near 1.

    Returns
    -------
    float
        In [0, 1]; 0 = perfectly calibrated.
    """
    n_bins = _check_n_bins(n_bins)
    p, y = _checked(probs, y)
    return _ece(p, y, n_bins, strategy)


def _ece(p, y, n_bins, strategy):
    conf, correct = _top_label(p, y)
    _, _, _, gap = _binned_gaps(conf, correct, n_bins, strategy)
    return float(np.abs(gap).sum() / max(len(y), 1))


def maximum_calibration_error(probs, y, n_bins: int = 15, strategy: str = "uniform") -> float:
    """Largest gap ``|acc(B_b) - conf(B_b)|`` over the non-empty confidence bins.

    Parameters
    ----------
    probs : array-like of shape (n_samples, n_classes)
        Predicted class probabilities.
    y : array-like of shape (n_samples,)
        True class indices.
    n_bins : int
        Number of confidence bins.
    strategy : {"uniform", "quantile"}
        Equal-width or equal-mass bins (see :func:`expected_calibration_error`).

    Returns
    -------
    float
        In [0, 1]; 0 for no samples.
    """
    n_bins = _check_n_bins(n_bins)
    p, y = _checked(probs, y)
    conf, correct = _top_label(p, y)
    _, _, count, gap = _binned_gaps(conf, correct, n_bins, strategy)
    full = count > 0
    return float(np.abs(gap[full] / count[full]).max()) if full.any() else 0.0


def classwise_ece(probs, y, n_bins: int = 15, strategy: str = "uniform") -> float:
    """Class-wise ECE: the calibration error of every class's probability, averaged.

    For each class ``k`` the ECE of ``p(k | x)`` against ``1[y = k]``, then the
    mean over classes (Kull et al. 2019; Nixon et al. 2019 call it SCE).

    Parameters
    ----------
    probs : array-like of shape (n_samples, n_classes)
        Predicted class probabilities.
    y : array-like of shape (n_samples,)
        True class indices.
    n_bins : int
        Number of probability bins per class.
    strategy : {"uniform", "quantile"}
        Equal-width or equal-mass bins, per class.

    Returns
    -------
    float
        In [0, 1]; 0 = every class probability is calibrated.
    """
    n_bins = _check_n_bins(n_bins)
    p, y = _checked(probs, y)
    n, n_classes = p.shape
    if n == 0:
        return 0.0
    total = 0.0
    for k in range(n_classes):
        pk = p[:, k].astype(np.float64)
        _, _, _, gap = _binned_gaps(pk, (y == k).astype(np.float64), n_bins, strategy)
        total += np.abs(gap).sum() / n
    return float(total / n_classes)


@dataclass(frozen=True)
class ReliabilityCurve:
    """Per-bin statistics of the top-class confidence; arrays of shape (n_bins,).

    Empty bins have ``count == 0`` and NaN ``mean_confidence`` and ``accuracy``
    (drop them with ``curve.count > 0`` before plotting).
    """

    #: Bin edges of shape (n_bins + 1,), from 0 to 1; bin b is (edges[b], edges[b+1]].
    edges: np.ndarray
    #: Mean top-class confidence of the samples in each bin.
    mean_confidence: np.ndarray
    #: Fraction of the samples in each bin whose top class is the true class.
    accuracy: np.ndarray
    #: Number of samples in each bin.
    count: np.ndarray

    @property
    def ece(self) -> float:
        """Expected calibration error of these bins."""
        full = self.count > 0
        n = self.count.sum()
        if n == 0:
            return 0.0
        gaps = np.abs(self.accuracy[full] - self.mean_confidence[full])
        return float((gaps * self.count[full]).sum() / n)


def reliability_curve(probs, y, n_bins: int = 15, strategy: str = "uniform") -> ReliabilityCurve:
    """Mean confidence, accuracy and count per confidence bin (a reliability diagram).

    Parameters
    ----------
    probs : array-like of shape (n_samples, n_classes)
        Predicted class probabilities.
    y : array-like of shape (n_samples,)
        True class indices.
    n_bins : int
        Number of confidence bins.
    strategy : {"uniform", "quantile"}
        Equal-width or equal-mass bins (see :func:`expected_calibration_error`).

    Returns
    -------
    ReliabilityCurve
        ``edges`` (n_bins + 1,), ``mean_confidence``, ``accuracy`` and ``count``
        (n_bins,); a perfectly calibrated model has ``accuracy == mean_confidence``.
    """
    n_bins = _check_n_bins(n_bins)
    p, y = _checked(probs, y)
    conf, correct = _top_label(p, y)
    edges, b, count, _ = _binned_gaps(conf, correct, n_bins, strategy)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_conf = np.bincount(b, weights=conf, minlength=n_bins) / count
        acc = np.bincount(b, weights=correct, minlength=n_bins) / count
    return ReliabilityCurve(edges.copy(), mean_conf, acc, count)  # the caller's own edges


def brier_score(probs, y) -> float:
    """Mean squared distance between probabilities and one-hot labels (multi-class Brier).

    Parameters
    ----------
    probs : array-like of shape (n_samples, n_classes)
        Predicted class probabilities.
    y : array-like of shape (n_samples,)
        True class indices.

    Returns
    -------
    float
        In [0, 2]; lower is better.
    """
    p, y = _checked(probs, y)
    return _brier(p, y)


def _brier(p, y):
    sq = (p.astype(np.float64) ** 2).sum(axis=1)
    # ||p - e_y||^2 = sum p^2 - 2 p_y + 1, without building the one-hot matrix.
    return float((sq - 2.0 * p[np.arange(len(y)), y] + 1.0).mean()) if len(y) else 0.0


def negative_log_likelihood(probs, y, eps: float = 1e-12) -> float:
    """Mean ``-log p(y_i | x_i)``.

    Parameters
    ----------
    probs : array-like of shape (n_samples, n_classes)
        Predicted class probabilities.
    y : array-like of shape (n_samples,)
        True class indices.
    eps : float
        Probabilities are clipped at ``eps`` so a confident error costs
        ``-log eps`` (about 27.6) instead of infinity.

    Returns
    -------
    float
        Non-negative, in nats; lower is better.
    """
    p, y = _checked(probs, y)
    return _nll(p, y, eps)


def _nll(p, y, eps=1e-12):
    if len(y) == 0:
        return 0.0
    return float(-np.log(np.clip(p[np.arange(len(y)), y].astype(np.float64), eps, None)).mean())


def probability_scores(probs, y, n_bins: int = 15) -> dict:
    """NLL, ECE (uniform bins) and Brier score at once, checking the inputs once.

    The same values as :func:`negative_log_likelihood`,
    :func:`expected_calibration_error` and :func:`brier_score` called one by
    one (a Session computes them every round, where three checks of the
    same array cost more than the scores).

    Parameters
    ----------
    probs : array-like of shape (n_samples, n_classes)
    y : array-like of shape (n_samples,)
        True class indices.
    n_bins : int
        Confidence bins of the ECE.

    Returns
    -------
    dict
        ``{"nll": float, "ece": float, "brier": float}``.
    """
    n_bins = _check_n_bins(n_bins)
    p, y = _checked(probs, y)
    return {"nll": _nll(p, y), "ece": _ece(p, y, n_bins, "uniform"), "brier": _brier(p, y)}
