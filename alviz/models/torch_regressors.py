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


@estimator_params(
    **{**_REGRESSION, "loss": "beta_nll"},
    n_members=5,
    dropout=0.0,
    prior_scale=2.0,
    **{**TRAINING_DEFAULTS, "weight_decay": 1e-4, "patience": 100},
)
class DeepEnsembleRegressor(TorchRegressorBase):
    """Deep ensemble of mean-and-variance MLPs (Lakshminarayanan et al. 2017), the default.

    Each member predicts a Gaussian; aleatoric = mean of the members'
    variances, epistemic = variance of their means. Draws cycle the members.

    Defaults chosen so that both halves of the story show on ``hetero_sine``
    (its card's claims): members are trained with β-NLL (β = 0.5, Seitzer et
    al. 2022, "On the Pitfalls of Heteroscedastic Uncertainty Estimation
    with Probabilistic Neural Networks"), which keeps plain Gaussian NLL
    from fitting the mean badly where it calls the noise large, and for long
    enough (patience 100) to learn an input-dependent noise band; each
    member's mean has its own fixed random prior function (Osband et al.
    2018, :class:`alviz.models._nets.RandomPriorNet`), so the members agree
    on the data and spread apart in a gap without data.

    Parameters
    ----------
    hidden : tuple of int
    loss : {"gaussian_nll", "beta_nll"}
    beta : float
    n_members : int
    dropout : float
    prior_scale : float
        Standard deviation of each member's random prior on the mean, in
        units of the standardised target; 0 turns the priors off.
    """
