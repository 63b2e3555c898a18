"""Smoke versions of the published-result benchmarks (tiny budgets, tiny data)."""

import numpy as np
import pytest
from sklearn.base import clone

import alviz as al
from alviz.experiments import benchmarks
from alviz.experiments._wdbc import (
    PUBLISHED,
    DecisionFunctionSVC,
    lu2023_aubc,
    run_wdbc,
    wdbc_dataset,
    wdbc_summary,
)


def test_lu2023_aubc_known_answer():
    # Two trapezoids (0.6 and 0.8) over three queries: the protocol divides by Q, not Q - 1.
    assert lu2023_aubc([0.5, 0.7, 0.9]) == pytest.approx(1.4 / 3)
    with pytest.raises(ValueError, match="at least two"):
        lu2023_aubc([0.5])


def test_decision_function_svc_keeps_the_protocols_ranking_and_predictions():
    ds = wdbc_dataset(0)
    model = clone(DecisionFunctionSVC(C=1.0, gamma="auto")).fit(ds.X[:60], ds.y[:60])
    p = model.predict_proba(ds.X_test)
    f = model.decision_function(ds.X_test)
    np.testing.assert_array_equal(model.classes_[p.argmax(axis=1)], model.predict(ds.X_test))
    margin = np.abs(p[:, 1] - p[:, 0])
    # Margin sampling on these probabilities ranks the pool by |decision value|.
    np.testing.assert_array_equal(
        np.argsort(margin, kind="stable"), np.argsort(np.abs(f), kind="stable")
    )
    with pytest.raises(ValueError, match="binary"):
        DecisionFunctionSVC().fit(np.random.default_rng(0).normal(size=(9, 2)), np.arange(9) % 3)


def test_wdbc_split_is_seeded_60_40_and_scaled_on_the_training_part():
    a, b, c = wdbc_dataset(0), wdbc_dataset(0), wdbc_dataset(1)
    assert (a.n_samples, len(a.y_test)) == (341, 228)
    np.testing.assert_array_equal(a.X, b.X)
    assert not np.array_equal(a.X, c.X)
    np.testing.assert_allclose(a.X.mean(axis=0), 0, atol=1e-9)
    assert abs(a.X_test.mean()) > 1e-6  # the test part is not re-centred on itself


def test_wdbc_smoke():
    res = run_wdbc(seeds=range(2), budget=3, n_jobs=1, progress=False)
    summary = wdbc_summary(res).set_index("strategy")
    assert list(summary.index) == ["margin", "random"]
    assert summary.loc["margin", "published"] == PUBLISHED["margin"][0]
    assert summary.loc["random", "n_seeds"] == 2
    assert {"aubc_lu2023", "aubc_mean", "median_run_seconds", "median_step_ms"} <= set(summary)
    assert res.table.groupby(["strategy", "seed"])["n_labeled"].max().eq(23).all()


@pytest.fixture(scope="module")
def tiny_mnist(tmp_path_factory):
    """A 120-image IDX pair in MNIST's format: a bright square whose place is the class."""
    folder = tmp_path_factory.mktemp("mnist")
    rng = np.random.default_rng(0)
    y = np.repeat(np.arange(10), 12).astype(np.uint8)
    X = rng.integers(0, 40, size=(120, 28, 28)).astype(np.uint8)
    for i, c in enumerate(y):
        r, col = divmod(int(c), 5)
        X[i, 4 + 10 * r : 12 + 10 * r, 2 + 5 * col : 6 + 5 * col] = 250
    al.datasets.write_idx(folder / "t10k-images-idx3-ubyte.gz", X)
    al.datasets.write_idx(folder / "t10k-labels-idx1-ubyte.gz", y)
    return folder


TINY_MNIST = {
    "n_pool": 80,
    "n_test": 40,
    "subset": 20,
    "n_draws": 3,
    "max_epochs": 2,
    "budget": 10,
}


@pytest.mark.parametrize("name", ["mnist-gal2017", "mnist-batchbald"])
def test_mnist_benchmarks_smoke(tiny_mnist, name):
    from alviz.experiments import _mnist

    sweep = _mnist.run_gal2017 if name == "mnist-gal2017" else _mnist.run_batchbald
    res = sweep(tiny_mnist, seeds=range(1), n_jobs=1, progress=False, **TINY_MNIST)
    assert res.errors.empty, res.errors.to_dict("records")
    assert res.table["n_labeled"].tolist()[:2] == [20, 30]
    summary = benchmarks.get(name).summarise(res)
    assert len(summary) == len(res.strategies)
    if name == "mnist-gal2017":
        assert summary.set_index("strategy").loc["bald", "paper 10% / 5%"] == "145 / 335"


def test_benchmark_registry():
    assert benchmarks.names() == ["mnist-batchbald", "mnist-gal2017", "moons", "wdbc"]
    with pytest.raises(ValueError, match="unknown benchmark 'cifar'"):
        benchmarks.get("cifar")
    with pytest.raises(ValueError, match="needs data="):
        benchmarks.run("mnist-gal2017", seeds=1, budget=10)
