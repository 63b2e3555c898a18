"""What a session file or a settings code may ask for: data by name, never actions.

A file or a shared settings string comes from outside the process, so it
may only *name* things from explicit allow-lists (registered datasets,
models and strategies; a short list of scikit-learn classifiers) with
plain, bounded parameters. Every check runs before anything is built or
allocated, and nothing here imports a module or calls a callable that the
input names: a name is looked up in a table this module wrote.

Knobs that read, write or download (``path``, ``download``) are not on any
list: a dataset that needs them is passed in by the caller
(``Session.load(path, dataset=...)``).
"""

from __future__ import annotations

import math
import re
from importlib import import_module

__all__ = [
    "ESTIMATORS",
    "MAX_SAMPLES",
    "check_choice",
    "check_dataset_ref",
    "check_int",
    "check_model_spec",
    "check_noise",
    "check_plain",
    "check_real",
    "estimator_name",
    "make_estimator",
]

#: Largest pool (or test split) a file or a code may ask a generator for.
MAX_SAMPLES = 50_000
#: Largest seed (numpy's SeedSequence takes any int; files keep them to 64 bits).
MAX_SEED = 2**63 - 1
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
_MAX_STR, _MAX_LIST, _MAX_DEPTH = 200, 256, 3


def check_int(value, where: str, low: int, high: int) -> int:
    """``value`` as an int in ``[low, high]`` (bools and floats refused)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{where} must be an integer; got {value!r} ({type(value).__name__}).")
    if not low <= value <= high:
        raise ValueError(f"{where} must be an integer in [{low}, {high}]; got {value}.")
    return value


def check_real(value, where: str, low: float, high: float) -> float:
    """``value`` as a finite float in ``[low, high]``."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{where} must be a number; got {value!r} ({type(value).__name__}).")
    if not (math.isfinite(value) and low <= value <= high):
        raise ValueError(f"{where} must be a finite number in [{low}, {high}]; got {value!r}.")
    return float(value)


def check_choice(value, where: str, choices) -> str:
    """``value`` is one of the strings ``choices``."""
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{where} must be one of {sorted(choices)}; got {str(value)[:60]!r}.")
    return value


def check_plain(value, where: str, depth: int = 0):
    """``value`` if it is a plain JSON scalar or a short list of them (nested at most 3 deep).

    Strings are at most 200 characters and lists at most 256 items: a file
    carries settings, not payloads.
    """
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{where} must be finite; got {value!r}.")
        return value
    if isinstance(value, str):
        if len(value) > _MAX_STR:
            raise ValueError(f"{where} is a string of {len(value)} characters; at most {_MAX_STR}.")
        return value
    if isinstance(value, list | tuple) and depth < _MAX_DEPTH:
        if len(value) > _MAX_LIST:
            raise ValueError(f"{where} is a list of {len(value)} items; at most {_MAX_LIST}.")
        return [check_plain(v, f"{where}[{i}]", depth + 1) for i, v in enumerate(value)]
    raise TypeError(
        f"{where} must be a plain value (None, bool, number, string or a short list of them); "
        f"got {type(value).__name__}. Objects cannot come from a file: pass them in code."
    )


def check_params(params, where: str) -> dict:
    """A dict of identifier keys to plain values (see :func:`check_plain`)."""
    if params is None:
        return {}
    if not isinstance(params, dict):
        raise TypeError(f"{where} must be a dict; got {type(params).__name__}.")
    if len(params) > 64:
        raise ValueError(f"{where} has {len(params)} entries; at most 64.")
    out = {}
    for k, v in params.items():
        if not isinstance(k, str) or not _IDENT.match(k):
            raise ValueError(f"{where} has a key {str(k)[:40]!r} that is not an identifier.")
        out[k] = check_plain(v, f"{where}[{k!r}]")
    return out


def check_noise(value, where: str):
    """A flip rate in [0, 1], one per class, or a transition matrix (at most 100 x 100)."""
    if isinstance(value, list):
        rows = value if value and isinstance(value[0], list) else [value]
        if len(rows) > 100 or any(not isinstance(r, list) or len(r) > 100 for r in rows):
            raise ValueError(
                f"{where} must be a rate, a list of rates or a matrix up to 100 x 100."
            )
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                check_real(v, f"{where} entry ({i}, {j})", 0.0, 1.0)
        return value
    return check_real(value, where, 0.0, 1.0)


