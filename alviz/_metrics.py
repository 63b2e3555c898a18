"""Per-class and per-group test metrics: what overall accuracy hides.

A model can be 90 % accurate overall and 50 % accurate on a small group, or
never predict a rare class; active learning can make this better or worse
depending on whom it queries. These columns of :meth:`alviz.Session.metrics`
show it round by round.
"""

from __future__ import annotations

import numpy as np

__all__ = ["round_subgroup_metrics", "subgroup_metrics"]


def _recall_precision(y: np.ndarray, pred: np.ndarray, n_classes: int):
    """Recall and precision of each class (NaN for a class with no row / no prediction)."""
    support = np.bincount(y, minlength=n_classes)
    predicted = np.bincount(pred, minlength=n_classes)
    hits = np.bincount(y[pred == y], minlength=n_classes)
    with np.errstate(invalid="ignore", divide="ignore"):
        recall = np.where(support > 0, hits / support, np.nan)
        precision = np.where(predicted > 0, hits / predicted, np.nan)
    return recall, precision


def subgroup_metrics(
    y_true, y_pred, n_classes: int, class_names=None, groups=None, group_names=None
) -> dict:
    """Recall and precision per class, accuracy and balanced accuracy per group.

    Parameters
    ----------
    y_true : array-like of int, shape (n_test,)
        True class indices; rows equal to -1 (no label) are left out.
    y_pred : array-like of int, shape (n_test,)
        Predicted class indices.
    n_classes : int
    class_names : sequence of length n_classes, optional
        Names used in the keys (default: the class indices).
    groups : array-like of shape (n_test,), optional
        Group of each row (any sortable values); without it only per-class keys.
    group_names : sequence, optional
        Names of the groups when ``groups`` holds codes ``0..k-1`` (e.g. a
        dataset's ``meta["group_names"]``); else the group values name them.

    Returns
    -------
    dict of str to float
        ``class_recall_<class>`` (the accuracy on that class's rows),
        ``class_precision_<class>`` (NaN when the class is never predicted),
        ``worst_class_recall``; with groups also ``group_accuracy_<group>``,
        ``group_recall_<group>`` (balanced accuracy inside the group: mean recall
        of the classes present in it), ``worst_group_accuracy`` and
        ``worst_group_recall``. NaN where a class or group has no labelled test row.
    """
    y = np.asarray(y_true, dtype=np.int64)
    pred = np.asarray(y_pred, dtype=np.int64)
    if y.shape != pred.shape or y.ndim != 1:
        raise ValueError(
            f"y_true and y_pred must be 1-D of the same length; got shapes {y.shape} and "
            f"{pred.shape}."
        )
    names = [str(c) for c in (range(n_classes) if class_names is None else class_names)]
    if len(names) != n_classes:
        raise ValueError(f"class_names must hold {n_classes} names; got {len(names)}.")
    keep = y >= 0
    recall, precision = _recall_precision(y[keep], pred[keep], n_classes)
    out = {f"class_recall_{name}": float(r) for name, r in zip(names, recall, strict=True)}
    out |= {f"class_precision_{name}": float(p) for name, p in zip(names, precision, strict=True)}
    out["worst_class_recall"] = _nanmin(recall)
    if groups is None:
        return out
    groups = np.asarray(groups)
    if groups.shape != y.shape:
        raise ValueError(
            f"groups must hold one group per test row, shape {y.shape}; got shape {groups.shape}."
        )
    values = np.unique(groups)
    accuracy, balanced = np.full(len(values), np.nan), np.full(len(values), np.nan)
    for i, v in enumerate(values):
        rows = keep & (groups == v)
        if rows.any():
            accuracy[i] = np.mean(pred[rows] == y[rows])
            balanced[i] = _nanmean(_recall_precision(y[rows], pred[rows], n_classes)[0])
    labels = _group_labels(values, group_names)
    out |= {f"group_accuracy_{g}": float(a) for g, a in zip(labels, accuracy, strict=True)}
    out |= {f"group_recall_{g}": float(b) for g, b in zip(labels, balanced, strict=True)}
    out["worst_group_accuracy"] = _nanmin(accuracy)
    out["worst_group_recall"] = _nanmin(balanced)
    return out


def round_subgroup_metrics(dataset, test_predictions) -> dict:
    """:func:`subgroup_metrics` of one round's test predictions on ``dataset``'s test split.

    Parameters
    ----------
    dataset : Dataset
        Its ``y_test``, ``classes``, ``groups_test`` and ``meta["group_names"]``.
    test_predictions : ndarray of shape (n_test,) or None
        A round's predicted test labels (None for regression or without a test split).

    Returns
    -------
    dict
        Empty when there are no test predictions.
    """
    if test_predictions is None or dataset.task != "classification":
        return {}
    return subgroup_metrics(
        dataset.y_test,
        test_predictions,
        dataset.n_classes,
        dataset.classes,
        dataset.groups_test,
        dataset.meta.get("group_names"),
    )


def _group_labels(values: np.ndarray, group_names) -> list[str]:
    codes = np.issubdtype(values.dtype, np.integer) and group_names is not None
    if codes and values.min() >= 0 and values.max() < len(group_names):
        return [str(group_names[int(v)]) for v in values]
    return [str(v) for v in values]


def _nanmin(a: np.ndarray) -> float:
    a = np.asarray(a, dtype=np.float64)
    return float(np.nanmin(a)) if np.isfinite(a).any() else float("nan")


def _nanmean(a: np.ndarray) -> float:
    a = np.asarray(a, dtype=np.float64)
    return float(np.nanmean(a)) if np.isfinite(a).any() else float("nan")
