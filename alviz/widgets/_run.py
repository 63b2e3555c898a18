"""A controller around one Session: step, play, undo, reset, switch, label, share settings."""

from __future__ import annotations

import numpy as np

from ..session import Session
from ._base import Controller, Stepper, guarded
from ._settings import decode_settings
from ._setup import SESSION_KEYS, dataset_settings, resolve_dataset, session_settings

__all__ = ["RunController"]


class RunController(Stepper, Controller):
    """State and actions shared by the single-run widgets (Explorer, RegressionExplorer).

    Parameters
    ----------
    dataset : Dataset or str
    baseline : bool
        Keep a random-sampling twin (same model and seed) for the learning curve.
    **session_params
        Passed to :class:`alviz.Session`.

    Attributes
    ----------
    session : Session
    baseline : Session or None
        The random-sampling twin, stepped lazily to the main run's label count.
    focus : int or None
        The point the views explain (None: the next query).
    playing : bool
    speed : float
        Seconds between Play steps.
    """

    def __init__(self, dataset, baseline: bool = True, **session_params):
        super().__init__()
        self.use_baseline = baseline
        self.focus = None
        self.session = Session(resolve_dataset(dataset), **session_params)
        self.baseline = None
        self._baseline_key = None

    # ------------------------------------------------------------------ baseline
    def random_baseline(self):
        """The random-sampling twin, stepped until it reaches the main run's label count."""
        if not self.use_baseline:
            return None
        s = self.session
        # Same answers as the main run (a person cannot answer the twin: it gets the truth).
        oracle = getattr(s.oracle, "name", "simulated")
        oracle = "simulated" if oracle == "human" else oracle
        noise = s.oracle.params().get("noise", 0.1) if oracle == "noisy" else 0.1
        key = (id(s.dataset), s.model_label, s.seed, s.initial, s.batch_size, oracle, str(noise))
        if self.baseline is None or self._baseline_key != key:
            self.baseline = Session(
                s.dataset,
                model=s.model_label,
                strategy="random",
                batch_size=s.batch_size,
                initial=s.initial,
                seed=s.seed,
                n_draws=s.n_draws,
                oracle=oracle,
                noise=noise,
            )
            self._baseline_key = key
        target = max((r.n_labeled for r in s.history), default=0)
        b = self.baseline
        if b.history and b.history[-1].n_labeled > target:
            # The main run went back (Undo, Reset): so does its twin, or the old curve stays.
            while b.history and b.history[-1].n_labeled > target and b.undo():
                pass
        while b.pool_size() >= b.batch_size and (not b.history or b.history[-1].n_labeled < target):
            b.step()
        return b

    # ------------------------------------------------------------------ stepping
    def _check_can_step(self) -> None:
        s = self.session
        if s.pool_size() == 0:
            raise ValueError(
                "Every point is labeled: nothing is left to query. Undo or Reset to go on."
            )
        if s.pool_size() < s.batch_size:
            raise ValueError(
                f"Only {s.pool_size()} unlabeled point(s) are left, fewer than the batch size "
                f"({s.batch_size}): lower the batch size, or Undo / Reset."
            )
        if len(s.pending):
            raise ValueError(
                f"Point(s) {s.pending.tolist()} wait for your label: pick a class and click the "
                f"starred point(s), or Undo to withdraw the query."
            )

    def _advance(self):
        self.focus = None
        return self.session.step()

    @guarded
    def undo(self):
        """Undo the last step or label."""
        self.focus = None
        if not self.session.undo():
            self.message = "Nothing to undo: this is the start of the run."

    @guarded
    def reset(self):
        """Start the run again from the initial labels."""
        self.focus = None
        self.playing = False
        self.session.reset()

    # ------------------------------------------------------------------ switching
    def _switch(self, apply, revert, what: str):
        """Apply a switch; if the pool cannot be scored with it, put things back and explain."""
        apply()
        try:
            self.session.score_pool()
        except (ValueError, TypeError, RuntimeError) as exc:
            revert()
            raise ValueError(f"{what} does not work here, so nothing changed: {exc}") from exc

    @guarded
    def set_strategy(self, name: str):
        """Switch the acquisition strategy (labels and history kept)."""
        old = self.session.strategy
        self._switch(
            lambda: self.session.set_strategy(name),
            lambda: self.session.set_strategy(old),
            f"strategy {name!r} with model {self.session.model_label!r}",
        )
        self.focus = None

    @guarded
    def set_model(self, name: str):
        """Switch the model (labels and history kept)."""
        old = self.session.model_label
        self._switch(
            lambda: self.session.set_model(name),
            lambda: self.session.set_model(old),
            f"model {name!r} with strategy {self.session.strategy.name!r}",
        )

    @guarded
    def set_batch_size(self, batch_size: int):
        """Points queried per step."""
        if not isinstance(batch_size, int | np.integer) or batch_size < 1:
            raise ValueError(f"batch size must be an integer >= 1; got {batch_size!r}.")
        self.session.batch_size = int(batch_size)

    @guarded
    def set_dataset(self, dataset):
        """Start a new run on another dataset (same model, strategy and settings)."""
        self._new_session(resolve_dataset(dataset), session_settings(self.session))

    def _new_session(self, dataset, params) -> None:
        params = {k: v for k, v in params.items() if k in SESSION_KEYS}
        if params.get("oracle") != "noisy":
            params.pop("noise", None)
        session = Session(dataset, **params)  # built first: a failure leaves the old run intact
        self.session, self.baseline, self.focus, self.playing = session, None, None, False

    # ------------------------------------------------------------------ settings
    def settings(self) -> dict:
        """Dataset, Session parameters and Play speed as plain values."""
        return {
            "widget": self.widget_name,
            "dataset": dataset_settings(self.session.dataset),
            "session": session_settings(self.session),
            "speed": self.speed,
        }

    def _apply_settings(self, settings: dict) -> None:
        self._new_session(resolve_dataset(settings["dataset"]), settings.get("session", {}))
        self.speed = float(settings.get("speed", self.speed))

    @classmethod
    def _init_from_settings(cls, code: str, overrides: dict) -> tuple[dict, dict]:
        """(settings, constructor keyword arguments) from a settings string."""
        st = decode_settings(code, cls.widget_name)
        params = {**st.get("session", {}), **overrides}
        if params.get("oracle") != "noisy":
            params.pop("noise", None)
        kwargs = {k: v for k, v in params.items() if k in SESSION_KEYS}
        return st, kwargs
