"""Every loss against its formula on hand-made tensors, plus identities between them."""

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.special import digamma, gammaln, log_softmax, softmax

from alviz import losses as L

LOGITS = torch.tensor([[2.0, 0.5, -1.0], [0.1, 0.2, 0.3], [-3.0, 4.0, 0.0]], dtype=torch.float64)
TARGET = torch.tensor([0, 2, 1])


def np_logp():
    return log_softmax(LOGITS.numpy(), axis=1)


def test_cross_entropy_is_minus_log_p_of_the_target():
    expected = -np_logp()[np.arange(3), TARGET.numpy()]
    np.testing.assert_allclose(L.cross_entropy(LOGITS, TARGET, reduction="none"), expected)
    assert L.cross_entropy(LOGITS, TARGET).item() == pytest.approx(expected.mean())
    assert L.cross_entropy(LOGITS, TARGET, reduction="sum").item() == pytest.approx(expected.sum())


def test_label_smoothing_against_its_smoothed_target():
    eps = 0.2
    q = np.full((3, 3), eps / 3)
    q[np.arange(3), TARGET.numpy()] += 1 - eps
    expected = -(q * np_logp()).sum(axis=1)
    got = L.label_smoothing_loss(LOGITS, TARGET, smoothing=eps, reduction="none")
    np.testing.assert_allclose(got, expected)
    torch_ls = F.cross_entropy(LOGITS, TARGET, label_smoothing=eps)
    assert L.label_smoothing_loss(LOGITS, TARGET, smoothing=eps).item() == pytest.approx(
        torch_ls.item()
    )


def test_confidence_penalty_subtracts_beta_entropy():
    logp = np_logp()
    entropy = -(np.exp(logp) * logp).sum(axis=1)
    nll = -logp[np.arange(3), TARGET.numpy()]
    got = L.confidence_penalty(LOGITS, TARGET, beta=0.3, reduction="none")
    np.testing.assert_allclose(got, nll - 0.3 * entropy)


def test_focal_loss_formula_with_class_weights():
    p_y = softmax(LOGITS.numpy(), axis=1)[np.arange(3), TARGET.numpy()]
    alpha = np.array([0.25, 0.5, 1.0])
    expected = -alpha[TARGET.numpy()] * (1 - p_y) ** 2 * np.log(p_y)
    got = L.focal_loss(LOGITS, TARGET, gamma=2.0, alpha=torch.tensor(alpha), reduction="none")
    np.testing.assert_allclose(got, expected)
    with pytest.raises(ValueError, match="alpha must have shape"):
        L.focal_loss(LOGITS, TARGET, alpha=torch.ones(2))


finite = st.floats(-20, 20, allow_nan=False, width=64)


@settings(max_examples=20, deadline=None)
@given(
    arrays(np.float64, (4, 3), elements=finite), st.lists(st.integers(0, 2), min_size=4, max_size=4)
)
def test_losses_reduce_to_cross_entropy_at_their_neutral_setting(logits, target):
    z, y = torch.tensor(logits), torch.tensor(target)
    ce = L.cross_entropy(z, y, reduction="none")
    for other in (
        L.label_smoothing_loss(z, y, smoothing=0.0, reduction="none"),
        L.confidence_penalty(z, y, beta=0.0, reduction="none"),
        L.focal_loss(z, y, gamma=0.0, reduction="none"),
        # no noise at all: exp(-inf / 2) = 0
        L.heteroscedastic_classification_loss(
            z, torch.full((4, 1), -math.inf, dtype=z.dtype), y, n_samples=3, reduction="none"
        ),
    ):
        np.testing.assert_allclose(other, ce, rtol=1e-9, atol=1e-9)


