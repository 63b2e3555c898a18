"""The ``alviz`` command: ``alviz lab | slides | app | bench``, ``alviz --version``."""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import sys
import tempfile
from pathlib import Path

from . import _servers
from ._version import __version__

START_NOTEBOOK = "00_start_here.ipynb"
DECK = Path("workshop") / "workshop.ipynb"
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


def notebooks_dir() -> Path:
    """The repository's ``notebooks/`` folder (source checkout), else the current directory."""
    here = Path(__file__).resolve().parents[1] / "notebooks"
    return here if here.is_dir() else Path.cwd()


def _token(args) -> str:
    # ALVIZ_TOKEN keeps a fixed token off alviz's own command line too.
    return args.token or os.environ.get("ALVIZ_TOKEN") or secrets.token_urlsafe(24)


def lab_command(port: int, open_browser: bool, root: Path, open_path: str | None = None):
    """The JupyterLab command line: localhost only, one port, offline; no token in it.

    The token travels in the environment (:func:`alviz._servers.server_env`).
    """
    cmd = [
        sys.executable, "-m", "jupyterlab",
        f"--ServerApp.root_dir={root}",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        "--ServerApp.allow_remote_access=False",
        *_servers.LAB_OFFLINE,
        *_servers.root_flags(),
    ]  # fmt: skip
    if not open_browser:
        cmd.append("--no-browser")
    if open_path is None and (root / START_NOTEBOOK).exists():
        open_path = START_NOTEBOOK
    if open_path:
        cmd.append(open_path)
    return cmd


def _lab_urls(port: int, token: str, path: str | None) -> tuple[str, str]:
    base = f"http://127.0.0.1:{port}"
    page = f"{base}/lab/tree/{path}" if path else f"{base}/lab"
    return f"{base}/api/status?token={token}", f"{page}?token={token}"


def _lab(args) -> int:
    token = _token(args)
    root = Path(args.notebook_dir).resolve() if args.notebook_dir else notebooks_dir()
    port = _servers.check_port(args.port)
    cmd = lab_command(port, not args.no_browser, root)
    probe, link = _lab_urls(port, token, cmd[-1] if cmd[-1].endswith(".ipynb") else None)
    print(f"alviz {__version__}: starting JupyterLab on http://127.0.0.1:{port}", flush=True)
    return _servers.serve(
        cmd, _servers.server_env(token), cwd=root, probe=probe, link=link, name="JupyterLab"
    )


# ---------------------------------------------------------------------------- slides
def slides_setup(deck: Path, state_dir: Path) -> tuple[Path, str, Path]:
    """(root folder to serve, deck path inside it, lab settings folder) for ``alviz slides``.

    The deck is served from ``notebooks/`` when it lies there, so its links to the
    course notebooks open; the settings folder turns deck mode on (jupyterlab-slideshow
    keeps it in the user settings) without touching the user's own settings.
    """
    deck = Path(deck).resolve()
    if not deck.is_file() or deck.suffix != ".ipynb":
        raise ValueError(f"DECK must be a notebook file (.ipynb); got {str(deck)!r}.")
    nb = notebooks_dir().resolve()
    root = nb if deck.is_relative_to(nb) else deck.parent
    settings = _servers.lab_settings(
        Path(state_dir) / "settings", {("jupyterlab-slideshow", "plugin"): {"active": True}}
    )
    return root, deck.relative_to(root).as_posix(), settings


def _slides(args) -> int:
    token = _token(args)
    deck = Path(args.deck) if args.deck else notebooks_dir() / DECK
    port = _servers.check_port(args.port)
    state = Path(tempfile.mkdtemp(prefix="alviz-slides-"))
    try:
        root, rel, settings = slides_setup(deck, state)
        cmd = lab_command(port, not args.no_browser, root, open_path=rel)
        probe, link = _lab_urls(port, token, rel)
        print(f"alviz {__version__}: slides of {rel} (arrow keys move; Esc leaves the deck)")
        return _servers.serve(
            cmd, _servers.server_env(token, settings), cwd=root, probe=probe, link=link,
            name="JupyterLab (deck mode)",
        )  # fmt: skip
    finally:
        shutil.rmtree(state, ignore_errors=True)


# ---------------------------------------------------------------------------- app
def app_notebook(widget: str, folder: Path) -> Path:
    """Write the one-cell app notebook for ``widget`` into ``folder``; its path."""
    from .widgets._links import _check_widget

    _check_widget(widget)
    src = (
        "from alviz.widgets._links import app_widget\n\n"
        f"# The URL's ?settings=alviz1-... (Voila passes the query in QUERY_STRING).\n"
        f"app_widget({widget!r})"
    )
    nb = {
        "cells": [{"cell_type": "code", "execution_count": None, "id": "app", "metadata": {},
                   "outputs": [], "source": src}],
        "metadata": {"kernelspec": KERNELSPEC, "language_info": {"name": "python"}},
        "nbformat": 4, "nbformat_minor": 5,
    }  # fmt: skip
    path = Path(folder) / f"alviz_{widget}.ipynb"
    path.write_text(json.dumps(nb, indent=1))
    return path


