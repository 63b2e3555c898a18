"""Gaussian processes: a classifier with latent draws and a regressor."""

from __future__ import annotations

import numpy as np
from scipy.linalg import solve
from scipy.special import expit
from sklearn.gaussian_process import GaussianProcessClassifier, GaussianProcessRegressor
from sklearn.gaussian_process.kernels import RBF, WhiteKernel
from sklearn.gaussian_process.kernels import ConstantKernel as Constant

from .._validation import check_random_state
from ._base import UncertainClassifier, UncertainRegressor, small_blas
from ._checks import check_X_fitted

__all__ = ["GPClassifier", "GPRegressor"]

#: Up to this many points, draws are joint (one function per draw); marginal above.
JOINT_MAX = 1000


def gaussian_draws(mean, cov, n_draws: int, rng) -> np.ndarray:
    """Draws of shape (n_draws, n) from N(mean, cov), robust to a singular ``cov``.

    Cholesky with a growing jitter; eigen-decomposition (negative eigenvalues
    set to 0) if that fails.
    """
    z = rng.standard_normal((n_draws, len(mean)))
    scale = max(float(np.mean(np.diag(cov))), 1e-12)
    for jitter in (1e-10, 1e-8, 1e-6):
        try:
            L = np.linalg.cholesky(cov + jitter * scale * np.eye(len(mean)))
            return mean + z @ L.T
        except np.linalg.LinAlgError:
            continue
    w, U = np.linalg.eigh(cov)
    return mean + (z * np.sqrt(np.clip(w, 0.0, None))) @ U.T


def stratified_draws(mean, var, n_draws: int, order=None, rng=None) -> np.ndarray:
    """Draws of shape (n_draws, n) whose values at each point are fixed quantiles.

    Point ``i`` gets the values ``mean[i] + sd[i] * q_k`` with the midpoint
    quantiles ``q_k = Φ⁻¹((k + ½) / n_draws)`` of the standard normal, so any
    per-point measure of the draws (BALD, variation ratio) is a deterministic
    quadrature of that point's posterior: it cannot depend on which other
    points are drawn with it, nor change from seed to seed. The values are
    assigned to draws in the rank order of ``order`` (joint draws of shape
    (n_draws, n)): the draws then keep the joint draws' dependence between
    points (their rank correlations, a Gaussian copula), which joint
    measures such as BatchBALD use. Without ``order``, each point's values
    are shuffled independently with ``rng``.
    """
    from scipy.special import ndtri

    mean, sd = np.asarray(mean, dtype=np.float64), np.sqrt(np.maximum(var, 0.0))
    q = ndtri((np.arange(n_draws) + 0.5) / n_draws)
    if order is None:
        ranks = rng.permuted(
            np.broadcast_to(np.arange(n_draws)[:, None], (n_draws, len(mean))), axis=0
        )
    else:
        ranks = np.argsort(np.argsort(order, axis=0, kind="stable"), axis=0, kind="stable")
    return mean + sd * q[ranks]


def _latent_joint(binary_gpc, X):
    """Laplace posterior mean (n,) and covariance (n, n) of the latent function at ``X``."""
    K_star = binary_gpc.kernel_(binary_gpc.X_train_, X)
    mean = K_star.T @ (binary_gpc.y_train_ - binary_gpc.pi_)
    v = solve(binary_gpc.L_, binary_gpc.W_sr_[:, None] * K_star)
    return mean, binary_gpc.kernel_(X) - v.T @ v


def _latent_mean_var(binary_gpc, X):
    """Laplace posterior of the latent function at ``X`` (GPML Algorithm 3.2, lines 4-6)."""
    if hasattr(binary_gpc, "latent_mean_and_variance"):  # scikit-learn >= 1.7
        return binary_gpc.latent_mean_and_variance(X)
    K_star = binary_gpc.kernel_(binary_gpc.X_train_, X)
    mean = K_star.T @ (binary_gpc.y_train_ - binary_gpc.pi_)
    v = solve(binary_gpc.L_, binary_gpc.W_sr_[:, None] * K_star)
    return mean, binary_gpc.kernel_.diag(X) - np.einsum("ij,ij->j", v, v)


