"""Known answers, numerical safety and input checks of alviz.uncertainty."""

import numpy as np
import pytest

import alviz.uncertainty as U
from alviz.calibration import max_softmax_probability

LOG3 = np.log(3.0)

# Every measure over probabilities (n_samples, n_classes) runs through the same template.
PROBS_MEASURES = {
    "least_confidence": U.least_confidence,
    "margin": U.margin,
    "ratio_of_confidence": U.ratio_of_confidence,
    "entropy": U.entropy,
    "entropy_bits": lambda p: U.entropy(p, base="bits"),
    "max_softmax_probability": max_softmax_probability,
}

# ... and every measure over draws (n_draws, n_samples, n_classes).
DRAWS_MEASURES = {
    "expected_entropy": U.expected_entropy,
    "mutual_information": U.mutual_information,
    "total": lambda d: U.decompose(d).total,
    "aleatoric": lambda d: U.decompose(d).aleatoric,
    "epistemic": lambda d: U.decompose(d).epistemic,
    "variation_ratio": U.variation_ratio,
    "mean_std": U.mean_std,
    "vote_entropy": U.vote_entropy,
    "kl_disagreement": U.kl_disagreement,
}


def random_probs(rng, shape, alpha=1.0):
    return rng.dirichlet(np.full(shape[-1], alpha), size=shape[:-1])


# ---------------------------------------------------------------- known answers


def test_textbook_values():
    assert U.least_confidence([[0.5, 0.3, 0.2]]) == pytest.approx([0.5])
    assert U.margin([[0.5, 0.45, 0.05]]) == pytest.approx([0.05])
    assert U.entropy([[1 / 3, 1 / 3, 1 / 3]]) == pytest.approx([LOG3])
    assert U.entropy([[0.5, 0.5]], base="bits") == pytest.approx([1.0])
    assert U.ratio_of_confidence([[0.5, 0.25, 0.25]]) == pytest.approx([0.5])
    assert U.ratio_of_confidence([[0.4, 0.4, 0.2]]) == pytest.approx([1.0])


def test_margin_and_ratio_ignore_column_order():
    p = np.array([[0.05, 0.45, 0.5], [0.2, 0.7, 0.1]])
    np.testing.assert_allclose(U.margin(p), [0.05, 0.5])
    np.testing.assert_allclose(U.ratio_of_confidence(p), [0.9, 0.2 / 0.7])


def test_bald_is_zero_when_all_draws_agree():
    rng = np.random.default_rng(0)
    p = random_probs(rng, (1, 50, 4))
    draws = np.repeat(p, 7, axis=0)
    d = U.decompose(draws)
    np.testing.assert_allclose(d.epistemic, 0.0, atol=1e-12)
    np.testing.assert_allclose(d.total, U.entropy(p[0]), rtol=1e-12)
    np.testing.assert_allclose(U.kl_disagreement(draws), 0.0, atol=1e-12)
    np.testing.assert_allclose(U.mean_std(draws), 0.0, atol=1e-12)


@pytest.mark.parametrize("n_classes", [2, 3, 10])
def test_bald_is_log_c_when_each_draw_is_sure_of_another_class(n_classes):
    draws = np.eye(n_classes)[:, None, :]  # draw t is one-hot on class t
    d = U.decompose(draws)
    assert d.epistemic == pytest.approx([np.log(n_classes)])
    assert d.aleatoric == pytest.approx([0.0])
    assert U.mutual_information(draws) == pytest.approx([np.log(n_classes)])
    assert U.vote_entropy(draws) == pytest.approx([np.log(n_classes)])
    assert U.variation_ratio(draws) == pytest.approx([1 - 1 / n_classes])
    assert U.kl_disagreement(draws) == pytest.approx([np.log(n_classes)])


def test_votes_known_answer():
    # 4 draws vote 0, 0, 0, 1 (classes by argmax) for one sample.
    draws = np.array([[[0.9, 0.1]], [[0.6, 0.4]], [[0.7, 0.3]], [[0.2, 0.8]]])
    assert U.variation_ratio(draws) == pytest.approx([0.25])
    h = -(0.75 * np.log(0.75) + 0.25 * np.log(0.25))
    assert U.vote_entropy(draws) == pytest.approx([h])


