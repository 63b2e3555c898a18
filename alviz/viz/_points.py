"""The point layers every map shares: unlabeled pool, labeled points, just-queried points."""

from __future__ import annotations

import numpy as np

from ._style import POOL_COLOR, QUERY_COLOR, axis_ref, class_color, f32, i32

__all__ = ["just_queried", "labeled_trace", "pool_trace", "queried_trace"]


def just_queried(session) -> np.ndarray:
    """Dataset indices of the last round's queries (empty before the first step)."""
    if not session.history:
        return np.array([], dtype=np.int64)
    return np.asarray(session.history[-1].queried, dtype=np.int64)


def _axes(panel: int) -> dict:
    return {"xaxis": axis_ref(panel, "x"), "yaxis": axis_ref(panel, "y")}


def pool_trace(session, panel: int = 0, color=None, size: int = 6, **extra) -> dict:
    """Unlabeled pool points; ``customdata`` is the dataset index (for click handlers).

    ``color`` may be an array of shape (n_pool,) (e.g. acquisition scores).
    """
    X2d, pool = session.dataset.X2d, session.pool_indices
    trace = dict(
        type="scatter",
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


def labeled_trace(session, panel: int = 0, size: int = 9, showlegend: bool = True) -> dict:
    """Labeled points coloured by the label given; a diamond marks a label that is wrong."""
    ds = session.dataset
    lab, given = session.labeled_indices, session.labels
    truth = ds.y[lab]
    # A noisy oracle's wrong answers stand out: the model learns from them all the same.
    wrong = (truth >= 0) & (truth != given)
    return dict(
        type="scatter",
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


def queried_trace(session, panel: int = 0, showlegend: bool = True, indices=None) -> dict:
    """Stars on the points queried in the last round (or on ``indices``)."""
    q = just_queried(session) if indices is None else np.asarray(indices, dtype=np.int64)
    X2d = session.dataset.X2d
    return dict(
        type="scatter",
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
