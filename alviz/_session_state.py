"""Checks of a Session state (from :meth:`Session.state`, a file, or anyone) before it is used.

A state is plain data: dicts, lists, numbers, strings and numpy arrays.
:func:`check_config` and :func:`check_progress` turn one into validated
values or raise ``ValueError`` saying which entry is wrong and how: label
indices in range and unique, classes in range, an undo log that replays
to a consistent start, a random state of the session's generator.
"""

from __future__ import annotations

import numpy as np

from . import acquisition
from ._untrusted import (
    MAX_SEED,
    check_choice,
    check_dataset_ref,
    check_int,
    check_model_spec,
    check_noise,
    check_params,
    check_plain,
    estimator_name,
)
from .datasets import UNLABELED

__all__ = [
    "ACTIONS",
    "STATE_VERSION",
    "check_config",
    "check_progress",
    "check_version",
    "model_state",
    "state_dataset",
]

#: The state layout this alviz writes; it reads every version up to this one.
STATE_VERSION = 2
ACTIONS = ("step", "label", "skip")
ORACLES = ("simulated", "noisy", "human")


def _fail(where: str, why: str) -> ValueError:
    return ValueError(f"{where} {why}")


def check_version(state) -> int:
    """The state's version: an integer this alviz knows."""
    if not isinstance(state, dict):
        raise TypeError(f"a session state must be a dict; got {type(state).__name__}.")
    v = state.get("version")
    if isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= STATE_VERSION:
        raise ValueError(
            f"state version must be an integer in [1, {STATE_VERSION}] (this alviz); got "
            f"{str(v)[:20]!r}. A newer alviz wrote it: upgrade alviz."
        )
    return v


def _dict(obj, where: str) -> dict:
    if not isinstance(obj, dict):
        raise TypeError(f"{where} must be a dict; got {type(obj).__name__}.")
    return obj


def _str(obj, where: str, limit: int = 2000) -> str:
    if not isinstance(obj, str) or len(obj) > limit:
        raise ValueError(f"{where} must be a string of at most {limit} characters.")
    return obj


def _indices(obj, where: str, n: int, unique: bool = True) -> np.ndarray:
    """Row indices in ``[0, n)`` (int64) from a list of ints or an integer array."""
    a = np.asarray(obj) if isinstance(obj, list | tuple | np.ndarray) else None
    if a is None or a.ndim != 1 or (a.size and a.dtype.kind not in "iu"):
        raise _fail(where, f"must be a 1-D list of integer row indices; got {str(obj)[:60]}.")
    a = a.astype(np.int64)
    bad = (a < 0) | (a >= n)
    if bad.any():
        raise _fail(where, f"holds index {a[bad][0]}, outside [0, {n}) (the dataset's rows).")
    if unique and a.size:
        values, counts = np.unique(a, return_counts=True)
        if (counts > 1).any():
            raise _fail(where, f"holds index {values[counts > 1][0]} twice.")
    return a


def _label(value, where: str, task: str, n_classes: int):
    if task == "regression":
        if isinstance(value, bool) or not isinstance(value, int | float | np.number):
            raise _fail(where, f"must be a number; got {value!r}.")
        if not np.isfinite(value):
            raise _fail(where, f"must be finite; got {value!r}.")
        return float(value)
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | np.integer):
        raise _fail(where, f"must be a class index; got {value!r}.")
    if not 0 <= value < n_classes:
        raise _fail(where, f"is class {int(value)}, outside [0, {n_classes}).")
    return int(value)


def _numbers(obj, where: str, length: int | None = None, kinds: str = "iuf") -> np.ndarray:
    if not isinstance(obj, np.ndarray | list):
        raise _fail(where, f"must be an array; got {type(obj).__name__}.")
    a = np.asarray(obj)
    if a.ndim != 1 or (a.size and a.dtype.kind not in kinds):
        raise _fail(where, f"must be a 1-D numeric array; got shape {a.shape}, dtype {a.dtype}.")
    if length is not None and len(a) != length:
        raise _fail(where, f"has {len(a)} entries; expected {length}.")
    return a


