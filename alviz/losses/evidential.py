"""Evidential deep learning: a Dirichlet over class probabilities (Sensoy et al. 2018)."""

from __future__ import annotations

import torch

from ._common import check_logits_target, reduce

__all__ = ["dirichlet_kl_to_uniform", "evidential_loss"]

_KINDS = ("mse", "log", "digamma")


def dirichlet_kl_to_uniform(alpha) -> torch.Tensor:
    """``KL(Dir(α) || Dir(1))`` per row.

    Parameters
    ----------
    alpha : Tensor of shape (n_samples, n_classes)
        Concentrations, all > 0.

    Returns
    -------
    Tensor of shape (n_samples,)
    """
    k = alpha.shape[1]
    s = alpha.sum(dim=1)
    return (
        torch.lgamma(s)
        - torch.lgamma(torch.tensor(float(k), dtype=alpha.dtype, device=alpha.device))
        - torch.lgamma(alpha).sum(dim=1)
        + ((alpha - 1.0) * (torch.digamma(alpha) - torch.digamma(s)[:, None])).sum(dim=1)
    )


def evidential_loss(
    evidence,
    target,
    epoch: int = 0,
    annealing_epochs: int = 10,
    kind: str = "mse",
    reduction: str = "mean",
) -> torch.Tensor:
    """Evidential classification loss with the annealed KL regulariser.

    With ``α = evidence + 1``, ``S = sum_c α_c`` and ``p = α / S``:

    - ``kind="mse"`` (eq. 5): ``sum_c (y_c - p_c)² + p_c (1 - p_c) / (S + 1)``;
    - ``kind="log"`` (eq. 3): ``sum_c y_c (log S - log α_c)``;
    - ``kind="digamma"`` (eq. 4): ``sum_c y_c (ψ(S) - ψ(α_c))``;

    plus ``λ_t KL(Dir(α̃) || Dir(1))`` where ``α̃ = y + (1 - y) α`` keeps only
    the misleading evidence and ``λ_t = min(1, epoch / annealing_epochs)``.

    Parameters
    ----------
    evidence : Tensor of shape (n_samples, n_classes)
        Non-negative evidence (e.g. ``softplus(logits)``).
    target : LongTensor of shape (n_samples,)
    epoch : int
        Current training epoch, for the annealing coefficient.
    annealing_epochs : int
        Epochs until the KL term reaches full weight; 0 gives full weight at once.
    kind : {"mse", "log", "digamma"}
    reduction : {"mean", "sum", "none"}

    Returns
    -------
    Tensor, scalar or of shape (n_samples,)
    """
    check_logits_target(evidence, target, name="evidence")
    if kind not in _KINDS:
        raise ValueError(f"kind must be one of {_KINDS}; got {kind!r}.")
    alpha = evidence + 1.0
    s = alpha.sum(dim=1, keepdim=True)
    y = torch.nn.functional.one_hot(target, evidence.shape[1]).to(alpha.dtype)
    if kind == "mse":
        p = alpha / s
        risk = ((y - p) ** 2 + p * (1 - p) / (s + 1)).sum(dim=1)
    elif kind == "log":
        risk = (y * (torch.log(s) - torch.log(alpha))).sum(dim=1)
    else:
        risk = (y * (torch.digamma(s) - torch.digamma(alpha))).sum(dim=1)
    lam = 1.0 if annealing_epochs <= 0 else min(1.0, epoch / annealing_epochs)
    alpha_tilde = y + (1 - y) * alpha
    return reduce(risk + lam * dirichlet_kl_to_uniform(alpha_tilde), reduction)
