"""Figure builders: pure, explicit sizes, known answers on their data, clear errors."""

import numpy as np
import plotly.graph_objects as go
import pytest

import alviz as al
from alviz import viz
from alviz.viz.acquisition_map import ACQUISITION_TRACE
from alviz.viz.boundary import TRACE
from alviz.viz.calibration import CALIBRATION_TRACE
from alviz.viz.regression import REGRESSION_TRACE
from alviz.viz.uncertainty_maps import UNCERTAINTY_TRACE

RES = 20


def run(ds, strategy="entropy", rounds=3, **params):
    s = al.Session(ds, strategy=strategy, initial=10, seed=0, **params)
    s.run(rounds)
    return s


@pytest.fixture(scope="module")
def worlds():
    """Two classes in 2-D, three classes in 2-D, four features drawn through PCA."""
    return {
        "moons": run(al.datasets.load("moons", n_samples=200, seed=0)),
        "blobs": run(al.datasets.load("blobs", n_samples=150, seed=0), strategy="bald"),
        "iris": run(al.datasets.load("iris"), strategy="margin"),
    }


#: Every classification builder, as the shared template runs them.
BUILDERS = {
    "decision_boundary": lambda s: viz.decision_boundary(s, RES),
    "uncertainty_maps": lambda s: viz.uncertainty_maps(s, RES),
    "acquisition_map": lambda s: viz.acquisition_map(s, RES),
    "calibration": lambda s: viz.calibration(s),
    "learning_curves": lambda s: viz.learning_curves(s),
    "query_gallery": lambda s: viz.query_gallery(s),
    "query_composition": lambda s: viz.query_composition(s),
    "conformal_map": lambda s: viz.conformal_map(s, resolution=RES),
    "risk_coverage": lambda s: viz.risk_coverage(s),
    "why_this_point": lambda s: viz.why_this_point(s, int(s.pool_indices[0])),
}


def state(s):
    return (
        s.labeled_indices.tolist(),
        s.labels.tolist(),
        len(s.history),
        s.strategy.name,
        s._rng.bit_generator.state["state"]["state"],
    )


@pytest.mark.parametrize("builder", sorted(BUILDERS))
@pytest.mark.parametrize("world", ["moons", "blobs", "iris"])
def test_every_builder_is_pure_sized_and_titled(worlds, world, builder):
    s = worlds[world]
    before = state(s)
    fig = BUILDERS[builder](s)
    assert isinstance(fig, go.Figure)
    assert fig.layout.width and fig.layout.height  # FigureWidget does not resize in tabs
    assert fig.layout.title.text
    assert state(s) == before  # viz draws from state, never changes it
    for t in fig.data:  # 1-D numbers travel as binary: never int64, never float64 columns
        for key in ("x", "y", "z", "customdata"):
            value = getattr(t, key, None)
            if isinstance(value, np.ndarray) and value.ndim == 1:
                assert value.dtype in (np.float32, np.int32), (builder, t.type, key)


def test_boundary_shows_the_model_and_every_point_where_it_is(worlds):
    s = worlds["moons"]
    fig = viz.decision_boundary(s, RES)
    view = viz.grid_view(s, RES)
    bg = fig.data[TRACE["background"]]
    np.testing.assert_allclose(bg.z, s.predict_proba(view.X)[:, 1], atol=6e-4)
    assert (bg.x[:RES] == bg.x[RES : 2 * RES]).all()  # column form: x inner, y outer
    np.testing.assert_array_equal(fig.data[TRACE["pool"]].customdata, s.pool_indices)
    np.testing.assert_array_equal(fig.data[TRACE["labeled"]].customdata, s.labeled_indices)
    np.testing.assert_array_equal(fig.data[TRACE["queried"]].customdata, s.history[-1].queried)
    colours = fig.data[TRACE["labeled"]].marker.color
    assert list(colours) == [viz.class_color(k) for k in s.labels]
    assert bg.hoverinfo == "skip"  # background must not swallow clicks


def test_wrong_labels_from_a_noisy_oracle_are_marked(moons):
    s = al.Session(moons, initial=30, seed=1, oracle="noisy", noise=0.4)
    symbols = np.array(viz.decision_boundary(s, RES).data[TRACE["labeled"]].marker.symbol)
    np.testing.assert_array_equal(symbols == "diamond", s.is_noisy())
    assert s.is_noisy().any()


def test_uncertainty_maps_add_up(worlds):
    s = worlds["blobs"]
    fig = viz.uncertainty_maps(s, RES)
    total = np.asarray(fig.data[UNCERTAINTY_TRACE["total"]].z, dtype=float)
    alea = np.asarray(fig.data[UNCERTAINTY_TRACE["aleatoric"]].z, dtype=float)
    epi = np.asarray(fig.data[UNCERTAINTY_TRACE["epistemic"]].z, dtype=float)
    np.testing.assert_allclose(total, alea + epi, atol=2e-3)  # rounded to 3-4 decimals
    assert total.max() <= np.log(3) + 1e-3 and epi.min() >= 0
    d = al.uncertainty.decompose(s.sample_proba(viz.grid_view(s, RES).X))
    np.testing.assert_allclose(epi, d.epistemic, atol=1e-4)
    assert fig.layout.coloraxis2.cmax == pytest.approx(max(d.epistemic.max(), 1e-3), rel=1e-6)


