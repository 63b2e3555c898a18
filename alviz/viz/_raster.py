"""Grid maps as pictures: what a live board draws instead of plotly.js heatmaps and contours.

plotly.js draws a heatmap by colouring every screen pixel of it in a canvas
and encoding that canvas as a PNG, on every redraw of the figure; it traces
a contour by marching squares, also on every redraw. On an Explorer board
(five 100 x 100 maps and a boundary contour) that was 44% of a click's
redraw in Chromium (``benchmarks/profile_redraw.py``). Here the same maps are
coloured in numpy, once per state, as a PNG of one pixel per grid point (the
browser's image scaling interpolates between them as ``zsmooth="best"``
does), placed as a layout image under the panel's traces; a one-point,
invisible trace keeps the map's colour bar and its trace position; and a
single-level contour becomes a line computed here.

:func:`rasterize` works on one panel's :class:`FigureSpec` and returns a new
one; the public figures keep their heatmaps (their ``z`` is data a notebook
reads), only boards draw pictures.
"""

from __future__ import annotations

import base64
import functools
import re
import struct
import zlib

import numpy as np
from plotly.colors import get_colorscale

from ._spec import FigureSpec
from ._style import f32

__all__ = ["color_map", "contour_line", "grid_of", "place_image", "png_data_uri", "rasterize"]

_RGBA = re.compile(r"^rgba?\(\s*([^)]*)\)$")
#: A map drawn without smoothing is enlarged this many times per grid point, so the
#: browser's image scaling blurs only the edge of each cell, not the whole cell.
_BLOCK = 4


def _rgba(color: str) -> tuple[float, float, float, float]:
    """``#rgb``, ``#rrggbb``, ``rgb(r, g, b)`` or ``rgba(r, g, b, a)`` as four floats 0-255."""
    c = color.strip().lower()
    if c.startswith("#") and len(c) in (4, 7):
        h = c[1:] if len(c) == 7 else "".join(ch * 2 for ch in c[1:])
        return (*(float(int(h[i : i + 2], 16)) for i in (0, 2, 4)), 255.0)
    m = _RGBA.match(c)
    if m:
        parts = [float(p) for p in m.group(1).split(",")]
        if len(parts) in (3, 4):
            alpha = parts[3] if len(parts) == 4 else 1.0
            return parts[0], parts[1], parts[2], 255.0 * alpha
    raise ValueError(
        f"colour {color!r} is not #rgb, #rrggbb, rgb(...) or rgba(...); "
        f"use one of those in a map's colour scale."
    )


def _frozen(colorscale) -> tuple:
    return tuple((float(p), str(c)) for p, c in colorscale)


@functools.lru_cache(maxsize=64)
def _stops(colorscale) -> tuple[np.ndarray, np.ndarray]:
    """Positions (n,) and RGBA colours (n, 4) of a scale name or a frozen scale."""
    stops = get_colorscale(colorscale) if isinstance(colorscale, str) else colorscale
    pos = np.array([float(p) for p, _ in stops])
    rgba = np.array([_rgba(c) for _, c in stops])
    pos.flags.writeable = rgba.flags.writeable = False  # shared by every call
    return pos, rgba


def color_map(z, colorscale, zmin: float, zmax: float, reverse: bool = False) -> np.ndarray:
    """Colours of ``z`` under a plotly colour scale, as plotly.js computes them.

    Values are scaled to [0, 1] by ``zmin``/``zmax`` (clipped) and the colour
    is interpolated linearly in RGBA between the scale's stops; NaN is
    transparent.

    Parameters
    ----------
    z : ndarray of any shape
    colorscale : str or list of (float, str)
        A plotly scale name (``"Viridis"``) or ``[[position, colour], ...]``.
    zmin, zmax : float
    reverse : bool
        plotly's ``reversescale``.

    Returns
    -------
    ndarray of shape ``z.shape + (4,)``, uint8
    """
    pos, rgba = _stops(colorscale if isinstance(colorscale, str) else _frozen(colorscale))
    if reverse:
        pos, rgba = 1 - pos[::-1], rgba[::-1]
    z = np.asarray(z, dtype=np.float64)
    span = zmax - zmin if zmax > zmin else 1.0
    t = np.clip((z - zmin) / span, 0.0, 1.0)
    out = np.empty((*z.shape, 4), np.float64)
    for ch in range(4):
        out[..., ch] = np.interp(t, pos, rgba[:, ch])
    out[np.isnan(z)] = 0.0
    return np.floor(out + 0.5).astype(np.uint8)  # halves up, as JavaScript's Math.round


