"""What every widget controller shares: messages, safe callbacks, live figures, settings."""

from __future__ import annotations

import functools
import logging
import sys
import time
import traceback
from pathlib import Path

import numpy as np
import plotly
import plotly.graph_objects as go
import traitlets
from plotly.basedatatypes import BaseFigure, Undefined
from plotly.serializers import custom_serializers

from ._settings import decode_settings, encode_settings

log = logging.getLogger("alviz.widgets")

__all__ = [
    "Controller", "LiveFigure", "Stepper", "figure_widget", "guarded", "live_figure",
    "open_spare", "patch_figure",
]  # fmt: skip


def _equal(a, b) -> bool:
    """Deep equality of plain trace values (dicts, lists, arrays, scalars)."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        if not (isinstance(a, np.ndarray) and isinstance(b, np.ndarray)):
            return False
        return a.shape == b.shape and a.dtype == b.dtype and np.array_equal(a, b, equal_nan=True)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b, strict=True))
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False


# plotly.js's widget view answers every update with "deltas": each trace's full data
# (defaults filled in) minus what Python sent. After a restyle of a column-form heatmap
# plotly.js holds its 1-D x and y as plain float64 Arrays, so every redraw sent both of
# every heatmap back as JSON (3.4 MB per click for six 100 x 100 maps, measured in
# JupyterLab 4.6), and ipywidgets 8 echoed each of those messages back to the browser.
# The deltas only fill Python-side defaults that alviz never reads; the widget module
# below is plotly's own with the two senders turned off (plotly's bundle unchanged when
# the pattern is not found: then only the echo is switched off).
_SENDERS = ("_sendTraceDeltas(ne){", "_sendLayoutDelta(ne){")


def _quiet_bundle():
    path = Path(plotly.__file__).parent / "package_data" / "widgetbundle.js"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return path
    if not all(text.count(s) == 1 for s in _SENDERS):
        log.warning("plotly's widget bundle changed: figure widgets echo their data again")
        return path
    for sender in _SENDERS:
        text = text.replace(sender, sender + "return;")
    return text


def _no_echo():
    """Plotly's js2py message traits, not echoed back to the browser by ipywidgets 8."""
    names = [n for n in go.FigureWidget.class_trait_names() if n.startswith("_js2py_")]
    return {
        n: traitlets.Dict(allow_none=True).tag(sync=True, echo_update=False, **custom_serializers)
        for n in names
    }


class LiveFigure(go.FigureWidget):
    """A ``FigureWidget`` that sends its figure once, in full, and never hears it back.

    plotly's FigureWidget opens its comm (sending its state) before it sets
    ``_widget_data`` and ``_widget_layout``, which then follow in a second
    message. A front end that renders the view in between draws an empty
    plot and never recovers (seen in JupyterLab 4.6 on a busy machine:
    blank axes, no traces). Opening the comm only once the figure is complete
    removes the race. The front end does not send trace and layout deltas
    back after each update (see ``_SENDERS``), and what it does send (clicks)
    is not echoed.
    """

    _esm = _quiet_bundle()
    locals().update(_no_echo())
    _alviz_deferred = False

    def __init__(self, *args, **kwargs):
        self._alviz_deferred = True
        try:
            super().__init__(*args, **kwargs)
        finally:
            self._alviz_deferred = False
        self.open()

    def open(self):
        """Open the comm, unless the figure is still being built."""
        if not self._alviz_deferred:
            super().open()


def figure_widget(spec) -> go.FigureWidget:
    """A live figure widget built from a :class:`alviz.viz.FigureSpec`."""
    fig = LiveFigure(spec.figure())
    fig._alviz_spec = spec  # what the front end shows now: patches send only the difference
    return fig


#: The live figure opened by :func:`open_spare`, until a board takes it.
_SPARE: list[LiveFigure] = []


def _in_kernel() -> bool:
    """True in a Jupyter kernel: an IPython shell with a kernel attached."""
    ipython = sys.modules.get("IPython")  # never imported here just to ask
    shell = ipython.get_ipython() if ipython is not None else None
    return getattr(shell, "kernel", None) is not None


