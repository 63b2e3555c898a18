"""Last-layer gradient embeddings (BADGE, expected gradient length).

For a softmax output layer ``p = softmax(W h + b)`` and the cross-entropy
loss of label ``y``, the gradient with respect to ``(W, b)`` is
``(p - e_y) ⊗ [h, 1]``. With ``h`` the model's embedding (its penultimate
layer, or the raw features for logistic regression) this is exact for the
last layer. Strategies keep the two factors apart: norms and distances of
Kronecker products factorise, so nothing of size ``n_classes * n_dims`` is
ever built.
"""

from __future__ import annotations

import numpy as np

from .._validation import check_probs
from ._geometry import as_embeddings

__all__ = ["gradient_embeddings", "gradient_factors"]


def gradient_factors(
    probs, embeddings, labels=None, bias: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """The two factors of the last-layer gradient, ``p - e_y`` and ``[h, 1]``.

    Parameters
    ----------
    probs : array-like of shape (n_samples, n_classes)
    embeddings : array-like of shape (n_samples, n_dims)
        Input of the last (softmax) layer.
    labels : array-like of shape (n_samples,), optional
        The label of the loss; default the predicted class ``argmax p`` (BADGE's
        hallucinated label).
    bias : bool
        Append a constant 1 to the embeddings so the bias gradient is included.

    Returns
    -------
    residual : ndarray of shape (n_samples, n_classes)
        ``p - e_y``.
    h : ndarray of shape (n_samples, n_dims + bias)
    """
    p = check_probs(probs).astype(np.float64, copy=False)
    h = as_embeddings(embeddings)
    if len(h) != len(p):
        raise ValueError(
            f"embeddings has {len(h)} rows but probs has {len(p)}; pass one embedding per sample."
        )
    y = p.argmax(axis=1) if labels is None else np.asarray(labels)
    residual = p.copy()
    residual[np.arange(len(p)), y] -= 1.0
    if bias:
        h = np.hstack([h, np.ones((len(h), 1))])
    return residual, h


def gradient_embeddings(probs, embeddings, labels=None, bias: bool = True) -> np.ndarray:
    """Gradient of the cross-entropy with respect to the last layer's weights, flattened.

    Parameters
    ----------
    probs : array-like of shape (n_samples, n_classes)
    embeddings : array-like of shape (n_samples, n_dims)
    labels : array-like of shape (n_samples,), optional
        Default the predicted class.
    bias : bool
        Include the bias gradient.

    Returns
    -------
    ndarray of shape (n_samples, n_classes * (n_dims + bias))
        Row ``i`` is ``vec((p_i - e_{y_i}) [h_i, 1]^T)``, class-major: the gradient
        with respect to ``[W | b]`` of shape (n_classes, n_dims + 1).
    """
    r, h = gradient_factors(probs, embeddings, labels, bias)
    return (r[:, :, None] * h[:, None, :]).reshape(len(r), -1)
