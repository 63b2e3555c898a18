"""Input checks specific to calibration (the shared ones live in alviz._validation)."""

from __future__ import annotations

import numpy as np

from .._validation import _as_float, check_finite, check_labels, check_probs

__all__ = ["check_class_indices", "check_features", "check_probs_labels"]


def check_class_indices(y, scores: np.ndarray, name: str = "probs") -> np.ndarray:
    """Labels ``y`` of shape (n_samples,) that index the columns of ``scores``."""
    y = check_labels(y, n_samples=scores.shape[0])
    if len(y) and (y.min() < 0 or y.max() >= scores.shape[1]):
        raise ValueError(
            f"y must hold class indices in [0, {scores.shape[1] - 1}] to match {name} of shape "
            f"{scores.shape}; got values in [{y.min()}, {y.max()}]. Encode labels as "
            f"0..n_classes-1 in the order of the columns."
        )
    return y


def check_probs_labels(probs, y, name: str = "probs"):
    """Validated ``(probs, y)`` with ``y`` holding column indices of ``probs``."""
    p = check_probs(probs, name)
    return p, check_class_indices(y, p, name)


def check_features(x, name: str, what: str = "(n_samples, n_features)") -> np.ndarray:
    """A finite 2-D float array (logits or features)."""
    a = _as_float(x, name)
    if a.ndim != 2:
        hint = " For a single sample use x[None, :]." if a.ndim == 1 else ""
        raise ValueError(
            f"{name} must be a 2-D array of shape {what}; got an array of shape {a.shape}.{hint}"
        )
    return check_finite(a, name)
