"""The networks behind the torch models.

Every network maps a float batch of shape (n, n_features) to outputs of
shape (n_members, n, n_outputs): a plain network is an ensemble of one, so
MC dropout, deep ensembles and both together share one code path.

alviz's networks split ``forward`` into ``stem`` (the layers before the
first dropout, deterministic) and ``rest``, and name the axis that holds
the rows of their intermediate tensors (``batch_axis``): sampling runs the
stem once per point and only the rest once per draw.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import pairwise

import torch
from torch import nn

__all__ = ["BatchedLinear", "CNNNet", "MLPNet", "ModuleAdapter", "RandomPriorNet"]


class BatchedLinear(nn.Module):
    """``n_members`` independent linear layers applied in one batched matmul.

    Initialised like :class:`torch.nn.Linear` (uniform in ``±1/sqrt(n_in)``).
    """

    def __init__(self, n_members: int, n_in: int, n_out: int):
        super().__init__()
        bound = 1.0 / math.sqrt(n_in) if n_in > 0 else 0.0
        self.weight = nn.Parameter(torch.empty(n_members, n_in, n_out).uniform_(-bound, bound))
        self.bias = nn.Parameter(torch.empty(n_members, 1, n_out).uniform_(-bound, bound))

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        """(n_members, n, n_in) -> (n_members, n, n_out)."""
        return torch.baddbmm(self.bias, h, self.weight)


def _linear(n_members: int, n_in: int, n_out: int) -> nn.Module:
    # One member: a plain nn.Linear on 2-D batches, the fewest autograd nodes.
    return nn.Linear(n_in, n_out) if n_members == 1 else BatchedLinear(n_members, n_in, n_out)


class MLPNet(nn.Module):
    """ReLU MLP (optionally an ensemble, optionally with dropout after each hidden layer).

    Parameters
    ----------
    n_in, n_out : int
    hidden : sequence of int
        Hidden widths; empty gives a linear model.
    dropout : float
        Rate of the dropout after each hidden activation (0: none).
    n_members : int
        Independent members trained side by side.
    """

    def __init__(
        self,
        n_in: int,
        n_out: int,
        hidden: Sequence[int] = (64, 64),
        dropout: float = 0.0,
        n_members: int = 1,
    ):
        super().__init__()
        self.n_members = int(n_members)
        widths = [int(n_in), *(int(h) for h in hidden)]
        self.hidden = nn.ModuleList(_linear(self.n_members, a, b) for a, b in pairwise(widths))
        # Without hidden layers there is nothing to drop out: no dropout layer at all.
        self.drop = nn.Dropout(dropout) if dropout > 0 and len(widths) > 1 else nn.Identity()
        self.head = _linear(self.n_members, widths[-1], int(n_out))
        self.widths = widths
        self.row_floats = max(*widths, int(n_out))  # per row and member, bounds chunk memory
        self.batch_axis = 0 if self.n_members == 1 else 1

    def _expand(self, x: torch.Tensor) -> torch.Tensor:
        # Single member: 2-D activations; ensembles: (n_members, n, width).
        return x if self.n_members == 1 else x.unsqueeze(0).expand(self.n_members, -1, -1)

    def _members(self, h: torch.Tensor) -> torch.Tensor:
        return h.unsqueeze(0) if self.n_members == 1 else h

    def stem(self, x: torch.Tensor) -> torch.Tensor:
        """The first hidden layer up to its dropout (the input itself without hidden layers)."""
        h = self._expand(x)
        return torch.relu(self.hidden[0](h)) if self.hidden else h

    def rest(self, h: torch.Tensor) -> torch.Tensor:
        """From :meth:`stem`'s output to the outputs, shape (n_members, n, n_out)."""
        if self.hidden:
            h = self.drop(h)
            for layer in self.hidden[1:]:
                h = self.drop(torch.relu(layer(h)))
        return self._members(self.head(h))

    def hidden_features(self, x: torch.Tensor) -> list[torch.Tensor]:
        """Output of every hidden layer, each of shape (n_members, n, width)."""
        h, out = self._expand(x), []
        for layer in self.hidden:
            h = self.drop(torch.relu(layer(h)))
            out.append(self._members(h))
        return out

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """Penultimate features of shape (n_members, n, width)."""
        feats = self.hidden_features(x)
        return feats[-1] if feats else self._members(self._expand(x))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(n, n_in) -> (n_members, n, n_out)."""
        return self.rest(self.stem(x))


class RandomPriorNet(nn.Module):
    """A trainable network plus a fixed, random prior network (Osband et al. 2018).

    ``forward(x) = net(x) + prior_scale * prior(x)``, where ``prior`` is a
    copy of ``net``'s architecture with its own random weights that are
    never trained, scaled so that ``prior_scale`` is its standard deviation
    (in output units) over standardised inputs. Each member of an ensemble
    gets its own prior function;
    training fits the sum to the data, so members agree where there are
    data and keep their different priors where there are none, which gives
    an ensemble the epistemic spread far from the data that identically
    initialised and trained members lack ("Randomized Prior Functions for
    Deep Reinforcement Learning", NeurIPS 2018; the scale of the prior plays
    the role of the prior's standard deviation).

    ``n_prior_outputs`` limits the prior to the first outputs (a regressor's
    mean, not its log-variance). It has no ``stem``/``rest`` split: draws
    run the whole network on rows repeated once per pass.
    """

    def __init__(self, net: MLPNet, prior: MLPNet, prior_scale: float, n_prior_outputs=None):
        super().__init__()
        self.net = net
        self.prior = prior.requires_grad_(False)
        # A default-initialised ReLU MLP's outputs are tiny (sd ~0.06 for 64x64): scale each
        # member's prior to sd 1 over standard-normal inputs (the models standardise their
        # features), so that prior_scale is the prior's sd in logit units.
        with torch.no_grad():
            probe = torch.randn(512, net.widths[0], generator=torch.Generator().manual_seed(0))
            sd = self.prior(probe).flatten(1).std(dim=1).clamp_min(1e-6)
        n_out = self.prior(probe[:1]).shape[-1]
        mask = torch.zeros(n_out)
        mask[: n_out if n_prior_outputs is None else int(n_prior_outputs)] = 1.0
        self.register_buffer("prior_sd", sd.reshape(-1, 1, 1))
        self.register_buffer("prior_mask", mask)
        self.prior_scale = float(prior_scale)
        self.n_members = net.n_members
        self.row_floats = 2 * net.row_floats
        self.batch_axis = net.batch_axis
        self.widths = net.widths

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(n, n_in) -> (n_members, n, n_out)."""
        with torch.no_grad():
            p = self.prior(x) / self.prior_sd * self.prior_mask
        return self.net(x) + self.prior_scale * p

    def hidden_features(self, x: torch.Tensor) -> list[torch.Tensor]:
        """The trainable network's hidden layers (see :meth:`MLPNet.hidden_features`)."""
        return self.net.hidden_features(x)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """The trainable network's penultimate features, shape (n_members, n, width)."""
        return self.net.features(x)


class CNNNet(nn.Module):
    """Small CNN for small grey images (digits 8x8, MNIST 28x28) with MC dropout.

    conv3x3-ReLU(-maxpool) twice, adaptive average pooling to 4x4, a hidden
    layer and the head; dropout on the flattened maps and on the hidden layer.
    Pooling happens only while the maps are at least 8 pixels wide, so 8x8
    digits keep some resolution.
    """

    def __init__(
        self,
        image_shape: tuple[int, int, int],
        n_out: int,
        channels: Sequence[int] = (16, 32),
        hidden: int = 128,
        dropout: float = 0.25,
    ):
        super().__init__()
        self.n_members = 1
        self.image_shape = tuple(int(s) for s in image_shape)
        c, h, w = self.image_shape
        layers: list[nn.Module] = []
        for out_c in channels:
            layers += [nn.Conv2d(c, int(out_c), 3, padding=1), nn.ReLU()]
            if min(h, w) >= 8:
                layers.append(nn.MaxPool2d(2))
                h, w = h // 2, w // 2
            c = int(out_c)
        layers.append(nn.AdaptiveAvgPool2d((4, 4)))
        self.conv = nn.Sequential(*layers)
        self.drop = nn.Dropout(dropout) if dropout > 0 else nn.Identity()
        self.fc = nn.Linear(c * 16, int(hidden))
        self.head = nn.Linear(int(hidden), int(n_out))
        self.widths = [c * 16, int(hidden)]
        self.row_floats = max(int(k) for k in channels) * self.image_shape[1] * self.image_shape[2]
        self.batch_axis = 0

    def stem(self, x: torch.Tensor) -> torch.Tensor:
        """The convolutions, flattened: (n, c*h*w) -> (n, channels * 16)."""
        return self.conv(x.view(-1, *self.image_shape)).flatten(1)

    def _dense(self, z: torch.Tensor) -> torch.Tensor:
        return self.drop(torch.relu(self.fc(self.drop(z))))

    def rest(self, z: torch.Tensor) -> torch.Tensor:
        """From :meth:`stem`'s output to the outputs, shape (1, n, n_out)."""
        return self.head(self._dense(z)).unsqueeze(0)

    def hidden_features(self, x: torch.Tensor) -> list[torch.Tensor]:
        """Flattened conv maps and hidden layer, each of shape (1, n, width)."""
        z = self.drop(self.stem(x))
        h = self.drop(torch.relu(self.fc(z)))
        return [z.unsqueeze(0), h.unsqueeze(0)]

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """Penultimate features of shape (1, n, hidden)."""
        return self._dense(self.stem(x)).unsqueeze(0)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(n, c*h*w) -> (1, n, n_out)."""
        return self.rest(self.stem(x))


class ModuleAdapter(nn.Module):
    """A user's module mapping (n, n_features) to logits (n, n_classes), as an ensemble of one."""

    def __init__(self, module: nn.Module):
        super().__init__()
        self.module = module
        self.n_members = 1
        self.row_floats = 4096  # unknown architecture: a conservative guess
        self.batch_axis = 0

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(n, n_features) -> (1, n, n_outputs)."""
        out = self.module(x)
        if not isinstance(out, torch.Tensor) or out.ndim != 2 or out.shape[0] != x.shape[0]:
            got = tuple(out.shape) if isinstance(out, torch.Tensor) else type(out).__name__
            raise ValueError(
                f"the module must return logits of shape (n_samples, n_classes) = "
                f"({x.shape[0]}, n_classes); it returned {got}."
            )
        return out.unsqueeze(0)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """Input of the last :class:`torch.nn.Linear` layer run, shape (1, n, width)."""
        seen: list[torch.Tensor] = []
        linears = [m for m in self.module.modules() if isinstance(m, nn.Linear)]
        if not linears:
            raise TypeError(
                f"cannot find penultimate features in {type(self.module).__name__}: it has no "
                f"nn.Linear layer. Give it a linear output layer, or use raw features."
            )
        handles = [
            m.register_forward_pre_hook(lambda _m, inp: seen.append(inp[0])) for m in linears
        ]
        try:
            self.module(x)
        finally:
            for h in handles:
                h.remove()
        return seen[-1].flatten(1).unsqueeze(0)
