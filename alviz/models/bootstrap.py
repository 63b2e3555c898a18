"""Models whose draws are bootstrap refits: any classifier, the RBF SVM and k-NN."""

from __future__ import annotations

import numbers
from typing import ClassVar

import numpy as np
import sklearn
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


#: Parameter values that a flat estimator may hold for the cheap copy of its template.
_SCALARS = (type(None), bool, int, float, str)


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

    Notes
    -----
    The estimator is called after alviz's own input checks (finite
    features, class labels), so it runs under scikit-learn's
    ``assume_finite=True``; its parameters are validated by its first fit
    and again whenever they change, not on every refit
    (``skip_parameter_validation`` while they are those validated). A
    flat estimator (parameters all None, bool, int, float or str, no
    custom ``__sklearn_clone__``) is copied from one clone of it instead
    of being cloned again on every refit. Same parameters, same data:
    the same fitted model as a plain ``clone(estimator).fit(X, y)``.
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
        template = getattr(self, "_template", None)
        if template is not None and template[0] is self.estimator:
            if template[1] == _flat_params(self.estimator):
                new = object.__new__(type(template[2]))
                new.__dict__.update(template[2].__dict__)
                return new
        new = clone(self.estimator)
        flat = _flat_params(self.estimator)
        # Kept only for a flat estimator; the parameters are checked anew by the next fit.
        self._template = (self.estimator, flat, clone(new)) if flat is not None else None
        self._validated = None
        return new

    def _fit_estimator(self, estimator, X, y):
        template = getattr(self, "_template", None)
        key = template[1] if template is not None else None
        validated = key is not None and getattr(self, "_validated", None) == key
        # alviz checked X and y already: scikit-learn need not check them again.
        with sklearn.config_context(assume_finite=True, skip_parameter_validation=validated):
            fitted = estimator.fit(X, y)
        self._validated = key
        return fitted

    def _fit(self, X, y, classes):
        self.estimator_ = self._fit_estimator(self._new_estimator(len(X)), X, y)
        self.members_ = None
        self._train_data = (X, y)

    def _fit_member(self, X, y):
        return self._fit_estimator(self._new_estimator(len(X)), X, y)

    def _predict_proba(self, X):
        with sklearn.config_context(assume_finite=True):  # X passed alviz's checks
            return self.estimator_.predict_proba(X)

    def _member_proba(self, member, X):
        with sklearn.config_context(assume_finite=True):
            return member.predict_proba(X)


def _flat_params(estimator):
    """The estimator's attributes as a tuple when all are plain scalars, else None.

    For such an estimator a copy of an unfitted clone is a clone: nothing in
    it can be shared or changed in place. Any change of a parameter
    (``set_params``) changes the tuple.
    """
    if getattr(type(estimator), "__sklearn_clone__", None) is not BaseEstimator.__sklearn_clone__:
        return None
    attrs = getattr(estimator, "__dict__", None)
    if attrs is None or not all(type(v) in _SCALARS for v in attrs.values()):
        return None
    return tuple((k, type(v), v) for k, v in attrs.items())


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
