"""Entropy decomposition of sampled predictions in one cache-blocked pass.

The textbook numpy expression ``-(p * np.log(p + eps)).sum(-1).mean(0)`` builds
several temporaries as large as the input (80 MB for draws of shape
(20, 100000, 10) float32), reduces over the short class axis (slow in numpy)
and so spends most of its time moving memory. Here the samples are cut into
blocks small enough to stay in a core's L2 cache; each block is read from
main memory once, and everything the decomposition and its validation need
is computed while it is hot:

- a contiguous copy ``x + tiny``: ``0 log 0`` becomes ``tiny log tiny ~ 0``
  with no branch and no NaN to clean up, and log2 stays off its slow path for
  zeros;
- the row sums, by a thin matrix product (the validation: every row sums to 1;
  NaN and inf make a bad sum);
- the sum over draws (for the mean prediction and its entropy);
- ``log2`` of the copy, then ``sum_t x log2 x`` by one einsum, which multiplies
  and sums without writing the product (the expected entropy).

The per-sample sums over classes then run once on arrays ``n_draws`` times
smaller than the input. Blocks are shared between threads (numpy releases the
GIL inside its loops), with BLAS held to one thread meanwhile. Negative
entries surface as NaN; only when a row sum or a result is off does
:func:`alviz._validation.check_draws` run, to raise its precise message (or,
for the tiny negative rounding it tolerates, to let a clipped copy through).
Precision: float32 input is computed in float32 and agrees with the float64
formula to about 1e-6 nats.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from .._validation import _as_float, check_draws, renormalise_atol

__all__ = ["checked_draws", "fused_decompose"]

#: Bytes of one block of draws. The block's copy and its logs (twice this)
#: stay within a typical 1-2 MiB L2 cache.
_BLOCK_BYTES = 512 * 1024
#: Below this many elements a second thread costs more than it saves.
_PARALLEL_MIN_ELEMENTS = 2_000_000
#: Row sums are taken this many values at a time (see _row_sum_weights).
_ROW_GROUP_WIDTH = 40
_CONTROLLER = None
_LIMITER = None
_LIMIT_USERS = 0
_LIMIT_LOCK = threading.Lock()


def _n_threads() -> int:
    try:
        n = len(os.sched_getaffinity(0))
    except AttributeError:  # macOS and Windows
        n = os.cpu_count() or 1
    return max(1, min(n, 8))


def _row_sum_weights(n_classes: int, dtype) -> tuple[int, np.ndarray]:
    """``(k, W)`` such that ``rows.reshape(-1, k * n_classes) @ W`` gives the row sums.

    ``W = kron(eye(k), ones((n_classes, 1)))`` sums ``k`` consecutive rows at once:
    a thin matrix-matrix product runs faster than the matrix-vector product
    over rows of only ~10 classes (measured ~1.6x), at the cost of flops that
    are free here.
    """
    k = max(1, _ROW_GROUP_WIDTH // n_classes)
    return k, np.kron(np.eye(k, dtype=dtype), np.ones((n_classes, 1), dtype))


def _blocks(p: np.ndarray, lo: int, hi: int, mean: np.ndarray, plogp: np.ndarray) -> float:
    """Fill ``mean[lo:hi]`` and ``plogp[lo:hi]`` (sum over draws of ``p log2 p``).

    Returns the largest ``|row sum - 1|`` seen (NaN if a row sum is NaN).
    """
    n_draws, _, n_classes = p.shape
    dtype = p.dtype
    tiny = np.finfo(dtype).tiny
    k, group = _row_sum_weights(n_classes, dtype)
    # Blocks of a multiple of k samples keep the grouped row sums aligned.
    block = max(k, _BLOCK_BYTES // (n_draws * n_classes * dtype.itemsize) // k * k)
    size = n_draws * min(block, hi - lo) * n_classes
    copy, logs = np.empty(size, dtype), np.empty(size, dtype)
    ones = np.ones(n_classes, dtype)
    devs = []
    # numpy keeps its error state per thread: silence log(<0) here, the caller
    # checks the results for finiteness.
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for start in range(lo, hi, block):
            stop = min(start + block, hi)
            n = stop - start
            shape = (n_draws, n, n_classes)
            xt = copy[: n_draws * n * n_classes].reshape(shape)
            lg = logs[: n_draws * n * n_classes].reshape(shape)
            # A contiguous, cache-resident copy; + tiny makes log(0) finite and
            # keeps log2 off its slow path for zeros. (x + tiny) log(x + tiny)
            # differs from x log x by less than 1e-35.
            np.add(p[:, start:stop], tiny, out=xt)
            rows = xt.reshape(-1, n_classes)
            sums = rows.reshape(-1, k * n_classes) @ group if n % k == 0 else rows @ ones
            devs.append(max(float(sums.max()) - 1.0, 1.0 - float(sums.min())))
            np.add.reduce(xt, axis=0, out=mean[start:stop])
            # log2 is about twice as fast as log in numpy; the caller rescales by ln 2.
            np.log2(xt, out=lg)
            # Multiply and sum over draws in one loop, without writing the product.
            np.einsum("tnc,tnc->nc", xt, lg, out=plogp[start:stop])
    # np.max propagates NaN, so a row with a NaN sum is never "within tolerance".
    return float(np.max(devs)) if devs else 0.0


@contextlib.contextmanager
def _single_threaded_blas():
    """Keep BLAS on one thread while the blocks run.

    The matrix products here are small; OpenBLAS would still split them over
    its own threads, which fight with ours (and on a busy machine spin for
    milliseconds). The limit is process-wide, so concurrent callers share one
    limiter: the first sets it, the last restores the user's setting.
    threadpoolctl comes with scikit-learn; without it, run as is.
    """
    global _CONTROLLER, _LIMITER, _LIMIT_USERS
    with _LIMIT_LOCK:
        if _LIMIT_USERS == 0:
            try:
                if _CONTROLLER is None:
                    from threadpoolctl import ThreadpoolController

                    _CONTROLLER = ThreadpoolController()
                _LIMITER = _CONTROLLER.limit(limits=1, user_api="blas")
            except Exception:  # threadpoolctl missing or unable to inspect the libraries
                _LIMITER = None
        _LIMIT_USERS += 1
    try:
        yield
    finally:
        with _LIMIT_LOCK:
            _LIMIT_USERS -= 1
            if _LIMIT_USERS == 0 and _LIMITER is not None:
                _LIMITER.restore_original_limits()
                _LIMITER = None


def _run(p: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    with _single_threaded_blas():
        return _run_blocks(p)


def _run_blocks(p: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    n_draws, n_samples, n_classes = p.shape
    mean = np.empty((n_samples, n_classes), p.dtype)
    plogp = np.empty((n_samples, n_classes), p.dtype)
    n_threads = _n_threads() if p.size >= _PARALLEL_MIN_ELEMENTS else 1
    if n_threads == 1:
        worst = _blocks(p, 0, n_samples, mean, plogp)
    else:
        bounds = np.linspace(0, n_samples, n_threads + 1).astype(int)
        with ThreadPoolExecutor(n_threads) as pool:
            futures = [
                pool.submit(_blocks, p, lo, hi, mean, plogp)
                for lo, hi in itertools.pairwise(bounds)
            ]
            worst = float(np.max([f.result() for f in futures]))
    ones = np.ones(n_classes, p.dtype)
    # These (n_samples, n_classes) arrays are n_draws times smaller than the
    # input: whole-array operations on them cost little.
    aleatoric = (plogp @ ones).astype(np.float64)
    aleatoric *= -np.log(2.0) / n_draws
    mean *= p.dtype.type(1.0 / n_draws)
    with np.errstate(divide="ignore", invalid="ignore"):
        np.add(mean, np.finfo(p.dtype).tiny, out=plogp)
        np.log2(plogp, out=plogp)
    plogp *= mean
    total = (plogp @ ones).astype(np.float64)
    total *= -np.log(2.0)
    return total, aleatoric, worst


def fused_decompose(probs_draws, name: str = "probs_draws") -> tuple[np.ndarray, np.ndarray]:
    """Validated ``(total, aleatoric)`` entropies in nats, float64 arrays of shape (n_samples,).

    Parameters
    ----------
    probs_draws : array-like of shape (n_draws, n_samples, n_classes)
        Sampled class probabilities, draws first; float32 stays float32 inside.
    name : str
        The argument's name, used in error messages.

    Returns
    -------
    total, aleatoric : ndarray of shape (n_samples,)
        ``H[mean_t p_t]`` and ``mean_t H[p_t]``, with ``aleatoric <= total <= log n_classes``
        enforced against rounding.
    """
    p = _as_float(probs_draws, name)
    if p.ndim != 3 or 0 in p.shape:
        p = check_draws(p, name)  # raises the shape message for ndim != 3
        if p.size == 0:
            empty = np.zeros(p.shape[1], np.float64)
            return empty, empty.copy()
    p = np.ascontiguousarray(p)
    total, aleatoric, worst = _run(p)
    tol = renormalise_atol(p.dtype, p.shape[2])
    ok = worst <= tol and np.isfinite(total).all() and np.isfinite(aleatoric).all()
    if not ok:
        # Slow path, only for invalid input or rows off by rounding: the full
        # check raises a precise message, or returns the rows clipped and renormalised.
        p = check_draws(p, name)
        total, aleatoric, _ = _run(p)
    # Mathematically mean H <= H[mean] <= log C; keep rounding from breaking it.
    # Rounding can put a certain row's entropy at -2e-16: clip total into [0, log C]
    # first, then aleatoric into [0, total], so 0 <= aleatoric <= total always holds.
    np.clip(total, 0.0, np.log(p.shape[2]), out=total)
    np.clip(aleatoric, 0.0, total, out=aleatoric)
    return total, aleatoric


def checked_draws(probs_draws, name: str = "probs_draws") -> np.ndarray:
    """:func:`alviz._validation.check_draws` at a fraction of its cost on large arrays.

    Two passes instead of six: the row sums (grouped as in :func:`_blocks`,
    which also catches NaN and inf) and the minimum (which catches negative
    entries). Anything suspicious goes to ``check_draws`` for its message.

    Parameters
    ----------
    probs_draws : array-like of shape (n_draws, n_samples, n_classes)
        Sampled class probabilities, draws first.
    name : str
        The argument's name, used in error messages.

    Returns
    -------
    ndarray of shape (n_draws, n_samples, n_classes)
        float32 or float64, C-contiguous.
    """
    p = _as_float(probs_draws, name)
    if p.ndim != 3 or p.size == 0:
        return check_draws(p, name)
    p = np.ascontiguousarray(p)
    n_classes = p.shape[2]
    k, group = _row_sum_weights(n_classes, p.dtype)
    rows = p.reshape(-1, n_classes)
    # NaN and inf show up as bad sums; check_draws then names them.
    with _single_threaded_blas(), np.errstate(invalid="ignore", over="ignore"):
        if len(rows) % k == 0:
            sums = rows.reshape(-1, k * n_classes) @ group
        else:
            sums = rows @ np.ones(n_classes, p.dtype)
    worst = max(float(sums.max()) - 1.0, 1.0 - float(sums.min()))
    # Non-negative rows summing to 1 within a few ulps pass as they are; anything
    # else is clipped and renormalised (or refused) by check_draws.
    if not (worst <= renormalise_atol(p.dtype, n_classes) and float(p.min()) >= 0):
        return np.ascontiguousarray(check_draws(p, name))
    return p
