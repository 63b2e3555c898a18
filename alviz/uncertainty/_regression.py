"""Aleatoric / epistemic split of a regression model's predictive variance."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .._validation import _as_float, check_finite

__all__ = ["RegressionDecomposition", "decompose_regression"]


class RegressionDecomposition(NamedTuple):
    """Predictive mean and variance split, each of shape (n_samples,).

    ``var_total = var_aleatoric + var_epistemic`` (law of total variance).
    """

    #: Mean of the draws' predicted means.
    mean: np.ndarray
    #: Mean of the draws' predicted variances: noise in the data.
    var_aleatoric: np.ndarray
    #: Variance of the draws' predicted means: what more data would reduce.
    var_epistemic: np.ndarray
    #: Their sum, the variance of the predictive mixture.
    var_total: np.ndarray


def _check_2d_draws(a, name: str) -> np.ndarray:
    a = _as_float(a, name)
    if a.ndim != 2:
        hint = ""
        if a.ndim == 1:
            hint = (
                " A 1-D array holds one prediction per sample; this needs several sampled "
                "predictions per sample (MC-dropout passes, ensemble members), stacked with "
                "the draws first: np.stack(list_of_draws)."
            )
        raise ValueError(
            f"{name} must be a 2-D array of shape (n_draws, n_samples); got an array of shape "
            f"{a.shape}.{hint}"
        )
    return check_finite(a, name)


def decompose_regression(means_draws, vars_draws) -> RegressionDecomposition:
    """Split the predictive variance of sampled Gaussian predictions.

    By the law of total variance, for draws ``t`` predicting ``N(mu_t, s2_t)``
    the mixture has variance ``mean_t s2_t + var_t mu_t`` (Kendall & Gal 2017;
    Lakshminarayanan et al. 2017).

    Parameters
    ----------
    means_draws : array-like of shape (n_draws, n_samples)
        Predicted means, draws first.
    vars_draws : array-like of shape (n_draws, n_samples)
        Predicted variances (non-negative), same shape. Pass zeros for a model
        without a noise head: everything is then epistemic.

    Returns
    -------
    RegressionDecomposition
        ``(mean, var_aleatoric, var_epistemic, var_total)``, float64 arrays of shape (n_samples,).
    """
    mu = _check_2d_draws(means_draws, "means_draws")
    s2 = _check_2d_draws(vars_draws, "vars_draws")
    if s2.shape != mu.shape:
        raise ValueError(
            f"vars_draws must have the same shape as means_draws {mu.shape} "
            f"(n_draws, n_samples); got {s2.shape}."
        )
    if s2.size and s2.min() < 0:
        raise ValueError(
            f"vars_draws must be non-negative variances; got a minimum of {float(s2.min()):.4g}. "
            f"If these are log-variances or standard deviations, pass np.exp(v) or s**2."
        )
    if mu.shape[0] == 0:
        raise ValueError("means_draws must hold at least one draw; got shape (0, n_samples).")
    mean = mu.mean(axis=0, dtype=np.float64)
    var_aleatoric = s2.mean(axis=0, dtype=np.float64)
    var_epistemic = mu.var(axis=0, dtype=np.float64)
    return RegressionDecomposition(
        mean, var_aleatoric, var_epistemic, var_aleatoric + var_epistemic
    )
