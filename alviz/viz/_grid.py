"""A regular grid over the display plane and the model's view of it (cached per state)."""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field

import numpy as np

__all__ = ["GridView", "display_grid", "grid_view"]


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
    if not isinstance(resolution, int | np.integer) or resolution < 2:
        raise ValueError(f"resolution must be an integer >= 2; got {resolution!r}.")
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
    return xs, ys, G.astype(dataset.X.dtype, copy=False)


@dataclass
class GridView:
    """The current model's predictions over the display grid.

    Attributes
    ----------
    xs, ys : ndarray of shape (resolution,)
    X : ndarray of shape (resolution**2, n_features)
    probs : ndarray of shape (resolution**2, n_classes)
        ``session.predict_proba`` on the grid.
    """

    xs: np.ndarray
    ys: np.ndarray
    X: np.ndarray
    probs: np.ndarray
    _session: object = field(repr=False, default=None)
    _draws: np.ndarray | None = field(repr=False, default=None)

    @property
    def shape(self) -> tuple[int, int]:
        """(len(ys), len(xs)): the shape of a map over the grid."""
        return len(self.ys), len(self.xs)

    @property
    def gx(self) -> np.ndarray:
        """Display x of every grid point (x inner, y outer), float32, shape (resolution**2,)."""
        return np.tile(self.xs, len(self.ys)).astype(np.float32)

    @property
    def gy(self) -> np.ndarray:
        """Display y of every grid point, float32, shape (resolution**2,)."""
        return np.repeat(self.ys, len(self.xs)).astype(np.float32)

    def draws(self) -> np.ndarray:
        """``session.sample_proba`` on the grid, shape (n_draws, resolution**2, n_classes)."""
        if self._draws is None:
            self._draws = np.asarray(self._session().sample_proba(self.X))
        return self._draws


# One entry per live Session (weak keys: a finished Session takes its grids with it).
_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _state_key(session, resolution: int) -> tuple:
    # What the predictions depend on: the labels given, the model object and its draws.
    model = session.model
    return (
        resolution,
        id(session.dataset),
        type(model),
        id(model),
        session.n_draws,
        session.labeled_indices.tobytes(),
        session.labels.tobytes(),
    )


def grid_view(session, resolution: int = 100) -> GridView:
    """Predictions of ``session``'s current model over the display grid.

    Several figures of one redraw (boundary, uncertainty maps, acquisition
    map) need the same predictions on the same 10,000 points; they are
    computed once per labelled state and kept while the Session lives.

    Parameters
    ----------
    session : Session
    resolution : int
        Grid points per axis.

    Returns
    -------
    GridView
    """
    key = _state_key(session, resolution)
    views = _CACHE.setdefault(session, {})
    view = views.get(key)
    if view is None:
        xs, ys, G = display_grid(session.dataset, resolution)
        view = GridView(xs, ys, G, np.asarray(session.predict_proba(G)), weakref.ref(session))
        # Keep the latest few states only: an undo returns to a recent one.
        if len(views) >= 4:
            views.pop(next(iter(views)))
        views[key] = view
    return view
