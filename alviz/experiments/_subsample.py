"""Score a random subset of the pool at each step, as Gal et al. (2017) did.

Deep Bayesian active learning scores every candidate with many stochastic
forward passes; Gal, Islam & Ghahramani's code scored a random 2,000-point
subset of the pool per acquisition to keep that affordable. This wrapper does
the same through the public Strategy API: it declares that it needs nothing
from the Session (so the Session computes no draws for the whole pool), draws
the subset itself and asks the fitted model for what the wrapped strategy
needs, on the subset only.
"""

from __future__ import annotations

import numpy as np

from .. import acquisition, models
from .._validation import check_random_state
from ..acquisition import Context, Strategy

__all__ = ["PoolSubsample"]


class PoolSubsample(Strategy):
    """Run ``strategy`` on a fresh random subset of ``size`` pool points per step.

    Parameters
    ----------
    strategy : str or Strategy
        The strategy that scores and selects within the subset.
    size : int
        Pool points scored per step (all of them when the pool is smaller).
    n_draws : int
        Sampled predictions per point for strategies that need draws.
    seed : int
        Seeds the subsets and the model's draws; the same seed gives the same
        subsets step after step.
    strategy_params : dict, optional
        Passed to :func:`alviz.acquisition.get` when ``strategy`` is a name.
    probs_from_draws : bool
        Give probability-based strategies (max entropy, margin) the mean of
        the sampled predictions instead of ``predict_proba`` — Gal et al.
        score every acquisition function under MC dropout.

    Notes
    -----
    :meth:`score` returns NaN for the points outside the subset: they were not
    scored. The subset drawn by :meth:`score` is the one :meth:`select` picks
    from, when both are called on the same context (as :meth:`Session.step` does).
    """

    # The Session fills these fields of the context for the whole pool; asking
    # for nothing keeps the expensive ones (draws) for the subset only.
    needs = frozenset()

    def __init__(
        self,
        strategy="bald",
        size: int = 2000,
        n_draws: int = 20,
        seed=0,
        strategy_params: dict | None = None,
        probs_from_draws: bool = False,
    ):
        if isinstance(size, bool) or not isinstance(size, int | np.integer) or size < 1:
            raise ValueError(f"size must be an integer >= 1 (pool points per step); got {size!r}.")
        if isinstance(n_draws, bool) or not isinstance(n_draws, int | np.integer) or n_draws < 1:
            raise ValueError(f"n_draws must be an integer >= 1; got {n_draws!r}.")
        self.strategy = acquisition.get(strategy, **dict(strategy_params or {}))
        self.size = int(size)
        self.n_draws = int(n_draws)
        self.seed = seed
        self.probs_from_draws = bool(probs_from_draws)
        inner = self.strategy
        self.name = inner.name
        self.family = inner.family
        self.batch_aware = inner.batch_aware
        self.task = inner.task
        self.reference = (
            f"{inner.reference} Scored on a random {self.size}-point pool subset per step "
            f"(Gal, Islam & Ghahramani 2017)."
        )
        self._rng = None  # made from ``seed`` at first use, so that a sweep can reseed a copy
        self._last: tuple | None = None

    def _subset(self, context: Context) -> Context:
        if self._last is not None and self._last[0] is context:
            return self._last[1]
        if self._rng is None:
            self._rng = check_random_state(self.seed)
        n = context.n_pool
        pos = np.sort(self._rng.choice(n, size=min(self.size, n), replace=False))
        sub = Context(
            X_pool=context.X_pool[pos],
            pool_indices=context.pool_indices[pos],
            X_labeled=context.X_labeled,
            y_labeled=context.y_labeled,
            n_classes=context.n_classes,
            model=context.model,
            extra={k: v[pos] if _per_point(v, n) else v for k, v in context.extra.items()},
        )
        needs, model = self.strategy.needs, context.model
        if model is not None:
            wants_probs = "probs" in needs or "gradients" in needs
            if "draws" in needs or (wants_probs and self.probs_from_draws):
                seed = int(self._rng.integers(2**31 - 1))
                sub.probs_draws = models.full_draws(
                    model, sub.X_pool, context.n_classes, self.n_draws, seed=seed
                )
                sub.probs = sub.probs_draws.mean(axis=0)
            if wants_probs and sub.probs is None:
                sub.probs = models.full_proba(model, sub.X_pool, context.n_classes)
            if "embeddings" in needs or "gradients" in needs:
                embed = getattr(model, "embed", None)
                sub.embeddings = embed(sub.X_pool) if embed else sub.X_pool
                labeled = context.X_labeled
                sub.embeddings_labeled = (
                    embed(labeled) if embed and labeled is not None else labeled
                )
        self._last = (context, sub, pos)
        return sub

    def score(self, context: Context) -> np.ndarray:
        """Scores of the subset's points; NaN for the pool points left out.

        Returns
        -------
        ndarray of shape (n_pool,)
        """
        sub = self._subset(context)
        pos = self._last[2]
        out = np.full(context.n_pool, np.nan)
        out[pos] = np.asarray(self.strategy.score(sub), dtype=np.float64)
        return out

    def select(self, context: Context, batch_size: int = 1, rng=None) -> np.ndarray:
        """``batch_size`` dataset indices chosen by the wrapped strategy within the subset.

        Returns
        -------
        ndarray of shape (batch_size,)
        """
        acquisition.check_batch_size(batch_size, context.n_pool)
        sub = self._subset(context)
        return np.asarray(self.strategy.select(sub, batch_size, rng), dtype=np.int64)

    def __repr__(self) -> str:
        return f"PoolSubsample({self.strategy!r}, size={self.size}, n_draws={self.n_draws})"


def _per_point(value, n: int) -> bool:
    return isinstance(value, np.ndarray) and value.ndim >= 1 and len(value) == n
