"""Widget settings as a short URL-safe string, so an instructor can hand a set-up to a class."""

from __future__ import annotations

import base64
import binascii
import json
import zlib

__all__ = ["decode_settings", "encode_settings"]

_PREFIX = "alviz1-"


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
    """
    if not isinstance(code, str) or not code.strip().startswith(_PREFIX):
        raise ValueError(
            f"settings code must be a string starting with {_PREFIX!r} (from a widget's "
            f"export_settings()); got {str(code)[:40]!r}."
        )
    body = code.strip()[len(_PREFIX) :]
    try:
        raw = zlib.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        settings = json.loads(raw.decode("utf-8"))
    except (binascii.Error, zlib.error, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(
            f"settings code is damaged ({exc}); copy the whole string again, it ends where the "
            f"letters end."
        ) from exc
    if not isinstance(settings, dict):
        raise ValueError("settings code does not hold a settings dict.")
    if widget is not None and settings.get("widget") != widget:
        raise ValueError(
            f"these settings are for the {settings.get('widget')!r} widget, not {widget!r}."
        )
    return settings
