"""Every claim of every dataset card holds on every seed (the template test of issue 11).

Claims are data (``alviz.datasets._claims``); a card's prose states nothing
that is not one of them. ``data/datasets.md`` prints the values measured here.
"""

import re
from pathlib import Path

import numpy as np
import pytest

import alviz as al
from alviz.datasets import _claims as C

ROOT = Path(__file__).resolve().parents[1]

CLAIMS = [
    pytest.param(name, i, claim, id=f"{name}-{i}-{type(claim).__name__}")
    for name in al.datasets.names()
    for i, claim in enumerate(al.datasets.card(name).claims)
]

#: Worlds built to show a concept: each must say what it shows as claims.
CONCEPT_WORLDS = [
    "aleatoric",
    "aleatoric_epistemic",
    "epistemic",
    "groups",
    "hetero_sine",
    "missed_cluster",
    "outliers",
    "repeated_noise",
    "step",
]


@pytest.mark.parametrize("name", CONCEPT_WORLDS)
def test_concept_worlds_state_their_claims(name):
    claims = al.datasets.card(name).claims
    assert claims, f"the card of {name!r} has no claims"
    ds = al.datasets.load(name)
    for claim in claims:
        assert claim.dataset == name
        assert claim.at_least is not None or claim.at_most is not None, claim.text()
        assert isinstance(hash(claim), int)  # frozen: a claim is a value
        assert claim.text().endswith(".")
        region = getattr(claim, "region", None)
        if region is not None:  # a named region resolves in the default world's meta
            X = np.vstack([ds.X, ds.X_test])
            assert region.contains(X, ds.meta).any(), claim.text()


@pytest.mark.parametrize(("name", "i", "claim"), CLAIMS)
def test_claim_holds_on_every_seed(name, i, claim):
    values = [C.measured(claim, seed) for seed in C.SEEDS]
    assert len(C.SEEDS) >= 3
    assert all(claim.holds(v) for v in values), (
        f"{name} claim {i} fails: {claim.text()} Measured {values} on seeds {list(C.SEEDS)}."
    )


_MEASURED = re.compile(r"Measured: [^()]*\(")


def test_cards_file_is_in_sync_and_shows_measured_values():
    """Runs after the claims above in this module, so the measurements are cached.

    The file and this run must agree on every word and verdict; the values themselves
    are compared only as present, because a float32 network's values move with the
    CPU's BLAS kernels (the bounds are checked on this machine by the test above).
    """
    text = al.datasets.cards_markdown()
    stored = (ROOT / "data" / "datasets.md").read_text()
    assert _MEASURED.sub("Measured: (", stored) == _MEASURED.sub("Measured: (", text), (
        "regenerate it: python -m alviz.datasets > data/datasets.md"
    )
    for t in (text, stored):
        assert t.count("Measured: seed 0:") == len(CLAIMS)
        assert "DOES NOT HOLD" not in t


# ----------------------------------------------------------------- the machinery itself
def test_regions_contain_what_they_say():
    X = np.array([[0.0, 0.0], [2.0, 0.5], [-3.0, 3.0]])
    np.testing.assert_array_equal(C.Box((-1, 2), (0, 1)).contains(X), [True, True, False])
    np.testing.assert_array_equal(C.Interval(-3, 0).contains(X), [True, False, True])
    np.testing.assert_array_equal(C.Disc((0, 0), 2.1).contains(X), [True, True, False])
    np.testing.assert_array_equal(C.Disc((0, 0), 2.1, outside=True).contains(X), [0, 0, 1])
    meta = {
        "box": ((-1.0, 2.0), (0.0, 1.0)),
        "band": (1.0, 5.0),
        "disc": {"centre": (-3.0, 3.0), "radius": 0.5},
    }
    np.testing.assert_array_equal(C.Named("box").contains(X, meta), [True, True, False])
    np.testing.assert_array_equal(C.Named("band").contains(X, meta), [False, True, False])
    np.testing.assert_array_equal(C.Named("disc").contains(X, meta), [False, False, True])
    np.testing.assert_array_equal(C.Not(C.Named("disc")).contains(X, meta), [True, True, False])
    with pytest.raises(KeyError, match="no region 'gap'"):
        C.Named("gap").contains(X, meta)


def test_bounds_decide_holds():
    claim = C.QueriesIn("moons", "logreg", "entropy", C.Box((0, 1), (0, 1)), at_least=2, at_most=4)
    assert [claim.holds(v) for v in (1, 2, 4, 5, float("nan"))] == [False, True, True, False, False]
    assert "between 2 and 4" in claim.text()
    with pytest.raises(ValueError, match="measure_name must be one of"):
        C.UncertaintyRatio("moons", "logreg", "surprise", C.Box((0, 1), (0, 1)), at_least=1)


def test_a_false_claim_is_measured_false():
    """The evaluators are not rubber stamps: the opposite of a true claim fails."""
    true = al.datasets.card("missed_cluster").claims[-1]  # random sampling finds the cluster
    false = C.QueriesIn(
        true.dataset,
        true.model,
        true.strategy,
        true.region,
        true.n_queries,
        at_most=0,
        initial=true.initial,
        initial_region=true.initial_region,
    )
    assert not false.holds(C.measured(true, 0))
