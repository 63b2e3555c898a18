"""Expected model change: how much a label would move the model (gradients, predicted loss)."""

from __future__ import annotations

import numpy as np

from .._validation import check_probs
from ._base import Context, Strategy, _positions
from ._geometry import context_embeddings
from ._registry import register
from .gradients import gradient_factors

__all__ = [
    "ExpectedGradientLength",
    "LossPrediction",
    "expected_gradient_length_scores",
    "loss_prediction_scores",
]


def _per_label_gradient_norms(probs, embeddings, bias: bool) -> tuple[np.ndarray, np.ndarray]:
    """``||(p - e_y) ⊗ [h, 1]||`` for every label y, shape (n, n_classes), and the probs."""
    p = check_probs(probs).astype(np.float64, copy=False)
    h = gradient_factors(p, embeddings, bias=bias)[1]
    # ||p - e_y||² = ||p||² - 2 p_y + 1, so all labels cost one pass.
    res = np.sqrt(np.maximum((p * p).sum(1, keepdims=True) - 2.0 * p + 1.0, 0.0))
    return res * np.linalg.norm(h, axis=1, keepdims=True), p


def expected_gradient_length_scores(probs, embeddings, bias: bool = True) -> np.ndarray:
    """Expected norm of the last-layer gradient the label would cause.

    ``sum_y p(y|x) ||(p - e_y) ⊗ [h, 1]||`` (Settles, Craven & Ray 2008): exact
    for the weights of a softmax layer whose input is ``h`` (logistic regression
    on raw features: ``h = x``).

    Parameters
    ----------
    probs : array-like of shape (n_pool, n_classes)
    embeddings : array-like of shape (n_pool, n_dims)
        Input of the softmax layer.
    bias : bool
        Include the bias gradient.

    Returns
    -------
    ndarray of shape (n_pool,)
        Non-negative; larger = the label would change the model more.
    """
    norms, p = _per_label_gradient_norms(probs, embeddings, bias)
    return (p * norms).sum(axis=1)


def loss_prediction_scores(predicted_loss) -> np.ndarray:
    """The loss a learned loss-prediction module expects on each point.

    Parameters
    ----------
    predicted_loss : array-like of shape (n_pool,)
        ``model.predict_loss(X_pool)``.

    Returns
    -------
    ndarray of shape (n_pool,)
        The predicted loss itself (higher = more informative).
    """
    a = np.asarray(predicted_loss, dtype=np.float64)
    if a.ndim != 1 or not np.isfinite(a).all():
        raise ValueError(
            f"predicted_loss must be a finite 1-D array of shape (n_pool,); got shape {a.shape} "
            f"with {int((~np.isfinite(a)).sum())} non-finite values. Check model.predict_loss."
        )
    return a


@register
class ExpectedGradientLength(Strategy):
    """Query the points whose label is expected to change the model's weights the most.

    Parameters
    ----------
    bias : bool
        Include the bias gradient.
    """

    name = "expected_gradient_length"
    needs = frozenset({"probs", "embeddings", "gradients"})
    pointwise = True
    family = "model change"
    reference = "Settles, Craven & Ray 2008, Multiple-Instance Active Learning."

    def __init__(self, bias: bool = True):
        self.bias = bias

    def score(self, context: Context) -> np.ndarray:
        """Expected gradient length, shape (n_pool,)."""
        E = context_embeddings(context, self.name)[0]
        return expected_gradient_length_scores(context.require("probs", self.name), E, self.bias)

    def explain(self, context: Context, positions) -> dict[str, np.ndarray]:
        """``probs`` and ``gradient_norm`` per label (n_points, n_classes), and score."""
        pos = _positions(positions, context.n_pool)
        probs = np.asarray(context.require("probs", self.name))[pos]
        E = context_embeddings(context, self.name)[0][pos]
        norms, p = _per_label_gradient_norms(probs, E, self.bias)
        return {"probs": p, "gradient_norm": norms, "score": (p * norms).sum(axis=1)}


@register
class LossPrediction(Strategy):
    """Query the points on which a loss-prediction head expects the largest loss."""

    name = "loss_prediction"
    needs = frozenset({"loss"})
    pointwise = True
    family = "uncertainty"
    reference = "Yoo & Kweon 2019, Learning Loss for Active Learning."

    def score(self, context: Context) -> np.ndarray:
        """``context.extra["predicted_loss"]``, shape (n_pool,)."""
        return loss_prediction_scores(context.require("loss", self.name))
