"""Uncertainty measures: pure functions on probability arrays.

No state, no models, no plotting. Measures keep their literature values
(``margin`` is ``p1 - p2``: small = uncertain); acquisition strategies turn
them into scores where higher = more informative.
"""

from ._probs import entropy, least_confidence, margin

__all__ = ["entropy", "least_confidence", "margin"]
