"""Toy 2-D classification worlds, each built to show something.

Every world takes ``n_samples`` (rows before the split), a difficulty knob
(``noise`` everywhere: more noise, more overlap), ``test_size`` and ``seed``
(the same seed gives the same points and the same split). The features are
the display: ``X2d`` is ``X``.

Label noise is not a knob of the worlds: it belongs to whoever answers the
queries (``Session(..., oracle="noisy", noise=0.1)``). The ``aleatoric``
world (:mod:`alviz.datasets.concepts`) is the one whose ground truth itself
is noisy.
"""

from __future__ import annotations

import numpy as np

from ._base import Card
from ._build import build
from ._claims import Accuracy, Difference, SequencesDiffer
from ._params import check_int, check_real, check_seed
from ._registry import register

__all__ = ["blobs", "circles", "imbalanced", "moons", "spirals", "xor"]

_GENERATED = "BSD-3-Clause (generated data; alviz generator)"
_LABEL_NOISE = " Label noise: use the noisy oracle (Session(..., oracle='noisy'))."


def _two_curves(inner, outer, n_samples: int, noise: float, seed: int):
    """Points along two curves, shuffled, plus Gaussian noise: the moons' and circles' recipe.

    The same numbers as ``sklearn.datasets.make_moons`` / ``make_circles`` with
    ``random_state=seed`` (checked in the tests), without importing scikit-learn:
    a toy world loads in milliseconds, so a widget's figure can open while
    scikit-learn imports. The first half (rounded down) is class 0, on ``outer``.

    Parameters
    ----------
    inner, outer : callable
        A count n -> points of shape (n, 2): class 1's curve and class 0's.
    n_samples : int
    noise : float
    seed : int

    Returns
    -------
    X : ndarray of shape (n_samples, 2)
    y : ndarray of shape (n_samples,), int
    """
    if seed >= 2**32:
        raise ValueError(
            f"seed must be below 2**32 for the moons and circles (numpy's legacy generator, "
            f"which gives scikit-learn's points); got {seed}. Use a smaller seed."
        )
    rng = np.random.RandomState(seed)  # the legacy generator: scikit-learn's numbers
    n_out = n_samples // 2
    X = np.vstack([outer(n_out), inner(n_samples - n_out)])
    y = np.repeat(np.arange(2, dtype=np.intp), [n_out, n_samples - n_out])
    order = np.arange(n_samples)
    rng.shuffle(order)
    X, y = X[order], y[order]
    return X + rng.normal(scale=noise, size=X.shape), y


def _moon(n: int) -> np.ndarray:
    """``n`` points on the upper unit half circle, from angle 0 to pi."""
    t = np.linspace(0, np.pi, n)
    return np.column_stack([np.cos(t), np.sin(t)])


def _other_moon(n: int) -> np.ndarray:
    """``n`` points on the lower half circle centred at (1, 0.5), tucked under :func:`_moon`."""
    t = np.linspace(0, np.pi, n)
    # (1 - sin) - 0.5 in this order: bit for bit scikit-learn's points.
    return np.column_stack([1 - np.cos(t), 1 - np.sin(t) - 0.5])


def _circle(n: int, radius: float = 1.0) -> np.ndarray:
    """``n`` evenly spaced points on a circle (the first at angle 0, none repeated)."""
    t = np.linspace(0, 2 * np.pi, n, endpoint=False)
    return radius * np.column_stack([np.cos(t), np.sin(t)])


def _common(n_samples, noise, seed, min_samples: int = 8) -> tuple[int, float, int]:
    return (
        check_int(n_samples, "n_samples", min_samples),
        check_real(noise, "noise", 0.0),
        check_seed(seed),
    )


MOONS = Card(
    title="Two moons",
    shows="A curved boundary that a linear model cannot follow: a neighbour model does "
    "better on the test split." + _LABEL_NOISE,
    source="alviz generator (the points of sklearn.datasets.make_moons)",
    license="BSD-3-Clause (generated data)",
    claims=(
        Difference(
            Accuracy("moons", "knn"),
            Accuracy("moons", "logreg"),
            at_least=0.05,
            what="Test accuracy of `knn` minus that of `logreg`",
        ),
    ),
)


@register("moons", MOONS)
def moons(n_samples: int = 500, noise: float = 0.2, test_size: float = 0.25, seed: int = 0):
    """Two interleaving half circles.

    Parameters
    ----------
    n_samples : int
        Rows before the train/test split.
    noise : float
        Standard deviation of Gaussian noise; larger means more class overlap.
    test_size : float
        Share of rows held out.
    seed : int
        Seed of the generator and the split.

    Returns
    -------
    Dataset
    """
    n_samples, noise, seed = _common(n_samples, noise, seed)
    X, y = _two_curves(_other_moon, _moon, n_samples, noise, seed)
    return build(
        "moons",
        X,
        y,
        card=MOONS,
        test_size=test_size,
        seed=seed,
        meta={"n_samples": n_samples, "noise": noise},
    )


