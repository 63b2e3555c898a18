"""Out-of-distribution scores: how unlike the training data an input is.

Signs follow the literature and are stated per function:
:func:`max_softmax_probability` is high for in-distribution inputs;
:func:`energy_score` and :meth:`MahalanobisDetector.score` are high for
out-of-distribution inputs.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import cho_factor, cho_solve, solve_triangular
from scipy.special import logsumexp
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from .._validation import check_array, check_labels, check_probs

__all__ = ["MahalanobisDetector", "energy_score", "max_softmax_probability"]


def max_softmax_probability(probs) -> np.ndarray:
    """Maximum softmax probability (Hendrycks & Gimpel 2017).

    Parameters
    ----------
    probs : array-like of shape (n_samples, n_classes)
        Predicted class probabilities.

    Returns
    -------
    ndarray of shape (n_samples,)
        ``max_y p(y)`` in ``[1/n_classes, 1]``: HIGH = in-distribution; use
        ``1 - msp`` as an OOD score.
    """
    return check_probs(probs).max(axis=1)


def energy_score(logits, temperature: float = 1.0) -> np.ndarray:
    """Free energy of the logits, ``-T logsumexp(z / T)`` (Liu et al. 2020).

    Parameters
    ----------
    logits : array-like of shape (n_samples, n_classes)
        Unnormalised class scores (not probabilities).
    temperature : float
        Positive temperature ``T``.

    Returns
    -------
    ndarray of shape (n_samples,)
        The energy: HIGH = out-of-distribution (in-distribution inputs get
        large logits, hence low energy). Liu et al. threshold ``-energy``.
    """
    if (
        isinstance(temperature, bool)
        or not isinstance(temperature, float | int)
        or temperature <= 0
    ):
        raise ValueError(f"temperature must be a positive number; got {temperature!r}.")
    z = check_array(
        logits, "logits", dtype=np.float64, ensure_min_samples=0, shape="(n_samples, n_classes)"
    )
    return -temperature * logsumexp(z / temperature, axis=1)


class MahalanobisDetector(BaseEstimator):
    """Mahalanobis distance to the nearest class mean, with a shared covariance.

    Fits class means and one pooled within-class covariance on in-distribution
    features (Lee et al. 2018); the score of a point is its smallest squared
    Mahalanobis distance to a class mean.

    Parameters
    ----------
    reg : float
        Ridge added to the covariance diagonal, relative to its mean variance,
        so that rank-deficient features (more dimensions than samples) still work.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels seen in ``fit``.
    means_ : ndarray of shape (n_classes, n_features)
        Class means.
    covariance_ : ndarray of shape (n_features, n_features)
        Pooled within-class covariance (regularised).
    """

    def __init__(self, reg: float = 1e-6):
        self.reg = reg

    def fit(self, features, y):
        """Estimate class means and the shared covariance.

        Parameters
        ----------
        features : array-like of shape (n_samples, n_features)
            In-distribution features (e.g. a network's penultimate layer).
        y : array-like of shape (n_samples,)
            Integer class labels.

        Returns
        -------
        self
        """
        if isinstance(self.reg, bool) or not isinstance(self.reg, float | int) or self.reg < 0:
            raise ValueError(f"reg must be a non-negative number; got {self.reg!r}.")
        x = check_array(features, "features", dtype=np.float64, ensure_min_samples=0)
        y = check_labels(y, n_samples=x.shape[0])
        if x.shape[0] < 2:
            raise ValueError(f"features needs at least 2 samples to fit; got {x.shape[0]}.")
        classes, inv = np.unique(y, return_inverse=True)
        counts = np.bincount(inv)
        means = np.zeros((len(classes), x.shape[1]))
        np.add.at(means, inv, x)
        means /= counts[:, None]
        centred = x - means[inv]
        cov = centred.T @ centred / x.shape[0]
        scale = float(np.trace(cov)) / max(x.shape[1], 1) or 1.0
        cov[np.diag_indices_from(cov)] += self.reg * scale + np.finfo(float).eps
        self.classes_ = classes
        self.means_ = means
        self.covariance_ = cov
        self._chol = cho_factor(cov, lower=True)
        # Whitened means: distances become Euclidean after solving L z = x.
        self._white_means = solve_triangular(self._chol[0], means.T, lower=True).T
        return self

    def score(self, features) -> np.ndarray:
        """Smallest squared Mahalanobis distance to a class mean.

        Parameters
        ----------
        features : array-like of shape (n_samples, n_features)
            Features of the points to score.

        Returns
        -------
        ndarray of shape (n_samples,)
            Non-negative; HIGH = out-of-distribution.
        """
        check_is_fitted(self, "means_")
        x = check_array(features, "features", dtype=np.float64, ensure_min_samples=0)
        if x.shape[1] != self.means_.shape[1]:
            raise ValueError(
                f"features has {x.shape[1]} columns but the detector was fitted on "
                f"{self.means_.shape[1]}; pass features from the same layer."
            )
        zx = solve_triangular(self._chol[0], x.T, lower=True).T
        m = self._white_means
        d2 = (zx**2).sum(axis=1)[:, None] - 2.0 * zx @ m.T + (m**2).sum(axis=1)[None, :]
        return np.maximum(d2.min(axis=1), 0.0)

    def mahalanobis(self, features) -> np.ndarray:
        """Squared Mahalanobis distance to every class mean, shape (n_samples, n_classes)."""
        check_is_fitted(self, "means_")
        x = check_array(features, "features", dtype=np.float64, ensure_min_samples=0)
        diff = x[:, None, :] - self.means_[None, :, :]
        sol = cho_solve(self._chol, diff.reshape(-1, x.shape[1]).T).T.reshape(diff.shape)
        return (diff * sol).sum(axis=2)
