"""Widget settings as a short URL-safe string, so an instructor can hand a set-up to a class.

A code comes from outside (a link, a chat message), so it carries data,
never actions: only the keys in :data:`SETTINGS_KEYS`, each checked for
type and bounds (datasets by registered name with bounded knobs, nothing
that reads, writes or downloads), and it is inflated with a limit, all
before anything is built.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import zlib

from .. import _untrusted as U

__all__ = ["SETTINGS_KEYS", "check_settings", "decode_settings", "encode_settings"]

_PREFIX = "alviz1-"
#: A code longer than this, or inflating to more, is refused before it is parsed.
MAX_CODE_CHARS, MAX_JSON_BYTES = 8192, 65536
_SHORT_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]{0,39}$")
SIZES = ("notebook", "slide", "app")


def _names(value, where: str, most: int = 16) -> list[str]:
    if not isinstance(value, list) or len(value) > most:
        raise ValueError(f"{where} must be a list of at most {most} names; got {str(value)[:60]}.")
    for i, v in enumerate(value):
        if not isinstance(v, str) or not _SHORT_ID.match(v):
            raise ValueError(f"{where}[{i}] must be a short identifier; got {str(v)[:40]!r}.")
    return value


def _size(value, where: str):
    if isinstance(value, str):
        return U.check_choice(value, where, SIZES)
    if not isinstance(value, list) or len(value) != 2:
        raise ValueError(f"{where} must be one of {list(SIZES)} or [width, height] in pixels.")
    return [U.check_int(v, f"{where}[{i}]", 200, 4000) for i, v in enumerate(value)]


def _registered(kind: str):
    def check(value, where):
        from .. import acquisition, models

        names = acquisition.names() if kind == "strategy" else models.names()
        return U.check_choice(value, where, names)

    return check


def _strategies(value, where):
    _names(value, where, most=4)
    return [_registered("strategy")(v, f"{where}[{i}]") for i, v in enumerate(value)]


#: The Session parameters a code may carry, with their checks.
SESSION_KNOBS = {
    "model": _registered("model"),
    "strategy": _registered("strategy"),
    "batch_size": lambda v, w: U.check_int(v, w, 1, 1000),
    "initial": lambda v, w: U.check_int(v, w, 0, U.MAX_SAMPLES),
    "oracle": lambda v, w: U.check_choice(v, w, ("simulated", "noisy", "human")),
    "seed": lambda v, w: U.check_int(v, w, 0, U.MAX_SEED),
    "init": lambda v, w: U.check_choice(v, w, ("random", "balanced")),
    "n_draws": lambda v, w: U.check_int(v, w, 1, 100),
    "noise": U.check_noise,
}


def _session(value, where):
    if not isinstance(value, dict):
        raise ValueError(f"{where} must be a dict of Session parameters.")
    return {k: _check_key(SESSION_KNOBS, k, v, where) for k, v in value.items()}


#: Every key a settings code may hold (one table for every widget), with its check.
SETTINGS_KEYS = {
    "widget": lambda v, w: _names([v], w, 1)[0],
    "dataset": U.check_dataset_ref,
    "session": _session,
    "speed": lambda v, w: U.check_real(v, w, 0.0, 60.0),
    "resolution": lambda v, w: U.check_int(v, w, 10, 200),
    "map": lambda v, w: _names([v], w, 1)[0],
    "panels": _names,
    "controls": _names,
    "size": _size,
    "strategies": _strategies,
    "strategy": _registered("strategy"),
    "model": _registered("model"),
    "batch_size": lambda v, w: U.check_int(v, w, 1, 1000),
    "budget": lambda v, w: None if v is None else U.check_int(v, w, 1, 10**7),
}


def _check_key(table: dict, key, value, where: str):
    if key not in table:
        raise ValueError(
            f"{where} has the key {str(key)[:40]!r}, which a settings code cannot carry; "
            f"allowed: {sorted(table)}."
        )
    return table[key](value, f"{where}[{key!r}]")


def check_settings(settings) -> dict:
    """``settings`` with every key on the allow-list and every value checked.

    Raises
    ------
    ValueError, TypeError
        Naming the key and what it may hold.
    """
    if not isinstance(settings, dict):
        raise ValueError("settings code does not hold a settings dict.")
    return {k: _check_key(SETTINGS_KEYS, k, v, "settings") for k, v in settings.items()}


def encode_settings(settings: dict) -> str:
    """A dict of plain values (str, int, float, bool, None, lists, dicts) as a short string.

    Compact JSON, compressed, base64url without padding; safe in a URL, a
    slide or a chat message.

    Parameters
    ----------
    settings : dict

    Returns
    -------
    str
        Starts with ``"alviz1-"``.
    """
    if not isinstance(settings, dict):
        raise TypeError(f"settings must be a dict; got {type(settings).__name__}.")
    try:
        text = json.dumps(settings, separators=(",", ":"), sort_keys=True, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"settings must hold only plain values (names, numbers, lists); {exc}. A model or "
            f"strategy given as an object cannot be shared: pass its registered name."
        ) from exc
    packed = zlib.compress(text.encode("utf-8"), 9)
    return _PREFIX + base64.urlsafe_b64encode(packed).decode("ascii").rstrip("=")


def decode_settings(code: str, widget: str | None = None) -> dict:
    """The dict behind a string from :func:`encode_settings`.

    Parameters
    ----------
    code : str
    widget : str, optional
        If given, the settings must be for this widget (their ``"widget"`` key).

    Returns
    -------
    dict
        Checked against :data:`SETTINGS_KEYS`.

    Raises
    ------
    ValueError
        A damaged code, one too long or inflating too far, or a key or value
        off the allow-list (e.g. ``resolution`` above 200, ``n_samples``
        above 50,000, a dataset ``path`` or ``download``).
    """
    if not isinstance(code, str) or not code.strip().startswith(_PREFIX):
        raise ValueError(
            f"settings code must be a string starting with {_PREFIX!r} (from a widget's "
            f"export_settings()); got {str(code)[:40]!r}."
        )
    body = code.strip()[len(_PREFIX) :]
    if len(body) > MAX_CODE_CHARS:
        raise ValueError(
            f"settings code is {len(body)} characters long; a widget's code is far shorter "
            f"(at most {MAX_CODE_CHARS}). Copy it again from export_settings()."
        )
    try:
        inflate = zlib.decompressobj()
        packed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        raw = inflate.decompress(packed, MAX_JSON_BYTES)
        if inflate.unconsumed_tail or not inflate.eof:
            if inflate.unconsumed_tail:
                raise ValueError(
                    f"settings code inflates to more than {MAX_JSON_BYTES} bytes; it is not a "
                    f"widget's settings."
                )
            raise zlib.error("the compressed data is cut short")
        settings = json.loads(raw.decode("utf-8"))
    except (binascii.Error, zlib.error, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(
            f"settings code is damaged ({exc}); copy the whole string again, it ends where the "
            f"letters end."
        ) from exc
    settings = check_settings(settings)
    if widget is not None and settings.get("widget") != widget:
        raise ValueError(
            f"these settings are for the {settings.get('widget')!r} widget, not {widget!r}."
        )
    return settings
