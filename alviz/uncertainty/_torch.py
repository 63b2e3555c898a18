"""Draws-based measures on torch tensors, computed on the tensor's device.

When a model's draws already live on a GPU, copying (n_draws, n_pool,
n_classes) floats to the host costs more than the measure itself. These
kernels keep the arithmetic on the device; only scalars (a validity check)
cross to the host. The numpy functions dispatch here when they receive a
``torch.Tensor`` (:func:`is_tensor`), so the same call works on both.
"""

from __future__ import annotations

import sys

import numpy as np

__all__ = ["decompose_tensor", "decompose_torch", "is_tensor"]

#: Row sums further than this from 1 are refused (as the numpy path's check).
_ROW_SUM_ATOL = 1e-3


def is_tensor(x) -> bool:
    """Whether ``x`` is a ``torch.Tensor`` (without importing torch when it is not loaded)."""
    torch = sys.modules.get("torch")
    return torch is not None and isinstance(x, torch.Tensor)


def checked_tensor(p, name: str = "probs_draws", ndim: int = 3):
    """``p`` as a floating tensor of ``ndim`` dimensions holding probabilities (rows sum to 1)."""
    import torch

    if p.ndim != ndim:
        raise ValueError(
            f"{name} must have {ndim} dimensions (n_draws, n_samples, n_classes); got a tensor "
            f"of shape {tuple(p.shape)}."
        )
    if not p.is_floating_point():
        p = p.to(torch.float32)
    if p.numel() == 0:
        return p
    # One host sync for all the checks; NaN fails every comparison, inf the range.
    lo, hi = torch.aminmax(p)
    dev = (p.sum(dim=-1) - 1).abs().max()
    lo, hi, dev = torch.stack([lo, hi, dev]).tolist()
    ok = [
        lo == lo and hi == hi and dev == dev,
        lo >= -1e-6 and hi <= 1 + 1e-6,
        dev <= _ROW_SUM_ATOL,
    ]
    if not all(ok):
        what = ["non-finite entries", "values outside [0, 1]", "rows that do not sum to 1"]
        found = ", ".join(w for w, b in zip(what, ok, strict=True) if not b)
        raise ValueError(
            f"{name} must hold probabilities (finite, in [0, 1], rows summing to 1); this "
            f"tensor has {found}. Apply a softmax to logits first (torch.softmax(x, dim=-1))."
        )
    return p.clamp(0.0, 1.0)


def _entropy(p, dim: int = -1):
    # 0 log 0 = 0: xlogy gives exactly that, without a clip that would bias small p.
    import torch

    return -torch.special.xlogy(p, p).sum(dim=dim)


def decompose_tensor(probs_draws):
    """:func:`decompose_torch` on a CUDA (or other device) tensor; a CPU tensor goes to numpy.

    A CPU tensor shares its memory with a numpy array (no copy), and the
    numpy kernel (:mod:`alviz.uncertainty._fused`) is several times faster
    there than torch's element-wise logs; the parts come back as tensors.
    """
    import torch

    if probs_draws.device.type != "cpu":
        return decompose_torch(probs_draws)
    from ._fused import fused_decompose

    p = probs_draws.detach()
    if not p.is_floating_point() or p.dtype not in (torch.float32, torch.float64):
        p = p.to(torch.float64)
    total, aleatoric = fused_decompose(p.numpy(), "probs_draws")
    epistemic = np.maximum(total - aleatoric, 0.0)
    return tuple(
        torch.from_numpy(a).to(
            probs_draws.dtype if probs_draws.is_floating_point() else torch.float64
        )
        for a in (total, aleatoric, epistemic)
    )


def decompose_torch(probs_draws):
    """Total, aleatoric and epistemic entropy of draws on their device.

    Parameters
    ----------
    probs_draws : torch.Tensor of shape (n_draws, n_samples, n_classes)

    Returns
    -------
    total, aleatoric, epistemic : torch.Tensor of shape (n_samples,)
        On the input's device, in its floating dtype; ``epistemic`` (BALD)
        is ``total - aleatoric`` clipped at 0.
    """
    p = checked_tensor(probs_draws)
    if p.shape[0] == 0:
        raise ValueError("probs_draws has no draws (shape[0] == 0); pass at least one draw.")
    total = _entropy(p.mean(dim=0))
    aleatoric = _entropy(p).mean(dim=0)
    aleatoric = aleatoric.minimum(total)  # Jensen: keeps epistemic >= 0 under rounding
    return total, aleatoric, (total - aleatoric).clamp_min(0.0)
