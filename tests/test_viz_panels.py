"""One template every row of the panel table runs through (alviz.viz._panels).

Purity (the Session is never changed), dtypes (arrays travel to the browser
as binary: 1-D, no float64/int64), clickable traces carry dataset indices,
the spec is a valid plotly figure, and a board keeps every layout key.
"""

from __future__ import annotations

import numpy as np
import pytest

import alviz as al
from alviz.viz import FigureSpec
from alviz.viz._panels import PANELS, get, names
from alviz.widgets._board import _BOARD_KEYS, Board, Cell, _axis_key

RES = 20


@pytest.fixture(scope="module")
def sessions():
    clf = al.Session(al.datasets.load("moons", n_samples=160, seed=0), initial=10, seed=0)
    clf.step()
    reg = al.Session(al.datasets.load("hetero_sine", seed=0), strategy="random", seed=0)
    reg.step()
    return {"classification": clf, "regression": reg}


def build(panel, s) -> FigureSpec:
    if panel.source == "sessions":
        return panel.build([s])
    if panel.source == "point":
        return panel.build(s, int(s.pool_indices[0]))
    if panel.name in ("boundary", "acquisition", "uncertainty"):
        return panel.build(s, RES)
    if panel.name == "conformal":
        return panel.build(s, resolution=RES)
    return panel.build(s)


def state(s) -> tuple:
    return (
        s.labeled_indices.tobytes(),
        s.labels.tobytes(),
        len(s.history),
        s.pending.tobytes(),
        str(s._rng.bit_generator.state),
        s.strategy.name,
        s.model_label,
    )


def arrays(value, path=""):
    """Every numpy array in a trace, with its property path."""
    if isinstance(value, np.ndarray):
        yield path, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from arrays(v, f"{path}.{k}" if path else k)


@pytest.mark.parametrize("name", names())
def test_every_panel_follows_the_template(name, sessions):
    panel = get(name)
    s = sessions[panel.task]
    before = state(s)
    spec = build(panel, s)
    assert state(s) == before  # a builder only reads
    assert isinstance(spec, FigureSpec) and spec.traces
    for t in spec.traces:
        for path, a in arrays(t):
            assert a.ndim == 1, f"{name}: {path} is {a.ndim}-D (travels as nested JSON)"
            assert a.dtype not in (np.float64, np.int64), f"{name}: {path} is {a.dtype}"
    for key in panel.clickable:
        t = spec.traces[panel.traces[key]]
        assert t["customdata"].dtype == np.int32, f"{name}: {key} has no dataset indices"
    assert max(panel.traces.values(), default=-1) < len(spec.traces)
    spec.figure()  # plotly validates every property

    board = Board({name: Cell(0, 0, *panel.size)}, *panel.size)
    layout = board.compose({name: spec}).layout
    place = board._placements[name]
    for key in spec.layout:
        if key in _BOARD_KEYS:
            continue
        if key.startswith(("xaxis", "yaxis")):
            local = key[0] + key[5:]
            assert _axis_key(place.ref(local)) in layout, f"{name}: {key} lost"
        elif key.startswith("coloraxis"):
            assert place.caxis(key) in layout, f"{name}: {key} lost"
        else:
            assert key in layout, f"{name}: layout key {key!r} dropped on a board"


def test_a_board_keeps_shapes_and_figure_wide_settings():
    spec = FigureSpec(
        [{"type": "bar", "x": np.arange(3, dtype=np.float32), "y": np.ones(3, np.float32)}],
        {
            "xaxis": {},
            "yaxis": {},
            "bargap": 0.05,
            "shapes": [
                {"type": "line", "xref": "paper", "yref": "y", "x0": 0, "x1": 1, "y0": 0.5,
                 "y1": 0.5},
                {"type": "rect", "xref": "x", "yref": "y domain", "x0": 0, "x1": 1, "y0": 0,
                 "y1": 1},
            ],
        },
        {},
    )  # fmt: skip
    board = Board({"a": Cell(0, 0, 400, 300), "b": Cell(400, 0, 400, 300)}, 800, 300)
    layout = board.compose({"a": spec, "b": spec}).layout
    assert layout["bargap"] == 0.05
    shapes = layout["shapes"]
    # The second panel's shapes are on its own axes and inside its own half of the board.
    assert {s["yref"] for s in shapes} >= {"y", "y2", "y domain", "y2 domain"}
    right = [s for s in shapes if s["xref"] == "paper" and s["yref"] == "y2"]
    assert right and right[0]["x0"] > 0.5


def test_unknown_panel_names_the_known_ones():
    with pytest.raises(ValueError, match="boundary"):
        get("nope")
    assert set(names("regression")) == {"regression"}
    assert "boundary" in PANELS
