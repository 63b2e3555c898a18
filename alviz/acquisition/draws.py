"""Strategies over sampled predictions: Bayesian uncertainty and query by committee.

Draws (MC-dropout passes, ensemble members, posterior samples) have shape
(n_draws, n_pool, n_classes), draws first. Query by committee treats each draw
as a committee member (Seung, Opper & Sompolinsky 1992).
"""

from __future__ import annotations

import numpy as np

from .. import uncertainty as U
from .._validation import check_draws
from ._base import Context, Strategy, _positions
from ._registry import register

__all__ = [
    "BALD",
    "KLDisagreement",
    "MeanSTD",
    "VariationRatios",
    "VoteEntropy",
    "bald_scores",
    "kl_disagreement_scores",
    "mean_std_scores",
    "variation_ratios_scores",
    "vote_entropy_scores",
]

_GAL = "Gal, Islam & Ghahramani 2017, Deep Bayesian Active Learning with Image Data"


def bald_scores(probs_draws) -> np.ndarray:
    """Mutual information between the label and the model (BALD), in nats.

    Parameters
    ----------
    probs_draws : array-like of shape (n_draws, n_pool, n_classes)

    Returns
    -------
    ndarray of shape (n_pool,)
        ``H[mean_t p_t] - mean_t H[p_t]`` in ``[0, log n_classes]``.
    """
    return U.mutual_information(probs_draws)


def variation_ratios_scores(probs_draws) -> np.ndarray:
    """One minus the share of draws that vote for the modal class.

    Parameters
    ----------
    probs_draws : array-like of shape (n_draws, n_pool, n_classes)

    Returns
    -------
    ndarray of shape (n_pool,)
        In ``[0, 1)``; 0 = every draw votes the same class.
    """
    return U.variation_ratio(probs_draws)


def mean_std_scores(probs_draws) -> np.ndarray:
    """Standard deviation of the class probabilities over draws, averaged over classes.

    Parameters
    ----------
    probs_draws : array-like of shape (n_draws, n_pool, n_classes)

    Returns
    -------
    ndarray of shape (n_pool,)
        In ``[0, 0.5]``.
    """
    return U.mean_std(probs_draws)


def vote_entropy_scores(probs_draws) -> np.ndarray:
    """Entropy of the committee's hard votes (each draw votes for its argmax), in nats.

    Parameters
    ----------
    probs_draws : array-like of shape (n_draws, n_pool, n_classes)

    Returns
    -------
    ndarray of shape (n_pool,)
        In ``[0, log min(n_draws, n_classes)]``.
    """
    return U.vote_entropy(probs_draws)


def kl_disagreement_scores(probs_draws) -> np.ndarray:
    """Mean KL divergence of each member's prediction to the consensus, in nats.

    Parameters
    ----------
    probs_draws : array-like of shape (n_draws, n_pool, n_classes)

    Returns
    -------
    ndarray of shape (n_pool,)
        In ``[0, log n_classes]``.
    """
    return U.kl_disagreement(probs_draws)


def _votes(draws: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """Share of the draws voting for each class, shape (n_points, n_classes)."""
    sub = draws[:, pos]
    onehot = sub.argmax(axis=2)[..., None] == np.arange(sub.shape[2])
    return onehot.mean(axis=0)


class _DrawsStrategy(Strategy):
    """A score that is a function of ``probs_draws`` alone."""

    needs = frozenset({"draws"})
    pointwise = True
    _scores = staticmethod(bald_scores)

    def score(self, context: Context) -> np.ndarray:
        """Score of every pool point from ``context.probs_draws``, shape (n_pool,)."""
        return self._scores(context.require("draws", self.name))

    def _draws(self, context: Context, positions) -> tuple[np.ndarray, np.ndarray]:
        pos = _positions(positions, context.n_pool)
        return check_draws(context.require("draws", self.name)), pos


@register
class BALD(_DrawsStrategy):
    """Query the points on which the model's draws disagree most (epistemic uncertainty)."""

    name = "bald"
    _scores = staticmethod(bald_scores)
    reference = (
        "Houlsby, Huszár, Ghahramani & Lengyel 2011, Bayesian Active Learning for "
        f"Classification and Preference Learning; {_GAL}."
    )

    def explain(self, context: Context, positions) -> dict[str, np.ndarray]:
        """``total`` (entropy of the mean), ``aleatoric`` (mean entropy), ``score`` (the gap)."""
        draws, pos = self._draws(context, positions)
        d = U.decompose(draws[:, pos])
        return {"total": d.total, "aleatoric": d.aleatoric, "score": d.epistemic}


@register
class VariationRatios(_DrawsStrategy):
    """Query the points where the fewest draws agree with the modal vote."""

    name = "variation_ratios"
    _scores = staticmethod(variation_ratios_scores)
    reference = f"Freeman 1965, Elementary Applied Statistics; {_GAL}."

    def explain(self, context: Context, positions) -> dict[str, np.ndarray]:
        """``votes`` (share of draws per class, (n_points, n_classes)) and ``score``."""
        draws, pos = self._draws(context, positions)
        return {"votes": _votes(draws, pos), "score": variation_ratios_scores(draws[:, pos])}


@register
class MeanSTD(_DrawsStrategy):
    """Query the points whose class probabilities vary most over draws."""

    name = "mean_std"
    _scores = staticmethod(mean_std_scores)
    reference = (
        "Kampffmeyer, Salberg & Jenssen 2016, Semantic Segmentation of Small Objects and "
        f"Modeling of Uncertainty in Urban Remote Sensing Images; {_GAL}."
    )

    def explain(self, context: Context, positions) -> dict[str, np.ndarray]:
        """``mean`` and ``std`` of each class probability over draws (n_points, n_classes)."""
        draws, pos = self._draws(context, positions)
        sub = draws[:, pos]
        return {
            "mean": sub.mean(axis=0),
            "std": sub.std(axis=0),
            "score": mean_std_scores(sub),
        }


@register
class VoteEntropy(_DrawsStrategy):
    """Query by committee: the points whose members' hard votes are most split."""

    name = "vote_entropy"
    family = "disagreement"
    _scores = staticmethod(vote_entropy_scores)
    reference = (
        "Dagan & Engelson 1995, Committee-Based Sampling for Training Probabilistic "
        "Classifiers; Seung, Opper & Sompolinsky 1992, Query by Committee."
    )

    def explain(self, context: Context, positions) -> dict[str, np.ndarray]:
        """``votes`` (share of members per class, (n_points, n_classes)) and ``score``."""
        draws, pos = self._draws(context, positions)
        return {"votes": _votes(draws, pos), "score": vote_entropy_scores(draws[:, pos])}


@register
class KLDisagreement(_DrawsStrategy):
    """Query by committee: the points whose members' predictions stray most from the consensus."""

    name = "kl_disagreement"
    family = "disagreement"
    _scores = staticmethod(kl_disagreement_scores)
    reference = (
        "McCallum & Nigam 1998, Employing EM and Pool-Based Active Learning for Text "
        "Classification; Seung, Opper & Sompolinsky 1992, Query by Committee."
    )

    def explain(self, context: Context, positions) -> dict[str, np.ndarray]:
        """``consensus`` (n_points, n_classes), ``votes`` and ``score``."""
        draws, pos = self._draws(context, positions)
        sub = draws[:, pos]
        return {
            "consensus": sub.mean(axis=0),
            "votes": _votes(draws, pos),
            "score": kl_disagreement_scores(sub),
        }
