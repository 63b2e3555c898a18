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
