"""Toy 2-D classification worlds, each built to show something."""

from __future__ import annotations

from sklearn.datasets import make_moons

from ._base import Card
from ._build import build
from ._registry import register

MOONS = Card(
    title="Two moons",
    shows="A curved boundary that a linear model cannot follow; queries gather along it.",
    source="sklearn.datasets.make_moons",
    license="BSD-3-Clause (generated data)",
)


@register("moons", MOONS)
def moons(n_samples: int = 500, noise: float = 0.2, test_size: float = 0.25, seed: int = 0):
    """Two interleaving half circles.

    Parameters
    ----------
    n_samples : int
        Rows before the train/test split.
    noise : float
        Standard deviation of Gaussian noise; larger means more class overlap.
    test_size : float
        Share of rows held out.
    seed : int
        Seed of the generator and the split.
    """
    X, y = make_moons(n_samples=n_samples, noise=noise, random_state=seed)
    return build(
        "moons",
        X,
        y,
        card=MOONS,
        test_size=test_size,
        seed=seed,
        meta={"n_samples": n_samples, "noise": noise},
    )
