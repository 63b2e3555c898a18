"""Pure figure builders: Session or Results in, plotly Figure out. Never change state.

Every builder ``name(session, ...)`` has a twin ``name_spec(session, ...)``
that returns the same content as plain data (:class:`FigureSpec`); widgets
patch their live figures from specs, which is much cheaper than building
a Figure on every click.

>>> import alviz as al
>>> s = al.Session(al.datasets.load("moons", n_samples=200, seed=0), initial=10, seed=0)
>>> fig = al.viz.decision_boundary(s, resolution=30)
>>> [t.type for t in fig.data]
['heatmap', 'contour', 'scatter', 'scatter', 'scatter']
"""

from ._grid import display_grid, grid_view
from ._spec import FigureSpec
from ._style import CLASS_COLORS, STRATEGY_COLORS, class_color, strategy_color
from .acquisition_map import acquisition_map, acquisition_map_spec
from .boundary import decision_boundary, decision_boundary_spec
from .calibration import calibration, calibration_spec
from .composition import query_composition, query_composition_spec
from .explain import explain_point, why_this_point, why_this_point_spec
from .gallery import next_queries, query_gallery, query_gallery_spec
from .learning import learning_curves, learning_curves_spec
from .regression import regression_bands, regression_bands_spec
from .selective import conformal_map, conformal_map_spec, risk_coverage, risk_coverage_spec
from .simplex import simplex_map, simplex_map_spec
from .uncertainty_maps import uncertainty_maps, uncertainty_maps_spec

__all__ = [
    "CLASS_COLORS",
    "STRATEGY_COLORS",
    "FigureSpec",
    "acquisition_map",
    "acquisition_map_spec",
    "calibration",
    "calibration_spec",
    "class_color",
    "conformal_map",
    "conformal_map_spec",
    "decision_boundary",
    "decision_boundary_spec",
    "display_grid",
    "explain_point",
    "grid_view",
    "learning_curves",
    "learning_curves_spec",
    "next_queries",
    "query_composition",
    "query_composition_spec",
    "query_gallery",
    "query_gallery_spec",
    "regression_bands",
    "regression_bands_spec",
    "risk_coverage",
    "risk_coverage_spec",
    "simplex_map",
    "simplex_map_spec",
    "strategy_color",
    "uncertainty_maps",
    "uncertainty_maps_spec",
    "why_this_point",
    "why_this_point_spec",
]
