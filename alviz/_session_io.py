"""Save and load a Session: one zip file of JSON and npz, written atomically, never pickled.

Format (version 1), a zip archive with:

- ``session.json``: format name and version, the configuration (dataset
  reference or description, model, strategy, oracle, seed...), the labels in
  the order given, pending queries, the undo log and the rounds' scalars;
- ``state.npz``: the rounds' arrays (queried indices, scores, pool scores...);
- ``dataset.npz``: the dataset's arrays, only when the dataset is not a
  registered one (a person's own data is saved whole, so nothing is lost).
  Its fitted ``preprocessor`` is not saved (that would need pickle): the
  saved features are already preprocessed.

Loading reads JSON and ``np.load(..., allow_pickle=False)`` only: a file can
describe a session but never run code.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import io
import json
import os
import tempfile
import zipfile
from pathlib import Path

import numpy as np

from ._version import __version__

FORMAT = "alviz.session"
VERSION = 1

_DATASET_ARRAYS = (
    "X",
    "y",
    "X_test",
    "y_test",
    "classes",
    "X2d",
    "X2d_test",
    "groups",
    "groups_test",
    "source_index",
    "source_index_test",
)


def _fingerprint(ds) -> str:
    h = hashlib.sha256()
    for a in (ds.X, ds.y, ds.X_test, ds.y_test):
        h.update(np.ascontiguousarray(a).tobytes())
    return h.hexdigest()[:16]


def _json_default(o):
    if isinstance(o, np.integer):
        return int(o)
    if isinstance(o, np.floating):
        return float(o)
    if isinstance(o, np.ndarray):
        return o.tolist()
    raise TypeError(f"cannot save {type(o).__name__} in a session file")


def _model_spec(session):
    spec = session._model_spec
    if isinstance(spec, str):
        return {"name": spec, "params": session._model_params}
    est = getattr(spec, "estimator", spec) if type(spec).__name__ == "BootstrapModel" else spec
    cls = type(est)
    try:
        params = json.loads(json.dumps(est.get_params(deep=False), default=_json_default))
    except (TypeError, AttributeError):
        params = None
    return {"class": f"{cls.__module__}.{cls.__qualname__}", "params": params}


def _dataset_blob(ds) -> bytes:
    """The dataset's arrays as npz bytes, cached on the dataset (autosave writes them often)."""
    key = _fingerprint(ds)
    cached = ds.meta.get("_npz_cache")
    if cached and cached[0] == key:
        return cached[1]
    arrays = {k: np.asarray(getattr(ds, k)) for k in _DATASET_ARRAYS if getattr(ds, k) is not None}
    arrays["classes"] = np.asarray(ds.classes).astype(str)
    for k in ("groups", "groups_test"):
        if k in arrays and arrays[k].dtype == object:
            arrays[k] = arrays[k].astype(str)
    emb = ds.embedding
    if emb is not None and hasattr(emb, "components_") and hasattr(emb, "mean_"):
        arrays["embedding_components"] = emb.components_
        arrays["embedding_mean"] = emb.mean_
    for k in ("raw", "raw_test"):
        raw = getattr(ds, k)
        if raw is not None and not isinstance(raw, list | tuple):
            arrays[k] = np.asarray(raw)
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    ds.meta["_npz_cache"] = (key, buf.getvalue())
    return buf.getvalue()


def _dataset_entry(ds) -> dict:
    entry = {"name": ds.name, "task": ds.task, "fingerprint": _fingerprint(ds)}
    reg = ds.meta.get("registry")
    if reg is not None:
        entry["registry"] = reg
        return entry
    entry.update(
        embedded=True,
        card=dataclasses.asdict(ds.card),
        feature_names=list(ds.feature_names),
        raw_texts=list(ds.raw) if isinstance(ds.raw, list | tuple) else None,
        raw_test_texts=list(ds.raw_test) if isinstance(ds.raw_test, list | tuple) else None,
        meta={k: v for k, v in ds.meta.items() if not k.startswith("_") and _jsonable(v)},
    )
    return entry


def _jsonable(v) -> bool:
    try:
        json.dumps(v, default=_json_default)
    except (TypeError, ValueError):
        return False
    return True


