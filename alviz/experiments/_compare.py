"""``compare()``: every (strategy, model, seed) run, in parallel, into one Results."""

from __future__ import annotations

import contextlib
import datetime
import os
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


#: Seconds idle workers of the automatic schedule stay alive for the next call.
WORKER_IDLE_TIMEOUT = 300
#: The automatic schedule starts worker processes only when the runs still queued
#: are expected to take longer than this, serially (a worker takes about a second
#: to start and import alviz on a quiet machine, far longer on a busy one, and while
#: it starts it takes a core from the sweep).
START_WORKERS_AFTER_S = 3.0
_warm = {"executor": None, "used": -np.inf}  # the pool whose workers answered, and when


def _idle_cores() -> int:
    """Cores no process is using, from the 1-minute load average (all cores where unknown).

    A worker started on a machine without an idle core does not add CPU: it takes
    it from this process (measured: a tiny sweep about 2x slower on a loaded 2-core
    machine while a worker started that never got a run).
    """
    from joblib import cpu_count

    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):  # Windows
        return cpu_count()
    return max(int(cpu_count() - load), 0)


def _run_chunk(chunk: list[RunTask]) -> list[RunOutcome]:
    """Several runs in one worker: the dataset is pickled once per chunk, not per run."""
    return [run_task(t) for t in chunk]


def _ready() -> int:
    """A no-op run in a worker: it returns once the worker has started and imported alviz."""
    return 0


def _pool():
    """The reusable worker processes of the automatic schedule: one per core but this one.

    Always the same size, so that every call finds the workers an earlier call started.
    """
    from joblib import cpu_count
    from joblib.externals.loky import get_reusable_executor

    return get_reusable_executor(max_workers=max(cpu_count() - 1, 1), timeout=WORKER_IDLE_TIMEOUT)


def _pool_is_warm() -> bool:
    """Whether workers of an earlier call are (very likely) still up."""
    from joblib.externals.loky import reusable_executor

    recent = time.monotonic() - _warm["used"] < 0.9 * WORKER_IDLE_TIMEOUT
    return (
        recent
        and _warm["executor"] is not None
        and reusable_executor._executor is _warm["executor"]
    )


def _wait_for_workers() -> None:
    """Start the workers of the automatic schedule and wait until they answer (for tests)."""
    from joblib import cpu_count

    pool = _pool()
    for f in [pool.submit(_ready) for _ in range(max(cpu_count() - 1, 1))]:
        f.result()
    _warm.update(executor=pool, used=time.monotonic())


def _execute_auto(tasks: list[RunTask], bar) -> tuple[list[RunOutcome], dict]:
    """Run the sweep here, one run after the other, while worker processes help once ready.

    Worker start-up (a Python process importing alviz, scikit-learn, ...) takes
    seconds, more than a whole toy sweep, and on a small machine it takes a core
    from the sweep meanwhile. So this process starts running the runs itself at
    once, in order; it starts workers only when the runs left are expected to
    take more than :data:`START_WORKERS_AFTER_S` and the machine has idle cores
    (one worker per idle core; or when an earlier call left workers up), and
    hands a worker chunks from the end of the queue only after
    that worker has answered a no-op: it never waits for a worker to start.
    A call can outlast a serial one only by the start-up's share of the CPU and
    the tail of the last chunk a worker holds; chunks shrink towards the end
    (guided self-scheduling: a chunk is a share of what is left). The workers are
    loky's reusable processes, kept for the next call.
    """
    from collections import deque
    from concurrent.futures import FIRST_COMPLETED, wait

    from joblib import cpu_count

    queue = deque(tasks)
    outcomes: list[RunOutcome] = []
    n_workers = min(cpu_count() - 1, len(tasks) - 1)  # this process is one of the cores
    stats = {"schedule": "auto", "n_workers": 0, "runs_in_workers": 0}
    executor, starting, working = None, set(), {}  # working: future -> its chunk
    broken = False  # a worker failed (or a run could not be pickled): finish here
    serial_seconds = 0.0

    def start_workers(n: int):
        nonlocal executor
        executor = _pool()
        starting.update(executor.submit(_ready) for _ in range(n))
        stats["n_workers"] = n

    def collect(done) -> int:
        """Outcomes of finished chunks; returns how many worker slots became free."""
        nonlocal broken
        free = 0
        for f in done:
            free += 1
            chunk = working.pop(f, None)
            starting.discard(f)
            try:
                result = f.result()
            except Exception:  # e.g. an unpicklable dataset callable, a killed worker
                broken = True
                queue.extend(chunk or [])
                continue
            _warm.update(executor=executor, used=time.monotonic())
            if chunk is not None:
                outcomes.extend(result)
                stats["runs_in_workers"] += len(result)
                bar.update(len(result))
        return free

    def hand_out(free: int) -> None:
        for _ in range(free):
            if broken or not queue:
                return
            size = max(1, len(queue) // (2 * (stats["n_workers"] + 1)))
            chunk = [queue.pop() for _ in range(min(size, len(queue)))][::-1]
            working[executor.submit(_run_chunk, chunk)] = chunk

    if n_workers >= 1 and _pool_is_warm():
        start_workers(n_workers)
    while queue or working:
        hand_out(collect({f for f in starting | set(working) if f.done()}))
        if queue:
            t = time.perf_counter()
            outcomes.append(run_task(queue.popleft()))
            serial_seconds += time.perf_counter() - t
            bar.update(1)
            expected = serial_seconds / (len(outcomes) - stats["runs_in_workers"]) * len(queue)
            if executor is None and n_workers >= 1 and expected > START_WORKERS_AFTER_S:
                idle = min(n_workers, _idle_cores())
                if idle >= 1:  # else: retried after the next run
                    start_workers(idle)
        elif working:
            # Only chunks already handed out are waited for; workers still starting
            # are left to start in the background (they serve the next call).
            wait(set(working), return_when=FIRST_COMPLETED)
    return outcomes, stats


def _execute(tasks: list[RunTask], n_jobs, backend, progress: bool):
    from tqdm.auto import tqdm

    with tqdm(total=len(tasks), desc="compare", unit="run", disable=not progress) as bar:
        if n_jobs is None and backend is None:
            return _execute_auto(tasks, bar)
        from joblib import Parallel, delayed

        if n_jobs is None:
            n_jobs = -1
        outcomes = []
        with _backend_context(backend, n_jobs):
            parallel = Parallel(n_jobs=n_jobs, return_as="generator_unordered")
            for outcome in parallel(delayed(run_task)(t) for t in tasks):
                outcomes.append(outcome)
                bar.update(1)
        return outcomes, {"schedule": "joblib"}


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
        worker). Default (None, with ``backend=None``): chosen from the work.
        This process runs the sweep itself at once; only when the runs left are
        expected to take more than a few seconds and the machine has idle cores
        (load average) do worker processes start, in the background, and each
        takes chunks of runs once it is up (and stays up for the next call). A
        toy sweep runs serially, a long one on an idle machine uses every core,
        and no call waits for a worker to start (``benchmarks/bench_compare.py``
        measures it against ``n_jobs=1``). ``meta["runs_in_workers"]`` says how
        many runs the workers took.
    backend : None, str or dask.distributed.Client
        None: the automatic schedule above (or, with an explicit ``n_jobs``,
        joblib's default, loky processes). ``"dask"``: the Dask cluster of the
        current ``dask.distributed`` Client. A ``Client``: that cluster. Any other
        joblib backend name (``"threading"``) also works.
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
    outcomes, schedule = _execute(tasks, n_jobs, backend, progress)
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
        **schedule,
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