def check_rng_state(obj, where: str, bit_generator) -> dict:
    """A random state that the session's generator (a PCG64) accepts."""
    _dict(obj, where)
    name = type(bit_generator).__name__
    if obj.get("bit_generator") != name:
        raise _fail(
            where, f"is a state of {str(obj.get('bit_generator'))[:30]!r}, not of {name!r}."
        )
    probe = type(bit_generator)()
    try:
        probe.state = obj
    except Exception as exc:  # numpy's setter raises many kinds on junk: all mean "invalid"
        raise _fail(where, f"is not a valid {name} state ({exc}).") from None
    return probe.state


# ---------------------------------------------------------------------- config
def check_config(cfg, n: int, task: str, model_given: bool) -> dict:
    """The Session's settings (model, strategy, oracle, sizes), every value checked."""
    _dict(cfg, "config")
    out = {
        "batch_size": check_int(cfg.get("batch_size"), "config['batch_size']", 1, max(n, 1)),
        "initial": check_int(cfg.get("initial"), "config['initial']", 0, n),
        "seed": check_int(cfg.get("seed"), "config['seed']", 0, MAX_SEED),
        "init": check_choice(cfg.get("init"), "config['init']", ("random", "balanced")),
        "n_draws": check_int(cfg.get("n_draws"), "config['n_draws']", 1, 1000),
    }
    strat = _dict(cfg.get("strategy"), "config['strategy']")
    out["strategy"] = check_choice(
        strat.get("name"), "config['strategy']['name']", acquisition.names()
    )
    out["strategy_params"] = check_params(strat.get("params"), "config['strategy']['params']")
    oracle = _dict(cfg.get("oracle"), "config['oracle']")
    out["oracle"] = check_choice(oracle.get("name"), "config['oracle']['name']", ORACLES)
    params = check_params(oracle.get("params"), "config['oracle']['params']")
    if set(params) - {"noise"}:
        raise ValueError(f"config['oracle']['params'] takes only 'noise'; got {sorted(params)}.")
    if "noise" in params:
        out["noise"] = check_noise(params["noise"], "config['oracle']['params']['noise']")
    out["model"] = None if model_given else check_model_spec(cfg.get("model"), "config['model']")
    return out


# ---------------------------------------------------------------------- progress
def check_progress(state: dict, n: int, task: str, n_classes: int, bit_generator) -> dict:
    """Labels, pending queries, skips, undo log, random state and rounds, checked.

    Returns
    -------
    dict
        ``labels`` (list of (index, label) in the order given), ``pending``,
        ``skipped``, ``actions`` (dicts), ``rng_state``, ``rounds`` (dicts),
        ``costs``, ``stop_reason``.
    """
    lab = _dict(state.get("labels"), "labels")
    idx = _indices(lab.get("indices"), "labels['indices']", n).tolist()
    vals = lab.get("values")
    if not isinstance(vals, list | np.ndarray) or len(vals) != len(idx):
        raise ValueError(f"labels['values'] must hold one label per index ({len(idx)}).")
    vals = np.asarray(vals).tolist()
    labels = [
        (i, _label(v, f"labels['values'][{k}]", task, n_classes))
        for k, (i, v) in enumerate(zip(idx, vals, strict=True))
    ]
    labeled = {i for i, _ in labels}
    pending = _indices(state.get("pending", []), "pending", n).tolist()
    skipped = _indices(state.get("skipped", []), "skipped", n).tolist()
    for name, rows in (("pending", pending), ("skipped", skipped)):
        both = labeled.intersection(rows)
        if both:
            raise ValueError(f"{name} holds index {min(both)}, which is already labelled.")
    rounds = _rounds(state.get("rounds", []), n, task, n_classes)
    actions = _actions(state.get("actions", []), n, task, n_classes, len(rounds), bit_generator)
    _replay_undo(actions, dict(labels))
    costs = state.get("costs")
    if costs is not None:
        c = _numbers(costs, "costs", n).astype(np.float64)
        if not np.all(np.isfinite(c)) or (c <= 0).any():
            raise ValueError("costs must be positive finite numbers, one per training row.")
        costs = c
    stop = state.get("stop_reason")
    return {
        "labels": labels,
        "pending": pending,
        "skipped": skipped,
        "actions": actions,
        "rng_state": check_rng_state(state.get("rng_state"), "rng_state", bit_generator),
        "rounds": rounds,
        "costs": costs,
        "stop_reason": None if stop is None else _str(stop, "stop_reason"),
    }


