"""Datasets: toy worlds, real data, and the user's own data.

>>> import alviz as al
>>> ds = al.datasets.load("moons", n_samples=200, seed=0)
>>> ds.X2d.shape
(150, 2)
"""

from . import toy  # noqa: F401  (registers the toy worlds)
from ._base import UNLABELED, Card, Dataset
from ._registry import card, load, names, register

__all__ = ["UNLABELED", "Card", "Dataset", "card", "load", "names", "register"]