def _round_to_json(r, k: int, arrays: dict) -> dict:
    for name in ("queried", "scores", "labels", "pool_indices", "pool_scores"):
        arrays[f"r{k}_{name}"] = np.asarray(getattr(r, name))
    if r.test_predictions is not None:
        arrays[f"r{k}_test_predictions"] = r.test_predictions
    diag = {}
    for key, val in r.diagnostics.items():
        if isinstance(val, np.ndarray):
            arrays[f"r{k}_diag_{key}"] = val if val.dtype != object else val.astype(str)
        else:
            diag[key] = val
    return {
        "index": r.index,
        "n_labeled": r.n_labeled,
        "metrics": r.metrics,
        "timings": r.timings,
        "strategy": r.strategy,
        "model": r.model,
        "note": r.note,
        "diagnostics": diag,
    }


def _atomic_write(path: Path, members: dict[str, bytes]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            with zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_STORED) as zf:
                for name, data in members.items():
                    zf.writestr(name, data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)  # atomic: a reader sees the old file or the new one, never half
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save_session(session, path) -> None:
    """Write ``session`` to ``path`` (see the module docstring for the format)."""
    path = Path(path)
    arrays: dict[str, np.ndarray] = {}
    rounds = [_round_to_json(r, k, arrays) for k, r in enumerate(session.history)]
    doc = {
        "format": FORMAT,
        "version": VERSION,
        "alviz_version": __version__,
        "dataset": _dataset_entry(session.dataset),
        "config": {
            "model": _model_spec(session),
            "strategy": {"name": session.strategy.name, "params": session._strategy_params},
            "batch_size": session.batch_size,
            "initial": session.initial,
            "oracle": {"name": session.oracle.name, "params": session.oracle.params()},
            "seed": session.seed,
            "init": session.init,
            "n_draws": session.n_draws,
        },
        "labels": [[i, y] for i, y in session._labels.items()],
        "pending": list(session._pending),
        "actions": [dataclasses.asdict(a) for a in session._actions],
        "rng_state": session._rng.bit_generator.state,
        "rounds": rounds,
    }
    if session.costs is not None:
        arrays["costs"] = session.costs
    members = {"session.json": json.dumps(doc, default=_json_default).encode()}
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    members["state.npz"] = buf.getvalue()
    if doc["dataset"].get("embedded"):
        members["dataset.npz"] = _dataset_blob(session.dataset)
    _atomic_write(path, members)


# ---------------------------------------------------------------------- loading
def _bad(path, why: str) -> ValueError:
    return ValueError(f"{path} is not a readable alviz session file: {why}.")


def _read(path: Path):
    if not path.exists():
        raise FileNotFoundError(f"no session file at {path}")
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise _bad(path, "it is not a zip archive (corrupt or a different kind of file)") from exc
    with zf:
        names = set(zf.namelist())
        if "session.json" not in names or "state.npz" not in names:
            raise _bad(path, "session.json or state.npz is missing")
        try:
            doc = json.loads(zf.read("session.json"))
            state = dict(np.load(io.BytesIO(zf.read("state.npz")), allow_pickle=False))
            data = (
                dict(np.load(io.BytesIO(zf.read("dataset.npz")), allow_pickle=False))
                if "dataset.npz" in names
                else None
            )
        except (ValueError, zipfile.BadZipFile, OSError, KeyError) as exc:
            raise _bad(path, f"its contents are corrupt ({exc})") from exc
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise _bad(
            path,
            f"its format is {doc.get('format') if isinstance(doc, dict) else None!r}, "
            f"not {FORMAT!r}",
        )
    if doc.get("version", 0) > VERSION:
        raise _bad(
            path,
            f"it was written by a newer alviz (format version {doc['version']}, this "
            f"alviz reads up to {VERSION}); upgrade alviz",
        )
    return doc, state, data


class _PCAView:
    """The linear map of a saved PCA embedding: enough for maps (transform and inverse)."""

    def __init__(self, components, mean):
        self.components_, self.mean_ = components, mean

    def transform(self, X):
        return (np.asarray(X) - self.mean_) @ self.components_.T

    def inverse_transform(self, Z):
        return np.asarray(Z) @ self.components_ + self.mean_


