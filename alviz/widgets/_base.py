"""What every widget controller shares: a Session, messages, and safe callbacks."""

from __future__ import annotations

import functools
import logging
import traceback

import plotly.graph_objects as go

log = logging.getLogger("alviz.widgets")

__all__ = ["Controller", "copy_figure", "guarded"]


def copy_figure(target: go.FigureWidget, source: go.Figure) -> None:
    """Copy ``source``'s trace data and title into ``target`` in one message.

    Traces are updated in place (same order and types), so the front end
    patches them instead of rebuilding the plot.
    """
    with target.batch_update():
        for t_old, t_new in zip(target.data, source.data, strict=True):
            t_old.update(t_new.to_plotly_json(), overwrite=True)
        target.layout.title.text = source.layout.title.text


def guarded(method):
    """Run a controller action; turn an exception into a readable message on ``self.message``.

    Errors inside widget callbacks are invisible in JupyterLab unless shown:
    the controller keeps the message (views display it) and logs the trace.
    """

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            self.message = ""
            return method(self, *args, **kwargs)
        except (ValueError, TypeError, RuntimeError) as exc:
            self.message = f"⚠ {exc}"
            log.warning("%s failed: %s", method.__name__, exc)
        except Exception as exc:  # a bug: keep the trace for the log, show the gist
            self.message = f"⚠ unexpected error in {method.__name__}: {exc!r}"
            log.error("%s", traceback.format_exc())
        finally:
            self.changed()
        return None

    return wrapper


class Controller:
    """Plain-Python state of a widget: testable without a browser.

    Views register listeners with :meth:`observe`; every action calls
    :meth:`changed` when done.
    """

    def __init__(self):
        self.message = ""
        self._listeners = []

    def observe(self, fn) -> None:
        """Call ``fn(controller)`` after every action."""
        self._listeners.append(fn)

    def changed(self) -> None:
        """Tell the views to redraw."""
        for fn in self._listeners:
            fn(self)
