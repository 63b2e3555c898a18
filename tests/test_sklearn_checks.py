"""scikit-learn's estimator checks on every registered model, and Strategy's estimator API.

``parametrize_with_checks`` runs scikit-learn's own conformance suite
(``predict`` before ``fit`` raises ``NotFittedError``, ``n_features_in_``,
clone/get_params/set_params, pickling, dtypes, NaN, sparse and empty input,
label types...). The few departures alviz intends are listed below with
why; ``xfail_strict=True`` makes a listed check that starts passing fail, so
the list cannot go stale.
"""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.utils.estimator_checks import parametrize_with_checks

import alviz as al
from alviz.models import _torch_base
from alviz.models._torch_base import TorchMixin

#: Small, fast settings of each model for the checks (the checks fit dozens of
#: times on up to a few hundred rows). Models not listed run with their defaults.
# One torch thread: with several, BLAS splits the rows between threads, so a float32
# row's rounding depends on the thread count a previous test left behind.
_TORCH = {"max_epochs": 100, "hidden": (16,), "lr": 0.03, "n_threads": 1}
FAST = {
    "rf": {"n_estimators": 10},
    "svm": {"n_members": 3},
    "knn": {"n_members": 3},
    "mlp_mc_dropout": _TORCH,
    "deep_ensemble": {**_TORCH, "n_members": 2},
    "hetero_mlp": {**_TORCH, "n_noise_samples": 5},
    "evidential_mlp": {**_TORCH, "annealing_epochs": 10},
    "mlp_loss_prediction": {**_TORCH, "loss_module_width": 8},
    # The checks use 2-10 features: a one-row "image" of any width.
    "cnn_mc_dropout": {
        "image_shape": (1, -1),
        "channels": (4,),
        "hidden": 16,
        "max_epochs": 30,
        "n_threads": 1,
    },
    "mlp_mc_dropout_regressor": _TORCH,
    "deep_ensemble_regressor": {**_TORCH, "n_members": 2},
}
#: Models whose checks take tens of seconds (GP classification refits its kernel each time).
SLOW = {"gp"}

#: Departures every alviz model makes on purpose.
ALL_MODELS = {
    "check_do_not_raise_errors_in_init_or_set_params": (
        "intended: alviz checks hyperparameters when a model is built and in set_params "
        "(alviz.models.ValidatedEstimator), so C=-1 fails where it was typed instead of "
        "rounds later inside a Session; scikit-learn checks them in fit only"
    ),
}
#: Departures of every classifier.
CLASSIFIERS = {
    "check_classifiers_classes": (
        "intended: negative integer labels are refused, because alviz marks an unlabelled "
        "row with -1 and training on it would learn a label nobody gave; the check fits on "
        "labels -1/1 (string labels, which it also tries, work: "
        "test_common_models.py::test_any_labels_scikit_learn_takes_are_classes)"
    ),
}
#: Departures of single models.
BY_MODEL: dict = {}
#: Checks that predict a row once among some rows and once among others, and compare
#: to rtol 1e-7. float32 BLAS (MKL sgemm) rounds a row by its position in the batch:
#: with MKL_ENABLE_INSTRUCTIONS=AVX2 or SSE4_2, 2-14 of 20-128 rows of a 3-layer MLP
#: differ (~1e-6 relative) when the batch is shuffled, and which ones depends on the CPU.
#: So these checks run the networks one row per inference chunk: every row then takes the
#: same BLAS path, and any remaining difference is a real dependence on the other rows
#: (noise or dropout masks drawn per row or per chunk). Batched prediction is checked to
#: float32 precision by test_batched_networks_are_row_order_invariant below.
ROW_POSITION_CHECKS = {"check_methods_sample_order_invariance", "check_methods_subset_invariance"}
#: Registry name of each model class (one class per name).
NAME_OF = {type(al.models.make(n)).__name__: n for n in al.models.names()}


def _expected_failures(estimator) -> dict:
    name = NAME_OF[type(estimator).__name__]
    out = dict(ALL_MODELS)
    if al.models.task_of(name) == "classification":
        out.update(CLASSIFIERS)
    out.update(BY_MODEL.get(name, {}))
    return out


def _fast(name):
    return al.models.make(name, **FAST.get(name, {}))


def test_one_class_per_registered_name():
    assert sorted(NAME_OF.values()) == al.models.names()


