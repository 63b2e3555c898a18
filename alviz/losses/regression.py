"""Regression losses with a learned variance.

The network predicts a mean and a log-variance per example; both take
tensors of shape (n_samples,) and return a scalar (or, with
``reduction="none"``, the per-example loss of shape (n_samples,)).
"""

from __future__ import annotations

import math

import torch

from ._common import check_same_shape, reduce

__all__ = ["beta_nll", "gaussian_nll"]


def gaussian_nll(mean, log_var, target, full: bool = False, reduction: str = "mean"):
    """Gaussian negative log-likelihood with a learned variance (Nix & Weigend 1994).

    ``L_i = ½ (s_i + (y_i - μ_i)² exp(-s_i))`` with ``s = log σ²``, plus
    ``½ log 2π`` when ``full``. The variance is the aleatoric uncertainty.

    Parameters
    ----------
    mean : Tensor of shape (n_samples,)
    log_var : Tensor of shape (n_samples,)
        Log of the predicted variance (log-parametrised so that σ² > 0).
    target : Tensor of shape (n_samples,)
    full : bool
        Add the constant ``½ log 2π``.
    reduction : {"mean", "sum", "none"}

    Returns
    -------
    Tensor, scalar or of shape (n_samples,)
    """
    check_same_shape(mean, log_var, "mean", "log_var")
    check_same_shape(mean, target, "mean", "target")
    loss = 0.5 * (log_var + (target - mean) ** 2 * torch.exp(-log_var))
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return reduce(loss, reduction)


def beta_nll(mean, log_var, target, beta: float = 0.5, reduction: str = "mean"):
    """β-NLL (Seitzer et al. 2022): the Gaussian NLL weighted by ``stop_grad(σ^{2β})``.

    Plain NLL lets points with a large predicted variance stop contributing to
    the mean's fit; weighting each term by ``σ^{2β}`` (treated as a constant)
    undoes part of that. ``β = 0`` is the NLL, ``β = 1`` gives the mean the
    gradient of the squared error.

    Parameters
    ----------
    mean, log_var, target : Tensor of shape (n_samples,)
    beta : float in [0, 1]
    reduction : {"mean", "sum", "none"}

    Returns
    -------
    Tensor, scalar or of shape (n_samples,)
    """
    if not 0.0 <= beta <= 1.0:
        raise ValueError(f"beta must be in [0, 1]; got {beta!r}.")
    nll = gaussian_nll(mean, log_var, target, reduction="none")
    weight = torch.exp(beta * log_var).detach()
    return reduce(weight * nll, reduction)
