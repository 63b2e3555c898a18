"""The one template every registered dataset runs through.

Datasets that need a file (mnist) get a tiny one built here; a new dataset
that cannot load without parameters must be added to ``NEEDS``.
"""

import inspect
import json

import numpy as np
import pytest

import alviz as al
from alviz.datasets import UNLABELED


def tiny_mnist(tmp_path):
    rng = np.random.default_rng(0)
    labels = np.repeat(np.arange(4, dtype=np.uint8), 10)
    images = rng.integers(0, 256, (len(labels), 6, 5), dtype=np.uint8)
    al.datasets.write_idx(tmp_path / "t10k-images-idx3-ubyte.gz", images)
    al.datasets.write_idx(tmp_path / "t10k-labels-idx1-ubyte.gz", labels)
    return {"path": tmp_path}


#: Datasets that cannot load without parameters, and how the template builds them.
NEEDS = {"mnist": tiny_mnist}

NAMES = al.datasets.names()


@pytest.fixture(params=NAMES)
def name(request):
    return request.param


@pytest.fixture
def params(name, tmp_path):
    return NEEDS[name](tmp_path) if name in NEEDS else {}


@pytest.fixture
def ds(name, params):
    return al.datasets.load(name, **params)


def _arrays(d):
    return [d.X, d.y, d.X_test, d.y_test, d.X2d, d.X2d_test, d.groups, d.groups_test]


def _same(a, b):
    return all(
        (x is None and y is None) or np.array_equal(x, y, equal_nan=True)
        for x, y in zip(_arrays(a), _arrays(b), strict=True)
    )


def test_every_other_dataset_loads_without_parameters(name):
    if name in NEEDS:
        with pytest.raises((ValueError, FileNotFoundError)):
            al.datasets.load(name)
    else:
        required = [
            p.name
            for p in inspect.signature(al.datasets._registry._REGISTRY[name][0]).parameters.values()
            if p.default is inspect.Parameter.empty
        ]
        assert required == [], f"{name} needs {required}: add it to NEEDS"


def test_shapes_and_dtypes(ds):
    n, d = ds.X.shape
    assert n > 0 and d > 0
    assert ds.X.dtype in (np.float32, np.float64) and np.isfinite(ds.X).all()
    assert ds.X_test.dtype == ds.X.dtype and ds.X_test.shape[1] == d
    assert ds.y.shape == (n,) and ds.y_test.shape == (ds.X_test.shape[0],)
    assert ds.X2d.shape == (n, 2) and ds.X2d.dtype == np.float64 and np.isfinite(ds.X2d).all()
    assert ds.X2d_test.shape == (ds.X_test.shape[0], 2)
    assert len(ds.feature_names) == d
    assert ds.task in ("classification", "regression")
    for extra, rows in [(ds.groups, n), (ds.groups_test, len(ds.y_test)), (ds.raw, n)]:
        assert extra is None or len(extra) == rows
    assert ds.raw_test is None or len(ds.raw_test) == len(ds.y_test)
    assert ds.n_samples == n and ds.n_features == d


def test_classes_consistent_with_labels(ds):
    if ds.task == "regression":
        assert ds.y.dtype == np.float64 and ds.n_classes == 0
        assert np.isfinite(ds.y_test).all()
        return
    assert ds.y.dtype == np.int64 and ds.y_test.dtype == np.int64
    assert ds.n_classes >= 2
    labelled = ds.y[ds.is_labeled]
    assert ((labelled >= 0) & (labelled < ds.n_classes)).all()
    assert ((ds.y_test >= 0) & (ds.y_test < ds.n_classes)).all()
    # Every class of a registered dataset occurs in the pool and in the test split.
    assert set(labelled) == set(range(ds.n_classes)) == set(ds.y_test)
    assert UNLABELED not in ds.y_test


def test_deterministic_under_a_seed(name, params, ds):
    assert _same(ds, al.datasets.load(name, **params))


def test_another_seed_gives_another_dataset(name, params, ds):
    fn = al.datasets._registry._REGISTRY[name][0]
    if "seed" not in inspect.signature(fn).parameters:
        pytest.skip("no seed knob")
    assert not _same(ds, al.datasets.load(name, **params, seed=1))


def test_test_split_is_disjoint_from_the_pool(ds):
    tr, te = ds.source_index, ds.source_index_test
    assert tr.shape == (ds.n_samples,) and te.shape == (len(ds.y_test),)
    assert len(np.unique(tr)) == len(tr) and len(np.unique(te)) == len(te)
    assert np.intersect1d(tr, te).size == 0
    if not ds.meta["split"].get("explicit_test"):
        assert np.array_equal(np.sort(np.concatenate([tr, te])), np.arange(len(tr) + len(te)))


def test_card_present(name, ds):
    c = al.datasets.card(name)
    for text in (c.title, c.shows, c.source, c.license):
        assert isinstance(text, str) and text.strip()
    assert ds.card.title == c.title and str(ds.n_samples) in ds.card.size
    assert c.title in str(ds.card)


def test_registry_stamp_rebuilds_the_dataset_and_meta_is_json(name, params, ds):
    stamp = ds.meta["registry"]
    assert stamp["name"] == name
    assert set(stamp["params"]) == set(params)
    json.dumps(ds.meta)  # a Session saves it
    again = al.datasets.load(stamp["name"], **stamp["params"])
    assert _same(ds, again)


def test_embed_reproduces_the_display(ds):
    np.testing.assert_allclose(ds.embed(ds.X), ds.X2d, atol=1e-6)
    np.testing.assert_allclose(ds.embed(ds.X_test), ds.X2d_test, atol=1e-6)
    inverse = getattr(ds.embedding, "inverse_transform", None)
    if ds.n_features == 2:
        assert ds.embedding is None
    else:
        # Maps are drawn by sending display points back to feature space.
        back = inverse(ds.X2d[:5])
        assert back.shape == (5, ds.n_features)
        np.testing.assert_allclose(ds.embed(back), ds.X2d[:5], atol=1e-6)
