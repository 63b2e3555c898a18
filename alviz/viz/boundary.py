"""Decision boundary: class probabilities over the plane, with pool, labeled and queried points."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ._grid import grid_view
from ._points import labeled_trace, pool_trace, queried_trace, sample_note
from ._spec import FigureSpec
from ._style import base_layout, class_color, heat, rgba

__all__ = ["TRACE", "decision_boundary", "decision_boundary_spec"]

#: Trace positions, fixed so widgets can update data in place.
TRACE = {"background": 0, "boundary": 1, "pool": 2, "labeled": 3, "queried": 4}


def _class_scale(n_classes: int) -> list:
    """Colour scale for ``z = class + confidence share``: each class a band from pale to tint."""
    scale, eps = [], 1e-6
    for k in range(n_classes):
        c = class_color(k)
        lo, hi = k / n_classes, (k + 1) / n_classes
        scale += [[lo if k == 0 else lo + eps, rgba(c, 0.08)], [hi, rgba(c, 0.55)]]
    return scale


def _background(session, view) -> dict:
    """Heatmap: P(class 1) for two classes; else the predicted class, shaded by confidence."""
    P, K = view.probs, session.n_classes
    common = dict(
        type="heatmap",
        x=view.gx,
        y=view.gy,
        hoverinfo="skip",
        name="model",
        zsmooth="best",
    )
    if K == 2:
        return dict(
            z=heat(P[:, 1], 3),
            colorscale=[
                [0, rgba(class_color(0), 0.45)],
                [0.5, "#ffffff"],
                [1, rgba(class_color(1), 0.45)],
            ],
            zmin=0,
            zmax=1,
            colorbar=dict(
                title=dict(text=f"P({session.dataset.classes[1]})"), thickness=12, len=0.7
            ),
            **common,
        )
    top, conf = P.argmax(axis=1), P.max(axis=1)
    # Confidence from 1/K (a coin toss) to 1, squeezed into the class's band [k, k+1).
    share = np.clip((conf - 1 / K) / (1 - 1 / K), 0, 0.999)
    return dict(
        z=heat(top + share, 3),
        colorscale=_class_scale(K),
        zmin=0,
        zmax=K,
        showscale=False,
        **common,
    )


def _boundary_line(session, view) -> dict:
    """Where the predicted class changes: the P = 0.5 contour for two classes.

    With more classes a contour of the class index would draw one line per
    index step (three lines between class 2 and class 5), so the grid cells
    whose right or upper neighbour is predicted differently are inked instead.
    """
    if session.n_classes == 2:
        return dict(
            type="contour",
            x=view.gx,
            y=view.gy,
            z=heat(view.probs[:, 1], 3),
            autocontour=False,
            contours=dict(start=0.5, end=0.5, size=1, coloring="none"),
            line=dict(width=1.5, color="#333333", smoothing=1.0),
            hoverinfo="skip",
            showscale=False,
            name="decision boundary",
            showlegend=True,
        )
    top = view.probs.argmax(axis=1).reshape(view.shape)
    edge = np.zeros(view.shape, dtype=bool)
    edge[:, :-1] |= top[:, :-1] != top[:, 1:]
    edge[:-1, :] |= top[:-1, :] != top[1:, :]
    return dict(
        type="heatmap",
        x=view.gx,
        y=view.gy,
        z=edge.ravel().astype(np.float32),
        zmin=0,
        zmax=1,
        colorscale=[[0, "rgba(0,0,0,0)"], [1, "rgba(40,40,40,0.85)"]],
        showscale=False,
        hoverinfo="skip",
        name="decision boundary",
        showlegend=False,
    )


def decision_boundary_spec(session, resolution: int = 100) -> FigureSpec:
    """The content of :func:`decision_boundary` as plain data (see :class:`FigureSpec`)."""
    view = grid_view(session, resolution)
    traces = [
        _background(session, view),
        _boundary_line(session, view),
        pool_trace(session),
        labeled_trace(session, over_pool=True),
        queried_trace(session, over_pool=True),
    ]
    n_round, n_lab = len(session.history), len(session.labeled_indices)
    title = (
        f"Decision boundary of {session.model_label} · round {n_round}, {n_lab} labels · "
        f"strategy {session.strategy.name}"
    )
    note = sample_note(session)
    if note:
        title += f"<br><sup>{note}</sup>"
    axes = dict(range=[float(view.xs[0]), float(view.xs[-1])], showgrid=False, zeroline=False)
    yaxes = dict(range=[float(view.ys[0]), float(view.ys[-1])], showgrid=False, zeroline=False)
    layout = base_layout(title)
    layout.update(xaxis=axes, yaxis=yaxes)
    return FigureSpec(traces, layout, {"title.text": title})


def decision_boundary(session, resolution: int = 100) -> go.Figure:
    """The model's class probabilities over the plane, with pool, labeled and queried points.

    For data with more than two features the plane is the dataset's display
    embedding (``dataset.X2d``), mapped back to feature space.

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
        clickable; P(class 1) for two classes, else the predicted class shaded
        by confidence), the decision boundary line, pool points
        (``customdata`` = dataset index), labeled points coloured by the label
        given (a diamond where the label is wrong), the last queried points.
    """
    return decision_boundary_spec(session, resolution).figure()
