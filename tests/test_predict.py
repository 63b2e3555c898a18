import math

import numpy as np
import pytest

import alviz as al
from alviz.widgets import Predict


@pytest.fixture(autouse=True)
def interactive(monkeypatch):
    # The root conftest turns autoanswer on for notebooks; these tests drive it themselves.
    monkeypatch.delenv("ALVIZ_AUTOANSWER", raising=False)
    monkeypatch.delenv("ALVIZ_INSTRUCTOR", raising=False)
    monkeypatch.setattr(Predict, "instructor", False)


def test_exported():
    assert al.widgets.Predict is Predict


def test_choice_answer_right_and_wrong():
    q = Predict("Which is larger?", ["a", "b", "c"], truth="b", explanation="b > a")
    assert q.is_correct is None and q.truth == "b"
    assert q.answer("a") is False
    assert q.is_correct is False and "Not quite" in q._feedback.value
    assert q.answer("b") is True
    assert q.is_correct is True and "Right" in q._feedback.value
    assert q._input.value == "b"


def test_truth_callable_is_evaluated_once_at_construction():
    calls = []

    def truth():
        calls.append(1)
        return np.float64(0.25)

    q = Predict("p?", truth=truth, tolerance=0.01)
    assert calls == [1]
    assert isinstance(q.truth, float) and q.truth == 0.25
    assert q.answer(0.255) is True
    assert q.answer("0.26") is False  # outside the tolerance, given as text
    assert q.answer(np.array([0.25])) is True
    assert calls == [1]


def test_number_feedback_says_higher_or_lower():
    q = Predict("How many?", truth=10)
    q.answer(3)
    assert "Higher" in q._feedback.value
    q.answer(30)
    assert "Lower" in q._feedback.value
    assert q.answer(10) is True


def test_zero_tolerance_is_exact():
    q = Predict("How many?", truth=lambda: 7)
    assert q.answer(7.0) is True
    assert q.answer(7.000001) is False


def test_broken_truth_fails_in_its_cell():
    with pytest.raises(ZeroDivisionError):
        Predict("x?", truth=lambda: 1 / 0)


@pytest.mark.parametrize(
    ("choices", "truth", "error"),
    [
        (["a", "b"], "c", ValueError),
        (None, "many", ValueError),
        (None, float("nan"), ValueError),
        (None, math.inf, ValueError),
        (None, True, TypeError),
        (None, [1, 2], TypeError),
    ],
)
def test_bad_truth_is_named(choices, truth, error):
    with pytest.raises(error, match="truth"):
        Predict("x?", choices, truth=truth)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"choices": "ab"}, TypeError, "choices"),
        ({"choices": ["a"]}, ValueError, "choices"),
        ({"choices": ["a", "a"]}, ValueError, "choices"),
        ({"tolerance": -1}, ValueError, "tolerance"),
        ({"explanation": 3}, TypeError, "explanation"),
        ({"default": "x"}, ValueError, "default"),
    ],
)
def test_bad_arguments_are_named(kwargs, error, match):
    kw = {"truth": 1.0, **kwargs}
    if "choices" in kwargs:
        kw["truth"] = "a"
    with pytest.raises(error, match=match):
        Predict("x?", **kw)


def test_bad_answer_is_rejected_and_state_kept():
    q = Predict("x?", ["a", "b"], truth="a")
    q.answer("a")
    with pytest.raises(ValueError, match="answer"):
        q.answer("z")
    assert q.is_correct is True and q.last_answer == "a"


def test_check_button_drives_the_answer():
    q = Predict("x?", ["a", "b"], truth="a")
    q._check.click()
    assert q.is_correct is None and "Choose" in q._feedback.value
    q._input.value = "a"
    q._check.click()
    assert q.is_correct is True


def test_check_button_shows_bad_number_instead_of_raising():
    q = Predict("x?", truth=2.0)
    q._input.value = "two"
    q._check.click()
    assert q.is_correct is None and "⚠" in q._feedback.value
    q._input.value = " 2 "
    q._check.click()
    assert q.is_correct is True


def test_reveal_toggle_and_hide():
    q = Predict("x?", truth=0.5, tolerance=0.05, explanation="half & half")
    assert q._explanation.value == "" and not q.revealed
    q._toggle.value = True
    assert q.revealed and "0.5" in q._explanation.value
    assert "half &amp; half" in q._explanation.value
    assert "± 0.05" in q._explanation.value
    q.hide()
    assert not q.revealed and q._explanation.value == ""
    q.reveal()
    assert q.revealed and q._toggle.value is True
    assert q.is_correct is None  # revealing is not answering


def test_question_html_is_escaped():
    q = Predict("is <b> bold?", ["yes", "no"], truth="no")
    assert "&lt;b&gt;" in q._question.value


def test_autoanswer_answers_default_or_truth(monkeypatch):
    monkeypatch.setenv("ALVIZ_AUTOANSWER", "1")
    q = Predict("x?", ["a", "b"], truth="a")
    assert q.is_correct is True and q.last_answer == "a"
    q = Predict("x?", ["a", "b"], truth="a", default="b")
    assert q.is_correct is False and q.last_answer == "b"
    q = Predict("n?", truth=lambda: 3, default=2)
    assert q.last_answer == 2.0 and q.is_correct is False
    assert not q.revealed


def test_autoanswer_off_leaves_question_open():
    q = Predict("x?", ["a", "b"], truth="a", default="b")
    assert q.is_correct is None


def test_instructor_switch_reveals(monkeypatch):
    monkeypatch.setattr(Predict, "instructor", True)
    q = Predict("x?", ["a", "b"], truth="b", explanation="because")
    assert q.revealed and "because" in q._explanation.value
    monkeypatch.setattr(Predict, "instructor", False)
    monkeypatch.setenv("ALVIZ_INSTRUCTOR", "1")
    assert Predict("x?", truth=1).revealed


def test_instructor_switch_turned_on_later_reveals_on_display(monkeypatch):
    q = Predict("x?", ["a", "b"], truth="b")
    assert not q.revealed
    monkeypatch.setattr(Predict, "instructor", True)
    bundle = q._repr_mimebundle_()
    assert q.revealed and "Answer: b" in bundle["text/plain"]


def test_static_display_hides_the_answer():
    q = Predict("Which?", ["left", "right"], truth="right")
    bundle = q._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert "Which?" in bundle["text/plain"] and "left / right" in bundle["text/plain"]
    assert "Answer" not in bundle["text/plain"]


def test_truth_from_a_live_session():
    ds = al.datasets.load("moons", n_samples=120, noise=0.2, seed=0)
    s = al.Session(ds, model="logreg", strategy="entropy", initial=10, seed=0)
    s.step()
    q = Predict("How many labels now?", truth=lambda: len(s.labeled_indices))
    assert q.truth == 11.0
    assert q.answer(11) is True
