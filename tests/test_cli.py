import subprocess
import sys

import alviz
from alviz import cli


def test_version():
    out = subprocess.run(
        [sys.executable, "-m", "alviz.cli", "--version"], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == f"alviz {alviz.__version__}"


def test_lab_binds_localhost_with_a_token(tmp_path):
    (tmp_path / cli.START_NOTEBOOK).write_text("{}")
    cmd = cli.lab_command(8899, "secret", open_browser=False, root=tmp_path)
    assert "--ServerApp.ip=127.0.0.1" in cmd
    assert "--IdentityProvider.token=secret" in cmd
    assert cmd[-1] == cli.START_NOTEBOOK


def test_notebooks_dir_is_the_repository_folder():
    assert (cli.notebooks_dir() / cli.START_NOTEBOOK).exists()
