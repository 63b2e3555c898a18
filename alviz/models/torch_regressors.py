"""Torch regressors with a learned (aleatoric) variance and epistemic draws."""

from __future__ import annotations

from ._params import TRAINING_DEFAULTS, estimator_params
from ._torch_base import TorchRegressorBase

__all__ = ["DeepEnsembleRegressor", "MCDropoutRegressor"]


_REGRESSION = {"hidden": (64, 64), "loss": "gaussian_nll", "beta": 0.5}


@estimator_params(**_REGRESSION, n_members=1, dropout=0.1, **TRAINING_DEFAULTS)
class MCDropoutRegressor(TorchRegressorBase):
    """MLP predicting a mean and a log-variance; draws are MC-dropout passes.

    Trained with :func:`alviz.losses.gaussian_nll` (or
    :func:`alviz.losses.beta_nll`). The predicted variance is aleatoric; the
    spread of the means over dropout passes is epistemic.

    Parameters
    ----------
    hidden : tuple of int
    loss : {"gaussian_nll", "beta_nll"}
    beta : float
        β of beta-NLL.
    n_members : int
        More than 1 trains an ensemble of MC-dropout networks.
    dropout : float
        > 0 to sample.
    """


@estimator_params(**_REGRESSION, n_members=5, dropout=0.0, **TRAINING_DEFAULTS)
class DeepEnsembleRegressor(TorchRegressorBase):
    """Deep ensemble of mean-and-variance MLPs (Lakshminarayanan et al. 2017).

    Each member predicts a Gaussian; aleatoric = mean of the members'
    variances, epistemic = variance of their means. Draws cycle the members.

    Parameters
    ----------
    hidden : tuple of int
    loss : {"gaussian_nll", "beta_nll"}
    beta : float
    n_members : int
    dropout : float
    """
