"""The user's own images: an array of images, or a folder with one sub-folder per class.

Pixels become features (uint8 divided by 255; float images kept as they
are), the images themselves are kept in ``raw`` for display.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import numpy as np

from .._validation import check_consistent_length
from .._warnings import AlvizWarning
from ._build import build
from ._user import encode_y, resolve_test_size, user_card

__all__ = ["IMAGE_SUFFIXES", "from_images", "read_image_folder"]

#: File name endings read as images in a folder (case-insensitive).
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp", ".pgm", ".ppm")


def _check_image_array(images, name: str) -> np.ndarray:
    a = np.asarray(images)
    if a.ndim not in (3, 4) or (a.ndim == 4 and a.shape[3] not in (1, 3, 4)):
        raise ValueError(
            f"{name} must have shape (n, height, width) or (n, height, width, channels) with "
            f"1, 3 or 4 channels; got shape {a.shape}. For a folder of files pass its path."
        )
    if a.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold numbers; got dtype {a.dtype}.")
    if len(a) == 0:
        raise ValueError(f"{name} holds no images.")
    if a.dtype.kind == "f" and not np.isfinite(a).all():
        raise ValueError(f"{name} holds {int((~np.isfinite(a)).sum())} NaN/inf pixel values.")
    return a


def _pixels(images: np.ndarray) -> np.ndarray:
    flat = images.reshape(len(images), -1)
    if images.dtype == np.uint8:
        return flat / np.float32(255)
    return flat.astype(np.float32)


def _read_one(path: Path, mode: str, size):
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as im:
            im = im.convert(mode)
            if size is not None:
                im = im.resize((size[1], size[0]))
            return np.asarray(im)
    except (UnidentifiedImageError, OSError) as exc:
        raise ValueError(f"cannot read image {str(path)!r}: {exc}") from exc


def read_image_folder(folder, *, mode: str = "L", size=None, classes=None):
    """Read a folder of images: one sub-folder per class, loose files unlabelled.

    Parameters
    ----------
    folder : str or path-like
        ``folder/<class name>/<image files>``; image files directly inside
        ``folder`` are rows without a label yet.
    mode : str
        Pillow mode every image is converted to: "L" (grey) or "RGB".
    size : (int, int), optional
        ``(height, width)`` to resize every image to; without it all images
        must have the same size.
    classes : list of str, optional
        Class names in index order (may name classes without a sub-folder yet);
        default the sorted sub-folder names.

    Returns
    -------
    images : ndarray of shape (n, height, width) or (n, height, width, 3), uint8
    labels : ndarray of shape (n,) of object
        The class name per image, None for loose files.
    files : list of str
        Paths relative to ``folder``, in row order (classes sorted, files sorted).
    classes : list of str
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"image folder {str(folder)!r} does not exist or is not a folder.")
    entries = sorted(p for p in folder.iterdir() if not p.name.startswith("."))
    class_dirs = [p for p in entries if p.is_dir()]
    names = [p.name for p in class_dirs]
    if classes is not None:
        classes = [str(c) for c in classes]
        stray = [n for n in names if n not in classes]
        if stray:
            raise ValueError(
                f"sub-folder(s) {stray} of {str(folder)!r} are not among classes {classes}; "
                f"rename them or add them to classes."
            )
    else:
        classes = names
    files, labels, skipped = [], [], []
    for owner, label in [(folder, None), *((d, d.name) for d in class_dirs)]:
        for p in sorted(owner.iterdir()):
            if p.name.startswith(".") or p.is_dir():
                continue
            if p.suffix.lower() in IMAGE_SUFFIXES:
                files.append(p)
                labels.append(label)
            else:
                skipped.append(str(p.relative_to(folder)))
    if skipped:
        warnings.warn(
            f"skipped {len(skipped)} file(s) that are not images by their name "
            f"(e.g. {skipped[:3]}); image files end in {', '.join(IMAGE_SUFFIXES)}.",
            AlvizWarning,
            stacklevel=3,
        )
    if not files:
        raise ValueError(
            f"no image files in {str(folder)!r} or its sub-folders (looked for "
            f"{', '.join(IMAGE_SUFFIXES)})."
        )
    arrays = [_read_one(p, mode, size) for p in files]
    shapes = {a.shape for a in arrays}
    if len(shapes) > 1:
        by_shape = {}
        for p, a in zip(files, arrays, strict=True):
            by_shape.setdefault(a.shape, p)
        examples = "; ".join(
            f"{s} e.g. {str(p.relative_to(folder))!r}" for s, p in by_shape.items()
        )
        raise ValueError(
            f"the images have different sizes ({examples}); pass size=(height, width) to "
            f"resize them all."
        )
    rel = [os.fspath(p.relative_to(folder)) for p in files]
    return np.stack(arrays), np.asarray(labels, dtype=object), rel, classes