def _actions(items, n, task, n_classes, n_rounds, bit_generator) -> list[dict]:
    if not isinstance(items, list):
        raise TypeError(f"actions must be a list; got {type(items).__name__}.")
    out, last = [], 0
    for k, a in enumerate(items):
        where = f"actions[{k}]"
        _dict(a, where)
        kind = check_choice(a.get("kind"), f"{where}['kind']", ACTIONS)
        changes = a.get("changes")
        if not isinstance(changes, list):
            raise TypeError(f"{where}['changes'] must be a list of [index, previous label].")
        pairs = []
        for j, ch in enumerate(changes):
            if not isinstance(ch, list | tuple) or len(ch) != 2:
                raise ValueError(f"{where}['changes'][{j}] must be [index, previous label].")
            if isinstance(ch[0], bool):
                raise ValueError(f"{where}['changes'][{j}][0] must be a row index.")
            i = int(_indices([ch[0]], f"{where}['changes'][{j}][0]", n)[0])
            prev = (
                None
                if ch[1] is None
                else _label(ch[1], f"{where}['changes'][{j}][1]", task, n_classes)
            )
            pairs.append((i, prev))
        rounds_before = check_int(a.get("n_rounds"), f"{where}['n_rounds']", last, n_rounds)
        last = rounds_before
        out.append(
            {
                "kind": kind,
                "changes": pairs,
                "n_rounds": rounds_before,
                "pending": _indices(a.get("pending", []), f"{where}['pending']", n).tolist(),
                "skipped": _indices(a.get("skipped", []), f"{where}['skipped']", n).tolist(),
                "rng_state": check_rng_state(
                    a.get("rng_state"), f"{where}['rng_state']", bit_generator
                ),
            }
        )
    return out


def _replay_undo(actions: list[dict], labels: dict) -> None:
    """Undo every action on a copy of the labels: each must find what it changed."""
    for k in range(len(actions) - 1, -1, -1):
        a = actions[k]
        for i, prev in reversed(a["changes"]):
            if i not in labels:
                raise ValueError(
                    f"the undo log is inconsistent: actions[{k}] changed the label of row {i}, "
                    f"which is not labelled at that point."
                )
            if prev is None:
                del labels[i]
            else:
                labels[i] = prev
        for name in ("pending", "skipped"):
            both = set(a[name]).intersection(labels)
            if both:
                raise ValueError(
                    f"the undo log is inconsistent: actions[{k}]['{name}'] holds row "
                    f"{min(both)}, which is labelled at that point."
                )


