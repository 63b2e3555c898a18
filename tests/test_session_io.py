import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import zipfile

import numpy as np
import pytest

import alviz as al


def _rewrite(path, edit):
    """Rewrite session.json inside a saved session with ``edit(doc)``; keep the other members."""
    with zipfile.ZipFile(path) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    doc = json.loads(members["session.json"])
    edit(doc)
    members["session.json"] = json.dumps(doc).encode()
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)


def _same_state(a, b):
    np.testing.assert_array_equal(a.labeled_indices, b.labeled_indices)
    np.testing.assert_array_equal(a.labels, b.labels)
    np.testing.assert_array_equal(a.pending, b.pending)
    assert len(a.history) == len(b.history)
    for ra, rb in zip(a.history, b.history, strict=True):
        np.testing.assert_array_equal(ra.queried, rb.queried)
        np.testing.assert_allclose(ra.pool_scores, rb.pool_scores)
        assert ra.metrics == pytest.approx(rb.metrics)


def test_round_trip_keeps_labels_history_and_undo(moons, tmp_path):
    s = al.Session(moons, initial=10, seed=1)
    s.run(4)
    s.label(int(s.pool_indices[0]), 1)
    path = tmp_path / "run.alviz"
    s.save(path)
    t = al.Session.load(path)
    _same_state(s, t)
    # The future is the same too: undo and step replay identically in both.
    for x in (s, t):
        x.undo()
        x.undo()
        x.step()
    _same_state(s, t)


def test_own_data_is_saved_whole(tmp_path, moons):
    ds = al.datasets.Dataset(
        name="mine",
        X=moons.X,
        y=np.where(np.arange(moons.n_samples) < 20, moons.y, -1),
        X_test=moons.X_test,
        y_test=moons.y_test,
        classes=np.array(["cat", "dog"]),
        X2d=moons.X2d,
        X2d_test=moons.X2d_test,
        task="classification",
        card=moons.card,
    )
    s = al.Session(ds, oracle="human", seed=0)
    assert len(s.labeled_indices) == 20  # every label already given is kept
    q = s.step()
    s.label(int(q[0]), 1)
    s.save(tmp_path / "mine.alviz")
    t = al.Session.load(tmp_path / "mine.alviz")
    _same_state(s, t)
    assert list(t.dataset.classes) == ["cat", "dog"]
    np.testing.assert_array_equal(t.dataset.X, ds.X)


@pytest.mark.parametrize(
    "content, match",
    [
        (b"not a zip at all", "not a zip archive"),
        (None, "session.json or state.npz is missing"),
        ("foreign", "not 'alviz.session'"),
        ("future", "newer alviz"),
    ],
)
def test_corrupt_or_foreign_files_give_clear_errors(tmp_path, moons, content, match):
    path = tmp_path / "bad.alviz"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is None:
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("hello.txt", "hi")
    else:
        al.Session(moons, seed=0).save(path)
        change = {"format": "something.else"} if content == "foreign" else {"version": 999}
        _rewrite(path, lambda doc: doc.update(change))
    with pytest.raises(ValueError, match=match):
        al.Session.load(path)


LABELLER = textwrap.dedent(
    """
    import sys, numpy as np, alviz as al
    ds = al.datasets.load("moons", n_samples=400, seed=0)
    s = al.Session(ds, oracle="human", initial=10, seed=0, autosave=sys.argv[1])
    for k in range(10_000):
        i = int(s.step()[0])
        s.label(i, int(ds.y[i]))
        print(k + 1, i, flush=True)   # printed only after the label was saved
    """
)


def test_sigkill_mid_labelling_loses_no_label(tmp_path):
    path = tmp_path / "live.alviz"
    proc = subprocess.Popen(
        [sys.executable, "-c", LABELLER, str(path)], stdout=subprocess.PIPE, text=True
    )
    given = []
    deadline = time.monotonic() + 60
    try:
        while len(given) < 15 and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if line:
                given.append(int(line.split()[1]))
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    assert len(given) >= 15, "the labelling process did not get going"
    s = al.Session.load(path)
    labeled = set(s.labeled_indices.tolist())
    assert set(given) <= labeled  # every label confirmed before the kill is in the file
    assert len(labeled) >= 10 + len(given)


def test_texts_and_images_survive_a_round_trip(tmp_path):
    texts = [f"review {i}: {'good' if i % 2 else 'bad'} product" for i in range(40)]
    labels = [("pos" if i % 2 else "neg") if i < 20 else None for i in range(40)]
    ds = al.datasets.from_texts(texts, labels)
    s = al.Session(ds, oracle="human", seed=0)
    s.label(int(s.step()[0]), 1)
    s.save(tmp_path / "t.alviz")
    t = al.Session.load(tmp_path / "t.alviz")
    assert list(t.dataset.raw) == list(ds.raw)
    np.testing.assert_array_equal(t.dataset.source_index, ds.source_index)
    np.testing.assert_array_equal(t.labels, s.labels)
