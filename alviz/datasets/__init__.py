"""Datasets: toy worlds, real data, and the user's own data.

>>> import alviz as al
>>> ds = al.datasets.load("moons", n_samples=200, seed=0)
>>> ds.X2d.shape
(150, 2)
"""

from . import concepts, idx, real, regression, toy  # noqa: F401  (register the datasets)
from ._base import UNLABELED, Card, Dataset
from ._registry import card, cards_markdown, load, names, register
from .concepts import in_box
from .idx import read_idx, write_idx
from .images import from_images
from .tabular import from_arrays, from_csv, from_dataframe

__all__ = [
    "UNLABELED",
    "Card",
    "Dataset",
    "card",
    "cards_markdown",
    "from_arrays",
    "from_csv",
    "from_dataframe",
    "from_images",
    "from_texts",
    "in_box",
    "load",
    "names",
    "read_idx",
    "register",
    "write_idx",
]


def __getattr__(name):
    # from_texts subclasses scikit-learn's TfidfVectorizer: its module loads on first use,
    # so the toy worlds load without scikit-learn.
    if name == "from_texts":
        from .text import from_texts

        return from_texts
    raise AttributeError(f"module 'alviz.datasets' has no attribute {name!r}")
