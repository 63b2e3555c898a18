"""Turn arrays into a :class:`Dataset`: seeded split, display embedding, card."""

from __future__ import annotations

import dataclasses

import numpy as np
from sklearn.model_selection import train_test_split

from ._base import UNLABELED, Card, Dataset

__all__ = ["build"]


def _embed_2d(X: np.ndarray, seed: int, method: str = "pca"):
    """Return ``(X2d, embedding)``; the data itself when it is already 2-D."""
    if X.shape[1] == 2:
        return X, None
    if X.shape[1] == 1:
        raise ValueError("1-D features have no 2-D display embedding; use task='regression'.")
    if method != "pca":
        raise ValueError(f"embedding must be 'pca'; got {method!r}.")
    from sklearn.decomposition import PCA

    emb = PCA(n_components=2, random_state=seed).fit(X)
    return emb.transform(X), emb


def build(
    name: str,
    X: np.ndarray,
    y: np.ndarray,
    *,
    card: Card,
    classes=None,
    test_size: float = 0.25,
    seed: int = 0,
    groups: np.ndarray | None = None,
    task: str = "classification",
    feature_names: list[str] | None = None,
    meta: dict | None = None,
) -> Dataset:
    """Split ``X, y`` into a seeded, stratified train/test pair and wrap it.

    Parameters
    ----------
    name : str
        Name of the dataset.
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
        Integer class indices (classification) or floats (regression).
    card : Card
        Description; its ``size`` is filled in here.
    classes : array-like of shape (n_classes,), optional
        Class display names; defaults to ``0..n_classes-1``.
    test_size : float
        Share of rows held out for testing.
    seed : int
        Seed of the split and the embedding.
    groups : ndarray of shape (n_samples,), optional
        Subgroup id per row, split alongside.
    task : {"classification", "regression"}
    feature_names : list of str, optional
    meta : dict, optional

    Returns
    -------
    Dataset
    """
    X = np.ascontiguousarray(X, dtype=np.float64)
    idx = np.arange(X.shape[0])
    stratify = y if task == "classification" else None
    tr, te = train_test_split(idx, test_size=test_size, random_state=seed, stratify=stratify)
    tr.sort()
    te.sort()
    if task == "classification":
        y = np.asarray(y, dtype=np.int64)
        if classes is None:
            classes = np.arange(int(y[y != UNLABELED].max()) + 1)
        classes = np.asarray(classes)
    else:
        y = np.asarray(y, dtype=np.float64)
        classes = np.asarray([])
    X2d, emb = _embed_2d(X[tr], seed) if X.shape[1] >= 2 else (None, None)
    if X2d is None:  # 1-D regression worlds: x against nothing
        X2d = np.column_stack([X[tr, 0], np.zeros(len(tr))])
        X2d_test = np.column_stack([X[te, 0], np.zeros(len(te))])
    else:
        X2d_test = X[te] if emb is None else emb.transform(X[te])
    size = f"{len(tr)} train + {len(te)} test rows, {X.shape[1]} features"
    if task == "classification":
        size += f", {len(classes)} classes"
    return Dataset(
        name=name,
        X=X[tr],
        y=y[tr],
        X_test=X[te],
        y_test=y[te],
        classes=classes,
        X2d=np.asarray(X2d, dtype=np.float64),
        X2d_test=np.asarray(X2d_test, dtype=np.float64),
        task=task,
        card=dataclasses.replace(card, size=size),
        groups=None if groups is None else np.asarray(groups)[tr],
        groups_test=None if groups is None else np.asarray(groups)[te],
        feature_names=feature_names or [f"x{i}" for i in range(X.shape[1])],
        embedding=emb,
        meta=dict(meta or {}),
    )
