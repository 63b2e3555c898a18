"""The heterogeneous committee: mean prediction, members as draws, query by committee."""

import numpy as np
import pytest
from sklearn.datasets import make_moons
from sklearn.linear_model import LogisticRegression
from sklearn.tree import DecisionTreeClassifier

import alviz as al
from alviz import uncertainty
from alviz.models import CommitteeClassifier


@pytest.fixture(scope="module")
def fitted():
    X, y = make_moons(60, noise=0.2, random_state=0)
    return X, y, al.models.make("committee", seed=0).fit(X, y)


def test_default_members_are_four_families_and_predict_is_their_mean(fitted):
    X, _, m = fitted
    kinds = [type(member).__name__ for member in m.members_]
    assert kinds == [
        "LaplaceLogisticRegression",
        "ForestClassifier",
        "SVMClassifier",
        "KNNClassifier",
    ]
    P = m.member_proba(X)
    assert P.shape == (4, len(X), 2)
    for k, member in enumerate(m.members_):
        np.testing.assert_array_equal(P[k], member.predict_proba(X))
    np.testing.assert_allclose(m.predict_proba(X), P.mean(axis=0), atol=1e-12)
    # Draws cycle through the members: with 20 draws each member counts 5 times.
    draws = m.sample_proba(X, n_draws=20)
    np.testing.assert_array_equal(draws, np.tile(P, (5, 1, 1)))


def test_vote_entropy_is_positive_exactly_where_members_disagree(fitted):
    _, _, m = fitted
    # A grid well beyond the data: the linear model and the others extrapolate differently.
    g = np.linspace(-3, 4, 40)
    grid = np.column_stack([a.ravel() for a in np.meshgrid(g, g)])
    P = m.member_proba(grid)
    votes = P.argmax(axis=2)
    split = (votes != votes[0]).any(axis=0)
    assert 0.05 < split.mean() < 0.95  # some points split the committee, others do not
    ve = uncertainty.vote_entropy(m.sample_proba(grid, n_draws=20))
    assert (ve[split] > 0).all() and (ve[~split] == 0).all()
    np.testing.assert_allclose(ve, uncertainty.vote_entropy(P), atol=1e-12)
    # KL disagreement and BALD see the same disagreement on the soft predictions.
    assert (
        uncertainty.kl_disagreement(P)[split].mean() > uncertainty.kl_disagreement(P)[~split].mean()
    )
    assert uncertainty.mutual_information(P)[split].mean() > 0.05


@pytest.mark.parametrize("strategy", ["vote_entropy", "kl_disagreement", "bald"])
def test_query_by_committee_runs_in_a_session(strategy):
    ds = al.datasets.load("moons", n_samples=200, seed=0)
    s = al.Session(ds, model="committee", strategy=strategy, initial=10, seed=0)
    s.run(3)
    assert len(s.history) == 3 and (s.history[-1].pool_scores >= 0).all()
    assert s.history[-1].scores[0] > 0  # the committee disagreed somewhere in the pool


def test_members_are_configurable_and_checked():
    X, y = make_moons(40, noise=0.2, random_state=1)
    m = CommitteeClassifier(members=("logreg", DecisionTreeClassifier(max_depth=2)), seed=3)
    m.fit(X, y)
    assert m.member_proba(X).shape == (2, 40, 2)
    assert m.members_[0].seed == 3
    user = LogisticRegression()
    CommitteeClassifier(members=(user, "knn")).fit(X, y)
    assert not hasattr(user, "coef_")  # cloned, never modified
    with pytest.raises(ValueError, match="at least 2 models"):
        CommitteeClassifier(members=("logreg",)).fit(X, y)
    with pytest.raises(ValueError, match=r"'gp_regressor', which is not a registered classifier"):
        CommitteeClassifier(members=("logreg", "gp_regressor")).fit(X, y)
    with pytest.raises(TypeError, match="fit and predict_proba; got int"):
        CommitteeClassifier(members=("logreg", 3)).fit(X, y)
