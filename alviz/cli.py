"""The ``alviz`` command: ``alviz lab``, ``alviz --version``."""

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
