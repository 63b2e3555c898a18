"""Acquisition strategies: pure score functions and thin Strategy classes, one registry.

Every strategy has a public pure function (``*_scores`` for a score per pool
point, ``*_batch`` for a jointly chosen batch) and a thin :class:`Strategy`
class registered under its name: ``get(name, **params)``, ``names()``,
``info()``.

>>> import alviz as al
>>> "entropy" in al.acquisition.names()
True
>>> al.acquisition.get("cost_sensitive", base="bald").needs == {"costs", "draws"}
True
"""

# Importing the modules registers their strategies.
from ._base import NEEDS, Context, Strategy, check_batch_size, top_k
from ._registry import FAMILIES, get, info, names, register
from .batchbald import BatchBALD, BatchBALDResult, batch_bald_batch
from .combined import (
    CostSensitive,
    DensityWeighted,
    Hybrid,
    cost_sensitive_scores,
    density,
    hybrid_batch,
    information_density_scores,
)
from .conformal import (
    ConformalSetSize,
    conformal_set_size_scores,
    credible_sets,
    cross_fitted_probs,
)
from .diversity import (
    BADGE,
    CoreSet,
    KMeansSampling,
    badge_batch,
    badge_scores,
    coreset_scores,
    kcenter_greedy,
    kmeans_batch,
    kmeans_scores,
)
from .draws import (
    BALD,
    KLDisagreement,
    MeanSTD,
    VariationRatios,
    VoteEntropy,
    bald_scores,
    kl_disagreement_scores,
    mean_std_scores,
    variation_ratios_scores,
    vote_entropy_scores,
)
from .gradients import gradient_embeddings, gradient_factors
from .model_change import (
    ExpectedGradientLength,
    LossPrediction,
    expected_gradient_length_scores,
    loss_prediction_scores,
)
from .regression import (
    MaxEpistemicVariance,
    MaxTotalVariance,
    max_epistemic_variance_scores,
    max_total_variance_scores,
)
from .uncertainty import (
    EntropySampling,
    LeastConfidenceSampling,
    MarginSampling,
    RandomSampling,
    RatioSampling,
    entropy_scores,
    least_confidence_scores,
    margin_scores,
    ratio_scores,
)

__all__ = [
    "BADGE",
    "BALD",
    "FAMILIES",
    "NEEDS",
    "BatchBALD",
    "BatchBALDResult",
    "ConformalSetSize",
    "Context",
    "CoreSet",
    "CostSensitive",
    "DensityWeighted",
    "EntropySampling",
    "ExpectedGradientLength",
    "Hybrid",
    "KLDisagreement",
    "KMeansSampling",
    "LeastConfidenceSampling",
    "LossPrediction",
    "MarginSampling",
    "MaxEpistemicVariance",
    "MaxTotalVariance",
    "MeanSTD",
    "RandomSampling",
    "RatioSampling",
    "Strategy",
    "VariationRatios",
    "VoteEntropy",
    "badge_batch",
    "badge_scores",
    "bald_scores",
    "batch_bald_batch",
    "check_batch_size",
    "conformal_set_size_scores",
    "coreset_scores",
    "cost_sensitive_scores",
    "credible_sets",
    "cross_fitted_probs",
    "density",
    "entropy_scores",
    "expected_gradient_length_scores",
    "get",
    "gradient_embeddings",
    "gradient_factors",
    "hybrid_batch",
    "info",
    "information_density_scores",
    "kcenter_greedy",
    "kl_disagreement_scores",
    "kmeans_batch",
    "kmeans_scores",
    "least_confidence_scores",
    "loss_prediction_scores",
    "margin_scores",
    "max_epistemic_variance_scores",
    "max_total_variance_scores",
    "mean_std_scores",
    "names",
    "ratio_scores",
    "register",
    "top_k",
    "variation_ratios_scores",
    "vote_entropy_scores",
]
