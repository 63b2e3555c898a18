"""environment.yml, pyproject.toml and constraints.txt must tell the same story."""

import re
from pathlib import Path

import pytest
import tomllib

ROOT = Path(__file__).resolve().parents[1]


def _name(req: str) -> str:
    return re.split(r"[<>=!~\[ ;]", req.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _pins(path: Path) -> dict:
    out = {}
    for line in path.read_text().splitlines():
        m = re.match(r"^\s*-?\s*([A-Za-z0-9_.\-]+)\s*==?\s*([0-9][^\s#]*)", line)
        if m and not line.lstrip().startswith("#"):
            out[m.group(1).lower().replace("_", "-")] = m.group(2)
    return out


def test_environment_yml_covers_pyproject_and_agrees_with_constraints():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {_name(r) for r in meta["dependencies"] + meta["optional-dependencies"]["test"]}
    env = _pins(ROOT / "environment.yml")
    missing = wanted - set(env)
    assert not missing, f"environment.yml lacks {sorted(missing)}"
    constraints = _pins(ROOT / "constraints.txt")
    for name, version in env.items():
        if name == "python":
            continue
        assert constraints.get(name) == version, (name, version, constraints.get(name))


def test_torch_is_pinned_to_the_cpu_build():
    assert _pins(ROOT / "constraints.txt")["torch"] == "2.13.0"


def test_every_pyproject_dependency_is_pinned():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = meta["dependencies"] + [r for v in meta["optional-dependencies"].values() for r in v]
    pins = _pins(ROOT / "constraints.txt")
    missing = {_name(r) for r in reqs} - set(pins)
    assert not missing, f"constraints.txt lacks {sorted(missing)}"


def test_workshop_packages_are_in_the_environment_the_makefile_and_binder():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = meta["optional-dependencies"]
    workshop = {_name(r) for r in extras["app"] + extras["slides"]}
    assert workshop == {"voila", "jupyterlab-slideshow"}
    env = _pins(ROOT / "environment.yml")
    assert workshop <= set(env), "Binder (repo2docker) builds from environment.yml"
    install = re.search(r'-e "\.\[([^\]]*)\]"', (ROOT / "Makefile").read_text()).group(1)
    assert {"app", "slides"} <= set(install.split(","))
    everything = (ROOT / "constraints.txt").read_text() + (ROOT / "environment.yml").read_text()
    # voila-reveal needs voila<0.3 and overwrites voila's templates; jupyterlab-rise shows
    # widgets as text: neither belongs in a workshop environment.
    assert "voila-reveal" not in everything and "jupyterlab-rise" not in everything


def test_environment_yml_is_a_conda_file_repo2docker_can_build():
    yaml = pytest.importorskip("yaml")
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert env["channels"] == ["conda-forge"]
    deps = env["dependencies"]
    assert any(str(d).startswith("python=3.") for d in deps)
    (pip,) = [d["pip"] for d in deps if isinstance(d, dict)]
    # A local requirement: repo2docker copies the repository before building the
    # environment, so `-e .` installs alviz and its `alviz` command without a postBuild.
    assert "-e ." in pip
