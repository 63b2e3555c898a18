"""Total, aleatoric and epistemic uncertainty over the plane, side by side."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from .. import uncertainty
from ._grid import grid_view
from ._points import labeled_trace, queried_trace
from ._spec import FigureSpec
from ._style import UNCERTAINTY_SCALE, axis_name, axis_ref, base_layout, heat, panels

__all__ = ["UNCERTAINTY_TRACE", "uncertainty_maps", "uncertainty_maps_spec"]

PARTS = ("total", "aleatoric", "epistemic")
#: Trace positions: three heatmaps, then labeled and queried points per panel.
UNCERTAINTY_TRACE = {
    **{p: i for i, p in enumerate(PARTS)},
    **{f"labeled_{p}": 3 + i for i, p in enumerate(PARTS)},
    **{f"queried_{p}": 6 + i for i, p in enumerate(PARTS)},
}
_SUBTITLES = (
    "total: entropy of the mean prediction",
    "aleatoric: mean entropy of one draw",
    "epistemic: mutual information (BALD), own scale",
)


def uncertainty_maps_spec(session, resolution: int = 100) -> FigureSpec:
    """The content of :func:`uncertainty_maps` as plain data (see :class:`FigureSpec`)."""
    view = grid_view(session, resolution)
    parts = uncertainty.decompose(view.draws())
    cap = float(np.log(max(session.n_classes, 2)))
    epi_max = max(float(parts.epistemic.max()), 1e-3)
    traces = []
    for i, (name, values) in enumerate(zip(PARTS, parts, strict=True)):
        traces.append(
            dict(
                type="heatmap",
                x=view.gx,
                y=view.gy,
                z=heat(values, 3 if name != "epistemic" else 4),
                coloraxis="coloraxis2" if name == "epistemic" else "coloraxis",
                hoverinfo="skip",
                name=name,
                zsmooth="best",
                xaxis=axis_ref(i, "x"),
                yaxis=axis_ref(i, "y"),
            )
        )
    traces += [labeled_trace(session, i, size=7, showlegend=i == 0) for i in range(3)]
    traces += [queried_trace(session, i, showlegend=i == 0) for i in range(3)]
    n_round, n_lab = len(session.history), len(session.labeled_indices)
    title = (
        f"Where is {session.model_label} unsure? total = aleatoric + epistemic, in nats "
        f"({session.n_draws} draws) · round {n_round}, {n_lab} labels"
    )
    layout = base_layout(title, width=1080, height=400)
    layout.update(panels(_SUBTITLES, gap=0.1))
    bar = dict(thickness=10, len=0.9, y=0.45)
    layout.update(
        coloraxis=dict(
            colorscale=UNCERTAINTY_SCALE,
            cmin=0,
            cmax=cap,
            # Just right of the middle panel (domain ends at 0.633), not over it.
            colorbar=dict(title=dict(text="nats"), x=0.645, **bar),
        ),
        coloraxis2=dict(
            colorscale=UNCERTAINTY_SCALE,
            cmin=0,
            cmax=epi_max,
            colorbar=dict(title=dict(text="nats"), x=1.0, **bar),
        ),
        margin=dict(l=40, r=40, t=80, b=70),
    )
    for i in range(3):
        layout[axis_name(i, "x")].update(
            range=[float(view.xs[0]), float(view.xs[-1])], showgrid=False, zeroline=False
        )
        layout[axis_name(i, "y")].update(
            range=[float(view.ys[0]), float(view.ys[-1])], showgrid=False, zeroline=False
        )
    return FigureSpec(traces, layout, {"title.text": title, "coloraxis2.cmax": epi_max})


def uncertainty_maps(session, resolution: int = 100) -> go.Figure:
    """Total, aleatoric and epistemic uncertainty of the current model over the plane.

    The model's sampled predictions (``session.sample_proba``: MC-dropout
    passes, ensemble members, posterior draws) on a ``resolution`` x
    ``resolution`` grid are split by :func:`alviz.uncertainty.decompose`:
    total (entropy of the mean) = aleatoric (mean entropy of one draw: noise
    that more labels will not remove) + epistemic (mutual information:
    disagreement between draws, which labels do remove). Total and aleatoric
    share a scale from 0 to log(n_classes); epistemic, usually much smaller,
    has its own.

    Parameters
    ----------
    session : Session
        Read, never changed.
    resolution : int
        Grid points per axis.

    Returns
    -------
    plotly.graph_objects.Figure
        Three heatmaps, then labeled and just-queried points on each panel
        (order in :data:`UNCERTAINTY_TRACE`).
    """
    return uncertainty_maps_spec(session, resolution).figure()
