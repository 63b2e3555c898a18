"""Compare, Labeler, RegressionExplorer, and the machinery every widget shares."""

import csv

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import alviz as al
from alviz import viz
from alviz.viz.acquisition_map import acquisition_map_spec
from alviz.viz.boundary import TRACE, decision_boundary_spec
from alviz.viz.explain import why_this_point_spec
from alviz.viz.regression import REGRESSION_TRACE
from alviz.viz.uncertainty_maps import uncertainty_maps_spec
from alviz.widgets._base import LiveFigure, figure_widget, patch_figure
from alviz.widgets._board import Board, Cell
from alviz.widgets._keys import KeyCatcher
from alviz.widgets._settings import decode_settings, encode_settings

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
RES = 20


def messages(fig):
    """Record the update messages a live figure sends to the browser."""
    sent = []
    fig.observe(lambda ch: sent.append(ch["new"]) if ch["new"] else None, names="_py2js_update")
    return sent


# ---------------------------------------------------------------- live figures
def test_a_live_figure_opens_with_its_traces_in_the_first_message(monkeypatch):
    import comm

    opened = []
    real = comm.create_comm

    def spy(*args, **kwargs):
        opened.append(kwargs["data"]["state"])
        return real(*args, **kwargs)

    monkeypatch.setattr(comm, "create_comm", spy)
    LiveFigure(data=[{"type": "scatter", "x": [1, 2], "y": [3, 4]}], layout={"width": 300})
    state = next(s for s in opened if "_widget_data" in s)
    assert state["_widget_data"][0]["type"] == "scatter"  # no empty first render
    assert state["_widget_layout"]["width"] == 300


def test_a_patch_sends_only_what_changed_in_one_message(moons):
    a = al.Session(moons, initial=10, seed=0)
    fig = figure_widget(decision_boundary_spec(a, RES))
    sent = messages(fig)
    a.label(int(a.pool_indices[0]), 1)
    assert patch_figure(fig, decision_boundary_spec(a, RES)) is False
    assert len(sent) == 1
    changed = set(sent[0]["style_data"])
    assert {"x", "y", "customdata", "z"} <= changed
    assert "hovertemplate" not in changed and "colorscale" not in changed
    assert patch_figure(fig, decision_boundary_spec(a, RES)) is False
    assert len(sent) == 1  # nothing changed, nothing sent


def test_patching_gives_the_same_figure_as_building_afresh(moons):
    a = al.Session(moons, initial=10, seed=0)
    fig = figure_widget(acquisition_map_spec(a, RES))
    a.run(2)
    a.label(int(a.pool_indices[3]), 0)
    patch_figure(fig, acquisition_map_spec(a, RES))
    fresh = viz.acquisition_map(a, RES)
    for live, new in zip(fig.data, fresh.data, strict=True):
        for key in ("x", "y", "z", "customdata"):
            if key in new:
                np.testing.assert_array_equal(np.asarray(live[key]), np.asarray(new[key]))
    assert fig.layout.title.text == fresh.layout.title.text


def test_a_spec_with_other_traces_replaces_the_figure(moons):
    a = al.Session(moons, initial=10, seed=0)
    fig = figure_widget(why_this_point_spec(a, int(a.pool_indices[0])))
    a.set_strategy("bald")
    assert patch_figure(fig, why_this_point_spec(a, int(a.pool_indices[0]))) is True
    assert [t.type for t in fig.data] == ["bar", "scatter"]


def test_a_board_places_each_panel_in_its_cell(moons):
    s = al.Session(moons, initial=10, seed=0)
    board = Board({"a": Cell(0, 0, 500, 400), "b": Cell(500, 0, 700, 400)}, 1200, 400)
    board.update({"a": decision_boundary_spec(s, RES), "b": uncertainty_maps_spec(s, RES)})
    lay = board.figure.layout
    assert lay.xaxis.domain[1] <= 500 / 1200 < lay.xaxis2.domain[0]
    assert all(0 <= d <= 1 for ax in ("xaxis", "xaxis4", "yaxis", "yaxis4") for d in lay[ax].domain)
    b = board.traces("b")
    assert [t.xaxis for t in b[:3]] == ["x2", "x3", "x4"]  # the maps' three panels
    # The maps are pictures on their own panel's axes; their places keep the colour axes.
    assert b[0].marker.coloraxis == "coloraxis" and b[2].marker.coloraxis == "coloraxis2"
    assert [(board.picture("b", i).xref, board.picture("b", i).yref) for i in range(3)] == [
        ("x2", "y2"),
        ("x3", "y3"),
        ("x4", "y4"),
    ]
    sent = messages(board.figure)
    s.step()
    board.update({"a": decision_boundary_spec(s, RES), "b": uncertainty_maps_spec(s, RES)})
    assert len(sent) == 1  # one message for every panel
    titles = [a.text for a in board.figure.layout.annotations]
    assert any("round 1" in t for t in titles[:1])  # live titles follow their panel
    np.testing.assert_array_equal(
        board.traces("a")[TRACE["queried"]].customdata, s.history[-1].queried
    )


