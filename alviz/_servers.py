"""Start a local Jupyter server (JupyterLab or Voila) the safe way, and stop it with us.

Shared by ``alviz lab``, ``alviz slides`` and ``alviz app``:

- the server binds 127.0.0.1 and needs a token, and the token travels in the
  child's environment (``JUPYTER_TOKEN``), never on its command line, which
  every local user can read with ``ps``;
- a busy port is an error (``port_retries=0``), so the link we print is always
  to the server we started, and we print it only once that server answers;
- SIGINT and SIGTERM are forwarded, and on Linux the child also gets SIGTERM
  if we die, so no orphan server keeps serving;
- ``--allow-root`` when running as root (Docker images, workshop VMs);
- nothing reaches the network: no news feed, no update check, no extension
  manager queries.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

__all__ = [
    "LAB_OFFLINE",
    "free_port",
    "lab_settings",
    "port_is_free",
    "root_flags",
    "serve",
    "server_env",
]

# JupyterLab flags that keep a lab offline and quiet: no announcement ("news")
# pop-up, no update check, and an extension manager that queries no registry.
LAB_OFFLINE = [
    "--LabApp.news_url=None",
    "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    "--LabApp.extension_manager=readonly",
]

# User settings a project lab starts with: news and update checks off in the page too.
_NOTIFICATIONS = ("@jupyterlab/apputils-extension", "notification")
_NOTIFICATIONS_OFF = {"fetchNews": "false", "checkForUpdates": False}


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_is_free(port: int) -> bool:
    """Whether 127.0.0.1:``port`` can be bound now."""
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def check_port(port: int) -> int:
    """``port`` if free (0: pick a free one), else a ``ValueError`` saying what to do."""
    if not isinstance(port, int) or isinstance(port, bool) or not 0 <= port <= 65535:
        raise ValueError(f"port must be an integer in 0..65535; got {port!r}.")
    if port == 0:
        return free_port()
    if not port_is_free(port):
        raise ValueError(
            f"port {port} on 127.0.0.1 is busy (another Jupyter server?); stop that server, "
            f"or pass --port N for another port (--port 0 picks a free one)."
        )
    return port


def root_flags() -> list[str]:
    """``["--allow-root"]`` when this process runs as root, else ``[]``."""
    return ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []


def server_env(token: str, settings_dir: Path | None = None) -> dict:
    """The child's environment: ours plus the token (and a lab settings folder, if given)."""
    if not token:
        raise ValueError("token must be a non-empty string; an empty token turns off the login.")
    env = os.environ.copy()
    env["JUPYTER_TOKEN"] = token
    env.pop("JUPYTER_TOKEN_FILE", None)
    if settings_dir is not None:
        env["JUPYTERLAB_SETTINGS_DIR"] = str(settings_dir)
        # Workspaces beside it: a lab with fresh settings also starts with a fresh layout.
        env["JUPYTERLAB_WORKSPACES_DIR"] = str(Path(settings_dir).parent / "workspaces")
    return env


def lab_settings(settings_dir: Path, extra: dict | None = None) -> Path:
    """Write JupyterLab user settings into ``settings_dir``: notifications off, plus ``extra``.

    Parameters
    ----------
    settings_dir : Path
        A folder this command owns (it becomes ``JUPYTERLAB_SETTINGS_DIR``).
    extra : dict, optional
        ``{(package, plugin): {setting: value}}``, e.g.
        ``{("jupyterlab-slideshow", "plugin"): {"active": True}}`` for deck mode.

    Returns
    -------
    Path
        ``settings_dir``.
    """
    import json

    wanted = {_NOTIFICATIONS: _NOTIFICATIONS_OFF, **(extra or {})}
    for (package, plugin), values in wanted.items():
        path = Path(settings_dir, *package.split("/"), f"{plugin}.jupyterlab-settings")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values, indent=2))
    return Path(settings_dir)


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    # Linux: the kernel sends SIGTERM to the server if alviz itself is killed (even by SIGKILL).
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG = 1
    except (OSError, AttributeError):
        pass


def wait_ready(proc: subprocess.Popen, url: str, timeout: float) -> bool:
    """Poll ``url`` until it answers 200 (True) or ``proc`` exits or ``timeout`` s pass (False)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return True
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(0.25)
    return False


def stop(proc: subprocess.Popen, grace: float = 10.0) -> int:
    """SIGTERM, then SIGKILL after ``grace`` seconds; the exit status."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return proc.returncode


def serve(
    argv: list[str],
    env: dict,
    *,
    cwd: Path,
    probe: str,
    link: str,
    name: str,
    timeout: float = 120.0,
    out=None,
) -> int:
    """Run a server in the foreground until it exits or we get SIGINT/SIGTERM.

    Parameters
    ----------
    argv : list of str
        The server's command line (no token in it).
    env : dict
        Its environment, from :func:`server_env`.
    cwd : Path
        Its working folder.
    probe : str
        A URL that answers 200 once the server is up (with the token if it needs one).
    link : str
        What to print for the user once the probe answers.
    name : str
        The server's name in messages ("JupyterLab", "Voila").
    timeout : float
        Seconds to wait for the probe before saying the server is slow.
    out : file, optional
        Where messages go (default ``sys.stdout``).

    Returns
    -------
    int
        The server's exit status (0 after a clean stop on a signal).
    """
    if any(
        a.startswith(("--IdentityProvider.token", "--ServerApp.token", "--Voila.token="))
        for a in argv
    ):
        raise ValueError("the token must travel in env['JUPYTER_TOKEN'], not on the command line.")
    out = out or sys.stdout
    kwargs = {"preexec_fn": _die_with_parent} if sys.platform.startswith("linux") else {}
    # Own process group: a Ctrl-C reaches only us, and we stop the server without
    # Jupyter's interactive "Shutdown this server (y/[n])?" prompt.
    proc = subprocess.Popen(argv, cwd=cwd, env=env, start_new_session=True, **kwargs)
    stopping = []

    def forward(signum, frame):
        stopping.append(signum)
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(signal.SIGTERM)

    old = {s: signal.signal(s, forward) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        if wait_ready(proc, probe, timeout):
            print(f"{name} is serving: {link}\n(Ctrl-C stops it.)", file=out, flush=True)
        elif proc.poll() is None and not stopping:
            print(f"{name} is slow to start; it will be at {link}", file=out, flush=True)
        while True:
            try:
                code = proc.wait(1.0)
                break
            except subprocess.TimeoutExpired:
                if stopping:
                    code = stop(proc)
                    break
    finally:
        for s, handler in old.items():
            signal.signal(s, handler)
        stop(proc)
    return 0 if stopping else code