def test_acquisition_map_colours_the_pool_by_its_scores(worlds):
    s = worlds["moons"]
    fig = viz.acquisition_map(s, RES)
    pool, scores = s.score_pool()
    trace = fig.data[ACQUISITION_TRACE["pool"]]
    np.testing.assert_array_equal(trace.customdata, pool)
    np.testing.assert_allclose(trace.marker.color, scores, rtol=1e-6)
    assert fig.data[ACQUISITION_TRACE["next"]].customdata[0] == pool[np.argmax(scores)]
    grid = fig.data[ACQUISITION_TRACE["background"]].z
    assert np.nanmax(grid) <= np.log(2) + 1e-3  # entropy of two classes, in nats


@pytest.mark.parametrize("strategy", ["random", "coreset"])
def test_pool_dependent_strategies_are_shown_on_the_pool_only(moons, strategy):
    s = run(moons, strategy=strategy, rounds=1)
    fig = viz.acquisition_map(s, RES)
    z = fig.data[ACQUISITION_TRACE["background"]].z
    # Flat at the colour scale's floor, never NaN: an all-NaN heatmap blanks the plot in
    # plotly.js ("findEmpties iterated with no new neighbors").
    assert np.isfinite(z).all() and np.ptp(z) == 0
    assert z[0] == pytest.approx(fig.layout.coloraxis.cmin)
    assert "pool" in fig.layout.title.text or "same" in fig.layout.title.text
    pool = fig.data[ACQUISITION_TRACE["pool"]]
    if strategy == "random":
        # Scores that rank nothing would paint the pool at the scale's white floor, on a
        # white map: the points are drawn grey, off the colour axis.
        assert pool.marker.color == "rgba(120,120,120,0.45)" and pool.marker.coloraxis is None
        assert "same score" in pool.hovertemplate
        assert len(fig.data[ACQUISITION_TRACE["next"]].customdata) == 0  # no "next query"
    else:  # coreset ranks the pool by distance: its points carry the scores
        assert pool.marker.coloraxis == "coloraxis" and len(pool.marker.color) == len(pool.x)


def test_calibration_bars_are_the_reliability_curve(worlds):
    s = worlds["moons"]
    fig = viz.calibration(s, n_bins=10)
    probs, y = s.predict_proba(s.dataset.X_test), s.dataset.y_test
    curve = al.calibration.reliability_curve(probs, y, n_bins=10)
    full = curve.count > 0
    acc = np.asarray(fig.data[CALIBRATION_TRACE["accuracy"]].y)
    np.testing.assert_allclose(acc[full], curve.accuracy[full], atol=1e-6)
    np.testing.assert_array_equal(fig.data[CALIBRATION_TRACE["histogram"]].y, curve.count)
    ece = al.calibration.expected_calibration_error(probs, y, n_bins=10)
    assert f"ECE {ece:.3f}" in fig.layout.title.text


def test_learning_curves_from_sessions_with_a_random_baseline(moons):
    a, b = run(moons, "entropy", 4), run(moons, "margin", 4)
    base = run(moons, "random", 4)
    fig = viz.learning_curves([a, b], baseline=base)
    assert [t.name for t in fig.data] == ["entropy", "margin", "random baseline"]
    np.testing.assert_allclose(fig.data[0].y, a.metrics()["accuracy"], rtol=1e-6)
    assert fig.data[2].line.dash == "dash"
    assert fig.data[0].line.color != fig.data[1].line.color


def test_learning_curves_current_point_is_the_model_on_every_label(moons):
    s = run(moons, "entropy", 3)
    past = s.metrics()
    line = viz.learning_curves(s, current=True).data[0]
    # The rounds, then the model fitted after the last round's answers came in.
    np.testing.assert_array_equal(line.x, [*past["n_labeled"], len(s.labeled_indices)])
    np.testing.assert_allclose(line.y[:-1], past["accuracy"], rtol=1e-6)
    assert line.y[-1] == pytest.approx(s.evaluate()["accuracy"], rel=1e-6)
    assert len(viz.learning_curves(s).data[0].x) == len(past)  # the default: rounds only


def test_learning_curves_from_compare_results_have_bands(moons):
    res = al.compare(
        moons, strategies=["random", "entropy"], seeds=range(2), budget=14, progress=False, n_jobs=1
    )
    fig = viz.learning_curves(res, metric="accuracy")
    names = [t.name for t in fig.data]
    assert names == ["random (band)", "random", "entropy (band)", "entropy"]
    curves = res.curves("accuracy")
    ent = curves[curves["strategy"] == "entropy"]
    np.testing.assert_allclose(fig.data[3].y, ent["mean"], rtol=1e-6)
    assert fig.data[1].line.dash == "dash" and fig.data[2].fill == "toself"


