"""1-D regression: the mean with its aleatoric and epistemic bands, and where the strategy asks."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ._points import just_queried
from ._spec import FigureSpec
from ._style import (
    POOL_COLOR,
    QUERY_COLOR,
    SCORE_SCALE,
    base_layout,
    class_color,
    f32,
    i32,
    rgba,
)

__all__ = ["REGRESSION_TRACE", "regression_bands", "regression_bands_spec"]

#: Trace positions: bands, mean, pool rug, labeled points, queried, then the score panel.
REGRESSION_TRACE = {
    "aleatoric": 0,
    "epistemic": 1,
    "mean": 2,
    "pool": 3,
    "labeled": 4,
    "queried": 5,
    "score": 6,
    "pool_score": 7,
}
ALEATORIC_COLOR, EPISTEMIC_COLOR = class_color(0), class_color(5)


def _check_regression(session) -> None:
    ds = session.dataset
    if ds.task != "regression" or ds.n_features != 1:
        raise ValueError(
            f"regression_bands draws 1-D regression worlds; dataset {ds.name!r} is a "
            f"{ds.task} task with {ds.n_features} feature(s). Use decision_boundary and "
            f"uncertainty_maps for classification."
        )


def _x_grid(session, n: int, pad: float = 0.05) -> np.ndarray:
    x = session.dataset.X[:, 0]
    lo, hi = float(x.min()), float(x.max())
    span = hi - lo if hi > lo else 1.0
    return np.linspace(lo - pad * span, hi + pad * span, n)


def _band(name, x, center, half, color, alpha) -> dict:
    return dict(
        type="scatter",
        x=f32(np.r_[x, x[::-1]]),
        y=f32(np.r_[center + half, (center - half)[::-1]]),
        fill="toself",
        fillcolor=rgba(color, alpha),
        line=dict(width=0),
        mode="lines",
        name=name,
        hoverinfo="skip",
    )


def _marks(name, x, y, indices, marker, hover) -> dict:
    """Points with their dataset indices as ``customdata`` (clickable)."""
    return dict(
        type="scatter",
        x=f32(x),
        y=f32(y),
        mode="markers",
        name=name,
        customdata=i32(indices),
        marker=marker,
        hovertemplate=f"point %{{customdata}}: {hover}<extra></extra>",
    )


def regression_bands_spec(session, n_points: int = 200) -> FigureSpec:
    """The content of :func:`regression_bands` as plain data (see :class:`FigureSpec`)."""
    _check_regression(session)
    ds = session.dataset
    xg = _x_grid(session, n_points)
    mean, va, ve = (
        np.asarray(a, dtype=np.float64) for a in session.predict_uncertainty(xg[:, None])
    )
    sa, se = 2 * np.sqrt(np.maximum(va, 0)), 2 * np.sqrt(np.maximum(ve, 0))
    pool, lab, q = session.pool_indices, session.labeled_indices, just_queried(session)
    x = ds.X[:, 0]
    y_given = np.asarray(session.labels, dtype=np.float64)
    labeled_y = y_given if len(lab) else np.array([])
    finite = np.r_[labeled_y, mean - sa - se, mean + sa + se]
    lo, hi = float(np.min(finite)), float(np.max(finite))
    rug_y = lo - 0.06 * (hi - lo if hi > lo else 1.0)
    strategy = session.strategy
    pool_idx, pool_scores = session.score_pool()
    if session.fit() is None:
        grid_scores = np.zeros(len(xg))
    else:
        grid_scores = np.asarray(strategy.score(session.context(X=xg[:, None])), dtype=np.float64)
    traces = [
        _band("aleatoric ±2σ (noise)", xg, mean, sa, ALEATORIC_COLOR, 0.18),
        _band("epistemic ±2σ (model doubt)", xg, mean, se, EPISTEMIC_COLOR, 0.45),
        dict(
            type="scatter",
            x=f32(xg),
            y=f32(mean),
            mode="lines",
            name="predicted mean",
            line=dict(color="#222222", width=2),
            hovertemplate="x %{x:.2f}: mean %{y:.3f}<extra></extra>",
        ),
        _marks(
            "unlabeled pool (x only)",
            x[pool],
            np.full(len(pool), rug_y),
            pool,
            dict(symbol="line-ns-open", size=10, color=POOL_COLOR),
            "x %{x:.2f}",
        ),
        _marks(
            "labeled",
            x[lab],
            labeled_y,
            lab,
            dict(size=8, color="#222222", line=dict(width=1, color="white")),
            "y %{y:.3f}",
        ),
        _marks(
            "just queried",
            x[q],
            np.full(len(q), rug_y),
            q,
            dict(size=15, symbol="star", color=QUERY_COLOR, line=dict(width=1, color="black")),
            "just queried",
        ),
        dict(
            type="scatter",
            x=f32(xg),
            y=f32(grid_scores),
            mode="lines",
            name=f"{strategy.name} score",
            line=dict(color="#6A51A3", width=2),
            xaxis="x2",
            yaxis="y2",
            hovertemplate="x %{x:.2f}: score %{y:.3g}<extra></extra>",
            showlegend=False,
        ),
        dict(
            type="scatter",
            x=f32(x[pool_idx]),
            y=f32(pool_scores),
            mode="markers",
            name="pool scores",
            customdata=i32(pool_idx),
            marker=dict(size=5, color=f32(pool_scores), colorscale=SCORE_SCALE, showscale=False),
            xaxis="x2",
            yaxis="y2",
            hovertemplate="point %{customdata}: score %{y:.3g}<extra></extra>",
            showlegend=False,
        ),
    ]
    n_round = len(session.history)
    # Two lines: one long line runs into the next panel's title when the widget shows both.
    title = (
        f"{session.model_label} on {ds.name} · round {n_round}, {len(lab)} labels"
        "<br><sup>the mean with its aleatoric and epistemic bands</sup>"
    )
    layout = base_layout(title, width=760, height=520)
    span = [float(xg[0]), float(xg[-1])]
    layout.update(
        xaxis=dict(domain=[0, 1], anchor="y", range=span, showticklabels=False, zeroline=False),
        yaxis=dict(domain=[0.36, 1], title=dict(text="y"), zeroline=False),
        xaxis2=dict(domain=[0, 1], anchor="y2", range=span, title=dict(text="x"), matches="x"),
        yaxis2=dict(domain=[0, 0.26], title=dict(text="score"), zeroline=False),
        annotations=[
            dict(
                text=f"what {strategy.name} wants next (higher = asked sooner)",
                x=0,
                y=0.27,
                xref="paper",
                yref="paper",
                xanchor="left",
                yanchor="bottom",
                showarrow=False,
                font=dict(size=12),
            )
        ],
        legend=dict(orientation="h", y=-0.14),
        margin=dict(l=55, r=20, t=60, b=70),
    )
    return FigureSpec(
        traces,
        layout,
        {"title.text": title, "annotations[0].text": layout["annotations"][0]["text"]},
    )


def regression_bands(session, n_points: int = 200) -> go.Figure:
    """A 1-D regression model's mean, aleatoric band, epistemic band and queries.

    Parameters
    ----------
    session : Session
        On a 1-D regression dataset; read, never changed.
    n_points : int
        Points along x at which the model is evaluated.

    Returns
    -------
    plotly.graph_objects.Figure
        Top: the predicted mean, ±2 standard deviations of aleatoric noise
        (``var_aleatoric``: what more labels cannot remove) and of epistemic
        doubt (``var_epistemic``: what labels remove), labeled points, the
        pool as a rug (x only) and the last queries. Bottom: the strategy's
        scores along x and on the pool. Order in :data:`REGRESSION_TRACE`.
    """
    return regression_bands_spec(session, n_points).figure()
