"""The session file: a codec of :meth:`alviz.Session.state`, bounded, atomic, never pickled.

Format (version 2), a zip archive (stored, not compressed) with:

- ``session.json``: format name and version, and the state with every
  array replaced by ``{"__array__": key}``;
- ``state.npz``: those arrays (``allow_pickle=False``);
- ``dataset.npz``: the dataset's arrays, only when the state says the
  dataset is embedded (a person's own data, or a registered dataset edited
  after loading: renamed classes, new groups). Its fitted ``preprocessor``
  is not saved (that would need pickle): the saved features are already
  preprocessed.

Reading checks the archive before it allocates: at most 8 members, the
sizes their headers declare within a budget of 32 times the file's size
(at least 64 MiB, at most 4 GiB), every ``.npy`` header's shape within its
member, JSON at most 32 MiB. This module only encodes and decodes; what the
state may contain is checked by :meth:`alviz.Session.from_state`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import os
import tempfile
import zipfile
from pathlib import Path

import numpy as np
from numpy.lib import format as npformat

from ._version import __version__

FORMAT = "alviz.session"
VERSION = 2

#: Bounds on what a file may make the reader allocate.
MAX_MEMBERS = 8
MAX_ARRAYS = 200_000
MAX_JSON_BYTES = 32 * 2**20
MIN_BUDGET, MAX_BUDGET, MAX_RATIO = 64 * 2**20, 4 * 2**30, 32

_DATASET_ARRAYS = (
    "X",
    "y",
    "X_test",
    "y_test",
    "X2d",
    "X2d_test",
    "groups",
    "groups_test",
    "source_index",
    "source_index_test",
)


# ---------------------------------------------------------------------- paths
def resolve(path) -> Path:
    """``path`` as an absolute Path with ``~`` expanded (errors name the argument)."""
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"path must be a str or path-like; got {type(path).__name__}.")
    return Path(path).expanduser().absolute()


def signature(path: Path):
    """What changes whenever the file is rewritten (saves replace it: a new inode)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


# ---------------------------------------------------------------------- datasets
def _text(a) -> np.ndarray:
    a = np.asarray(a)
    return a.astype(str) if a.dtype == object else a


def fingerprint(ds, version: int = VERSION) -> str:
    """A hash of what a reloaded dataset must reproduce: features, labels, classes, groups.

    Version 1 files hashed only ``X, y, X_test, y_test``.
    """
    parts = [ds.X, ds.y, ds.X_test, ds.y_test]
    if version >= 2:
        parts += [_text(ds.classes), ds.groups, ds.groups_test]
    h = hashlib.sha256() if version == 1 else hashlib.blake2b(digest_size=16)
    for a in parts:
        if a is None:
            h.update(b"none")
            continue
        a = _text(a)
        if version >= 2:
            h.update(f"{a.dtype.str}{a.shape}".encode())
        h.update(np.ascontiguousarray(a).tobytes())
    return h.hexdigest()[:16] if version == 1 else h.hexdigest()


def _dataset_arrays(ds) -> dict:
    arrays = {k: _text(getattr(ds, k)) for k in _DATASET_ARRAYS if getattr(ds, k) is not None}
    arrays["classes"] = np.asarray(ds.classes).astype(str)
    emb = ds.embedding
    if emb is not None and hasattr(emb, "components_") and hasattr(emb, "mean_"):
        arrays["embedding_components"] = np.asarray(emb.components_)
        arrays["embedding_mean"] = np.asarray(emb.mean_)
    for k in ("raw", "raw_test"):
        raw = getattr(ds, k)
        if raw is not None and not isinstance(raw, list | tuple):
            arrays[k] = np.asarray(raw)
    return arrays


def _dataset_blob(ds) -> bytes:
    """The dataset's arrays as npz bytes, cached on the dataset while none of them changes."""
    arrays = _dataset_arrays(ds)
    h = hashlib.blake2b(digest_size=16)
    for k, a in arrays.items():
        h.update(f"{k}{a.dtype.str}{a.shape}".encode())
        h.update(np.ascontiguousarray(a).tobytes())
    key = h.hexdigest()
    cached = ds.meta.get("_npz_cache")
    if cached and cached[0] == key:
        return cached[1]
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    ds.meta["_npz_cache"] = (key, buf.getvalue())
    return buf.getvalue()


