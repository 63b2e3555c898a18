"""``compare()``: every (strategy, model, seed) run, in parallel, into one Results."""

from __future__ import annotations

import contextlib
import datetime
import time
import warnings
from collections.abc import Callable, Iterable, Mapping

import numpy as np

from .._validation import check_int
from .._version import __version__
from .._warnings import AlvizWarning
from ._results import Results
from ._run import RunOutcome, RunTask, run_task

__all__ = ["compare"]


def _labelled(specs, what: str, label_of: Callable) -> dict:
    """``{label: spec}`` from a list of names/objects or a mapping; labels must be unique."""
    if isinstance(specs, str) or not isinstance(specs, Mapping | Iterable):
        specs = [specs]
    if isinstance(specs, Mapping):
        out = {str(k): v for k, v in specs.items()}
    else:
        items = list(specs)
        out = {}
        for spec in items:
            label = label_of(spec)
            if label in out:
                raise ValueError(
                    f"{what} {label!r} appears twice; give each one a label with a dict, "
                    f"e.g. {what}s={{'{label} A': ..., '{label} B': ...}}."
                )
            out[label] = spec
    if not out:
        raise ValueError(f"{what}s is empty; give at least one.")
    return out


def _strategy_label(spec) -> str:
    return spec if isinstance(spec, str) else getattr(spec, "name", "") or type(spec).__name__


def _model_label(spec) -> str:
    return spec if isinstance(spec, str) else type(spec).__name__


def _check_names(strategies: dict, models: dict) -> None:
    """Fail before the sweep on a misspelt name (the registries list what exists)."""
    from .. import acquisition
    from .. import models as model_registry

    for spec in strategies.values():
        if isinstance(spec, str):
            acquisition.get(spec)  # raises ValueError listing the names
    for spec in models.values():
        if isinstance(spec, str) and spec not in model_registry.names():
            raise ValueError(
                f"unknown model {spec!r}; available: {', '.join(model_registry.names())}. "
                f"Any scikit-learn classifier with predict_proba may be passed instead."
            )


def _check_seeds(seeds) -> list[int]:
    if isinstance(seeds, int | np.integer):
        seeds = range(int(seeds))
    try:
        out = [int(s) for s in seeds]
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"seeds must be an iterable of integers such as range(5); got {seeds!r}."
        ) from exc
    if not out:
        raise ValueError("seeds is empty; give at least one seed, e.g. seeds=range(5).")
    if len(set(out)) != len(out):
        raise ValueError(f"seeds must be distinct; got {out}.")
    return out


@contextlib.contextmanager
def _backend_context(backend, n_jobs):
    """The joblib backend of the sweep: loky (default), threads, or a Dask cluster."""
    from joblib import parallel_config

    if backend is None:
        yield
        return
    if isinstance(backend, str):
        if backend == "dask":
            try:
                from distributed import get_client

                get_client()
            except (ImportError, ValueError) as exc:
                raise ValueError(
                    "backend='dask' needs a running dask.distributed Client: create one first "
                    "(from dask.distributed import Client, LocalCluster; client = "
                    "Client(LocalCluster())) or pass the Client itself as backend=client."
                ) from exc
        with parallel_config(backend=backend, n_jobs=n_jobs):
            yield
        return
    if type(backend).__name__ == "Client" and hasattr(backend, "submit"):
        with parallel_config(backend="dask", n_jobs=n_jobs, client=backend):
            yield
        return
    raise TypeError(
        f"backend must be None, a joblib backend name ('loky', 'threading', 'dask') or a "
        f"dask.distributed Client; got {type(backend).__name__}."
    )


def _execute(tasks: list[RunTask], n_jobs, backend, progress: bool) -> list[RunOutcome]:
    from joblib import Parallel, delayed
    from tqdm.auto import tqdm

    if n_jobs is None:
        n_jobs = 1 if len(tasks) == 1 else -1
    outcomes = []
    with (
        _backend_context(backend, n_jobs),
        tqdm(total=len(tasks), desc="compare", unit="run", disable=not progress) as bar,
    ):
        parallel = Parallel(n_jobs=n_jobs, return_as="generator_unordered")
        for outcome in parallel(delayed(run_task)(t) for t in tasks):
            outcomes.append(outcome)
            bar.update(1)
    return outcomes


def _dataset_name(dataset) -> str:
    name = getattr(dataset, "name", None)
    if isinstance(name, str):
        return name
    return getattr(dataset, "__name__", type(dataset).__name__)


