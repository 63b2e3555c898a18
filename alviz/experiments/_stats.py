"""Pure summaries of learning curves: AUBC, labels to a target, confidence intervals.

No state and no pandas here: arrays in, numbers out, so that the maths can be
checked by hand (see ``tests/test_experiments_stats.py``).
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "AUBC_METHODS",
    "LOWER_IS_BETTER",
    "aubc",
    "higher_is_better",
    "labels_to_reach",
    "t_halfwidth",
    "t_interval",
]

#: Metrics where a smaller value is better; every other metric is "higher is better".
LOWER_IS_BETTER = frozenset({"nll", "ece", "mce", "brier", "rmse", "mae", "error", "step_seconds"})

#: How :func:`aubc` turns a curve into one number.
AUBC_METHODS = ("trapezoid", "mean")


def higher_is_better(metric: str) -> bool:
    """Whether a larger value of ``metric`` is better (accuracy: yes; nll, ece, rmse: no)."""
    return metric not in LOWER_IS_BETTER


def _curve(n_labeled, values) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(n_labeled, dtype=np.float64)
    y = np.asarray(values, dtype=np.float64)
    if x.ndim != 1 or y.ndim != 1 or len(x) != len(y):
        raise ValueError(
            f"n_labeled and values must be 1-D arrays of the same length; got shapes "
            f"{x.shape} and {y.shape}. Pass one learning curve: labels used and the metric "
            f"measured with them."
        )
    if len(x) == 0:
        raise ValueError("the learning curve is empty: n_labeled and values have no points.")
    if len(x) > 1 and not np.all(np.diff(x) > 0):
        raise ValueError(
            f"n_labeled must be strictly increasing along the curve; got {x[:8].tolist()}... "
            f"Sort the curve by n_labeled and keep one value per label count."
        )
    return x, y


def aubc(n_labeled, values, method: str = "trapezoid") -> float:
    """Area under the budget curve, normalised to the units of the metric.

    Parameters
    ----------
    n_labeled : array-like of shape (n_points,)
        Labels used at each point of the curve, strictly increasing.
    values : array-like of shape (n_points,)
        The metric (e.g. test accuracy) measured with that many labels.
    method : {"trapezoid", "mean"}
        ``"trapezoid"``: the area under the piecewise-linear curve divided by
        the budget it spans, ``(1 / (n_last - n_first)) * ∫ metric d(n_labeled)``
        (trapezoidal rule). It is the metric averaged over the budget, so a
        curve that is constant at ``c`` scores ``c`` and unevenly spaced points
        are weighted by the labels they stand for.
        ``"mean"``: the plain mean of ``values`` over the points — the "mean
        test accuracy over the curve" of the WDBC re-benchmark of Lu, Li & Lin
        (2023). With evenly spaced points the two differ only by the half
        weights that the trapezoid gives the two end points.

    Returns
    -------
    float
        The curve's value when it has a single point.

    Examples
    --------
    >>> aubc([10, 20, 30], [0.5, 0.7, 0.9])
    0.7
    >>> aubc([0, 10], [0.0, 1.0], method="mean")
    0.5
    """
    x, y = _curve(n_labeled, values)
    if method not in AUBC_METHODS:
        raise ValueError(f"method must be one of {AUBC_METHODS}; got {method!r}.")
    if method == "mean" or len(x) == 1:
        return float(y.mean())
    area = float(np.sum((y[1:] + y[:-1]) * np.diff(x)) / 2.0)
    return area / float(x[-1] - x[0])


def labels_to_reach(n_labeled, values, target: float, higher: bool = True) -> float:
    """Labels used at the first point where the curve reaches ``target``.

    Parameters
    ----------
    n_labeled : array-like of shape (n_points,)
        Strictly increasing label counts.
    values : array-like of shape (n_points,)
        The metric at each point.
    target : float
        Value to reach: ``values >= target`` when ``higher`` (accuracy),
        ``values <= target`` otherwise (an error rate, NLL, ECE).
    higher : bool
        Whether larger values are better.

    Returns
    -------
    float
        The first such ``n_labeled``; ``nan`` when the curve never reaches it.

    Examples
    --------
    >>> labels_to_reach([10, 20, 30], [0.8, 0.92, 0.91], target=0.9)
    20.0
    """
    x, y = _curve(n_labeled, values)
    hit = y >= target if higher else y <= target
    idx = np.flatnonzero(hit)
    return float(x[idx[0]]) if len(idx) else float("nan")


def t_interval(samples, confidence: float = 0.95) -> tuple[float, float, float]:
    """Mean of ``samples`` with a Student-t confidence interval.

    Parameters
    ----------
    samples : array-like of shape (n,)
        Independent values, e.g. one AUBC per seed; NaN values are dropped.
    confidence : float
        Coverage of the interval, in (0, 1).

    Returns
    -------
    mean, low, high : float
        ``low`` and ``high`` are ``nan`` with fewer than two values; equal to
        the mean when every value is the same.
    """
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), e.g. 0.95; got {confidence!r}.")
    a = np.asarray(samples, dtype=np.float64).ravel()
    a = a[~np.isnan(a)]
    if len(a) == 0:
        return float("nan"), float("nan"), float("nan")
    mean = float(a.mean())
    if len(a) < 2:
        return mean, float("nan"), float("nan")
    half = float(t_halfwidth(a.std(ddof=1), len(a), confidence))
    return mean, mean - half, mean + half


def t_halfwidth(std, n, confidence: float = 0.95):
    """Half-width of the Student-t interval of a mean: ``t_{(1+c)/2, n-1} * std / sqrt(n)``.

    Parameters
    ----------
    std : float or ndarray
        Sample standard deviation(s) (``ddof=1``).
    n : int or ndarray
        Sample size(s); the result is ``nan`` where ``n < 2``.
    confidence : float
        Coverage, in (0, 1).

    Returns
    -------
    float or ndarray
    """
    from scipy.stats import t

    n = np.asarray(n, dtype=np.float64)
    df = np.where(n >= 2, n - 1, np.nan)
    return t.ppf((1 + confidence) / 2, df) * np.asarray(std, dtype=np.float64) / np.sqrt(n)
