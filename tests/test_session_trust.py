"""A session file carries data, never actions: no code it names runs, sizes are bounded,
and its content is checked (issue 12)."""

import importlib
import json
import tracemalloc
import zipfile
from pathlib import Path

import numpy as np
import pytest
from numpy.lib import format as npformat

import alviz as al
from alviz import _session_io
from alviz._untrusted import ESTIMATORS

ROOT = Path(__file__).resolve().parents[1]


def _members(path):
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def _write_members(path, members, compression=zipfile.ZIP_STORED):
    with zipfile.ZipFile(path, "w", compression=compression) as zf:
        for name, data in members.items():
            zf.writestr(name, data)


def _edit_state(path, edit):
    """Rewrite the state inside a saved file with ``edit(state)``, bypassing every check."""
    members = _members(path)
    state, *_ = _session_io.read(path)
    edit(state)
    arrays = {}
    doc = json.loads(members["session.json"])
    doc["state"] = _session_io._split_arrays(state, arrays)
    members["session.json"] = json.dumps(doc, default=_session_io._json_default).encode()
    members["state.npz"] = _session_io._npz(arrays)
    _write_members(path, members)


@pytest.fixture
def saved(tmp_path, moons):
    from sklearn.linear_model import LogisticRegression

    s = al.Session(moons, model=LogisticRegression(C=2.0), seed=0)
    s.run(2)
    path = tmp_path / "run.alviz"
    s.save(path)
    return path


# ---------------------------------------------------------------- no code from files
def test_allow_listed_estimators_are_rebuilt_from_their_params(saved):
    t = al.Session.load(saved)
    assert type(t.model.estimator).__name__ == "LogisticRegression"
    assert t.model.estimator.C == 2.0


@pytest.mark.parametrize("public", sorted(ESTIMATORS))
def test_every_allow_listed_classifier_survives_a_file(tmp_path, moons, public):
    module, name = ESTIMATORS[public]
    cls = getattr(importlib.import_module(module), name)
    est = cls(probability=True) if name == "SVC" else cls()
    path = tmp_path / "m.alviz"
    al.Session(moons, model=est, seed=0).save(path)
    rebuilt = al.Session.load(path).model
    rebuilt = getattr(rebuilt, "estimator", rebuilt)
    plain = json.loads(json.dumps(est.get_params(), default=str))  # tuples come back as lists
    assert type(rebuilt) is cls and json.loads(json.dumps(rebuilt.get_params())) == plain


def test_the_readme_counts_the_allow_list():
    assert len(ESTIMATORS) == 15
    assert "15 allow-listed scikit-learn classifiers" in (ROOT / "README.md").read_text()


@pytest.mark.parametrize(
    "name, params",
    [
        # A scikit-learn test helper that runs a script: the attack of issue 12.
        ("sklearn.utils._testing.assert_run_python_script_without_output", "source_code"),
        ("os.system", "command"),
        ("builtins.eval", "source"),
        ("subprocess.Popen", "args"),
        ("sklearn.linear_model._logistic.os.system", "command"),
    ],
)
def test_a_file_naming_a_dangerous_callable_runs_nothing(saved, tmp_path, monkeypatch, name,
                                                         params):  # fmt: skip
    marker = tmp_path / "ran.txt"
    code = f"open({str(marker)!r}, 'w').write('ran')"
    payload = {"command": f"touch {marker}", "args": ["touch", str(marker)]}.get(params, code)

    def evil(state):
        state["config"]["model"] = {"class": name, "params": {params: payload}}

    _edit_state(saved, evil)
    imported = []
    real_import = importlib.import_module
    monkeypatch.setattr(
        importlib, "import_module", lambda m, *a: imported.append(m) or real_import(m, *a)
    )
    with pytest.raises(ValueError, match="cannot be rebuilt from a file") as err:
        al.Session.load(saved)
    assert str(saved) in str(err.value) and "model=" in str(err.value)
    assert not marker.exists()
    assert not any(
        m.startswith(("sklearn.utils", "os", "builtins", "subprocess")) for m in imported
    )


def test_a_registered_name_cannot_smuggle_a_callable(saved):
    _edit_state(saved, lambda s: s["config"].update(model={"name": "__import__", "params": {}}))
    with pytest.raises(ValueError, match="not a registered model"):
        al.Session.load(saved)


def test_an_allow_listed_class_takes_only_plain_params(saved):
    def edit(state):
        state["config"]["model"] = {
            "class": "sklearn.svm.SVC",
            "params": {"kernel": {"callable": "os.system"}},
        }

    _edit_state(saved, edit)
    with pytest.raises(ValueError, match="plain value"):
        al.Session.load(saved)


