"""Pure figure builders: Session or Results in, plotly Figure out. Never change state."""

from ._style import CLASS_COLORS, class_color
from .boundary import decision_boundary

__all__ = ["CLASS_COLORS", "class_color", "decision_boundary"]
