"""The one validation module: scalars, arrays, probabilities, draws, targets, param specs.

One test per class of problem the bad-input campaign (issue 12) found, plus
hypothesis properties where they fit.
"""

import numbers

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.exceptions import DataConversionWarning

import alviz as al
import alviz.uncertainty as U
from alviz import _validation as V


# ------------------------------------------------------------------ one module
def test_there_is_one_check_module():
    """The per-layer check modules are gone; every layer imports alviz._validation."""
    import importlib

    for gone in ("alviz.models._checks", "alviz.datasets._checks", "alviz.calibration._checks"):
        with pytest.raises(ModuleNotFoundError):
            importlib.import_module(gone)


@pytest.mark.parametrize("shape", [(12, 0), (0, 3)])
def test_models_and_datasets_agree_on_empty_features(shape):
    """0 columns (or 0 rows) is refused by models and datasets alike, with one message."""
    X, y = np.zeros(shape), np.arange(shape[0]) % 2
    with pytest.raises(ValueError, match="is empty") as from_model:
        al.models.make("logreg").fit(X, y)
    with pytest.raises(ValueError, match="is empty") as from_data:
        al.datasets.from_arrays(X, y)
    assert str(from_model.value) == str(from_data.value)


# ------------------------------------------------------------------ scalars
def test_a_bool_is_not_an_int():
    with pytest.raises(TypeError, match="not a bool"):
        V.check_int(True, "initial", 0)
    with pytest.raises(TypeError, match="not a bool"):
        V.check_scalar(False, "C", numbers.Real)
    assert V.check_int(np.int64(3), "n", 0) == 3


def test_session_initial_true_is_refused_not_one(moons):
    with pytest.raises(TypeError, match=r"initial.*not a bool"):
        al.Session(moons, initial=True)
    s = al.Session(moons, initial=3)
    with pytest.raises(TypeError, match="index must be an int, not a bool"):
        s.label(True, 0)


@pytest.mark.parametrize(
    ("kwargs", "ok"),
    [
        ({"min_val": 0, "include_boundaries": "neither"}, [0.5, 1e9]),
        ({"min_val": 0, "max_val": 1, "include_boundaries": "left"}, [0.0, 0.999]),
        ({"max_val": 1, "include_boundaries": "right"}, [-5, 1.0]),
    ],
)
def test_check_scalar_bounds(kwargs, ok):
    for v in ok:
        assert V.check_scalar(v, "x", numbers.Real, **kwargs) == v
    lo, hi = kwargs.get("min_val"), kwargs.get("max_val")
    closed = kwargs["include_boundaries"]
    edges = []
    if lo is not None and closed in ("neither", "right"):
        edges.append(lo)
    if hi is not None and closed in ("neither", "left"):
        edges.append(hi)
    for v in [*edges, float("nan")]:
        with pytest.raises(ValueError, match=r"x must be in .*; got .*Pass a value"):
            V.check_scalar(v, "x", numbers.Real, **kwargs)


@settings(max_examples=100, deadline=None)
@given(st.integers(-50, 50), st.integers(-50, 50), st.integers(-60, 60))
def test_check_int_accepts_exactly_the_closed_interval(lo, hi, v):
    inside = lo <= v <= hi
    if inside:
        assert V.check_int(v, "v", lo, hi) == v
    else:
        with pytest.raises(ValueError, match=rf"v must be in \[{lo}, {hi}\]"):
            V.check_int(v, "v", lo, hi)


# ------------------------------------------------------------------ arrays
def test_check_array_messages_say_what_and_how():
    with pytest.raises(ValueError, match=r"Reshape your data.*X\.reshape\(-1, 1\)"):
        V.check_array([1.0, 2.0])
    with pytest.raises(ValueError, match="Complex data not supported"):
        V.check_array(np.ones((2, 2)) * 1j)
    with pytest.raises(TypeError, match=r"must hold numbers.*from_dataframe"):
        V.check_array([["a", "b"]])
    a = V.check_array(np.array([[1, 2.5]], dtype=object), dtype=np.float64)
    assert a.dtype == np.float64
    bad = np.ones((4, 2))
    bad[1, 1] = np.inf
    with pytest.raises(ValueError, match=r"1 inf values in 1 column\(s\).*'w' \(0 NaN, 1 inf\)"):
        V.check_array(bad, feature_names=["v", "w"])


def test_sparse_input_names_the_fix():
    from scipy import sparse

    with pytest.raises(TypeError, match=r"sparse input is not supported.*toarray"):
        V.check_array(sparse.csr_matrix(np.eye(3)))


