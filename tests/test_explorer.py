import numpy as np

import alviz as al
from alviz.viz.boundary import TRACE


def test_step_button_refits_queries_and_moves_the_highlight(moons):
    w = al.widgets.Explorer(moons, initial=10, seed=0)
    c = w.controller
    assert len(c.boundary.data[TRACE["queried"]].customdata) == 0
    z_before = np.array(c.boundary.data[TRACE["background"]].z)
    w.step_button.click()
    s = c.session
    assert len(s.labeled_indices) == 11
    first = int(c.boundary.data[TRACE["queried"]].customdata[0])
    assert first == s.history[-1].queried[0]
    assert not np.array_equal(np.array(c.boundary.data[TRACE["background"]].z), z_before)
    c.step()
    second = int(c.boundary.data[TRACE["queried"]].customdata[0])
    assert second != first
    assert "round 2" in w.status.value


def test_clicking_a_pool_point_labels_it_with_the_truth(moons):
    c = al.widgets.ExplorerController(moons, initial=10, seed=0)
    i = int(c.session.pool_indices[0])
    c.on_point_click(i)
    assert c.session.labeled_indices[-1] == i
    assert c.session.labels[-1] == moons.y[i]
    assert i in c.boundary.data[TRACE["labeled"]].customdata
    assert i not in c.boundary.data[TRACE["pool"]].customdata


def test_errors_become_messages_and_leave_the_session_consistent(moons):
    c = al.widgets.ExplorerController(moons, initial=10, seed=0)
    c.set_strategy("nope")
    assert "unknown strategy" in c.message
    assert c.session.strategy.name == "entropy"
    c.undo()
    assert "Nothing to undo" in c.message
