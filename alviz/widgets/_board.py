"""One live figure holding several panels.

Each ``FigureWidget`` ships plotly's 5 MB widget module, which anywidget
evaluates once per figure; with half a dozen figures a busy browser runs
past anywidget's two-second start-up limit and the late figures never take
updates (seen in JupyterLab 4.6). A widget therefore shows all its panels
in one figure: every panel's :class:`~alviz.viz.FigureSpec` is placed in its
own rectangle (axes, colour axes, legends and annotations renamed and
moved), and one redraw sends one message.

Grid maps are drawn as pictures (:func:`alviz.viz._raster.rasterize`):
plotly.js re-colours every heatmap pixel by pixel and re-traces every
contour on each redraw of the board, which was 44% of a click's redraw;
large layers of plain circles (the pool) are one SVG picture each
(:func:`alviz.viz._dots.draw_dots`), since plotly.js restyles every marker
node on each redraw.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass

import numpy as np

from ..viz import FigureSpec
from ..viz._dots import draw_dots
from ..viz._raster import rasterize
from ._base import figure_widget, live_figure, patch_figure

__all__ = ["SIZES", "Board", "Cell", "arrange", "board_size"]

_AXIS_KEY = re.compile(r"^([xy])axis(\d*)$")
_CAXIS_KEY = re.compile(r"^coloraxis(\d*)$")
_LIVE_HEAD = re.compile(r"^([a-z]+\d*)(\[(\d+)\])?(\..*)?$")


@dataclass(frozen=True)
class Cell:
    """Where a panel goes on the board, in pixels from the top-left corner."""

    left: int
    top: int
    width: int
    height: int


#: Board widths by name: a JupyterLab notebook beside the file browser on a laptop
#: (about 1,000 px wide), a 16:9 slide, a full-window app.
SIZES = {"notebook": 980, "slide": 1200, "app": 1400}
#: Below this width the panels of a row are stacked, one per row.
STACK_BELOW = 760
#: An empty strip above the first row, where plotly's toolbar sits (never over a title).
TOOLBAR_STRIP = 26
#: Room on a panel's right for a colour bar outside its plot (bar, ticks and title).
COLORBAR_ROOM = 78


def board_size(size) -> tuple[int, int | None]:
    """(width, height or None) in pixels for ``size``.

    Parameters
    ----------
    size : {"notebook", "slide", "app"} or int or (int, int)
        A name from :data:`SIZES`, a width, or (width, height).
    """
    if isinstance(size, str) and size in SIZES:
        return SIZES[size], None
    if isinstance(size, int | np.integer) and not isinstance(size, bool) and size >= 300:
        return int(size), None
    if (
        isinstance(size, list | tuple)
        and len(size) == 2
        and all(isinstance(v, int | np.integer) and v >= 200 for v in size)
    ):
        return int(size[0]), int(size[1])
    raise ValueError(
        f"size must be one of {sorted(SIZES)}, a width in pixels (>= 300) or (width, height); "
        f"got {size!r}."
    )


def arrange(rows, panels, size="notebook") -> tuple[dict, int, int]:
    """Cells for the shown panels: rows side by side, stacked when the board is narrow.

    Parameters
    ----------
    rows : sequence of (names, relative widths, height in px at 1,150 px wide)
    panels : collection of str
        The panels shown (others are left out, their row closes up).
    size : see :func:`board_size`

    Returns
    -------
    cells : dict of str to Cell
    width, height : int
    """
    width, height = board_size(size)
    stack = width < STACK_BELOW
    plan = []
    for names, widths, h in rows:
        shown = [(n, w) for n, w in zip(names, widths, strict=True) if n in panels]
        if not shown:
            continue
        for group in [[x] for x in shown] if stack else [shown]:
            plan.append((group, h))
    natural = sum(h for _, h in plan)
    # Row heights follow the width (square-ish maps), unless a height is asked for.
    scale = (height - TOOLBAR_STRIP) / natural if height else min(1.1, max(0.7, width / 1150))
    heights = [round(h * scale) for _, h in plan]
    if height and heights:  # rounding never makes the board taller or shorter than asked
        heights[-1] = height - TOOLBAR_STRIP - sum(heights[:-1])
    cells, top = {}, TOOLBAR_STRIP
    for (group, _), row_h in zip(plan, heights, strict=True):
        total = sum(w for _, w in group)
        left = 0
        for i, (name, w) in enumerate(group):
            cw = width - left if i == len(group) - 1 else round(width * w / total)
            cells[name] = Cell(left, top, cw, row_h)
            left += cw
        top += row_h
    return cells, width, top


def _margins(layout: dict, traces=()) -> dict:
    m = {"l": 45, "r": 20, "t": 60, "b": 40}
    m.update(layout.get("margin") or {})
    # A colour bar outside the plot area would cover the panel to the right.
    bars = [t.get("colorbar") for t in traces if t.get("showscale", True) is not False]
    # A map's colour bar kept by an invisible marker (see rasterize).
    bars += [
        t["marker"].get("colorbar", {})
        for t in traces
        if isinstance(t.get("marker"), dict) and t["marker"].get("showscale")
    ]
    bars += [
        v.get("colorbar")
        for k, v in layout.items()
        if _CAXIS_KEY.match(k) and isinstance(v, dict) and v.get("showscale", True) is not False
    ]
    if any(isinstance(b, dict) and b.get("x", 1.02) >= 1.0 for b in bars) or any(
        t.get("type") == "heatmap" and "colorbar" in t and t.get("showscale", True) for t in traces
    ):
        m["r"] = max(m["r"], COLORBAR_ROOM)
    return m


class _Placement:
    """Renames and moves one panel's spec into its rectangle of the board."""

    def __init__(self, board, name: str, cell: Cell, spec: FigureSpec):
        self.name = name
        W, H = board.width, board.height
        m = _margins(spec.layout, spec.traces)
        # The panel's plot area in board paper coordinates (y up).
        self.x0 = (cell.left + m["l"]) / W
        self.x1 = (cell.left + cell.width - m["r"]) / W
        self.y1 = 1 - (cell.top + m["t"]) / H
        self.y0 = 1 - (cell.top + cell.height - m["b"]) / H
        self.title_xy = ((cell.left + 8) / W, 1 - (cell.top + 6) / H)
        # Room for the x tick labels and an axis title before a legend starts.
        has_title = any(
            (v or {}).get("title") for k, v in spec.layout.items() if k.startswith("xaxis")
        )
        self.legend_gap = (48 if has_title else 26) / H
        self.axes, self.caxes = {}, {}
        for key in spec.layout:
            a = _AXIS_KEY.match(key)
            if a:
                local = a.group(1) + (a.group(2) if a.group(2) not in ("", "1") else "")
                self.axes.setdefault(local, board.new_axis(a.group(1)))
            c = _CAXIS_KEY.match(key)
            if c:
                self.caxes[key] = board.new_coloraxis()
        for t in spec.traces:
            for ax in ("x", "y"):
                ref = t.get(f"{ax}axis", ax)
                if t["type"] not in ("table", "pie") and ref not in self.axes:
                    self.axes[ref] = board.new_axis(ax)
        self.legend = board.new_legend()

    # -- coordinates
    def px(self, v: float) -> float:
        return self.x0 + v * (self.x1 - self.x0)

    def py(self, v: float) -> float:
        return self.y0 + v * (self.y1 - self.y0)

    def ref(self, r: str) -> str:
        return self.axes.get(r, r)

    def caxis(self, name: str) -> str:
        return self.caxes.get(name, name)

    # -- pieces
    def colorbar(self, bar: dict | None) -> dict:
        bar = dict(bar or {})
        bar["x"] = self.px(bar.get("x", 1.02))
        bar["y"] = self.py(bar.get("y", 0.5))
        bar["len"] = bar.get("len", 1.0) * (self.y1 - self.y0)
        bar.setdefault("thickness", 12)
        return bar

    def trace(self, t: dict) -> dict:
        t = dict(t)
        if t["type"] in ("table", "pie"):
            dom = t.get("domain") or {}
            dx, dy = dom.get("x", [0, 1]), dom.get("y", [0, 1])
            t["domain"] = {
                "x": [self.px(dx[0]), self.px(dx[1])],
                "y": [self.py(dy[0]), self.py(dy[1])],
            }
        else:
            t["xaxis"] = self.ref(t.get("xaxis", "x"))
            t["yaxis"] = self.ref(t.get("yaxis", "y"))
        if "coloraxis" in t:
            t["coloraxis"] = self.caxis(t["coloraxis"])
        marker = t.get("marker")
        if isinstance(marker, dict) and "coloraxis" in marker:
            t["marker"] = marker = {**marker, "coloraxis": self.caxis(marker["coloraxis"])}
        if isinstance(marker, dict) and marker.get("showscale"):
            t["marker"] = {**marker, "colorbar": self.colorbar(marker.get("colorbar"))}
        if "colorbar" in t:
            t["colorbar"] = self.colorbar(t["colorbar"])
        t["legend"] = self.legend
        return t

    def layout(self, layout: dict) -> tuple[dict, list]:
        out, notes = {}, []
        for key, value in layout.items():
            a = _AXIS_KEY.match(key)
            if a:
                local = a.group(1) + (a.group(2) if a.group(2) not in ("", "1") else "")
                g = self.axes[local]
                ax = dict(value or {})
                lo, hi = ax.get("domain", [0, 1])
                scale = self.px if a.group(1) == "x" else self.py
                ax["domain"] = [scale(lo), scale(hi)]
                for link in ("anchor", "matches", "scaleanchor", "overlaying"):
                    if link in ax:
                        ax[link] = self.ref(ax[link])
                ax.setdefault("anchor", self.ref("y" if a.group(1) == "x" else "x"))
                # plotly.js measures every tick label on each redraw to hide the ones past
                # the figure's edge ("hide past div"); a board's panels keep their labels
                # inside it, and the measuring was 7% of a click's redraw.
                ax.setdefault("ticklabeloverflow", "allow")
                out[_axis_key(g)] = ax
            elif _CAXIS_KEY.match(key):
                ca = dict(value or {})
                if "colorbar" in ca:
                    ca["colorbar"] = self.colorbar(ca["colorbar"])
                out[self.caxis(key)] = ca
            elif key in ("shapes", "images"):
                out[key] = [self.annotation(v) for v in value or []]
            elif key not in _BOARD_KEYS:
                # Figure-wide settings (bargap, barmode, hovermode, ...): kept, not dropped.
                out[key] = value
        for ref, g in self.axes.items():  # axes a trace uses but the layout never set
            out.setdefault(_axis_key(g), {
                "domain": [self.px(0), self.px(1)] if ref[0] == "x" else [self.py(0), self.py(1)],
                "anchor": self.ref("y" if ref[0] == "x" else "x"),
            })  # fmt: skip
        title = (layout.get("title") or {}).get("text", "")
        notes.append(self.note_title(title))
        for n in layout.get("annotations") or []:
            notes.append(self.annotation(n))
        leg = dict(layout.get("legend") or {})
        if leg.get("orientation") == "h":
            # Under the x-axis labels, growing downwards into the cell's bottom margin
            # (a board has no automatic margins to make room for it).
            leg.update(x=self.x0, xanchor="left", y=self.y0 - self.legend_gap, yanchor="top")
        else:
            leg["x"], leg["y"] = self.px(leg.get("x", 1.02)), self.py(leg.get("y", 1.0))
        leg.setdefault("font", {"size": 11})
        out[self.legend] = leg
        return out, notes

    def note_title(self, text: str) -> dict:
        return {
            "text": text, "x": self.title_xy[0], "y": self.title_xy[1], "xref": "paper",
            "yref": "paper", "xanchor": "left", "yanchor": "top", "showarrow": False,
            "align": "left", "font": {"size": 14},
        }  # fmt: skip

    def annotation(self, n: dict) -> dict:
        """An annotation, shape or image moved into the cell (paper) or onto its axes."""
        n = dict(n)
        for ax, scale in (("x", self.px), ("y", self.py)):
            ref = n.get(f"{ax}ref", "paper")
            if ref == "paper":
                for k in (ax, f"{ax}0", f"{ax}1"):
                    if k in n or (k == ax and "type" not in n):
                        n[k] = scale(n.get(k, 0.5))
            else:
                # "x2", or "x2 domain" (a shape spanning the axis): the panel's axis, renamed.
                head, _, tail = ref.partition(" ")
                n[f"{ax}ref"] = self.ref(head) + (f" {tail}" if tail else "")
        return n


