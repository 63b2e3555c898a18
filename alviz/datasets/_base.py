"""The :class:`Dataset` container and its card."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["UNLABELED", "Card", "Dataset"]

#: Label value of a training row that has no label yet (a person may give one).
UNLABELED = -1


@dataclass(frozen=True)
class Card:
    """A short description of a dataset: what it shows, where it comes from.

    Attributes
    ----------
    title : str
        Human-readable name.
    shows : str
        What the dataset is meant to show a learner.
    source : str
        Where the data comes from (generator, paper, URL).
    license : str
        Licence of the data.
    size : str
        Sizes as text, filled in by :class:`Dataset`.
    claims : tuple of Claim
        What the world shows, as executable statements
        (:mod:`alviz.datasets._claims`); the test suite checks every one over
        several seeds and ``data/datasets.md`` prints their measured values.
        The prose in ``shows`` states nothing that is not a claim.
    """

    title: str
    shows: str
    source: str
    license: str
    size: str = ""
    claims: tuple = ()

    def __str__(self) -> str:
        out = (
            f"{self.title}\n  shows:   {self.shows}\n  size:    {self.size}\n"
            f"  source:  {self.source}\n  licence: {self.license}"
        )
        return out + "".join(f"\n  claim:   {c.text()}" for c in self.claims)


@dataclass
class Dataset:
    """Everything alviz needs to run active learning on some data.

    Attributes
    ----------
    name : str
        Registry name or a user-given name.
    X : ndarray of shape (n_samples, n_features)
        Training pool features, float32 or float64, finite.
    y : ndarray of shape (n_samples,)
        Class indices ``0..n_classes-1`` (``UNLABELED`` = -1 where no label is
        known) for classification; float targets for regression.
    X_test, y_test : ndarray of shape (n_test, n_features), (n_test,)
        Held-out split used for metrics. May have zero rows.
    classes : ndarray of shape (n_classes,)
        Display names of the classes (empty for regression).
    X2d : ndarray of shape (n_samples, 2)
        Display embedding of ``X`` (``X`` itself for 2-D data).
    X2d_test : ndarray of shape (n_test, 2)
        Display embedding of ``X_test``.
    task : {"classification", "regression"}
    card : Card
    groups : ndarray of shape (n_samples,) or None
        A sensitive attribute or subgroup id per training row.
    groups_test : ndarray of shape (n_test,) or None
    raw : list or ndarray or None
        The raw items behind each training row, for display: a list of str
        for texts, an array of shape (n_samples, height, width[, channels])
        for images.
    feature_names : list of str
    embedding : object or None
        A fitted transformer with ``transform`` (and ``inverse_transform``
        where it exists) mapping features to ``X2d``; None when ``X2d is X``.
        PCA (the default for more than two features) has ``inverse_transform``,
        so maps can be drawn over the display plane; t-SNE has none.
    meta : dict
        Anything else (generator parameters, regions of concept worlds, the
        registry reference stamped by :func:`alviz.datasets.load`).
    raw_test : sequence or None
        The raw items behind each test row.
    source_index, source_index_test : ndarray of shape (n_samples,), (n_test,) or None
        Row numbers in the source the loader read (a CSV's data rows, a
        generator's output, a folder's sorted file list), so a row can be
        traced back; train and test never share one.
    preprocessor : object or None
        The fitted transformer (scaler, encoder, TF-IDF) that turned source
        rows into ``X``; fitted on the training part only. None when ``X`` is
        the source itself.
    """

    name: str
    X: np.ndarray
    y: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    classes: np.ndarray
    X2d: np.ndarray
    X2d_test: np.ndarray
    task: str
    card: Card
    groups: np.ndarray | None = None
    groups_test: np.ndarray | None = None
    raw: Any = None
    feature_names: list[str] = field(default_factory=list)
    embedding: Any = None
    meta: dict = field(default_factory=dict)
    raw_test: Any = None
    source_index: np.ndarray | None = None
    source_index_test: np.ndarray | None = None
    preprocessor: Any = None

    @property
    def n_samples(self) -> int:
        """Number of rows in the training pool."""
        return int(self.X.shape[0])

    @property
    def n_features(self) -> int:
        """Number of feature columns."""
        return int(self.X.shape[1])

    @property
    def n_classes(self) -> int:
        """Number of classes (0 for regression)."""
        return len(self.classes)

    @property
    def is_labeled(self) -> np.ndarray:
        """Boolean mask of shape (n_samples,): which rows carry a known label."""
        if self.task == "regression":
            return np.isfinite(self.y)
        return self.y != UNLABELED

    def embed(self, X: np.ndarray) -> np.ndarray:
        """Map features of shape (n, n_features) to display coordinates (n, 2)."""
        if self.embedding is None:
            return np.asarray(X)[:, :2]
        return self.embedding.transform(X)

    def display_indices(
        self, max_points: int = 5000, seed: int = 0, include=None, split: str = "train"
    ) -> tuple[np.ndarray, str]:
        """Which rows a display should draw: all of them, or a seeded subsample.

        Scatter plots of a million points are slow and unreadable, so displays
        draw at most ``max_points`` rows and say so with the returned note.

        Parameters
        ----------
        max_points : int
            Most rows to draw.
        seed : int
            Seed of the subsample: the same seed draws the same rows.
        include : array-like of int, optional
            Rows that must be drawn whatever the subsample (labelled or just
            queried points); they count towards ``max_points`` and are all
            kept even when there are more of them.
        split : {"train", "test"}
            Draw from the pool (``X2d``) or the test split (``X2d_test``).

        Returns
        -------
        indices : ndarray of shape (n_drawn,)
            Ascending row indices into ``X2d`` (or ``X2d_test``).
        note : str
            Empty when every row is drawn; otherwise a sentence saying how
            many rows of how many are shown, for a figure's caption.
        """
        if split not in ("train", "test"):
            raise ValueError(f"split must be 'train' or 'test'; got {split!r}.")
        if isinstance(max_points, bool) or not isinstance(max_points, int | np.integer):
            raise TypeError(f"max_points must be an int; got {type(max_points).__name__}.")
        if max_points < 1:
            raise ValueError(f"max_points must be at least 1; got {max_points}.")
        n = self.n_samples if split == "train" else int(self.X_test.shape[0])
        if n <= max_points:
            return np.arange(n), ""
        keep = np.zeros(n, dtype=bool)
        if include is not None:
            inc = np.asarray(include, dtype=np.int64).ravel()
            if inc.size and (inc.min() < 0 or inc.max() >= n):
                raise ValueError(
                    f"include must hold row indices in [0, {n}); got values in "
                    f"[{inc.min()}, {inc.max()}]."
                )
            keep[inc] = True
        n_more = max_points - int(keep.sum())
        if n_more > 0:
            rest = np.flatnonzero(~keep)
            keep[np.random.default_rng(seed).choice(rest, size=n_more, replace=False)] = True
        idx = np.flatnonzero(keep)
        what = "pool" if split == "train" else "test"
        note = (
            f"Showing {len(idx):,} of {n:,} {what} points (a seeded random subsample, "
            f"seed={seed}); every point is still used in every computation."
        )
        return idx, note

    def __repr__(self) -> str:
        kind = f"{self.n_classes} classes" if self.task == "classification" else "regression"
        return (
            f"Dataset({self.name!r}: {self.n_samples} train x {self.n_features} features, "
            f"{self.X_test.shape[0]} test, {kind})"
        )