def _rounds(items, n, task, n_classes) -> list[dict]:
    if not isinstance(items, list):
        raise TypeError(f"rounds must be a list; got {type(items).__name__}.")
    out = []
    for k, r in enumerate(items):
        where = f"rounds[{k}]"
        _dict(r, where)
        if r.get("index") != k:
            raise ValueError(f"{where}['index'] must be {k}; got {str(r.get('index'))[:20]}.")
        queried = _indices(r.get("queried"), f"{where}['queried']", n)
        pool = _indices(r.get("pool_indices"), f"{where}['pool_indices']", n)
        answers = _numbers(r.get("labels"), f"{where}['labels']", len(queried))
        if task == "classification":
            bad = answers[(answers != UNLABELED) & ((answers < 0) | (answers >= n_classes))]
            if bad.size:
                raise ValueError(
                    f"{where}['labels'] holds class {bad[0]}, outside [0, {n_classes})."
                )
        test_pred = r.get("test_predictions")
        if test_pred is not None:
            test_pred = _numbers(test_pred, f"{where}['test_predictions']", kinds="iu")
        for name in ("metrics", "timings"):
            for key, v in _dict(r.get(name), f"{where}['{name}']").items():
                if v is not None and (isinstance(v, bool) or not isinstance(v, int | float)):
                    raise ValueError(f"{where}['{name}'][{str(key)[:30]!r}] must be a number.")
        diag = _dict(r.get("diagnostics", {}), f"{where}['diagnostics']")
        for key, v in diag.items():
            if not isinstance(v, np.ndarray):
                check_plain(v, f"{where}['diagnostics'][{str(key)[:30]!r}]")
        out.append(
            {
                "index": k,
                "n_labeled": check_int(r.get("n_labeled"), f"{where}['n_labeled']", 0, n),
                "queried": queried,
                "scores": _numbers(r.get("scores"), f"{where}['scores']", len(queried)),
                "labels": answers,
                "pool_indices": pool,
                "pool_scores": _numbers(r.get("pool_scores"), f"{where}['pool_scores']", len(pool)),
                "metrics": dict(r["metrics"]),
                "timings": dict(r["timings"]),
                "strategy": _str(r.get("strategy"), f"{where}['strategy']", 200),
                "model": _str(r.get("model"), f"{where}['model']", 200),
                "note": _str(r.get("note", ""), f"{where}['note']"),
                "diagnostics": dict(diag),
                "test_predictions": test_pred,
            }
        )
    return out


# ---------------------------------------------------------------------- dataset and model
def state_dataset(state: dict, dataset, version: int):
    """The state's dataset: ``dataset`` if given (it must match), else rebuilt from its reference.

    A reference is rebuilt only from allow-listed, bounded knobs
    (:func:`alviz._untrusted.check_dataset_ref`).
    """
    from . import datasets
    from ._session_io import fingerprint

    entry = state.get("dataset")
    if not isinstance(entry, dict) or not isinstance(entry.get("fingerprint"), str):
        raise ValueError("state['dataset'] must describe the dataset (name, fingerprint).")
    name = str(entry.get("name"))[:60]
    if dataset is None:
        ref = entry.get("registry")
        if ref is None:
            raise ValueError(
                f"the session's dataset {name!r} is not a registered one; pass it: "
                f"dataset=<the Dataset the session was made with>."
            )
        ref = check_dataset_ref(ref, "state['dataset']['registry']")
        dataset = datasets.load(ref["name"], **ref["params"])
    elif not isinstance(dataset, datasets.Dataset):
        raise TypeError(f"dataset must be an alviz Dataset; got {type(dataset).__name__}.")
    if fingerprint(dataset, version) != entry["fingerprint"]:
        raise ValueError(
            f"the session was made with dataset {name!r}, and the dataset "
            f"{dataset.name!r} ({dataset.n_samples} rows) differs from it (other rows, "
            f"labels, classes or groups, or another alviz / scikit-learn version generating "
            f"it): pass the same data as dataset=, or start a new session."
        )
    if entry.get("task", dataset.task) != dataset.task:
        raise ValueError(f"the session is a {entry.get('task')} task; the dataset is not.")
    return dataset


def model_state(spec, params: dict) -> dict:
    """How a state names the model: a registered name, or an estimator's class and params.

    Parameters that are objects (a kernel, a sub-estimator) cannot be data:
    they are left out (``params`` None) and the model is passed again on load.
    """
    if isinstance(spec, str):
        return {"name": spec, "params": dict(params)}
    est = getattr(spec, "estimator", spec) if type(spec).__name__ == "BootstrapModel" else spec
    cls = type(est)
    try:
        plain = check_params(est.get_params(deep=False), "params")
    except (AttributeError, TypeError, ValueError):
        plain = None
    return {"class": estimator_name(est) or f"{cls.__module__}.{cls.__qualname__}", "params": plain}
