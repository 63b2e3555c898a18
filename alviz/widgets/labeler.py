"""Labeler: label your own data in the order the strategy asks, with autosave and CSV export."""

from __future__ import annotations

import base64
import csv
import html
import io
from pathlib import Path

import ipywidgets as W
import numpy as np

from ..session import Session
from ._base import Controller, guarded
from ._keys import KeyCatcher
from ._setup import resolve_dataset
from ._views import message_html

__all__ = ["Labeler", "LabelerController"]

#: Keyboard: 1-9 give classes 0-8; these keys skip and undo.
SKIP_KEYS, UNDO_KEYS = ("s", "0", " "), ("u", "Backspace")


class LabelerController(Controller):
    """Label a person's own data, a batch of queries at a time.

    Every label and skip goes through :meth:`alviz.Session.label` /
    :meth:`alviz.Session.skip` and is saved to ``session_file`` at once
    (autosave): a label given is never lost. The queries come from
    :meth:`alviz.Session.query`, the same loop as ``Session.step``. An
    existing ``session_file`` is resumed; while this Labeler autosaves to
    it, another process cannot write it (a lock), and another Labeler on it
    in this kernel has its labels merged in, not overwritten.

    Parameters
    ----------
    dataset : Dataset, optional
        The person's data (``y`` is ``-1`` where no label is known yet). When
        ``session_file`` exists, it must be the data the file was made with
        (a clear error otherwise); it may be left out for data the file
        holds or can rebuild.
    session_file : str or path, optional
        Where every label is saved; resumed if it exists.
    batch_size : int
        How many queried items are shown at once.
    budget : int, optional
        Labels wanted, for the progress bar (default: the whole pool).
    **session_params
        Passed to :class:`alviz.Session` (model, strategy, seed, ...); the
        oracle is always the person. When resuming, a ``model`` or
        ``strategy`` other than the file's replaces it, and the message says so.

    Attributes
    ----------
    session : Session
    queue : list of int
        Dataset indices shown now, the current one first.
    skipped : set of int
        Items set aside (saved in the session); they are not asked again.
    """

    widget_name = "labeler"

    def __init__(self, dataset=None, session_file=None, batch_size: int = 4, budget=None,
                 **session_params):  # fmt: skip
        super().__init__()
        session_params.pop("oracle", None)
        # Own data: the labels already known are the start (Session uses them all).
        session_params.setdefault("initial", 0)
        if not isinstance(batch_size, int | np.integer) or batch_size < 1:
            raise ValueError(f"batch_size must be an integer >= 1; got {batch_size!r}.")
        self.session_file = None if session_file is None else Path(session_file).expanduser()
        if self.session_file is not None and self.session_file.exists():
            given = None if dataset is None else resolve_dataset(dataset)
            self.session = Session.load(self.session_file, dataset=given)
            self.session.autosave = self.session_file
            self.message = self._resumed(session_params)
        else:
            if dataset is None:
                raise TypeError("Labeler needs a dataset (or an existing session_file to resume).")
            self.session = Session(
                resolve_dataset(dataset), oracle="human", autosave=self.session_file,
                **session_params,
            )  # fmt: skip
        if self.session.task != "classification":
            raise ValueError("the Labeler gives class labels; this dataset is a regression task.")
        self.batch_size, self.budget = int(batch_size), budget
        self.queue: list[int] = []
        self._refill()

    def _resumed(self, params: dict) -> str:
        """Apply a model or strategy asked for on resume; say what the file held."""
        s, notes = self.session, []
        strategy, model = params.get("strategy"), params.get("model")
        if strategy is not None and strategy != s.strategy.name:
            notes.append(f"strategy {s.strategy.name!r} -> {getattr(strategy, 'name', strategy)!r}")
            s.set_strategy(strategy)
        if model is not None and model != s.model_label:
            notes.append(f"model {s.model_label!r} -> {getattr(model, 'name', model)!r}")
            s.set_model(model)
        text = f"Resumed {len(s.labeled_indices)} labels from {self.session_file}"
        return text + (f"; switched {', '.join(notes)} as asked." if notes else ".")

    # ------------------------------------------------------------------ queue
    def _refill(self) -> None:
        """Ask the Session for the next items, besides those shown (skipped ones never come)."""
        k = self.batch_size - len(self.queue)
        if k > 0:
            self.queue += self.session.query(k, exclude=self.queue).tolist()

    @property
    def skipped(self) -> set[int]:
        """Items set aside; they are not asked again (saved with the session)."""
        return set(self.session.skipped.tolist())

    @property
    def current(self) -> int | None:
        """The item to label now (None when nothing is left)."""
        return self.queue[0] if self.queue else None

    # ------------------------------------------------------------------ actions
    @guarded
    def label(self, label: int, index: int | None = None):
        """Give the current item (or ``index``) the class ``label``; saved at once."""
        index = self.current if index is None else int(index)
        if index is None:
            raise ValueError("Nothing left to label: every item is labeled or skipped.")
        self.session.label(index, int(label))
        if index in self.queue:
            self.queue.remove(index)
        self._say_if_unsaved()
        self._next()

    def _next(self) -> None:
        """Drop shown items that are done; ask for a new batch once the shown one is used up."""
        # Another Labeler on the same file may have labelled a shown item (merged on save).
        done = set(self.session.labeled_indices.tolist()) | self.skipped
        self.queue = [i for i in self.queue if i not in done]
        if not self.queue:
            self._refill()

    def _say_if_unsaved(self) -> None:
        err = self.session.autosave_error
        if err:
            self.message = (
                f"⚠ Autosave failed: this label is only in memory until a save works ({err})."
            )

    @guarded
    def skip(self):
        """Set the current item aside; it is not asked again (saved at once)."""
        index = self.current
        if index is None:
            raise ValueError("Nothing left to skip.")
        self.session.skip(index)
        self.queue.remove(index)
        self._say_if_unsaved()
        self._next()

    @guarded
    def undo(self):
        """Take back the last label or skip; the item comes back first in line."""
        s = self.session
        before = set(s.labeled_indices.tolist()) | self.skipped
        if not s.undo():
            self.message = "Nothing to undo."
            return
        back = before - set(s.labeled_indices.tolist()) - self.skipped
        self.queue = sorted(back) + [i for i in self.queue if i not in back]
        del self.queue[self.batch_size :]

    def on_key(self, key: str) -> None:
        """Keyboard shortcuts: 1-9 label with class 1-9 (in menu order), s skip, u undo."""
        if key in SKIP_KEYS:
            self.skip()
        elif key in UNDO_KEYS:
            self.undo()
        elif key.isdigit() and 1 <= int(key) <= min(9, self.session.n_classes):
            self.label(int(key) - 1)
        else:
            self.message = (
                f"Key {key!r} does nothing: 1-{min(9, self.session.n_classes)} label, s skips, "
                f"u undoes."
            )
            self.changed()

    # ------------------------------------------------------------------ export
    def labels_table(self) -> list[dict]:
        """The labels given so far: one dict per item (index, label, class)."""
        s = self.session
        classes = s.dataset.classes
        return [
            {"index": int(i), "label": int(k), "class": str(classes[k])}
            for i, k in zip(s.labeled_indices.tolist(), s.labels.tolist(), strict=True)
        ]

    @guarded
    def export_csv(self, path) -> Path:
        """Write the labels given so far to ``path`` as CSV (index, label, class)."""
        path = Path(path)
        with open(path, "w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=["index", "label", "class"])
            writer.writeheader()
            writer.writerows(self.labels_table())
        self.message = f"Saved {len(self.labels_table())} labels to {path}."
        return path

    def redraw(self) -> None:
        """Nothing to patch: the view reads the queue (items are HTML, not plots)."""

    @property
    def progress(self) -> tuple[int, int]:
        """(labels given, labels wanted)."""
        s = self.session
        wanted = self.budget or (len(s.labeled_indices) + s.pool_size() - len(self.skipped))
        return len(s.labeled_indices), int(wanted)

    @property
    def status(self) -> str:
        """Labels, target, skipped and where they are saved."""
        done, wanted = self.progress
        saved = f" · saved to {self.session_file}" if self.session_file else " · not saved"
        if self.session.autosave_error:
            saved = (
                f" · ⚠ NOT SAVED: the latest labels are only in memory "
                f"({self.session.autosave_error})"
            )
        return f"{done} of {wanted} labeled · {len(self.skipped)} skipped{saved}"

    # ------------------------------------------------------------------ settings
    def settings(self) -> dict:
        """Strategy, model, batch and budget (the data stays with its owner)."""
        s = self.session
        return {
            "widget": self.widget_name,
            "strategy": s.strategy.name,
            "model": s.model_label,
            "batch_size": self.batch_size,
            "budget": self.budget,
        }

    def _apply_settings(self, settings: dict) -> None:
        s = self.session
        if settings.get("strategy") and settings["strategy"] != s.strategy.name:
            s.set_strategy(settings["strategy"])
        if settings.get("model") and settings["model"] != s.model_label:
            s.set_model(settings["model"])
        self.batch_size = int(settings.get("batch_size", self.batch_size))
        self.budget = settings.get("budget", self.budget)
        self.queue = []
        self._refill()


def item_html(dataset, index: int, current: bool) -> str:
    """One queued item as an HTML card: an image, a text, or its feature values."""
    raw = dataset.raw
    body = ""
    item = None if raw is None else raw[index]
    if isinstance(item, str):
        body = f"<div style='white-space:pre-wrap'>{html.escape(item[:1500])}</div>"
    elif item is not None and np.asarray(item).ndim in (2, 3):
        body = f"<img src='{_png(np.asarray(item))}' style='height:96px;image-rendering:pixelated'>"
    else:
        names = list(dataset.feature_names)[:10]
        cells = "".join(
            f"<tr><td>{html.escape(str(n))}</td><td>{dataset.X[index, j]:.4g}</td></tr>"
            for j, n in enumerate(names)
        )
        body = f"<table>{cells}</table>"
    border = "3px solid #0072B2" if current else "1px solid #ccc"
    return (
        f"<div style='border:{border};border-radius:6px;padding:6px;margin:4px;"
        f"min-width:120px;max-width:420px'><b>#{index}</b>{' · now' if current else ''}"
        f"<br>{body}</div>"
    )


def _png(a: np.ndarray) -> str:
    from PIL import Image

    a = a.astype(np.float64)
    lo, hi = float(a.min()), float(a.max())
    a = (a - lo) / (hi - lo) if hi > lo else np.zeros_like(a)
    img = Image.fromarray(np.round(255 * (1 - a if a.ndim == 2 else a)).astype(np.uint8))
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


class Labeler(W.VBox):
    """Label your own data: the queried items, one button per class, skip, undo, progress.

    Parameters
    ----------
    dataset : Dataset, optional
        Your data (see :func:`alviz.datasets.from_texts`, ``from_images``,
        ``from_dataframe``); not needed to resume a ``session_file``.
    **params
        Passed to :class:`LabelerController` (session_file, batch_size,
        budget, model, strategy, seed, ...).

    Attributes
    ----------
    controller : LabelerController
    """

    def __init__(self, dataset=None, controller: LabelerController | None = None, **params):
        if controller is None:
            controller = LabelerController(dataset, **params)
        self.controller = c = controller
        classes = c.session.dataset.classes
        self.class_buttons = []
        for k, name in enumerate(classes):
            key = f"{k + 1}: " if k < 9 else ""
            b = W.Button(description=f"{key}{name}", tooltip=f"label as {name}")
            b.on_click(lambda _, k=k: c.label(k))
            self.class_buttons.append(b)
        self.skip_button = W.Button(description="Skip (s)", icon="forward")
        self.undo_button = W.Button(description="Undo (u)", icon="undo")
        self.skip_button.on_click(lambda _: c.skip())
        self.undo_button.on_click(lambda _: c.undo())
        self.shortcuts = KeyCatcher(hint="click here, then: 1-9 label · s skip · u undo")
        self.shortcuts.on_key(c.on_key)
        self.csv_path = W.Text(value="labels.csv", description="CSV file")
        self.export_button = W.Button(description="Export labels", icon="download")
        self.export_button.on_click(lambda _: c.export_csv(self.csv_path.value))
        self.progress = W.IntProgress(min=0, max=1, description="progress")
        self.items, self.status, self.message = W.HTML(), W.HTML(), W.HTML()
        c.observe(lambda _: self._show())
        self._show()
        super().__init__(
            [
                self.items,
                W.HBox(self.class_buttons),
                W.HBox([self.skip_button, self.undo_button]),
                self.shortcuts,
                W.HBox([self.progress, self.status]),
                self.message,
                W.HBox([self.csv_path, self.export_button]),
            ]
        )

    def _show(self):
        c = self.controller
        ds = c.session.dataset
        cards = "".join(item_html(ds, i, j == 0) for j, i in enumerate(c.queue))
        done = "<i>Nothing left to label: every item is labeled or skipped.</i>"
        self.items.value = f"<div style='display:flex;flex-wrap:wrap'>{cards or done}</div>"
        n, wanted = c.progress
        self.progress.max, self.progress.value = max(wanted, 1), min(n, max(wanted, 1))
        self.status.value = c.status
        self.message.value = message_html(c.message)