def test_board_clicks_survive_a_rebuild(moons):
    s = al.Session(moons, initial=10, seed=0)
    board = Board({"why": Cell(0, 0, 800, 300), "map": Cell(0, 300, 800, 400)}, 800, 700)
    specs = lambda: {  # noqa: E731
        "why": why_this_point_spec(s, int(s.pool_indices[0])),
        "map": decision_boundary_spec(s, RES),
    }
    board.update(specs())
    clicked = []
    board.on_click("map", TRACE["pool"], clicked.append)
    s.set_strategy("bald")  # the why panel gets other traces: the figure is rebuilt
    board.update(specs())
    from plotly.callbacks import Points

    trace = board.traces("map")[TRACE["pool"]]
    trace._dispatch_on_click(Points([2], [0.0], [0.0], "", 0), None)
    assert clicked == [int(trace.customdata[2])]


# ---------------------------------------------------------------- settings
name = st.from_regex(r"[a-z_][a-z0-9_]{0,12}", fullmatch=True)
valid_settings = st.fixed_dictionaries(
    {},
    optional={
        "widget": st.sampled_from(["explorer", "compare", "labeler"]),
        "dataset": st.builds(
            lambda n, noise, seed: {
                "name": "moons",
                "params": {"n_samples": n, "noise": noise, "seed": seed},
            },
            st.integers(1, 50_000),
            st.floats(0, 10),
            st.integers(0, 2**32 - 1),
        ),
        "session": st.fixed_dictionaries(
            {},
            optional={
                "batch_size": st.integers(1, 1000),
                "seed": st.integers(0, 2**63 - 1),
                "oracle": st.sampled_from(["simulated", "noisy", "human"]),
                "noise": st.floats(0, 1),
            },
        ),
        "speed": st.floats(0, 60),
        "resolution": st.integers(10, 200),
        "panels": st.lists(name, max_size=16),
        "size": st.sampled_from(["notebook", "slide", "app"])
        | st.lists(st.integers(200, 4000), min_size=2, max_size=2),
    },
)


@given(valid_settings)
@settings(max_examples=60, deadline=None)
def test_settings_strings_round_trip_and_are_url_safe(d):
    code = encode_settings(d)
    assert decode_settings(code) == d
    assert code.replace("-", "").replace("_", "").isalnum()


def test_settings_strings_reject_what_they_cannot_carry():
    with pytest.raises(ValueError, match="plain values"):
        encode_settings({"model": object()})
    with pytest.raises(ValueError, match="starting with"):
        decode_settings("https://example.org")
    with pytest.raises(ValueError, match="damaged"):
        decode_settings(encode_settings({"speed": 1})[:-3] + "***")
    with pytest.raises(ValueError, match="not 'explorer'"):
        decode_settings(encode_settings({"widget": "compare"}), "explorer")


# ---------------------------------------------------------------- Compare
@pytest.fixture
def compare(moons):
    return al.widgets.Compare(moons, strategies=["random", "entropy"], resolution=RES, seed=0)


def test_compare_steps_every_strategy_in_sync_from_the_same_start(compare):
    c = compare.controller
    a, b = c.sessions
    np.testing.assert_array_equal(a.labeled_indices, b.labeled_indices)
    compare.step_button.click()
    c.play(2)
    assert [len(s.history) for s in c.sessions] == [3, 3]
    assert a.strategy.name == "random" and b.strategy.name == "entropy"
    curves = c.panel("learning")
    assert [t.name for t in curves] == ["random", "entropy"]
    np.testing.assert_allclose(curves[1].y, b.metrics()["accuracy"], rtol=1e-6)
    for i, s in enumerate(c.sessions):
        np.testing.assert_array_equal(
            c.panel(f"map{i}")[TRACE["queried"]].customdata, s.history[-1].queried
        )
    assert "round 3" in compare.status.value
    compare.undo_button.click()
    assert [len(s.history) for s in c.sessions] == [2, 2]
    compare.reset_button.click()
    assert [len(s.history) for s in c.sessions] == [0, 0]
    c.undo()
    assert "Nothing to undo" in c.message


