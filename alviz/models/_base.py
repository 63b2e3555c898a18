"""The model contract and helpers that hold every model to it.

A classifier has ``fit(X, y)`` with integer labels, ``classes_``,
``predict_proba(X)`` of shape (n_samples, n_classes_seen) and
``sample_proba(X, n_draws, seed)`` of shape (n_draws, n_samples,
n_classes_seen), draws first. A regressor has ``predict(X)``,
``predict_uncertainty(X)`` -> (mean, var_aleatoric, var_epistemic) and
``sample_predictions(X, n_draws)`` -> (means_draws, vars_draws).

Draws are joint wherever the model allows it: draw ``t`` is one sampled
model evaluated at every point (Laplace weights, a tree, an ensemble member,
a bootstrap refit, one dropout mask per layer, one GP function up to 1,000
points), which joint measures such as BatchBALD need. Evidential draws are
per point.

Any scikit-learn classifier with ``predict_proba`` is accepted: :func:`as_model`
gives it bootstrap draws (and wraps a torch ``nn.Module`` in
:class:`~alviz.models.TorchClassifier`).
"""

from __future__ import annotations

import sys
from contextlib import nullcontext
from typing import ClassVar

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin

from .._validation import (
    SEED,
    check_array,
    check_classification_targets,
    check_fitted_features,
    check_n_draws,
    check_params,
    check_regression_targets,
)

__all__ = [
    "UncertainClassifier",
    "UncertainRegressor",
    "ValidatedEstimator",
    "as_model",
    "full_draws",
    "full_proba",
]


#: Up to this many rows, BLAS and OpenMP run single-threaded inside the models.
SMALL_BLAS_ROWS = 5000
_controller = None
_controller_modules = -1  # len(sys.modules) when the controller was built


def _few_threads_controller():
    """The BLAS and OpenMP libraries to limit, as a threadpoolctl controller (not torch's).

    Scanning the loaded libraries costs tens of milliseconds, so it is done again
    only when modules were imported since (a new extension may bring a new
    OpenMP runtime, e.g. scikit-learn's when ``sklearn.ensemble`` is imported).
    torch's own OpenMP runtime is left alone: torch models set their threads
    themselves (``n_threads``), and a limit here would override their "auto".
    """
    global _controller, _controller_modules
    if _controller is None or _controller_modules != len(sys.modules):
        from threadpoolctl import ThreadpoolController

        everything = ThreadpoolController()
        keep = [
            lib.filepath
            for lib in everything.lib_controllers
            if lib.user_api == "blas" or "torch" not in str(lib.filepath)
        ]
        _controller = everything.select(filepath=keep)
        _controller_modules = len(sys.modules)
    return _controller


def small_blas(n_rows: int):
    """A context with one BLAS and one OpenMP thread when ``n_rows`` is small, else a no-op.

    Small matrix products and small tree fits spend more time synchronising
    threads than computing; on a busy 2-core machine a GP fit on 36 points ran
    5x faster single-threaded. OpenMP is limited too (scikit-learn's
    HistGradientBoosting, k-NN distances): with two OpenMP runtimes in the
    process (torch brings its own) a small HistGradientBoosting step was
    reported many times slower, and even without torch two OpenMP threads cost
    more than they save on small fits (``benchmarks/results/threads.md``).
    """
    if n_rows > SMALL_BLAS_ROWS:
        return nullcontext()
    controller = _few_threads_controller()
    # Already one thread everywhere (a nested call, or OPENBLAS_NUM_THREADS=1): setting
    # and restoring the limits would change nothing and costs more than a small fit.
    if all(lib.num_threads == 1 for lib in controller.lib_controllers):
        return nullcontext()
    return controller.limit(limits=1)


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


_PARAM_NAMES: dict = {}  # class -> its sorted __init__ parameter names


