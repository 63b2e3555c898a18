"""Diversity: batches that cover the pool in embedding space (core-set, k-means, BADGE).

Embeddings have shape (n_pool, n_dims): the model's ``embed(X)`` when it has
one, else the raw features. Each strategy's :meth:`~Strategy.score` is the
score of its first greedy pick, so ``select(context, 1)`` takes a top-scored
point; larger batches are chosen jointly by :meth:`~Strategy.select`.
"""

from __future__ import annotations

import numpy as np

from .._validation import check_random_state
from ._base import Context, Strategy, _positions, check_batch_size, top_k
from ._geometry import (
    as_embeddings,
    context_embeddings,
    farthest_first,
    kmeans_representatives,
    min_sq_dists,
)
from ._registry import register
from .gradients import gradient_factors

__all__ = [
    "BADGE",
    "CoreSet",
    "KMeansSampling",
    "badge_batch",
    "badge_scores",
    "coreset_scores",
    "kcenter_greedy",
    "kmeans_batch",
    "kmeans_scores",
]


def _labeled(E: np.ndarray, embeddings_labeled) -> np.ndarray:
    if embeddings_labeled is None:
        return np.empty((0, E.shape[1]))
    return as_embeddings(embeddings_labeled, "embeddings_labeled", E.shape[1])


def coreset_scores(embeddings, embeddings_labeled=None) -> np.ndarray:
    """Distance of each pool point to its nearest labeled point.

    Parameters
    ----------
    embeddings : array-like of shape (n_pool, n_dims)
    embeddings_labeled : array-like of shape (n_labeled, n_dims), optional

    Returns
    -------
    ndarray of shape (n_pool,)
        Euclidean distance; with no labeled points, minus the distance to the
        pool mean (the first center is then the most central point).
    """
    E = as_embeddings(embeddings)
    L = _labeled(E, embeddings_labeled)
    return np.sqrt(min_sq_dists(E, L)[0]) if len(L) else kmeans_scores(E)


def kcenter_greedy(embeddings, embeddings_labeled=None, batch_size: int = 1, seed=None):
    """Greedy k-center batch (Sener & Savarese 2018, Algorithm 1).

    Each pick is the pool point farthest from the labeled set and the earlier picks.

    Parameters
    ----------
    embeddings : array-like of shape (n_pool, n_dims)
    embeddings_labeled : array-like of shape (n_labeled, n_dims), optional
    batch_size : int
    seed : int, Generator or None
        Breaks ties.

    Returns
    -------
    ndarray of shape (batch_size,)
        Pool positions in pick order. With no labeled points the first pick is
        the point nearest the pool mean.
    """
    E = as_embeddings(embeddings)
    L = _labeled(E, embeddings_labeled)
    k = check_batch_size(batch_size, len(E))
    rng = check_random_state(seed)
    dist = min_sq_dists(E, L)[0]  # inf everywhere when nothing is labeled
    first = int(top_k(np.sqrt(dist) if len(L) else kmeans_scores(E), 1, rng)[0])
    return farthest_first(E, dist, first, k, rng)


def kmeans_scores(embeddings) -> np.ndarray:
    """Minus the distance to the pool mean (the centroid of one cluster).

    Parameters
    ----------
    embeddings : array-like of shape (n_pool, n_dims)

    Returns
    -------
    ndarray of shape (n_pool,)
        ``<= 0``; the most central point scores highest.
    """
    E = as_embeddings(embeddings)
    return -np.sqrt(((E - E.mean(axis=0)) ** 2).sum(axis=1))


def kmeans_batch(embeddings, batch_size: int = 1, seed=None) -> np.ndarray:
    """The pool points nearest the centroids of a k-means clustering with ``batch_size`` clusters.

    Parameters
    ----------
    embeddings : array-like of shape (n_pool, n_dims)
    batch_size : int
    seed : int, Generator or None
        Seeds k-means++ initialisation (and breaks ties).

    Returns
    -------
    ndarray of shape (batch_size,)
        Distinct pool positions, largest cluster first; for one point, the point
        nearest the pool mean.
    """
    E = as_embeddings(embeddings)
    k = check_batch_size(batch_size, len(E))
    rng = check_random_state(seed)
    if k == 1:
        return top_k(kmeans_scores(E), 1, rng)
    return kmeans_representatives(E, k, rng)


def badge_scores(probs, embeddings, bias: bool = True) -> np.ndarray:
    """Norm of the gradient embedding at the predicted label (BADGE's first pick is the largest).

    Parameters
    ----------
    probs : array-like of shape (n_pool, n_classes)
    embeddings : array-like of shape (n_pool, n_dims)
    bias : bool
        Include the bias gradient.

    Returns
    -------
    ndarray of shape (n_pool,)
        ``||p - e_yhat|| * ||[h, 1]||``.
    """
    r, h = gradient_factors(probs, embeddings, bias=bias)
    return np.sqrt((r * r).sum(1) * (h * h).sum(1))


