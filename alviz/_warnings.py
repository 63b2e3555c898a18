"""Warning classes of alviz.

Tests turn :class:`AlvizWarning` into an error, so every warning alviz emits
is either expected by a test or a bug.
"""


class AlvizWarning(UserWarning):
    """Something worked, but not the way the user probably meant."""
