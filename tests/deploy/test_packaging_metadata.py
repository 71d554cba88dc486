"""Packaging as of 2026 (issue 24): an SPDX license, a wheel that installs only our own package,
a pinned and hash-checked build backend, and a CI whose Python legs cannot silently not run."""

from __future__ import annotations

import os
import pathlib
import re
import shutil
import subprocess
import sys
import zipfile

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - the 3.9 leg
    tomllib = pytest.importorskip("tomli")

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_the_license_is_an_spdx_expression_with_its_file() -> None:
    project = _pyproject()["project"]
    assert project["license"] == "Apache-2.0" and project["license-files"] == ["LICENSE"]
    assert "Apache License" in (ROOT / "LICENSE").read_text()[:200]


def test_the_wheel_installs_only_autotracker_and_says_its_license(tmp_path) -> None:
    source = tmp_path / "src"  # a copy: building writes build/ and *.egg-info next to the sources
    shutil.copytree(
        ROOT, source, ignore=shutil.ignore_patterns(".venv*", ".git", "dist", "build", "*.egg-info", "__pycache__")
    )
    answer = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", str(tmp_path / "out"), "."],
        cwd=source,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert answer.returncode == 0, answer.stderr[-2000:]
    (wheel,) = (tmp_path / "out").glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")} == {"autotracker"}
    metadata = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert "License-Expression: Apache-2.0" in metadata and "License-File: LICENSE" in metadata


def test_the_checkouts_tools_still_import_from_the_checkout() -> None:
    import index

    import deployer
    import fakecloud

    for module in (deployer, fakecloud, index):
        assert pathlib.Path(module.__file__ or "").resolve().is_relative_to(ROOT)


def test_the_build_backend_is_pinned_hash_checked_and_used_without_isolation() -> None:
    lock = (ROOT / "requirements-dev.lock").read_text()
    pins = re.findall(r"^setuptools==(\S+)[^\n]*\\\n\s+--hash=sha256:[0-9a-f]{64}", lock, re.M)
    assert pins, "setuptools is not pinned with hashes in requirements-dev.lock"
    required = _pyproject()["build-system"]["requires"]
    assert required == ["setuptools>=77"]
    assert all(tuple(map(int, pin.split(".")[:1])) >= (77,) for pin in pins)
    bootstrap = (ROOT / "scripts" / "bootstrap.sh").read_text()
    assert "--no-build-isolation -e" in bootstrap


def test_ci_fails_with_what_to_install_when_a_python_leg_cannot_run(tmp_path) -> None:
    """.ci/run on a machine with neither Python 3.9 nor 3.12 (the first leg stubbed: it passes)."""
    (tmp_path / ".ci").mkdir()
    shutil.copy(ROOT / ".ci" / "run", tmp_path / ".ci" / "run")
    (tmp_path / "scripts").mkdir()
    stub = tmp_path / "scripts" / "test.sh"
    stub.write_text("#!/usr/bin/env bash\necho 'suite passed'\n")
    stub.chmod(0o755)
    home = tmp_path / "home"
    home.mkdir()
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home)}
    for version in ("3.9", "3.12"):
        assert not any(pathlib.Path(d, f"python{version}").exists() for d in env["PATH"].split(":"))
    answer = subprocess.run([str(tmp_path / ".ci" / "run")], capture_output=True, text=True, timeout=60, env=env)
    assert answer.returncode != 0, answer.stdout + answer.stderr
    assert "suite passed" in answer.stdout
    for version in ("3.9", "3.12"):
        assert f"no Python {version} on this machine" in answer.stderr and f"pyenv install {version}" in answer.stderr
    assert "CI: FAILED: the suite did not run on Python 3.9 3.12" in answer.stderr
    assert os.access(ROOT / ".ci" / "run", os.X_OK)
