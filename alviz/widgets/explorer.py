"""Explorer: step an active-learning run, click points to label them, watch the boundary move."""

from __future__ import annotations

import ipywidgets as W
import plotly.graph_objects as go

from .. import acquisition, models, viz
from ..session import Session
from ..viz.boundary import TRACE
from ._base import Controller, copy_figure, guarded

__all__ = ["Explorer", "ExplorerController"]


class ExplorerController(Controller):
    """State and actions of the Explorer, without any widget.

    Parameters
    ----------
    dataset : Dataset
    resolution : int
        Grid points per axis of the maps.
    **session_params
        Passed to :class:`alviz.Session` (model, strategy, batch_size, initial, seed, ...).

    Attributes
    ----------
    session : Session
    boundary : plotly.graph_objects.FigureWidget
        The decision-boundary figure, updated in place on every change.
    """

    def __init__(self, dataset, resolution: int = 100, **session_params):
        super().__init__()
        self.resolution = resolution
        self.session = Session(dataset, **session_params)
        self.boundary = go.FigureWidget(viz.decision_boundary(self.session, resolution))
        self.observe(lambda _: self.redraw())

    @property
    def status(self) -> str:
        """One line: round, labels, pool and the last test accuracy and ECE."""
        s = self.session
        m = s.history[-1].metrics if s.history else {}
        acc = f"{m['accuracy']:.1%}" if "accuracy" in m else "–"
        ece = f"{m['ece']:.3f}" if "ece" in m else "–"
        return (
            f"round {len(s.history)} · {len(s.labeled_indices)} labels · pool "
            f"{s.pool_size()} · test accuracy {acc} · ECE {ece}"
        )

    def redraw(self) -> None:
        """Rebuild the figures from the session and patch the widgets in place."""
        copy_figure(self.boundary, viz.decision_boundary(self.session, self.resolution))

    @guarded
    def step(self):
        """One active-learning round: refit, query, label (by the oracle), redraw."""
        return self.session.step()

    @guarded
    def undo(self):
        """Undo the last step or label."""
        if not self.session.undo():
            self.message = "Nothing to undo: this is the start of the run."

    @guarded
    def reset(self):
        """Start the run again from the initial labels."""
        self.session.reset()

    @guarded
    def set_strategy(self, name: str):
        """Switch the acquisition strategy (history kept)."""
        self.session.set_strategy(name)

    @guarded
    def set_model(self, name: str):
        """Switch the model (history kept)."""
        self.session.set_model(name)

    @guarded
    def on_point_click(self, index: int, label: int | None = None):
        """Label the clicked point: with ``label`` if given, else with its true label."""
        s = self.session
        if index in set(s.labeled_indices.tolist()) and label is None:
            self.message = f"Point {index} is already labeled; pick a class to relabel it."
            return
        if label is None:
            label = int(s.dataset.y[index])
            if label < 0:
                raise ValueError(f"point {index} has no known label: choose its class.")
        s.label(int(index), int(label))


class Explorer(W.VBox):
    """The Explorer widget: controls on top, the decision boundary below.

    Parameters
    ----------
    dataset : Dataset
    **params
        Passed to :class:`ExplorerController`.

    Attributes
    ----------
    controller : ExplorerController
    """

    def __init__(self, dataset, **params):
        self.controller = c = ExplorerController(dataset, **params)
        s = c.session
        self.strategy = W.Dropdown(
            options=acquisition.names(), value=s.strategy.name, description="strategy"
        )
        self.model = W.Dropdown(options=models.names(), value=s.model_label, description="model")
        self.step_button = W.Button(description="Step", button_style="primary", icon="forward")
        self.undo_button = W.Button(description="Undo", icon="undo")
        self.reset_button = W.Button(description="Reset", icon="refresh")
        self.status = W.HTML()
        self.message = W.HTML()
        self.step_button.on_click(lambda _: c.step())
        self.undo_button.on_click(lambda _: c.undo())
        self.reset_button.on_click(lambda _: c.reset())
        self.strategy.observe(lambda ch: c.set_strategy(ch["new"]), names="value")
        self.model.observe(lambda ch: c.set_model(ch["new"]), names="value")
        pool = c.boundary.data[TRACE["pool"]]
        pool.on_click(self._on_click)
        c.observe(lambda _: self._show())
        self._show()
        super().__init__(
            [
                W.HBox([self.strategy, self.model]),
                W.HBox([self.step_button, self.undo_button, self.reset_button]),
                self.status,
                self.message,
                c.boundary,
            ]
        )

    def _on_click(self, trace, points, selector):
        # plotly calls every trace's handler; only the clicked one gets point indices.
        if not points.point_inds:
            return
        self.controller.on_point_click(int(trace.customdata[points.point_inds[0]]))

    def _show(self):
        self.status.value = f"<b>{self.controller.status}</b>"
        msg = self.controller.message
        self.message.value = f"<span style='color:#b00'>{msg}</span>" if msg else ""
