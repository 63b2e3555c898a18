"""One registry of named datasets: ``names()``, ``load(name, **params)``, ``card(name)``."""

from __future__ import annotations

import inspect
from collections.abc import Callable

from ._base import Card, Dataset

__all__ = ["card", "load", "names", "register"]

_REGISTRY: dict[str, tuple[Callable[..., Dataset], Card]] = {}


def register(name: str, card: Card):
    """Register a loader under ``name`` with its card (a decorator)."""

    def deco(fn: Callable[..., Dataset]) -> Callable[..., Dataset]:
        if name in _REGISTRY:
            raise ValueError(f"dataset {name!r} is registered twice")
        _REGISTRY[name] = (fn, card)
        return fn

    return deco


def names() -> list[str]:
    """Names of all registered datasets, sorted."""
    return sorted(_REGISTRY)


def _lookup(name: str):
    if not isinstance(name, str) or name not in _REGISTRY:
        raise ValueError(
            f"unknown dataset {name!r}; available: {', '.join(names())}. "
            f"For your own data use alviz.datasets.from_arrays / from_dataframe / from_csv."
        )
    return _REGISTRY[name]


def card(name: str) -> Card:
    """The card of a registered dataset: what it shows, its source and licence."""
    return _lookup(name)[1]


def load(name: str, **params) -> Dataset:
    """Load a registered dataset.

    Parameters
    ----------
    name : str
        One of :func:`names`.
    **params
        The loader's knobs (``n_samples``, ``noise``, ``seed``, ...).

    Returns
    -------
    Dataset
    """
    fn, _ = _lookup(name)
    sig = inspect.signature(fn)
    unknown = set(params) - set(sig.parameters)
    if unknown:
        raise TypeError(
            f"dataset {name!r} got unknown parameter(s) {sorted(unknown)}; "
            f"it takes {list(sig.parameters)}."
        )
    return fn(**params)
