"""The Session: the one mutable state of an active-learning run.

A Session holds a dataset, the labels given so far (which may differ from
the ground truth), a model, a strategy and an oracle. ``step()`` fits the
model, scores the pool, selects a batch, asks the oracle and records a
:class:`Round`. Every action can be undone, back to the start.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from . import acquisition, models
from ._validation import check_random_state
from .acquisition import Context
from .calibration import brier_score, expected_calibration_error, negative_log_likelihood
from .datasets import UNLABELED, Dataset
from .oracles import make_oracle

__all__ = ["Round", "Session"]


@dataclass
class Round:
    """What happened in one call of :meth:`Session.step`.

    Attributes
    ----------
    index : int
        0 for the first step.
    n_labeled : int
        Labels the model was fitted on in this round.
    queried : ndarray of shape (batch_size,)
        Dataset indices chosen, best first.
    scores : ndarray of shape (batch_size,)
        Their acquisition scores.
    labels : ndarray of shape (batch_size,)
        The oracle's answers (-1 while a person has not answered).
    pool_indices : ndarray of shape (n_pool,)
    pool_scores : ndarray of shape (n_pool,)
        Snapshot of every pool score (float32).
    metrics : dict
        Test metrics of the model fitted in this round.
    timings : dict
        Seconds spent in fit, predict, score, select and in total.
    strategy, model : str
    note : str
        Anything the user should know (e.g. a fallback that was used).
    """

    index: int
    n_labeled: int
    queried: np.ndarray
    scores: np.ndarray
    labels: np.ndarray
    pool_indices: np.ndarray
    pool_scores: np.ndarray
    metrics: dict
    timings: dict
    strategy: str
    model: str
    note: str = ""
    diagnostics: dict = field(default_factory=dict)


@dataclass
class _Snapshot:
    """The state an action changed, so that undo can put it back."""

    labels: dict
    n_rounds: int
    pending: list
    rng_state: dict
    action: str


def _name_of(obj) -> str:
    return obj if isinstance(obj, str) else getattr(obj, "name", type(obj).__name__)


class Session:
    """An active-learning run: dataset, labels, model, strategy and oracle.

    Parameters
    ----------
    dataset : Dataset
        The pool (``dataset.X``) and the test split used for metrics.
    model : str or estimator
        A name from :func:`alviz.models.names` or any scikit-learn classifier
        with ``predict_proba`` (draws by bootstrap if it has no ``sample_proba``).
    strategy : str or Strategy
        A name from :func:`alviz.acquisition.names` or an instance.
    batch_size : int
        Points queried per step.
    initial : int
        Labels drawn before the first step (seeded).
    oracle : {"simulated", "noisy", "human"} or Oracle
    seed : int
        Seeds the initial labels, the model, tie-breaking and the oracle.
    init : {"random", "balanced"}
        How the initial labels are drawn (balanced: as even over classes as the pool allows).
    n_draws : int
        Sampled predictions per point for strategies that need draws.
    noise : float or array-like
        Flip rate of the ``noisy`` oracle.
    model_params, strategy_params : dict, optional
        Passed to :func:`alviz.models.make` / :func:`alviz.acquisition.get`.
    """

    def __init__(
        self,
        dataset: Dataset,
        model="logreg",
        strategy="entropy",
        batch_size: int = 1,
        initial: int = 10,
        oracle="simulated",
        seed: int = 0,
        init: str = "random",
        n_draws: int = 20,
        noise=0.1,
        model_params: dict | None = None,
        strategy_params: dict | None = None,
    ):
        if not isinstance(dataset, Dataset):
            raise TypeError(
                f"dataset must be an alviz Dataset; got {type(dataset).__name__}. Build one with "
                f"alviz.datasets.load(name) or alviz.datasets.from_arrays(X, y)."
            )
        if dataset.task != "classification":
            raise ValueError(
                f"Session runs classification; dataset {dataset.name!r} is a {dataset.task} task."
            )
        if init not in ("random", "balanced"):
            raise ValueError(f"init must be 'random' or 'balanced'; got {init!r}.")
        if not isinstance(initial, int | np.integer) or not 0 <= initial <= dataset.n_samples:
            raise ValueError(
                f"initial must be an integer in [0, {dataset.n_samples}] (the pool size); "
                f"got {initial!r}."
            )
        self.dataset = dataset
        self.batch_size = batch_size
        self.initial = int(initial)
        self.seed = seed
        self.init = init
        self.n_draws = n_draws
        self.oracle = make_oracle(oracle, **({"noise": noise} if oracle == "noisy" else {}))
        self._model_spec, self._model_params = model, dict(model_params or {})
        self._strategy_params = dict(strategy_params or {})
        self.strategy = acquisition.get(strategy, **self._strategy_params)
        self.model = self._make_model(model)
        self.reset()

    # ------------------------------------------------------------------ state
    def reset(self) -> None:
        """Forget every label and round; draw the initial labels again (same seed, same draw)."""
        self._rng = check_random_state(self.seed)
        self._labels: dict[int, int] = {}
        self._pending: list[int] = []
        self._undo: list[_Snapshot] = []
        self.history: list[Round] = []
        self._fitted_on = None
        self.model_ = None
        start = self._initial_indices()
        if len(start):
            given = self.oracle.answer(start, self.dataset.y, self._rng)
            self._record_answers(start, given)

    def _initial_indices(self) -> np.ndarray:
        ds, k = self.dataset, self.initial
        candidates = np.flatnonzero(ds.is_labeled)  # a person's unlabeled rows cannot seed
        k = min(k, len(candidates))
        if self.init == "random" or k == 0:
            return self._rng.choice(candidates, size=k, replace=False)
        # Balanced: round-robin over classes in a seeded order, as even as the pool allows.
        by_class = [
            self._rng.permutation(candidates[ds.y[candidates] == c]) for c in range(ds.n_classes)
        ]
        out, r = [], 0
        while len(out) < k:
            for members in by_class:
                if r < len(members) and len(out) < k:
                    out.append(members[r])
            r += 1
        return np.asarray(out, dtype=np.int64)

    def _record_answers(self, indices, answers) -> None:
        for i, a in zip(indices.tolist(), np.asarray(answers).tolist(), strict=True):
            if a == UNLABELED:
                self._pending.append(i)
            else:
                self._labels[i] = int(a)

    def _snapshot(self, action: str) -> None:
        self._undo.append(
            _Snapshot(
                dict(self._labels),
                len(self.history),
                list(self._pending),
                self._rng.bit_generator.state,
                action,
            )
        )

    @property
    def labeled_indices(self) -> np.ndarray:
        """Dataset indices with a label, in the order the labels were given; shape (n_labeled,)."""
        return np.fromiter(self._labels, dtype=np.int64, count=len(self._labels))

    @property
    def labels(self) -> np.ndarray:
        """The labels given, aligned with :attr:`labeled_indices`; shape (n_labeled,)."""
        return np.fromiter(self._labels.values(), dtype=np.int64, count=len(self._labels))

    @property
    def pending(self) -> np.ndarray:
        """Queried indices still waiting for a person's label; shape (n_pending,)."""
        return np.asarray(self._pending, dtype=np.int64)

    @property
    def pool_indices(self) -> np.ndarray:
        """Dataset indices without a label, ascending; shape (n_pool,)."""
        mask = np.ones(self.dataset.n_samples, dtype=bool)
        mask[self.labeled_indices] = False
        return np.flatnonzero(mask)

    def pool_size(self) -> int:
        """Number of unlabeled points."""
        return self.dataset.n_samples - len(self._labels)

    @property
    def model_label(self) -> str:
        """Short name of the current model, for titles."""
        return _name_of(self._model_spec)

    @property
    def n_classes(self) -> int:
        """Number of classes of the task."""
        return self.dataset.n_classes

    # ------------------------------------------------------------------ model
    def _make_model(self, spec):
        params = dict(self._model_params)
        if isinstance(spec, str):
            params.setdefault("seed", self.seed)
            return models.make(spec, **params)
        return models.as_model(spec)

    def fit(self):
        """Fit the model on the labels given so far (skipped if nothing changed since).

        Returns
        -------
        fitted model, or None when fewer than two classes are labeled.
        """
        key = (tuple(self._labels.items()), id(self.model))
        if self._fitted_on == key:
            return self.model_
        idx, y = self.labeled_indices, self.labels
        self.model_ = self.model.fit(self.dataset.X[idx], y) if len(np.unique(y)) >= 2 else None
        self._fitted_on = key
        return self.model_

    def predict_proba(self, X) -> np.ndarray:
        """Probabilities of the current model, shape (n, n_classes).

        Before two classes are labeled there is no model: the labeled class
        frequencies are returned for every row (uniform when nothing is labeled).
        """
        model = self.fit()
        if model is None:
            counts = np.bincount(self.labels, minlength=self.n_classes).astype(np.float64)
            prior = (
                counts / counts.sum()
                if counts.sum()
                else np.full(self.n_classes, 1 / self.n_classes)
            )
            return np.tile(prior, (len(X), 1))
        return models.full_proba(model, X, self.n_classes)

    def sample_proba(self, X, n_draws: int | None = None) -> np.ndarray:
        """Sampled probabilities of the current model, shape (n_draws, n, n_classes)."""
        n_draws = n_draws or self.n_draws
        model = self.fit()
        if model is None:
            return np.broadcast_to(self.predict_proba(X), (n_draws, len(X), self.n_classes))
        return models.full_draws(model, X, self.n_classes, n_draws, seed=self.seed)

    def _context(self, pool: np.ndarray, timings: dict) -> Context:
        ds = self.dataset
        ctx = Context(
            X_pool=ds.X[pool],
            pool_indices=pool,
            X_labeled=ds.X[self.labeled_indices],
            y_labeled=self.labels,
            n_classes=self.n_classes,
            model=self.model_,
        )
        t = time.perf_counter()
        needs = self.strategy.needs
        if "probs" in needs:
            ctx.probs = self.predict_proba(ctx.X_pool)
        if "draws" in needs:
            ctx.probs_draws = self.sample_proba(ctx.X_pool)
            if ctx.probs is None:
                ctx.probs = ctx.probs_draws.mean(axis=0)
        if "embeddings" in needs:
            embed = getattr(self.model_, "embed", None)
            ctx.embeddings = embed(ctx.X_pool) if embed else ctx.X_pool
            ctx.embeddings_labeled = embed(ctx.X_labeled) if embed else ctx.X_labeled
        timings["predict"] = time.perf_counter() - t
        return ctx

    # ------------------------------------------------------------------ loop
    def step(self) -> np.ndarray:
        """Fit, score the pool, select a batch, ask the oracle and record a Round.

        Returns
        -------
        ndarray of shape (batch_size,)
            The queried dataset indices. With a human oracle they stay pending
            until :meth:`label` fills them.
        """
        if self._pending:
            raise RuntimeError(
                f"{len(self._pending)} queried point(s) still wait for a label "
                f"(indices {self._pending[:5]}...): call session.label(index, label) for each, "
                f"or session.undo() to withdraw the query."
            )
        pool = self.pool_indices
        acquisition.check_batch_size(self.batch_size, len(pool))
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        self._snapshot("step")
        self.fit()
        timings["fit"] = time.perf_counter() - t0
        note = ""
        if self.model_ is None:
            note = (
                "Fewer than two classes are labeled, so there is no model yet: "
                "the pool is scored uniformly and queried at random."
            )
            ctx = Context(X_pool=self.dataset.X[pool], pool_indices=pool, n_classes=self.n_classes)
            strategy = acquisition.get("random")
            timings["predict"] = 0.0
        else:
            ctx, strategy = self._context(pool, timings), self.strategy
        t = time.perf_counter()
        scores = np.asarray(strategy.score(ctx), dtype=np.float64)
        timings["score"] = time.perf_counter() - t
        t = time.perf_counter()
        queried = np.asarray(strategy.select(ctx, self.batch_size, self._rng), dtype=np.int64)
        timings["select"] = time.perf_counter() - t
        answers = self.oracle.answer(queried, self.dataset.y, self._rng)
        pos = np.searchsorted(pool, queried)
        metrics = self._test_metrics()
        n_labeled = len(self._labels)
        self._record_answers(queried, answers)
        timings["total"] = time.perf_counter() - t0
        self.history.append(
            Round(
                index=len(self.history),
                n_labeled=n_labeled,
                queried=queried,
                scores=scores[pos],
                labels=np.asarray(answers, dtype=np.int64),
                pool_indices=pool,
                pool_scores=scores.astype(np.float32),
                metrics=metrics,
                timings=timings,
                strategy=_name_of(strategy),
                model=_name_of(self._model_spec),
                note=note,
            )
        )
        return queried

    def run(self, n_rounds: int) -> None:
        """Call :meth:`step` ``n_rounds`` times (or until the pool is too small)."""
        for _ in range(n_rounds):
            if self.pool_size() < self.batch_size:
                break
            self.step()

    def label(self, index: int, label: int) -> None:
        """Give (or change) the label of one training point, e.g. after a click.

        Parameters
        ----------
        index : int
            Dataset index of the point, in ``[0, dataset.n_samples)``.
        label : int
            Class index in ``[0, n_classes)``.
        """
        n, c = self.dataset.n_samples, self.n_classes
        if not isinstance(index, int | np.integer) or not 0 <= index < n:
            raise ValueError(f"index must be an integer in [0, {n}); got {index!r}.")
        if not isinstance(label, int | np.integer) or not 0 <= label < c:
            raise ValueError(
                f"label must be a class index in [0, {c}) (classes: {list(self.dataset.classes)}); "
                f"got {label!r}."
            )
        self._snapshot("label")
        index, label = int(index), int(label)
        if index in self._pending:
            self._pending.remove(index)
            if self.history and index in self.history[-1].queried:
                r = self.history[-1]
                r.labels = r.labels.copy()
                r.labels[np.flatnonzero(r.queried == index)] = label
        self._labels[index] = label

    def undo(self) -> bool:
        """Undo the last action (a step or a label). Returns False when there is nothing to undo."""
        if not self._undo:
            return False
        s = self._undo.pop()
        self._labels, self._pending = s.labels, s.pending
        del self.history[s.n_rounds :]
        self._rng.bit_generator.state = s.rng_state
        return True

    # ------------------------------------------------------------------ switching
    def set_strategy(self, strategy, **params) -> None:
        """Switch the acquisition strategy; the labels and history are kept."""
        self.strategy = acquisition.get(strategy, **params)

    def set_model(self, model, **params) -> None:
        """Switch the model; it is refitted at the next step, and the history is kept."""
        self._model_spec, self._model_params = model, dict(params)
        self.model = self._make_model(model)
        self._fitted_on, self.model_ = None, None

    # ------------------------------------------------------------------ metrics
    def _test_metrics(self) -> dict:
        ds = self.dataset
        if len(ds.y_test) == 0:
            return {}
        p = self.predict_proba(ds.X_test)
        y = ds.y_test
        pred = p.argmax(axis=1)
        # Macro-F1 by hand: sklearn's f1_score costs more than the whole fit here.
        tp = np.bincount(y[pred == y], minlength=self.n_classes)
        f1 = (
            2
            * tp
            / np.maximum(
                np.bincount(pred, minlength=self.n_classes)
                + np.bincount(y, minlength=self.n_classes),
                1,
            )
        )
        present = np.bincount(y, minlength=self.n_classes) > 0
        return {
            "accuracy": float((pred == y).mean()),
            "macro_f1": float(f1[present].mean()),
            "nll": negative_log_likelihood(p, y),
            "ece": expected_calibration_error(p, y),
            "brier": brier_score(p, y),
        }

    def metrics(self):
        """One row per round: labels used, test metrics and timings.

        Returns
        -------
        pandas.DataFrame
        """
        import pandas as pd

        rows = [
            {
                "round": r.index,
                "n_labeled": r.n_labeled,
                "strategy": r.strategy,
                "model": r.model,
                **r.metrics,
                "step_seconds": r.timings.get("total", np.nan),
            }
            for r in self.history
        ]
        return pd.DataFrame(rows)

    def __repr__(self) -> str:
        return (
            f"Session({self.dataset.name!r}, model={_name_of(self._model_spec)!r}, "
            f"strategy={self.strategy.name!r}, labeled={len(self._labels)}, "
            f"pool={self.pool_size()}, rounds={len(self.history)})"
        )
