"""What every torch model shares: training loop, warm start, devices, draws.

Training is full-batch Adam while the data fit in one batch (small
active-learning sets), with early stopping on the training loss. With
``warm_start=True`` a refit continues from the previous weights and
optimiser state when the features and classes are unchanged, which is
what makes a refit after one new label cheap.

Weights are initialised on the CPU from the seed and then moved to the
device, so CPU and CUDA runs start from identical weights.
"""

from __future__ import annotations

import math
import numbers
from contextlib import nullcontext
from typing import ClassVar

import numpy as np
import torch
import torch.nn.functional as F

from .._validation import Interval, Options, Sizes, check_fitted_features
from ..losses import (
    beta_nll,
    gaussian_nll,
    get_classification_loss,
    mutual_information,
    uncertainty_weighted_loss,
)
from ._base import UncertainClassifier, UncertainRegressor
from ._nets import MLPNet, RandomPriorNet
from ._optim import Adam
from ._torch_utils import (
    consistent_dropout,
    has_dropout,
    resolve_device,
    seed_to_int,
    seeded,
    set_dropout,
    threads,
)

__all__ = ["TorchClassifierBase", "TorchMixin", "TorchRegressorBase"]

#: Floats one inference chunk may hold per layer; bounds memory on big grids.
_CHUNK_FLOATS = 2**22
#: Extra dropout passes per epoch that estimate epistemic uncertainty for weighting.
_WEIGHT_PASSES = 4


