import warnings

import numpy as np
import pytest

import alviz as al


@pytest.fixture
def sine():
    return al.datasets.load("hetero_sine")


@pytest.fixture(autouse=True)
def _quiet_gp():
    # scikit-learn's GP warns when the fitted noise hits its bound on tiny data; not ours.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", module="sklearn")
        yield


def test_regression_session_queries_and_reports_rmse(sine):
    s = al.Session(sine, initial=5, seed=0)
    assert s.model_label == "deep_ensemble_regressor"
    assert s.strategy.name == "max_epistemic_variance"
    q = s.step()
    assert s.labels.dtype == np.float64 and s.labels[-1] == sine.y[q[0]]
    s.run(3)
    m = s.metrics()
    assert {"rmse", "nll", "mean_var_epistemic"} <= set(m.columns)
    assert (m["rmse"] > 0).all()


def test_epistemic_variance_is_larger_in_the_gap(sine):
    s = al.Session(sine, initial=40, seed=0)
    lo, hi = sine.meta["gap_region"]
    gap = np.array([[(lo + hi) / 2]])
    dense = sine.X[[np.argmin(np.abs(sine.X[:, 0] - (lo - 1.5)))]]
    _, _, ve_gap = s.predict_uncertainty(gap)
    _, _, ve_dense = s.predict_uncertainty(dense)
    assert ve_gap[0] > 3 * ve_dense[0]


def test_regression_labels_round_trip(sine, tmp_path):
    s = al.Session(sine, initial=5, oracle="human", seed=0)
    q = s.step()
    assert np.isnan(s.history[-1].labels[0])
    s.label(int(q[0]), 0.25)
    s.save(tmp_path / "r.alviz")
    t = al.Session.load(tmp_path / "r.alviz")
    np.testing.assert_array_equal(t.labels, s.labels)
    assert t.history[-1].labels[0] == 0.25
    with pytest.raises(ValueError, match="finite"):
        t.label(int(t.pool_indices[0]), float("nan"))
    with pytest.raises(ValueError, match="predict_proba is for classification"):
        t.predict_proba(sine.X[:2])


def test_strategy_task_must_match(sine):
    with pytest.raises(ValueError, match="is for classification"):
        al.Session(sine, strategy="entropy")
