import numpy as np
import pytest
from plotly.callbacks import Points
from sklearn.linear_model import LogisticRegression

import alviz as al
from alviz.viz.acquisition_map import ACQUISITION_TRACE
from alviz.viz.boundary import TRACE

RES = 25  # small maps: the logic is the same, the tests are fast


@pytest.fixture
def explorer(moons):
    return al.widgets.Explorer(moons, resolution=RES, initial=10, seed=0)


def click(trace, position: int) -> None:
    """What plotly does when a person clicks point ``position`` of ``trace``."""
    points = Points(point_inds=[position], xs=[0.0], ys=[0.0], trace_name=trace.name, trace_index=0)
    trace._dispatch_on_click(points, None)


def test_step_button_refits_queries_and_moves_the_highlight(explorer):
    c = explorer.controller
    assert len(c.panel("boundary")[TRACE["queried"]].customdata) == 0
    z_before = np.array(c.board.specs["boundary"].traces[TRACE["background"]]["z"])
    picture_before = c.board.picture("boundary", TRACE["background"]).source
    explorer.step_button.click()
    s = c.session
    assert len(s.labeled_indices) == 11
    first = int(c.panel("boundary")[TRACE["queried"]].customdata[0])
    assert first == s.history[-1].queried[0]
    assert not np.array_equal(c.board.specs["boundary"].traces[TRACE["background"]]["z"], z_before)
    # ... and the picture the board draws of it changed too.
    assert c.board.picture("boundary", TRACE["background"]).source != picture_before
    c.step()
    second = int(c.panel("boundary")[TRACE["queried"]].customdata[0])
    assert second != first
    assert "round 2" in explorer.status.value


def test_a_click_in_the_plot_labels_the_point_with_the_truth(explorer, moons):
    c = explorer.controller
    pool = c.panel("boundary")[TRACE["pool"]]
    i = int(pool.customdata[5])
    click(pool, 5)
    assert c.session.labeled_indices[-1] == i
    assert c.session.labels[-1] == moons.y[i]
    assert i in c.panel("boundary")[TRACE["labeled"]].customdata
    assert i not in c.panel("boundary")[TRACE["pool"]].customdata
    assert i not in c.panel("acquisition")[ACQUISITION_TRACE["pool"]].customdata
    assert "11 labels" in explorer.status.value


def test_clicking_a_labeled_point_explains_and_changes_nothing(explorer):
    c = explorer.controller
    i = int(c.session.labeled_indices[0])
    before = c.session.labels.copy()
    c.on_point_click(i)
    assert "already labeled" in c.message
    np.testing.assert_array_equal(c.session.labels, before)
    assert "already labeled" in explorer.message.value
    c.label_choice = 1 - int(before[0])  # a chosen class relabels it
    c.on_point_click(i)
    assert c.session.labels[0] == 1 - before[0]


def test_human_oracle_waits_for_a_chosen_class(moons):
    c = al.widgets.ExplorerController(moons, resolution=RES, initial=10, seed=0, oracle="human")
    q = int(c.step()[0])
    assert c.session.pending.tolist() == [q]
    assert q in c.panel("boundary")[TRACE["queried"]].customdata
    c.step()
    assert "wait for your label" in c.message and len(c.session.history) == 1
    c.on_point_click(q)
    assert "choose the class" in c.message and c.session.pending.tolist() == [q]
    c.on_point_click(q, label=0)
    assert c.session.pending.tolist() == [] and c.session.labels[-1] == 0
    assert c.message == ""


def test_inspect_mode_explains_without_labeling(explorer):
    c = explorer.controller
    explorer.click_mode.value = "inspect"
    i = int(c.session.pool_indices[3])
    n = len(c.session.labeled_indices)
    c.on_point_click(i)
    assert len(c.session.labeled_indices) == n
    assert c.focus == i
    assert c.figure.layout.annotations  # titles live in annotations on the board
    titles = [a.text for a in c.figure.layout.annotations]
    assert any(f"Why point #{i}?" in t for t in titles)


def test_undo_and_reset_bring_the_figures_back(explorer):
    c = explorer.controller
    pool0 = np.array(c.panel("boundary")[TRACE["pool"]].customdata)
    c.step()
    c.on_point_click(int(c.session.pool_indices[0]))
    explorer.undo_button.click()
    explorer.undo_button.click()
    assert len(c.session.history) == 0
    np.testing.assert_array_equal(c.panel("boundary")[TRACE["pool"]].customdata, pool0)
    c.undo()
    assert "Nothing to undo" in c.message
    c.play(2)
    explorer.reset_button.click()
    assert len(c.session.history) == 0 and len(c.session.labeled_indices) == 10


def test_strategy_model_and_batch_controls(explorer):
    c = explorer.controller
    explorer.strategy.value = "margin"
    assert c.session.strategy.name == "margin"
    explorer.batch_size.value = 3
    assert len(c.step()) == 3
    assert len(c.panel("acquisition")[ACQUISITION_TRACE["next"]].customdata) == 3
    explorer.model.value = "knn"
    assert c.session.model_label == "knn" and c.message == ""
    c.set_batch_size(0)
    assert "batch size" in c.message and c.session.batch_size == 3