class ValidatedEstimator(BaseEstimator):
    """A scikit-learn estimator whose parameters are checked when it is built.

    Intended departure from scikit-learn, which checks parameters only in
    ``fit``: a wrong value (``C=-1``, ``hidden=(0,)``, ``n_members=0``)
    should fail where it was typed, not rounds later inside a Session or a
    widget callback. Each class declares ``_param_specs`` (name -> spec of
    :func:`alviz._validation.check_params`); specs of the base classes are
    inherited. ``__init__`` still only stores its arguments and then calls
    :meth:`_validate_params`; :meth:`set_params` validates too and leaves
    the estimator unchanged when it refuses; ``fit`` checks again, for
    attributes assigned directly. ``clone``, ``get_params`` and
    ``set_params`` work as in scikit-learn. (scikit-learn's estimator check
    ``check_do_not_raise_errors_in_init_or_set_params`` is the one that
    records this departure.)
    """

    _param_specs: ClassVar[dict] = {"seed": SEED}

    @classmethod
    def _get_param_names(cls) -> list:
        # scikit-learn reads the __init__ signature on every get_params (so on every
        # fit, clone and check here); it cannot change for a class, so read it once.
        names = _PARAM_NAMES.get(cls)
        if names is None:
            names = _PARAM_NAMES[cls] = super()._get_param_names()
        return list(names)

    @classmethod
    def _all_param_specs(cls) -> dict:
        specs = {}
        for klass in reversed(cls.__mro__):
            specs.update(vars(klass).get("_param_specs", {}))
        return specs

    def _validate_params(self) -> None:
        check_params(self, self._all_param_specs())

    def set_params(self, **params):
        """Set parameters (as scikit-learn) and check them; on an error nothing changes."""
        old = self.get_params(deep=False)
        super().set_params(**params)
        try:
            self._validate_params()
        except (TypeError, ValueError):
            super().set_params(**old)
            raise
        return self


