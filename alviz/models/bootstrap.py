"""Models whose draws are bootstrap refits: any classifier, the RBF SVM and k-NN."""

from __future__ import annotations

import numbers
from typing import ClassVar

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.neighbors import KNeighborsClassifier
from sklearn.svm import SVC

from .._validation import Interval, Options, check_random_state
from ._base import UncertainClassifier

__all__ = ["BootstrapModel", "KNNClassifier", "SVMClassifier"]


def stratified_bootstrap(y: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Indices of a bootstrap resample drawn within each class.

    Every class keeps its count, so every member sees every class and its
    ``predict_proba`` has all columns (a plain resample may lose a rare class).
    """
    idx = [rng.choice(np.flatnonzero(y == c), size=int((y == c).sum())) for c in np.unique(y)]
    return np.sort(np.concatenate(idx))


class _BootstrapClassifier(UncertainClassifier):
    """Fits one estimator on all data; draws come from ``n_members`` bootstrap refits.

    Members are fitted lazily, on the first :meth:`sample_proba`, from the
    model's ``seed``; draws are the members' predictions cycled to ``n_draws``
    (so ``seed`` of :meth:`sample_proba` does not change them).
    """

    _param_specs: ClassVar[dict] = {"n_members": Interval(numbers.Integral, 1)}

    def _new_estimator(self, n_samples: int):
        raise NotImplementedError

    def _fit(self, X, y, classes):
        self.estimator_ = self._new_estimator(len(X)).fit(X, y)
        self.members_ = None
        self._train_data = (X, y)

    def _predict_proba(self, X):
        return self.estimator_.predict_proba(X)

    def _fit_members(self):
        X, y = self._train_data
        rng = check_random_state(self.seed)
        members = []
        for _ in range(self.n_members):
            idx = stratified_bootstrap(y, rng)
            members.append(self._fit_member(X[idx], y[idx]))
        self.members_ = members

    def _fit_member(self, X, y):
        return self._new_estimator(len(X)).fit(X, y)

    def _member_proba(self, member, X):
        return member.predict_proba(X)

    def _sample_proba(self, X, n_draws, seed):
        if self.members_ is None:
            self._fit_members()
        P = np.stack([self._member_proba(m, X) for m in self.members_])
        return P[np.arange(n_draws) % len(P)]


class BootstrapModel(_BootstrapClassifier):
    """Any scikit-learn classifier, with draws from bootstrap refits.

    Parameters
    ----------
    estimator : classifier with ``predict_proba``
        The model; cloned, never modified.
    n_members : int
        Bootstrap refits used by :meth:`sample_proba` (fitted lazily, once,
        each on a class-stratified resample).
    seed : int or None
        Seed of the bootstrap resamples.
    """

    def __init__(self, estimator=None, n_members: int = 10, seed=0):
        self.estimator = estimator
        self.n_members = n_members
        self.seed = seed
        self._validate_params()

    def _new_estimator(self, n_samples):
        if self.estimator is None or not hasattr(self.estimator, "predict_proba"):
            raise TypeError(
                "estimator must be a scikit-learn classifier with predict_proba; got "
                f"{type(self.estimator).__name__}."
            )
        return clone(self.estimator)


class _PlattSVC(ClassifierMixin, BaseEstimator):
    """RBF SVC with Platt-style probabilities from out-of-fold decision values.

    A (multinomial) logistic regression maps the SVC's decision values to
    probabilities; the values are out-of-fold when every class has at least 2
    examples (k-fold, k = min(5, smallest class count)), in-sample otherwise.
    ``SVC(probability=True)`` is deprecated in scikit-learn 1.9.
    """

    def __init__(self, C=1.0, gamma="scale", seed=0):
        self.C = C
        self.gamma = gamma
        self.seed = seed

    def svc(self):
        """A fresh, unfitted RBF SVC with this model's parameters."""
        return SVC(kernel="rbf", C=self.C, gamma=self.gamma)

    def fit(self, X, y):
        self.svc_ = self.svc().fit(X, y)
        self.classes_ = self.svc_.classes_
        k = min(5, int(np.bincount(y).min()))
        if k >= 2:
            d = np.zeros((len(X), len(self.classes_) if len(self.classes_) > 2 else 1))
            for tr, te in StratifiedKFold(k, shuffle=True, random_state=self.seed).split(X, y):
                d[te] = self.svc().fit(X[tr], y[tr]).decision_function(X[te]).reshape(len(te), -1)
        else:
            d = self.svc_.decision_function(X)
        self.calibrator_ = LogisticRegression().fit(d.reshape(len(X), -1), y)
        return self

    def proba_from_decision(self, d):
        """Calibrated probabilities from SVC decision values."""
        return self.calibrator_.predict_proba(d.reshape(len(d), -1))

    def predict_proba(self, X):
        return self.proba_from_decision(self.svc_.decision_function(X))


class SVMClassifier(_BootstrapClassifier):
    """RBF support vector machine with calibrated probabilities and bootstrap draws.

    Probabilities come from a logistic (Platt) map of out-of-fold decision
    values; draws from SVCs refitted on bootstrap resamples, their decision
    values mapped through the same calibration.

    Parameters
    ----------
    C : float
        Inverse regularisation of the SVC.
    gamma : {"scale", "auto"} or float
        RBF kernel width, as in :class:`sklearn.svm.SVC`.
    n_members : int
        Bootstrap refits used for draws.
    seed : int or None
        Seed of the resamples and the calibration folds.
    """

    _param_specs: ClassVar[dict] = {
        "C": Interval(numbers.Real, 0, closed="neither"),
        "gamma": [Options("scale", "auto"), Interval(numbers.Real, 0, closed="neither")],
    }

    def __init__(self, C: float = 1.0, gamma="scale", n_members: int = 10, seed=0):
        self.C = C
        self.gamma = gamma
        self.n_members = n_members
        self.seed = seed
        self._validate_params()

    def _new_estimator(self, n_samples):
        return _PlattSVC(C=self.C, gamma=self.gamma, seed=self.seed)

    # Members are plain SVCs mapped through the calibration learned on all the
    # data: the same map, without refitting it (and its k folds) per member.
    def _fit_member(self, X, y):
        return self.estimator_.svc().fit(X, y)

    def _member_proba(self, member, X):
        return self.estimator_.proba_from_decision(member.decision_function(X))


class KNNClassifier(_BootstrapClassifier):
    """k-nearest neighbours with bootstrap draws.

    Parameters
    ----------
    n_neighbors : int
        Neighbours voting; capped at the number of training examples.
    weights : {"uniform", "distance"}
    n_members : int
        Bootstrap refits used for draws.
    seed : int or None
        Seed of the resamples.
    """

    _param_specs: ClassVar[dict] = {
        "n_neighbors": Interval(numbers.Integral, 1),
        "weights": Options("uniform", "distance"),
    }

    def __init__(self, n_neighbors: int = 5, weights: str = "uniform", n_members: int = 10, seed=0):
        self.n_neighbors = n_neighbors
        self.weights = weights
        self.n_members = n_members
        self.seed = seed
        self._validate_params()

    def _new_estimator(self, n_samples):
        return KNeighborsClassifier(
            n_neighbors=min(self.n_neighbors, n_samples), weights=self.weights
        )