def test_other_estimators_need_model_in_code(tmp_path, moons):
    from sklearn.linear_model import SGDClassifier

    path = tmp_path / "sgd.alviz"
    al.Session(moons, model=SGDClassifier(loss="log_loss", random_state=0), seed=0).save(path)
    with pytest.raises(ValueError, match=r"SGDClassifier.*model=<your estimator>"):
        al.Session.load(path)
    t = al.Session.load(path, model=SGDClassifier(loss="log_loss", random_state=0))
    assert type(t.model.estimator).__name__ == "SGDClassifier"


def test_an_estimator_with_object_params_is_saved_and_passed_again(tmp_path, moons):
    from sklearn.gaussian_process import GaussianProcessClassifier
    from sklearn.gaussian_process.kernels import RBF

    path = tmp_path / "gp.alviz"
    s = al.Session(moons, model=GaussianProcessClassifier(kernel=RBF(2.0)), seed=0)
    s.save(path)
    with pytest.raises(ValueError, match=r"parameters of sklearn\.gaussian_process"):
        al.Session.load(path)
    t = al.Session.load(path, model=GaussianProcessClassifier(kernel=RBF(2.0)))
    np.testing.assert_array_equal(t.labeled_indices, s.labeled_indices)


def test_a_version_1_file_is_read_and_cannot_name_code_either(saved, tmp_path):
    """Files written before the state API (format version 1) load, with the same checks."""
    state, *_ = _session_io.read(saved)
    ds = al.datasets.load("moons", n_samples=200, noise=0.2, seed=0)
    arrays = {}
    if state["costs"] is not None:
        arrays["costs"] = state["costs"]
    rounds = []
    for k, r in enumerate(state["rounds"]):
        for n in ("queried", "scores", "labels", "pool_indices", "pool_scores"):
            arrays[f"r{k}_{n}"] = r[n]
        keep = ("index", "n_labeled", "metrics", "timings", "strategy", "model", "note")
        diag = {k2: v for k2, v in r["diagnostics"].items() if not isinstance(v, np.ndarray)}
        for k2, v in r["diagnostics"].items():
            if isinstance(v, np.ndarray):
                arrays[f"r{k}_diag_{k2}"] = v
        rounds.append({**{n: r[n] for n in keep}, "diagnostics": diag})
    doc = {
        "format": "alviz.session",
        "version": 1,
        "dataset": {
            "name": "moons",
            "task": "classification",
            "fingerprint": _session_io.fingerprint(ds, version=1),
            "registry": state["dataset"]["registry"],
        },
        "config": state["config"],
        "labels": [[int(i), int(y)] for i, y in zip(*state["labels"].values(), strict=True)],
        "pending": [],
        "actions": [{k: v for k, v in a.items() if k != "skipped"} for a in state["actions"]],
        "rng_state": state["rng_state"],
        "rounds": rounds,
    }
    old = tmp_path / "v1.alviz"
    _write_members(
        old,
        {
            "session.json": json.dumps(doc, default=_session_io._json_default).encode(),
            "state.npz": _session_io._npz(arrays),
        },
    )
    t = al.Session.load(old)
    np.testing.assert_array_equal(t.labels, al.Session.load(saved).labels)
    doc["config"]["model"] = {"class": "os.system", "params": {"command": "true"}}
    _write_members(old, {**_members(old), "session.json": json.dumps(doc).encode()})
    with pytest.raises(ValueError, match="cannot be rebuilt"):
        al.Session.load(old)


# ---------------------------------------------------------------- datasets: data, not actions
def test_a_file_cannot_make_a_loader_read_write_or_download(saved, tmp_path, monkeypatch):
    import alviz.datasets.idx as idx

    monkeypatch.setattr(idx, "download_mnist", lambda *a, **k: pytest.fail("downloaded"))
    target = tmp_path / "made_by_the_file"

    def edit(state):
        params = {"path": str(target), "download": True}
        state["dataset"]["registry"] = {"name": "mnist", "params": params}

    _edit_state(saved, edit)
    with pytest.raises(ValueError, match=r"cannot take 'path'.*dataset=") as err:
        al.Session.load(saved)
    assert not target.exists() and str(saved) in str(err.value)


def test_every_dataset_knob_is_on_the_allow_list_or_does_io():
    """A new loader knob must be given bounds here before files and codes may set it."""
    import inspect

    from alviz._untrusted import DATASET_KNOBS, IO_KNOBS
    from alviz.datasets._registry import _lookup

    for name in al.datasets.names():
        knobs = set(inspect.signature(_lookup(name)[0]).parameters)
        assert knobs - set(DATASET_KNOBS) <= set(IO_KNOBS), name


