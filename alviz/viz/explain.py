"""Why this point? A strategy's score for one point, broken into its parts."""

from __future__ import annotations

import re

import numpy as np
import plotly.graph_objects as go

from ._spec import FigureSpec
from ._style import axis_name, base_layout, class_color, f32, panels

__all__ = ["explain_point", "why_this_point", "why_this_point_spec"]

_POINTWISE = frozenset({"uncertainty", "disagreement", "model change", "random"})
_NAMES = {
    "score": "score",
    "total": "total: entropy of the mean",
    "aleatoric": "aleatoric: mean entropy",
    "p1": "top probability p1",
    "p2": "second probability p2",
    "probs": "probabilities",
    "votes": "share of draws voting",
    "mean": "mean over draws",
    "std": "std over draws",
    "consensus": "consensus (mean draw)",
    "gradient_norm": "gradient norm",
}
_SERIES_COLORS = ("#555555", "#999999", "#BBBBBB", "#DDDDDD")


def explain_point(session, index: int) -> tuple[dict, str]:
    """The current strategy's explanation of one point under the current model.

    Parameters
    ----------
    session : Session
        Read, never changed.
    index : int
        Dataset index of the point (in the pool or already labeled).

    Returns
    -------
    parts : dict of str to ndarray
        ``Strategy.explain`` for this one point, each value's first axis
        dropped: scalars, or arrays of shape (n_classes,).
    note : str
        How the explanation was computed.
    """
    n = session.dataset.n_samples
    if not isinstance(index, int | np.integer) or not 0 <= index < n:
        raise ValueError(f"index must be a dataset index in [0, {n}); got {index!r}.")
    strategy = session.strategy
    pool = session.pool_indices
    in_pool = bool(len(pool)) and pool[min(np.searchsorted(pool, index), len(pool) - 1)] == index
    if session.fit() is None:
        return {}, "no model yet (fewer than two classes labeled): every point scores the same"
    if in_pool and strategy.family not in _POINTWISE:
        # Pool-dependent scores (diversity, hybrid) only make sense within the whole pool.
        ctx, pos, note = session.context(), int(np.searchsorted(pool, index)), "within the pool"
    else:
        ctx, pos = session.context(X=session.dataset.X[[index]]), 0
        note = "in the pool" if in_pool else "already labeled: the current model's view of it"
    parts = strategy.explain(ctx, [pos])
    return {k: np.asarray(v)[0] for k, v in parts.items()}, note


def _citation(reference: str) -> str:
    """The first reference's authors and year ("Houlsby, Huszár, Ghahramani & Lengyel 2011").

    Whole titles do not fit beside the note on one line; the strategy's docs hold them.
    """
    first = reference.split("; ")[0]
    m = re.match(r"(.*?\b(1[89]|20)\d\d)\b", first)
    return m.group(1) if m else first


def why_this_point_spec(session, index: int) -> FigureSpec:
    """The content of :func:`why_this_point` as plain data (see :class:`FigureSpec`)."""
    parts, note = explain_point(session, index)
    ds, strategy = session.dataset, session.strategy
    K = session.n_classes
    classes = [str(c) for c in ds.classes]
    scalars = {k: float(v) for k, v in parts.items() if np.ndim(v) == 0 and k != "score"}
    per_class = {k: v for k, v in parts.items() if np.shape(v) == (K,)}
    score = float(parts.get("score", np.nan))
    names = [_NAMES.get(k, k.replace("_", " ")) for k in scalars] + [f"{strategy.name} score"]
    values = [*scalars.values(), score]
    traces = [
        dict(
            type="bar",
            x=f32(values),
            y=names,
            orientation="h",
            marker=dict(color=["#AAAAAA"] * len(scalars) + ["#6A51A3"]),
            text=[f"{v:.3g}" for v in values],
            textposition="outside",
            cliponaxis=False,
            hoverinfo="skip",
            showlegend=False,
            name="parts",
        )
    ]
    # The model's sampled predictions for this point: the draws behind every score.
    draws = np.asarray(session.sample_proba(ds.X[[index]]))[:, 0, :]
    T = draws.shape[0]
    jitter = np.random.default_rng(0).uniform(-0.25, 0.25, size=draws.shape)
    cls = np.broadcast_to(np.arange(K), draws.shape)
    traces.append(
        dict(
            type="scatter",
            x=f32(cls.ravel() + jitter.ravel()),
            y=f32(draws.ravel()),
            mode="markers",
            marker=dict(size=6, color=[class_color(k) for k in cls.ravel()], opacity=0.6),
            name=f"{T} draws (MC dropout / members / posterior)",
            xaxis="x2",
            yaxis="y2",
            hovertemplate="draw probability %{y:.2f}<extra></extra>",
        )
    )
    for j, (k, v) in enumerate(per_class.items()):
        traces.append(
            dict(
                type="bar",
                x=list(range(K)),
                y=f32(v),
                name=_NAMES.get(k, k.replace("_", " ")),
                marker=dict(color=_SERIES_COLORS[j % len(_SERIES_COLORS)], opacity=0.55),
                xaxis="x2",
                yaxis="y2",
                hovertemplate="%{y:.3f}<extra></extra>",
            )
        )
    title = (
        f"Why point #{int(index)}? {strategy.name} score {score:.3g}"
        f"<br><sup>{note}; {_citation(strategy.reference)}</sup>"
    )
    layout = base_layout(title, width=820, height=360)
    layout.update(
        panels(["score and its parts", "per class: the draws and what the strategy sums up"], 0.2)
    )
    layout.update(
        barmode="group",
        margin=dict(l=160, r=20, t=80, b=80),
        legend=dict(orientation="h", y=-0.22, x=0.45),
    )
    layout[axis_name(0, "y")].update(automargin=True)
    layout[axis_name(1, "x")].update(
        tickvals=list(range(K)), ticktext=classes, range=[-0.6, K - 0.4], title=dict(text="class")
    )
    layout[axis_name(1, "y")].update(range=[0, 1.02], title=dict(text="probability"))
    return FigureSpec(traces, layout, {"title.text": title})


def why_this_point(session, index: int) -> go.Figure:
    """The current strategy's score for one point, broken into its parts.

    Left: the score and the parts that the strategy's ``explain`` reports
    (for BALD: the entropy of the mean (total) minus the mean entropy
    (aleatoric) = the score; for margin: p1 and p2). Right: every sampled
    prediction of the model for this point (one dot per draw and class), with
    the per-class summaries the strategy uses (probabilities, a committee's
    votes, mean and standard deviation over draws).

    Parameters
    ----------
    session : Session
        Read, never changed.
    index : int
        Dataset index of the point.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    return why_this_point_spec(session, index).figure()