def _dataset_json(ds) -> dict:
    return {
        "name": ds.name,
        "task": ds.task,
        "card": dataclasses.asdict(ds.card),
        "feature_names": [str(f) for f in ds.feature_names],
        "raw_texts": list(ds.raw) if isinstance(ds.raw, list | tuple) else None,
        "raw_test_texts": list(ds.raw_test) if isinstance(ds.raw_test, list | tuple) else None,
        "meta": {
            k: v
            for k, v in ds.meta.items()
            if not k.startswith("_") and k != "registry" and _jsonable(v)
        },
    }


class _PCAView:
    """The linear map of a saved PCA embedding: enough for maps (transform and inverse)."""

    def __init__(self, components, mean):
        self.components_, self.mean_ = components, mean

    def transform(self, X):
        return (np.asarray(X) - self.mean_) @ self.components_.T

    def inverse_transform(self, Z):
        return np.asarray(Z) @ self.components_ + self.mean_


def _decode_dataset(entry: dict, data: dict):
    from .datasets import Card, Dataset

    emb = None
    if "embedding_components" in data:
        emb = _PCAView(data["embedding_components"], data["embedding_mean"])
    raw, raw_test = entry.get("raw_texts"), entry.get("raw_test_texts")
    return Dataset(
        name=str(entry["name"]),
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
        raw=data.get("raw") if raw is None else raw,
        feature_names=list(entry.get("feature_names", [])),
        embedding=emb,
        meta=dict(entry.get("meta", {})),
        raw_test=data.get("raw_test") if raw_test is None else raw_test,
        source_index=data.get("source_index"),
        source_index_test=data.get("source_index_test"),
    )


# ---------------------------------------------------------------------- encoding
def _json_default(o):
    if isinstance(o, np.integer | np.bool_):
        return o.item()
    if isinstance(o, np.floating):
        return float(o)
    raise TypeError(f"a {type(o).__name__} cannot be saved in a session file")


def _jsonable(v) -> bool:
    try:
        json.dumps(v, default=_json_default)
    except (TypeError, ValueError):
        return False
    return True


def _split_arrays(obj, arrays: dict):
    """``obj`` with every ndarray moved into ``arrays`` and replaced by a reference."""
    if isinstance(obj, np.ndarray):
        key = f"a{len(arrays)}"
        arrays[key] = _text(obj)
        return {"__array__": key}
    if isinstance(obj, dict):
        return {k: _split_arrays(v, arrays) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_split_arrays(v, arrays) for v in obj]
    return obj


def _join_arrays(obj, arrays: dict):
    if isinstance(obj, dict):
        if len(obj) == 1 and "__array__" in obj:
            key = obj["__array__"]
            if not isinstance(key, str) or key not in arrays:
                raise ValueError(f"it refers to an array {str(key)[:20]!r} that state.npz lacks")
            return arrays[key]
        return {k: _join_arrays(v, arrays) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_join_arrays(v, arrays) for v in obj]
    return obj


def _npz(arrays: dict) -> bytes:
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def encode(state: dict, dataset) -> dict[str, bytes]:
    """The zip members of a file holding ``state`` (and ``dataset`` when it is embedded)."""
    arrays: dict[str, np.ndarray] = {}
    body = _split_arrays(state, arrays)
    doc = {"format": FORMAT, "version": VERSION, "alviz_version": __version__, "state": body}
    members = {}
    if state["dataset"].get("registry") is None:
        doc["dataset"] = _dataset_json(dataset)
        members["dataset.npz"] = _dataset_blob(dataset)
    try:
        text = json.dumps(doc, default=_json_default, allow_nan=True)
    except TypeError as exc:
        raise ValueError(
            f"{exc}: strategy and model parameters must be plain values (numbers, strings, "
            f"lists) to be saved"
        ) from exc
    members = {"session.json": text.encode(), "state.npz": _npz(arrays), **members}
    return members


def save_error(exc: OSError, path: Path) -> OSError:
    """``exc`` (same class and errno) with a message that names the file it was saving."""
    return type(exc)(exc.errno, f"could not save the session to {path}: {exc.strerror or exc}")


