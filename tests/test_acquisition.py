"""Known answers and properties of the acquisition strategies (contexts built by hand)."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import softmax
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

import alviz as al
from alviz._warnings import AlvizWarning
from alviz.acquisition import Context, batch_bald_batch, get

A = al.acquisition


@pytest.fixture(autouse=True, scope="module")
def _one_blas_thread():
    # Tiny problems: on a busy 2-core machine OpenBLAS threads only wait on each other
    # (scipy's L-BFGS inside LogisticRegression.fit measured 8x slower with 2 threads).
    with threadpool_limits(limits=1, user_api="blas"):
        yield


def _ctx(X_pool=None, n=None, **fields) -> Context:
    n = len(X_pool) if X_pool is not None else n
    X_pool = np.zeros((n, 1)) if X_pool is None else np.asarray(X_pool, dtype=float)
    return Context(X_pool=X_pool, pool_indices=np.arange(100, 100 + n), **fields)


def _entropy(p):
    p = np.asarray(p, dtype=float)
    return -np.sum(np.where(p > 0, p * np.log(np.where(p > 0, p, 1)), 0.0), axis=-1)


def _random_draws(rng, n_draws, n_pool, n_classes, spread=2.0):
    logits = rng.normal(size=(1, n_pool, n_classes)) + spread * rng.normal(
        size=(n_draws, n_pool, n_classes)
    )
    return softmax(logits, axis=-1)


# ------------------------------------------------------------------ uncertainty sampling
def test_margin_least_confidence_and_entropy_pick_the_point_nearest_the_boundary():
    # Symmetric labels around 0: the fitted boundary is x = 0.
    X_lab = np.array([[-3.0], [-2.0], [2.0], [3.0]])
    model = LogisticRegression().fit(X_lab, [0, 0, 1, 1])
    X_pool = np.array([[-1.5], [2.5], [0.6], [-0.2], [1.0]])
    ctx = _ctx(X_pool, probs=model.predict_proba(X_pool))
    for name in ("margin", "least_confidence", "entropy", "ratio"):
        assert get(name).select(ctx, 1, 0)[0] == 103, name
    parts = get("margin").explain(ctx, [3])
    assert parts["p1"][0] > 0.5 > parts["p2"][0]
    assert parts["score"][0] == pytest.approx(1 - (parts["p1"][0] - parts["p2"][0]))


def test_margin_and_ratio_scores_known_values():
    probs = np.array([[0.5, 0.3, 0.2], [0.9, 0.05, 0.05], [0.4, 0.4, 0.2]])
    np.testing.assert_allclose(A.margin_scores(probs), [0.8, 0.15, 1.0])
    np.testing.assert_allclose(A.ratio_scores(probs), [0.6, 0.05 / 0.9, 1.0])
    np.testing.assert_allclose(A.least_confidence_scores(probs), [0.5, 0.1, 0.6])


# ------------------------------------------------------------------ BALD and committees
def test_bald_exact_values_and_explanation():
    draws = np.array(
        [
            [[1.0, 0.0], [0.5, 0.5], [0.9, 0.1]],
            [[0.0, 1.0], [0.5, 0.5], [0.9, 0.1]],
        ]
    )  # point 0: sure draws that disagree; point 1: agreeing coin flips; point 2: agreement
    ctx = _ctx(n=3, probs_draws=draws)
    np.testing.assert_allclose(get("bald").score(ctx), [np.log(2), 0.0, 0.0], atol=1e-12)
    parts = get("bald").explain(ctx, [0, 1])
    np.testing.assert_allclose(parts["total"], [np.log(2), np.log(2)])
    np.testing.assert_allclose(parts["aleatoric"], [0.0, np.log(2)], atol=1e-12)
    # Entropy of the mean prefers nothing here; BALD prefers the disagreement.
    assert get("bald").select(ctx, 1, 0)[0] == 100


def test_committee_explanations_count_the_votes():
    draws = np.array([[[0.6, 0.4]], [[0.7, 0.3]], [[0.2, 0.8]], [[0.9, 0.1]]])
    ctx = _ctx(n=1, probs_draws=draws)
    np.testing.assert_allclose(get("vote_entropy").explain(ctx, 0)["votes"], [[0.75, 0.25]])
    np.testing.assert_allclose(get("variation_ratios").score(ctx), [0.25])
    kl = get("kl_disagreement").explain(ctx, 0)
    np.testing.assert_allclose(kl["consensus"], [[0.6, 0.4]])
    np.testing.assert_allclose(kl["score"], get("bald").score(ctx))  # KL to the mean = BALD


# ------------------------------------------------------------------ BatchBALD
def _joint_mi(draws, batch):
    """a_BatchBALD by brute-force enumeration of every joint label configuration."""
    n_classes = draws.shape[2]
    joint = np.zeros([n_classes] * len(batch))
    for ys in itertools.product(range(n_classes), repeat=len(batch)):
        joint[ys] = np.mean(
            np.prod([draws[:, i, y] for i, y in zip(batch, ys, strict=True)], axis=0)
        )
    return _entropy(joint.ravel()) - sum(_entropy(draws[:, i]).mean() for i in batch)


def test_batch_bald_agrees_with_brute_force_enumeration_of_the_joint():
    draws = _random_draws(np.random.default_rng(0), n_draws=5, n_pool=7, n_classes=3)
    res = batch_bald_batch(draws, 4, seed=0)
    assert res.exact.all()
    for i in range(4):
        assert res.scores[i] == pytest.approx(_joint_mi(draws, res.positions[: i + 1]), abs=1e-5)
        # Each pick is the greedy best among all points not yet picked.
        best = max(
            _joint_mi(draws, [*res.positions[:i], x])
            for x in range(7)
            if x not in res.positions[:i]
        )
        assert res.scores[i] == pytest.approx(best, abs=1e-5)


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 10_000), n_classes=st.integers(2, 4))
def test_batch_bald_joint_information_is_monotone_and_subadditive(seed, n_classes):
    draws = _random_draws(np.random.default_rng(seed), 4, 6, n_classes)
    res = batch_bald_batch(draws, 3, seed=seed)
    bald = A.bald_scores(draws)[res.positions]
    assert (res.gains >= 0).all()  # more labels never tell less
    assert res.scores[-1] <= bald.sum() + 1e-5  # the joint tells at most the sum of the parts
    assert res.scores[-1] == pytest.approx(_joint_mi(draws, res.positions), abs=1e-5)


def test_batch_bald_of_one_is_balds_top_pick():
    draws = _random_draws(np.random.default_rng(1), 10, 50, 4)
    ctx = _ctx(n=50, probs_draws=draws)
    for seed in range(3):
        top = get("bald").select(ctx, 1, seed)
        np.testing.assert_array_equal(get("batch_bald").select(ctx, 1, seed), top)
        assert top[0] == 100 + np.argmax(A.bald_scores(draws))


def test_batch_bald_does_not_query_copies_of_the_same_point():
    rng = np.random.default_rng(2)
    # Draws that disagree sharply on point 0 ...
    sharp = np.zeros((6, 1, 3))
    sharp[np.arange(6), 0, np.arange(6) % 3] = 1.0
    sharp = 0.98 * sharp + 0.02 / 3
    others = _random_draws(rng, 6, 20, 3, spread=0.7)
    draws = np.concatenate([sharp, sharp, sharp, others], axis=1)  # ... copied three times
    ctx = _ctx(n=23, probs_draws=draws)
    topk = get("bald").select(ctx, 3, 0)
    assert set(topk.tolist()) == {100, 101, 102}  # top-k BALD takes the three copies
    batch = get("batch_bald").select(ctx, 3, 0)
    assert len(set(batch.tolist()) & {100, 101, 102}) == 1


def test_lazy_greedy_picks_the_same_batch_as_the_full_greedy_when_exact():
    draws = _random_draws(np.random.default_rng(3), 8, 150, 3)
    lazy = batch_bald_batch(draws, 5, max_configurations=100, seed=0)
    full = batch_bald_batch(draws, 5, max_configurations=100, lazy=False, seed=0)
    assert lazy.exact.all()
    np.testing.assert_array_equal(lazy.positions, full.positions)
    np.testing.assert_allclose(lazy.gains, full.gains, rtol=1e-6, atol=1e-7)


def test_sampled_configurations_estimate_the_exact_joint():
    draws = _random_draws(np.random.default_rng(4), 6, 12, 3)
    res = batch_bald_batch(draws, 6, max_configurations=60, seed=0)
    # The 4th pick is scored over the 27 configurations of the first three; the 5th over 81 > 60.
    assert res.exact.tolist() == [True, True, True, True, False, False]
    assert res.scores[-1] == pytest.approx(_joint_mi(draws, res.positions), abs=0.05)


def test_batch_bald_rejects_bad_arguments():
    draws = _random_draws(np.random.default_rng(0), 3, 5, 2)
    with pytest.raises(ValueError, match=r"max_configurations must be in \[1, inf\).*The default"):
        batch_bald_batch(draws, 2, max_configurations=0)
    with pytest.raises(ValueError, match="3-D array of shape"):
        batch_bald_batch(draws[0], 2)


# ------------------------------------------------------------------ gradients
def test_gradient_embeddings_are_the_cross_entropy_gradient_of_a_softmax_layer():
    rng = np.random.default_rng(0)
    X, Wb = rng.normal(size=(5, 3)), rng.normal(size=(4, 4))  # [W | b], 4 classes, 3 features

    def loss(Wb, x, y):
        return -np.log(softmax(Wb[:, :3] @ x + Wb[:, 3])[y])

    probs = softmax(X @ Wb[:, :3].T + Wb[:, 3], axis=1)
    G = A.gradient_embeddings(probs, X)
    eps = 1e-6
    for i in range(5):
        y = probs[i].argmax()
        numeric = np.zeros_like(Wb)
        for j in np.ndindex(*Wb.shape):  # central finite differences
            step = np.zeros_like(Wb)
            step[j] = eps
            numeric[j] = (loss(Wb + step, X[i], y) - loss(Wb - step, X[i], y)) / (2 * eps)
        np.testing.assert_allclose(G[i], numeric.ravel(), atol=1e-7)


def test_expected_gradient_length_is_the_expected_norm_over_labels():
    rng = np.random.default_rng(1)
    probs, X = softmax(rng.normal(size=(6, 3)), 1), rng.normal(size=(6, 2))
    expected = sum(
        probs[:, y] * np.linalg.norm(A.gradient_embeddings(probs, X, labels=np.full(6, y)), axis=1)
        for y in range(3)
    )
    np.testing.assert_allclose(A.expected_gradient_length_scores(probs, X), expected)
    # A confident point far out moves the model less than an uncertain one of the same norm.
    p = np.array([[0.98, 0.01, 0.01], [0.34, 0.33, 0.33]])
    assert np.argmax(A.expected_gradient_length_scores(p, np.ones((2, 2)))) == 1


# ------------------------------------------------------------------ diversity
def test_coreset_picks_the_points_farthest_from_everything_labeled():
    E = np.array([[1.0, 0.0], [2.0, 0.0], [3.0, 0.0], [-3.0, 0.0], [0.0, 0.5]])
    ctx = _ctx(E, embeddings=E, embeddings_labeled=np.zeros((1, 2)), X_labeled=np.zeros((1, 2)))
    np.testing.assert_allclose(get("coreset").score(ctx), [1, 2, 3, 3, 0.5])
    for seed in range(4):
        assert set(get("coreset").select(ctx, 2, seed).tolist()) == {102, 103}
    # Then (1, 0) and (2, 0) are both 1 away from a center, (0, 0.5) only 0.5.
    assert get("coreset").select(ctx, 3, 0)[2] in (100, 101)


def test_kmeans_takes_one_representative_per_cluster():
    rng = np.random.default_rng(0)
    v = rng.normal(scale=0.1, size=(10, 2))
    blob = np.vstack([[0.0, 0.0], v, -v])  # symmetric: its mean is exactly its first point
    E = np.vstack([blob, blob + 5.0])
    ctx = _ctx(E, embeddings=E)
    for seed in range(3):
        assert set(get("kmeans").select(ctx, 2, seed).tolist()) == {100, 121}
    centre = np.argmin(np.linalg.norm(E - E.mean(0), axis=1))
    assert get("kmeans").select(ctx, 1, 0)[0] == 100 + centre


def test_diversity_strategies_never_query_copies_while_others_remain():
    rng = np.random.default_rng(0)
    E = np.vstack([np.repeat([[2.0, 2.0]], 5, axis=0), rng.normal(size=(6, 2))])
    probs = np.vstack([np.repeat([[0.5, 0.5]], 5, axis=0), softmax(rng.normal(size=(6, 2)), 1)])
    ctx = _ctx(E, embeddings=E, probs=probs, embeddings_labeled=np.zeros((0, 2)))
    for name, params in [
        ("badge", {}),
        ("coreset", {}),
        ("hybrid", {"diversity": "kcenter", "prefilter": 3}),
        ("hybrid", {"diversity": "kmeans", "prefilter": 3}),
    ]:
        for seed in range(3):
            q = get(name, **params).select(ctx, 4, seed)
            assert len(set(q.tolist()) & set(range(100, 105))) <= 1, (name, params, q)


def test_badge_starts_at_the_longest_gradient():
    probs = np.array([[0.9, 0.1], [0.5, 0.5], [0.6, 0.4]])
    E = np.array([[1.0, 1.0], [1.0, 1.0], [3.0, 3.0]])
    ctx = _ctx(E, embeddings=E, probs=probs)
    scores = get("badge").score(ctx)
    # ||p - e_yhat|| ||[h, 1]||: (0.1 sqrt 2)(sqrt 3), (0.5 sqrt 2)(sqrt 3), (0.4 sqrt 2)(sqrt 19)
    np.testing.assert_allclose(
        scores, np.sqrt(2) * np.array([0.1 * 3**0.5, 0.5 * 3**0.5, 0.4 * 19**0.5])
    )
    assert get("badge").select(ctx, 1, 0)[0] == 102


# ------------------------------------------------------------------ density, hybrid, costs
def test_information_density_prefers_an_uncertain_point_in_a_crowd_to_an_outlier():
    rng = np.random.default_rng(0)
    E = np.vstack([rng.normal(scale=0.3, size=(30, 2)), [[6.0, 6.0]]])
    probs = np.full((31, 2), [0.9, 0.1])
    probs[[0, 30]] = [0.5, 0.5]  # equally uncertain: one in the crowd, one alone
    ctx = _ctx(E, embeddings=E, probs=probs)
    assert get("entropy").score(ctx)[0] == get("entropy").score(ctx)[30]
    assert get("density_weighted").select(ctx, 1, 0)[0] == 100
    parts = get("density_weighted", beta=2.0).explain(ctx, [0, 30])
    assert parts["density"][0] > parts["density"][1]
    np.testing.assert_allclose(parts["score"], parts["uncertainty"] * parts["density"] ** 2)


def test_density_random_features_approximate_the_exact_rbf_mean(monkeypatch):
    E = np.random.default_rng(0).normal(size=(200, 3))
    exact = A.density(E)
    monkeypatch.setattr("alviz.acquisition.combined._EXACT_DENSITY", 0)
    approx = A.density(E, n_features=4096)
    np.testing.assert_allclose(approx, exact, atol=0.04)
    # Cosine: mean cosine to the pool, clipped at 0.
    U = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0]])
    np.testing.assert_allclose(A.density(U, similarity="cosine"), [0.0, 1 / 3, 0.0])


def test_cost_sensitive_ranks_by_score_per_unit_cost():
    probs = np.array([[0.5, 0.5], [0.5, 0.5], [0.8, 0.2]])
    costs = np.array([3.0, 1.0, 0.1])
    ctx = _ctx(n=3, probs=probs, extra={"costs": costs})
    s = get("cost_sensitive", base="entropy")
    np.testing.assert_allclose(s.score(ctx), A.entropy_scores(probs) / costs)
    assert s.select(ctx, 1, 0)[0] == 102
    assert get("cost_sensitive", base=get("margin")).needs == {"probs", "costs"}
    with pytest.raises(ValueError, match="costs must be finite, positive"):
        s.score(_ctx(n=3, probs=probs, extra={"costs": np.array([1.0, 0.0, 1.0])}))
    neg = _ctx(np.eye(3), embeddings=np.eye(3), extra={"costs": np.ones(3)})
    with pytest.raises(ValueError, match="non-negative"):
        get("cost_sensitive", base="kmeans").score(neg)


def test_hybrid_batch_of_one_is_the_base_strategys_pick_and_needs_follow_the_base():
    rng = np.random.default_rng(0)
    draws = _random_draws(rng, 5, 30, 3)
    E = rng.normal(size=(30, 2))
    ctx = _ctx(E, embeddings=E, probs_draws=draws, probs=draws.mean(0))
    h = get("hybrid", base="bald")
    assert h.needs == {"draws", "embeddings"}
    assert get("hybrid").needs == {"probs", "embeddings"}
    np.testing.assert_array_equal(h.select(ctx, 1, 0), get("bald").select(ctx, 1, 0))
    # Candidates are the 2 * 3 top BALD points; the batch comes from them.
    top = set(get("bald").select(ctx, 6, 0).tolist())
    assert set(get("hybrid", base="bald", prefilter=2).select(ctx, 3, 0).tolist()) <= top


# ------------------------------------------------------------------ conformal
def _blobs(rng, n):
    y = rng.integers(0, 3, n)
    X = np.array([[0.0, 0.0], [2.0, 0.0], [1.0, 1.7]])[y] + rng.normal(scale=0.7, size=(n, 2))
    return X, y


def test_conformal_sets_cover_new_points_at_the_target_rate():
    rng = np.random.default_rng(0)
    X_lab, y_lab = _blobs(rng, 150)
    X_pool, y_pool = _blobs(rng, 3000)
    model = LogisticRegression().fit(X_lab, y_lab)
    ctx = _ctx(
        X_pool,
        probs=model.predict_proba(X_pool),
        X_labeled=X_lab,
        y_labeled=y_lab,
        model=model,
        n_classes=3,
    )
    s = get("conformal_set_size", alpha=0.1)
    parts = s.explain(ctx, np.arange(3000))
    assert parts["calibrated"].all()
    coverage = parts["in_set"][np.arange(3000), y_pool].mean()
    assert 0.86 <= coverage <= 0.97
    # Bigger sets where the classes overlap: near the centre of the triangle, not at the corners.
    sizes = s.score(ctx)
    centre = np.linalg.norm(X_pool - [1.0, 0.57], axis=1) < 0.3
    assert sizes[centre].mean() > sizes[~centre].mean()
    # Randomized APS: seeded, so score() and explain() of one context agree, run after run.
    aps = get("conformal_set_size", alpha=0.1, method="aps", seed=3)
    first = aps.score(ctx)
    np.testing.assert_array_equal(first, aps.score(ctx))
    np.testing.assert_array_equal(first, aps.explain(ctx, np.arange(3000))["score"])
    assert not np.array_equal(first, get("conformal_set_size", method="aps", seed=4).score(ctx))


def test_conformal_falls_back_to_credible_sets_with_too_few_labels():
    probs = np.array([[0.5, 0.3, 0.2], [0.95, 0.03, 0.02]])
    X_lab, y_lab = np.eye(3), np.arange(3)
    ctx = _ctx(
        n=2,
        probs=probs,
        X_labeled=X_lab,
        y_labeled=y_lab,
        n_classes=3,
        model=LogisticRegression().fit(X_lab, y_lab),
    )
    with pytest.warns(AlvizWarning, match=r"3 labels are too few .* alpha=0.1 \(at least 9"):
        parts = get("conformal_set_size").explain(ctx, [0, 1])
    assert not parts["calibrated"].any()
    np.testing.assert_array_equal(parts["score"], [3, 1])
    np.testing.assert_array_equal(A.credible_sets(probs, alpha=0.25).sum(1), [2, 1])


# ------------------------------------------------------------------ regression
def test_regression_strategies_split_epistemic_from_total_variance():
    extra = {
        "mean": np.zeros(3),
        "var_aleatoric": np.array([5.0, 0.1, 0.1]),
        "var_epistemic": np.array([0.2, 1.0, 0.3]),
    }
    ctx = _ctx(n=3, extra=extra)
    assert get("max_epistemic_variance").select(ctx, 1, 0)[0] == 101  # noise is not ignorance
    assert get("max_total_variance").select(ctx, 1, 0)[0] == 100
    np.testing.assert_allclose(get("max_total_variance").score(ctx), [5.2, 1.1, 0.4])
    assert set(A.names(task="regression")) == {
        "max_epistemic_variance",
        "max_total_variance",
        "random",
    }
    with pytest.raises(ValueError, match="var_epistemic must be a non-negative"):
        get("max_epistemic_variance").score(
            _ctx(n=3, extra={**extra, "var_epistemic": -np.ones(3)})
        )


# ------------------------------------------------------------------ registry and context
def test_registry_lists_names_and_passes_instances_through():
    with pytest.raises(ValueError, match=r"unknown strategy 'nope'; available: .*batch_bald"):
        get("nope")
    s = get("batch_bald", max_configurations=64)
    assert get(s) is s
    assert repr(s) == "BatchBALD(max_configurations=64)"
    rows = {r["name"]: r for r in A.info()}
    assert rows["badge"]["batch_aware"] and not rows["entropy"]["batch_aware"]
    assert rows["hybrid"]["needs"] == ["embeddings", "probs"]


def test_context_arrays_of_the_wrong_length_are_a_clear_error():
    ctx = _ctx(n=4, probs=np.full((3, 2), 0.5))
    with pytest.raises(ValueError, match=r"context.probs must have one entry per pool point \(4\)"):
        get("entropy").score(ctx)
    ctx = _ctx(n=4, probs_draws=np.full((2, 3, 2), 0.5))
    with pytest.raises(ValueError, match=r"along axis 1"):
        get("bald").score(ctx)
    with pytest.raises(ValueError, match=r"needs 'costs' but context.extra has no 'costs'"):
        get("cost_sensitive").score(_ctx(n=4, probs=np.full((4, 2), 0.5)))
    ctx = _ctx(np.eye(2), embeddings=np.eye(2), X_labeled=np.eye(2))
    with pytest.raises(ValueError, match=r"needs context\.embeddings_labeled"):
        get("coreset").score(ctx)


def test_density_of_a_grid_is_measured_against_the_reference_pool():
    pool = np.random.default_rng(0).normal(scale=0.2, size=(50, 2))
    grid = np.array([[0.0, 0.0], [3.0, 3.0]])
    dens = A.density(grid, reference=pool)
    assert dens[0] > 0.5 > 0.01 > dens[1]
    probs = np.full((2, 2), 0.5)
    ctx = _ctx(grid, embeddings=grid, probs=probs, extra={"density_reference": pool})
    np.testing.assert_allclose(get("density_weighted").explain(ctx, [0, 1])["density"], dens)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), k=st.integers(1, 5))
def test_wrappers_reduce_to_their_base_when_their_own_term_is_neutral(seed, k):
    rng = np.random.default_rng(seed)
    probs = softmax(rng.normal(size=(12, 3)) * 2, axis=1)
    E = rng.normal(size=(12, 2))
    ctx = _ctx(E, probs=probs, embeddings=E, extra={"costs": np.ones(12)})
    base = get("margin").score(ctx)
    np.testing.assert_allclose(get("cost_sensitive", base="margin").score(ctx), base)
    np.testing.assert_allclose(get("density_weighted", base="margin", beta=0.0).score(ctx), base)
    top = set(get("margin").select(ctx, k, seed).tolist())
    hybrid = get("hybrid", base="margin", prefilter=1).select(ctx, k, seed)
    assert set(hybrid.tolist()) == top


def test_docstring_examples_run():
    import doctest

    from alviz.acquisition import batchbald

    for module in (A, batchbald):
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert result.attempted > 0 and result.failed == 0, module.__name__
