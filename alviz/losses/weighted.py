"""Uncertainty-weighted training: lean on what the model does not know.

The same epistemic uncertainty that selects points for labelling can weigh
them in the loss, closing the loop between selection and training.
"""

from __future__ import annotations

import torch

from ._common import check_same_shape, reduce

__all__ = ["mutual_information", "uncertainty_weighted_loss", "uncertainty_weights"]


def mutual_information(logits_draws) -> torch.Tensor:
    """Epistemic uncertainty (BALD) of sampled logits: ``H(mean p) - mean H(p)``.

    Parameters
    ----------
    logits_draws : Tensor of shape (n_draws, n_samples, n_classes)
        Logits of MC-dropout passes or ensemble members, draws first.

    Returns
    -------
    Tensor of shape (n_samples,)
        In nats, >= 0.
    """
    if not isinstance(logits_draws, torch.Tensor) or logits_draws.ndim != 3:
        raise ValueError(
            "logits_draws must be a tensor of shape (n_draws, n_samples, n_classes), draws first."
        )
    logp = torch.log_softmax(logits_draws, dim=2)
    p = logp.exp()
    mean_p = p.mean(dim=0)
    total = -(mean_p * torch.log(mean_p.clamp_min(1e-30))).sum(dim=1)
    expected = -(p * logp).sum(dim=2).mean(dim=0)
    return (total - expected).clamp_min(0.0)


def uncertainty_weights(epistemic, strength: float = 1.0) -> torch.Tensor:
    """Per-example weights ``w ∝ 1 + strength · u / mean(u)``, normalised to mean 1.

    Points the model is most unsure of weigh up to ``1 + strength · max(u)/mean(u)``
    times the average. The weights are detached: they steer the gradient,
    they are not trained. When every ``u`` is 0 all weights are 1.

    Parameters
    ----------
    epistemic : Tensor of shape (n_samples,)
        Non-negative epistemic uncertainty (e.g. :func:`mutual_information`).
    strength : float >= 0
        0 gives uniform weights.

    Returns
    -------
    Tensor of shape (n_samples,)
    """
    if strength < 0:
        raise ValueError(f"strength must be >= 0; got {strength!r}.")
    u = epistemic.detach().clamp_min(0.0)
    mean = u.mean()
    if not torch.isfinite(mean) or mean <= 0:
        return torch.ones_like(u)
    w = 1.0 + strength * u / mean
    return w / w.mean()


def uncertainty_weighted_loss(
    per_example_loss, epistemic, strength: float = 1.0, reduction: str = "mean"
) -> torch.Tensor:
    """A per-example loss weighted by :func:`uncertainty_weights` of ``epistemic``.

    Parameters
    ----------
    per_example_loss : Tensor of shape (n_samples,)
        E.g. ``cross_entropy(logits, y, reduction="none")``.
    epistemic : Tensor of shape (n_samples,)
    strength : float >= 0
    reduction : {"mean", "sum", "none"}

    Returns
    -------
    Tensor, scalar or of shape (n_samples,)
    """
    check_same_shape(per_example_loss, epistemic, "per_example_loss", "epistemic")
    return reduce(uncertainty_weights(epistemic, strength) * per_example_loss, reduction)
