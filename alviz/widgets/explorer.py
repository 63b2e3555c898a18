"""Explorer: step an active-learning run, click points to label them, watch the model think."""

from __future__ import annotations

import ipywidgets as W
import numpy as np

from .. import acquisition, models, viz
from ..calibration import expected_calibration_error
from ..viz._panels import get as panel_info
from ..viz.calibration import test_probs
from . import _links
from ._base import guarded
from ._board import Board, arrange, board_size
from ._run import RunController
from ._setup import dataset_tasks, resolve_dataset
from ._views import ControlsMixin, SyncMixin, message_html

__all__ = [
    "CONTROLS",
    "EXPLORER_DATASETS",
    "PANELS",
    "Explorer",
    "ExplorerController",
    "explorer_datasets",
]

#: Every live panel the Explorer can show, in display order.
PANELS = ("boundary", "acquisition", "uncertainty", "calibration", "learning", "why")
#: Board rows: (panels, their widths in pixels, row height in pixels).
LAYOUT = (
    (("boundary", "acquisition"), (575, 575), 520),
    (("uncertainty",), (1150,), 420),
    (("calibration", "learning"), (680, 470), 440),
    (("why",), (1150,), 380),
)
#: The Explorer's control groups, in display order (``controls=`` picks some).
CONTROLS = ("data", "model", "strategy", "batch", "buttons", "play", "click", "settings")
#: A click this close to a pending query (share of the plot's diagonal) labels that query.
SNAP = 0.02
#: Datasets listed first in the Explorer's dataset menu (the 2-D worlds, then the real data);
#: every other registered classification dataset follows (see :func:`explorer_datasets`).
EXPLORER_DATASETS = (
    "moons", "circles", "xor", "blobs", "spirals", "imbalanced", "aleatoric", "epistemic",
    "aleatoric_epistemic", "outliers", "groups", "iris", "wine", "breast_cancer", "digits",
)  # fmt: skip
#: Label-choice value meaning "the true label" (a Dropdown shows ``None`` as a blank).
TRUE_LABEL = -1


def explorer_datasets() -> list[str]:
    """Every registered classification dataset: the usual ones first, then the rest by name.

    Includes datasets added with :func:`alviz.datasets.register`.
    """
    tasks = dataset_tasks()
    ours = [n for n in EXPLORER_DATASETS if tasks.get(n) == "classification"]
    rest = sorted(n for n, t in tasks.items() if t == "classification" and n not in ours)
    return ours + rest


