"""Uncertainty measures over the 3-class probability simplex, as ternary maps.

Every probability vector ``(p0, p1, p2)`` of a 3-class problem is a point of
a triangle: the vertices are certain predictions, the centre is the uniform
``(1/3, 1/3, 1/3)``. Colouring the triangle by least confidence, margin,
entropy or the ratio of confidence shows at a glance how the measures rank
the same predictions differently (Settles 2009, "Active Learning Literature
Survey", Fig. 5).
"""

from __future__ import annotations

import numpy as np

from .. import uncertainty
from .._validation import check_probs
from ._spec import FigureSpec
from ._style import (
    UNCERTAINTY_SCALE,
    axis_name,
    axis_ref,
    base_layout,
    class_color,
    f32,
    heat,
    panels,
)

__all__ = ["MEASURES", "barycentric", "simplex_map", "simplex_map_spec", "to_cartesian"]

#: Measures by name: (function of probs, panel title). Each keeps its literature value;
#: margin and ratio read the other way round (small margin, large ratio = unsure).
MEASURES = {
    "least_confidence": (uncertainty.least_confidence, "least confidence 1 - p<sub>max</sub>"),
    "margin": (uncertainty.margin, "margin p<sub>1</sub> - p<sub>2</sub> (small = unsure)"),
    "entropy": (uncertainty.entropy, "entropy (nats)"),
    "ratio": (uncertainty.ratio_of_confidence, "ratio p<sub>2</sub> / p<sub>1</sub>"),
}
#: Measures whose value is small where the model is unsure: their colour scale is reversed
#: so that, in every panel, the same colour means "unsure".
_SMALL_IS_UNSURE = frozenset({"margin"})
_H = np.sqrt(3.0) / 2.0  # height of the unit triangle
#: Vertices of class 0, 1, 2 in the plane (x, y).
_VERTICES = np.array([[0.0, 0.0], [1.0, 0.0], [0.5, _H]])


def to_cartesian(probs) -> np.ndarray:
    """Plane positions of 3-class probability vectors in the unit triangle.

    Parameters
    ----------
    probs : array-like of shape (n_samples, 3)

    Returns
    -------
    ndarray of shape (n_samples, 2)
        Class 0 at ``(0, 0)``, class 1 at ``(1, 0)``, class 2 at ``(0.5, sqrt(3)/2)``.
    """
    return np.asarray(probs, dtype=np.float64) @ _VERTICES


def barycentric(x, y) -> np.ndarray:
    """The inverse of :func:`to_cartesian`: probabilities of plane positions.

    Parameters
    ----------
    x, y : array-like of shape (n,)

    Returns
    -------
    ndarray of shape (n, 3)
        Rows sum to 1; a position outside the triangle has a negative entry.
    """
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    p2 = y / _H
    p1 = x - p2 / 2
    return np.column_stack([1.0 - p1 - p2, p1, p2])


def _resolve(measure) -> list[tuple[str, object, str]]:
    items = [measure] if isinstance(measure, str) or callable(measure) else list(measure)
    if not items:
        raise ValueError(f"measure must name at least one of {sorted(MEASURES)}; got none.")
    out = []
    for m in items:
        if callable(m):
            name = getattr(m, "__name__", "measure")
            out.append((name, m, name))
        elif isinstance(m, str) and m in MEASURES:
            out.append((m, *MEASURES[m]))
        else:
            raise ValueError(
                f"measure must be one of {sorted(MEASURES)} (or a function of probs of shape "
                f"(n, 3)), or a list of them; got {m!r}."
            )
    return out


def _grid(resolution: int):
    """Plane grid over the triangle's bounding box and the (projected) probabilities there.

    With ``resolution`` subdivisions per edge, the grid steps are ``1 / (2 r)`` in x and
    ``h / r`` in y, so the vertices, and for ``r`` a multiple of 6 the centre and the edge
    midpoints, are grid points. Positions outside the triangle get the probabilities of
    the nearest face point (clip, renormalise) so that contour lines run to the edges;
    a white mask hides them.
    """
    gx = np.linspace(0.0, 1.0, 2 * resolution + 1)
    gy = np.linspace(0.0, _H, resolution + 1)
    xx, yy = np.meshgrid(gx, gy)
    bary = barycentric(xx.ravel(), yy.ravel())
    inside = bary.min(axis=1) >= -1e-9
    proj = np.clip(bary, 0.0, None)
    proj /= proj.sum(axis=1, keepdims=True)
    proj[inside] = np.clip(bary[inside], 0.0, 1.0)
    return xx.ravel(), yy.ravel(), proj, inside


