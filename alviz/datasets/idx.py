"""MNIST-style IDX files: read and write them, and load MNIST from a local folder.

The IDX format (LeCun et al.) is a big-endian header, ``0 0 <type> <ndim>``,
then ``ndim`` 32-bit sizes, then the values. Files may be gzipped. Nothing
here downloads unless asked with ``download=True``; the tests build small
IDX files of their own with :func:`write_idx`.
"""

from __future__ import annotations

import gzip
import hashlib
import os
from pathlib import Path

import numpy as np

from ._base import Card
from ._build import build
from ._params import check_int, check_seed
from ._registry import register
from ._split import split_indices

__all__ = ["default_cache_dir", "download_mnist", "mnist", "read_idx", "write_idx"]

# Type codes of the IDX format, with the big-endian dtype each stands for.
_IDX_TYPES = {
    0x08: np.dtype("u1"),
    0x09: np.dtype("i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_GZIP_MAGIC = b"\x1f\x8b"


def _open(path: Path):
    with open(path, "rb") as f:
        magic = f.read(2)
    return gzip.open(path, "rb") if magic == _GZIP_MAGIC else open(path, "rb")


def read_idx(path) -> np.ndarray:
    """Read an IDX file (gzipped or raw) into an array.

    Parameters
    ----------
    path : str or path-like
        The file, e.g. ``t10k-images-idx3-ubyte.gz``.

    Returns
    -------
    ndarray
        Shape from the header (``(n, 28, 28)`` for MNIST images, ``(n,)`` for
        labels), native-endian dtype from the type code (uint8 for MNIST).
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"IDX file {str(path)!r} does not exist.")
    try:
        with _open(path) as f:
            header = f.read(4)
            if len(header) == 0:
                raise ValueError(f"IDX file {str(path)!r} is empty.")
            if len(header) < 4 or header[:2] != b"\x00\x00" or header[2] not in _IDX_TYPES:
                raise ValueError(
                    f"{str(path)!r} is not an IDX file: it starts with {header!r}, expected "
                    f"two zero bytes, a type code in {[hex(t) for t in _IDX_TYPES]} and the "
                    f"number of dimensions."
                )
            dtype, ndim = _IDX_TYPES[header[2]], header[3]
            dims_raw = f.read(4 * ndim)
            if len(dims_raw) < 4 * ndim:
                raise ValueError(f"IDX file {str(path)!r} ends inside its header.")
            shape = tuple(int(d) for d in np.frombuffer(dims_raw, dtype=">u4"))
            expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
            data = f.read(expected + 1)
    except (gzip.BadGzipFile, EOFError) as exc:
        raise ValueError(f"IDX file {str(path)!r} is a damaged gzip file: {exc}.") from exc
    if len(data) != expected:
        raise ValueError(
            f"IDX file {str(path)!r} holds {len(data)}{'+' if len(data) > expected else ''} "
            f"bytes of data but its header {shape} of {dtype} says {expected}; "
            f"the file is truncated or not what it claims. Download it again."
        )
    return np.frombuffer(data, dtype=dtype).reshape(shape).astype(dtype.newbyteorder("="))


def write_idx(path, array, compress: bool | None = None) -> Path:
    """Write an array as an IDX file (the inverse of :func:`read_idx`).

    Parameters
    ----------
    path : str or path-like
        Where to write; gzipped when ``compress`` is True, or when it is None
        and the name ends in ``.gz``.
    array : array-like
        dtype uint8, int8, int16, int32, float32 or float64; at most 255 axes.
    compress : bool, optional

    Returns
    -------
    Path
    """
    path = Path(path)
    a = np.asarray(array)
    codes = {dt.newbyteorder("="): code for code, dt in _IDX_TYPES.items()}
    if a.dtype not in codes:
        raise TypeError(f"IDX stores {sorted(str(d) for d in codes)}; got dtype {a.dtype}.")
    code = codes[a.dtype]
    header = bytes([0, 0, code, a.ndim]) + np.asarray(a.shape, dtype=">u4").tobytes()
    payload = header + a.astype(_IDX_TYPES[code]).tobytes()
    if compress or (compress is None and path.suffix == ".gz"):
        payload = gzip.compress(payload, mtime=0)
    path.write_bytes(payload)
    return path


# --------------------------------------------------------------------- download
_MNIST_MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "http://yann.lecun.com/exdb/mnist/",
)
# MD5 of the gzipped files as published (the same sums torchvision checks).
_MNIST_FILES = {
    "train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
    "train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
    "t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3",
    "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c",
}


def default_cache_dir() -> Path:
    """Where downloads go.

    ``$ALVIZ_DATA`` if set, else ``data/cache`` of a source checkout, else ``~/.cache/alviz``.
    """
    env = os.environ.get("ALVIZ_DATA")
    if env:
        return Path(env)
    checkout = Path(__file__).resolve().parents[2] / "data"
    if checkout.is_dir():
        return checkout / "cache"
    return Path.home() / ".cache" / "alviz"


def _md5(path: Path) -> str:
    h = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def download_mnist(folder=None, timeout: float = 60.0) -> Path:  # pragma: no cover - network
    """Download the four MNIST files into ``folder`` (only those missing), checking MD5 sums.

    Never called by the tests, and only by :func:`mnist` when ``download=True``.

    Parameters
    ----------
    folder : str or path-like, optional
        Default ``default_cache_dir() / "mnist"``.
    timeout : float
        Seconds to wait for each connection.

    Returns
    -------
    Path
        The folder.
    """
    import urllib.request

    folder = Path(folder) if folder is not None else default_cache_dir() / "mnist"
    folder.mkdir(parents=True, exist_ok=True)
    for name, md5 in _MNIST_FILES.items():
        target = folder / name
        if target.is_file() and _md5(target) == md5:
            continue
        errors = []
        for mirror in _MNIST_MIRRORS:
            tmp = target.with_suffix(".part")
            try:
                with (
                    urllib.request.urlopen(mirror + name, timeout=timeout) as r,
                    open(tmp, "wb") as f,
                ):
                    f.write(r.read())
                if _md5(tmp) != md5:
                    raise OSError(f"MD5 mismatch for {mirror + name}")
                tmp.replace(target)  # atomic: never a half-written file under the real name
                break
            except OSError as exc:
                errors.append(f"{mirror}: {exc}")
                tmp.unlink(missing_ok=True)
        else:
            raise OSError(f"could not download {name}: " + "; ".join(errors))
    return folder


# --------------------------------------------------------------------- loader
MNIST = Card(
    title="MNIST handwritten digits (28x28)",
    shows="The classic benchmark read from IDX files: active learning at a realistic scale "
    "(ds.raw holds the images). With train and t10k files, the pool is the training set "
    "and the test split is t10k; with only one pair, that pair is split.",
    source="LeCun, Cortes & Burges, THE MNIST DATABASE of handwritten digits; read from a "
    "local folder (path=...), downloaded only with download=True",
    license="CC BY-SA 3.0 (as distributed by the authors)",
)


def _find_pairs(folder: Path) -> dict[str, tuple[Path, Path]]:
    """``{"train": (images, labels), "t10k": (...)}`` for the prefixes found in ``folder``."""
    pairs: dict[str, tuple[Path, Path]] = {}
    for images in sorted(folder.glob("*-images*idx3-ubyte*")):
        prefix = images.name.split("-images")[0]
        labels = sorted(folder.glob(f"{prefix}-labels*idx1-ubyte*"))
        if labels:
            pairs[prefix] = (images, labels[0])
    return pairs


def _read_pair(images: Path, labels: Path) -> tuple[np.ndarray, np.ndarray]:
    X, y = read_idx(images), read_idx(labels)
    if X.ndim != 3:
        raise ValueError(f"{images.name} holds shape {X.shape}; images must be (n, rows, cols).")
    if y.ndim != 1 or len(y) != len(X):
        raise ValueError(
            f"{labels.name} holds {y.shape} labels for {len(X)} images in {images.name}; "
            f"they must match one to one."
        )
    return X, y.astype(np.int64)


def _subsample(y: np.ndarray, n: int | None, seed: int) -> np.ndarray:
    """A seeded, stratified choice of ``n`` rows (all rows when n is None or too large)."""
    if n is None or n >= len(y):
        return np.arange(len(y))
    _, keep = split_indices(y, task="classification", test_size=n, seed=seed)
    return keep


@register("mnist", MNIST)
def mnist(
    path=None,
    n_samples: int | None = None,
    n_test: int | None = None,
    test_size: float = 0.25,
    seed: int = 0,
    download: bool = False,
    embedding: str = "pca",
):
    """MNIST-style digits from IDX files in a local folder.

    Parameters
    ----------
    path : str or path-like
        A folder holding ``<prefix>-images-idx3-ubyte[.gz]`` and
        ``<prefix>-labels-idx1-ubyte[.gz]`` for ``train`` and/or ``t10k``
        (Fashion-MNIST and KMNIST use the same names).
    n_samples : int, optional
        Stratified, seeded subsample of the pool (default: all rows).
    n_test : int, optional
        Stratified, seeded subsample of the test split (default: all rows).
    test_size : float
        Share held out when the folder has only one pair of files.
    seed : int
        Seed of the subsamples, the split and the embedding.
    download : bool
        Download MNIST into ``path`` (or the cache folder, see
        :func:`default_cache_dir`) first. Off by default: nothing downloads
        unless asked.
    embedding : {"pca", "tsne"}
        Display embedding.

    Returns
    -------
    Dataset
        X float32 in [0, 1] of shape (n, rows * cols); ``raw`` the uint8 images.
    """
    seed = check_seed(seed)
    if download:
        path = download_mnist(path)
    if path is None:
        raise ValueError(
            "mnist needs path=<folder with the IDX files> (e.g. t10k-images-idx3-ubyte.gz and "
            "t10k-labels-idx1-ubyte.gz), or download=True to fetch MNIST (about 11 MB) into "
            f"{default_cache_dir() / 'mnist'}."
        )
    folder = Path(path)
    if not folder.is_dir():
        raise FileNotFoundError(f"mnist path {str(folder)!r} is not a folder.")
    pairs = _find_pairs(folder)
    if not pairs:
        # The message does not list the folder's files: a path may come from someone else.
        raise FileNotFoundError(
            f"no IDX image/label pair in {str(folder)!r} (looked for "
            f"'<prefix>-images-idx3-ubyte[.gz]' with '<prefix>-labels-idx1-ubyte[.gz]', e.g. "
            f"t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz)."
        )
    if n_samples is not None:
        n_samples = check_int(n_samples, "n_samples", 10)
    if n_test is not None:
        n_test = check_int(n_test, "n_test", 1)
    pool_prefix = "train" if "train" in pairs else sorted(pairs)[0]
    images, labels = _read_pair(*pairs[pool_prefix])
    n_file = len(labels)
    keep = _subsample(labels, n_samples, seed)
    images, labels = images[keep], labels[keep]
    kw: dict = {"test_size": test_size}
    files = [p.name for p in pairs[pool_prefix]]
    if "t10k" in pairs and pool_prefix != "t10k":
        images_test, labels_test = _read_pair(*pairs["t10k"])
        keep_test = _subsample(labels_test, n_test, seed)
        images_test, labels_test = images_test[keep_test], labels_test[keep_test]
        if images_test.shape[1:] != images.shape[1:]:
            raise ValueError(
                f"t10k images are {images_test.shape[1:]} but {pool_prefix} images are "
                f"{images.shape[1:]}; both must have the same size."
            )
        kw = {
            "X_test": images_test.reshape(len(images_test), -1) / np.float32(255),
            "y_test": labels_test,
            "raw_test": images_test,
        }
        files += [p.name for p in pairs["t10k"]]
    n_classes = int(max(labels.max(), kw.get("y_test", labels).max())) + 1
    ds = build(
        "mnist",
        images.reshape(len(images), -1) / np.float32(255),
        labels,
        card=MNIST,
        classes=np.asarray([str(c) for c in range(n_classes)]),
        seed=seed,
        raw=images,
        embedding=embedding,
        dtype=np.float32,
        feature_names=[f"px{i}" for i in range(images[0].size)],
        meta={"path": str(folder), "files": files},
        **kw,
    )
    # Row numbers in the files: the pool file's rows, then the t10k file's after them.
    if "X_test" in kw:
        ds.source_index = keep[ds.source_index]
        ds.source_index_test = n_file + keep_test
    else:
        ds.source_index, ds.source_index_test = keep[ds.source_index], keep[ds.source_index_test]
    return ds
