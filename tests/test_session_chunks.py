"""A big pool is scored chunk by chunk for pointwise strategies, with the same result.

``alviz.session._SCORE_CHUNK_BYTES`` bounds the context one scoring call
builds. These tests shrink it so that a 3,750-point pool splits into several
chunks, and check that queries, recorded scores, ``score_pool`` and ``query``
are those of the unchunked Session, and that no single context is bigger
than a chunk.
"""

import numpy as np
import pytest

import alviz as al
from alviz import session as session_module

MOONS = al.datasets.load("moons", n_samples=5000, seed=0)  # 3,750 pool rows


def _session(strategy, model="logreg", **kw):
    return al.Session(MOONS, model=model, strategy=strategy, batch_size=3, initial=10, seed=4, **kw)


def _spy_context_sizes(monkeypatch):
    """Record the number of rows of every pool context the Session builds."""
    sizes = []
    real = al.Session._context

    def spy(self, strategy, X=None, pool=None, with_test=False):
        ctx = real(self, strategy, X, pool, with_test)
        sizes.append(ctx.n_pool)
        return ctx

    monkeypatch.setattr(al.Session, "_context", spy)
    return sizes


CASES = [
    ("entropy", "logreg"),
    ("bald", "logreg"),
    ("margin", "rf"),
    ("expected_gradient_length", "logreg"),
]


@pytest.mark.parametrize(("strategy", "model"), CASES)
def test_chunked_rounds_are_the_unchunked_rounds(strategy, model, monkeypatch):
    whole = _session(strategy, model)
    whole.run(3)
    chunked = _session(strategy, model)
    assert chunked._score_chunk_rows(chunked.strategy) > 1024
    monkeypatch.setattr(session_module, "_SCORE_CHUNK_BYTES", 1)  # chunks of 1,024 rows
    sizes = _spy_context_sizes(monkeypatch)
    chunked.run(3)
    assert max(sizes) == 1024 and len(sizes) == 3 * 4  # 3 rounds x ceil(3,743 / 1,024)
    for a, b in zip(whole.history, chunked.history, strict=True):
        np.testing.assert_array_equal(a.queried, b.queried)
        np.testing.assert_allclose(b.pool_scores, a.pool_scores, rtol=1e-6)
        assert a.metrics == pytest.approx(b.metrics)
        assert set(a.timings) == set(b.timings)


def test_score_pool_and_query_are_chunked_too(monkeypatch):
    s = _session("bald")
    s.run(2)
    pool, scores = s.score_pool()
    state = s._rng.bit_generator.state
    picked = s.query(5)
    s._rng.bit_generator.state = state
    monkeypatch.setattr(session_module, "_SCORE_CHUNK_BYTES", 1)
    sizes = _spy_context_sizes(monkeypatch)
    pool2, scores2 = s.score_pool()
    np.testing.assert_array_equal(pool2, pool)
    np.testing.assert_allclose(scores2, scores, rtol=1e-12)
    np.testing.assert_array_equal(s.query(5), picked)
    assert max(sizes) == 1024


@pytest.mark.parametrize(
    "strategy", ["density_weighted", "batch_bald", "coreset", "conformal_set_size"]
)
def test_strategies_that_see_the_whole_pool_get_it_at_once(strategy, monkeypatch):
    s = _session(strategy)
    monkeypatch.setattr(session_module, "_SCORE_CHUNK_BYTES", 1)
    sizes = _spy_context_sizes(monkeypatch)
    s.step()
    assert sizes == [len(s.history[0].pool_indices)]


def test_a_strategy_note_is_said_once_however_many_chunks(monkeypatch):
    """An AlvizWarning raised in every chunk becomes one sentence of the round's note."""
    s = _session("entropy")
    s.step()
    monkeypatch.setattr(session_module, "_SCORE_CHUNK_BYTES", 1)
    real = type(s.strategy).score

    def warning_score(self, context):
        import warnings

        from alviz._warnings import AlvizWarning

        warnings.warn("probabilities were clipped.", AlvizWarning, stacklevel=2)
        return real(self, context)

    monkeypatch.setattr(type(s.strategy), "score", warning_score)
    s.step()
    assert s.history[-1].note == "probabilities were clipped."


def test_chunk_rows_follow_what_the_strategy_holds():
    s = _session("entropy")
    probs_rows = s._score_chunk_rows(al.acquisition.get("entropy"))
    draws_rows = s._score_chunk_rows(al.acquisition.get("bald"))
    # 2 classes: probabilities are 2 floats a row, 20 draws + their mean 42 floats.
    assert probs_rows == session_module._SCORE_CHUNK_BYTES // (8 * 3 * 2)
    assert draws_rows == session_module._SCORE_CHUNK_BYTES // (8 * 3 * 42)
    assert s._score_chunk_rows(al.acquisition.get("density_weighted")) == 0
