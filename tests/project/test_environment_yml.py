"""pyproject.toml and environment.yml must list the same dependencies with the same bounds."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]

# pip name -> conda-forge name, where they differ
CONDA_NAMES = {
    "uvicorn": "uvicorn-standard",
    "redis": "redis-py",
    "prometheus-client": "prometheus_client",
}

_REQ = re.compile(r"^\s*([A-Za-z0-9_.\-]+)(\[[^\]]*\])?\s*(.*)$")


def _split(requirement: str) -> tuple[str, str]:
    match = _REQ.match(requirement)
    assert match, f"cannot parse requirement {requirement!r}"
    return match.group(1).lower(), match.group(3).replace(" ", "")


def pyproject_requirements() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        requirements.extend(extra)
    pairs = (_split(r) for r in requirements)
    return {CONDA_NAMES.get(name, name): bound for name, bound in pairs}


def conda_requirements() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    found = {}
    for entry in env["dependencies"]:
        if isinstance(entry, str) and not entry.startswith(("python", "pip")):
            name, bound = _split(entry)
            found[name] = bound
    return found


def test_every_pyproject_dependency_is_in_environment_yml_with_the_same_bound():
    assert conda_requirements() == pyproject_requirements()


def test_environment_yml_installs_the_project_with_its_extras():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_sections = [e["pip"] for e in env["dependencies"] if isinstance(e, dict)]
    assert pip_sections == [['-e ".[dev,load]"']]


def test_environment_yml_python_matches_requires_python():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert f"python{project['requires-python']}" in env["dependencies"]