class TorchMixin:
    """Training, inference and sampling machinery for models built on a network.

    A subclass provides ``_batch_loss(net, x, y, epoch)`` and may override
    ``_build_net(n_features, n_outputs)``, which must return a module mapping
    (n, n_features) to (n_members, n, n_outputs); the default is an MLP
    (ensemble) from the parameters ``hidden``, ``dropout`` and ``n_members``.
    """

    _full_batch_max = 4096  # "auto" batch: the whole set up to this many rows
    _minibatch = 256
    _global_scaling = False  # images: one mean and scale for all pixels
    _n_prior_outputs = None  # outputs a random prior (``prior_scale``) is added to; None: all

    #: Checked when the model is built (see alviz.models.ValidatedEstimator).
    _param_specs: ClassVar[dict] = {
        "lr": Interval(numbers.Real, 0, closed="neither"),
        "weight_decay": Interval(numbers.Real, 0),
        "max_epochs": Interval(numbers.Integral, 1),
        "batch_size": [Options("auto"), Interval(numbers.Integral, 1)],
        "patience": Interval(numbers.Integral, 1),
        "tol": Interval(numbers.Real, 0),
        "warm_start": bool,
        "standardize": bool,
        "n_threads": [Options("auto", None), Interval(numbers.Integral, 1)],
        "hidden": Sizes(),
        "n_members": Interval(numbers.Integral, 1),
        "dropout": Interval(numbers.Real, 0, 1, closed="left"),
        "prior_scale": Interval(numbers.Real, 0),
    }

    # ------------------------------------------------------------- set-up
    def _build_net(self, n_features: int, n_outputs: int):
        n_members = getattr(self, "n_members", 1)
        net = MLPNet(n_features, n_outputs, self.hidden, self.dropout, int(n_members))
        prior_scale = getattr(self, "prior_scale", 0.0)
        if prior_scale == 0:
            return net
        # Built after the trainable net, from the same seeded stream: its own random weights.
        prior = MLPNet(n_features, n_outputs, self.hidden, 0.0, int(n_members))
        return RandomPriorNet(net, prior, prior_scale, self._n_prior_outputs)

    def _batch_rows(self, n: int) -> int:
        if self.batch_size == "auto":
            return n if n <= self._full_batch_max else self._minibatch
        return min(int(self.batch_size), n)

    def _prepare(self, X: np.ndarray, warm_key, n_outputs: int) -> bool:
        """Build the network, or keep it when warm starting is possible (then return True)."""
        device = resolve_device(self.device)
        reuse = (
            self.warm_start
            and getattr(self, "net_", None) is not None
            and getattr(self, "warm_key_", None) == warm_key
            and self.device_ == device
        )
        if reuse:
            return True
        self.seed_ = seed_to_int(self.seed)
        if self.standardize and len(X):
            mean = X.mean() if self._global_scaling else X.mean(axis=0)
            scale = X.std() if self._global_scaling else X.std(axis=0)
            scale = np.where(scale > 1e-8, scale, 1.0)
        else:
            mean, scale = 0.0, 1.0
        self.x_mean_ = np.broadcast_to(mean, X.shape[1:]).astype(np.float32)
        self.x_scale_ = np.broadcast_to(scale, X.shape[1:]).astype(np.float32)
        # Initialise on the CPU so that every device starts from the same weights.
        with seeded(self.seed_, torch.device("cpu")):
            net = self._build_net(X.shape[1], n_outputs)
        self.net_ = net.to(device)
        self.device_ = device
        self.warm_key_ = warm_key
        self.optimizer_ = None
        self.epochs_seen_ = 0
        return False

    def _to_tensor(self, X: np.ndarray) -> torch.Tensor:
        x = ((X - self.x_mean_) / self.x_scale_).astype(np.float32, copy=False)
        return torch.from_numpy(np.ascontiguousarray(x)).to(self.device_)

    def _n_params(self) -> int:
        return sum(p.numel() for p in self.net_.parameters())

    def _weight_decay(self, n: int) -> float:
        """The L2 penalty for ``n`` training rows: ``weight_decay``, or scaled by ``prior_n / n``.

        With ``prior_n`` set, the penalty is a fixed prior on the weights whose
        weight against the data (the loss is a mean over rows) falls as 1/n,
        as in Gal & Ghahramani's (2016) reading of dropout with weight decay
        (λ = p l² / (2 N τ)): strong with few labels, weak with many.
        """
        prior_n = getattr(self, "prior_n", None)
        if prior_n is None:
            return self.weight_decay
        if not isinstance(prior_n, numbers.Real) or isinstance(prior_n, bool) or not prior_n > 0:
            raise ValueError(f"prior_n must be a positive number or None; got {prior_n!r}.")
        return self.weight_decay * float(prior_n) / max(n, 1)

    def _min_epochs(self) -> int:
        """Epochs before early stopping may act (e.g. while a loss term is annealed)."""
        return 0

    # ------------------------------------------------------------- training
    def _train(self, x: torch.Tensor, y: torch.Tensor) -> None:
        net, device = self.net_, self.device_
        if self.optimizer_ is None:
            self.optimizer_ = Adam(net.parameters(), lr=self.lr, weight_decay=self.weight_decay)
        opt = self.optimizer_
        n = len(x)
        opt.weight_decay = self._weight_decay(n)
        rows = self._batch_rows(n)
        start, losses = self.epochs_seen_, []
        best, wait = math.inf, 0
        # A warm refit starts near a minimum: give up sooner when it stops improving.
        patience = self.patience if start == 0 else max(1, self.patience // 4)
        with (
            threads(self.n_threads, rows * self._n_params(), device),
            seeded(self.seed_ + start, device),
        ):
            net.train()
            for epoch in range(start, start + self.max_epochs):
                if rows >= n:
                    value = float(self._step(opt, x, y, epoch))
                else:  # the order is drawn on the CPU: the same on every device
                    total = torch.zeros((), device=device)
                    for idx in torch.randperm(n).to(device).split(rows):
                        total += self._step(opt, x[idx], y[idx], epoch) * len(idx)
                    value = float(total) / n
                if not math.isfinite(value):
                    net.eval()
                    raise ValueError(
                        f"{type(self).__name__} training diverged (loss {value}) at epoch "
                        f"{epoch}; lower lr (now {self.lr}) or standardize the features."
                    )
                losses.append(value)
                if epoch - start < self._min_epochs():
                    continue
                if value < best - self.tol:
                    best, wait = value, 0
                else:
                    wait += 1
                    if wait >= patience:
                        break
        net.eval()
        self.epochs_seen_ = start + len(losses)
        self.n_epochs_ = len(losses)
        self.loss_curve_ = losses

    def _step(self, opt, x, y, epoch) -> torch.Tensor:
        """One optimiser step on a batch; returns the (detached) batch loss."""
        loss = self._batch_loss(self.net_, x, y, epoch)
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss.detach()

    # ------------------------------------------------------------- inference
    def _chunk_rows(self, copies: int) -> int:
        width = getattr(self.net_, "row_floats", 1024)
        return max(1, _CHUNK_FLOATS // max(1, copies * self.net_.n_members * width))

    @torch.no_grad()
    def _eval_outputs(self, X: np.ndarray, features: bool = False) -> torch.Tensor:
        """Deterministic outputs (dropout off), shape (n_members, n, n_outputs), float64 on the CPU.

        The network runs in float32; its outputs are widened so that the softmax
        and exp after it run in float64. In float32, torch's vectorised exp and
        the scalar exp it uses for a tensor's last few elements round differently
        (1 ulp), so a point's probability depended on where it sat in the batch.
        """
        net = set_dropout(self.net_, False)
        fn = net.features if features else net
        rows = self._chunk_rows(1)
        outs = []
        with threads(self.n_threads, min(rows, len(X)) * self._n_params(), self.device_):
            for s in range(0, max(len(X), 1), rows):
                outs.append(fn(self._to_tensor(X[s : s + rows])).double().cpu())
        return torch.cat(outs, dim=1)

    def _stochastic(self) -> bool:
        return has_dropout(self.net_)

    @torch.no_grad()
    def _draw_outputs(self, X: np.ndarray, n_draws: int, seed) -> torch.Tensor:
        """Outputs of ``n_draws`` dropout passes / members, shape (n_draws, n, n_outputs).

        float64 on the CPU, for the reason given in :meth:`_eval_outputs`.

        Members come first, then dropout passes; without dropout the members
        are cycled. All passes run in one batch of repeated rows, with one
        dropout mask per pass shared by every row (see
        :func:`~alviz.models._torch_utils.consistent_dropout`): draw ``t`` is
        one sampled network, evaluated at every point. alviz's own networks
        run their deterministic ``stem`` once per row, not once per pass.
        """
        net, m = self.net_, self.net_.n_members
        stochastic = self._stochastic()
        passes = -(-n_draws // m) if stochastic else 1
        axis = getattr(net, "batch_axis", 0)
        split = hasattr(net, "stem")
        rows = self._chunk_rows(passes)
        outs = []
        work = min(rows, len(X)) * passes * self._n_params()
        with (
            threads(self.n_threads, work, self.device_),
            seeded(seed_to_int(seed), self.device_),
            consistent_dropout(net, passes, axis)
            if stochastic
            else nullcontext(None) as new_forward,
        ):
            for s in range(0, max(len(X), 1), rows):
                x = self._to_tensor(X[s : s + rows])
                c = len(x)
                if new_forward is not None:
                    new_forward(c)
                # alviz's networks: the stem once per point, the first dropout broadcasts it
                # to every pass; other modules get the points repeated once per pass.
                out = net.rest(net.stem(x)) if split else net(x.repeat(passes, 1))
                out = out.reshape(m, passes, c, -1).transpose(0, 1).reshape(passes * m, c, -1)
                outs.append(out.double().cpu())
        out = torch.cat(outs, dim=1)
        return out[torch.arange(n_draws) % len(out)]

    def _require_stochastic(self) -> None:
        if not self._stochastic() and self.net_.n_members < 2:
            raise TypeError(
                f"{type(self).__name__} cannot sample predictions: its network has no dropout "
                f"layer (dropout=0) and a single member, so every pass gives the same output. "
                f"Set dropout > 0 (MC dropout), use an ensemble (n_members > 1), or wrap a "
                f"scikit-learn model with alviz.models.as_model for bootstrap draws."
            )


def _classification_loss(value, name: str) -> None:
    """A key of alviz.losses.CLASSIFICATION_LOSSES or a callable."""
    get_classification_loss(value)


def _normalise(p: torch.Tensor) -> np.ndarray:
    a = p.double().numpy()
    return a / a.sum(axis=-1, keepdims=True)


class TorchClassifierBase(TorchMixin, UncertainClassifier):
    """A network classifier: logits out, any loss of :mod:`alviz.losses` in.

    Subclasses may override ``_n_outputs``, ``_batch_loss``, ``_probs`` and
    ``_draw_probs``. Uses the parameters ``loss``, ``loss_params`` and
    ``uncertainty_weighting`` when the subclass has them.
    """

    _param_specs: ClassVar[dict] = {
        "loss": _classification_loss,
        "loss_params": [Options(None), dict],
        "uncertainty_weighting": Interval(numbers.Real, 0),
    }

    def _n_outputs(self, n_classes: int) -> int:
        return n_classes

    def _targets(self, y: np.ndarray, classes: np.ndarray) -> np.ndarray:
        return y

    def _fit(self, X, y, classes):
        self._prepare(X, (X.shape[1], tuple(classes.tolist())), self._n_outputs(len(classes)))
        if getattr(self, "uncertainty_weighting", 0.0) > 0 and not (
            self._stochastic() or self.net_.n_members > 1
        ):
            raise ValueError(
                "uncertainty_weighting needs an epistemic estimate during training: set "
                "dropout > 0 or n_members > 1."
            )
        self.n_classes_ = len(classes)
        y_t = torch.as_tensor(self._targets(y, classes), dtype=torch.long).to(self.device_)
        self._train(self._to_tensor(X), y_t)

    def _logits_loss(self, net, x, logits, y) -> torch.Tensor:
        """Mean of ``self.loss`` over members and rows, uncertainty-weighted if asked."""
        m, _, c = logits.shape
        fn = get_classification_loss(getattr(self, "loss", "cross_entropy"))
        params = getattr(self, "loss_params", None) or {}
        per = fn(logits.reshape(-1, c), y if m == 1 else y.repeat(m), reduction="none", **params)
        strength = getattr(self, "uncertainty_weighting", 0.0)
        if strength > 0:
            with torch.no_grad():
                if m > 1:
                    draws = logits.detach()
                else:  # a few extra dropout passes, batched as repeated rows
                    n = len(x)
                    draws = net(x.repeat(_WEIGHT_PASSES, 1)).reshape(_WEIGHT_PASSES, n, -1)
                epistemic = mutual_information(draws)
            per = uncertainty_weighted_loss(per, epistemic.repeat(m), strength, reduction="none")
        return per.mean()

    def _batch_loss(self, net, x, y, epoch):
        return self._logits_loss(net, x, net(x), y)

    def _probs(self, out: torch.Tensor, seed) -> torch.Tensor:
        """Class probabilities from outputs of shape (..., n, n_outputs)."""
        return torch.softmax(out, dim=-1)

    def _draw_probs(self, out: torch.Tensor, seed) -> torch.Tensor:
        return self._probs(out, seed)

    def _predict_proba(self, X):
        return _normalise(self._probs(self._eval_outputs(X), self.seed_).mean(dim=0))

    def _sample_proba(self, X, n_draws, seed):
        self._check_can_sample()
        return _normalise(self._draw_probs(self._draw_outputs(X, n_draws, seed), seed))

    def _check_can_sample(self) -> None:
        self._require_stochastic()

    def embed(self, X) -> np.ndarray:
        """Penultimate-layer features (dropout off), e.g. for BADGE or core-set.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_hidden)
            For ensembles the members' features side by side
            (``n_hidden = n_members * width``).
        """
        X = check_fitted_features(self, X)
        if self._single_class():
            raise ValueError(
                f"{type(self).__name__} was fitted on a single class, so no network was trained "
                f"and it has no features; fit it on at least two classes."
            )
        f = self._eval_outputs(X, features=True)  # (m, n, h)
        return f.transpose(0, 1).reshape(f.shape[1], -1).double().numpy()


class TorchRegressorBase(TorchMixin, UncertainRegressor):
    """A network regressor predicting a mean and a log-variance (Gaussian likelihood).

    Targets are standardised internally; outputs are in the units of ``y``.
    Uses the parameters ``loss`` ("gaussian_nll" or "beta_nll") and ``beta``.
    """

    _LOG_VAR_RANGE = (-12.0, 12.0)
    _n_prior_outputs = 1  # a random prior on the mean only, not on the noise
    _param_specs: ClassVar[dict] = {
        "loss": Options("gaussian_nll", "beta_nll"),
        "beta": Interval(numbers.Real, 0, 1),
    }

    def _fit(self, X, y):
        if not self._prepare(X, (X.shape[1],), 2):  # a new network: new target scaling
            std = float(y.std())
            self.y_mean_, self.y_scale_ = float(y.mean()), (std if std > 1e-8 else 1.0)
        y_t = torch.as_tensor((y - self.y_mean_) / self.y_scale_, dtype=torch.float32)
        self._train(self._to_tensor(X), y_t.to(self.device_))

    def _split(self, out: torch.Tensor):
        return out[..., 0], out[..., 1].clamp(*self._LOG_VAR_RANGE)

    def _batch_loss(self, net, x, y, epoch):
        mean, log_var = self._split(net(x))
        target = y.expand_as(mean)
        if self.loss == "beta_nll":
            return beta_nll(mean, log_var, target, beta=self.beta)
        return gaussian_nll(mean, log_var, target)

    def _predict(self, X):
        mean, _ = self._split(self._eval_outputs(X))
        return mean.mean(dim=0).double().numpy() * self.y_scale_ + self.y_mean_

    def _sample_predictions(self, X, n_draws, seed):
        self._require_stochastic()
        mean, log_var = self._split(self._draw_outputs(X, n_draws, seed))
        means = mean.double().numpy() * self.y_scale_ + self.y_mean_
        return means, np.exp(log_var.double().numpy()) * self.y_scale_**2

    def predict_uncertainty(self, X, n_draws: int = 20, seed=None):
        """Predictive mean, aleatoric variance ``E[σ²]`` and epistemic variance ``Var[μ]``.

        Over ``n_draws`` dropout passes; an ensemble without dropout uses each
        member exactly once instead.

        Returns
        -------
        mean, var_aleatoric, var_epistemic : ndarray of shape (n_samples,)
        """
        check_fitted_features(self, X)
        if not self._stochastic():
            n_draws = self.net_.n_members
        return super().predict_uncertainty(X, n_draws=n_draws, seed=seed)


def softplus_evidence(out: torch.Tensor) -> torch.Tensor:
    """Non-negative evidence from raw outputs (softplus: no dead units, unlike ReLU)."""
    return F.softplus(out)
