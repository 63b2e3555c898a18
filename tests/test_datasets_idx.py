"""IDX files and the MNIST loader, on small files the tests make (nothing downloads)."""

import gzip

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import alviz as al
from alviz.datasets import idx, read_idx, write_idx


@settings(max_examples=30, deadline=None)
@given(
    array=hnp.arrays(
        dtype=st.sampled_from([np.uint8, np.int8, np.int16, np.int32, np.float32, np.float64]),
        shape=hnp.array_shapes(min_dims=1, max_dims=4, max_side=5),
    ),
    compress=st.booleans(),
)
def test_write_then_read_is_the_identity(tmp_path_factory, array, compress):
    path = tmp_path_factory.mktemp("idx") / "a.idx"
    write_idx(path, array, compress=compress)
    back = read_idx(path)
    assert back.dtype == array.dtype and back.shape == array.shape
    np.testing.assert_array_equal(back, array)


def test_known_header_bytes(tmp_path):
    labels = np.array([7, 2, 1], dtype=np.uint8)
    raw = bytes([0, 0, 0x08, 1, 0, 0, 0, 3, 7, 2, 1])  # magic 2049, three labels
    (tmp_path / "raw").write_bytes(raw)
    (tmp_path / "raw.gz").write_bytes(gzip.compress(raw))
    np.testing.assert_array_equal(read_idx(tmp_path / "raw"), labels)
    np.testing.assert_array_equal(read_idx(tmp_path / "raw.gz"), labels)
    assert write_idx(tmp_path / "w", labels).read_bytes() == raw


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (b"", "is empty"),
        (b"PK\x03\x04 not idx", "not an IDX file"),
        (bytes([0, 0, 8, 3, 0, 0]), "ends inside its header"),
        (bytes([0, 0, 8, 1, 0, 0, 0, 5, 1, 2]), "truncated"),
        (
            gzip.compress(bytes([0, 0, 8, 1, 0, 0, 0, 5, 1, 2]), mtime=0)[:-6],
            "damaged gzip|truncated",
        ),
    ],
    ids=["empty", "zip", "short-header", "truncated", "damaged-gzip"],
)
def test_bad_idx_files(tmp_path, content, match):
    path = tmp_path / "bad"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=match):
        read_idx(path)


def test_missing_file_and_unsupported_dtype(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_idx(tmp_path / "nope")
    with pytest.raises(TypeError, match="IDX stores"):
        write_idx(tmp_path / "x", np.zeros(3, dtype=np.int64))


def _pair(folder, prefix, n_per_class, n_classes=3, shape=(4, 4), seed=0):
    rng = np.random.default_rng(seed)
    labels = np.repeat(np.arange(n_classes, dtype=np.uint8), n_per_class)
    images = rng.integers(0, 256, (len(labels), *shape), dtype=np.uint8)
    write_idx(folder / f"{prefix}-images-idx3-ubyte.gz", images)
    write_idx(folder / f"{prefix}-labels-idx1-ubyte", labels)  # one raw, one gzipped
    return images, labels


def test_mnist_from_one_pair_is_split(tmp_path):
    images, labels = _pair(tmp_path, "t10k", 8)
    ds = al.datasets.load("mnist", path=tmp_path, seed=0)
    assert ds.n_samples == 18 and len(ds.y_test) == 6
    assert ds.classes.tolist() == ["0", "1", "2"] and ds.X.dtype == np.float32
    np.testing.assert_array_equal(ds.raw, images[ds.source_index])
    np.testing.assert_allclose(ds.X, images[ds.source_index].reshape(18, -1) / 255, atol=1e-6)
    np.testing.assert_array_equal(ds.y_test, labels[ds.source_index_test])


def test_mnist_train_and_t10k_with_subsamples(tmp_path):
    train, train_labels = _pair(tmp_path, "train", 20, seed=1)
    test, test_labels = _pair(tmp_path, "t10k", 10, seed=2)
    ds = al.datasets.load("mnist", path=str(tmp_path), n_samples=30, n_test=12, seed=5)
    assert ds.n_samples == 30 and np.bincount(ds.y).tolist() == [10, 10, 10]
    assert len(ds.y_test) == 12 and np.bincount(ds.y_test).tolist() == [4, 4, 4]
    np.testing.assert_array_equal(ds.raw, train[ds.source_index])
    np.testing.assert_array_equal(ds.raw_test, test[ds.source_index_test - len(train)])
    np.testing.assert_array_equal(ds.y, train_labels[ds.source_index])
    np.testing.assert_array_equal(ds.y_test, test_labels[ds.source_index_test - len(train)])
    assert ds.meta["split"] == {"explicit_test": True}
    assert ds.meta["registry"]["params"]["path"] == str(tmp_path)


def test_mnist_never_downloads_unless_asked(tmp_path, monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("download attempted")

    monkeypatch.setattr(idx, "download_mnist", forbidden)
    with pytest.raises(ValueError, match="download=True"):
        al.datasets.load("mnist")
    (tmp_path / "readme.txt").write_text("nothing here")
    with pytest.raises(FileNotFoundError, match="no IDX image/label pair") as err:
        al.datasets.load("mnist", path=tmp_path)
    assert "readme" not in str(err.value)  # a folder's files are never listed (issue 12)
    with pytest.raises(AssertionError, match="download attempted"):
        al.datasets.load("mnist", download=True)


def test_mnist_mismatched_files(tmp_path):
    write_idx(tmp_path / "t10k-images-idx3-ubyte", np.zeros((5, 2, 2), dtype=np.uint8))
    write_idx(tmp_path / "t10k-labels-idx1-ubyte", np.zeros(4, dtype=np.uint8))
    with pytest.raises(ValueError, match="must match one to one"):
        al.datasets.load("mnist", path=tmp_path)


def test_default_cache_dir_honours_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("ALVIZ_DATA", str(tmp_path))
    assert idx.default_cache_dir() == tmp_path
