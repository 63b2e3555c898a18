"""Predict: a predict-then-check exercise whose answer is computed live.

A learner writes down what they expect (a choice or a number) before a cell
shows it; the widget compares the guess with ``truth``, which the notebook
computes from a Session or from arrays, so the check stays right when the
library changes. Instructors switch every exercise to show its answer.

Environment variables
---------------------
``ALVIZ_INSTRUCTOR=1``
    Every Predict shows its answer and explanation (as ``Predict.instructor = True``).
``ALVIZ_AUTOANSWER=1``
    Non-interactive runs (nbval, ``tools/execute_notebooks.py``): each Predict
    answers its ``default`` (or the truth) at construction, so a notebook runs
    top to bottom and every truth is checked for being computable and well typed.
"""

from __future__ import annotations

import html
import math
import numbers
import os

import ipywidgets as W

__all__ = ["Predict"]

_TRUE = {"1", "true", "yes", "on"}


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in _TRUE


def _is_number(x) -> bool:
    # bool is an int in Python, but "True" is never meant as a number answer.
    return isinstance(x, numbers.Real) and not isinstance(x, bool)


def _fmt(x) -> str:
    if isinstance(x, str):
        return x
    x = float(x)
    return f"{x:.6g}"


class Predict:
    """A question whose answer the learner predicts before the notebook computes it.

    Parameters
    ----------
    question : str
        The question, in Markdown-free text (HTML is escaped).
    choices : list of str or None
        The options of a multiple-choice question; ``None`` asks for a number.
    truth : object or callable
        The right answer: one of ``choices``, or a finite number. A
        zero-argument callable is called once, at construction, so a broken
        computation fails in its cell and not when a learner clicks.
    explanation : str or None
        Shown on request (``reveal()`` or the "Show explanation" toggle).
    tolerance : float
        Absolute tolerance of a number answer; ignored for choices.
    default : object or None
        What a non-interactive run answers (``ALVIZ_AUTOANSWER=1``); the truth
        when ``None``. Validated like any answer.

    Attributes
    ----------
    truth : str or float
        The computed answer.
    is_correct : bool or None
        ``None`` until answered, then whether the last answer was right.
    last_answer : str or float or None
        The last answer given.
    revealed : bool
        Whether the answer and explanation are shown.
    box : ipywidgets.VBox
        The view: question, options or number field, "Check", feedback,
        "Show explanation".

    Examples
    --------
    >>> q = Predict("Which is larger?", ["a", "b"], truth=lambda: "b")
    >>> q.answer("b")
    True
    >>> q.is_correct
    True
    """

    #: Class-wide switch: every Predict shows its answer (also ``ALVIZ_INSTRUCTOR=1``).
    instructor: bool = False

    def __init__(
        self,
        question: str,
        choices=None,
        *,
        truth,
        explanation: str | None = None,
        tolerance: float = 0.0,
        default=None,
    ):
        if not isinstance(question, str) or not question.strip():
            raise TypeError(f"question must be a non-empty str; got {question!r}.")
        if choices is not None:
            if isinstance(choices, str) or not all(isinstance(c, str) for c in choices):
                raise TypeError(
                    f"choices must be a list of str or None (a number answer); got {choices!r}."
                )
            choices = list(choices)
            if len(choices) < 2 or len(set(choices)) != len(choices):
                raise ValueError(
                    f"choices must hold at least two different options; got {choices!r}."
                )
        if not _is_number(tolerance) or not math.isfinite(tolerance) or tolerance < 0:
            raise ValueError(f"tolerance must be a finite number >= 0; got {tolerance!r}.")
        if explanation is not None and not isinstance(explanation, str):
            raise TypeError(f"explanation must be a str or None; got {type(explanation).__name__}.")
        self.question = question
        self.choices = choices
        self.explanation = explanation
        self.tolerance = float(tolerance)
        self.truth = self._check_value(truth() if callable(truth) else truth, "truth")
        self.default = None if default is None else self._check_value(default, "default")
        self.is_correct: bool | None = None
        self.last_answer = None
        self.revealed = False
        self._build_view()
        if _env_flag("ALVIZ_AUTOANSWER"):
            self.answer(self.truth if self.default is None else self.default)
        if self.instructor or _env_flag("ALVIZ_INSTRUCTOR"):
            self.reveal()

    # -- checks ---------------------------------------------------------------
    def _check_value(self, value, name: str):
        """The value as a choice (str) or a finite float; raise naming ``name`` otherwise."""
        if self.choices is not None:
            if value not in self.choices:
                raise ValueError(
                    f"{name} must be one of the choices {self.choices!r}; got {value!r}. "
                    f"Return the option's text exactly."
                )
            return str(value)
        if isinstance(value, str):
            try:
                value = float(value.strip())
            except ValueError:
                raise ValueError(f"{name} must be a number; got the text {value!r}.") from None
        elif hasattr(value, "item") and getattr(value, "size", None) == 1:
            value = value.item()  # numpy scalars and 0-d / 1-element arrays
        if not _is_number(value):
            raise TypeError(
                f"{name} must be a finite number for a question without choices; "
                f"got {type(value).__name__} {value!r}."
            )
        value = float(value)
        if not math.isfinite(value):
            raise ValueError(f"{name} must be a finite number; got {value!r}.")
        return value

    # -- actions --------------------------------------------------------------
    def answer(self, value) -> bool:
        """Check ``value`` against the truth; update the feedback; return whether it is right.

        Raises
        ------
        ValueError, TypeError
            When ``value`` is not one of the choices, or not a finite number.
        """
        value = self._check_value(value, "answer")
        if self.choices is None:
            correct = abs(value - self.truth) <= self.tolerance
        else:
            correct = value == self.truth
        self.last_answer = value
        self.is_correct = bool(correct)
        self._sync_input(value)
        self._show_feedback()
        return self.is_correct

    def reveal(self) -> None:
        """Show the right answer and the explanation."""
        self.revealed = True
        self._toggle.value = True  # observer renders the explanation
        self._render_explanation()

    def hide(self) -> None:
        """Hide the answer and the explanation again."""
        self.revealed = False
        self._toggle.value = False
        self._render_explanation()

    # -- view -----------------------------------------------------------------
    def _build_view(self) -> None:
        self._question = W.HTML(f"<b>Predict:</b> {html.escape(self.question)}")
        if self.choices is None:
            self._input = W.Text(
                placeholder="a number", layout=W.Layout(width="14em"), continuous_update=False
            )
        else:
            self._input = W.RadioButtons(options=self.choices, value=None)
        self._check = W.Button(description="Check", button_style="primary")
        self._check.on_click(lambda _b: self._on_check())
        self._feedback = W.HTML("")
        self._toggle = W.ToggleButton(value=False, description="Show explanation")
        self._toggle.observe(self._on_toggle, names="value")
        self._explanation = W.HTML("")
        self.box = W.VBox(
            [
                self._question,
                self._input,
                W.HBox([self._check, self._toggle]),
                self._feedback,
                self._explanation,
            ],
            layout=W.Layout(border="1px solid #bbb", padding="6px", margin="6px 0"),
        )

    def _on_check(self) -> None:
        value = self._input.value
        if value is None or (isinstance(value, str) and not value.strip()):
            self._feedback.value = "Choose an answer first." if self.choices else "Type a number."
            return
        try:
            self.answer(value)
        except (TypeError, ValueError) as exc:
            # Errors in callbacks are invisible in JupyterLab: show them.
            self._feedback.value = f"⚠ {html.escape(str(exc))}"

    def _on_toggle(self, change) -> None:
        self.revealed = bool(change["new"])
        self._render_explanation()

    def _sync_input(self, value) -> None:
        self._input.value = _fmt(value) if self.choices is None else value

    def _show_feedback(self) -> None:
        if self.is_correct is None:
            self._feedback.value = ""
        elif self.is_correct:
            self._feedback.value = f"✔ Right: {html.escape(_fmt(self.truth))}."
        else:
            hint = ""
            if self.choices is None:
                hint = " Higher." if self.last_answer < self.truth else " Lower."
            self._feedback.value = f"✘ Not quite.{hint} Think again, or show the explanation."

    def _render_explanation(self) -> None:
        self._toggle.description = "Hide explanation" if self.revealed else "Show explanation"
        if not self.revealed:
            self._explanation.value = ""
            return
        tol = f" (± {_fmt(self.tolerance)})" if self.choices is None and self.tolerance else ""
        text = f"<b>Answer:</b> {html.escape(_fmt(self.truth))}{tol}"
        if self.explanation:
            text += f"<br>{html.escape(self.explanation)}"
        self._explanation.value = text

    # -- display --------------------------------------------------------------
    def __repr__(self) -> str:
        kind = f"choices={self.choices!r}" if self.choices else "a number"
        return f"Predict({self.question!r}, {kind})"

    def _repr_mimebundle_(self, **kwargs):
        if (self.instructor or _env_flag("ALVIZ_INSTRUCTOR")) and not self.revealed:
            self.reveal()  # the switch was turned on after this exercise was built
        bundle = self.box._repr_mimebundle_(**kwargs)
        # A static reader (a code host, a stripped notebook) sees the question, not the answer.
        opts = " / ".join(self.choices) if self.choices else "a number"
        plain = f"Predict: {self.question}\n  [{opts}]  (run the notebook to check your answer)"
        if self.revealed:
            plain += f"\n  Answer: {_fmt(self.truth)}"
        bundle["text/plain"] = plain
        return bundle
