"""Input checks shared by every layer.

Messages follow scikit-learn's ``utils/validation.py``: they name the
argument, say what was expected, what was received and how to fix it.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = [
    "check_draws",
    "check_finite",
    "check_labels",
    "check_probs",
    "check_random_state",
]

#: Rows of a probability array must sum to 1 within this tolerance.
ROW_SUM_ATOL = 1e-3


def _describe(x) -> str:
    a = np.asarray(x)
    return f"an array of shape {a.shape} and dtype {a.dtype}"


def check_finite(x: np.ndarray, name: str) -> np.ndarray:
    """Raise if ``x`` holds NaN or inf, saying how many and where."""
    if x.dtype.kind in "fc" and not np.isfinite(x).all():
        bad = ~np.isfinite(x)
        n_nan = int(np.isnan(x).sum())
        n_inf = int(bad.sum()) - n_nan
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(
            f"{name} contains {n_nan} NaN and {n_inf} inf values (first at index {first}). "
            f"Probabilities and features must be finite: check the model's output or "
            f"impute the data before passing it."
        )
    return x


def _as_float(x, name: str) -> np.ndarray:
    try:
        a = np.asarray(x)
    except Exception as exc:  # ragged lists and the like
        raise TypeError(f"{name} must be array-like of numbers; got {type(x).__name__}.") from exc
    if a.dtype.kind not in "biuf":
        raise TypeError(
            f"{name} must hold numbers; got {_describe(a)}. Convert it with np.asarray(..., float)."
        )
    if a.dtype not in (np.float32, np.float64):
        a = a.astype(np.float64)
    return a


def _check_rows(a: np.ndarray, name: str) -> None:
    if a.size == 0:
        return
    if (a < -1e-6).any() or (a > 1 + 1e-6).any():
        raise ValueError(
            f"{name} must hold probabilities in [0, 1]; got values in "
            f"[{float(a.min()):.4g}, {float(a.max()):.4g}]. If these are logits, apply a "
            f"softmax first (scipy.special.softmax(logits, axis=-1))."
        )
    sums = a.sum(axis=-1)
    worst = float(np.abs(sums - 1).max())
    if worst > ROW_SUM_ATOL:
        raise ValueError(
            f"each row of {name} must sum to 1 (within {ROW_SUM_ATOL}); the worst row sums to "
            f"{float(sums.ravel()[np.abs(sums - 1).argmax()]):.6g}. Normalise the rows, or pass "
            f"probabilities rather than scores."
        )


def check_probs(probs, name: str = "probs") -> np.ndarray:
    """Validate class probabilities.

    Parameters
    ----------
    probs : array-like of shape (n_samples, n_classes)
        Rows must be finite, in [0, 1] and sum to 1.
    name : str
        The argument's name, used in error messages.

    Returns
    -------
    probs : ndarray of shape (n_samples, n_classes)
        float32 or float64 (other dtypes are converted to float64).
    """
    a = _as_float(probs, name)
    if a.ndim != 2:
        hint = ""
        if a.ndim == 3:
            hint = (
                " This looks like sampled predictions (n_draws, n_samples, n_classes): "
                "use a draws-based measure, or average over draws with probs_draws.mean(axis=0)."
            )
        elif a.ndim == 1:
            hint = " For a single sample use probs[None, :]; for binary scores stack [1 - p, p]."
        raise ValueError(
            f"{name} must be a 2-D array of shape (n_samples, n_classes); got {_describe(a)}.{hint}"
        )
    check_finite(a, name)
    _check_rows(a, name)
    return a


def check_draws(probs_draws, name: str = "probs_draws") -> np.ndarray:
    """Validate sampled predictions.

    Parameters
    ----------
    probs_draws : array-like of shape (n_draws, n_samples, n_classes)
        Draws FIRST (MC-dropout passes, ensemble members, posterior draws).
    name : str
        The argument's name, used in error messages.

    Returns
    -------
    probs_draws : ndarray of shape (n_draws, n_samples, n_classes)
    """
    a = _as_float(probs_draws, name)
    if a.ndim != 3:
        hint = ""
        if a.ndim == 2:
            hint = (
                " A 2-D array holds one prediction per sample, but this measure needs several "
                "sampled predictions per sample: get them with model.sample_proba(X, n_draws=20)."
            )
        raise ValueError(
            f"{name} must be a 3-D array of shape (n_draws, n_samples, n_classes) with the draws "
            f"first; got {_describe(a)}.{hint}"
        )
    check_finite(a, name)
    _check_rows(a, name)
    return a


def check_labels(y, n_samples: int | None = None, name: str = "y") -> np.ndarray:
    """Validate integer class labels of shape (n_samples,)."""
    a = np.asarray(y)
    if a.ndim != 1:
        raise ValueError(f"{name} must be 1-D of shape (n_samples,); got {_describe(a)}.")
    if n_samples is not None and a.shape[0] != n_samples:
        raise ValueError(
            f"{name} has {a.shape[0]} entries but there are {n_samples} samples; "
            f"pass one label per row."
        )
    if a.dtype.kind == "f":
        if not np.all(np.isfinite(a)) or not np.all(a == np.round(a)):
            raise ValueError(
                f"{name} must hold integer class indices; got non-integer floats. "
                f"Encode string or float labels with sklearn.preprocessing.LabelEncoder."
            )
        a = a.astype(np.int64)
    elif a.dtype.kind not in "iu":
        raise TypeError(
            f"{name} must hold integer class indices 0..n_classes-1; got {_describe(a)}. "
            f"Encode them with sklearn.preprocessing.LabelEncoder, or load the data with "
            f"alviz.datasets.from_arrays, which does it for you."
        )
    return a.astype(np.int64, copy=False)


def check_random_state(seed) -> np.random.Generator:
    """Turn ``None``, an int or a Generator into a :class:`numpy.random.Generator`."""
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None or isinstance(seed, numbers.Integral | np.integer):
        return np.random.default_rng(seed)
    raise TypeError(
        f"seed must be None, an int or a numpy.random.Generator; got {type(seed).__name__}."
    )