def _clean_leftovers(path: Path) -> None:
    """Remove temp files a killed save left behind (callers hold the file's lock)."""
    for tmp in path.parent.glob(f".{path.name}.*.tmp"):
        tmp.unlink(missing_ok=True)


def write(path: Path, members: dict[str, bytes]) -> None:
    """Write the members to ``path`` atomically: a reader sees the old file or the new one."""
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _clean_leftovers(path)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            with zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_STORED) as zf:
                for name, data in members.items():
                    zf.writestr(name, data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        tmp = None
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)


# ---------------------------------------------------------------------- reading
def _bad(path, why: str) -> ValueError:
    return ValueError(f"{path} is not a readable alviz session file: {why}.")


#: What reading a damaged or crafted member raises (encrypted: RuntimeError; an unknown
#: compression method: NotImplementedError).
_CORRUPT = (ValueError, OSError, EOFError, zipfile.BadZipFile, RuntimeError, NotImplementedError)
_HEADERS = {(1, 0): npformat.read_array_header_1_0, (2, 0): npformat.read_array_header_2_0}


class _Budget:
    """Bytes the reader may still allocate for this file."""

    def __init__(self, path: Path, file_size: int):
        self.path = path
        self.left = min(MAX_BUDGET, max(MIN_BUDGET, MAX_RATIO * file_size))
        self.total = self.left

    def take(self, n: int, what: str) -> None:
        if n > self.left:
            raise _bad(
                self.path,
                f"{what} would need {n:,} bytes, more than a file of this size may ask for "
                f"({self.total:,} bytes in all); the file is damaged or crafted",
            )
        self.left -= n


