"""One run of a sweep: a Session for one (strategy, model, seed), as a table.

This is the function that joblib ships to a worker process (or a Dask
worker), so it takes and returns plain, picklable values and never raises:
an error is returned with the run it belongs to.
"""

from __future__ import annotations

import copy
import time
import traceback
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["RunOutcome", "RunTask", "run_task"]


@dataclass
class RunTask:
    """Everything one run needs.

    Attributes
    ----------
    dataset : Dataset or callable
        The dataset, or ``dataset(seed) -> Dataset`` (e.g. a fresh split per seed).
    strategy, model : str, Strategy or estimator
        As :class:`alviz.Session` takes them.
    strategy_label, model_label : str
        Names under which the run appears in the results.
    seed : int
    budget : int or None
        Labels to query; None queries until the pool is exhausted.
    batch_size, initial : int
    session_params : dict
        Other :class:`alviz.Session` arguments (``init``, ``n_draws``, ...).
    """

    dataset: Any
    strategy: Any
    model: Any
    strategy_label: str
    model_label: str
    seed: int
    budget: int | None
    batch_size: int
    initial: int
    session_params: dict = field(default_factory=dict)


@dataclass
class RunOutcome:
    """What came back from one run: its table, or its error."""

    strategy: str
    model: str
    seed: int
    table: Any = None  # pandas.DataFrame
    error: str = ""
    traceback: str = ""
    wall_seconds: float = float("nan")
    n_rounds: int = 0
    stop_reason: str = ""


def _seeded(model, seed: int):
    """A fresh copy of an estimator whose randomness follows the run's seed.

    Names are seeded by the Session itself. An estimator instance is cloned
    (never shared between runs) and its ``random_state`` / ``seed`` parameter,
    where it has one, is set to the run's seed: otherwise every seed of a sweep
    would reuse one model seed, or draw an unrepeatable one (``None``).
    """
    if isinstance(model, str):
        return model
    from sklearn.base import clone

    try:
        est = clone(model)
    except TypeError:
        est = copy.deepcopy(model)
    params = est.get_params(deep=False) if hasattr(est, "get_params") else {}
    for key in ("random_state", "seed"):
        if key in params:
            est.set_params(**{key: int(seed)})
    return est


def final_metrics(session) -> dict:
    """Test metrics of the model fitted on every label the session holds.

    The rounds of :meth:`Session.metrics` are measured *before* each query,
    so the last batch's labels are never evaluated there; this closes the
    curve at ``initial + budget`` labels.
    """
    return dict(session.evaluate())


def _n_rounds(task: RunTask, pool: int) -> int:
    budget = pool - task.initial if task.budget is None else task.budget
    return max(int(budget) // task.batch_size, 0)


def run_task(task: RunTask) -> RunOutcome:
    """Run one Session to its budget and return its per-round table (or its error).

    Parameters
    ----------
    task : RunTask

    Returns
    -------
    RunOutcome
        ``table`` has one row per round (metrics of the model fitted before the
        round's query) plus a last row for the model fitted on all the labels
        (``step_seconds`` NaN there), with ``strategy``, ``model`` and ``seed``
        columns first.
    """
    from .. import Session
    from ..datasets import Dataset

    out = RunOutcome(task.strategy_label, task.model_label, task.seed)
    t0 = time.perf_counter()
    try:
        ds = task.dataset
        if not isinstance(ds, Dataset):
            ds = ds(task.seed)
        strategy = task.strategy
        if not isinstance(strategy, str):
            strategy = copy.deepcopy(strategy)  # strategies may keep state between steps
            if isinstance(getattr(strategy, "seed", None), int | np.integer):
                strategy.seed = int(task.seed)
        session = Session(
            ds,
            model=_seeded(task.model, task.seed),
            strategy=strategy,
            batch_size=task.batch_size,
            initial=task.initial,
            seed=task.seed,
            **task.session_params,
        )
        n_rounds = _n_rounds(task, ds.n_samples)
        stop = session.run(n_rounds)
        table = session.metrics()
        rows = [table] if len(table) else []
        last = final_metrics(session) if session.history else {}
        if last:
            import pandas as pd

            final = {
                "round": len(session.history),
                "n_labeled": len(session.labeled_indices),
                **last,
                "step_seconds": np.nan,
            }
            rows.append(pd.DataFrame([final]))
        out.table = _tidy(rows, task)
        out.n_rounds = len(session.history)
        out.stop_reason = stop if isinstance(stop, str) else ""
    except Exception as exc:  # a sweep keeps its other runs; the error goes back with this one
        out.error = f"{type(exc).__name__}: {exc}"
        out.traceback = traceback.format_exc()
    out.wall_seconds = time.perf_counter() - t0
    return out


def _tidy(frames: list, task: RunTask):
    import pandas as pd

    if not frames:
        return pd.DataFrame()
    table = pd.concat(frames, ignore_index=True)
    # The configuration's label, not the per-round name (which says "random" while
    # there is no model yet).
    table = table.drop(columns=[c for c in ("strategy", "model") if c in table])
    table.insert(0, "strategy", task.strategy_label)
    table.insert(1, "model", task.model_label)
    table.insert(2, "seed", int(task.seed))
    return table
