"""The Session: the one mutable state of an active-learning run.

A Session holds a dataset, the labels given so far (which may differ from
the ground truth), a model, a strategy and an oracle. ``step()`` fits the
model, scores the pool, selects a batch, asks the oracle and records a
:class:`Round`; ``query()`` makes the same choice without asking, for a
person who labels with ``label()`` or sets rows aside with ``skip()``.
Every action (a step, a label, a skip) can be undone, back to the start.
``state()`` is everything the Session knows as plain data and
``from_state()`` rebuilds it after checking every entry; a session saves to
one file (a codec of that state, :mod:`alviz._session_io`) and loads back,
and with ``autosave`` no label a person gave is ever lost.
"""

from __future__ import annotations

import time
import warnings
import weakref
from dataclasses import dataclass, field, fields

import numpy as np

from . import _filelock, _session_io, _session_state, acquisition, models
from ._untrusted import make_estimator
from ._validation import check_int, check_random_state
from ._warnings import AlvizWarning
from .acquisition import Context, top_k
from .calibration import probability_scores
from .datasets import UNLABELED, Dataset
from .oracles import HumanOracle, SimulatedOracle, make_oracle
from .stopping import check_stop

__all__ = ["Round", "Session"]

_DEFAULTS = {
    "classification": ("logreg", "entropy"),
    "regression": ("deep_ensemble_regressor", "max_epistemic_variance"),
}

