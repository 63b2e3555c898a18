"""Calibration errors, reliability curves, proper scores and temperature scaling."""

import numpy as np
import pytest
from scipy.special import softmax
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.metrics import log_loss

import alviz.calibration as cal

# Four predictions whose confidences 0.9, 0.6, 0.8, 0.7 fall in four different bins of ten.
P4 = np.array([[0.9, 0.1], [0.6, 0.4], [0.8, 0.2], [0.3, 0.7]])
Y4 = np.array([0, 1, 0, 1])  # correct, wrong, correct, correct


def self_calibrated(n, n_classes=4, scale=3.0, seed=0):
    """Probabilities and labels drawn from those very probabilities (calibrated by construction)."""
    rng = np.random.default_rng(seed)
    logits = rng.normal(size=(n, n_classes)) * scale
    p = softmax(logits, axis=1)
    y = (p.cumsum(axis=1) > rng.random((n, 1))).argmax(axis=1)
    return logits, p, y


# ---------------------------------------------------------------- calibration errors


def test_ece_and_mce_known_answer():
    # Every bin holds one sample: gaps |1-0.9|, |0-0.6|, |1-0.8|, |1-0.7|.
    assert cal.expected_calibration_error(P4, Y4, n_bins=10) == pytest.approx(1.2 / 4)
    assert cal.maximum_calibration_error(P4, Y4, n_bins=10) == pytest.approx(0.6)
    # One bin: |mean accuracy - mean confidence| = |0.75 - 0.75|.
    assert cal.expected_calibration_error(P4, Y4, n_bins=1) == pytest.approx(0.0)


def test_classwise_ece_known_answer():
    p = np.array([[0.8, 0.2], [0.3, 0.7]])
    y = np.array([0, 0])
    # Class 0: |1-0.8| and |1-0.3|; class 1: |0-0.2| and |0-0.7|; each mean 0.45.
    assert cal.classwise_ece(p, y, n_bins=10) == pytest.approx(0.45)


@pytest.mark.parametrize("strategy", ["uniform", "quantile"])
def test_ece_near_zero_for_a_self_calibrated_predictor(strategy):
    _, p, y = self_calibrated(20_000)
    assert cal.expected_calibration_error(p, y, strategy=strategy) < 0.02
    assert cal.classwise_ece(p, y, strategy=strategy) < 0.02
    # The same predictor made over-confident is clearly miscalibrated.
    logits, _, _ = self_calibrated(20_000)
    sharp = softmax(logits * 3, axis=1)
    assert cal.expected_calibration_error(sharp, y, strategy=strategy) > 0.1


def test_reliability_curve_bins():
    _, p, y = self_calibrated(3000, seed=1)
    curve = cal.reliability_curve(p, y, n_bins=10)
    assert curve.edges.shape == (11,) and curve.count.shape == (10,)
    assert curve.count.sum() == 3000
    full = curve.count > 0
    inside = (curve.mean_confidence[full] > curve.edges[:-1][full]) & (
        curve.mean_confidence[full] <= curve.edges[1:][full]
    )
    assert inside.all()
    assert np.isnan(curve.accuracy[~full]).all()  # bins below 1/n_classes are empty
    assert curve.ece == pytest.approx(cal.expected_calibration_error(p, y, n_bins=10))


def test_quantile_bins_have_equal_mass():
    _, p, y = self_calibrated(3000, seed=2)
    curve = cal.reliability_curve(p, y, n_bins=15, strategy="quantile")
    assert curve.count.sum() == 3000
    assert curve.count.max() - curve.count.min() <= 1
    assert curve.edges[0] == 0 and curve.edges[-1] == 1 and (np.diff(curve.edges) >= 0).all()


def test_quantile_bins_with_ties():
    p = np.array([[1.0, 0.0]] * 8 + [[0.6, 0.4]] * 2)
    y = np.zeros(10, int)
    curve = cal.reliability_curve(p, y, n_bins=4, strategy="quantile")
    assert curve.count.sum() == 10
    # Ties stay in one bin: the two 0.6s are right at confidence 0.6, a gap of 2 * 0.4 / 10.
    assert cal.expected_calibration_error(p, y, strategy="quantile") == pytest.approx(0.08)


def test_perfect_predictions_have_no_error():
    p = np.eye(3)[[0, 1, 2, 1]]
    y = np.array([0, 1, 2, 1])
    for f in (
        cal.expected_calibration_error,
        cal.maximum_calibration_error,
        cal.classwise_ece,
        cal.brier_score,
        cal.negative_log_likelihood,
    ):
        assert f(p, y) == pytest.approx(0.0, abs=1e-9), f.__name__


def test_brier_and_nll_known_answers():
    assert cal.brier_score([[0.5, 0.5]], [0]) == pytest.approx(0.5)
    assert cal.brier_score([[0.0, 1.0]], [0]) == pytest.approx(2.0)
    assert cal.negative_log_likelihood([[0.5, 0.5]], [1]) == pytest.approx(np.log(2))
    # A confident error is large but finite.
    assert cal.negative_log_likelihood([[1.0, 0.0]], [1]) == pytest.approx(-np.log(1e-12))


