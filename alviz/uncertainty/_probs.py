"""Measures over class probabilities of shape (n_samples, n_classes)."""

from __future__ import annotations

import numpy as np

from .._validation import check_probs

__all__ = ["entropy", "least_confidence", "margin", "ratio_of_confidence"]

_BASES = {"nats": 1.0, "bits": float(np.log(2.0))}


def _xlogx(p: np.ndarray) -> np.ndarray:
    # 0 log 0 = 0: where p == 0 the product is defined as 0, not NaN.
    with np.errstate(divide="ignore", invalid="ignore"):
        out = p * np.log(p)
    out[p <= 0] = 0.0
    return out


def _entropy_last_axis(p: np.ndarray) -> np.ndarray:
    """``-sum p log p`` over the last axis of already validated probabilities."""
    return -_xlogx(p).sum(axis=-1)


def _log_base(base: str) -> float:
    try:
        return _BASES[base]
    except (KeyError, TypeError):
        raise ValueError(f"base must be 'nats' or 'bits'; got {base!r}.") from None


def _top2(p: np.ndarray, name: str = "probs") -> tuple[np.ndarray, np.ndarray]:
    """The largest and second largest probability of each row."""
    if p.shape[1] < 2:
        raise ValueError(
            f"{name} must have at least 2 classes (columns) for this measure; got shape "
            f"{p.shape}. For a binary score p stack the two columns: np.c_[1 - p, p]."
        )
    top2 = np.partition(p, -2, axis=1)[:, -2:]
    return top2[:, 1], top2[:, 0]


def least_confidence(probs) -> np.ndarray:
    """One minus the largest class probability, ``1 - max_y p(y)``.

    Parameters
    ----------
    probs : array-like of shape (n_samples, n_classes)
        Class probabilities; rows sum to 1.

    Returns
    -------
    ndarray of shape (n_samples,)
        In ``[0, 1 - 1/n_classes]``; larger = less confident.

    Examples
    --------
    >>> least_confidence([[0.5, 0.3, 0.2]])
    array([0.5])
    """
    p = check_probs(probs)
    return 1.0 - p.max(axis=1)


def margin(probs) -> np.ndarray:
    """Difference between the two largest class probabilities, ``p1 - p2``.

    Parameters
    ----------
    probs : array-like of shape (n_samples, n_classes)
        Class probabilities; rows sum to 1; at least 2 classes.

    Returns
    -------
    ndarray of shape (n_samples,)
        In ``[0, 1]``; small = uncertain (the literature's value: an acquisition
        strategy scores ``1 - margin``).
    """
    p = check_probs(probs)
    p1, p2 = _top2(p)
    return p1 - p2


def ratio_of_confidence(probs) -> np.ndarray:
    """Ratio of the second largest to the largest class probability, ``p2 / p1``.

    Parameters
    ----------
    probs : array-like of shape (n_samples, n_classes)
        Class probabilities; rows sum to 1; at least 2 classes.

    Returns
    -------
    ndarray of shape (n_samples,)
        In ``[0, 1]``; 1 = the top two classes tie, so larger = more uncertain.
        ``p1 >= 1/n_classes > 0`` on valid rows, so the ratio is always defined.
    """
    p = check_probs(probs)
    p1, p2 = _top2(p)
    return p2 / p1


def entropy(probs, base: str = "nats") -> np.ndarray:
    """Shannon entropy of each row, ``-sum_y p(y) log p(y)``, with ``0 log 0 = 0``.

    Parameters
    ----------
    probs : array-like of shape (n_samples, n_classes)
        Class probabilities; rows sum to 1.
    base : {"nats", "bits"}
        Unit of the result.

    Returns
    -------
    ndarray of shape (n_samples,)
        In ``[0, log n_classes]``; one-hot rows give exactly 0.
    """
    scale = _log_base(base)
    p = check_probs(probs)
    return _entropy_last_axis(p) / scale if scale != 1.0 else _entropy_last_axis(p)