#: Bytes one scoring chunk's context may hold (float64 probabilities, draws or variances).
#: A pointwise strategy (Strategy.pointwise) scores a bigger pool chunk by chunk: the
#: draws of a million points x 20 draws x 10 classes are 1.6 GB at once, 128 MiB in chunks.
_SCORE_CHUNK_BYTES = 2**27


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

    kind: str  # "step", "label" or "skip"
    changes: list  # [(index, previous label or None)] in the order applied
    n_rounds: int  # len(history) before the action
    pending: list  # pending queries before the action
    rng_state: dict  # generator state before the action
    skipped: list = field(default_factory=list)  # skipped rows before the action


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
        Save the session to this file after every step, label, skip, undo and
        reset. The file is locked against other processes while this
        Session autosaves to it (set ``autosave = None`` to let go). An
        existing file is never overwritten by a Session that did not load
        it: resume it with :meth:`load`. A save that fails warns
        (``AlvizWarning``) that the change is only in memory, and
        :attr:`autosave_error` says why.

    Attributes
    ----------
    history : list of Round
    autosave_error : str or None
        Why the last autosave failed (None after a successful one).
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
        # check_int refuses bools: initial=True is not "1 label".
        initial = check_int(initial, "initial (labels drawn at the start)", 0, dataset.n_samples)
        n_draws = check_int(n_draws, "n_draws", 1)
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
        self.stop_reason: str | None = None
        self.autosave_error: str | None = None
        self.query_note = ""
        self._seen: dict = {}  # file -> its signature when this Session last read or wrote it
        self._reproducible: tuple | None = None  # (fingerprint, registry ref still rebuilds it)
        self._autosave_path = None
        self._unlock = None
        self.autosave = autosave
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
        self._skipped: list[int] = []
        self._actions: list[_Action] = []
        self.history: list[Round] = []
        self._fitted_on = None
        self._test_proba = None  # (fit key, test probabilities) predicted along with the pool
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
            kind,
            [],
            len(self.history),
            list(self._pending),
            self._rng.bit_generator.state,
            list(self._skipped),
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
    def skipped(self) -> np.ndarray:
        """Rows set aside with :meth:`skip`, in the order skipped; shape (n_skipped,)."""
        return np.asarray(self._skipped, dtype=np.int64)

    def _queryable(self, exclude=()) -> np.ndarray:
        """Pool rows that may be queried: not labelled, not skipped, not in ``exclude``."""
        pool = self.pool_indices
        out = list(self._skipped) + [int(i) for i in exclude]
        return pool[~np.isin(pool, out)] if out else pool

    def _n_queryable(self) -> int:
        """``len(self._queryable())`` without building the pool (run() asks every round)."""
        skipped = sum(1 for i in set(self._skipped) if i not in self._labels)
        return self.pool_size() - skipped

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
        return self._context(self.strategy if strategy is None else strategy, X)

    def _context(self, strategy, X=None, pool=None, with_test: bool = False) -> Context:
        ds = self.dataset
        model = self.fit()
        # with_test (step): when the pool's probabilities come from predict_proba, the test
        # rows ride along in the same call, and _test_metrics reuses them. One model call
        # instead of two: for a small scikit-learn model its input checks cost as much as
        # the prediction itself.
        n_test = len(ds.y_test)
        with_test = (
            with_test
            and X is None
            and model is not None
            and n_test > 0
            and "probs" in strategy.needs
        )
        if X is None:
            pool = self.pool_indices if pool is None else pool
            if with_test:
                X_all = np.empty((len(pool) + n_test, *ds.X.shape[1:]), dtype=ds.X.dtype)
                np.take(ds.X, pool, axis=0, out=X_all[: len(pool)])
                X_all[len(pool) :] = ds.X_test
                X_pool = X_all[: len(pool)]
            else:
                X_pool = ds.X[pool]
        else:
            X_pool = np.asarray(X, dtype=np.float64)
            pool = np.arange(len(X_pool))
        lab = self.labeled_indices
        ctx = Context(
            X_pool=X_pool,
            pool_indices=pool,
            X_labeled=ds.X[lab],
            y_labeled=self.labels,
            n_classes=self.n_classes,
            model=model,
        )
        needs = strategy.needs
        if with_test:
            p_all = self.predict_proba(X_all)
            ctx.probs = p_all[: len(pool)]
            self._test_proba = (self._fitted_on, p_all[len(pool) :])
        elif "probs" in needs:
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
        if self._in_chunks(self.strategy, pool):
            return pool, self._chunked_scores(self.strategy, pool)[0]
        return pool, np.asarray(self.strategy.score(self.context()), dtype=np.float64)

    def _score_chunk_rows(self, strategy) -> int:
        """Pool rows per scoring chunk of ``strategy``; 0 when it must see the whole pool.

        Only a pointwise strategy that selects the top-k of its scores can be
        scored in chunks (see :attr:`alviz.acquisition.Strategy.pointwise`).
        """
        if not strategy.pointwise or type(strategy).select is not acquisition.Strategy.select:
            return 0
        needs = strategy.needs
        k = max(1, self.n_classes)
        width = k * (self.n_draws + 1) if "draws" in needs else k
        if "regression" in needs:
            width = self.n_draws + 3  # the model's draws of the mean, then three arrays
        if "embeddings" in needs:
            width += self.dataset.n_features * 2  # embeddings and gradient temporaries
        # x3: a scoring function's temporaries (logs, products) are as big as its input.
        return max(1024, _SCORE_CHUNK_BYTES // (8 * 3 * width))

    def _in_chunks(self, strategy, pool) -> bool:
        """Whether ``pool`` is scored chunk by chunk (a model, a pointwise strategy, a big pool)."""
        rows = self._score_chunk_rows(strategy)
        return bool(rows) and len(pool) > rows and self.fit() is not None

    def _chunked_scores(self, strategy, pool):
        """Scores of ``pool`` computed chunk by chunk (see :meth:`_in_chunks`).

        Returns
        -------
        scores : ndarray of shape (len(pool),)
            As ``strategy.score`` of the whole pool's context gives them: each
            point's draws come from the same networks in every chunk.
        predict_seconds, score_seconds : float
        """
        rows = self._score_chunk_rows(strategy)
        scores = np.empty(len(pool))
        t_predict = t_score = 0.0
        for s in range(0, len(pool), rows):
            t = time.perf_counter()
            ctx = self._context(strategy, pool=pool[s : s + rows])
            t_predict += time.perf_counter() - t
            t = time.perf_counter()
            scores[s : s + rows] = strategy.score(ctx)
            t_score += time.perf_counter() - t
        return scores, t_predict, t_score

    # ------------------------------------------------------------------ loop
    def _query_context(self, pool, with_test: bool = False):
        """(strategy, context, note) for choosing among ``pool``: random while there is no model."""
        if self.fit() is None:
            note = (
                "Too few labels for a model yet (fewer than two classes): "
                "the pool is scored uniformly and queried at random."
            )
            ctx = Context(X_pool=self.dataset.X[pool], pool_indices=pool, n_classes=self.n_classes)
            return acquisition.get("random"), ctx, note
        return self.strategy, self._context(self.strategy, pool=pool, with_test=with_test), ""

    def query(self, k: int = 1, exclude=()) -> np.ndarray:
        """The ``k`` points the strategy would ask next, without asking anyone.

        The same choice as :meth:`step` (same strategy, same fallback to
        random sampling while there is no model, the Session's random
        generator), among the pool rows that are not skipped and not in
        ``exclude``. Nothing is recorded: label the points with
        :meth:`label` or set them aside with :meth:`skip`.

        Parameters
        ----------
        k : int
            How many points; fewer are returned when fewer are left.
        exclude : array-like of int
            Rows not to choose (e.g. those already shown).

        Returns
        -------
        ndarray of shape (min(k, n_left),)
            Dataset indices, best first. :attr:`query_note` says what the
            user should know about the choice (e.g. a random fallback).
        """
        if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
            raise ValueError(f"k must be an integer >= 1; got {k!r}.")
        pool = self._queryable(exclude)
        k = min(int(k), len(pool))
        if k == 0:
            return np.zeros(0, dtype=np.int64)
        chunked = self._in_chunks(self.strategy, pool)
        if not chunked:
            strategy, ctx, note = self._query_context(pool)
        with warnings.catch_warnings(record=True) as caught:
            # As in step(): a strategy's fallback becomes a note for the user to see.
            warnings.simplefilter("always", AlvizWarning)
            if chunked:  # the base select: top-k of the scores, same ties as unchunked
                scores = self._chunked_scores(self.strategy, pool)[0]
                note, picked = "", pool[top_k(scores, k, self._rng)]
            else:
                picked = np.asarray(strategy.select(ctx, k, self._rng), dtype=np.int64)
        self.query_note = self._notes(note, caught)
        return picked

    @staticmethod
    def _notes(note: str, caught) -> str:
        """``note`` followed by the AlvizWarnings caught (each once); others are re-raised."""
        said = set()
        for w in caught:
            if issubclass(w.category, AlvizWarning):
                if str(w.message) not in said:  # a pool scored in chunks warns once per chunk
                    said.add(str(w.message))
                    note = " ".join(filter(None, [note, str(w.message)]))
            else:
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        return note

    def skip(self, index: int) -> None:
        """Set an unlabelled row aside: it is not queried again (undoable, and saved).

        Parameters
        ----------
        index : int
            Dataset index of a row without a label.
        """
        n = self.dataset.n_samples
        if isinstance(index, bool) or not isinstance(index, int | np.integer) or not 0 <= index < n:
            raise ValueError(f"index must be an integer in [0, {n}); got {index!r}.")
        index = int(index)
        if index in self._labels:
            raise ValueError(f"row {index} is labelled; only unlabelled rows can be skipped.")
        if index in self._skipped:
            raise ValueError(f"row {index} is already skipped.")
        self._begin("skip")
        if index in self._pending:
            self._pending.remove(index)
        self._skipped.append(index)
        self._autosave()

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
        pool = self._queryable()
        acquisition.check_batch_size(self.batch_size, len(pool))
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        self.fit()
        timings["fit"] = time.perf_counter() - t0
        t = time.perf_counter()
        chunked = self._in_chunks(self.strategy, pool)
        if chunked:  # a big pool, scored chunk by chunk below: memory stays bounded
            strategy, ctx, note = self.strategy, None, ""
        else:
            strategy, ctx, note = self._query_context(pool, with_test=True)
        timings["predict"] = time.perf_counter() - t
        t = time.perf_counter()
        with warnings.catch_warnings(record=True) as caught:
            # A strategy's fallbacks (e.g. too few labels to calibrate) become the
            # round's note, shown to the user, rather than a warning lost in a log.
            warnings.simplefilter("always", AlvizWarning)
            if chunked:
                scores, timings["predict"], timings["score"] = self._chunked_scores(strategy, pool)
            else:
                scores = np.asarray(strategy.score(ctx), dtype=np.float64)
                timings["score"] = time.perf_counter() - t
            action = self._begin("step")  # after the checks: a failed step leaves no trace
            t = time.perf_counter()
            try:
                if type(strategy).select is acquisition.Strategy.select:
                    # The base select is top_k of score(): reuse the scores just computed
                    # (same ties, same random draws) instead of scoring the pool twice.
                    queried = pool[top_k(scores, self.batch_size, self._rng)]
                else:
                    queried = strategy.select(ctx, self.batch_size, self._rng)
                queried = np.asarray(queried, dtype=np.int64)
            except Exception:
                self._actions.pop()
                raise
        note = self._notes(note, caught)
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
            if reason is None and self._n_queryable() < self.batch_size:
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
        index = check_int(index, "index", 0, self.dataset.n_samples - 1)
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
        """Undo the last action (a step, a label or a skip).

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
        self._skipped = list(a.skipped)
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
        cached, self._test_proba = self._test_proba, None
        if cached is not None and cached[0] == self._fitted_on:
            p = cached[1]  # predicted with the pool in step() by the same fitted model
        else:
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
            **probability_scores(p, y),  # nll, ece, brier
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

        For classification also recall and precision per class (``class_recall_<class>``,
        ``class_precision_<class>``, ``worst_class_recall``) and, when the dataset has
        groups, accuracy and balanced accuracy per group (``group_accuracy_<group>``,
        ``group_recall_<group>``, ``worst_group_accuracy``, ``worst_group_recall``),
        from the round's test predictions (see :func:`alviz._metrics.subgroup_metrics`).

        Returns
        -------
        pandas.DataFrame
        """
        import pandas as pd

        from ._metrics import round_subgroup_metrics

        rows = [
            {
                "round": r.index,
                "n_labeled": r.n_labeled,
                "strategy": r.strategy,
                "model": r.model,
                **r.metrics,
                "noisy_share": r.diagnostics.get("noisy_share", np.nan),
                "step_seconds": r.timings.get("total", np.nan),
                **round_subgroup_metrics(self.dataset, r.test_predictions),
            }
            for r in self.history
        ]
        return pd.DataFrame(rows)

    # ------------------------------------------------------------------ state
    def _registry_ref(self, fp: str):
        """The dataset's registry reference, if reloading it still gives this dataset.

        A registered dataset edited after loading (renamed classes, new groups)
        no longer matches its reference: it is then saved whole.
        """
        ref = self.dataset.meta.get("registry")
        if ref is None:
            return None
        if self._reproducible is None or self._reproducible[0] != fp:
            from . import datasets

            try:
                again = datasets.load(ref["name"], **ref.get("params", {}))
                ok = _session_io.fingerprint(again) == fp
            except (OSError, ValueError, TypeError):
                ok = False
            self._reproducible = (fp, ok)
        if not self._reproducible[1]:
            return None
        return {"name": ref["name"], "params": dict(ref.get("params", {}))}

    def state(self) -> dict:
        """Everything the Session knows, as plain data (like torch's ``state_dict``).

        Returns
        -------
        dict
            Dicts, lists, numbers, strings and numpy arrays only: the
            dataset by reference (``dataset["registry"]``, None for a
            person's own data, which a file stores whole), the settings, the
            labels in the order given, pending queries, skips, the undo log,
            the random state and the rounds. :meth:`from_state` rebuilds the
            Session; the fitted model is not part of it (it is refitted).
        """
        ds = self.dataset
        fp = _session_io.fingerprint(ds)
        return {
            "version": _session_state.STATE_VERSION,
            "dataset": {
                "name": ds.name,
                "task": ds.task,
                "n_samples": ds.n_samples,
                "fingerprint": fp,
                "registry": self._registry_ref(fp),
            },
            "config": {
                "model": _session_state.model_state(self._model_spec, self._model_params),
                "strategy": {"name": self.strategy.name, "params": dict(self._strategy_params)},
                "batch_size": int(self.batch_size),
                "initial": self.initial,
                "oracle": {"name": self.oracle.name, "params": self.oracle.params()},
                "seed": self.seed,
                "init": self.init,
                "n_draws": self.n_draws,
            },
            "costs": self.costs,
            "labels": {"indices": self.labeled_indices, "values": self.labels},
            "pending": self.pending,
            "skipped": self.skipped,
            "actions": [
                {
                    "kind": a.kind,
                    "changes": [list(c) for c in a.changes],
                    "n_rounds": a.n_rounds,
                    "pending": list(a.pending),
                    "skipped": list(a.skipped),
                    "rng_state": a.rng_state,
                }
                for a in self._actions
            ],
            "rng_state": self._rng.bit_generator.state,
            "rounds": [{f.name: getattr(r, f.name) for f in fields(Round)} for r in self.history],
            "stop_reason": self.stop_reason,
        }

    @classmethod
    def from_state(cls, state: dict, *, dataset: Dataset | None = None, model=None) -> Session:
        """Rebuild a Session from :meth:`state`; every entry is checked before it is used.

        Parameters
        ----------
        state : dict
            From :meth:`state` (or a file: see :meth:`load`).
        dataset : Dataset, optional
            The dataset, when the state does not name a registered one that
            may be rebuilt from plain knobs (a person's own data; MNIST read
            from a folder). It must be the dataset the state was made with.
        model : estimator, optional
            Use this model instead of the one the state names. Needed when
            that is neither a registered name nor one of the scikit-learn
            classifiers in ``alviz._untrusted.ESTIMATORS``: a state names
            models, it never runs code it names.

        Raises
        ------
        ValueError
            Naming the entry that is wrong: an unknown version, a dataset
            that differs, a label index out of range or given twice, a class
            out of range, an undo log that does not replay, a random state
            of another generator, a model or knob not on the allow-list.
        """
        version = _session_state.check_version(state)
        rebuilt = dataset is None
        ds = _session_state.state_dataset(state, dataset, version)
        cfg = _session_state.check_config(
            state.get("config"), ds.n_samples, ds.task, model_given=model is not None
        )
        spec = cfg["model"]
        if model is None and "class" in spec:
            model = make_estimator(spec)
        probe = check_random_state(0).bit_generator
        done = _session_state.check_progress(state, ds.n_samples, ds.task, ds.n_classes, probe)
        s = cls(
            ds,
            model=spec["name"] if model is None else model,
            strategy=cfg["strategy"],
            batch_size=cfg["batch_size"],
            initial=0,
            oracle=cfg["oracle"],
            seed=cfg["seed"],
            init=cfg["init"],
            n_draws=cfg["n_draws"],
            noise=cfg.get("noise", 0.1),
            costs=done["costs"],
            model_params=spec["params"] if model is None else None,
            strategy_params=cfg["strategy_params"],
        )
        s.initial = cfg["initial"]
        s._labels = dict(done["labels"])
        s._pending, s._skipped = done["pending"], done["skipped"]
        s._actions = [
            _Action(
                a["kind"], a["changes"], a["n_rounds"], a["pending"], a["rng_state"], a["skipped"]
            )
            for a in done["actions"]
        ]
        s._rng.bit_generator.state = done["rng_state"]
        s.history = [Round(**r) for r in done["rounds"]]
        s.stop_reason = done["stop_reason"]
        s._fitted_on, s.model_ = None, None
        if rebuilt and state["dataset"].get("registry") is not None and version >= 2:
            s._reproducible = (state["dataset"]["fingerprint"], True)  # just rebuilt from it
        return s

    # ------------------------------------------------------------------ persistence
    @property
    def autosave(self):
        """The file saved after every change (None: no autosave); locked while set."""
        return self._autosave_path

    @autosave.setter
    def autosave(self, path) -> None:
        new = None if path is None else _session_io.resolve(path)
        if new == self._autosave_path:
            return
        if new is not None:
            if new.exists() and new not in self._seen:
                raise FileExistsError(
                    f"autosave file {new} already exists and this Session did not load it: "
                    f"saving would overwrite its labels. Resume it with "
                    f"al.Session.load({str(new)!r}) (or Labeler(session_file=...)), choose "
                    f"another file, or delete this one to start over."
                )
            _filelock.acquire(new)  # another process writing it is refused here
        if self._unlock is not None:
            self._unlock()
            self._unlock = None
        if new is not None:
            self._unlock = weakref.finalize(self, _filelock.release, new)
        self._autosave_path = new

    def save(self, path) -> None:
        """Write the session to one file, atomically (JSON + npz in a zip; never pickle).

        Registered datasets are saved by name and parameters; other datasets
        (a person's own data, or a registered one edited since) are saved
        whole, so nothing is lost. If the file changed since this Session
        last read or wrote it (another Labeler on the same file), the labels
        it holds that this Session lacks are merged in first (with an
        ``AlvizWarning``); a file that another process holds locked is not
        written (``alviz._filelock.FileLockedError``).

        Parameters
        ----------
        path : str or path
            ``~`` is expanded; missing folders are created.
        """
        path = _session_io.resolve(path)
        try:
            with _filelock.hold(path):
                seen = self._seen.get(path)
                now = _session_io.signature(path)
                if now is not None and seen is not None and now != seen:
                    self._merge_file(path)
                _session_io.write(path, _session_io.encode(self.state(), self.dataset))
                self._seen[path] = _session_io.signature(path)
        except OSError as exc:
            raise _session_io.save_error(exc, path) from exc

    def _merge_file(self, path) -> None:
        """Take in the labels and skips that another writer put in ``path`` since we saw it."""
        state, _, _, sig = _session_io.read(path)
        other = state.get("dataset") if isinstance(state.get("dataset"), dict) else {}
        if other.get("fingerprint") != _session_io.fingerprint(self.dataset):
            raise ValueError(
                f"{path} was rewritten with a session on another dataset since this Session "
                f"read it, so it was not overwritten; this session's labels are only in memory: "
                f"save them to another file with session.save(other_path)."
            )
        ds = self.dataset
        probe = self._rng.bit_generator
        try:
            done = _session_state.check_progress(state, ds.n_samples, ds.task, ds.n_classes, probe)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"cannot merge with {path}: {exc}") from exc
        new = [(i, y) for i, y in done["labels"] if i not in self._labels]
        differ = sum(1 for i, y in done["labels"] if i in self._labels and self._labels[i] != y)
        # Merged rows count as labelled before every action in the undo log: undo
        # takes back this Session's own actions, never another writer's labels.
        merged = {i for i, _ in new}
        for i, y in new:
            self._labels[i] = y
            if i in self._pending:
                self._fill_pending_answer(i, y)
        skips = [i for i in done["skipped"] if i not in self._labels and i not in self._skipped]
        self._skipped += skips
        self._pending = [i for i in self._pending if i not in merged and i not in skips]
        for a in self._actions:
            a.pending = [i for i in a.pending if i not in merged]
            a.skipped = [i for i in a.skipped if i not in merged]
        self._seen[path] = sig
        if new or skips or differ:
            warnings.warn(
                f"{path} was changed by another writer since this Session read it: took in "
                f"{len(new)} label(s) and {len(skips)} skip(s) from it"
                + (
                    f"; {differ} row(s) labelled differently there keep this session's label"
                    if differ
                    else ""
                )
                + ".",
                AlvizWarning,
                stacklevel=4,
            )

    @classmethod
    def load(cls, path, *, dataset: Dataset | None = None, model=None) -> Session:
        """Read a session written by :meth:`save`.

        Parameters
        ----------
        path : str or path
        dataset : Dataset, optional
            Needed when the file does not hold the dataset and cannot rebuild
            it from plain knobs (e.g. MNIST read from a folder); it must be
            the same data.
        model : estimator, optional
            Needed only when the session used a model that is neither a
            registered name nor an allow-listed scikit-learn classifier.

        Raises
        ------
        ValueError
            Naming the file and what is wrong: not an alviz session, corrupt,
            larger than its size allows, a newer format version, or content
            that does not check out (see :meth:`from_state`). Loading never
            runs code from the file.
        """
        path = _session_io.resolve(path)
        state, entry, data, sig = _session_io.read(path)
        if dataset is None:
            dataset = _session_io.decode_dataset(entry, data, path)
        try:
            s = cls.from_state(state, dataset=dataset, model=model)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"cannot load {path}: {exc}") from exc
        s._seen[path] = sig
        return s

    def _autosave(self) -> None:
        if self.autosave is None:
            return
        try:
            self.save(self.autosave)
        except (OSError, ValueError, RuntimeError) as exc:
            self.autosave_error = str(exc)
            warnings.warn(
                f"autosave failed, so the latest change is only in memory: {exc}",
                AlvizWarning,
                stacklevel=3,
            )
        else:
            self.autosave_error = None

    def __repr__(self) -> str:
        return (
            f"Session({self.dataset.name!r}, model={self.model_label!r}, "
            f"strategy={self.strategy.name!r}, labeled={len(self._labels)}, "
            f"pool={self.pool_size()}, rounds={len(self.history)})"
        )