def png_data_uri(pixels: np.ndarray) -> str:
    """A ``data:image/png;base64,...`` URI of an RGBA image (row 0 at the top).

    Parameters
    ----------
    pixels : ndarray of shape (height, width, 4), uint8
    """
    if pixels.ndim != 3 or pixels.shape[2] != 4 or pixels.dtype != np.uint8:
        raise ValueError(
            f"pixels must be a (height, width, 4) uint8 array; got {pixels.dtype} {pixels.shape}."
        )
    h, w, _ = pixels.shape
    rows = pixels.reshape(h, w * 4)
    # PNG's "Sub" filter (each byte minus the same channel of the pixel to its left) turns
    # a smooth map into runs of small numbers: 20% smaller than unfiltered at deflate level
    # 3, which costs a third of level 6's time (measured on a 100 x 100 Viridis map).
    raw = np.empty((h, w * 4 + 1), np.uint8)
    raw[:, 0] = 1
    raw[:, 1:] = rows
    raw[:, 5:] -= rows[:, :-4]

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    png = b"".join(
        (
            b"\x89PNG\r\n\x1a\n",
            chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0)),
            chunk(b"IDAT", zlib.compress(raw.tobytes(), 3)),
            chunk(b"IEND", b""),
        )
    )
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def grid_of(trace: dict):
    """A heatmap's or contour's values as a regular grid, or None when they are not one.

    Parameters
    ----------
    trace : dict
        Column form (1-D ``x``, ``y``, ``z`` of one entry per grid point, any
        order) or 2-D ``z`` with 1-D ``x`` and ``y``.

    Returns
    -------
    (xs, ys, Z) or None
        ``xs`` of shape (nx,), ``ys`` of shape (ny,), both increasing and evenly
        spaced; ``Z`` of shape (ny, nx), row 0 at the lowest y.
    """
    if "x" not in trace or "y" not in trace or "z" not in trace:
        return None
    x, y = np.asarray(trace["x"], np.float64), np.asarray(trace["y"], np.float64)
    z = np.asarray(trace["z"], np.float64)
    if z.ndim == 1:
        if not (x.shape == y.shape == z.shape) or len(z) < 4:
            return None
        # The widgets' grids come x inner, y outer (GridView.gx / gy): checked in O(n).
        nx = int(np.argmax(y != y[0])) or len(y)
        ny = len(z) // nx
        if nx >= 2 and ny >= 2 and nx * ny == len(z):
            xs, ys = x[:nx], y[::nx]
            if (
                np.all(np.diff(xs) > 0)
                and np.all(np.diff(ys) > 0)
                and np.array_equal(x, np.tile(xs, ny))
                and np.array_equal(y, np.repeat(ys, nx))
            ):
                return _regular(xs, ys, z.reshape(ny, nx))
        xs, ix = np.unique(x, return_inverse=True)
        ys, iy = np.unique(y, return_inverse=True)
        if len(xs) * len(ys) != len(z) or len(xs) < 2 or len(ys) < 2:
            return None
        Z = np.full((len(ys), len(xs)), np.nan)
        Z[iy, ix] = z
        if np.unique(iy * len(xs) + ix).size != len(z):
            return None  # a grid point given twice: not a plain grid
    elif z.ndim == 2 and x.shape == (z.shape[1],) and y.shape == (z.shape[0],):
        xs, ys, Z = x, y, z
        if len(xs) < 2 or len(ys) < 2 or np.any(np.diff(xs) <= 0) or np.any(np.diff(ys) <= 0):
            return None
    else:
        return None
    return _regular(xs, ys, Z)


def _regular(xs, ys, Z):
    for axis in (xs, ys):
        step = np.diff(axis)
        if not np.allclose(step, step[0], rtol=1e-3, atol=0):
            return None
    return xs, ys, Z


def _value_range(trace: dict, coloraxes: dict, Z: np.ndarray) -> tuple[float, float]:
    src = coloraxes.get(trace["coloraxis"], {}) if "coloraxis" in trace else trace
    lo_key, hi_key = ("cmin", "cmax") if "coloraxis" in trace else ("zmin", "zmax")
    finite = Z[np.isfinite(Z)]
    lo = src.get(lo_key, float(finite.min()) if finite.size else 0.0)
    hi = src.get(hi_key, float(finite.max()) if finite.size else 1.0)
    return float(lo), float(hi)


