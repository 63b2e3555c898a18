"""Fast entropy decomposition of sampled predictions (placeholder: plain numpy)."""

from __future__ import annotations

import numpy as np

from .._validation import check_draws
from ._probs import _entropy_last_axis

__all__ = ["fused_decompose"]


def fused_decompose(probs_draws, name: str = "probs_draws") -> tuple[np.ndarray, np.ndarray]:
    """Validated ``(total, aleatoric)`` entropies in float64, each of shape (n_samples,)."""
    p = check_draws(probs_draws, name)
    aleatoric = _entropy_last_axis(p).mean(axis=0, dtype=np.float64)
    total = _entropy_last_axis(p.mean(axis=0, dtype=np.float64))
    return total, aleatoric
