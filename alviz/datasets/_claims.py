"""Claims of dataset cards as data: each one a statement a test can check.

A card's prose says what a world shows; its ``claims`` say it as executable
statements ("with model M, epistemic uncertainty in region R is at least k
times that elsewhere", "of the first 10 BALD queries at least 6 land in R").
Each claim is a small frozen dataclass with

- ``measure(seed) -> float``: load the world with that seed, run what the
  claim describes, return one number;
- ``holds(value) -> bool``: whether that number makes the claim true;
- ``text()``: the claim as a sentence, for cards and ``data/datasets.md``.

``tests/test_dataset_claims.py`` checks every claim of every registered
dataset over :data:`SEEDS`; ``cards_markdown`` prints the measured values.

Regions are data too: a :class:`Box`, a :class:`Disc`, an :class:`Interval`
(on the first feature, for 1-D worlds), or a :class:`Named` region stored in
``ds.meta`` under a key (a box ``((x0, x1), (y0, y1))``, an interval
``(lo, hi)`` or a disc ``{"centre": (x, y), "radius": r, "outside": bool}``).
Regions are tested on the features ``X`` (which are the display plane in the
2-D worlds).

The datasets layer holds claims as data only; measuring one needs models and
sessions (higher layers), imported when :meth:`measure` runs.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "SEEDS",
    "Accuracy",
    "Box",
    "Claim",
    "Difference",
    "Disc",
    "Interval",
    "MeanIn",
    "Named",
    "NearDuplicates",
    "Not",
    "QueriesIn",
    "SequencesDiffer",
    "UncertaintyRatio",
    "measured",
]

#: Seeds every claim is checked on (the world, the model and the session all take it).
SEEDS = (0, 1, 2)

Params = tuple[tuple[str, Any], ...]


# ----------------------------------------------------------------- regions
@dataclass(frozen=True)
class Box:
    """Axis-aligned box ``x0 <= x <= x1, y0 <= y <= y1`` on the first two features."""

    x: tuple[float, float]
    y: tuple[float, float]

    def contains(self, X, meta=None) -> np.ndarray:
        """Boolean mask of shape (n,) over the rows of ``X`` (shape (n, >=2))."""
        X = np.asarray(X)
        return (
            (X[:, 0] >= self.x[0])
            & (X[:, 0] <= self.x[1])
            & (X[:, 1] >= self.y[0])
            & (X[:, 1] <= self.y[1])
        )

    def text(self) -> str:
        return f"in the box [{self.x[0]:g}, {self.x[1]:g}] x [{self.y[0]:g}, {self.y[1]:g}]"


@dataclass(frozen=True)
class Interval:
    """``lo <= x <= hi`` on the first feature (1-D worlds)."""

    lo: float
    hi: float

    def contains(self, X, meta=None) -> np.ndarray:
        x = np.asarray(X)[:, 0]
        return (x >= self.lo) & (x <= self.hi)

    def text(self) -> str:
        return f"at x in [{self.lo:g}, {self.hi:g}]"


@dataclass(frozen=True)
class Disc:
    """Points within ``radius`` of ``centre`` (or beyond it, with ``outside=True``)."""

    centre: tuple[float, float]
    radius: float
    outside: bool = False

    def contains(self, X, meta=None) -> np.ndarray:
        d = np.linalg.norm(np.asarray(X)[:, :2] - np.asarray(self.centre), axis=1)
        return d > self.radius if self.outside else d <= self.radius

    def text(self) -> str:
        where = "farther than {:g} from" if self.outside else "within {:g} of"
        return f"{where.format(self.radius)} ({self.centre[0]:g}, {self.centre[1]:g})"


@dataclass(frozen=True)
class Named:
    """A region stored in ``ds.meta[key]`` (its shape depends on the world's knobs)."""

    key: str
    label: str = ""

    def resolve(self, meta: dict):
        """The concrete :class:`Box`, :class:`Interval` or :class:`Disc` in ``meta``."""
        if self.key not in meta:
            raise KeyError(f"the dataset's meta has no region {self.key!r}; it has {list(meta)}.")
        v = meta[self.key]
        if isinstance(v, dict):
            return Disc(tuple(v["centre"]), float(v["radius"]), bool(v.get("outside", False)))
        a, b = v
        if np.ndim(a) == 1:
            return Box(tuple(a), tuple(b))
        return Interval(float(a), float(b))

    def contains(self, X, meta=None) -> np.ndarray:
        return self.resolve(meta or {}).contains(X)

    def text(self) -> str:
        return f"in {self.label or self.key} (meta[{self.key!r}])"


@dataclass(frozen=True)
class Not:
    """Every point outside ``region``."""

    region: Box | Interval | Disc | Named

    def contains(self, X, meta=None) -> np.ndarray:
        return ~self.region.contains(X, meta)

    def text(self) -> str:
        inner = self.region.text()
        return "outside " + (inner[3:] if inner.startswith("in ") else inner)


Region = Box | Interval | Disc | Named | Not


# ----------------------------------------------------------------- shared machinery
def _load(dataset: str, params: Params, seed: int):
    from ._registry import load

    return load(dataset, **dict(params), seed=seed)


def _grid(ds, n: int = 60) -> np.ndarray:
    """Points spread evenly over the bounding box of pool and test (n per axis)."""
    X = np.vstack([ds.X, ds.X_test]) if len(ds.X_test) else ds.X
    lo, hi = X.min(axis=0), X.max(axis=0)
    if X.shape[1] == 1:
        return np.linspace(lo[0], hi[0], n * n // 4)[:, None]
    gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], n), np.linspace(lo[1], hi[1], n))
    return np.column_stack([gx.ravel(), gy.ravel()])


