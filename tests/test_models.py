"""Behaviour of individual models beyond the common template."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import softmax
from scipy.stats import spearmanr
from sklearn.datasets import make_blobs, make_moons
from sklearn.linear_model import LogisticRegression
from torch import nn

import alviz as al
from alviz.models import BootstrapModel, TorchClassifier, as_model
from alviz.models._torch_utils import set_dropout

cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")


@pytest.fixture(scope="module")
def moons():
    return make_moons(80, noise=0.25, random_state=0)


# ---------------------------------------------------------------- registry
def test_every_registered_model_accepts_seed_and_declares_its_task():
    for name in al.models.names():
        model = al.models.make(name, seed=7)
        assert model.seed == 7
        assert model.task == al.models.task_of(name)


def test_declared_parameters_behave_like_a_handwritten_init():
    from alviz.models import MCDropoutMLP

    m = MCDropoutMLP((8,), 2, 0.3, lr=0.05)  # positional, in the declared order
    assert (m.hidden, m.n_members, m.dropout, m.lr) == ((8,), 2, 0.3, 0.05)
    assert m.get_params()["weight_decay"] == MCDropoutMLP().weight_decay
    with pytest.raises(TypeError, match=r"unexpected keyword argument 'hiden'.*hidden"):
        MCDropoutMLP(hiden=(8,))
    assert "Other Parameters" in MCDropoutMLP.__doc__ and "n_threads" in MCDropoutMLP.__doc__


def test_as_model_wraps_sklearn_and_torch_and_passes_samplers_through():
    lr = LogisticRegression()
    assert isinstance(as_model(lr), BootstrapModel)
    own = al.models.make("logreg")
    assert as_model(own) is own
    assert isinstance(as_model(nn.Linear(2, 3)), TorchClassifier)
    with pytest.raises(TypeError, match="predict_proba"):
        as_model(object())


def test_bootstrap_members_see_every_class_even_when_one_is_rare():
    X, y = make_blobs(30, centers=3, random_state=0)
    y[y == 2] = 0
    y[0] = 2  # one example of class 2
    m = BootstrapModel(LogisticRegression(), n_members=6, seed=0).fit(X, y)
    d = m.sample_proba(X, n_draws=6)
    assert d.shape == (6, 30, 3)
    assert all(len(member.classes_) == 3 for member in m.members_)


def test_bootstrap_model_rejects_an_estimator_without_probabilities():
    from sklearn.svm import LinearSVC

    X, y = make_blobs(20, centers=2, random_state=0)
    with pytest.raises(TypeError, match="predict_proba"):
        BootstrapModel(LinearSVC()).fit(X, y)


def test_bootstrap_refits_equal_plain_clones_refitted():
    """The cheap refit path (template copy, checks skipped) gives the models clone+fit gives."""
    from sklearn.base import clone
    from sklearn.ensemble import RandomForestClassifier

    X, y = make_blobs(120, centers=3, random_state=1)
    rng = np.random.default_rng(0)
    for est in (LogisticRegression(C=0.3), RandomForestClassifier(5, random_state=0)):
        m = BootstrapModel(est, n_members=3, seed=0)
        for n in (20, 40, 41, 80):  # successive refits on growing labelled sets
            rows = rng.choice(120, n, replace=False)
            m.fit(X[rows], y[rows])
            ref = clone(est).fit(X[rows], y[rows])
            assert type(m.estimator_) is type(est) and m.estimator_ is not est
            np.testing.assert_array_equal(m.predict_proba(X), ref.predict_proba(X))
            members = [clone(est).fit(X[rows][i], y[rows][i]) for i in _member_rows(y[rows])]
            np.testing.assert_array_equal(
                m.sample_proba(X, n_draws=3), np.stack([r.predict_proba(X) for r in members])
            )
        assert not hasattr(est, "coef_") and not hasattr(est, "estimators_")  # never fitted


def _member_rows(y, n_members=3, seed=0):
    from alviz._validation import check_random_state
    from alviz.models.bootstrap import stratified_bootstrap

    rng = check_random_state(seed)
    return [stratified_bootstrap(y, rng) for _ in range(n_members)]


def test_bootstrap_refit_sees_parameters_changed_between_fits():
    X, y = make_blobs(60, centers=2, random_state=0)
    est = LogisticRegression()
    m = BootstrapModel(est).fit(X, y)
    assert m.estimator_.C == 1.0
    est.set_params(C=0.01)  # the user changes their estimator after a round
    m.fit(X, y)
    assert m.estimator_.C == 0.01
    np.testing.assert_array_equal(
        m.predict_proba(X), LogisticRegression(C=0.01).fit(X, y).predict_proba(X)
    )
    est.set_params(C=-1.0)  # validated again: scikit-learn's own error, not a silent fit
    with pytest.raises(ValueError, match="'C' parameter"):
        m.fit(X, y)
    m.estimator = LogisticRegression(C=2.0)  # a new estimator object
    assert m.fit(X, y).estimator_.C == 2.0


def test_bootstrap_refit_of_an_estimator_with_nested_parameters_clones_it():
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X, y = make_blobs(60, centers=2, random_state=0)
    pipe = make_pipeline(StandardScaler(), LogisticRegression())
    m = BootstrapModel(pipe).fit(X, y)
    pipe.set_params(logisticregression__C=0.01)  # changes a nested object only
    m.fit(X, y)
    assert m.estimator_.steps[-1][1].C == 0.01
    assert m.estimator_ is not pipe and m.estimator_.steps[-1][1] is not pipe.steps[-1][1]


# ---------------------------------------------------------------- scikit-learn based
def test_forest_draws_are_its_trees(moons):
    X, y = moons
    m = al.models.make("rf", n_estimators=12, seed=0).fit(X, y)
    d = m.sample_proba(X, n_draws=12)
    trees = {
        tuple(np.round(t.predict_proba(X.astype(np.float32))[:, 1], 12))
        for t in m.forest_.estimators_
    }
    assert {tuple(np.round(x[:, 1], 12)) for x in d} == trees  # every tree once
    np.testing.assert_allclose(d.mean(axis=0), m.predict_proba(X))


def test_gp_binary_draws_average_to_its_probabilities(moons):
    X, y = moons
    m = al.models.make("gp", seed=0).fit(X[:50], y[:50])
    d = m.sample_proba(X, n_draws=3000, seed=1)
    np.testing.assert_allclose(d.mean(axis=0), m.predict_proba(X), atol=0.03)
    _, var = m.latent_mean_and_variance(np.array([[0.5, 0.25], [15.0, 15.0]]))
    assert var[0, 1] > 3 * var[0, 0]  # far from the data the latent function is unknown


def test_gp_draws_are_joint_functions_for_small_sets(monkeypatch):
    import alviz.models.gaussian_process as gpm

    X, y = make_moons(40, noise=0.25, random_state=0)
    m = al.models.make("gp", seed=0).fit(X, y)
    twins = np.array([[0.5, 0.25], [0.5 + 1e-4, 0.25]])  # nearly the same point
    d = m.sample_proba(twins, n_draws=200, seed=1)
    # One latent function per draw: near-identical points get near-identical draws.
    np.testing.assert_allclose(d[:, 0], d[:, 1], atol=1e-2)
    r = al.models.make("gp_regressor", seed=0).fit(X[:, :1], X[:, 1])
    means, _ = r.sample_predictions(np.array([[0.0], [1e-4]]), n_draws=100)
    np.testing.assert_allclose(means[:, 0], means[:, 1], atol=1e-2)
    monkeypatch.setattr(gpm, "JOINT_MAX", 1)  # above the limit: independent per point
    d = m.sample_proba(twins, n_draws=200, seed=1)
    assert np.abs(d[:, 0, 1] - d[:, 1, 1]).mean() > 0.02


def test_gp_bald_of_a_point_does_not_depend_on_the_points_scored_with_it():
    """Issue 11: on separable data the MC noise of joint draws swamped BALD (0.009 or 0.159)."""
    from alviz.uncertainty import mutual_information

    X, y = make_moons(200, noise=0.05, random_state=0)
    m = al.models.make("gp", seed=0).fit(X[:30], y[:30])
    pool = X[30:]
    alone = np.array(
        [mutual_information(m.sample_proba(pool[i : i + 1], seed=0))[0] for i in range(5)]
    )
    batch = mutual_information(m.sample_proba(pool, seed=0))[:5]
    shuffled = mutual_information(m.sample_proba(pool[::-1], seed=7))[::-1][:5]
    np.testing.assert_allclose(batch, alone, rtol=1e-9)
    np.testing.assert_allclose(shuffled, alone, rtol=1e-9)
    # The quadrature is close to the exact BALD of the latent posterior (many draws).
    many = mutual_information(m.sample_proba(pool[:5], n_draws=20000, seed=3))
    np.testing.assert_allclose(alone, many, rtol=0.1, atol=2e-3)


def test_stratified_draws_keep_each_points_values_and_the_joint_order():
    from alviz.models.gaussian_process import stratified_draws

    rng = np.random.default_rng(0)
    joint = rng.standard_normal((50, 1)) * [1.0, 1.0, -1.0]  # points 0, 1 equal; 2 opposite
    d = stratified_draws(np.zeros(3), np.array([1.0, 4.0, 1.0]), 50, order=joint)
    np.testing.assert_allclose(np.sort(d[:, 0]) * 2, np.sort(d[:, 1]))  # fixed quantiles
    assert (
        np.corrcoef(d[:, 0], d[:, 1])[0, 1] > 0.999 and np.corrcoef(d[:, 0], d[:, 2])[0, 1] < -0.999
    )
    d2 = stratified_draws(np.zeros(3), np.ones(3), 50, rng=np.random.default_rng(1))
    np.testing.assert_allclose(np.sort(d2, axis=0), np.sort(d, axis=0)[:, [0, 0, 2]])


def test_randomized_priors_are_fixed_and_make_members_differ_away_from_data(moons):
    X, y = moons
    fitted = {
        s: al.models.make("deep_ensemble", prior_scale=s, seed=0).fit(X, y) for s in (0.0, 10.0)
    }
    net = fitted[10.0].net_
    fresh = al.models.make("deep_ensemble", prior_scale=10.0, seed=0)
    fresh._prepare(X, None, 2)  # the same seeded initial weights, untrained
    for p, q in zip(net.prior.parameters(), fresh.net_.prior.parameters(), strict=True):
        assert not p.requires_grad
        torch.testing.assert_close(p, q)  # training never touches the prior
    from alviz.uncertainty import mutual_information

    far = np.array([[0.5, 4.0], [4.0, -3.0], [-3.0, 2.0]])
    mi = {s: mutual_information(m.sample_proba(far, n_draws=5)).mean() for s, m in fitted.items()}
    assert mi[10.0] > 5 * mi[0.0]
    assert type(fitted[0.0].net_).__name__ == "MLPNet"  # prior_scale=0: a plain deep ensemble
    with pytest.raises(ValueError, match="prior_scale must be"):
        al.models.make("deep_ensemble", prior_scale=-1.0).fit(X, y)


def test_regressor_prior_moves_the_mean_only():
    from alviz.models._nets import MLPNet, RandomPriorNet

    torch.manual_seed(0)
    net, prior = MLPNet(1, 2, (8,), 0.0, 3), MLPNet(1, 2, (8,), 0.0, 3)
    wrapped = RandomPriorNet(net, prior, 2.0, n_prior_outputs=1)
    x = torch.randn(20, 1)
    out, plain = wrapped(x), net(x)
    torch.testing.assert_close(out[..., 1], plain[..., 1])
    assert not torch.allclose(out[..., 0], plain[..., 0])
    sd = (prior(torch.randn(4000, 1)) / wrapped.prior_sd).flatten(1).std(dim=1)
    torch.testing.assert_close(sd, torch.ones(3), atol=0.1, rtol=0)  # prior_scale is its sd


def test_svm_calibrates_even_with_one_example_of_a_class():
    X = np.array([[0.0, 0.0], [1.0, 1.0], [3.0, 3.0], [3.2, 2.9]])
    m = al.models.make("svm", n_members=2, seed=0).fit(X, [0, 1, 1, 1])
    p = m.predict_proba(X)
    assert p.shape == (4, 2) and np.isfinite(p).all()


def test_knn_caps_neighbours_at_the_number_of_examples():
    X = np.array([[0.0, 0.0], [1.0, 1.0], [3.0, 3.0]])
    m = al.models.make("knn", n_neighbors=5, n_members=2).fit(X, [0, 1, 1])
    assert m.sample_proba(X, 2).shape == (2, 3, 2)


def test_logreg_laplace_draws_spread_more_far_from_the_data(moons):
    X, y = moons
    m = al.models.make("logreg", seed=0).fit(X, y)
    d = m.sample_proba(np.array([[0.5, 0.25], [0.5, 8.0]]), n_draws=200)
    log_odds = np.log(d[..., 1]) - np.log(d[..., 0])  # (draws, points)
    assert log_odds[:, 1].std() > 3 * log_odds[:, 0].std()


def test_logreg_laplace_covariance_inverts_the_penalised_hessian():
    X, y = make_blobs(40, centers=3, random_state=0)
    m = al.models.make("logreg", C=0.5, prior_precision=None, standardize=False).fit(X, y)
    theta0 = torch.tensor(m.theta_)
    Xb = torch.tensor(np.hstack([X, np.ones((len(X), 1))]))
    yt = torch.tensor(y)

    def objective(theta):  # penalised NLL in the (class, feature) order of the model
        logits = Xb @ theta.reshape(3, -1).T
        nll = torch.nn.functional.cross_entropy(logits, yt, reduction="sum")
        return nll + 0.5 / 0.5 * (theta**2).sum()

    H = torch.autograd.functional.hessian(objective, theta0).numpy()
    kind, V, s = m.cov_
    assert kind == "eig"
    np.testing.assert_allclose(V @ np.diag(1 / s**2) @ V.T, H, rtol=1e-6, atol=1e-6)


def test_logreg_tunes_the_prior_to_the_marginal_likelihood_and_reports_raw_weights():
    X, y = make_blobs(60, centers=3, n_features=5, random_state=0)
    X = X * [1, 10, 100, 1000, 0.1]  # wildly different units
    m = al.models.make("logreg").fit(X, y)
    raw = al.models.make("logreg", standardize=False, prior_precision=None).fit(X, y)
    np.testing.assert_allclose(
        m.predict_proba(X), softmax(X @ m.coef_.T + m.intercept_, axis=1), rtol=1e-10
    )
    assert (m.predict(X) == y).mean() >= (raw.predict(X) == y).mean()
    # The tuned precision maximises the evidence: nudging it either way lowers it.
    _, _, s = m.cov_
    e = 1 / s**2 - m.prior_precision_
    sq = m.theta_ @ m.theta_

    def log_evidence(lam):
        return -lam / 2 * sq + len(e) / 2 * np.log(lam) - 0.5 * np.log(e + lam).sum()

    lam = m.prior_precision_
    assert log_evidence(lam) >= max(log_evidence(lam * 1.1), log_evidence(lam / 1.1))
    with pytest.raises(ValueError, match="prior_precision"):
        al.models.make("logreg", prior_precision=-1).fit(X, y)


# ---------------------------------------------------------------- torch: MC dropout
class BNDropNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(2, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Dropout(0.3))
        self.out = nn.Linear(16, 2)

    def forward(self, x):
        return self.out(self.body(x))


def test_set_dropout_switches_only_the_dropout_layers():
    net = BNDropNet()
    set_dropout(net, True)
    modes = {type(m).__name__: m.training for m in net.modules()}
    assert modes["Dropout"] and not modes["BatchNorm1d"] and not modes["Linear"]
    set_dropout(net, False)
    assert not any(m.training for m in net.modules())


def test_torch_classifier_mc_dropout_leaves_batchnorm_statistics_alone(moons):
    X, y = moons
    module = BNDropNet()
    before = {k: v.clone() for k, v in module.state_dict().items()}
    m = TorchClassifier(module, max_epochs=20, lr=1e-2, seed=0).fit(X, y)
    for k, v in module.state_dict().items():  # the user's module is never trained
        assert torch.equal(v, before[k])
    bn = m.net_.module.body[1]
    stats = bn.running_mean.clone()
    d = m.sample_proba(X, n_draws=6)
    assert torch.equal(bn.running_mean, stats)  # batch-norm stayed in eval mode
    assert not np.allclose(d[0], d[1])  # dropout made the passes differ
    assert m.embed(X).shape == (len(X), 16)


@pytest.mark.parametrize("name", ["mlp_mc_dropout", "deep_ensemble", "cnn_mc_dropout"])
def test_draws_are_consistent_sampled_networks(name):
    # Draw t is one sampled network: a point's draws do not depend on which other points
    # are predicted with it (BatchBALD needs these joint draws).
    X, y = make_blobs(30, centers=3, n_features=16, random_state=0)
    params = {"dropout": 0.3} if name == "deep_ensemble" else {}
    m = al.models.make(name, max_epochs=5, seed=0, **params).fit(X, y)
    together = m.sample_proba(X, n_draws=7, seed=3)
    alone = m.sample_proba(X[[4]], n_draws=7, seed=3)
    np.testing.assert_allclose(together[:, 4], alone[:, 0], atol=1e-6)
    assert not np.allclose(together[0], together[1])


def test_torch_classifier_without_dropout_says_why_it_cannot_sample(moons):
    X, y = moons
    m = TorchClassifier(nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 2)), max_epochs=5)
    m.fit(X, y)
    assert m.predict_proba(X).shape == (len(X), 2)
    with pytest.raises(TypeError, match="no dropout layer"):
        m.sample_proba(X)


def test_torch_classifier_output_width_may_index_the_labels(moons):
    X, y = moons
    m = TorchClassifier(nn.Linear(2, 4), max_epochs=30, lr=0.05).fit(X, y * 3)  # labels 0 and 3
    np.testing.assert_array_equal(m.classes_, [0, 3])
    p = m.predict_proba(X)
    assert p.shape == (len(X), 2)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    with pytest.raises(ValueError, match="outputs 2 logits but the labels are"):
        TorchClassifier(nn.Linear(2, 2)).fit(X, np.r_[y[:-1], 5])
    with pytest.raises(TypeError, match=r"nn\.Module"):
        TorchClassifier("not a module").fit(X, y)


def test_mc_dropout_without_dropout_cannot_sample(moons):
    X, y = moons
    m = al.models.make("mlp_mc_dropout", dropout=0.0, max_epochs=5).fit(X, y)
    with pytest.raises(TypeError, match="no dropout"):
        m.sample_proba(X)


def test_torch_fit_leaves_global_torch_state_alone(moons):
    X, y = moons
    rng_state = torch.random.get_rng_state()
    n_threads = torch.get_num_threads()
    m = al.models.make("mlp_mc_dropout", max_epochs=5, seed=0).fit(X, y)
    m.sample_proba(X, 3)
    assert torch.equal(torch.random.get_rng_state(), rng_state)
    assert torch.get_num_threads() == n_threads


def test_warm_start_is_deterministic_and_resets_when_classes_change():
    X, y = make_blobs(40, centers=3, random_state=0)
    runs = []
    for _ in range(2):
        m = al.models.make("mlp_mc_dropout", warm_start=True, max_epochs=30, seed=0)
        m.fit(X[:30], y[:30]).fit(X, y)
        runs.append(m.predict_proba(X))
    np.testing.assert_array_equal(*runs)
    keep = y < 2
    m.fit(X[keep], y[keep])  # two classes now: a fresh network
    assert m.epochs_seen_ == m.n_epochs_


def test_bad_training_settings_are_clear_errors(moons):
    X, y = moons
    with pytest.raises(ValueError, match=r"lr must be in \(0, inf\)"):
        al.models.make("mlp_mc_dropout", lr=0).fit(X, y)
    with pytest.raises(ValueError, match="batch_size"):
        al.models.make("mlp_mc_dropout", batch_size=0).fit(X, y)
    with pytest.raises(ValueError, match="device"):
        al.models.make("mlp_mc_dropout", device="tpu").fit(X, y)
    with pytest.raises(ValueError, match="n_members"):
        al.models.make("deep_ensemble", n_members=0).fit(X, y)


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the message shown without CUDA")
def test_asking_for_cuda_without_it_says_how_to_fall_back(moons):
    X, y = moons
    with pytest.raises(ValueError, match="device='auto'"):
        al.models.make("mlp_mc_dropout", device="cuda").fit(X, y)


def test_minibatches_are_used_above_the_batch_size(moons):
    X, y = moons
    m = al.models.make("mlp_mc_dropout", batch_size=16, max_epochs=3, seed=0).fit(X, y)
    assert m.n_epochs_ == 3
    again = al.models.make("mlp_mc_dropout", batch_size=16, max_epochs=3, seed=0).fit(X, y)
    np.testing.assert_array_equal(m.predict_proba(X), again.predict_proba(X))


# ---------------------------------------------------------------- torch: other heads
def noisy_on_the_right(seed=0, n=200, flip=0.4):
    rng = np.random.default_rng(seed)
    X = np.c_[rng.uniform(-3, 3, n), rng.uniform(-1, 1, n)]
    y = (X[:, 1] > 0).astype(int)
    noisy = X[:, 0] > 0
    flipped = noisy & (rng.random(n) < flip)
    y[flipped] = 1 - y[flipped]
    return X, y, noisy


def test_heteroscedastic_mlp_learns_more_variance_where_labels_are_noisier():
    X, y, noisy = noisy_on_the_right()
    m = al.models.make(
        "hetero_mlp", hidden=(32, 32), dropout=0.0, n_noise_samples=10, max_epochs=300, seed=0
    ).fit(X, y)
    var = m.predict_logit_variance(X)
    assert var[noisy].mean() > 2 * var[~noisy].mean()


def test_uncertainty_weighting_changes_training_and_needs_an_epistemic_source(moons):
    X, y = moons
    plain = al.models.make("mlp_mc_dropout", max_epochs=20, seed=0).fit(X, y)
    weighted = al.models.make("mlp_mc_dropout", max_epochs=20, seed=0, uncertainty_weighting=2.0)
    weighted.fit(X, y)
    assert not np.allclose(plain.predict_proba(X), weighted.predict_proba(X))
    ens = al.models.make("deep_ensemble", n_members=3, max_epochs=10, uncertainty_weighting=1.0)
    assert ens.fit(X, y).predict_proba(X).shape == (len(X), 2)
    with pytest.raises(ValueError, match="dropout > 0 or n_members > 1"):
        al.models.make("mlp_mc_dropout", dropout=0.0, uncertainty_weighting=1.0).fit(X, y)


@pytest.mark.parametrize("loss", ["label_smoothing", "confidence_penalty", "focal"])
def test_classifiers_train_with_any_classification_loss(moons, loss):
    X, y = moons
    m = al.models.make("mlp_mc_dropout", loss=loss, max_epochs=60, seed=0).fit(X, y)
    assert (m.predict(X) == y).mean() > 0.8


def test_evidential_draws_follow_the_dirichlet(moons):
    X, y = moons
    m = al.models.make("evidential_mlp", max_epochs=40, annealing_epochs=10, seed=0).fit(X, y)
    alpha = m.predict_dirichlet(X[:3])
    p = alpha / alpha.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(m.predict_proba(X[:3]), p)
    d = m.sample_proba(X[:3], n_draws=4000, seed=0)
    np.testing.assert_allclose(d.mean(axis=0), p, atol=0.02)
    s = alpha.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(d.var(axis=0), p * (1 - p) / (s + 1), rtol=0.15, atol=1e-4)


def test_loss_prediction_ranks_the_examples_the_model_gets_wrong(moons):
    X, y = moons
    m = al.models.make("mlp_loss_prediction", hidden=(32, 32), max_epochs=200, seed=0).fit(X, y)
    p = m.predict_proba(X)
    true_loss = -np.log(p[np.arange(len(y)), y])
    predicted = m.predict_loss(X)
    assert predicted.shape == (len(X),)
    assert spearmanr(predicted, true_loss).statistic > 0.4


def test_cnn_reads_square_images_or_a_given_shape():
    X, y = make_blobs(24, centers=2, n_features=64, random_state=0)  # 8x8 "images"
    m = al.models.make("cnn_mc_dropout", channels=(4, 8), hidden=16, max_epochs=3, seed=0)
    assert m.fit(X, y).sample_proba(X, 3).shape == (3, 24, 2)
    assert m.net_.image_shape == (1, 8, 8)
    m2 = al.models.make(
        "cnn_mc_dropout", image_shape=(4, 16), channels=(4,), hidden=8, max_epochs=2
    )
    assert m2.fit(X, y).net_.image_shape == (1, 4, 16)
    with pytest.raises(ValueError, match="not a square number"):
        al.models.make("cnn_mc_dropout").fit(X[:, :10], y)
    with pytest.raises(ValueError, match="does not fit rows of 64"):
        al.models.make("cnn_mc_dropout", image_shape=(5, 5)).fit(X, y)


# ---------------------------------------------------------------- regression
def noisy_wave(seed=0, n=200):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-3, 3, (n, 1))
    noise = np.where(X[:, 0] > 0, 0.5, 0.05)
    return X, np.sin(X[:, 0]) + noise * rng.standard_normal(n)


@pytest.mark.parametrize("name", ["mlp_mc_dropout_regressor", "deep_ensemble_regressor"])
def test_regressors_split_noise_from_ignorance(name):
    X, y = noisy_wave()
    m = al.models.make(name, seed=0).fit(X, y)
    _, var_a, var_e = m.predict_uncertainty(np.array([[-1.5], [1.5], [8.0]]))
    assert var_a[1] > 5 * var_a[0]  # noisier on the right (0.25 vs 0.0025)
    assert var_e[2] > 3 * var_e[0]  # far outside the data it does not know


def test_gp_regressor_noise_is_aleatoric_and_distance_is_epistemic():
    rng = np.random.default_rng(0)
    X = rng.uniform(-3, 3, (80, 1))
    y = np.sin(X[:, 0]) + 0.3 * rng.standard_normal(80)
    m = al.models.make("gp_regressor", seed=0).fit(X, y)
    _, var_a, var_e = m.predict_uncertainty(np.array([[0.0], [9.0]]))
    assert 0.09 / 2 < var_a[0] < 0.09 * 2
    assert var_e[1] > 10 * var_e[0]
    draws, _ = m.sample_predictions(np.array([[0.0]]), n_draws=2000)
    assert draws.var() == pytest.approx(var_e[0], rel=0.15)


# ---------------------------------------------------------------- devices
@pytest.mark.gpu
@cuda
@pytest.mark.parametrize("name", ["deep_ensemble", "mlp_mc_dropout", "evidential_mlp"])
def test_cuda_agrees_with_cpu(name, moons):
    X, y = moons
    # No dropout (nor other noise) in training: the same initial weights and the same
    # full-batch steps on both devices, so only float rounding differs.
    params = dict(max_epochs=50, seed=0, dropout=0.0)
    cpu = al.models.make(name, device="cpu", **params).fit(X, y)
    gpu = al.models.make(name, device="cuda", **params).fit(X, y)
    assert gpu.device_.type == "cuda" and cpu.device_.type == "cpu"
    np.testing.assert_allclose(gpu.predict_proba(X), cpu.predict_proba(X), atol=5e-3)
    np.testing.assert_allclose(gpu.embed(X), cpu.embed(X), rtol=1e-2, atol=1e-2)


@pytest.mark.gpu
@cuda
def test_cuda_heteroscedastic_probabilities_use_device_independent_noise(moons):
    X, y = moons
    m = al.models.make("hetero_mlp", device="cuda", max_epochs=20, seed=0).fit(X, y)
    np.testing.assert_array_equal(m.predict_proba(X), m.predict_proba(X))
    assert m.sample_proba(X, 4).shape == (4, len(X), 2)


@pytest.mark.gpu
@cuda
def test_cuda_mc_dropout_draws_match_cpu_in_distribution(moons):
    X, y = moons
    cpu = al.models.make("mlp_mc_dropout", device="cpu", seed=0, max_epochs=50).fit(X, y)
    gpu = al.models.make("mlp_mc_dropout", device="cuda", seed=0, max_epochs=50).fit(X, y)
    d_cpu, d_gpu = cpu.sample_proba(X, 200), gpu.sample_proba(X, 200)
    assert d_gpu.shape == d_cpu.shape
    np.testing.assert_array_equal(gpu.sample_proba(X, 5, seed=3), gpu.sample_proba(X, 5, seed=3))
    assert np.abs(d_gpu.mean(axis=0) - d_cpu.mean(axis=0)).mean() < 0.1


@pytest.mark.parametrize("centers", [2, 4])
def test_logreg_newton_map_matches_scikit_learn(centers):
    from alviz.models.linear import LaplaceLogisticRegression

    X, y = make_blobs(120, centers=centers, n_features=3, cluster_std=3.0, random_state=0)
    m = LaplaceLogisticRegression(C=0.5).fit(X, y)
    Xs = (X - m.x_mean_) / m.x_scale_
    ref = LogisticRegression(C=0.5, tol=1e-10, max_iter=10_000).fit(Xs, y)
    np.testing.assert_allclose(m.predict_proba(X), ref.predict_proba(Xs), atol=1e-6)


def test_mc_dropout_weight_decay_is_a_prior_that_weakens_with_more_rows():
    m = al.models.make("mlp_mc_dropout")
    assert m.prior_n == 40
    assert m._weight_decay(40) == pytest.approx(m.weight_decay)
    assert m._weight_decay(400) == pytest.approx(m.weight_decay / 10)
    assert al.models.make("mlp_mc_dropout", prior_n=None)._weight_decay(400) == m.weight_decay
    X, y = make_moons(40, noise=0.2, random_state=0)
    with pytest.raises(ValueError, match="prior_n must be"):
        al.models.make("mlp_mc_dropout", prior_n=0).fit(X, y)


@settings(max_examples=40, deadline=None)
@given(
    k=st.sampled_from([2, 3]),
    scale=st.sampled_from([1.0, 30.0]),
    seed=st.integers(0, 2**16),
)
def test_laplace_logreg_draw_softmax_is_scipys_softmax(k, scale, seed):
    # Two classes take the logistic of the logit difference; it must match softmax to
    # relative precision on both classes, a tiny probability included.
    from alviz.models.linear import _draw_softmax

    Z = np.random.default_rng(seed).normal(0, scale, (7, 5, k))
    want = softmax(Z, axis=2).transpose(1, 0, 2)
    got = _draw_softmax(Z.copy())
    assert got.shape == (5, 7, k)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=0)