def _heatmap_picture(trace: dict, coloraxes: dict):
    """(layout image, carrier trace) for a heatmap on a regular grid; None otherwise.

    A heatmap that answers hovers, or is hidden, stays a heatmap: a picture has no hover.
    """
    if trace.get("hoverinfo") != "skip" or trace.get("visible", True) is not True:
        return None
    grid = grid_of(trace)
    if grid is None:
        return None
    xs, ys, Z = grid
    cax = coloraxes.get(trace["coloraxis"], {}) if "coloraxis" in trace else {}
    scale = cax.get("colorscale") if "coloraxis" in trace else trace.get("colorscale")
    reverse = bool((cax if "coloraxis" in trace else trace).get("reversescale", False))
    lo, hi = _value_range(trace, coloraxes, Z)
    pixels = color_map(Z[::-1], scale or "Plasma", lo, hi, reverse)  # PNG row 0 = top
    if not trace.get("zsmooth"):  # cells, not a smooth surface
        pixels = np.repeat(np.repeat(pixels, _BLOCK, axis=0), _BLOCK, axis=1)
    dx, dy = float(xs[1] - xs[0]), float(ys[1] - ys[0])
    xref, yref = trace.get("xaxis", "x"), trace.get("yaxis", "y")
    image = dict(
        source=png_data_uri(pixels),
        xref=xref,
        yref=yref,
        x=float(xs[0] - dx / 2),
        y=float(ys[-1] + dy / 2),
        sizex=float(len(xs) * dx),
        sizey=float(len(ys) * dy),
        xanchor="left",
        yanchor="top",
        sizing="stretch",
        layer="below",
        opacity=float(trace.get("opacity", 1.0)),
    )
    # Invisible, not hoverable: it only keeps the colour bar and the trace's position.
    marker = dict(size=1, opacity=0, color=f32([lo]))
    if "coloraxis" in trace:
        marker["coloraxis"] = trace["coloraxis"]
    elif trace.get("showscale", True):
        marker.update(colorscale=scale or "Plasma", cmin=lo, cmax=hi, showscale=True)
        if "colorbar" in trace:
            marker["colorbar"] = trace["colorbar"]
    carrier = dict(
        type="scatter",
        x=f32([xs[len(xs) // 2]]),
        y=f32([ys[len(ys) // 2]]),
        mode="markers",
        marker=marker,
        hoverinfo="skip",
        showlegend=False,
        name=trace.get("name", "map"),
        xaxis=xref,
        yaxis=yref,
    )
    return image, carrier


# Marching squares: corners a (i, j), b (i, j+1), c (i+1, j+1), d (i+1, j) add 1, 2, 4, 8
# to a cell's case when above the level; edges are 0 bottom, 1 right, 2 top, 3 left.
# Saddles (5, 10) are listed as (centre below, centre above).
_CASES = {
    1: [(3, 0)], 2: [(0, 1)], 3: [(3, 1)], 4: [(1, 2)], 6: [(0, 2)], 7: [(3, 2)],
    8: [(2, 3)], 9: [(0, 2)], 11: [(1, 2)], 12: [(3, 1)], 13: [(0, 1)], 14: [(3, 0)],
    5: ([(3, 0), (1, 2)], [(0, 1), (2, 3)]), 10: ([(0, 1), (2, 3)], [(3, 0), (1, 2)]),
}  # fmt: skip


def contour_line(xs, ys, Z, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Where ``Z`` crosses ``level``, as polylines separated by NaN.

    Marching squares with linear interpolation along cell edges (what
    plotly.js's contour traces draw, without their spline smoothing).

    Parameters
    ----------
    xs : ndarray of shape (nx,)
    ys : ndarray of shape (ny,)
    Z : ndarray of shape (ny, nx)
        ``Z[i, j]`` is the value at ``(xs[j], ys[i])``; NaN cells are skipped.
    level : float

    Returns
    -------
    x, y : ndarray of shape (n_points,), float32
        One polyline after another, a NaN between two.
    """
    Z = np.asarray(Z, np.float64)
    ny, nx = Z.shape
    up = Z > level
    a, b, c, d = up[:-1, :-1], up[:-1, 1:], up[1:, 1:], up[1:, :-1]
    case = a * 1 + b * 2 + c * 4 + d * 8
    valid = np.isfinite(Z[:-1, :-1] + Z[:-1, 1:] + Z[1:, 1:] + Z[1:, :-1])
    centre = (Z[:-1, :-1] + Z[:-1, 1:] + Z[1:, 1:] + Z[1:, :-1]) / 4 > level

    def point(edge_id: int) -> tuple[float, float]:
        if edge_id < ny * (nx - 1):  # horizontal edge (i, j)-(i, j+1)
            i, j = divmod(edge_id, nx - 1)
            t = (level - Z[i, j]) / (Z[i, j + 1] - Z[i, j])
            return xs[j] + t * (xs[j + 1] - xs[j]), ys[i]
        i, j = divmod(edge_id - ny * (nx - 1), nx)  # vertical edge (i, j)-(i+1, j)
        t = (level - Z[i, j]) / (Z[i + 1, j] - Z[i, j])
        return xs[j], ys[i] + t * (ys[i + 1] - ys[i])

    def edge(i: int, j: int, e: int) -> int:
        if e == 0:
            return i * (nx - 1) + j
        if e == 2:
            return (i + 1) * (nx - 1) + j
        return ny * (nx - 1) + i * nx + (j + 1 if e == 1 else j)

    links: dict[int, list[int]] = {}
    for i, j in zip(*np.nonzero(valid & (case > 0) & (case < 15)), strict=True):
        pairs = _CASES[int(case[i, j])]
        if isinstance(pairs, tuple):
            pairs = pairs[int(centre[i, j])]
        for e0, e1 in pairs:
            p, q = edge(i, j, e0), edge(i, j, e1)
            links.setdefault(p, []).append(q)
            links.setdefault(q, []).append(p)
    # Chain the segments: each crossing point joins at most two cells.
    xs_out: list[float] = []
    ys_out: list[float] = []
    seen: set[int] = set()
    ends = [p for p, n in links.items() if len(n) == 1]
    for start in ends + list(links):
        if start in seen:
            continue
        chain, prev, cur = [start], None, start
        seen.add(start)
        while True:
            nxt = [q for q in links[cur] if q != prev and q not in seen]
            if not nxt:
                if prev is not None and start in links[cur] and len(chain) > 2:
                    chain.append(start)  # a closed loop
                break
            prev, cur = cur, nxt[0]
            seen.add(cur)
            chain.append(cur)
        if xs_out:
            xs_out.append(np.nan)
            ys_out.append(np.nan)
        for e in chain:
            px, py = point(e)
            xs_out.append(px)
            ys_out.append(py)
    return f32(xs_out), f32(ys_out)


def _contour_as_line(trace: dict):
    """A scatter line for a single-level, uncoloured contour on a grid; None otherwise."""
    contours = trace.get("contours") or {}
    start, end = contours.get("start"), contours.get("end")
    if contours.get("coloring") != "none" or start is None or start != end:
        return None
    grid = grid_of(trace)
    if grid is None:
        return None
    x, y = contour_line(*grid, float(start))
    line = dict(trace.get("line") or {})
    smoothing = line.pop("smoothing", 0)
    if smoothing:
        line.update(shape="spline", smoothing=float(smoothing))
    out = dict(
        type="scatter",
        x=x,
        y=y,
        mode="lines",
        line=line,
        hoverinfo="skip",
        name=trace.get("name", "contour"),
        showlegend=bool(trace.get("showlegend", False)),
        xaxis=trace.get("xaxis", "x"),
        yaxis=trace.get("yaxis", "y"),
    )
    for key in ("legendgroup", "visible"):
        if key in trace:
            out[key] = trace[key]
    return out


def _image_key(image: dict) -> tuple:
    return tuple(image.get(k) for k in ("xref", "x", "sizex", "yref", "y", "sizey"))


def place_image(images: list, image: dict) -> int:
    """Append ``image`` to a layout's ``images``; its index there.

    plotly.js keys its layout images by (xref, x, sizex, yref, y, sizey) and draws
    only one of two that share the key (seen: a multi-class boundary lost its edge
    map under its background); a shift of a billionth of the width separates them.
    """
    keys = {_image_key(im) for im in images}
    while _image_key(image) in keys:
        image["x"] += image["sizex"] * 1e-9
    images.append(image)
    return len(images) - 1


def rasterize(spec: FigureSpec) -> tuple[FigureSpec, dict]:
    """The spec with its grid heatmaps as layout images and single-level contours as lines.

    Traces keep their positions: a heatmap's place holds an invisible
    one-point scatter that keeps its colour bar (or its colour axis in use).
    Heatmaps that are not on a regular grid, answer hovers or are hidden, and
    filled or labelled contours, are left as they are.

    Parameters
    ----------
    spec : FigureSpec
        Not changed.

    Returns
    -------
    spec : FigureSpec
        The new traces; the layout's ``images`` end with one image per map.
    pictures : dict of int to int
        Trace position -> index in the layout's ``images`` of the picture drawn for it.
    """
    coloraxes = {k: v for k, v in spec.layout.items() if k.startswith("coloraxis")}
    images = list(spec.layout.get("images") or [])
    traces, pictures, changed = [], {}, False
    for i, t in enumerate(spec.traces):
        kind = t.get("type")
        made = _heatmap_picture(t, coloraxes) if kind == "heatmap" else None
        if made is not None:
            pictures[i] = place_image(images, made[0])
            traces.append(made[1])
            changed = True
            continue
        line = _contour_as_line(t) if kind == "contour" else None
        traces.append(t if line is None else line)
        changed = changed or line is not None
    if not changed:
        return spec, {}
    layout = {**spec.layout, "images": images} if images else dict(spec.layout)
    return FigureSpec(traces, layout, dict(spec.live)), pictures