def test_heteroscedastic_loss_is_the_log_of_the_mc_averaged_softmax():
    log_var = torch.tensor([[0.0], [1.0], [-2.0]], dtype=torch.float64)
    eps = torch.randn((5, 3, 3), generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    z = LOGITS.numpy()[None] + np.exp(0.5 * log_var.numpy())[None] * eps.numpy()
    p_y = softmax(z, axis=2)[:, np.arange(3), TARGET.numpy()]  # (T, n)
    expected = -np.log(p_y.mean(axis=0))
    got = L.heteroscedastic_classification_loss(LOGITS, log_var, TARGET, eps=eps, reduction="none")
    np.testing.assert_allclose(got, expected, rtol=1e-10)
    per_class = log_var.expand(3, 3).clone()
    got2 = L.heteroscedastic_classification_loss(
        LOGITS, per_class, TARGET, eps=eps, reduction="none"
    )
    np.testing.assert_allclose(got2, expected, rtol=1e-10)


def test_heteroscedastic_loss_attenuates_a_confidently_wrong_label():
    # Logits confident in class 0, label 2: more noise lowers the loss (the attenuation).
    z, y = torch.tensor([[6.0, 0.0, 0.0]]), torch.tensor([2])
    eps = torch.randn((200, 1, 3), generator=torch.Generator().manual_seed(1))
    low = L.heteroscedastic_classification_loss(z, torch.tensor([[-4.0]]), y, eps=eps)
    high = L.heteroscedastic_classification_loss(z, torch.tensor([[3.0]]), y, eps=eps)
    assert high < low


def test_heteroscedastic_loss_checks_shapes():
    with pytest.raises(ValueError, match="log_var must be a tensor of shape"):
        L.heteroscedastic_classification_loss(LOGITS, torch.zeros(3), TARGET)
    with pytest.raises(ValueError, match="eps must have shape"):
        L.heteroscedastic_classification_loss(
            LOGITS, torch.zeros(3, 1), TARGET, eps=torch.zeros(2, 3)
        )


def test_gaussian_nll_formula_and_torch_agreement():
    mean = torch.tensor([0.0, 1.0, -2.0], dtype=torch.float64)
    log_var = torch.tensor([0.0, -1.0, 2.0], dtype=torch.float64)
    y = torch.tensor([0.5, 1.0, 1.0], dtype=torch.float64)
    expected = 0.5 * (log_var + (y - mean) ** 2 / torch.exp(log_var))
    np.testing.assert_allclose(L.gaussian_nll(mean, log_var, y, reduction="none"), expected)
    full = L.gaussian_nll(mean, log_var, y, full=True)
    ref = F.gaussian_nll_loss(mean, y, torch.exp(log_var), full=True)
    assert full.item() == pytest.approx(ref.item())


def test_beta_nll_weights_by_detached_variance():
    mean = torch.tensor([0.0, 1.0, -2.0], dtype=torch.float64, requires_grad=True)
    log_var = torch.tensor([0.0, -1.0, 2.0], dtype=torch.float64)
    y = torch.tensor([0.5, 1.0, 1.0], dtype=torch.float64)
    nll = L.gaussian_nll(mean, log_var, y, reduction="none")
    got = L.beta_nll(mean, log_var, y, beta=0.5, reduction="none")
    np.testing.assert_allclose(got.detach(), (torch.exp(0.5 * log_var) * nll).detach())
    # beta = 1: the mean gets the squared error's gradient, whatever the variance.
    L.beta_nll(mean, log_var, y, beta=1.0, reduction="sum").backward()
    np.testing.assert_allclose(mean.grad, (mean - y).detach())
    assert L.beta_nll(mean, log_var, y, beta=0.0).item() == pytest.approx(
        L.gaussian_nll(mean, log_var, y).item()
    )
    with pytest.raises(ValueError, match="beta must be in"):
        L.beta_nll(mean, log_var, y, beta=2.0)


def np_kl_to_uniform(alpha):
    s = alpha.sum(axis=1)
    k = alpha.shape[1]
    return (
        gammaln(s)
        - gammaln(k)
        - gammaln(alpha).sum(axis=1)
        + ((alpha - 1) * (digamma(alpha) - digamma(s)[:, None])).sum(axis=1)
    )


def test_dirichlet_kl_to_uniform():
    alpha = np.array([[1.0, 1.0, 1.0], [2.0, 5.0, 1.5], [10.0, 1.0, 1.0]])
    np.testing.assert_allclose(
        L.dirichlet_kl_to_uniform(torch.tensor(alpha)), np_kl_to_uniform(alpha)
    )
    assert L.dirichlet_kl_to_uniform(torch.ones(1, 4)).item() == pytest.approx(0.0, abs=1e-6)


@pytest.mark.parametrize("kind", ["mse", "log", "digamma"])
def test_evidential_loss_formula_and_annealing(kind):
    evidence = np.array([[4.0, 0.5, 0.0], [0.0, 0.0, 0.0], [1.0, 9.0, 2.0]])
    y = np.eye(3)[TARGET.numpy()]
    alpha = evidence + 1
    s = alpha.sum(axis=1, keepdims=True)
    p = alpha / s
    risk = {
        "mse": ((y - p) ** 2 + p * (1 - p) / (s + 1)).sum(axis=1),
        "log": (y * (np.log(s) - np.log(alpha))).sum(axis=1),
        "digamma": (y * (digamma(s) - digamma(alpha))).sum(axis=1),
    }[kind]
    kl = np_kl_to_uniform(y + (1 - y) * alpha)
    ev = torch.tensor(evidence)
    for epoch, lam in [(0, 0.0), (5, 0.5), (10, 1.0), (50, 1.0)]:
        got = L.evidential_loss(
            ev, TARGET, epoch=epoch, annealing_epochs=10, kind=kind, reduction="none"
        )
        np.testing.assert_allclose(got, risk + lam * kl, rtol=1e-10)
    with pytest.raises(ValueError, match="kind must be"):
        L.evidential_loss(ev, TARGET, kind="hinge")


def test_loss_prediction_ranking_loss_by_hand():
    pred = torch.tensor([3.0, 1.0, 0.0, 2.5])
    true = torch.tensor([1.0, 0.0, 2.0, 0.0])
    # pairs (0, 2): l0 < l2 -> sign -1 -> max(0, 1 + (3 - 0)) = 4
    #       (1, 3): l1 = l3 -> sign -1 -> max(0, 1 + (1 - 2.5)) = 0
    got = L.loss_prediction_loss(pred, true, margin=1.0, reduction="none")
    np.testing.assert_allclose(got, [4.0, 0.0])
    assert L.loss_prediction_loss(pred, true).item() == pytest.approx(2.0)
    # An odd last example is dropped; the target is not differentiated.
    pred5 = torch.tensor([3.0, 1.0, 0.0, 2.5, 7.0], requires_grad=True)
    true5 = torch.tensor([1.0, 0.0, 2.0, 0.0, 1.0], requires_grad=True)
    L.loss_prediction_loss(pred5, true5).backward()
    assert pred5.grad[-1] == 0 and true5.grad is None
    with pytest.raises(ValueError, match="at least 2"):
        L.loss_prediction_loss(pred[:1], true[:1])


def test_loss_prediction_module_pools_maps_and_predicts_one_number_per_example():
    torch.manual_seed(0)
    mod = L.LossPredictionModule([4, 3], hidden=5)
    out = mod([torch.randn(6, 4, 2, 2), torch.randn(6, 3)])
    assert out.shape == (6,)
    with pytest.raises(ValueError, match="expected 2 feature maps"):
        mod([torch.randn(6, 4)])


def test_mutual_information_of_agreeing_and_disagreeing_draws():
    same = torch.tensor([[[2.0, -1.0]], [[2.0, -1.0]]])
    assert L.mutual_information(same).item() == pytest.approx(0.0, abs=1e-7)
    # Two confident draws that disagree: MI -> log 2.
    opposite = torch.tensor([[[30.0, -30.0]], [[-30.0, 30.0]]])
    assert L.mutual_information(opposite).item() == pytest.approx(math.log(2), rel=1e-6)


def test_uncertainty_weights_and_weighted_loss():
    u = torch.tensor([0.0, 1.0, 3.0])
    w = L.uncertainty_weights(u, strength=1.0)
    expected = 1 + u / u.mean()
    np.testing.assert_allclose(w, expected / expected.mean())
    assert w.mean().item() == pytest.approx(1.0)
    np.testing.assert_allclose(L.uncertainty_weights(u, strength=0.0), 1.0)
    np.testing.assert_allclose(L.uncertainty_weights(torch.zeros(3)), 1.0)
    per = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    got = L.uncertainty_weighted_loss(per, u, strength=1.0)
    assert got.item() == pytest.approx((w * per).mean().item())
    with pytest.raises(ValueError, match="same shape"):
        L.uncertainty_weighted_loss(per, u[:2])


def test_bad_inputs_are_clear_errors():
    with pytest.raises(TypeError, match="integer class indices"):
        L.cross_entropy(LOGITS, TARGET.double())
    with pytest.raises(ValueError, match="target must have shape"):
        L.focal_loss(LOGITS, TARGET[:2])
    with pytest.raises(ValueError, match="reduction must be"):
        L.cross_entropy(LOGITS, TARGET, reduction="avg")
    with pytest.raises(TypeError, match=r"torch\.Tensor"):
        L.cross_entropy(LOGITS.numpy(), TARGET)
    with pytest.raises(ValueError, match="unknown loss"):
        L.get_classification_loss("hinge")
    assert L.get_classification_loss("focal") is L.focal_loss
