import numpy as np
import pytest

import alviz as al
from alviz.stopping import Budget, LowUncertainty, StablePredictions, TargetAccuracy


def test_stopping_criteria(moons):
    s = al.Session(moons, initial=10, seed=0)
    assert s.run(stop=Budget(25)) == "budget of 25 labels reached"
    assert len(s.labeled_indices) == 25
    s = al.Session(moons, initial=10, seed=0)
    reason = s.run(100, stop=TargetAccuracy(0.8))
    assert "reached the target" in reason and s.history[-1].metrics["accuracy"] >= 0.8
    s = al.Session(moons, initial=10, seed=0)
    assert "fell below" in s.run(50, stop=LowUncertainty(10.0))  # any entropy is below 10 nats
    s = al.Session(moons, initial=10, seed=0)
    reason = s.run(60, stop=StablePredictions(window=3, agreement=0.95))
    assert "agreed" in reason
    with pytest.raises(ValueError, match="never ends"):
        s.run()


def test_noisy_oracle_flips_at_the_rate_asked(moons):
    s = al.Session(moons, strategy="random", initial=0, oracle="noisy", noise=0.3, seed=0)
    s.run(120)
    assert 0.2 < s.is_noisy().mean() < 0.4
    shares = s.metrics()["noisy_share"]
    assert shares.mean() == pytest.approx(s.is_noisy().mean(), abs=0.05)


def test_class_dependent_noise_only_flips_that_class(moons):
    s = al.Session(moons, strategy="random", initial=0, oracle="noisy", noise=[0.0, 1.0], seed=0)
    s.run(40)
    truth = moons.y[s.labeled_indices]
    assert (s.labels[truth == 0] == 0).all()
    assert (s.labels[truth == 1] == 0).all()


def test_human_oracle_waits_for_labels(moons):
    s = al.Session(moons, oracle="human", initial=10, seed=0)
    assert len(s.labeled_indices) == 10  # seed labels come from the known labels
    q = s.step()
    assert list(s.pending) == list(q)
    assert s.history[-1].labels[0] == -1
    with pytest.raises(RuntimeError, match="still wait for a label"):
        s.step()
    s.label(int(q[0]), 1)
    assert s.history[-1].labels[0] == 1 and len(s.pending) == 0
    s.undo()
    assert list(s.pending) == list(q) and s.history[-1].labels[0] == -1


def test_diagnostics_compare_queries_with_the_pool(moons):
    s = al.Session(moons, strategy="random", batch_size=5, initial=10, seed=0)
    s.step()
    d = s.history[-1].diagnostics
    assert d["class_share"].sum() == pytest.approx(1)
    assert d["pool_class_share"] == pytest.approx(
        np.bincount(moons.y[s.history[-1].pool_indices]) / len(s.history[-1].pool_indices)
    )


def test_switching_keeps_history(moons):
    s = al.Session(moons, initial=10, seed=0)
    s.run(2)
    s.set_strategy("random")
    s.step()
    assert [r.strategy for r in s.history] == ["entropy", "entropy", "random"]
    s.set_model("logreg", C=0.1)
    s.step()
    assert len(s.history) == 4 and s.model.C == 0.1


def test_reset_draws_the_same_start(moons):
    s = al.Session(moons, initial=10, seed=0)
    start = s.labeled_indices.copy()
    s.run(3)
    s.reset()
    np.testing.assert_array_equal(s.labeled_indices, start)
    assert s.history == [] and not s.can_undo


def test_balanced_start_covers_every_class(moons):
    s = al.Session(moons, initial=4, init="balanced", seed=0)
    assert np.bincount(s.labels).tolist() == [2, 2]


def test_context_for_arbitrary_rows(moons):
    s = al.Session(moons, initial=10, seed=0)
    grid = np.random.default_rng(0).normal(size=(50, 2))
    ctx = s.context(X=grid)
    assert ctx.probs.shape == (50, 2) and list(ctx.pool_indices) == list(range(50))
    pool, scores = s.score_pool()
    assert scores.shape == pool.shape == (s.pool_size(),)


def test_a_strategy_fallback_becomes_the_round_note(moons):
    s = al.Session(moons, strategy="conformal_set_size", initial=4, init="balanced", seed=0)
    s.step()  # 4 labels are too few to calibrate conformal sets: the strategy falls back
    assert "calibrat" in s.history[-1].note.lower()


def test_density_on_a_grid_is_measured_against_the_pool(moons):
    s = al.Session(moons, strategy="density_weighted", initial=10, seed=0)
    ctx = s.context(X=np.zeros((5, 2)))
    assert ctx.extra["density_reference"].shape == (s.pool_size(), 2)


def test_evaluate_scores_the_model_on_every_label_given(moons):
    s = al.Session(moons, initial=10, seed=0)
    s.run(3)
    m = s.evaluate()
    assert set(m) == {"accuracy", "macro_f1", "nll", "ece", "brier"}
    s.step()
    assert s.history[-1].metrics == pytest.approx(m)  # the next round starts from that model