def compare(
    dataset,
    strategies,
    models=("logreg",),
    seeds=range(5),
    budget: int | None = None,
    batch_size: int = 1,
    initial: int = 10,
    n_jobs: int | None = None,
    backend=None,
    progress: bool = True,
    **session_params,
) -> Results:
    """Run every (strategy, model, seed) combination and collect the learning curves.

    Each run is one :class:`alviz.Session` stepped until ``budget`` labels are
    queried. Runs are independent and seeded (seed = initial labels, model
    seed, tie-breaking), so the same call gives the same numbers, in any order
    and on any backend. A run that fails is kept in ``Results.errors`` with its
    error (and a warning); the other runs are returned.

    Parameters
    ----------
    dataset : Dataset or callable
        The data, or ``dataset(seed) -> Dataset`` to give every seed its own
        split (as the WDBC protocol does); the callable must be deterministic
        and picklable when the runs go to other processes.
    strategies : list or dict
        Strategy names (:func:`alviz.acquisition.names`) or Strategy instances;
        a dict ``{label: strategy}`` names them in the results.
    models : list or dict
        Model names (:func:`alviz.models.names`) or scikit-learn classifiers
        with ``predict_proba``; a dict ``{label: model}`` names them. Estimator
        instances are cloned for every run and their ``random_state`` / ``seed``
        parameter is set to the run's seed.
    seeds : iterable of int or int
        One run per seed (an int ``k`` means ``range(k)``).
    budget : int, optional
        Labels to query per run, in ``budget // batch_size`` steps; default:
        until the pool is exhausted.
    batch_size : int
        Points queried per step.
    initial : int
        Labels drawn at random before the first step.
    n_jobs : int, optional
        Parallel runs (joblib convention: -1 = every core, or every Dask
        worker). Default: -1, or 1 for a single run.
    backend : None, str or dask.distributed.Client
        None: joblib's default (loky processes). ``"dask"``: the Dask cluster
        of the current ``dask.distributed`` Client. A ``Client``: that cluster.
        Any other joblib backend name (``"threading"``) also works.
    progress : bool
        Show a tqdm progress bar (one tick per finished run).
    **session_params
        Passed to every :class:`alviz.Session` (``init="balanced"``,
        ``n_draws``, ``model_params``, ``strategy_params``, ...).

    Returns
    -------
    Results
        ``.table`` (one row per round and run), ``.curves()``, ``.aubc()``,
        ``.labels_to()``, ``.versus_random()``, ``.step_times()``,
        ``.errors``, ``.save()``, ``.plot()``.

    Examples
    --------
    >>> import alviz as al
    >>> ds = al.datasets.load("moons", n_samples=120, seed=0)
    >>> res = al.compare(ds, ["random", "entropy"], seeds=range(2), budget=4,
    ...                  n_jobs=1, progress=False)
    >>> sorted(res.table["strategy"].unique())
    ['entropy', 'random']
    """
    from ..datasets import Dataset

    if not isinstance(dataset, Dataset) and not callable(dataset):
        raise TypeError(
            f"dataset must be an alviz Dataset or a callable seed -> Dataset; got "
            f"{type(dataset).__name__}. Load one with alviz.datasets.load(name)."
        )
    strategy_specs = _labelled(strategies, "strategy", _strategy_label)
    model_specs = _labelled(models, "model", _model_label)
    _check_names(strategy_specs, model_specs)
    seed_list = _check_seeds(seeds)
    budget = None if budget is None else check_int(budget, "budget", 1)
    batch_size = check_int(batch_size, "batch_size", 1)
    initial = check_int(initial, "initial", 0)
    if budget is not None and budget < batch_size:
        raise ValueError(
            f"budget={budget} is smaller than batch_size={batch_size}: no step would run. "
            f"Use budget >= batch_size."
        )
    if n_jobs is not None and (
        isinstance(n_jobs, bool) or not isinstance(n_jobs, int | np.integer) or n_jobs == 0
    ):
        raise ValueError(f"n_jobs must be a non-zero integer (-1 = every core); got {n_jobs!r}.")

    tasks = [
        RunTask(
            dataset=dataset,
            strategy=s_spec,
            model=m_spec,
            strategy_label=s_label,
            model_label=m_label,
            seed=seed,
            budget=budget,
            batch_size=batch_size,
            initial=initial,
            session_params=dict(session_params),
        )
        for s_label, s_spec in strategy_specs.items()
        for m_label, m_spec in model_specs.items()
        for seed in seed_list
    ]
    t0 = time.perf_counter()
    outcomes = _execute(tasks, n_jobs, backend, progress)
    wall = time.perf_counter() - t0

    # Back into sweep order, whatever order the workers finished in.
    order = {(t.strategy_label, t.model_label, t.seed): i for i, t in enumerate(tasks)}
    outcomes.sort(key=lambda o: order[(o.strategy, o.model, o.seed)])
    meta = {
        "dataset": _dataset_name(dataset),
        "strategies": list(strategy_specs),
        "models": list(model_specs),
        "seeds": seed_list,
        "budget": budget,
        "batch_size": batch_size,
        "initial": initial,
        "session_params": session_params,
        "backend": backend if backend is None or isinstance(backend, str) else "dask-client",
        "n_jobs": n_jobs,
        "wall_seconds": wall,
        "alviz_version": __version__,
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    }
    results = _collect(outcomes, meta)
    if len(results.errors):
        first = results.errors.iloc[0]
        warnings.warn(
            f"{len(results.errors)} of {len(tasks)} runs failed and are left out of the curves "
            f"(see results.errors). First: strategy={first['strategy']!r}, "
            f"model={first['model']!r}, seed={first['seed']}: {first['error']}",
            AlvizWarning,
            stacklevel=2,
        )
    return results


def _collect(outcomes: list[RunOutcome], meta: dict) -> Results:
    import pandas as pd

    tables = [o.table for o in outcomes if o.table is not None and len(o.table)]
    if tables:
        table = pd.concat(tables, ignore_index=True)
    else:
        table = pd.DataFrame(columns=["strategy", "model", "seed", "round", "n_labeled"])
    runs = pd.DataFrame(
        [
            {
                "strategy": o.strategy,
                "model": o.model,
                "seed": o.seed,
                "status": "error" if o.error else "ok",
                "error": o.error,
                "wall_seconds": o.wall_seconds,
                "n_rounds": o.n_rounds,
                "stop_reason": o.stop_reason,
                "traceback": o.traceback,
            }
            for o in outcomes
        ]
    )
    return Results(table, runs, meta)
