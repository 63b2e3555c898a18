"""The machinery under every dataset: labels, the split, display embeddings, big data."""

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import alviz as al
from alviz.datasets import UNLABELED
from alviz.datasets._embed import MAX_FIT, Line1D, fit_embedding
from alviz.datasets._labels import encode_labels, encode_targets
from alviz.datasets._split import split_indices

ROOT = Path(__file__).resolve().parents[1]


# ----------------------------------------------------------------- labels
def test_string_labels_with_blanks():
    codes, classes = encode_labels(np.array(["dog", None, "cat", np.nan, "dog"], dtype=object))
    assert classes.tolist() == ["cat", "dog"]
    assert codes.tolist() == [1, UNLABELED, 0, UNLABELED, 1]


def test_integer_labels_keep_their_values_and_minus_one_is_unlabeled():
    codes, classes = encode_labels(np.array([3, 7, -1, 7]))
    assert classes.tolist() == [3, 7] and codes.tolist() == [0, 1, UNLABELED, 1]
    codes, classes = encode_labels(np.array([1.0, 0.0, np.nan]))
    assert classes.tolist() == [0, 1] and codes.tolist() == [1, 0, UNLABELED]


def test_given_classes_match_names_or_indices():
    assert encode_labels(["b", "a"], classes=["b", "a"])[0].tolist() == [0, 1]
    assert encode_labels([1, 0, -1], classes=["no", "yes"])[0].tolist() == [1, 0, UNLABELED]
    codes, classes = encode_labels(None, classes=["x", "y"], n=3)
    assert codes.tolist() == [UNLABELED] * 3 and classes.tolist() == ["x", "y"]


@pytest.mark.parametrize(
    ("y", "classes", "match"),
    [
        (["a", "z"], ["a", "b"], "not among classes"),
        (np.array(["a", 1], dtype=object), None, "mixes text and numbers"),
        (None, None, "pass classes"),
        (np.zeros((3, 2)), None, "1-D"),
        (["a", "a"], ["a", "a"], "distinct"),
    ],
)
def test_bad_labels(y, classes, match):
    with pytest.raises((ValueError, TypeError), match=match):
        encode_labels(y, classes)


@given(st.lists(st.one_of(st.none(), st.sampled_from(["ant", "bee", "cat", "dog"])), max_size=40))
def test_labels_round_trip(labels):
    codes, classes = encode_labels(np.array(labels, dtype=object))
    back = [None if c == UNLABELED else classes[c] for c in codes]
    assert back == labels
    assert list(classes) == sorted({v for v in labels if v is not None})


def test_regression_targets():
    np.testing.assert_array_equal(encode_targets([1, None, 2.5]), [1.0, np.nan, 2.5])
    with pytest.raises(TypeError, match="regression"):
        encode_targets(["a", "b"])
    with pytest.raises(ValueError, match="infinite"):
        encode_targets([1.0, np.inf])


# ----------------------------------------------------------------- split
@settings(max_examples=60, deadline=None)
@given(
    counts=st.lists(st.integers(2, 30), min_size=2, max_size=5),
    n_unlabeled=st.integers(0, 20),
    test_size=st.sampled_from([0.2, 0.25, 0.5]),
    seed=st.integers(0, 2**16),
)
def test_split_properties(counts, n_unlabeled, test_size, seed):
    y = np.concatenate([np.repeat(np.arange(len(counts)), counts), np.full(n_unlabeled, -1)])
    y = np.random.default_rng(seed).permutation(y)
    try:
        tr, te = split_indices(y, task="classification", test_size=test_size, seed=seed)
    except ValueError as exc:  # only when a side cannot hold one row per class
        assert "too few to hold one row of each" in str(exc)
        return
    assert np.array_equal(np.sort(np.concatenate([tr, te])), np.arange(len(y)))
    assert np.intersect1d(tr, te).size == 0
    assert (y[te] != UNLABELED).all() and (y == UNLABELED).sum() == (y[tr] == UNLABELED).sum()
    assert len(te) == int(np.ceil(test_size * sum(counts)))
    for c, n in enumerate(counts):  # every class on both sides, shares about equal
        k = (y[te] == c).sum()
        assert 1 <= k <= n - 1
        assert abs(k - n * len(te) / sum(counts)) <= len(counts)
    again = split_indices(y, task="classification", test_size=test_size, seed=seed)
    assert all(np.array_equal(a, b) for a, b in zip((tr, te), again, strict=True))


def test_a_class_too_small_for_the_stratified_split_is_named():
    y = np.array([0] * 10 + [1] * 10 + [2])
    with pytest.raises(ValueError, match=r"class 'rare' \(1 row\).*stratify=False"):
        split_indices(
            y, task="classification", test_size=0.25, seed=0, class_names=["a", "b", "rare"]
        )
    tr, te = split_indices(y, task="classification", test_size=0.25, seed=0, stratify=False)
    assert len(te) == 6 and len(tr) == 15
    with pytest.raises(ValueError, match="too few to hold one row of each of the 3 classes"):
        split_indices(np.repeat([0, 1, 2], 2), task="classification", test_size=0.2, seed=0)