def _mask(i: int, pad: float) -> dict:
    """White polygons over the bounding box outside the triangle (the grid's jagged edge)."""
    x0, x1, y0, y1 = -pad, 1 + pad, -pad, _H + pad
    xs = [x0, x1, x1, x0, x0, None, x0, 0, 0.5, 0.5, x0, x0, None, 1, x1, x1, 0.5, 0.5, 1]
    ys = [y0, y0, 0, 0, y0, None, 0, 0, _H, y1, y1, 0, None, 0, 0, y1, y1, _H, 0]
    return dict(
        type="scatter",
        x=xs,
        y=ys,
        mode="lines",
        fill="toself",
        fillcolor="white",
        line=dict(width=0, color="white"),
        hoverinfo="skip",
        showlegend=False,
        name="mask",
        xaxis=axis_ref(i, "x"),
        yaxis=axis_ref(i, "y"),
    )


def _outline(i: int) -> dict:
    v = np.vstack([_VERTICES, _VERTICES[:1]])
    return dict(
        type="scatter",
        x=f32(v[:, 0]),
        y=f32(v[:, 1]),
        mode="lines",
        line=dict(color="#333333", width=1.5),
        hoverinfo="skip",
        showlegend=False,
        name="simplex",
        xaxis=axis_ref(i, "x"),
        yaxis=axis_ref(i, "y"),
    )


def _points_trace(i: int, probs: np.ndarray, labels) -> dict:
    xy = to_cartesian(probs)
    colour_of = probs.argmax(axis=1) if labels is None else labels
    return dict(
        type="scatter",
        x=f32(xy[:, 0]),
        y=f32(xy[:, 1]),
        mode="markers",
        marker=dict(
            size=7,
            color=[class_color(k) for k in colour_of],
            line=dict(color="white", width=1),
        ),
        customdata=np.round(probs, 3).astype(np.float32),
        hovertemplate="p = (%{customdata[0]}, %{customdata[1]}, %{customdata[2]})<extra></extra>",
        name="points",
        showlegend=False,
        xaxis=axis_ref(i, "x"),
        yaxis=axis_ref(i, "y"),
    )