VOILA_TEMPLATES = Path(__file__).parent / "_share"  # holds voila/templates/alviz


def voila_env(token: str) -> dict:
    """Voila's environment: the token, and ``JUPYTER_PATH`` reaching the ``alviz`` template."""
    env = _servers.server_env(token)
    env["JUPYTER_PATH"] = os.pathsep.join(
        p for p in (str(VOILA_TEMPLATES), env.get("JUPYTER_PATH", "")) if p
    )
    return env


def voila_command(notebook: Path, port: int) -> list[str]:
    """The Voila command line: lab template, no code, localhost, one port; no token in it.

    ``auto_token`` makes Voila take the token from ``JUPYTER_TOKEN`` in its environment
    (``--Voila.token=T`` would show it to every local user in ``ps``).
    """
    return [
        sys.executable, "-m", "voila", str(notebook),
        "--template=alviz",  # voila's lab template minus its CDN stylesheets
        "--strip_sources=True",
        "--Voila.ip=127.0.0.1",
        f"--Voila.port={port}",
        "--Voila.port_retries=0",
        "--Voila.auto_token=True",
        "--Voila.open_browser=False",
        "--VoilaConfiguration.show_tracebacks=False",
    ]  # fmt: skip


def app_link_for(port: int, token: str, settings: str | None) -> str:
    """The page's address with its token (and settings code, if any)."""
    from .widgets._links import app_link

    base = f"http://127.0.0.1:{port}/?token={token}"
    return app_link(settings, base_url=base) if settings else base


def _app(args) -> int:
    from .widgets._links import APP_WIDGETS, BASE_URL_ENV, settings_from_link

    token = _token(args)
    settings = settings_from_link(args.settings) if args.settings else None
    port = _servers.check_port(args.port)
    target = args.target or "explorer"
    state = Path(tempfile.mkdtemp(prefix="alviz-app-"))
    try:
        if target in APP_WIDGETS:
            notebook = app_notebook(target, state)
        elif target.endswith(".ipynb") and Path(target).is_file():
            notebook = Path(target).resolve()
        else:
            raise ValueError(
                f"alviz app takes a widget ({', '.join(APP_WIDGETS)}) or a notebook file; "
                f"got {target!r}."
            )
        env = voila_env(token)
        env[BASE_URL_ENV] = f"http://127.0.0.1:{port}/"  # the page's own links point here
        link = app_link_for(port, token, settings)
        return _servers.serve(
            voila_command(notebook, port), env, cwd=notebook.parent,
            probe=f"http://127.0.0.1:{port}/voila/static/voila.js", link=link, name="Voila",
        )  # fmt: skip
    finally:
        shutil.rmtree(state, ignore_errors=True)


# ---------------------------------------------------------------------------- bench
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


def _server_args(p, port: int) -> None:
    p.add_argument("--port", type=int, default=port, help=f"port (default {port}; 0: a free one)")
    p.add_argument(
        "--token", default=None,
        help="access token (default: $ALVIZ_TOKEN, else a random one)",
    )  # fmt: skip
    p.add_argument("--no-browser", action="store_true", help="do not open a browser")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``alviz`` command."""
    p = argparse.ArgumentParser(prog="alviz", description=__doc__.splitlines()[0])
    p.add_argument("--version", action="version", version=f"alviz {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    lab = sub.add_parser("lab", help="JupyterLab on the guided notebooks (localhost, with a token)")
    _server_args(lab, 8888)
    lab.add_argument("--notebook-dir", default=None, help="folder to serve (default: notebooks/)")
    lab.set_defaults(func=_lab)
    slides = sub.add_parser("slides", help="the workshop deck as live slides (JupyterLab)")
    slides.add_argument(
        "deck", nargs="?", default=None,
        help=f"a notebook with slide metadata (default: notebooks/{DECK.as_posix()})",
    )  # fmt: skip
    _server_args(slides, 8888)
    slides.set_defaults(func=_slides)
    app = sub.add_parser(
        "app", help="a widget (or a notebook) as a standalone page without code (Voila)"
    )
    app.add_argument("target", nargs="?", default=None, metavar="WIDGET|NOTEBOOK",
                     help="explorer (default), compare, regression, or a .ipynb file")  # fmt: skip
    app.add_argument("--settings", default=None,
                     help="a settings code (alviz1-...) or an app link holding one")  # fmt: skip
    _server_args(app, 8866)
    app.set_defaults(func=_app)
    _add_bench(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``alviz`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        return args.func(args)
    except ValueError as exc:  # a bad argument: one clear line, no traceback
        print(f"alviz {args.command}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
