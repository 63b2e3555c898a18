"""The point layers every map shares: unlabeled pool, labeled points, just-queried points."""

from __future__ import annotations

import weakref

import numpy as np

from ._style import POOL_COLOR, QUERY_COLOR, axis_ref, class_color, f32, i32

__all__ = [
    "DISPLAY_MAX",
    "just_queried",
    "labeled_trace",
    "pool_trace",
    "queried_trace",
    "sample_note",
    "scatter_type",
    "shown_pool",
]


def just_queried(session) -> np.ndarray:
    """Dataset indices of the last round's queries (empty before the first step)."""
    if not session.history:
        return np.array([], dtype=np.int64)
    return np.asarray(session.history[-1].queried, dtype=np.int64)


def _axes(panel: int) -> dict:
    return {"xaxis": axis_ref(panel, "x"), "yaxis": axis_ref(panel, "y")}


#: Above this many pool points a map draws a fixed random sample of them (SVG slows down
#: past a few thousand markers and every redraw sends them all); labeled, queried and
#: pending points are always drawn.
DISPLAY_MAX = 3000
#: Above this many markers in one trace, WebGL (``scattergl``) draws it instead of SVG.
WEBGL_MIN = 1500

# id(dataset) -> (a weak reference to it, a random rank of each of its points): fixed for
# the dataset's life, so the same points stay on screen from one redraw to the next.
_RANKS: dict[int, tuple] = {}


def shown_pool(session) -> tuple[np.ndarray, np.ndarray]:
    """The pool points a map draws: all of them, or a fixed sample of :data:`DISPLAY_MAX`.

    Returns
    -------
    shown : ndarray of shape (n_shown,)
        Dataset indices, increasing; pending queries are always among them.
    where : ndarray of shape (n_shown,)
        Their positions in ``session.pool_indices`` (to pick their scores).
    """
    pool = session.pool_indices
    if len(pool) <= DISPLAY_MAX:
        return pool, np.arange(len(pool))
    ds = session.dataset
    ref, rank = _RANKS.get(id(ds), (None, None))
    if ref is None or ref() is not ds:
        rank = np.random.default_rng(0).permutation(ds.n_samples)
        if len(_RANKS) >= 8:  # a few datasets at a time, the oldest go first
            _RANKS.pop(next(iter(_RANKS)))
        _RANKS[id(ds)] = (weakref.ref(ds), rank)
    keep = np.zeros(len(pool), dtype=bool)
    keep[np.argsort(rank[pool], kind="stable")[:DISPLAY_MAX]] = True
    keep |= np.isin(pool, session.pending)
    where = np.flatnonzero(keep)
    return pool[where], where


def sample_note(session) -> str:
    """What a subsampled map says about it ("" when every pool point is drawn)."""
    n = len(session.pool_indices)
    if n <= DISPLAY_MAX:
        return ""
    shown = len(shown_pool(session)[0])
    return (
        f"showing {shown:,} of {n:,} unlabeled points (a fixed random sample); every labeled "
        f"and queried point is drawn"
    )


def scatter_type(n_points: int) -> str:
    """``scatter`` (SVG) for a few points, ``scattergl`` (WebGL) for many."""
    return "scattergl" if n_points > WEBGL_MIN else "scatter"


def pool_trace(session, panel: int = 0, color=None, size: int = 6, **extra) -> dict:
    """Unlabeled pool points; ``customdata`` is the dataset index (for click handlers).

    ``color`` may be an array of shape (n_pool,) (e.g. acquisition scores), aligned
    with ``session.pool_indices``. Above :data:`DISPLAY_MAX` pool points only a fixed
    sample is drawn (see :func:`shown_pool`), as WebGL.
    """
    X2d = session.dataset.X2d
    pool, where = shown_pool(session)
    if color is not None and not isinstance(color, str):
        color = np.asarray(color)[where]
    trace = dict(
        type=scatter_type(len(session.pool_indices)),
        x=f32(X2d[pool, 0]),
        y=f32(X2d[pool, 1]),
        mode="markers",
        name="unlabeled pool",
        customdata=i32(pool),
        marker=dict(size=size, color=POOL_COLOR if color is None else color),
        hovertemplate="point %{customdata}<extra></extra>",
        **_axes(panel),
    )
    trace.update(extra)
    return trace


def labeled_trace(
    session, panel: int = 0, size: int = 9, showlegend: bool = True, over_pool: bool = False
) -> dict:
    """Labeled points coloured by the label given; a diamond marks a label that is wrong.

    ``over_pool``: drawn over :func:`pool_trace` (then of the pool's kind: SVG markers would
    sit under a WebGL pool's canvas).
    """
    ds = session.dataset
    lab, given = session.labeled_indices, session.labels
    truth = ds.y[lab]
    # A noisy oracle's wrong answers stand out: the model learns from them all the same.
    wrong = (truth >= 0) & (truth != given)
    return dict(
        type=scatter_type(len(session.pool_indices)) if over_pool else "scatter",
        x=f32(ds.X2d[lab, 0]),
        y=f32(ds.X2d[lab, 1]),
        mode="markers",
        name="labeled (◆ wrong label)" if wrong.any() else "labeled",
        customdata=i32(lab),
        marker=dict(
            size=size,
            color=[class_color(k) for k in given],
            symbol=np.where(wrong, "diamond", "circle").tolist(),
            line=dict(width=1, color="white"),
        ),
        hovertemplate="point %{customdata}: labeled<extra></extra>",
        showlegend=showlegend,
        **_axes(panel),
    )


def queried_trace(
    session, panel: int = 0, showlegend: bool = True, indices=None, over_pool: bool = False
) -> dict:
    """Stars on the points queried in the last round (or on ``indices``); see labeled_trace."""
    q = just_queried(session) if indices is None else np.asarray(indices, dtype=np.int64)
    X2d = session.dataset.X2d
    return dict(
        type=scatter_type(len(session.pool_indices)) if over_pool else "scatter",
        x=f32(X2d[q, 0]),
        y=f32(X2d[q, 1]),
        mode="markers",
        name="just queried",
        customdata=i32(q),
        marker=dict(size=15, symbol="star", color=QUERY_COLOR, line=dict(width=1, color="black")),
        hovertemplate="point %{customdata}: just queried<extra></extra>",
        showlegend=showlegend,
        **_axes(panel),
    )