@pytest.mark.parametrize("name", sorted(SLOW))
def test_slow_models_are_registered(name):
    assert name in al.models.names()


# scikit-learn's check_set_params warns that our set_params validates (the departure above).
_SET_PARAMS_WARNING = "ignore:InvalidParameterError occurred during set_params:UserWarning"


@pytest.mark.filterwarnings(_SET_PARAMS_WARNING)
@parametrize_with_checks(
    [_fast(n) for n in al.models.names() if n not in SLOW],
    expected_failed_checks=_expected_failures,
    xfail_strict=True,
)
def test_sklearn_compatible_model(estimator, check, monkeypatch):
    if (
        isinstance(estimator, TorchMixin)
        and getattr(check, "func", check).__name__ in ROW_POSITION_CHECKS
    ):
        monkeypatch.setattr(_torch_base, "_CHUNK_FLOATS", 1)
    check(estimator)


TORCH_NAMES = [n for n in al.models.names() if isinstance(al.models.make(n), TorchMixin)]


@pytest.mark.parametrize("name", TORCH_NAMES)
def test_batched_networks_are_row_order_invariant(name):
    """Shuffling one batched call's rows changes a row's output only by float32 rounding.

    Covers the deterministic prediction and the sampled draws (one dropout mask and
    one noise sample per draw, shared by every row).
    """
    rng = np.random.default_rng(0)
    X = rng.normal(size=(97, 4))
    regression = al.models.task_of(name) == "regression"
    y = X[:, 0] + X[:, 1] if regression else (X[:, 0] > 0).astype(int) + (X[:, 1] > 0)
    model = _fast(name).fit(X, y)
    idx = rng.permutation(len(X))
    if regression:
        outputs = [model.predict, lambda Z: model.sample_predictions(Z, n_draws=4, seed=1)[0].T]
    elif name == "evidential_mlp":
        # Its draws come from each point's own Dirichlet, drawn in row order (see its
        # docstring): only the Dirichlet mean is a function of the point alone.
        outputs = [model.predict_proba]
    else:
        outputs = [
            model.predict_proba,
            lambda Z: model.sample_proba(Z, n_draws=4, seed=1)[:, :, 0].T,
        ]
    for output in outputs:
        # 1e-5: ten times the largest position effect measured (1.1e-6 relative, AVX2).
        np.testing.assert_allclose(output(X[idx]), output(X)[idx], rtol=1e-5, atol=1e-8)


@pytest.mark.slow
@pytest.mark.filterwarnings(_SET_PARAMS_WARNING)
@parametrize_with_checks(
    [_fast(n) for n in sorted(SLOW)],
    expected_failed_checks=_expected_failures,
    xfail_strict=True,
)
def test_sklearn_compatible_slow_model(estimator, check):
    check(estimator)


# ------------------------------------------------------------------ hyperparameters
BAD_PARAMS = [
    ("logreg", {"C": 0}, r"C must be in \(0, inf\)"),
    ("logreg", {"C": -1.0}, r"C must be in \(0, inf\)"),
    ("logreg", {"prior_precision": -2}, "prior_precision must be one of 'marglik', None"),
    ("svm", {"gamma": "wide"}, "gamma must be one of 'scale', 'auto'"),
    ("knn", {"n_neighbors": 0}, r"n_neighbors must be in \[1, inf\)"),
    ("rf", {"n_estimators": True}, "n_estimators must be an int, not a bool"),
    ("gp", {"length_scale": 0.0}, r"length_scale must be in \(0, inf\)"),
    ("mlp_mc_dropout", {"hidden": (0,)}, r"hidden\[0\] must be in \[1, inf\)"),
    ("mlp_mc_dropout", {"weight_decay": -1e-3}, r"weight_decay must be in \[0, inf\)"),
    ("mlp_mc_dropout", {"dropout": 1.0}, r"dropout must be in \[0, 1\)"),
    ("deep_ensemble", {"n_members": 0}, r"n_members must be in \[1, inf\)"),
    ("deep_ensemble", {"loss": "hinge"}, "unknown loss 'hinge'; available: cross_entropy"),
    ("evidential_mlp", {"kind": "l1"}, "kind must be one of 'mse', 'log', 'digamma'"),
    ("cnn_mc_dropout", {"image_shape": (8, -1, -1)}, "one of them may be -1; got"),
    ("hetero_mlp", {"n_noise_samples": 0}, r"n_noise_samples must be in \[1, inf\)"),
    ("deep_ensemble_regressor", {"loss": "mse"}, "loss must be one of 'gaussian_nll', 'beta_nll'"),
    ("mlp_loss_prediction", {"hidden": ()}, "hidden must be a tuple of positive ints with at"),
    ("mlp_mc_dropout_regressor", {"beta": 2.0}, r"beta must be in \[0, 1\]"),
    ("gp_regressor", {"noise_level": -0.1}, r"noise_level must be in \(0, inf\)"),
    ("committee", {"members": ("logreg",)}, "members must list at least 2 models"),
    ("committee", {"members": ("logreg", "nope")}, "members holds 'nope'"),
]


