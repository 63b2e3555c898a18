"""Measures over sampled predictions of shape (n_draws, n_samples, n_classes).

Draws come from MC-dropout passes, ensemble members, trees or posterior
samples, always with the draws FIRST. The total predictive entropy splits
into an aleatoric part (the expected entropy of a single draw) and an
epistemic part (the mutual information between the label and the model,
BALD; Houlsby et al. 2011, Gal et al. 2017, Depeweg et al. 2018).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._fused import checked_draws, fused_decompose
from ._probs import _entropy_last_axis
from ._torch import decompose_tensor, is_tensor

__all__ = [
    "Decomposition",
    "decompose",
    "expected_entropy",
    "kl_disagreement",
    "mean_std",
    "mutual_information",
    "variation_ratio",
    "vote_entropy",
]


class Decomposition(NamedTuple):
    """Entropy decomposition of sampled predictions, each of shape (n_samples,), in nats.

    ``total = aleatoric + epistemic`` (up to rounding, well within 1e-6).
    """

    #: Entropy of the mean prediction, ``H[mean_t p_t]``: all predictive uncertainty.
    total: np.ndarray
    #: Expected entropy of one draw, ``mean_t H[p_t]``: noise the model cannot explain away.
    aleatoric: np.ndarray
    #: Mutual information ``I[y; θ] = total - aleatoric`` (BALD): disagreement between draws.
    epistemic: np.ndarray


def decompose(probs_draws) -> Decomposition:
    """Split the predictive entropy into aleatoric and epistemic parts.

    Parameters
    ----------
    probs_draws : array-like of shape (n_draws, n_samples, n_classes)
        Sampled class probabilities, draws first (e.g. ``model.sample_proba(X, n_draws=20)``).
        float32 input is computed in float32 (faster, half the memory); results
        agree with the float64 formula within about 1e-6 nats. A ``torch.Tensor``
        (e.g. on a GPU) is computed on its device and the parts are tensors there.

    Returns
    -------
    Decomposition
        Named tuple ``(total, aleatoric, epistemic)`` of float64 arrays of shape
        (n_samples,): ``total = H[mean_t p_t]``, ``aleatoric = mean_t H[p_t]`` and
        ``epistemic = total - aleatoric`` in ``[0, log n_classes]``.

    Notes
    -----
    The computation is one fused pass over the draws in cache-sized blocks
    (see :mod:`alviz.uncertainty._fused`), which also validates the input
    (finite, non-negative, rows summing to 1); an invalid array is re-checked by
    :func:`alviz._validation.check_draws` for a precise error message.

    Examples
    --------
    >>> import numpy as np
    >>> d = decompose(np.eye(3)[:, None, :])  # 3 draws, 1 sample, each sure of another class
    >>> round(float(d.epistemic[0]), 4), round(float(np.log(3)), 4)
    (1.0986, 1.0986)
    """
    if is_tensor(probs_draws):
        # Draws on a device (e.g. a GPU model's MC passes): computed there, no host copy;
        # the three parts come back as tensors on that device.
        return Decomposition(*decompose_tensor(probs_draws))
    total, aleatoric = fused_decompose(probs_draws, "probs_draws")
    # fused_decompose keeps aleatoric <= total (Jensen), so this is >= 0 already;
    # the maximum only guards the invariant.
    epistemic = np.maximum(total - aleatoric, 0.0)
    return Decomposition(total, aleatoric, epistemic)


def expected_entropy(probs_draws) -> np.ndarray:
    """Aleatoric uncertainty: the mean entropy of the draws, ``mean_t H[p_t(y | x)]``.

    Parameters
    ----------
    probs_draws : array-like of shape (n_draws, n_samples, n_classes)
        Sampled class probabilities, draws first.

    Returns
    -------
    ndarray of shape (n_samples,)
        In ``[0, log n_classes]`` nats.
    """
    return decompose(probs_draws).aleatoric


def mutual_information(probs_draws) -> np.ndarray:
    """Epistemic uncertainty (BALD): ``H[mean_t p_t] - mean_t H[p_t]``.

    Houlsby et al. 2011, "Bayesian Active Learning for Classification and
    Preference Learning"; Gal, Islam & Ghahramani 2017.

    Parameters
    ----------
    probs_draws : array-like of shape (n_draws, n_samples, n_classes)
        Sampled class probabilities, draws first.

    Returns
    -------
    ndarray of shape (n_samples,)
        In ``[0, log n_classes]`` nats: 0 when all draws agree, ``log C`` when
        ``C`` draws are each certain of a different class.
    """
    return decompose(probs_draws).epistemic


def _votes(p: np.ndarray) -> np.ndarray:
    """Counts of each class among the draws' argmax votes, shape (n_samples, n_classes)."""
    _, n_samples, n_classes = p.shape
    votes = p.argmax(axis=2)  # (n_draws, n_samples)
    flat = (np.arange(n_samples) * n_classes)[None, :] + votes
    return np.bincount(flat.ravel(), minlength=n_samples * n_classes).reshape(n_samples, n_classes)


