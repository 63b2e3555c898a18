import numpy as np
import pytest

import alviz as al


@pytest.fixture
def moons():
    return al.datasets.load("moons", n_samples=200, noise=0.2, seed=0)


@pytest.fixture
def rng():
    return np.random.default_rng(0)


@pytest.fixture
def texts():
    """18 short reviews, two of them labelled: a person's own data for the Labeler."""
    words = [f"{w} {n}" for w in ("good", "great", "fine", "bad", "awful", "dull")
             for n in ("film", "plot", "cast")]  # fmt: skip
    labels = [None] * len(words)
    labels[0], labels[9] = "pos", "neg"
    return al.datasets.from_texts(words, labels=labels, classes=["neg", "pos"], test_size=0)
