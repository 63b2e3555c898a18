"""Shareable app links: a widget's settings code inside a URL, and the app page that reads it.

An instructor copies a link such as ``http://127.0.0.1:8866/?settings=alviz1-...``;
``alviz app explorer --settings LINK`` (or the Voila page behind the link) opens
the same world, model, strategy, seed and panels. The code is decoded by the
widget's own ``from_settings`` (the normal, allow-listed settings path): a link
carries data, never code.
"""

from __future__ import annotations

import html
import os
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import ipywidgets as W

__all__ = ["APP_WIDGETS", "app_link", "app_widget", "link_box", "settings_from_link"]

# The widgets an app page can show: `alviz app NAME` -> class name in alviz.widgets.
APP_WIDGETS = {
    "explorer": "Explorer",
    "compare": "Compare",
    "regression": "RegressionExplorer",
}
# The world each app opens on without a settings code.
_DEFAULT_DATA = {"explorer": "moons", "compare": "moons", "regression": "hetero_sine"}
DEFAULT_BASE_URL = "http://127.0.0.1:8866/"
# `alviz app` tells the kernel its own address, so the links a page shows point to it.
BASE_URL_ENV = "ALVIZ_APP_URL"


def _check_widget(widget) -> str:
    if widget not in APP_WIDGETS:
        raise ValueError(
            f"widget must be one of {sorted(APP_WIDGETS)}; got {widget!r}. (The Labeler works "
            f"on your own data: run your own notebook with `alviz app NOTEBOOK`.)"
        )
    return widget


def app_link(settings_code: str, widget: str = "explorer", base_url: str | None = None) -> str:
    """The app URL that opens ``widget`` with ``settings_code``.

    Parameters
    ----------
    settings_code : str
        From ``widget.controller.export_settings()`` (starts with ``"alviz1-"``).
    widget : str
        One of :data:`APP_WIDGETS` (``"explorer"``, ``"compare"``, ``"regression"``).
    base_url : str, optional
        The app's address; default ``$ALVIZ_APP_URL`` (set by ``alviz app``), else
        ``http://127.0.0.1:8866/``. Its own query (e.g. ``?token=...``) is kept.

    Returns
    -------
    str
        ``base_url`` with ``settings=<code>`` added to its query.
    """
    _check_widget(widget)
    if not isinstance(settings_code, str) or not settings_code.startswith("alviz1-"):
        raise ValueError(
            f"settings_code must be a string from export_settings() starting with 'alviz1-'; "
            f"got {str(settings_code)[:40]!r}."
        )
    base = base_url or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"base_url must be an http(s) address such as {DEFAULT_BASE_URL!r}; "
                         f"got {base!r}.")  # fmt: skip
    query = [(k, v) for k, v in parse_qs(parts.query).items() if k != "settings"]
    flat = [(k, x) for k, vs in query for x in vs] + [("settings", settings_code)]
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", urlencode(flat), ""))


def settings_from_link(text: str | None) -> str | None:
    """The settings code in a link, a query string (``a=1&settings=...``) or a bare code.

    Returns None when there is none (an empty query string). Raises ``ValueError``
    for text that holds no settings code, or more than one.
    """
    if text is None or not str(text).strip():
        return None
    text = str(text).strip()
    if text.startswith("alviz1-"):
        return text
    query = urlsplit(text).query if "://" in text else text.lstrip("?")
    found = parse_qs(query).get("settings", [])
    if len(found) > 1:
        raise ValueError(f"the link holds {len(found)} settings codes; keep one.")
    if not found:
        if "://" in text or "=" in text:
            return None
        raise ValueError(
            f"expected a settings code (alviz1-...) or an app link with ?settings=...; "
            f"got {text[:40]!r}."
        )
    return found[0]


def app_widget(widget: str = "explorer", query: str | None = None):
    """The widget an app page shows, set up from the page's query string.

    Parameters
    ----------
    widget : str
        One of :data:`APP_WIDGETS`.
    query : str, optional
        The page's query string; default ``$QUERY_STRING`` (Voila puts the URL's
        query there for the kernel).

    Returns
    -------
    ipywidgets.Widget
        The widget (from ``X.from_settings(code)`` when the query holds a code). A
        code that cannot be used gives the default widget under a message saying why.
    """
    from .. import widgets

    cls = getattr(widgets, APP_WIDGETS[_check_widget(widget)])
    query = os.environ.get("QUERY_STRING", "") if query is None else query
    try:
        code = settings_from_link(query)
        if code is not None:
            return cls.from_settings(code)
    except (ValueError, TypeError) as exc:  # a bad link: say so, show the default world
        note = W.HTML(f"<b>This link's settings could not be used:</b> {html.escape(str(exc))}")
        return W.VBox([note, cls(_DEFAULT_DATA[widget])])
    return cls(_DEFAULT_DATA[widget])


def link_box(controller, widget: str | None = None) -> W.HTML:
    """A line under a widget with its settings code and app link, kept up to date.

    Empty while the widget's data cannot be shared (own data, not a named world).
    """
    widget = widget or controller.widget_name
    box = W.HTML(layout=W.Layout(margin="2px 0 0 0"))

    def show(c) -> None:
        if not c.session.dataset.meta.get("registry"):
            box.value = ""
            return
        code = c.export_settings()
        url = html.escape(app_link(code, widget), quote=True)
        box.value = (
            # One short line: the code is cut on screen, but a click selects all of it.
            f'<span style="font-size:12px">share: <code style="user-select:all;'
            f"display:inline-block;max-width:420px;overflow:hidden;text-overflow:ellipsis;"
            f'white-space:nowrap;vertical-align:bottom">{html.escape(code)}</code> · '
            f'<a href="{url}" target="_blank">app link</a></span>'
        )

    controller.observe(show)
    show(controller)
    return box
