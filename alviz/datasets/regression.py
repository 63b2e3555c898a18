"""1-D regression worlds: aleatoric and epistemic bands on one axis.

``X`` has shape (n, 1) and ``y`` is float. The display ``X2d`` is ``(x, 0)``:
it depends on the features only (so ``ds.embed(X_new)`` is defined); plot
``y`` against ``X2d[:, 0]`` for the usual picture. The test split is drawn
uniformly over the whole domain, gaps included, so the errors a model makes
where it has no data show in the test metrics.
"""

from __future__ import annotations

import numpy as np

from ._base import Card
from ._build import build
from ._claims import Interval, MeanIn, Named, QueriesIn, SequencesDiffer, UncertaintyRatio
from ._params import (
    check_int,
    check_real,
    check_seed,
    pool_and_test_sizes,
    pool_and_test_streams,
)
from ._registry import register

__all__ = ["hetero_sine", "hetero_sine_truth", "step", "step_truth"]

_GENERATED = "BSD-3-Clause (generated data; alviz generator)"
_DOMAIN = (-4.0, 4.0)
_NOISY_BAND = (-3.0, -1.0)


def hetero_sine_truth(x, noise: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """Mean and noise standard deviation of the ``hetero_sine`` world at ``x``.

    Parameters
    ----------
    x : array-like of shape (n,) or (n, 1)
    noise : float
        The world's ``noise`` knob: the standard deviation at the centre of
        the noisy band.

    Returns
    -------
    mean, sd : ndarray of shape (n,)
        ``sin(x)`` and ``0.05 + noise * exp(-(x + 2)² / 0.5)``.
    """
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    centre = 0.5 * (_NOISY_BAND[0] + _NOISY_BAND[1])
    return np.sin(x), 0.05 + noise * np.exp(-((x - centre) ** 2) / 0.5)


_GAP = Named("gap_region", "the gap")
_PEAK = Interval(-2.2, -1.8)  # the centre of the noisy band: true noise sd 0.52-0.55
_QUIET = Interval(2.5, 4.0)  # true noise sd 0.05
_REGRESSOR = "deep_ensemble_regressor"  # alviz's default regressor (Session)
_NO_GAP = (("gap", (0.0, 0.0)),)
_MORE = (("n_samples", 1200),)

HETERO_SINE = Card(
    title="Heteroscedastic sine with a gap",
    shows="y = sin(x) + noise whose size varies with x: a noisy band (meta['noisy_region'], "
    "aleatoric: a model should widen its noise estimate there, more data do not narrow it) "
    "beside a gap with no training data (meta['gap_region'], epistemic: the spread of "
    "sampled fits should grow there, and shrink once points are added). The default "
    "regressor (a deep ensemble of mean-and-variance MLPs trained with β-NLL, with "
    "randomized priors) shows both, so querying the largest total variance (which chases the "
    "noisy band) and the largest epistemic variance pick different points; a GP regressor "
    "learns one noise level for every x.",
    source="alviz generator (uniform x outside the gap, Gaussian noise)",
    license=_GENERATED,
    claims=(
        MeanIn("hetero_sine", _REGRESSOR, "aleatoric_sd", _PEAK, 0.25, 0.8, truth=0.53),
        MeanIn("hetero_sine", _REGRESSOR, "aleatoric_sd", _QUIET, at_most=0.1, truth=0.05),
        # 1.5, not 3: over seeds 0-11 the ratio measured 2.1-54 here and 1.7-62 with MKL limited
        # to AVX2 (float32 rounding changes which members spread in the gap); 3 failed seed 5.
        UncertaintyRatio("hetero_sine", _REGRESSOR, "epistemic", _GAP, at_least=1.5),
        # Points added to the gap: the epistemic bump goes (the same x range, no gap).
        UncertaintyRatio(
            "hetero_sine", _REGRESSOR, "epistemic", Interval(0.5, 2.0), at_most=2.0, params=_NO_GAP
        ),
        # Four times the data: the noise band stays.
        MeanIn(
            "hetero_sine", _REGRESSOR, "aleatoric_sd", _PEAK, 0.35, 0.8, params=_MORE, truth=0.53
        ),
        # Total variance chases the noisy band; epistemic variance often looks there too
        # with 60 labels (the members disagree most where the data are noisiest), but at
        # other points: which ones moves with float32 rounding, so two batches are compared.
        QueriesIn(
            "hetero_sine",
            _REGRESSOR,
            "max_total_variance",
            Named("noisy_region", "the noisy band"),
            10,
            at_least=8,
            initial=60,
            batch_size=10,
        ),
        SequencesDiffer(
            "hetero_sine",
            _REGRESSOR,
            ("max_total_variance", "max_epistemic_variance"),
            20,
            at_least=5,
            initial=60,
            batch_size=10,
        ),
        UncertaintyRatio("hetero_sine", "gp_regressor", "aleatoric", _PEAK, 0.999, 1.001),
    ),
)


@register("hetero_sine", HETERO_SINE)
def hetero_sine(
    n_samples: int = 300,
    noise: float = 0.5,
    gap: tuple[float, float] = (0.5, 2.0),
    test_size: float = 0.25,
    seed: int = 0,
):
    """sin(x) on [-4, 4] with input-dependent noise and no pool data inside ``gap``.

    Parameters
    ----------
    n_samples : int
        Rows in pool and test together.
    noise : float
        Noise standard deviation at the centre of the noisy band (x = -2);
        it falls to 0.05 away from it (see :func:`hetero_sine_truth`).
    gap : (float, float)
        Interval of x without pool points; must lie in [-4, 4] and be
        disjoint from the noisy band [-3, -1]. ``(0, 0)`` for no gap.
    test_size : float
        Share of ``n_samples`` drawn as the test split, uniform over [-4, 4].
    seed : int
        Seed of the generator.

    Returns
    -------
    Dataset
        ``task="regression"``, X of shape (n, 1).
    """
    n_pool, n_test, seed = pool_and_test_sizes(n_samples, test_size, seed, min_samples=20)
    noise = check_real(noise, "noise", 0.0, 5.0)
    try:
        lo, hi = (float(v) for v in gap)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"gap must be a pair of numbers (lo, hi); got {gap!r}.") from exc
    if not (_DOMAIN[0] <= lo <= hi <= _DOMAIN[1]) or (lo < _NOISY_BAND[1] and hi > lo):
        raise ValueError(
            f"gap must satisfy -1 <= lo <= hi <= 4 (inside the domain, right of the noisy "
            f"band [-3, -1]); got {gap!r}."
        )
    rng_pool, rng_test = pool_and_test_streams(seed)
    width = (_DOMAIN[1] - _DOMAIN[0]) - (hi - lo)
    u = rng_pool.uniform(_DOMAIN[0], _DOMAIN[0] + width, n_pool)
    x_pool = np.where(u < lo, u, u + (hi - lo))
    x_test = rng_test.uniform(*_DOMAIN, n_test)

    def targets(x, rng):
        mean, sd = hetero_sine_truth(x, noise)
        return mean + sd * rng.standard_normal(len(x))

    return build(
        "hetero_sine",
        x_pool[:, None],
        targets(x_pool, rng_pool),
        card=HETERO_SINE,
        X_test=x_test[:, None],
        y_test=targets(x_test, rng_test),
        seed=seed,
        task="regression",
        feature_names=["x"],
        meta={
            "noise": noise,
            "gap_region": (lo, hi),
            "noisy_region": _NOISY_BAND,
            "truth": "mean sin(x), sd 0.05 + noise * exp(-(x + 2)^2 / 0.5)",
        },
    )


