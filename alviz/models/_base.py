"""The model contract and helpers that hold every model to it.

A model is a scikit-learn classifier with ``fit(X, y)``, ``predict_proba(X)``
of shape (n_samples, n_classes) and ``sample_proba(X, n_draws, seed)`` of
shape (n_draws, n_samples, n_classes). Any scikit-learn classifier with
``predict_proba`` is accepted: :func:`as_model` gives it bootstrap draws.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.utils.validation import check_is_fitted

from .._validation import check_random_state

__all__ = ["BootstrapModel", "as_model", "full_draws", "full_proba"]


def _expand(p: np.ndarray, classes_: np.ndarray, n_classes: int) -> np.ndarray:
    """Put the columns of the classes a model has seen into all ``n_classes`` columns.

    Early in active learning a model may have seen only some classes; the
    rest get probability 0, so shapes stay (.., n_classes) throughout.
    """
    classes_ = np.asarray(classes_, dtype=np.int64)
    if p.shape[-1] == n_classes and np.array_equal(classes_, np.arange(n_classes)):
        return p
    out = np.zeros((*p.shape[:-1], n_classes), dtype=p.dtype)
    out[..., classes_] = p
    return out


def full_proba(model, X, n_classes: int) -> np.ndarray:
    """``model.predict_proba(X)`` with one column per class of the task.

    Returns
    -------
    ndarray of shape (n_samples, n_classes)
    """
    return _expand(np.asarray(model.predict_proba(X)), model.classes_, n_classes)


def full_draws(model, X, n_classes: int, n_draws: int = 20, seed=None) -> np.ndarray:
    """``model.sample_proba(X, n_draws)`` with one column per class of the task.

    Returns
    -------
    ndarray of shape (n_draws, n_samples, n_classes)
    """
    if not hasattr(model, "sample_proba"):
        raise TypeError(
            f"{type(model).__name__} cannot sample predictions; wrap it with "
            f"alviz.models.as_model(model) to get bootstrap draws."
        )
    d = np.asarray(model.sample_proba(X, n_draws=n_draws, seed=seed))
    return _expand(d, model.classes_, n_classes)


class BootstrapModel(ClassifierMixin, BaseEstimator):
    """Any scikit-learn classifier, with draws from bootstrap refits.

    Parameters
    ----------
    estimator : classifier with ``predict_proba``
        The model; cloned, never modified.
    n_members : int
        Bootstrap refits used by :meth:`sample_proba` (fitted lazily, once).
    seed : int or None
        Seed of the bootstrap resamples.
    """

    def __init__(self, estimator=None, n_members: int = 10, seed=0):
        self.estimator = estimator
        self.n_members = n_members
        self.seed = seed

    def fit(self, X, y):
        """Fit the estimator on all of ``X, y``; draws are fitted on demand."""
        if self.estimator is None or not hasattr(self.estimator, "predict_proba"):
            raise TypeError(
                "estimator must be a scikit-learn classifier with predict_proba; got "
                f"{type(self.estimator).__name__}. For SVC pass probability=True."
            )
        self.estimator_ = clone(self.estimator).fit(X, y)
        self.classes_ = self.estimator_.classes_
        self._X, self._y = np.asarray(X), np.asarray(y)
        self.members_ = None
        return self

    def predict_proba(self, X):
        """Class probabilities of shape (n_samples, n_classes_seen)."""
        check_is_fitted(self, "estimator_")
        return self.estimator_.predict_proba(X)

    def predict(self, X):
        """Most probable class of each row."""
        return self.classes_[self.predict_proba(X).argmax(axis=1)]

    def _fit_members(self):
        rng = check_random_state(self.seed)
        n = len(self._y)
        members = []
        while len(members) < self.n_members:
            idx = rng.integers(0, n, n)
            # A resample that lost a class cannot give all columns: draw again.
            if len(np.unique(self._y[idx])) != len(self.classes_):
                if n < 2 * len(self.classes_):
                    idx = np.arange(n)
                else:
                    continue
            members.append(clone(self.estimator).fit(self._X[idx], self._y[idx]))
        self.members_ = members

    def sample_proba(self, X, n_draws: int = 20, seed=None):
        """Predictions of the bootstrap members, cycled to ``n_draws``.

        Returns
        -------
        ndarray of shape (n_draws, n_samples, n_classes_seen)
        """
        check_is_fitted(self, "estimator_")
        if self.members_ is None:
            self._fit_members()
        P = np.stack([m.predict_proba(X) for m in self.members_])
        return P[np.arange(n_draws) % len(P)]


def as_model(model):
    """Return ``model`` if it can sample predictions, else wrap it in :class:`BootstrapModel`."""
    if hasattr(model, "sample_proba"):
        return model
    if not hasattr(model, "predict_proba"):
        raise TypeError(
            f"model must have predict_proba; {type(model).__name__} has not. Pass a registered "
            f"name (alviz.models.names()) or a scikit-learn classifier with predict_proba."
        )
    return BootstrapModel(model)