@functools.lru_cache(maxsize=32)
def _fitted(dataset: str, params: Params, model: str, model_params: Params, seed: int):
    """The world and a model fitted on its labelled pool; cached, as several claims share one."""
    from .. import models

    ds = _load(dataset, params, seed)
    labeled = ds.is_labeled
    fitted = models.make(model, seed=seed, **dict(model_params))
    return ds, fitted.fit(ds.X[labeled], ds.y[labeled])


def _session(
    ds, model, model_params, strategy, batch_size, initial, initial_region, seed, n_draws=20
):
    """A Session seeded with ``initial`` labels (drawn from ``initial_region`` if given)."""
    from ..session import Session

    s = Session(
        ds,
        model=model,
        strategy=strategy,
        batch_size=batch_size,
        initial=initial if initial_region is None else 0,
        seed=seed,
        n_draws=n_draws,
        model_params=dict(model_params),
    )
    if initial_region is None:
        return s
    inside = np.flatnonzero(initial_region.contains(ds.X, ds.meta))
    start = np.random.default_rng(seed).choice(
        inside, size=min(initial, len(inside)), replace=False
    )
    for i in start:
        s.label(int(i), ds.y[i].item())
    return s


def _queries(s, n_queries: int) -> np.ndarray:
    out: list[int] = []
    while len(out) < n_queries:
        out += s.step().tolist()
    return np.asarray(out[:n_queries], dtype=np.int64)


def _bounds_text(at_least, at_most) -> str:
    if at_least is None and at_most is None:
        return "N"
    if at_least is not None and at_most is not None:
        return f"between {at_least:g} and {at_most:g}"
    return f"at least {at_least:g}" if at_least is not None else f"at most {at_most:g}"


