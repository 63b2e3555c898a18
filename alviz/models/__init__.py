"""Models that can say what they do not know.

Every classifier has ``fit``, ``predict_proba`` and ``sample_proba(X,
n_draws)`` (draws first); every regressor ``predict``,
``predict_uncertainty`` and ``sample_predictions``. ``make(name)`` builds a
registered model; ``names(task)`` lists them. torch is imported only when a
torch model is made or one of its classes is accessed.
"""

from importlib import import_module

from ._base import (
    UncertainClassifier,
    UncertainRegressor,
    ValidatedEstimator,
    as_model,
    full_draws,
    full_proba,
)
from ._registry import CLASS_MODULES, make, names, register, task_of

__all__ = [
    "UncertainClassifier",
    "UncertainRegressor",
    "ValidatedEstimator",
    "as_model",
    "full_draws",
    "full_proba",
    "make",
    "names",
    "register",
    "task_of",
    *sorted(CLASS_MODULES),
]


def __getattr__(name):
    if name in CLASS_MODULES:
        return getattr(import_module(f".{CLASS_MODULES[name]}", __name__), name)
    raise AttributeError(f"module 'alviz.models' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
