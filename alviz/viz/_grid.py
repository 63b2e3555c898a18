"""A regular grid over the display plane and the model's view of it."""

from __future__ import annotations

import numpy as np

__all__ = ["display_grid"]


def display_grid(dataset, resolution: int = 100, pad: float = 0.1):
    """A grid covering the dataset's display embedding, mapped back to feature space.

    Parameters
    ----------
    dataset : Dataset
    resolution : int
        Grid points per axis.
    pad : float
        Margin around the data, as a share of its range.

    Returns
    -------
    xs, ys : ndarray of shape (resolution,)
        Axis coordinates in display space.
    X_grid : ndarray of shape (resolution * resolution, n_features)
        Feature-space points behind the grid (row-major: y outer, x inner).
        For data with more than two features this is the embedding's
        inverse transform, i.e. the plane the display shows.
    """
    lo, hi = dataset.X2d.min(axis=0), dataset.X2d.max(axis=0)
    span = np.where(hi > lo, hi - lo, 1.0)
    lo, hi = lo - pad * span, hi + pad * span
    xs, ys = np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution)
    gx, gy = np.meshgrid(xs, ys)
    G = np.column_stack([gx.ravel(), gy.ravel()])
    if dataset.embedding is not None:
        if not hasattr(dataset.embedding, "inverse_transform"):
            raise ValueError(
                f"dataset {dataset.name!r} has an embedding without inverse_transform, so maps "
                f"cannot be drawn over its display plane; use a PCA embedding for maps."
            )
        G = dataset.embedding.inverse_transform(G)
    return xs, ys, G
