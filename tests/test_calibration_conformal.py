"""Split conformal prediction sets: coverage, set properties, input checks."""

import numpy as np
import pytest
from scipy.special import softmax
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

import alviz.calibration as cal

ALPHA = 0.1
METHODS = ["lac", "aps", "aps_conservative"]


def exchangeable(rng, n, n_classes=5):
    """Labels from true probabilities; the 'model' is over-confident, so it needs conformal help."""
    logits = rng.normal(size=(n, n_classes)) * 1.5
    true = softmax(logits, axis=1)
    y = (true.cumsum(axis=1) > rng.random((n, 1))).argmax(axis=1)
    return softmax(2.5 * logits, axis=1), y


@pytest.mark.parametrize("method", METHODS)
def test_coverage_is_at_least_1_minus_alpha_over_many_seeds(method):
    n_cal = n_test = 200
    coverages = []
    for seed in range(300):
        rng = np.random.default_rng(seed)
        p, y = exchangeable(rng, n_cal + n_test)
        cp = cal.SplitConformal(ALPHA, method, seed=seed)
        sets = cp.fit(p[:n_cal], y[:n_cal]).predict_sets(p[n_cal:])
        coverages.append(cp.coverage(sets, y[n_cal:]))
    mean = np.mean(coverages)
    # The guarantee is on the expected coverage; 300 seeds give a standard error of ~0.002.
    assert mean >= 1 - ALPHA - 0.006
    if method != "aps_conservative":
        # Continuous scores: coverage is also at most 1 - alpha + 1 / (n_cal + 1).
        assert mean <= 1 - ALPHA + 1 / (n_cal + 1) + 0.006
    # Per seed, coverage scatters around the mean but never collapses.
    assert min(coverages) > 1 - ALPHA - 0.1
    # The model alone (its top-1 prediction) is right only about 56 % of the time.
    p, y = exchangeable(np.random.default_rng(0), 2000)
    assert np.mean(p.argmax(axis=1) == y) < 0.6


def test_threshold_is_the_finite_sample_quantile():
    # n = 9, alpha = 0.1: the ceil(10 * 0.9) = 9th smallest score, i.e. the largest.
    p = np.column_stack([np.linspace(0.1, 0.9, 9), 1 - np.linspace(0.1, 0.9, 9)])
    y = np.zeros(9, int)
    cp = cal.SplitConformal(0.1, "lac").fit(p, y)
    assert cp.threshold_ == pytest.approx(0.9)  # 1 - min p(y)
    assert cp.n_calibration_ == 9 and cp.n_classes_ == 2
    # Too few calibration samples for alpha: every set is the full label set.
    few = cal.SplitConformal(0.01, "lac").fit(p, y)
    assert few.threshold_ == np.inf
    assert few.predict_sets(p).all()


def test_aps_score_known_answer():
    # Classes ranked 1 (0.5), 2 (0.3), 0 (0.2): APS adds U times the class's own mass
    # to the mass ranked above it (Romano et al. 2020, eq. 5).
    p = np.array([[0.2, 0.5, 0.3], [0.25, 0.5, 0.25]])
    u = np.array([0.5, 0.0])
    np.testing.assert_allclose(
        cal.conformity_scores(p, "aps", u), [[0.9, 0.25, 0.65], [0.5, 0.0, 0.75]]
    )
    # Conservative: U = 1, the mass up to and including the class; the tie 0.25 = 0.25
    # is broken by class index.
    np.testing.assert_allclose(
        cal.conformity_scores(p, "aps_conservative"), [[1.0, 0.5, 0.8], [0.75, 0.5, 1.0]]
    )
    np.testing.assert_allclose(cal.conformity_scores(p, "lac"), 1 - p)
    with pytest.raises(ValueError, match=r"u must hold one number in \[0, 1\]"):
        cal.conformity_scores(p, "aps", [0.5, 1.5])
    # Randomized sets are {k : score(k) <= threshold} with the uniforms of the fitted stream.
    cal_p = np.repeat(p[:1], 19, axis=0)
    cp = cal.SplitConformal(0.1, "aps", seed=0).fit(cal_p, np.full(19, 0))
    rng = np.random.default_rng(0)
    u_cal = rng.random(19)
    assert cp.threshold_ == pytest.approx(np.sort(0.8 + 0.2 * u_cal)[17])  # ceil(20 * 0.9) = 18
    sets = cp.predict_sets(np.repeat(p[:1], 50, axis=0))
    want = cal.conformity_scores(np.repeat(p[:1], 50, axis=0), "aps", rng.random(50))
    np.testing.assert_array_equal(sets, want <= cp.threshold_)
    cp = cal.SplitConformal(0.1, "aps_conservative").fit(cal_p, np.full(19, 0))
    assert cp.threshold_ == pytest.approx(1.0)
    for threshold, want in [(0.81, [1, 1, 1]), (0.79, [0, 1, 1]), (0.5, [0, 1, 0])]:
        # Conservative APS adds classes until their mass (0.5, 0.8, 1.0) reaches the threshold.
        cp.threshold_ = threshold
        np.testing.assert_array_equal(cp.predict_sets(p[:1]), [np.array(want, bool)])


