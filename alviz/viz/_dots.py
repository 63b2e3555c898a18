"""Many markers as one picture: what a live board draws instead of plotly.js's SVG points.

plotly.js redraws every SVG marker of every trace on each redraw of a figure
(a position, fill and stroke set per point, then the page's style and
layout worked out for each node), and any change of data redraws the whole
figure. On an Explorer board the two 500-point pool layers were a third of
a click's redraw in Chromium (``benchmarks/profile_redraw.py``, variant
``nobig``). Here a large layer of plain circles becomes one SVG *picture*
(a layout image over the axes' range, under the panel's traces): the
browser draws it as a single image, with no node of it in the page, and it
stays sharp at any screen density.

The trace itself stays, with its points, colours and hover text, so hovers
and clicks work as before (plotly.js finds the nearest point from its data,
not from the drawn nodes); it draws one marker (``marker.maxdisplayed``),
made transparent by an empty selection, and its legend entry is unchanged.

:func:`draw_dots` works on a composed board (its axes carry their final
domains and ranges); public figures keep their markers.
"""

from __future__ import annotations

import base64

import numpy as np

from ._raster import _rgba, color_map, place_image

__all__ = ["DOTS_MIN", "dots_svg", "draw_dots", "svg_data_uri"]

#: Layers of fewer markers stay plotly.js markers: a picture of them would save little.
DOTS_MIN = 100


def dots_svg(
    x, y, fill, radius: float, line_width: float, line, width: float, height: float
) -> str:
    """An SVG picture of circles, later ones over earlier ones, as plotly.js draws markers.

    Parameters
    ----------
    x, y : array-like of shape (n,)
        Centres in screen pixels from the picture's top-left corner.
    fill : array-like of shape (n, 4)
        RGBA fill of each circle, 0-255 (alpha too).
    radius : float
        Radius to the middle of the outline, in pixels (plotly's marker size / 2).
    line_width : float
        Outline width in pixels (0: none).
    line : array-like of shape (4,)
        RGBA outline colour, 0-255.
    width, height : float
        The picture's size in screen pixels; it is stretched over the axes' range.

    Returns
    -------
    str
        An SVG document (a vector picture: sharp at any screen density).
    """
    x, y = np.asarray(x, np.float64), np.asarray(y, np.float64)
    fill = np.clip(np.floor(np.asarray(fill, np.float64).reshape(-1, 4) + 0.5), 0, 255)
    line = np.asarray(line, np.float64)
    r = f"{radius:.4g}"
    group = ""
    if line_width > 0 and line[3] > 0:
        group += f' stroke="{_hex(line)}" stroke-width="{line_width:.4g}"'
        if line[3] < 255:
            group += f' stroke-opacity="{line[3] / 255:.3g}"'
    # plotly.js draws no marker for a missing position or a transparent colour.
    drawn = np.isfinite(x) & np.isfinite(y) & (fill[:, 3] > 0)
    x, y, fill = x[drawn], y[drawn], fill[drawn]
    one_color = len(fill) > 0 and bool(np.all(fill == fill[0]))
    if one_color:
        group += f' fill="{_hex(fill[0])}"' + _opacity(fill[0, 3])
    circles = []
    for cx, cy, f in zip(x, y, fill, strict=True):
        paint = "" if one_color else f' fill="{_hex(f)}"' + _opacity(f[3])
        circles.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{r}"{paint}/>')
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.4g}" height="{height:.4g}" '
        f'viewBox="0 0 {width:.4g} {height:.4g}" preserveAspectRatio="none">'
        f"<g{group}>{''.join(circles)}</g></svg>"
    )


def _hex(rgba) -> str:
    return "#{:02x}{:02x}{:02x}".format(*(int(v) for v in rgba[:3]))


def _opacity(alpha: float) -> str:
    return "" if alpha >= 255 else f' fill-opacity="{alpha / 255:.3g}"'


