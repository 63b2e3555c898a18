"""Datasets and Session parameters of a widget, as names a settings string can carry."""

from __future__ import annotations

from .. import datasets
from ..datasets import Dataset

__all__ = ["SESSION_KEYS", "dataset_settings", "resolve_dataset", "session_settings"]

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