def open_spare() -> None:
    """In a Jupyter kernel, open one empty live figure now, for the first board to take.

    When a figure's comm opens, the browser spends about a second on plotly's
    5 MB widget module (the message, then the script's evaluation; Chromium
    here). ``alviz.widgets`` calls this before it imports the rest of alviz, so
    that second overlaps importing scikit-learn and the first fit instead of
    following them: Run All of a notebook whose first cell imports alviz and
    loads moons, and whose second shows an Explorer, draws in 2.1 s instead of
    2.8 s (``benchmarks/bench_browser.py --render-ab``). Outside a kernel (a
    script, the tests) nothing is opened. A spare no board takes costs the
    browser that second once, and nothing is drawn.
    """
    if not _SPARE and _in_kernel():
        _SPARE.append(LiveFigure())


def live_figure(layout: dict) -> LiveFigure:
    """An open live figure with ``layout`` and no traces: the spare one while it is free."""
    while _SPARE:
        fig = _SPARE.pop()
        if fig.comm is not None:  # not closed since
            fig.update_layout(layout)
            return fig
    return LiveFigure(layout=layout)


def _flat(d: dict, prefix: str = "") -> dict:
    """``{"marker": {"size": 3}}`` -> ``{"marker.size": 3}``: plotly's property paths."""
    out = {}
    for k, v in d.items():
        if isinstance(v, dict) and v:
            out.update(_flat(v, f"{prefix}{k}."))
        else:
            out[f"{prefix}{k}"] = v
    return out


def patch_figure(target: go.FigureWidget, spec) -> bool:
    """Bring ``target`` up to ``spec`` in one message, sending only what changed.

    When the spec has the same trace types in the same order as the one
    shown, the property paths that differ are sent in a single
    ``plotly_update`` (plotly.js patches the plot instead of rebuilding it,
    and plotly's Python-side validation of every value and path is skipped:
    the spec was validated when the figure was built). Otherwise traces and
    layout are replaced.

    Returns
    -------
    bool
        True when the traces were replaced (their click handlers are gone).
    """
    old = getattr(target, "_alviz_spec", None)
    same_shape = (
        old is not None
        and [t["type"] for t in old.traces] == [t["type"] for t in spec.traces]
        and len(old.layout.get("images") or ()) == len(spec.layout.get("images") or ())
    )
    if not same_shape:
        with target.batch_update():
            target.data = []
            target.add_traces(spec.traces)
            target.layout = spec.layout
            target.layout.update(spec.live)
        _sync_unseen(target)
        target._alviz_spec = spec
        return True
    restyle: dict[str, list] = {}
    n = len(spec.traces)
    for i, (before, new) in enumerate(zip(old.traces, spec.traces, strict=True)):
        b, a = _flat(before), _flat(new)
        for path in a.keys() | b.keys():
            if path in a and path in b and _equal(b[path], a[path]):
                continue
            # One list entry per trace; Undefined leaves the other traces alone.
            restyle.setdefault(path, [Undefined] * n)[i] = a.get(path)
    relayout = {k: v for k, v in spec.live.items() if not _equal(old.live.get(k), v)}
    if restyle or relayout:
        # What FigureWidget.plotly_update does, less its check of every property path
        # against plotly's schema (7 ms of a 45 ms click on the Explorer board): these
        # paths come from specs that plotly validated when the figure was built.
        for path, values in restyle.items():
            for trace, value in zip(target._data, values, strict=True):
                if value is not Undefined:
                    BaseFigure._set_in(trace, path, value)
        for path, value in relayout.items():
            BaseFigure._set_in(target._layout, path, value)
        target._send_update_msg(
            restyle_data=restyle, relayout_data=relayout, trace_indexes=list(range(n))
        )
        _sync_unseen(target)
    target._alviz_spec = spec
    return False


