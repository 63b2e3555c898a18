"""BatchBALD: the batch whose labels jointly tell the most about the model.

Kirsch, van Amersfoort & Gal 2019, "BatchBALD: Efficient and Diverse Batch
Acquisition for Deep Bayesian Active Learning". The score of a batch is the
mutual information between its joint labels and the model,

    a(x_1..x_n) = H[y_1..y_n] - sum_i E_w H[y_i | w],

maximised greedily. By the chain rule the gain of adding ``x`` to the batch is

    H[y_x | y_1..y_n] - E_w H[y_x | w]
        = sum_m P(m) H[ sum_k P(w_k | m) p(y_x | w_k) ] - E_w H[y_x | w],

an average over label *configurations* ``m`` of the batch so far of the
entropy of the posterior predictive of ``x``. Written this way every term is
a probability in [0, 1] (nothing underflows, unlike products of many
probabilities) and one matrix product gives it for every candidate.

The configurations are enumerated exactly while there are at most
``max_configurations`` of them. Beyond that, ``max_configurations`` of them
are drawn afresh at every pick from the joint (draw ``k`` in turn, then each
label from ``p(y | x_i, w_k)``): an unbiased estimate, as Kirsch et al.'s
sampled joint entropy. Fresh draws matter: resampling the previous
configurations pick after pick would share their ancestry and pile up
variance (measured: 20x the standard deviation, as in particle filters).

Two things make it fast. Conditioning never raises entropy, so gains only
shrink as the batch grows: the last gain of a candidate bounds its next one,
and each pick evaluates candidates best bound first and stops once no bound
can beat the best gain found (lazy greedy, Minoux 1978), which picks the
same batch as scoring every candidate when the joint is exact. And a
configuration whose labels already single out one draw (posterior one-hot
within 1e-9) predicts every candidate with that draw alone: its term is a
precomputed entropy, so only the other configurations cost a logarithm per
candidate and class.
"""

from __future__ import annotations

import functools
from typing import NamedTuple

import numpy as np
from scipy.special import softmax

from .. import uncertainty as U
from .._validation import check_draws, check_int, check_random_state
from ..uncertainty._torch import checked_tensor, decompose_torch, is_tensor
from ._base import Context, check_batch_size, top_k
from ._registry import register
from .draws import BALD

__all__ = ["MAX_CONFIGURATIONS", "BatchBALD", "BatchBALDResult", "batch_bald_batch"]

#: Default label configurations kept: in benchmarks (benchmarks/results/acquisition.md) the
#: batches at 256 to 4096 configurations carry the same joint information within 0.02 nats.
MAX_CONFIGURATIONS = 512
#: Added inside logs so that 0 log 0 = 0 without a branch; far below float32 resolution of 1.
_TINY = np.float32(1e-30)
#: float32 entries of the (configurations x candidates x classes) block evaluated at once
#: (about 1 MB: it stays in cache, which matters more than fewer, larger blocks).
_BLOCK = 1 << 18
#: A posterior over draws within this total variation of one-hot counts as that draw.
_COLLAPSED = 1e-9


class BatchBALDResult(NamedTuple):
    """The greedy BatchBALD batch and its scores, each of shape (batch_size,)."""

    #: Pool positions, in the order they were picked.
    positions: np.ndarray
    #: Gain in joint mutual information (nats) of each pick given the earlier ones.
    gains: np.ndarray
    #: Whether each gain was computed from the exact joint (else from sampled configurations).
    exact: np.ndarray

    @property
    def scores(self) -> np.ndarray:
        """BatchBALD score of the first ``i + 1`` picks: ``cumsum(gains)``."""
        return np.cumsum(self.gains)


