"""Measures over class probabilities of shape (n_samples, n_classes)."""

from __future__ import annotations

import numpy as np

from .._validation import check_probs

__all__ = ["entropy", "least_confidence", "margin"]


def _xlogx(p: np.ndarray) -> np.ndarray:
    # 0 log 0 = 0: where p == 0 the product is defined as 0, not NaN.
    with np.errstate(divide="ignore", invalid="ignore"):
        out = p * np.log(p)
    out[p <= 0] = 0.0
    return out


def least_confidence(probs) -> np.ndarray:
    """One minus the largest class probability.

    Parameters
    ----------
    probs : array-like of shape (n_samples, n_classes)

    Returns
    -------
    ndarray of shape (n_samples,)
        In ``[0, 1 - 1/n_classes]``; larger = less confident.
    """
    p = check_probs(probs)
    return 1.0 - p.max(axis=1)


def margin(probs) -> np.ndarray:
    """Difference between the two largest class probabilities, ``p1 - p2``.

    Parameters
    ----------
    probs : array-like of shape (n_samples, n_classes)

    Returns
    -------
    ndarray of shape (n_samples,)
        In ``[0, 1]``; small = uncertain.
    """
    p = check_probs(probs)
    if p.shape[1] < 2:
        raise ValueError(f"margin needs at least 2 classes; probs has shape {p.shape}.")
    top2 = np.partition(p, -2, axis=1)[:, -2:]
    return top2[:, 1] - top2[:, 0]


def entropy(probs, base: str = "nats") -> np.ndarray:
    """Shannon entropy of each row, ``-sum p log p``.

    Parameters
    ----------
    probs : array-like of shape (n_samples, n_classes)
    base : {"nats", "bits"}
        Unit of the result.

    Returns
    -------
    ndarray of shape (n_samples,)
        In ``[0, log n_classes]``.
    """
    p = check_probs(probs)
    h = -_xlogx(p).sum(axis=1)
    if base == "bits":
        return h / np.log(2)
    if base != "nats":
        raise ValueError(f"base must be 'nats' or 'bits'; got {base!r}.")
    return h
