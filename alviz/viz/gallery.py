"""The items a strategy asks about: images, text cards or feature rows."""

from __future__ import annotations

import html

import numpy as np
import plotly.graph_objects as go

from ._points import just_queried
from ._spec import FigureSpec
from ._style import axis_name, axis_ref, base_layout, panels

__all__ = ["next_queries", "query_gallery", "query_gallery_spec"]


def next_queries(session, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``n`` pool points with the highest scores under the current strategy.

    Returns
    -------
    indices : ndarray of shape (k,)
        Dataset indices, best first (``k <= n``).
    scores : ndarray of shape (k,)
    """
    pool, scores = session.score_pool()
    order = np.argsort(-scores, kind="stable")[:n]
    return pool[order], scores[order]


def _items(session, indices, n_max):
    if indices is not None:
        idx = np.asarray(indices, dtype=np.int64)[:n_max]
        return idx, None, f"{len(idx)} chosen points"
    pending = session.pending
    if len(pending):
        return pending[:n_max], None, f"{len(pending)} point(s) waiting for your label"
    q = just_queried(session)
    if len(q):
        r = session.history[-1]
        return q[:n_max], np.asarray(r.scores)[:n_max], f"queried in round {r.index}"
    idx, scores = next_queries(session, n_max)
    return idx, scores, "highest scores now (the next step's candidates)"


def _caption(session, i, score) -> str:
    ds = session.dataset
    lab = dict(zip(session.labeled_indices.tolist(), session.labels.tolist(), strict=True))
    top = f"#{int(i)}"
    if int(i) in lab:
        k = lab[int(i)]
        name = ds.classes[k] if ds.task == "classification" else f"{k:.3g}"
        top += f" · <b>label {name}</b>"
    return top + ("" if score is None else f"<br>score {score:.3g}")


def _as_image(item) -> np.ndarray | None:
    a = np.asarray(item)
    if a.dtype.kind not in "biuf" or a.ndim not in (2, 3):
        return None
    a = a.astype(np.float64)
    lo, hi = float(a.min()), float(a.max())
    a = (a - lo) / (hi - lo) if hi > lo else np.zeros_like(a)
    g = np.round(255 * (1 - a) if a.ndim == 2 else 255 * a).astype(np.uint8)
    return np.stack([g] * 3, axis=-1) if g.ndim == 2 else g[..., :3]


def _image_spec(session, idx, scores, title) -> FigureSpec:
    raw = session.dataset.raw
    n = max(len(idx), 1)
    traces = []
    captions = []
    for j, i in enumerate(idx):
        traces.append(
            dict(
                type="image",
                z=_as_image(raw[int(i)]),
                xaxis=axis_ref(j, "x"),
                yaxis=axis_ref(j, "y"),
                hoverinfo="skip",
                name=f"#{int(i)}",
            )
        )
        captions.append(_caption(session, i, None if scores is None else float(scores[j])))
    layout = base_layout(title, width=max(130 * n, 420), height=240)
    if len(idx):
        layout.update(panels(captions, gap=0.02))
        for j in range(len(idx)):
            layout[axis_name(j, "x")].update(visible=False)
            layout[axis_name(j, "y")].update(visible=False, scaleanchor=axis_ref(j, "x"))
    layout.update(margin=dict(l=10, r=10, t=85, b=10))
    return FigureSpec(traces, layout, {"title.text": title})


def _table_spec(session, idx, scores, title) -> FigureSpec:
    ds = session.dataset
    raw = ds.raw
    texts = raw is not None and len(idx) and isinstance(raw[int(idx[0])], str)
    head = ["point", "score"]
    shown = ["–"] * len(idx) if scores is None else [f"{v:.3g}" for v in scores]
    cols = [[f"#{int(i)}" for i in idx], shown]
    if texts:
        head.append("text")
        cols.append([html.escape(str(raw[int(i)]))[:400] for i in idx])
        widths = [60, 70, 600]
    else:
        names = list(ds.feature_names)[:8]
        head += names
        cols += [[f"{ds.X[int(i), c]:.3g}" for i in idx] for c in range(len(names))]
        widths = [60, 70] + [80] * len(names)
    traces = [
        dict(
            type="table",
            columnwidth=widths,
            header=dict(values=head, fill=dict(color="#e8e8e8"), align="left"),
            cells=dict(values=cols, align="left", height=28),
        )
    ]
    layout = base_layout(title, width=820, height=90 + 34 * max(len(idx), 1) + (60 if texts else 0))
    layout.update(margin=dict(l=10, r=10, t=60, b=10))
    return FigureSpec(traces, layout, {"title.text": title})


def query_gallery_spec(session, indices=None, n_max: int = 8) -> FigureSpec:
    """The content of :func:`query_gallery` as plain data (see :class:`FigureSpec`)."""
    idx, scores, what = _items(session, indices, n_max)
    title = f"What {session.strategy.name} asks about: {what}"
    raw = session.dataset.raw
    if raw is not None and len(idx) and _as_image(raw[int(idx[0])]) is not None:
        return _image_spec(session, idx, scores, title)
    return _table_spec(session, idx, scores, title)


def query_gallery(session, indices=None, n_max: int = 8) -> go.Figure:
    """The items behind the current queries: images, text cards, or feature rows.

    Parameters
    ----------
    session : Session
        Read, never changed.
    indices : array-like of int, optional
        Dataset indices to show. Default: the points waiting for a person's
        label, else the last round's queries, else the highest-scoring pool
        points.
    n_max : int
        At most this many items.

    Returns
    -------
    plotly.graph_objects.Figure
        One image panel per item when ``dataset.raw`` holds images (2-D
        grey-scale or H x W x 3 arrays); otherwise a table with the text
        (``dataset.raw`` strings) or the first eight feature values.
    """
    return query_gallery_spec(session, indices, n_max).figure()
