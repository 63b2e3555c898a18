"""viz.simplex_map: uncertainty measures over the 3-class probability simplex."""

import numpy as np
import pytest

import alviz as al
from alviz.viz.simplex import MEASURES, barycentric, simplex_map_spec, to_cartesian

# Resolution a multiple of 6: the vertices, the centre and the edge midpoints are grid points.
RES = 12
KNOWN = {
    "vertex 0": [1, 0, 0],
    "vertex 1": [0, 1, 0],
    "vertex 2": [0, 0, 1],
    "centre": [1 / 3, 1 / 3, 1 / 3],
    "edge 01": [0.5, 0.5, 0],
    "edge 12": [0, 0.5, 0.5],
    "edge 02": [0.5, 0, 0.5],
    "edge third": [2 / 3, 1 / 3, 0],
}


def contour(spec, name):
    (trace,) = [t for t in spec.traces if t["type"] == "contour" and t["name"] == name]
    return trace


def value_at(trace, p):
    xy = to_cartesian([p])[0]
    hit = np.flatnonzero((np.abs(trace["x"] - xy[0]) < 1e-6) & (np.abs(trace["y"] - xy[1]) < 1e-6))
    assert len(hit) == 1, f"{p} is not a grid point"
    return float(trace["z"][hit[0]]), trace["customdata"][hit[0]]


def test_cartesian_and_barycentric_are_inverse():
    p = np.random.default_rng(0).dirichlet([1, 1, 1], 50)
    xy = to_cartesian(p)
    np.testing.assert_allclose(barycentric(xy[:, 0], xy[:, 1]), p, atol=1e-12)
    np.testing.assert_allclose(to_cartesian(np.eye(3)), [[0, 0], [1, 0], [0.5, np.sqrt(3) / 2]])


@pytest.mark.parametrize("name", sorted(MEASURES))
def test_values_at_vertices_centre_and_edges_are_the_uncertainty_functions(name):
    spec = simplex_map_spec(name, resolution=RES)
    trace = contour(spec, name)
    fn = MEASURES[name][0]
    for where, p in KNOWN.items():
        z, shown = value_at(trace, p)
        want = float(fn(np.array([p]))[0])
        assert z == pytest.approx(want, abs=1e-4), where
        np.testing.assert_allclose(shown, p, atol=1e-3)  # the hover shows the same probs
    # Every grid point inside the triangle shows the measure of its own barycentric probs.
    bary = barycentric(trace["x"], trace["y"])
    inside = bary.min(axis=1) >= -1e-6
    want = fn(np.clip(bary[inside], 0, 1) / np.clip(bary[inside], 0, 1).sum(1, keepdims=True))
    np.testing.assert_allclose(trace["z"][inside], want, atol=1e-4)
    assert inside.sum() == (RES + 1) * (RES + 1)  # 2r+1 by r+1 grid, (r+1)^2 points inside


def test_known_values_and_the_margin_tie_line():
    spec = simplex_map_spec(["least_confidence", "margin", "entropy", "ratio"], resolution=RES)
    lc, mg, en, ra = (contour(spec, n) for n in ("least_confidence", "margin", "entropy", "ratio"))
    assert value_at(lc, KNOWN["centre"])[0] == pytest.approx(2 / 3, abs=1e-4)
    assert value_at(en, KNOWN["centre"])[0] == pytest.approx(np.log(3), abs=1e-4)
    assert value_at(en, KNOWN["edge 01"])[0] == pytest.approx(np.log(2), abs=1e-4)
    assert value_at(ra, KNOWN["edge third"])[0] == pytest.approx(0.5, abs=1e-4)
    for vertex in ("vertex 0", "vertex 1", "vertex 2"):
        assert value_at(lc, KNOWN[vertex])[0] == 0 == value_at(en, KNOWN[vertex])[0]
        assert value_at(mg, KNOWN[vertex])[0] == 1
    # The docstring's claim: along the tie line from (1/2, 1/2, 0) to the centre margin stays
    # 0 while entropy grows.
    line = [[(1 - t) / 2, (1 - t) / 2, t] for t in (0, 1 / 6, 1 / 3)]
    margins = [value_at(mg, p)[0] for p in line]
    entropies = [value_at(en, p)[0] for p in line]
    np.testing.assert_allclose(margins, 0, atol=1e-4)
    assert np.all(np.diff(entropies) > 0.05)
    # Margin is small where unsure: its scale is reversed so that bright means unsure.
    assert mg["reversescale"] and not en["reversescale"]


def test_panels_points_and_figure():
    rng = np.random.default_rng(0)
    points = rng.dirichlet([1, 1, 1], 30)
    labels = rng.integers(0, 3, 30)
    fig = al.viz.simplex_map(["entropy", "margin"], points=points, labels=labels, resolution=6)
    contours = [t for t in fig.data if t.type == "contour"]
    assert [t.name for t in contours] == ["entropy", "margin"]
    assert [t.xaxis for t in contours] == ["x", "x2"]
    scatter = [t for t in fig.data if t.name == "points"]
    assert len(scatter) == 2
    np.testing.assert_allclose(
        np.column_stack([scatter[0].x, scatter[0].y]), to_cartesian(points), atol=1e-6
    )
    assert scatter[0].marker.color == tuple(al.viz.class_color(k) for k in labels)
    names = [a.text for a in fig.layout.annotations]
    assert names.count("class 0") == 2
    # Equal aspect: the triangle is equilateral on screen.
    assert fig.layout.yaxis.scaleanchor == "x" and fig.layout.yaxis2.scaleanchor == "x2"
    # A callable measure works too.
    custom = al.viz.simplex_map(lambda p: p[:, 0], resolution=6)
    assert value_at(custom.data[0].to_plotly_json(), [1, 0, 0])[0] == 1


def test_simplex_map_checks_its_input():
    with pytest.raises(ValueError, match=r"measure must be one of .*'bald'"):
        al.viz.simplex_map("bald")
    with pytest.raises(ValueError, match="at least one"):
        al.viz.simplex_map([])
    with pytest.raises(ValueError, match=r"shape \(n, 3\); got shape \(2, 4\)"):
        al.viz.simplex_map(points=np.full((2, 4), 0.25))
    with pytest.raises(ValueError, match="class_names must hold 3 names"):
        al.viz.simplex_map(class_names=["a", "b"])
    with pytest.raises(ValueError, match="resolution must be an integer >= 2"):
        al.viz.simplex_map(resolution=1)
    with pytest.raises(ValueError, match=r"labels must hold one class index"):
        al.viz.simplex_map(points=np.full((2, 3), 1 / 3), labels=[0, 5])
    with pytest.raises(ValueError, match="pass points"):
        al.viz.simplex_map(labels=[0])
    with pytest.raises(ValueError, match=r"must return one value per probability row"):
        al.viz.simplex_map(lambda p: p)
