"""Known answers of the toy, concept and regression worlds: each shows what its card says."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.datasets import make_circles, make_moons
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier

import alviz as al
from alviz.datasets import in_box
from alviz.datasets.regression import hetero_sine_truth, step_truth
from alviz.uncertainty import entropy, mutual_information


def bootstrap_logreg_draws(X, y, X_pool, n_draws=20, seed=0):
    """Draws of shape (n_draws, n_pool, 2) from logistic regressions on bootstrap resamples."""
    rng = np.random.default_rng(seed)
    out = []
    while len(out) < n_draws:
        i = rng.integers(0, len(X), len(X))
        if len(np.unique(y[i])) == 2:
            out.append(LogisticRegression().fit(X[i], y[i]).predict_proba(X_pool))
    return np.stack(out)


# ----------------------------------------------------------------- toy worlds
@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(8, 600),
    noise=st.floats(0.0, 2.0),
    factor=st.floats(0.01, 0.99),
    seed=st.integers(0, 2**32 - 1),
)
def test_moons_and_circles_are_scikit_learns_points(n, noise, factor, seed):
    """alviz draws them itself (no scikit-learn import); the points are equal to the last bit."""
    from alviz.datasets.toy import _circle, _moon, _other_moon, _two_curves

    got = _two_curves(_other_moon, _moon, n, noise, seed)
    want = make_moons(n_samples=n, noise=noise, random_state=seed)
    np.testing.assert_array_equal(got[0], want[0])
    np.testing.assert_array_equal(got[1], want[1])
    got = _two_curves(lambda k: _circle(k, factor), _circle, n, noise, seed)
    want = make_circles(n_samples=n, noise=noise, factor=factor, random_state=seed)
    np.testing.assert_array_equal(got[0], want[0])
    np.testing.assert_array_equal(got[1], want[1])


def test_moons_rows_are_make_moons_rows():
    """Pool and test split together hold make_moons's rows, so notebooks' numbers stay."""
    ds = al.datasets.load("moons", n_samples=200, noise=0.2, seed=0)
    X, y = make_moons(n_samples=200, noise=0.2, random_state=0)
    order = np.lexsort(X.T)
    both = np.concatenate([ds.X, ds.X_test])
    np.testing.assert_array_equal(both[np.lexsort(both.T)], X[order])
    np.testing.assert_array_equal(np.sort(np.concatenate([ds.y, ds.y_test])), np.sort(y))


@pytest.mark.parametrize("name", ["moons", "circles"])
def test_moons_and_circles_refuse_seeds_numpy_legacy_cannot_take(name):
    with pytest.raises(ValueError, match=r"seed must be below 2\*\*32 .* got 4294967296"):
        al.datasets.load(name, seed=2**32)


def test_xor_defeats_a_line_but_not_neighbours():
    ds = al.datasets.load("xor", seed=0)
    line = LogisticRegression().fit(ds.X, ds.y).score(ds.X_test, ds.y_test)
    knn = KNeighborsClassifier(5).fit(ds.X, ds.y).score(ds.X_test, ds.y_test)
    assert line < 0.65 < 0.95 < knn


@pytest.mark.parametrize(
    ("name", "knob", "k"), [("blobs", "n_classes", 4), ("spirals", "n_arms", 3)]
)
def test_class_count_knobs(name, knob, k):
    ds = al.datasets.load(name, n_samples=240, **{knob: k})
    assert ds.n_classes == k
    counts = np.bincount(np.concatenate([ds.y, ds.y_test]))
    assert counts.min() == counts.max() == 240 // k


def test_noise_knob_makes_moons_harder():
    def score(noise):
        ds = al.datasets.load("moons", n_samples=600, noise=noise, seed=0)
        return KNeighborsClassifier(5).fit(ds.X, ds.y).score(ds.X_test, ds.y_test)

    assert score(0.05) > 0.98 > 0.9 > score(0.6)


def test_imbalanced_keeps_the_minority_share_on_both_sides():
    ds = al.datasets.load("imbalanced", n_samples=400, minority=0.1, seed=3)
    assert ds.meta["n_minority"] == 40
    assert (ds.y == 1).sum() == 30 and (ds.y_test == 1).sum() == 10


# ----------------------------------------------------------------- concept worlds
def test_aleatoric_band_stays_a_coin_flip_with_many_labels():
    ds = al.datasets.load("aleatoric", n_samples=4000, overlap=1.5, seed=0)
    band = in_box(ds.X, ds.meta["overlap_region"])
    assert abs(ds.y[band].mean() - 0.5) < 0.06
    np.testing.assert_array_equal(ds.y[~band], (ds.X[~band, 0] > 0).astype(int))
    model = KNeighborsClassifier(25).fit(ds.X, ds.y)
    band_test = in_box(ds.X_test, ds.meta["overlap_region"])
    # 3000 labels: perfect outside the band, still chance inside it.
    assert model.score(ds.X_test[~band_test], ds.y_test[~band_test]) > 0.98
    assert abs(model.score(ds.X_test[band_test], ds.y_test[band_test]) - 0.5) < 0.1
    assert abs(model.score(ds.X_test, ds.y_test) - ds.meta["bayes_accuracy"]) < 0.03
    assert ds.meta["bayes_accuracy"] == pytest.approx(1 - 1.5 / 12)


@pytest.mark.parametrize("n_in_gap", [0, 6])
def test_epistemic_gap_is_empty_in_the_pool_and_covered_by_the_test_split(n_in_gap):
    ds = al.datasets.load("epistemic", n_in_gap=n_in_gap, seed=0)
    box = ds.meta["empty_region"]
    assert in_box(ds.X, box).sum() == n_in_gap
    assert in_box(ds.X_test, box).sum() > 15
    assert ds.X2d[:, 0].min() < box[0][0] and ds.X2d[:, 0].max() > box[0][1]  # display covers it


def test_epistemic_models_fail_in_the_gap():
    ds = al.datasets.load("epistemic", n_samples=1000, seed=0)
    gap = in_box(ds.X_test, ds.meta["empty_region"])
    model = LogisticRegression().fit(ds.X, ds.y)
    assert (
        model.score(ds.X_test[gap], ds.y_test[gap])
        < model.score(ds.X_test[~gap], ds.y_test[~gap]) - 0.05
    )


def test_outliers_live_in_the_pool_only_and_entropy_chases_them():
    chased = 0
    for seed in range(4):
        ds = al.datasets.load("outliers", seed=seed)
        far = np.linalg.norm(ds.X, axis=1) > ds.meta["outlier_radius"]
        assert far.sum() == ds.meta["n_outliers"] == 8
        assert (np.linalg.norm(ds.X_test, axis=1) < ds.meta["outlier_radius"]).all()
        lab = np.random.default_rng(seed).choice(np.flatnonzero(~far), 20, replace=False)
        h = entropy(LogisticRegression().fit(ds.X[lab], ds.y[lab]).predict_proba(ds.X))
        h[lab] = -1
        chased += far[np.argsort(-h)[:8]].sum()
    # 8 outliers in a pool of 375: chance would put 0.7 of 32 picks on them.
    assert chased >= 6


def test_groups_minority_is_rare_and_served_worse():
    ds = al.datasets.load("groups", seed=0)
    assert ds.meta["group_names"][ds.meta["minority_group"]] == "minority"
    share_train, share_test = ds.groups.mean(), ds.groups_test.mean()
    assert abs(share_train - 0.15) < 0.01 and abs(share_test - 0.15) < 0.02
    pred = LogisticRegression().fit(ds.X, ds.y).predict(ds.X_test)
    acc = [(pred == ds.y_test)[ds.groups_test == g].mean() for g in (0, 1)]
    assert acc[0] - acc[1] > 0.15


def test_aleatoric_epistemic_layout():
    ds = al.datasets.load("aleatoric_epistemic", n_empty=10, seed=0)
    overlap, empty = ds.meta["overlap_region"], ds.meta["empty_region"]
    assert in_box(ds.X, empty).sum() == 10
    dense = in_box(ds.X, overlap)
    assert dense.sum() > 100 and abs(ds.y[dense].mean() - 0.5) < 0.02
    assert in_box(ds.X_test, empty).sum() >= 1


def test_bald_prefers_the_empty_region_while_entropy_prefers_the_overlap():
    """The known answer the world exists for (with a model whose draws approximate a posterior)."""
    ds = al.datasets.load("aleatoric_epistemic", seed=0)
    in_empty = in_box(ds.X, ds.meta["empty_region"])
    in_overlap = in_box(ds.X, ds.meta["overlap_region"])
    lab = np.random.default_rng(1).choice(np.flatnonzero(~in_empty), 60, replace=False)
    pool = np.setdiff1d(np.arange(ds.n_samples), lab)
    draws = bootstrap_logreg_draws(ds.X[lab], ds.y[lab], ds.X[pool])
    top_entropy = pool[np.argsort(-entropy(draws.mean(axis=0)))[:10]]
    top_bald = pool[np.argsort(-mutual_information(draws))[:10]]
    assert in_overlap[top_entropy].sum() >= 8 and in_empty[top_entropy].sum() <= 2
    assert in_empty[top_bald].sum() >= 8


# ----------------------------------------------------------------- regression worlds
def test_hetero_sine_gap_and_noisy_band():
    ds = al.datasets.load("hetero_sine", n_samples=2000, noise=0.5, gap=(0.5, 2.0), seed=0)
    x = ds.X[:, 0]
    assert ds.X.shape[1] == 1 and not ((x > 0.5) & (x < 2.0)).any()
    assert ((ds.X_test[:, 0] > 0.5) & (ds.X_test[:, 0] < 2.0)).sum() > 50
    mean, sd = hetero_sine_truth(x, 0.5)
    resid = ds.y - mean
    noisy = (x > -2.3) & (x < -1.7)
    quiet = x > 2.5
    assert 0.4 < resid[noisy].std() < 0.65 and resid[quiet].std() < 0.08
    assert abs((resid / sd).std() - 1) < 0.06  # the truth function describes the noise
    np.testing.assert_allclose(ds.X2d, np.column_stack([x, np.zeros_like(x)]))


def test_step_has_its_jump_at_zero():
    ds = al.datasets.load("step", n_samples=600, height=3.0, noise=0.1, seed=0)
    x = ds.X[:, 0]
    assert abs(ds.y[x < 0].mean()) < 0.05 and abs(ds.y[x > 0].mean() - 3.0) < 0.05
    np.testing.assert_array_equal(step_truth([-1.0, 1.0], 3.0), [0.0, 3.0])


# ----------------------------------------------------------------- knobs
@pytest.mark.parametrize(
    ("name", "params", "error"),
    [
        ("moons", {"n_samples": 3}, ValueError),
        ("moons", {"noise": -0.1}, ValueError),
        ("moons", {"seed": -1}, ValueError),
        ("moons", {"seed": 1.5}, TypeError),
        ("moons", {"test_size": 1.5}, ValueError),
        ("blobs", {"n_classes": 1}, ValueError),
        ("blobs", {"n_samples": 10, "n_classes": 5}, ValueError),
        ("imbalanced", {"n_samples": 40, "minority": 0.05}, ValueError),
        ("groups", {"n_samples": 40, "minority": 0.1}, ValueError),
        ("hetero_sine", {"gap": (-2.0, 0.0)}, ValueError),
        ("hetero_sine", {"gap": 3}, TypeError),
        ("aleatoric_epistemic", {"n_empty": 1}, ValueError),
        ("circles", {"factor": 1.0}, ValueError),
    ],
)
def test_bad_knobs_raise(name, params, error):
    with pytest.raises(error, match=next(iter(params))):
        al.datasets.load(name, **params)


def test_unknown_dataset_and_parameter():
    with pytest.raises(ValueError, match=r"available: .*moons"):
        al.datasets.load("moon")
    with pytest.raises(TypeError, match=r"unknown parameter.*'nois'"):
        al.datasets.load("moons", nois=0.1)
