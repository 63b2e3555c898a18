"""Execute notebooks in place and keep small, static outputs.

    PYTHONPATH=$PWD .venv/bin/python tools/execute_notebooks.py notebooks/0*.ipynb

Each notebook runs top to bottom in a fresh kernel (from the notebook's own
folder) with ``ALVIZ_AUTOANSWER=1``, so every ``Predict`` exercise answers
itself and checks its truth. Outputs are then made small and readable without
a kernel, e.g. on a code host:

- plotly figures carry their plotly JSON *and* a static PNG (renderer
  ``plotly_mimetype+png``; kaleido drives Chromium, found at ``$BROWSER_PATH``
  or ``/usr/bin/chromium``). Big PNGs get a 128-colour palette; a big plotly
  JSON (heatmaps) is dropped where the PNG shows the figure, to keep each
  notebook under the size budget of ``tests/test_notebooks.py``. Without a
  working kaleido the figures keep their plotly JSON only, and the script says so.
- widget views (FigureWidgets, the Explorer, Predict...) are replaced by a
  short text note; ``metadata.widgets`` (the widget state blobs) is removed.
- per-cell execution timestamps are dropped, so re-running gives small diffs.
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
WIDGET_NOTE = "[interactive widget: run the notebook in JupyterLab to use it]"
PLOTLY_MIME = "application/vnd.plotly.v1+json"
#: A figure's plotly JSON above this many characters is dropped when a PNG is there:
#: heatmaps of probability maps are big and the PNG shows the same thing.
MAX_PLOTLY_CHARS = 120_000
#: PNGs above this many base64 characters are re-encoded with a 128-colour palette.
MAX_PNG_CHARS = 60_000

# Runs in the kernel before the first cell (an IPython startup file).
STARTUP = """
import warnings as _warnings
import plotly.io as _pio
# plotly passes kaleido options that its long-running server ignores: not the reader's business.
_warnings.filterwarnings("ignore", message="The kopts argument is ignored")
try:
    import kaleido as _kaleido
    _kaleido.start_sync_server(silence_warnings=True)  # one Chromium for every figure
    _pio.renderers.default = "plotly_mimetype+png"
except Exception as _exc:  # no kaleido or no Chromium: plotly JSON only
    print("[execute_notebooks] PNG export unavailable:", _exc, file=__import__("sys").stderr)
    _pio.renderers.default = "plotly_mimetype"
"""


def find_chromium() -> str | None:
    """Chromium for kaleido: ``$BROWSER_PATH``, else ``/usr/bin/chromium`` or one on PATH."""
    for candidate in (os.environ.get("BROWSER_PATH"), "/usr/bin/chromium"):
        if candidate and Path(candidate).exists():
            return candidate
    return shutil.which("chromium") or shutil.which("google-chrome")


def shrink_png(b64: str) -> str:
    """The same image with a 128-colour palette (plots have few colours); base64 in and out."""
    from PIL import Image

    img = Image.open(io.BytesIO(base64.b64decode(b64))).convert("RGB")
    buf = io.BytesIO()
    img.quantize(colors=128, method=Image.Quantize.MEDIANCUT).save(buf, "PNG", optimize=True)
    small = base64.b64encode(buf.getvalue()).decode("ascii")
    return small if len(small) < len(b64) else b64


def slim_outputs(nb) -> dict:
    """Replace widget views by a note, shrink figures, drop widget state and timings.

    Returns counts of what was found and changed.
    """
    counts = {"widgets": 0, "png": 0, "plotly": 0, "plotly_dropped": 0}
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type != "code":
            continue
        for out in cell.get("outputs", []):
            data = out.get("data")
            if not data:
                continue
            if WIDGET_MIME in data:
                counts["widgets"] += 1
                plain = data.get("text/plain", "")
                plain = "".join(plain) if isinstance(plain, list) else plain
                # Predict writes its question as plain text; other reprs are noise.
                keep = plain if plain.startswith("Predict:") else WIDGET_NOTE
                out["data"] = {"text/plain": keep}
                continue
            if "image/png" in data:
                counts["png"] += 1
                png = data["image/png"]
                png = "".join(png) if isinstance(png, list) else png
                if len(png) > MAX_PNG_CHARS:
                    data["image/png"] = shrink_png(png.replace("\n", ""))
            if PLOTLY_MIME in data:
                counts["plotly"] += 1
                size = len(json.dumps(data[PLOTLY_MIME]))
                if "image/png" in data and size > MAX_PLOTLY_CHARS:
                    del data[PLOTLY_MIME]
                    counts["plotly_dropped"] += 1
    return counts


def execute(path: Path, timeout: int) -> dict:
    """Run one notebook in place; return output counts and seconds taken."""
    nb = nbformat.read(path, as_version=4)
    t0 = time.perf_counter()
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    counts = slim_outputs(nb)
    counts["seconds"] = round(time.perf_counter() - t0, 1)
    nbformat.write(nb, path)
    counts["kb"] = round(path.stat().st_size / 1024, 1)
    return counts


def main(argv=None) -> int:
    """Execute the notebooks named on the command line; 1 if any failed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    args = parser.parse_args(argv)

    chromium = find_chromium()
    if chromium:
        os.environ.setdefault("BROWSER_PATH", chromium)
    else:
        print("no Chromium found: figures keep plotly JSON only, no PNG", file=sys.stderr)
    os.environ["ALVIZ_AUTOANSWER"] = "1"
    with tempfile.TemporaryDirectory() as ipython_dir:
        startup = Path(ipython_dir) / "profile_default" / "startup"
        startup.mkdir(parents=True)
        (startup / "00-alviz-execute.py").write_text(STARTUP)
        os.environ["IPYTHONDIR"] = ipython_dir
        failed = 0
        for path in args.notebooks:
            try:
                c = execute(path, args.timeout)
            except Exception as exc:  # report every notebook, then fail
                failed += 1
                print(f"FAILED {path}: {type(exc).__name__}: {str(exc)[-2000:]}", file=sys.stderr)
                continue
            note = "" if c["png"] or not c["plotly"] else "  (no PNG: plotly JSON only)"
            print(
                f"{path}: {c['seconds']} s, {c['kb']} KB, {c['plotly']} figures, "
                f"{c['png']} PNG ({c['plotly_dropped']} big ones without plotly JSON), "
                f"{c['widgets']} widget views replaced{note}"
            )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