def badge_batch(probs, embeddings, batch_size: int = 1, bias: bool = True, seed=None):
    """BADGE batch: k-means++ seeding on the gradient embeddings (Ash et al. 2020).

    The first pick has the largest gradient norm; each next one is drawn with
    probability proportional to its squared distance to the nearest pick
    (Arthur & Vassilvitskii 2007), so the batch is both uncertain (long
    gradients) and diverse (gradients pointing different ways).

    Parameters
    ----------
    probs : array-like of shape (n_pool, n_classes)
    embeddings : array-like of shape (n_pool, n_dims)
    batch_size : int
    bias : bool
        Include the bias gradient.
    seed : int, Generator or None
        Draws the seeding.

    Returns
    -------
    ndarray of shape (batch_size,)
        Distinct pool positions in pick order.
    """
    r, h = gradient_factors(probs, embeddings, bias=bias)
    k = check_batch_size(batch_size, len(r))
    rng = check_random_state(seed)
    rr, hh = (r * r).sum(1), (h * h).sum(1)
    norm2 = rr * hh
    picks = [int(top_k(norm2, 1, rng)[0])]
    dist = np.full(len(r), np.inf)
    for _ in range(1, k):
        c = picks[-1]
        # ||a⊗g - b⊗f||² = |a|²|g|² + |b|²|f|² - 2 (a·b)(g·f): no n_classes*n_dims array.
        d = norm2 + norm2[c] - 2.0 * (r @ r[c]) * (h @ h[c])
        np.minimum(dist, np.maximum(d, 0.0), out=dist)
        dist[picks] = 0.0
        cdf = np.cumsum(dist)
        if cdf[-1] > 0:
            picks.append(int(np.searchsorted(cdf, rng.random() * cdf[-1], side="right")))
        else:  # every free point duplicates a pick: any of them will do
            free = np.setdiff1d(np.arange(len(r)), picks)
            picks.append(int(rng.choice(free)))
    return np.asarray(picks, dtype=np.int64)


@register
class CoreSet(Strategy):
    """Core-set (greedy k-center): points far from everything labeled or already picked."""

    name = "coreset"
    needs = frozenset({"embeddings"})
    family = "diversity"
    batch_aware = True
    reference = (
        "Sener & Savarese 2018, Active Learning for Convolutional Neural Networks: "
        "A Core-Set Approach."
    )

    def score(self, context: Context) -> np.ndarray:
        """Distance to the nearest labeled point, shape (n_pool,)."""
        return coreset_scores(*context_embeddings(context, self.name))

    def select(self, context: Context, batch_size: int = 1, rng=None) -> np.ndarray:
        """The greedy k-center batch."""
        E, L = context_embeddings(context, self.name)
        return np.asarray(context.pool_indices)[kcenter_greedy(E, L, batch_size, rng)]

    def explain(self, context: Context, positions) -> dict[str, np.ndarray]:
        """``distance_to_labeled``, ``nearest_labeled`` (row of ``X_labeled``; -1: none), score."""
        pos = _positions(positions, context.n_pool)
        E, L = context_embeddings(context, self.name)
        d, nearest = min_sq_dists(E[pos], L)
        return {
            "distance_to_labeled": np.sqrt(d),
            "nearest_labeled": nearest,
            "score": coreset_scores(E, L)[pos],
        }


@register
class KMeansSampling(Strategy):
    """Representative points: the pool points nearest the k-means centroids (k = batch size)."""

    name = "kmeans"
    needs = frozenset({"embeddings"})
    family = "diversity"
    batch_aware = True
    reference = (
        "Nguyen & Smeulders 2004, Active Learning Using Pre-clustering; Zhdanov 2019, "
        "Diverse Mini-Batch Active Learning."
    )

    def score(self, context: Context) -> np.ndarray:
        """Minus the distance to the pool mean, shape (n_pool,)."""
        return kmeans_scores(context_embeddings(context, self.name)[0])

    def select(self, context: Context, batch_size: int = 1, rng=None) -> np.ndarray:
        """Nearest point to each k-means centroid, largest cluster first."""
        E = context_embeddings(context, self.name)[0]
        return np.asarray(context.pool_indices)[kmeans_batch(E, batch_size, rng)]


@register
class BADGE(Strategy):
    """Batch Active learning by Diverse Gradient Embeddings: k-means++ on gradient embeddings.

    Parameters
    ----------
    bias : bool
        Include the bias gradient (exact last-layer gradient for a layer with bias).
    """

    name = "badge"
    needs = frozenset({"probs", "embeddings", "gradients"})
    family = "hybrid"
    batch_aware = True
    reference = (
        "Ash, Zhang, Krishnamurthy, Langford & Agarwal 2020, Deep Batch Active Learning by "
        "Diverse, Uncertain Gradient Lower Bounds."
    )

    def __init__(self, bias: bool = True):
        self.bias = bias

    def score(self, context: Context) -> np.ndarray:
        """Gradient-embedding norm at the predicted label, shape (n_pool,)."""
        E = context_embeddings(context, self.name)[0]
        return badge_scores(context.require("probs", self.name), E, self.bias)

    def select(self, context: Context, batch_size: int = 1, rng=None) -> np.ndarray:
        """k-means++ seeding on the gradient embeddings."""
        E = context_embeddings(context, self.name)[0]
        pos = badge_batch(context.require("probs", self.name), E, batch_size, self.bias, rng)
        return np.asarray(context.pool_indices)[pos]

    def explain(self, context: Context, positions) -> dict[str, np.ndarray]:
        """``predicted`` class, ``residual_norm`` ``||p - e_yhat||``, ``embedding_norm``, score."""
        pos = _positions(positions, context.n_pool)
        probs = np.asarray(context.require("probs", self.name))[pos]
        r, h = gradient_factors(
            probs, context_embeddings(context, self.name)[0][pos], bias=self.bias
        )
        rn, hn = np.linalg.norm(r, axis=1), np.linalg.norm(h, axis=1)
        return {
            "predicted": probs.argmax(axis=1),
            "residual_norm": rn,
            "embedding_norm": hn,
            "score": rn * hn,
        }
