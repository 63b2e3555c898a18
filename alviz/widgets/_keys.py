"""A small anywidget that turns key presses into Python calls (label buttons' shortcuts)."""

from __future__ import annotations

import anywidget
import traitlets

__all__ = ["KeyCatcher"]

# A text box, not a document-wide listener: keys typed into it never reach
# JupyterLab's own shortcuts (which would, e.g., turn a cell into a heading on "1").
_ESM = """
function render({ model, el }) {
  const box = document.createElement("input");
  box.type = "text";
  box.className = "alviz-keys";
  box.placeholder = model.get("hint");
  box.style.width = "100%";
  box.style.padding = "6px";
  box.style.border = "2px dashed #888";
  box.style.borderRadius = "6px";
  box.addEventListener("keydown", (event) => {
    if (event.key.length === 1 || event.key === "Backspace") {
      event.preventDefault();
      event.stopPropagation();
      model.set("key", event.key);
      model.set("presses", model.get("presses") + 1);
      model.save_changes();
    }
  });
  box.addEventListener("focus", () => { box.style.borderColor = "#0072B2"; });
  box.addEventListener("blur", () => { box.style.borderColor = "#888"; });
  el.appendChild(box);
}
export default { render };
"""


class KeyCatcher(anywidget.AnyWidget):
    """A box that reports each key typed into it: ``on_key(fn)`` calls ``fn(key)``."""

    _esm = _ESM
    hint = traitlets.Unicode("click here, then type").tag(sync=True)
    key = traitlets.Unicode("").tag(sync=True)
    presses = traitlets.Int(0).tag(sync=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._handlers = []
        # Counting presses makes the same key twice in a row a change too.
        self.observe(lambda _: [fn(self.key) for fn in self._handlers], names="presses")

    def on_key(self, fn) -> None:
        """Call ``fn(key)`` for every key typed into the box."""
        self._handlers.append(fn)

    def press(self, key: str) -> None:
        """Act as if ``key`` was typed (for scripts and tests)."""
        self.key = key
        self.presses += 1
