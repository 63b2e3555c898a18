"""Issue 16: the fast paths give the same answers, and the torch/GPU path of the draws kernels.

CPU tests check that the shortcuts of ``Session.step`` (test rows predicted with
the pool, scores reused by the base ``select``), the O(n) ``top_k`` and the
torch kernels agree with the plain computations; ``@pytest.mark.gpu`` tests run
the same on CUDA and are skipped without a device.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.linear_model import LogisticRegression

import alviz as al
from alviz.acquisition import top_k
from alviz.acquisition.batchbald import _batch_bald_torch, batch_bald_batch
from alviz.calibration import (
    brier_score,
    expected_calibration_error,
    negative_log_likelihood,
    probability_scores,
)
from alviz.models import _torch_utils
from alviz.models._torch_base import TorchMixin
from alviz.uncertainty._torch import decompose_torch

CUDA = torch.cuda.is_available()
gpu = pytest.mark.skipif(not CUDA, reason="needs a CUDA device")


def _draws(seed, n_draws=8, n=300, c=3, alpha=0.5):
    r = np.random.default_rng(seed)
    return r.dirichlet(np.full(c, alpha), size=(n_draws, n)).astype(np.float32)


# ------------------------------------------------------------------ top_k
@settings(max_examples=60, deadline=None)
@given(st.integers(1, 300), st.integers(0, 10_000), st.booleans())
def test_top_k_is_the_full_lexsort(n, seed, ties):
    r = np.random.default_rng(seed)
    scores = r.integers(0, 4, n).astype(float) if ties else r.random(n)
    k = int(r.integers(1, n + 1))
    expected = np.lexsort((np.random.default_rng(seed).random(n), -scores))[:k]
    assert np.array_equal(top_k(scores, k, np.random.default_rng(seed)), expected)


# ------------------------------------------------------------------ session shortcuts
def test_probability_scores_are_the_three_functions():
    p = _draws(0, n_draws=1)[0].astype(np.float64)
    y = np.random.default_rng(1).integers(0, 3, len(p))
    got = probability_scores(p, y)
    assert got == {
        "nll": negative_log_likelihood(p, y),
        "ece": expected_calibration_error(p, y),
        "brier": brier_score(p, y),
    }
    with pytest.raises(ValueError, match="probs"):
        probability_scores(p * 2, y)


@pytest.mark.parametrize("model", ["logreg", LogisticRegression()])
@pytest.mark.parametrize("strategy", ["entropy", "bald"])
def test_step_metrics_equal_evaluate_before_the_step(model, strategy):
    ds = al.datasets.load("moons", n_samples=300, noise=0.2, seed=0)
    s = al.Session(ds, model=model, strategy=strategy, initial=10, seed=0)
    for _ in range(3):
        expected = s.evaluate()  # the model the step fits, test rows predicted alone
        s.step()
        assert s.history[-1].metrics == pytest.approx(expected, rel=1e-12, abs=1e-15)


def test_step_picks_the_same_points_as_select():
    """The step reuses its scores for the base select: same choice as strategy.select."""
    ds = al.datasets.load("blobs", n_samples=300, seed=0)
    s = al.Session(ds, model="logreg", strategy="margin", batch_size=3, initial=10, seed=0)
    for _ in range(3):
        s.fit()
        pool = s._queryable()
        rng = np.random.default_rng(0)
        rng.bit_generator.state = s._rng.bit_generator.state
        expected = s.strategy.select(s.context(), 3, rng)
        assert np.array_equal(pool, s.pool_indices)
        assert np.array_equal(s.step(), expected)
        assert s.undo() and s.step().tolist() == expected.tolist()  # undo restores the draw


# ------------------------------------------------------------------ torch kernels on CPU
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_decompose_on_a_tensor_equals_numpy(dtype):
    p = _draws(2, c=5)
    d_np = al.uncertainty.decompose(p)
    d_t = al.uncertainty.decompose(torch.from_numpy(p).to(dtype))
    for a, b in zip(d_np, d_t, strict=True):
        assert isinstance(b, torch.Tensor) and b.dtype == dtype
        np.testing.assert_allclose(b.numpy(), a, atol=2e-6)
    mi = al.uncertainty.mutual_information(torch.from_numpy(p))
    np.testing.assert_allclose(mi.numpy(), al.uncertainty.mutual_information(p), atol=2e-6)
    # The device kernel (what a CUDA tensor runs), here run on the CPU.
    for a, b in zip(d_np, decompose_torch(torch.from_numpy(p).to(dtype)), strict=True):
        np.testing.assert_allclose(b.numpy(), a, atol=2e-6)


def test_decompose_tensor_refuses_what_numpy_refuses():
    p = torch.from_numpy(_draws(3))
    with pytest.raises(ValueError, match="rows that do not sum to 1"):
        decompose_torch(p * 1.5)
    with pytest.raises(ValueError, match="non-finite"):
        decompose_torch(torch.full((2, 3, 2), float("nan")))
    with pytest.raises(ValueError, match="probs_draws"):
        al.uncertainty.decompose(p * 1.5)  # a CPU tensor: checked by the numpy kernel
    with pytest.raises(ValueError, match="3 dimensions"):
        decompose_torch(p[0])
    with pytest.raises(ValueError, match="outside"):
        decompose_torch(p - 0.5)


@pytest.mark.parametrize("seed", range(4))
def test_batch_bald_on_a_tensor_equals_numpy_while_exact(seed):
    p = _draws(seed)
    a = batch_bald_batch(p, 4, seed=0)
    b = _batch_bald_torch(torch.from_numpy(p), 4, 512, seed=0)  # the device kernel, on CPU
    assert b.exact.all() and a.exact.all()
    c = batch_bald_batch(torch.from_numpy(p), 4, seed=0)  # a CPU tensor: the numpy path
    assert c.positions.tolist() == a.positions.tolist()
    assert b.positions.tolist() == a.positions.tolist()
    np.testing.assert_allclose(b.gains, a.gains, atol=1e-5)


def test_batch_bald_on_a_tensor_sampled_joint_is_close():
    p = _draws(7, n_draws=20, n=400, c=10)
    a = batch_bald_batch(p, 6, seed=0)
    b = _batch_bald_torch(torch.from_numpy(p), 6, 512, seed=0)
    assert not b.exact[-1]
    assert b.positions[:3].tolist() == a.positions[:3].tolist()  # exact part
    assert len(set(b.positions.tolist())) == 6
    # The sampled joint's gains are estimates: within 0.05 nats of the numpy estimates.
    np.testing.assert_allclose(b.scores, a.scores, atol=0.05)


# ------------------------------------------------------------------ device="auto"
def _torch_models():
    out = []
    for name in al.models.names():
        m = al.models.make(name)
        if isinstance(m, TorchMixin):
            out.append((name, m))
    return out


def test_every_torch_model_defaults_to_auto_and_auto_means_cuda_when_present(monkeypatch):
    models = _torch_models()
    assert {"mlp_mc_dropout", "deep_ensemble", "cnn_mc_dropout"} <= {n for n, _ in models}
    for _, m in models:
        assert m.get_params()["device"] == "auto"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert _torch_utils.resolve_device("auto").type == "cuda"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert _torch_utils.resolve_device("auto").type == "cpu"


# ------------------------------------------------------------------ on a GPU
@pytest.mark.gpu
@gpu
@pytest.mark.parametrize("name", ["mlp_mc_dropout", "deep_ensemble"])
def test_torch_models_train_on_cuda_with_auto(name):
    ds = al.datasets.load("moons", n_samples=200, seed=0)
    m = al.models.make(name, device="auto", seed=0).fit(ds.X[:40], ds.y[:40])
    assert all(p.device.type == "cuda" for p in m.net_.parameters())
    d = m.sample_proba(ds.X, n_draws=5)
    assert d.shape == (5, len(ds.X), 2) and np.allclose(d.sum(-1), 1, atol=1e-5)


@pytest.mark.gpu
@gpu
def test_kernels_on_cuda_equal_cpu():
    p = _draws(5, n_draws=20, n=2000, c=10)
    pc = torch.from_numpy(p).cuda()
    d = al.uncertainty.decompose(pc)
    assert d.epistemic.device.type == "cuda"
    np.testing.assert_allclose(
        d.epistemic.cpu().numpy(), al.uncertainty.decompose(p).epistemic, atol=1e-5
    )
    a = batch_bald_batch(p, 3, seed=0)
    b = batch_bald_batch(pc, 3, seed=0)
    assert b.positions.tolist() == a.positions.tolist()
