"""One registry of named models: ``names()`` and ``make(name, **params)``."""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["make", "names", "register"]

_REGISTRY: dict[str, Callable] = {}


def register(name: str):
    """Register a model factory under ``name`` (a decorator)."""

    def deco(factory):
        if name in _REGISTRY:
            raise ValueError(f"model {name!r} is registered twice")
        _REGISTRY[name] = factory
        return factory

    return deco


def names() -> list[str]:
    """Names of all registered models, sorted."""
    return sorted(_REGISTRY)


def make(name: str, **params):
    """Build a fresh, unfitted model by name.

    Parameters
    ----------
    name : str
        One of :func:`names`.
    **params
        Passed to the model's constructor (``seed``, ``device``, ...).
    """
    if not isinstance(name, str) or name not in _REGISTRY:
        raise ValueError(
            f"unknown model {name!r}; available: {', '.join(names())}. "
            f"Any scikit-learn classifier with predict_proba may be passed instead of a name."
        )
    return _REGISTRY[name](**params)


@register("logreg")
def _logreg(**params):
    from .linear import LaplaceLogisticRegression

    return LaplaceLogisticRegression(**params)