def simplex_map_spec(
    measure="entropy",
    points=None,
    labels=None,
    class_names=None,
    resolution: int = 60,
    n_contours: int = 8,
) -> FigureSpec:
    """The content of :func:`simplex_map` as plain data (see :class:`FigureSpec`).

    Trace order: per panel a contour map (``name`` = the measure's name), the white
    mask, the triangle's outline; then, with ``points``, one scatter per panel.
    """
    measures = _resolve(measure)
    if not isinstance(resolution, int | np.integer) or resolution < 2:
        raise ValueError(
            f"resolution must be an integer >= 2 (subdivisions per edge); got {resolution!r}."
        )
    names = ["class 0", "class 1", "class 2"] if class_names is None else list(class_names)
    if len(names) != 3:
        raise ValueError(f"class_names must hold 3 names, one per vertex; got {names!r}.")
    if points is not None:
        points = check_probs(points, "points").astype(np.float64)
        if points.shape[1] != 3:
            raise ValueError(
                f"points must be 3-class probabilities of shape (n, 3); got shape "
                f"{points.shape}. The simplex map draws 3-class problems only."
            )
        if labels is not None:
            labels = np.asarray(labels)
            if labels.shape != (len(points),) or not np.isin(labels, [0, 1, 2]).all():
                raise ValueError(
                    f"labels must hold one class index in {{0, 1, 2}} per point, shape "
                    f"({len(points)},); got {labels!r}."
                )
    elif labels is not None:
        raise ValueError("labels colour the points: pass points (probs of shape (n, 3)) too.")
    gx, gy, probs, _ = _grid(int(resolution))
    pad = 0.06
    n = len(measures)
    traces, layout_axes = [], {}
    for i, (name, fn, _) in enumerate(measures):
        values = np.asarray(fn(probs), dtype=np.float64)
        if values.shape != (len(probs),):
            raise ValueError(
                f"measure {name!r} must return one value per probability row, shape "
                f"({len(probs)},); got shape {values.shape}."
            )
        dom = (i / n, (i + 1) / n)
        traces.append(
            dict(
                type="contour",
                x=f32(gx),
                y=f32(gy),
                z=heat(values, 4),
                customdata=np.round(probs, 3).astype(np.float32),
                hovertemplate=(
                    "p = (%{customdata[0]}, %{customdata[1]}, %{customdata[2]})<br>"
                    + name
                    + " = %{z:.3f}<extra></extra>"
                ),
                colorscale=UNCERTAINTY_SCALE,
                reversescale=name in _SMALL_IS_UNSURE,
                ncontours=n_contours,
                contours=dict(coloring="heatmap", showlabels=True, labelfont=dict(size=9)),
                line=dict(width=0.6, color="rgba(255,255,255,0.7)"),
                colorbar=dict(
                    orientation="h",
                    x=(dom[0] + dom[1]) / 2,
                    xanchor="center",
                    y=-0.04,
                    yanchor="top",
                    len=0.8 / n,
                    thickness=10,
                ),
                name=name,
                xaxis=axis_ref(i, "x"),
                yaxis=axis_ref(i, "y"),
            )
        )
        traces += [_mask(i, pad), _outline(i)]
        layout_axes[axis_name(i, "x")] = dict(range=[-pad, 1 + pad], visible=False, fixedrange=True)
        layout_axes[axis_name(i, "y")] = dict(
            range=[-pad, _H + pad],
            visible=False,
            fixedrange=True,
            scaleanchor=axis_ref(i, "x"),
        )
    if points is not None:
        traces += [_points_trace(i, points, labels) for i in range(n)]
    sub = "vertices: certain; centre: uniform; bright: unsure (own scale per panel)"
    if points is not None:
        sub += " · points coloured by " + ("label" if labels is not None else "predicted class")
    title = (
        "Uncertainty over the 3-class simplex"
        + ("" if points is None else f" · {len(points)} points")
        + f"<br><sup>{sub}</sup>"
    )
    # At most 1080 px wide, as uncertainty_maps: wider figures are cut off in a JupyterLab
    # notebook on a laptop screen. Four panels get smaller triangles, hence a lower figure.
    width = min(max(380 * n, 440), 1080)
    layout = base_layout(title, width=width, height=480 if n < 4 else 420)
    layout.update(panels([t for _, _, t in measures], gap=0.04))
    for key, axis in layout_axes.items():
        layout[key].update(axis)
    for i in range(n):
        for k, (vx, vy) in enumerate(_VERTICES):
            layout["annotations"].append(
                dict(
                    text=names[k],
                    x=float(vx),
                    y=float(vy),
                    xref=axis_ref(i, "x"),
                    yref=axis_ref(i, "y"),
                    yshift=-12 if vy == 0 else 10,
                    showarrow=False,
                    font=dict(size=11, color=class_color(k)),
                )
            )
    layout.update(margin=dict(l=20, r=20, t=95, b=70))
    return FigureSpec(traces, layout, {"title.text": title})


def simplex_map(
    measure="entropy",
    points=None,
    labels=None,
    class_names=None,
    resolution: int = 60,
    n_contours: int = 8,
):
    """Uncertainty measures of every 3-class prediction, drawn over the probability simplex.

    Each point of the triangle is a probability vector ``(p0, p1, p2)``: the
    vertices are certain predictions of one class, the edges leave one class out,
    the centre is uniform. The colour is the measure's value there. Least
    confidence, margin and entropy all call the vertices certain and the centre
    most unsure, but rank the rest differently: margin only looks at the two
    top classes, so it is equally unsure (margin 0) all along the line where
    they tie, from ``(1/2, 1/2, 0)`` to the centre, while entropy grows along it.

    Parameters
    ----------
    measure : str, callable, or list of them
        ``"least_confidence"``, ``"margin"``, ``"entropy"``, ``"ratio"`` (ratio of
        confidence), or a function of probs of shape (n, 3) returning shape (n,).
        A list draws several side by side. Values are those of
        :mod:`alviz.uncertainty`; margin's colour scale is reversed, since a small
        margin is unsure.
    points : array-like of shape (n_points, 3), optional
        Predicted probabilities to overlay (e.g. a model's pool predictions).
    labels : array-like of shape (n_points,), optional
        Class indices that colour the points (default: their predicted class).
    class_names : list of 3 str, optional
        Names at the vertices.
    resolution : int
        Subdivisions per edge; a multiple of 6 puts the centre and the edge
        midpoints on the grid.
    n_contours : int
        Number of contour levels.

    Returns
    -------
    plotly.graph_objects.Figure

    Examples
    --------
    >>> import alviz as al
    >>> fig = al.viz.simplex_map(["least_confidence", "margin", "entropy"], resolution=12)
    >>> [t.name for t in fig.data if t.type == "contour"]
    ['least_confidence', 'margin', 'entropy']
    """
    return simplex_map_spec(measure, points, labels, class_names, resolution, n_contours).figure()
