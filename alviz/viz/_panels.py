"""The table of panels: every figure the widgets can show, with what a board needs to know.

A panel is a pure builder ``build(source, **params) -> FigureSpec`` plus the
positions of its traces, which of them carry dataset indices a click can
label, and the size it is drawn best at. The public ``al.viz.*`` functions
are ``build(...).figure()``; the widgets look their panels up here to build
boards and wire clicks; ``tests/test_viz_panels.py`` runs every row through
one template (purity, dtypes, nothing lost on a board).

Adding a panel: write its module (a ``*_spec`` builder returning a
:class:`FigureSpec`, and the public one-liner), then add one row below.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from .acquisition_map import ACQUISITION_TRACE, acquisition_map_spec
from .boundary import TRACE, decision_boundary_spec
from .calibration import CALIBRATION_TRACE, calibration_spec
from .composition import query_composition_spec
from .explain import why_this_point_spec
from .gallery import query_gallery_spec
from .learning import learning_curves_spec
from .regression import REGRESSION_TRACE, regression_bands_spec
from .selective import conformal_map_spec, risk_coverage_spec
from .uncertainty_maps import UNCERTAINTY_TRACE, uncertainty_maps_spec

__all__ = ["PANELS", "Panel", "get", "names"]


@dataclass(frozen=True)
class Panel:
    """One row of the panel table.

    Attributes
    ----------
    name : str
    build : callable
        ``build(source, **params) -> FigureSpec``; never changes its source.
    source : {"session", "sessions", "point"}
        What ``build`` takes first: a Session; a list of Sessions (or Results);
        a Session and a dataset index.
    task : {"classification", "regression"}
    traces : mapping of str to int
        Trace positions in the spec (fixed, so widgets patch them in place).
    clickable : tuple of str
        Keys of ``traces`` whose ``customdata`` are dataset indices: a click labels them.
    size : (int, int)
        Preferred width and height in pixels.
    """

    name: str
    build: Callable
    source: str = "session"
    task: str = "classification"
    traces: Mapping[str, int] = field(default_factory=dict)
    clickable: tuple = ()
    size: tuple = (560, 480)


_ROWS = (
    Panel("boundary", decision_boundary_spec, traces=TRACE,
          clickable=("pool", "labeled", "queried"), size=(575, 520)),
    Panel("acquisition", acquisition_map_spec, traces=ACQUISITION_TRACE,
          clickable=("pool", "labeled", "next"), size=(575, 520)),
    Panel("uncertainty", uncertainty_maps_spec, traces=UNCERTAINTY_TRACE, size=(1150, 420)),
    Panel("calibration", calibration_spec, traces=CALIBRATION_TRACE, size=(680, 440)),
    Panel("learning", learning_curves_spec, source="sessions", size=(470, 440)),
    Panel("why", why_this_point_spec, source="point", size=(1150, 380)),
    Panel("composition", query_composition_spec, size=(560, 420)),
    Panel("gallery", query_gallery_spec, size=(900, 420)),
    Panel("conformal", conformal_map_spec, size=(560, 480)),
    Panel("risk_coverage", risk_coverage_spec, size=(560, 440)),
    Panel("regression", regression_bands_spec, task="regression", traces=REGRESSION_TRACE,
          clickable=("pool",), size=(700, 540)),
)  # fmt: skip

#: Every panel by name.
PANELS: dict[str, Panel] = {p.name: p for p in _ROWS}


def names(task: str | None = None) -> list[str]:
    """Panel names, in table order (only those for ``task`` when given)."""
    return [n for n, p in PANELS.items() if task is None or p.task == task]


def get(name: str) -> Panel:
    """The panel ``name``; an unknown name raises ``ValueError`` listing the known ones."""
    if not isinstance(name, str) or name not in PANELS:
        raise ValueError(f"unknown panel {name!r}; available: {', '.join(PANELS)}.")
    return PANELS[name]
