"""The Session: the one mutable state of an active-learning run.

A Session holds a dataset, the labels given so far (which may differ from
the ground truth), a model, a strategy and an oracle. ``step()`` fits the
model, scores the pool, selects a batch, asks the oracle and records a
:class:`Round`. Every action (a step, a label) can be undone, back to the
start; a session saves to one file and loads back, and with ``autosave`` no
label a person gave is ever lost.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass, field

import numpy as np

from . import acquisition, models
from ._validation import check_random_state
from ._warnings import AlvizWarning
from .acquisition import Context
from .calibration import brier_score, expected_calibration_error, negative_log_likelihood
from .datasets import UNLABELED, Dataset
from .oracles import HumanOracle, SimulatedOracle, make_oracle
from .stopping import check_stop

__all__ = ["Round", "Session"]

_DEFAULTS = {
    "classification": ("logreg", "entropy"),
    "regression": ("deep_ensemble_regressor", "max_epistemic_variance"),
}


@dataclass
class Round:
    """What happened in one call of :meth:`Session.step`.

    Attributes
    ----------
    index : int
        0 for the first step.
    n_labeled : int
        Labels the model was fitted on in this round (before the query).
    queried : ndarray of shape (batch_size,)
        Dataset indices chosen, best first.
    scores : ndarray of shape (batch_size,)
        Their acquisition scores.
    labels : ndarray of shape (batch_size,)
        The oracle's answers (-1, or NaN for regression, while a person has not answered).
    pool_indices : ndarray of shape (n_pool,)
    pool_scores : ndarray of shape (n_pool,)
        Snapshot of every pool score (float32).
    metrics : dict
        Test metrics of the model fitted in this round.
    timings : dict
        Seconds spent in fit, predict, score, select, metrics and in total.
    strategy, model : str
    note : str
        Anything the user should know (e.g. a fallback that was used).
    diagnostics : dict
        Who was queried: ``class_share`` and ``pool_class_share`` (true classes of
        the queries and of the pool, per class), ``group_share`` and
        ``pool_group_share`` when the dataset has groups, ``noisy_share`` (share
        of answers that differ from the ground truth).
    test_predictions : ndarray of shape (n_test,) or None
        Predicted test labels, for stopping on stable predictions.
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
    test_predictions: np.ndarray | None = None


@dataclass
class _Action:
    """One undoable action, stored as a diff so that it is small and can be saved."""

    kind: str  # "step" or "label"
    changes: list  # [(index, previous label or None)] in the order applied
    n_rounds: int  # len(history) before the action
    pending: list  # pending queries before the action
    rng_state: dict  # generator state before the action


def _name_of(obj) -> str:
    return obj if isinstance(obj, str) else getattr(obj, "name", type(obj).__name__)


