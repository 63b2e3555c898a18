"""The deferred third-party imports: cheaper start-up, same behaviour on first use."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import json, sys
import alviz.widgets  # imports plotly.io, nbformat and jsonschema's format checks
import jsonschema
before = 'rfc3987_syntax.syntax_helpers' in sys.modules
fc = jsonschema.FormatChecker()
checks = [fc.conforms('http://example.com/é', 'iri'), fc.conforms('http://a b', 'iri'),
          fc.conforms('#frag', 'iri-reference')]
after = 'rfc3987_syntax.syntax_helpers' in sys.modules
print(json.dumps({'before': before, 'checks': checks, 'after': after,
                  'iri': 'iri' in fc.checkers}))
"""


@pytest.mark.skipif(
    importlib.util.find_spec("rfc3987_syntax") is None, reason="rfc3987_syntax is not installed"
)
def test_rfc3987_grammar_loads_only_when_an_iri_is_checked():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True
    )
    got = json.loads(out.stdout.strip().splitlines()[-1])
    if not got["iri"]:
        pytest.skip("this jsonschema does not check 'iri' with rfc3987_syntax")
    assert got["before"] is False  # importing the widgets did not build the grammar
    assert got["checks"] == [True, False, True]  # the check itself still works
    assert got["after"] is True  # ... with the real module, loaded on first use


def test_the_stand_in_leaves_an_imported_module_alone(monkeypatch):
    from alviz._deferred import defer_rfc3987_syntax

    sentinel = object()
    monkeypatch.setitem(sys.modules, "rfc3987_syntax", sentinel)
    defer_rfc3987_syntax()
    assert sys.modules["rfc3987_syntax"] is sentinel


# ----------------------------------------------------------------- lazy subpackages
HEAVY = ("sklearn", "scipy", "pandas", "plotly", "torch", "ipywidgets")


def _probe(code: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_import_alviz_and_the_toy_worlds_need_no_heavy_library():
    got = _probe(
        "import json, sys\n"
        "import alviz as al\n"
        "for name in ('moons', 'circles', 'blobs', 'xor', 'spirals', 'imbalanced'):\n"
        "    al.datasets.load(name, n_samples=60, seed=0)\n"
        f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))))"
    )
    assert got == []


@pytest.mark.parametrize(
    "name",
    ["acquisition", "calibration", "datasets", "experiments", "losses", "models",
     "uncertainty", "viz", "widgets", "Session", "Round", "compare"],
)  # fmt: skip
def test_every_public_name_loads_on_first_use_in_a_fresh_interpreter(name):
    """Each one first (no other alviz import before it), so no circular import hides."""
    got = _probe(
        f"import json, alviz\nx = alviz.{name}\n"
        f"print(json.dumps([getattr(x, '__name__', None), {name!r} in dir(alviz)]))"
    )
    assert got[0] is not None and got[1] is True


def test_in_a_kernel_the_widgets_open_their_figure_before_scikit_learn_imports():
    """A spare figure opens first; the first board takes it (see widgets._base.open_spare)."""
    got = _probe(
        """
import json, sys
from IPython.core.interactiveshell import InteractiveShell
InteractiveShell.instance().kernel = object()  # what ipykernel's shell has: a kernel

seen = {}


class Watch:  # notes, when scikit-learn first imports, whether the spare was open
    def find_spec(self, name, path=None, target=None):
        if name == "sklearn" and "spare" not in seen:
            base = sys.modules.get("alviz.widgets._base")
            seen["spare"] = bool(base and base._SPARE)
        return None


sys.meta_path.insert(0, Watch())
import alviz as al
ds = al.datasets.load("moons", n_samples=80, seed=0)
from alviz.widgets import _base
spare = _base._SPARE[0]
c = al.widgets.ExplorerController(ds, initial=6, seed=0, panels=("boundary",))
d = al.widgets.ExplorerController(ds, initial=6, seed=0, panels=("boundary",))
print(json.dumps([seen.get("spare"), c.figure is spare, d.figure is not spare,
                  c.figure.layout.width, len(c.figure.data) > 0, len(_base._SPARE)]))
"""
    )
    assert got == [True, True, True, 980, True, 0]
