"""Turn arrays into a :class:`Dataset`: seeded split, preprocessing fitted on the pool, display."""

from __future__ import annotations

import dataclasses

import numpy as np

from .._validation import check_consistent_length, check_finite, n_rows
from ._base import UNLABELED, Card, Dataset
from ._embed import fit_embedding
from ._labels import check_n_classes
from ._params import check_seed, check_test_size
from ._prep import IMPUTE_FIX
from ._split import split_indices

__all__ = ["build"]


def take(obj, idx: np.ndarray):
    """Rows ``idx`` of an array, a DataFrame, or a list."""
    if obj is None:
        return None
    if hasattr(obj, "iloc"):
        return obj.iloc[idx]
    if isinstance(obj, list | tuple):
        return [obj[i] for i in idx]
    return np.asarray(obj)[idx]


def _check_codes(y: np.ndarray, classes, name: str) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(y)
    if y.dtype.kind not in "iu":
        raise TypeError(f"{name} must hold integer class indices; got dtype {y.dtype}.")
    y = y.astype(np.int64)
    if classes is None:
        labelled = y[y != UNLABELED]
        classes = np.arange(int(labelled.max()) + 1 if labelled.size else 0)
    classes = np.asarray(classes)
    bad = (y != UNLABELED) & ((y < 0) | (y >= len(classes)))
    if bad.any():
        raise ValueError(
            f"{name} holds class indices outside [0, {len(classes)}) (e.g. {y[bad][0]}); "
            f"classes has {len(classes)} names."
        )
    return y, classes


def _raw(items):
    # Texts stay a list of str: a numpy array of them would be an object array (pickled
    # on save) or a fixed-width one (as wide as the longest text, for every row).
    if items is None or isinstance(items, list):
        return items
    return np.asarray(items)


def _display_note(emb, n_features: int) -> str:
    if emb is None:
        return "the two features as they are"
    if n_features == 1:
        return "x against 0 (one feature)"
    ratio = getattr(emb, "explained_variance_ratio_", None)
    if ratio is not None:
        return (
            f"PCA of {n_features} features: the two axes explain "
            f"{100 * float(np.sum(ratio)):.1f}% of the variance"
        )
    name = "t-SNE" if type(emb).__name__ == "NeighbourTSNE" else type(emb).__name__
    return f"{name} of {n_features} features (no inverse: maps cannot be drawn as a grid)"


