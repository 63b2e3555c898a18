"""Real data that ships with scikit-learn, so it works offline.

Every loader standardizes the features with a scaler fitted on the training
part only (``ds.preprocessor``), splits with a fixed seed (stratified for
classification) and embeds with PCA for display (``embedding="tsne"`` on
request). Sources and licences are on each card.
"""

from __future__ import annotations

import numpy as np

from ._base import Card
from ._build import build
from ._claims import Accuracy
from ._registry import register

__all__ = ["breast_cancer", "diabetes", "digits", "iris", "wine"]

_UCI = "CC BY 4.0 (UCI Machine Learning Repository); shipped with scikit-learn"


def _load(name: str, bunch, card: Card, test_size, seed, embedding, task="classification", **kw):
    from sklearn.preprocessing import StandardScaler  # here: alviz imports without scikit-learn

    y = bunch.target
    classes = None
    if task == "classification":
        classes = np.asarray(bunch.target_names)
        y = np.asarray(y, dtype=np.int64)
    return build(
        name,
        bunch.data,
        y,
        card=card,
        classes=classes,
        test_size=test_size,
        seed=seed,
        task=task,
        feature_names=[str(f) for f in bunch.feature_names],
        preprocessor=StandardScaler(),
        embedding=embedding,
        **kw,
    )


DIGITS = Card(
    title="Handwritten digits (8x8)",
    shows="10 classes of small images (ds.raw holds the 8x8 images for display): "
    "uncertainty sampling on real, high-dimensional data, seen through a PCA plane.",
    source="UCI ML hand-written digits (Alpaydin & Kaynak, 1998) via sklearn.datasets.load_digits",
    license=_UCI,
    claims=(Accuracy("digits", "logreg", at_least=0.93),),
)


@register("digits", DIGITS)
def digits(test_size: float = 0.25, seed: int = 0, embedding: str = "pca"):
    """1,797 handwritten digits as 64 standardized pixel features.

    Parameters
    ----------
    test_size : float
        Share of rows held out (stratified).
    seed : int
        Seed of the split and the embedding.
    embedding : {"pca", "tsne"}
        Display embedding (t-SNE has no inverse: no maps over the plane).

    Returns
    -------
    Dataset
        ``raw``/``raw_test`` hold the images, shape (n, 8, 8), values 0-16.
    """
    from sklearn.datasets import load_digits

    bunch = load_digits()
    bunch.target_names = np.asarray([str(c) for c in bunch.target_names])
    return _load(
        "digits", bunch, DIGITS, test_size, seed, embedding, raw=bunch.images.astype(np.uint8)
    )


IRIS = Card(
    title="Iris",
    shows="Three flower species from four measurements: a first real dataset small enough "
    "to watch every query.",
    source="Fisher (1936), UCI ML repository, via sklearn.datasets.load_iris",
    license=_UCI,
    claims=(Accuracy("iris", "logreg", at_least=0.9),),
)
WINE = Card(
    title="Wine",
    shows="Three cultivars from 13 chemical measurements: easy once scaled (a linear model "
    "on every label is near perfect), a useful baseline.",
    source="Forina et al., UCI ML repository, via sklearn.datasets.load_wine",
    license=_UCI,
    claims=(Accuracy("wine", "logreg", at_least=0.95),),
)
BREAST_CANCER = Card(
    title="Breast cancer (WDBC)",
    shows="Malignant vs benign tumours from 30 cell-nucleus features: a binary medical task, "
    "a natural case for calibration and abstention (risk-coverage).",
    source="Wisconsin Diagnostic Breast Cancer (Street, Wolberg & Mangasarian, 1993), "
    "UCI ML repository, via sklearn.datasets.load_breast_cancer",
    license=_UCI,
    claims=(Accuracy("breast_cancer", "logreg", at_least=0.95),),
)

_TABLES = {
    "iris": ("load_iris", IRIS, "150 iris flowers, 4 standardized features, 3 classes."),
    "wine": ("load_wine", WINE, "178 wines, 13 standardized features, 3 classes."),
    "breast_cancer": (
        "load_breast_cancer",
        BREAST_CANCER,
        "569 tumours, 30 standardized features, 2 classes (malignant, benign).",
    ),
}


def _table_loader(name: str, loader: str, card: Card, summary: str):
    """A registered loader for one of scikit-learn's small bundled tables."""

    def load(test_size: float = 0.25, seed: int = 0, embedding: str = "pca"):
        import sklearn.datasets

        return _load(name, getattr(sklearn.datasets, loader)(), card, test_size, seed, embedding)

    load.__name__ = load.__qualname__ = name
    load.__doc__ = f"""{summary}

    Parameters
    ----------
    test_size : float
        Share of rows held out (stratified).
    seed : int
        Seed of the split and the embedding.
    embedding : {{"pca", "tsne"}}
        Display embedding.

    Returns
    -------
    Dataset
    """
    return register(name, card)(load)


iris, wine, breast_cancer = (_table_loader(n, *spec) for n, spec in _TABLES.items())


DIABETES = Card(
    title="Diabetes progression (regression)",
    shows="A real regression task: disease progression one year on, from 10 baseline measurements.",
    source="Efron, Hastie, Johnstone & Tibshirani (2004), 'Least Angle Regression', "
    "via sklearn.datasets.load_diabetes (unscaled)",
    license="distributed with scikit-learn (BSD-3-Clause); original data from Efron et al. (2004)",
)


@register("diabetes", DIABETES)
def diabetes(test_size: float = 0.25, seed: int = 0, embedding: str = "pca"):
    """442 patients, 10 standardized features, a float target (not scaled, 25-346).

    Parameters
    ----------
    test_size : float
        Share of rows held out.
    seed : int
        Seed of the split and the embedding.
    embedding : {"pca", "tsne"}
        Display embedding.

    Returns
    -------
    Dataset
        ``task="regression"``.
    """
    from sklearn.datasets import load_diabetes

    bunch = load_diabetes(scaled=False)
    return _load("diabetes", bunch, DIABETES, test_size, seed, embedding, task="regression")
