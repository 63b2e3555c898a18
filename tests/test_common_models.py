"""One template every registered model runs through (classification and regression)."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import make_blobs
from sklearn.exceptions import NotFittedError

import alviz as al
from alviz.models import full_draws, full_proba

# Tiny settings so that the whole template stays fast on one core.
FAST = {
    "mlp_mc_dropout": dict(hidden=(16,), max_epochs=10),
    # A weak prior: 10 epochs cannot outweigh the default one (10 logits).
    "deep_ensemble": dict(n_members=3, hidden=(16,), max_epochs=10, prior_scale=1.0),
    "hetero_mlp": dict(hidden=(16,), max_epochs=30, n_noise_samples=5),
    "evidential_mlp": dict(hidden=(16,), max_epochs=10, annealing_epochs=3),
    "cnn_mc_dropout": dict(channels=(4, 8), hidden=16, max_epochs=15, lr=1e-2),
    "mlp_loss_prediction": dict(hidden=(16,), max_epochs=10),
    "rf": dict(n_estimators=10),
    "svm": dict(n_members=3),
    "knn": dict(n_members=3),
    "mlp_mc_dropout_regressor": dict(hidden=(16,), max_epochs=20),
    "deep_ensemble_regressor": dict(n_members=3, hidden=(16,), max_epochs=20),
}
#: Models that read rows as images: they get 16 features (4x4 images).
IMAGES = {"cnn_mc_dropout"}
TORCH = {
    "mlp_mc_dropout",
    "deep_ensemble",
    "hetero_mlp",
    "evidential_mlp",
    "cnn_mc_dropout",
    "mlp_loss_prediction",
}
CLASSIFIERS = al.models.names("classification")
REGRESSORS = al.models.names("regression")


def make(name, **params):
    return al.models.make(name, **{"seed": 0, **FAST.get(name, {}), **params})


def blobs(name, n=36, n_classes=3):
    X, y = make_blobs(n, centers=n_classes, n_features=16 if name in IMAGES else 2, random_state=0)
    return X, y


@pytest.fixture(params=CLASSIFIERS)
def clf(request):
    return request.param


@pytest.fixture(params=REGRESSORS)
def reg(request):
    return request.param


def test_registry_splits_tasks_and_lists_everything():
    assert sorted(CLASSIFIERS + REGRESSORS) == al.models.names()
    assert {al.models.task_of(n) for n in CLASSIFIERS} == {"classification"}
    assert {al.models.task_of(n) for n in REGRESSORS} == {"regression"}
    with pytest.raises(ValueError, match="task must be"):
        al.models.names("clustering")
    with pytest.raises(ValueError, match=r"unknown model 'nope'; available: .*logreg"):
        al.models.make("nope")


# ---------------------------------------------------------------- classifiers
def test_clone_and_params(clf):
    m = make(clf)
    assert m.task == "classification"
    c = clone(m)
    assert c.get_params() == m.get_params()
    assert c.get_params()["seed"] == 0
    c.set_params(seed=3)
    assert c.seed == 3 and m.seed == 0


def test_fit_predict_and_sample_shapes(clf):
    X, y = blobs(clf)
    m = make(clf).fit(X, y)
    np.testing.assert_array_equal(m.classes_, [0, 1, 2])
    assert m.n_features_in_ == X.shape[1]
    p = m.predict_proba(X)
    assert p.shape == (len(X), 3)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, atol=1e-6)
    assert (p >= 0).all()
    d = m.sample_proba(X, n_draws=5)
    assert d.shape == (5, len(X), 3)  # draws first
    np.testing.assert_allclose(d.sum(axis=2), 1.0, atol=1e-6)
    assert (m.predict(X) == y).mean() > 0.6  # blobs are well separated
    assert m.predict_proba(X[:0]).shape == (0, 3)
    # A fitted clone is a fresh, unfitted model.
    with pytest.raises(NotFittedError):
        clone(m).predict_proba(X)


def test_same_seed_same_model_and_draws(clf):
    X, y = blobs(clf)
    a, b = make(clf).fit(X, y), make(clf).fit(X, y)
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))
    np.testing.assert_array_equal(a.sample_proba(X, 4, seed=1), b.sample_proba(X, 4, seed=1))
    np.testing.assert_array_equal(a.sample_proba(X, 4), a.sample_proba(X, 4))
    other = make(clf, seed=1).fit(X, y)
    assert not np.array_equal(a.sample_proba(X, 4), other.sample_proba(X, 4))


def test_predict_before_fit_is_a_clear_error(clf):
    X, _ = blobs(clf)
    m = make(clf)
    with pytest.raises(NotFittedError, match="not fitted"):
        m.predict_proba(X)
    with pytest.raises(NotFittedError, match="not fitted"):
        m.sample_proba(X)


def test_wrong_feature_count_is_a_clear_error(clf):
    X, y = blobs(clf)
    m = make(clf).fit(X, y)
    wrong = np.hstack([X, X[:, :1]])
    with pytest.raises(ValueError, match=f"X has {X.shape[1] + 1} features, but .* {X.shape[1]}"):
        m.predict_proba(wrong)
    with pytest.raises(ValueError, match="features"):
        m.sample_proba(wrong)


def test_bad_labels_and_features_are_clear_errors(clf):
    X, y = blobs(clf)
    m = make(clf)
    with pytest.raises(TypeError, match="integer class indices"):
        m.fit(X, np.array(["a", "b", "c"])[y])
    with pytest.raises(ValueError, match="integer class indices"):
        m.fit(X, y + 0.5)
    with pytest.raises(ValueError, match="one label per row"):
        m.fit(X, y[:-1])
    with pytest.raises(ValueError, match="unlabelled rows"):
        m.fit(X, np.r_[y[:-1], -1])
    bad = X.copy()
    bad[3, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        m.fit(bad, y)
    with pytest.raises(ValueError, match="reshape"):
        m.fit(X[:, 0], y)
    m.fit(X, y)
    with pytest.raises(ValueError, match="n_draws"):
        m.sample_proba(X, n_draws=0)


def test_single_class_fallback(clf):
    X, _ = blobs(clf)
    m = make(clf).fit(X, np.full(len(X), 2))
    np.testing.assert_array_equal(m.classes_, [2])
    np.testing.assert_array_equal(m.predict_proba(X), np.ones((len(X), 1)))
    np.testing.assert_array_equal(m.sample_proba(X, 3), np.ones((3, len(X), 1)))
    np.testing.assert_array_equal(m.predict(X), 2)
    np.testing.assert_array_equal(full_proba(m, X, 3), np.tile([0.0, 0.0, 1.0], (len(X), 1)))


def test_unseen_classes_expand_to_all_columns(clf):
    X, y = blobs(clf)
    keep = y != 1
    m = make(clf).fit(X[keep], y[keep])  # labels 0 and 2 only
    np.testing.assert_array_equal(m.classes_, [0, 2])
    p = full_proba(m, X, 3)
    assert p.shape == (len(X), 3) and (p[:, 1] == 0).all()
    d = full_draws(m, X, 3, n_draws=2)
    assert d.shape == (2, len(X), 3) and (d[:, :, 1] == 0).all()


@pytest.mark.parametrize("name", sorted(TORCH))
def test_torch_models_embed_and_warm_start(name):
    X, y = blobs(name)
    m = make(name, warm_start=True).fit(X[:24], y[:24])
    e = m.embed(X)
    assert e.ndim == 2 and e.shape[0] == len(X) and e.shape[1] > 0 and np.isfinite(e).all()
    seen = m.epochs_seen_
    m.fit(X, y)  # same features and classes: continues from the previous weights
    assert m.epochs_seen_ == seen + m.n_epochs_
    cold = make(name, warm_start=False).fit(X[:24], y[:24])
    cold.fit(X, y)
    assert cold.epochs_seen_ == cold.n_epochs_


# ---------------------------------------------------------------- regressors
def wave(n=40, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-3, 3, (n, 1))
    return X, np.sin(X[:, 0]) + 0.1 * rng.standard_normal(n)


def test_regressor_clone_and_params(reg):
    m = make(reg)
    assert m.task == "regression"
    assert clone(m).get_params() == m.get_params()


def test_regressor_outputs(reg):
    X, y = wave()
    m = make(reg).fit(X, y)
    assert m.predict(X).shape == (len(X),)
    mean, var_a, var_e = m.predict_uncertainty(X, n_draws=6)
    for a in (mean, var_a, var_e):
        assert a.shape == (len(X),) and np.isfinite(a).all()
    assert (var_a >= 0).all() and (var_e >= 0).all()
    means, variances = m.sample_predictions(X, n_draws=6)
    assert means.shape == variances.shape == (6, len(X))
    assert (variances >= 0).all()
    assert np.abs(m.predict(X) - y).mean() < 0.6  # learned something of the sine


def test_regressor_seed_determinism(reg):
    X, y = wave()
    a, b = make(reg).fit(X, y), make(reg).fit(X, y)
    np.testing.assert_array_equal(a.predict(X), b.predict(X))
    for u, v in zip(a.sample_predictions(X, 4), b.sample_predictions(X, 4), strict=True):
        np.testing.assert_array_equal(u, v)


def test_regressor_errors(reg):
    X, y = wave()
    m = make(reg)
    with pytest.raises(NotFittedError):
        m.predict(X)
    with pytest.raises(TypeError, match="numbers"):
        m.fit(X, np.array(["a"] * len(X)))
    with pytest.raises(ValueError, match="one target per row"):
        m.fit(X, y[:-1])
    m.fit(X, y)
    with pytest.raises(ValueError, match="X has 2 features"):
        m.predict(np.hstack([X, X]))
