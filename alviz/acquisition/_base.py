"""What a strategy sees (:class:`Context`) and what it is (:class:`Strategy`)."""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
from sklearn.base import BaseEstimator

from .._validation import check_int, check_random_state

__all__ = ["NEEDS", "Context", "Strategy", "check_batch_size", "top_k"]

#: What a strategy may ask the Session to compute for the pool.
#:
#: - ``probs``: ``context.probs``, shape (n_pool, n_classes).
#: - ``draws``: ``context.probs_draws``, shape (n_draws, n_pool, n_classes), and ``probs``
#:   as their mean.
#: - ``embeddings``: ``context.embeddings`` (and ``embeddings_labeled``): ``model.embed(X)``
#:   when the model has it, else the raw features.
#: - ``gradients``: last-layer gradient embeddings; strategies compute them from ``probs``
#:   and ``embeddings`` (which they also declare), so the Session fills nothing more.
#: - ``regression``: ``extra["mean"]``, ``extra["var_aleatoric"]``, ``extra["var_epistemic"]``,
#:   each of shape (n_pool,).
#: - ``loss``: ``extra["predicted_loss"] = model.predict_loss(X_pool)``, shape (n_pool,).
#: - ``costs``: ``extra["costs"]``, the annotation cost of each pool point, shape (n_pool,).
NEEDS = frozenset({"probs", "draws", "embeddings", "gradients", "regression", "loss", "costs"})

_FIELDS = {"probs": "probs", "draws": "probs_draws", "embeddings": "embeddings"}
_EXTRA = {
    "loss": ("predicted_loss",),
    "costs": ("costs",),
    "regression": ("mean", "var_aleatoric", "var_epistemic"),
}


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
        Anything else a strategy needs: ``predicted_loss``, ``costs``, and for
        regression ``mean``, ``var_aleatoric``, ``var_epistemic`` (see :data:`NEEDS`).
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
        """Return what the need ``what`` provides, or raise a clear error naming the strategy.

        Parameters
        ----------
        what : str
            One of :data:`NEEDS` except ``gradients`` (computed by the strategies).
        strategy : str
            Name of the asking strategy, for the error message.

        Returns
        -------
        ndarray, or a tuple ``(mean, var_aleatoric, var_epistemic)`` for ``"regression"``
            Arrays whose pool axis (axis 1 for draws, else axis 0) has ``n_pool`` entries.
        """
        if what in _EXTRA:
            keys = _EXTRA[what]
            missing = [k for k in keys if self.extra.get(k) is None]
            if missing:
                raise ValueError(
                    f"strategy {strategy!r} needs {what!r} but context.extra has no "
                    f"{', '.join(repr(k) for k in missing)}. Let the Session build the context "
                    f"(it fills what the strategy declares in `needs`), or pass "
                    f"extra={{{', '.join(repr(k) + ': ...' for k in keys)}}} yourself."
                )
            values = tuple(self._pool_array(self.extra[k], f"extra[{k!r}]", 0) for k in keys)
            return values if len(values) > 1 else values[0]
        attr = _FIELDS.get(what)
        if attr is None:
            raise ValueError(f"unknown need {what!r}; needs are among {sorted(NEEDS)}.")
        value = getattr(self, attr)
        if value is None:
            raise ValueError(
                f"strategy {strategy!r} needs {what!r} but the context has none. "
                f"Let the Session build the context (it asks the model for what the strategy "
                f"declares in `needs`), or pass {attr}=... yourself."
            )
        return self._pool_array(value, attr, 1 if what == "draws" else 0)

    def _pool_array(self, value, name: str, axis: int) -> np.ndarray:
        a = np.asarray(value)
        if a.ndim <= axis or a.shape[axis] != self.n_pool:
            raise ValueError(
                f"context.{name} must have one entry per pool point ({self.n_pool}) along axis "
                f"{axis}; got an array of shape {a.shape}. Build it from context.X_pool, in the "
                f"order of context.pool_indices."
            )
        return a


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
    scores = np.asarray(scores, dtype=np.float64)
    jitter = rng.random(len(scores))
    if 0 < k < len(scores) // 4 and not np.isnan(scores).any():
        # Only the points at or above the k-th highest score can be among the first k:
        # sort those (ties at the threshold included), not the whole pool. Same order as
        # the full lexsort, in O(n) instead of O(n log n) for a big pool.
        kth = np.partition(scores, len(scores) - k)[len(scores) - k]
        top = np.flatnonzero(scores >= kth)
        return top[np.lexsort((jitter[top], -scores[top]))][:k]
    return np.lexsort((jitter, -scores))[:k]


