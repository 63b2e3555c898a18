"""Compare: two to four strategies side by side on the same data and seed, stepping in sync."""

from __future__ import annotations

import ipywidgets as W

from ..session import Session
from ..viz._panels import get as panel_info
from ._base import Controller, Stepper, guarded
from ._board import Board, arrange, board_size
from ._settings import decode_settings
from ._setup import SESSION_KEYS, dataset_settings, resolve_dataset, session_settings
from ._views import ControlsMixin, message_html

__all__ = ["Compare", "CompareController"]

#: What each strategy's panel can show (rows of the panel table).
MAPS = ("boundary", "acquisition")
MAP_HEIGHT, CURVE_HEIGHT = 420, 400


class CompareController(Stepper, Controller):
    """Several strategies on the same data, model and seed, stepped together.

    Parameters
    ----------
    dataset : Dataset or str
    strategies : sequence of str
        Two to four strategy names.
    resolution : int
        Grid points per axis of the maps.
    map : {"boundary", "acquisition"}
        What each strategy's panel shows.
    size : {"notebook", "slide", "app"} or int or (int, int)
        Board size (see :class:`ExplorerController`).
    **session_params
        Passed to every :class:`alviz.Session` (model, batch_size, initial, seed, ...).

    Attributes
    ----------
    sessions : list of Session
        One per strategy, in the order given; all start from the same labels.
    figure : plotly.graph_objects.FigureWidget
        One map per strategy and the shared learning curve.
    """

    widget_name = "compare"

    def __init__(
        self,
        dataset,
        strategies=("random", "entropy", "bald"),
        resolution: int = 60,
        map: str = "boundary",
        size="notebook",
        **session_params,
    ):
        super().__init__()
        board_size(size)  # a bad size fails before any work
        strategies = list(strategies)
        if not 2 <= len(strategies) <= 4 or len(set(strategies)) != len(strategies):
            raise ValueError(
                f"strategies must be 2 to 4 different names; got {strategies!r}. Compare "
                f"e.g. ['random', 'entropy', 'bald']."
            )
        if map not in MAPS:
            raise ValueError(f"map must be one of {sorted(MAPS)}; got {map!r}.")
        session_params.pop("strategy", None)
        maps = tuple(f"map{i}" for i in range(len(strategies)))
        rows = ((maps, (1,) * len(maps), MAP_HEIGHT), (("learning",), (1,), CURVE_HEIGHT))
        self.board = Board(*arrange(rows, {*maps, "learning"}, size))
        with self.board.opening():  # the browser loads plotly while the sessions fit
            ds = resolve_dataset(dataset)
            self.sessions = [Session(ds, strategy=s, **session_params) for s in strategies]
            self.resolution, self.map = resolution, map
            self.size = list(size) if isinstance(size, tuple | list) else size
            self.redraw()

    @property
    def figure(self):
        """The live figure: the maps, then the shared learning curve."""
        return self.board.figure

    @property
    def strategies(self) -> list[str]:
        """The strategies compared, in display order."""
        return [s.strategy.name for s in self.sessions]

    def panel(self, name: str) -> tuple:
        """The live traces of ``"map0"``, ``"map1"``, ... or ``"learning"``."""
        return self.board.traces(name)

    def _map_spec(self, i: int, session):
        spec = panel_info(self.map).build(session, self.resolution)
        m = session.history[-1].metrics if session.history else {}
        acc = f" · accuracy {m['accuracy']:.0%}" if "accuracy" in m else ""
        title = f"<b>{session.strategy.name}</b> · {len(session.labeled_indices)} labels{acc}"
        spec.layout["title"] = {"text": title}
        spec.live["title.text"] = title
        spec.layout["legend"] = {**spec.layout.get("legend", {}), "visible": i == 0}
        spec.layout["margin"] = {"l": 35, "r": 45, "t": 40, "b": 75}
        for t in spec.traces:  # colour bars would crowd a row of small maps
            if "colorbar" in t:
                t["showscale"] = False
        if "coloraxis" in spec.layout:
            spec.layout["coloraxis"]["showscale"] = False
        return spec

    def redraw(self) -> None:
        """Rebuild every map and the shared learning curve in one message."""
        specs = {f"map{i}": self._map_spec(i, s) for i, s in enumerate(self.sessions)}
        specs["learning"] = panel_info("learning").build(
            self.sessions,
            title=f"Learning curves on {self.sessions[0].dataset.name}: same data, model and seed",
        )
        self.board.update(specs)

    @property
    def status(self) -> str:
        """Round and labels, the same for every strategy."""
        s = self.sessions[0]
        return (
            f"round {len(s.history)} · {len(s.labeled_indices)} labels each · pool {s.pool_size()}"
        )

    def _check_can_step(self) -> None:
        s = self.sessions[0]
        if s.pool_size() < s.batch_size:
            raise ValueError(
                "Too few unlabeled points are left for another round. Undo or Reset to go on."
            )

    def _advance(self):
        for s in self.sessions:
            s.step()

    @guarded
    def undo(self):
        """Undo the last round of every strategy."""
        if not all([s.undo() for s in self.sessions]):
            self.message = "Nothing to undo: this is the start of the run."

    @guarded
    def reset(self):
        """Start every run again from the same initial labels."""
        self.playing = False
        for s in self.sessions:
            s.reset()

    @guarded
    def set_map(self, map: str):
        """Show decision boundaries or acquisition maps."""
        if map not in MAPS:
            raise ValueError(f"map must be one of {sorted(MAPS)}; got {map!r}.")
        self.map = map

    def settings(self) -> dict:
        """Dataset, strategies, shared Session parameters, map and resolution."""
        shared = session_settings(self.sessions[0])
        shared.pop("strategy")
        return {
            "widget": self.widget_name,
            "dataset": dataset_settings(self.sessions[0].dataset),
            "strategies": self.strategies,
            "session": shared,
            "resolution": self.resolution,
            "map": self.map,
            "size": self.size,
        }

    def _apply_settings(self, settings: dict) -> None:
        dataset, kwargs = self._arguments(settings, {})
        if len(kwargs["strategies"]) != len(self.sessions):
            raise ValueError(
                f"these settings compare {len(kwargs['strategies'])} strategies and this widget "
                f"shows {len(self.sessions)}: open a new one with Compare.from_settings(code)."
            )
        params = {k: v for k, v in kwargs.items() if k in SESSION_KEYS}
        sessions = [Session(dataset, strategy=s, **params) for s in kwargs["strategies"]]
        self.sessions, self.map, self.resolution = sessions, kwargs["map"], kwargs["resolution"]
        self.playing = False

    @staticmethod
    def _arguments(st: dict, overrides: dict) -> tuple:
        params = {**st.get("session", {}), **overrides}
        if params.get("oracle") != "noisy":
            params.pop("noise", None)
        kwargs = {k: v for k, v in params.items() if k in SESSION_KEYS}
        kwargs.update(
            strategies=list(st["strategies"]),
            resolution=int(st.get("resolution", 60)),
            map=st.get("map", "boundary"),
            size=st.get("size", "notebook"),
        )
        return resolve_dataset(st["dataset"]), kwargs

    @classmethod
    def from_settings(cls, code: str, **overrides) -> CompareController:
        """A controller set up from a string made by :meth:`export_settings`."""
        dataset, kwargs = cls._arguments(decode_settings(code, cls.widget_name), overrides)
        return cls(dataset, **kwargs)


