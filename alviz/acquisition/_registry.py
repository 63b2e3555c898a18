"""One registry of strategies: ``names()``, ``get(name)``, ``register``."""

from __future__ import annotations

from ._base import NEEDS, Strategy

__all__ = ["get", "info", "names", "register"]

_REGISTRY: dict[str, type[Strategy]] = {}

FAMILIES = frozenset(
    {"random", "uncertainty", "disagreement", "model change", "diversity", "hybrid", "regression"}
)


def register(cls: type[Strategy]) -> type[Strategy]:
    """Add a Strategy class to the registry under ``cls.name`` (a decorator)."""
    if not cls.name or cls.name in _REGISTRY:
        raise ValueError(f"strategy name {cls.name!r} is empty or registered twice")
    if not set(cls.needs) <= NEEDS:
        raise ValueError(f"{cls.name}: needs {set(cls.needs) - NEEDS} are not among {set(NEEDS)}")
    if cls.family not in FAMILIES:
        raise ValueError(f"{cls.name}: family {cls.family!r} is not one of {sorted(FAMILIES)}")
    _REGISTRY[cls.name] = cls
    return cls


def names(task: str | None = None) -> list[str]:
    """Registered strategy names, sorted; only those usable for ``task`` if given.

    A strategy whose ``task`` is ``"any"`` (random sampling) serves every task.
    """
    return sorted(n for n, c in _REGISTRY.items() if task is None or c.task in (task, "any"))


def get(name, **params) -> Strategy:
    """A strategy instance by name (or the instance itself, passed through).

    Raises
    ------
    ValueError
        If the name is unknown; the message lists the available names.
    """
    if isinstance(name, Strategy):
        return name
    if not isinstance(name, str) or name not in _REGISTRY:
        raise ValueError(f"unknown strategy {name!r}; available: {', '.join(names())}.")
    cls = _REGISTRY[name]
    valid = cls._get_param_names()
    unknown = [p for p in params if p not in valid]
    if unknown:
        raise TypeError(
            f"strategy {name!r} has no parameter(s) {', '.join(map(repr, unknown))}; "
            f"its parameters are: {', '.join(valid) if valid else 'none'}."
        )
    return cls(**params)


def info() -> list[dict]:
    """One row per strategy: name, family, needs, batch_aware, task, reference."""
    return [
        {
            "name": n,
            "family": c.family,
            "needs": sorted(c.needs),
            "batch_aware": c.batch_aware,
            "task": c.task,
            "reference": c.reference,
        }
        for n, c in sorted(_REGISTRY.items())
    ]
