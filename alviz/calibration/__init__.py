"""Calibration, conformal prediction, selective classification and OOD scores.

Pure functions over probability arrays of shape (n_samples, n_classes).
"""

from ._metrics import brier_score, expected_calibration_error, negative_log_likelihood

__all__ = ["brier_score", "expected_calibration_error", "negative_log_likelihood"]