def step_truth(x, height: float = 2.0) -> np.ndarray:
    """Mean of the ``step`` world at ``x`` (shape (n,)): ``0`` left of 0, ``height`` right."""
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    return np.where(x > 0, height, 0.0)


STEP = Card(
    title="Step function",
    shows="A jump at x = 0: smooth models blur it, so a model that learns its noise calls "
    "the noise large right at the jump, and total-variance sampling queries there. A test "
    "of how models handle discontinuities.",
    source="alviz generator (uniform x, Gaussian noise)",
    license=_GENERATED,
    claims=(
        QueriesIn(
            "step",
            "deep_ensemble_regressor",
            "max_total_variance",
            Interval(-0.5, 0.5),
            10,
            at_least=5,
            initial=20,
            batch_size=10,
        ),
    ),
)


@register("step", STEP)
def step(
    n_samples: int = 300,
    height: float = 2.0,
    noise: float = 0.1,
    test_size: float = 0.25,
    seed: int = 0,
):
    """``y = height * (x > 0) + noise`` on [-4, 4].

    Parameters
    ----------
    n_samples : int
        Rows before the split.
    height : float
        Size of the jump.
    noise : float
        Standard deviation of Gaussian noise on y.
    test_size : float
        Share of rows held out.
    seed : int
        Seed of the generator and the split.

    Returns
    -------
    Dataset
        ``task="regression"``, X of shape (n, 1).
    """
    n_samples = check_int(n_samples, "n_samples", 20)
    height = check_real(height, "height")
    noise = check_real(noise, "noise", 0.0)
    seed = check_seed(seed)
    rng = np.random.default_rng(seed)
    x = rng.uniform(*_DOMAIN, n_samples)
    y = step_truth(x, height) + noise * rng.standard_normal(n_samples)
    return build(
        "step",
        x[:, None],
        y,
        card=STEP,
        test_size=test_size,
        seed=seed,
        task="regression",
        feature_names=["x"],
        meta={"height": height, "noise": noise, "jump_at": 0.0},
    )
