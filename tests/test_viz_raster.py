"""Grid maps as pictures (alviz.viz._raster): the colours and lines plotly would draw."""

from __future__ import annotations

import base64
import io

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image
from plotly.colors import sample_colorscale, unlabel_rgb

import alviz as al
from alviz.viz import FigureSpec
from alviz.viz._raster import color_map, contour_line, grid_of, png_data_uri, rasterize
from alviz.viz.boundary import TRACE, decision_boundary_spec
from alviz.viz.uncertainty_maps import UNCERTAINTY_TRACE, uncertainty_maps_spec

RES = 24


def decode(uri: str) -> np.ndarray:
    assert uri.startswith("data:image/png;base64,")
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))))


@settings(max_examples=25, deadline=None)
@given(h=st.integers(1, 40), w=st.integers(1, 40), seed=st.integers(0, 2**16))
def test_a_png_decodes_to_the_pixels_it_was_made_of(h, w, seed):
    pixels = np.random.default_rng(seed).integers(0, 256, (h, w, 4), dtype=np.uint8)
    np.testing.assert_array_equal(decode(png_data_uri(pixels)), pixels)


def test_png_names_a_wrong_array():
    with pytest.raises(ValueError, match=r"pixels must be a \(height, width, 4\) uint8"):
        png_data_uri(np.zeros((4, 4, 3), np.uint8))


@settings(max_examples=30, deadline=None)
@given(t=st.lists(st.floats(0, 1), min_size=1, max_size=20))
def test_colours_match_plotlys_own_colour_scale_sampling(t):
    # plotly.colors.sample_colorscale interpolates in RGB exactly as plotly.js does.
    for scale in ("Viridis", "Purples", [[0, "#0072B2"], [0.5, "#ffffff"], [1, "#E69F00"]]):
        want = np.array([unlabel_rgb(c) for c in sample_colorscale(scale, t)])
        got = color_map(np.array(t) * 4 - 2, scale, -2.0, 2.0)[:, :3]
        np.testing.assert_allclose(got, want, atol=1.01)


def test_colour_known_answers():
    scale = [[0, "rgba(0,114,178,0.45)"], [0.5, "#ffffff"], [1, "rgb(230, 159, 0)"]]
    got = color_map(np.array([-1.0, 0.0, 0.25, 0.5, 1.0, 7.0, np.nan]), scale, 0.0, 1.0)
    np.testing.assert_array_equal(got[0], got[1])  # below the range: clipped to its floor
    np.testing.assert_array_equal(got[1], [0, 114, 178, 115])  # alpha 0.45 of 255, rounded
    np.testing.assert_array_equal(got[2], [128, 185, 217, 185])  # halfway to white
    np.testing.assert_array_equal(got[3], [255, 255, 255, 255])
    np.testing.assert_array_equal(got[4], got[5])
    np.testing.assert_array_equal(got[4], [230, 159, 0, 255])
    np.testing.assert_array_equal(got[6], [0, 0, 0, 0])  # NaN: nothing painted
    flipped = color_map(np.array([0.0]), scale, 0.0, 1.0, reverse=True)
    np.testing.assert_array_equal(flipped[0], [230, 159, 0, 255])


def test_a_colour_it_cannot_read_is_named():
    with pytest.raises(ValueError, match="'hsl"):
        color_map(np.zeros(2), [[0, "hsl(0,0,0)"], [1, "#ffffff"]], 0, 1)


def test_grids_are_read_in_any_order_and_anything_else_is_refused():
    xs, ys = np.linspace(-1, 1, 5), np.linspace(0, 3, 4)
    gx, gy = np.meshgrid(xs, ys)
    Z = gx + 10 * gy
    order = np.random.default_rng(0).permutation(Z.size)
    trace = {"x": gx.ravel()[order], "y": gy.ravel()[order], "z": Z.ravel()[order]}
    got = grid_of(trace)
    np.testing.assert_allclose(got[0], xs)
    np.testing.assert_allclose(got[1], ys)
    np.testing.assert_allclose(got[2], Z)
    fast = grid_of({"x": gx.ravel(), "y": gy.ravel(), "z": Z.ravel()})  # x inner, y outer
    np.testing.assert_allclose(fast[2], Z)
    assert grid_of({"x": xs, "y": ys, "z": Z})[2] is Z  # 2-D z with its axes
    uneven = np.array([0.0, 1.0, 3.0, 4.0, 5.0])
    assert grid_of({"x": uneven, "y": ys, "z": Z}) is None
    twice = {k: v.copy() for k, v in trace.items()}
    twice["x"][1], twice["y"][1] = twice["x"][0], twice["y"][0]
    assert grid_of(twice) is None
    assert grid_of({"x": [0, 1], "y": [0, 1]}) is None


def test_a_circles_contour_is_one_closed_line_on_the_circle():
    xs = ys = np.linspace(-2, 2, 81)
    gx, gy = np.meshgrid(xs, ys)
    x, y = contour_line(xs, ys, gx**2 + gy**2, 1.0)
    assert not np.isnan(x).any()  # one piece
    assert (x[0], y[0]) == (x[-1], y[-1])  # closed
    np.testing.assert_allclose(np.hypot(x, y), 1.0, atol=2e-3)
    assert len(x) > 60  # every cell the circle crosses


