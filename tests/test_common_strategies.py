"""One template that every registered acquisition strategy runs through.

Contexts are built by hand (tiny synthetic probs, draws, embeddings and a
fitted scikit-learn LogisticRegression) so that these tests do not depend on
the Session.
"""

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import softmax
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

import alviz as al
from alviz.acquisition import FAMILIES, NEEDS, Context, Strategy

N_POOL, N_CLASSES, N_DRAWS = 24, 3, 8


@pytest.fixture(autouse=True, scope="module")
def _one_blas_thread():
    # Tiny problems: on a busy 2-core machine OpenBLAS threads only wait on each other
    # (scipy's L-BFGS inside LogisticRegression.fit measured 8x slower with 2 threads).
    with threadpool_limits(limits=1, user_api="blas"):
        yield


ALL = al.acquisition.names()


def _context(seed: int = 0) -> Context:
    """A pool with every field any strategy may need, filled consistently."""
    rng = np.random.default_rng(seed)
    centers = np.array([[0.0, 0.0], [3.0, 0.0], [1.5, 2.5]])
    y_lab = np.repeat(np.arange(N_CLASSES), 4)
    X_lab = centers[y_lab] + rng.normal(scale=0.8, size=(len(y_lab), 2))
    X_pool = centers[rng.integers(0, N_CLASSES, N_POOL)] + rng.normal(size=(N_POOL, 2))
    model = LogisticRegression().fit(X_lab, y_lab)
    logits = X_pool @ model.coef_.T + model.intercept_
    draws = softmax(logits[None] + rng.normal(scale=1.0, size=(N_DRAWS, N_POOL, N_CLASSES)), -1)
    # Dataset indices: the labeled points are 0..11, the pool is a shuffled-free sorted subset.
    pool_indices = np.sort(rng.choice(np.arange(20, 200), N_POOL, replace=False))
    return Context(
        X_pool=X_pool,
        pool_indices=pool_indices,
        X_labeled=X_lab,
        y_labeled=y_lab,
        n_classes=N_CLASSES,
        model=model,
        probs=model.predict_proba(X_pool),
        probs_draws=draws,
        embeddings=X_pool,
        embeddings_labeled=X_lab,
        extra={
            "mean": rng.normal(size=N_POOL),
            "var_aleatoric": rng.uniform(0.1, 1.0, N_POOL),
            "var_epistemic": rng.uniform(0.0, 1.0, N_POOL),
            "predicted_loss": rng.uniform(0.0, 2.0, N_POOL),
            "costs": rng.uniform(0.5, 2.0, N_POOL),
        },
    )


def _permuted(ctx: Context, perm: np.ndarray) -> Context:
    return Context(
        X_pool=ctx.X_pool[perm],
        pool_indices=ctx.pool_indices[perm],
        X_labeled=ctx.X_labeled,
        y_labeled=ctx.y_labeled,
        n_classes=ctx.n_classes,
        model=ctx.model,
        probs=ctx.probs[perm],
        probs_draws=ctx.probs_draws[:, perm],
        embeddings=ctx.embeddings[perm],
        embeddings_labeled=ctx.embeddings_labeled,
        extra={k: v[perm] for k, v in ctx.extra.items()},
    )


@pytest.fixture(scope="module")
def ctx():
    return _context()


@pytest.mark.parametrize("name", ALL)
def test_declares_what_it_is(name):
    s = al.acquisition.get(name)
    assert s.name == name
    assert s.family in FAMILIES
    assert set(s.needs) <= NEEDS
    assert s.task in ("classification", "regression", "any")
    assert isinstance(s.batch_aware, bool)
    if name != "random":
        assert re.search(r"\b(19|20)\d\d\b", s.reference), "reference needs authors and a year"
    assert isinstance(s.get_params(), dict)
    assert repr(s).startswith(type(s).__name__ + "(")
    # get() builds the same strategy again from its parameters.
    assert repr(al.acquisition.get(name, **s.get_params())) == repr(s)


POINTWISE = [n for n in ALL if al.acquisition.get(n).pointwise]


def test_pointwise_strategies_are_the_expected_ones():
    # A strategy that silently lost (or gained) the flag changes how a big pool is scored.
    assert set(POINTWISE) == {
        "bald", "cost_sensitive", "entropy", "expected_gradient_length", "kl_disagreement",
        "least_confidence", "loss_prediction", "margin", "max_epistemic_variance",
        "max_total_variance", "mean_std", "ratio", "variation_ratios", "vote_entropy",
    }  # fmt: skip


