import numpy as np
import pytest

import alviz as al


@pytest.fixture
def moons():
    return al.datasets.load("moons", n_samples=200, noise=0.2, seed=0)


@pytest.fixture
def rng():
    return np.random.default_rng(0)
