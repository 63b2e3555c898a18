"""Models that can say what they do not know.

Every model has ``fit``, ``predict_proba`` and ``sample_proba(X, n_draws)``
(draws first). torch models are imported only when made.
"""

from ._base import BootstrapModel, as_model, full_draws, full_proba
from ._registry import make, names, register

__all__ = ["BootstrapModel", "as_model", "full_draws", "full_proba", "make", "names", "register"]
