"""Who answers a query: the ground truth, a noisy annotator, or a person."""

from __future__ import annotations

import numpy as np

__all__ = ["HumanOracle", "NoisyOracle", "Oracle", "SimulatedOracle", "make_oracle"]


class Oracle:
    """Answers label queries. ``answer`` returns -1 where no answer is known yet."""

    name = "oracle"

    def answer(self, indices: np.ndarray, y_true: np.ndarray, rng) -> np.ndarray:
        """Labels for ``indices`` (shape (k,)), or -1 where the oracle cannot answer now."""
        raise NotImplementedError

    def params(self) -> dict:
        """Constructor parameters, for saving."""
        return {}


class SimulatedOracle(Oracle):
    """Answers with the ground truth."""

    name = "simulated"

    def answer(self, indices, y_true, rng):
        """The true labels of ``indices``."""
        return np.asarray(y_true)[indices].copy()


class NoisyOracle(Oracle):
    """Flips the true label with some probability, as a tired annotator would.

    Parameters
    ----------
    noise : float or array-like of shape (n_classes,) or (n_classes, n_classes)
        A float is a symmetric flip rate (the wrong label is uniform over the
        other classes). A vector gives a flip rate per true class. A matrix
        ``T`` is the full transition: ``T[i, j] = P(answer j | true i)``.
    """

    name = "noisy"

    def __init__(self, noise=0.1):
        self.noise = noise

    def params(self) -> dict:
        """Constructor parameters, for saving."""
        n = self.noise
        return {"noise": n.tolist() if isinstance(n, np.ndarray) else n}

    def transition(self, n_classes: int) -> np.ndarray:
        """The (n_classes, n_classes) matrix ``P(answer | truth)``."""
        n = np.asarray(self.noise, dtype=np.float64)
        if n.ndim == 2:
            T = n
        else:
            rate = np.broadcast_to(n, (n_classes,))
            T = (rate / max(n_classes - 1, 1))[:, None] * (1 - np.eye(n_classes))
            T[np.diag_indices(n_classes)] = 1 - rate
        if T.shape != (n_classes, n_classes) or (T < 0).any() or not np.allclose(T.sum(1), 1):
            raise ValueError(
                f"noise must be a rate in [0, 1], one rate per class, or a row-stochastic "
                f"({n_classes}, {n_classes}) matrix; got {self.noise!r}."
            )
        return T

    def answer(self, indices, y_true, rng):
        """True labels passed through the noise transition, drawn with ``rng``."""
        if np.asarray(y_true).dtype.kind == "f":
            raise ValueError(
                "the noisy oracle flips class labels; for regression targets use "
                "oracle='simulated' (or a custom Oracle that adds noise)."
            )
        y = np.asarray(y_true)[indices]
        n_classes = int(np.max(y_true)) + 1
        T = self.transition(n_classes)
        u = rng.random(len(y))
        known = y >= 0  # rows without ground truth stay unanswered (-1): a person labels them
        out = np.full(len(y), -1, dtype=np.int64)
        drawn = (u[known, None] > np.cumsum(T[y[known]], axis=1)).sum(axis=1)
        out[known] = np.minimum(drawn, n_classes - 1)  # cumsum may end a hair below 1
        return out


class HumanOracle(Oracle):
    """A person answers later through ``Session.label``; queries stay pending until then."""

    name = "human"

    def answer(self, indices, y_true, rng):
        """No answer yet: -1 for every index (NaN for regression targets)."""
        if np.asarray(y_true).dtype.kind == "f":
            return np.full(len(indices), np.nan)
        return np.full(len(indices), -1, dtype=np.int64)


def make_oracle(oracle, **params) -> Oracle:
    """An Oracle from a name (``simulated``, ``noisy``, ``human``) or an instance."""
    if isinstance(oracle, Oracle):
        return oracle
    table = {"simulated": SimulatedOracle, "noisy": NoisyOracle, "human": HumanOracle}
    if oracle not in table:
        raise ValueError(
            f"oracle must be one of {sorted(table)} or an Oracle instance; got {oracle!r}."
        )
    return table[oracle](**params)