def _sync_unseen(target) -> None:
    """Send the whole figure as state while no view has drawn it yet.

    plotly's front-end model applies ``plotly_update`` messages only once its
    widget module has loaded; updates that arrive earlier (a notebook's next
    cell stepping the run while the 5 MB module still loads) are lost, and
    the view then draws the figure as first sent (seen in JupyterLab: status
    at round 10, panels at round 0). The view draws from the synced state, so
    keeping that state current until a view reports itself costs one full
    message per update only then.
    """
    if target._view_count:
        return
    target._trait_values["_widget_data"] = target._data
    target._trait_values["_widget_layout"] = target._layout
    target.send_state(["_widget_data", "_widget_layout"])


def guarded(method):
    """Run a controller action; turn an exception into a readable message on ``self.message``.

    Errors inside widget callbacks are invisible in JupyterLab unless shown:
    the controller keeps the message (views display it), logs it, and
    redraws, so the figures always show the Session as it now is.
    """

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        self.message = ""
        try:
            return method(self, *args, **kwargs)
        except (ValueError, TypeError, RuntimeError) as exc:
            self.message = f"⚠ {exc}"
            log.warning("%s failed: %s", method.__name__, exc)
        except Exception as exc:  # a bug: keep the trace in the log, show the gist
            self.message = f"⚠ unexpected error in {method.__name__}: {exc!r} (details in the log)"
            log.error("%s", traceback.format_exc())
        finally:
            self.changed()
        return None

    return wrapper


class Controller:
    """Plain-Python state of a widget: testable without a browser.

    Views register listeners with :meth:`observe`; every action calls
    :meth:`changed` when done. Subclasses set ``widget_name`` and implement
    :meth:`settings` and :meth:`_apply_settings`.
    """

    widget_name = "widget"

    def __init__(self):
        self.message = ""
        self.redraw_seconds = float("nan")
        self._listeners = []

    def observe(self, fn) -> None:
        """Call ``fn(controller)`` after every action."""
        self._listeners.append(fn)

    def changed(self) -> None:
        """Redraw, then tell the views; a failing redraw becomes the message."""
        t = time.perf_counter()
        try:
            self.redraw()
        except Exception as exc:  # never lose an error inside a callback
            self.message = (self.message + " " if self.message else "") + f"⚠ redraw: {exc}"
            log.error("redraw failed: %s", traceback.format_exc())
        self.redraw_seconds = time.perf_counter() - t
        for fn in self._listeners:
            fn(self)

    def redraw(self) -> None:
        """Bring the figures up to date with the state (subclasses)."""

    # ------------------------------------------------------------------ settings
    def settings(self) -> dict:
        """The widget's set-up as plain values (subclasses)."""
        return {"widget": self.widget_name}

    def export_settings(self) -> str:
        """The set-up as a short URL-safe string; :meth:`restore` reads it back."""
        return encode_settings(self.settings())

    @guarded
    def restore(self, code: str) -> None:
        """Apply a set-up from :meth:`export_settings` (the run starts again)."""
        self._apply_settings(decode_settings(code, self.widget_name))

    def _apply_settings(self, settings: dict) -> None:
        raise NotImplementedError


class Stepper:
    """Step and Play for a controller: ``step``, ``play_tick``, ``play`` and ``pause``.

    The controller provides ``_check_can_step()`` (raises ValueError with a
    friendly reason) and ``_advance()`` (one round); ``guarded`` turns a
    refusal into the controller's message, and Play stops on it.
    """

    playing = False
    speed = 0.8

    def _check_can_step(self) -> None:
        raise NotImplementedError

    def _advance(self):
        raise NotImplementedError

    @guarded
    def step(self):
        """One round, then redraw."""
        self._check_can_step()
        return self._advance()

    @guarded
    def play_tick(self):
        """One round of Play; stops playing (with a message) when a round is not possible."""
        if not self.playing:
            return None
        try:
            self._check_can_step()
        except ValueError:
            self.playing = False
            raise
        return self._advance()

    def play(self, n_rounds: int | None = None) -> None:
        """Start Play; with ``n_rounds``, run that many rounds now (for scripts and tests)."""
        self.playing = True
        for _ in range(n_rounds or 0):
            if not self.playing:
                break
            self.play_tick()

    def pause(self) -> None:
        """Stop Play."""
        self.playing = False
