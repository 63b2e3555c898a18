"""One look for every figure: class colours, sizes, fonts."""

from __future__ import annotations

#: Okabe & Ito (2008) colour-blind-safe palette; class k gets CLASS_COLORS[k % 8].
CLASS_COLORS = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",  # black
)
POOL_COLOR = "rgba(120,120,120,0.45)"
QUERY_COLOR = "#D62728"
WIDTH, HEIGHT = 560, 480


def class_color(k: int) -> str:
    """Colour of class ``k``, the same in every figure."""
    return CLASS_COLORS[int(k) % len(CLASS_COLORS)]


def base_layout(title: str, width: int = WIDTH, height: int = HEIGHT) -> dict:
    """Layout shared by the map figures: explicit size (FigureWidget does not resize in tabs)."""
    return dict(
        title=dict(text=title, x=0.02, xanchor="left", font=dict(size=15)),
        width=width,
        height=height,
        margin=dict(l=40, r=20, t=50, b=40),
        template="plotly_white",
        legend=dict(orientation="h", y=-0.08),
        clickmode="event",
    )
