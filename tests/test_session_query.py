"""One query loop: Session.query and Session.skip, used by the Labeler (issue 12)."""

import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import alviz as al
from alviz import _session_io
from alviz._warnings import AlvizWarning


@pytest.mark.parametrize("strategy", ["entropy", "random"])
def test_query_chooses_what_step_would(moons, strategy):
    asking = al.Session(moons, strategy=strategy, batch_size=3, seed=4)
    stepping = al.Session(moons, strategy=strategy, batch_size=3, seed=4)
    for _ in range(3):
        picked = asking.query(3)
        np.testing.assert_array_equal(picked, stepping.step())
        for i in picked.tolist():
            asking.label(i, int(moons.y[i]))


def test_query_leaves_out_skipped_and_excluded_rows(moons):
    s = al.Session(moons, seed=0)
    pool = s.pool_indices
    for i in pool[:-3].tolist():
        s.skip(i)
    keep = pool[-3:]
    assert sorted(s.query(5).tolist()) == sorted(keep.tolist())  # fewer when fewer are left
    assert s.query(5, exclude=keep[:1]).tolist() and keep[0] not in s.query(5, exclude=keep[:1])
    s.batch_size = 3
    assert sorted(s.step().tolist()) == sorted(keep.tolist())  # step never asks a skipped row
    assert s.query(1).tolist() == []


def test_skip_is_undoable_saved_and_checked(moons, tmp_path):
    s = al.Session(moons, seed=0)
    i = int(s.pool_indices[0])
    s.skip(i)
    assert s.skipped.tolist() == [i]
    with pytest.raises(ValueError, match="already skipped"):
        s.skip(i)
    with pytest.raises(ValueError, match="labelled"):
        s.skip(int(s.labeled_indices[0]))
    with pytest.raises(ValueError, match="index"):
        s.skip(-1)
    s.save(tmp_path / "s.alviz")
    assert al.Session.load(tmp_path / "s.alviz").skipped.tolist() == [i]
    assert s.undo() and s.skipped.tolist() == []


def test_labeler_skips_are_saved_and_stay_skipped_on_resume(texts, tmp_path):
    path = tmp_path / "run.alviz"
    c = al.widgets.LabelerController(texts, session_file=path, batch_size=2, seed=0)
    gone = c.current
    c.skip()
    assert al.Session.load(path).skipped.tolist() == [gone]
    c.session.autosave = None  # as if that kernel had stopped
    again = al.widgets.LabelerController(texts, session_file=path, batch_size=20)
    assert gone in again.skipped and gone not in again.queue
    assert len(again.queue) == texts.n_samples - 3  # every other unlabelled item


def test_labeler_resume_says_what_differs(texts, tmp_path):
    path = tmp_path / "run.alviz"
    c = al.widgets.LabelerController(texts, session_file=path, batch_size=2, seed=0)
    c.label(1)
    c.session.autosave = None
    reviews = list(texts.raw)[::-1]
    other = al.datasets.from_texts(reviews, labels=[None] * 16 + ["pos", "neg"], test_size=0,
                                   classes=["neg", "pos"])  # fmt: skip
    with pytest.raises(ValueError, match=r"run\.alviz.*differs"):
        al.widgets.LabelerController(other, session_file=path)
    again = al.widgets.LabelerController(texts, session_file=path, model="knn")
    assert "Resumed 3 labels" in again.message and "model 'logreg' -> 'knn'" in again.message
    assert again.session.model_label == "knn"


def test_a_failing_autosave_says_the_label_is_only_in_memory(texts, tmp_path, monkeypatch):
    path = tmp_path / "run.alviz"
    c = al.widgets.LabelerController(texts, session_file=path, batch_size=2, seed=0)
    real = _session_io.write

    def full_disk(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(_session_io, "write", full_disk)
    first = c.current
    with pytest.warns(AlvizWarning, match="only in memory.*No space left"):
        c.label(1)
    assert first in c.session.labeled_indices  # kept in memory
    assert "only in memory" in c.message and "NOT SAVED" in c.status
    monkeypatch.setattr(_session_io, "write", real)
    c.label(0)
    assert "NOT SAVED" not in c.status
    assert first in al.Session.load(path).labeled_indices  # saved with the next label


OPS = st.lists(st.tuples(st.sampled_from(["step", "label", "skip", "undo"]), st.integers(0, 10**6)),
               max_size=12)  # fmt: skip


@given(OPS, st.sampled_from(["noisy", "human"]), st.booleans())
@settings(max_examples=30, deadline=None)
def test_state_round_trip_keeps_everything_and_the_future(ops, oracle, through_file):
    """Any mix of steps, labels, skips and undos: from_state(state()) is the same Session."""
    ds = al.datasets.load("moons", n_samples=80, seed=0)
    s = al.Session(ds, oracle=oracle, noise=0.2, initial=4, seed=1)
    for op, r in ops:
        pool = s.pool_indices[~np.isin(s.pool_indices, s.skipped)]
        if op == "step" and len(pool) and not len(s.pending):
            s.step()
        elif op == "label" and len(pool):
            s.label(int(pool[r % len(pool)]), r % 2)
        elif op == "skip" and len(pool):
            s.skip(int(pool[r % len(pool)]))
        elif op == "undo":
            s.undo()
    if through_file:
        path = Path(tempfile.mkdtemp()) / "s.alviz"
        _session_io.write(path, _session_io.encode(s.state(), ds))
        t = al.Session.load(path)
    else:
        t = al.Session.from_state(s.state())
    while True:
        for a, b in ((s.labeled_indices, t.labeled_indices), (s.labels, t.labels),
                     (s.pending, t.pending), (s.skipped, t.skipped)):  # fmt: skip
            np.testing.assert_array_equal(a, b)
        assert len(s.history) == len(t.history)
        np.testing.assert_array_equal(s.query(2), t.query(2))  # same random state
        if not s.undo():
            assert not t.undo()
            break
        assert t.undo()