def test_a_planes_contour_is_a_straight_line_and_a_saddle_gives_two():
    xs, ys = np.linspace(0, 1, 11), np.linspace(0, 2, 21)
    gx, _ = np.meshgrid(xs, ys)
    x, y = contour_line(xs, ys, gx, 0.55)
    np.testing.assert_allclose(x, 0.55, atol=1e-6)
    np.testing.assert_allclose([y.min(), y.max()], [0, 2], atol=1e-6)
    # x * y = 0.01 on [-1, 1]^2: two hyperbola branches, never joined across the saddle.
    s = np.linspace(-1, 1, 41)
    sx, sy = np.meshgrid(s, s)
    x, y = contour_line(s, s, sx * sy, 0.01)
    pieces = np.split(np.arange(len(x)), np.flatnonzero(np.isnan(x)))
    assert len(pieces) == 2
    np.testing.assert_array_less(0, x[~np.isnan(x)] * y[~np.isnan(y)])  # both on x*y > 0


@pytest.fixture(scope="module")
def session():
    s = al.Session(al.datasets.load("moons", n_samples=120, seed=0), initial=10, seed=0)
    s.step()
    return s


def test_a_boundary_becomes_a_picture_and_a_line_at_the_same_trace_places(session):
    spec = decision_boundary_spec(session, RES)
    keys = [sorted(t) for t in spec.traces]
    out, pictures = rasterize(spec)
    # The spec is not changed.
    assert [sorted(t) for t in spec.traces] == keys and "images" not in spec.layout
    assert spec.traces[TRACE["background"]]["type"] == "heatmap"
    assert [t["type"] for t in out.traces] == ["scatter"] * len(spec.traces)
    assert pictures == {TRACE["background"]: 0}
    image = out.layout["images"][0]
    bg = spec.traces[TRACE["background"]]
    pixels = decode(image["source"])
    assert pixels.shape == (RES, RES, 4)
    # Row 0 of the picture is the top of the plot: the grid's last row of z.
    want = color_map(np.asarray(bg["z"]).reshape(RES, RES)[::-1], bg["colorscale"], 0, 1)
    np.testing.assert_array_equal(pixels, want)
    xs = np.unique(bg["x"])
    step = xs[1] - xs[0]
    assert image["x"] == pytest.approx(xs[0] - step / 2)
    assert image["sizex"] == pytest.approx(RES * step)
    assert (image["xref"], image["yref"], image["layer"]) == ("x", "y", "below")
    carrier = out.traces[TRACE["background"]]
    assert carrier["marker"]["showscale"] and carrier["hoverinfo"] == "skip"
    assert carrier["marker"]["colorbar"] == bg["colorbar"]
    line = out.traces[TRACE["boundary"]]
    assert line["mode"] == "lines" and line["name"] == "decision boundary"
    # The line runs where P(class 1) = 0.5.
    p = session.predict_proba(np.column_stack([line["x"], line["y"]]).astype(np.float64))
    finite = ~np.isnan(line["x"])
    assert np.abs(p[finite, 1] - 0.5).max() < 0.05


def test_maps_on_colour_axes_keep_their_axes_and_other_traces_are_untouched(session):
    spec = uncertainty_maps_spec(session, RES)
    out, pictures = rasterize(spec)
    assert sorted(pictures) == [UNCERTAINTY_TRACE[p] for p in ("total", "aleatoric", "epistemic")]
    for part in ("total", "epistemic"):
        i = UNCERTAINTY_TRACE[part]
        assert out.traces[i]["marker"]["coloraxis"] == spec.traces[i]["coloraxis"]
        assert out.layout["images"][pictures[i]]["xref"] == spec.traces[i]["xaxis"]
    for i in range(3, len(spec.traces)):
        assert out.traces[i] is spec.traces[i]
    cap = np.log(2)
    total = decode(out.layout["images"][pictures[UNCERTAINTY_TRACE["total"]]]["source"])
    z = np.asarray(spec.traces[UNCERTAINTY_TRACE["total"]]["z"]).reshape(RES, RES)[::-1]
    np.testing.assert_array_equal(total, color_map(z, "Viridis", 0, cap))


def test_two_pictures_in_one_place_are_both_drawn(session):
    # plotly.js keys layout images by place and size: two maps on one grid must differ.
    blobs = al.Session(al.datasets.load("blobs", n_samples=150, seed=0), initial=12, seed=0)
    out, pictures = rasterize(decision_boundary_spec(blobs, RES))
    keys = {
        tuple(im[k] for k in ("xref", "x", "sizex", "yref", "y", "sizey"))
        for im in out.layout["images"]
    }
    assert len(pictures) == 2 and len(keys) == 2
    edges = decode(out.layout["images"][pictures[TRACE["boundary"]]]["source"])
    assert edges.shape == (4 * RES, 4 * RES, 4)  # unsmoothed cells stay cells
    assert set(np.unique(edges[..., 3])) <= {0, 217}


@pytest.mark.parametrize(
    "extra",
    [{"x": [0, 1, 5]}, {"hoverinfo": "z"}, {"visible": "legendonly"}],
    ids=["not a grid", "answers hovers", "hidden"],
)
def test_a_map_a_picture_cannot_stand_for_stays_a_heatmap(extra):
    trace = {"type": "heatmap", "x": [0, 1, 2], "y": [0, 1], "z": np.ones((2, 3))}
    trace["hoverinfo"] = "skip"
    assert rasterize(FigureSpec([trace]))[1] == {0: 0}  # a plain grid map: a picture
    spec = FigureSpec([{**trace, **extra}])
    assert rasterize(spec) == (spec, {})