@pytest.mark.parametrize(("name", "params", "match"), BAD_PARAMS)
def test_invalid_hyperparameters_are_refused_at_construction(name, params, match):
    with pytest.raises(ValueError, match=match):
        al.models.make(name, **params)
    # set_params refuses the same value and leaves the model as it was.
    model = al.models.make(name)
    before = model.get_params()
    with pytest.raises(ValueError, match=match):
        model.set_params(**params)
    assert repr(model.get_params()) == repr(before)
    # A value assigned directly is caught by fit.
    for k, v in params.items():
        setattr(model, k, v)
    with pytest.raises(ValueError, match=match):
        model.fit(np.eye(4), [0, 1, 0, 1])


def test_every_registered_model_is_covered_by_a_bad_parameter():
    assert {n for n, _, _ in BAD_PARAMS} == set(al.models.names())


def test_unknown_parameters_list_the_valid_ones():
    with pytest.raises(TypeError, match=r"'logreg'.*no parameter\(s\) 'Cc'.*C, max_iter.*'C'\?"):
        al.models.make("logreg", Cc=1.0)
    with pytest.raises(TypeError, match=r"strategy 'hybrid' has no parameter\(s\) 'beta'"):
        al.acquisition.get("hybrid", beta=2)


# ------------------------------------------------------------------ strategies
@pytest.mark.parametrize("name", al.acquisition.names())
def test_every_strategy_is_a_cloneable_estimator(name):
    s = al.acquisition.get(name)
    c = clone(s)
    assert type(c) is type(s) and c is not s
    assert repr(c.get_params(deep=True)) == repr(s.get_params(deep=True))
    params = s.get_params(deep=False)
    assert c.set_params(**params) is c


WRAPPERS = [n for n in al.acquisition.names() if "base" in al.acquisition.get(n).get_params()]


@pytest.mark.parametrize("name", WRAPPERS)
def test_wrapper_strategies_expose_their_base_deeply(name):
    base = al.acquisition.get("conformal_set_size", alpha=0.2)
    w = al.acquisition.get(name, base=base)
    deep = w.get_params(deep=True)
    assert deep["base__alpha"] == 0.2 and deep["base__method"] == "lac"
    w.set_params(base__alpha=0.3)
    assert w.base.alpha == 0.3
    c = clone(w)
    assert c.base is not w.base and c.base.alpha == 0.3


def test_wrappers_exist():
    assert set(WRAPPERS) == {"cost_sensitive", "density_weighted", "hybrid"}


# ------------------------------------------------------------------ labels
CLASSIFIER_NAMES = al.models.names("classification")


@pytest.mark.parametrize("name", CLASSIFIER_NAMES)
def test_non_contiguous_integer_labels_are_three_classes(name):
    """Labels {0, 2, 5}: each keeps its own column (logreg merged 2 and 5 before)."""
    rng = np.random.default_rng(0)
    centres = np.array([[0.0, 0.0], [4.0, 0.0], [0.0, 4.0]])
    X = np.repeat(centres, 16, axis=0) + rng.normal(0, 0.4, (48, 2))
    y = np.repeat([0, 2, 5], 16)
    params = dict(FAST.get(name, {}))
    if name == "cnn_mc_dropout":
        params.update(max_epochs=100, lr=1e-2)
    model = al.models.make(name, **params).fit(X, y)
    np.testing.assert_array_equal(model.classes_, [0, 2, 5])
    assert (model.predict(X) == y).mean() >= 0.9
    np.testing.assert_allclose(model.predict_proba(X).sum(axis=1), 1.0)
