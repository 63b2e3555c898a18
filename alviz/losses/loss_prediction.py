"""Learning loss for active learning (Yoo & Kweon 2019).

A small module reads the backbone's intermediate features and predicts the
target loss of each example; it is trained with a pairwise margin ranking
loss, and its prediction can drive acquisition (query where the predicted
loss is largest).
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from ._common import check_same_shape, reduce

__all__ = ["LossPredictionModule", "loss_prediction_loss"]


class LossPredictionModule(nn.Module):
    """Predicts each example's loss from intermediate features (Yoo & Kweon 2019, Fig. 2).

    Each feature map goes through global average pooling (when it is an image
    map), a linear layer and a ReLU; the results are concatenated and mapped
    to one number.

    Parameters
    ----------
    in_features : sequence of int
        Channels (or widths) of the feature maps, in the order they are passed.
    hidden : int
        Width of each branch.
    """

    def __init__(self, in_features: Sequence[int], hidden: int = 128):
        super().__init__()
        in_features = [int(c) for c in in_features]
        if not in_features:
            raise ValueError("in_features must name at least one feature width; got none.")
        self.branches = nn.ModuleList(nn.Linear(c, hidden) for c in in_features)
        self.out = nn.Linear(hidden * len(in_features), 1)

    def forward(self, features: Sequence[torch.Tensor]) -> torch.Tensor:
        """Predicted loss of shape (n_samples,) from a list of (n_samples, c[, h, w]) maps."""
        if len(features) != len(self.branches):
            raise ValueError(
                f"expected {len(self.branches)} feature maps (one per in_features entry); "
                f"got {len(features)}."
            )
        parts = []
        for f, branch in zip(features, self.branches, strict=True):
            if f.ndim > 2:  # global average pooling over spatial dimensions
                f = f.flatten(2).mean(dim=2)
            parts.append(torch.relu(branch(f)))
        return self.out(torch.cat(parts, dim=1)).squeeze(1)


def loss_prediction_loss(pred_loss, target_loss, margin: float = 1.0, reduction: str = "mean"):
    """Pairwise margin ranking loss of Yoo & Kweon 2019 (eq. 2).

    The batch is split in halves and example ``i`` of the first half is paired
    with example ``i`` of the second (an odd last example is dropped):

    ``L(p, q) = max(0, -sign(l_p - l_q) (l̂_p - l̂_q) + ξ)``

    with ``sign = +1`` if ``l_p > l_q`` else ``-1``. Only the ranking of the
    losses is learned, not their scale, which changes as the backbone trains.
    ``target_loss`` is detached.

    Parameters
    ----------
    pred_loss : Tensor of shape (n_samples,)
        ``l̂``, the predicted losses.
    target_loss : Tensor of shape (n_samples,)
        ``l``, the backbone's per-example losses.
    margin : float
        ``ξ``.
    reduction : {"mean", "sum", "none"}
        Over the ``n_samples // 2`` pairs.

    Returns
    -------
    Tensor, scalar or of shape (n_samples // 2,)
    """
    check_same_shape(pred_loss, target_loss, "pred_loss", "target_loss")
    if pred_loss.ndim != 1:
        raise ValueError(f"pred_loss must be 1-D; got shape {tuple(pred_loss.shape)}.")
    h = len(pred_loss) // 2
    if h == 0:
        raise ValueError("loss_prediction_loss needs at least 2 examples to form a pair; got 1.")
    target_loss = target_loss.detach()
    sign = torch.where(target_loss[:h] > target_loss[h : 2 * h], 1.0, -1.0).to(pred_loss.dtype)
    pairs = torch.clamp(margin - sign * (pred_loss[:h] - pred_loss[h : 2 * h]), min=0.0)
    return reduce(pairs, reduction)
