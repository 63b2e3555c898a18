"""Checks of loader knobs (sizes, rates, seeds) with messages that say how to fix them.

The generic scalar checks live in :mod:`alviz._validation`; ``check_int``,
``check_real`` and ``check_choice`` are imported from there so the loaders keep
one import line.
"""

from __future__ import annotations

import numbers

import numpy as np

from .._validation import check_choice, check_int, check_real

__all__ = [
    "check_choice",
    "check_int",
    "check_real",
    "check_seed",
    "check_test_size",
    "pool_and_test_sizes",
    "pool_and_test_streams",
]


def check_seed(seed, name: str = "seed") -> int:
    """Seeds of datasets are plain ints, so a dataset can be reloaded from its registry entry."""
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(
            f"{name} must be a non-negative int (datasets are rebuilt from it); "
            f"got {seed!r} ({type(seed).__name__})."
        )
    if seed < 0:
        raise ValueError(f"{name} must be a non-negative int; got {seed}.")
    return int(seed)


def check_test_size(test_size, n: int | None = None) -> float | int:
    """A share in [0, 1) or a row count in [0, n)."""
    if isinstance(test_size, bool) or not isinstance(test_size, numbers.Real):
        raise TypeError(
            f"test_size must be a share in [0, 1) or a number of rows; got {test_size!r}."
        )
    if isinstance(test_size, numbers.Integral) and test_size >= 1:
        if n is not None and test_size >= n:
            raise ValueError(
                f"test_size={test_size} rows leaves no training rows out of {n}; pass fewer."
            )
        return int(test_size)
    return check_real(test_size, "test_size", 0.0, 1.0, high_open=True)


def pool_and_test_sizes(n_samples, test_size, seed, min_samples: int) -> tuple[int, int, int]:
    """Pool size, test size and seed of a world that draws its pool and test split apart."""
    n_samples = check_int(n_samples, "n_samples", min_samples)
    test_size = check_test_size(test_size, n_samples)
    n_test = int(test_size) if test_size >= 1 else round(test_size * n_samples)
    return n_samples - n_test, n_test, check_seed(seed)


def pool_and_test_streams(seed: int) -> tuple[np.random.Generator, np.random.Generator]:
    """Independent generators for the pool and the test split of one seed."""
    return np.random.default_rng([seed, 0]), np.random.default_rng([seed, 1])
