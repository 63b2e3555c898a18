"""No label lost with two writers: merged in one kernel, locked out across processes (issue 12)."""

import os
import signal
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import alviz as al
from alviz import _filelock
from alviz._warnings import AlvizWarning


def test_two_labelers_on_one_file_lose_no_label(texts, tmp_path):
    """The issue's minimal case: two writers, four labels; the last writer kept only two."""
    path = tmp_path / "run.alviz"
    first = al.widgets.LabelerController(texts, session_file=path, batch_size=2, seed=0)
    second = al.widgets.LabelerController(texts, session_file=path, batch_size=2)  # re-run cell
    free = [i for i in range(texts.n_samples) if i not in (0, 9)][:4]
    with pytest.warns(AlvizWarning, match="changed by another writer"):
        first.label(1, index=free[0])
        second.label(0, index=free[1])
        first.label(1, index=free[2])
        second.label(0, index=free[3])
    assert first.message == second.message == ""
    saved = al.Session.load(path)
    got = dict(zip(saved.labeled_indices.tolist(), saved.labels.tolist(), strict=True))
    assert {i: got.get(i) for i in free} == {free[0]: 1, free[1]: 0, free[2]: 1, free[3]: 0}
    # The last writer merged the other's labels: it no longer shows an item labelled there.
    assert not set(second.queue) & set(got)
    # Undo takes back this writer's own label, never the one merged from the other.
    second.undo()
    kept = set(al.Session.load(path).labeled_indices.tolist())
    assert free[3] not in kept and {free[0], free[1], free[2]} <= kept


def test_a_row_labelled_differently_by_two_writers_keeps_this_writers_label(moons, tmp_path):
    path = tmp_path / "run.alviz"
    al.Session(moons, oracle="human", seed=0).save(path)
    a, b = al.Session.load(path), al.Session.load(path)
    i = int(a.pool_indices[0])
    a.label(i, 0)
    a.save(path)
    b.label(i, 1)
    with pytest.warns(AlvizWarning, match="1 row.*labelled differently"):
        b.save(path)
    assert al.Session.load(path).labels[-1] == 1


def test_a_new_session_never_overwrites_a_file_it_did_not_load(moons, tmp_path):
    path = tmp_path / "run.alviz"
    s = al.Session(moons, seed=0, autosave=path)
    s.run(2)
    before = path.read_bytes()
    s.autosave = None
    with pytest.raises(FileExistsError, match=r"Session\.load"):
        al.Session(moons, seed=1, autosave=path)
    assert path.read_bytes() == before


HOLDER = textwrap.dedent(
    """
    import sys, time, alviz as al
    ds = al.datasets.load("moons", n_samples=200, seed=0)
    s = al.Session(ds, oracle="human", initial=10, seed=0, autosave=sys.argv[1])
    for _ in range(2):
        i = int(s.query(1)[0])
        s.label(i, int(ds.y[i]))
    print("ready", flush=True)
    time.sleep(120)
    """
)


def test_a_second_process_is_locked_out_until_the_first_dies(tmp_path):
    path = tmp_path / "live.alviz"
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout.readline().strip() == "ready"
        reader = al.Session.load(path)  # reading is always allowed
        assert len(reader.labeled_indices) == 12
        with pytest.raises(_filelock.FileLockedError, match=f"pid {proc.pid}"):
            al.widgets.LabelerController(session_file=path)
        with pytest.raises(_filelock.FileLockedError, match="another process"):
            reader.save(path)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    # The kernel released the dead process's lock: the file can be resumed, labels intact.
    c = al.widgets.LabelerController(session_file=path, batch_size=1)
    assert len(c.session.labeled_indices) == 12
    c.label(int(c.session.dataset.y[c.current]))
    assert len(al.Session.load(path).labeled_indices) == 13


def test_lock_files_without_flock_take_over_only_dead_holders(tmp_path, monkeypatch):
    monkeypatch.setattr(_filelock, "fcntl", None)
    path = tmp_path / "run.alviz"
    lock = _filelock.lock_path(path)
    host = os.uname().nodename
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()  # fmt: skip
    lock.write_text(f"pid {dead} on {host}\n")
    _filelock.acquire(path)  # stale: its process is gone
    assert lock.read_text().startswith(f"pid {os.getpid()} ")
    _filelock.release(path)
    assert not lock.exists()
    lock.write_text(f"pid {os.getppid()} on {host}\n")  # alive
    with pytest.raises(_filelock.FileLockedError, match=f"pid {os.getppid()}"):
        _filelock.acquire(path)


def test_a_lock_is_shared_in_one_process_and_let_go_with_autosave(moons, tmp_path):
    path = tmp_path / "run.alviz"
    s = al.Session(moons, seed=0, autosave=path)
    assert _filelock.held(path)
    again = al.Session.load(path)
    again.autosave = path  # the same kernel: shared, its writes merged
    s.autosave = None
    assert _filelock.held(path)
    again.autosave = None
    assert not _filelock.held(path)


def test_a_lock_goes_with_its_session(moons, tmp_path):
    import gc

    path = tmp_path / "run.alviz"
    s = al.Session(moons, seed=0, autosave=path)
    del s
    gc.collect()
    assert not _filelock.held(path)
    np.testing.assert_equal(len(al.Session.load(path).labeled_indices), 10)


def test_sigkill_during_a_save_leaves_the_last_good_file(tmp_path):
    """A save killed half-way leaves the previous file whole, and its temp file is cleaned up."""
    path = tmp_path / "run.alviz"
    script = textwrap.dedent(
        f"""
        import os, signal, alviz as al
        from alviz import _session_io
        s = al.Session(al.datasets.load("moons", n_samples=200, seed=0), seed=0)
        s.save({str(path)!r})
        print("saved", flush=True)
        def killed(src, dst):
            os.kill(os.getpid(), signal.SIGKILL)
        os.replace = killed
        s.run(2)
        s.save({str(path)!r})
        """
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert out.stdout.strip() == "saved" and out.returncode == -signal.SIGKILL
    leftovers = [p for p in tmp_path.iterdir() if p.suffix == ".tmp"]
    assert leftovers  # the killed save's temp file
    s = al.Session.load(path)
    assert len(s.history) == 0  # the last good save
    s.run(1)
    s.save(path)
    assert not [p for p in tmp_path.iterdir() if p.suffix == ".tmp"]
