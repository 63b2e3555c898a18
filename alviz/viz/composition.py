"""Who gets asked: the classes and groups of all queries so far, against the pool."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ..datasets import UNLABELED
from ._spec import FigureSpec
from ._style import BASELINE_COLOR, axis_name, base_layout, class_color, panels

__all__ = ["query_composition", "query_composition_spec"]


def _queried(session) -> np.ndarray:
    if not session.history:
        return np.array([], dtype=np.int64)
    return np.concatenate([np.asarray(r.queried, dtype=np.int64) for r in session.history])


def _shares(codes: np.ndarray, k: int) -> np.ndarray:
    return np.bincount(codes, minlength=k) / max(len(codes), 1)


def query_composition_spec(session) -> FigureSpec:
    """The content of :func:`query_composition` as plain data (see :class:`FigureSpec`)."""
    ds = session.dataset
    if ds.task != "classification":
        raise ValueError(
            f"query_composition counts classes; dataset {ds.name!r} is a {ds.task} task."
        )
    q = _queried(session)
    truth_q, truth_all = ds.y[q], ds.y[ds.y != UNLABELED]
    truth_q = truth_q[truth_q != UNLABELED]
    k = ds.n_classes
    names = [str(c) for c in ds.classes]
    titles = ["by class (true class)"]
    traces = [
        dict(
            type="bar",
            x=names,
            y=_shares(truth_all, k).astype(np.float32),
            name="whole pool",
            marker=dict(color="#dddddd", line=dict(color=BASELINE_COLOR, width=1)),
            hovertemplate="%{x}: %{y:.1%} of the pool<extra></extra>",
            offsetgroup="pool",
        ),
        dict(
            type="bar",
            x=names,
            y=_shares(truth_q, k).astype(np.float32),
            name="queries so far",
            marker=dict(color=[class_color(c) for c in range(k)]),
            hovertemplate="%{x}: %{y:.1%} of the queries<extra></extra>",
            offsetgroup="queries",
        ),
    ]
    if ds.groups is not None:
        groups, codes = np.unique(ds.groups, return_inverse=True)
        g_names = [f"group {g}" for g in groups]
        titles.append("by group")
        traces += [
            dict(
                type="bar",
                x=g_names,
                y=_shares(codes, len(groups)).astype(np.float32),
                xaxis="x2",
                yaxis="y2",
                showlegend=False,
                name="whole pool",
                marker=dict(color="#dddddd", line=dict(color=BASELINE_COLOR, width=1)),
                offsetgroup="pool",
            ),
            dict(
                type="bar",
                x=g_names,
                y=_shares(codes[q], len(groups)).astype(np.float32),
                xaxis="x2",
                yaxis="y2",
                showlegend=False,
                name="queries so far",
                marker=dict(color="#6A51A3"),
                offsetgroup="queries",
            ),
        ]
    noisy = [r.diagnostics.get("noisy_share") for r in session.history]
    noisy = [v for v in noisy if v is not None and np.isfinite(v)]
    extra = f" · {np.mean(noisy):.0%} of answers were wrong (noisy oracle)" if noisy else ""
    title = f"Who gets asked: {len(q)} queries by {session.strategy.name} vs the pool{extra}"
    layout = base_layout(title, width=420 * len(titles) + 60, height=340)
    layout.update(panels(titles, gap=0.12))
    layout.update(barmode="group", margin=dict(l=50, r=20, t=70, b=60))
    for i in range(len(titles)):
        layout[axis_name(i, "y")].update(tickformat=".0%", rangemode="tozero")
    return FigureSpec(traces, layout, {"title.text": title})


def query_composition(session) -> go.Figure:
    """Shares of the queries so far by true class (and by group), against the whole pool.

    A strategy that keeps asking about one class, or ignores a minority
    group, shows up here as bars far from the pool's.

    Parameters
    ----------
    session : Session
        On a classification dataset; read, never changed.

    Returns
    -------
    plotly.graph_objects.Figure
        Grouped bars: the pool's share and the queries' share per class; a
        second panel per group when ``dataset.groups`` is set. The title
        gives the share of wrong answers when the oracle is noisy.
    """
    return query_composition_spec(session).figure()