@pytest.mark.parametrize("name", POINTWISE)
@settings(max_examples=25, deadline=None)
@given(cuts=st.lists(st.integers(1, N_POOL - 1), unique=True, max_size=5))
def test_a_pointwise_strategy_scores_the_pool_in_any_chunks(name, cuts):
    """Scores of the pool cut into chunks, concatenated, are the scores of the whole pool."""
    ctx = _context()
    s = al.acquisition.get(name)
    assert not s.batch_aware and type(s).select is Strategy.select  # top-k of the scores
    chunks = np.split(np.arange(N_POOL), sorted(cuts))
    parts = np.concatenate([s.score(_permuted(ctx, pos)) for pos in chunks])
    np.testing.assert_allclose(parts, s.score(ctx), rtol=1e-12, atol=0)


def test_cost_sensitive_is_pointwise_when_its_base_is():
    assert al.acquisition.get("cost_sensitive", base="bald").pointwise
    assert not al.acquisition.get("cost_sensitive", base="density_weighted").pointwise


@pytest.mark.parametrize("name", ALL)
def test_scores_have_one_finite_value_per_pool_point(name, ctx):
    s = al.acquisition.get(name).score(ctx)
    assert s.shape == (N_POOL,)
    assert np.isfinite(s).all()
    np.testing.assert_array_equal(s, al.acquisition.get(name).score(ctx))


@pytest.mark.parametrize("batch_size", [1, 3, N_POOL])
@pytest.mark.parametrize("name", ALL)
def test_select_returns_distinct_unlabeled_pool_indices(name, batch_size, ctx):
    q = al.acquisition.get(name).select(ctx, batch_size, np.random.default_rng(0))
    assert q.shape == (batch_size,)
    assert np.issubdtype(q.dtype, np.integer)
    assert len(set(q.tolist())) == batch_size
    assert set(q.tolist()) <= set(ctx.pool_indices.tolist())
    assert not set(q.tolist()) & set(range(12))  # never a labeled point


@pytest.mark.parametrize("name", ALL)
def test_same_seed_same_batch(name, ctx):
    s = al.acquisition.get(name)
    a = s.select(ctx, 4, 7)
    b = s.select(ctx, 4, np.random.default_rng(7))
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("name", ALL)
def test_select_does_not_change_the_context(name):
    ctx = _context()
    before = {k: np.copy(v) for k, v in vars(ctx).items() if isinstance(v, np.ndarray)}
    al.acquisition.get(name).select(ctx, 3, 0)
    for k, v in before.items():
        np.testing.assert_array_equal(getattr(ctx, k), v, err_msg=k)


@pytest.mark.parametrize("name", ALL)
def test_batch_larger_than_the_pool_is_a_clear_error(name, ctx):
    s = al.acquisition.get(name)
    with pytest.raises(ValueError, match=rf"batch_size={N_POOL + 1} is larger than the unlabeled"):
        s.select(ctx, N_POOL + 1, 0)
    for bad in (0, -1):
        with pytest.raises(ValueError, match=r"batch_size must be in \[1, inf\)"):
            s.select(ctx, bad, 0)
    for bad in (1.5, True):  # a bool is not an int: True is not a batch of 1
        with pytest.raises(TypeError, match="batch_size must be an int"):
            s.select(ctx, bad, 0)


@pytest.mark.parametrize("name", ALL)
def test_scores_are_permutation_equivariant(name, ctx):
    perm = np.random.default_rng(1).permutation(N_POOL)
    s = al.acquisition.get(name)
    np.testing.assert_allclose(s.score(_permuted(ctx, perm)), s.score(ctx)[perm], atol=1e-9)


@pytest.mark.parametrize("name", ALL)
def test_a_batch_of_one_is_a_top_scored_point(name, ctx):
    s = al.acquisition.get(name)
    scores = s.score(ctx)
    for seed in range(3):
        q = s.select(ctx, 1, seed)
        pos = np.searchsorted(ctx.pool_indices, q)
        assert scores[pos[0]] == pytest.approx(scores.max(), rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("name", ALL)
def test_explain_breaks_the_score_of_the_asked_points_into_parts(name, ctx):
    s = al.acquisition.get(name)
    pos = np.array([0, 5, 2])
    parts = s.explain(ctx, pos)
    assert "score" in parts
    np.testing.assert_allclose(parts["score"], s.score(ctx)[pos], rtol=1e-9, atol=1e-12)
    for key, value in parts.items():
        assert isinstance(value, np.ndarray) and value.shape[0] == 3, key
    assert s.explain(ctx, 4)["score"].shape == (1,)
    with pytest.raises(ValueError, match=r"positions must lie in \[0, 24\)"):
        s.explain(ctx, [N_POOL])


@pytest.mark.parametrize("name", [n for n in ALL if al.acquisition.get(n).needs])
def test_a_missing_need_names_the_strategy_and_the_need(name, ctx):
    bare = Context(X_pool=ctx.X_pool, pool_indices=ctx.pool_indices, n_classes=N_CLASSES)
    with pytest.raises(ValueError, match=rf"strategy '{name}' needs '\w+'"):
        al.acquisition.get(name).score(bare)