class UncertainClassifier(ClassifierMixin, ValidatedEstimator):
    """Base of alviz's classifiers: input checks, label encoding, one-class fallback.

    Subclasses implement ``_fit(X, y, classes)`` (``y`` encoded as
    ``0..len(classes)-1``), ``_predict_proba(X)`` and
    ``_sample_proba(X, n_draws, seed)``.

    Fitting on a single class is well defined and trains nothing: the model
    predicts that class with probability 1, ``predict_proba`` has one column
    and every draw equals it. ``classes_`` holds the label values seen
    (integers, possibly not contiguous); columns follow ``classes_``.
    """

    task = "classification"

    def fit(self, X, y):
        """Fit on features ``X`` of shape (n_samples, n_features) and integer labels ``y``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
            Class labels: ints >= 0 (alviz's class indices), or any labels
            scikit-learn takes (strings, bools); ``classes_`` holds them.

        Returns
        -------
        self
        """
        self._validate_params()
        X = check_array(X, dtype=np.float64)
        y = check_classification_targets(y, len(X))
        if y.dtype.kind in "iu" and len(y) and y.min() < 0:
            raise ValueError(
                f"y must hold class indices >= 0; got {int(y.min())} (alviz marks unlabelled rows "
                f"with -1). Fit on the labelled rows only: X[y >= 0], y[y >= 0]."
            )
        classes, y_enc = np.unique(y, return_inverse=True)
        if len(classes) > 1:
            with small_blas(len(X)):
                self._fit(X, y_enc.astype(np.int64), classes)
        # Set last, so that a first fit that fails leaves the model unfitted.
        self.classes_ = classes
        self.n_features_in_ = X.shape[1]
        return self

    def _single_class(self) -> bool:
        return len(self.classes_) < 2

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_classes_seen)
            Columns follow ``classes_``; rows sum to 1.
        """
        X = check_fitted_features(self, X)
        if self._single_class():
            return np.ones((len(X), 1))
        if len(X) == 0:
            return np.zeros((0, len(self.classes_)))
        with small_blas(len(X)):
            return self._predict_proba(X)

    def predict(self, X) -> np.ndarray:
        """Most probable class of each row, shape (n_samples,)."""
        p = self.predict_proba(X)  # first: it raises NotFittedError before classes_ is read
        return self.classes_[p.argmax(axis=1)]

    def sample_proba(self, X, n_draws: int = 20, seed=None) -> np.ndarray:
        """Sampled class probabilities (posterior draws, members, MC passes).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        n_draws : int
        seed : int, numpy.random.Generator or None
            None uses the model's ``seed``; same seed, same draws.

        Returns
        -------
        ndarray of shape (n_draws, n_samples, n_classes_seen)
            Draws first; each row sums to 1.
        """
        n_draws = check_n_draws(n_draws)
        X = check_fitted_features(self, X)
        if self._single_class():
            return np.ones((n_draws, len(X), 1))
        if len(X) == 0:
            return np.zeros((n_draws, 0, len(self.classes_)))
        seed = getattr(self, "seed", None) if seed is None else seed
        with small_blas(len(X)):
            return self._sample_proba(X, n_draws, seed)


class UncertainRegressor(RegressorMixin, ValidatedEstimator):
    """Base of alviz's regressors: a mean with an aleatoric and an epistemic variance.

    Subclasses implement ``_fit(X, y)``, ``_predict(X)`` and
    ``_sample_predictions(X, n_draws, seed)``.
    """

    task = "regression"

    def fit(self, X, y):
        """Fit on ``X`` of shape (n_samples, n_features) and float targets ``y`` (n_samples,)."""
        self._validate_params()
        X = check_array(X, dtype=np.float64)
        y = check_regression_targets(y, len(X))
        with small_blas(len(X)):
            self._fit(X, y)
        self.n_features_in_ = X.shape[1]
        return self

    def predict(self, X) -> np.ndarray:
        """Predictive mean, shape (n_samples,)."""
        X = check_fitted_features(self, X)
        with small_blas(len(X)):
            return self._predict(X)

    def sample_predictions(self, X, n_draws: int = 20, seed=None):
        """Sampled predictive means and aleatoric variances.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        n_draws : int
        seed : int, numpy.random.Generator or None
            None uses the model's ``seed``.

        Returns
        -------
        means_draws : ndarray of shape (n_draws, n_samples)
        vars_draws : ndarray of shape (n_draws, n_samples)
        """
        n_draws = check_n_draws(n_draws)
        X = check_fitted_features(self, X)
        seed = getattr(self, "seed", None) if seed is None else seed
        with small_blas(len(X)):
            return self._sample_predictions(X, n_draws, seed)

    def predict_uncertainty(self, X, n_draws: int = 20, seed=None):
        """Predictive mean and its aleatoric/epistemic variance split.

        By the law of total variance over the draws: ``mean = E[μ]``,
        ``var_aleatoric = E[σ²]``, ``var_epistemic = Var[μ]``.

        Returns
        -------
        mean, var_aleatoric, var_epistemic : ndarray of shape (n_samples,)
        """
        means, variances = self.sample_predictions(X, n_draws=n_draws, seed=seed)
        return means.mean(axis=0), variances.mean(axis=0), means.var(axis=0)


def _is_torch_module(obj) -> bool:
    torch = sys.modules.get("torch")  # a user's nn.Module means torch is already imported
    return torch is not None and isinstance(obj, torch.nn.Module)


def as_model(model):
    """Return ``model`` if it can sample predictions, else wrap it.

    A scikit-learn classifier with ``predict_proba`` gets bootstrap draws
    (:class:`~alviz.models.BootstrapModel`); a torch ``nn.Module`` returning
    logits becomes a :class:`~alviz.models.TorchClassifier`.
    """
    if _is_torch_module(model):
        from .torch_wrapper import TorchClassifier

        return TorchClassifier(model)
    if hasattr(model, "sample_proba"):
        return model
    if not hasattr(model, "predict_proba"):
        raise TypeError(
            f"model must have predict_proba; {type(model).__name__} has not. Pass a registered "
            f"name (alviz.models.names()), a scikit-learn classifier with predict_proba, or a "
            f"torch nn.Module returning logits."
        )
    from .bootstrap import BootstrapModel

    return BootstrapModel(model)
