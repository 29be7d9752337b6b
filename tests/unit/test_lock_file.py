"""Installs come from requirements.lock: every dependency pinned with hashes, used by dev.py."""

from __future__ import annotations

import importlib.util
import re
import tomllib

import pytest

from tests.paths import ROOT

LOCK = ROOT / "requirements.lock"


def pinned() -> dict[str, tuple[str, list[str]]]:
    """name -> (version, hashes) for every requirement in the lock."""
    found: dict[str, tuple[str, list[str]]] = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", LOCK.read_text(encoding="utf-8")):
        first = block.split("\n", 1)[0]
        match = re.match(r"^([A-Za-z0-9_.-]+)==([^\s\\;]+)", first)
        if match:
            name = re.sub(r"[-_.]+", "-", match.group(1)).lower()
            found[name] = (match.group(2), re.findall(r"--hash=sha256:([0-9a-f]{64})", block))
    return found


def declared() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    return [
        re.sub(r"[-_.]+", "-", re.split(r"[\[<>=!~; ]", r, maxsplit=1)[0]).lower()
        for r in requirements
    ]


def test_every_declared_dependency_is_pinned_with_hashes():
    lock = pinned()
    assert set(declared()) <= set(lock), set(declared()) - set(lock)
    assert all(hashes for _version, hashes in lock.values())


def test_the_dev_script_installs_the_lock_with_hashes_then_the_project_without_deps(
    tmp_path, monkeypatch
):
    spec = importlib.util.spec_from_file_location("dev_script", ROOT / "scripts" / "dev.py")
    assert spec is not None
    assert spec.loader is not None
    dev = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(dev)
    ran: list[list[str]] = []
    monkeypatch.setattr(dev, "PY", tmp_path / "python")
    monkeypatch.setattr(dev, "STAMP", tmp_path / ".installed")
    (tmp_path / "python").write_text("")
    monkeypatch.setattr(dev.subprocess, "run", lambda argv, **_kw: ran.append(list(argv)))

    dev.ensure_env()

    assert ran[0][-3:] == ["--require-hashes", "-r", str(LOCK)]
    assert ran[1][-3:] == ["--no-deps", "-e", str(ROOT)]
    assert len(ran) == 2  # nothing else is fetched unpinned


@pytest.mark.parametrize("path", [".ci/run"])
def test_ci_runs_the_readme_test_command(path):
    assert "scripts/dev.py test" in (ROOT / path).read_text(encoding="utf-8")
