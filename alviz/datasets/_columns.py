"""Sort a DataFrame's columns into numeric and category ones, or say why one cannot be encoded."""

from __future__ import annotations

import difflib

import numpy as np

__all__ = ["check_target", "column_kinds", "missing_counts", "numeric_frame"]

_NUMERIC_INFERRED = {"integer", "floating", "mixed-integer-float", "decimal", "boolean"}
_TEXT_INFERRED = {"string", "unicode", "categorical"}
#: A text column is a numeric one with typos when at least this share of its values are numbers.
_TYPO_SHARE = 0.9


def numeric_typos(s) -> str | None:
    """Why a text column looks like numbers with a few typos, or None if it does not.

    Returns the problem sentence naming the column, the rows (positions, 0 =
    the first row) and the values that are not numbers; one-hot encoding such
    a column would turn each number into a category.
    """
    import pandas as pd

    values = s.dropna()
    if len(values) < 2 or isinstance(s.dtype, pd.CategoricalDtype):
        return None
    text = values.astype(str).str.strip()
    parsed = pd.to_numeric(text, errors="coerce")
    ok = parsed.notna().to_numpy()
    if ok.all() or ok.sum() < max(2, _TYPO_SHARE * len(values)):
        return None
    positions = np.flatnonzero(s.notna().to_numpy())[~ok]
    bad = values[~ok].tolist()
    shown = ", ".join(f"row {p}: {v!r}" for p, v in zip(positions[:3], bad[:3], strict=True))
    more = f" and {len(positions) - 3} more" if len(positions) > 3 else ""
    return (
        f"{s.name!r} looks numeric ({int(ok.sum())} of {len(values)} values are numbers) but "
        f"{len(positions)} value(s) are not ({shown}{more}; row 0 = the first data row): fix "
        f"them, or leave the cells blank and pass impute=..., or pass categorical=[{s.name!r}] "
        f"to treat the column as categories on purpose"
    )


def check_target(columns, target: str, what: str = "df") -> None:
    """A target column that does not exist: list the columns there are."""
    if target not in columns:
        close = difflib.get_close_matches(str(target), [str(c) for c in columns], n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise ValueError(
            f"target column {target!r} is not in {what}; its columns are "
            f"{[str(c) for c in columns]}.{hint}"
        )


def column_kinds(frame, categorical=None, max_categories: int = 50) -> tuple[list, list]:
    """Split columns into ``(numeric, categorical)``; raise for those that cannot be encoded.

    Parameters
    ----------
    frame : DataFrame
        The feature columns.
    categorical : list, optional
        Columns to treat as categories even if numeric (e.g. integer codes).
    max_categories : int
        A category column with more distinct values is refused: one-hot
        encoding it would add that many columns (an id, or free text).

    Returns
    -------
    numeric, categorical : list of column names
    """
    import pandas as pd
    from pandas.api import types as pt

    forced = set(categorical or [])
    unknown = forced - set(frame.columns)
    if unknown:
        raise ValueError(
            f"categorical names {sorted(map(str, unknown))} that are not feature columns; "
            f"the feature columns are {[str(c) for c in frame.columns]}."
        )
    numeric, cats, problems = [], [], []
    for col in frame.columns:
        s = frame[col]
        dtype = s.dtype
        if col in forced:
            cats.append(col)
        elif pt.is_bool_dtype(dtype) or (
            pt.is_numeric_dtype(dtype) and not pt.is_complex_dtype(dtype)
        ):
            numeric.append(col)
        elif (
            isinstance(dtype, pd.CategoricalDtype)
            or pt.is_string_dtype(dtype)
            or dtype is np.dtype(object)
        ):
            inferred = pd.api.types.infer_dtype(s, skipna=True)
            typo = numeric_typos(s) if inferred in _TEXT_INFERRED or "mixed" in inferred else None
            if typo:
                problems.append(typo)
            elif inferred in _TEXT_INFERRED:
                cats.append(col)
            elif inferred in _NUMERIC_INFERRED:
                numeric.append(col)
            elif inferred == "empty":
                problems.append(f"{col!r} has no values at all (every row is missing): drop it")
            elif inferred.startswith("mixed"):
                kinds = sorted({type(v).__name__ for v in s.dropna().tolist()[:1000]})
                containers = [k for k in kinds if k in ("list", "tuple", "dict", "set", "ndarray")]
                if containers:
                    problems.append(
                        f"{col!r} holds {', '.join(containers)} values, which alviz cannot "
                        f"encode: spread them over columns of numbers, or leave the column out"
                    )
                    continue
                problems.append(
                    f"{col!r} mixes value types ({', '.join(kinds)}): convert it with "
                    f"df[{col!r}].astype(str) if it is a category, or pd.to_numeric if a number"
                )
            else:
                problems.append(
                    f"{col!r} holds {inferred} values, which alviz cannot encode: convert them "
                    f"to numbers or text, or leave the column out with features=[...]"
                )
        else:
            problems.append(
                f"{col!r} has dtype {dtype}, which alviz cannot encode: convert it to numbers "
                f"(for a date: seconds, or day/month columns) or leave it out with features=[...]"
            )
    if problems:
        raise TypeError("cannot encode column(s): " + "; ".join(problems) + ".")
    for col in cats:
        n_unique = frame[col].nunique(dropna=True)
        if n_unique > max_categories:
            problems.append(f"{col!r} has {n_unique} distinct values")
    if problems:
        raise ValueError(
            f"one-hot encoding would add too many columns: {'; '.join(problems)} (the limit is "
            f"max_categories={max_categories}). An id column should be left out with "
            f"features=[...]; free text belongs in from_texts; or raise max_categories."
        )
    return numeric, cats


def numeric_frame(frame, numeric: list, categorical: list):
    """The feature frame with numeric columns as float64 (pandas NA as NaN)."""
    import pandas as pd

    out = pd.DataFrame(index=frame.index)
    for col in frame.columns:
        if col in numeric:
            out[col] = pd.to_numeric(frame[col]).to_numpy(dtype=np.float64, na_value=np.nan)
        elif col in categorical:
            out[col] = frame[col]
    return out


def missing_counts(frame, numeric: list) -> tuple[dict, int]:
    """``{column: (n_missing, n_inf)}`` for columns with gaps, and the rows affected."""
    bad_rows = np.zeros(len(frame), dtype=bool)
    counts = {}
    for col in frame.columns:
        s = frame[col]
        nan = s.isna().to_numpy()
        inf = np.isinf(s.to_numpy(dtype=np.float64)) if col in numeric else np.zeros_like(nan)
        if nan.any() or inf.any():
            counts[col] = (int(nan.sum()), int(inf.sum()))
            bad_rows |= nan | inf
    return counts, int(bad_rows.sum())