def test_compare_maps_and_settings(compare):
    c = compare.controller
    compare.map.value = "acquisition"
    assert c.map == "acquisition" and c.message == ""
    assert "random" in c.figure.layout.annotations[0].text
    code = c.export_settings()
    other = al.widgets.CompareController.from_settings(code)
    assert other.strategies == ["random", "entropy"] and other.map == "acquisition"
    c.play(1)
    c.restore(code)
    assert len(c.sessions[0].history) == 0 and c.message == ""
    three = ["random", "entropy", "margin"]
    c.restore(encode_settings({**decode_settings(code), "strategies": three}))
    assert "new one" in c.message


def test_compare_needs_two_to_four_strategies(moons):
    with pytest.raises(ValueError, match="2 to 4"):
        al.widgets.CompareController(moons, strategies=["entropy"])
    with pytest.raises(ValueError, match="2 to 4"):
        al.widgets.CompareController(moons, strategies=["entropy", "entropy"])


def test_compare_stops_playing_when_the_pool_runs_out():
    tiny = al.datasets.load("moons", n_samples=40, seed=0)
    c = al.widgets.CompareController(
        tiny, strategies=["random", "margin"], resolution=RES, initial=tiny.n_samples - 2
    )
    c.play(5)
    assert not c.playing and "Too few" in c.message
    assert [s.pool_size() for s in c.sessions] == [0, 0]


# ---------------------------------------------------------------- Labeler
TEXTS = [
    f"{w} {n}"
    for w in ("good", "great", "fine", "bad", "awful", "dull")
    for n in ("film", "plot", "cast")
]


@pytest.fixture
def texts():
    labels = [None] * len(TEXTS)
    labels[0], labels[9] = "pos", "neg"
    return al.datasets.from_texts(TEXTS, labels=labels, classes=["neg", "pos"], test_size=0)


def test_labeler_labels_skips_and_undoes_with_autosave(texts, tmp_path):
    path = tmp_path / "run.alviz"
    w = al.widgets.Labeler(texts, session_file=path, batch_size=3, seed=0)
    c = w.controller
    first, second, third = c.queue
    assert first not in (0, 9) and len(set(c.queue)) == 3
    w.class_buttons[1].click()
    assert c.session.labels[-1] == 1 and c.session.labeled_indices[-1] == first
    assert path.exists()
    assert al.Session.load(path).labeled_indices.tolist()[-1] == first  # saved at once
    w.skip_button.click()
    assert second in c.skipped and c.current == third
    w.undo_button.click()
    assert c.current == second and not c.skipped
    w.undo_button.click()
    assert c.current == first and first not in c.session.labeled_indices
    assert first not in al.Session.load(path).labeled_indices  # the undo is saved too
    assert "#" in w.items.value and "now" in w.items.value


def test_labeler_keys_and_resume(texts, tmp_path):
    path = tmp_path / "run.alviz"
    w = al.widgets.Labeler(texts, session_file=path, batch_size=2, seed=0)
    c = w.controller
    w.shortcuts.press("2")
    w.shortcuts.press("1")
    w.shortcuts.press("s")
    assert c.session.labels.tolist()[-2:] == [1, 0] and len(c.skipped) == 1
    w.shortcuts.press("u")
    assert not c.skipped
    w.shortcuts.press("x")
    assert "does nothing" in c.message
    again = al.widgets.LabelerController(session_file=path)
    np.testing.assert_array_equal(again.session.labeled_indices, c.session.labeled_indices)
    assert again.session.oracle.name == "human"


def test_labeler_never_asks_a_skipped_item_again(texts):
    c = al.widgets.LabelerController(texts, batch_size=1, strategy="coreset", seed=0)
    seen = set()
    for _ in range(len(TEXTS) - 2):
        seen.add(c.current)
        c.skip()
    assert c.current is None and len(seen) == len(TEXTS) - 2
    c.skip()
    assert "Nothing left" in c.message
    c.label(0)
    assert "Nothing left" in c.message


def test_labeler_exports_labels_to_csv(texts, tmp_path):
    w = al.widgets.Labeler(texts, batch_size=2, seed=0)
    c = w.controller
    first = c.current
    c.label(1)
    w.csv_path.value = str(tmp_path / "labels.csv")
    w.export_button.click()
    rows = list(csv.DictReader(open(tmp_path / "labels.csv", encoding="utf-8")))
    assert {"index": str(first), "label": "1", "class": "pos"} in rows
    assert len(rows) == 3 and "Saved 3 labels" in c.message


