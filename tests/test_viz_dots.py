"""Large marker layers as pictures on boards (alviz.viz._dots): the circles plotly would draw."""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import alviz as al
from alviz.viz._dots import DOTS_MIN, dots_svg, draw_dots
from alviz.viz._raster import color_map
from alviz.viz.acquisition_map import ACQUISITION_TRACE
from alviz.viz.boundary import TRACE

SVG = "{http://www.w3.org/2000/svg}"


def parse(uri: str):
    """(root, group, circles) of a ``data:image/svg+xml;base64,...`` picture."""
    assert uri.startswith("data:image/svg+xml;base64,")
    root = ET.fromstring(base64.b64decode(uri.split(",", 1)[1]))
    group = root.find(f"{SVG}g")
    return root, group, group.findall(f"{SVG}circle")


def layer(n: int, **marker) -> dict:
    rng = np.random.default_rng(n)
    return dict(
        type="scatter", mode="markers", name="pool", x=rng.uniform(-1, 3, n),
        y=rng.uniform(-2, 2, n), customdata=np.arange(n), xaxis="x2", yaxis="y2",
        marker={"size": 7, "color": "rgba(120,120,120,0.45)", **marker},
    )  # fmt: skip


LAYOUT = {
    "xaxis2": {"domain": [0.5, 0.9], "range": [-1, 3]},
    "yaxis2": {"domain": [0.2, 0.7], "range": [-2, 2]},
    "coloraxis3": {"colorscale": "Purples", "cmin": 0.0, "cmax": 0.7},
}


def test_circles_known_answer():
    svg = dots_svg(
        [10, 20.25, np.nan], [5, 6, 7], [[255, 0, 0, 255], [0, 0, 255, 128], [0, 0, 0, 255]],
        radius=3.5, line_width=0.8, line=[255, 255, 255, 255], width=40, height=30,
    )  # fmt: skip
    uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
    root, group, circles = parse(uri)
    assert (root.get("viewBox"), root.get("preserveAspectRatio")) == ("0 0 40 30", "none")
    assert (group.get("stroke"), group.get("stroke-width")) == ("#ffffff", "0.8")
    # A point with no position is not drawn (plotly.js draws no marker for it).
    assert [(c.get("cx"), c.get("cy"), c.get("r"), c.get("fill")) for c in circles] == [
        ("10.0", "5.0", "3.5", "#ff0000"),
        ("20.2", "6.0", "3.5", "#0000ff"),
    ]
    assert circles[0].get("fill-opacity") is None and circles[1].get("fill-opacity") == "0.502"


def test_one_colour_is_set_once_and_a_transparent_point_is_left_out():
    svg = dots_svg([1, 2, 3], [1, 2, 3], [[9, 9, 9, 115]] * 2 + [[9, 9, 9, 0]], 3, 0, [0] * 4, 9, 9)
    group = ET.fromstring(svg).find(f"{SVG}g")
    paint = (group.get("fill"), group.get("fill-opacity"), group.get("stroke"))
    assert paint == ("#090909", "0.451", None)
    assert len(group) == 2 and all(c.get("fill") is None for c in group)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**16), n=st.integers(DOTS_MIN, 3 * DOTS_MIN))
def test_a_layer_becomes_a_picture_of_its_points_on_its_axes(seed, n):
    trace = layer(n)
    trace["x"] = np.random.default_rng(seed).uniform(-1, 3, n)
    layout = {k: dict(v) for k, v in LAYOUT.items()}
    traces, pictures = draw_dots([{"type": "bar", "y": [1]}, trace], layout, 1000, 800)
    assert pictures == {1: 0}
    image = layout["images"][0]
    # Stretched over exactly the axes' range, under the traces.
    assert (image["xref"], image["yref"], image["x"], image["y"]) == ("x2", "y2", -1.0, 2.0)
    assert (image["sizex"], image["sizey"]) == (4, 4)
    assert (image["sizing"], image["layer"]) == ("stretch", "below")
    root, _, circles = parse(image["source"])
    w, h = float(root.get("width")), float(root.get("height"))
    assert (w, h) == pytest.approx((0.4 * 1000, 0.5 * 800))  # the axes' size on screen
    cx = np.array([float(c.get("cx")) for c in circles])
    cy = np.array([float(c.get("cy")) for c in circles])
    # Back in data units, every circle sits on its point (to the 0.05 px of rounding).
    np.testing.assert_allclose(-1 + cx / w * 4, trace["x"], atol=0.051 * 4 / w)
    np.testing.assert_allclose(2 - cy / h * 4, trace["y"], atol=0.051 * 4 / h)
    assert {c.get("r") for c in circles} == {"3.5"}
    # The trace keeps its data (hover, click, tests read it) and draws one transparent marker.
    quiet = traces[1]
    for key in ("x", "y", "customdata"):
        assert quiet[key] is trace[key]
    assert quiet["marker"]["maxdisplayed"] == 1
    assert quiet["selectedpoints"] == [] and quiet["unselected"] == {"marker": {"opacity": 0}}
    assert traces[0] == {"type": "bar", "y": [1]} and "maxdisplayed" not in trace["marker"]