def batch_bald_batch(
    probs_draws,
    batch_size: int,
    max_configurations: int = MAX_CONFIGURATIONS,
    lazy: bool = True,
    seed=None,
) -> BatchBALDResult:
    """Greedy BatchBALD batch from sampled predictions.

    Parameters
    ----------
    probs_draws : array-like of shape (n_draws, n_pool, n_classes)
        Sampled class probabilities, draws first; the draws stand for samples
        of the model posterior.
    batch_size : int
        Points to pick, at most ``n_pool``.
    max_configurations : int
        Label configurations of the batch kept at most: the joint is exact while
        ``n_classes ** (picks - 1)`` (less the impossible ones) stays below it,
        and sampled with this many configurations beyond. Cost per pick grows
        linearly with it.
    lazy : bool
        Evaluate candidates best bound first and stop when no bound can win
        (same batch as the full greedy when the joint is exact; much faster).
    seed : int, Generator or None
        Breaks ties and draws the sampled configurations.

    Returns
    -------
    BatchBALDResult
        ``positions`` (batch_size,) best first, ``gains`` (batch_size,) and
        ``exact`` (batch_size,). The first pick is the top BALD point and its
        gain is its BALD score.

    Examples
    --------
    Two copies of the most informative point: top-k BALD takes both, BatchBALD
    takes one and then the point that still tells something once it is labeled.

    >>> import numpy as np
    >>> twin = np.array([[[1.0, 0.0]], [[1.0, 0.0]], [[0.0, 1.0]]])  # 3 draws, 1 point
    >>> other = np.array([[[0.9, 0.1]], [[0.1, 0.9]], [[0.5, 0.5]]])
    >>> draws = np.concatenate([twin, twin, other], axis=1)  # (3 draws, 3 points, 2 classes)
    >>> sorted(batch_bald_batch(draws, 2, seed=0).positions.tolist()) in ([0, 2], [1, 2])
    True
    """
    if is_tensor(probs_draws):
        if probs_draws.device.type != "cpu":
            return _batch_bald_torch(probs_draws, batch_size, max_configurations, seed)
        # A CPU tensor shares memory with numpy (no copy); the numpy path is faster there.
        probs_draws = probs_draws.detach().numpy()
    p = check_draws(probs_draws)
    n_pool = p.shape[1]
    batch_size = check_batch_size(batch_size, n_pool)
    try:
        check_int(max_configurations, "max_configurations", 1)
    except (TypeError, ValueError) as exc:
        raise type(exc)(
            f"{exc} The default, {MAX_CONFIGURATIONS}, keeps the joint exact for the first 3 "
            f"picks of 10 classes and estimates the gain of later picks within about 0.005 nats."
        ) from None
    rng = check_random_state(seed)
    d = U.decompose(p)
    bound = d.epistemic

    first = int(top_k(bound, 1, rng)[0])
    if batch_size == 1:
        return BatchBALDResult(np.array([first]), bound[[first]], np.array([True]))
    # Each product below is small (about 1 MB): BLAS threads add nothing to it, and on a
    # shared machine they wait on each other (10x slower measured on 2 busy cores).
    with _blas_controller().limit(limits=1, user_api="blas"):
        return _greedy(p, batch_size, max_configurations, lazy, rng, d, first)


@functools.cache
def _blas_controller():
    from threadpoolctl import ThreadpoolController  # a scikit-learn dependency

    return ThreadpoolController()