def test_bad_switches_are_friendly_and_change_nothing(explorer):
    c = explorer.controller
    c.set_strategy("nope")
    assert "unknown strategy" in c.message and c.session.strategy.name == "entropy"
    c.set_strategy("loss_prediction")  # needs a model that predicts its loss
    assert "nothing changed" in c.message and c.session.strategy.name == "entropy"
    assert explorer.strategy.value == "entropy"  # the menu follows the session back


class NoDraws(LogisticRegression):
    """A classifier that claims draws but cannot make them."""

    sample_proba = None


def test_a_strategy_that_needs_draws_with_a_model_that_has_none(moons):
    c = al.widgets.ExplorerController(
        moons, resolution=RES, initial=10, seed=0, model=NoDraws(), panels=("boundary",)
    )
    c.set_strategy("bald")
    assert "nothing changed" in c.message and c.session.strategy.name == "entropy"
    assert len(c.session.history) == 0


def test_step_with_an_empty_pool_says_so(moons):
    tiny = al.datasets.load("moons", n_samples=40, seed=0)
    c = al.widgets.ExplorerController(
        tiny, resolution=RES, initial=tiny.n_samples, seed=0, panels=("boundary", "acquisition")
    )
    c.step()
    assert "Every point is labeled" in c.message
    assert len(c.session.history) == 0
    c.play(3)
    assert not c.playing and "Every point is labeled" in c.message


def test_play_steps_until_paused_or_the_pool_runs_out(moons, monkeypatch):
    from alviz.widgets import _views

    clock = iter([100.0, 100.1, 200.0, 200.1, 200.2, 300.0, 300.1])
    monkeypatch.setattr(_views.time, "monotonic", lambda: next(clock))
    tiny = al.datasets.load("moons", n_samples=40, seed=0)
    w = al.widgets.Explorer(tiny, resolution=RES, initial=tiny.n_samples - 3, seed=0)
    c = w.controller
    c.speed = 1.0
    w.play.playing = True
    assert c.playing
    w.play.value += 1  # t=100: a round, done at 100.1
    w.play.value += 1  # t=200: a round, done at 200.1
    assert len(c.session.history) == 2
    # A tick queued while the last round ran arrives right after it ended: dropped, so
    # that a Pause behind it stops the run after the round in progress.
    w.play.value += 1  # t=200.2
    assert len(c.session.history) == 2
    w.play.playing = False
    assert not c.playing
    w.play.value += 1  # t=300: paused, nothing happens
    assert len(c.session.history) == 2
    monkeypatch.undo()
    w.play.playing = True
    c.play(5)
    assert c.session.pool_size() == 0 and not c.playing and not w.play.playing
    assert "Every point is labeled" in w.message.value
    w.speed.value = 0.3
    assert w.play.interval == 300


def test_another_dataset_starts_a_new_run(explorer):
    c = explorer.controller
    explorer.dataset.value = "blobs"
    assert c.session.dataset.name == "blobs" and c.message == ""
    assert len(c.panel("boundary")[TRACE["labeled"]].customdata) == 10
    assert [o[0] for o in explorer.label_choice.options][1:] == [
        str(k) for k in c.session.dataset.classes
    ]


def test_settings_travel_as_a_short_string(explorer):
    c = explorer.controller
    explorer.strategy.value = "margin"
    explorer.batch_size.value = 2
    code = c.export_settings()
    assert code.startswith("alviz1-") and len(code) < 400
    assert code.replace("-", "").replace("_", "").isalnum()  # URL-safe
    other = al.widgets.ExplorerController.from_settings(code)
    assert other.session.strategy.name == "margin" and other.session.batch_size == 2
    assert other.session.dataset.meta["registry"] == c.session.dataset.meta["registry"]
    assert other.resolution == RES
    fresh = al.widgets.Explorer("moons", resolution=RES, initial=10, seed=0)
    fresh.settings_code.value = code
    fresh.controller.restore(code)
    assert fresh.controller.session.strategy.name == "margin" and fresh.strategy.value == "margin"
    fresh.controller.restore(code[:-5] + "#####")
    assert "damaged" in fresh.controller.message or "settings code" in fresh.controller.message
    fresh.controller.restore(al.widgets._settings.encode_settings({"widget": "labeler"}))
    assert "not 'explorer'" in fresh.controller.message


def test_an_error_while_drawing_becomes_a_message(explorer, monkeypatch):
    c = explorer.controller

    def broken(*args, **kwargs):
        raise RuntimeError("grid exploded")

    import dataclasses

    from alviz.viz._panels import PANELS

    monkeypatch.setitem(
        PANELS, "calibration", dataclasses.replace(PANELS["calibration"], build=broken)
    )
    c.step()
    assert "redraw" in c.message and "grid exploded" in c.message
    assert len(c.session.history) == 1  # the step itself happened


def test_explorer_refuses_regression_data():
    with pytest.raises(ValueError, match="RegressionExplorer"):
        al.widgets.ExplorerController("hetero_sine", resolution=RES)