def hexes(scores, reverse=False) -> list[str]:
    """The fills plotly gives these scores on Purples from 0 to 0.7."""
    return [
        "#{:02x}{:02x}{:02x}".format(*c[:3]) for c in color_map(scores, "Purples", 0, 0.7, reverse)
    ]


def test_colour_scaled_points_take_their_colour_axis_colours():
    scores = np.linspace(-0.1, 0.9, DOTS_MIN)
    line = {"width": 0.8, "color": "#fff"}
    trace = layer(DOTS_MIN, color=scores, coloraxis="coloraxis3", line=line)
    layout = {k: dict(v) for k, v in LAYOUT.items()}
    draw_dots([trace], layout, 1000, 800)
    _, group, circles = parse(layout["images"][0]["source"])
    assert [c.get("fill") for c in circles] == hexes(scores)
    assert (group.get("stroke"), group.get("stroke-width")) == ("#ffffff", "0.8")
    layout["coloraxis3"]["reversescale"] = True
    layout.pop("images")
    draw_dots([trace], layout, 1000, 800)
    _, _, circles = parse(layout["images"][0]["source"])
    assert [c.get("fill") for c in circles] == hexes(scores, reverse=True) != hexes(scores)


@pytest.mark.parametrize(
    "change",
    [
        {"n": DOTS_MIN - 1},
        {"marker": {"symbol": ["circle", "diamond"] * (DOTS_MIN // 2)}},
        {"marker": {"size": np.full(DOTS_MIN, 7.0)}},
        {"marker": {"symbol": "star"}},
        {"marker": {"color": "red"}},  # a colour name: plotly.js knows them all
        {"marker": {"line": {"width": 1, "color": "white"}}},
        {"marker": {"color": np.linspace(0, 1, DOTS_MIN), "coloraxis": "coloraxis9"}},
        {"marker": {"color": np.linspace(0, 1, DOTS_MIN), "cmin": 0, "cmax": 1}},  # no scale
        {"mode": "markers+text"},
        {"type": "scattergl"},
        {"visible": "legendonly"},
        {"layout": {"xaxis2": {"domain": [0.5, 0.9]}}},  # autorange: positions unknown here
        {"layout": {"yaxis2": {"domain": [0.2, 0.7], "range": [-2, 2], "type": "log"}}},
        {"layout": {"yaxis2": {"domain": [0.2, 0.7], "range": [2, -2]}}},  # reversed
    ],
)
def test_a_layer_a_picture_cannot_stand_for_stays_markers(change):
    change = dict(change)
    trace = layer(change.pop("n", DOTS_MIN))
    trace["marker"].update(change.pop("marker", {}))
    layout = {**{k: dict(v) for k, v in LAYOUT.items()}, **change.pop("layout", {})}
    trace.update(change)
    traces, pictures = draw_dots([trace], layout, 1000, 800)
    assert pictures == {} and traces == [trace] and "images" not in layout


@pytest.fixture(scope="module")
def controller():
    ds = al.datasets.load("moons", n_samples=300, noise=0.2, seed=0)
    return al.widgets.ExplorerController(ds, model="logreg", initial=10, seed=0)


def test_the_explorers_pool_layers_are_pictures_that_follow_each_label(controller):
    board = controller.board
    for panel, index in (("boundary", TRACE["pool"]), ("acquisition", ACQUISITION_TRACE["pool"])):
        n = len(controller.session.pool_indices)
        _, _, circles = parse(board.picture(panel, index).source)
        assert len(circles) == n == len(board.traces(panel)[index].x)
    before = board.picture("acquisition", ACQUISITION_TRACE["pool"]).source
    controller.on_point_click(int(controller.session.pool_indices[0]))
    after = board.picture("acquisition", ACQUISITION_TRACE["pool"]).source
    assert after != before and len(parse(after)[2]) == len(controller.session.pool_indices)
    # The live figure got the new picture in place, not a rebuilt figure.
    assert board.figure.layout.images[board._pictures[("acquisition", 1)]].source == after
