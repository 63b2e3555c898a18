"""environment.yml, pyproject.toml and constraints.txt must tell the same story."""

import re
from pathlib import Path

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
