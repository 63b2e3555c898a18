"""Acquisition strategies: pure score functions and thin Strategy classes, one registry.

>>> import alviz as al
>>> "entropy" in al.acquisition.names()
True
"""

from . import uncertainty  # noqa: F401  (registers the strategies)
from ._base import Context, Strategy, check_batch_size, top_k
from ._registry import get, info, names, register

__all__ = ["Context", "Strategy", "check_batch_size", "get", "info", "names", "register", "top_k"]