def test_regression_split_keeps_rows_without_a_target_in_the_pool():
    y = np.array([1.0, np.nan, 2.0, 3.0, np.nan, 4.0, 5.0, 6.0])
    tr, te = split_indices(y, task="regression", test_size=0.5, seed=0)
    assert np.isfinite(y[te]).all() and len(te) == 3 and {1, 4} <= set(tr)


# ----------------------------------------------------------------- embeddings
def test_one_feature_is_drawn_against_zero():
    X2d, emb = fit_embedding(np.array([[1.0], [2.0]]))
    assert isinstance(emb, Line1D)
    np.testing.assert_array_equal(X2d, [[1.0, 0.0], [2.0, 0.0]])
    np.testing.assert_array_equal(emb.inverse_transform(X2d), [[1.0], [2.0]])


def test_pca_is_fitted_on_a_seeded_subsample():
    X = np.random.default_rng(0).normal(size=(MAX_FIT + 5000, 4))
    X2d, emb = fit_embedding(X, seed=3)
    assert emb.n_samples_ == MAX_FIT and X2d.shape == (len(X), 2)
    np.testing.assert_array_equal(fit_embedding(X, seed=3)[0], X2d)


def test_tsne_on_request_has_no_inverse():
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(0, 1, (40, 5)), rng.normal(6, 1, (40, 5))])
    ds = al.datasets.from_arrays(X, np.repeat(["a", "b"], 40), embedding="tsne")
    assert not hasattr(ds.embedding, "inverse_transform")
    assert "no inverse" in ds.meta["display"]
    np.testing.assert_allclose(ds.embed(ds.X), ds.X2d)
    # The two clusters stay apart on the display, and test rows land by their cluster.
    a, b = ds.X2d[ds.y == 0].mean(axis=0), ds.X2d[ds.y == 1].mean(axis=0)
    near_a = np.linalg.norm(ds.X2d_test - a, axis=1) < np.linalg.norm(ds.X2d_test - b, axis=1)
    np.testing.assert_array_equal(near_a, ds.y_test == 0)


def test_a_transformer_object_as_embedding_is_not_fitted_in_place():
    from sklearn.decomposition import TruncatedSVD

    mine = TruncatedSVD(n_components=2, random_state=0)
    X = np.random.default_rng(0).normal(size=(50, 6))
    ds = al.datasets.from_arrays(X, np.arange(50) % 2, embedding=mine)
    assert not hasattr(mine, "components_") and ds.embedding is not mine
    with pytest.raises(ValueError, match="embedding must be"):
        al.datasets.from_arrays(X, np.arange(50) % 2, embedding="umap")


# ----------------------------------------------------------------- display subsample, big data
def test_display_indices():
    ds = al.datasets.load("moons", n_samples=400, seed=0)  # 300 in the pool
    idx, note = ds.display_indices(max_points=1000)
    assert np.array_equal(idx, np.arange(300)) and note == ""
    idx, note = ds.display_indices(max_points=50, seed=1, include=[7, 299])
    assert len(idx) == 50 and {7, 299} <= set(idx) and np.all(np.diff(idx) > 0)
    assert "50 of 300 pool points" in note and "seed=1" in note
    assert np.array_equal(idx, ds.display_indices(max_points=50, seed=1, include=[7, 299])[0])
    assert not np.array_equal(idx, ds.display_indices(max_points=50, seed=2, include=[7, 299])[0])
    assert len(ds.display_indices(max_points=10, split="test")[0]) == 10
    with pytest.raises(ValueError, match="include"):
        ds.display_indices(max_points=10, include=[300])
    with pytest.raises(ValueError, match="max_points"):
        ds.display_indices(max_points=0)


def test_a_million_rows_are_accepted_and_displayed_as_a_subsample():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(1_000_000, 3)).astype(np.float32)
    y = (X[:, 0] + X[:, 1] > 0).astype(np.int64)
    ds = al.datasets.from_arrays(X, y)
    assert ds.n_samples == 750_000 and len(ds.y_test) == 250_000
    assert ds.embedding.n_samples_ == MAX_FIT
    idx, note = ds.display_indices()
    assert len(idx) == 5000 and "5,000 of 750,000" in note


# ----------------------------------------------------------------- registry and cards
# data/datasets.md is checked (with its measured claims) by tests/test_dataset_claims.py.


def test_load_stamps_the_params_as_passed():
    ds = al.datasets.load("moons", n_samples=120, seed=4)
    assert ds.meta["registry"] == {"name": "moons", "params": {"n_samples": 120, "seed": 4}}


def test_register_twice_is_an_error():
    with pytest.raises(ValueError, match="registered twice"):
        al.datasets.register("moons", al.datasets.card("moons"))(lambda: None)


def test_stamp_is_plain_json_for_numpy_params():
    import json

    ds = al.datasets.load("moons", n_samples=np.int64(60), seed=np.int32(2))
    assert json.loads(json.dumps(ds.meta["registry"]))["params"] == {"n_samples": 60, "seed": 2}
