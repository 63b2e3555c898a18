"""Display embeddings: the plane every map and widget draws on.

Two features are drawn as they are. One feature is drawn as ``(x, 0)``. More
features go through PCA (the default: it has an inverse, so a grid drawn on
the display plane maps back to feature space) or t-SNE on request (no
inverse: maps cannot be drawn as a grid then). Both are seeded and fitted on
a seeded subsample, so a million rows embed in about a second.
"""

from __future__ import annotations

import numpy as np

__all__ = ["MAX_FIT", "Line1D", "NeighbourTSNE", "fit_embedding"]

#: Most rows an embedding is fitted on; the rest are mapped by ``transform``.
MAX_FIT = 10_000


class Line1D:
    """The display of one feature: ``x -> (x, 0)``; ``inverse_transform`` takes column 0."""

    def transform(self, X) -> np.ndarray:
        """Map X of shape (n, 1) to (n, 2)."""
        X = np.asarray(X, dtype=np.float64)
        return np.column_stack([X[:, 0], np.zeros(len(X))])

    def inverse_transform(self, Z) -> np.ndarray:
        """Map display points of shape (n, 2) back to features of shape (n, 1)."""
        return np.asarray(Z, dtype=np.float64)[:, :1]


class NeighbourTSNE:
    """t-SNE of a seeded subsample; other rows land at their neighbours' positions.

    t-SNE places the rows it was fitted on and has no map for new ones. Here
    a new row is put at the distance-weighted mean position of its
    ``n_neighbors`` nearest fitted rows (an exact match takes that row's
    position), which keeps ``transform`` available for test rows and for rows
    outside the fitted subsample. There is no ``inverse_transform``: maps
    over the display plane cannot be drawn for a t-SNE embedding.

    Parameters
    ----------
    perplexity : float
        t-SNE perplexity, lowered automatically for small data.
    max_fit : int
        Most rows t-SNE itself is run on.
    n_neighbors : int
        Neighbours used to place other rows.
    seed : int
        Seed of the subsample and of t-SNE.
    """

    def __init__(
        self, perplexity: float = 30.0, max_fit: int = 2000, n_neighbors: int = 5, seed: int = 0
    ):
        self.perplexity = perplexity
        self.max_fit = max_fit
        self.n_neighbors = n_neighbors
        self.seed = seed

    def fit(self, X) -> NeighbourTSNE:
        """Run t-SNE on (a subsample of) X of shape (n, n_features)."""
        from sklearn.manifold import TSNE
        from sklearn.neighbors import NearestNeighbors
        from threadpoolctl import threadpool_limits

        X = np.asarray(X, dtype=np.float64)
        if len(X) < 4:
            raise ValueError(f"t-SNE needs at least 4 rows; got {len(X)}. Use embedding='pca'.")
        sub = _subsample(len(X), self.max_fit, self.seed)
        self.fit_rows_ = sub
        perplexity = min(self.perplexity, (len(sub) - 1) / 3)
        tsne = TSNE(n_components=2, perplexity=perplexity, init="pca", random_state=self.seed)
        # On small data OpenMP threads cost more than they save (20x on a busy 2-core box).
        with threadpool_limits(1 if len(sub) < 1000 else None):
            self.positions_ = tsne.fit_transform(X[sub])
        self.neighbors_ = NearestNeighbors(n_neighbors=min(self.n_neighbors, len(sub))).fit(X[sub])
        return self

    def transform(self, X) -> np.ndarray:
        """Display positions of shape (n, 2) for rows X of shape (n, n_features)."""
        dist, ind = self.neighbors_.kneighbors(np.asarray(X, dtype=np.float64))
        exact = dist[:, 0] == 0
        w = 1.0 / np.maximum(dist, 1e-12)
        w[exact] = 0.0
        w[exact, 0] = 1.0
        w /= w.sum(axis=1, keepdims=True)
        return np.einsum("nk,nkd->nd", w, self.positions_[ind])


def _subsample(n: int, max_rows: int, seed: int) -> np.ndarray:
    if n <= max_rows:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, size=max_rows, replace=False))


def fit_embedding(X: np.ndarray, method="pca", seed: int = 0):
    """Fit the display embedding on the pool and return ``(X2d, embedding)``.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        The pool's features.
    method : {"pca", "tsne"} or transformer
        For more than two features: PCA (default), t-SNE, or any object with
        ``fit`` and ``transform`` to 2 columns (fitted here on a subsample).
        Ignored for one or two features.
    seed : int
        Seed of the subsample and the embedding.

    Returns
    -------
    X2d : ndarray of shape (n_samples, 2)
    embedding : object or None
        None when ``X2d`` is ``X`` itself (two features).
    """
    d = X.shape[1]
    if d == 2:
        return X, None
    if d == 1:
        emb = Line1D()
        return emb.transform(X), emb
    if method == "pca":
        from sklearn.decomposition import PCA

        sub = _subsample(len(X), MAX_FIT, seed)
        emb = PCA(n_components=2, random_state=seed).fit(X[sub])
    elif method == "tsne":
        emb = NeighbourTSNE(seed=seed).fit(X)
    elif hasattr(method, "fit") and hasattr(method, "transform"):
        from sklearn.base import clone

        try:  # never fit the caller's own object
            method = clone(method)
        except TypeError:
            pass
        emb = method.fit(X[_subsample(len(X), MAX_FIT, seed)])
    else:
        raise ValueError(
            f"embedding must be 'pca', 'tsne' or a transformer with fit/transform; got {method!r}."
        )
    X2d = np.asarray(emb.transform(X), dtype=np.float64)
    if X2d.ndim != 2 or X2d.shape[1] != 2:
        raise ValueError(f"the embedding must map to 2 columns; it gave shape {X2d.shape}.")
    return X2d, emb