class Claim:
    """Base of every claim: bounds on one measured number.

    Subclasses are frozen dataclasses with ``dataset`` (registry name),
    ``params`` (the world's knobs as pairs), ``at_least`` and/or ``at_most``,
    and implement ``measure(seed)`` and ``text()``. A claim without bounds is
    a measurement only (a side of a :class:`Difference`); a card's claims
    all have bounds (the template test checks).
    """

    dataset: str
    at_least: float | None
    at_most: float | None

    def __post_init__(self):
        pass

    def holds(self, value: float) -> bool:
        """Whether ``value`` (from :meth:`measure`) makes the claim true."""
        if not np.isfinite(value):
            return False
        lo_ok = self.at_least is None or value >= self.at_least
        hi_ok = self.at_most is None or value <= self.at_most
        return bool(lo_ok and hi_ok)

    def measure(self, seed: int) -> float:  # pragma: no cover - every subclass overrides
        raise NotImplementedError

    def text(self) -> str:  # pragma: no cover - every subclass overrides
        raise NotImplementedError

    def __str__(self) -> str:
        return self.text()


@functools.cache
def measured(claim: Claim, seed: int) -> float:
    """``claim.measure(seed)``, computed once per process (tests and the cards file share it)."""
    return float(claim.measure(seed))


def _params_text(params: Params) -> str:
    return "" if not params else " (" + ", ".join(f"{k}={v!r}" for k, v in params) + ")"


def _model_text(model: str, model_params: Params) -> str:
    return f"`{model}`" + _params_text(model_params)


# ----------------------------------------------------------------- claim kinds
_MEASURES = {
    "epistemic": "mutual information of the draws; a regressor's epistemic variance",
    "aleatoric": "expected entropy of the draws; a regressor's aleatoric variance",
    "total": "entropy of the mean prediction; a regressor's total variance",
}


def _uncertainty(model, X, measure: str, task: str, seed: int, n_draws: int) -> np.ndarray:
    if task == "regression":
        _, var_a, var_e = model.predict_uncertainty(X, n_draws=n_draws, seed=seed)
        return {"epistemic": var_e, "aleatoric": var_a, "total": var_a + var_e}[measure]
    from .. import uncertainty as u

    draws = model.sample_proba(X, n_draws=n_draws, seed=seed)
    total, aleatoric, epistemic = u.decompose(draws)
    return {"epistemic": epistemic, "aleatoric": aleatoric, "total": total}[measure]


@dataclass(frozen=True)
class UncertaintyRatio(Claim):
    """Mean uncertainty ``measure`` in ``region`` over the mean elsewhere (on a grid).

    The model is fitted on the whole (labelled) pool; the ratio is taken over
    a 60 x 60 grid spanning pool and test (900 points on 1-D worlds).
    """

    dataset: str
    model: str
    measure_name: str
    region: Region
    at_least: float | None = None
    at_most: float | None = None
    params: Params = ()
    model_params: Params = ()
    n_draws: int = 50

    def __post_init__(self):
        super().__post_init__()
        if self.measure_name not in _MEASURES:
            raise ValueError(
                f"measure_name must be one of {sorted(_MEASURES)}; got {self.measure_name!r}."
            )

    def measure(self, seed: int) -> float:
        ds, model = _fitted(self.dataset, self.params, self.model, self.model_params, seed)
        G = _grid(ds)
        u = _uncertainty(model, G, self.measure_name, ds.task, seed, self.n_draws)
        inside = self.region.contains(G, ds.meta)
        return float(u[inside].mean() / max(u[~inside].mean(), 1e-300))

    def text(self) -> str:
        return (
            f"With {_model_text(self.model, self.model_params)} fitted on the pool"
            f"{_params_text(self.params)}, the mean {self.measure_name} uncertainty "
            f"({_MEASURES[self.measure_name]}) {self.region.text()} is "
            f"{_bounds_text(self.at_least, self.at_most)} times its mean elsewhere."
        )


_MEAN_OF = {
    "epistemic": "epistemic uncertainty",
    "aleatoric": "aleatoric uncertainty",
    "total": "total uncertainty",
    "aleatoric_sd": "predicted noise sd (the square root of the aleatoric variance)",
}


