"""The ``alviz`` command: ``alviz lab``, ``alviz bench``, ``alviz --version``."""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
from pathlib import Path

from ._version import __version__

START_NOTEBOOK = "00_start_here.ipynb"


def notebooks_dir() -> Path:
    """The repository's ``notebooks/`` folder (source checkout), else the current directory."""
    here = Path(__file__).resolve().parents[1] / "notebooks"
    return here if here.is_dir() else Path.cwd()


def lab_command(port: int, token: str, open_browser: bool, root: Path) -> list[str]:
    """The JupyterLab command line: localhost only, token required, opened on the start notebook."""
    cmd = [
        sys.executable,
        "-m",
        "jupyterlab",
        f"--ServerApp.root_dir={root}",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        f"--IdentityProvider.token={token}",
        "--ServerApp.allow_remote_access=False",
    ]
    if not open_browser:
        cmd.append("--no-browser")
    if (root / START_NOTEBOOK).exists():
        cmd.append(START_NOTEBOOK)
    return cmd


def _lab(args) -> int:
    token = args.token or os.environ.get("ALVIZ_TOKEN") or secrets.token_urlsafe(24)
    root = Path(args.notebook_dir).resolve() if args.notebook_dir else notebooks_dir()
    cmd = lab_command(args.port, token, not args.no_browser, root)
    print(
        f"alviz {__version__}: JupyterLab on http://127.0.0.1:{args.port}/lab?token={token}",
        flush=True,
    )
    return subprocess.call(cmd, cwd=root)


def _bench(args) -> int:
    # Imported here: the sweep machinery (joblib, pandas, plotly) is not needed by `alviz lab`.
    from .experiments import benchmarks

    _, summary, written = benchmarks.run(
        args.name,
        seeds=args.seeds,
        out=args.out,
        budget=args.budget,
        n_jobs=args.n_jobs,
        progress=not args.quiet,
        data=args.data,
        png=not args.no_png,
    )
    print(benchmarks.markdown_table(summary))
    for kind, path in written.items():
        print(f"{kind}: {path}")
    return 0


def _add_bench(sub) -> None:
    from .experiments.benchmarks import names

    bench = sub.add_parser(
        "bench",
        help="run a published-result benchmark; write its table and learning curves",
        description="Run a benchmark sweep and write OUT/NAME/: results, summary.csv, "
        "summary.md, curves.html and curves.png (when kaleido can export offline).",
    )
    bench.add_argument("name", choices=names(), metavar="NAME", help=f"one of {names()}")
    bench.add_argument("--seeds", type=int, default=None, help="seeds (default: the protocol's)")
    bench.add_argument("--out", default="bench-results", help="output folder")
    bench.add_argument("--budget", type=int, default=None, help="labels per run")
    bench.add_argument("--n-jobs", type=int, default=None, help="parallel runs")
    bench.add_argument("--data", default=None, help="MNIST IDX folder")
    bench.add_argument("--no-png", action="store_true", help="write the plot as HTML only")
    bench.add_argument("--quiet", action="store_true", help="no progress bar")
    bench.set_defaults(func=_bench)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``alviz`` command."""
    p = argparse.ArgumentParser(prog="alviz", description=__doc__.splitlines()[0])
    p.add_argument("--version", action="version", version=f"alviz {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    lab = sub.add_parser("lab", help="JupyterLab on the guided notebooks (localhost, with a token)")
    lab.add_argument("--port", type=int, default=8888)
    lab.add_argument("--token", default=None, help="access token (default: a random one)")
    lab.add_argument("--no-browser", action="store_true", help="do not open a browser")
    lab.add_argument("--notebook-dir", default=None, help="folder to serve (default: notebooks/)")
    lab.set_defaults(func=_lab)
    _add_bench(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``alviz`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
