"""RegressionExplorer: watch a 1-D regression model's aleatoric and epistemic bands as it asks."""

from __future__ import annotations

import ipywidgets as W
import numpy as np

from .. import acquisition, models
from ..viz._panels import get as panel_info
from ._base import guarded
from ._board import Board, arrange, board_size
from ._run import RunController
from ._setup import dataset_tasks, resolve_dataset
from ._views import ControlsMixin, SyncMixin, message_html

__all__ = [
    "DEFAULT_MODEL",
    "REGRESSION_DATASETS",
    "RegressionExplorer",
    "RegressionExplorerController",
]

#: 1-D regression worlds offered in the dataset menu.
REGRESSION_DATASETS = ("hetero_sine", "step")
#: The model a RegressionExplorer starts with: the ensemble of β-NLL members with
#: randomized priors, the one regressor that shows both a learned noise band and an
#: epistemic band that widens in the gap (the hetero_sine card's claims test it).
DEFAULT_MODEL = "deep_ensemble_regressor"


class RegressionExplorerController(RunController):
    """State and actions of the RegressionExplorer, without any widget.

    Parameters
    ----------
    dataset : Dataset or str
        A 1-D regression Dataset or the name of one (``hetero_sine``, ``step``).
    baseline : bool
        Run a random-sampling twin for the learning curve.
    size : {"notebook", "slide", "app"} or int or (int, int)
        Board size (see :class:`ExplorerController`).
    **session_params
        Passed to :class:`alviz.Session` (model, strategy, batch_size, initial, seed, ...).

    Attributes
    ----------
    session : Session
    figure : plotly.graph_objects.FigureWidget
        The bands with the strategy's scores, and the learning curve (RMSE).
    """

    widget_name = "regression"

    def __init__(
        self, dataset="hetero_sine", baseline: bool = True, size="notebook", **session_params
    ):
        board_size(size)  # a bad size fails before any work
        rows = ((("bands", "learning"), (700, 450), 540),)
        self.board = Board(*arrange(rows, {"bands", "learning"}, size))
        with self.board.opening():  # the browser loads plotly while the session fits
            session_params.setdefault("model", DEFAULT_MODEL)
            super().__init__(dataset, baseline=baseline, **session_params)
            ds = self.session.dataset
            if ds.task != "regression" or ds.n_features != 1:
                raise ValueError(
                    f"the RegressionExplorer draws 1-D regression worlds; {ds.name!r} is a "
                    f"{ds.task} task with {ds.n_features} feature(s). Use the Explorer for "
                    f"classification."
                )
            self.size = list(size) if isinstance(size, tuple | list) else size
            self.redraw()

    @property
    def figure(self):
        """The live figure: bands and scores, then the learning curve."""
        return self.board.figure

    def panel(self, name: str) -> tuple:
        """The live traces of ``"bands"`` or ``"learning"``."""
        return self.board.traces(name)

    def redraw(self) -> None:
        """Rebuild both panels from the session in one message."""
        bands = panel_info("regression").build(self.session)
        learning = panel_info("learning").build(
            [self.session], metric="rmse", baseline=self.random_baseline()
        )
        learning.layout["legend"] = {"orientation": "h", "y": -0.2}
        self.board.update({"bands": bands, "learning": learning})

    @property
    def status(self) -> str:
        """Round, labels, pool and the last test RMSE."""
        s = self.session
        # The model shown now (after a model switch the last round's record is the old one's).
        m = s.evaluate() if s.fit() is not None else {}
        rmse = f"{m['rmse']:.3f}" if "rmse" in m else "–"
        return (
            f"round {len(s.history)} · {len(s.labeled_indices)} labels · pool {s.pool_size()} · "
            f"test RMSE {rmse} ({s.model_label})"
        )

    def settings(self) -> dict:
        """Dataset, Session parameters, Play speed and board size as plain values."""
        return {**super().settings(), "size": self.size}

    @guarded
    def on_point_click(self, index: int, label: float | None = None):
        """Label the clicked pool point with its true target (or ``label``)."""
        s = self.session
        index = int(index)
        if index in set(s.labeled_indices.tolist()) and label is None:
            self.message = f"Point {index} is already labeled."
            return
        if label is None:
            label = float(s.dataset.y[index])
            if not np.isfinite(label):
                raise ValueError(f"point {index} has no known target: give one as label=...")
        s.label(index, float(label))


class RegressionExplorer(ControlsMixin, SyncMixin, W.VBox):
    """Step a 1-D regression run and watch the mean, aleatoric and epistemic bands.

    Parameters
    ----------
    dataset : Dataset or str
    **params
        Passed to :class:`RegressionExplorerController`.

    Attributes
    ----------
    controller : RegressionExplorerController
    """

    def __init__(self, dataset="hetero_sine", controller=None, **params):
        if controller is None:
            controller = RegressionExplorerController(dataset, **params)
        self.controller = c = controller
        s = c.session
        tasks = dataset_tasks()
        # The 1-D worlds (other regression data has more features than the bands can draw).
        names = [n for n in REGRESSION_DATASETS if tasks.get(n) == "regression"]
        if s.dataset.name not in names:
            names.insert(0, s.dataset.name)
        self.dataset = W.Dropdown(options=names, value=s.dataset.name, description="data")
        reg_models = models.names("regression")
        self.model = W.Dropdown(
            options=reg_models if s.model_label in reg_models else [s.model_label, *reg_models],
            value=s.model_label,
            description="model",
        )
        self.strategy = W.Dropdown(
            options=acquisition.names("regression"), value=s.strategy.name,
            description="strategy",
        )  # fmt: skip
        self.build_buttons()
        self.status, self.message = W.HTML(), W.HTML()
        self.link(self.dataset, lambda v: self.busy_while(c.set_dataset, v))
        self.link(self.model, lambda v: self.busy_while(c.set_model, v))
        self.link(self.strategy, lambda v: self.busy_while(c.set_strategy, v))
        info = panel_info("regression")
        for key in info.clickable:
            c.board.on_click("bands", info.traces[key], self._clicked)
        c.observe(lambda _: self._show())
        self._show()
        super().__init__(
            [
                W.HBox([self.dataset, self.model, self.strategy]),
                W.HBox([*self.buttons, self.play_box]),
                self.status,
                self.message,
                c.figure,
            ]
        )

    def _clicked(self, index: int) -> None:
        self.busy_while(self.controller.on_point_click, index)

    def _show(self):
        c = self.controller
        s = c.session
        with self.syncing():
            if s.dataset.name in self.dataset.options:
                self.dataset.value = s.dataset.name
            if s.model_label in self.model.options:
                self.model.value = s.model_label
            self.strategy.value = s.strategy.name
        self.status.value = f"<b>{c.status}</b>"
        self.message.value = message_html(c.message)
        self.sync_play()

    @classmethod
    def from_settings(cls, code: str, **overrides) -> RegressionExplorer:
        """A RegressionExplorer set up from ``controller.export_settings()``'s string."""
        st, kwargs = RegressionExplorerController._init_from_settings(code, overrides)
        ctl = RegressionExplorerController(
            resolve_dataset(st["dataset"]), size=st.get("size", "notebook"), **kwargs
        )
        ctl.speed = float(st.get("speed", ctl.speed))
        return cls(controller=ctl)
