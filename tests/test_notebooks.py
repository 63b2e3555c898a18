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