def variation_ratio(probs_draws) -> np.ndarray:
    """One minus the frequency of the modal class among the draws' hard votes.

    Freeman 1965; used for active learning by Gal, Islam & Ghahramani 2017.
    A draw votes for its argmax (ties go to the lowest class index).

    Parameters
    ----------
    probs_draws : array-like of shape (n_draws, n_samples, n_classes)
        Sampled class probabilities, draws first.

    Returns
    -------
    ndarray of shape (n_samples,)
        In ``[0, 1 - 1/min(n_draws, n_classes)]``; 0 = every draw votes the same class.
    """
    p = checked_draws(probs_draws)
    return 1.0 - _votes(p).max(axis=1) / p.shape[0]


def vote_entropy(probs_draws) -> np.ndarray:
    """Entropy of the draws' hard votes, ``-sum_y V(y)/C log V(y)/C``.

    ``V(y)`` counts the draws (committee members) whose argmax is ``y`` and
    ``C = n_draws`` (Dagan & Engelson 1995; Settles 2009, §3.2).

    Parameters
    ----------
    probs_draws : array-like of shape (n_draws, n_samples, n_classes)
        Sampled class probabilities, draws first.

    Returns
    -------
    ndarray of shape (n_samples,)
        In ``[0, log min(n_draws, n_classes)]`` nats; 0 = unanimous vote.
    """
    p = checked_draws(probs_draws)
    return _entropy_last_axis(_votes(p) / p.shape[0])


def mean_std(probs_draws) -> np.ndarray:
    """Mean STD: the standard deviation over draws, averaged over classes.

    ``mean_y sqrt(E_t[p_t(y)^2] - E_t[p_t(y)]^2)`` (Kampffmeyer et al. 2016;
    Gal, Islam & Ghahramani 2017). The population standard deviation (``ddof=0``).

    Parameters
    ----------
    probs_draws : array-like of shape (n_draws, n_samples, n_classes)
        Sampled class probabilities, draws first.

    Returns
    -------
    ndarray of shape (n_samples,)
        In ``[0, 0.5]``; 0 = every draw gives the same probabilities.
    """
    p = checked_draws(probs_draws)
    return p.std(axis=0, dtype=np.float64).mean(axis=1)


def kl_disagreement(probs_draws) -> np.ndarray:
    """Mean KL divergence of each draw to the consensus, ``mean_t KL(p_t || mean_s p_s)``.

    McCallum & Nigam 1998 (query by committee with the KL to the mean). With the
    consensus being the mean of the draws this equals the mutual information
    (BALD) exactly; it is computed here from its own definition.

    Parameters
    ----------
    probs_draws : array-like of shape (n_draws, n_samples, n_classes)
        Sampled class probabilities, draws first.

    Returns
    -------
    ndarray of shape (n_samples,)
        In ``[0, log n_classes]`` nats; 0 = every draw matches the consensus.
    """
    p = checked_draws(probs_draws).astype(np.float64, copy=False)
    consensus = p.mean(axis=0)
    # KL = sum p (log p - log q). Where p = 0 the term is 0 (log 1 stands in for
    # log 0), and a class with q = 0 has p = 0 in every draw.
    log_p = np.log(np.where(p > 0, p, 1.0))
    log_p -= np.log(np.where(consensus > 0, consensus, 1.0))[None]
    kl = np.einsum("tnc,tnc->tn", p, log_p)
    return np.maximum(kl.mean(axis=0), 0.0)
