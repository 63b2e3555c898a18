"""A small Adam (Kingma & Ba 2015) for the torch models.

``torch.optim`` imports ``torch._dynamo`` the first time an optimiser is
built, which takes several seconds; the first click in a widget should not
wait for that. This Adam is the textbook update (L2 ``weight_decay`` added to
the gradient, as ``torch.optim.Adam``). It runs torch's fused Adam kernel
(the one behind ``torch.optim.Adam(fused=True)``: one call updates every
parameter, which is what matters for small networks) and falls back to
``torch._foreach_*`` operations where that kernel is missing or refuses
the parameters.
"""

from __future__ import annotations

import math

import torch

__all__ = ["Adam"]


class Adam:
    """Adam over a list of parameters; keeps its moments across ``step`` calls (warm starts).

    Parameters
    ----------
    params : iterable of torch.nn.Parameter
    lr : float
    weight_decay : float
    betas : (float, float)
    eps : float
    """

    def __init__(
        self, params, lr: float = 1e-3, weight_decay: float = 0.0, betas=(0.9, 0.999), eps=1e-8
    ):
        self.params = [p for p in params if p.requires_grad]
        self.lr, self.weight_decay, self.betas, self.eps = lr, weight_decay, betas, eps
        self.exp_avg = [torch.zeros_like(p) for p in self.params]
        self.exp_avg_sq = [torch.zeros_like(p) for p in self.params]
        self.t = 0
        # One step counter shared by all parameters (they are all updated together).
        device = self.params[0].device if self.params else "cpu"
        self._step = torch.zeros((), dtype=torch.float32, device=device)
        self._fused = hasattr(torch, "_fused_adam_")

    def zero_grad(self) -> None:
        """Drop the gradients (set them to None)."""
        for p in self.params:
            p.grad = None

    @torch.no_grad()
    def step(self) -> None:
        """One Adam update of every parameter that has a gradient."""
        live = [i for i, p in enumerate(self.params) if p.grad is not None]
        if not live:
            return
        params = [self.params[i] for i in live]
        grads = [self.params[i].grad for i in live]
        m = [self.exp_avg[i] for i in live]
        v = [self.exp_avg_sq[i] for i in live]
        self.t += 1
        if self._fused:
            try:
                return self._fused_step(live, params, grads, m, v)
            except (RuntimeError, TypeError):  # kernel missing for this device/dtype
                self._fused = False
        b1, b2 = self.betas
        step_size = self.lr / (1 - b1**self.t)
        bias2 = math.sqrt(1 - b2**self.t)
        if self.weight_decay:
            grads = torch._foreach_add(grads, params, alpha=self.weight_decay)
        torch._foreach_lerp_(m, grads, 1 - b1)
        torch._foreach_mul_(v, b2)
        torch._foreach_addcmul_(v, grads, grads, value=1 - b2)
        denom = torch._foreach_sqrt(v)
        torch._foreach_div_(denom, bias2)
        torch._foreach_add_(denom, self.eps)
        torch._foreach_addcdiv_(params, m, denom, value=-step_size)

    def _fused_step(self, live, params, grads, m, v) -> None:
        # torch's fused kernel reads the step count from a tensor per parameter.
        self._step.fill_(self.t)
        torch._fused_adam_(
            params,
            grads,
            m,
            v,
            [],
            [self._step] * len(live),
            amsgrad=False,
            lr=self.lr,
            beta1=self.betas[0],
            beta2=self.betas[1],
            weight_decay=self.weight_decay,
            eps=self.eps,
            maximize=False,
            grad_scale=None,
            found_inf=None,
        )