def _read_npz(data: bytes, name: str, budget: _Budget, path: Path) -> dict:
    """Arrays of an npz member, each header checked against its size before allocating."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise _bad(path, f"{name} is not an npz archive") from exc
    out = {}
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_ARRAYS:
            raise _bad(path, f"{name} holds {len(infos):,} arrays (at most {MAX_ARRAYS:,})")
        for info in infos:
            key = info.filename[:-4] if info.filename.endswith(".npy") else info.filename
            budget.take(info.file_size, f"{name}/{info.filename}")
            try:
                with zf.open(info) as fh:
                    version = npformat.read_magic(fh)
                    if version not in _HEADERS:
                        raise ValueError(f"npy format version {version} is not read here")
                    shape, _, dtype = _HEADERS[version](fh)
                if dtype.hasobject:
                    raise ValueError("it holds Python objects, which are never unpickled")
                n = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
                if n > info.file_size:
                    raise ValueError(
                        f"its header claims {n:,} bytes in a member of {info.file_size:,}"
                    )
                with zf.open(info) as fh:
                    out[key] = npformat.read_array(fh, allow_pickle=False)
            except _CORRUPT as exc:
                raise _bad(path, f"array {info.filename!r} in {name} is corrupt ({exc})") from exc
    return out


def read(path: Path) -> tuple[dict, dict | None, object, tuple]:
    """``(state, dataset_entry, dataset_arrays, signature)`` of the file at ``path``.

    Only JSON and ``.npy`` arrays are read (never pickle); sizes are checked
    before anything is allocated (see the module docstring).
    """
    try:
        fh = open(path, "rb")
    except FileNotFoundError:
        raise FileNotFoundError(f"no session file at {path}") from None
    except IsADirectoryError:
        raise _bad(path, "it is a folder") from None
    with fh:
        st = os.fstat(fh.fileno())
        sig = (st.st_ino, st.st_size, st.st_mtime_ns)
        budget = _Budget(path, st.st_size)
        try:
            zf = zipfile.ZipFile(fh)
        except zipfile.BadZipFile as exc:
            raise _bad(
                path, "it is not a zip archive (corrupt or a different kind of file)"
            ) from exc
        with zf:
            infos = zf.infolist()
            if len(infos) > MAX_MEMBERS:
                raise _bad(path, f"it has {len(infos)} members (a session has at most 3)")
            names = {i.filename: i for i in infos}
            if "session.json" not in names or "state.npz" not in names:
                raise _bad(path, "session.json or state.npz is missing")
            if names["session.json"].file_size > MAX_JSON_BYTES:
                raise _bad(path, f"session.json is larger than {MAX_JSON_BYTES:,} bytes")
            members = {}
            for n in ("session.json", "state.npz", "dataset.npz"):
                if n in names:
                    budget.take(names[n].file_size, n)
                    try:
                        members[n] = zf.read(n)  # zipfile reads at most the declared size
                    except _CORRUPT as exc:
                        raise _bad(path, f"{n} is corrupt ({exc})") from exc
    try:
        doc = json.loads(members["session.json"])
    except (ValueError, RecursionError) as exc:
        raise _bad(path, f"session.json is not valid JSON ({str(exc)[:80]})") from exc
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        fmt = doc.get("format") if isinstance(doc, dict) else None
        raise _bad(path, f"its format is {str(fmt)[:40]!r}, not {FORMAT!r}")
    version = doc.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise _bad(path, f"its format version {str(version)[:20]!r} is not a positive integer")
    if version > VERSION:
        raise _bad(
            path,
            f"it was written by a newer alviz (format version {version}, this alviz reads up "
            f"to {VERSION}); upgrade alviz",
        )
    arrays = _read_npz(members["state.npz"], "state.npz", budget, path)
    data = None
    if "dataset.npz" in members:
        data = _read_npz(members["dataset.npz"], "dataset.npz", budget, path)
    try:
        if version == 1:
            state, entry = _from_v1(doc, arrays)
        else:
            state, entry = _join_arrays(doc["state"], arrays), doc.get("dataset")
        if not isinstance(state, dict):
            raise TypeError("the state is not a dict")
    except (KeyError, TypeError, ValueError, AttributeError, RecursionError) as exc:
        raise _bad(path, f"an expected entry is missing or malformed ({exc!r})") from exc
    if data is not None and not isinstance(entry, dict):
        raise _bad(path, "dataset.npz has no description in session.json")
    return state, entry, data, sig


def decode_dataset(entry: dict, data, path: Path):
    """The embedded Dataset of a file (or None when the file refers to a registered one)."""
    if data is None:
        return None
    try:
        return _decode_dataset(entry, data)
    except (KeyError, TypeError, ValueError) as exc:
        raise _bad(path, f"its embedded dataset is malformed ({exc!r})") from exc


def _from_v1(doc: dict, arrays: dict) -> tuple[dict, dict | None]:
    """A version-1 document (alviz before the state API) as a version-2 state."""
    cfg, ds = doc["config"], doc["dataset"]
    rounds = []
    for k, r in enumerate(doc["rounds"]):
        diag = dict(r["diagnostics"])
        prefix = f"r{k}_diag_"
        diag.update({n[len(prefix) :]: v for n, v in arrays.items() if n.startswith(prefix)})
        names = ("queried", "scores", "labels", "pool_indices", "pool_scores")
        rounds.append(
            {
                **{n: r[n] for n in ("index", "n_labeled", "metrics", "timings")},
                **{n: r[n] for n in ("strategy", "model", "note")},
                **{n: arrays[f"r{k}_{n}"] for n in names},
                "diagnostics": diag,
                "test_predictions": arrays.get(f"r{k}_test_predictions"),
            }
        )
    labels = doc["labels"]
    state = {
        "version": 1,
        "dataset": {
            "name": ds["name"],
            "task": ds["task"],
            "fingerprint": ds["fingerprint"],
            "registry": ds.get("registry"),
        },
        "config": cfg,
        "costs": arrays.get("costs"),
        "labels": {"indices": [i for i, _ in labels], "values": [y for _, y in labels]},
        "pending": doc["pending"],
        "skipped": [],
        "actions": [{**a, "skipped": []} for a in doc["actions"]],
        "rng_state": doc["rng_state"],
        "rounds": rounds,
        "stop_reason": None,
    }
    entry = {k: ds.get(k) for k in ("name", "task", "card", "feature_names", "meta")} | {
        "raw_texts": ds.get("raw_texts"),
        "raw_test_texts": ds.get("raw_test_texts"),
    }
    return state, entry
