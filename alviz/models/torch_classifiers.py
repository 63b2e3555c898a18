"""Torch classifiers that can say what they do not know.

- :class:`MCDropoutMLP`: MC dropout (Gal & Ghahramani 2016);
- :class:`DeepEnsembleMLP`: deep ensemble (Lakshminarayanan et al. 2017);
- :class:`HeteroscedasticMLP`: learned logit noise (Kendall & Gal 2017);
- :class:`EvidentialMLP`: Dirichlet evidence (Sensoy et al. 2018);
- :class:`MCDropoutCNN`: small CNN with MC dropout for 8x8 / 28x28 images;
- :class:`LossPredictionMLP`: MLP with a loss-prediction head (Yoo & Kweon 2019).

All share the training parameters of ``alviz.models._params.TRAINING_DEFAULTS``,
listed under "Other Parameters" in each class's docstring.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn

from .._validation import check_random_state
from ..losses import (
    LossPredictionModule,
    cross_entropy,
    evidential_loss,
    heteroscedastic_classification_loss,
    loss_prediction_loss,
)
from ._checks import check_X_fitted
from ._nets import CNNNet, MLPNet
from ._params import LOSS_DEFAULTS, TRAINING_DEFAULTS, estimator_params
from ._torch_base import TorchClassifierBase, softplus_evidence
from ._torch_utils import seed_to_int

__all__ = [
    "DeepEnsembleMLP",
    "EvidentialMLP",
    "HeteroscedasticMLP",
    "LossPredictionMLP",
    "MCDropoutCNN",
    "MCDropoutMLP",
]

#: Chunk of (noise samples x draws x rows x classes) floats when averaging logit noise.
_NOISE_CHUNK = 2**22

_MLP = {"hidden": (64, 64), "n_members": 1}


@estimator_params(
    **{**_MLP, "hidden": (128, 128)},
    dropout=0.4,
    **LOSS_DEFAULTS,
    **{**TRAINING_DEFAULTS, "weight_decay": 3e-2},
)
class MCDropoutMLP(TorchClassifierBase):
    """MLP whose draws are MC-dropout passes (Gal & Ghahramani 2016).

    At inference only the dropout layers are switched on (as baal's
    ``bayesian/dropout.py``), never ``module.train()``. ``predict_proba`` is
    the deterministic pass with dropout off.

    Defaults (128 x 128, dropout 0.4, weight decay 3e-2): in Gal &
    Ghahramani's reading the weight decay is the prior's precision and the
    dropout rate sets the posterior's spread. With the weaker 64 x 64 /
    0.1 / 1e-3 the network memorised coin-flip labels, so its draws
    disagreed most in a 50/50 region (aleatoric uncertainty leaking into the
    epistemic part) and BALD chased label noise. With these defaults the
    epistemic part grows where the data end (the ``aleatoric_epistemic``
    world's claims). MC dropout stays unsure only far from the data, not in
    a gap *between* data (Foong et al. 2019, "'In-Between' Uncertainty in
    Bayesian Neural Networks"): the ``epistemic`` world's card tests that too.

    Parameters
    ----------
    hidden : tuple of int
        Hidden layer widths.
    n_members : int
        More than 1 trains an ensemble of MC-dropout networks.
    dropout : float
        Dropout rate after each hidden layer (> 0 to sample).
    """


@estimator_params(
    **{**_MLP, "n_members": 5},
    dropout=0.0,
    prior_scale=10.0,
    **LOSS_DEFAULTS,
    **{**TRAINING_DEFAULTS, "weight_decay": 3e-3},
)
class DeepEnsembleMLP(TorchClassifierBase):
    """Deep ensemble of MLPs with randomized priors (Lakshminarayanan et al. 2017; Osband 2018).

    Members differ by their random initialisation and, by default, by a
    fixed random prior function added to each member's logits (Osband,
    Aslanides & Cassirer 2018, "Randomized Prior Functions for Deep
    Reinforcement Learning"; see :class:`alviz.models._nets.RandomPriorNet`).
    Without the prior, members trained from small random weights on the same
    data converge to nearly the same function: their mutual information in
    the gap of the ``epistemic`` world was 0.0001, as everywhere else. With
    it they agree on the data and keep their different priors away from
    them. They are trained side by side in one batched network. With
    ``n_draws > n_members`` the members are cycled; with ``dropout > 0``
    each member also gives MC-dropout passes.

    Parameters
    ----------
    hidden : tuple of int
    n_members : int
    dropout : float
    prior_scale : float
        Standard deviation, in logits, of each member's random prior
        function over standardised inputs; 0 turns the priors off (a plain
        deep ensemble).
    """


@estimator_params(**_MLP, dropout=0.1, n_noise_samples=20, **TRAINING_DEFAULTS)
class HeteroscedasticMLP(TorchClassifierBase):
    """MLP with a heteroscedastic head: logits plus a learned log-variance (Kendall & Gal 2017).

    Trained with :func:`alviz.losses.heteroscedastic_classification_loss`.
    The variance of the Gaussian noise on the logits is the aleatoric
    uncertainty (:meth:`predict_logit_variance`); MC dropout gives the
    epistemic one. A draw is one dropout pass with the softmax averaged over
    ``n_noise_samples`` noise samples, so the expected entropy of the draws
    holds the aleatoric part and their disagreement the epistemic part.

    Parameters
    ----------
    hidden : tuple of int
    n_members : int
    dropout : float
    n_noise_samples : int
        Monte Carlo samples of the logit noise (training and prediction).
    """

    def _n_outputs(self, n_classes):
        return n_classes + 1  # one shared log-variance per example

    @staticmethod
    def _split(out):
        return out[..., :-1], out[..., -1:].clamp(-10.0, 10.0)

    def _batch_loss(self, net, x, y, epoch):
        logits, log_var = self._split(net(x))
        m, n, c = logits.shape
        return heteroscedastic_classification_loss(
            logits.reshape(m * n, c),
            log_var.reshape(m * n, 1),
            y.repeat(m),
            n_samples=self.n_noise_samples,
        )

    def _probs(self, out, seed):
        logits, log_var = self._split(out)
        sigma = torch.exp(0.5 * log_var)
        # Noise from a CPU generator: the same numbers on every device.
        gen = torch.Generator().manual_seed(seed_to_int(seed))
        k = self.n_noise_samples
        n = logits.shape[-2]
        rows = max(1, _NOISE_CHUNK // max(1, k * logits[..., :1, :].numel()))
        parts = []
        for s in range(0, max(n, 1), rows):
            mu, sd = logits[..., s : s + rows, :], sigma[..., s : s + rows, :]
            eps = torch.randn((k, *mu.shape), generator=gen)
            parts.append(torch.softmax(mu + sd * eps, dim=-1).mean(dim=0))
        return torch.cat(parts, dim=-2)

    def predict_logit_variance(self, X) -> np.ndarray:
        """Learned variance σ² of the logit noise (aleatoric), averaged over members.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        X = check_X_fitted(self, X)
        if self._single_class():
            return np.zeros(len(X))
        _, log_var = self._split(self._eval_outputs(X))
        return torch.exp(log_var[..., 0]).mean(dim=0).double().numpy()


@estimator_params(**_MLP, dropout=0.0, annealing_epochs=50, kind="mse", **TRAINING_DEFAULTS)
class EvidentialMLP(TorchClassifierBase):
    """Evidential MLP (Sensoy et al. 2018): outputs the concentrations of a Dirichlet.

    ``α = softplus(outputs) + 1``; ``predict_proba`` is the Dirichlet mean
    ``α / sum α``; draws are probability vectors sampled from ``Dir(α)``, so
    little total evidence gives widely spread draws. Draws are independent
    per point (each point has its own Dirichlet), so joint measures such as
    BatchBALD see no correlation between points.
    Trained with :func:`alviz.losses.evidential_loss`; early stopping waits
    until the KL term is fully annealed in.

    Like any ReLU network, its evidence can keep growing far from the data
    (it extrapolates linearly), so it is most informative between and near
    the training points (Ulmer et al. 2023 survey this limitation).

    Parameters
    ----------
    hidden : tuple of int
    n_members : int
    dropout : float
    annealing_epochs : int
        Epochs over which the KL regulariser's weight rises from 0 to 1.
    kind : {"mse", "log", "digamma"}
        Which of the paper's data terms to use.
    """

    def _min_epochs(self):
        return max(0, self.annealing_epochs - self.epochs_seen_)

    def _batch_loss(self, net, x, y, epoch):
        evidence = softplus_evidence(net(x))
        m, n, c = evidence.shape
        return evidential_loss(
            evidence.reshape(m * n, c),
            y.repeat(m),
            epoch=epoch,
            annealing_epochs=self.annealing_epochs,
            kind=self.kind,
        )

    def _probs(self, out, seed):
        alpha = softplus_evidence(out) + 1.0
        return alpha / alpha.sum(dim=-1, keepdim=True)

    def _check_can_sample(self):
        pass  # the Dirichlet itself is the source of draws

    def _draw_probs(self, out, seed):
        alpha = (softplus_evidence(out) + 1.0).double().numpy()
        g = check_random_state(seed).standard_gamma(alpha)
        s = g.sum(axis=-1, keepdims=True)
        p = np.where(s > 0, g / np.where(s > 0, s, 1.0), alpha / alpha.sum(-1, keepdims=True))
        return torch.from_numpy(p)

    def predict_dirichlet(self, X) -> np.ndarray:
        """Dirichlet concentrations ``α`` (averaged over members).

        ``n_classes / α.sum(axis=1)`` is the "vacuity" (uncertainty mass) of the paper.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_classes_seen)
        """
        X = check_X_fitted(self, X)
        if self._single_class():
            raise ValueError("the model was fitted on one class; it has no Dirichlet output.")
        return (softplus_evidence(self._eval_outputs(X)) + 1.0).mean(dim=0).double().numpy()


def image_shape_of(image_shape, n_features: int) -> tuple[int, int, int]:
    """``(channels, height, width)`` from ``image_shape`` or a square ``n_features``."""
    if image_shape is None:
        side = math.isqrt(n_features)
        if side * side != n_features:
            raise ValueError(
                f"cannot infer the image shape: {n_features} features is not a square number. "
                f"Pass image_shape=(height, width) or (channels, height, width)."
            )
        return (1, side, side)
    shape = tuple(int(s) for s in image_shape)
    if len(shape) == 2:
        shape = (1, *shape)
    if len(shape) != 3 or math.prod(shape) != n_features:
        raise ValueError(
            f"image_shape {tuple(image_shape)} does not fit rows of {n_features} features; "
            f"pass (height, width) or (channels, height, width) whose product is {n_features}."
        )
    return shape


@estimator_params(
    image_shape=None,
    channels=(16, 32),
    hidden=128,
    dropout=0.25,
    **LOSS_DEFAULTS,
    **{**TRAINING_DEFAULTS, "lr": 1e-3, "max_epochs": 30, "patience": 5},
)
class MCDropoutCNN(TorchClassifierBase):
    """Small CNN with MC dropout for small grey images (digits 8x8, MNIST 28x28).

    Takes flattened rows (n_samples, channels * height * width). Features are
    scaled with one mean and scale for all pixels, so the image stays an image.

    Parameters
    ----------
    image_shape : tuple or None
        ``(height, width)`` or ``(channels, height, width)``; None infers a
        square single-channel image from ``n_features``.
    channels : tuple of int
        Output channels of the two conv layers.
    hidden : int
        Width of the hidden dense layer (the :meth:`embed` features).
    dropout : float
    """

    _minibatch = 128
    _full_batch_max = 256
    _global_scaling = True

    def _build_net(self, n_features, n_outputs):
        shape = image_shape_of(self.image_shape, n_features)
        return CNNNet(shape, n_outputs, self.channels, self.hidden, self.dropout)


class _LossPredictionNet(nn.Module):
    """A backbone MLP and a loss-prediction module reading its hidden layers."""

    def __init__(self, backbone: MLPNet, width: int):
        super().__init__()
        if not backbone.hidden:
            raise ValueError("the loss-prediction model needs at least one hidden layer; got none.")
        self.backbone = backbone
        self.loss_module = LossPredictionModule(backbone.widths[1:], hidden=width)
        self.n_members = 1
        self.row_floats = backbone.row_floats
        self.batch_axis = backbone.batch_axis

    def forward(self, x):
        return self.backbone(x)

    def stem(self, x):
        return self.backbone.stem(x)

    def rest(self, h):
        return self.backbone.rest(h)

    def features(self, x):
        return self.backbone.features(x)


@estimator_params(
    hidden=(64, 64),
    dropout=0.1,
    loss_module_width=32,
    loss_weight=1.0,
    margin=1.0,
    detach_features=False,
    **TRAINING_DEFAULTS,
)
class LossPredictionMLP(TorchClassifierBase):
    """MLP with a loss-prediction module (Yoo & Kweon 2019, "Learning Loss for Active Learning").

    The module reads every hidden layer and predicts the example's
    cross-entropy; it is trained with the pairwise margin ranking loss
    (:func:`alviz.losses.loss_prediction_loss`, pairs from a random split of
    each batch) added to the target loss with weight ``loss_weight``.
    :meth:`predict_loss` drives the ``loss_prediction`` acquisition strategy;
    dropout gives MC-dropout draws.

    Parameters
    ----------
    hidden : tuple of int
        At least one hidden layer.
    dropout : float
    loss_module_width : int
        Width of each branch of the loss-prediction module.
    loss_weight : float
        λ, the weight of the ranking loss.
    margin : float
        ξ of the ranking loss.
    detach_features : bool
        Stop the ranking loss's gradient at the backbone's features (the
        paper does this late in training so the backbone is not pulled
        towards easy-to-rank features).
    """

    def _build_net(self, n_features, n_outputs):
        return _LossPredictionNet(super()._build_net(n_features, n_outputs), self.loss_module_width)

    def _batch_loss(self, net, x, y, epoch):
        feats = net.backbone.hidden_features(x)
        logits = net.backbone.head(feats[-1])[0]
        target_loss = cross_entropy(logits, y, reduction="none")
        inputs = [f[0].detach() if self.detach_features else f[0] for f in feats]
        pred = net.loss_module(inputs)
        loss = target_loss.mean()
        if len(x) >= 2:
            perm = torch.randperm(len(x)).to(x.device)  # random pairs, the same on every device
            rank = loss_prediction_loss(pred[perm], target_loss[perm], margin=self.margin)
            loss = loss + self.loss_weight * rank
        return loss

    @torch.no_grad()
    def predict_loss(self, X) -> np.ndarray:
        """Predicted loss of each example (only its ranking is meaningful).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
            Larger = the model expects to be more wrong there.
        """
        X = check_X_fitted(self, X)
        if self._single_class():
            return np.zeros(len(X))
        net = self.net_.eval()
        rows = self._chunk_rows(1)
        out = []
        for s in range(0, max(len(X), 1), rows):
            feats = net.backbone.hidden_features(self._to_tensor(X[s : s + rows]))
            out.append(net.loss_module([f[0] for f in feats]).double().cpu())
        return torch.cat(out).numpy()
