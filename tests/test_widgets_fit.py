"""Widgets a person can use: every strategy draws, clicks label what was meant, boards fit.

Controllers and views driven without a browser (tests/test_browser_widgets.py
checks the same things in Chromium).
"""

from __future__ import annotations

import numpy as np
import pytest

import alviz as al
from alviz.datasets._base import Card
from alviz.datasets._registry import _REGISTRY
from alviz.viz._points import DISPLAY_MAX
from alviz.viz.acquisition_map import ACQUISITION_TRACE
from alviz.viz.boundary import TRACE
from alviz.widgets._board import STACK_BELOW, TOOLBAR_STRIP, arrange, board_size
from alviz.widgets.explorer import LAYOUT, PANELS, TRUE_LABEL, explorer_datasets

RES = 20


def test_every_menu_strategy_draws_a_finite_acquisition_map(moons):
    c = al.widgets.ExplorerController(
        moons, resolution=RES, initial=10, seed=0, panels=("acquisition",)
    )
    c.step()
    refused = []
    for name in al.acquisition.names("classification"):
        c.set_strategy(name)
        if c.session.strategy.name != name:
            refused.append(name)
            continue
        traces = c.panel("acquisition")
        z = np.asarray(c.board.specs["acquisition"].traces[ACQUISITION_TRACE["background"]]["z"])
        assert np.isfinite(z).all(), name  # all-NaN blanks the plot in plotly.js
        assert len(traces[ACQUISITION_TRACE["pool"]].customdata) == c.session.pool_size()
        title = c.figure.layout.annotations[0].text
        assert title.startswith(f"Acquisition scores of {name} "), title
        if np.ptp(z) == 0:  # a flat map says why
            assert "<sup>" in title, name
    assert refused == ["loss_prediction"]  # needs its own model; the message says so
    c.set_strategy("loss_prediction")
    assert "does not work here" in c.message


def test_a_click_beside_the_star_labels_the_pending_query():
    moons = al.datasets.load("moons", n_samples=2000, noise=0.2, seed=0)
    c = al.widgets.ExplorerController(moons, resolution=RES, initial=10, seed=0, oracle="human")
    c.step()
    (queried,) = c.session.pending
    X2d = moons.X2d
    d = np.linalg.norm(X2d - X2d[queried], axis=1)
    d[queried] = np.inf
    d[c.session.labeled_indices] = np.inf
    neighbour = int(np.argmin(d))
    span = np.linalg.norm(X2d.max(axis=0) - X2d.min(axis=0))
    assert d[neighbour] < 0.02 * span  # moons is dense enough for a neighbour this close
    c.on_point_click(neighbour, label=0)
    assert queried in c.session.labeled_indices and neighbour not in c.session.labeled_indices
    assert len(c.session.pending) == 0
    # With nothing pending, a click labels exactly the point clicked.
    c.on_point_click(neighbour, label=1)
    assert neighbour in c.session.labeled_indices


def test_label_as_shows_true_label_and_maps_it_to_none(moons):
    w = al.widgets.Explorer(moons, resolution=RES, initial=10, seed=0)
    assert w.label_choice.value == TRUE_LABEL and w.label_choice.label == "true label"
    w.label_choice.value = 1
    assert w.controller.label_choice == 1
    w.label_choice.value = TRUE_LABEL
    assert w.controller.label_choice is None


def test_the_dataset_menu_lists_registered_classification_datasets(monkeypatch, moons):
    card = Card(title="mine", shows="a test world", source="tests", license="CC0")
    monkeypatch.setitem(_REGISTRY, "zz_my_world", (lambda **_: moons, card))
    names = explorer_datasets()
    assert "zz_my_world" in names and names[0] == "moons"
    assert "hetero_sine" not in names and "diabetes" not in names  # regression
    w = al.widgets.Explorer(moons, resolution=RES, initial=10, seed=0)
    assert "zz_my_world" in w.dataset.options


