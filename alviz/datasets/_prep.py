"""Preprocessors fitted on the training rows only: impute, scale, encode categories."""

from __future__ import annotations

import numpy as np

__all__ = ["IMPUTE_CHOICES", "frame_preprocessor", "numeric_preprocessor"]

IMPUTE_CHOICES = ("mean", "median")
#: How to fix missing values, said by every loader that refuses them.
IMPUTE_FIX = (
    "Pass impute='mean' or impute='median' to fill them from the training rows (inf counts "
    "as missing), or clean the data first."
)


def _inf_to_nan(X):
    # An explicit impute= fills inf as well as NaN: both are values the data lacks.
    X = np.array(X, dtype=np.float64)
    X[~np.isfinite(X)] = np.nan
    return X


def _as_strings(frame):
    """Category columns as strings, missing values as NaN (what SimpleImputer looks for)."""
    out = frame.astype(object).where(frame.notna(), np.nan)
    for col in out.columns:
        present = out[col].notna()
        out.loc[present, col] = out.loc[present, col].astype(str)
    return out


def numeric_preprocessor(scale: bool, impute: str | None):
    """Impute (optional) then standardize (optional); None when there is nothing to do."""
    # scikit-learn is imported here, not with the module: toy worlds load without it.
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import FunctionTransformer, StandardScaler

    steps = []
    if impute is not None:
        steps += [
            ("inf_to_nan", FunctionTransformer(_inf_to_nan, feature_names_out="one-to-one")),
            ("impute", SimpleImputer(strategy=impute)),
        ]
    if scale:
        steps.append(("scale", StandardScaler()))
    return Pipeline(steps) if steps else None


def frame_preprocessor(numeric: list, categorical: list, scale: bool, impute: str | None):
    """A ColumnTransformer: numeric columns imputed/scaled, category columns one-hot encoded.

    With ``impute``, missing categories take the column's most frequent value.
    """
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import FunctionTransformer, OneHotEncoder

    num = numeric_preprocessor(scale, impute) or "passthrough"
    cat_steps = [("strings", FunctionTransformer(_as_strings, feature_names_out="one-to-one"))]
    if impute is not None:
        cat_steps.append(("impute", SimpleImputer(strategy="most_frequent")))
    cat_steps.append(
        ("onehot", OneHotEncoder(handle_unknown="ignore", sparse_output=False, dtype=np.float64))
    )
    return ColumnTransformer(
        [("num", num, list(numeric)), ("cat", Pipeline(cat_steps), list(categorical))],
        verbose_feature_names_out=False,
        sparse_threshold=0.0,
    )