class Compare(ControlsMixin, W.VBox):
    """Strategies side by side: one map each and a shared learning curve.

    Parameters
    ----------
    dataset : Dataset or str
    strategies : sequence of str
        Two to four strategy names.
    **params
        Passed to :class:`CompareController`.

    Attributes
    ----------
    controller : CompareController
    """

    def __init__(self, dataset=None, strategies=("random", "entropy", "bald"), controller=None,
                 **params):  # fmt: skip
        if controller is None:
            controller = CompareController(dataset, strategies=strategies, **params)
        self.controller = c = controller
        self.build_buttons()
        self.map = W.ToggleButtons(
            options=[("decision boundaries", "boundary"), ("acquisition maps", "acquisition")],
            value=c.map,
            style={"button_width": "170px"},  # "decision boundaries" whole,
        )
        self.map.observe(lambda ch: self.busy_while(c.set_map, ch["new"]), names="value")
        self.status, self.message = W.HTML(), W.HTML()
        c.observe(lambda _: self._show())
        self._show()
        super().__init__(
            [W.HBox([*self.buttons, self.play_box]), self.map, self.status, self.message, c.figure]
        )

    def _show(self):
        c = self.controller
        self.status.value = f"<b>{c.status}</b>"
        self.message.value = message_html(c.message)
        self.sync_play()

    @classmethod
    def from_settings(cls, code: str, **overrides) -> Compare:
        """A Compare widget set up from a string made by ``controller.export_settings()``."""
        return cls(controller=CompareController.from_settings(code, **overrides))
