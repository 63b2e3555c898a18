"""What the strategy wants next: its scores over the plane and on every pool point."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ._grid import grid_view
from ._points import labeled_trace, pool_trace, sample_note, scatter_type
from ._spec import FigureSpec
from ._style import QUERY_COLOR, SCORE_SCALE, base_layout, f32, heat, i32

__all__ = ["ACQUISITION_TRACE", "acquisition_map", "acquisition_map_spec", "grid_context"]

#: Trace positions: grid scores, pool points coloured by score, labeled points, top picks.
ACQUISITION_TRACE = {"background": 0, "pool": 1, "labeled": 2, "next": 3}

# Scores of these families depend on one point at a time, so they can be drawn over a grid;
# diversity and hybrid scores depend on the whole pool and are shown on the pool only.
_POINTWISE = frozenset({"uncertainty", "disagreement", "model change"})


class _Remaining:
    """A stand-in strategy that asks ``session.context`` only for what the grid cache lacks."""

    def __init__(self, strategy):
        self.name = strategy.name
        self.needs = frozenset(strategy.needs) - {"probs", "draws"}


def grid_context(session, view, strategy=None):
    """The acquisition Context for the grid rows, reusing the cached grid predictions.

    Parameters
    ----------
    session : Session
    view : GridView
        From the grid cache (its probabilities and draws are reused).
    strategy : Strategy, optional
        Default: the session's strategy.

    Returns
    -------
    Context
        ``pool_indices`` are the grid positions ``0..resolution**2 - 1``.
    """
    strategy = session.strategy if strategy is None else strategy
    ctx = session.context(X=view.X, strategy=_Remaining(strategy))
    # The same fill rule as Session.context: probs from predict_proba, else the mean draw.
    if "draws" in strategy.needs:
        ctx.probs_draws = view.draws()
        ctx.probs = ctx.probs_draws.mean(axis=0)
    if "probs" in strategy.needs:
        ctx.probs = view.probs
    return ctx


def _grid_scores(session, view):
    """Scores over the grid, or None with the reason they cannot be drawn there."""
    strategy = session.strategy
    if strategy.family == "random":
        return None, "random sampling: every point scores the same"
    if session.fit() is None:
        return None, "no model yet (fewer than two classes labeled): queries are random"
    if strategy.family not in _POINTWISE:
        return None, f"{strategy.family} scores depend on the whole pool: shown on pool points"
    scores = np.asarray(strategy.score(grid_context(session, view)), dtype=np.float64)
    return scores, ""


def acquisition_map_spec(session, resolution: int = 100) -> FigureSpec:
    """The content of :func:`acquisition_map` as plain data (see :class:`FigureSpec`)."""
    view = grid_view(session, resolution)
    pool, pool_scores = session.score_pool()
    grid, why = _grid_scores(session, view)
    finite = np.concatenate([pool_scores, grid if grid is not None else []])
    finite = finite[np.isfinite(finite)]
    lo = float(finite.min()) if len(finite) else 0.0
    hi = float(finite.max()) if len(finite) else 1.0
    if hi <= lo:
        why = why or "every pool point has the same score"
        hi = lo + 1.0
    # An all-NaN heatmap makes plotly.js throw ("findEmpties iterated with no new neighbors")
    # and blanks the whole board: a map without grid scores is drawn flat at the scale's floor.
    z = np.full(len(view.gx), lo, np.float32) if grid is None else heat(grid, 4)
    # Scores that do not rank the pool (random sampling, one score for all) would colour
    # every point at the scale's white floor, invisible on the flat map: drawn grey.
    scored = pool_scores[np.isfinite(pool_scores)]
    ranked = scored.size > 0 and float(np.ptp(scored)) > 0
    # The highest scores: what a step would query (batch-aware strategies may differ).
    # Scores that rank nothing name no next query: no ring, rather than the first points.
    k = min(session.batch_size, len(pool)) if ranked else 0
    top = pool[np.argsort(-pool_scores, kind="stable")[:k]] if k else pool[:0]
    traces = [
        dict(
            type="heatmap",
            x=view.gx,
            y=view.gy,
            z=z,
            coloraxis="coloraxis",
            hoverinfo="skip",
            name="score over the plane",
            zsmooth="best",
            opacity=0.5,
        ),
        pool_trace(
            session,
            color=f32(pool_scores) if ranked else None,
            size=7,
            hovertemplate=(
                "point %{customdata}: score %{marker.color:.3g}<extra></extra>"
                if ranked
                else "point %{customdata}: the same score as every point<extra></extra>"
            ),
            # plotly.js draws a colour-scaled marker's legend swatch from its first number
            # and warns "Invalid color specifier" on every redraw; the colour bar says it all.
            showlegend=False,
        ),
        labeled_trace(session, size=8, over_pool=True),
        dict(
            type=scatter_type(len(pool)),
            x=f32(session.dataset.X2d[top, 0]),
            y=f32(session.dataset.X2d[top, 1]),
            mode="markers",
            name="highest score (next query)",
            customdata=i32(top),
            marker=dict(size=17, symbol="circle-open", color=QUERY_COLOR, line=dict(width=3)),
            hovertemplate="point %{customdata}: highest score<extra></extra>",
        ),
    ]
    if ranked:
        traces[1]["marker"].update(coloraxis="coloraxis", line=dict(width=0.8, color="#ffffff"))
    s = session.strategy
    # The hint goes on a second line: on one line the title runs past a board's half-width panel.
    note = "; ".join(t for t in ("higher = asked sooner", why, sample_note(session)) if t)
    title = f"Acquisition scores of {s.name} ({s.family})<br><sup>{note}</sup>"
    layout = base_layout(title)
    layout.update(
        coloraxis=dict(
            colorscale=SCORE_SCALE,
            cmin=lo,
            cmax=hi,
            colorbar=dict(title=dict(text="score"), thickness=12, len=0.7),
        ),
        xaxis=dict(range=[float(view.xs[0]), float(view.xs[-1])], showgrid=False, zeroline=False),
        yaxis=dict(range=[float(view.ys[0]), float(view.ys[-1])], showgrid=False, zeroline=False),
    )
    live = {"title.text": title, "coloraxis.cmin": lo, "coloraxis.cmax": hi}
    return FigureSpec(traces, layout, live)


def acquisition_map(session, resolution: int = 100) -> go.Figure:
    """The current strategy's acquisition scores over the plane and on the pool.

    Parameters
    ----------
    session : Session
        Read, never changed (the model is fitted on the current labels if stale).
    resolution : int
        Grid points per axis of the background.

    Returns
    -------
    plotly.graph_objects.Figure
        Traces in the order of :data:`ACQUISITION_TRACE`: scores over the
        plane (for strategies that score one point at a time; empty for
        random, diversity and hybrid strategies, whose scores depend on the
        whole pool), pool points coloured by their score (``customdata`` =
        dataset index, clickable; grey when every point scores the same), labeled
        points, and rings on the highest scores (what the next step queries, for
        a strategy that takes the top scores; none when the scores rank nothing,
        as for random sampling).
    """
    return acquisition_map_spec(session, resolution).figure()
