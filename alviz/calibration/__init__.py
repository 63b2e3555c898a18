"""Calibration, conformal prediction, selective classification and OOD scores.

Pure functions and small sklearn-style estimators over probability arrays of
shape (n_samples, n_classes) (and logits or features where stated).

- Calibration error and proper scores: :func:`expected_calibration_error`
  (equal-width or equal-mass bins), :func:`maximum_calibration_error`,
  :func:`classwise_ece`, :func:`reliability_curve`, :func:`brier_score`,
  :func:`negative_log_likelihood`.
- Recalibration: :class:`TemperatureScaler`.
- Conformal prediction sets: :class:`SplitConformal` (LAC, randomized APS and its
  conservative variant), :func:`conformity_scores`.
- Selective classification: :func:`risk_coverage_curve`, :func:`aurc`,
  :func:`accuracy_at_coverage`.
- Out-of-distribution scores: :func:`max_softmax_probability` (high = in
  distribution), :func:`energy_score` and :class:`MahalanobisDetector`
  (high = out of distribution).
"""

from ._conformal import SplitConformal, conformity_scores
from ._metrics import (
    ReliabilityCurve,
    brier_score,
    classwise_ece,
    expected_calibration_error,
    maximum_calibration_error,
    negative_log_likelihood,
    probability_scores,
    reliability_curve,
)
from ._ood import MahalanobisDetector, energy_score, max_softmax_probability
from ._selective import RiskCoverageCurve, accuracy_at_coverage, aurc, risk_coverage_curve
from ._temperature import TemperatureScaler

__all__ = [
    "MahalanobisDetector",
    "ReliabilityCurve",
    "RiskCoverageCurve",
    "SplitConformal",
    "TemperatureScaler",
    "accuracy_at_coverage",
    "aurc",
    "brier_score",
    "classwise_ece",
    "conformity_scores",
    "energy_score",
    "expected_calibration_error",
    "max_softmax_probability",
    "maximum_calibration_error",
    "negative_log_likelihood",
    "probability_scores",
    "reliability_curve",
    "risk_coverage_curve",
]
