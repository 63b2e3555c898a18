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
from ._claims import Accuracy, Difference, Named, NearDuplicates, Not, QueriesIn, UncertaintyRatio
from ._params import (
    check_int,
    check_real,
    check_seed,
    pool_and_test_sizes,
    pool_and_test_streams,
)
from ._registry import register

__all__ = [
    "aleatoric",
    "aleatoric_epistemic",
    "epistemic",
    "groups",
    "in_box",
    "missed_cluster",
    "outliers",
    "repeated_noise",
]

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
_BAND = Named("overlap_region", "the 50/50 band")

ALEATORIC = Card(
    title="Aleatoric: overlapping classes",
    shows="A band where the two classes are mixed 50/50 (meta['overlap_region']); outside it "
    "the classes are clean. Uncertainty there is aleatoric: more labels do not remove it. "
    "Entropy sampling keeps querying the band. meta['bayes_accuracy'] = 1 - overlap / 12 "
    "is the expected accuracy of the best possible classifier.",
    source="alviz generator (uniform square; labels random inside a vertical band)",
    license=_GENERATED,
    claims=(
        Accuracy("aleatoric", "logreg", region=Not(_BAND), at_least=0.95),
        Accuracy("aleatoric", "logreg", region=_BAND, at_most=0.7),
        UncertaintyRatio("aleatoric", "logreg", "total", _BAND, at_least=2.0),
        QueriesIn("aleatoric", "logreg", "entropy", _BAND, n_queries=20, at_least=15),
    ),
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
_GAP = Named("empty_region", "the gap")

EPISTEMIC = Card(
    title="Epistemic: a gap in the data",
    shows="The pool has no points in a central gap (meta['empty_region']), where the true "
    "boundary bulges upwards. A model trained on the pool draws a flat boundary through the "
    "gap and is wrong there; the test split covers the gap, so test accuracy shows the cost. "
    "A deep ensemble with randomized priors is more unsure (epistemic uncertainty) in the "
    "gap than elsewhere. MC dropout is not: its uncertainty grows away from the data at the "
    "edges of a world, not in a gap between data (Foong et al. 2019, 'In-Between' "
    "Uncertainty in Bayesian Neural Networks).",
    source="alviz generator (uniform points, boundary y = bump * cos²(πx/gap) in the gap)",
    license=_GENERATED,
    claims=(
        Difference(
            Accuracy("epistemic", "logreg", region=Not(_GAP)),
            Accuracy("epistemic", "logreg", region=_GAP),
            at_least=0.05,
            what="Test accuracy outside the gap minus in the gap",
        ),
        UncertaintyRatio("epistemic", "deep_ensemble", "epistemic", _GAP, at_least=1.5),
        UncertaintyRatio("epistemic", "mlp_mc_dropout", "epistemic", _GAP, at_most=1.2),
    ),
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
_FAR = Named("outlier_region", "the outliers")

OUTLIERS = Card(
    title="Outliers in the pool",
    shows="Two clean clusters plus a few far-away points with random labels, placed along "
    "the extension of the class boundary (meta['outlier_region']: every point farther than "
    "meta['outlier_radius'] from the origin is an outlier). Entropy sampling chases them "
    "although labelling them teaches nothing about the test data: a Gaussian-process "
    "classifier ranks them first (far from data it says 50/50). Density-weighted sampling "
    "does not query them. The outliers are in the pool only.",
    source="alviz generator (Gaussian clusters at (±1.5, 0); outliers on a far ring)",
    license=_GENERATED,
    claims=(
        QueriesIn("outliers", "gp", "entropy", _FAR, 8, at_least=6, initial=20, batch_size=8),
        QueriesIn(
            "outliers", "gp", "density_weighted", _FAR, 8, at_most=0, initial=20, batch_size=8
        ),
    ),
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
        meta={
            "n_outliers": n_outliers,
            "outlier_radius": radius,
            "outlier_region": {"centre": (0.0, 0.0), "radius": radius, "outside": True},
            "noise": noise,
        },
    )


# --------------------------------------------------------------------- groups
GROUPS = Card(
    title="An under-represented group",
    shows="Each row belongs to a group (ds.groups: 0 majority, 1 minority; not a feature). "
    "The minority is rare and follows a different rule (class by the second coordinate "
    "instead of the first), so a model fitted to the data serves it worse: per-group "
    "accuracy reveals what overall accuracy hides.",
    source="alviz generator (two Gaussian groups with different class boundaries)",
    license=_GENERATED,
    claims=(
        Difference(
            Accuracy("groups", "logreg", group=0),
            Accuracy("groups", "logreg", group=1),
            at_least=0.15,
            what="Test accuracy of the majority minus that of the minority",
        ),
    ),
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
_EMPTY = Named("empty_region", "the sparse box")
_SQUARE = Named("overlap_region", "the 50/50 square")
# 40 labels from outside the sparse box, then one batch of 10: where do the first picks go?
_AE_START = {"initial": 40, "initial_region": Not(_EMPTY), "batch_size": 10}


def _ae_bald(model: str, **bounds) -> QueriesIn:
    return QueriesIn("aleatoric_epistemic", model, "bald", _EMPTY, 10, **bounds, **_AE_START)


ALEATORIC_EPISTEMIC = Card(
    title="Aleatoric and epistemic side by side",
    shows="A dense square where labels are a coin flip (meta['overlap_region']: aleatoric, "
    "more labels do not help) and, above it, a sparsely sampled box that the labelled data "
    "never reach (meta['empty_region']: epistemic). With a model whose draws approximate a "
    "posterior (Laplace logistic regression, MC dropout, a deep ensemble), entropy queries "
    "the dense square while BALD (mutual information) queries the sparse box. MC dropout's "
    "epistemic uncertainty is larger in the sparse box than elsewhere.",
    source="alviz generator (uniform boxes; clean classes left and right of the square)",
    license=_GENERATED,
    claims=(
        QueriesIn("aleatoric_epistemic", "logreg", "entropy", _SQUARE, 10, at_least=8, **_AE_START),
        _ae_bald("logreg", at_least=6),
        _ae_bald("mlp_mc_dropout", at_least=6),
        _ae_bald("deep_ensemble", at_least=6),
        UncertaintyRatio("aleatoric_epistemic", "mlp_mc_dropout", "epistemic", _EMPTY, at_least=2),
    ),
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


# --------------------------------------------------------------------- missed cluster
_MISSED = {"centre": (-5.0, 0.0), "radius": 1.5}

MISSED_CLUSTER = Card(
    title="Sampling bias: a cluster uncertainty sampling never finds",
    shows="Two large clusters (class 0 left, class 1 right) and, far beyond class 0, a small "
    "cluster of class 1 (meta['hidden_cluster']). Starting from labels outside it, a model "
    "calls the far cluster class 0 with confidence, so uncertainty sampling keeps querying "
    "the boundary between the two large clusters and never looks there, while random "
    "sampling soon labels a point in it (Dasgupta 2011, 'Two faces of active learning').",
    source="alviz generator (Gaussian clusters at (-1.5, 0), (1.5, 0) and (-5, 0))",
    license=_GENERATED,
    claims=tuple(
        QueriesIn(
            "missed_cluster",
            "logreg",
            strategy,
            Named("hidden_cluster", "the far cluster"),
            30,
            initial=10,
            initial_region=Not(Named("hidden_cluster", "the far cluster")),
            **bounds,
        )
        for strategy, bounds in [
            ("entropy", {"at_most": 0}),
            ("margin", {"at_most": 0}),
            ("random", {"at_least": 1}),
        ]
    ),
)


def _missed_sample(rng, n: int, share: float, spread: float):
    n_hidden = max(1, round(share * n))
    n0 = (n - n_hidden) // 2
    n1 = n - n_hidden - n0
    centres = np.array([[-1.5, 0.0]] * n0 + [[1.5, 0.0]] * n1 + [_MISSED["centre"]] * n_hidden)
    sd = np.array([spread] * (n0 + n1) + [0.35] * n_hidden)[:, None]
    X = centres + sd * rng.standard_normal((n, 2))
    y = np.array([0] * n0 + [1] * (n1 + n_hidden), dtype=np.int64)
    order = rng.permutation(n)
    return X[order], y[order]


@register("missed_cluster", MISSED_CLUSTER)
def missed_cluster(
    n_samples: int = 400,
    share: float = 0.1,
    spread: float = 0.6,
    test_size: float = 0.25,
    seed: int = 0,
):
    """Two large Gaussian clusters and a small class-1 cluster far beyond class 0.

    Parameters
    ----------
    n_samples : int
        Rows in pool and test together.
    share : float
        Share of the rows in the far cluster, in (0, 0.3].
    spread : float
        Standard deviation of the two large clusters (the far one has 0.35).
    test_size : float
        Share of ``n_samples`` drawn as the test split (same layout).
    seed : int
        Seed of the generator.

    Returns
    -------
    Dataset
        ``meta["hidden_cluster"]`` is the far cluster as a disc
        ``{"centre": (x, y), "radius": r}``.
    """
    n_pool, n_test, seed = _sizes(n_samples, test_size, seed)
    share = check_real(share, "share", 0.0, 0.3, low_open=True)
    spread = check_real(spread, "spread", 0.05, 1.0)
    rng_pool, rng_test = pool_and_test_streams(seed)
    X_pool, y_pool = _missed_sample(rng_pool, n_pool, share, spread)
    X_test, y_test = _missed_sample(rng_test, n_test, share, spread)
    return build(
        "missed_cluster",
        X_pool,
        y_pool,
        card=MISSED_CLUSTER,
        X_test=X_test,
        y_test=y_test,
        seed=seed,
        meta={"share": share, "spread": spread, "hidden_cluster": dict(_MISSED)},
    )


# --------------------------------------------------------------------- repeated noise
def _dup(strategy: str, **bounds) -> NearDuplicates:
    # A GP's draws keep how points depend on each other (joint draws), which BatchBALD needs.
    return NearDuplicates("repeated_noise", "gp", strategy, eps=0.15, n_draws=100, **bounds)


REPEATED_NOISE = Card(
    title="Repeated points with noise: why batches need BatchBALD",
    shows="Every point of a small two-class world is copied several times with a little "
    "noise (meta['n_copies'], meta['copy_noise']; pool row r copies original r // n_copies), as "
    "in Kirsch et al.'s Repeated MNIST (2019). Taking the top k BALD scores fills a batch "
    "with copies of the same few points, which teach the model once; BatchBALD scores "
    "the batch jointly and picks different points.",
    source="alviz generator (two Gaussian classes, each point repeated with Gaussian jitter)",
    license=_GENERATED,
    claims=(
        _dup("bald", at_least=6),
        _dup("batch_bald", at_most=1),
        Difference(_dup("bald"), _dup("batch_bald"), at_least=5, what="Near-duplicate pairs"),
    ),
)


@register("repeated_noise", REPEATED_NOISE)
def repeated_noise(
    n_samples: int = 320,
    n_copies: int = 4,
    copy_noise: float = 0.03,
    test_size: float = 0.25,
    seed: int = 0,
):
    """Two overlapping Gaussian classes; each pool point is repeated ``n_copies`` times.

    Parameters
    ----------
    n_samples : int
        Rows in pool and test together (the pool's rows are copies).
    n_copies : int
        Copies of each original point in the pool, in [1, 10].
    copy_noise : float
        Standard deviation of the jitter added to each copy.
    test_size : float
        Share of ``n_samples`` drawn as the test split (originals, no copies).
    seed : int
        Seed of the generator.

    Returns
    -------
    Dataset
        Pool row ``r`` is a copy of original point ``r // n_copies``; the test
        rows are originals, without copies.
    """
    n_pool, n_test, seed = _sizes(n_samples, test_size, seed)
    n_copies = check_int(n_copies, "n_copies", 1, 10)
    copy_noise = check_real(copy_noise, "copy_noise", 0.0, 1.0)
    if n_pool // n_copies < 4:
        raise ValueError(
            f"n_copies={n_copies} leaves {n_pool // n_copies} original points in a pool of "
            f"{n_pool}; lower n_copies or raise n_samples."
        )
    rng_pool, rng_test = pool_and_test_streams(seed)

    def originals(rng, n):
        y = np.arange(n) % 2
        X = np.column_stack([np.where(y == 1, 1.0, -1.0), np.zeros(n)])
        return X + rng.standard_normal((n, 2)), y.astype(np.int64)

    n_orig = n_pool // n_copies
    X0, y0 = originals(rng_pool, n_orig)
    source = np.repeat(np.arange(n_orig), n_copies)
    X_pool = X0[source] + copy_noise * rng_pool.standard_normal((len(source), 2))
    X_test, y_test = originals(rng_test, n_test)
    return build(
        "repeated_noise",
        X_pool,
        y0[source],
        card=REPEATED_NOISE,
        X_test=X_test,
        y_test=y_test,
        seed=seed,
        meta={"n_copies": n_copies, "copy_noise": copy_noise, "n_originals": n_orig},
    )