class ExplorerController(RunController):
    """State and actions of the Explorer, without any widget.

    Parameters
    ----------
    dataset : Dataset or str
        A classification Dataset, or the name of a registered one.
    resolution : int
        Grid points per axis of the maps.
    panels : tuple of str
        Which live panels to keep up to date (a subset of :data:`PANELS`).
    baseline : bool
        Run a random-sampling twin (same model and seed) for the learning curve.
    size : {"notebook", "slide", "app"} or int or (int, int)
        Board size: a named width (980, 1200, 1400 px), a width, or (width, height).
        Below 760 px the panels stack one per row.
    controls : tuple of str
        Which control groups the widget shows (a subset of :data:`CONTROLS`).
    **session_params
        Passed to :class:`alviz.Session` (model, strategy, batch_size, initial,
        oracle, seed, ...).

    Attributes
    ----------
    session : Session
    figure : plotly.graph_objects.FigureWidget
        One live figure holding every panel, patched in place on every change
        (see :meth:`panel` for one panel's traces).
    focus : int or None
        The point the "why this point?" panel explains (None: the next query).
    click_mode : {"label", "inspect"}
        What a click on a point does.
    label_choice : int or None
        The class a click gives (None: the true label, for simulated oracles).
    playing : bool
        Whether Play is running.
    redraw_seconds : float
        How long the last redraw of every panel took.
    """

    widget_name = "explorer"

    def __init__(
        self,
        dataset,
        resolution: int = 100,
        panels=PANELS,
        baseline=True,
        size="notebook",
        controls=CONTROLS,
        **params,
    ):
        if isinstance(panels, str) or isinstance(controls, str):
            raise TypeError(
                "panels and controls must be sequences of names, e.g. panels=('boundary',); "
                f"got panels={panels!r}, controls={controls!r}."
            )
        unknown = set(panels) - set(PANELS)
        if unknown:
            raise ValueError(f"unknown panel(s) {sorted(unknown)}; choose from {list(PANELS)}.")
        unknown = set(controls) - set(CONTROLS)
        if unknown:
            raise ValueError(f"unknown control(s) {sorted(unknown)}; choose from {list(CONTROLS)}.")
        board_size(size)  # a bad size fails before any work
        self.panels = tuple(p for p in PANELS if p in panels)
        self.board = Board(*arrange(LAYOUT, self.panels, size))
        with self.board.opening():  # the browser loads plotly while the session fits
            super().__init__(dataset, baseline=baseline, **params)
            if self.session.task != "classification":
                raise ValueError(
                    f"the Explorer draws classification worlds; {self.session.dataset.name!r} "
                    f"is a {self.session.task} task: use alviz.widgets.RegressionExplorer."
                )
            self.resolution = resolution
            self.click_mode = "label"
            self.label_choice = None
            self.size = list(size) if isinstance(size, tuple | list) else size
            self.controls = tuple(c for c in CONTROLS if c in controls)
            self.redraw()

    # ------------------------------------------------------------------ views
    @property
    def figure(self):
        """The live figure with every panel."""
        return self.board.figure

    def panel(self, name: str) -> tuple:
        """The live traces of one panel, in the order its builder gives them.

        E.g. ``controller.panel("boundary")[TRACE["queried"]].customdata``.
        """
        if name not in self.panels:
            raise ValueError(f"panel {name!r} is not shown; shown: {list(self.panels)}.")
        return self.board.traces(name)

    def why_index(self):
        """The point the "why this point?" panel explains now (None when the pool is empty)."""
        s = self.session
        if self.focus is not None:
            return self.focus
        if len(s.pending):
            return int(s.pending[0])
        if s.pool_size() == 0:
            return None
        idx, _ = viz.next_queries(s, 1)
        return int(idx[0]) if len(idx) else None

    def _spec(self, name: str):
        s, build = self.session, panel_info(name).build
        if name in ("boundary", "acquisition", "uncertainty"):
            return build(s, self.resolution)
        if name == "learning":
            return build([s], baseline=self.random_baseline(), current=True)
        if name == "why":
            index = self.why_index()
            if index is None:
                return viz.FigureSpec(
                    [], {"title": {"text": "Why this point? (no point left)"}}, {}
                )
            return build(s, index)
        return build(s)

    def redraw(self) -> None:
        """Rebuild every panel's content from the session and patch the live figure once."""
        self.board.update({name: self._spec(name) for name in self.panels})

    @property
    def status(self) -> str:
        """One line: round, labels, pool, and the current model's test accuracy and ECE."""
        s = self.session
        acc = ece = "–"
        if len(s.dataset.y_test):
            probs, y = test_probs(s)
            acc = f"{float((probs.argmax(axis=1) == y).mean()):.1%}"
            ece = f"{expected_calibration_error(probs, y):.3f}"
        waiting = f" · {len(s.pending)} waiting for your label" if len(s.pending) else ""
        return (
            f"round {len(s.history)} · {len(s.labeled_indices)} labels · pool "
            f"{s.pool_size()} · test accuracy {acc} · ECE {ece}{waiting}"
        )

    # ------------------------------------------------------------------ actions
    @guarded
    def on_point_click(self, index: int, label: int | None = None):
        """Label the clicked point (or, in inspect mode, explain it).

        Parameters
        ----------
        index : int
            Dataset index of the clicked point.
        label : int, optional
            The class to give; default :attr:`label_choice`, else the true label
            (simulated and noisy oracles only: with a human oracle, choose).
        """
        s = self.session
        index = int(index)
        if self.click_mode == "inspect":
            self.focus = index
            return
        index = self._snap_to_query(index)
        label = self.label_choice if label is None else label
        labeled = dict(zip(s.labeled_indices.tolist(), s.labels.tolist(), strict=True))
        if index in labeled and label is None:
            name = s.dataset.classes[labeled[index]]
            self.message = (
                f"Point {index} is already labeled ({name}). To change its label, choose a "
                f"class under 'label as' and click it again."
            )
            return
        if label is None:
            truth = int(s.dataset.y[index])
            if getattr(s.oracle, "name", "") == "human" or truth < 0:
                raise ValueError(
                    f"You are the oracle: choose the class of point {index} under 'label as' "
                    f"first, then click it."
                )
            label = truth
        s.label(index, int(label))
        self.focus = index

    def _snap_to_query(self, index: int) -> int:
        """The pending query under the click, if the click landed on a point beside its star.

        plotly gives a click to the nearest marker centre, weighted by marker size; the star
        is drawn over the queried point, and its path's centre is not the marker's, so a
        click on the star often reaches a small pool point next to it (seen in Chromium:
        #246 labeled instead of the queried #85). A click within :data:`SNAP` of the plot's
        span from a pending query means that query.
        """
        s = self.session
        pending = s.pending
        if not len(pending) or index in set(pending.tolist()):
            return index
        X2d = s.dataset.X2d
        span = float(np.linalg.norm(X2d.max(axis=0) - X2d.min(axis=0))) or 1.0
        d = np.linalg.norm(X2d[pending] - X2d[index], axis=1)
        j = int(np.argmin(d))
        return int(pending[j]) if d[j] <= SNAP * span else index

    @guarded
    def inspect(self, index: int | None):
        """Explain ``index`` in the "why this point?" panel (None: the next query)."""
        self.focus = None if index is None else int(index)

    # ------------------------------------------------------------------ settings
    def settings(self) -> dict:
        """Dataset, Session parameters, resolution, panels and Play speed as plain values."""
        return {
            **super().settings(),
            "resolution": self.resolution,
            "panels": list(self.panels),
            "controls": list(self.controls),
            "size": self.size,
        }

    def _apply_settings(self, settings: dict) -> None:
        super()._apply_settings(settings)
        self.resolution = int(settings.get("resolution", self.resolution))

    @classmethod
    def from_settings(cls, code: str, **overrides) -> ExplorerController:
        """A controller set up from a string made by :meth:`export_settings`."""
        st, kwargs = cls._init_from_settings(code, overrides)
        ctl = cls(
            resolve_dataset(st["dataset"]),
            resolution=int(st.get("resolution", 100)),
            panels=tuple(st.get("panels", PANELS)),
            controls=tuple(st.get("controls", CONTROLS)),
            size=st.get("size", "notebook"),
            **kwargs,
        )
        ctl.speed = float(st.get("speed", ctl.speed))
        return ctl