# ------------------------------------------------------------------ targets
def test_column_vector_y_is_raveled_with_sklearns_warning():
    with pytest.warns(DataConversionWarning, match="column-vector y"):
        y = V.check_classification_targets(np.array([[0], [1], [1]]), 3)
    np.testing.assert_array_equal(y, [0, 1, 1])


def test_continuous_targets_point_to_regression():
    with pytest.raises(ValueError, match=r"continuous values.*task='regression'"):
        V.check_classification_targets([0.1, 0.7, 2.3])
    np.testing.assert_array_equal(V.check_classification_targets([1.0, 0.0]), [1, 0])
    with pytest.raises(ValueError, match="requires y to be passed"):
        V.check_classification_targets(None)


# ------------------------------------------------------------------ probabilities
def test_zero_draws_are_refused_everywhere():
    empty = np.zeros((0, 4, 3))
    for measure in (U.decompose, U.mutual_information, U.variation_ratio, U.mean_std):
        with pytest.raises(ValueError, match="0 draws"):
            measure(empty)
    m = al.models.make("logreg").fit(np.eye(2), [0, 1])
    for bad in (0, -1):
        with pytest.raises(ValueError, match="n_draws must be in"):
            m.sample_proba(np.eye(2), n_draws=bad)
    with pytest.raises(TypeError, match="n_draws must be an int"):
        m.sample_proba(np.eye(2), n_draws=True)


@st.composite
def near_valid_probs(draw, ndim=2):
    """Probability rows off by up to the tolerances: sums 1 ± 0.9e-3, entries ± 0.9e-6."""
    shape = (*(draw(st.integers(1, 5)) for _ in range(ndim - 1)), draw(st.integers(2, 6)))
    raw = draw(arrays(np.float64, shape, elements=st.floats(0, 1, allow_subnormal=False)))
    raw[raw.sum(axis=-1) == 0] = 1.0
    p = raw / raw.sum(axis=-1, keepdims=True)
    scale = draw(arrays(np.float64, shape[:-1], elements=st.floats(-0.9e-3, 0.9e-3)))
    nudge = draw(arrays(np.float64, shape, elements=st.floats(-0.9e-6, 0.9e-6)))
    p = p * (1 + scale[..., None]) + nudge
    return np.clip(p, -0.9e-6, 1 + 0.9e-6)


# The documented range of every measure, as a function of (n_draws, n_classes).
# Upper bounds get 1e-12 for the rounding of the bound itself; lower bounds are exact.
PROB_RANGES = {
    "least_confidence": lambda k: (0.0, 1 - 1 / k),
    "margin": lambda k: (0.0, 1.0),
    "ratio_of_confidence": lambda k: (0.0, 1.0),
    "entropy": lambda k: (0.0, np.log(k)),
}
DRAW_RANGES = {
    "expected_entropy": lambda t, k: (0.0, np.log(k)),
    "mutual_information": lambda t, k: (0.0, np.log(k)),
    "variation_ratio": lambda t, k: (0.0, 1 - 1 / min(t, k)),
    "vote_entropy": lambda t, k: (0.0, np.log(min(t, k))),
    "mean_std": lambda t, k: (0.0, 0.5),
    "kl_disagreement": lambda t, k: (0.0, np.log(k)),
}


@settings(max_examples=200, deadline=None)
@given(near_valid_probs())
def test_near_valid_probs_keep_every_measure_in_range(p):
    k = p.shape[1]
    for name, bounds in PROB_RANGES.items():
        lo, hi = bounds(k)
        v = getattr(U, name)(p)
        assert (v >= lo).all() and (v <= hi + 1e-12).all(), (name, v)


@settings(max_examples=200, deadline=None)
@given(near_valid_probs(ndim=3))
def test_near_valid_draws_keep_every_measure_in_range(p):
    t, k = p.shape[0], p.shape[2]
    for name, bounds in DRAW_RANGES.items():
        lo, hi = bounds(t, k)
        v = getattr(U, name)(p)
        assert (v >= lo).all() and (v <= hi + 1e-12).all(), (name, v)
    d = U.decompose(p)
    assert (d.aleatoric <= d.total).all() and (d.total <= np.log(k) + 1e-12).all()


@settings(max_examples=100, deadline=None)
@given(near_valid_probs())
def test_check_probs_returns_rows_on_the_simplex(p):
    q = V.check_probs(p)
    assert (q >= 0).all() and (q <= 1).all()
    np.testing.assert_allclose(q.sum(axis=1), 1.0, atol=1e-12)


