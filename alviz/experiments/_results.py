"""Results of a sweep: one tidy table, and the honest summaries built from it."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import numpy as np

from ._stats import AUBC_METHODS, aubc, higher_is_better, labels_to_reach, t_halfwidth, t_interval

__all__ = ["ID_COLUMNS", "Results"]

#: Columns that identify a row; every other numeric column is a metric.
ID_COLUMNS = ("strategy", "model", "seed", "round", "n_labeled")
_FORMAT = "alviz-results"
_FORMAT_VERSION = 1


def _group_keys():
    return ["strategy", "model"]


class Results:
    """What :func:`alviz.experiments.compare` returns.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per round and run: ``strategy, model, seed, round, n_labeled``,
        the test metrics (``accuracy, macro_f1, nll, ece, brier`` for
        classification) and ``step_seconds`` (wall time of the step; NaN on the
        last row of a run, which only evaluates the model fitted on every label).
    runs : pandas.DataFrame, optional
        One row per run: ``strategy, model, seed, status ("ok" | "error"), error,
        wall_seconds, n_rounds``.
    meta : dict, optional
        How the sweep was made (dataset, budget, batch size, seeds, ...); JSON-safe.

    Attributes
    ----------
    table, runs, meta
        As given.
    errors : pandas.DataFrame
        The failed runs with their error message (empty when all ran).
    """

    def __init__(self, table, runs=None, meta: dict | None = None):
        import pandas as pd

        if not isinstance(table, pd.DataFrame):
            raise TypeError(f"table must be a pandas DataFrame; got {type(table).__name__}.")
        missing = [c for c in ID_COLUMNS if c not in table.columns]
        if missing and len(table):
            raise ValueError(
                f"table lacks the column(s) {missing}; a Results table needs {list(ID_COLUMNS)} "
                f"and one column per metric."
            )
        self.table = table.reset_index(drop=True)
        if runs is None:
            runs = (
                table.groupby(["strategy", "model", "seed"], sort=False)
                .size()
                .reset_index(name="n_rounds")
                .assign(status="ok", error="", wall_seconds=np.nan)
            )
        runs = runs.reset_index(drop=True)
        for col, default in (("status", "ok"), ("error", ""), ("wall_seconds", np.nan)):
            if col not in runs:
                runs[col] = default
        self.runs = runs
        self.meta = dict(meta or {})

    # ------------------------------------------------------------------ basics
    @property
    def errors(self):
        """Failed runs: ``strategy, model, seed, error`` (the traceback is in ``runs``)."""
        bad = self.runs[self.runs["status"] == "error"]
        return bad[["strategy", "model", "seed", "error"]].reset_index(drop=True)

    @property
    def metric_names(self) -> list[str]:
        """The metric columns of :attr:`table` (numeric, not an identifier)."""
        return [
            c
            for c in self.table.columns
            if c not in ID_COLUMNS and np.issubdtype(self.table[c].dtype, np.number)
        ]

    @property
    def strategies(self) -> list[str]:
        """Strategy labels, in the order of the sweep."""
        return list(dict.fromkeys(self.runs["strategy"]))

    @property
    def models(self) -> list[str]:
        """Model labels, in the order of the sweep."""
        return list(dict.fromkeys(self.runs["model"]))

    def _check_metric(self, metric: str) -> str:
        if metric not in self.metric_names:
            raise ValueError(
                f"metric {metric!r} is not in the results; available: {self.metric_names}."
            )
        return metric

    def __repr__(self) -> str:
        n_ok = int((self.runs["status"] == "ok").sum())
        return (
            f"Results({len(self.strategies)} strategies x {len(self.models)} models, "
            f"{self.table['seed'].nunique() if len(self.table) else 0} seeds, "
            f"{n_ok}/{len(self.runs)} runs ok, {len(self.table)} rows)"
        )

    # ------------------------------------------------------------------ curves
    def curves(self, metric: str = "accuracy", confidence: float = 0.95):
        """Learning curves: the metric's mean over seeds with a confidence band.

        Parameters
        ----------
        metric : str
            A column of :attr:`table`.
        confidence : float
            Coverage of the Student-t interval of the mean over seeds.

        Returns
        -------
        pandas.DataFrame
            ``strategy, model, n_labeled, mean, low, high, n_seeds``; ``low`` and
            ``high`` are NaN where fewer than two seeds have that point.
        """
        self._check_metric(metric)
        if not 0 < confidence < 1:
            raise ValueError(f"confidence must be in (0, 1), e.g. 0.95; got {confidence!r}.")
        g = self.table.groupby([*_group_keys(), "n_labeled"], sort=False)[metric]
        out = g.agg(mean="mean", std="std", n_seeds="count").reset_index()
        half = t_halfwidth(out["std"].to_numpy(), out["n_seeds"].to_numpy(), confidence)
        out["low"] = out["mean"] - half
        out["high"] = out["mean"] + half
        out = self._in_sweep_order(out)
        cols = [*_group_keys(), "n_labeled", "mean", "low", "high", "n_seeds"]
        return out[cols].reset_index(drop=True)

    def _in_sweep_order(self, frame, by: str = "n_labeled"):
        rank_s = {s: i for i, s in enumerate(self.strategies)}
        rank_m = {m: i for i, m in enumerate(self.models)}
        keys = frame.assign(
            _s=frame["strategy"].map(rank_s), _m=frame["model"].map(rank_m)
        ).sort_values(["_s", "_m", by], kind="stable")
        return keys.drop(columns=["_s", "_m"])

    # ------------------------------------------------------------------ AUBC
    def _per_run(self, fn, metric: str, name: str):
        import pandas as pd

        rows = []
        for (s, m, seed), run in self.table.groupby(["strategy", "model", "seed"], sort=False):
            run = run.sort_values("n_labeled")
            run = run[run[metric].notna()]
            value = fn(run["n_labeled"].to_numpy(), run[metric].to_numpy()) if len(run) else np.nan
            rows.append({"strategy": s, "model": m, "seed": seed, name: value})
        return pd.DataFrame(rows, columns=["strategy", "model", "seed", name])

    def aubc(
        self,
        metric: str = "accuracy",
        method: str = "trapezoid",
        per_run: bool = False,
        confidence: float = 0.95,
    ):
        """Area under the budget curve of every run, and its mean over seeds.

        AUBC is the metric averaged over the labelling budget: the area under
        the learning curve (metric against labels used, from the initial labels
        to the last) divided by the budget it spans, so it is in the metric's
        units and a perfect accuracy curve scores 1. See
        :func:`alviz.experiments.aubc` for the two methods; ``method="mean"``
        is the WDBC re-benchmark's "mean test accuracy over the curve".

        Parameters
        ----------
        metric : str
        method : {"trapezoid", "mean"}
        per_run : bool
            Return one row per run instead of the summary.
        confidence : float
            Coverage of the Student-t interval over seeds.

        Returns
        -------
        pandas.DataFrame
            Summary: ``strategy, model, mean, std, low, high, n_seeds``.
            Per run: ``strategy, model, seed, aubc``.
        """
        self._check_metric(metric)
        if method not in AUBC_METHODS:
            raise ValueError(f"method must be one of {AUBC_METHODS}; got {method!r}.")
        runs = self._per_run(lambda x, y: aubc(x, y, method=method), metric, "aubc")
        return runs if per_run else _summarise(runs, "aubc", confidence)

    def labels_to(
        self,
        accuracy: float | None = None,
        metric: str | None = None,
        target: float | None = None,
        per_run: bool = False,
    ):
        """Labels needed to reach a target, per run and summarised.

        Parameters
        ----------
        accuracy : float, optional
            Shorthand for ``metric="accuracy", target=accuracy``.
        metric, target : str, float, optional
            Any metric; "reach" means ``>= target`` for metrics where higher is
            better and ``<= target`` for losses and errors (nll, ece, brier, rmse).
        per_run : bool
            Return one row per run (``labels`` NaN where the run never got there).

        Returns
        -------
        pandas.DataFrame
            Summary: ``strategy, model, median, mean, min, max, n_reached, n_runs,
            mean_curve`` — ``mean``/``median`` over the runs that reached the
            target, and ``mean_curve`` the labels at which the seed-averaged curve
            first reaches it (how Gal et al. 2017 read their table). Per run:
            ``strategy, model, seed, labels``.
        """
        if accuracy is not None:
            if metric not in (None, "accuracy") or target is not None:
                raise ValueError(
                    "give either accuracy=... or metric=... with target=..., not both."
                )
            metric, target = "accuracy", accuracy
        if metric is None or target is None:
            raise ValueError(
                "say what to reach: labels_to(accuracy=0.9) or labels_to(metric='nll', target=0.3)."
            )
        self._check_metric(metric)
        higher = higher_is_better(metric)
        runs = self._per_run(
            lambda x, y: labels_to_reach(x, y, float(target), higher), metric, "labels"
        )
        if per_run:
            return runs
        curves = self.curves(metric)
        rows = []
        for (s, m), grp in runs.groupby(_group_keys(), sort=False):
            reached = grp["labels"].dropna()
            c = curves[(curves["strategy"] == s) & (curves["model"] == m)]
            rows.append(
                {
                    "strategy": s,
                    "model": m,
                    "median": reached.median() if len(reached) else np.nan,
                    "mean": reached.mean() if len(reached) else np.nan,
                    "min": reached.min() if len(reached) else np.nan,
                    "max": reached.max() if len(reached) else np.nan,
                    "n_reached": len(reached),
                    "n_runs": len(grp),
                    "mean_curve": labels_to_reach(c["n_labeled"], c["mean"], float(target), higher)
                    if len(c)
                    else np.nan,
                }
            )
        import pandas as pd

        return pd.DataFrame(rows)

    def versus_random(
        self,
        metric: str = "accuracy",
        baseline: str = "random",
        method: str = "trapezoid",
        confidence: float = 0.95,
    ):
        """Paired comparison of every strategy's AUBC with the baseline's, seed by seed.

        For each strategy and model, the difference ``AUBC(strategy) -
        AUBC(baseline)`` is taken on each seed both ran (same seed = same initial
        labels and split), then summarised.

        Parameters
        ----------
        metric : str
        baseline : str
            Strategy label to compare against (default ``"random"``).
        method : {"trapezoid", "mean"}
            AUBC method.
        confidence : float
            Coverage of the Student-t interval of the mean difference.

        Returns
        -------
        pandas.DataFrame
            ``strategy, model, mean_diff, low, high, win_rate, n_seeds, p_value``:
            ``win_rate`` is the share of seeds where the strategy did better than
            the baseline (ties count one half), ``p_value`` a two-sided paired t-test.
        """
        import pandas as pd
        from scipy.stats import ttest_1samp

        per_run = self.aubc(metric, method=method, per_run=True)
        if baseline not in set(per_run["strategy"]):
            raise ValueError(
                f"baseline strategy {baseline!r} is not in the results (strategies: "
                f"{self.strategies}); add it to the sweep or pass baseline=<one of them>."
            )
        sign = 1.0 if higher_is_better(metric) else -1.0
        base = per_run[per_run["strategy"] == baseline].set_index(["model", "seed"])["aubc"]
        rows = []
        for (s, m), grp in per_run[per_run["strategy"] != baseline].groupby(
            _group_keys(), sort=False
        ):
            mine = grp.set_index(["model", "seed"])["aubc"]
            diff = (mine - base.reindex(mine.index)).dropna().to_numpy()
            mean, low, high = t_interval(diff, confidence)
            better = sign * diff
            win = float(np.mean((better > 0) + 0.5 * (better == 0))) if len(diff) else np.nan
            p = np.nan
            if len(diff) >= 2 and np.ptp(diff) > 0:
                p = float(ttest_1samp(diff, 0.0).pvalue)
            rows.append(
                {
                    "strategy": s,
                    "model": m,
                    "mean_diff": mean,
                    "low": low,
                    "high": high,
                    "win_rate": win,
                    "n_seeds": len(diff),
                    "p_value": p,
                }
            )
        cols = ["strategy", "model", "mean_diff", "low", "high", "win_rate", "n_seeds", "p_value"]
        return pd.DataFrame(rows, columns=cols)

    def step_times(self):
        """Wall time per step and per run.

        Returns
        -------
        pandas.DataFrame
            ``strategy, model, median_step_seconds, mean_step_seconds,
            median_run_seconds, n_steps``.
        """
        t = self.table.dropna(subset=["step_seconds"])
        g = t.groupby(_group_keys(), sort=False)["step_seconds"]
        out = g.agg(
            median_step_seconds="median", mean_step_seconds="mean", n_steps="count"
        ).reset_index()
        ok = self.runs[self.runs["status"] == "ok"]
        run_t = ok.groupby(_group_keys(), sort=False)["wall_seconds"].median()
        out["median_run_seconds"] = [
            run_t.get((s, m), np.nan) for s, m in zip(out["strategy"], out["model"], strict=True)
        ]
        return out[
            [
                "strategy",
                "model",
                "median_step_seconds",
                "mean_step_seconds",
                "median_run_seconds",
                "n_steps",
            ]
        ]

    # ------------------------------------------------------------------ plot
    def plot(self, metric: str = "accuracy", confidence: float = 0.95, **kwargs):
        """Learning curves with confidence bands (plotly).

        Uses :func:`alviz.viz.learning_curves` when it is there, else a plain
        figure of mean lines and shaded bands.

        Returns
        -------
        plotly.graph_objects.Figure
        """
        try:
            from ..viz import learning_curves
        except ImportError:
            learning_curves = None
        if learning_curves is not None:
            return learning_curves(self, metric=metric, confidence=confidence, **kwargs)
        from ._plot import curves_figure

        return curves_figure(self.curves(metric, confidence), metric, confidence, **kwargs)

    # ------------------------------------------------------------------ persistence
    def save(self, path, format: str | None = None) -> Path:
        """Write the results to a folder: the tables (parquet, else CSV) and ``meta.json``.

        Parameters
        ----------
        path : str or Path
            Folder to create (or overwrite the results in).
        format : {"parquet", "csv"}, optional
            Default: parquet when pyarrow is installed, else CSV. Never pickle.

        Returns
        -------
        Path
            The folder.
        """
        fmt = format or ("parquet" if _has_pyarrow() else "csv")
        if fmt not in ("parquet", "csv"):
            raise ValueError(f"format must be 'parquet' or 'csv'; got {format!r}.")
        if fmt == "parquet" and not _has_pyarrow():
            raise ValueError("format='parquet' needs pyarrow (pip install pyarrow); use 'csv'.")
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        for name, frame in (("table", self.table), ("runs", self.runs)):
            target = folder / f"{name}.{fmt}"
            _atomic(target, lambda tmp, f=frame: _write_frame(f, tmp, fmt))
        doc = {
            "format": _FORMAT,
            "version": _FORMAT_VERSION,
            "table_format": fmt,
            "meta": _json_safe(self.meta),
        }
        _atomic(folder / "meta.json", lambda tmp: Path(tmp).write_text(json.dumps(doc, indent=2)))
        return folder

    @classmethod
    def load(cls, path) -> Results:
        """Read results written by :meth:`save`.

        Parameters
        ----------
        path : str or Path
            The folder :meth:`save` wrote.
        """
        import pandas as pd

        folder = Path(path)
        meta_file = folder / "meta.json"
        if not meta_file.is_file():
            raise ValueError(
                f"{folder} holds no meta.json; pass the folder written by Results.save(path)."
            )
        doc = json.loads(meta_file.read_text())
        if doc.get("format") != _FORMAT:
            raise ValueError(
                f"{meta_file} is not an alviz results file (format={doc.get('format')!r})."
            )
        fmt = doc.get("table_format", "csv")

        def read(name):
            f = folder / f"{name}.{fmt}"
            if fmt == "parquet":
                return pd.read_parquet(f)
            return pd.read_csv(f, keep_default_na=False, na_values=[""]).pipe(_fix_csv)

        return cls(read("table"), read("runs"), doc.get("meta", {}))


def _summarise(runs, column: str, confidence: float):
    import pandas as pd

    rows = []
    for (s, m), grp in runs.groupby(_group_keys(), sort=False):
        vals = grp[column].to_numpy(dtype=np.float64)
        mean, low, high = t_interval(vals, confidence)
        vals = vals[~np.isnan(vals)]
        rows.append(
            {
                "strategy": s,
                "model": m,
                "mean": mean,
                "std": float(vals.std(ddof=1)) if len(vals) > 1 else np.nan,
                "low": low,
                "high": high,
                "n_seeds": len(vals),
            }
        )
    return pd.DataFrame(
        rows, columns=["strategy", "model", "mean", "std", "low", "high", "n_seeds"]
    )


def _has_pyarrow() -> bool:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return False
    return True


def _write_frame(frame, path, fmt: str) -> None:
    if fmt == "parquet":
        frame.to_parquet(path, index=False)
    else:
        frame.to_csv(path, index=False)


def _fix_csv(frame):
    # CSV has no types: a column of empty strings comes back as NaN floats.
    for col in ("strategy", "model", "status", "error", "stop_reason", "traceback"):
        if col in frame:
            frame[col] = frame[col].astype(object).where(frame[col].notna(), "").astype(str)
    return frame


def _atomic(target: Path, write) -> None:
    """Write through a temporary file in the same folder, then rename (never half a file)."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _json_safe(obj):
    """Meta as JSON: numbers, strings, lists and dicts; anything else by its repr."""
    if isinstance(obj, dict):
        return {str(k): _json_safe(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple | range):
        return [_json_safe(v) for v in obj]
    if isinstance(obj, np.generic):
        return obj.item()
    if obj is None or isinstance(obj, bool | int | float | str):
        return obj
    return repr(obj)
