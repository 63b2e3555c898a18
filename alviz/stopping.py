"""When to stop asking for labels: budget, target accuracy, low uncertainty, stable predictions.

A criterion is a callable ``criterion(session) -> str | None``: a reason to stop, or None to go on.
:meth:`alviz.Session.run` checks them before every step.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

__all__ = ["Budget", "LowUncertainty", "StablePredictions", "TargetAccuracy", "check_stop"]


@dataclass(frozen=True)
class Budget:
    """Stop once ``n_labels`` labels have been given (initial labels included)."""

    n_labels: int

    def __call__(self, session) -> str | None:
        """A reason to stop, or None."""
        n = len(session.labeled_indices) + len(session.pending)
        return f"budget of {self.n_labels} labels reached" if n >= self.n_labels else None


@dataclass(frozen=True)
class TargetAccuracy:
    """Stop when the last round's test ``metric`` reaches ``target`` (simulation only)."""

    target: float
    metric: str = "accuracy"

    def __call__(self, session) -> str | None:
        """A reason to stop, or None."""
        if not session.history:
            return None
        value = session.history[-1].metrics.get(self.metric)
        if value is not None and value >= self.target:
            return f"test {self.metric} {value:.3f} reached the target {self.target}"
        return None


@dataclass(frozen=True)
class LowUncertainty:
    """Stop when the mean pool score of the last round falls below ``threshold``.

    Meaningful for uncertainty strategies, whose scores are uncertainties
    (Vlachos 2008 stops on a confidence plateau; this is the simple threshold form).
    """

    threshold: float

    def __call__(self, session) -> str | None:
        """A reason to stop, or None."""
        if not session.history:
            return None
        mean = float(np.mean(session.history[-1].pool_scores))
        if mean < self.threshold:
            return f"mean pool uncertainty {mean:.4f} fell below {self.threshold}"
        return None


@dataclass(frozen=True)
class StablePredictions:
    """Stop when predictions on the test split barely change over ``window`` rounds.

    Bloodgood & Vijay-Shanker (2009), "A method for stopping active learning
    based on stabilizing predictions": agreement between successive models on
    a stop set. Here the stop set is the test split and agreement is the share
    of identical predicted labels.
    """

    window: int = 3
    agreement: float = 0.99

    def __call__(self, session) -> str | None:
        """A reason to stop, or None."""
        preds = [r.test_predictions for r in session.history[-self.window - 1 :]]
        if len(preds) <= self.window or any(p is None for p in preds):
            return None
        agree = min(float(np.mean(a == b)) for a, b in itertools.pairwise(preds))
        if agree >= self.agreement:
            return f"test predictions agreed {agree:.1%} over the last {self.window} rounds"
        return None


def check_stop(session, criteria) -> str | None:
    """The first reason to stop among ``criteria``, or None."""
    for criterion in criteria:
        if not callable(criterion):
            raise TypeError(
                f"stop criteria must be callables like alviz.stopping.Budget(100); "
                f"got {criterion!r}."
            )
        reason = criterion(session)
        if reason:
            return reason
    return None