class Strategy(BaseEstimator):
    """An acquisition strategy: a score function plus a selection rule.

    Subclasses set the class attributes and implement :meth:`score`; a
    batch-aware strategy overrides :meth:`select`. Scores have shape
    (n_pool,) and higher = more informative. For a batch-aware strategy,
    :meth:`score` is the score of its first greedy pick, so that
    ``select(context, 1)`` takes a point of highest score.

    ``pointwise`` strategies score each point from its own rows of the
    context alone (its probabilities, draws, variances, predicted loss, cost,
    embedding) plus the model and the labelled set, and select the top-k of
    the scores. The Session may then score a big pool in chunks, so memory
    stays bounded (draws of a million points do not fit at once); a template
    test checks the flag on every registered strategy.

    A scikit-learn ``BaseEstimator``: ``__init__`` only stores parameters,
    and ``get_params(deep=True)`` (a wrapper's ``base`` strategy shows as
    ``base__<param>``), ``set_params`` and :func:`sklearn.base.clone` work.
    """

    name: ClassVar[str] = ""
    needs: ClassVar[frozenset] = frozenset({"probs"})
    family: ClassVar[str] = "uncertainty"
    batch_aware: ClassVar[bool] = False
    pointwise: ClassVar[bool] = False
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
        return np.asarray(context.pool_indices)[pos]

    def explain(self, context: Context, positions) -> dict[str, np.ndarray]:
        """The score of some pool points broken into its parts ("why this point?").

        Parameters
        ----------
        context : Context
        positions : int or array-like of shape (n_points,)
            Positions in the pool (rows of ``context.X_pool``), not dataset indices.

        Returns
        -------
        dict of str to ndarray
            Each value has ``n_points`` rows (e.g. shape (n_points,) or
            (n_points, n_classes)); ``"score"`` is always there.
        """
        pos = _positions(positions, context.n_pool)
        return {"score": np.asarray(self.score(context), dtype=np.float64)[pos]}

    def __repr__(self, N_CHAR_MAX: int = 700) -> str:
        # One line with the changed parameters (scikit-learn's repr wraps and elides).
        defaults = _init_params(type(self))
        params = self.get_params(deep=False)
        changed = [f"{k}={v!r}" for k, v in params.items() if not _same(v, defaults[k])]
        return f"{type(self).__name__}({', '.join(changed)})"


def _init_params(cls) -> dict:
    """Names and defaults of the explicit parameters of ``cls.__init__``."""
    if cls.__init__ is object.__init__:
        return {}
    params = inspect.signature(cls.__init__).parameters.values()
    kinds = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    return {p.name: p.default for p in params if p.name != "self" and p.kind in kinds}


def _same(a, b) -> bool:
    try:
        return bool(a == b)
    except Exception:  # arrays and objects whose == is not a plain bool
        return False


def _positions(positions, n_pool: int) -> np.ndarray:
    """Validate pool positions for :meth:`Strategy.explain`; an int gives one row."""
    pos = np.atleast_1d(np.asarray(positions))
    if pos.dtype.kind not in "iu" or pos.ndim != 1:
        raise TypeError(
            f"positions must be an int or a 1-D array of ints (rows of context.X_pool); "
            f"got {positions!r}."
        )
    if len(pos) and (pos.min() < -n_pool or pos.max() >= n_pool):
        raise ValueError(
            f"positions must lie in [0, {n_pool}) (the pool); got values in "
            f"[{pos.min()}, {pos.max()}]. Convert dataset indices with "
            f"np.searchsorted(context.pool_indices, indices)."
        )
    return pos


def check_batch_size(batch_size, n_pool: int) -> int:
    """Validate ``batch_size`` against the pool size; raise with a fix if it cannot work."""
    batch_size = check_int(batch_size, "batch_size", 1)
    if n_pool == 0:
        raise ValueError("the unlabeled pool is empty: every point is labeled. Nothing to query.")
    if batch_size > n_pool:
        raise ValueError(
            f"batch_size={batch_size} is larger than the unlabeled pool ({n_pool} points). "
            f"Use batch_size <= {n_pool}."
        )
    return int(batch_size)
