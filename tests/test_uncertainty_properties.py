"""Property tests (hypothesis) of the entropy decomposition and its fast path."""

import threading

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import alviz.uncertainty as U
from alviz.uncertainty import _fused


@st.composite
def draws(draw, max_draws=6, max_samples=8, max_classes=6, dtype=np.float64):
    """Random probability tensors of shape (n_draws, n_samples, n_classes), zeros included."""
    shape = (
        draw(st.integers(1, max_draws)),
        draw(st.integers(1, max_samples)),
        draw(st.integers(1, max_classes)),
    )
    raw = draw(
        arrays(
            np.float64,
            shape,
            elements=st.one_of(st.just(0.0), st.floats(0, 1, allow_subnormal=False)),
        )
    )
    raw[raw.sum(axis=-1) == 0] = 1.0  # an all-zero row becomes uniform
    return (raw / raw.sum(axis=-1, keepdims=True)).astype(dtype)


def reference(p):
    """The textbook formula in float64 with 0 log 0 = 0."""
    p = np.asarray(p, np.float64)

    def h(q):
        return -np.where(q > 0, q * np.log(np.where(q > 0, q, 1.0)), 0.0).sum(-1)

    total, aleatoric = h(p.mean(0)), h(p).mean(0)
    return total, aleatoric, total - aleatoric


@settings(max_examples=150, deadline=None)
@given(draws())
def test_total_is_aleatoric_plus_epistemic(p):
    d = U.decompose(p)
    np.testing.assert_allclose(d.total, d.aleatoric + d.epistemic, atol=1e-6)


@settings(max_examples=150, deadline=None)
@given(draws())
def test_epistemic_is_between_zero_and_log_c(p):
    d = U.decompose(p)
    assert (d.epistemic >= 0).all()
    assert (d.epistemic <= np.log(p.shape[2]) + 1e-12).all()
    assert (d.aleatoric >= 0).all() and (d.total <= np.log(p.shape[2]) + 1e-12).all()


@settings(max_examples=100, deadline=None)
@given(draws(), st.randoms(use_true_random=False))
def test_permuting_samples_permutes_outputs(p, random):
    perm = np.array(random.sample(range(p.shape[1]), p.shape[1]))
    d, dp = U.decompose(p), U.decompose(p[:, perm])
    for a, b in zip(d, dp, strict=True):
        np.testing.assert_allclose(b, a[perm], atol=1e-12)


@settings(max_examples=100, deadline=None)
@given(draws(), st.randoms(use_true_random=False))
def test_permuting_classes_changes_nothing(p, random):
    perm = np.array(random.sample(range(p.shape[2]), p.shape[2]))
    d, dp = U.decompose(p), U.decompose(p[:, :, perm])
    for a, b in zip(d, dp, strict=True):
        np.testing.assert_allclose(b, a, atol=1e-9)


@settings(max_examples=100, deadline=None)
@given(draws())
def test_agrees_with_the_numpy_formula(p):
    for got, want in zip(U.decompose(p), reference(p), strict=True):
        np.testing.assert_allclose(got, np.maximum(want, 0), atol=1e-9)
    np.testing.assert_allclose(U.kl_disagreement(p), reference(p)[2], atol=1e-9)


@settings(max_examples=100, deadline=None)
@given(draws(dtype=np.float32))
def test_float32_agrees_with_float64_within_1e_5(p):
    ref = reference(p)  # float64 maths on the same float32 values
    for got, want in zip(U.decompose(p), ref, strict=True):
        np.testing.assert_allclose(got, want, atol=1e-5 * max(1.0, np.log(p.shape[2])))