# ---------------------------------------------------------------------- datasets
def _count(low=0):
    return lambda v, w: check_int(v, w, low, MAX_SAMPLES)


def _real(low, high):
    return lambda v, w: check_real(v, w, low, high)


def _test_size(v, where):
    if isinstance(v, int) and not isinstance(v, bool) and v >= 1:
        return check_int(v, where, 1, MAX_SAMPLES)
    return check_real(v, where, 0.0, 0.99)


def _real_or_pair(v, where):
    if isinstance(v, list | tuple):
        if len(v) != 2:
            raise ValueError(f"{where} must be a number or a pair of numbers; got {len(v)} items.")
        return [check_real(x, f"{where}[{i}]", -1e3, 1e3) for i, x in enumerate(v)]
    return check_real(v, where, -1e3, 1e3)


#: Every dataset knob a file or a code may set, with its type and bounds. A
#: registered dataset accepts the knobs of its loader that appear here.
DATASET_KNOBS = {
    "n_samples": _count(1),
    "n_test": _count(1),
    "test_size": _test_size,
    "seed": lambda v, w: check_int(v, w, 0, 2**32 - 1),
    "noise": _real(0.0, 10.0),
    "n_classes": lambda v, w: check_int(v, w, 2, 20),
    "n_arms": lambda v, w: check_int(v, w, 1, 20),
    "n_empty": _count(),
    "n_in_gap": _count(),
    "n_outliers": _count(),
    "factor": _real(0.0, 1.0),
    "minority": _real(0.0, 1.0),
    "overlap_share": _real(0.0, 1.0),
    "overlap": _real(0.0, 100.0),
    "gap": _real_or_pair,
    "bump": _real(-1e3, 1e3),
    "distance": _real(-1e3, 1e3),
    "height": _real(-1e3, 1e3),
    "turns": _real(0.0, 100.0),
    "embedding": lambda v, w: check_choice(v, w, ("pca", "tsne")),
    # The worlds missed_cluster and repeated_noise (issue 11).
    "share": _real(0.0, 1.0),
    "spread": _real(0.0, 100.0),
    "n_copies": lambda v, w: check_int(v, w, 1, 100),
    "copy_noise": _real(0.0, 10.0),
}
#: Loader knobs that read, write or download: never from a file or a code.
IO_KNOBS = ("path", "download")


def dataset_knobs(name: str) -> list[str]:
    """The knobs of the registered dataset ``name`` that a file or code may set."""
    import inspect

    from .datasets._registry import _lookup

    fn, _ = _lookup(name)
    return [k for k in inspect.signature(fn).parameters if k in DATASET_KNOBS]


def check_dataset_ref(ref, where: str = "dataset") -> dict:
    """``{"name": ..., "params": {...}}`` of a registered dataset, every knob checked.

    Raises
    ------
    ValueError, TypeError
        Unknown dataset, a knob that is not on the allow-list (``path``,
        ``download``: those read or write), or a value out of bounds.
    """
    from . import datasets

    if isinstance(ref, str):
        ref = {"name": ref, "params": {}}
    if not isinstance(ref, dict) or set(ref) - {"name", "params"}:
        raise ValueError(
            f"{where} must be {{'name': ..., 'params': {{...}}}}; got {str(ref)[:80]}."
        )
    name = ref.get("name")
    if not isinstance(name, str) or name not in datasets.names():
        raise ValueError(
            f"{where} names {str(name)[:40]!r}, which is not a registered dataset; "
            f"available: {', '.join(datasets.names())}."
        )
    params = ref.get("params") or {}
    if not isinstance(params, dict):
        raise TypeError(f"{where}['params'] must be a dict; got {type(params).__name__}.")
    allowed = dataset_knobs(name)
    out = {}
    for k, v in params.items():
        if k not in allowed:
            raise ValueError(
                f"{where}: dataset {name!r} cannot take {str(k)[:40]!r} from a file or a settings "
                f"code (only {allowed}); a dataset that reads files or downloads is passed in "
                f"code, e.g. Session.load(path, dataset=al.datasets.load({name!r}, ...))."
            )
        out[k] = DATASET_KNOBS[k](v, f"{where}['params'][{k!r}]")
    return {"name": name, "params": out}