def _greedy(p, batch_size, max_configurations, lazy, rng, d, first) -> BatchBALDResult:
    """Picks 2..batch_size of :func:`batch_bald_batch` (the first is given)."""
    n_draws, n_pool, n_classes = p.shape
    cond = d.aleatoric
    bound = d.epistemic.copy()  # the first gains (BALD), then upper bounds of later gains
    A = np.ascontiguousarray(p, dtype=np.float32)  # (K, N, C)
    h_draw = U.entropy(p.reshape(-1, n_classes)).reshape(n_draws, n_pool)  # H[p(y_x | w_k)]
    picks, gains, exact = [first], [float(bound[first])], [True]
    free = np.ones(n_pool, dtype=bool)
    free[first] = False
    jitter = rng.random(n_pool)
    log_w = np.zeros((1, n_draws))  # log P(w_k | m) up to a constant, one row per configuration
    weights = np.ones(1)  # P(m)
    is_exact = True
    for _ in range(1, batch_size):
        if is_exact:
            log_w, weights = _branch(log_w, weights, p[:, picks[-1]])
            is_exact = len(weights) <= max_configurations
        if not is_exact:
            log_w, weights = _sample(p[:, picks], max_configurations, rng)
        post = softmax(log_w, axis=1)  # (M, K)
        # A configuration whose labels single out one draw predicts x with that draw alone:
        # its term is a precomputed entropy, so only the live configurations cost a log each.
        # (Total variation <= 1e-9 from the one-hot changes the entropy by < 1e-7 nats.)
        collapsed = post.max(axis=1) >= 1.0 - _COLLAPSED
        w_draw = np.bincount(
            post[collapsed].argmax(axis=1), weights=weights[collapsed], minlength=n_draws
        )
        live_post = post[~collapsed].astype(np.float32)
        live_w = weights[~collapsed].astype(np.float32)
        cand = np.flatnonzero(free)
        order = cand[np.lexsort((jitter[cand], -bound[cand]))]
        step = max(8, _BLOCK // max(1, len(live_w) * n_classes))
        best, best_gain = -1, -np.inf
        for start in range(0, len(order), step):
            block = order[start : start + step]
            if lazy and bound[block[0]] <= best_gain:
                break
            g = w_draw @ h_draw[:, block] - cond[block]
            if len(live_w):
                g += _conditional_entropy(live_post, live_w, A[:, block])
            bound[block] = g
            j = int(np.argmax(g))
            if g[j] > best_gain:
                best, best_gain = int(block[j]), float(g[j])
        picks.append(best)
        gains.append(max(best_gain, 0.0))
        exact.append(is_exact)
        free[best] = False
    return BatchBALDResult(np.asarray(picks), np.asarray(gains), np.asarray(exact))


def _conditional_entropy(post: np.ndarray, weights: np.ndarray, A_block: np.ndarray) -> np.ndarray:
    """``sum_m P(m) H[p(y_x | m)]`` for each candidate of the block.

    post : (M, K) posterior over draws per configuration; weights : (M,);
    A_block : (K, B, C) the candidates' draws. Returns shape (B,), float64.
    """
    n_draws, n_block, n_classes = A_block.shape
    R = post @ A_block.reshape(n_draws, n_block * n_classes)  # (M, B*C) posterior predictives
    L = R + _TINY
    np.log(L, out=L)
    L *= R
    return -(weights @ L).reshape(n_block, n_classes).sum(axis=1, dtype=np.float64)


def _branch(log_w, weights, p_new):
    """Extend every configuration with each label of the new pick (exact).

    Returns the children's ``log_w`` (M * C less the impossible ones, K) and
    their weights P(m, y), summing to 1.
    """
    n_classes = p_new.shape[1]
    child = (weights[:, None] * (softmax(log_w, axis=1) @ p_new)).ravel()  # P(m) p(y | m)
    idx = np.flatnonzero(child > 0)  # impossible configurations carry nothing
    parent, label = np.divmod(idx, n_classes)
    with np.errstate(divide="ignore"):
        log_p = np.log(p_new.T)  # (C, K); a draw that gives the label probability 0 is ruled out
    return log_w[parent] + log_p[label], child[idx] / child[idx].sum()


def _sample(p_batch, n_configurations, rng):
    """Configurations of the batch's labels drawn afresh from the joint, stratified over draws.

    ``p_batch`` has shape (K, n, C). Configuration ``s`` takes draw ``s mod K``
    and labels ``y_i ~ p_k(y | x_i)``: an exact mixture sample, with no
    ancestry shared between configurations (resampling step after step would
    pile up variance, as particle filters do). Returns ``log_w`` (M, K) and
    uniform weights (M,).
    """
    n_draws, n_batch, n_classes = p_batch.shape
    m = max(n_draws, n_configurations - n_configurations % n_draws)
    k = np.arange(m) % n_draws
    cdf = np.cumsum(p_batch[k], axis=2)  # (M, n, C)
    u = rng.random((m, n_batch, 1)) * cdf[:, :, -1:]
    y = np.minimum((u >= cdf).sum(axis=2), n_classes - 1)  # (M, n)
    with np.errstate(divide="ignore"):
        log_p = np.log(p_batch)  # (K, n, C)
    log_w = log_p[:, np.arange(n_batch)[None, :], y].sum(axis=2).T  # (M, K)
    return log_w, np.full(m, 1.0 / m)


def _batch_bald_torch(probs_draws, batch_size, max_configurations, seed) -> BatchBALDResult:
    """:func:`batch_bald_batch` on a torch tensor, on its device (e.g. a GPU).

    The same greedy as the numpy path, without its CPU economies: every free
    candidate is scored at each pick (a device is fastest on big uniform
    blocks, so the lazy bound and the collapsed configurations are not used;
    the batch is the same while the joint is exact). Only the picks and their
    gains come back to the host. Ties go to the lowest index and sampled
    configurations come from a torch generator seeded from ``seed``.
    """
    import torch

    p = checked_tensor(probs_draws)
    n_draws, n_pool, n_classes = p.shape
    batch_size = check_batch_size(batch_size, n_pool)
    if not isinstance(max_configurations, int | np.integer) or max_configurations < 1:
        raise ValueError(f"max_configurations must be an integer >= 1; got {max_configurations!r}.")
    rng = check_random_state(seed)
    gen = torch.Generator(device=p.device).manual_seed(int(rng.integers(2**62)))
    _, aleatoric, bald = decompose_torch(p)
    free = torch.ones(n_pool, dtype=torch.bool, device=p.device)
    first = int(torch.argmax(bald))
    picks, gains, exact = [first], [bald[first]], [True]
    free[first] = False
    log_w = torch.zeros((1, n_draws), dtype=torch.float64, device=p.device)
    weights = torch.ones(1, dtype=torch.float64, device=p.device)
    is_exact = True
    A = p.reshape(n_draws, n_pool * n_classes)
    for _ in range(1, batch_size):
        if is_exact:
            p_new = p[:, picks[-1]].to(torch.float64)  # (K, C)
            child = (weights[:, None] * (torch.softmax(log_w, dim=1) @ p_new)).reshape(-1)
            idx = torch.nonzero(child > 0).squeeze(1)
            parent, label = idx // n_classes, idx % n_classes
            log_w = log_w[parent] + torch.log(p_new.T)[label]
            weights = child[idx] / child[idx].sum()
            is_exact = len(weights) <= max_configurations
        if not is_exact:
            m = max(n_draws, max_configurations - max_configurations % n_draws)
            k = torch.arange(m, device=p.device) % n_draws
            pb = p[:, picks].to(torch.float64)  # (K, n, C)
            y = torch.multinomial(pb[k].reshape(-1, n_classes), 1, generator=gen).view(m, -1)
            log_pb = torch.log(pb)  # (K, n, C)
            cols = torch.arange(len(picks), device=p.device)
            log_w = log_pb[:, cols[None, :], y].sum(dim=2).T  # (M, K)
            weights = torch.full((m,), 1.0 / m, dtype=torch.float64, device=p.device)
        post = torch.softmax(log_w, dim=1).to(p.dtype)  # (M, K)
        w = weights.to(p.dtype)
        cond = torch.empty(n_pool, dtype=torch.float64, device=p.device)
        step = max(1, (1 << 24) // max(1, len(w) * n_classes))  # bounded (M, B, C) block
        for lo in range(0, n_pool, step):
            hi = min(n_pool, lo + step)
            R = post @ A[:, lo * n_classes : hi * n_classes]  # (M, B*C) posterior predictives
            H = -(w @ torch.special.xlogy(R, R)).view(hi - lo, n_classes).sum(dim=1)
            cond[lo:hi] = H.to(torch.float64)
        g = cond - aleatoric.to(torch.float64)
        g[~free] = -torch.inf
        best = int(torch.argmax(g))
        picks.append(best)
        gains.append(g[best].clamp_min(0.0))
        exact.append(is_exact)
        free[best] = False
    gains_host = torch.stack([torch.as_tensor(x, dtype=torch.float64) for x in gains]).cpu()
    return BatchBALDResult(np.asarray(picks), gains_host.numpy(), np.asarray(exact))


@register
class BatchBALD(BALD):
    """Greedy batch maximising the joint mutual information of the batch's labels and the model.

    Parameters
    ----------
    max_configurations : int
        Label configurations kept at most (exact joint below, sampled above).
    lazy : bool
        Lazy greedy evaluation (see :func:`batch_bald_batch`).
    """

    name = "batch_bald"
    batch_aware = True
    pointwise = False  # its batch is chosen jointly over the whole pool
    reference = (
        "Kirsch, van Amersfoort & Gal 2019, BatchBALD: Efficient and Diverse Batch "
        "Acquisition for Deep Bayesian Active Learning."
    )

    def __init__(self, max_configurations: int = MAX_CONFIGURATIONS, lazy: bool = True):
        self.max_configurations = max_configurations
        self.lazy = lazy

    def select(self, context: Context, batch_size: int = 1, rng=None) -> np.ndarray:
        """The greedy BatchBALD batch (its first pick is BALD's top point)."""
        res = batch_bald_batch(
            context.require("draws", self.name),
            check_batch_size(batch_size, context.n_pool),
            max_configurations=self.max_configurations,
            lazy=self.lazy,
            seed=check_random_state(rng),
        )
        return np.asarray(context.pool_indices)[res.positions]
