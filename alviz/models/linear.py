"""Logistic regression whose draws come from a Laplace approximation."""

from __future__ import annotations

import numbers
from typing import ClassVar

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import expit, log_expit, logsumexp, softmax
from sklearn.linear_model import LogisticRegression

from .._validation import Interval, Options, check_random_state
from ._base import UncertainClassifier

__all__ = ["LaplaceLogisticRegression"]

#: Above this many parameters the full Hessian is too costly; use its diagonal.
_FULL_HESSIAN_MAX = 2000
#: Up to this many parameters the MAP is found by Newton's method (a few ms
#: saved per active-learning step over L-BFGS and scikit-learn's checks).
_NEWTON_MAX = 300


def _newton(f_grad_hess, theta, max_iter: int):
    """Damped Newton's method on a strictly convex objective.

    ``f_grad_hess(theta, need_hess)`` returns ``(f, grad, hess)``. Returns the
    minimiser and the iterations it took, or ``(None, max_iter)`` when it did
    not converge (the caller falls back to L-BFGS).
    """
    f, g, H = f_grad_hess(theta, True)
    for it in range(max_iter):
        try:
            step = np.linalg.solve(H, g)
        except np.linalg.LinAlgError:
            return None, it
        decrement = float(g @ step)  # Newton decrement²: the predicted decrease x 2
        if decrement < 1e-12 * max(1.0, abs(f)):
            return theta, it
        t = 1.0
        while True:  # backtracking line search (Armijo)
            new = theta - t * step
            f_new = f_grad_hess(new, False)[0]
            if f_new <= f - 0.25 * t * decrement or t < 1e-8:
                break
            t /= 2
        theta = new
        f, g, H = f_grad_hess(theta, True)
    return None, max_iter


