"""Datasets the protocols build from arrays (their own splits and preprocessing)."""

from __future__ import annotations

import numpy as np

__all__ = ["arrays_dataset"]


def arrays_dataset(name: str, X, y, X_test, y_test, classes):
    """A Dataset from a protocol's own train/test arrays, kept exactly as given.

    Uses :func:`alviz.datasets.from_arrays` when it is there; until then the
    public :class:`~alviz.datasets.Dataset` container, filled directly (the
    display embedding is the first two features: benchmarks draw no maps).

    Parameters
    ----------
    name : str
    X, X_test : ndarray of shape (n, n_features), (n_test, n_features)
    y, y_test : ndarray of shape (n,), (n_test,)
        Class indices ``0..n_classes-1``.
    classes : sequence of str
        Class names.
    """
    from .. import datasets

    from_arrays = getattr(datasets, "from_arrays", None)
    if from_arrays is not None:
        return from_arrays(X, y, X_test=X_test, y_test=y_test, name=name, classes=list(classes))
    card = datasets.Card(
        title=name,
        shows="A benchmark protocol's own split.",
        source="see alviz.experiments.benchmarks",
        license="as the source data",
    )
    return datasets.Dataset(
        name=name,
        X=np.asarray(X),
        y=np.asarray(y, dtype=np.int64),
        X_test=np.asarray(X_test),
        y_test=np.asarray(y_test, dtype=np.int64),
        classes=np.asarray(classes),
        X2d=np.asarray(X)[:, :2],
        X2d_test=np.asarray(X_test)[:, :2],
        task="classification",
        card=card,
    )
