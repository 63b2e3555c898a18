"""Uncertainty measures: pure functions on probability arrays.

No state, no models, no plotting. Measures keep their literature values
(``margin`` is ``p1 - p2``: small = uncertain); acquisition strategies turn
them into scores where higher = more informative.

From probabilities of shape (n_samples, n_classes): :func:`least_confidence`,
:func:`margin`, :func:`ratio_of_confidence`, :func:`entropy`.

From sampled predictions of shape (n_draws, n_samples, n_classes), draws first:
:func:`decompose` (total = aleatoric + epistemic), :func:`expected_entropy`
(aleatoric), :func:`mutual_information` (epistemic, BALD),
:func:`variation_ratio`, :func:`vote_entropy`, :func:`mean_std`,
:func:`kl_disagreement`.

Regression, from draws of means and variances of shape (n_draws, n_samples):
:func:`decompose_regression`.
"""

from ._draws import (
    Decomposition,
    decompose,
    expected_entropy,
    kl_disagreement,
    mean_std,
    mutual_information,
    variation_ratio,
    vote_entropy,
)
from ._probs import entropy, least_confidence, margin, ratio_of_confidence
from ._regression import RegressionDecomposition, decompose_regression

__all__ = [
    "Decomposition",
    "RegressionDecomposition",
    "decompose",
    "decompose_regression",
    "entropy",
    "expected_entropy",
    "kl_disagreement",
    "least_confidence",
    "margin",
    "mean_std",
    "mutual_information",
    "ratio_of_confidence",
    "variation_ratio",
    "vote_entropy",
]
