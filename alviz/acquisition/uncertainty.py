"""Uncertainty sampling from the model's class probabilities (Lewis & Gale 1994; Settles 2009).

Each strategy is a pure score function over ``probs`` of shape (n_pool, n_classes)
plus a thin registered class. The measures come from :mod:`alviz.uncertainty`
(their literature values); here they become scores where higher = more
informative.
"""

from __future__ import annotations

import numpy as np

from .. import uncertainty as U
from .._validation import check_probs, check_random_state
from ._base import Context, Strategy, _positions, check_batch_size
from ._registry import register

__all__ = [
    "EntropySampling",
    "LeastConfidenceSampling",
    "MarginSampling",
    "RandomSampling",
    "RatioSampling",
    "entropy_scores",
    "least_confidence_scores",
    "margin_scores",
    "ratio_scores",
]

_SURVEY = "Settles 2009, Active Learning Literature Survey, §3.1"


def least_confidence_scores(probs) -> np.ndarray:
    """One minus the top class probability.

    Parameters
    ----------
    probs : array-like of shape (n_pool, n_classes)

    Returns
    -------
    ndarray of shape (n_pool,)
        In ``[0, 1 - 1/n_classes]``; higher = less confident.
    """
    return U.least_confidence(probs)


def margin_scores(probs) -> np.ndarray:
    """One minus the margin between the two top classes, ``1 - (p1 - p2)``.

    Parameters
    ----------
    probs : array-like of shape (n_pool, n_classes)

    Returns
    -------
    ndarray of shape (n_pool,)
        In ``[0, 1]``; 1 = the two top classes tie.
    """
    return 1.0 - U.margin(probs)


def entropy_scores(probs) -> np.ndarray:
    """Entropy of the predictive distribution (nats).

    Parameters
    ----------
    probs : array-like of shape (n_pool, n_classes)

    Returns
    -------
    ndarray of shape (n_pool,)
        In ``[0, log n_classes]``; higher = more uncertain.
    """
    return U.entropy(probs)


def ratio_scores(probs) -> np.ndarray:
    """Ratio of the second to the first class probability, ``p2 / p1``.

    Parameters
    ----------
    probs : array-like of shape (n_pool, n_classes)

    Returns
    -------
    ndarray of shape (n_pool,)
        In ``[0, 1]``; 1 = the two top classes tie.
    """
    return U.ratio_of_confidence(probs)


def _top_two(probs: np.ndarray, pos: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The two largest probabilities of the rows ``pos``, for the explanations."""
    rows = np.sort(check_probs(probs)[pos], axis=1)
    second = rows[:, -2] if rows.shape[1] > 1 else np.zeros(len(rows))
    return rows[:, -1], second


class _ProbsStrategy(Strategy):
    """A score that is a function of ``probs`` alone; explains itself with the probabilities."""

    needs = frozenset({"probs"})
    pointwise = True
    _scores = staticmethod(entropy_scores)

    def score(self, context: Context) -> np.ndarray:
        """Score of every pool point from ``context.probs``, shape (n_pool,)."""
        return self._scores(context.require("probs", self.name))

    def explain(self, context: Context, positions) -> dict[str, np.ndarray]:
        """``probs`` of the points (n_points, n_classes), their top two ``p1``, ``p2`` and score."""
        pos = _positions(positions, context.n_pool)
        probs = context.require("probs", self.name)
        p1, p2 = _top_two(probs, pos)
        return {
            "probs": np.asarray(probs)[pos],
            "p1": p1,
            "p2": p2,
            "score": self.score(context)[pos],
        }


@register
class RandomSampling(Strategy):
    """Uniform random choice from the pool: the baseline every strategy must beat."""

    name = "random"
    needs = frozenset()
    family = "random"
    task = "any"  # random sampling needs no model output: it serves regression too
    batch_aware = True
    reference = "Baseline: uniform sampling without replacement."

    def score(self, context: Context) -> np.ndarray:
        """All zeros: every pool point is equally informative."""
        return np.zeros(context.n_pool)

    def select(self, context: Context, batch_size: int = 1, rng=None) -> np.ndarray:
        """``batch_size`` pool points drawn uniformly without replacement."""
        batch_size = check_batch_size(batch_size, context.n_pool)
        rng = check_random_state(rng)
        return rng.choice(np.asarray(context.pool_indices), size=batch_size, replace=False)


@register
class LeastConfidenceSampling(_ProbsStrategy):
    """Query the points whose most probable class is least probable."""

    name = "least_confidence"
    _scores = staticmethod(least_confidence_scores)
    reference = (
        f"Lewis & Gale 1994, A Sequential Algorithm for Training Text Classifiers; {_SURVEY}."
    )


@register
class MarginSampling(_ProbsStrategy):
    """Query the points whose two most probable classes are closest: ``1 - (p1 - p2)``."""

    name = "margin"
    _scores = staticmethod(margin_scores)
    reference = (
        "Scheffer, Decomain & Wrobel 2001, Active Hidden Markov Models for Information "
        f"Extraction; {_SURVEY}."
    )


@register
class EntropySampling(_ProbsStrategy):
    """Query the points whose predicted class distribution has the highest entropy."""

    name = "entropy"
    _scores = staticmethod(entropy_scores)
    reference = f"Shannon 1948, A Mathematical Theory of Communication; {_SURVEY}."


@register
class RatioSampling(_ProbsStrategy):
    """Query the points with the highest ratio ``p2 / p1`` of the two top classes."""

    name = "ratio"
    _scores = staticmethod(ratio_scores)
    reference = (
        "Settles 2009, Active Learning Literature Survey; Monarch 2021, Human-in-the-Loop "
        "Machine Learning, §3 (ratio of confidence)."
    )