@settings(max_examples=60, deadline=None)
@given(draws())
def test_other_draws_measures_are_bounded(p):
    n_draws, _, n_classes = p.shape
    top = np.log(min(n_draws, n_classes))
    assert ((U.vote_entropy(p) >= -1e-12) & (U.vote_entropy(p) <= top + 1e-12)).all()
    vr = U.variation_ratio(p)
    assert ((vr >= 0) & (vr <= 1 - 1 / min(n_draws, n_classes) + 1e-12)).all()
    ms = U.mean_std(p)
    assert ((ms >= 0) & (ms <= 0.5 + 1e-12)).all()


@settings(max_examples=60, deadline=None)
@given(
    arrays(np.float64, (4, 6), elements=st.floats(-1e3, 1e3)),
    arrays(np.float64, (4, 6), elements=st.floats(0, 1e3)),
)
def test_regression_parts_add_up(means, variances):
    r = U.decompose_regression(means, variances)
    np.testing.assert_allclose(r.var_total, r.var_aleatoric + r.var_epistemic)
    assert (r.var_epistemic >= 0).all()
    np.testing.assert_allclose(r.var_epistemic, means.var(axis=0), rtol=1e-9, atol=1e-9)


# ---------------------------------------------------------------- the blocked, threaded path


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n_classes", [2, 3, 10, 41])
def test_blocks_and_threads_agree_with_the_formula(monkeypatch, dtype, n_classes):
    # Tiny blocks and forced threads exercise every branch on a small array:
    # many blocks, a last short block, grouped and plain row sums.
    monkeypatch.setattr(_fused, "_BLOCK_BYTES", 7 * 8 * n_classes * 5)
    monkeypatch.setattr(_fused, "_PARALLEL_MIN_ELEMENTS", 1)
    rng = np.random.default_rng(n_classes)
    p = rng.dirichlet(np.full(n_classes, 0.3), size=(7, 203)).astype(dtype)
    p[:, :20] = np.eye(n_classes, dtype=dtype)[rng.integers(0, n_classes, size=(7, 20))]
    atol = 1e-5 if dtype == np.float32 else 1e-10
    for got, want in zip(U.decompose(p), reference(p), strict=True):
        np.testing.assert_allclose(got, np.maximum(want, 0), atol=atol)
    bad = p.copy()
    bad[3, 150, 0] += 0.01
    with pytest.raises(ValueError, match="sum to 1"):
        U.decompose(bad)
    bad[3, 150, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        U.decompose(bad)


def test_large_float32_matches_float64_within_1e_5():
    rng = np.random.default_rng(0)
    p = rng.dirichlet(np.full(10, 0.5), size=(20, 3000)).astype(np.float32)
    for got, want in zip(U.decompose(p), reference(p), strict=True):
        np.testing.assert_allclose(got, want, atol=1e-5 * np.log(10))


def test_fast_path_does_not_touch_the_input():
    rng = np.random.default_rng(0)
    p = rng.dirichlet(np.ones(3), size=(4, 50)).astype(np.float32)
    before = p.copy()
    U.decompose(p)
    np.testing.assert_array_equal(p, before)


def test_non_contiguous_input():
    rng = np.random.default_rng(0)
    p = rng.dirichlet(np.ones(3), size=(50, 4)).transpose(1, 0, 2)  # a strided view
    for got, want in zip(U.decompose(p), reference(p), strict=True):
        np.testing.assert_allclose(got, np.maximum(want, 0), atol=1e-10)


def test_blas_threads_are_restored_also_with_concurrent_callers(monkeypatch):
    threadpoolctl = pytest.importorskip("threadpoolctl")

    def blas_threads():
        return [
            i["num_threads"] for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas"
        ]

    before = blas_threads()
    monkeypatch.setattr(_fused, "_PARALLEL_MIN_ELEMENTS", 1)
    rng = np.random.default_rng(0)
    p = rng.dirichlet(np.ones(4), size=(5, 300)).astype(np.float32)
    want = U.decompose(p).epistemic
    results = []

    def work():
        results.extend(np.allclose(U.decompose(p).epistemic, want) for _ in range(10))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [True] * 40
    assert blas_threads() == before
    assert _fused._LIMIT_USERS == 0