@dataclass(frozen=True)
class MeanIn(Claim):
    """Mean of an uncertainty ``quantity`` over the grid points in ``region``.

    ``quantity`` is one of ``"epistemic"``, ``"aleatoric"``, ``"total"`` (as
    :class:`UncertaintyRatio`) or ``"aleatoric_sd"`` (regressors: the
    predicted noise standard deviation). ``truth`` is printed beside it.
    """

    dataset: str
    model: str
    quantity: str
    region: Region
    at_least: float | None = None
    at_most: float | None = None
    params: Params = ()
    model_params: Params = ()
    truth: float | None = None
    n_draws: int = 50

    def __post_init__(self):
        super().__post_init__()
        if self.quantity not in _MEAN_OF:
            raise ValueError(f"quantity must be one of {sorted(_MEAN_OF)}; got {self.quantity!r}.")

    def measure(self, seed: int) -> float:
        ds, model = _fitted(self.dataset, self.params, self.model, self.model_params, seed)
        G = _grid(ds)
        sd = self.quantity == "aleatoric_sd"
        u = _uncertainty(
            model, G, "aleatoric" if sd else self.quantity, ds.task, seed, self.n_draws
        )
        u = np.sqrt(u) if sd else u
        return float(u[self.region.contains(G, ds.meta)].mean())

    def text(self) -> str:
        truth = "" if self.truth is None else f" (the truth there: {self.truth:g})"
        return (
            f"With {_model_text(self.model, self.model_params)} fitted on the pool"
            f"{_params_text(self.params)}, the mean {_MEAN_OF[self.quantity]} "
            f"{self.region.text()} is {_bounds_text(self.at_least, self.at_most)}{truth}."
        )


@dataclass(frozen=True)
class Accuracy(Claim):
    """Test accuracy of a model fitted on the pool, on the test rows in ``region`` / ``group``."""

    dataset: str
    model: str
    region: Region | None = None
    group: int | None = None
    at_least: float | None = None
    at_most: float | None = None
    params: Params = ()
    model_params: Params = ()

    def measure(self, seed: int) -> float:
        ds, model = _fitted(self.dataset, self.params, self.model, self.model_params, seed)
        keep = np.ones(len(ds.y_test), dtype=bool)
        if self.region is not None:
            keep &= self.region.contains(ds.X_test, ds.meta)
        if self.group is not None:
            keep &= ds.groups_test == self.group
        return float((model.predict(ds.X_test[keep]) == ds.y_test[keep]).mean())

    def text(self) -> str:
        where = []
        if self.region is not None:
            where.append(self.region.text())
        if self.group is not None:
            where.append(f"of group {self.group}")
        on = " on the test points " + " and ".join(where) if where else " on the test split"
        return (
            f"{_model_text(self.model, self.model_params)} fitted on the pool"
            f"{_params_text(self.params)} has accuracy {_bounds_text(self.at_least, self.at_most)}"
            f"{on}."
        )


@dataclass(frozen=True)
class QueriesIn(Claim):
    """How many of a Session's first ``n_queries`` queries land in ``region``.

    The Session starts from ``initial`` random labels (or random labels from
    ``initial_region``) and queries ``batch_size`` points per step.
    """

    dataset: str
    model: str
    strategy: str
    region: Region
    n_queries: int = 10
    at_least: float | None = None
    at_most: float | None = None
    initial: int = 10
    initial_region: Region | None = None
    batch_size: int = 1
    params: Params = ()
    model_params: Params = ()

    def measure(self, seed: int) -> float:
        ds = _load(self.dataset, self.params, seed)
        s = _session(
            ds,
            self.model,
            self.model_params,
            self.strategy,
            self.batch_size,
            self.initial,
            self.initial_region,
            seed,
        )
        q = _queries(s, self.n_queries)
        return float(self.region.contains(ds.X[q], ds.meta).sum())

    def text(self) -> str:
        start = f"{self.initial} random labels" + (
            f" {self.initial_region.text()}" if self.initial_region is not None else ""
        )
        return (
            f"With {_model_text(self.model, self.model_params)}, `{self.strategy}` sampling "
            f"(from {start}, {self.batch_size} per step) puts "
            f"{_bounds_text(self.at_least, self.at_most)} of its first {self.n_queries} queries "
            f"{self.region.text()}{_params_text(self.params)}."
        )


