"""The seeded train/test split: unlabelled rows stay in the pool, classes stay balanced."""

from __future__ import annotations

import math

import numpy as np

from ._base import UNLABELED

__all__ = ["split_indices"]


def _n_test(test_size, n: int) -> int:
    # The same rounding as scikit-learn's train_test_split.
    return int(test_size) if test_size >= 1 else math.ceil(test_size * n)


def _check_stratifiable(key: np.ndarray, test_size, names) -> None:
    """Raise a readable error where scikit-learn's stratified split would fail."""
    values, counts = np.unique(key, return_counts=True)
    small = counts < 2
    if small.any():
        which = ", ".join(
            f"{names(v)} ({c} row)" for v, c in zip(values[small], counts[small], strict=True)
        )
        raise ValueError(
            f"a stratified split (test_size={test_size}) needs at least 2 labelled rows per "
            f"class, one for each side; too small: {which}. Label more rows of "
            f"{'that class' if small.sum() == 1 else 'those classes'}, pass stratify=False, "
            f"test_size=0 (no test split), or your own X_test/y_test."
        )
    n_test = _n_test(test_size, len(key))
    n_train = len(key) - n_test
    if min(n_test, n_train) < len(values):
        side, k = ("test", n_test) if n_test < n_train else ("train", n_train)
        raise ValueError(
            f"the {side} split would get {k} labelled rows, too few to hold one row of each of "
            f"the {len(values)} classes (test_size={test_size}, {len(key)} labelled rows). "
            f"Change test_size, pass stratify=False, or pass your own X_test/y_test."
        )


def split_indices(
    y: np.ndarray,
    *,
    task: str,
    test_size,
    seed: int,
    stratify=True,
    class_names=None,
) -> tuple[np.ndarray, np.ndarray]:
    """Seeded train/test row indices; rows without a label always go to the pool.

    Parameters
    ----------
    y : ndarray of shape (n_samples,)
        Class indices (``UNLABELED`` = no label) or regression targets (NaN = none).
    task : {"classification", "regression"}
    test_size : float or int
        Share (in [0, 1)) or number of the labelled rows held out.
    seed : int
        Seed of the split.
    stratify : bool or array-like of shape (n_samples,)
        True keeps class shares equal on both sides (classification only);
        an array stratifies on its values instead (e.g. class x group).
    class_names : array-like, optional
        Names used in error messages.

    Returns
    -------
    train, test : ndarray of shape (n_train,), (n_test,)
        Ascending row indices; together they cover every row exactly once.
    """
    n = len(y)
    labelled = np.isfinite(y) if task == "regression" else y != UNLABELED
    idx = np.flatnonzero(labelled)
    if test_size == 0 or len(idx) == 0:
        return np.arange(n), np.empty(0, dtype=np.int64)
    key = None
    if stratify is not False and stratify is not None:
        if isinstance(stratify, bool):
            key = y[idx] if task == "classification" else None
        else:
            key = np.asarray(stratify)[idx]
    if key is not None:

        def names(v):
            v = v.item()
            if stratify is True and class_names is not None and 0 <= v < len(class_names):
                v = class_names[v]
                v = v.item() if hasattr(v, "item") else v
            return f"class {v!r}" if stratify is True else f"stratum {v!r}"

        _check_stratifiable(key, test_size, names)
    elif _n_test(test_size, len(idx)) >= len(idx) or _n_test(test_size, len(idx)) < 1:
        raise ValueError(
            f"test_size={test_size} of {len(idx)} labelled rows leaves an empty side; "
            f"pass a test_size that keeps rows on both sides, or test_size=0."
        )
    te = _draw_test(idx, key, _n_test(test_size, len(idx)), np.random.default_rng(seed))
    mask = np.ones(n, dtype=bool)
    mask[te] = False
    return np.flatnonzero(mask).astype(np.int64), np.sort(te).astype(np.int64)


def _allocate(counts: np.ndarray, n_test: int) -> np.ndarray:
    """Test rows per stratum: proportional, at least one each side, summing to ``n_test``."""
    raw = counts * (n_test / counts.sum())
    take = np.clip(np.floor(raw).astype(np.int64), 1, counts - 1)
    rest = raw - np.floor(raw)
    while take.sum() < n_test:  # hand out what rounding left, largest remainder first
        room = take < counts - 1
        j = np.flatnonzero(room)[np.argmax(rest[room])]
        take[j] += 1
        rest[j] = -np.inf
    while take.sum() > n_test:  # clipping to one per stratum overshot
        room = take > 1
        j = np.flatnonzero(room)[np.argmax((take - raw)[room])]
        take[j] -= 1
    return take


def _draw_test(idx: np.ndarray, key, n_test: int, rng: np.random.Generator) -> np.ndarray:
    """Seeded test rows; O(n), unlike scikit-learn's stratified splitter on a million rows."""
    pos = rng.permutation(len(idx))
    perm = idx[pos]
    if key is None:
        return perm[:n_test]
    strata = np.asarray(key)[pos]
    if strata.dtype.kind in "iu" and strata.min() >= 0 and strata.max() < 2**16:
        inverse = strata.astype(np.uint16)  # class indices already: no sort needed
        counts = np.bincount(inverse)
        counts = counts[counts > 0]
    else:
        _, inverse, counts = np.unique(strata, return_inverse=True, return_counts=True)
        inverse = inverse.astype(np.uint16 if len(counts) < 2**16 else np.int64)
    # Grouped by stratum, random within each; a stable sort of 16-bit keys is a radix sort.
    order = np.argsort(inverse, kind="stable")
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    take = _allocate(counts, n_test)
    chosen = [perm[order[s : s + t]] for s, t in zip(starts, take, strict=True)]
    return np.concatenate(chosen)
