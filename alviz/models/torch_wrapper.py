"""A user's own torch module as an alviz model."""

from __future__ import annotations

import copy
from typing import ClassVar

import torch
from torch import nn

from .._validation import Options
from ._nets import ModuleAdapter
from ._params import LOSS_DEFAULTS, TRAINING_DEFAULTS, estimator_params
from ._torch_base import TorchClassifierBase
from ._torch_utils import has_dropout

__all__ = ["TorchClassifier"]


def _module_spec(value, name: str) -> None:
    """A torch.nn.Module."""
    if not isinstance(value, nn.Module):
        raise TypeError(
            f"{name} must be a torch.nn.Module mapping (n, n_features) floats to logits; got "
            f"{type(value).__name__}"
        )


@estimator_params(
    module=None,
    **LOSS_DEFAULTS,
    **{
        **TRAINING_DEFAULTS,
        "lr": 1e-3,
        "weight_decay": 0.0,
        "max_epochs": 200,
        "patience": 10,
        "standardize": False,
    },
)
class TorchClassifier(TorchClassifierBase):
    """Train and sample any ``nn.Module`` that maps (n, n_features) floats to logits.

    A deep copy of ``module`` is trained (the module passed in is never
    changed), starting from the weights it has: ``seed`` fixes dropout masks
    and batch order, not the initial weights. Draws are MC-dropout passes
    (only dropout layers switched on, batch-norm stays in eval mode); a
    module without dropout cannot sample and says so.

    The module's output width may equal the number of classes seen (labels
    are then encoded in order), or cover the label values themselves
    (``n_outputs > max(y)``, e.g. all classes of the task); ``predict_proba``
    then keeps the columns of ``classes_`` and renormalises.

    :meth:`embed` returns the input of the last ``nn.Linear`` layer run.

    Parameters
    ----------
    module : torch.nn.Module
    """

    _param_specs: ClassVar[dict] = {"module": [Options(None), _module_spec]}

    def _build_net(self, n_features, n_outputs):
        return ModuleAdapter(copy.deepcopy(self.module))

    def _fit(self, X, y, classes):
        if not isinstance(self.module, nn.Module):
            raise TypeError(
                f"module must be a torch.nn.Module mapping (n, n_features) to logits; got "
                f"{type(self.module).__name__}."
            )
        n_out = self._output_width(X.shape[1])
        if n_out == len(classes):
            self.columns_ = None
        elif n_out > classes.max():
            self.columns_ = classes
        else:
            raise ValueError(
                f"the module outputs {n_out} logits but the labels are {classes.tolist()}: make "
                f"its last layer output one logit per class ({len(classes)} seen, or "
                f"{int(classes.max()) + 1} to index labels directly)."
            )
        super()._fit(X, y, classes)

    @torch.no_grad()
    def _output_width(self, n_features: int) -> int:
        module = copy.deepcopy(self.module).eval()
        first = next(module.parameters(), None)
        try:  # probe on the device the module lives on
            out = module(
                torch.zeros(2, n_features, device=first.device if first is not None else "cpu")
            )
        except Exception as exc:
            raise ValueError(
                f"the module failed on a batch of shape (2, {n_features}) ({exc}); it must map "
                f"(n_samples, n_features) floats to logits (n_samples, n_classes)."
            ) from exc
        if not isinstance(out, torch.Tensor) or out.ndim != 2 or out.shape[0] != 2:
            raise ValueError(
                "the module must return logits of shape (n_samples, n_classes); it returned "
                f"{tuple(out.shape) if isinstance(out, torch.Tensor) else type(out).__name__}."
            )
        return int(out.shape[1])

    def _targets(self, y, classes):
        return y if self.columns_ is None else classes[y]

    def _probs(self, out, seed):
        p = torch.softmax(out, dim=-1)
        if self.columns_ is not None:
            p = p[..., torch.as_tensor(self.columns_)]
            p = p / p.sum(dim=-1, keepdim=True)
        return p

    def _check_can_sample(self):
        if not has_dropout(self.net_):
            raise TypeError(
                f"TorchClassifier cannot sample predictions: {type(self.module).__name__} has "
                f"no dropout layer, so every pass gives the same output. Add nn.Dropout layers "
                f"(they are switched on for MC dropout), train several modules as an ensemble "
                f"(alviz.models.make('deep_ensemble')), or use a strategy that needs only "
                f"probabilities."
            )
