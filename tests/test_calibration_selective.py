"""Selective classification (risk-coverage) and out-of-distribution scores."""

import numpy as np
import pytest
from scipy.spatial.distance import mahalanobis
from scipy.special import softmax
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

import alviz.calibration as cal

# Confidences 0.9, 0.8, 0.7, 0.6; the two most confident are right.
P = np.array([[0.9, 0.1], [0.2, 0.8], [0.7, 0.3], [0.4, 0.6]])
Y = np.array([0, 1, 1, 0])


def test_risk_coverage_known_answer():
    coverages, risks = cal.risk_coverage_curve(P, Y)
    np.testing.assert_allclose(coverages, [0.25, 0.5, 0.75, 1.0])
    np.testing.assert_allclose(risks, [0, 0, 1 / 3, 1 / 2])
    assert cal.aurc(P, Y) == pytest.approx((0 + 0 + 1 / 3 + 1 / 2) / 4)
    assert cal.accuracy_at_coverage(P, Y, 0.5) == pytest.approx(1.0)
    assert cal.accuracy_at_coverage(P, Y, 0.75) == pytest.approx(2 / 3)
    assert cal.accuracy_at_coverage(P, Y, 1.0) == pytest.approx(0.5)


def test_ties_in_confidence_are_accepted_together():
    p = np.array([[0.8, 0.2], [0.2, 0.8], [0.6, 0.4]])
    y = np.array([0, 0, 0])  # the two tied 0.8s: one right, one wrong
    curve = cal.risk_coverage_curve(p, y)
    np.testing.assert_allclose(curve.coverages, [2 / 3, 1.0])
    np.testing.assert_allclose(curve.risks, [1 / 2, 1 / 3])
    assert cal.aurc(p, y) == pytest.approx((2 * 0.5 + 1 / 3) / 3)


def test_a_better_confidence_ranking_has_a_lower_aurc():
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(2000, 3)) * 2
    p = softmax(logits, axis=1)
    y = (p.cumsum(axis=1) > rng.random((2000, 1))).argmax(axis=1)
    shuffled = p[:, rng.permutation(3)]  # same labels, a confidence that means nothing
    assert cal.aurc(p, y) < cal.aurc(shuffled, y) - 0.05
    curve = cal.risk_coverage_curve(p, y)
    assert curve.risks[-1] == pytest.approx(np.mean(p.argmax(axis=1) != y))
    assert (np.diff(curve.coverages) > 0).all()
    assert cal.accuracy_at_coverage(p, y, 0.2) > cal.accuracy_at_coverage(p, y, 1.0)


def test_selective_input_checks():
    with pytest.raises(ValueError, match=r"coverage must be a number in \(0, 1\]"):
        cal.accuracy_at_coverage(P, Y, 0)
    with pytest.raises(ValueError, match="y has 3 entries"):
        cal.aurc(P, Y[:3])
    assert cal.aurc(np.zeros((0, 2)), np.zeros(0, int)) == 0.0


# ---------------------------------------------------------------- out of distribution


def test_max_softmax_probability():
    np.testing.assert_allclose(cal.max_softmax_probability(P), [0.9, 0.8, 0.7, 0.6])


def test_energy_score_known_answers_and_sign():
    np.testing.assert_allclose(cal.energy_score([[0.0, 0.0]]), [-np.log(2)])
    np.testing.assert_allclose(cal.energy_score([[0.0, 0.0]], temperature=2.0), [-2 * np.log(2)])
    # Large logits (a confident, in-distribution input) give lower energy.
    e = cal.energy_score([[10.0, 0.0, 0.0], [0.1, 0.0, 0.0]])
    assert e[0] < e[1]
    # Stable for huge logits.
    assert np.isfinite(cal.energy_score([[1e4, -1e4]])).all()
    with pytest.raises(ValueError, match="temperature must be a positive number"):
        cal.energy_score([[0.0, 1.0]], temperature=0)
    with pytest.raises(ValueError, match=r"logits must be a 2-D array.*logits\.reshape\(1, -1\)"):
        cal.energy_score([0.0, 1.0])


def test_mahalanobis_matches_scipy():
    rng = np.random.default_rng(0)
    cov = np.array([[2.0, 0.8], [0.8, 1.0]])
    x = np.vstack([rng.multivariate_normal(m, cov, 300) for m in ([0, 0], [5, 5])])
    y = np.repeat([0, 1], 300)
    det = cal.MahalanobisDetector(reg=0.0).fit(x, y)
    vi = np.linalg.inv(det.covariance_)
    q = np.array([[1.0, -1.0], [4.0, 6.0], [20.0, -20.0]])
    want = [min(mahalanobis(v, m, vi) ** 2 for m in det.means_) for v in q]
    np.testing.assert_allclose(det.score(q), want, rtol=1e-8)
    np.testing.assert_allclose(det.mahalanobis(q).min(axis=1), want, rtol=1e-8)
    np.testing.assert_allclose(det.means_, [x[:300].mean(0), x[300:].mean(0)])
    # Far from both classes = out of distribution = high score.
    assert det.score(q)[2] > 10 * det.score(q)[0]


def test_mahalanobis_with_more_features_than_samples():
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(10, 50)), np.repeat([3, 7], 5)
    det = clone(cal.MahalanobisDetector()).fit(x, y)
    np.testing.assert_array_equal(det.classes_, [3, 7])
    s = det.score(np.vstack([x[:2], x[:2] + 100]))
    assert np.isfinite(s).all() and (s >= 0).all() and s[2] > s[0]


def test_mahalanobis_input_checks():
    det = cal.MahalanobisDetector()
    with pytest.raises(NotFittedError):
        det.score(np.zeros((1, 2)))
    det.fit(np.random.default_rng(0).normal(size=(20, 3)), np.repeat([0, 1], 10))
    with pytest.raises(ValueError, match=r"features has 2 columns.*fitted on 3"):
        det.score(np.zeros((1, 2)))
    with pytest.raises(ValueError, match="features contains 1 NaN"):
        det.score([[np.nan, 0.0, 0.0]])
    with pytest.raises(ValueError, match="reg must be a non-negative number"):
        cal.MahalanobisDetector(reg=-1).fit(np.zeros((4, 2)), [0, 0, 1, 1])
