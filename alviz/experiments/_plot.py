"""A plain learning-curve figure, used when ``alviz.viz.learning_curves`` is not there."""

from __future__ import annotations

__all__ = ["curves_figure"]

_PALETTE = (
    "#4C72B0",
    "#DD8452",
    "#55A868",
    "#C44E52",
    "#8172B3",
    "#937860",
    "#DA8BC3",
    "#8C8C8C",
    "#CCB974",
    "#64B5CD",
)


def _rgba(hex_color: str, alpha: float) -> str:
    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def curves_figure(curves, metric: str, confidence: float, width: int = 760, height: int = 460):
    """Mean learning curve per (strategy, model) with a shaded confidence band.

    Parameters
    ----------
    curves : pandas.DataFrame
        As :meth:`Results.curves` returns it.
    metric : str
        Name for the y axis.
    confidence : float
        Coverage of the band, for the legend.
    width, height : int
        Figure size in pixels.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    import plotly.graph_objects as go

    fig = go.Figure()
    groups = list(curves.groupby(["strategy", "model"], sort=False))
    several_models = curves["model"].nunique() > 1
    for i, ((strategy, model), c) in enumerate(groups):
        color = _PALETTE[i % len(_PALETTE)]
        name = f"{strategy} · {model}" if several_models else str(strategy)
        band = c.dropna(subset=["low", "high"])
        if len(band):
            fig.add_trace(
                go.Scatter(
                    x=[*band["n_labeled"], *band["n_labeled"][::-1]],
                    y=[*band["high"], *band["low"][::-1]],
                    fill="toself",
                    fillcolor=_rgba(color, 0.18),
                    line={"width": 0},
                    hoverinfo="skip",
                    showlegend=False,
                    legendgroup=name,
                    name=f"{name} {confidence:.0%} band",
                )
            )
        fig.add_trace(
            go.Scatter(
                x=c["n_labeled"],
                y=c["mean"],
                mode="lines",
                line={"color": color, "width": 2},
                name=name,
                legendgroup=name,
                customdata=c["n_seeds"],
                hovertemplate=f"{name}<br>%{{x}} labels: %{{y:.4f}}"
                "<br>%{customdata} seeds<extra></extra>",
            )
        )
    fig.update_layout(
        width=width,
        height=height,
        template="plotly_white",
        xaxis_title="labels used",
        yaxis_title=f"test {metric} (mean, {confidence:.0%} band over seeds)",
        legend_title="strategy",
        margin={"l": 60, "r": 20, "t": 30, "b": 50},
    )
    return fig
