"""The alviz command: servers on 127.0.0.1 with a token that never shows in `ps`.

The server tests start the real command on a free loopback port, wait for
explicit conditions with bounded timeouts and always stop it by PID.
"""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

import alviz
from alviz import _servers, cli

ROOT = Path(__file__).resolve().parents[1]
linux_only = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")


def test_version():
    out = subprocess.run(
        [sys.executable, "-m", "alviz.cli", "--version"], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == f"alviz {alviz.__version__}"


def test_lab_binds_localhost_one_port_offline_and_keeps_the_token_off_the_command_line(tmp_path):
    (tmp_path / cli.START_NOTEBOOK).write_text("{}")
    cmd = cli.lab_command(8899, open_browser=False, root=tmp_path)
    assert "--ServerApp.ip=127.0.0.1" in cmd
    assert "--ServerApp.port_retries=0" in cmd  # a busy port is an error, never another port
    assert "--LabApp.news_url=None" in cmd  # no announcement pop-up
    assert "--LabApp.extension_manager=readonly" in cmd
    assert not any("token" in a.lower() for a in cmd)
    assert cmd[-1] == cli.START_NOTEBOOK


def test_allow_root_only_when_root(monkeypatch, tmp_path):
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    assert "--allow-root" in cli.lab_command(8899, False, tmp_path)
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    assert "--allow-root" not in cli.lab_command(8899, False, tmp_path)


def test_the_token_travels_in_the_environment():
    env = _servers.server_env("s3cret")
    assert env["JUPYTER_TOKEN"] == "s3cret"
    with pytest.raises(ValueError, match="empty token"):
        _servers.server_env("")
    with pytest.raises(ValueError, match="JUPYTER_TOKEN"):
        _servers.serve(["x", "--IdentityProvider.token=t"], env, cwd=Path.cwd(), probe="",
                       link="", name="x")  # fmt: skip


def test_a_busy_port_is_a_clear_error_and_port_zero_picks_a_free_one():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        busy = s.getsockname()[1]
        with pytest.raises(ValueError, match=f"port {busy} on 127.0.0.1 is busy"):
            _servers.check_port(busy)
    assert _servers.port_is_free(_servers.check_port(0))
    with pytest.raises(ValueError, match=r"0\.\.65535"):
        _servers.check_port(70000)


def test_lab_settings_turn_news_off_and_slides_turn_deck_mode_on(tmp_path):
    deck = tmp_path / "deck.ipynb"
    deck.write_text("{}")
    root, rel, settings = cli.slides_setup(deck, tmp_path / "state")
    assert (root, rel) == (tmp_path, "deck.ipynb")
    read = lambda *p: json.loads(Path(settings, *p).read_text())  # noqa: E731
    assert read("jupyterlab-slideshow", "plugin.jupyterlab-settings") == {"active": True}
    assert (
        read("@jupyterlab", "apputils-extension", "notification.jupyterlab-settings")["fetchNews"]
        == "false"
    )
    env = _servers.server_env("t", settings)
    assert env["JUPYTERLAB_SETTINGS_DIR"] == str(settings)
    with pytest.raises(ValueError, match="DECK must be a notebook"):
        cli.slides_setup(tmp_path / "missing.ipynb", tmp_path / "state")


def test_the_default_deck_is_served_from_the_notebooks_folder(tmp_path):
    root, rel, _ = cli.slides_setup(cli.notebooks_dir() / cli.DECK, tmp_path)
    assert root == cli.notebooks_dir().resolve()
    assert rel == cli.DECK.as_posix()


def test_app_notebook_and_voila_command(tmp_path):
    nb = json.loads(cli.app_notebook("compare", tmp_path).read_text())
    assert "app_widget('compare')" in nb["cells"][0]["source"]
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    cmd = cli.voila_command(tmp_path / "x.ipynb", 8866)
    assert "--Voila.ip=127.0.0.1" in cmd and "--Voila.port_retries=0" in cmd
    assert "--template=alviz" in cmd and "--strip_sources=True" in cmd
    assert "--Voila.auto_token=True" in cmd  # the token comes from JUPYTER_TOKEN
    assert not any(a.startswith("--Voila.token") for a in cmd)
    with pytest.raises(ValueError, match="widget must be one of"):
        cli.app_notebook("labeller", tmp_path)
    # The alviz template (lab without CDN stylesheets) is reachable through JUPYTER_PATH.
    env = cli.voila_env("t")
    template = Path(env["JUPYTER_PATH"].split(os.pathsep)[0], "voila", "templates", "alviz")
    assert json.loads((template / "conf.json").read_text()) == {"base_template": "lab"}
    assert "extends 'lab/index.html.j2'" in (template / "index.html.j2").read_text()


def test_app_rejects_an_unknown_target_with_one_line():
    out = subprocess.run(
        [sys.executable, "-m", "alviz.cli", "app", "nonsense", "--port", "0", "--no-browser"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert out.returncode == 2
    assert "takes a widget" in out.stderr and "Traceback" not in out.stderr


def test_notebooks_dir_is_the_repository_folder():
    assert (cli.notebooks_dir() / cli.START_NOTEBOOK).exists()


# ---------------------------------------------------------------------------- live servers
def _children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, ""


def _wait_for_line(proc, pattern: str, timeout: float) -> str:
    """Read ``proc``'s stdout until a line matches (bounded); the line."""
    import selectors

    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    end, seen = time.monotonic() + timeout, []
    while time.monotonic() < end:
        if sel.select(timeout=1):
            line = proc.stdout.readline()
            if not line and proc.poll() is not None:
                break
            seen.append(line)
            if re.search(pattern, line):
                return line
    raise AssertionError(f"no line matching {pattern!r} within {timeout} s: {''.join(seen)}")


@pytest.fixture
def alviz_lab(tmp_path):
    port = _servers.free_port()
    env = {**os.environ, "ALVIZ_TOKEN": "tok-" + os.urandom(6).hex()}
    proc = subprocess.Popen(
        [sys.executable, "-m", "alviz.cli", "lab", "--port", str(port), "--no-browser",
         "--notebook-dir", str(tmp_path)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env,
    )  # fmt: skip
    try:
        yield proc, port, env["ALVIZ_TOKEN"]
    finally:
        for pid in _children(proc.pid):
            os.kill(pid, signal.SIGKILL)
        proc.kill()
        proc.wait(10)


@linux_only
@pytest.mark.slow
def test_lab_serves_with_the_token_hidden_and_stops_with_sigterm(alviz_lab):
    proc, port, token = alviz_lab
    line = _wait_for_line(proc, r"is serving: http", timeout=120)
    assert f"http://127.0.0.1:{port}/lab?token={token}" in line
    (server,) = _children(proc.pid)
    cmdline = Path(f"/proc/{server}/cmdline").read_bytes().decode()
    assert token not in cmdline  # `ps` shows the command line to every local user
    assert _get(f"http://127.0.0.1:{port}/api/status")[0] == 403
    assert _get(f"http://127.0.0.1:{port}/api/status?token={token}")[0] == 200
    _, page = _get(f"http://127.0.0.1:{port}/lab?token={token}")
    config = json.loads(re.search(r'id="jupyter-config-data"[^>]*>(.*?)</script>', page,
                                  re.S).group(1))  # fmt: skip
    assert config["news"] == {"disabled": True}
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(30) == 0
    end = time.monotonic() + 30
    while _alive(server) and time.monotonic() < end:
        time.sleep(0.2)
    assert not _alive(server)  # no orphan keeps serving
    with socket.socket() as s, pytest.raises(ConnectionRefusedError):  # nothing listens
        s.connect(("127.0.0.1", port))


@linux_only
@pytest.mark.slow
def test_sigint_stops_lab_too(alviz_lab):
    proc, _, _ = alviz_lab
    _wait_for_line(proc, r"is serving: http", timeout=120)
    (server,) = _children(proc.pid)
    proc.send_signal(signal.SIGINT)
    assert proc.wait(30) == 0
    end = time.monotonic() + 30
    while _alive(server) and time.monotonic() < end:
        time.sleep(0.2)
    assert not _alive(server)


def test_a_busy_port_prints_no_link(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        out = subprocess.run(
            [sys.executable, "-m", "alviz.cli", "lab", "--port", str(port), "--no-browser",
             "--notebook-dir", str(tmp_path)],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
    assert out.returncode == 2
    assert "busy" in out.stderr
    assert "http" not in out.stdout + out.stderr
