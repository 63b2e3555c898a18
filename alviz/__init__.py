"""alviz: learn, teach and prototype active learning with uncertainty sampling.

>>> import alviz as al
>>> ds = al.datasets.load("moons", n_samples=200, seed=0)
>>> s = al.Session(ds, model="logreg", strategy="entropy", initial=10, seed=0)
>>> len(s.step())
1
"""

import importlib

from ._deferred import defer_rfc3987_syntax

defer_rfc3987_syntax()  # before anything imports plotly.io (see alviz/_deferred.py)

from . import acquisition, calibration, datasets, models, uncertainty  # noqa: E402
from ._version import __version__  # noqa: E402
from ._warnings import AlvizWarning  # noqa: E402
from .session import Round, Session  # noqa: E402

__all__ = [
    "AlvizWarning",
    "Round",
    "Session",
    "__version__",
    "acquisition",
    "calibration",
    "datasets",
    "models",
    "uncertainty",
    "viz",
    "widgets",
]

# plotly and ipywidgets load only when a figure or widget is asked for.
_LAZY = {"viz", "widgets", "experiments", "losses"}


def __getattr__(name):
    if name in _LAZY:
        return importlib.import_module(f".{name}", __name__)
    if name == "compare":
        return importlib.import_module(".experiments", __name__).compare
    raise AttributeError(f"module 'alviz' has no attribute {name!r}")
