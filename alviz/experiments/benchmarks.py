"""Named benchmarks that reproduce published results (``alviz bench NAME``).

>>> from alviz.experiments import benchmarks
>>> benchmarks.names()
['mnist-batchbald', 'mnist-gal2017', 'moons', 'wdbc']

Each benchmark runs a :func:`~alviz.experiments.compare` sweep under a
published protocol and summarises it against the published numbers;
:func:`run` writes the results, the summary table (CSV + Markdown) and a
learning-curve plot (HTML, and PNG when kaleido can export offline).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "Benchmark",
    "get",
    "markdown_table",
    "names",
    "run",
    "summary_markdown",
    "write_outputs",
]


@dataclass(frozen=True)
class Benchmark:
    """A reproducible sweep and its summary.

    Attributes
    ----------
    name : str
    title : str
    sweep : callable
        ``sweep(seeds, budget, n_jobs, progress, data) -> Results``.
    summarise : callable
        ``summarise(results) -> pandas.DataFrame``, the table to publish.
    default_seeds : int
        Seeds of the full protocol.
    metric : str
        Metric of the learning-curve plot.
    needs_data : bool
        Whether ``data=<folder>`` must be given (MNIST files).
    """

    name: str
    title: str
    sweep: Callable
    summarise: Callable
    default_seeds: int
    metric: str = "accuracy"
    needs_data: bool = False


def _wdbc_sweep(seeds, budget, n_jobs, progress, data):
    from ._wdbc import run_wdbc

    return run_wdbc(seeds=seeds, budget=budget, n_jobs=n_jobs, progress=progress)


def _wdbc_summary(results):
    from ._wdbc import wdbc_summary

    return wdbc_summary(results)


def _moons_sweep(seeds, budget, n_jobs, progress, data):
    from .. import datasets
    from ._compare import compare

    ds = datasets.load("moons", n_samples=300, noise=0.25, seed=0)
    return compare(
        ds,
        ["random", "entropy", "margin"],
        seeds=seeds,
        budget=budget or 40,
        initial=6,
        n_jobs=n_jobs,
        progress=progress,
    )


def _moons_summary(results):
    aubc = results.aubc().rename(columns={"mean": "aubc", "low": "aubc_low", "high": "aubc_high"})
    vs = results.versus_random()[["strategy", "model", "mean_diff", "win_rate"]]
    times = results.step_times()[["strategy", "model", "median_step_seconds"]]
    return aubc.merge(vs, how="left").merge(times, how="left")


def _gal_sweep(seeds, budget, n_jobs, progress, data):
    from ._mnist import run_gal2017

    return run_gal2017(data, seeds=seeds, budget=budget, n_jobs=n_jobs, progress=progress)


def _gal_summary(results):
    from ._mnist import gal2017_summary

    return gal2017_summary(results)


def _batchbald_sweep(seeds, budget, n_jobs, progress, data):
    from ._mnist import run_batchbald

    return run_batchbald(data, seeds=seeds, budget=budget, n_jobs=n_jobs, progress=progress)


def _batchbald_summary(results):
    from ._mnist import batchbald_summary

    return batchbald_summary(results)


_REGISTRY = {
    b.name: b
    for b in (
        Benchmark(
            "wdbc",
            "WDBC: margin vs random, SVC(rbf) — Lu, Li & Lin 2023 re-benchmark of Zhan et al. 2021",
            _wdbc_sweep,
            _wdbc_summary,
            default_seeds=150,
        ),
        Benchmark(
            "mnist-gal2017",
            "MNIST, MC-dropout CNN: BALD, variation ratios, max entropy, mean STD, random "
            "— in the spirit of Gal, Islam & Ghahramani 2017 (CPU-scaled)",
            _gal_sweep,
            _gal_summary,
            default_seeds=3,
            needs_data=True,
        ),
        Benchmark(
            "mnist-batchbald",
            "MNIST, batch size 10: BatchBALD vs top-k BALD — Kirsch et al. 2019 (CPU-scaled)",
            _batchbald_sweep,
            _batchbald_summary,
            default_seeds=3,
            needs_data=True,
        ),
        Benchmark(
            "moons",
            "Two moons, logistic regression: random vs entropy vs margin (a quick demo)",
            _moons_sweep,
            _moons_summary,
            default_seeds=5,
        ),
    )
}


def names() -> list[str]:
    """Names of the benchmarks, sorted."""
    return sorted(_REGISTRY)


def get(name: str) -> Benchmark:
    """The benchmark called ``name``; ValueError listing the names otherwise."""
    if name not in _REGISTRY:
        raise ValueError(f"unknown benchmark {name!r}; available: {', '.join(names())}.")
    return _REGISTRY[name]


def run(
    name: str,
    seeds: int | None = None,
    out=None,
    budget: int | None = None,
    n_jobs: int | None = None,
    progress: bool = True,
    data=None,
    png: bool = True,
    meta: dict | None = None,
):
    """Run a benchmark; write its outputs when ``out`` is given.

    Parameters
    ----------
    name : str
        One of :func:`names`.
    seeds : int, optional
        Number of seeds (``range(seeds)``); default the protocol's.
    out : str or Path, optional
        Folder for the outputs (see :func:`write_outputs`).
    budget : int, optional
        Labels to query per run; default the protocol's (a smaller one makes a smoke run).
    n_jobs : int, optional
        Parallel runs, as :func:`~alviz.experiments.compare`.
    progress : bool
    data : str or Path, optional
        Folder of the MNIST IDX files, for the MNIST benchmarks.
    png : bool
        Also export the plot as PNG (needs kaleido and a Chrome).
    meta : dict, optional
        Added to ``results.meta`` before it is saved (e.g. the command line).

    Returns
    -------
    results : Results
    summary : pandas.DataFrame
    written : dict
        ``{kind: path}`` of the files written (empty without ``out``).
    """
    bench = get(name)
    if bench.needs_data and data is None:
        raise ValueError(
            f"benchmark {name!r} needs data=<folder with the MNIST IDX files> "
            f"(e.g. t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz)."
        )
    n_seeds = bench.default_seeds if seeds is None else seeds
    t0 = time.perf_counter()
    results = bench.sweep(range(n_seeds), budget, n_jobs, progress, data)
    results.meta["benchmark"] = name
    results.meta["benchmark_wall_seconds"] = time.perf_counter() - t0
    results.meta.update(meta or {})
    summary = bench.summarise(results)
    written = write_outputs(bench, results, summary, out, png=png) if out is not None else {}
    return results, summary, written


def write_outputs(bench: Benchmark, results, summary, out, png: bool = True) -> dict:
    """Write ``<out>/<name>/``: results, ``summary.csv``, ``summary.md``, ``curves.html`` (+ png).

    Returns
    -------
    dict
        ``{kind: Path}``; ``png_error`` holds the reason when the PNG could not be made.
    """
    folder = Path(out) / bench.name
    folder.mkdir(parents=True, exist_ok=True)
    written: dict = {"results": results.save(folder / "results")}
    summary.to_csv(folder / "summary.csv", index=False)
    written["summary_csv"] = folder / "summary.csv"
    md = summary_markdown(bench, results, summary)
    (folder / "summary.md").write_text(md)
    written["summary_md"] = folder / "summary.md"
    fig = results.plot(bench.metric)
    fig.update_layout(title=bench.title.split(" — ")[0])  # the full title overflows the figure
    fig.write_html(folder / "curves.html", include_plotlyjs="cdn")
    written["html"] = folder / "curves.html"
    if png:
        try:
            fig.write_image(folder / "curves.png", width=900, height=520)
            written["png"] = folder / "curves.png"
        except Exception as exc:  # kaleido missing, or no Chrome it can drive offline
            written["png_error"] = f"{type(exc).__name__}: {exc}"
    return written


def summary_markdown(bench: Benchmark, results, summary) -> str:
    """The summary as a Markdown section with how it was made."""
    meta = results.meta
    lines = [
        f"### {bench.title}",
        "",
        markdown_table(summary),
        "",
        f"Seeds: {len(meta.get('seeds', []))}; budget: {meta.get('budget') or 'whole pool'}; "
        f"batch size: {meta.get('batch_size')}; initial labels: {meta.get('initial')}; "
        f"wall time: {meta.get('benchmark_wall_seconds', meta.get('wall_seconds', 0)):.0f} s "
        f"(n_jobs={meta.get('n_jobs')}); alviz {meta.get('alviz_version')}.",
    ]
    if len(results.errors):
        lines += ["", f"{len(results.errors)} run(s) failed: {results.errors.to_dict('records')}"]
    return "\n".join(lines) + "\n"


def markdown_table(frame, digits: int = 4) -> str:
    """A DataFrame as a GitHub Markdown table (floats to ``digits`` decimals)."""

    def cell(v) -> str:
        if isinstance(v, float):
            return "–" if v != v else f"{v:.{digits}f}"
        return str(v)

    head = "| " + " | ".join(map(str, frame.columns)) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    body = ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([head, rule, *body])
