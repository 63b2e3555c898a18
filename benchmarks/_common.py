"""Shared plumbing of the published-result benchmarks: arguments, output, results file.

Each script runs one benchmark of :mod:`alviz.experiments.benchmarks` and
replaces its own section of ``benchmarks/results/experiments.md``, between
``<!-- begin NAME -->`` and ``<!-- end NAME -->``, leaving the others alone.
"""

from __future__ import annotations

import argparse
import re
import shlex
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS_MD = HERE / "results" / "experiments.md"
#: The real MNIST test split, read in place (never copied into the repository).
MNIST_DIR = HERE.parents[1] / "shared" / "datasets" / "mnist-t10k"


def parse(description: str, default_seeds: int, data: bool = False, argv=None):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--seeds", type=int, default=default_seeds, help="number of seeds")
    p.add_argument("--budget", type=int, default=None, help="labels per run (default: protocol's)")
    p.add_argument("--n-jobs", type=int, default=2, help="parallel runs (the machine has 2 cores)")
    p.add_argument("--out", default="/tmp/alviz-bench", help="folder for results and plots")
    p.add_argument("--no-md", action="store_true", help="do not update results/experiments.md")
    p.add_argument(
        "--from-results",
        default=None,
        metavar="DIR",
        help="summarise results saved by an earlier run (OUT/NAME/results) instead of running",
    )
    if data:
        p.add_argument("--data", default=str(MNIST_DIR), help="folder with the MNIST IDX files")
    return p.parse_args(argv)


def command_line() -> str:
    """How this script was called, to print beside its results."""
    script = Path(sys.argv[0]).resolve()
    try:
        script = script.relative_to(HERE.parent)
    except ValueError:
        pass
    return " ".join([".venv/bin/python", str(script), *map(shlex.quote, sys.argv[1:])])


def _rebuilt_command(meta: dict) -> str:
    """The command of the run that saved ``meta`` (older saves did not record it)."""
    script = Path(sys.argv[0]).name
    parts = [".venv/bin/python", f"benchmarks/{script}", "--seeds", str(len(meta.get("seeds", [])))]
    if meta.get("budget") is not None:
        parts += ["--budget", str(meta["budget"])]
    parts += ["--n-jobs", str(meta.get("n_jobs"))]
    return " ".join(parts)


def write_section(name: str, markdown: str) -> None:
    """Replace (or append) the section ``name`` of ``results/experiments.md``."""
    begin, end = f"<!-- begin {name} -->", f"<!-- end {name} -->"
    block = f"{begin}\n{markdown.rstrip()}\n{end}"
    text = RESULTS_MD.read_text() if RESULTS_MD.exists() else "# Experiments\n"
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.S)
    text = (
        pattern.sub(lambda _m: block, text)
        if pattern.search(text)
        else text.rstrip() + "\n\n" + block + "\n"
    )
    RESULTS_MD.write_text(text)


def run_and_report(name: str, args, notes: str = "", data=None) -> None:
    """Run benchmark ``name``, print its summary and write its section."""
    import pandas as pd

    from alviz.experiments import benchmarks

    pd.set_option("display.width", 200)
    pd.set_option("display.max_columns", 30)
    bench = benchmarks.get(name)
    if args.from_results:
        from alviz.experiments import Results

        results = Results.load(args.from_results)
        summary = bench.summarise(results)
        written = benchmarks.write_outputs(bench, results, summary, args.out)
    else:
        results, summary, written = benchmarks.run(
            name,
            seeds=args.seeds,
            out=args.out,
            budget=args.budget,
            n_jobs=args.n_jobs,
            data=data,
            meta={"command": command_line()},
        )
    print(summary.to_string(index=False))
    for kind, path in written.items():
        print(f"{kind}: {path}")
    if args.no_md:
        return
    md = benchmarks.summary_markdown(bench, results, summary)
    command = results.meta.get("command") or _rebuilt_command(results.meta)
    md += f"\nRegenerate: `{command}`\n"
    if notes:
        md += "\n" + notes.strip() + "\n"
    write_section(name, md)
    print(f"updated {RESULTS_MD}")
