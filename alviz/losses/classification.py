"""Classification losses that shape how confident a network learns to be.

Every function takes ``logits`` of shape (n_samples, n_classes) and integer
``target`` of shape (n_samples,) and returns a scalar (or, with
``reduction="none"``, the per-example loss of shape (n_samples,)).
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from ._common import check_logits_target, reduce

__all__ = [
    "confidence_penalty",
    "cross_entropy",
    "focal_loss",
    "heteroscedastic_classification_loss",
    "label_smoothing_loss",
]


def cross_entropy(logits, target, reduction: str = "mean") -> torch.Tensor:
    """Negative log-likelihood of the target class, ``-log softmax(z)_y``.

    Parameters
    ----------
    logits : Tensor of shape (n_samples, n_classes)
    target : LongTensor of shape (n_samples,)
    reduction : {"mean", "sum", "none"}

    Returns
    -------
    Tensor, scalar or of shape (n_samples,)
    """
    check_logits_target(logits, target)
    return reduce(F.cross_entropy(logits, target, reduction="none"), reduction)


def label_smoothing_loss(
    logits, target, smoothing: float = 0.1, reduction: str = "mean"
) -> torch.Tensor:
    """Cross-entropy against a smoothed target (Szegedy et al. 2016).

    The target is ``q = (1 - ε) onehot(y) + ε / n_classes`` and the loss is
    ``-sum_c q_c log p_c``; it stops the network from pushing its logits to
    infinity, which keeps predictions less over-confident.

    Parameters
    ----------
    logits : Tensor of shape (n_samples, n_classes)
    target : LongTensor of shape (n_samples,)
    smoothing : float in [0, 1)
        ε, the probability mass spread uniformly over all classes.
    reduction : {"mean", "sum", "none"}

    Returns
    -------
    Tensor, scalar or of shape (n_samples,)
    """
    check_logits_target(logits, target)
    if not 0.0 <= smoothing < 1.0:
        raise ValueError(f"smoothing must be in [0, 1); got {smoothing!r}.")
    logp = F.log_softmax(logits, dim=1)
    nll = -logp.gather(1, target[:, None]).squeeze(1)
    uniform = -logp.mean(dim=1)
    return reduce((1.0 - smoothing) * nll + smoothing * uniform, reduction)


def confidence_penalty(logits, target, beta: float = 0.1, reduction: str = "mean") -> torch.Tensor:
    """Cross-entropy minus β times the predictive entropy (Pereyra et al. 2017).

    ``L = -log p_y - β H(p)`` with ``H(p) = -sum_c p_c log p_c``: low-entropy
    (over-confident) outputs are penalised.

    Parameters
    ----------
    logits : Tensor of shape (n_samples, n_classes)
    target : LongTensor of shape (n_samples,)
    beta : float >= 0
        Strength of the penalty.
    reduction : {"mean", "sum", "none"}

    Returns
    -------
    Tensor, scalar or of shape (n_samples,)
    """
    check_logits_target(logits, target)
    if beta < 0:
        raise ValueError(f"beta must be >= 0; got {beta!r}.")
    logp = F.log_softmax(logits, dim=1)
    nll = -logp.gather(1, target[:, None]).squeeze(1)
    entropy = -(logp.exp() * logp).sum(dim=1)
    return reduce(nll - beta * entropy, reduction)


def focal_loss(
    logits, target, gamma: float = 2.0, alpha=None, reduction: str = "mean"
) -> torch.Tensor:
    """Focal loss ``-α_y (1 - p_y)^γ log p_y`` (Lin et al. 2017).

    Well-classified examples (``p_y`` near 1) are down-weighted, which also
    calibrates networks better than plain cross-entropy (Mukhoti et al. 2020).

    Parameters
    ----------
    logits : Tensor of shape (n_samples, n_classes)
    target : LongTensor of shape (n_samples,)
    gamma : float >= 0
        Focusing parameter; 0 gives (weighted) cross-entropy.
    alpha : None or Tensor of shape (n_classes,)
        Per-class weights; None weighs every class 1.
    reduction : {"mean", "sum", "none"}

    Returns
    -------
    Tensor, scalar or of shape (n_samples,)
    """
    check_logits_target(logits, target)
    if gamma < 0:
        raise ValueError(f"gamma must be >= 0; got {gamma!r}.")
    logp_y = F.log_softmax(logits, dim=1).gather(1, target[:, None]).squeeze(1)
    loss = -((1.0 - logp_y.exp()).clamp_min(0.0) ** gamma) * logp_y
    if alpha is not None:
        alpha = torch.as_tensor(alpha, dtype=logits.dtype, device=logits.device)
        if alpha.shape != (logits.shape[1],):
            raise ValueError(
                f"alpha must have shape (n_classes,) = ({logits.shape[1]},); got "
                f"{tuple(alpha.shape)}."
            )
        loss = alpha[target] * loss
    return reduce(loss, reduction)


def heteroscedastic_classification_loss(
    logits,
    log_var,
    target,
    n_samples: int = 10,
    eps=None,
    reduction: str = "mean",
) -> torch.Tensor:
    """Classification NLL with Gaussian noise on the logits (Kendall & Gal 2017, eq. 12).

    The network predicts logits ``μ`` and a log-variance ``s``; the loss is the
    negative log of the Monte Carlo estimate of the expected softmax,

    ``L_i = -log (1/T) sum_t softmax(μ_i + exp(s_i / 2) ε_t)_{y_i}``,  ``ε_t ~ N(0, I)``,

    computed with log-sum-exp for stability. Points whose labels the mean
    cannot fit can lower their loss by raising ``s``: the learned variance is
    the aleatoric uncertainty.

    Parameters
    ----------
    logits : Tensor of shape (n_samples, n_classes)
        ``μ``.
    log_var : Tensor of shape (n_samples, n_classes) or (n_samples, 1)
        ``s = log σ²``; one column shares the variance over the classes.
    target : LongTensor of shape (n_samples,)
    n_samples : int
        ``T``, the Monte Carlo samples (ignored when ``eps`` is given).
    eps : Tensor of shape (T, n_samples, n_classes), optional
        The standard normal noise to use; drawn from torch's RNG when None.
    reduction : {"mean", "sum", "none"}

    Returns
    -------
    Tensor, scalar or of shape (n_samples,)
    """
    check_logits_target(logits, target)
    n, c = logits.shape
    if not isinstance(log_var, torch.Tensor) or log_var.shape not in ((n, c), (n, 1)):
        got = tuple(log_var.shape) if isinstance(log_var, torch.Tensor) else type(log_var)
        raise ValueError(
            f"log_var must be a tensor of shape ({n}, {c}) or ({n}, 1) like logits; got {got}."
        )
    if eps is None:
        if n_samples < 1:
            raise ValueError(f"n_samples must be >= 1; got {n_samples!r}.")
        eps = torch.randn((n_samples, n, c), dtype=logits.dtype, device=logits.device)
    elif eps.ndim != 3 or eps.shape[1:] != (n, c):
        raise ValueError(f"eps must have shape (T, {n}, {c}); got {tuple(eps.shape)}.")
    z = logits[None] + torch.exp(0.5 * log_var)[None] * eps  # (T, n, C)
    logp_y = z.gather(2, target[None, :, None].expand(len(eps), n, 1)).squeeze(2)
    logp_y = logp_y - torch.logsumexp(z, dim=2)
    loss = -(torch.logsumexp(logp_y, dim=0) - math.log(len(eps)))
    return reduce(loss, reduction)