class LaplaceLogisticRegression(UncertainClassifier):
    """Multinomial logistic regression with Laplace-approximate posterior draws.

    The posterior over weights is approximated by a Gaussian centred at the
    MAP weights with covariance the inverse Hessian of the penalised negative
    log-likelihood (MacKay 1992); ``sample_proba`` draws weights from it, so
    the model can say where it does not know. The Hessian is full up to
    2,000 parameters (classes x (features + 1)) and diagonal above.

    Features are standardised inside the model (the prior means the same on
    every feature), and by default the prior precision of the covariance is
    tuned after the fit by maximising the Laplace marginal likelihood, as
    laplace-torch's ``optimize_prior_precision`` does. Without it, many
    features and few labels give a posterior as wide as the prior: on MNIST
    (2,000 labels, 784 pixels) the mean of 20 draws was right on 67% of test
    images against 83% tuned and 87% for the MAP.

    Parameters
    ----------
    C : float
        Inverse L2 strength of the MAP fit, as in
        :class:`sklearn.linear_model.LogisticRegression`.
    max_iter : int
        L-BFGS iterations.
    prior_precision : "marglik", float or None
        Prior precision of the Laplace covariance: "marglik" tunes it, a
        float sets it, None uses ``1 / C`` (the MAP fit's own prior).
    standardize : bool
        Fit on centred and scaled features (``coef_`` is reported in the
        units of ``X`` either way).
    seed : int or None
        Default seed of :meth:`sample_proba`.

    Attributes
    ----------
    coef_ : ndarray of shape (n_classes, n_features)
    intercept_ : ndarray of shape (n_classes,)
        MAP weights in the units of ``X``.
    prior_precision_ : float
        The prior precision of the covariance.
    cov_ : tuple
        ``("eig", V, s)`` with covariance ``V diag(s²) Vᵀ``, or ``("diag", s)``,
        over the standardised parameters ``theta_`` (class-major, bias last).
    n_iter_ : int
        Iterations of the MAP fit (Newton steps, or L-BFGS iterations).

    Notes
    -----
    Fitted on one class, it predicts that class with probability 1
    (see :class:`~alviz.models.UncertainClassifier`).
    """

    _param_specs: ClassVar[dict] = {
        "C": Interval(numbers.Real, 0, None, closed="neither"),
        "max_iter": Interval(numbers.Integral, 1),
        "prior_precision": [Options("marglik", None), Interval(numbers.Real, 0, closed="neither")],
        "standardize": bool,
    }

    def __init__(
        self,
        C: float = 1.0,
        max_iter: int = 200,
        prior_precision="marglik",
        standardize: bool = True,
        seed=0,
    ):
        self.C = C
        self.max_iter = max_iter
        self.prior_precision = prior_precision
        self.standardize = standardize
        self.seed = seed
        self._validate_params()

    def _fit(self, X, y, classes):
        if self.standardize:
            self.x_mean_ = X.mean(axis=0)
            self.x_scale_ = np.where(X.std(axis=0) > 1e-12, X.std(axis=0), 1.0)
        else:
            self.x_mean_, self.x_scale_ = np.zeros(X.shape[1]), np.ones(X.shape[1])
        Xs = (X - self.x_mean_) / self.x_scale_
        W, b = self._map(Xs, y, classes)
        if len(classes) == 2:  # sklearn's binary form: one weight vector
            W, b = np.vstack([-W / 2, W / 2]), np.array([-b[0] / 2, b[0] / 2])
        self.theta_ = np.hstack([W, b[:, None]]).ravel()
        self.coef_ = W / self.x_scale_
        self.intercept_ = b - W @ (self.x_mean_ / self.x_scale_)
        self.cov_ = self._laplace_cov(Xs, W, b)

    def _map(self, Xs, y, classes):
        """MAP weights of scikit-learn's objective ``C sum_i loss_i + |W|²/2`` (bias free).

        Small problems use Newton's method; large ones, or a Newton run that
        does not converge, scikit-learn's L-BFGS. Binary problems return
        scikit-learn's one-vector form, shapes (1, d) and (1,).
        """
        K, D = (1 if len(classes) == 2 else len(classes)), Xs.shape[1] + 1
        if K * D <= _NEWTON_MAX:
            Xb = np.hstack([Xs, np.ones((len(Xs), 1))])
            # y is already encoded 0..K-1 (UncertainClassifier.fit): no lookup in
            # classes, which holds the label values (e.g. 0, 2, 5).
            obj = self._binary_objective if K == 1 else self._multinomial_objective
            theta, self.n_iter_ = _newton(
                lambda t, h: obj(t, Xb, y, len(classes), h), np.zeros(K * D), self.max_iter
            )
            if theta is not None:
                Wb = theta.reshape(K, D)
                return Wb[:, :-1], Wb[:, -1]
        lr = LogisticRegression(C=self.C, max_iter=self.max_iter).fit(Xs, y)
        self.n_iter_ = int(lr.n_iter_.max())
        return lr.coef_, lr.intercept_

    def _penalty(self, theta, D):
        # L2 on the weights, not on the bias (the last entry of each class block).
        r = np.ones_like(theta).reshape(-1, D)
        r[:, -1] = 1e-10  # a whisker keeps the Hessian invertible along the free bias shift
        return r.ravel()

    def _binary_objective(self, w, Xb, codes, n_classes, need_hess):
        z = Xb @ w
        r = self._penalty(w, Xb.shape[1])
        f = -self.C * float((log_expit(z) * codes + log_expit(-z) * (1 - codes)).sum())
        f += 0.5 * float((r * w) @ w)
        g = self.C * Xb.T @ (expit(z) - codes) + r * w
        if not need_hess:
            return f, g, None
        p = expit(z)
        return f, g, self.C * (Xb.T * (p * (1 - p))) @ Xb + np.diag(r)

    def _multinomial_objective(self, theta, Xb, codes, n_classes, need_hess):
        K, D = n_classes, Xb.shape[1]
        W = theta.reshape(K, D)
        Z = Xb @ W.T
        r = self._penalty(theta, D)
        lse = logsumexp(Z, axis=1)
        f = self.C * float((lse - Z[np.arange(len(Z)), codes]).sum()) + 0.5 * float(
            (r * theta) @ theta
        )
        P = np.exp(Z - lse[:, None])
        R = P.copy()
        R[np.arange(len(R)), codes] -= 1
        g = self.C * (R.T @ Xb).ravel() + r * theta
        if not need_hess:
            return f, g, None
        return f, g, self.C * self._likelihood_curvature(Xb, P)[1] + np.diag(r)

    def _likelihood_curvature(self, Xb, P):
        """Hessian of the NLL (full, K*D x K*D) or its diagonal, blocks ordered (class, feature)."""
        K, D = P.shape[1], Xb.shape[1]
        if K * D > _FULL_HESSIAN_MAX:
            return "diag", np.einsum("nk,nd->kd", P * (1 - P), Xb**2).ravel()
        # H = sum_i (diag p_i - p_i p_i^T) ⊗ x_i x_i^T
        A = P[:, :, None] * np.eye(K)[None] - P[:, :, None] * P[:, None, :]
        H = np.zeros((K, K, D, D))
        # Chunked (n, K, K, D) products contracted by BLAS: 10x faster than the
        # three-operand einsum, with bounded memory.
        step = max(1, 2**22 // (K * K * D))
        for s in range(0, len(Xb), step):
            a, xb = A[s : s + step], Xb[s : s + step]
            H += np.tensordot(a[:, :, :, None] * xb[:, None, None, :], xb, axes=([0], [0]))
        return "full", H.transpose(0, 2, 1, 3).reshape(K * D, K * D)

    def _tuned_precision(self, eigenvalues) -> float:
        """Prior precision maximising the Laplace marginal likelihood at the fixed MAP.

        ``log Z(λ) = -λ/2 |θ|² + P/2 log λ - 1/2 sum log(e_i + λ)`` (+ terms free of λ).
        """
        sq, p = float(self.theta_ @ self.theta_), len(eigenvalues)
        # MacKay's fixed point: at the optimum λ |θ|² = γ = sum e_i / (e_i + λ), the
        # effective number of parameters. A few vector steps instead of a scalar search.
        lo, hi = np.exp(-12.0), np.exp(12.0)
        lam = 1.0
        for _ in range(100):
            gamma = float((eigenvalues / (eigenvalues + lam)).sum())
            new = min(max(gamma / sq, lo), hi) if sq > 0 else hi
            if abs(np.log(new / lam)) < 1e-9:
                return new
            lam = new

        def neg_log_evidence(log_lam):
            lam = np.exp(log_lam)
            return lam / 2 * sq - p / 2 * log_lam + 0.5 * np.log(eigenvalues + lam).sum()

        return float(
            np.exp(minimize_scalar(neg_log_evidence, bounds=(-12, 12), method="bounded").x)
        )

    def _laplace_cov(self, Xs, W, b):
        Xb = np.hstack([Xs, np.ones((len(Xs), 1))])
        P = softmax(Xb @ np.vstack([W.T, b]), axis=1)
        kind, H = self._likelihood_curvature(Xb, P)
        if kind == "full":
            e, V = np.linalg.eigh(H)
        else:
            e, V = H, None
        e = np.clip(e, 0.0, None)
        if self.prior_precision == "marglik":
            lam = self._tuned_precision(e)
        elif self.prior_precision is None:
            lam = 1.0 / self.C
        else:  # a positive number (checked by _param_specs)
            lam = float(self.prior_precision)
        self.prior_precision_ = lam
        s = 1.0 / np.sqrt(e + lam)
        return ("eig", V, s) if kind == "full" else ("diag", s)

    def _predict_proba(self, X):
        return softmax(X @ self.coef_.T + self.intercept_, axis=1)

    def _sample_proba(self, X, n_draws, seed):
        rng = check_random_state(seed)
        K, D = self.coef_.shape[0], self.coef_.shape[1] + 1
        z = rng.standard_normal((n_draws, K * D))
        if self.cov_[0] == "eig":
            _, V, s = self.cov_
            theta = self.theta_ + (z * s) @ V.T
        else:
            theta = self.theta_ + z * self.cov_[1]
        Xb = np.hstack([(X - self.x_mean_) / self.x_scale_, np.ones((len(X), 1))])
        # One (n, D) x (D, T*K) product, then the softmax in place: ~3x faster than
        # einsum + scipy's softmax on a 100x100 map grid.
        return _draw_softmax((Xb @ theta.reshape(n_draws * K, D).T).reshape(len(X), n_draws, K))


def _draw_softmax(Z: np.ndarray) -> np.ndarray:
    """Class probabilities of logits ``Z`` of shape (n, T, K), as (T, n, K) draws first.

    ``Z`` may be overwritten.
    """
    if Z.shape[2] == 2:
        # Softmax of two logits is the logistic of their difference: 4x faster than the
        # general path on a map grid (no max and sum over a length-2 axis), exact for
        # both classes (p0 is not 1 - p1, which would lose a small p0).
        d = np.ascontiguousarray((Z[..., 1] - Z[..., 0]).T)
        P = np.empty((*d.shape, 2))
        expit(-d, out=P[..., 0])
        expit(d, out=P[..., 1])
        return P
    Z = np.ascontiguousarray(Z.transpose(1, 0, 2))
    Z -= Z.max(axis=2, keepdims=True)
    np.exp(Z, out=Z)
    Z /= Z.sum(axis=2, keepdims=True)
    return Z
