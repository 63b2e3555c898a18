"""Strategies built on another strategy: information density, hybrid, cost-sensitive.

Each takes its base strategy by name or instance (``get("cost_sensitive",
base=_DEFAULT_BASE)``) and needs what the base needs plus its own.
"""

from __future__ import annotations

import numpy as np

from .._validation import check_int, check_random_state
from ._base import Context, Strategy, _positions, check_batch_size, top_k
from ._geometry import (
    as_embeddings,
    context_embeddings,
    farthest_first,
    kmeans_representatives,
    min_sq_dists,
    sq_dists,
)
from ._registry import get, register
from .uncertainty import EntropySampling

#: The default base of the wrappers (imported so it is registered before them).
_DEFAULT_BASE = EntropySampling.name

__all__ = [
    "CostSensitive",
    "DensityWeighted",
    "Hybrid",
    "cost_sensitive_scores",
    "density",
    "hybrid_batch",
    "information_density_scores",
]

#: Pairs x dims up to which the RBF density is computed exactly (above: random features).
_EXACT_DENSITY = 2 * 10**9
_BLOCK = 1 << 22


def _nonnegative(scores, name: str) -> np.ndarray:
    s = np.asarray(scores, dtype=np.float64)
    if s.ndim != 1 or not np.isfinite(s).all() or (s < 0).any():
        raise ValueError(
            f"{name} must be finite, non-negative and of shape (n_pool,); got shape {s.shape} "
            f"with minimum {float(np.nanmin(s)) if s.size else 'n/a'}. Use a base strategy whose "
            f"scores are non-negative (entropy, margin, least_confidence, bald, ...)."
        )
    return s


