"""Jupyter widgets: each a testable controller plus plotly/ipywidgets views."""

from .explorer import Explorer, ExplorerController

__all__ = ["Explorer", "ExplorerController"]
