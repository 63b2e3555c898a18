"""Jupyter widgets: each a testable controller plus plotly/ipywidgets views.

Every widget ``X`` has a controller ``XController`` (plain Python, driven by
tests and scripts) reachable as ``widget.controller``, whose Session is
``controller.session``. Settings travel as short strings:
``code = widget.controller.export_settings()``, then ``X.from_settings(code)``.
"""

from .compare import Compare, CompareController
from .explorer import Explorer, ExplorerController
from .labeler import Labeler, LabelerController
from .predict import Predict
from .regression import RegressionExplorer, RegressionExplorerController

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