class Explorer(ControlsMixin, SyncMixin, W.VBox):
    """The Explorer widget: controls, status line, and live panels.

    Parameters
    ----------
    dataset : Dataset or str
    controller : ExplorerController, optional
        Use this controller instead of making one.
    **params
        Passed to :class:`ExplorerController` (resolution, panels, model,
        strategy, batch_size, initial, oracle, seed, ...).

    Attributes
    ----------
    controller : ExplorerController
    """

    def __init__(self, dataset=None, controller: ExplorerController | None = None, **params):
        if controller is None:
            if dataset is None:
                raise TypeError("Explorer needs a dataset (a Dataset or a name such as 'moons').")
            controller = ExplorerController(dataset, **params)
        self.controller = c = controller
        s = c.session
        names = explorer_datasets()
        if s.dataset.name not in names:
            names.insert(0, s.dataset.name)
        self.dataset = W.Dropdown(options=names, value=s.dataset.name, description="data")
        self.model = W.Dropdown(
            options=_with(models.names("classification"), s.model_label),
            value=s.model_label,
            description="model",
        )
        self.strategy = W.Dropdown(
            options=acquisition.names("classification"), value=s.strategy.name,
            description="strategy",
        )  # fmt: skip
        self.batch_size = W.BoundedIntText(
            value=s.batch_size, min=1, max=100, description="batch", layout=W.Layout(width="150px")
        )
        self.click_mode = W.ToggleButtons(
            options=[("click labels", "label"), ("click explains", "inspect")],
            value="label",
            style={"button_width": "110px"},
        )
        self.label_choice = W.Dropdown(
            options=self._label_options(), value=TRUE_LABEL, description="label as",
            layout=W.Layout(width="220px"),
        )  # fmt: skip
        self.settings_code = W.Text(
            description="settings", placeholder="paste a settings code and press Enter",
            continuous_update=False, layout=W.Layout(width="560px"),
        )  # fmt: skip
        self.build_buttons()
        self.status = W.HTML()
        self.message = W.HTML()
        self.link(self.dataset, self._on_dataset)
        self.link(self.model, lambda v: self.busy_while(c.set_model, v))
        self.link(self.strategy, lambda v: self.busy_while(c.set_strategy, v))
        self.link(self.batch_size, lambda v: c.set_batch_size(v))
        self.link(self.click_mode, lambda v: setattr(c, "click_mode", v))
        self.link(
            self.label_choice,
            lambda v: setattr(c, "label_choice", None if v in (None, TRUE_LABEL) else int(v)),
        )
        self.link(self.settings_code, lambda v: c.restore(v) if v.strip() else None)
        self._wire_clicks()
        c.observe(lambda _: self._show())
        self._show()
        shown = set(c.controls)
        groups = {
            "data": self.dataset, "model": self.model, "strategy": self.strategy,
            "batch": self.batch_size, "play": self.play_box,
        }  # fmt: skip
        rows = [
            [groups[k] for k in ("data", "model", "strategy", "batch") if k in shown],
            ([*self.buttons] if "buttons" in shown else [])
            + ([self.play_box] if "play" in shown else [self.busy]),
            [self.click_mode, self.label_choice] if "click" in shown else [],
        ]
        # Room beside the settings code for more links (e.g. an app link).
        self.links = W.HBox([self.settings_code, _links.link_box(c)] if "settings" in shown else [])
        super().__init__(
            [
                *[W.HBox(r, layout=W.Layout(flex_flow="row wrap")) for r in rows if r],
                self.status,
                self.message,
                c.figure,
                self.links,
            ]
        )

    def _label_options(self):
        ds = self.controller.session.dataset
        return [("true label", TRUE_LABEL)] + [(str(n), k) for k, n in enumerate(ds.classes)]

    def _wire_clicks(self):
        c = self.controller
        for name in c.panels:
            info = panel_info(name)
            for key in info.clickable:
                c.board.on_click(name, info.traces[key], self._clicked)

    def _on_dataset(self, name):
        self.busy_while(self.controller.set_dataset, name)

    def _clicked(self, index: int) -> None:
        self.busy_while(self.controller.on_point_click, index)

    def _show(self):
        c = self.controller
        s = c.session
        with self.syncing():
            self.dataset.value = (
                s.dataset.name if s.dataset.name in self.dataset.options else (self.dataset.value)
            )
            self.strategy.value = s.strategy.name
            if s.model_label in self.model.options:
                self.model.value = s.model_label
            self.batch_size.value = s.batch_size
            options = self._label_options()
            if [o[0] for o in self.label_choice.options] != [o[0] for o in options]:
                self.label_choice.options = options
                c.label_choice = None
            self.label_choice.value = TRUE_LABEL if c.label_choice is None else c.label_choice
        self.status.value = f"<b>{c.status}</b>"
        self.message.value = message_html(c.message)
        self.settings_code.placeholder = c.export_settings() if _shareable(c) else ""
        self.sync_play()

    @classmethod
    def from_settings(cls, code: str, **overrides) -> Explorer:
        """An Explorer set up from a string made by ``controller.export_settings()``."""
        return cls(controller=ExplorerController.from_settings(code, **overrides))


def _with(options: list, value) -> list:
    return options if value in options else [value, *options]


def _shareable(controller) -> bool:
    return bool(controller.session.dataset.meta.get("registry"))
