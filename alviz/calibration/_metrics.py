"""Proper scores and calibration error of probabilistic classifiers."""

from __future__ import annotations

import numpy as np

from .._validation import check_labels, check_probs

__all__ = ["brier_score", "expected_calibration_error", "negative_log_likelihood"]


def _checked(probs, y):
    p = check_probs(probs)
    y = check_labels(y, n_samples=p.shape[0])
    if len(y) and (y.min() < 0 or y.max() >= p.shape[1]):
        raise ValueError(
            f"y must hold class indices in [0, {p.shape[1] - 1}] to match probs of shape "
            f"{p.shape}; got values in [{y.min()}, {y.max()}]."
        )
    return p, y


def expected_calibration_error(probs, y, n_bins: int = 15) -> float:
    """Expected calibration error of the top-class confidence (equal-width bins).

    ``sum_b |B_b|/n * |acc(B_b) - conf(B_b)|`` (Naeini et al. 2015; Guo et al. 2017).

    Parameters
    ----------
    probs : array-like of shape (n_samples, n_classes)
    y : array-like of shape (n_samples,)
        True class indices.
    n_bins : int
        Number of equal-width confidence bins on [0, 1].

    Returns
    -------
    float
        In [0, 1]; 0 = perfectly calibrated.
    """
    p, y = _checked(probs, y)
    conf = p.max(axis=1)
    correct = (p.argmax(axis=1) == y).astype(np.float64)
    # Bin b holds confidences in ((b-1)/n_bins, b/n_bins]; 0 goes to the first bin.
    b = np.clip(np.ceil(conf * n_bins).astype(np.int64) - 1, 0, n_bins - 1)
    gap = np.bincount(b, weights=correct - conf, minlength=n_bins)
    return float(np.abs(gap).sum() / max(len(y), 1))


def brier_score(probs, y) -> float:
    """Mean squared distance between probabilities and one-hot labels (multi-class Brier).

    Returns
    -------
    float
        In [0, 2]; lower is better.
    """
    p, y = _checked(probs, y)
    onehot = np.zeros_like(p)
    onehot[np.arange(len(y)), y] = 1.0
    return float(((p - onehot) ** 2).sum(axis=1).mean())


def negative_log_likelihood(probs, y, eps: float = 1e-12) -> float:
    """Mean ``-log p(y_i)``; probabilities are clipped at ``eps`` so a confident error is finite."""
    p, y = _checked(probs, y)
    return float(-np.log(np.clip(p[np.arange(len(y)), y], eps, None)).mean())
