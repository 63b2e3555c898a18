"""Split conformal prediction sets: coverage, set properties, input checks."""

import numpy as np
import pytest
from scipy.special import softmax
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

import alviz.calibration as cal

ALPHA = 0.1
METHODS = [("lac", False), ("aps", False), ("aps", True)]


def exchangeable(rng, n, n_classes=5):
    """Labels from true probabilities; the 'model' is over-confident, so it needs conformal help."""
    logits = rng.normal(size=(n, n_classes)) * 1.5
    true = softmax(logits, axis=1)
    y = (true.cumsum(axis=1) > rng.random((n, 1))).argmax(axis=1)
    return softmax(2.5 * logits, axis=1), y


@pytest.mark.parametrize(("method", "randomized"), METHODS)
def test_coverage_is_at_least_1_minus_alpha_over_many_seeds(method, randomized):
    n_cal = n_test = 200
    coverages = []
    for seed in range(300):
        rng = np.random.default_rng(seed)
        p, y = exchangeable(rng, n_cal + n_test)
        cp = cal.SplitConformal(ALPHA, method, randomized=randomized, seed=seed)
        sets = cp.fit(p[:n_cal], y[:n_cal]).predict_sets(p[n_cal:])
        coverages.append(cp.coverage(sets, y[n_cal:]))
    mean = np.mean(coverages)
    # The guarantee is on the expected coverage; 300 seeds give a standard error of ~0.002.
    assert mean >= 1 - ALPHA - 0.006
    if method == "lac" or randomized:
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
    # Classes ranked 0.5, 0.3, 0.2: an APS score is the mass up to and including the class.
    p = np.array([[0.2, 0.5, 0.3]])
    cp = cal.SplitConformal(0.1, "aps", randomized=True, seed=0)
    cp.fit(np.repeat(p, 19, axis=0), np.full(19, 0))
    assert cp.threshold_ <= 1.0  # 0.5 + 0.3 + U * 0.2 for the true class 0, ranked last
    cp = cal.SplitConformal(0.1, "aps").fit(np.repeat(p, 19, axis=0), np.full(19, 0))
    assert cp.threshold_ == pytest.approx(1.0)
    for threshold, want in [(0.81, [1, 1, 1]), (0.79, [0, 1, 1]), (0.5, [0, 1, 0])]:
        # Deterministic APS adds classes until their mass (0.5, 0.8, 1.0) reaches the threshold.
        cp.threshold_ = threshold
        np.testing.assert_array_equal(cp.predict_sets(p), [np.array(want, bool)])


def test_deterministic_aps_sets_are_never_empty_and_lac_sets_can_be():
    rng = np.random.default_rng(0)
    p, y = exchangeable(rng, 400)
    aps = cal.SplitConformal(0.5, "aps").fit(p[:200], y[:200])
    assert aps.set_sizes(aps.predict_sets(p[200:])).min() >= 1
    lac = cal.SplitConformal(0.5, "lac").fit(p[:200], y[:200])
    assert lac.set_sizes(lac.predict_sets(p[200:])).min() == 0


@pytest.mark.parametrize(("method", "randomized"), METHODS)
def test_sets_grow_as_alpha_shrinks(method, randomized):
    rng = np.random.default_rng(1)
    p, y = exchangeable(rng, 600)
    loose = cal.SplitConformal(0.3, method, randomized=randomized, seed=0).fit(p[:300], y[:300])
    tight = cal.SplitConformal(0.05, method, randomized=randomized, seed=0).fit(p[:300], y[:300])
    small, big = loose.predict_sets(p[300:]), tight.predict_sets(p[300:])
    assert big.sum() > small.sum()
    if not randomized:
        assert not (small & ~big).any()  # nested


def test_randomized_aps_is_reproducible_and_smaller():
    rng = np.random.default_rng(2)
    p, y = exchangeable(rng, 1000)

    def sets(seed, randomized=True):
        cp = cal.SplitConformal(ALPHA, "aps", randomized=randomized, seed=seed)
        return cp.fit(p[:500], y[:500]).predict_sets(p[500:])

    np.testing.assert_array_equal(sets(3), sets(3))
    assert not np.array_equal(sets(3), sets(4))
    assert sets(3).sum() < sets(3, randomized=False).sum()


def test_set_sizes_and_coverage_known_answer():
    sets = np.array([[True, False, True], [False, False, False], [True, True, True]])
    np.testing.assert_array_equal(cal.SplitConformal.set_sizes(sets), [2, 0, 3])
    assert cal.SplitConformal.coverage(sets, [2, 0, 1]) == pytest.approx(2 / 3)


def test_conformal_is_an_sklearn_estimator_and_checks_its_input():
    cp = cal.SplitConformal(alpha=0.2, method="aps", randomized=True, seed=1)
    assert clone(cp).get_params() == {"alpha": 0.2, "method": "aps", "randomized": True, "seed": 1}
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
    with pytest.raises(ValueError, match="randomized=True applies to method='aps'"):
        cal.SplitConformal(method="lac", randomized=True).fit(p, [0, 1, 2, 0])
    with pytest.raises(ValueError, match=r"y must hold class indices in \[0, 2\]"):
        cal.SplitConformal().fit(p, [0, 1, 3, 0])
