"""Pure figure builders: Session or Results in, plotly Figure out. Never change state.

Every builder ``name(session, ...)`` is ``spec(session, ...).figure()`` over a
row of the private panel table (``alviz.viz._panels``): the spec holds the
same content as plain data (:class:`FigureSpec`), and the widgets patch their
live figures from specs, which is much cheaper than building a Figure on
every click.

>>> import alviz as al
>>> s = al.Session(al.datasets.load("moons", n_samples=200, seed=0), initial=10, seed=0)
>>> fig = al.viz.decision_boundary(s, resolution=30)
>>> [t.type for t in fig.data]
['heatmap', 'contour', 'scatter', 'scatter', 'scatter']
"""

from ._grid import display_grid, grid_view
from ._spec import FigureSpec
from ._style import CLASS_COLORS, STRATEGY_COLORS, class_color, strategy_color
from .acquisition_map import acquisition_map
from .boundary import decision_boundary
from .calibration import calibration
from .composition import query_composition
from .explain import explain_point, why_this_point
from .gallery import next_queries, query_gallery
from .learning import learning_curves
from .regression import regression_bands
from .selective import conformal_map, risk_coverage
from .simplex import simplex_map
from .uncertainty_maps import uncertainty_maps

__all__ = [
    "CLASS_COLORS",
    "STRATEGY_COLORS",
    "FigureSpec",
    "acquisition_map",
    "calibration",
    "class_color",
    "conformal_map",
    "decision_boundary",
    "display_grid",
    "explain_point",
    "grid_view",
    "learning_curves",
    "next_queries",
    "query_composition",
    "query_gallery",
    "regression_bands",
    "risk_coverage",
    "simplex_map",
    "strategy_color",
    "uncertainty_maps",
    "why_this_point",
]