@dataclass(frozen=True)
class SequencesDiffer(Claim):
    """How many of the first ``n_queries`` of two strategies' Sessions differ (as sets)."""

    dataset: str
    model: str
    strategies: tuple[str, str]
    n_queries: int = 10
    at_least: float | None = None
    at_most: float | None = None
    initial: int = 10
    batch_size: int = 1
    params: Params = ()
    model_params: Params = ()

    def measure(self, seed: int) -> float:
        ds = _load(self.dataset, self.params, seed)
        a, b = (
            set(
                _queries(
                    _session(
                        ds,
                        self.model,
                        self.model_params,
                        strategy,
                        self.batch_size,
                        self.initial,
                        None,
                        seed,
                    ),
                    self.n_queries,
                ).tolist()
            )
            for strategy in self.strategies
        )
        return float(len(a - b))

    def text(self) -> str:
        a, b = self.strategies
        return (
            f"With {_model_text(self.model, self.model_params)} (from {self.initial} random "
            f"labels, {self.batch_size} per step), {_bounds_text(self.at_least, self.at_most)} "
            f"of the first "
            f"{self.n_queries} queries of `{a}` are not among those of `{b}`"
            f"{_params_text(self.params)}."
        )


@dataclass(frozen=True)
class NearDuplicates(Claim):
    """Pairs closer than ``eps`` in one batch of ``batch_size`` queries (the first step)."""

    dataset: str
    model: str
    strategy: str
    eps: float
    batch_size: int = 10
    at_least: float | None = None
    at_most: float | None = None
    initial: int = 10
    params: Params = ()
    model_params: Params = ()
    n_draws: int = 20

    def measure(self, seed: int) -> float:
        ds = _load(self.dataset, self.params, seed)
        s = _session(
            ds,
            self.model,
            self.model_params,
            self.strategy,
            self.batch_size,
            self.initial,
            None,
            seed,
            self.n_draws,
        )
        Xq = ds.X[s.step()]
        d = np.linalg.norm(Xq[:, None, :] - Xq[None, :, :], axis=-1)
        return float(np.triu(d < self.eps, k=1).sum())

    def text(self) -> str:
        return (
            f"With {_model_text(self.model, self.model_params)} (from {self.initial} random "
            f"labels, {self.n_draws} draws), one batch of {self.batch_size} `{self.strategy}` "
            f"queries holds "
            f"{_bounds_text(self.at_least, self.at_most)} pairs closer than {self.eps:g}"
            f"{_params_text(self.params)}."
        )


@dataclass(frozen=True)
class Difference(Claim):
    """``first.measure(seed) - second.measure(seed)``: one strategy or model against another.

    The two claims' own bounds are not checked here (give them separately if
    they matter); only the difference's.
    """

    first: Claim
    second: Claim
    at_least: float | None = None
    at_most: float | None = None
    what: str = ""

    @property
    def dataset(self) -> str:
        return self.first.dataset

    def __post_init__(self):
        super().__post_init__()
        if self.first.dataset != self.second.dataset:
            raise ValueError(
                f"both sides of a Difference must be on one dataset; got "
                f"{self.first.dataset!r} and {self.second.dataset!r}."
            )

    def measure(self, seed: int) -> float:
        return measured(self.first, seed) - measured(self.second, seed)

    def text(self) -> str:
        what = self.what or "The number measured by (1) minus that measured by (2)"
        return (
            f"{what} is {_bounds_text(self.at_least, self.at_most)}, where (1): "
            f"{self.first.text()} (2): {self.second.text()}"
        )
