"""Device, seeding, threads and dropout switches for the torch models.

Nothing here changes torch's global state for longer than one call: seeds
run inside :func:`torch.random.fork_rng` and thread counts are restored.
"""

from __future__ import annotations

import numbers
from contextlib import contextmanager

import numpy as np
import torch
from torch import nn

__all__ = [
    "DROPOUT_TYPES",
    "consistent_dropout",
    "has_dropout",
    "resolve_device",
    "seed_to_int",
    "seeded",
    "set_dropout",
    "threads",
]

#: Dropout layers that MC dropout keeps active at inference.
DROPOUT_TYPES = (
    nn.Dropout,
    nn.Dropout1d,
    nn.Dropout2d,
    nn.Dropout3d,
    nn.AlphaDropout,
    nn.FeatureAlphaDropout,
)

#: Below this many multiply-adds per step, one thread beats several (overheads dominate).
_SINGLE_THREAD_WORK = 2e7


def resolve_device(device) -> torch.device:
    """``"auto"`` -> CUDA when available else CPU; otherwise check the device can be used."""
    if device is None or (isinstance(device, str) and device == "auto"):
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        dev = torch.device(device)
    except (RuntimeError, TypeError) as exc:
        raise ValueError(
            f"device must be 'auto', 'cpu', 'cuda' or 'cuda:<index>'; got {device!r}."
        ) from exc
    if dev.type == "cuda":
        if not torch.cuda.is_available():
            raise ValueError(
                f"device={device!r} but torch sees no CUDA device (torch.cuda.is_available() is "
                f"False); use device='auto' to fall back to the CPU, or device='cpu'."
            )
        if dev.index is not None and dev.index >= torch.cuda.device_count():
            raise ValueError(
                f"device={device!r} but only {torch.cuda.device_count()} CUDA device(s) exist."
            )
    elif dev.type != "cpu":
        raise ValueError(f"device must be 'auto', 'cpu' or a CUDA device; got {device!r}.")
    return dev


def seed_to_int(seed) -> int:
    """An int seed for torch from None (fresh entropy), an int or a numpy Generator."""
    if isinstance(seed, np.random.Generator):
        return int(seed.integers(2**63 - 1))
    if seed is None:
        return int(np.random.SeedSequence().entropy % (2**63 - 1))
    if isinstance(seed, numbers.Integral) and not isinstance(seed, bool):
        return int(seed) % (2**63 - 1)
    raise TypeError(
        f"seed must be None, an int or a numpy.random.Generator; got {type(seed).__name__}."
    )


@contextmanager
def seeded(seed: int, device: torch.device):
    """Run the block with torch's RNGs seeded, restoring them afterwards."""
    devices = []
    if device.type == "cuda":
        devices = [device.index if device.index is not None else torch.cuda.current_device()]
    with torch.random.fork_rng(devices=devices):
        # Seed only the generators fork_rng restores (torch.manual_seed would reseed every GPU).
        torch.random.default_generator.manual_seed(seed)
        if devices:
            with torch.cuda.device(devices[0]):
                torch.cuda.manual_seed(seed)
        yield


@contextmanager
def threads(n_threads, work: float, device: torch.device):
    """Use ``n_threads`` CPU threads in the block (``"auto"``: 1 for small work), then restore."""
    if device.type != "cpu" or n_threads is None:
        yield
        return
    if n_threads == "auto":
        if work >= _SINGLE_THREAD_WORK:
            yield
            return
        n_threads = 1
    if not isinstance(n_threads, numbers.Integral) or n_threads < 1:
        raise ValueError(f"n_threads must be 'auto', None or a positive int; got {n_threads!r}.")
    old = torch.get_num_threads()
    if old == n_threads:
        yield
        return
    torch.set_num_threads(int(n_threads))
    try:
        yield
    finally:
        torch.set_num_threads(old)


def has_dropout(module: nn.Module) -> bool:
    """Whether ``module`` contains a dropout layer with a positive rate."""
    return any(isinstance(m, DROPOUT_TYPES) and m.p > 0 for m in module.modules())


def set_dropout(module: nn.Module, active: bool) -> nn.Module:
    """Put ``module`` in eval mode with only its dropout layers training (if ``active``).

    As baal's ``bayesian/dropout.py``: MC dropout must not call
    ``module.train()``, which would also make batch-norm use batch statistics.
    """
    module.eval()
    if active:
        for m in module.modules():
            if isinstance(m, DROPOUT_TYPES):
                m.train()
    return module


@contextmanager
def consistent_dropout(module: nn.Module, n_draws: int, batch_axis: int = 0):
    """MC dropout with one mask per draw, shared by every row (consistent MC dropout).

    Draw ``t`` is one thinned network applied to all points: the joint
    sample BatchBALD needs (Kirsch et al. 2019), and only ``n_draws x width``
    random numbers per layer instead of one per row and draw.

    Yields ``new_forward(rows)``, to call before each forward pass with the
    number of points in it. A forward pass may feed the points either
    repeated ``n_draws`` times (draw-major along ``batch_axis``) or once: the
    first :class:`torch.nn.Dropout` then broadcasts them to all draws, so a
    deterministic stem before it runs once per point. Each mask belongs to
    the k-th call of a module within a forward pass (a module applied twice
    gets two independent masks) and is kept across forward passes, so chunks
    of points see the same networks. Other dropout types (``Dropout2d``,
    ...) stay in training mode with per-row masks.
    """
    set_dropout(module, True)
    masks: dict[tuple[nn.Module, int], torch.Tensor] = {}
    calls: dict[nn.Module, int] = {}
    rows = [0]

    def new_forward(n_rows: int) -> None:
        calls.clear()
        rows[0] = n_rows

    def hook(m, inputs, _output):
        x = inputs[0]
        a = batch_axis % x.ndim
        key = (m, calls.get(m, 0))
        calls[m] = key[1] + 1
        mask = masks.get(key)
        if mask is None:
            keep = 1.0 - m.p
            shape = (*x.shape[:a], n_draws, 1, *x.shape[a + 1 :])
            mask = torch.empty(shape, dtype=x.dtype, device=x.device).bernoulli_(keep) / keep
            masks[key] = mask
        if x.shape[a] == rows[0] and n_draws > 1:  # one copy of the points: broadcast
            blocks = x.unsqueeze(a)
        else:
            blocks = x.reshape(*x.shape[:a], n_draws, x.shape[a] // n_draws, *x.shape[a + 1 :])
        out = blocks * mask
        return out.reshape(*x.shape[:a], -1, *x.shape[a + 1 :])

    handles = []
    for m in module.modules():
        if type(m) is nn.Dropout and m.p > 0:
            m.eval()  # identity forward; the hook applies the shared mask
            handles.append(m.register_forward_hook(hook))
    try:
        yield new_forward
    finally:
        for h in handles:
            h.remove()
        set_dropout(module, False)