# ---------------------------------------------------------------------- models
#: scikit-learn classifiers a file may rebuild, by public name -> (module, class).
#: Nothing else is ever imported for a file: other estimators need ``model=``.
ESTIMATORS = {
    f"sklearn.{module}.{cls}": (f"sklearn.{module}", cls)
    for module, cls in [
        ("linear_model", "LogisticRegression"),
        ("ensemble", "RandomForestClassifier"),
        ("ensemble", "ExtraTreesClassifier"),
        ("ensemble", "GradientBoostingClassifier"),
        ("ensemble", "HistGradientBoostingClassifier"),
        ("tree", "DecisionTreeClassifier"),
        ("neighbors", "KNeighborsClassifier"),
        ("svm", "SVC"),
        ("naive_bayes", "GaussianNB"),
        ("naive_bayes", "BernoulliNB"),
        ("naive_bayes", "MultinomialNB"),
        ("neural_network", "MLPClassifier"),
        ("discriminant_analysis", "LinearDiscriminantAnalysis"),
        ("discriminant_analysis", "QuadraticDiscriminantAnalysis"),
        ("gaussian_process", "GaussianProcessClassifier"),
    ]
}


def estimator_name(est) -> str | None:
    """The allow-list name of ``est``'s class, or None when a file cannot rebuild it."""
    cls = type(est)
    for public, (module, name) in ESTIMATORS.items():
        if cls.__name__ == name and cls.__module__.startswith(module):
            return public
    return None


def _allowed_class(qualname) -> str | None:
    """Map a saved class name (public or scikit-learn's private module path) to the list."""
    if not isinstance(qualname, str):
        return None
    if qualname in ESTIMATORS:
        return qualname
    parts = qualname.split(".")
    # "sklearn.linear_model._logistic.LogisticRegression" (written by alviz 0.x)
    if len(parts) == 4 and parts[0] == "sklearn" and parts[2].startswith("_"):
        public = f"sklearn.{parts[1]}.{parts[3]}"
        return public if public in ESTIMATORS else None
    return None


def check_model_spec(spec, where: str = "model") -> dict:
    """A saved model: ``{"name", "params"}`` (registered) or ``{"class", "params"}``.

    Checks only: nothing is imported or built. A class off the allow-list,
    or parameters that are not plain values, raise ``ValueError`` saying to
    pass the model in code (``model=``).
    """
    from . import models

    if not isinstance(spec, dict):
        raise TypeError(f"{where} must be a dict; got {type(spec).__name__}.")
    if "name" in spec:
        name = spec["name"]
        if not isinstance(name, str) or name not in models.names():
            raise ValueError(
                f"{where} names {str(name)[:40]!r}, which is not a registered model; available: "
                f"{', '.join(models.names())}. Pass your own with model=."
            )
        return {"name": name, "params": check_params(spec.get("params"), f"{where}['params']")}
    public = _allowed_class(spec.get("class"))
    hint = "pass it in code: Session.load(path, model=<your estimator>)"
    if public is None:
        raise ValueError(
            f"{where} is {str(spec.get('class'))[:80]!r}, which cannot be rebuilt from a file "
            f"(only {len(ESTIMATORS)} scikit-learn classifiers can, e.g. "
            f"sklearn.linear_model.LogisticRegression); {hint}."
        )
    if spec.get("params") is None:
        raise ValueError(f"{where}: the parameters of {public} were not saved; {hint}.")
    try:
        params = check_params(spec["params"], f"{where}['params']")
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"{exc} The model {public} cannot be rebuilt from a file; {hint}."
        ) from exc
    return {"class": public, "params": params}


def make_estimator(spec: dict):
    """Build the allow-listed estimator of a checked spec (see :func:`check_model_spec`)."""
    import inspect

    module, name = ESTIMATORS[spec["class"]]
    cls = getattr(import_module(module), name)
    known = set(inspect.signature(cls.__init__).parameters) - {"self"}
    unknown = set(spec["params"]) - known
    if unknown:
        raise ValueError(
            f"model {spec['class']} has no parameter(s) {sorted(unknown)}; it takes "
            f"{sorted(known)}."
        )
    return cls(**spec["params"])