def svg_data_uri(svg: str) -> str:
    """A ``data:image/svg+xml;base64,...`` URI of an SVG document."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _marker_colors(marker: dict, coloraxes: dict, n: int):
    """(n, 4) RGBA fills of a marker, or None when they cannot be known here."""
    if "color" not in marker:
        return None  # the template's colour for the trace's place: left to plotly.js
    values = np.asarray(marker["color"])
    if values.shape not in ((), (n,)):
        return None
    if values.dtype.kind in "OUS":  # one colour, or one per point
        try:
            rgba = np.array([_rgba(str(c)) for c in values.ravel()])
        except ValueError:
            return None  # a colour name: left to plotly.js
        return np.tile(rgba, (n, 1)) if values.ndim == 0 else rgba
    src = coloraxes.get(marker["coloraxis"]) if "coloraxis" in marker else marker
    if src is None or any(src.get(k) is None for k in ("cmin", "cmax", "colorscale")):
        return None  # an automatic range or the template's scale: left to plotly.js
    values = values.astype(np.float64)
    lo, hi, scale = float(src["cmin"]), float(src["cmax"]), src["colorscale"]
    pixels = color_map(values, scale, lo, hi, bool(src.get("reversescale", False)))
    return pixels.astype(np.float64)


def _linear_range(axis: dict):
    if not isinstance(axis, dict) or axis.get("type", "linear") not in ("linear", "-"):
        return None
    r = axis.get("range")
    if r is None or axis.get("autorange") not in (None, False) or not r[0] < r[1]:
        return None  # automatic (positions unknown here) or reversed
    return float(r[0]), float(r[1]), axis.get("domain", [0.0, 1.0])


def _dots_picture(trace: dict, layout: dict, width: int, height: int):
    """(layout image, trace that draws no markers) for a large layer of plain circles; or None."""
    marker = trace.get("marker")
    if (
        trace.get("type") != "scatter"
        or trace.get("mode") != "markers"
        or trace.get("visible", True) is not True
        or not isinstance(marker, dict)
        or len(trace.get("x", ())) < DOTS_MIN
        or "selectedpoints" in trace
        or marker.get("symbol", "circle") != "circle"
        or not np.isscalar(marker.get("size", 6))
        or not np.isscalar(marker.get("opacity", 1.0))
    ):
        return None
    line = marker.get("line") or {}
    if not np.isscalar(line.get("width", 0)) or not isinstance(line.get("color", "#444"), str):
        return None
    try:
        stroke = np.array(_rgba(line.get("color", "#444")))
    except ValueError:
        return None
    xref, yref = trace.get("xaxis", "x"), trace.get("yaxis", "y")
    xa, ya = (_linear_range(layout.get(f"{r[0]}axis{r[1:]}")) for r in (xref, yref))
    if xa is None or ya is None:
        return None
    x, y = np.asarray(trace["x"], np.float64), np.asarray(trace["y"], np.float64)
    coloraxes = {k: v for k, v in layout.items() if k.startswith("coloraxis")}
    fill = _marker_colors(marker, coloraxes, len(x))
    if fill is None or x.shape != y.shape:
        return None
    opacity = float(marker.get("opacity", 1.0))
    fill[:, 3] *= opacity
    stroke[3] *= opacity
    (x0, x1, xdom), (y0, y1, ydom) = xa, ya
    w, h = (xdom[1] - xdom[0]) * width, (ydom[1] - ydom[0]) * height
    svg = dots_svg(
        (x - x0) / (x1 - x0) * w,
        (y1 - y) / (y1 - y0) * h,
        fill,
        float(marker.get("size", 6)) / 2,
        float(line.get("width", 0)),
        stroke,
        w,
        h,
    )
    image = dict(
        source=svg_data_uri(svg), xref=xref, yref=yref, x=min(x0, x1), y=max(y0, y1),
        sizex=abs(x1 - x0), sizey=abs(y1 - y0), xanchor="left", yanchor="top",
        sizing="stretch", layer="below",
    )  # fmt: skip
    # plotly.js draws at most one marker (maxdisplayed), transparent (an empty selection
    # draws every point "unselected"); hover and click still find every point.
    quiet = {
        **trace,
        "marker": {**marker, "maxdisplayed": 1},
        "selectedpoints": [],
        "unselected": {"marker": {"opacity": 0}},
    }
    return image, quiet


def draw_dots(traces: list, layout: dict, width: int, height: int) -> tuple[list, dict]:
    """A board's large layers of plain circles as pictures; other traces are kept.

    Parameters
    ----------
    traces : list of dict
        The board's traces (axes named as on the board). Not changed.
    layout : dict
        The board's layout: axes with their ``domain`` and a fixed ``range``,
        colour axes with ``cmin``/``cmax``. Its ``images`` list gets the pictures.
    width, height : int
        The board's size in pixels.

    Returns
    -------
    traces : list of dict
        A layer drawn as a picture is the same trace, drawing no markers.
    pictures : dict of int to int
        Trace position -> index of its picture in ``layout["images"]``.
    """
    out, pictures = [], {}
    for i, t in enumerate(traces):
        made = _dots_picture(t, layout, width, height)
        if made is None:
            out.append(t)
            continue
        pictures[i] = place_image(layout.setdefault("images", []), made[0])
        out.append(made[1])
    return out, pictures
