"""Calibration on the test split: a reliability diagram with ECE and a confidence histogram."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from .. import calibration as cal
from ._spec import FigureSpec
from ._style import QUERY_COLOR, axis_name, base_layout, class_color, f32, panels

__all__ = ["CALIBRATION_TRACE", "calibration", "calibration_spec"]

#: Trace positions: accuracy bars, gap bars, the diagonal, the confidence histogram,
#: then the mean-confidence and accuracy markers on the histogram.
CALIBRATION_TRACE = {"accuracy": 0, "gap": 1, "diagonal": 2, "histogram": 3, "means": 4}


def test_probs(session) -> tuple[np.ndarray, np.ndarray]:
    """The current model's probabilities on the test split and the true labels.

    Returns
    -------
    probs : ndarray of shape (n_test, n_classes)
    y : ndarray of shape (n_test,)
    """
    ds = session.dataset
    return np.asarray(session.predict_proba(ds.X_test)), np.asarray(ds.y_test)


def calibration_spec(session, n_bins: int = 10) -> FigureSpec:
    """The content of :func:`calibration` as plain data (see :class:`FigureSpec`)."""
    probs, y = test_probs(session)
    edges = np.linspace(0, 1, n_bins + 1)
    centers, width = (edges[:-1] + edges[1:]) / 2, 1 / n_bins
    if len(y):
        curve = cal.reliability_curve(probs, y, n_bins=n_bins)
        count = np.asarray(curve.count, dtype=np.float64)
        full = count > 0
        acc = np.where(full, np.nan_to_num(curve.accuracy), 0.0)
        conf = np.where(full, np.nan_to_num(curve.mean_confidence), centers)
        ece = cal.expected_calibration_error(probs, y, n_bins=n_bins)
        accuracy = float((probs.argmax(axis=1) == y).mean())
        mean_conf = float(probs.max(axis=1).mean())
        title = (
            f"Calibration of {session.model_label} on {len(y)} test points · "
            f"ECE {ece:.3f} ({n_bins} bins)"
        )
    else:
        count = acc = np.zeros(n_bins)
        conf, full, accuracy, mean_conf = centers, count > 0, np.nan, np.nan
        title = "Calibration: this dataset has no test split to measure it on"
    gap_base = np.where(full, np.minimum(acc, conf), 0.0)
    gap = np.where(full, np.abs(conf - acc), np.nan)  # NaN: no bar (no outline) where empty
    traces = [
        dict(
            type="bar",
            x=f32(centers),
            y=f32(acc),
            width=width,
            name="accuracy per bin",
            offsetgroup="reliability",
            marker=dict(color=class_color(0), line=dict(color="white", width=1)),
            customdata=f32(count),
            hovertemplate="confidence %{x:.2f}: accuracy %{y:.2f} (%{customdata:.0f} points)"
            "<extra></extra>",
        ),
        dict(
            type="bar",
            x=f32(centers),
            y=f32(gap),
            base=f32(gap_base),
            width=width,
            name="gap to the diagonal",
            offsetgroup="reliability",  # drawn over the accuracy bars, also in group mode
            marker=dict(
                color="rgba(0,0,0,0)",
                line=dict(color=QUERY_COLOR, width=1.5),
                pattern=dict(shape="/", fgcolor=QUERY_COLOR, size=6, solidity=0.3),
            ),
            hovertemplate="gap %{y:.3f}<extra></extra>",
        ),
        dict(
            type="scatter",
            x=[0, 1],
            y=[0, 1],
            mode="lines",
            name="perfect calibration",
            line=dict(color="#000000", dash="dash", width=2),
            hoverinfo="skip",
        ),
        dict(
            type="bar",
            x=f32(centers),
            y=f32(count),
            width=width,
            name="test points per bin",
            marker=dict(color="#999999", line=dict(color="white", width=1)),
            xaxis="x2",
            yaxis="y2",
            hovertemplate="confidence %{x:.2f}: %{y} points<extra></extra>",
            showlegend=False,
        ),
        dict(
            type="scatter",
            x=f32([mean_conf, accuracy]),
            y=f32([count.max(initial=1.0)] * 2),
            mode="markers+text",
            text=["mean confidence", "accuracy"],
            textposition=["top left", "bottom left"],
            marker=dict(symbol="triangle-down", size=12, color=[QUERY_COLOR, class_color(0)]),
            xaxis="x2",
            yaxis="y2",
            name="mean confidence vs accuracy",
            hoverinfo="skip",
            showlegend=False,
        ),
    ]
    layout = base_layout(title, width=820, height=420)
    # A wide gap: the histogram's axis title and ticks sit in it, and in a widget's board
    # (about 530 px wide) the default gap let them cover the reliability bars.
    layout.update(
        panels(["reliability: accuracy against confidence", "confidence histogram"], gap=0.13)
    )
    layout.update(
        barmode="group",
        margin=dict(l=55, r=20, t=70, b=95),
        legend=dict(orientation="h", y=-0.3, x=0),
    )
    top = float(count.max(initial=1.0)) * 1.25
    layout[axis_name(0, "x")].update(range=[0, 1], title=dict(text="confidence (top class)"))
    layout[axis_name(0, "y")].update(range=[0, 1], title=dict(text="accuracy"))
    layout[axis_name(1, "x")].update(range=[0, 1], title=dict(text="confidence (top class)"))
    layout[axis_name(1, "y")].update(range=[0, top], title=dict(text="test points"))
    return FigureSpec(traces, layout, {"title.text": title, "yaxis2.range": [0, top]})


def calibration(session, n_bins: int = 10) -> go.Figure:
    """How far the model's confidence is from its accuracy, on the test split.

    Parameters
    ----------
    session : Session
        Read, never changed.
    n_bins : int
        Equal-width confidence bins on [0, 1].

    Returns
    -------
    plotly.graph_objects.Figure
        Left: accuracy per confidence bin (bars), the gap to perfect
        calibration (shaded) and the diagonal; the expected calibration error
        (:func:`alviz.calibration.expected_calibration_error`) is in the title.
        Right: how many test points fall in each bin, with the mean confidence
        and the accuracy marked (order in :data:`CALIBRATION_TRACE`).
    """
    return calibration_spec(session, n_bins).figure()
