"""What every loader of a user's own data shares: labels, test split defaults, the card."""

from __future__ import annotations

import numpy as np

from ._base import Card
from ._labels import check_n_classes, encode_labels, encode_targets
from ._params import check_choice

__all__ = ["DEFAULT_TEST_SIZE", "encode_y", "resolve_test_size", "user_card"]

#: Share of the labelled rows held out when no explicit test split is given.
DEFAULT_TEST_SIZE = 0.25


def resolve_test_size(test_size, has_test: bool):
    """None means 0.25 of the labelled rows, or 0 when an explicit test split is given."""
    if test_size is None:
        return 0 if has_test else DEFAULT_TEST_SIZE
    if has_test and test_size != 0:
        raise ValueError(
            f"test_size={test_size} was given together with an explicit test split; "
            f"pass one or the other."
        )
    return test_size


def encode_y(y, y_test, *, classes, task: str, n: int, has_test: bool):
    """Encode train (and test) labels; returns ``(y, y_test, classes)``.

    Test labels must all be present (a test row without a label cannot be
    scored) and among the training classes.
    """
    check_choice(task, "task", ("classification", "regression"))
    if has_test and y_test is None:
        raise ValueError("a test split needs its labels: pass y_test (or labels_test).")
    if task == "regression":
        if y is None:
            y = np.full(n, np.nan)
        y_enc = encode_targets(y, "y")
        y_te = None if y_test is None else encode_targets(y_test, "y_test")
        return y_enc, y_te, None
    y_enc, classes = encode_labels(y, classes, n=n, name="y")
    check_n_classes(classes)
    y_te = None if y_test is None else encode_labels(y_test, classes, name="y_test")[0]
    return y_enc, y_te, classes


def user_card(name: str, shows: str, source: str, card: Card | None) -> Card:
    """The card of a user's dataset: theirs if given, else a plain one."""
    if card is not None:
        if not isinstance(card, Card):
            raise TypeError(f"card must be an alviz.datasets.Card; got {type(card).__name__}.")
        return card
    return Card(title=name, shows=shows, source=source, license="as set by the data's owner")