def from_images(
    images,
    labels=None,
    *,
    classes=None,
    images_test=None,
    labels_test=None,
    mode: str = "L",
    size=None,
    test_size=None,
    stratify=True,
    embedding="pca",
    seed: int = 0,
    name: str = "images",
    card=None,
):
    """A Dataset from images: pixels as features, the images kept in ``raw``.

    Parameters
    ----------
    images : array-like of shape (n, height, width[, channels]), or a folder path
        An array of images, or a folder with one sub-folder per class (read
        with Pillow; files directly in the folder are unlabelled; see
        :func:`read_image_folder`).
    labels : array-like of shape (n,), optional
        Labels of an image array (None/NaN/``UNLABELED`` = not yet). Not
        with a folder: there the sub-folders are the labels.
    classes : list, optional
        Class names in index order.
    images_test, labels_test : optional
        An explicit test split (an array; every image labelled).
    mode : {"L", "RGB"}
        Colour mode for images read from a folder.
    size : (int, int), optional
        ``(height, width)`` to resize folder images to.
    test_size : float or int, optional
        Share of labelled images held out (default 0.25; 0 for none).
    stratify : bool
    embedding : {"pca", "tsne"} or transformer
    seed : int
    name : str
    card : Card, optional

    Returns
    -------
    Dataset
        X float32 of shape (n, height * width * channels): uint8 pixels / 255,
        float images as given. ``raw``/``raw_test`` hold the images. From a
        folder, ``meta["files"]`` lists the files and ``source_index`` points
        into it.
    """
    meta = {}
    source = "user-supplied image array"
    if isinstance(images, str | os.PathLike):
        if labels is not None:
            raise ValueError(
                "labels cannot be passed with a folder: its sub-folders are the labels. "
                "Move the images into one sub-folder per class."
            )
        folder = os.fspath(images)
        images, labels, files, classes = read_image_folder(
            images, mode=mode, size=size, classes=classes
        )
        meta = {"folder": folder, "files": files}
        source = "user-supplied image folder"
    images = _check_image_array(images, "images")
    check_consistent_length("images", images, "labels", labels)
    has_test = images_test is not None
    if has_test:
        images_test = _check_image_array(images_test, "images_test")
        if images_test.shape[1:] != images.shape[1:]:
            raise ValueError(
                f"images_test are {images_test.shape[1:]} but images are {images.shape[1:]}; "
                f"they must have the same size."
            )
    y, y_test, classes = encode_y(
        labels,
        labels_test,
        classes=classes,
        task="classification",
        n=len(images),
        has_test=has_test,
    )
    return build(
        name,
        _pixels(images),
        y,
        card=user_card(name, "Your own images (pixels as features).", source, card),
        classes=classes,
        test_size=resolve_test_size(test_size, has_test),
        seed=seed,
        X_test=None if not has_test else _pixels(images_test),
        y_test=y_test,
        raw=images,
        raw_test=images_test,
        stratify=stratify,
        embedding=embedding,
        dtype=np.float32,
        feature_names=[f"px{i}" for i in range(images[0].size)],
        meta=meta,
    )
