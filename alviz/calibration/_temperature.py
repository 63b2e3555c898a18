"""Temperature scaling (Guo et al. 2017): one scalar that softens or sharpens logits."""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax, softmax
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from .._validation import ROW_SUM_ATOL, check_array, check_class_indices, check_probs

__all__ = ["TemperatureScaler"]

_INPUTS = ("auto", "logits", "probs")
# 1/T is searched in [1/100, 100]: wider than any model needs, narrow enough to stay finite.
_BETA_BOUNDS = (1e-2, 1e2)


def _looks_like_probs(a: np.ndarray) -> bool:
    # The same tolerances as check_probs, so "auto" never sends valid
    # probabilities down the logits path because of rounding.
    return bool(
        a.size
        and a.min() >= -1e-6
        and a.max() <= 1 + 1e-6
        and np.abs(a.sum(axis=1) - 1).max() <= ROW_SUM_ATOL
    )


class TemperatureScaler(TransformerMixin, BaseEstimator):
    """Rescale logits by ``1 / temperature_``, fitted by NLL on held-out data.

    ``p = softmax(z / T)``: ``T > 1`` softens an over-confident model, ``T < 1``
    sharpens an under-confident one; the argmax (and so the accuracy) never
    changes (Guo et al. 2017, "On Calibration of Modern Neural Networks").

    Parameters
    ----------
    input : {"auto", "logits", "probs"}
        What ``fit`` and ``transform`` receive. Probabilities are turned into
        logits with ``log p`` (softmax is shift-invariant, so nothing is lost).
        ``"auto"`` treats an array whose rows are in [0, 1] and sum to 1 as
        probabilities, anything else as logits; pass the kind explicitly when in doubt.
    eps : float
        Probabilities are clipped at ``eps`` before the log, so a zero stays finite.

    Attributes
    ----------
    temperature_ : float
        The fitted temperature, in [0.01, 100].
    n_classes_ : int
        Number of columns seen in ``fit``.
    nll_before_, nll_after_ : float
        Held-out NLL at ``T = 1`` and at ``temperature_``.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> z = rng.normal(size=(500, 3)) * 5          # over-confident logits
    >>> y = np.array([rng.choice(3, p=np.exp(r) / np.exp(r).sum()) for r in z / 5])
    >>> ts = TemperatureScaler(input="logits").fit(z, y)
    >>> ts.temperature_ > 1
    True
    """

    def __init__(self, input: str = "auto", eps: float = 1e-12):
        self.input = input
        self.eps = eps

    def _logits(self, x, name: str) -> np.ndarray:
        if self.input not in _INPUTS:
            raise ValueError(f"input must be one of {_INPUTS}; got {self.input!r}.")
        a = check_array(x, name, ensure_min_samples=0, shape="(n_samples, n_classes)")
        if self.input == "probs" or (self.input == "auto" and _looks_like_probs(a)):
            a = check_probs(a, name)
            return np.log(np.clip(a.astype(np.float64), self.eps, None))
        return a.astype(np.float64)

    def fit(self, X, y):
        """Find the temperature that minimises the NLL of ``y``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_classes)
            Logits or probabilities on held-out data (not the training data:
            there the model is over-confident by construction).
        y : array-like of shape (n_samples,)
            True class indices.

        Returns
        -------
        self
        """
        z = self._logits(X, "X")
        y = check_class_indices(y, z, "X")
        if len(y) == 0:
            raise ValueError("X is empty: temperature scaling needs held-out samples.")
        z_y = z[np.arange(len(y)), y]

        # NLL(beta) = mean(logsumexp(beta z) - beta z_y) is convex in beta = 1/T,
        # so a bounded scalar search finds the global minimum.
        def nll(beta: float) -> float:
            zb = beta * z
            m = zb.max(axis=1)
            lse = m + np.log(np.exp(zb - m[:, None]).sum(axis=1))
            return float((lse - beta * z_y).mean())

        res = minimize_scalar(nll, bounds=_BETA_BOUNDS, method="bounded", options={"xatol": 1e-7})
        beta = float(res.x)
        # The search never evaluates the bounds themselves; keep T = 1 unless it truly helps.
        if nll(1.0) <= res.fun:
            beta = 1.0
        self.temperature_ = 1.0 / beta
        self.n_classes_ = z.shape[1]
        self.nll_before_ = nll(1.0)
        self.nll_after_ = nll(beta)
        return self

    def _check_columns(self, z):
        if z.shape[1] != self.n_classes_:
            raise ValueError(
                f"X has {z.shape[1]} columns but the scaler was fitted on {self.n_classes_} "
                f"classes; pass logits or probabilities of the same model."
            )

    def transform(self, X) -> np.ndarray:
        """Calibrated probabilities ``softmax(z / temperature_)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_classes)
            Logits or probabilities, of the same kind as in ``fit``.

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
            Rows sum to 1.
        """
        check_is_fitted(self, "temperature_")
        z = self._logits(X, "X")
        self._check_columns(z)
        return softmax(z / self.temperature_, axis=1)

    def predict_proba(self, X) -> np.ndarray:
        """Same as :meth:`transform`: calibrated probabilities of shape (n_samples, n_classes)."""
        return self.transform(X)

    def predict_log_proba(self, X) -> np.ndarray:
        """Log of the calibrated probabilities, computed stably; shape (n_samples, n_classes)."""
        check_is_fitted(self, "temperature_")
        z = self._logits(X, "X")
        self._check_columns(z)
        return log_softmax(z / self.temperature_, axis=1)
