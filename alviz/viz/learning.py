"""Learning curves: a test metric against the number of labels, with bands and a baseline."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ._spec import FigureSpec
from ._style import BASELINE_COLOR, base_layout, f32, rgba, strategy_color

__all__ = ["learning_curves", "learning_curves_spec"]

#: Line styles of the random baselines, one per model, in order (the first is plain dashes).
BASELINE_DASHES = ("dash", "dot", "dashdot", "longdash")

BASELINE = "random"
_LOWER_IS_BETTER = {"nll", "ece", "brier", "rmse", "mae"}


def _is_results(source) -> bool:
    return hasattr(source, "curves") and hasattr(source, "table")


def _sessions(source) -> list:
    if isinstance(source, list | tuple):
        items = list(source)
    else:
        items = [source]
    for s in items:
        if not hasattr(s, "metrics") or not hasattr(s, "history"):
            raise TypeError(
                f"learning_curves takes experiments Results, a Session or a list of Sessions; "
                f"got {type(s).__name__}. Run alviz.compare(...) or pass Session objects."
            )
    return items


def _session_curve(session, metric: str, current: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Labels used and ``metric`` per round; with ``current``, the model now as a last point.

    A round records the model it queried with, fitted before that round's answers
    came in: without the current point a curve always ends one fit behind the labels.
    """
    table = session.metrics()
    x, y = [], []
    if len(table) and metric in table:
        x, y = list(table["n_labeled"]), list(table[metric].to_numpy(dtype=np.float64))
    n_now = len(session.labeled_indices)
    if current and n_now > (x[-1] if x else 0) and len(session.dataset.y_test):
        now = session.evaluate()
        if metric in now:
            x.append(n_now)
            y.append(now[metric])
    return np.asarray(x, dtype=np.float32), np.asarray(y, dtype=np.float64)


def _line(name, x, y, color, dash=None, width=2.5, legendgroup=None) -> dict:
    return dict(
        type="scatter",
        x=f32(x),
        y=f32(y),
        mode="lines+markers" if len(x) < 40 else "lines",
        name=name,
        legendgroup=legendgroup or name,
        line=dict(color=color, width=width, dash=dash),
        marker=dict(size=5),
        hovertemplate=f"{name}: %{{y:.3f}} at %{{x}} labels<extra></extra>",
    )


def _band(name, x, low, high, color) -> dict:
    # One closed polygon: along the upper edge, back along the lower edge.
    ok = np.isfinite(low) & np.isfinite(high)
    x, low, high = np.asarray(x)[ok], np.asarray(low)[ok], np.asarray(high)[ok]
    return dict(
        type="scatter",
        x=f32(np.r_[x, x[::-1]]),
        y=f32(np.r_[high, low[::-1]]),
        fill="toself",
        fillcolor=rgba(color, 0.18),
        line=dict(width=0),
        mode="lines",
        name=f"{name} (band)",
        legendgroup=name,
        showlegend=False,
        hoverinfo="skip",
    )


def _results_traces(results, metric: str, confidence: float) -> list:
    curves = results.curves(metric, confidence=confidence)
    traces, i, j = [], 0, 0
    groups = list(dict.fromkeys(zip(curves["strategy"], curves["model"], strict=True)))
    several_models = len({m for _, m in groups}) > 1
    for strategy, model in groups:
        c = curves[(curves["strategy"] == strategy) & (curves["model"] == model)]
        name = f"{strategy} · {model}" if several_models else strategy
        if strategy == BASELINE:
            # One random baseline per model: grey like every baseline, told apart by the dash.
            color, dash = BASELINE_COLOR, BASELINE_DASHES[j % len(BASELINE_DASHES)]
            j += 1
        else:
            color, dash = strategy_color(i), None
            i += 1
        x = c["n_labeled"].to_numpy()
        traces.append(_band(name, x, c["low"].to_numpy(), c["high"].to_numpy(), color))
        traces.append(_line(name, x, c["mean"].to_numpy(), color, dash))
    return traces


def learning_curves_spec(
    source,
    metric: str = "accuracy",
    baseline=None,
    confidence: float = 0.95,
    title=None,
    current: bool = False,
) -> FigureSpec:
    """The content of :func:`learning_curves` as plain data (see :class:`FigureSpec`)."""
    if not isinstance(metric, str):
        raise TypeError(f"metric must be a string such as 'accuracy'; got {metric!r}.")
    if _is_results(source):
        traces = _results_traces(source, metric, confidence)
        what = f"mean over seeds, {confidence:.0%} band"
    else:
        sessions = _sessions(source)
        names = [s.strategy.name for s in sessions]
        if len(set(names)) < len(names):  # same strategy twice: tell them apart by model
            names = [f"{s.strategy.name} · {s.model_label}" for s in sessions]
        traces, i = [], 0
        for s, name in zip(sessions, names, strict=True):
            if s.strategy.name == BASELINE:
                color, dash = BASELINE_COLOR, "dash"
            else:
                color, dash = strategy_color(i), None
                i += 1
            traces.append(_line(name, *_session_curve(s, metric, current), color, dash))
        what = "one run each" + ("; last point: the model on every label so far" if current else "")
    if baseline is not None:
        x, y = _session_curve(baseline, metric)
        traces.append(_line("random baseline", x, y, BASELINE_COLOR, "dash", width=2))
        what += "; dashed: random sampling, same model and seed"
    better = "lower is better" if metric in _LOWER_IS_BETTER else "higher is better"
    text = title or f"Learning curves: test {metric} against labels ({better})"
    text += f"<br><sup>{what}</sup>"
    layout = base_layout(text, width=560, height=380)
    layout.update(
        xaxis=dict(title=dict(text="labels used"), zeroline=False),
        yaxis=dict(title=dict(text=f"test {metric}"), zeroline=False),
        legend=dict(orientation="h", y=-0.25),
        margin=dict(l=55, r=20, t=70, b=90),
    )
    return FigureSpec(traces, layout, {"title.text": text})


def learning_curves(
    source,
    metric: str = "accuracy",
    baseline=None,
    confidence: float = 0.95,
    title=None,
    current: bool = False,
) -> go.Figure:
    """A test metric against the number of labels, one curve per strategy.

    Parameters
    ----------
    source : experiments Results, Session or list of Session
        Results (from :func:`alviz.compare`) give the mean over seeds with a
        confidence band (``Results.curves``); Sessions give one curve each,
        from their history.
    metric : str
        A test metric recorded per round (``accuracy``, ``macro_f1``, ``nll``,
        ``ece``, ``brier``; ``rmse`` for regression).
    baseline : Session, optional
        A run to draw as the random baseline (dashed grey). In Results, the
        ``random`` strategy is drawn that way anyway.
    confidence : float
        Coverage of the bands (Results only).
    title : str, optional
        Replaces the default title.
    current : bool
        Sessions only: end each curve with the model fitted on every label given
        so far (``session.evaluate()``). A round records the model it queried
        with, so without it a curve ends one fit behind the labels.

    Returns
    -------
    plotly.graph_objects.Figure
        For Results: a band and a mean line per (strategy, model). For
        Sessions: one line per session, then the baseline line if given.
    """
    return learning_curves_spec(source, metric, baseline, confidence, title, current).figure()
