"""Checks of user-supplied features: shapes, lengths, NaN/inf by column."""

from __future__ import annotations

import numpy as np

__all__ = ["check_features", "check_same_length", "nonfinite_report", "take"]


def take(obj, idx: np.ndarray):
    """Rows ``idx`` of an array, a DataFrame, or a list."""
    if obj is None:
        return None
    if hasattr(obj, "iloc"):
        return obj.iloc[idx]
    if isinstance(obj, list | tuple):
        return [obj[i] for i in idx]
    return np.asarray(obj)[idx]


def n_rows(obj) -> int:
    """Number of rows of an array, a DataFrame, or a list."""
    return int(obj.shape[0]) if hasattr(obj, "shape") else len(obj)


def check_same_length(name_a: str, a, name_b: str, b) -> None:
    """X and y (or X and groups...) must have one entry per row."""
    if b is not None and n_rows(a) != n_rows(b):
        raise ValueError(
            f"{name_a} has {n_rows(a)} rows but {name_b} has {n_rows(b)} entries; pass one "
            f"{name_b} entry per row of {name_a}."
        )


def check_features(X, name: str = "X") -> np.ndarray:
    """A 2-D numeric array of shape (n_samples, n_features) with at least one row and column."""
    if hasattr(X, "iloc"):
        raise TypeError(
            f"{name} is a DataFrame; use alviz.datasets.from_dataframe(df, target=...), which "
            f"encodes its text columns, or pass df.to_numpy()."
        )
    a = np.asarray(X)
    if a.ndim == 1:
        raise ValueError(
            f"{name} must be 2-D of shape (n_samples, n_features); got a 1-D array of shape "
            f"{a.shape}. For a single feature use X.reshape(-1, 1)."
        )
    if a.ndim != 2:
        hint = " For images use alviz.datasets.from_images." if a.ndim in (3, 4) else ""
        raise ValueError(
            f"{name} must be 2-D of shape (n_samples, n_features); got shape {a.shape}.{hint}"
        )
    if a.dtype.kind not in "biuf":
        raise TypeError(
            f"{name} must hold numbers; got dtype {a.dtype}. For text or category columns use "
            f"alviz.datasets.from_dataframe (it encodes them) or from_texts."
        )
    if a.shape[0] == 0 or a.shape[1] == 0:
        raise ValueError(
            f"{name} is empty (shape {a.shape}); it needs at least one row and column."
        )
    return a


def nonfinite_report(counts: dict, n_bad_rows: int, name: str, impute_hint: bool = True) -> str:
    """The sentence saying which columns hold NaN/inf and how to fix it."""
    cols = ", ".join(
        f"{col!r} ({nan} NaN, {inf} inf)" if inf else f"{col!r} ({nan} missing)"
        for col, (nan, inf) in counts.items()
    )
    fix = (
        "Pass impute='mean' or impute='median' to fill them from the training rows (inf counts "
        "as missing), or clean the data first."
        if impute_hint
        else "Clean the data first."
    )
    return (
        f"{name} has missing or infinite values in {len(counts)} column(s), {n_bad_rows} row(s) "
        f"affected: {cols}. Nothing was dropped. {fix}"
    )


def check_finite_columns(X: np.ndarray, feature_names, name: str = "X", impute_hint=True) -> None:
    """Raise, naming columns and counts, if a float array holds NaN or inf."""
    if X.dtype.kind not in "fc":
        return
    finite = np.isfinite(X)
    if finite.all():
        return
    nan = np.isnan(X).sum(axis=0)
    inf = (~finite).sum(axis=0) - nan
    bad_cols = np.flatnonzero(nan + inf)
    names = (
        list(feature_names) if feature_names is not None else [f"x{i}" for i in range(X.shape[1])]
    )
    counts = {names[j]: (int(nan[j]), int(inf[j])) for j in bad_cols}
    n_bad_rows = int((~finite).any(axis=1).sum())
    raise ValueError(nonfinite_report(counts, n_bad_rows, name, impute_hint))