def _unit_rows(X: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(X, axis=1, keepdims=True)
    return np.divide(X, norms, out=np.zeros_like(X), where=norms > 0)  # zero rows stay zero


def density(
    embeddings,
    similarity: str = "rbf",
    gamma=None,
    n_features: int = 1024,
    seed=0,
    reference=None,
) -> np.ndarray:
    """Mean similarity of each point to a reference set (by default the points themselves).

    Parameters
    ----------
    embeddings : array-like of shape (n_points, n_dims)
    similarity : {"rbf", "cosine"}
        ``rbf``: ``exp(-gamma ||x - x'||²)``, the density seen in a 2-D plot.
        ``cosine``: Settles & Craven's choice for text, clipped at 0.
    gamma : float, optional
        RBF width; default ``1 / mean squared distance between reference points``
        (so a typical pair has similarity ``e^-1``).
    n_features : int
        Random Fourier features (Rahimi & Recht 2007) used for the RBF mean when
        the exact computation (``n_points * n_reference * n_dims`` above 2e9) would be slow.
    seed : int
        Seeds the random features (unused when exact).
    reference : array-like of shape (n_reference, n_dims), optional
        The points whose density is measured, e.g. the unlabeled pool when the
        embeddings are a display grid. Default: ``embeddings`` (each point counts itself).

    Returns
    -------
    ndarray of shape (n_points,)
        In ``[0, 1]``.
    """
    E = as_embeddings(embeddings)
    R = E if reference is None else as_embeddings(reference, "reference", E.shape[1])
    if similarity == "cosine":
        return np.clip(_unit_rows(E) @ _unit_rows(R).mean(axis=0), 0.0, 1.0)
    if similarity != "rbf":
        raise ValueError(f"similarity must be 'rbf' or 'cosine'; got {similarity!r}.")
    if gamma is None:
        # Mean squared distance over all ordered pairs = 2 * total variance (closed form).
        msd = 2.0 * R.var(axis=0).sum()
        gamma = 1.0 / msd if msd > 0 else 1.0
    if len(E) * len(R) * E.shape[1] <= _EXACT_DENSITY:
        out = np.empty(len(E))
        rows = max(1, _BLOCK // len(R))
        for s in range(0, len(E), rows):
            out[s : s + rows] = np.exp(-gamma * sq_dists(E[s : s + rows], R)).mean(axis=1)
        return out
    rng = check_random_state(seed)
    W = rng.normal(scale=np.sqrt(2.0 * gamma), size=(E.shape[1], n_features))
    b = rng.uniform(0.0, 2.0 * np.pi, n_features)
    z_ref = (np.cos(R @ W + b) * np.sqrt(2.0 / n_features)).mean(axis=0)
    return np.clip(np.cos(E @ W + b) @ z_ref * np.sqrt(2.0 / n_features), 0.0, 1.0)


def information_density_scores(
    uncertainty, embeddings, beta: float = 1.0, similarity: str = "rbf", gamma=None
) -> np.ndarray:
    """Uncertainty weighted by representativeness: ``u(x) * density(x) ** beta``.

    Settles & Craven 2008: uncertain points in dense regions are worth more
    than uncertain outliers.

    Parameters
    ----------
    uncertainty : array-like of shape (n_pool,)
        Non-negative base scores.
    embeddings : array-like of shape (n_pool, n_dims)
    beta : float
        Weight of the density term (0 = the base strategy).
    similarity, gamma
        See :func:`density`.

    Returns
    -------
    ndarray of shape (n_pool,)
    """
    u = _nonnegative(uncertainty, "uncertainty")
    return u * density(embeddings, similarity, gamma) ** beta


def cost_sensitive_scores(scores, costs) -> np.ndarray:
    """Score per unit of annotation cost, ``scores / costs``.

    Parameters
    ----------
    scores : array-like of shape (n_pool,)
        Non-negative base scores.
    costs : array-like of shape (n_pool,)
        Positive annotation costs (seconds, money, ...).

    Returns
    -------
    ndarray of shape (n_pool,)
    """
    s = _nonnegative(scores, "scores")
    c = np.asarray(costs, dtype=np.float64)
    if c.shape != s.shape or not np.isfinite(c).all() or (c <= 0).any():
        raise ValueError(
            f"costs must be finite, positive and of shape {s.shape} (one per pool point); got "
            f"shape {c.shape} with minimum {float(np.nanmin(c)) if c.size else 'n/a'}. A free "
            f"point cannot be ranked per unit of cost: give it a small positive cost."
        )
    return s / c


def hybrid_batch(
    scores,
    embeddings,
    batch_size: int = 1,
    embeddings_labeled=None,
    diversity: str = "kmeans",
    prefilter: int = 10,
    seed=None,
) -> np.ndarray:
    """Top uncertain candidates, then a diverse batch among them.

    The ``prefilter * batch_size`` highest-scored points are kept; then
    ``kmeans`` clusters them with their scores as weights and takes the point
    nearest each centroid (Zhdanov 2019), or ``kcenter`` starts from the top
    point and adds the candidate farthest from the labeled set and the picks
    (Sener & Savarese 2018).

    Parameters
    ----------
    scores : array-like of shape (n_pool,)
        Base (uncertainty) scores, higher = more informative.
    embeddings : array-like of shape (n_pool, n_dims)
    batch_size : int
    embeddings_labeled : array-like of shape (n_labeled, n_dims), optional
        Used by ``kcenter``.
    diversity : {"kmeans", "kcenter"}
    prefilter : int
        Candidates per batch slot (>= 1; 1 = the base strategy's top-k).
    seed : int, Generator or None

    Returns
    -------
    ndarray of shape (batch_size,)
        Distinct pool positions, best first; for one point, the top-scored one.
    """
    s = np.asarray(scores, dtype=np.float64)
    E = as_embeddings(embeddings)
    k = check_batch_size(batch_size, len(s))
    rng = check_random_state(seed)
    if diversity not in ("kmeans", "kcenter"):
        raise ValueError(f"diversity must be 'kmeans' or 'kcenter'; got {diversity!r}.")
    check_int(prefilter, "prefilter", 1)
    cand = top_k(s, min(len(s), prefilter * k), rng)
    if k == 1 or len(cand) == k:
        return cand[:k]
    if diversity == "kmeans":
        w = s[cand] - min(s[cand].min(), 0.0) + 1e-12  # k-means weights must be positive
        w /= w.max()
        picks = cand[kmeans_representatives(E[cand], k, rng, sample_weight=w)]
        return picks[np.argsort(-s[picks], kind="stable")]
    L = np.empty((0, E.shape[1])) if embeddings_labeled is None else embeddings_labeled
    dist = min_sq_dists(E[cand], as_embeddings(L, "embeddings_labeled", E.shape[1]))[0]
    return cand[farthest_first(E[cand], dist, 0, k, rng)]


class _Needs:
    """``needs`` of a wrapper: its own plus its base's (the default base's on the class)."""

    def __init__(self, own):
        self.own = frozenset(own)

    def __get__(self, obj, cls):
        base = cls._default_base if obj is None else obj.base
        return self.own | get(base).needs


class _BasePointwise:
    """``pointwise`` of a wrapper whose score is its base's, point by point."""

    def __get__(self, obj, cls):
        base = cls._default_base if obj is None else obj.base
        return get(base).pointwise


class _Wrapper(Strategy):
    _default_base = _DEFAULT_BASE

    def _base(self, context: Context) -> Strategy:
        """The base strategy, once the context is known to hold what the wrapper needs."""
        base = get(self.base)
        if base.task != self.task:
            raise ValueError(f"{self.name} needs a {self.task} base strategy; got {base.name!r}.")
        for need in sorted(self.needs - {"gradients"}):
            context.require(need, self.name)  # name the wrapper, not its base, when one is missing
        return base

    def __repr__(self) -> str:
        # Always show the base: it is what the wrapper wraps.
        params = ", ".join(f"{k}={v!r}" for k, v in self.get_params(deep=False).items())
        return f"{type(self).__name__}({params})"


@register
class DensityWeighted(_Wrapper):
    """Information density: the base strategy's score times the point's density to the ``beta``.

    Parameters
    ----------
    base : str or Strategy
        Uncertainty strategy with non-negative scores.
    beta : float
        Weight of density.
    similarity : {"rbf", "cosine"}
    gamma : float, optional
        RBF width (default: from the pool's spread).

    Notes
    -----
    The density is that of the context's pool. When the context's points are
    not the pool (a display grid), pass the pool's embeddings as
    ``context.extra["density_reference"]`` (n_reference, n_dims) so that the
    grid is scored by the density of the real data.
    """

    name = "density_weighted"
    needs = _Needs({"embeddings"})
    family = "hybrid"
    reference = (
        "Settles & Craven 2008, An Analysis of Active Learning Strategies for Sequence "
        "Labeling Tasks (information density)."
    )

    def __init__(self, base=_DEFAULT_BASE, beta: float = 1.0, similarity: str = "rbf", gamma=None):
        self.base = base
        self.beta = beta
        self.similarity = similarity
        self.gamma = gamma

    def score(self, context: Context) -> np.ndarray:
        """``base score * density ** beta``, shape (n_pool,)."""
        return self.explain(context, np.arange(context.n_pool))["score"]

    def explain(self, context: Context, positions) -> dict[str, np.ndarray]:
        """``uncertainty`` (the base score), ``density`` and ``score``."""
        pos = _positions(positions, context.n_pool)
        u = _nonnegative(self._base(context).score(context), "base scores")
        # A display grid is scored by the density of the real pool when the Session gives it.
        ref = context.extra.get("density_reference")
        E = context_embeddings(context, self.name)[0]
        dens = density(E, self.similarity, self.gamma, reference=ref)
        return {
            "uncertainty": u[pos],
            "density": dens[pos],
            "score": u[pos] * dens[pos] ** self.beta,
        }


@register
class Hybrid(_Wrapper):
    """Top candidates by an uncertainty strategy, then a diverse batch among them.

    Parameters
    ----------
    base : str or Strategy
        Uncertainty strategy that ranks the candidates.
    diversity : {"kmeans", "kcenter"}
        How the batch is spread over the candidates (see :func:`hybrid_batch`).
    prefilter : int
        Candidates per batch slot.
    """

    name = "hybrid"
    needs = _Needs({"embeddings"})
    family = "hybrid"
    batch_aware = True
    reference = (
        "Zhdanov 2019, Diverse Mini-Batch Active Learning; Sener & Savarese 2018, Active "
        "Learning for Convolutional Neural Networks: A Core-Set Approach."
    )

    def __init__(self, base=_DEFAULT_BASE, diversity: str = "kmeans", prefilter: int = 10):
        self.base = base
        self.diversity = diversity
        self.prefilter = prefilter

    def score(self, context: Context) -> np.ndarray:
        """The base strategy's scores, shape (n_pool,)."""
        return np.asarray(self._base(context).score(context), dtype=np.float64)

    def select(self, context: Context, batch_size: int = 1, rng=None) -> np.ndarray:
        """Diverse batch among the top ``prefilter * batch_size`` candidates."""
        E, L = context_embeddings(context, self.name)
        pos = hybrid_batch(
            self.score(context), E, batch_size, L, self.diversity, self.prefilter, rng
        )
        return np.asarray(context.pool_indices)[pos]

    def explain(self, context: Context, positions) -> dict[str, np.ndarray]:
        """The base strategy's explanation."""
        return self._base(context).explain(context, positions)


@register
class CostSensitive(_Wrapper):
    """The base strategy's score per unit of annotation cost (``extra["costs"]``).

    Parameters
    ----------
    base : str or Strategy
        Strategy with non-negative scores. Its batch rule is not used: the batch
        is the top-k of score per cost.
    """

    name = "cost_sensitive"
    needs = _Needs({"costs"})
    pointwise = _BasePointwise()
    family = "hybrid"
    reference = (
        "Settles, Craven & Friedland 2008, Active Learning with Real Annotation Costs; "
        "Haertel et al. 2008, Return on Investment for Active Learning."
    )

    def __init__(self, base=_DEFAULT_BASE):
        self.base = base

    def score(self, context: Context) -> np.ndarray:
        """``base score / cost``, shape (n_pool,)."""
        return cost_sensitive_scores(
            self._base(context).score(context), context.require("costs", self.name)
        )

    def explain(self, context: Context, positions) -> dict[str, np.ndarray]:
        """``base_score``, ``cost`` and ``score``."""
        pos = _positions(positions, context.n_pool)
        s = np.asarray(self._base(context).score(context), dtype=np.float64)
        c = np.asarray(context.require("costs", self.name), dtype=np.float64)
        return {"base_score": s[pos], "cost": c[pos], "score": cost_sensitive_scores(s, c)[pos]}
