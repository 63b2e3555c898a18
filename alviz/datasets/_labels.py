"""Turn the labels people have (strings, ints, blanks) into class indices and class names."""

from __future__ import annotations

import numbers

import numpy as np

from ._base import UNLABELED

__all__ = ["check_n_classes", "encode_labels", "encode_targets"]


def _as_1d(y, name: str) -> np.ndarray:
    to_numpy = getattr(y, "to_numpy", None)
    a = to_numpy() if to_numpy is not None else np.asarray(y)
    if a.dtype.kind in "US" and isinstance(y, list | tuple):
        # np.asarray(["a", nan]) turns NaN and None into the strings "nan" and "None":
        # keep the Python objects, so a blank stays a row without a label.
        if any(not isinstance(v, str | bytes) for v in y):
            a = np.empty(len(y), dtype=object)
            a[:] = list(y)
    if a.ndim == 2 and a.shape[1] == 1:
        a = a[:, 0]
    if a.ndim != 1:
        raise ValueError(
            f"{name} must be 1-D of shape (n_samples,); got an array of shape {a.shape}. "
            f"Pass one label per row."
        )
    return a


def _plain(v):
    """Numpy scalars to Python ones; integral floats to ints (so 1.0 and 1 are one class)."""
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def _missing_mask(a: np.ndarray) -> np.ndarray:
    """None, NaN, pandas NA/NaT, and the integer UNLABELED mark a row without a label."""
    if a.dtype.kind in "iu":
        return a == UNLABELED
    if a.dtype.kind == "f":
        return np.isnan(a) | (a == UNLABELED)
    if a.dtype.kind == "O":
        import pandas as pd

        out = np.asarray(pd.isna(a), dtype=bool)
        # -1 in an object column is the UNLABELED marker too (but not the string "-1").
        ints = np.fromiter(
            (isinstance(v, numbers.Real) and not isinstance(v, bool) and v == UNLABELED for v in a),
            dtype=bool,
            count=len(a),
        )
        return out | ints
    return np.zeros(len(a), dtype=bool)


def _distinct(values: np.ndarray) -> tuple[list, np.ndarray]:
    """Distinct labels (as plain Python values) and each row's position among them."""
    if values.dtype.kind != "O":
        uniq, inv = np.unique(values, return_inverse=True)
        return [_plain(u) for u in uniq.tolist()], inv.ravel()
    plain = [_plain(v) for v in values.tolist()]
    first = dict.fromkeys(plain)
    pos = {v: i for i, v in enumerate(first)}
    return list(first), np.fromiter((pos[v] for v in plain), dtype=np.int64, count=len(plain))


def _check_not_continuous(distinct: list, name: str) -> None:
    """Non-integral floats are measurements, not classes: point to task='regression'."""
    floats = [v for v in distinct if isinstance(v, float)]
    if floats:
        raise ValueError(
            f"{name} holds {len(floats)} distinct non-integer numbers (e.g. "
            f"{', '.join(repr(v) for v in sorted(floats)[:3])}): continuous values are not "
            f"classes. For a numeric target pass task='regression'; to keep them as classes, "
            f"pass them as text (y.astype(str)) or round/bin them first."
        )


def _sorted_classes(distinct: list, name: str) -> list:
    kinds = {"str" if isinstance(v, str) else "number" for v in distinct}
    bad = [v for v in distinct if not isinstance(v, str | numbers.Number)]
    if bad:
        raise TypeError(
            f"{name} holds labels that are neither text nor numbers (e.g. {bad[0]!r}); "
            f"pass strings or ints."
        )
    if len(kinds) > 1:
        examples = sorted(repr(v) for v in distinct)[:4]
        raise TypeError(
            f"{name} mixes text and numbers as labels (e.g. {', '.join(examples)}); "
            f"make them one type, e.g. y.astype(str)."
        )
    return sorted(distinct)