def test_mean_std_known_answer():
    # Two draws [1, 0] and [0, 1]: std of each class over draws is 0.5.
    draws = np.array([[[1.0, 0.0]], [[0.0, 1.0]]])
    assert U.mean_std(draws) == pytest.approx([0.5])


def test_kl_disagreement_equals_mutual_information():
    rng = np.random.default_rng(1)
    draws = random_probs(rng, (6, 40, 5), alpha=0.3)
    np.testing.assert_allclose(U.kl_disagreement(draws), U.mutual_information(draws), atol=1e-9)


def test_decompose_returns_named_float64_parts():
    d = U.decompose(np.full((2, 3, 4), 0.25, np.float32))
    assert isinstance(d, U.Decomposition)
    assert d._fields == ("total", "aleatoric", "epistemic")
    for part in d:
        assert part.shape == (3,) and part.dtype == np.float64
    np.testing.assert_allclose(d.total, np.log(4), rtol=1e-6)
    np.testing.assert_allclose(d.epistemic, 0.0, atol=1e-6)


def test_decompose_regression_known_answer():
    means = np.array([[1.0, 0.0], [3.0, 0.0]])
    variances = np.array([[0.5, 2.0], [1.5, 2.0]])
    r = U.decompose_regression(means, variances)
    assert isinstance(r, U.RegressionDecomposition)
    np.testing.assert_allclose(r.mean, [2.0, 0.0])
    np.testing.assert_allclose(r.var_aleatoric, [1.0, 2.0])
    np.testing.assert_allclose(r.var_epistemic, [1.0, 0.0])
    np.testing.assert_allclose(r.var_total, [2.0, 2.0])


def test_decompose_regression_matches_the_mixture_variance():
    # The law of total variance, checked against sampling the Gaussian mixture.
    rng = np.random.default_rng(0)
    mu, s2 = rng.normal(size=(5, 1)), rng.uniform(0.1, 1.0, size=(5, 1))
    comp = rng.integers(0, 5, 400_000)
    y = rng.normal(mu[comp, 0], np.sqrt(s2[comp, 0]))
    assert U.decompose_regression(mu, s2).var_total[0] == pytest.approx(y.var(), rel=0.01)


# ---------------------------------------------------------------- numerical safety


@pytest.mark.parametrize("name", PROBS_MEASURES)
def test_probs_template(name):
    f = PROBS_MEASURES[name]
    rng = np.random.default_rng(0)
    p = random_probs(rng, (30, 4))
    out64 = f(p)
    assert out64.shape == (30,) and np.isfinite(out64).all()
    # float32 accepted and close to float64.
    np.testing.assert_allclose(f(p.astype(np.float32)), out64, atol=1e-5)
    # One-hot rows (0 log 0) give finite values, not NaN.
    assert np.isfinite(f(np.eye(4))).all()
    # Rows summing to 1 within a tolerance are accepted.
    assert np.isfinite(f(p * (1 + 1e-5))).all()
    # Permuting samples permutes the outputs.
    perm = rng.permutation(30)
    np.testing.assert_allclose(f(p[perm]), out64[perm])
    # Permuting the classes changes nothing.
    np.testing.assert_allclose(f(p[:, ::-1]), out64, atol=1e-12)
    # Lists work like arrays.
    np.testing.assert_allclose(f(p.tolist()), out64)


@pytest.mark.parametrize("name", DRAWS_MEASURES)
def test_draws_template(name):
    f = DRAWS_MEASURES[name]
    rng = np.random.default_rng(0)
    d = random_probs(rng, (5, 30, 4), alpha=0.5)
    out64 = f(d)
    assert out64.shape == (30,) and np.isfinite(out64).all() and (out64 >= 0).all()
    np.testing.assert_allclose(f(d.astype(np.float32)), out64, atol=2e-5)
    one_hot = np.eye(4)[rng.integers(0, 4, size=(5, 30))]
    assert np.isfinite(f(one_hot)).all()
    assert np.isfinite(f(d * (1 + 1e-5))).all()
    perm = rng.permutation(30)
    np.testing.assert_allclose(f(d[:, perm]), out64[perm], atol=1e-12)
    # Rejections, with the argument's name and a hint.
    with pytest.raises(ValueError, match=r"probs_draws.*\(n_draws, n_samples, n_cl.*sample_proba"):
        f(d[0])
    bad = d.copy()
    bad[1, 2, 3] = np.nan
    with pytest.raises(ValueError, match="probs_draws contains 1 NaN"):
        f(bad)
    bad[1, 2, 3] = np.inf
    with pytest.raises(ValueError, match="inf"):
        f(bad)