def build(
    name: str,
    X,
    y,
    *,
    card: Card,
    classes=None,
    test_size=0.25,
    seed: int = 0,
    groups=None,
    task: str = "classification",
    feature_names: list[str] | None = None,
    meta: dict | None = None,
    X_test=None,
    y_test=None,
    groups_test=None,
    raw=None,
    raw_test=None,
    stratify=True,
    preprocessor=None,
    embedding="pca",
    dtype=np.float64,
) -> Dataset:
    """Split rows into a seeded train/test pair, preprocess, embed for display, and wrap.

    Parameters
    ----------
    name : str
        Name of the dataset.
    X : array-like of shape (n_samples, n_features), DataFrame, or list
        Source rows. Anything ``preprocessor`` accepts (a DataFrame, a list
        of texts); a numeric array when there is no preprocessor.
    y : ndarray of shape (n_samples,)
        Class indices with ``UNLABELED`` for rows without a label
        (classification), or floats with NaN for none (regression).
    card : Card
        Description; its ``size`` is filled in here.
    classes : array-like of shape (n_classes,), optional
        Class display names; defaults to ``0..max(y)``.
    test_size : float or int
        Share (or number) of the labelled rows held out. Ignored when
        ``X_test`` is given. Unlabelled rows always stay in the pool.
    seed : int
        Seed of the split and the embedding.
    groups : array-like of shape (n_samples,), optional
        Subgroup id per row, split alongside.
    task : {"classification", "regression"}
    feature_names : list of str, optional
        Names of the columns of ``X`` (after preprocessing); taken from the
        preprocessor's ``get_feature_names_out`` when it has one.
    meta : dict, optional
    X_test, y_test, groups_test, raw_test : optional
        An explicit test split; then no rows of ``X`` are held out.
    raw : sequence of length n_samples, optional
        Raw items (texts, images) split alongside the rows.
    stratify : bool or array-like of shape (n_samples,)
        Keep class shares on both sides (or the shares of the given strata).
    preprocessor : transformer, optional
        Fitted on the training rows only, then applied to both splits.
    embedding : {"pca", "tsne"} or transformer
        Display embedding for more than two features.
    dtype : numpy dtype
        float64 (default) or float32 for the features.

    Returns
    -------
    Dataset
    """
    if task not in ("classification", "regression"):
        raise ValueError(f"task must be 'classification' or 'regression'; got {task!r}.")
    seed = check_seed(seed)
    check_consistent_length("X", X, "y", y)
    check_consistent_length("X", X, "groups", groups)
    check_consistent_length("X", X, "raw", raw)
    if task == "classification":
        y, classes = _check_codes(y, classes, "y")
        check_n_classes(classes)
    else:
        y, classes = np.asarray(y, dtype=np.float64), np.asarray([])
    n = n_rows(X)
    if X_test is None:
        if y_test is not None:
            raise ValueError("y_test was given without X_test; pass both or neither.")
        test_size = check_test_size(test_size, n)
        tr, te = split_indices(
            y, task=task, test_size=test_size, seed=seed, stratify=stratify, class_names=classes
        )
        src_tr, src_te = tr, te
        X_tr, X_te = take(X, tr), take(X, te)
        y_tr, y_te = y[tr], y[te]
        g_tr, g_te = take(groups, tr), take(groups, te)
        r_tr, r_te = take(raw, tr), take(raw, te)
        split = {"test_size": test_size, "seed": seed, "stratified": stratify is not False}
    else:
        if y_test is None:
            raise ValueError("X_test was given without y_test; pass the test labels too.")
        check_consistent_length("X_test", X_test, "y_test", y_test)
        check_consistent_length("X_test", X_test, "groups_test", groups_test)
        check_consistent_length("X_test", X_test, "raw_test", raw_test)
        if (groups is None) != (groups_test is None):
            raise ValueError("pass groups and groups_test together, or neither.")
        if task == "classification":
            y_te, _ = _check_codes(y_test, classes, "y_test")
            missing = y_te == UNLABELED
        else:
            y_te = np.asarray(y_test, dtype=np.float64)
            missing = ~np.isfinite(y_te)
        if missing.any():
            raise ValueError(
                f"y_test has {int(missing.sum())} row(s) without a label; every test row needs "
                f"one. Put unlabelled rows in X (the pool) instead."
            )
        src_tr = np.arange(n)
        src_te = n + np.arange(n_rows(X_test))
        X_tr, X_te, y_tr = X, X_test, y
        g_tr, g_te, r_tr, r_te = groups, groups_test, raw, raw_test
        split = {"explicit_test": True}
    if preprocessor is not None:
        preprocessor = preprocessor.fit(X_tr)
        X_tr = preprocessor.transform(X_tr)
        X_te = preprocessor.transform(X_te) if n_rows(X_te) else np.empty((0, X_tr.shape[1]))
        if feature_names is None and hasattr(preprocessor, "get_feature_names_out"):
            feature_names = [str(f) for f in preprocessor.get_feature_names_out()]
    X_tr = np.ascontiguousarray(X_tr, dtype=dtype)
    X_te = np.ascontiguousarray(X_te, dtype=dtype).reshape(-1, X_tr.shape[1])
    if X_tr.ndim != 2:
        raise ValueError(f"X must be 2-D of shape (n_samples, n_features); got {X_tr.shape}.")
    feature_names = list(feature_names or [f"x{i}" for i in range(X_tr.shape[1])])
    if len(feature_names) != X_tr.shape[1]:
        raise ValueError(
            f"feature_names has {len(feature_names)} names for {X_tr.shape[1]} features."
        )
    check_finite(X_tr, "X", feature_names, IMPUTE_FIX, by_column=True)
    check_finite(X_te, "X_test", feature_names, IMPUTE_FIX, by_column=True)
    X2d, emb = fit_embedding(X_tr, embedding, seed)
    if emb is None:
        X2d_test = X_te[:, :2]
    else:  # scikit-learn refuses to transform zero rows
        X2d_test = emb.transform(X_te) if len(X_te) else np.empty((0, 2))
    size = f"{len(X_tr)} train + {len(X_te)} test rows, {X_tr.shape[1]} features"
    if task == "classification":
        size += f", {len(classes)} classes"
        n_unlabelled = int((y_tr == UNLABELED).sum())
        if n_unlabelled:
            size += f", {n_unlabelled} pool rows without a label"
    meta = dict(meta or {})
    meta.setdefault("split", split)
    meta.setdefault("display", _display_note(emb, X_tr.shape[1]))
    return Dataset(
        name=name,
        X=X_tr,
        y=y_tr,
        X_test=X_te,
        y_test=y_te,
        classes=classes,
        X2d=np.asarray(X2d, dtype=np.float64),
        X2d_test=np.asarray(X2d_test, dtype=np.float64).reshape(-1, 2),
        task=task,
        card=dataclasses.replace(card, size=size),
        groups=None if g_tr is None else np.asarray(g_tr),
        groups_test=None if g_te is None else np.asarray(g_te),
        raw=_raw(r_tr),
        raw_test=_raw(r_te),
        feature_names=feature_names,
        embedding=emb,
        meta=meta,
        source_index=np.asarray(src_tr, dtype=np.int64),
        source_index_test=np.asarray(src_te, dtype=np.int64),
        preprocessor=preprocessor,
    )
