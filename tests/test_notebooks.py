"""The course notebooks: structure, size budget, and coverage of the library.

Outputs are refreshed with ``tools/execute_notebooks.py``; nbval runs the
notebooks themselves (``pytest notebooks/``).
"""

import re
from pathlib import Path

import nbformat
import pytest

import alviz as al
from alviz.datasets import _registry

NOTEBOOKS = sorted((Path(__file__).parent.parent / "notebooks").glob("[0-9][0-9]_*.ipynb"))
MAX_KB_EACH, MAX_MB_ALL = 400, 6
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


def _read(path):
    return nbformat.read(path, as_version=4)


def _code(nb) -> str:
    return "\n".join(c.source for c in nb.cells if c.cell_type == "code")


def concept_worlds() -> list[str]:
    """Datasets registered by ``alviz.datasets.concepts``: each built to show one idea."""
    return sorted(
        name
        for name, (fn, _card) in _registry._REGISTRY.items()
        if fn.__module__ == "alviz.datasets.concepts"
    )


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 9


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_size_budget_each(path):
    kb = path.stat().st_size / 1024
    assert kb <= MAX_KB_EACH, (
        f"{path.name} is {kb:.0f} KB (budget {MAX_KB_EACH} KB): lower map resolutions or rerun "
        f"tools/execute_notebooks.py, which shrinks figures"
    )


def test_size_budget_all():
    mb = sum(p.stat().st_size for p in NOTEBOOKS) / 2**20
    assert mb <= MAX_MB_ALL, f"notebooks hold {mb:.1f} MB (budget {MAX_MB_ALL} MB)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_kernelspec_and_no_widget_state(path):
    nb = _read(path)
    spec = nb.metadata.get("kernelspec", {})
    assert spec.get("name") == "python3", f"{path.name}: kernelspec name {spec.get('name')!r}"
    assert spec.get("display_name") == "Python 3 (ipykernel)", path.name
    assert "widgets" not in nb.metadata, f"{path.name} stores widget state: rerun the tool"
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            assert WIDGET_MIME not in out.get("data", {}), f"{path.name} stores a widget view"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_opening_cell(path):
    first = _read(path).cells[0]
    assert first.cell_type == "markdown", f"{path.name}: the first cell must be markdown"
    text = first.source
    assert text.startswith("# "), f"{path.name}: the first cell opens with a '# ' title"
    assert re.search(r"\*\*Time:\s*\d+\s*min\*\*", text), f"{path.name}: no '**Time: N min**'"
    for heading in ("**Questions", "**Objectives"):
        assert heading in text, f"{path.name}: the first cell has no {heading}**"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_closing_cell(path):
    last = _read(path).cells[-1]
    assert last.cell_type == "markdown", f"{path.name}: the last cell must be markdown"
    for heading in ("Key points", "References"):
        assert heading in last.source, f"{path.name}: the last cell has no {heading}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_two_predict_exercises(path):
    n = len(re.findall(r"\bPredict\(", _code(_read(path))))
    assert n >= 2, f"{path.name} has {n} Predict exercises; the course asks for at least 2"


def _missing(names) -> list[str]:
    code = "\n".join(_code(_read(p)) for p in NOTEBOOKS)
    return [n for n in names if f'"{n}"' not in code and f"'{n}'" not in code]


@pytest.mark.parametrize(
    ("kind", "names"),
    [
        ("strategy", al.acquisition.names),
        ("model family", al.models.names),
        ("concept world", concept_worlds),
    ],
)
def test_every_registered_name_is_taught(kind, names):
    missing = _missing(names())
    assert not missing, f"no notebook's code uses the {kind}(s) {missing}"


def test_concept_worlds_found():
    assert {"aleatoric", "epistemic", "outliers"} <= set(concept_worlds())


def _tool():
    import importlib.util

    path = Path(__file__).parent.parent / "tools" / "execute_notebooks.py"
    spec = importlib.util.spec_from_file_location("execute_notebooks", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _png_b64(size=64):
    import base64
    import io

    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(0)
    img = Image.fromarray(rng.integers(0, 255, (size, size, 3), dtype=np.uint8))
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return base64.b64encode(buf.getvalue()).decode()


def test_execute_tool_slims_outputs():
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    tool = _tool()
    nb = new_notebook()
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    view = {WIDGET_MIME: {"model_id": "abc"}}
    big_plotly = {"data": [{"z": list(range(50_000))}]}
    cell = new_code_cell("x")
    cell.metadata["execution"] = {"iopub.status.busy": "2026-01-01"}
    cell.outputs = [
        new_output("display_data", data={**view, "text/plain": "VBox(children=(...))"}),
        new_output("display_data", data={**view, "text/plain": "Predict: which?\n  [a / b]"}),
        new_output(
            "display_data",
            data={tool.PLOTLY_MIME: big_plotly, "image/png": _png_b64(), "text/plain": "Figure"},
        ),
        new_output("display_data", data={tool.PLOTLY_MIME: {"data": []}, "text/plain": "Figure"}),
    ]
    nb.cells = [cell]
    counts = tool.slim_outputs(nb)
    assert "widgets" not in nb.metadata and "execution" not in cell.metadata
    outs = cell.outputs
    assert outs[0]["data"] == {"text/plain": tool.WIDGET_NOTE}
    assert outs[1]["data"]["text/plain"].startswith("Predict: which?")
    assert tool.PLOTLY_MIME not in outs[2]["data"] and "image/png" in outs[2]["data"]
    assert tool.PLOTLY_MIME in outs[3]["data"]  # small figure without PNG: kept
    assert counts == {"widgets": 2, "png": 1, "plotly": 2, "plotly_dropped": 1}


def test_shrink_png_keeps_the_image_and_never_grows():
    import base64
    import io

    import numpy as np
    from PIL import Image

    tool = _tool()
    noise = _png_b64(128)
    assert len(tool.shrink_png(noise)) <= len(noise)  # never larger than the original
    # A smooth colour field with a little jitter, like a rendered heatmap: a palette shrinks it.
    yy, xx = np.mgrid[0:200, 0:300]
    ramp = np.stack([xx * 255 / 300, yy * 255 / 200, 90 + 40 * np.sin(xx / 9.0)], axis=-1)
    ramp += np.random.default_rng(1).integers(0, 3, ramp.shape)
    ramp = ramp.clip(0, 255).astype(np.uint8)
    buf = io.BytesIO()
    Image.fromarray(ramp).save(buf, "PNG")
    b64 = base64.b64encode(buf.getvalue()).decode()
    small = tool.shrink_png(b64)
    assert len(small) < 0.8 * len(b64)
    assert Image.open(io.BytesIO(base64.b64decode(small))).size == (300, 200)