def test_scores_agree_with_scikit_learn():
    _, p, y = self_calibrated(500, seed=3)
    assert cal.negative_log_likelihood(p, y) == pytest.approx(log_loss(y, p, labels=range(4)))
    onehot = np.eye(4)[y]
    assert cal.brier_score(p, y) == pytest.approx(((p - onehot) ** 2).sum(axis=1).mean())


def test_float32_and_empty_input():
    _, p, y = self_calibrated(200, seed=4)
    for f in (cal.expected_calibration_error, cal.brier_score, cal.negative_log_likelihood):
        assert f(p.astype(np.float32), y) == pytest.approx(f(p, y), abs=1e-5)
    empty = np.zeros((0, 3))
    assert cal.expected_calibration_error(empty, np.zeros(0, int)) == 0.0
    assert cal.reliability_curve(empty, np.zeros(0, int)).count.sum() == 0


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n_bins": 0}, "n_bins must be a positive integer"),
        ({"n_bins": 2.5}, "n_bins must be a positive integer"),
        ({"strategy": "equal"}, r"strategy must be one of \('uniform', 'quantile'\)"),
    ],
)
def test_bad_binning(kwargs, match):
    with pytest.raises(ValueError, match=match):
        cal.expected_calibration_error(P4, Y4, **kwargs)


def test_bad_labels():
    with pytest.raises(ValueError, match=r"y must hold class indices in \[0, 1\]"):
        cal.brier_score(P4, [0, 1, 2, 0])
    with pytest.raises(ValueError, match="y has 3 entries but there are 4 samples"):
        cal.expected_calibration_error(P4, [0, 1, 1])
    with pytest.raises(ValueError, match="probs contains 1 NaN"):
        cal.negative_log_likelihood([[np.nan, 1.0]], [0])


# ---------------------------------------------------------------- temperature scaling


def test_temperature_scaling_fixes_an_over_confident_model():
    logits, _, y = self_calibrated(4000, seed=5)
    over = 3.0 * logits  # the "model" is 3x too sharp
    fit, test = slice(0, 2000), slice(2000, None)
    ts = cal.TemperatureScaler(input="logits").fit(over[fit], y[fit])
    assert ts.temperature_ == pytest.approx(3.0, rel=0.15)
    assert ts.nll_after_ < ts.nll_before_
    before = cal.negative_log_likelihood(softmax(over[test], axis=1), y[test])
    calibrated = ts.predict_proba(over[test])
    assert cal.negative_log_likelihood(calibrated, y[test]) < before - 0.1
    assert cal.expected_calibration_error(calibrated, y[test]) < cal.expected_calibration_error(
        softmax(over[test], axis=1), y[test]
    )
    # Accuracy never changes.
    np.testing.assert_array_equal(calibrated.argmax(axis=1), over[test].argmax(axis=1))
    np.testing.assert_allclose(calibrated.sum(axis=1), 1.0)
    np.testing.assert_allclose(np.exp(ts.predict_log_proba(over[test])), calibrated)


def test_temperature_scaling_sharpens_an_under_confident_model_from_probabilities():
    logits, _, y = self_calibrated(3000, seed=6)
    under = softmax(logits / 2.0, axis=1)  # probabilities, 2x too soft
    ts = cal.TemperatureScaler().fit(under, y)  # "auto" sees probabilities
    assert ts.temperature_ == pytest.approx(0.5, rel=0.15)
    # The same as passing their logs as logits, also for float32 rows a rounding above 1.
    as_logits = cal.TemperatureScaler(input="logits").fit(np.log(under), y)
    assert as_logits.temperature_ == pytest.approx(ts.temperature_, rel=1e-5)
    rounded = under.astype(np.float32)
    rounded[0] = [1 + 1e-7, 0, 0, 0]
    auto = cal.TemperatureScaler().fit(rounded, y).temperature_
    assert auto == cal.TemperatureScaler(input="probs").fit(rounded, y).temperature_
    assert auto == pytest.approx(ts.temperature_, rel=0.1)
    assert cal.negative_log_likelihood(ts.transform(under), y) < cal.negative_log_likelihood(
        under, y
    )


def test_temperature_one_for_a_calibrated_model():
    logits, _, y = self_calibrated(5000, seed=7)
    ts = cal.TemperatureScaler(input="logits").fit(logits, y)
    assert ts.temperature_ == pytest.approx(1.0, abs=0.1)


def test_temperature_scaler_is_an_sklearn_estimator():
    ts = cal.TemperatureScaler(input="logits", eps=1e-9)
    assert clone(ts).get_params() == {"input": "logits", "eps": 1e-9}
    with pytest.raises(NotFittedError):
        ts.transform(np.zeros((2, 3)))
    logits, _, y = self_calibrated(100, n_classes=3, seed=8)
    ts.fit(logits, y)
    with pytest.raises(ValueError, match="fitted on 3 classes"):
        ts.transform(np.zeros((2, 4)))
    with pytest.raises(ValueError, match="input must be one of"):
        cal.TemperatureScaler(input="scores").fit(logits, y)
    with pytest.raises(ValueError, match=r"X must be a 2-D array of shape \(n_samples, n_cl"):
        cal.TemperatureScaler().fit(logits[0], y[:1])
