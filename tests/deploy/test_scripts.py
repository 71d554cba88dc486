"""The scripts as a person runs them: by path, with `--help` answering without side effects."""

from __future__ import annotations

import os
import pathlib
import re
import shutil
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
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
    shutil.copytree(ROOT / "deployer", tmp_path / "deployer")  # deployer/arguments.py: the parsers
    answer = run(tmp_path / "scripts" / name, "--help", cwd=tmp_path)
    assert answer.returncode == 0 and "scripts/" in answer.stdout
    assert not (tmp_path / ".venv").exists()


@pytest.mark.xdist_group("demo-dist")  # the demo writes dist/ in the checkout: one worker runs every demo
def test_the_demo_prints_tables_names_its_json_file_and_explains_an_audits_ok_false() -> None:
    answer = run(ROOT / "scripts" / "demo.sh")
    assert answer.returncode == 0, answer.stderr[-2000:]
    out = answer.stdout
    assert "=== timer.json: timer trigger, 2 created, 2 already_tracked, 2 skipped (ok) ===" in out
    assert "  OUTCOME          TARGET" in out
    assert "the audit found targets without a tracker; that is its finding, not a failure of the run" in out
    assert "full results (JSON, one per invocation): dist/demo-results.json" in out
    results = __import__("json").loads((ROOT / "dist" / "demo-results.json").read_text())
    assert len(results) == 8 and all("summary" in result for result in results)
    assert "SMS: cts-autotracker" in out and "Subject: cts-autotracker" in out
    assert "  project ap-southeast-1 (0a1b2c3d4e5f60718293a4b5c6d7e8f9): data tracker obs-photos-2026" in out
    assert out.count("\n") < 400 and '"results": [' not in out  # tables, not pages of JSON
    assert '"event": "invocation"' not in answer.stdout + answer.stderr  # the JSON log lines: --verbose


def test_deploy_fake_plans_and_applies_against_an_empty_local_account(tmp_path) -> None:
    state = str(tmp_path / "fake-account.pickle")
    planned = run(ROOT / "scripts" / "deploy.py", "--fake", "--plan", "--fake-state", state)
    assert planned.returncode == 0, planned.stderr
    assert "nothing real is touched" in planned.stdout and "(--plan: nothing was changed)" in planned.stdout
    assert "+ function       cts-autotracker" in planned.stdout
    applied = run(ROOT / "scripts" / "deploy.py", "--fake", "--fake-state", state)
    assert applied.returncode == 0 and "Done: 11 change(s) applied" in applied.stdout


LOCKED = re.compile(r"^([A-Za-z0-9_.-]+)==\S+(?: ;[^\\\n]*)? \\\n((?:\s+--hash=sha256:[0-9a-f]{64}.*\n?)+)", re.M)


def test_the_lock_files_pin_every_requirement_with_hashes() -> None:
    for source, lock in (("requirements.txt", "requirements.lock"), ("requirements-dev.txt", "requirements-dev.lock")):
        blocks = LOCKED.findall((ROOT / lock).read_text())
        pinned = {name.lower().replace("_", "-") for name, _ in blocks}
        assert pinned and all("--hash=sha256:" in hashes for _, hashes in blocks)
        for line in (ROOT / source).read_text().splitlines():
            name = re.match(r"^([A-Za-z0-9_.-]+)", line.strip())
            if name and not line.startswith("-r"):
                wanted = name.group(1).lower().replace("_", "-")
                assert wanted in pinned, f"{lock} lacks {name.group(1)}: run scripts/lock.sh"
    assert '--require-hashes -r "$root/requirements-dev.lock"' in (ROOT / "scripts" / "bootstrap.sh").read_text()
