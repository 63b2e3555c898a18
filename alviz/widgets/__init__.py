"""Jupyter widgets: each a testable controller plus plotly/ipywidgets views.

Every widget ``X`` has a controller ``XController`` (plain Python, driven by
tests and scripts) reachable as ``widget.controller``, whose Session is
``controller.session``. Settings travel as short strings:
``code = widget.controller.export_settings()``, then ``X.from_settings(code)``.
"""

from . import _base

# First, before scikit-learn and the rest of alviz import: the browser loads plotly's
# widget module meanwhile (see open_spare).
_base.open_spare()

from .compare import Compare, CompareController  # noqa: E402
from .explorer import Explorer, ExplorerController  # noqa: E402
from .labeler import Labeler, LabelerController  # noqa: E402
from .predict import Predict  # noqa: E402
from .regression import RegressionExplorer, RegressionExplorerController  # noqa: E402

__all__ = [
    "Compare",
    "CompareController",
    "Explorer",
    "ExplorerController",
    "Labeler",
    "LabelerController",
    "Predict",
    "RegressionExplorer",
    "RegressionExplorerController",
]
