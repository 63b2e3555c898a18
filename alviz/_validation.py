"""Input checks shared by every layer (the one validation module of alviz).

Modelled on scikit-learn's ``utils/validation.py``: :func:`check_array`,
:func:`check_scalar`, :func:`check_random_state`, :func:`check_consistent_length`,
plus what alviz needs on top: probabilities (:func:`check_probs`), sampled
predictions (:func:`check_draws`, :func:`check_n_draws`), class indices
(:func:`check_labels`), targets of a model's ``fit``
(:func:`check_classification_targets`, :func:`check_regression_targets`) and
hyperparameter specs checked when a model is built (:func:`check_params`).

Messages name the argument, say what was expected, what was received and
how to fix it. Where scikit-learn's estimator checks look for a phrase
("Reshape your data", "0 feature(s)", "Complex data not supported",
"sparse", "continuous"), the message contains it too.

This module sits at the bottom of the layers: it imports nothing from alviz.
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np

__all__ = [
    "ROW_SUM_ATOL",
    "SEED",
    "Interval",
    "InvalidParameterError",
    "Options",
    "Sizes",
    "check_array",
    "check_choice",
    "check_class_indices",
    "check_classification_targets",
    "check_consistent_length",
    "check_draws",
    "check_finite",
    "check_fitted_features",
    "check_int",
    "check_labels",
    "check_n_draws",
    "check_params",
    "check_probs",
    "check_probs_labels",
    "check_random_state",
    "check_real",
    "check_regression_targets",
    "check_scalar",
    "n_rows",
]

#: Rows of a probability array must sum to 1 within this tolerance.
ROW_SUM_ATOL = 1e-3
#: Entries may lie this far outside [0, 1] (rounding); they are clipped.
VALUE_ATOL = 1e-6


def _describe(x) -> str:
    a = np.asarray(x)
    return f"an array of shape {a.shape} and dtype {a.dtype}"


def n_rows(obj) -> int:
    """Number of rows of an array, a DataFrame, or a list."""
    return int(obj.shape[0]) if hasattr(obj, "shape") else len(obj)


# --------------------------------------------------------------------- scalars
_KIND = {numbers.Integral: "an int", numbers.Real: "a number", bool: "a bool", str: "a string"}


def _type_words(target_type) -> str:
    types = target_type if isinstance(target_type, tuple) else (target_type,)
    return " or ".join(_KIND.get(t, getattr(t, "__name__", str(t))) for t in types)


def check_scalar(
    x,
    name: str,
    target_type,
    *,
    min_val=None,
    max_val=None,
    include_boundaries: str = "both",
):
    """Check the type and range of a scalar parameter (as scikit-learn's ``check_scalar``).

    ``bool`` is not an int here (``True`` is refused where an int is expected),
    and NaN is never in range.

    Parameters
    ----------
    x : object
    name : str
        The parameter's name, for the message.
    target_type : type or tuple of types
        E.g. ``numbers.Integral`` or ``numbers.Real``.
    min_val, max_val : number or None
        Bounds; None for no bound.
    include_boundaries : {"both", "left", "right", "neither"}
        Which bounds are allowed values.

    Returns
    -------
    x : the value, unchanged

    Raises
    ------
    TypeError
        If ``x`` is not of ``target_type``.
    ValueError
        If ``x`` is out of range.
    """
    types = target_type if isinstance(target_type, tuple) else (target_type,)
    if isinstance(x, bool | np.bool_) and bool not in types:
        raise TypeError(
            f"{name} must be {_type_words(target_type)}, not a bool; got {x!r}. "
            f"Pass a number (True is not 1 here)."
        )
    if not isinstance(x, types):
        raise TypeError(
            f"{name} must be {_type_words(target_type)}; got {x!r} ({type(x).__name__})."
        )
    if include_boundaries not in ("both", "left", "right", "neither"):
        raise ValueError(
            f"include_boundaries must be 'both', 'left', 'right' or 'neither'; "
            f"got {include_boundaries!r}."
        )
    if min_val is None and max_val is None and not (isinstance(x, float) and np.isnan(x)):
        return x
    left = include_boundaries in ("both", "left")
    right = include_boundaries in ("both", "right")
    bad = isinstance(x, numbers.Real) and bool(np.isnan(x))
    if min_val is not None:
        bad |= x < min_val if left else x <= min_val
    if max_val is not None:
        bad |= x > max_val if right else x >= max_val
    if bad:
        lo = "-inf" if min_val is None else min_val
        hi = "inf" if max_val is None else max_val
        interval = f"{'[' if left and min_val is not None else '('}{lo}, {hi}"
        interval += "]" if right and max_val is not None else ")"
        raise ValueError(f"{name} must be in {interval}; got {x!r}. Pass a value in that range.")
    return x


def check_int(value, name: str, low: int | None = None, high: int | None = None) -> int:
    """``value`` as an int after checking it is an integer (not a bool) in ``[low, high]``."""
    return int(check_scalar(value, name, numbers.Integral, min_val=low, max_val=high))


def check_real(
    value,
    name: str,
    low: float | None = None,
    high: float | None = None,
    *,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """``value`` as a float after checking it is a finite number (not a bool) in range."""
    check_scalar(value, name, numbers.Real)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be a finite number; got {value!r}.")
    bounds = {(False, False): "both", (True, False): "right", (False, True): "left"}
    return float(
        check_scalar(
            value,
            name,
            numbers.Real,
            min_val=low,
            max_val=high,
            include_boundaries=bounds.get((low_open, high_open), "neither"),
        )
    )


def check_choice(value, name: str, choices):
    """Check that ``value`` is one of ``choices``; the message lists them."""
    try:
        ok = value in choices
    except (TypeError, ValueError):  # an unhashable value, or an array compared elementwise
        ok = False
    if not ok:
        raise ValueError(f"{name} must be one of {list(choices)}; got {value!r}.")
    return value


def check_random_state(seed) -> np.random.Generator:
    """Turn ``None``, an int or a Generator into a :class:`numpy.random.Generator`."""
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None or (isinstance(seed, numbers.Integral) and not isinstance(seed, bool)):
        return np.random.default_rng(seed)
    raise TypeError(
        f"seed must be None, an int or a numpy.random.Generator; got {seed!r} "
        f"({type(seed).__name__})."
    )


# --------------------------------------------------------------------- hyperparameters
class Interval:
    """A spec of :func:`check_params`: a number of ``kind`` within bounds.

    Parameters
    ----------
    kind : numbers.Integral or numbers.Real
    low, high : number or None
    closed : {"both", "left", "right", "neither"}
    """

    def __init__(self, kind, low=None, high=None, closed: str = "both"):
        self.kind, self.low, self.high, self.closed = kind, low, high, closed

    def __call__(self, value, name: str) -> None:
        check_scalar(
            value,
            name,
            self.kind,
            min_val=self.low,
            max_val=self.high,
            include_boundaries=self.closed,
        )

    def __repr__(self) -> str:
        word = "an int" if self.kind is numbers.Integral else "a number"
        left = "[" if self.closed in ("both", "left") and self.low is not None else "("
        right = "]" if self.closed in ("both", "right") and self.high is not None else ")"
        lo = "-inf" if self.low is None else self.low
        hi = "inf" if self.high is None else self.high
        return f"{word} in {left}{lo}, {hi}{right}"


class Options:
    """A spec of :func:`check_params`: one of fixed values (strings, None, True...)."""

    def __init__(self, *values):
        self.values = values

    def __call__(self, value, name: str) -> None:
        # `is` for None/True/False so that 1 does not pass for True.
        for v in self.values:
            if v is value or (isinstance(v, str) and isinstance(value, str) and v == value):
                return
        raise ValueError(f"{name} must be {self!r}; got {value!r}.")

    def __repr__(self) -> str:
        if len(self.values) == 1:
            return repr(self.values[0])
        return "one of " + ", ".join(repr(v) for v in self.values)


class Sizes:
    """A spec of :func:`check_params`: a tuple of positive ints (layer widths).

    Parameters
    ----------
    min_len : int
        Fewest entries allowed (0 for "no hidden layer").
    scalar : bool
        Accept a single positive int too.
    """

    def __init__(self, min_len: int = 0, scalar: bool = False):
        self.min_len, self.scalar = min_len, scalar

    def __call__(self, value, name: str) -> None:
        if self.scalar and isinstance(value, numbers.Integral) and not isinstance(value, bool):
            value = (value,)
        if not isinstance(value, tuple | list):
            raise TypeError(f"{name} must be {self!r}; got {value!r} ({type(value).__name__}).")
        for i, v in enumerate(value):
            check_scalar(v, f"{name}[{i}]", numbers.Integral, min_val=1)
        if len(value) < self.min_len:
            raise ValueError(f"{name} must be {self!r}; got {value!r}.")

    def __repr__(self) -> str:
        what = "a tuple of positive ints"
        if self.min_len:
            what += f" with at least {self.min_len} entr{'y' if self.min_len == 1 else 'ies'}"
        return f"a positive int or {what}" if self.scalar else what


class InvalidParameterError(ValueError, TypeError):
    """A hyperparameter refused by :func:`check_params`.

    Both a ValueError and a TypeError (as scikit-learn's), so either ``except`` catches it.
    """


#: The spec of every ``seed`` parameter: None, an int >= 0 or a numpy Generator.
SEED = [Options(None), Interval(numbers.Integral, 0), np.random.Generator]


def _spec_words(spec) -> str:
    if isinstance(spec, type):
        return spec.__name__
    if isinstance(spec, Interval | Options | Sizes):
        return repr(spec)
    # A function spec: the first line of its docstring says what it accepts.
    return (spec.__doc__ or spec.__name__).strip().splitlines()[0].rstrip(".")


def check_params(estimator, specs: dict) -> None:
    """Check an estimator's parameters against ``specs`` (name -> spec or list of specs).

    A value passes if any of its specs accepts it. A spec is an
    :class:`Interval`, :class:`Options`, :class:`Sizes`, a type (``isinstance``)
    or a function ``f(value, name)`` that raises ``ValueError``/``TypeError``
    with its own message. Parameters without a spec are not checked.

    Raises
    ------
    InvalidParameterError
        A ValueError and TypeError naming the estimator, the parameter, what
        it accepts and what it got.
    """
    params = estimator.get_params(deep=False)
    owner = type(estimator).__name__
    for name, spec in specs.items():
        if name not in params:
            continue
        options = spec if isinstance(spec, list) else [spec]
        value = params[name]
        errors = []
        for s in options:
            try:
                if s is bool:
                    if not isinstance(value, bool | np.bool_):
                        raise TypeError(f"{name} must be a bool (True or False); got {value!r}")
                elif isinstance(s, type):
                    if not isinstance(value, s) or isinstance(value, bool):
                        raise TypeError(f"{name} must be a {s.__name__}; got {value!r}")
                else:
                    s(value, name)
                break
            except (TypeError, ValueError) as exc:
                errors.append(exc)
        else:
            if len(options) == 1:
                detail = str(errors[0]).rstrip(".")
            else:
                expected = " or ".join(_spec_words(s) for s in options)
                detail = f"{name} must be {expected}; got {value!r}"
            if not detail.endswith("in that range"):
                detail += ". Pass a valid value"
            raise InvalidParameterError(f"{owner}({name}={value!r}): {detail}.") from errors[-1]


# --------------------------------------------------------------------- arrays
def check_finite(
    x: np.ndarray, name: str, feature_names=None, fix: str | None = None, by_column=None
):
    """Raise if ``x`` holds NaN or inf, saying how many and where.

    For features (2-D, ``by_column`` or ``feature_names`` given) the message
    names the columns (``feature_names`` or ``x0, x1, ...``) with their counts
    and the number of rows affected; otherwise the counts and the first index.

    Parameters
    ----------
    x : ndarray
    name : str
        The argument's name.
    feature_names : sequence of str, optional
    fix : str, optional
        The sentence saying how to fix it (default: impute or clean the data).
    by_column : bool, optional
        Report by column; default: when ``feature_names`` is given.
    """
    if x.dtype.kind not in "fc":
        return x
    finite = np.isfinite(x)
    if finite.all():
        return x
    if fix is None:
        fix = (
            "Values must be finite: impute or clean the data first (e.g. "
            "sklearn.impute.SimpleImputer for features)."
        )
    if by_column is None:
        by_column = feature_names is not None
    if x.ndim != 2 or not by_column:
        bad = ~finite
        n_nan = int(np.isnan(x).sum())
        n_inf = int(bad.sum()) - n_nan
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(
            f"{name} contains {n_nan} NaN and {n_inf} inf values (first at index {first}). {fix}"
        )
    nan = np.isnan(x).sum(axis=0)
    inf = (~finite).sum(axis=0) - nan
    names = (
        [str(f) for f in feature_names]
        if feature_names is not None
        else [f"x{i}" for i in range(x.shape[1])]
    )
    bad_cols = np.flatnonzero(nan + inf)
    cols = ", ".join(f"{names[j]!r} ({nan[j]} NaN, {inf[j]} inf)" for j in bad_cols)
    raise ValueError(
        f"{name} contains {int(nan.sum())} NaN and {int(inf.sum())} inf values in "
        f"{len(bad_cols)} column(s), {int((~finite).any(axis=1).sum())} row(s) affected: "
        f"{cols}. Nothing was dropped. {fix}"
    )


def nonfinite_report(counts: dict, n_bad_rows: int, name: str, fix: str) -> str:
    """The sentence saying which columns hold NaN/inf (``{col: (n_nan, n_inf)}``)."""
    cols = ", ".join(
        f"{col!r} ({nan} NaN, {inf} inf)" if inf else f"{col!r} ({nan} missing)"
        for col, (nan, inf) in counts.items()
    )
    return (
        f"{name} has missing or infinite values in {len(counts)} column(s), {n_bad_rows} row(s) "
        f"affected: {cols}. Nothing was dropped. {fix}"
    )


_ENCODE_HINT = (
    "Encode text or category columns first: alviz.datasets.from_dataframe does it, or "
    "sklearn.preprocessing.OneHotEncoder."
)


def _as_numeric(x, name: str, hint: str) -> np.ndarray:
    """``x`` as an array of bools or real numbers (object arrays of numbers become float64)."""
    try:
        a = np.asarray(x)
    except Exception as exc:  # ragged lists and the like
        raise TypeError(f"{name} must be array-like of numbers; got {type(x).__name__}.") from exc
    if a.dtype.kind == "c":
        raise ValueError(
            f"Complex data not supported: {name} has dtype {a.dtype}. Pass the real part "
            f"({name}.real), the magnitude (np.abs({name})), or both as separate columns."
        )
    if a.dtype.kind == "O":
        try:
            a = a.astype(np.float64)
        except (TypeError, ValueError) as exc:
            raise TypeError(
                f"{name} must hold numbers; got {_describe(a)} with non-numeric entries "
                f"({exc}). {hint}"
            ) from exc
    if a.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold numbers; got {_describe(a)}. {hint}")
    return a


def _as_float(x, name: str) -> np.ndarray:
    """``x`` as a float32/float64 array (other numbers become float64); no shape checks."""
    a = _as_numeric(x, name, "Convert it with np.asarray(..., float).")
    if a.dtype not in (np.float32, np.float64):
        a = a.astype(np.float64)
    return a


def check_array(
    X,
    name: str = "X",
    *,
    dtype="numeric",
    ensure_2d: bool = True,
    allow_nd: bool = False,
    ensure_min_samples: int = 1,
    ensure_min_features: int = 1,
    ensure_all_finite: bool = True,
    feature_names=None,
    shape: str = "(n_samples, n_features)",
):
    """Validate an array of features (as scikit-learn's ``check_array``).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Numbers. Object arrays of numbers are converted; text, complex
        numbers and sparse matrices are refused.
    name : str
        The argument's name, for messages.
    dtype : "numeric", dtype or None
        "numeric": keep bool/int/float, convert objects to float64;
        a dtype: convert to it (models use float64).
    ensure_2d : bool
        Refuse anything but 2-D (with the "Reshape your data" hint for 1-D).
    allow_nd : bool
        Accept more than 2 dimensions (images).
    ensure_min_samples, ensure_min_features : int
        Fewest rows and columns allowed (0 to allow none).
    ensure_all_finite : bool
        Refuse NaN and inf, naming the columns.
    feature_names : sequence of str, optional
        Column names for the NaN message.
    shape : str
        The expected shape, as the messages write it.

    Returns
    -------
    ndarray of shape (n_samples, n_features)
    """
    if hasattr(X, "sparse") or type(X).__module__.startswith("scipy.sparse"):
        raise TypeError(
            f"{name} is a sparse matrix ({type(X).__name__}); alviz needs dense data and sparse "
            f"input is not supported: pass {name}.toarray() (fine up to a few thousand columns) "
            f"or reduce it first (e.g. sklearn.decomposition.TruncatedSVD)."
        )
    a = _as_numeric(X, name, _ENCODE_HINT)
    if ensure_2d and a.ndim < 2:
        raise ValueError(
            f"{name} must be a 2-D array of shape {shape}; got "
            f"{'a scalar' if a.ndim == 0 else f'a 1-D array of shape {a.shape}'}. Reshape your "
            f"data either using {name}.reshape(-1, 1) if it has a single feature or "
            f"{name}.reshape(1, -1) if it is a single sample."
        )
    if ensure_2d and a.ndim > 2 and not allow_nd:
        hint = " For images use alviz.datasets.from_images." if a.ndim in (3, 4) else ""
        raise ValueError(f"{name} must be 2-D of shape {shape}; got shape {a.shape}.{hint}")
    if dtype not in ("numeric", None) and a.dtype != dtype:
        a = a.astype(dtype)
    if a.ndim >= 1 and a.shape[0] < ensure_min_samples:
        raise ValueError(
            f"{name} is empty: found {a.shape[0]} sample(s) (shape={a.shape}) while a minimum "
            f"of {ensure_min_samples} is required. Pass at least {ensure_min_samples} row(s)."
        )
    if a.ndim == 2 and a.shape[1] < ensure_min_features:
        raise ValueError(
            f"{name} is empty: it has {a.shape[1]} feature(s) (shape={a.shape}) while a minimum "
            f"of {ensure_min_features} is required. Select at least one feature column."
        )
    if ensure_all_finite:
        check_finite(a, name, feature_names, by_column=True)
    return a


def check_consistent_length(name_a: str, a, name_b: str, b) -> None:
    """``a`` and ``b`` (e.g. X and y) must have one entry per row; None is skipped."""
    if a is not None and b is not None and n_rows(a) != n_rows(b):
        raise ValueError(
            f"{name_a} has {n_rows(a)} rows but {name_b} has {n_rows(b)} entries; pass one "
            f"{name_b} entry per row of {name_a}."
        )


def check_fitted_features(estimator, X, name: str = "X") -> np.ndarray:
    """``X`` as float64 after checking ``estimator`` is fitted and ``X`` has its features.

    Raises
    ------
    sklearn.exceptions.NotFittedError
        If ``estimator`` has no ``n_features_in_`` yet.
    ValueError
        If ``X`` has another number of columns than in ``fit``.
    """
    from sklearn.utils.validation import check_is_fitted

    check_is_fitted(estimator, "n_features_in_")
    a = check_array(X, name, dtype=np.float64, ensure_min_samples=0)
    if a.shape[1] != estimator.n_features_in_:
        owner = type(estimator).__name__
        raise ValueError(
            f"{name} has {a.shape[1]} features, but {owner} is expecting "
            f"{estimator.n_features_in_} features as input (as in fit); pass rows with the "
            f"same columns as in fit."
        )
    return a


# --------------------------------------------------------------------- targets
def _column_y(y, name: str) -> np.ndarray:
    """``y`` as 1-D; a column vector (n, 1) is raveled with scikit-learn's warning."""
    if y is None:
        raise ValueError(
            f"this estimator requires y to be passed, but the target y is None: pass {name}, "
            f"one target per row of X."
        )
    a = np.asarray(y)
    if a.ndim == 2 and a.shape[1] == 1:
        from sklearn.exceptions import DataConversionWarning

        warnings.warn(
            f"A column-vector y was passed when a 1d array was expected: {name} has shape "
            f"{a.shape}; it is used as {name}.ravel(). Pass a 1-D array to silence this.",
            DataConversionWarning,
            stacklevel=3,
        )
        a = a.ravel()
    return a


def _check_length(a: np.ndarray, n_samples: int | None, name: str, what: str = "label") -> None:
    if a.ndim != 1:
        raise ValueError(
            f"y should be a 1d array of shape (n_samples,); {name} is {_describe(a)}. "
            f"Pass one {what} per row."
        )
    if n_samples is not None and a.shape[0] != n_samples:
        raise ValueError(
            f"{name} has {a.shape[0]} entries but there are {n_samples} samples; "
            f"pass one {what} per row of X."
        )


def check_classification_targets(y, n_samples: int | None = None, name: str = "y") -> np.ndarray:
    """Discrete class labels of a classifier's ``fit``, shape (n_samples,).

    Any labels scikit-learn takes (ints, strings, bools, integral floats)
    are accepted; ``classes_`` will hold them. Continuous floats, NaN and
    complex values are refused: they are not classes.

    Returns
    -------
    ndarray of shape (n_samples,)
        Integral floats become int64; other dtypes are kept.
    """
    a = _column_y(y, name)
    _check_length(a, n_samples, name)
    if a.dtype.kind == "c":
        raise ValueError(
            f"Complex data not supported: {name} has dtype {a.dtype}; pass class labels."
        )
    if a.dtype.kind == "O":
        kinds = {type(v) for v in a.tolist()}
        if all(issubclass(k, numbers.Number) and not issubclass(k, str) for k in kinds):
            try:
                a = a.astype(np.float64)
            except (TypeError, ValueError):
                pass
        elif not all(issubclass(k, str) for k in kinds):
            raise ValueError(
                f"Unknown label type: {name} mixes {sorted(k.__name__ for k in kinds)}; pass "
                f"labels of one kind (all ints or all strings, e.g. y.astype(str))."
            )
    if a.dtype.kind == "f":
        finite = np.isfinite(a)
        if not finite.all():
            raise ValueError(
                f"{name} holds {int((~finite).sum())} NaN or inf labels; fit needs a label on "
                f"every row. Fit on the labelled rows only (alviz marks unlabelled rows with -1)."
            )
        if not np.all(a == np.round(a)):
            example = a[a != np.round(a)][:3].tolist()
            raise ValueError(
                f"Unknown label type: {name} holds continuous values such as {example}, not "
                f"class labels. For a numeric target use a regressor "
                f"(alviz.models.names('regression')) or load the data with task='regression'; "
                f"for classes, round or bin the values first."
            )
        a = a.astype(np.int64)
    return a


def check_regression_targets(y, n_samples: int | None = None, name: str = "y") -> np.ndarray:
    """Finite float64 targets of a regressor's ``fit``, shape (n_samples,)."""
    a = _column_y(y, name)
    if a.dtype.kind == "c":
        raise ValueError(f"Complex data not supported: {name} has dtype {a.dtype}.")
    try:
        a = a.astype(np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"{name} must hold numbers for regression; got {_describe(a)}. For class labels "
            f"use a classifier."
        ) from exc
    _check_length(a, n_samples, name, "target")
    return check_finite(a, name, fix="Fit on the rows that have a target.")


def check_labels(y, n_samples: int | None = None, name: str = "y") -> np.ndarray:
    """Integer class indices of shape (n_samples,) (integral floats are accepted)."""
    a = np.asarray(y)
    _check_length(a, n_samples, name)
    if a.dtype.kind == "f":
        if not np.all(np.isfinite(a)) or not np.all(a == np.round(a)):
            raise ValueError(
                f"{name} must hold integer class indices; got non-integer floats (continuous "
                f"values are not classes: use task='regression' for a numeric target). "
                f"Encode string or float labels with sklearn.preprocessing.LabelEncoder."
            )
        a = a.astype(np.int64)
    elif a.dtype.kind not in "iu":
        raise TypeError(
            f"{name} must hold integer class indices 0..n_classes-1; got {_describe(a)}. "
            f"Encode them with sklearn.preprocessing.LabelEncoder, or load the data with "
            f"alviz.datasets.from_arrays, which does it for you."
        )
    return a.astype(np.int64, copy=False)


def check_class_indices(y, scores: np.ndarray, what: str = "probs", name: str = "y") -> np.ndarray:
    """Labels ``y`` of shape (n_samples,), one per row of ``scores``, indexing its columns."""
    y = check_labels(y, n_samples=scores.shape[0], name=name)
    n_classes = scores.shape[1]
    if len(y) and (y.min() < 0 or y.max() >= n_classes):
        raise ValueError(
            f"{name} must hold class indices in [0, {n_classes - 1}] to match {what} of shape "
            f"{scores.shape}; got values in [{y.min()}, {y.max()}]. Encode labels as "
            f"0..n_classes-1 in the order of the columns."
        )
    return y


def check_probs_labels(probs, y, name: str = "probs"):
    """Validated ``(probs, y)`` with ``y`` holding column indices of ``probs``."""
    p = check_probs(probs, name)
    return p, check_class_indices(y, p, name)


# --------------------------------------------------------------------- probabilities
def _check_rows(a: np.ndarray, name: str) -> np.ndarray:
    """Check rows are probabilities within tolerance; return them clipped and renormalised.

    Rounding may leave entries a hair below 0 or above 1 and rows summing to
    1 ± 1e-3 (float32 softmax, a user's rounded table). Such rows are
    clipped to [0, 1] and divided by their sum, so that every measure stays
    in its documented range; anything further off is an error. A copy is
    made only when a row needs it.
    """
    if a.size == 0:
        return a
    lo, hi = float(a.min()), float(a.max())
    if lo < -VALUE_ATOL or hi > 1 + VALUE_ATOL:
        raise ValueError(
            f"{name} must hold probabilities in [0, 1]; got values in [{lo:.4g}, {hi:.4g}]. If "
            f"these are logits, apply a softmax first (scipy.special.softmax(logits, axis=-1))."
        )
    if lo < 0 or hi > 1:
        a = np.clip(a, 0.0, 1.0)
    sums = a.sum(axis=-1)
    dev = np.abs(sums - 1)
    worst = float(dev.max())
    if worst > ROW_SUM_ATOL:
        raise ValueError(
            f"each row of {name} must sum to 1 (within {ROW_SUM_ATOL}); the worst row sums to "
            f"{float(sums.ravel()[dev.argmax()]):.6g}. Normalise the rows, or pass "
            f"probabilities rather than scores."
        )
    if worst > renormalise_atol(a.dtype, a.shape[-1]):
        a = a / sums[..., None]
    return a


def renormalise_atol(dtype, n_classes: int) -> float:
    """Row sums closer to 1 than this are left alone; farther ones are renormalised.

    A few ulps per class is what an exact softmax leaves: no copy for those.
    """
    return 4 * float(np.finfo(dtype).eps) * max(1, n_classes)


def check_probs(probs, name: str = "probs") -> np.ndarray:
    """Validate class probabilities.

    Parameters
    ----------
    probs : array-like of shape (n_samples, n_classes)
        Rows must be finite, in [0, 1] (within 1e-6) and sum to 1 (within 1e-3).
    name : str
        The argument's name, used in error messages.

    Returns
    -------
    probs : ndarray of shape (n_samples, n_classes)
        float32 or float64 (other dtypes are converted to float64); rows off
        by rounding are clipped to [0, 1] and renormalised.
    """
    a = _as_float(probs, name)
    if a.ndim != 2:
        hint = ""
        if a.ndim == 3:
            hint = (
                " This looks like sampled predictions (n_draws, n_samples, n_classes): "
                "use a draws-based measure, or average over draws with probs_draws.mean(axis=0)."
            )
        elif a.ndim == 1:
            hint = " For a single sample use probs[None, :]; for binary scores stack [1 - p, p]."
        raise ValueError(
            f"{name} must be a 2-D array of shape (n_samples, n_classes); got {_describe(a)}.{hint}"
        )
    if a.shape[1] == 0 and a.shape[0] > 0:
        raise ValueError(f"{name} has no columns (shape {a.shape}); it needs one per class.")
    check_finite(a, name, fix="Check the model's output.")
    return _check_rows(a, name)


def check_draws(probs_draws, name: str = "probs_draws") -> np.ndarray:
    """Validate sampled predictions.

    Parameters
    ----------
    probs_draws : array-like of shape (n_draws, n_samples, n_classes)
        Draws FIRST (MC-dropout passes, ensemble members, posterior draws);
        at least one draw.
    name : str
        The argument's name, used in error messages.

    Returns
    -------
    probs_draws : ndarray of shape (n_draws, n_samples, n_classes)
        Rows off by rounding are clipped and renormalised (see :func:`check_probs`).
    """
    a = _as_float(probs_draws, name)
    if a.ndim != 3:
        hint = ""
        if a.ndim == 2:
            hint = (
                " A 2-D array holds one prediction per sample, but this measure needs several "
                "sampled predictions per sample: get them with model.sample_proba(X, n_draws=20)."
            )
        raise ValueError(
            f"{name} must be a 3-D array of shape (n_draws, n_samples, n_classes) with the draws "
            f"first; got {_describe(a)}.{hint}"
        )
    if a.shape[0] == 0:
        raise ValueError(
            f"{name} has 0 draws (shape {a.shape}); measures over draws need at least one. "
            f"Sample them with model.sample_proba(X, n_draws=20)."
        )
    if a.shape[2] == 0 and a.shape[1] > 0:
        raise ValueError(f"{name} has no classes (shape {a.shape}); it needs one per class.")
    check_finite(a, name, fix="Check the model's output.")
    return _check_rows(a, name)


def check_n_draws(n_draws, name: str = "n_draws") -> int:
    """A positive number of draws (not a bool)."""
    return check_int(n_draws, name, 1)
