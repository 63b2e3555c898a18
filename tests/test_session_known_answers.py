"""Known answers of the whole loop: where strategies send their queries."""

import numpy as np

import alviz as al


def _region_of(ds, indices):
    (ox, oy), (ex, ey) = ds.meta["overlap_region"], ds.meta["empty_region"]
    out = []
    for x, y in ds.X[indices]:
        if ox[0] <= x <= ox[1] and oy[0] <= y <= oy[1]:
            out.append("overlap")
        elif ex[0] <= x <= ex[1] and ey[0] <= y <= ey[1]:
            out.append("empty")
        else:
            out.append("other")
    return np.array(out)


def test_bald_prefers_the_empty_region_entropy_the_overlap():
    ds = al.datasets.load("aleatoric_epistemic")
    where = {"entropy": [], "bald": []}
    for seed in range(5):
        for strategy, found in where.items():
            s = al.Session(ds, strategy=strategy, initial=30, batch_size=5, seed=seed)
            found.extend(_region_of(ds, s.step()))
    entropy, bald = np.array(where["entropy"]), np.array(where["bald"])
    # Entropy chases the coin-flip square (aleatoric: more labels there do not help) ...
    assert (entropy == "overlap").mean() >= 0.8
    # ... while BALD asks where the posterior draws disagree: mostly the region no label
    # reached (the rest far out along the boundary, where a linear model also extrapolates).
    assert (bald == "empty").mean() >= 0.6
    assert (bald == "overlap").sum() == 0


def test_margin_session_picks_the_point_nearest_the_boundary(moons):
    s = al.Session(moons, model="logreg", strategy="margin", initial=20, seed=0)
    pool = s.pool_indices
    p = s.predict_proba(moons.X[pool])
    q = s.step()[0]
    assert q == pool[np.argmin(np.abs(p[:, 1] - p[:, 0]))]


def test_uncertainty_sampling_beats_random_on_moons():
    ds = al.datasets.load("moons", n_samples=400, noise=0.15, seed=0)
    auc = {}
    for strategy in ("random", "margin"):
        accs = []
        for seed in range(3):
            s = al.Session(ds, "svm", strategy, initial=6, init="balanced", seed=seed)
            s.run(24)
            accs.append(np.mean([r.metrics["accuracy"] for r in s.history]))
        auc[strategy] = np.mean(accs)
    assert auc["margin"] > auc["random"]
