"""Third-party modules that cost seconds at import and are rarely used: loaded on first use.

``plotly.io`` imports ``nbformat``, which imports ``jsonschema``; with
jsonschema >= 4.24 (pulled in by jupyter-events' ``jsonschema[format-nongpl]``)
``jsonschema._format`` imports ``rfc3987_syntax``, which builds an Earley
parser for the RFC 3987 grammar at import: 2.7 s of a widget's cold start on
a quiet machine, 8 s on a busy one (``python -X importtime -c "import
alviz.widgets"``), for a check of ``iri`` strings that no widget ever makes.
:func:`defer_rfc3987_syntax` puts a stand-in module in its place whose
functions load the real module on their first call, so the check still works.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types

__all__ = ["defer_rfc3987_syntax"]

_NAME = "rfc3987_syntax"


def defer_rfc3987_syntax() -> None:
    """Stand in for ``rfc3987_syntax`` until one of its names is used.

    Does nothing when the module is already imported or not installed.
    """
    if _NAME in sys.modules:
        return
    spec = importlib.util.find_spec(_NAME)
    if spec is None:
        return
    stub = types.ModuleType(_NAME, "Stand-in: the real module loads on first use (alviz).")
    stub.__spec__ = spec  # importlib.util.find_spec(name) keeps answering as before
    real: list = []

    def load():
        if not real:
            if sys.modules.get(_NAME) is stub:
                del sys.modules[_NAME]
            real.append(importlib.import_module(_NAME))
        return real[0]

    def is_valid_syntax(*args, **kwargs):
        return load().is_valid_syntax(*args, **kwargs)

    def getattr_(name: str):
        # The import system probes dunder names (``__path__`` on ``from ... import``):
        # those must not load the module.
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(load(), name)

    # ``from rfc3987_syntax import is_valid_syntax`` (jsonschema) binds the function above;
    # any other name loads the real module.
    stub.is_valid_syntax = is_valid_syntax
    stub.__getattr__ = getattr_
    sys.modules[_NAME] = stub