class GPClassifier(UncertainClassifier):
    """Gaussian process classifier (Laplace approximation) with draws of the latent function.

    Binary: the latent ``f`` has a Gaussian Laplace posterior at each point;
    a draw is ``sigmoid(f)`` with ``f`` drawn from it. Each point's latent
    values over the draws are fixed midpoint quantiles of its posterior
    (:func:`stratified_draws`), so binary BALD and the other per-point
    scores are a deterministic quadrature: a point scores the same alone or
    in any batch, with any seed. Multi-class: scikit-learn fits one binary
    GP per class (one-vs-rest); a draw takes one latent draw per class,
    ``sigmoid(f_k)``, and normalises over classes, as scikit-learn
    normalises its one-vs-rest probabilities (each class's values are still
    fixed quantiles; how they pair up across classes in a draw follows the
    seed). Up to ``JOINT_MAX`` (1,000) points the draws keep the rank order
    of joint draws of one latent function over all the points (the
    dependence BatchBALD needs); above, draws are independent per point
    (the marginal posterior, all that per-point measures such as BALD use).
    ``predict_proba`` is
    scikit-learn's (the latent posterior integrated through the sigmoid).

    Parameters
    ----------
    length_scale : float
        Initial RBF length scale (tuned by maximising the marginal likelihood).
    n_restarts_optimizer : int
    max_iter_predict : int
    seed : int or None
        Seed of the optimiser restarts and default seed of :meth:`sample_proba`.
    """

    def __init__(
        self,
        length_scale: float = 1.0,
        n_restarts_optimizer: int = 0,
        max_iter_predict: int = 100,
        seed=0,
    ):
        self.length_scale = length_scale
        self.n_restarts_optimizer = n_restarts_optimizer
        self.max_iter_predict = max_iter_predict
        self.seed = seed

    def _fit(self, X, y, classes):
        kernel = Constant(1.0) * RBF(length_scale=self.length_scale)
        self.gpc_ = GaussianProcessClassifier(
            kernel=kernel,
            n_restarts_optimizer=self.n_restarts_optimizer,
            max_iter_predict=self.max_iter_predict,
            random_state=self.seed,
        ).fit(X, y)

    def _binary_gps(self):
        base = self.gpc_.base_estimator_
        return list(base.estimators_) if len(self.classes_) > 2 else [base]

    def latent_mean_and_variance(self, X):
        """Posterior mean and variance of each binary GP's latent function.

        Returns
        -------
        mean, var : ndarray of shape (n_gps, n_samples)
            ``n_gps`` is 1 for binary problems, ``n_classes`` otherwise.
        """
        X = check_X_fitted(self, X)
        if self._single_class():
            raise ValueError("the model was fitted on one class; it has no latent function.")
        return self._latent(X)

    def _latent(self, X):
        stats = [_latent_mean_var(gp, X) for gp in self._binary_gps()]
        return np.stack([m for m, _ in stats]), np.maximum(np.stack([v for _, v in stats]), 0.0)

    def _predict_proba(self, X):
        return self.gpc_.predict_proba(X)

    def _sample_proba(self, X, n_draws, seed):
        rng = check_random_state(seed)
        parts = []
        for gp in self._binary_gps():
            if len(X) <= JOINT_MAX:
                mean, cov = _latent_joint(gp, X)
                joint = gaussian_draws(mean, cov, n_draws, rng)
                parts.append(stratified_draws(mean, np.diag(cov), n_draws, order=joint))
            else:
                mean, var = _latent_mean_var(gp, X)
                parts.append(stratified_draws(mean, var, n_draws, rng=rng))
        p = expit(np.stack(parts, axis=1))  # (n_draws, n_gps, n)
        if p.shape[1] == 1:
            return np.stack([1.0 - p[:, 0], p[:, 0]], axis=2)
        p = p / p.sum(axis=1, keepdims=True)
        return p.transpose(0, 2, 1)


class GPRegressor(UncertainRegressor):
    """Gaussian process regression with a learned noise level.

    Kernel ``C · RBF + White``: the white-noise level is the aleatoric
    variance (constant over inputs); the posterior variance of the latent
    function is the epistemic one. Draws are of the latent function, joint
    over the points up to ``JOINT_MAX`` (1,000) points and per point above,
    with the noise level as their variance.

    Parameters
    ----------
    length_scale : float
        Initial RBF length scale.
    noise_level : float
        Initial noise variance (in units of the standardised target).
    n_restarts_optimizer : int
    seed : int or None
    """

    def __init__(
        self,
        length_scale: float = 1.0,
        noise_level: float = 0.1,
        n_restarts_optimizer: int = 0,
        seed=0,
    ):
        self.length_scale = length_scale
        self.noise_level = noise_level
        self.n_restarts_optimizer = n_restarts_optimizer
        self.seed = seed

    def _fit(self, X, y):
        kernel = Constant(1.0) * RBF(length_scale=self.length_scale) + WhiteKernel(
            noise_level=self.noise_level, noise_level_bounds=(1e-6, 1e1)
        )
        self.gpr_ = GaussianProcessRegressor(
            kernel=kernel,
            normalize_y=True,
            n_restarts_optimizer=self.n_restarts_optimizer,
            random_state=self.seed,
        ).fit(X, y)
        # With normalize_y the kernel lives in standardised units (y / std(y), a zero
        # std counting as 1, as scikit-learn does); undo the scaling.
        std = float(np.std(y))
        scale = std if std > 10 * np.finfo(np.float64).eps else 1.0
        self.noise_var_ = float(self.gpr_.kernel_.k2.noise_level) * scale**2

    def _predict(self, X):
        return self.gpr_.predict(X)

    def _mean_epistemic(self, X):
        mean, std = self.gpr_.predict(X, return_std=True)
        # predict's std includes the white noise (on the kernel's diagonal): remove it.
        return mean, np.maximum(std**2 - self.noise_var_, 0.0)

    def predict_uncertainty(self, X, n_draws: int = 20, seed=None):
        """Exact predictive mean, noise variance (aleatoric) and latent variance (epistemic).

        ``n_draws`` and ``seed`` are accepted for the common signature and unused.

        Returns
        -------
        mean, var_aleatoric, var_epistemic : ndarray of shape (n_samples,)
        """
        X = check_X_fitted(self, X)
        with small_blas(len(X)):
            mean, var_e = self._mean_epistemic(X)
        return mean, np.full_like(mean, self.noise_var_), var_e

    def _sample_predictions(self, X, n_draws, seed):
        rng = check_random_state(seed)
        if len(X) <= JOINT_MAX:
            mean, cov = self.gpr_.predict(X, return_cov=True)
            # The covariance includes the white noise on its diagonal: remove it.
            cov = cov - self.noise_var_ * np.eye(len(X))
            means = gaussian_draws(mean, cov, n_draws, rng)
        else:
            mean, var_e = self._mean_epistemic(X)
            means = mean + np.sqrt(var_e) * rng.standard_normal((n_draws, len(mean)))
        return means, np.full_like(means, self.noise_var_)
