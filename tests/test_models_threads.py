"""Small work runs on one BLAS and one OpenMP thread (issue 11: OpenMP after torch)."""

import sys

import numpy as np
import pytest
import sklearn.ensemble  # noqa: F401  (loads scikit-learn's OpenMP runtime)
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_info

import alviz as al
from alviz.models import _base


def threads_by_api(skip_torch=True):
    out = {}
    for lib in threadpool_info():
        if skip_torch and "torch" in lib["filepath"]:
            continue
        out.setdefault(lib["user_api"], set()).add(lib["num_threads"])
    return out


class Recorder(ClassifierMixin, BaseEstimator):
    """Logistic regression that records the thread limits it ran under."""

    def fit(self, X, y):
        self.seen_ = threads_by_api()
        self.lr_ = LogisticRegression().fit(X, y)
        self.classes_ = self.lr_.classes_
        return self

    def predict_proba(self, X):
        return self.lr_.predict_proba(X)


def test_small_work_limits_blas_and_openmp_and_restores():
    before = threads_by_api()
    assert "openmp" in before
    with _base.small_blas(100):
        inside = threads_by_api()
    assert inside["openmp"] == {1} and inside["blas"] == {1}
    assert threads_by_api() == before
    with _base.small_blas(_base.SMALL_BLAS_ROWS + 1):
        assert threads_by_api() == before  # big work keeps every thread


def test_a_users_sklearn_model_fits_on_one_openmp_thread():
    X = np.random.default_rng(0).normal(size=(60, 2))
    y = (X[:, 0] > 0).astype(int)
    m = al.models.as_model(Recorder()).fit(X, y)
    assert m.estimator_.seen_["openmp"] == {1}


def test_torch_openmp_is_left_to_the_torch_models():
    torch = pytest.importorskip("torch")
    before = torch.get_num_threads()
    with _base.small_blas(10):
        assert torch.get_num_threads() == before  # torch models choose their own threads
    paths = [lib.filepath for lib in _base._few_threads_controller().lib_controllers]
    assert not any("torch" in str(p) for p in paths)


def test_the_library_scan_is_cached_until_modules_are_imported():
    first = _base._few_threads_controller()
    assert _base._few_threads_controller() is first
    sys.modules["_alviz_test_fake_module"] = sys  # what an import does to sys.modules
    try:
        assert _base._few_threads_controller() is not first
    finally:
        del sys.modules["_alviz_test_fake_module"]
