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

from ._version import __version__  # noqa: E402
from ._warnings import AlvizWarning  # noqa: E402

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

# Every subpackage loads when it is first used, and a toy world needs neither
# scikit-learn, scipy nor pandas: ``import alviz`` plus ``datasets.load("moons")``
# takes 0.1 s instead of 0.9 s (tests/test_deferred.py checks what is imported).
# A widget's first figure can then open while scikit-learn is still importing
# (see alviz/widgets/__init__.py).
_LAZY = {
    "acquisition", "calibration", "datasets", "experiments", "losses", "models",
    "uncertainty", "viz", "widgets",
}  # fmt: skip
_FROM = {"Session": "session", "Round": "session", "compare": "experiments"}


def __getattr__(name):
    if name in _LAZY:
        return importlib.import_module(f".{name}", __name__)
    if name in _FROM:
        return getattr(importlib.import_module(f".{_FROM[name]}", __name__), name)
    raise AttributeError(f"module 'alviz' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__) | _LAZY | set(_FROM))