def test_a_file_cannot_ask_a_generator_for_millions_of_rows(saved):
    _edit_state(saved, lambda s: s["dataset"]["registry"].update(params={"n_samples": 20_000_000}))
    with pytest.raises(ValueError, match=r"n_samples.*\[1, 50000\]"):
        al.Session.load(saved)


def test_a_dataset_that_needs_a_path_is_passed_in(tmp_path):
    from alviz.datasets.idx import write_idx

    folder = tmp_path / "idx"
    folder.mkdir()
    labels = np.repeat(np.arange(3, dtype=np.uint8), 8)
    images = np.random.default_rng(0).integers(0, 256, (24, 4, 4), dtype=np.uint8)
    write_idx(folder / "t10k-images-idx3-ubyte", images)
    write_idx(folder / "t10k-labels-idx1-ubyte", labels)
    ds = al.datasets.load("mnist", path=folder)
    path = tmp_path / "m.alviz"
    al.Session(ds, seed=0).save(path)
    with pytest.raises(ValueError, match="dataset="):
        al.Session.load(path)
    t = al.Session.load(path, dataset=al.datasets.load("mnist", path=folder))
    assert t.dataset.n_samples == ds.n_samples
    with pytest.raises(ValueError, match="differs"):
        al.Session.load(path, dataset=al.datasets.load("moons", seed=0))


# ---------------------------------------------------------------- bounded reading
def test_an_npy_header_claiming_gigabytes_is_refused_before_allocating(saved):
    import io

    io_bytes = io.BytesIO()
    header = {"descr": "<f8", "fortran_order": False, "shape": (2_000_000_000,)}
    npformat.write_array_header_1_0(io_bytes, header)
    io_bytes.write(b"\0" * 64)
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as zf:
        zf.writestr("a0.npy", io_bytes.getvalue())
    members = _members(saved)
    members["state.npz"] = inner.getvalue()
    _write_members(saved, members)
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match="claims 16,000,000,000 bytes") as err:
            al.Session.load(saved)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert str(saved) in str(err.value)
    assert peak < 20 * 2**20


def test_a_small_file_inflating_to_hundreds_of_megabytes_is_refused(saved):
    members = _members(saved)
    with zipfile.ZipFile(saved, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("session.json", members["session.json"])
        with zf.open("state.npz", "w", force_zip64=True) as fh:
            chunk = b"\0" * 2**20
            for _ in range(200):
                fh.write(chunk)
    assert saved.stat().st_size < 2**20
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match="more than a file of this size may ask for"):
            al.Session.load(saved)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 * 2**20


def test_the_budget_is_32_times_the_file_size_within_64_mib_and_4_gib(tmp_path):
    mib = 2**20
    for size, budget in [(1000, 64 * mib), (10 * mib, 320 * mib), (2**30, 4 * 2**30)]:
        assert _session_io._Budget(tmp_path, size).left == budget


def test_an_archive_with_many_members_is_refused(saved):
    members = _members(saved)
    members.update({f"extra{i}.bin": b"x" for i in range(10)})
    _write_members(saved, members)
    with pytest.raises(ValueError, match="members"):
        al.Session.load(saved)


# ---------------------------------------------------------------- content is checked
def _first_action(state, key, value):
    state["actions"][0][key] = value


@pytest.mark.parametrize(
    "edit, match",
    [
        (lambda s: s["labels"]["indices"].__setitem__(0, -1), r"index -1, outside \[0, 150\)"),
        (lambda s: s["labels"]["indices"].__setitem__(1, s["labels"]["indices"][0]), "twice"),
        (lambda s: s["labels"]["values"].__setitem__(0, 7), r"class 7, outside \[0, 2\)"),
        (lambda s: s.update(pending=[int(s["labels"]["indices"][0])]), "already labelled"),
        (lambda s: s.update(skipped=[10_000]), "outside"),
        (lambda s: _first_action(s, "changes", [[149, None]]), "undo log is inconsistent"),
        (lambda s: _first_action(s, "kind", "format_disk"), "kind"),
        (
            lambda s: s.update(rng_state=np.random.MT19937(0).state),
            "state of 'MT19937', not of 'PCG64'",
        ),
        (lambda s: s["rng_state"]["state"].update(state="x"), "not a valid PCG64 state"),
        (lambda s: s.update(version="2"), "version must be an integer"),
        (lambda s: s.update(version=99), "version must be an integer"),
        (lambda s: s["rounds"][0]["queried"].__setitem__(0, 999), "outside"),
        (lambda s: s["config"].update(batch_size=0), "batch_size"),
        (lambda s: s["config"]["oracle"].update(name="shell"), "oracle"),
        (lambda s: s.update(costs=-np.ones(150)), "costs"),
    ],
)
def test_loading_checks_the_content_and_names_the_file(saved, edit, match):
    _edit_state(saved, edit)
    with pytest.raises(ValueError, match=match) as err:
        al.Session.load(saved)
    assert str(saved) in str(err.value)


