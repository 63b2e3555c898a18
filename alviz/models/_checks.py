"""Input checks of the models: clear errors instead of deep stack traces."""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.utils.validation import check_is_fitted

from .._validation import check_finite, check_labels

__all__ = ["check_X", "check_X_fitted", "check_n_draws", "check_targets"]


def check_X(X, name: str = "X") -> np.ndarray:
    """Features as a finite float array of shape (n_samples, n_features)."""
    try:
        a = np.asarray(X)
    except Exception as exc:
        raise TypeError(f"{name} must be array-like of numbers; got {type(X).__name__}.") from exc
    if a.dtype.kind not in "biuf":
        raise TypeError(
            f"{name} must hold numbers; got an array of dtype {a.dtype}. Encode categorical "
            f"columns first (e.g. sklearn.preprocessing.OneHotEncoder)."
        )
    if a.ndim != 2:
        hint = (
            " For one feature use X.reshape(-1, 1); for one sample X[None, :]."
            if a.ndim == 1
            else ""
        )
        raise ValueError(
            f"{name} must be 2-D of shape (n_samples, n_features); got shape {a.shape}.{hint}"
        )
    a = a.astype(np.float64, copy=False)
    check_finite(a, name)
    return a


def check_X_fitted(model, X) -> np.ndarray:
    """Check that ``model`` is fitted and that ``X`` has the features it was fitted on."""
    check_is_fitted(model, "n_features_in_")
    a = check_X(X)
    if a.shape[1] != model.n_features_in_:
        raise ValueError(
            f"X has {a.shape[1]} features, but {type(model).__name__} was fitted with "
            f"{model.n_features_in_}; pass rows with the same columns as in fit."
        )
    return a


def check_targets(y, n_samples: int, task: str) -> np.ndarray:
    """Integer class labels (classification) or finite floats (regression) of shape (n_samples,)."""
    if task == "classification":
        return check_labels(y, n_samples)
    a = np.asarray(y)
    if a.dtype.kind not in "biuf":
        raise TypeError(
            f"y must hold numbers for regression; got an array of dtype {a.dtype}. "
            f"For class labels use a classifier."
        )
    if a.ndim != 1 or a.shape[0] != n_samples:
        raise ValueError(
            f"y must have shape (n_samples,) = ({n_samples},); got shape {a.shape}. "
            f"Pass one target per row of X (use y.ravel() for a column)."
        )
    return check_finite(a.astype(np.float64, copy=False), "y")


def check_n_draws(n_draws) -> int:
    """A positive number of draws."""
    if not isinstance(n_draws, numbers.Integral) or isinstance(n_draws, bool) or n_draws < 1:
        raise ValueError(f"n_draws must be a positive integer; got {n_draws!r}.")
    return int(n_draws)