def encode_labels(
    y, classes=None, n: int | None = None, name: str = "y"
) -> tuple[np.ndarray, np.ndarray]:
    """Map labels to class indices, keeping rows without a label.

    Parameters
    ----------
    y : array-like of shape (n_samples,) or None
        Labels: strings, ints, bools or floats. ``None``, NaN, pandas' NA and
        the integer ``UNLABELED`` (-1) mark rows without a label yet.
        ``None`` for the whole argument means no row is labelled.
    classes : array-like of shape (n_classes,), optional
        Class names in the order of their indices. Labels are matched against
        these names; integer labels that are not names are read as indices
        into them. Needed when no row is labelled, or to name classes that
        no row has yet. Default: the sorted distinct labels.
    n : int, optional
        Number of rows, needed when ``y`` is None.
    name : str
        The argument's name, for error messages.

    Returns
    -------
    codes : ndarray of shape (n_samples,)
        int64 class indices, ``UNLABELED`` where no label is known.
    classes : ndarray of shape (n_classes,)
        The class names.
    """
    if y is None:
        if classes is None:
            raise ValueError(
                f"{name} is None (no row is labelled), so the class names cannot be guessed: "
                f"pass classes=[...] naming every class."
            )
        return np.full(n or 0, UNLABELED, dtype=np.int64), np.asarray(classes)
    a = _as_1d(y, name)
    missing = _missing_mask(a)
    distinct, inv = _distinct(a[~missing])
    if classes is None:
        _check_not_continuous(distinct, name)
        names = _sorted_classes(distinct, name)
        classes_out = np.asarray(names) if names else np.asarray([], dtype=np.int64)
    else:
        classes_out = np.asarray(classes)
        if classes_out.ndim != 1:
            raise ValueError(f"classes must be 1-D; got shape {classes_out.shape}.")
        names = [_plain(v) for v in classes_out.tolist()]
        if len(set(names)) != len(names):
            raise ValueError(f"classes must be distinct; got {names}.")
    lookup = {v: i for i, v in enumerate(names)}
    if (
        classes is not None
        and set(distinct) - set(lookup)
        and all(isinstance(v, numbers.Integral) and 0 <= v < len(names) for v in distinct)
    ):
        lookup = {i: i for i in range(len(names))}  # integer labels are indices into classes
    unknown = sorted(repr(v) for v in set(distinct) - set(lookup))
    if unknown:
        raise ValueError(
            f"{name} holds {len(unknown)} label(s) not among classes {names}: "
            f"{', '.join(unknown[:5])}. Add them to classes, or fix the labels."
        )
    codes = np.full(len(a), UNLABELED, dtype=np.int64)
    codes[~missing] = np.asarray([lookup[v] for v in distinct], dtype=np.int64)[inv]
    return codes, classes_out


def encode_targets(y, name: str = "y") -> np.ndarray:
    """Regression targets as float64 of shape (n_samples,); None/NaN mark rows without one."""
    a = _as_1d(y, name)
    if a.dtype.kind == "O":
        a = np.where(_missing_mask(a), np.nan, a)
    try:
        out = a.astype(np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"{name} must hold numbers for a regression task; got {a.dtype} values such as "
            f"{a[:3].tolist()}. Pass task='classification' for class labels."
        ) from exc
    if np.isinf(out).any():
        raise ValueError(
            f"{name} holds {int(np.isinf(out).sum())} infinite target(s); "
            f"targets must be finite (NaN marks a row without a target)."
        )
    return out


def check_n_classes(classes: np.ndarray, name: str = "y") -> None:
    """Classification needs at least two classes."""
    if len(classes) < 2:
        found = f"only the class {classes.tolist()}" if len(classes) else "no labels at all"
        raise ValueError(
            f"{name} has {found}; classification needs at least two classes. Pass "
            f"classes=[...] naming every class (rows of the missing classes can be labelled "
            f"later), or use task='regression' for a numeric target."
        )