class Session:
    """An active-learning run: dataset, labels, model, strategy and oracle.

    Parameters
    ----------
    dataset : Dataset
        The pool (``dataset.X``) and the test split used for metrics. Rows whose
        label is unknown (``UNLABELED``) can be labelled by a person.
    model : str or estimator, optional
        A name from :func:`alviz.models.names` or any scikit-learn classifier
        with ``predict_proba`` (draws by bootstrap if it has no ``sample_proba``).
        Default: ``"logreg"`` (classification), ``"deep_ensemble_regressor"`` (regression).
    strategy : str or Strategy, optional
        A name from :func:`alviz.acquisition.names` or an instance. Default:
        ``"entropy"`` (classification), ``"max_epistemic_variance"`` (regression).
    batch_size : int
        Points queried per step.
    initial : int
        Labels drawn at random (seeded) before the first step. When the
        dataset is only partly labelled (a person's own data, some rows
        ``UNLABELED``), every known label is used instead and ``initial`` is ignored.
    oracle : {"simulated", "noisy", "human"} or Oracle
        Who answers: the ground truth, the truth with flips (``noise``), or a
        person through :meth:`label`.
    seed : int
        Seeds the initial labels, the model, tie-breaking and the oracle.
    init : {"random", "balanced"}
        How the initial labels are drawn (balanced: as even over classes as the pool allows).
    n_draws : int
        Sampled predictions per point for strategies that need draws.
    noise : float or array-like
        Flip rate of the ``noisy`` oracle (see :class:`alviz.oracles.NoisyOracle`).
    costs : array-like of shape (n_samples,), optional
        Annotation cost of each training row (default 1), for cost-aware strategies.
    model_params, strategy_params : dict, optional
        Passed to :func:`alviz.models.make` / :func:`alviz.acquisition.get`.
    autosave : str or path, optional
        Save the session to this file after every step, label, undo and reset.
    """

    def __init__(
        self,
        dataset: Dataset,
        model=None,
        strategy=None,
        batch_size: int = 1,
        initial: int = 10,
        oracle="simulated",
        seed: int = 0,
        init: str = "random",
        n_draws: int = 20,
        noise=0.1,
        costs=None,
        model_params: dict | None = None,
        strategy_params: dict | None = None,
        autosave=None,
    ):
        if not isinstance(dataset, Dataset):
            raise TypeError(
                f"dataset must be an alviz Dataset; got {type(dataset).__name__}. Build one with "
                f"alviz.datasets.load(name) or alviz.datasets.from_arrays(X, y)."
            )
        if init not in ("random", "balanced"):
            raise ValueError(f"init must be 'random' or 'balanced'; got {init!r}.")
        if not isinstance(initial, int | np.integer) or not 0 <= initial <= dataset.n_samples:
            raise ValueError(
                f"initial must be an integer in [0, {dataset.n_samples}] (the pool size); "
                f"got {initial!r}."
            )
        if not isinstance(n_draws, int | np.integer) or n_draws < 1:
            raise ValueError(f"n_draws must be an integer >= 1; got {n_draws!r}.")
        default_model, default_strategy = _DEFAULTS[dataset.task]
        self.dataset = dataset
        self.batch_size = batch_size
        self.initial = int(initial)
        self.seed = seed
        self.init = init
        self.n_draws = int(n_draws)
        self.costs = self._check_costs(costs, dataset.n_samples)
        self.oracle = make_oracle(oracle, **({"noise": noise} if oracle == "noisy" else {}))
        self._model_spec = default_model if model is None else model
        self._model_params = dict(model_params or {})
        self._strategy_params = dict(strategy_params or {})
        self.strategy = acquisition.get(
            default_strategy if strategy is None else strategy, **self._strategy_params
        )
        self._check_strategy_task(self.strategy)
        self.model = self._make_model(self._model_spec)
        self.autosave = autosave
        self.stop_reason: str | None = None
        self.reset()

    @staticmethod
    def _check_costs(costs, n):
        if costs is None:
            return None
        c = np.asarray(costs, dtype=np.float64)
        if c.shape != (n,) or not np.all(np.isfinite(c)) or (c <= 0).any():
            raise ValueError(
                f"costs must be {n} positive finite numbers, one per training row; got an array "
                f"of shape {c.shape}."
            )
        return c

    def _check_strategy_task(self, strategy) -> None:
        task = getattr(strategy, "task", "classification")
        if task not in (self.dataset.task, "any"):
            raise ValueError(
                f"strategy {strategy.name!r} is for {task}, but dataset {self.dataset.name!r} is a "
                f"{self.dataset.task} task; choose one of {acquisition.names(self.dataset.task)}."
            )

    # ------------------------------------------------------------------ state
    @property
    def task(self) -> str:
        """``"classification"`` or ``"regression"``, from the dataset."""
        return self.dataset.task

    def _missing(self):
        return np.nan if self.task == "regression" else UNLABELED

    def reset(self) -> None:
        """Forget every label and round; draw the initial labels again (same seed, same draw)."""
        self._rng = check_random_state(self.seed)
        self._labels: dict[int, float | int] = {}
        self._pending: list[int] = []
        self._actions: list[_Action] = []
        self.history: list[Round] = []
        self._fitted_on = None
        self.model_ = None
        self.stop_reason = None
        start = self._initial_indices()
        if len(start):
            # A person is not asked for the seed labels: those come from the known labels.
            oracle = SimulatedOracle() if isinstance(self.oracle, HumanOracle) else self.oracle
            self._record_answers(start, oracle.answer(start, self.dataset.y, self._rng))
        self._autosave()

    def _initial_indices(self) -> np.ndarray:
        ds, k = self.dataset, self.initial
        candidates = np.flatnonzero(ds.is_labeled)  # a person's unlabeled rows cannot seed
        if len(candidates) < ds.n_samples:
            # Partly labelled data (a person's own): every label already given is kept.
            return candidates
        k = min(k, len(candidates))
        if self.init == "random" or k == 0 or self.task == "regression":
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

    def _is_missing(self, answer) -> bool:
        return bool(np.isnan(answer)) if self.task == "regression" else answer == UNLABELED

    def _record_answers(self, indices, answers) -> list:
        """Store the oracle's answers; return the label changes as (index, previous)."""
        changes = []
        cast = float if self.task == "regression" else int
        for i, a in zip(np.asarray(indices).tolist(), np.asarray(answers).tolist(), strict=True):
            if self._is_missing(a):
                self._pending.append(i)
            else:
                changes.append((i, self._labels.get(i)))
                self._labels[i] = cast(a)
        return changes

    def _begin(self, kind: str) -> _Action:
        action = _Action(
            kind, [], len(self.history), list(self._pending), self._rng.bit_generator.state
        )
        self._actions.append(action)
        return action

    @property
    def labeled_indices(self) -> np.ndarray:
        """Dataset indices with a label, in the order the labels were given; shape (n_labeled,)."""
        return np.fromiter(self._labels, dtype=np.int64, count=len(self._labels))

    @property
    def labels(self) -> np.ndarray:
        """The labels given, aligned with :attr:`labeled_indices`; shape (n_labeled,)."""
        dtype = np.float64 if self.task == "regression" else np.int64
        return np.fromiter(self._labels.values(), dtype=dtype, count=len(self._labels))

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
    def n_classes(self) -> int:
        """Number of classes of the task (0 for regression)."""
        return self.dataset.n_classes

    @property
    def model_label(self) -> str:
        """Short name of the current model, for titles."""
        return _name_of(self._model_spec)

    def is_noisy(self) -> np.ndarray:
        """Mask aligned with :attr:`labeled_indices`: True where the label differs from the truth.

        Rows whose ground truth is unknown (a person's own data) count as not noisy.
        """
        truth = self.dataset.y[self.labeled_indices]
        known = self.dataset.is_labeled[self.labeled_indices]
        return known & (self.labels != truth)

    # ------------------------------------------------------------------ model
    def _make_model(self, spec):
        params = dict(self._model_params)
        if isinstance(spec, str):
            params.setdefault("seed", self.seed)
            return models.make(spec, **params)
        if self.task == "regression":
            return spec
        return models.as_model(spec)

    def _min_labels_ok(self) -> bool:
        if self.task == "regression":
            return len(self._labels) >= 2
        return len(set(self._labels.values())) >= 2

    def fit(self):
        """Fit the model on the labels given so far (skipped if nothing changed since).

        Returns
        -------
        fitted model, or None while there is too little to fit on (fewer than
        two labelled classes, or fewer than two regression targets).
        """
        key = (tuple(self._labels.items()), id(self.model))
        if self._fitted_on == key:
            return self.model_
        if self._min_labels_ok():
            self.model_ = self.model.fit(self.dataset.X[self.labeled_indices], self.labels)
        else:
            self.model_ = None
        self._fitted_on = key
        return self.model_

    def _prior_proba(self, n: int) -> np.ndarray:
        counts = np.bincount(self.labels, minlength=self.n_classes).astype(np.float64)
        total = counts.sum()
        prior = counts / total if total else np.full(self.n_classes, 1 / self.n_classes)
        return np.tile(prior, (n, 1))

    def predict_proba(self, X) -> np.ndarray:
        """Probabilities of the current model, shape (n, n_classes).

        Before two classes are labeled there is no model: the labeled class
        frequencies are returned for every row (uniform when nothing is labeled).
        """
        self._require_task("classification", "predict_proba")
        model = self.fit()
        if model is None:
            return self._prior_proba(len(X))
        return models.full_proba(model, X, self.n_classes)

    def sample_proba(self, X, n_draws: int | None = None) -> np.ndarray:
        """Sampled probabilities of the current model, shape (n_draws, n, n_classes)."""
        self._require_task("classification", "sample_proba")
        n_draws = n_draws or self.n_draws
        model = self.fit()
        if model is None:
            return np.broadcast_to(self._prior_proba(len(X)), (n_draws, len(X), self.n_classes))
        return models.full_draws(model, X, self.n_classes, n_draws, seed=self.seed)

    def predict_uncertainty(self, X, n_draws: int | None = None):
        """Regression: predictive mean and its aleatoric and epistemic variances.

        Returns
        -------
        mean, var_aleatoric, var_epistemic : ndarray of shape (n,)
            Before two targets are labelled: the labelled mean (or 0) with
            the labelled variance (or 1) as epistemic variance.
        """
        self._require_task("regression", "predict_uncertainty")
        model = self.fit()
        n = len(X)
        if model is None:
            y = self.labels
            mu, var = (float(y.mean()), 1.0) if len(y) else (0.0, 1.0)
            return np.full(n, mu), np.zeros(n), np.full(n, var)
        mean, va, ve = model.predict_uncertainty(X, n_draws=n_draws or self.n_draws)
        return np.asarray(mean), np.asarray(va), np.asarray(ve)

    def _require_task(self, task: str, what: str) -> None:
        if self.task != task:
            other = "predict_uncertainty" if task == "classification" else "predict_proba"
            raise ValueError(
                f"{what} is for {task}; this session's dataset is a {self.task} task: use {other}."
            )

    def context(self, X=None, strategy=None) -> Context:
        """What ``strategy`` (default: the current one) sees, for the pool or for rows ``X``.

        Parameters
        ----------
        X : array-like of shape (n, n_features), optional
            Rows to score instead of the pool (e.g. a display grid); their
            ``pool_indices`` are ``0..n-1``.
        strategy : Strategy, optional

        Returns
        -------
        Context
            Filled with what the strategy declares in ``needs``.
        """
        strategy = self.strategy if strategy is None else strategy
        ds = self.dataset
        if X is None:
            pool = self.pool_indices
            X_pool = ds.X[pool]
        else:
            X_pool = np.asarray(X, dtype=np.float64)
            pool = np.arange(len(X_pool))
        lab = self.labeled_indices
        model = self.fit()
        ctx = Context(
            X_pool=X_pool,
            pool_indices=pool,
            X_labeled=ds.X[lab],
            y_labeled=self.labels,
            n_classes=self.n_classes,
            model=model,
        )
        needs = strategy.needs
        if "probs" in needs:
            ctx.probs = self.predict_proba(X_pool)
        if "draws" in needs:
            ctx.probs_draws = self.sample_proba(X_pool)
            if ctx.probs is None:
                ctx.probs = ctx.probs_draws.mean(axis=0)
        if "embeddings" in needs or "gradients" in needs:
            embed = getattr(model, "embed", None) or (lambda rows: rows)
            ctx.embeddings = embed(X_pool)
            ctx.embeddings_labeled = embed(ctx.X_labeled)
            if X is not None:
                # Scoring rows that are not the pool (a display grid): density-aware
                # strategies must still measure density against the real pool.
                ctx.extra["density_reference"] = embed(ds.X[self.pool_indices])
            if "gradients" in needs and ctx.probs is None:
                ctx.probs = self.predict_proba(X_pool)
        if "regression" in needs:
            mean, va, ve = self.predict_uncertainty(X_pool)
            ctx.extra.update(mean=mean, var_aleatoric=va, var_epistemic=ve)
        if "loss" in needs:
            if model is None or not hasattr(model, "predict_loss"):
                raise ValueError(
                    f"strategy {strategy.name!r} needs a model that predicts its loss "
                    f"(predict_loss); {self.model_label!r} does not. Use "
                    f"model='mlp_loss_prediction'."
                )
            ctx.extra["predicted_loss"] = np.asarray(model.predict_loss(X_pool))
        if "costs" in needs:
            ctx.extra["costs"] = (
                np.ones(len(pool)) if self.costs is None or X is not None else self.costs[pool]
            )
        return ctx

    def score_pool(self):
        """Scores of every pool point under the current strategy and model.

        Returns
        -------
        pool_indices : ndarray of shape (n_pool,)
        scores : ndarray of shape (n_pool,)
            Higher = more informative; zeros while there is no model yet.
        """
        pool = self.pool_indices
        if self.fit() is None or len(pool) == 0:
            return pool, np.zeros(len(pool))
        return pool, np.asarray(self.strategy.score(self.context()), dtype=np.float64)

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
                f"(indices {self._pending[:5]}): call session.label(index, label) for each, "
                f"or session.undo() to withdraw the query."
            )
        pool = self.pool_indices
        acquisition.check_batch_size(self.batch_size, len(pool))
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        self.fit()
        timings["fit"] = time.perf_counter() - t0
        note, strategy = "", self.strategy
        t = time.perf_counter()
        if self.model_ is None:
            note = (
                "Too few labels for a model yet (fewer than two classes): "
                "the pool is scored uniformly and queried at random."
            )
            strategy = acquisition.get("random")
            ctx = Context(X_pool=self.dataset.X[pool], pool_indices=pool, n_classes=self.n_classes)
        else:
            ctx = self.context(strategy=strategy)
        timings["predict"] = time.perf_counter() - t
        t = time.perf_counter()
        with warnings.catch_warnings(record=True) as caught:
            # A strategy's fallbacks (e.g. too few labels to calibrate) become the
            # round's note, shown to the user, rather than a warning lost in a log.
            warnings.simplefilter("always", AlvizWarning)
            scores = np.asarray(strategy.score(ctx), dtype=np.float64)
            timings["score"] = time.perf_counter() - t
            action = self._begin("step")  # after the checks: a failed step leaves no trace
            t = time.perf_counter()
            try:
                queried = np.asarray(
                    strategy.select(ctx, self.batch_size, self._rng), dtype=np.int64
                )
            except Exception:
                self._actions.pop()
                raise
        for w in caught:
            if issubclass(w.category, AlvizWarning):
                note = " ".join(filter(None, [note, str(w.message)]))
            else:
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        timings["select"] = time.perf_counter() - t
        t = time.perf_counter()
        metrics, test_pred = self._test_metrics()
        timings["metrics"] = time.perf_counter() - t
        n_labeled = len(self._labels)
        answers = self.oracle.answer(queried, self.dataset.y, self._rng)
        action.changes = self._record_answers(queried, answers)
        timings["total"] = time.perf_counter() - t0
        self.history.append(
            Round(
                index=len(self.history),
                n_labeled=n_labeled,
                queried=queried,
                scores=scores[np.searchsorted(pool, queried)],
                labels=np.asarray(answers),
                pool_indices=pool,
                pool_scores=scores.astype(np.float32),
                metrics=metrics,
                timings=timings,
                strategy=_name_of(strategy),
                model=self.model_label,
                note=note,
                diagnostics=self._diagnostics(queried, answers, pool),
                test_predictions=test_pred,
            )
        )
        self._autosave()
        return queried

    def run(self, n_rounds: int | None = None, stop=()) -> str:
        """Step until ``n_rounds`` are done, a stop criterion fires, or the pool runs out.

        Parameters
        ----------
        n_rounds : int, optional
            At most this many steps (no limit if None: then give ``stop``).
        stop : callable or sequence of callables
            Criteria from :mod:`alviz.stopping` (e.g. ``Budget(100)``,
            ``TargetAccuracy(0.9)``), checked before every step.

        Returns
        -------
        str
            Why the run stopped (also kept in :attr:`stop_reason`).
        """
        stop = (stop,) if callable(stop) else tuple(stop)
        if n_rounds is None and not stop:
            raise ValueError("give n_rounds or at least one stop criterion, or run() never ends.")
        done = 0
        while True:
            reason = check_stop(self, stop)
            if reason is None and n_rounds is not None and done >= n_rounds:
                reason = f"{n_rounds} rounds done"
            if reason is None and self.pool_size() < self.batch_size:
                reason = "the pool is exhausted"
            if reason is None and self._pending:
                reason = "queries wait for a person's labels"
            if reason:
                self.stop_reason = reason
                return reason
            self.step()
            done += 1

    def label(self, index: int, label) -> None:
        """Give (or change) the label of one training point, e.g. after a click.

        Parameters
        ----------
        index : int
            Dataset index of the point, in ``[0, dataset.n_samples)``.
        label : int or float
            Class index in ``[0, n_classes)``; a finite float for regression.
        """
        n = self.dataset.n_samples
        if not isinstance(index, int | np.integer) or not 0 <= index < n:
            raise ValueError(f"index must be an integer in [0, {n}); got {index!r}.")
        label = self._check_label(label)
        index = int(index)
        action = self._begin("label")
        if index in self._pending:
            self._pending.remove(index)
            self._fill_pending_answer(index, label)
        action.changes = [(index, self._labels.get(index))]
        self._labels[index] = label
        self._autosave()

    def _check_label(self, label):
        if self.task == "regression":
            if isinstance(label, bool) or not isinstance(label, int | float | np.number):
                raise TypeError(f"label must be a number for regression; got {label!r}.")
            if not np.isfinite(label):
                raise ValueError(f"label must be finite; got {label!r}.")
            return float(label)
        c = self.n_classes
        if isinstance(label, bool) or not isinstance(label, int | np.integer) or not 0 <= label < c:
            raise ValueError(
                f"label must be a class index in [0, {c}) (classes: "
                f"{list(self.dataset.classes)}); got {label!r}."
            )
        return int(label)

    def _fill_pending_answer(self, index: int, label) -> None:
        for r in reversed(self.history):
            hit = np.flatnonzero(r.queried == index)
            if len(hit):
                r.labels = r.labels.copy()
                r.labels[hit] = label
                return

    def undo(self) -> bool:
        """Undo the last action (a step or a label).

        Returns
        -------
        bool
            False when there is nothing to undo (the start of the run).
        """
        if not self._actions:
            return False
        a = self._actions.pop()
        for index, previous in reversed(a.changes):
            if previous is None:
                del self._labels[index]
            else:
                self._labels[index] = previous
        self._pending = list(a.pending)
        del self.history[a.n_rounds :]
        if a.kind == "label":
            self._restore_pending_answers()
        self._rng.bit_generator.state = a.rng_state
        self.stop_reason = None
        self._autosave()
        return True

    def _restore_pending_answers(self) -> None:
        # A label undone on a pending query makes it pending again in the round's record.
        missing = self._missing()
        for index in self._pending:
            for r in reversed(self.history):
                hit = np.flatnonzero(r.queried == index)
                if len(hit):
                    r.labels = r.labels.copy()
                    r.labels[hit] = missing
                    break

    @property
    def can_undo(self) -> bool:
        """Whether :meth:`undo` has something to undo."""
        return bool(self._actions)

    # ------------------------------------------------------------------ switching
    def set_strategy(self, strategy, **params) -> None:
        """Switch the acquisition strategy; the labels and history are kept."""
        new = acquisition.get(strategy, **params)
        self._check_strategy_task(new)
        self.strategy, self._strategy_params = new, dict(params)

    def set_model(self, model, **params) -> None:
        """Switch the model; it is refitted at the next use, and the history is kept."""
        new = self._make_model_with(model, params)
        self._model_spec, self._model_params, self.model = model, dict(params), new
        self._fitted_on, self.model_ = None, None

    def _make_model_with(self, model, params):
        saved, self._model_params = self._model_params, dict(params)
        try:
            return self._make_model(model)
        finally:
            self._model_params = saved

    # ------------------------------------------------------------------ metrics
    def evaluate(self) -> dict:
        """Test metrics of the model fitted on every label given so far.

        Returns
        -------
        dict
            accuracy, macro_f1, nll, ece, brier (classification) or rmse, mae,
            nll, mean variances (regression); empty when there is no test split.
        """
        return self._test_metrics()[0]

    def _test_metrics(self):
        ds = self.dataset
        if len(ds.y_test) == 0:
            return {}, None
        if self.task == "regression":
            mean, va, ve = self.predict_uncertainty(ds.X_test)
            var = np.maximum(va + ve, 1e-12)
            err = mean - ds.y_test
            return {
                "rmse": float(np.sqrt(np.mean(err**2))),
                "mae": float(np.mean(np.abs(err))),
                "nll": float(np.mean(0.5 * (np.log(2 * np.pi * var) + err**2 / var))),
                "mean_var_epistemic": float(ve.mean()),
                "mean_var_aleatoric": float(va.mean()),
            }, None
        p = self.predict_proba(ds.X_test)
        y = ds.y_test
        pred = p.argmax(axis=1)
        c = self.n_classes
        # Macro-F1 by hand: sklearn's f1_score costs more than the whole fit here.
        tp = np.bincount(y[pred == y], minlength=c)
        f1 = 2 * tp / np.maximum(np.bincount(pred, minlength=c) + np.bincount(y, minlength=c), 1)
        present = np.bincount(y, minlength=c) > 0
        return {
            "accuracy": float((pred == y).mean()),
            "macro_f1": float(f1[present].mean()),
            "nll": negative_log_likelihood(p, y),
            "ece": expected_calibration_error(p, y),
            "brier": brier_score(p, y),
        }, pred.astype(np.int32)

    def _diagnostics(self, queried, answers, pool) -> dict:
        """Who was queried, against who was in the pool (classes, groups, noisy answers)."""
        ds, out = self.dataset, {}
        if self.task == "classification":
            truth = ds.y[queried]
            known = truth != UNLABELED
            c = self.n_classes
            if known.any():
                out["class_share"] = np.bincount(truth[known], minlength=c) / known.sum()
            pool_truth = ds.y[pool]
            pool_truth = pool_truth[pool_truth != UNLABELED]
            if len(pool_truth):
                out["pool_class_share"] = np.bincount(pool_truth, minlength=c) / len(pool_truth)
            answered = known & (np.asarray(answers) != UNLABELED)
            if answered.any():
                out["noisy_share"] = float(
                    np.mean(np.asarray(answers)[answered] != truth[answered])
                )
        if ds.groups is not None:
            groups, codes = np.unique(ds.groups, return_inverse=True)
            k = len(groups)
            out["groups"] = groups
            out["group_share"] = np.bincount(codes[queried], minlength=k) / len(queried)
            out["pool_group_share"] = np.bincount(codes[pool], minlength=k) / len(pool)
        return out

    def metrics(self):
        """One row per round: labels used, test metrics, noisy share and step time.

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
                "noisy_share": r.diagnostics.get("noisy_share", np.nan),
                "step_seconds": r.timings.get("total", np.nan),
            }
            for r in self.history
        ]
        return pd.DataFrame(rows)

    # ------------------------------------------------------------------ persistence
    def save(self, path) -> None:
        """Write the session to one file, atomically (JSON + npz in a zip; never pickle).

        Registered datasets are saved by name and parameters; other datasets
        (a person's own data) are saved whole, so nothing is lost.
        """
        from ._session_io import save_session

        save_session(self, path)

    @classmethod
    def load(cls, path, model=None) -> Session:
        """Read a session written by :meth:`save`.

        Parameters
        ----------
        path : str or path
        model : estimator, optional
            Needed only when the session used a model that is neither a
            registered name nor a scikit-learn estimator.

        Raises
        ------
        ValueError
            If the file is not an alviz session, is corrupt, or comes from a
            newer format version. Loading never executes code from the file.
        """
        from ._session_io import load_session

        return load_session(cls, path, model=model)

    def _autosave(self) -> None:
        if self.autosave is not None:
            self.save(self.autosave)

    def __repr__(self) -> str:
        return (
            f"Session({self.dataset.name!r}, model={self.model_label!r}, "
            f"strategy={self.strategy.name!r}, labeled={len(self._labels)}, "
            f"pool={self.pool_size()}, rounds={len(self.history)})"
        )