#: Layout keys a board sets itself or places per panel (everything else is carried over).
_BOARD_KEYS = frozenset(
    {"width", "height", "margin", "template", "title", "legend", "annotations", "autosize"}
)


def _axis_key(ref: str) -> str:
    """``x7`` -> ``xaxis7``; ``x`` -> ``xaxis``."""
    return f"{ref[0]}axis{ref[1:]}"


class Board:
    """Several panels in one live figure, patched together in one message per redraw.

    Parameters
    ----------
    cells : dict of str to Cell
        Where each named panel goes.
    width, height : int
        Size of the whole figure in pixels.
    raster : bool
        Draw grid maps and large marker layers as pictures (see
        :func:`alviz.viz._raster.rasterize` and :func:`alviz.viz._dots.draw_dots`);
        False keeps plotly.js heatmaps, contours and markers.

    Attributes
    ----------
    figure : plotly.graph_objects.FigureWidget
        The live figure (``None`` until :meth:`opening` or the first :meth:`update`).
    specs : dict of str to FigureSpec
        Every panel's spec as last built, before its maps became pictures.
    """

    def __init__(self, cells: dict, width: int, height: int, raster: bool = True):
        self.cells = dict(cells)
        self.width, self.height = width, height
        self.raster = raster
        self.figure = None
        self.specs: dict[str, FigureSpec] = {}
        self._pictures: dict[tuple[str, int], int] = {}
        self._offsets: dict[str, int] = {}
        self._counts: dict[str, int] = {}
        self._clicks: list = []

    @contextlib.contextmanager
    def opening(self):
        """Open the live figure now, empty, while the block builds what it will show.

        The front end starts loading plotly's 5 MB widget module when the figure's
        comm opens (0.8 s of script evaluation in Chromium here); opened first, that
        overlaps the kernel's fit and first build (0.2-0.3 s for the Explorer, more
        for a network). The first :meth:`update` then fills it: no view exists yet,
        so its whole state is sent (see ``_sync_unseen``). If the block raises, the
        figure is closed again.
        """
        if self.figure is None:
            self.figure = live_figure({"width": self.width, "height": self.height})
        try:
            yield self
        except BaseException:
            self.figure.close()
            self.figure = None
            raise

    # ids handed out while composing
    def new_axis(self, axis: str) -> str:
        self._n_axes[axis] += 1
        n = self._n_axes[axis]
        return axis if n == 1 else f"{axis}{n}"

    def new_coloraxis(self) -> str:
        self._n_caxes += 1
        return "coloraxis" if self._n_caxes == 1 else f"coloraxis{self._n_caxes}"

    def new_legend(self) -> str:
        self._n_legends += 1
        return "legend" if self._n_legends == 1 else f"legend{self._n_legends}"

    def compose(self, specs: dict) -> FigureSpec:
        """One FigureSpec with every panel's spec in its cell (same panel order as ``cells``)."""
        self._n_axes, self._n_caxes, self._n_legends = {"x": 0, "y": 0}, 0, 0
        self._placements = {}
        traces, notes, live = [], [], {}
        layout = {
            "width": self.width, "height": self.height, "template": "plotly_white",
            "margin": {"l": 0, "r": 0, "t": 0, "b": 0}, "clickmode": "event",
            "barmode": "group", "showlegend": True,
        }  # fmt: skip
        offsets, counts, pictures = {}, {}, {}
        for name, cell in self.cells.items():
            spec, drawn = rasterize(specs[name]) if self.raster else (specs[name], {})
            before = len(layout.get("images", []))  # earlier panels' images come first
            pictures.update({(name, i): before + j for i, j in drawn.items()})
            place = _Placement(self, name, cell, spec)
            offsets[name], counts[name] = len(traces), len(spec.traces)
            traces += [place.trace(t) for t in spec.traces]
            self._placements[name] = place
            part, panel_notes = place.layout(spec.layout)
            for key in ("shapes", "images"):  # every panel's, not the last one's
                if key in part:
                    layout[key] = layout.get(key, []) + part.pop(key)
            layout.update(part)
            title_at = len(notes)
            notes += panel_notes
            for key, value in spec.live.items():
                live[self._live_key(place, key, title_at)] = value
        layout["annotations"] = notes
        if self.raster:  # large layers of plain circles: one picture each, on the final axes
            start = 0
            for name in self.cells:
                n = counts[name]
                part, drawn = draw_dots(traces[start : start + n], layout, self.width, self.height)
                traces[start : start + n] = part
                pictures.update({(name, i): j for i, j in drawn.items()})
                start += n
        for k in pictures.values():  # a picture changes with the state; its place may too
            for key in ("source", "x", "y", "sizex", "sizey"):
                live[f"images[{k}].{key}"] = layout["images"][k][key]
        self._next = (offsets, counts, pictures)
        return FigureSpec(traces, layout, live)

    @staticmethod
    def _live_key(place: _Placement, key: str, title_at: int) -> str:
        m = _LIVE_HEAD.match(key)
        head, index, rest = m.group(1), m.group(3), m.group(4) or ""
        if head == "title":
            return f"annotations[{title_at}]{rest}"
        if head == "annotations":
            return f"annotations[{title_at + 1 + int(index)}]{rest}"
        a = _AXIS_KEY.match(head)
        if a:
            local = a.group(1) + (a.group(2) if a.group(2) not in ("", "1") else "")
            return _axis_key(place.ref(local)) + rest
        if _CAXIS_KEY.match(head):
            return place.caxis(head) + rest
        raise ValueError(f"live layout key {key!r} cannot be placed on a board")

    def update(self, specs: dict) -> None:
        """Compose the panels' specs and bring the live figure up to date in one message."""
        spec = self.compose(specs)
        offsets, counts, pictures = self._next
        if self.figure is None:
            self.figure = figure_widget(spec)
            rewire = True
        else:
            rewire = patch_figure(self.figure, spec)  # rebuilt traces lose their handlers
        self._offsets, self._counts, self._pictures = offsets, counts, pictures
        self.specs = dict(specs)
        if rewire:
            for panel, index, callback in self._clicks:
                self._attach(panel, index, callback)

    def traces(self, panel: str) -> tuple:
        """The live traces of one panel, in the panel's own order."""
        start = self._offsets[panel]
        return self.figure.data[start : start + self._counts[panel]]

    def picture(self, panel: str, index: int):
        """The live layout image drawn for the panel's trace ``index`` (a grid map), or None."""
        k = self._pictures.get((panel, index))
        return None if k is None else self.figure.layout.images[k]

    def on_click(self, panel: str, index: int, callback) -> None:
        """Call ``callback(dataset_index)`` when a point of the panel's trace ``index`` is clicked.

        The trace's ``customdata`` holds dataset indices. Registrations survive
        a full rebuild of the figure.
        """
        self._clicks.append((panel, index, callback))
        self._attach(panel, index, callback)

    def _attach(self, panel: str, index: int, callback) -> None:
        if index >= self._counts.get(panel, 0):
            return

        def handler(trace, points, selector):
            # plotly calls every trace's handler; only the clicked one gets point indices.
            if points.point_inds:
                callback(int(trace.customdata[points.point_inds[0]]))

        self.traces(panel)[index].on_click(handler)
