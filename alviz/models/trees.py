"""Random forest whose trees are the draws."""

from __future__ import annotations

import numbers
from typing import ClassVar

import numpy as np
from sklearn.ensemble import RandomForestClassifier

from .._validation import Interval, Options, check_random_state
from ._base import UncertainClassifier

__all__ = ["ForestClassifier"]


class ForestClassifier(UncertainClassifier):
    """Random forest; each draw is the prediction of one tree.

    The disagreement between trees (grown on bootstrap resamples with random
    feature subsets) is the forest's epistemic uncertainty.

    Parameters
    ----------
    n_estimators : int
        Trees in the forest.
    max_depth : int or None
    min_samples_leaf : int
        Larger leaves give smoother (less 0/1) per-tree probabilities.
    seed : int or None
        Seed of the forest and of the choice of trees in :meth:`sample_proba`.
    n_jobs : int or None
        Passed to :class:`sklearn.ensemble.RandomForestClassifier`.

    Notes
    -----
    ``sample_proba`` picks ``n_draws`` distinct trees at random (seeded); when
    ``n_draws`` exceeds ``n_estimators`` every tree is used and the rest repeat.
    """

    _param_specs: ClassVar[dict] = {
        "n_estimators": Interval(numbers.Integral, 1),
        "max_depth": [Options(None), Interval(numbers.Integral, 1)],
        "min_samples_leaf": [
            Interval(numbers.Integral, 1),
            Interval(numbers.Real, 0, 1, closed="neither"),
        ],
        "n_jobs": [Options(None), Interval(numbers.Integral)],
    }

    def __init__(
        self,
        n_estimators: int = 100,
        max_depth=None,
        min_samples_leaf: int = 1,
        seed=0,
        n_jobs=None,
    ):
        self.n_estimators = n_estimators
        self.max_depth = max_depth
        self.min_samples_leaf = min_samples_leaf
        self.seed = seed
        self.n_jobs = n_jobs
        self._validate_params()

    def _fit(self, X, y, classes):
        self.forest_ = RandomForestClassifier(
            n_estimators=self.n_estimators,
            max_depth=self.max_depth,
            min_samples_leaf=self.min_samples_leaf,
            random_state=self.seed,
            n_jobs=self.n_jobs,
        ).fit(X, y)

    def _predict_proba(self, X):
        return self.forest_.predict_proba(X)

    def _sample_proba(self, X, n_draws, seed):
        trees = self.forest_.estimators_
        rng = check_random_state(seed)
        order = rng.permutation(len(trees))
        picks = order[np.arange(n_draws) % len(trees)]
        # Trees are fitted on the forest's encoded labels, so their columns match.
        unique, inverse = np.unique(picks, return_inverse=True)
        P = np.stack([trees[i].predict_proba(X.astype(np.float32)) for i in unique])
        return P[inverse]
