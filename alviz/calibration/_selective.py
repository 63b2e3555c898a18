"""Selective classification: answer only when confident, and measure the risk taken."""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from .._validation import check_probs_labels

__all__ = ["RiskCoverageCurve", "accuracy_at_coverage", "aurc", "risk_coverage_curve"]


class RiskCoverageCurve(NamedTuple):
    """Achievable (coverage, risk) pairs, each of shape (n_thresholds,), coverage increasing."""

    #: Fraction of samples answered at each confidence threshold.
    coverages: np.ndarray
    #: Error rate among the answered samples.
    risks: np.ndarray


def _ranked_errors(probs, y):
    """Errors sorted by decreasing confidence and the end of every tie group."""
    p, y = check_probs_labels(probs, y)
    conf = p.max(axis=1)
    order = np.argsort(-conf, kind="stable")
    errors = (p.argmax(axis=1) != y)[order]
    c = conf[order]
    # Samples with equal confidence are accepted or rejected together by any threshold.
    ends = np.flatnonzero(np.r_[c[1:] != c[:-1], True]) if len(c) else np.array([], int)
    return errors, ends


def risk_coverage_curve(probs, y) -> RiskCoverageCurve:
    """Risk (error rate) against coverage when rejecting the least confident samples.

    Thresholding the top-class probability at every distinct value gives one
    point each (El-Yaniv & Wiener 2010; Geifman & El-Yaniv 2017).

    Parameters
    ----------
    probs : array-like of shape (n_samples, n_classes)
        Predicted class probabilities; the confidence is ``max_y p(y)``.
    y : array-like of shape (n_samples,)
        True class indices.

    Returns
    -------
    RiskCoverageCurve
        ``(coverages, risks)``; coverages increase to 1, where the risk is the
        plain error rate.
    """
    errors, ends = _ranked_errors(probs, y)
    n = len(errors)
    answered = ends + 1
    risks = np.cumsum(errors)[ends] / answered
    return RiskCoverageCurve(answered / max(n, 1), risks.astype(np.float64))


def aurc(probs, y) -> float:
    """Area under the risk-coverage curve (Geifman et al. 2019); lower is better.

    The mean over samples of the risk at the threshold that first answers the
    sample, i.e. ``(1/n) sum_k risk(k/n)`` with tie groups sharing their risk.

    Parameters
    ----------
    probs : array-like of shape (n_samples, n_classes)
        Predicted class probabilities.
    y : array-like of shape (n_samples,)
        True class indices.

    Returns
    -------
    float
        In [0, 1]; 0 when every prediction is correct.
    """
    errors, ends = _ranked_errors(probs, y)
    n = len(errors)
    if n == 0:
        return 0.0
    risks = np.cumsum(errors)[ends] / (ends + 1)
    group_sizes = np.diff(np.r_[-1, ends])
    return float((risks * group_sizes).sum() / n)


def accuracy_at_coverage(probs, y, coverage: float) -> float:
    """Accuracy on the most confident ``coverage`` fraction of the samples.

    Parameters
    ----------
    probs : array-like of shape (n_samples, n_classes)
        Predicted class probabilities.
    y : array-like of shape (n_samples,)
        True class indices.
    coverage : float
        In (0, 1]; the ``ceil(coverage * n)`` most confident samples are answered
        (ties at the cut broken by sample order).

    Returns
    -------
    float
        Accuracy among the answered samples.
    """
    if isinstance(coverage, bool) or not isinstance(coverage, float | int) or not 0 < coverage <= 1:
        raise ValueError(f"coverage must be a number in (0, 1], e.g. 0.8; got {coverage!r}.")
    errors, _ = _ranked_errors(probs, y)
    if len(errors) == 0:
        raise ValueError("probs is empty: there is nothing to answer.")
    k = max(1, math.ceil(coverage * len(errors) - 1e-9))
    return float(1.0 - errors[:k].mean())