def test_labeler_shows_images(tmp_path):
    digits = al.datasets.load("digits")
    labels = [int(digits.y[i]) if i < 20 else None for i in range(40)]
    own = al.datasets.from_images(
        digits.raw[:40], labels=labels, classes=list(digits.classes), test_size=0
    )
    w = al.widgets.Labeler(own, batch_size=2, seed=0)
    assert w.items.value.count("data:image/png;base64,") == 2
    assert len(w.class_buttons) == 10 and w.class_buttons[0].description.startswith("1: ")
    code = w.controller.export_settings()
    w.controller.restore(encode_settings({**decode_settings(code), "strategy": "margin"}))
    assert w.controller.session.strategy.name == "margin" and len(w.controller.queue) == 2


def test_key_catcher_counts_repeated_keys():
    k = KeyCatcher()
    got = []
    k.on_key(got.append)
    k.press("1")
    k.press("1")
    assert got == ["1", "1"]


# ---------------------------------------------------------------- RegressionExplorer
def test_regression_explorer_steps_clicks_and_undoes():
    w = al.widgets.RegressionExplorer("hetero_sine", initial=5, seed=0)
    c = w.controller
    w.step_button.click()
    assert len(c.session.history) == 1 and c.message == ""
    q = c.session.history[-1].queried
    np.testing.assert_array_equal(c.panel("bands")[REGRESSION_TRACE["queried"]].customdata, q)
    i = int(c.session.pool_indices[0])
    c.on_point_click(i)
    assert c.session.labels[-1] == pytest.approx(c.session.dataset.y[i])
    c.on_point_click(i)
    assert "already labeled" in c.message
    c.undo()
    assert i not in c.session.labeled_indices
    assert [t.name for t in c.panel("learning")] == ["max_epistemic_variance", "random baseline"]
    code = c.export_settings()
    assert (
        al.widgets.RegressionExplorer.from_settings(code).controller.session.dataset.name
        == "hetero_sine"
    )


def test_regression_explorer_refuses_classification(moons):
    with pytest.raises(ValueError, match="1-D regression"):
        al.widgets.RegressionExplorerController(moons)


def test_labeler_starts_from_the_labels_it_is_given():
    ds = al.datasets.from_texts(
        ["red apple", "green pear", "ripe plum", "sour lime"],
        labels=["x", None, "y", None],
        classes=["x", "y"],
        test_size=0,
    )
    c = al.widgets.LabelerController(ds, batch_size=5)
    assert sorted(c.session.labeled_indices.tolist()) == [0, 2]
    assert sorted(c.queue) == [1, 3]


@pytest.mark.parametrize(
    "build",
    [
        lambda: al.widgets.ExplorerController("hetero_sine"),
        lambda: al.widgets.RegressionExplorerController("moons"),
        lambda: al.widgets.CompareController("moons", strategies=["entropy", "nope"]),
    ],
    ids=["explorer", "regression", "compare"],
)
def test_a_widget_that_cannot_be_built_leaves_no_figure_open(build):
    # Boards open their figure before the session is built (the browser loads plotly
    # meanwhile); a failed build must close it again.
    from ipywidgets.widgets.widget import _instances

    before = set(_instances)
    with pytest.raises(ValueError):
        build()
    left = [w for k, w in _instances.items() if k not in before and isinstance(w, LiveFigure)]
    assert not left


def test_a_board_opened_early_is_filled_by_its_first_update(moons):
    s = al.Session(moons, initial=10, seed=0)
    board = Board({"a": Cell(0, 0, 500, 400)}, 500, 400)
    with board.opening():
        opened = board.figure
        assert len(opened.data) == 0 and opened.layout.width == 500
        board.update({"a": decision_boundary_spec(s, RES)})
    assert board.figure is opened and len(opened.data) == len(TRACE)
    # The front end has no view yet: the state it will draw from is the whole figure.
    assert len(opened._widget_data) == len(TRACE)
    hits = []
    board.on_click("a", TRACE["pool"], hits.append)
    assert opened.data[TRACE["pool"]]._click_callbacks


def test_a_board_takes_the_spare_figure_once_and_skips_a_closed_one(monkeypatch):
    from alviz.widgets import _base

    monkeypatch.setattr(_base, "_SPARE", [])
    _base.open_spare()  # outside a kernel: nothing to open
    assert _base._SPARE == []
    monkeypatch.setattr(_base, "_in_kernel", lambda: True)
    _base.open_spare()
    _base.open_spare()  # one spare is enough
    (spare,) = _base._SPARE
    board = Board({"a": Cell(0, 0, 300, 200)}, 300, 200)
    with board.opening():
        pass
    assert board.figure is spare and _base._SPARE == []
    assert (board.figure.layout.width, board.figure.layout.height) == (300, 200)
    _base.open_spare()
    _base._SPARE[0].close()  # closed by the user: never handed out
    other = Board({"a": Cell(0, 0, 300, 200)}, 300, 200)
    with other.opening():
        pass
    assert other.figure.comm is not None and other.figure is not spare
