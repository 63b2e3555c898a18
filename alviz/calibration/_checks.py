"""Input checks specific to calibration (the shared ones live in alviz._validation)."""

from __future__ import annotations

import numpy as np

from .._validation import _as_float, check_finite, check_labels, check_probs

__all__ = ["check_features", "check_probs_labels"]


def check_probs_labels(probs, y, name: str = "probs"):
    """Validated ``(probs, y)`` with ``y`` holding column indices of ``probs``."""
    p = check_probs(probs, name)
    y = check_labels(y, n_samples=p.shape[0])
    if len(y) and (y.min() < 0 or y.max() >= p.shape[1]):
        raise ValueError(
            f"y must hold class indices in [0, {p.shape[1] - 1}] to match {name} of shape "
            f"{p.shape}; got values in [{y.min()}, {y.max()}]. Encode labels as 0..n_classes-1 "
            f"in the order of the probability columns."
        )
    return p, y


def check_features(x, name: str, what: str = "(n_samples, n_features)") -> np.ndarray:
    """A finite 2-D float array (logits or features)."""
    a = _as_float(x, name)
    if a.ndim != 2:
        hint = " For a single sample use x[None, :]." if a.ndim == 1 else ""
        raise ValueError(
            f"{name} must be a 2-D array of shape {what}; got an array of shape {a.shape}.{hint}"
        )
    return check_finite(a, name)