def test_random_baselines_of_two_models_are_told_apart(moons):
    res = al.compare(
        moons, strategies=["random"], models=["logreg", "knn"], seeds=range(2), budget=4,
        progress=False, n_jobs=1,
    )  # fmt: skip
    lines = [t for t in viz.learning_curves(res).data if not t.name.endswith("(band)")]
    assert [t.name for t in lines] == ["random · logreg", "random · knn"]
    assert {t.line.color for t in lines} == {lines[0].line.color}  # both grey, as baselines
    assert lines[0].line.dash != lines[1].line.dash  # but not drawn alike


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_regression_bands_are_the_model_uncertainty():
    ds = al.datasets.load("hetero_sine", n_samples=120, seed=0)
    s = al.Session(ds, initial=5, seed=0)
    s.run(2)
    fig = viz.regression_bands(s, n_points=50)
    mean_trace = fig.data[REGRESSION_TRACE["mean"]]
    mean, _, ve = s.predict_uncertainty(np.asarray(mean_trace.x, dtype=float)[:, None])
    np.testing.assert_allclose(mean_trace.y, mean, rtol=1e-4, atol=1e-4)
    band = np.asarray(fig.data[REGRESSION_TRACE["epistemic"]].y, dtype=float)
    np.testing.assert_allclose(band[:50] - mean, 2 * np.sqrt(ve), rtol=1e-3, atol=1e-4)
    assert list(fig.data[REGRESSION_TRACE["queried"]].customdata) == list(s.history[-1].queried)
    with pytest.raises(ValueError, match="1-D regression"):
        viz.regression_bands(run(al.datasets.load("moons", n_samples=100), rounds=0))


def test_gallery_shows_images_and_texts():
    digits = al.datasets.load("digits")
    s = al.Session(digits, initial=20, seed=0, batch_size=3)
    s.step()
    fig = viz.query_gallery(s)
    assert [t.type for t in fig.data] == ["image"] * 3
    texts = ["good film", "great movie", "bad film", "awful movie", "fine plot", "dull plot"]
    ds = al.datasets.from_texts(
        texts, labels=["pos", "pos", "neg", "neg", None, None], classes=["neg", "pos"], test_size=0
    )
    fig = viz.query_gallery(al.Session(ds, seed=0, initial=0), indices=[4, 5])
    assert fig.data[0].type == "table"
    assert list(fig.data[0].cells.values[2]) == ["fine plot", "dull plot"]


def test_query_composition_compares_queries_with_the_pool():
    ds = al.datasets.load("groups", n_samples=200, seed=0)
    s = run(ds, rounds=6)
    fig = viz.query_composition(s)
    pool_share, query_share = fig.data[0].y, fig.data[1].y
    assert sum(pool_share) == pytest.approx(1, abs=1e-6)
    assert sum(query_share) == pytest.approx(1, abs=1e-6)
    queried = np.concatenate([r.queried for r in s.history])
    expected = np.bincount(ds.y[queried], minlength=ds.n_classes) / len(queried)
    np.testing.assert_allclose(query_share, expected, rtol=1e-6)
    assert len(fig.data) == 4  # a second panel by group


def test_conformal_map_and_risk_coverage(worlds):
    s = worlds["blobs"]
    fig = viz.conformal_map(s, alpha=0.2, resolution=RES)
    sizes = np.asarray(fig.data[0].z)
    assert sizes.min() >= 0 and sizes.max() <= 3 and "coverage" in fig.layout.title.text
    rc = viz.risk_coverage(s)
    probs, y = s.predict_proba(s.dataset.X_test), s.dataset.y_test
    assert rc.data[0].y[-1] == pytest.approx(np.mean(probs.argmax(1) != y), abs=1e-6)
    assert rc.data[0].x[-1] == pytest.approx(1.0)


def test_why_this_point_breaks_bald_into_its_parts(worlds):
    s = worlds["blobs"]
    i = int(s.pool_indices[0])
    fig = viz.why_this_point(s, i)
    parts = dict(zip(fig.data[0].y, fig.data[0].x, strict=True))
    total, alea = parts["total: entropy of the mean"], parts["aleatoric: mean entropy"]
    assert parts["bald score"] == pytest.approx(total - alea, abs=1e-5)
    assert len(fig.data[1].y) == s.n_draws * s.n_classes  # every draw, every class
    with pytest.raises(ValueError, match="index"):
        viz.why_this_point(s, 10**6)
    # The subtitle cites the strategy's first reference by authors and year, not a cut title.
    assert "Houlsby, Huszár, Ghahramani & Lengyel 2011</sup>" in fig.layout.title.text


def test_colours_are_one_per_class_and_colour_blind_safe():
    assert len(set(viz.CLASS_COLORS[:10])) == 10  # digits: ten classes, ten colours
    assert viz.class_color(0) == "#0072B2" and viz.class_color(12) == viz.class_color(0)


def test_bad_input_is_explained(worlds):
    s = worlds["moons"]
    with pytest.raises(ValueError, match="resolution"):
        viz.decision_boundary(s, resolution=1)
    with pytest.raises(TypeError, match="learning_curves takes"):
        viz.learning_curves([s, "not a session"])
    with pytest.raises(ValueError, match="regression"):
        viz.query_composition(al.Session(al.datasets.load("hetero_sine", n_samples=60)))
