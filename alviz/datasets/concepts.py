"""2-D worlds built to show one concept each.

Aleatoric and epistemic uncertainty, outliers, an under-represented group.

Regions are recorded in ``ds.meta`` as boxes ``((x0, x1), (y0, y1))`` (or a
radius), never as row indices, so tests and figures can find them with
:func:`in_box` and the meta stays JSON.

Some worlds draw their pool and their test split separately (the pool has a
gap or outliers that the test split does not share); ``meta["split"]`` then
says ``{"explicit_test": True}``.
"""

from __future__ import annotations

import numpy as np

from ._base import Card
from ._build import build
from ._params import (
    check_int,
    check_real,
    check_seed,
    pool_and_test_sizes,
    pool_and_test_streams,
)
from ._registry import register

__all__ = ["aleatoric", "aleatoric_epistemic", "epistemic", "groups", "in_box", "outliers"]

_GENERATED = "BSD-3-Clause (generated data; alviz generator)"


def in_box(X, box) -> np.ndarray:
    """Which rows of X (shape (n, 2)) lie in ``box = ((x0, x1), (y0, y1))``; shape (n,)."""
    X = np.asarray(X)
    (x0, x1), (y0, y1) = box
    return (X[:, 0] >= x0) & (X[:, 0] <= x1) & (X[:, 1] >= y0) & (X[:, 1] <= y1)


def _uniform_box(rng, n: int, box) -> np.ndarray:
    (x0, x1), (y0, y1) = box
    return np.column_stack([rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)])


def _sizes(n_samples, test_size, seed):
    return pool_and_test_sizes(n_samples, test_size, seed, min_samples=40)


# --------------------------------------------------------------------- aleatoric
ALEATORIC = Card(
    title="Aleatoric: overlapping classes",
    shows="A band where the two classes are mixed 50/50: every model stays unsure there, "
    "however many labels it gets (aleatoric uncertainty, meta['overlap_region']); outside "
    "it the classes are clean. Entropy sampling keeps querying the band for nothing; "
    "meta['bayes_accuracy'] is the best accuracy any model can reach.",
    source="alviz generator (uniform square; labels random inside a vertical band)",
    license=_GENERATED,
)


@register("aleatoric", ALEATORIC)
def aleatoric(n_samples: int = 500, overlap: float = 1.5, test_size: float = 0.25, seed: int = 0):
    """Uniform points in [-3, 3] x [-2, 2]; class 1 right of x = 0, random in a central band.

    Parameters
    ----------
    n_samples : int
        Rows before the split.
    overlap : float
        Width of the band ``|x| < overlap / 2`` where each label is a fair
        coin flip, in [0, 6]; wider is harder.
    test_size : float
        Share of rows held out.
    seed : int
        Seed of the generator and the split.

    Returns
    -------
    Dataset
        ``meta["overlap_region"]`` is the band as a box; ``meta["bayes_accuracy"]``
        the expected accuracy of the best possible classifier, ``1 - overlap / 12``.
    """
    n_samples = check_int(n_samples, "n_samples", 8)
    overlap = check_real(overlap, "overlap", 0.0, 6.0)
    seed = check_seed(seed)
    rng = np.random.default_rng(seed)
    X = _uniform_box(rng, n_samples, ((-3.0, 3.0), (-2.0, 2.0)))
    band = np.abs(X[:, 0]) < overlap / 2
    y = (X[:, 0] > 0).astype(np.int64)
    y[band] = rng.integers(0, 2, int(band.sum()))
    return build(
        "aleatoric",
        X,
        y,
        card=ALEATORIC,
        test_size=test_size,
        seed=seed,
        meta={
            "overlap": overlap,
            "overlap_region": ((-overlap / 2, overlap / 2), (-2.0, 2.0)),
            "bayes_accuracy": 1.0 - 0.5 * overlap / 6.0,
        },
    )


# --------------------------------------------------------------------- epistemic
EPISTEMIC = Card(
    title="Epistemic: a gap in the data",
    shows="The pool has no points in a central gap (meta['empty_region']), where the true "
    "boundary bulges upwards. Models trained on the pool extrapolate a flat boundary "
    "through the gap and are wrong there; a good model (ensemble, MC dropout) is unsure "
    "there: epistemic uncertainty, which labels in the gap would remove. The test split "
    "covers the gap, so test accuracy shows the cost; maps show it on the display plane.",
    source="alviz generator (uniform points, boundary y = bump * cos²(πx/gap) in the gap)",
    license=_GENERATED,
)