def _load_dataset(entry: dict, data, path):
    from . import datasets
    from .datasets import Card, Dataset

    if "registry" in entry:
        reg = entry["registry"]
        ds = datasets.load(reg["name"], **reg.get("params", {}))
    else:
        if data is None:
            raise _bad(path, "the dataset's arrays (dataset.npz) are missing")
        emb = None
        if "embedding_components" in data:
            emb = _PCAView(data["embedding_components"], data["embedding_mean"])
        raw, raw_test = entry.get("raw_texts"), entry.get("raw_test_texts")
        raw = data.get("raw") if raw is None else raw
        raw_test = data.get("raw_test") if raw_test is None else raw_test
        ds = Dataset(
            name=entry["name"],
            X=data["X"],
            y=data["y"],
            X_test=data["X_test"],
            y_test=data["y_test"],
            classes=data["classes"],
            X2d=data["X2d"],
            X2d_test=data["X2d_test"],
            task=entry["task"],
            card=Card(**entry["card"]),
            groups=data.get("groups"),
            groups_test=data.get("groups_test"),
            raw=raw,
            feature_names=entry.get("feature_names", []),
            embedding=emb,
            meta=entry.get("meta", {}),
            raw_test=raw_test,
            source_index=data.get("source_index"),
            source_index_test=data.get("source_index_test"),
        )
    if _fingerprint(ds) != entry["fingerprint"]:
        raise _bad(
            path,
            f"dataset {entry['name']!r} differs from the one the session was saved "
            f"with (a different alviz or scikit-learn version may generate it "
            f"differently)",
        )
    return ds


def _load_model(spec: dict, model, path):
    if model is not None:
        return model
    if "name" in spec:
        return None  # the Session makes registered models itself
    module, _, name = spec["class"].rpartition(".")
    # Only scikit-learn estimators are rebuilt from a file: importing arbitrary
    # modules named in a file would let the file choose what code runs.
    if not module.startswith("sklearn.") or spec.get("params") is None:
        raise _bad(
            path,
            f"its model {spec['class']} cannot be rebuilt from a file; pass it: "
            f"Session.load(path, model=<your estimator>)",
        )
    return getattr(importlib.import_module(module), name)(**spec["params"])


def load_session(cls, path, model=None):
    """Rebuild a Session from ``path`` (written by :func:`save_session`)."""
    from .session import Round, _Action

    path = Path(path)
    doc, state, data = _read(path)
    try:
        cfg = doc["config"]
        ds = _load_dataset(doc["dataset"], data, path)
        est = _load_model(cfg["model"], model, path)
        s = cls(
            ds,
            model=est if est is not None else cfg["model"]["name"],
            strategy=cfg["strategy"]["name"],
            batch_size=cfg["batch_size"],
            initial=0,
            oracle="simulated",
            seed=cfg["seed"],
            init=cfg["init"],
            n_draws=cfg["n_draws"],
            costs=state.get("costs"),
            model_params=cfg["model"].get("params") if est is None else None,
            strategy_params=cfg["strategy"].get("params"),
        )
        from .oracles import make_oracle

        s.oracle = make_oracle(cfg["oracle"]["name"], **cfg["oracle"].get("params", {}))
        s.initial = cfg["initial"]
        cast = float if ds.task == "regression" else int
        s._labels = {int(i): cast(y) for i, y in doc["labels"]}
        s._pending = [int(i) for i in doc["pending"]]
        s._actions = [
            _Action(
                a["kind"],
                [(int(i), p) for i, p in a["changes"]],
                a["n_rounds"],
                list(a["pending"]),
                a["rng_state"],
            )
            for a in doc["actions"]
        ]
        s._rng.bit_generator.state = doc["rng_state"]
        s.history = []
        for k, r in enumerate(doc["rounds"]):
            diag = dict(r["diagnostics"])
            prefix = f"r{k}_diag_"
            diag.update({n[len(prefix) :]: v for n, v in state.items() if n.startswith(prefix)})
            s.history.append(
                Round(
                    index=r["index"],
                    n_labeled=r["n_labeled"],
                    **{
                        n: state[f"r{k}_{n}"]
                        for n in ("queried", "scores", "labels", "pool_indices", "pool_scores")
                    },
                    metrics=r["metrics"],
                    timings=r["timings"],
                    strategy=r["strategy"],
                    model=r["model"],
                    note=r["note"],
                    diagnostics=diag,
                    test_predictions=state.get(f"r{k}_test_predictions"),
                )
            )
    except (KeyError, TypeError) as exc:
        raise _bad(path, f"an expected entry is missing or malformed ({exc!r})") from exc
    return s
