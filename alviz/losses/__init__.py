"""Uncertainty-aware training losses (torch).

Pure functions on tensors, usable in any torch model; the models in
:mod:`alviz.models` pick them by name (``loss="focal"``).
"""

from .classification import (
    confidence_penalty,
    cross_entropy,
    focal_loss,
    heteroscedastic_classification_loss,
    label_smoothing_loss,
)
from .evidential import dirichlet_kl_to_uniform, evidential_loss
from .loss_prediction import LossPredictionModule, loss_prediction_loss
from .regression import beta_nll, gaussian_nll
from .weighted import mutual_information, uncertainty_weighted_loss, uncertainty_weights

__all__ = [
    "CLASSIFICATION_LOSSES",
    "LossPredictionModule",
    "beta_nll",
    "confidence_penalty",
    "cross_entropy",
    "dirichlet_kl_to_uniform",
    "evidential_loss",
    "focal_loss",
    "gaussian_nll",
    "get_classification_loss",
    "heteroscedastic_classification_loss",
    "label_smoothing_loss",
    "loss_prediction_loss",
    "mutual_information",
    "uncertainty_weighted_loss",
    "uncertainty_weights",
]

#: Losses on ``(logits, target)`` that a classifier can be trained with, by name.
CLASSIFICATION_LOSSES = {
    "cross_entropy": cross_entropy,
    "label_smoothing": label_smoothing_loss,
    "confidence_penalty": confidence_penalty,
    "focal": focal_loss,
}


def get_classification_loss(loss):
    """Return the loss function named ``loss`` (or ``loss`` itself if it is callable).

    Parameters
    ----------
    loss : str or callable
        A key of :data:`CLASSIFICATION_LOSSES`, or ``f(logits, target, reduction=...)``.
    """
    if callable(loss):
        return loss
    try:
        return CLASSIFICATION_LOSSES[loss]
    except (KeyError, TypeError):
        raise ValueError(
            f"unknown loss {loss!r}; available: {', '.join(CLASSIFICATION_LOSSES)}, or a "
            f"callable f(logits, target, reduction='none')."
        ) from None
