"""Distances and greedy covers in embedding space, shared by the diversity strategies."""

from __future__ import annotations

import numpy as np

from .._validation import _as_float, check_finite
from ._base import Context

__all__ = [
    "argmax_random_tie",
    "as_embeddings",
    "context_embeddings",
    "farthest_first",
    "min_sq_dists",
    "sq_dists",
]

#: Entries of a distance block computed at once (float64), to bound memory.
_BLOCK = 1 << 22


def as_embeddings(E, name: str = "embeddings", n_dims: int | None = None) -> np.ndarray:
    """Validate an embedding matrix of shape (n_samples, n_dims) and return it as float64."""
    a = _as_float(E, name)
    if a.ndim != 2:
        raise ValueError(
            f"{name} must be a 2-D array of shape (n_samples, n_dims); got an array of shape "
            f"{a.shape}. Reshape images with X.reshape(len(X), -1)."
        )
    if n_dims is not None and a.shape[1] != n_dims:
        raise ValueError(
            f"{name} has {a.shape[1]} dimensions but the pool embeddings have {n_dims}; "
            f"embed both sets with the same model."
        )
    return check_finite(a.astype(np.float64, copy=False), name)


def context_embeddings(context: Context, strategy: str) -> tuple[np.ndarray, np.ndarray]:
    """Pool and labeled embeddings of a context, shapes (n_pool, d) and (n_labeled, d).

    A context with labeled points but no ``embeddings_labeled`` is an error
    (silently ignoring the labeled set would change what diversity means).
    """
    E = as_embeddings(context.require("embeddings", strategy), "context.embeddings")
    L = context.embeddings_labeled
    if L is None:
        if context.X_labeled is not None and len(context.X_labeled):
            raise ValueError(
                f"strategy {strategy!r} needs context.embeddings_labeled for the "
                f"{len(context.X_labeled)} labeled points (context.X_labeled); embed them with "
                f"the same model as the pool, or let the Session build the context."
            )
        return E, np.empty((0, E.shape[1]))
    return E, as_embeddings(L, "context.embeddings_labeled", E.shape[1])


def sq_dists(X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """Squared Euclidean distances, shape (len(X), len(Y)), clipped at 0."""
    d = (X * X).sum(1)[:, None] + (Y * Y).sum(1)[None, :] - 2.0 * (X @ Y.T)
    return np.maximum(d, 0.0, out=d)


def min_sq_dists(X: np.ndarray, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Squared distance of each row of X to its nearest row of Y, and that row.

    Returns
    -------
    dist : ndarray of shape (len(X),)
        ``inf`` when Y is empty.
    nearest : ndarray of shape (len(X),)
        Row of Y (-1 when Y is empty).
    """
    dist = np.full(len(X), np.inf)
    nearest = np.full(len(X), -1, dtype=np.int64)
    if len(Y) == 0:
        return dist, nearest
    rows = max(1, _BLOCK // len(Y))
    for s in range(0, len(X), rows):
        D = sq_dists(X[s : s + rows], Y)
        nearest[s : s + rows] = D.argmin(axis=1)
        dist[s : s + rows] = D[np.arange(len(D)), nearest[s : s + rows]]
    return dist, nearest


def argmax_random_tie(values: np.ndarray, rng: np.random.Generator) -> int:
    """Position of the largest value; among equal largest values one at random."""
    best = np.flatnonzero(values == values.max())
    return int(best[0] if len(best) == 1 else rng.choice(best))


def farthest_first(
    E: np.ndarray, dist: np.ndarray, first: int, k: int, rng: np.random.Generator
) -> np.ndarray:
    """Greedy k-center: start at ``first``, then repeatedly the point farthest from all picks.

    Parameters
    ----------
    E : ndarray of shape (n, d)
    dist : ndarray of shape (n,)
        Squared distance of each point to the existing centers (``inf`` if none).
    first : int
        Position of the first pick.
    k : int
        Picks in all, at most ``n``.
    rng : numpy.random.Generator
        Breaks ties (duplicate points).

    Returns
    -------
    ndarray of shape (k,)
        Distinct positions in pick order.
    """
    dist = dist.copy()
    picks = [int(first)]
    sq = (E * E).sum(1)
    for _ in range(1, k):
        c = picks[-1]
        np.minimum(dist, np.maximum(sq + sq[c] - 2.0 * (E @ E[c]), 0.0), out=dist)
        dist[picks] = -np.inf  # never pick twice, even when rounding leaves them above 0
        picks.append(argmax_random_tie(dist, rng))
    return np.asarray(picks, dtype=np.int64)


def kmeans_representatives(
    E: np.ndarray, k: int, rng: np.random.Generator, sample_weight=None
) -> np.ndarray:
    """Run k-means with ``k`` clusters and return, per cluster, the point nearest its centroid.

    Parameters
    ----------
    E : ndarray of shape (n, d)
    k : int
        Clusters, at most ``n``.
    rng : numpy.random.Generator
        Seeds k-means++ initialisation.
    sample_weight : ndarray of shape (n,), optional
        Weights of the points in the k-means objective (e.g. their uncertainty).

    Returns
    -------
    ndarray of shape (k,)
        Distinct positions, largest cluster (by weight) first. When several
        centroids share a nearest point, the later clusters take their next nearest.
    """
    import warnings

    from sklearn.cluster import KMeans
    from sklearn.exceptions import ConvergenceWarning

    with warnings.catch_warnings():
        # Fewer distinct points than clusters: handled below by filling at random.
        warnings.simplefilter("ignore", ConvergenceWarning)
        km = KMeans(n_clusters=k, n_init=1, random_state=int(rng.integers(2**31 - 1)))
        km.fit(E, sample_weight=sample_weight)
    w = np.ones(len(E)) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    mass = np.bincount(km.labels_, weights=w, minlength=k)
    D = sq_dists(E, km.cluster_centers_)
    taken = np.zeros(len(E), dtype=bool)
    picks = []
    # k <= n, so every cluster finds a free point even when centroids coincide (duplicates).
    for c in np.argsort(-mass, kind="stable"):
        d = np.where(taken, np.inf, D[:, c])
        picks.append(int(np.argmin(d)))
        taken[picks[-1]] = True
    return np.asarray(picks, dtype=np.int64)