def test_zero_log_zero_is_zero():
    assert U.entropy([[1.0, 0.0, 0.0]]) == pytest.approx([0.0])
    d = U.decompose(np.array([[[1.0, 0.0]], [[1.0, 0.0]]], np.float32))
    assert d.total == pytest.approx([0.0]) and d.aleatoric == pytest.approx([0.0])


def test_tiny_negative_rounding_is_tolerated():
    d = np.array([[[1 + 1e-9, -1e-9, 0.0]], [[0.5, 0.5, 0.0]]])
    out = U.decompose(d)
    assert np.isfinite(out.total).all()
    assert out.epistemic[0] >= 0


def test_integer_input_is_accepted():
    np.testing.assert_allclose(U.mutual_information(np.eye(2, dtype=int)[:, None, :]), [np.log(2)])


def test_empty_samples():
    d = U.decompose(np.zeros((3, 0, 4)))
    assert all(part.shape == (0,) for part in d)


# ---------------------------------------------------------------- bad input


def test_2d_where_draws_are_needed_points_to_sample_proba():
    with pytest.raises(ValueError) as info:
        U.mutual_information(np.full((5, 3), 1 / 3))
    msg = str(info.value)
    assert "probs_draws" in msg and "(5, 3)" in msg and "sample_proba(X, n_draws=" in msg


def test_3d_where_probs_are_needed_says_so():
    with pytest.raises(ValueError, match=r"\(n_samples, n_classes\).*draws"):
        U.entropy(np.full((2, 5, 3), 1 / 3))


def test_1d_probs_hint():
    with pytest.raises(ValueError, match=r"probs\[None, :\]"):
        U.margin([0.5, 0.5])


@pytest.mark.parametrize(
    ("draws", "match"),
    [
        (np.array([[[0.7, 0.7]]]), "sum to 1"),  # unnormalised
        (np.array([[[1.5, -0.5]]]), r"\[0, 1\]"),  # logits-like, sums to 1
        (np.array([[[2.0, 3.0]]]), r"\[0, 1\]"),
        (np.array([[[np.nan, 1.0]]]), "NaN"),
        (np.array([[[-np.inf, 1.0]]]), "inf"),
    ],
)
def test_decompose_rejects_invalid_probabilities(draws, match):
    with pytest.raises(ValueError, match=match):
        U.decompose(draws)


@pytest.mark.parametrize("n_samples", [1000, 999])  # row groups that do and do not divide
@pytest.mark.parametrize("name", DRAWS_MEASURES)
def test_one_bad_draw_among_many_is_caught(name, n_samples):
    # Rows of other draws are fine, and this one's error cancels in the mean over draws.
    d = np.full((4, n_samples, 2), 0.5, np.float32)
    d[1, 500] = [0.5, 0.4]
    d[2, 500] = [0.5, 0.6]
    with pytest.raises(ValueError, match="sum to 1"):
        DRAWS_MEASURES[name](d)
    d[1, 500] = [1.5, -0.5]
    d[2, 500] = [0.5, 0.5]
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        DRAWS_MEASURES[name](d)


def test_non_numeric_input():
    with pytest.raises(TypeError, match="probs_draws must hold numbers"):
        U.decompose(np.array([[["a", "b"]]]))


def test_margin_needs_two_classes():
    with pytest.raises(ValueError, match="at least 2 classes"):
        U.margin([[1.0]])


def test_entropy_base():
    with pytest.raises(ValueError, match="base must be 'nats' or 'bits'"):
        U.entropy([[1.0]], base="dits")


@pytest.mark.parametrize(
    ("means", "variances", "match"),
    [
        (np.zeros(3), np.zeros(3), r"means_draws.*\(n_draws, n_samples\).*np.stack"),
        (np.zeros((2, 3)), np.zeros((2, 4)), r"vars_draws.*same shape.*\(2, 3\).*\(2, 4\)"),
        (np.zeros((2, 3)), -np.ones((2, 3)), "non-negative"),
        (np.full((2, 3), np.nan), np.zeros((2, 3)), "NaN"),
    ],
)
def test_decompose_regression_rejects(means, variances, match):
    with pytest.raises(ValueError, match=match):
        U.decompose_regression(means, variances)