def _epistemic_label(X, gap, bump):
    inside = np.abs(X[:, 0]) < gap / 2
    boundary = np.where(inside, bump * np.cos(np.pi * X[:, 0] / gap) ** 2, 0.0)
    return (X[:, 1] > boundary).astype(np.int64)


@register("epistemic", EPISTEMIC)
def epistemic(
    n_samples: int = 500,
    gap: float = 2.0,
    bump: float = 1.5,
    n_in_gap: int = 0,
    test_size: float = 0.25,
    seed: int = 0,
):
    """Class 1 above a boundary that is flat except for a bump inside a gap the pool lacks.

    Parameters
    ----------
    n_samples : int
        Rows in pool and test together.
    gap : float
        Width of the central gap ``|x| < gap / 2`` (of the domain [-4, 4]).
    bump : float
        Height of the boundary's bump inside the gap (0: no surprise there).
    n_in_gap : int
        Pool points to place inside the gap anyway (0: none), so that active
        learning can query there.
    test_size : float
        Share of ``n_samples`` drawn as the test split, uniformly over the
        whole domain, gap included.
    seed : int
        Seed of the generator.

    Returns
    -------
    Dataset
        ``meta["empty_region"]`` is the gap as a box.
    """
    n_pool, n_test, seed = _sizes(n_samples, test_size, seed)
    gap = check_real(gap, "gap", 0.0, 6.0, low_open=True)
    bump = check_real(bump, "bump", 0.0, 2.5)
    n_in_gap = check_int(n_in_gap, "n_in_gap", 0, n_pool // 2)
    domain = ((-4.0, 4.0), (-2.5, 2.5))
    gap_box = ((-gap / 2, gap / 2), domain[1])
    rng_pool, rng_test = pool_and_test_streams(seed)
    # Outside the gap: x uniform over the two side intervals, so their density matches.
    side = 4.0 - gap / 2
    u = rng_pool.uniform(-side, side, n_pool - n_in_gap)
    x_out = np.where(u < 0, u - gap / 2, u + gap / 2)
    X_pool = np.vstack(
        [
            np.column_stack([x_out, rng_pool.uniform(*domain[1], len(x_out))]),
            _uniform_box(rng_pool, n_in_gap, gap_box),
        ]
    )
    X_test = _uniform_box(rng_test, n_test, domain)
    return build(
        "epistemic",
        X_pool,
        _epistemic_label(X_pool, gap, bump),
        card=EPISTEMIC,
        X_test=X_test,
        y_test=_epistemic_label(X_test, gap, bump),
        seed=seed,
        meta={"gap": gap, "bump": bump, "n_in_gap": n_in_gap, "empty_region": gap_box},
    )


# --------------------------------------------------------------------- outliers
OUTLIERS = Card(
    title="Outliers in the pool",
    shows="Two clean clusters plus a few far-away points with random labels, placed along "
    "the extension of the class boundary (meta['outlier_radius']: every point farther "
    "from the origin is an outlier). Entropy sampling chases them although labelling them "
    "teaches nothing about the test data: a Gaussian-process classifier ranks them all "
    "first (far from data it says 50/50), a logistic regression those near its boundary's "
    "extension. Density-weighted strategies do not. The outliers are in the pool only.",
    source="alviz generator (Gaussian clusters at (±1.5, 0); outliers on a far ring)",
    license=_GENERATED,
)


def _clean_clusters(rng, n: int, noise: float, radius: float):
    y = np.arange(n) % 2
    X = np.column_stack([np.where(y == 1, 1.5, -1.5), np.zeros(n)])
    X = X + noise * rng.standard_normal((n, 2))
    # Keep the clean data inside the outlier radius, so the radius separates the two.
    far = np.linalg.norm(X, axis=1) >= radius
    X[far] *= (0.95 * radius / np.linalg.norm(X[far], axis=1))[:, None]
    return X, y.astype(np.int64)


@register("outliers", OUTLIERS)
def outliers(
    n_samples: int = 500,
    n_outliers: int = 8,
    distance: float = 6.0,
    noise: float = 0.7,
    test_size: float = 0.25,
    seed: int = 0,
):
    """Two Gaussian clusters and ``n_outliers`` far points with random labels (pool only).

    Parameters
    ----------
    n_samples : int
        Rows in pool and test together (outliers included).
    n_outliers : int
        Far-away pool points.
    distance : float
        Their distance from the origin (between ``distance`` and ``distance + 1``).
    noise : float
        Standard deviation of the clean clusters.
    test_size : float
        Share of ``n_samples`` drawn as a clean test split.
    seed : int
        Seed of the generator.

    Returns
    -------
    Dataset
        ``meta["outlier_radius"]``: rows with ``norm(X) > radius`` are the outliers.
    """
    n_pool, n_test, seed = _sizes(n_samples, test_size, seed)
    n_outliers = check_int(n_outliers, "n_outliers", 0, n_pool // 4)
    distance = check_real(distance, "distance", 3.0, 100.0)
    noise = check_real(noise, "noise", 0.0, 1.5)
    radius = distance - 0.5
    rng_pool, rng_test = pool_and_test_streams(seed)
    X_pool, y_pool = _clean_clusters(rng_pool, n_pool - n_outliers, noise, radius)
    # Along the boundary's extension (angles near ±90°), where the clean data says nothing.
    angle = np.pi / 2 + np.pi * rng_pool.integers(0, 2, n_outliers)
    angle += rng_pool.uniform(-0.1, 0.1, n_outliers)
    r = rng_pool.uniform(distance, distance + 1.0, n_outliers)
    X_far = r[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
    X_pool = np.vstack([X_pool, X_far])
    y_pool = np.concatenate([y_pool, rng_pool.integers(0, 2, n_outliers)])
    X_test, y_test = _clean_clusters(rng_test, n_test, noise, radius)
    return build(
        "outliers",
        X_pool,
        y_pool,
        card=OUTLIERS,
        X_test=X_test,
        y_test=y_test,
        seed=seed,
        meta={"n_outliers": n_outliers, "outlier_radius": radius, "noise": noise},
    )


# --------------------------------------------------------------------- groups
GROUPS = Card(
    title="An under-represented group",
    shows="Each row belongs to a group (ds.groups: 0 majority, 1 minority; not a feature). "
    "The minority is rare and follows a different rule (class by the second coordinate "
    "instead of the first), so models fitted to the data serve it worse: per-group "
    "accuracy and calibration reveal what overall accuracy hides.",
    source="alviz generator (two Gaussian groups with different class boundaries)",
    license=_GENERATED,
)


@register("groups", GROUPS)
def groups(
    n_samples: int = 500,
    minority: float = 0.15,
    noise: float = 0.3,
    test_size: float = 0.25,
    seed: int = 0,
):
    """A majority group (class = x > 0) and a minority near (2, 0) whose class is y > 0.

    Parameters
    ----------
    n_samples : int
        Rows before the split.
    minority : float
        Share of rows in the minority group, in (0, 0.5].
    noise : float
        Standard deviation of the label noise along each group's deciding
        coordinate (0: a sharp boundary).
    test_size : float
        Share of rows held out, stratified on class and group.
    seed : int
        Seed of the generator and the split.

    Returns
    -------
    Dataset
        ``groups``/``groups_test`` hold 0 (majority) or 1 (minority);
        ``meta["group_names"]`` names them.
    """
    n_samples = check_int(n_samples, "n_samples", 40)
    minority = check_real(minority, "minority", 0.0, 0.5, low_open=True)
    noise = check_real(noise, "noise", 0.0)
    seed = check_seed(seed)
    n_min = round(n_samples * minority)
    if n_min < 8:
        raise ValueError(
            f"minority={minority} of n_samples={n_samples} gives {n_min} minority rows; the "
            f"split stratified on class and group needs at least 8. Raise either."
        )
    rng = np.random.default_rng(seed)
    g = rng.permutation((np.arange(n_samples) < n_min).astype(np.int64))
    X = np.where(g[:, None] == 1, [2.0, 0.0], [0.0, 0.0])
    X = X + np.where(g[:, None] == 1, 0.6, 1.2) * rng.standard_normal((n_samples, 2))
    deciding = np.where(g == 1, X[:, 1], X[:, 0])
    y = (deciding + noise * rng.standard_normal(n_samples) > 0).astype(np.int64)
    return build(
        "groups",
        X,
        y,
        card=GROUPS,
        test_size=test_size,
        seed=seed,
        groups=g,
        stratify=2 * y + g,
        meta={
            "minority": minority,
            "noise": noise,
            "group_names": ["majority", "minority"],
            "minority_group": 1,
        },
    )


# --------------------------------------------------------------------- both
ALEATORIC_EPISTEMIC = Card(
    title="Aleatoric and epistemic side by side",
    shows="A dense square where labels are a coin flip (meta['overlap_region']: aleatoric, "
    "more labels do not help) and, above it, a sparsely sampled box that the labelled data "
    "never reach (meta['empty_region']: epistemic). With a model whose draws approximate a "
    "posterior (bootstrapped logistic regression, MC dropout, an ensemble of MLPs), entropy "
    "queries the dense square while BALD (mutual information) queries the sparse box. "
    "Single trees' votes are not such draws: with a random forest, BALD also picks the square.",
    source="alviz generator (uniform boxes; clean classes left and right of the square)",
    license=_GENERATED,
)

_OVERLAP_BOX = ((-1.0, 1.0), (-1.0, 1.0))
_EMPTY_BOX = ((-1.0, 1.0), (2.5, 3.5))
_CLASS_BOXES = (((-4.0, -1.5), (-1.0, 1.0)), ((1.5, 4.0), (-1.0, 1.0)))


def _ae_sample(rng, n: int, n_empty: int, overlap_share: float):
    n_main = n - n_empty
    n_overlap = round(overlap_share * n_main)
    n0 = (n_main - n_overlap) // 2
    n1 = n_main - n_overlap - n0
    X = np.vstack(
        [
            _uniform_box(rng, n_overlap, _OVERLAP_BOX),
            _uniform_box(rng, n0, _CLASS_BOXES[0]),
            _uniform_box(rng, n1, _CLASS_BOXES[1]),
            _uniform_box(rng, n_empty, _EMPTY_BOX),
        ]
    )
    X_empty = X[n_main:]
    y = np.concatenate(
        [
            rng.permutation(np.arange(n_overlap) % 2),  # as many of each class: a fair mix
            np.zeros(n0, dtype=np.int64),
            np.ones(n1, dtype=np.int64),
            (X_empty[:, 0] > 0).astype(np.int64),  # the boundary x = 0 goes on up
        ]
    )
    order = rng.permutation(n)  # regions not in blocks in the source order
    return X[order], y[order].astype(np.int64)


@register("aleatoric_epistemic", ALEATORIC_EPISTEMIC)
def aleatoric_epistemic(
    n_samples: int = 500,
    n_empty: int = 10,
    overlap_share: float = 0.4,
    test_size: float = 0.25,
    seed: int = 0,
):
    """A dense 50/50 square at the centre, clean classes beside it, a sparse box above it.

    Parameters
    ----------
    n_samples : int
        Rows in pool and test together.
    n_empty : int
        Pool points in the sparse box (the test split gets the same share).
    overlap_share : float
        Share of the other rows that fall in the 50/50 square, in (0, 0.8].
    test_size : float
        Share of ``n_samples`` drawn as the test split (same layout).
    seed : int
        Seed of the generator.

    Returns
    -------
    Dataset
        ``meta["overlap_region"]`` and ``meta["empty_region"]`` are boxes
        ``((x0, x1), (y0, y1))``; :func:`in_box` finds their rows.
    """
    n_pool, n_test, seed = _sizes(n_samples, test_size, seed)
    n_empty = check_int(n_empty, "n_empty", 2, n_pool // 10)
    overlap_share = check_real(overlap_share, "overlap_share", 0.0, 0.8, low_open=True)
    rng_pool, rng_test = pool_and_test_streams(seed)
    X_pool, y_pool = _ae_sample(rng_pool, n_pool, n_empty, overlap_share)
    n_empty_test = round(n_empty * n_test / n_pool)
    X_test, y_test = _ae_sample(rng_test, n_test, n_empty_test, overlap_share)
    return build(
        "aleatoric_epistemic",
        X_pool,
        y_pool,
        card=ALEATORIC_EPISTEMIC,
        X_test=X_test,
        y_test=y_test,
        seed=seed,
        meta={
            "n_empty": n_empty,
            "overlap_share": overlap_share,
            "overlap_region": _OVERLAP_BOX,
            "empty_region": _EMPTY_BOX,
        },
    )