CIRCLES = Card(
    title="Two circles",
    shows="One class inside the other: no straight line separates them; a linear model "
    "stays near chance, a kernel model (an RBF SVM) does not." + _LABEL_NOISE,
    source="alviz generator (the points of sklearn.datasets.make_circles)",
    license="BSD-3-Clause (generated data)",
    claims=(
        Accuracy("circles", "logreg", at_most=0.6),
        Accuracy("circles", "svm", at_least=0.9),
    ),
)


@register("circles", CIRCLES)
def circles(
    n_samples: int = 500,
    noise: float = 0.1,
    factor: float = 0.5,
    test_size: float = 0.25,
    seed: int = 0,
):
    """A small circle of one class inside a large circle of the other.

    Parameters
    ----------
    n_samples : int
        Rows before the split.
    noise : float
        Standard deviation of Gaussian noise added to the points.
    factor : float
        Radius of the inner circle relative to the outer one, in (0, 1);
        closer to 1 is harder.
    test_size : float
        Share of rows held out.
    seed : int
        Seed of the generator and the split.

    Returns
    -------
    Dataset
    """
    n_samples, noise, seed = _common(n_samples, noise, seed)
    factor = check_real(factor, "factor", 0.0, 1.0, low_open=True, high_open=True)
    X, y = _two_curves(lambda n: _circle(n, factor), _circle, n_samples, noise, seed)
    return build(
        "circles",
        X,
        y,
        card=CIRCLES,
        test_size=test_size,
        seed=seed,
        meta={"n_samples": n_samples, "noise": noise, "factor": factor},
    )


BLOBS = Card(
    title="Gaussian blobs",
    shows="k classes as round clusters on a circle: multi-class uncertainty, where "
    "margin and entropy disagree (entropy counts every class, margin only the top two)."
    + _LABEL_NOISE,
    source="alviz generator (Gaussian clusters with centres evenly spaced on a circle)",
    license=_GENERATED,
    claims=(
        SequencesDiffer("blobs", "logreg", ("entropy", "margin"), 10, at_least=2, batch_size=10),
    ),
)


@register("blobs", BLOBS)
def blobs(
    n_samples: int = 500,
    n_classes: int = 3,
    noise: float = 1.0,
    test_size: float = 0.25,
    seed: int = 0,
):
    """Round Gaussian clusters, one per class, centred evenly on a circle of radius 3.

    Parameters
    ----------
    n_samples : int
        Rows before the split (spread evenly over the classes).
    n_classes : int
        Number of clusters/classes, at least 2.
    noise : float
        Standard deviation of each cluster; neighbours overlap above about 1.
    test_size : float
        Share of rows held out.
    seed : int
        Seed of the generator and the split.

    Returns
    -------
    Dataset
    """
    n_samples, noise, seed = _common(n_samples, noise, seed)
    n_classes = check_int(n_classes, "n_classes", 2, 26)
    if n_samples < 4 * n_classes:
        raise ValueError(
            f"n_samples={n_samples} is too small for {n_classes} classes; pass at least "
            f"{4 * n_classes} (four rows per class)."
        )
    rng = np.random.default_rng(seed)
    angle = 2 * np.pi * np.arange(n_classes) / n_classes
    centres = 3.0 * np.column_stack([np.cos(angle), np.sin(angle)])
    y = np.arange(n_samples) % n_classes
    X = centres[y] + noise * rng.standard_normal((n_samples, 2))
    return build(
        "blobs",
        X,
        y,
        card=BLOBS,
        test_size=test_size,
        seed=seed,
        meta={"n_samples": n_samples, "noise": noise, "centres": centres.tolist()},
    )


XOR = Card(
    title="XOR",
    shows="Four clusters where diagonal ones share a class: no single line helps, and a "
    "linear model stays at chance however many labels it gets (a neighbour model does "
    "not)." + _LABEL_NOISE,
    source="alviz generator (Gaussian clusters at (±1, ±1))",
    license=_GENERATED,
    claims=(
        Accuracy("xor", "logreg", at_most=0.65, params=(("n_samples", 2000),)),
        Accuracy("xor", "knn", at_least=0.95),
    ),
)


