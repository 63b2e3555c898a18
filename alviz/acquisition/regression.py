"""Regression: query where the predictive variance is largest.

The Session fills ``extra["mean"]``, ``extra["var_aleatoric"]`` and
``extra["var_epistemic"]`` (each of shape (n_pool,)) for strategies that need
``"regression"``; :func:`alviz.uncertainty.decompose_regression` computes
them from sampled Gaussian predictions.
"""

from __future__ import annotations

import numpy as np

from .._validation import check_finite
from ._base import Context, Strategy, _positions
from ._registry import register

__all__ = [
    "MaxEpistemicVariance",
    "MaxTotalVariance",
    "max_epistemic_variance_scores",
    "max_total_variance_scores",
]


def _variance(v, name: str) -> np.ndarray:
    a = check_finite(np.asarray(v, dtype=np.float64), name)
    if a.ndim != 1 or (a < 0).any():
        raise ValueError(
            f"{name} must be a non-negative array of shape (n_pool,); got shape {a.shape}"
            f"{f' with minimum {a.min():.3g}' if a.size else ''}. Variances cannot be negative."
        )
    return a


def max_epistemic_variance_scores(var_epistemic) -> np.ndarray:
    """The model's epistemic variance (variance of the draws' means).

    Parameters
    ----------
    var_epistemic : array-like of shape (n_pool,)

    Returns
    -------
    ndarray of shape (n_pool,)
        What more data would reduce; noise in the targets does not count.
    """
    return _variance(var_epistemic, "var_epistemic")


def max_total_variance_scores(var_aleatoric, var_epistemic) -> np.ndarray:
    """Total predictive variance, ``var_aleatoric + var_epistemic``.

    Parameters
    ----------
    var_aleatoric : array-like of shape (n_pool,)
    var_epistemic : array-like of shape (n_pool,)

    Returns
    -------
    ndarray of shape (n_pool,)
        Also high where the targets are merely noisy (which labels cannot fix).
    """
    return _variance(var_aleatoric, "var_aleatoric") + _variance(var_epistemic, "var_epistemic")


class _RegressionStrategy(Strategy):
    needs = frozenset({"regression"})
    pointwise = True
    family = "regression"
    task = "regression"

    def explain(self, context: Context, positions) -> dict[str, np.ndarray]:
        """``mean``, ``var_aleatoric``, ``var_epistemic`` and ``score``."""
        pos = _positions(positions, context.n_pool)
        mean, va, ve = context.require("regression", self.name)
        return {
            "mean": np.asarray(mean, dtype=np.float64)[pos],
            "var_aleatoric": np.asarray(va, dtype=np.float64)[pos],
            "var_epistemic": np.asarray(ve, dtype=np.float64)[pos],
            "score": self.score(context)[pos],
        }


@register
class MaxEpistemicVariance(_RegressionStrategy):
    """Query where the model's draws disagree most about the mean (epistemic variance)."""

    name = "max_epistemic_variance"
    reference = (
        "Kendall & Gal 2017, What Uncertainties Do We Need in Bayesian Deep Learning for "
        "Computer Vision?; MacKay 1992, Information-Based Objective Functions for Active "
        "Data Selection."
    )

    def score(self, context: Context) -> np.ndarray:
        """``extra["var_epistemic"]``, shape (n_pool,)."""
        return max_epistemic_variance_scores(context.require("regression", self.name)[2])


@register
class MaxTotalVariance(_RegressionStrategy):
    """Query where the total predictive variance is largest (regression uncertainty sampling)."""

    name = "max_total_variance"
    reference = (
        "Cohn, Ghahramani & Jordan 1996, Active Learning with Statistical Models; "
        "Settles 2009, Active Learning Literature Survey, §3.1."
    )

    def score(self, context: Context) -> np.ndarray:
        """``extra["var_aleatoric"] + extra["var_epistemic"]``, shape (n_pool,)."""
        _, va, ve = context.require("regression", self.name)
        return max_total_variance_scores(va, ve)