def test_from_state_round_trips_and_checks_without_a_file(moons):
    s = al.Session(moons, seed=3)
    s.run(3)
    s.skip(int(s.pool_indices[0]))
    t = al.Session.from_state(s.state())
    np.testing.assert_array_equal(t.labeled_indices, s.labeled_indices)
    np.testing.assert_array_equal(t.skipped, s.skipped)
    assert t.step().tolist() == s.step().tolist()  # same random state, same next query
    bad = s.state()
    bad["labels"]["indices"] = np.array([-1])
    bad["labels"]["values"] = np.array([0])
    with pytest.raises(ValueError, match="outside"):
        al.Session.from_state(bad)


# ---------------------------------------------------------------- saves
def test_dataset_edits_after_the_first_save_reach_later_saves(tmp_path, moons):
    path = tmp_path / "run.alviz"
    s = al.Session(moons, seed=0)
    s.save(path)
    moons.classes = np.array(["upper", "lower"])
    moons.groups = np.where(moons.X[:, 0] > 0, "right", "left")
    s.save(path)
    t = al.Session.load(path)
    assert list(t.dataset.classes) == ["upper", "lower"]
    np.testing.assert_array_equal(t.dataset.groups, moons.groups)


def test_own_data_edits_reach_later_saves(tmp_path):
    texts = ["red apple", "green pear", "ripe plum", "sour lime"]
    ds = al.datasets.from_texts(texts, labels=["x", "y", None, None],
                                test_size=0)  # fmt: skip
    path = tmp_path / "own.alviz"
    s = al.Session(ds, oracle="human", initial=0, seed=0)
    s.save(path)
    ds.classes = np.array(["first", "second"])
    s.save(path)
    assert list(al.Session.load(path).dataset.classes) == ["first", "second"]


def test_save_expands_home_and_names_the_file_when_it_fails(tmp_path, moons, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    s = al.Session(moons, seed=0)
    s.save("~/runs/a.alviz")
    assert (tmp_path / "runs" / "a.alviz").exists()
    (tmp_path / "plain_file").write_text("not a folder")
    target = tmp_path / "plain_file" / "b.alviz"
    with pytest.raises(OSError, match="could not save the session to") as err:
        s.save(target)
    assert str(target) in str(err.value)


def test_leftover_temp_files_of_a_killed_save_are_cleaned_up(tmp_path, moons):
    path = tmp_path / "run.alviz"
    leftover = tmp_path / ".run.alviz.k1ll3d.tmp"
    leftover.write_bytes(b"half a zip")
    other = tmp_path / ".other.alviz.abc.tmp"  # another file's save: not ours to remove
    other.write_bytes(b"x")
    al.Session(moons, seed=0).save(path)
    assert not leftover.exists() and other.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".other.alviz.abc.tmp", "run.alviz"]


def _paths(obj, prefix=()):
    """Every path to a leaf or a container inside a state."""
    yield prefix
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _paths(v, (*prefix, i))


JUNK = [None, -1, 10**30, 1e300, float("nan"), True, "x", [], [-1], {}, {"a": 1}, np.array([-5])]


def test_any_damaged_entry_is_a_clear_error():
    """Replace any one entry of a valid state by any junk value: from_state raises
    ValueError/TypeError (or still works), never anything else."""
    import copy

    ds = al.datasets.load("moons", n_samples=60, seed=0)
    s = al.Session(ds, oracle="human", initial=6, seed=0)
    s.step()
    s.skip(int(s.pool_indices[-1]))
    state = s.state()
    surprises = []
    for path in [p for p in _paths(state) if p]:
        for junk in JUNK:
            bad = copy.deepcopy(state)
            target = bad
            for key in path[:-1]:
                target = target[key]
            target[path[-1]] = junk
            try:
                al.Session.from_state(bad)
            except (ValueError, TypeError):
                pass
            except Exception as exc:  # what the test looks for
                surprises.append((path, junk, exc))
    assert not surprises, surprises[:3]
