"""Datasets and Session parameters of a widget, as names a settings string can carry."""

from __future__ import annotations

from .. import datasets
from ..datasets import Dataset

__all__ = [
    "SESSION_KEYS",
    "dataset_settings",
    "dataset_tasks",
    "resolve_dataset",
    "session_settings",
]

#: Session parameters a settings string carries (plain values only).
SESSION_KEYS = (
    "model",
    "strategy",
    "batch_size",
    "initial",
    "oracle",
    "seed",
    "init",
    "n_draws",
    "noise",
)


# name -> task of each registered dataset loaded once with its defaults (None: it cannot be
# loaded without arguments, e.g. MNIST needs a path, so no menu can offer it).
_TASKS: dict[str, str | None] = {}


def dataset_tasks() -> dict[str, str]:
    """The task of every registered dataset that loads with its defaults.

    Datasets added later with :func:`alviz.datasets.register` are picked up
    on the next call; each one is loaded once per process (about 0.7 s for
    the built-in ones together).

    Returns
    -------
    dict of str to str
        ``{"moons": "classification", "diabetes": "regression", ...}``.
    """
    for name in datasets.names():
        if name not in _TASKS:
            try:
                _TASKS[name] = datasets.load(name).task
            except Exception:  # a loader that needs arguments (a path) is not offered
                _TASKS[name] = None
    return {n: t for n, t in _TASKS.items() if t is not None and n in datasets.names()}


def resolve_dataset(dataset) -> Dataset:
    """A Dataset from a Dataset, a registered name, or ``{"name": ..., "params": {...}}``."""
    if isinstance(dataset, Dataset):
        return dataset
    if isinstance(dataset, str):
        return datasets.load(dataset)
    if isinstance(dataset, dict) and "name" in dataset:
        return datasets.load(dataset["name"], **dict(dataset.get("params") or {}))
    raise TypeError(
        f"dataset must be an alviz Dataset or a registered name such as 'moons'; got "
        f"{type(dataset).__name__}."
    )


def dataset_settings(dataset: Dataset) -> dict:
    """``{"name", "params"}`` that rebuild ``dataset``; a person's own data cannot be shared."""
    reg = dataset.meta.get("registry")
    if not reg:
        raise ValueError(
            f"dataset {dataset.name!r} is not a registered dataset, so settings cannot rebuild "
            f"it: share the data file together with the settings."
        )
    return {"name": reg["name"], "params": dict(reg.get("params") or {})}


def session_settings(session, **extra) -> dict:
    """The Session's parameters as plain values (model and strategy by name)."""
    out = {
        "model": session.model_label,
        "strategy": session.strategy.name,
        "batch_size": int(session.batch_size),
        "initial": int(session.initial),
        "oracle": getattr(session.oracle, "name", "simulated"),
        "seed": int(session.seed),
        "init": session.init,
        "n_draws": int(session.n_draws),
    }
    noise = getattr(session.oracle, "noise", None)
    if noise is not None:
        out["noise"] = session.oracle.params().get("noise", noise)
    out.update(extra)
    return out
