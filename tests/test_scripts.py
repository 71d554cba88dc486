"""The scripts as a person runs them: by path, with `--help` answering without side effects."""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
SCRIPTS = sorted(p for p in (ROOT / "scripts").iterdir() if p.suffix in (".sh", ".py") and not p.name.startswith("_"))


def run(path: pathlib.Path, *args: str, cwd: pathlib.Path = ROOT) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHON"))}
    return subprocess.run([str(path), *args], cwd=cwd, capture_output=True, text=True, timeout=120, env=env)


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_every_script_runs_by_path(script: pathlib.Path) -> None:
    first = script.read_text().splitlines()[0]
    assert first in ("#!/usr/bin/env bash", "#!/usr/bin/env python3"), first
    assert os.access(script, os.X_OK)


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_help_answers_and_changes_nothing(script: pathlib.Path) -> None:
    stamp = ROOT / ".venv" / ".requirements.sha256"
    before = stamp.stat().st_mtime if stamp.exists() else None
    answer = run(script, "--help")
    assert answer.returncode == 0, answer.stderr
    assert "usage" in answer.stdout.lower()
    assert (stamp.stat().st_mtime if stamp.exists() else None) == before
    assert "ruff" not in answer.stdout + answer.stderr or script.name == "test.sh"


@pytest.mark.parametrize("name", ["deploy.py", "package.py", "demo.py"])
def test_a_python_script_without_a_venv_prints_its_usage_and_installs_nothing(name: str, tmp_path) -> None:
    shutil.copytree(ROOT / "scripts", tmp_path / "scripts")
    answer = run(tmp_path / "scripts" / name, "--help", cwd=tmp_path)
    assert answer.returncode == 0 and "scripts/" in answer.stdout
    assert not (tmp_path / ".venv").exists()
