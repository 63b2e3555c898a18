"""Per-class and per-group test metrics in Session.metrics()."""

import numpy as np
import pytest

import alviz as al
from alviz._metrics import subgroup_metrics


def test_subgroup_metrics_known_answer():
    y = np.array([0, 0, 1, 1, 2, 2, -1])
    pred = np.array([0, 1, 1, 1, 0, 0, 2])  # the last row has no label: left out
    groups = np.array(["a", "a", "a", "b", "b", "b", "b"])
    m = subgroup_metrics(y, pred, 3, ["x", "y", "z"], groups)
    assert (m["class_recall_x"], m["class_recall_y"], m["class_recall_z"]) == (0.5, 1.0, 0.0)
    assert m["class_precision_x"] == 1 / 3 and m["class_precision_y"] == 2 / 3
    assert np.isnan(m["class_precision_z"])  # never predicted
    assert m["worst_class_recall"] == 0.0
    # Group a: rows 0-2, right 2 of 3; group b: rows 3-5, right 1 of 3.
    assert m["group_accuracy_a"] == pytest.approx(2 / 3)
    assert m["group_accuracy_b"] == pytest.approx(1 / 3)
    assert m["worst_group_accuracy"] == pytest.approx(1 / 3)
    # Balanced accuracy inside a group: a has classes 0 (1/2) and 1 (1/1); b has 1 (1) and 2 (0).
    assert m["group_recall_a"] == pytest.approx(0.75)
    assert m["group_recall_b"] == pytest.approx(0.5)
    assert m["worst_group_recall"] == pytest.approx(0.5)
    # Codes with names; a group without any labelled row gives NaN, not a crash.
    coded = subgroup_metrics([0, 1, -1], [0, 0, 1], 2, groups=[0, 0, 1], group_names=["p", "q"])
    assert coded["group_accuracy_p"] == 0.5 and np.isnan(coded["group_accuracy_q"])
    assert coded["worst_group_accuracy"] == 0.5
    assert "group_accuracy_0" not in coded and "class_recall_1" in coded
    with pytest.raises(ValueError, match=r"groups must hold one group per test row, shape \(3,\)"):
        subgroup_metrics([0, 1, 0], [0, 1, 0], 2, groups=[0, 1])
    with pytest.raises(ValueError, match="class_names must hold 2 names"):
        subgroup_metrics([0, 1], [0, 1], 2, class_names=["a"])


@pytest.fixture(scope="module")
def groups_session():
    ds = al.datasets.load("groups", seed=0)
    s = al.Session(ds, model="logreg", strategy="entropy", initial=10, seed=0)
    s.run(6)
    return ds, s


def test_session_metrics_per_group_and_class_on_the_groups_world(groups_session):
    ds, s = groups_session
    df = s.metrics()
    assert len(df) == 6
    # The existing columns stay.
    for key in ("round", "n_labeled", "accuracy", "macro_f1", "nll", "ece", "brier"):
        assert key in df.columns
    names = ds.meta["group_names"]
    for g in names:
        assert f"group_accuracy_{g}" in df.columns and f"group_recall_{g}" in df.columns
    for c in ds.classes:
        assert f"class_recall_{c}" in df.columns
    acc = df[[f"group_accuracy_{g}" for g in names]].to_numpy()
    np.testing.assert_allclose(df["worst_group_accuracy"], acc.min(axis=1))
    # Overall accuracy is the group accuracies weighted by the groups' test rows.
    share = np.bincount(ds.groups_test) / len(ds.groups_test)
    np.testing.assert_allclose(df["accuracy"], acc @ share, atol=1e-12)
    # Recompute the last round by hand from a model fitted on the same labels.
    last = s.history[-1]
    model = al.models.make("logreg", seed=0).fit(
        ds.X[s.labeled_indices[: last.n_labeled]], ds.y[s.labeled_indices[: last.n_labeled]]
    )
    pred = model.predict_proba(ds.X_test).argmax(axis=1)
    np.testing.assert_array_equal(pred, last.test_predictions)
    for k, c in enumerate(ds.classes):
        rows = ds.y_test == k
        assert df[f"class_recall_{c}"].iloc[-1] == pytest.approx(np.mean(pred[rows] == k))
    minority = ds.groups_test == ds.meta["minority_group"]
    assert df["group_accuracy_minority"].iloc[-1] == pytest.approx(
        np.mean(pred[minority] == ds.y_test[minority])
    )
    # What overall accuracy hides (the card's point): the minority is served worse.
    assert (df["group_accuracy_minority"] < df["group_accuracy_majority"]).all()


def test_per_class_metrics_without_groups_and_none_for_regression():
    s = al.Session(al.datasets.load("iris", seed=0), initial=6, seed=0)
    s.run(2)
    df = s.metrics()
    assert {"class_recall_setosa", "class_precision_virginica", "worst_class_recall"} <= set(
        df.columns
    )
    assert not any(c.startswith("group_") for c in df.columns)
    reg = al.Session(al.datasets.load("hetero_sine", seed=0), initial=6, seed=0)
    reg.run(1)
    assert not any(c.startswith(("class_", "group_", "worst_")) for c in reg.metrics().columns)
