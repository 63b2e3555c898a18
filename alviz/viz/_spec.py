"""A figure as plain data, so widgets can patch only what changed.

Building a ``plotly.graph_objects.Figure`` validates every property and
copies the template, which costs tens of milliseconds; a widget that
redraws on every click patches its ``FigureWidget`` from a
:class:`FigureSpec` instead, and the public builders wrap the same spec in
a Figure.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import plotly.graph_objects as go

__all__ = ["FigureSpec"]


@dataclass
class FigureSpec:
    """Traces and layout of one figure as plain dicts.

    Attributes
    ----------
    traces : list of dict
        Plotly trace dicts with a ``type`` key, in a fixed order per builder
        (so a widget can update them in place).
    layout : dict
        The full layout.
    live : dict
        The part of the layout that changes from one redraw to the next
        (title, axis ranges, annotations): what a widget patches.
    """

    traces: list = field(default_factory=list)
    layout: dict = field(default_factory=dict)
    live: dict = field(default_factory=dict)

    def figure(self) -> go.Figure:
        """The spec as a plotly Figure."""
        fig = go.Figure(data=self.traces, layout=self.layout)
        if self.live:
            fig.update_layout(self.live)
        return fig