def test_rows_beyond_the_tolerance_are_still_refused():
    with pytest.raises(ValueError, match="must sum to 1"):
        V.check_probs([[0.5, 0.52]])
    with pytest.raises(ValueError, match=r"in \[0, 1\].*softmax"):
        V.check_probs([[1.2, -0.2]])


# ------------------------------------------------------------------ hyperparameters
class _Toy:
    def __init__(self, **p):
        self.p = p

    def get_params(self, deep=False):
        return self.p


def test_check_params_names_the_estimator_the_value_and_the_choices():
    specs = {"a": V.Interval(numbers.Real, 0, closed="neither"), "b": [V.Options("x"), bool]}
    V.check_params(_Toy(a=1.0, b="x"), specs)
    V.check_params(_Toy(a=1.0, b=np.bool_(True)), specs)
    with pytest.raises(V.InvalidParameterError, match=r"_Toy\(a=0\): a must be in \(0, inf\)"):
        V.check_params(_Toy(a=0, b="x"), specs)
    with pytest.raises(TypeError, match=r"_Toy\(b='y'\): b must be 'x' or bool; got 'y'"):
        V.check_params(_Toy(a=1, b="y"), specs)


# ------------------------------------------------------------------ the user's own data
def test_nan_or_none_in_a_plain_list_of_labels_means_unlabelled(rng):
    X = rng.normal(size=(8, 2))
    ds = al.datasets.from_arrays(X, ["a", "b", "a", "b", float("nan"), "a", "b", None], test_size=0)
    assert ds.classes.tolist() == ["a", "b"]
    np.testing.assert_array_equal(ds.y, [0, 1, 0, 1, -1, 0, 1, -1])


def test_continuous_labels_point_to_task_regression(rng):
    X, y = rng.normal(size=(20, 2)), rng.normal(size=20)
    with pytest.raises(ValueError, match=r"continuous values are not classes.*task='regression'"):
        al.datasets.from_arrays(X, y)
    assert al.datasets.from_arrays(X, y, task="regression").task == "regression"
    # Integral floats are class indices as before.
    assert al.datasets.from_arrays(X, (y > 0).astype(float)).classes.tolist() == [0, 1]


def test_non_utf8_csv_names_the_file_and_the_encoding_option(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes("a,b,label\n1,2,café\n3,4,thé\n5,6,café\n7,8,thé\n".encode("latin-1"))
    with pytest.raises(ValueError, match=r"latin\.csv.*not in the 'utf-8'.*'encoding': 'latin-1'"):
        al.datasets.from_csv(path, target="label")
    ds = al.datasets.from_csv(path, target="label", read_csv={"encoding": "latin-1"}, test_size=0)
    assert ds.classes.tolist() == ["café", "thé"]


def test_one_typo_in_a_numeric_column_is_reported_not_one_hot_encoded(tmp_path):
    rows = ["age,height,label"] + [f"{20 + i},{1.5 + i / 100},{'ab'[i % 2]}" for i in range(30)]
    rows[18] = "fourty,1.7,a"  # data row 17
    path = tmp_path / "typo.csv"
    path.write_text("\n".join(rows) + "\n")
    with pytest.raises(TypeError, match=r"'age' looks numeric \(29 of 30.*row 17: 'fourty'"):
        al.datasets.from_csv(path, target="label")
    # On purpose, the column can still be categories.
    ds = al.datasets.from_csv(path, target="label", categorical=["age"])
    assert ds.meta["columns"]["categorical"] == ["age"]


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: al.calibration.energy_score([[0.0, 1.0]], temperature=True), "temperature"),
        (lambda: al.calibration.accuracy_at_coverage([[0.4, 0.6]], [1], coverage=True), "coverage"),
    ],
)
def test_bools_are_not_numbers_in_calibration(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_a_misspelt_model_or_strategy_parameter_lists_the_valid_ones(moons):
    with pytest.raises(TypeError, match=r"no parameter\(s\) 'Cc'.*Did you mean 'C'\?"):
        al.Session(moons, model="logreg", model_params={"Cc": 1.0})
    with pytest.raises(TypeError, match=r"no parameter\(s\) 'alfa'.*alpha, method"):
        al.Session(moons, strategy="conformal_set_size", strategy_params={"alfa": 0.2})
    with pytest.raises(ValueError, match=r"LaplaceLogisticRegression\(C=-1\)"):
        al.Session(moons, model="logreg", model_params={"C": -1})