@pytest.fixture(scope="module")
def digits_probs():
    """Logistic-regression probabilities on the digits test split (450 rows, 10 classes)."""
    import alviz as al

    ds = al.datasets.load("digits", seed=0)
    model = al.models.make("logreg", seed=0).fit(ds.X, ds.y)
    return model.predict_proba(ds.X_test), ds.y_test


def _split_coverage(p, y, method, n_splits):
    """Coverage and mean set size over random halvings of (p, y) into calibration / test."""
    half = len(y) // 2
    coverage, size = [], []
    for seed in range(n_splits):
        rows = np.random.default_rng(seed).permutation(len(y))
        cal_rows, test_rows = rows[:half], rows[half:]
        cp = cal.SplitConformal(ALPHA, method, seed=seed).fit(p[cal_rows], y[cal_rows])
        sets = cp.predict_sets(p[test_rows])
        coverage.append(cp.coverage(sets, y[test_rows]))
        size.append(sets.sum(axis=1).mean())
    return np.mean(coverage), np.mean(size), half


@pytest.mark.parametrize("method", ["lac", "aps"])
def test_mean_coverage_over_random_splits_is_near_exact(digits_probs, method):
    # Random splits of one fixed set are exchangeable, so the expected coverage lies in
    # [1 - alpha, 1 - alpha + 1 / (n + 1)] (no ties). 1000 splits: standard error ~0.001.
    p, y = digits_probs
    mean, _, n = _split_coverage(p, y, method, 1000)
    assert 1 - ALPHA - 0.004 <= mean <= 1 - ALPHA + 1 / (n + 1) + 0.004


def test_conservative_aps_over_covers_with_larger_sets(digits_probs):
    # The claim of the SplitConformal docstring: near-full coverage, ~4x the classes.
    p, y = digits_probs
    cov_aps, size_aps, _ = _split_coverage(p, y, "aps", 200)
    cov_cons, size_cons, _ = _split_coverage(p, y, "aps_conservative", 200)
    assert cov_cons >= 0.98 > cov_aps + 0.05
    assert size_cons >= 3 * size_aps


def test_deterministic_aps_sets_are_never_empty_and_lac_sets_can_be():
    rng = np.random.default_rng(0)
    p, y = exchangeable(rng, 400)
    aps = cal.SplitConformal(0.5, "aps_conservative").fit(p[:200], y[:200])
    assert aps.set_sizes(aps.predict_sets(p[200:])).min() >= 1
    lac = cal.SplitConformal(0.5, "lac").fit(p[:200], y[:200])
    assert lac.set_sizes(lac.predict_sets(p[200:])).min() == 0


@pytest.mark.parametrize("method", METHODS)
def test_sets_grow_as_alpha_shrinks(method):
    rng = np.random.default_rng(1)
    p, y = exchangeable(rng, 600)
    loose = cal.SplitConformal(0.3, method, seed=0).fit(p[:300], y[:300])
    tight = cal.SplitConformal(0.05, method, seed=0).fit(p[:300], y[:300])
    small, big = loose.predict_sets(p[300:]), tight.predict_sets(p[300:])
    assert big.sum() > small.sum()
    if method != "aps":
        assert not (small & ~big).any()  # nested


def test_randomized_aps_is_reproducible_and_smaller():
    rng = np.random.default_rng(2)
    p, y = exchangeable(rng, 1000)

    def sets(seed, method="aps"):
        cp = cal.SplitConformal(ALPHA, method, seed=seed)
        return cp.fit(p[:500], y[:500]).predict_sets(p[500:])

    np.testing.assert_array_equal(sets(3), sets(3))
    assert not np.array_equal(sets(3), sets(4))
    assert sets(3).sum() < sets(3, "aps_conservative").sum()


def test_set_sizes_and_coverage_known_answer():
    sets = np.array([[True, False, True], [False, False, False], [True, True, True]])
    np.testing.assert_array_equal(cal.SplitConformal.set_sizes(sets), [2, 0, 3])
    assert cal.SplitConformal.coverage(sets, [2, 0, 1]) == pytest.approx(2 / 3)


def test_conformal_is_an_sklearn_estimator_and_checks_its_input():
    cp = cal.SplitConformal(alpha=0.2, method="aps", seed=1)
    assert clone(cp).get_params() == {"alpha": 0.2, "method": "aps", "seed": 1}
    p = np.full((4, 3), 1 / 3)
    with pytest.raises(NotFittedError):
        cp.predict_sets(p)
    assert cp.calibrate(p, [0, 1, 2, 0]) is cp
    with pytest.raises(ValueError, match="3 classes"):
        cp.predict_sets(np.full((2, 4), 0.25))
    with pytest.raises(TypeError, match=r"boolean mask.*predict_sets"):
        cp.set_sizes(p)
    with pytest.raises(ValueError, match=r"alpha must be a number in \(0, 1\)"):
        cal.SplitConformal(alpha=1.5).fit(p, [0, 1, 2, 0])
    with pytest.raises(ValueError, match="method must be one of"):
        cal.SplitConformal(method="raps").fit(p, [0, 1, 2, 0])
    with pytest.raises(ValueError, match=r"y must hold class indices in \[0, 2\]"):
        cal.SplitConformal().fit(p, [0, 1, 3, 0])
