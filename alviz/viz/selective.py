"""Conformal prediction sets over the plane, and the risk-coverage curve of selective answers."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from .. import calibration as cal
from ._grid import grid_view
from ._points import labeled_trace, pool_trace
from ._spec import FigureSpec
from ._style import BASELINE_COLOR, base_layout, class_color, f32, rgba
from .calibration import test_probs

__all__ = [
    "conformal_map",
    "conformal_map_spec",
    "conformal_split",
    "risk_coverage",
    "risk_coverage_spec",
]


def conformal_split(n_test: int, seed) -> tuple[np.ndarray, np.ndarray]:
    """Split test rows in two halves (seeded): calibrate on one, check coverage on the other."""
    order = np.random.default_rng(seed).permutation(n_test)
    return np.sort(order[: n_test // 2]), np.sort(order[n_test // 2 :])


def _set_size_scale(n_classes: int) -> list:
    # 0 (empty set) white, 1 pale, the full set dark: bigger sets = more doubt.
    stops = np.linspace(0, 1, n_classes + 2)
    shades = [0.0, *np.linspace(0.15, 0.75, n_classes).tolist()]
    scale = []
    for i, a in enumerate(shades):
        colour = "#ffffff" if i == 0 else rgba("#6A51A3", a)
        scale += [[float(stops[i]), colour], [float(stops[i + 1]), colour]]
    return scale


def conformal_map_spec(
    session, alpha: float = 0.1, method: str = "lac", resolution: int = 100
) -> FigureSpec:
    """The content of :func:`conformal_map` as plain data (see :class:`FigureSpec`)."""
    probs, y = test_probs(session)
    if len(y) < 4:
        raise ValueError(
            f"conformal_map calibrates on the test split, which has {len(y)} rows; it needs at "
            f"least 4 (two to calibrate, two to check coverage)."
        )
    cal_rows, check_rows = conformal_split(len(y), session.seed)
    conformal = cal.SplitConformal(alpha=alpha, method=method, seed=session.seed)
    conformal.fit(probs[cal_rows], y[cal_rows])
    coverage = conformal.coverage(conformal.predict_sets(probs[check_rows]), y[check_rows])
    view = grid_view(session, resolution)
    sizes = conformal.set_sizes(conformal.predict_sets(view.probs))
    K = session.n_classes
    traces = [
        dict(
            type="heatmap",
            x=view.gx,
            y=view.gy,
            z=f32(sizes),
            zmin=-0.5,
            zmax=K + 0.5,
            colorscale=_set_size_scale(K),
            colorbar=dict(
                title=dict(text="set size"), tickvals=list(range(K + 1)), thickness=12, len=0.7
            ),
            hoverinfo="skip",
            name="prediction-set size",
        ),
        pool_trace(session, size=5),
        labeled_trace(session, size=8, over_pool=True),
    ]
    title = (
        f"Conformal sets ({method.upper()}, target {1 - alpha:.0%}) · "
        f"held-out coverage {coverage:.0%}"
        f"<br><sup>calibrated on {len(cal_rows)} test rows; white: empty set, darker: more "
        f"classes in the set</sup>"
    )
    layout = base_layout(title)
    layout.update(
        xaxis=dict(range=[float(view.xs[0]), float(view.xs[-1])], showgrid=False, zeroline=False),
        yaxis=dict(range=[float(view.ys[0]), float(view.ys[-1])], showgrid=False, zeroline=False),
    )
    return FigureSpec(traces, layout, {"title.text": title})


def conformal_map(session, alpha: float = 0.1, method: str = "lac", resolution: int = 100):
    """Size of the conformal prediction set at every point of the plane.

    A :class:`alviz.calibration.SplitConformal` is calibrated on a seeded half
    of the test split (the only labelled data the model did not train on);
    its coverage is checked on the other half and given in the title.

    Parameters
    ----------
    session : Session
        Read, never changed.
    alpha : float
        Target miscoverage: sets hold the true class with probability >= 1 - alpha.
    method : {"lac", "aps", "aps_conservative"}
        Conformity score (see :class:`alviz.calibration.SplitConformal`); ``"aps"``
        draws its uniforms from ``session.seed``.
    resolution : int
        Grid points per axis.

    Returns
    -------
    plotly.graph_objects.Figure
        A heatmap of set sizes (0 = empty set) with the pool and labeled points.
    """
    return conformal_map_spec(session, alpha, method, resolution).figure()


def risk_coverage_spec(session) -> FigureSpec:
    """The content of :func:`risk_coverage` as plain data (see :class:`FigureSpec`)."""
    probs, y = test_probs(session)
    if len(y) == 0:
        raise ValueError("risk_coverage needs a test split; this dataset has none.")
    curve = cal.risk_coverage_curve(probs, y)
    area = cal.aurc(probs, y)
    full_risk = float(curve.risks[-1])
    traces = [
        dict(
            type="scatter",
            x=f32(np.r_[0.0, curve.coverages]),
            y=f32(np.r_[curve.risks[0], curve.risks]),
            mode="lines",
            line=dict(color=class_color(0), width=2.5, shape="hv"),
            name=f"{session.model_label}: reject the least confident first",
            hovertemplate="answer %{x:.0%}: error %{y:.1%}<extra></extra>",
        ),
        dict(
            type="scatter",
            x=[0, 1],
            y=[full_risk, full_risk],
            mode="lines",
            line=dict(color=BASELINE_COLOR, dash="dash", width=1.5),
            name="reject at random (same error at any coverage)",
            hoverinfo="skip",
        ),
    ]
    title = f"Risk against coverage on {len(y)} test points · AURC {area:.3f} (lower is better)"
    layout = base_layout(title, width=560, height=380)
    fine = float(np.max(curve.risks, initial=0.0)) < 0.1
    layout.update(
        xaxis=dict(range=[0, 1], tickformat=".0%", title=dict(text="coverage (share answered)")),
        yaxis=dict(
            rangemode="tozero",
            tickformat=".1%" if fine else ".0%",
            title=dict(text="error among answered"),
        ),
        legend=dict(orientation="h", y=-0.25),
        margin=dict(l=60, r=20, t=60, b=80),
    )
    return FigureSpec(traces, layout, {"title.text": title})


def risk_coverage(session) -> go.Figure:
    """Error rate among the answered test points when the least confident are rejected.

    Parameters
    ----------
    session : Session
        Read, never changed.

    Returns
    -------
    plotly.graph_objects.Figure
        The curve from :func:`alviz.calibration.risk_coverage_curve`, with
        the area under it (:func:`alviz.calibration.aurc`) in the title and
        random rejection as a dashed baseline.
    """
    return risk_coverage_spec(session).figure()
