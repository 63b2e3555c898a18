"""Uncertainty sampling from the model's class probabilities."""

from __future__ import annotations

import numpy as np

from .. import uncertainty as U
from .._validation import check_random_state
from ._base import Context, Strategy, check_batch_size
from ._registry import register

__all__ = ["EntropySampling", "RandomSampling", "entropy_scores"]


def entropy_scores(probs) -> np.ndarray:
    """Entropy of the predictive distribution, shape (n_pool,); higher = more uncertain."""
    return U.entropy(probs)


@register
class RandomSampling(Strategy):
    """Uniform random choice from the pool: the baseline every strategy must beat."""

    name = "random"
    needs = frozenset()
    family = "random"
    batch_aware = True
    reference = "Baseline."

    def score(self, context: Context) -> np.ndarray:
        """All zeros: every pool point is equally informative."""
        return np.zeros(context.n_pool)

    def select(self, context: Context, batch_size: int = 1, rng=None) -> np.ndarray:
        """``batch_size`` pool points drawn uniformly without replacement."""
        batch_size = check_batch_size(batch_size, context.n_pool)
        rng = check_random_state(rng)
        return rng.choice(context.pool_indices, size=batch_size, replace=False)


@register
class EntropySampling(Strategy):
    """Query the points whose predicted class distribution has the highest entropy."""

    name = "entropy"
    reference = "Shannon 1948; Settles 2009, Active Learning Literature Survey, §3.1."

    def score(self, context: Context) -> np.ndarray:
        """Entropy of ``context.probs`` (nats)."""
        return entropy_scores(context.require("probs", self.name))
