"""One look for every figure: class colours, strategy colours, scales, sizes, panels."""

from __future__ import annotations

import numpy as np

#: Okabe & Ito (2008) colour-blind-safe palette, then four of Paul Tol's "muted" colours
#: so that ten-class data (digits) still gets one colour per class; class k gets
#: CLASS_COLORS[k % 12].
CLASS_COLORS = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",  # black
    "#882255",  # wine
    "#44AA99",  # teal
    "#999933",  # olive
    "#AA4499",  # purple
)
#: Paul Tol's "bright" scheme (colour-blind safe) for strategies in learning curves;
#: distinct from the class colours so a curve is never mistaken for a class.
STRATEGY_COLORS = ("#4477AA", "#EE6677", "#228833", "#CCBB44", "#66CCEE", "#AA3377")
BASELINE_COLOR = "#555555"
POOL_COLOR = "rgba(120,120,120,0.45)"
QUERY_COLOR = "#D62728"
#: Perceptually uniform, colour-blind-safe sequential scales.
UNCERTAINTY_SCALE = "Viridis"
SCORE_SCALE = "Purples"
WIDTH, HEIGHT = 560, 480
PANEL_GAP = 0.07


def class_color(k: int) -> str:
    """Colour of class ``k``, the same in every figure."""
    return CLASS_COLORS[int(k) % len(CLASS_COLORS)]


def strategy_color(i: int) -> str:
    """Colour of the ``i``-th strategy in a comparison."""
    return STRATEGY_COLORS[int(i) % len(STRATEGY_COLORS)]


def rgba(hex_color: str, alpha: float) -> str:
    """``#RRGGBB`` as an ``rgba(...)`` string with opacity ``alpha``."""
    h = hex_color.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def f32(a) -> np.ndarray:
    """A 1-D float32 copy: 1-D non-int64 arrays travel to the browser as binary."""
    return np.ascontiguousarray(a, dtype=np.float32).ravel()


def i32(a) -> np.ndarray:
    """A 1-D int32 copy (int64 would travel as a JSON list)."""
    return np.ascontiguousarray(a, dtype=np.int32).ravel()


def heat(z, decimals: int = 3) -> np.ndarray:
    """Heatmap values over a grid as one rounded 1-D float32 column.

    Heatmaps are sent in column form (1-D ``x``, ``y``, ``z`` of one entry per
    grid point): a 2-D ``z`` would travel as nested JSON lists, which
    ipywidgets walks element by element, while 1-D float32 travels as one
    binary buffer. Rounding keeps the values honest to what the eye can see.
    """
    return np.round(np.asarray(z, dtype=np.float64).ravel(), decimals).astype(np.float32)


def base_layout(title: str, width: int = WIDTH, height: int = HEIGHT) -> dict:
    """Layout shared by the figures: explicit size (FigureWidget does not resize in tabs)."""
    return dict(
        title=dict(text=title, x=0.02, xanchor="left", font=dict(size=14)),
        width=width,
        height=height,
        margin=dict(l=45, r=20, t=60, b=80),
        template="plotly_white",
        legend=dict(orientation="h", y=-0.1),
        clickmode="event",
    )


def axis_name(i: int, axis: str) -> str:
    """Layout key of the ``i``-th (0-based) x or y axis: ``xaxis``, ``xaxis2``, ..."""
    return f"{axis}axis" if i == 0 else f"{axis}axis{i + 1}"


def axis_ref(i: int, axis: str) -> str:
    """Trace reference of the ``i``-th (0-based) axis: ``x``, ``x2``, ..."""
    return axis if i == 0 else f"{axis}{i + 1}"


def panels(titles, gap: float = PANEL_GAP, widths=None) -> dict:
    """Layout entries for panels side by side, each with its own pair of axes.

    Parameters
    ----------
    titles : list of str
        One title per panel, drawn above it.
    gap : float
        Space between panels, as a share of the figure width.
    widths : list of float, optional
        Relative panel widths (default: equal).

    Returns
    -------
    dict
        ``xaxis``/``yaxis`` entries (anchored in pairs) and ``annotations``.
    """
    n = len(titles)
    w = np.ones(n) if widths is None else np.asarray(widths, dtype=float)
    w = w / w.sum() * (1 - gap * (n - 1))
    out, notes, left = {}, [], 0.0
    for i, text in enumerate(titles):
        dom = [round(left, 4), round(min(left + w[i], 1.0), 4)]
        out[axis_name(i, "x")] = dict(domain=dom, anchor=axis_ref(i, "y"))
        out[axis_name(i, "y")] = dict(domain=[0, 1], anchor=axis_ref(i, "x"))
        notes.append(
            dict(
                text=text,
                x=(dom[0] + dom[1]) / 2,
                y=1.0,
                xref="paper",
                yref="paper",
                xanchor="center",
                yanchor="bottom",
                showarrow=False,
                font=dict(size=12),
            )
        )
        left = dom[1] + gap
    out["annotations"] = notes
    return out