@register("xor", XOR)
def xor(n_samples: int = 500, noise: float = 0.35, test_size: float = 0.25, seed: int = 0):
    """Four Gaussian clusters at (±1, ±1); class 1 where the signs differ.

    Parameters
    ----------
    n_samples : int
        Rows before the split (spread evenly over the four clusters).
    noise : float
        Standard deviation of each cluster; above about 0.6 they merge.
    test_size : float
        Share of rows held out.
    seed : int
        Seed of the generator and the split.

    Returns
    -------
    Dataset
    """
    n_samples, noise, seed = _common(n_samples, noise, seed)
    rng = np.random.default_rng(seed)
    corners = np.array([[1.0, 1.0], [-1.0, -1.0], [1.0, -1.0], [-1.0, 1.0]])
    which = np.arange(n_samples) % 4
    X = corners[which] + noise * rng.standard_normal((n_samples, 2))
    y = (which >= 2).astype(np.int64)
    return build("xor", X, y, card=XOR, test_size=test_size, seed=seed, meta={"noise": noise})


SPIRALS = Card(
    title="Spirals",
    shows="k interleaved spiral arms: a boundary that winds, which a linear model cannot "
    "follow and a neighbour model can, given labels placed along the arms." + _LABEL_NOISE,
    source="alviz generator (Archimedean spiral arms with Gaussian noise)",
    license=_GENERATED,
    claims=(
        Accuracy("spirals", "logreg", at_most=0.75),
        Accuracy("spirals", "knn", at_least=0.95),
    ),
)


@register("spirals", SPIRALS)
def spirals(
    n_samples: int = 500,
    n_arms: int = 2,
    turns: float = 1.25,
    noise: float = 0.2,
    test_size: float = 0.25,
    seed: int = 0,
):
    """Interleaved spiral arms, one class per arm.

    Parameters
    ----------
    n_samples : int
        Rows before the split (spread evenly over the arms).
    n_arms : int
        Number of arms/classes, at least 2.
    turns : float
        How many full turns each arm makes; more turns is harder.
    noise : float
        Standard deviation of Gaussian noise around each arm.
    test_size : float
        Share of rows held out.
    seed : int
        Seed of the generator and the split.

    Returns
    -------
    Dataset
    """
    n_samples, noise, seed = _common(n_samples, noise, seed)
    n_arms = check_int(n_arms, "n_arms", 2, 12)
    turns = check_real(turns, "turns", 0.0, 5.0, low_open=True)
    rng = np.random.default_rng(seed)
    y = np.arange(n_samples) % n_arms
    t = np.sqrt(rng.uniform(0.02, 1.0, n_samples))  # sqrt: even density along the arm
    theta = 2 * np.pi * (turns * t + y / n_arms)
    X = 3.0 * t[:, None] * np.column_stack([np.cos(theta), np.sin(theta)])
    X += noise * rng.standard_normal(X.shape)
    return build(
        "spirals",
        X,
        y,
        card=SPIRALS,
        test_size=test_size,
        seed=seed,
        meta={"n_arms": n_arms, "turns": turns, "noise": noise},
    )


IMBALANCED = Card(
    title="Imbalanced classes",
    shows="A rare class beside a common one (meta['n_minority'] rows): a test of whether a "
    "strategy finds the rare class; compare accuracy with macro-F1, which weighs both "
    "classes equally." + _LABEL_NOISE,
    source="alviz generator (two overlapping Gaussian clusters of unequal size)",
    license=_GENERATED,
)


@register("imbalanced", IMBALANCED)
def imbalanced(
    n_samples: int = 500,
    minority: float = 0.1,
    noise: float = 0.8,
    test_size: float = 0.25,
    seed: int = 0,
):
    """Two Gaussian clusters, class 1 (the minority) holding a share ``minority`` of the rows.

    Parameters
    ----------
    n_samples : int
        Rows before the split.
    minority : float
        Share of class 1, in (0, 0.5].
    noise : float
        Standard deviation of each cluster (centres at (-1, 0) and (1, 0)).
    test_size : float
        Share of rows held out (stratified, so both sides keep the ratio).
    seed : int
        Seed of the generator and the split.

    Returns
    -------
    Dataset
    """
    n_samples, noise, seed = _common(n_samples, noise, seed)
    minority = check_real(minority, "minority", 0.0, 0.5, low_open=True)
    n_min = round(n_samples * minority)
    if n_min < 4:
        raise ValueError(
            f"minority={minority} of n_samples={n_samples} gives {n_min} minority rows; the "
            f"stratified split needs at least 4. Raise n_samples or minority."
        )
    rng = np.random.default_rng(seed)
    y = (np.arange(n_samples) < n_min).astype(np.int64)
    X = np.column_stack([np.where(y == 1, 1.0, -1.0), np.zeros(n_samples)])
    X += noise * rng.standard_normal(X.shape)
    perm = rng.permutation(n_samples)  # minority rows not all first in the source order
    return build(
        "imbalanced",
        X[perm],
        y[perm],
        card=IMBALANCED,
        test_size=test_size,
        seed=seed,
        meta={"minority": minority, "n_minority": n_min, "noise": noise},
    )
