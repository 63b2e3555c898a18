"""Known answers and identities of the curve summaries (AUBC, labels to, intervals)."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import t as student_t

from alviz.experiments import Results, aubc, labels_to_reach, t_interval


# ---------------------------------------------------------------- pure functions
def test_aubc_known_answers():
    # Trapezoid over [10, 30]: ((0.5 + 0.7) / 2 * 10 + (0.7 + 0.9) / 2 * 10) / 20 = 0.7
    assert aubc([10, 20, 30], [0.5, 0.7, 0.9]) == pytest.approx(0.7)
    # Uneven spacing weights each segment by the labels it spans: (0.5 * 10 + 0.75 * 30) / 40
    assert aubc([0, 10, 40], [0.0, 1.0, 0.5]) == pytest.approx((0.5 * 10 + 0.75 * 30) / 40)
    assert aubc([0, 10, 40], [0.0, 1.0, 0.5], method="mean") == pytest.approx(0.5)
    assert aubc([7], [0.42]) == pytest.approx(0.42)


def test_aubc_rejects_bad_curves():
    with pytest.raises(ValueError, match="same length"):
        aubc([1, 2], [0.5])
    with pytest.raises(ValueError, match="strictly increasing"):
        aubc([2, 1], [0.5, 0.6])
    with pytest.raises(ValueError, match="empty"):
        aubc([], [])
    with pytest.raises(ValueError, match="method"):
        aubc([1, 2], [0.5, 0.6], method="simpson")


curves = st.integers(2, 30).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(1, 20), min_size=n, max_size=n),
        st.lists(st.floats(0, 1), min_size=n, max_size=n),
    )
)


@settings(max_examples=60, deadline=None)
@given(curves, st.floats(0.1, 10), st.floats(-5, 5))
def test_aubc_is_an_affine_average(curve, a, b):
    steps, values = curve
    x = np.cumsum(steps)
    y = np.asarray(values)
    for method in ("trapezoid", "mean"):
        value = aubc(x, y, method=method)
        assert y.min() - 1e-12 <= value <= y.max() + 1e-12
        assert aubc(x, a * y + b, method=method) == pytest.approx(a * value + b, abs=1e-9)


def test_labels_to_reach():
    assert labels_to_reach([10, 20, 30], [0.8, 0.92, 0.91], 0.9) == 20.0
    assert np.isnan(labels_to_reach([10, 20, 30], [0.8, 0.85, 0.89], 0.9))
    # Lower is better (a loss): first point at or below the target.
    assert labels_to_reach([10, 20, 30], [0.9, 0.5, 0.2], 0.5, higher=False) == 20.0


def test_t_interval_known_answer():
    x = np.array([1.0, 2.0, 3.0, 4.0])
    mean, low, high = t_interval(x, 0.95)
    half = student_t.ppf(0.975, 3) * x.std(ddof=1) / 2
    assert mean == pytest.approx(2.5)
    assert (low, high) == pytest.approx((2.5 - half, 2.5 + half))
    assert np.isnan(t_interval([1.0], 0.95)[1])
    with pytest.raises(ValueError, match="confidence"):
        t_interval(x, 95)


# ---------------------------------------------------------------- a hand-made table
def _table():
    """Two strategies x two seeds, three points each, numbers easy to follow by hand."""
    rows = []
    acc = {
        ("random", 0): [0.5, 0.6, 0.7],
        ("random", 1): [0.5, 0.7, 0.7],
        ("margin", 0): [0.5, 0.8, 0.9],
        ("margin", 1): [0.6, 0.9, 0.9],
    }
    for (s, seed), values in acc.items():
        for r, (n, v) in enumerate(zip([10, 20, 30], values, strict=True)):
            rows.append(
                {
                    "strategy": s,
                    "model": "m",
                    "seed": seed,
                    "round": r,
                    "n_labeled": n,
                    "accuracy": v,
                    "nll": 1 - v,
                    "step_seconds": 0.1 * (r + 1) if r < 2 else np.nan,
                }
            )
    return Results(pd.DataFrame(rows))


def test_aubc_per_run_and_summary_known_answers():
    res = _table()
    per_run = res.aubc(per_run=True).set_index(["strategy", "seed"])["aubc"]
    # random seed 0: ((0.5 + 0.6) / 2 + (0.6 + 0.7) / 2) / 2 = 0.6
    assert per_run[("random", 0)] == pytest.approx(0.6)
    assert per_run[("random", 1)] == pytest.approx((0.6 + 0.7) / 2)
    assert per_run[("margin", 0)] == pytest.approx((0.65 + 0.85) / 2)
    summary = res.aubc().set_index("strategy")
    assert summary.loc["random", "mean"] == pytest.approx((0.6 + 0.65) / 2)
    assert summary.loc["random", "n_seeds"] == 2
    mean_method = res.aubc(method="mean", per_run=True).set_index(["strategy", "seed"])["aubc"]
    assert mean_method[("margin", 1)] == pytest.approx((0.6 + 0.9 + 0.9) / 3)


def test_curves_band_known_answer():
    c = _table().curves("accuracy", confidence=0.9)
    row = c[(c["strategy"] == "margin") & (c["n_labeled"] == 20)].iloc[0]
    half = student_t.ppf(0.95, 1) * np.std([0.8, 0.9], ddof=1) / np.sqrt(2)
    assert row["mean"] == pytest.approx(0.85)
    assert (row["low"], row["high"]) == pytest.approx((0.85 - half, 0.85 + half))
    assert row["n_seeds"] == 2
    assert list(c.columns) == ["strategy", "model", "n_labeled", "mean", "low", "high", "n_seeds"]
    # Sweep order (random first, as in the table), then labels.
    assert list(c["strategy"].unique()) == ["random", "margin"]


def test_labels_to_per_run_and_summary():
    res = _table()
    runs = res.labels_to(accuracy=0.7, per_run=True).set_index(["strategy", "seed"])["labels"]
    assert runs[("random", 0)] == 30 and runs[("random", 1)] == 20
    assert runs[("margin", 0)] == 20
    s = res.labels_to(accuracy=0.84).set_index("strategy")
    assert np.isnan(s.loc["random", "median"]) and s.loc["random", "n_reached"] == 0
    # margin reaches 0.84 at 30 (seed 0) and 20 (seed 1).
    assert s.loc["margin", "median"] == 25 and s.loc["margin", "n_reached"] == 2
    assert (s.loc["margin", "min"], s.loc["margin", "max"]) == (20, 30)
    # Its mean curve (0.55, 0.85, 0.9) reaches 0.84 at 20.
    assert s.loc["margin", "mean_curve"] == 20
    # A loss is reached from above.
    nll = res.labels_to(metric="nll", target=0.31, per_run=True)
    assert nll.set_index(["strategy", "seed"])["labels"][("random", 0)] == 30
    with pytest.raises(ValueError, match="say what to reach"):
        res.labels_to()
    with pytest.raises(ValueError, match="not in the results"):
        res.labels_to(metric="f2", target=0.5)


def test_versus_random_known_answer():
    vs = _table().versus_random().iloc[0]
    # Per-seed AUBC differences: 0.75 - 0.6 = 0.15 and 0.825 - 0.65 = 0.175.
    diffs = np.array([0.15, 0.175])
    half = student_t.ppf(0.975, 1) * diffs.std(ddof=1) / np.sqrt(2)
    assert vs["strategy"] == "margin"
    assert vs["mean_diff"] == pytest.approx(diffs.mean())
    assert (vs["low"], vs["high"]) == pytest.approx((diffs.mean() - half, diffs.mean() + half))
    assert vs["win_rate"] == 1.0 and vs["n_seeds"] == 2
    # With a loss, lower is better: margin's nll is lower, so it still wins.
    assert _table().versus_random(metric="nll").iloc[0]["win_rate"] == 1.0
    with pytest.raises(ValueError, match="baseline strategy 'uniform'"):
        _table().versus_random(baseline="uniform")


def test_step_times():
    st_ = _table().step_times().set_index("strategy")
    assert st_.loc["margin", "median_step_seconds"] == pytest.approx(0.15)
    assert st_.loc["margin", "n_steps"] == 4
