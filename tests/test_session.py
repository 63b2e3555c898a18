import numpy as np
import pytest

import alviz as al


def test_step_adds_one_label_from_the_pool(moons):
    s = al.Session(moons, model="logreg", strategy="entropy", initial=10, seed=0)
    pool_before = set(s.pool_indices.tolist())
    q = s.step()
    assert q.shape == (1,)
    assert q[0] in pool_before
    assert len(s.labeled_indices) == 11
    assert s.labels[-1] == moons.y[q[0]]  # simulated oracle answers with the truth
    assert q[0] not in set(s.pool_indices.tolist())


def test_entropy_queries_the_most_uncertain_pool_point(moons):
    s = al.Session(moons, strategy="entropy", initial=10, seed=0)
    q = s.step()[0]
    r = s.history[-1]
    # The queried point has the highest pool score, and that score is its predictive entropy.
    assert r.scores[0] == pytest.approx(r.pool_scores.max(), rel=1e-6)
    p = s.predict_proba(moons.X[[q]])  # model unchanged? it refits on 11 labels now; recompute
    assert p.shape == (1, 2)


def test_same_seed_same_run(moons):
    runs = []
    for _ in range(2):
        s = al.Session(moons, strategy="entropy", initial=10, seed=3)
        s.run(5)
        runs.append(s.labeled_indices)
    np.testing.assert_array_equal(*runs)


def test_undo_steps_back_to_the_start_and_replays_identically(moons):
    s = al.Session(moons, initial=10, seed=0)
    start = s.labeled_indices.copy()
    s.run(3)
    third = s.history[-1].queried.copy()
    s.undo()
    assert len(s.history) == 2
    s.step()
    np.testing.assert_array_equal(s.history[-1].queried, third)
    while s.undo():
        pass
    np.testing.assert_array_equal(s.labeled_indices, start)
    assert s.history == []


def test_click_label_then_undo(moons):
    s = al.Session(moons, initial=10, seed=0)
    i = int(s.pool_indices[0])
    s.label(i, 1)
    assert s.labeled_indices[-1] == i and s.labels[-1] == 1
    s.undo()
    assert i in set(s.pool_indices.tolist())


def test_one_class_labeled_falls_back_to_random_with_a_note(moons):
    s = al.Session(moons, initial=0, seed=0)
    s.label(int(np.flatnonzero(moons.y == 0)[0]), 0)
    q = s.step()
    assert "Too few labels" in s.history[-1].note
    assert q.shape == (1,)


def test_bad_arguments_say_what_is_wrong(moons):
    with pytest.raises(ValueError, match=r"unknown strategy 'nope'; available: .*entropy"):
        al.Session(moons, strategy="nope")
    with pytest.raises(ValueError, match="unknown model"):
        al.Session(moons, model="nope")
    with pytest.raises(TypeError, match="alviz Dataset"):
        al.Session(moons.X)
    s = al.Session(moons, initial=10)
    with pytest.raises(ValueError, match=r"label must be a class index in \[0, 2\)"):
        s.label(0, 5)
    s.batch_size = 10_000
    with pytest.raises(ValueError, match="larger than the unlabeled pool"):
        s.step()


def test_metrics_table_has_a_row_per_round(moons):
    s = al.Session(moons, initial=10, seed=0)
    s.run(4)
    m = s.metrics()
    assert list(m["round"]) == [0, 1, 2, 3]
    assert list(m["n_labeled"]) == [10, 11, 12, 13]
    assert m["accuracy"].between(0, 1).all()
