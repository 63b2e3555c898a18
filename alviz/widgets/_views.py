"""View pieces the widgets share: buttons, Play, messages, click wiring."""

from __future__ import annotations

import contextlib
import html
import time

import ipywidgets as W

__all__ = ["ControlsMixin", "SyncMixin", "message_html", "on_point_click"]


def message_html(message: str) -> str:
    """A controller message as HTML (red for warnings, empty when there is none)."""
    if not message:
        return ""
    colour = "#b00020" if message.startswith("⚠") else "#1b5e20"
    return f"<span style='color:{colour}'>{html.escape(message)}</span>"


def on_point_click(trace, callback) -> None:
    """Call ``callback(dataset_index)`` when a point of ``trace`` is clicked.

    The trace's ``customdata`` holds dataset indices. plotly calls every
    trace's handler on each click; the traces not clicked get no point
    indices and are ignored.
    """

    def handler(trace, points, selector):
        if not points.point_inds:
            return
        callback(int(trace.customdata[points.point_inds[0]]))

    trace.on_click(handler)


class ControlsMixin:
    """Step, Undo, Reset and Play/Pause with a speed slider, wired to ``self.controller``.

    The controller must have ``step``, ``undo``, ``reset``, ``play_tick``,
    ``playing`` and ``speed``.
    """

    def build_buttons(self) -> None:
        """Create ``self.buttons`` and ``self.play_box`` and wire them."""
        c = self.controller
        self.step_button = W.Button(description="Step", button_style="primary", icon="forward")
        self.undo_button = W.Button(description="Undo", icon="undo")
        self.reset_button = W.Button(description="Reset", icon="refresh")
        self.busy = W.HTML(layout=W.Layout(min_width="150px"))
        self.step_button.on_click(lambda _: self.busy_while(c.step))
        self.undo_button.on_click(lambda _: self.busy_while(c.undo))
        self.reset_button.on_click(lambda _: self.busy_while(c.reset))
        self.buttons = [self.step_button, self.undo_button, self.reset_button]
        self.play = W.Play(
            value=0, min=0, max=10**9, step=1, interval=int(c.speed * 1000), show_repeat=False
        )
        self.speed = W.FloatSlider(
            value=c.speed, min=0.1, max=3.0, step=0.1, description="s / step",
            readout_format=".1f", layout=W.Layout(width="260px"),
        )  # fmt: skip
        self.play.observe(self._on_playing, names="playing")
        self.play.observe(self._on_tick, names="value")
        self.speed.observe(self._on_speed, names="value")
        self.play_box = W.HBox([self.play, self.speed, self.busy])
        self._tick_done = 0.0

    def busy_while(self, action, *args):
        """Run ``action(*args)`` with a busy note and the buttons disabled while it runs.

        Widget messages leave the kernel as they are made, so the note shows while a
        slow fit (an MC-dropout network, a large pool) runs, not after it.
        """
        self.busy.value = "<span style='color:#555'>⏳ fitting and redrawing…</span>"
        for b in self.buttons:
            b.disabled = True
        try:
            return action(*args)
        finally:
            for b in self.buttons:
                b.disabled = False
            self.busy.value = ""

    def _on_tick(self, change):
        # The Play widget ticks in the browser on a timer; ticks that queued up while a
        # slow round ran arrive back to back, ahead of a Pause. Dropping ticks that come
        # right after the last round ended makes Pause stop after the round in progress.
        if time.monotonic() - self._tick_done < 0.5 * self.controller.speed:
            return
        try:
            self.busy_while(self.controller.play_tick)
        finally:
            self._tick_done = time.monotonic()

    def _on_playing(self, change):
        self.controller.playing = bool(change["new"])

    def _on_speed(self, change):
        self.controller.speed = float(change["new"])
        self.play.interval = int(change["new"] * 1000)

    def sync_play(self) -> None:
        """Stop the Play widget when the controller stopped playing (e.g. the pool ran out)."""
        if self.play.playing and not self.controller.playing:
            self.play.playing = False


class SyncMixin:
    """Controls that follow the controller without calling it back.

    ``link(control, fn)`` calls ``fn(new_value)`` when a person changes the
    control; while the view copies the controller's state into its
    controls (``with self.syncing():``), those calls are suppressed.
    """

    _syncing = False

    def link(self, control, fn) -> None:
        """Call ``fn(value)`` when a person changes ``control``."""

        def handler(change):
            if not self._syncing:
                fn(change["new"])

        control.observe(handler, names="value")

    @contextlib.contextmanager
    def syncing(self):
        """Suppress the callbacks of linked controls while copying state into them."""
        self._syncing = True
        try:
            yield
        finally:
            self._syncing = False
