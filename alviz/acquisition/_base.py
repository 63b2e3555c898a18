"""What a strategy sees (:class:`Context`) and what it is (:class:`Strategy`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from .._validation import check_random_state

__all__ = ["NEEDS", "Context", "Strategy", "check_batch_size", "top_k"]

#: What a strategy may ask the Session to compute for the pool.
NEEDS = frozenset({"probs", "draws", "embeddings", "gradients"})
_FIELDS = {"probs": "probs", "draws": "probs_draws", "embeddings": "embeddings"}


@dataclass
class Context:
    """Everything a strategy may look at when it scores the pool.

    The Session fills only what the strategy declares in ``needs``; the rest
    stays None.

    Attributes
    ----------
    X_pool : ndarray of shape (n_pool, n_features)
    pool_indices : ndarray of shape (n_pool,)
        Indices of the pool rows in the dataset's training set.
    X_labeled : ndarray of shape (n_labeled, n_features)
    y_labeled : ndarray of shape (n_labeled,)
    n_classes : int
    model : fitted model or None
    probs : ndarray of shape (n_pool, n_classes) or None
    probs_draws : ndarray of shape (n_draws, n_pool, n_classes) or None
    embeddings : ndarray of shape (n_pool, n_dims) or None
    embeddings_labeled : ndarray of shape (n_labeled, n_dims) or None
    extra : dict
        Anything else a strategy needs (annotation costs, regression outputs).
    """

    X_pool: np.ndarray
    pool_indices: np.ndarray
    X_labeled: np.ndarray | None = None
    y_labeled: np.ndarray | None = None
    n_classes: int = 0
    model: Any = None
    probs: np.ndarray | None = None
    probs_draws: np.ndarray | None = None
    embeddings: np.ndarray | None = None
    embeddings_labeled: np.ndarray | None = None
    extra: dict = field(default_factory=dict)

    @property
    def n_pool(self) -> int:
        """Number of unlabeled candidates."""
        return len(self.pool_indices)

    def require(self, what: str, strategy: str):
        """Return the field ``what`` or raise a clear error naming the strategy."""
        attr = _FIELDS.get(what)
        value = getattr(self, attr) if attr else self.extra.get(what)
        if value is None:
            raise ValueError(
                f"strategy {strategy!r} needs {what!r} but the context has none. "
                f"Let the Session build the context (it asks the model for what the strategy "
                f"declares in `needs`), or pass {attr or what}=... yourself."
            )
        return value


def top_k(scores: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """Positions of the ``k`` highest scores, ties broken at random.

    Parameters
    ----------
    scores : ndarray of shape (n,)
    k : int
    rng : numpy.random.Generator

    Returns
    -------
    ndarray of shape (k,)
        Distinct positions, best first.
    """
    # Random tie-breaking: lexsort on (random key, -score) keeps equal scores unbiased.
    jitter = rng.random(len(scores))
    order = np.lexsort((jitter, -np.asarray(scores, dtype=np.float64)))
    return order[:k]


class Strategy:
    """An acquisition strategy: a score function plus a selection rule.

    Subclasses set the class attributes and implement :meth:`score`; a
    batch-aware strategy overrides :meth:`select`. Scores have shape
    (n_pool,) and higher = more informative.
    """

    name: ClassVar[str] = ""
    needs: ClassVar[frozenset] = frozenset({"probs"})
    family: ClassVar[str] = "uncertainty"
    batch_aware: ClassVar[bool] = False
    task: ClassVar[str] = "classification"
    reference: ClassVar[str] = ""

    def score(self, context: Context) -> np.ndarray:
        """Informativeness of every pool point, shape (n_pool,); higher = more informative."""
        raise NotImplementedError

    def select(self, context: Context, batch_size: int = 1, rng=None) -> np.ndarray:
        """Choose ``batch_size`` distinct pool points.

        Parameters
        ----------
        context : Context
        batch_size : int
            Number of points to query; must not exceed the pool.
        rng : int, Generator or None
            Breaks ties (and drives random strategies).

        Returns
        -------
        ndarray of shape (batch_size,)
            Dataset indices (from ``context.pool_indices``), best first.
        """
        batch_size = check_batch_size(batch_size, context.n_pool)
        rng = check_random_state(rng)
        pos = top_k(self.score(context), batch_size, rng)
        return context.pool_indices[pos]

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


def check_batch_size(batch_size, n_pool: int) -> int:
    """Validate ``batch_size`` against the pool size; raise with a fix if it cannot work."""
    if not isinstance(batch_size, int | np.integer) or batch_size < 1:
        raise ValueError(f"batch_size must be an integer >= 1; got {batch_size!r}.")
    if n_pool == 0:
        raise ValueError("the unlabeled pool is empty: every point is labeled. Nothing to query.")
    if batch_size > n_pool:
        raise ValueError(
            f"batch_size={batch_size} is larger than the unlabeled pool ({n_pool} points). "
            f"Use batch_size <= {n_pool}."
        )
    return int(batch_size)
