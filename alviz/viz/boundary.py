"""Decision boundary: class probabilities over the plane, with pool, labeled and queried points."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ._grid import display_grid
from ._style import POOL_COLOR, QUERY_COLOR, base_layout, class_color

__all__ = ["TRACE", "decision_boundary"]

#: Trace positions, fixed so widgets can update data in place.
TRACE = {"background": 0, "pool": 1, "labeled": 2, "queried": 3}


def _background(session, resolution: int):
    """Heatmap values: P(class 1) for two classes, else the top-class confidence."""
    xs, ys, G = display_grid(session.dataset, resolution)
    P = session.predict_proba(G)
    if session.n_classes == 2:
        z, title = P[:, 1], f"P({session.dataset.classes[1]})"
    else:
        z, title = P.max(axis=1), "confidence"
    return xs, ys, np.round(z.reshape(len(ys), len(xs)), 3).astype(np.float32), title, P


def decision_boundary(session, resolution: int = 100) -> go.Figure:
    """The model's class probabilities over the plane, with pool, labeled and queried points.

    Parameters
    ----------
    session : Session
        Read, never changed (the model is fitted on the current labels if stale).
    resolution : int
        Grid points per axis of the background.

    Returns
    -------
    plotly.graph_objects.Figure
        Traces in the order of :data:`TRACE`: background heatmap (not
        clickable), pool points (``customdata`` = dataset index), labeled
        points coloured by the label given, the last queried points.
    """
    ds = session.dataset
    xs, ys, z, ztitle, _ = _background(session, resolution)
    lab, labels = session.labeled_indices, session.labels
    pool = session.pool_indices
    queried = session.history[-1].queried if session.history else np.array([], dtype=np.int64)
    two = session.n_classes == 2
    fig = go.Figure()
    fig.add_trace(
        go.Heatmap(
            x=xs.astype(np.float32),
            y=ys.astype(np.float32),
            z=z,
            colorscale=[[0, "#cfe3f3"], [0.5, "#ffffff"], [1, "#f8dfb5"]] if two else "Greys",
            zmin=0 if two else 1 / session.n_classes,
            zmax=1,
            opacity=0.9,
            colorbar=dict(title=ztitle, thickness=12, len=0.7),
            hoverinfo="skip",
            name="model",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=ds.X2d[pool, 0].astype(np.float32),
            y=ds.X2d[pool, 1].astype(np.float32),
            mode="markers",
            name="unlabeled pool",
            customdata=pool.astype(np.int32),
            marker=dict(size=6, color=POOL_COLOR),
            hovertemplate="point %{customdata}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=ds.X2d[lab, 0].astype(np.float32),
            y=ds.X2d[lab, 1].astype(np.float32),
            mode="markers",
            name="labeled",
            customdata=lab.astype(np.int32),
            marker=dict(
                size=9, color=[class_color(k) for k in labels], line=dict(width=1, color="white")
            ),
            hovertemplate="point %{customdata}: labeled<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=ds.X2d[queried, 0].astype(np.float32),
            y=ds.X2d[queried, 1].astype(np.float32),
            mode="markers",
            name="just queried",
            customdata=queried.astype(np.int32),
            marker=dict(
                size=16, symbol="star", color=QUERY_COLOR, line=dict(width=1, color="black")
            ),
            hovertemplate="point %{customdata}: just queried<extra></extra>",
        )
    )
    n_round = len(session.history)
    fig.update_layout(
        **base_layout(
            f"Decision boundary of {session.model_label} · round {n_round}, "
            f"{len(lab)} labels · strategy: {session.strategy.name}"
        )
    )
    fig.update_xaxes(range=[xs[0], xs[-1]], showgrid=False, zeroline=False)
    fig.update_yaxes(range=[ys[0], ys[-1]], showgrid=False, zeroline=False)
    return fig
