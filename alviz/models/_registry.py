"""One registry of named models: ``names(task)``, ``task_of(name)`` and ``make(name, **params)``.

Factories import their module only when called, so ``import alviz`` does
not import torch.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

__all__ = ["make", "names", "register", "task_of"]

TASKS = ("classification", "regression")

_REGISTRY: dict[str, tuple[Callable, str]] = {}


def register(name: str, task: str = "classification"):
    """Register a model factory under ``name`` (a decorator).

    Every factory must accept ``seed`` (the Session passes its seed).
    """
    if task not in TASKS:
        raise ValueError(f"task must be one of {TASKS}; got {task!r}.")

    def deco(factory):
        if name in _REGISTRY:
            raise ValueError(f"model {name!r} is registered twice")
        _REGISTRY[name] = (factory, task)
        return factory

    return deco


def names(task: str | None = None) -> list[str]:
    """Names of the registered models, sorted.

    Parameters
    ----------
    task : {"classification", "regression"} or None
        Only the models for this task; None lists all.
    """
    if task is not None and task not in TASKS:
        raise ValueError(f"task must be one of {TASKS} or None; got {task!r}.")
    return sorted(n for n, (_, t) in _REGISTRY.items() if task is None or t == task)


def task_of(name: str) -> str:
    """``"classification"`` or ``"regression"``: the task of the model ``name``."""
    _check_name(name)
    return _REGISTRY[name][1]


def _check_name(name) -> None:
    if not isinstance(name, str) or name not in _REGISTRY:
        raise ValueError(
            f"unknown model {name!r}; available: {', '.join(names())}. "
            f"Any scikit-learn classifier with predict_proba may be passed instead of a name."
        )


def make(name: str, **params):
    """Build a fresh, unfitted model by name.

    Parameters
    ----------
    name : str
        One of :func:`names`.
    **params
        Passed to the model's constructor (``seed``, ``device``, ...).
    """
    _check_name(name)
    return _REGISTRY[name][0](**params)


def _lazy(module: str, cls: str):
    def factory(**params):
        return getattr(import_module(f".{module}", __package__), cls)(**params)

    factory.__name__ = f"make_{cls}"
    factory.__doc__ = f"Build :class:`alviz.models.{cls}` (imports ``{module}`` on first use)."
    return factory


_BUILTIN = [
    ("logreg", "linear", "LaplaceLogisticRegression", "classification"),
    ("svm", "bootstrap", "SVMClassifier", "classification"),
    ("knn", "bootstrap", "KNNClassifier", "classification"),
    ("rf", "trees", "ForestClassifier", "classification"),
    ("gp", "gaussian_process", "GPClassifier", "classification"),
    ("committee", "committee", "CommitteeClassifier", "classification"),
    ("mlp_mc_dropout", "torch_classifiers", "MCDropoutMLP", "classification"),
    ("deep_ensemble", "torch_classifiers", "DeepEnsembleMLP", "classification"),
    ("hetero_mlp", "torch_classifiers", "HeteroscedasticMLP", "classification"),
    ("evidential_mlp", "torch_classifiers", "EvidentialMLP", "classification"),
    ("cnn_mc_dropout", "torch_classifiers", "MCDropoutCNN", "classification"),
    ("mlp_loss_prediction", "torch_classifiers", "LossPredictionMLP", "classification"),
    ("mlp_mc_dropout_regressor", "torch_regressors", "MCDropoutRegressor", "regression"),
    ("deep_ensemble_regressor", "torch_regressors", "DeepEnsembleRegressor", "regression"),
    ("gp_regressor", "gaussian_process", "GPRegressor", "regression"),
]
for _name, _module, _cls, _task in _BUILTIN:
    register(_name, _task)(_lazy(_module, _cls))

#: Where each public model class lives, for lazy ``alviz.models.<Class>`` access.
CLASS_MODULES = {cls: module for _, module, cls, _ in _BUILTIN} | {
    "BootstrapModel": "bootstrap",
    "TorchClassifier": "torch_wrapper",
}