def test_regression_reset_drops_the_old_baseline_and_rmse_is_the_current_models():
    c = al.widgets.RegressionExplorerController("hetero_sine", strategy="random", seed=0)
    assert c.session.model_label == al.widgets.regression.DEFAULT_MODEL
    fresh = [r.n_labeled for r in c.baseline.history]  # the curve's first point

    def curve(s):
        return [r.n_labeled for r in s.history]

    c.play(3)
    assert curve(c.baseline) == curve(c.session) == [10, 11, 12]
    c.reset()
    assert curve(c.baseline) == fresh  # the old curve is gone
    c.step()
    c.step()
    c.undo()
    assert curve(c.baseline) == curve(c.session) == [10]
    c.set_model("mlp_mc_dropout_regressor")
    rmse = c.session.evaluate()["rmse"]
    assert f"test RMSE {rmse:.3f} (mlp_mc_dropout_regressor)" in c.status


def test_a_large_pool_draws_a_fixed_sample_with_a_note():
    ds = al.datasets.load("moons", n_samples=6000, seed=0)
    c = al.widgets.ExplorerController(
        ds, resolution=RES, initial=10, seed=0, panels=("boundary", "acquisition")
    )
    pool = c.panel("boundary")[TRACE["pool"]]
    assert pool.type == "scattergl" and len(pool.customdata) == DISPLAY_MAX
    shown = set(pool.customdata.tolist())
    note = f"showing {DISPLAY_MAX:,} of {c.session.pool_size():,} unlabeled points"
    assert all(note in a.text for a in c.figure.layout.annotations[:1])
    scores = c.panel("acquisition")[ACQUISITION_TRACE["pool"]]
    assert set(scores.customdata.tolist()) == shown  # the same points on both maps
    c.step()
    # The same sample stays on screen (only the queried point leaves the pool).
    after = set(c.panel("boundary")[TRACE["pool"]].customdata.tolist())
    assert len(shown - after) <= 1
    assert len(c.panel("boundary")[TRACE["labeled"]].customdata) == 11


@pytest.mark.parametrize("size", ["notebook", "slide", "app", 600, (900, 1400)])
def test_boards_fit_their_size_and_never_overlap(size):
    cells, width, height = arrange(LAYOUT, PANELS, size)
    w, h = board_size(size)
    assert width == w and (h is None or height == h)
    assert set(cells) == set(PANELS)
    for name, c in cells.items():
        assert 0 <= c.left and c.left + c.width <= width and c.top >= TOOLBAR_STRIP
        for other, d in cells.items():
            if other != name:
                apart = (
                    c.left + c.width <= d.left or d.left + d.width <= c.left
                    or c.top + c.height <= d.top or d.top + d.height <= c.top
                )  # fmt: skip
                assert apart, (name, other)
    if width < STACK_BELOW:
        assert all(c.width == width for c in cells.values())  # one panel per row


def test_size_panels_and_controls_travel_in_the_settings_code(moons):
    w = al.widgets.Explorer(
        "moons", resolution=RES, initial=10, seed=0, size="slide",
        panels=("boundary", "acquisition"), controls=("strategy", "buttons"),
    )  # fmt: skip
    assert w.controller.figure.layout.width == 1200
    again = al.widgets.Explorer.from_settings(w.controller.export_settings())
    c = again.controller
    assert (c.size, c.panels, c.controls) == ("slide", ("boundary", "acquisition"),
                                              ("strategy", "buttons"))  # fmt: skip
    assert again.settings_code not in again.links.children  # controls= hid it
    with pytest.raises(ValueError, match="size must be"):
        al.widgets.ExplorerController(moons, size="huge")
    with pytest.raises(ValueError, match="unknown control"):
        al.widgets.ExplorerController(moons, controls=("nope",))
    with pytest.raises(ValueError, match="size must be"):
        al.widgets.CompareController(moons, size=(10, 10))


def test_busy_note_shows_while_an_action_runs(moons):
    w = al.widgets.Explorer(moons, resolution=RES, initial=10, seed=0)
    seen = []
    w.controller.observe(lambda c: seen.append((w.busy.value, w.step_button.disabled)))
    w.step_button.click()
    assert seen and "fitting" in seen[-1][0] and seen[-1][1]  # during the action
    assert w.busy.value == "" and not w.step_button.disabled  # and gone after
