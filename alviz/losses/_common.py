"""Input checks and reduction shared by the losses."""

from __future__ import annotations

import torch

__all__ = ["check_logits_target", "check_same_shape", "reduce"]

_REDUCTIONS = ("mean", "sum", "none")


def reduce(per_example: torch.Tensor, reduction: str) -> torch.Tensor:
    """Reduce a per-example loss of shape (n_samples,) by ``"mean"``, ``"sum"`` or ``"none"``."""
    if reduction == "mean":
        return per_example.mean()
    if reduction == "sum":
        return per_example.sum()
    if reduction == "none":
        return per_example
    raise ValueError(f"reduction must be one of {_REDUCTIONS}; got {reduction!r}.")


def _check_tensor(x, name: str) -> torch.Tensor:
    if not isinstance(x, torch.Tensor):
        raise TypeError(
            f"{name} must be a torch.Tensor; got {type(x).__name__}. "
            f"Convert it with torch.as_tensor(...)."
        )
    return x


def check_logits_target(logits, target, name: str = "logits") -> None:
    """Check ``logits`` of shape (n_samples, n_classes) against integer ``target`` (n_samples,)."""
    _check_tensor(logits, name)
    _check_tensor(target, "target")
    if logits.ndim != 2:
        raise ValueError(
            f"{name} must have shape (n_samples, n_classes); got shape {tuple(logits.shape)}."
        )
    if target.ndim != 1 or target.shape[0] != logits.shape[0]:
        raise ValueError(
            f"target must have shape (n_samples,) = ({logits.shape[0]},); got shape "
            f"{tuple(target.shape)}. Pass one class index per row of {name}."
        )
    if target.dtype.is_floating_point or target.dtype == torch.bool:
        raise TypeError(
            f"target must hold integer class indices (torch.long); got dtype {target.dtype}. "
            f"Use target.long()."
        )


def check_same_shape(a, b, name_a: str, name_b: str) -> None:
    """Raise unless the tensors ``a`` and ``b`` have the same shape."""
    _check_tensor(a, name_a)
    _check_tensor(b, name_b)
    if a.shape != b.shape:
        raise ValueError(
            f"{name_a} and {name_b} must have the same shape; got {tuple(a.shape)} and "
            f"{tuple(b.shape)}."
        )
