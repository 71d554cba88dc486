"""A newcomer's first hour (issue 24): the demo's bad arguments, a template's mistakes all at
once, and a deployer rehearsal walked run by run, each driven as a person runs it."""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
from typing import Dict, Optional

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]


def run(*argv: str, cwd: pathlib.Path = ROOT, extra: Optional[Dict[str, str]] = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHON", "CLOUD_SDK"))}
    env.update(extra or {})
    return subprocess.run(list(argv), cwd=cwd, capture_output=True, text=True, timeout=300, env=env)


# ----- the demo on a bad argument ------------------------------------------------------------
@pytest.mark.xdist_group("demo-dist")  # the demo writes dist/ in the checkout: one worker runs every demo
def test_the_demo_names_a_missing_file_a_directory_and_invalid_json_in_one_line_each(tmp_path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"trigger": ')
    for argument, problem in (
        (str(tmp_path / "missing.json"), "no such file"),
        (str(tmp_path), "is a directory"),
        (str(broken), "not valid JSON (line 1, column 13"),
    ):
        answer = run(str(ROOT / "scripts" / "demo.sh"), argument)
        assert answer.returncode == 2, answer.stderr[-2000:]
        assert answer.stderr.strip() == f"demo: {argument}: " + answer.stderr.strip().split(": ", 2)[2]
        assert problem in answer.stderr and "Traceback" not in answer.stderr
        assert len(answer.stderr.strip().splitlines()) == 1 and "fake cloud serving" not in answer.stdout


# ----- template mistakes, all at once --------------------------------------------------------
def _template(tmp_path: pathlib.Path, **changes: object) -> pathlib.Path:
    data = yaml.safe_load((ROOT / "template.yaml").read_text())
    data["function"]["memory_size"] = 300
    data["function"]["user_data"]["TRACE_LIFECYCLE_DAYS"] = "45"
    data["function"]["user_data"]["TRACE_BUCKETS"] = "my-cts-trace-archive"
    data["function"]["user_data"]["PRIORTY_BUCKETS"] = ""
    data["region"] = "ap-southeast-l"
    data.update(changes)
    path = tmp_path / "template.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_a_template_with_several_mistakes_names_every_one_on_stderr_before_any_call(tmp_path) -> None:
    path = _template(tmp_path)
    state = tmp_path / "fake-account.pickle"
    answer = run(str(ROOT / "scripts" / "deploy.py"), "--fake", "--template", str(path), "--fake-state", str(state))
    assert answer.returncode == 2 and answer.stdout == ""
    lines = answer.stderr.strip().splitlines()
    assert all(line.startswith(f"{path}: ") for line in lines), lines
    assert any(
        "region: 'ap-southeast-l' is not a region the Huawei Cloud SDKs know: did you mean ap-southeast-1?" in line
        for line in lines
    )
    assert any("function.memory_size: must be one of 128, 256" in line for line in lines)
    assert any("function.user_data.TRACE_LIFECYCLE_DAYS:" in line for line in lines)
    assert any(
        "TRACE_BUCKETS is not a variable the function reads: did you mean TRACE_BUCKET?" in line for line in lines
    )
    assert any(
        "PRIORTY_BUCKETS is not a variable the function reads: did you mean PRIORITY_BUCKETS?" in line for line in lines
    )
    assert len(lines) == 5 and not state.exists()  # nothing ran, so no account was kept


def test_the_known_regions_are_the_sdks_own_tables() -> None:
    from huaweicloudsdkfunctiongraph.v2.region.functiongraph_region import FunctionGraphRegion

    from deployer.template import known_regions

    assert set(FunctionGraphRegion.static_fields) <= known_regions()
    assert "ap-southeast-l" not in known_regions()


def test_package_refuses_a_bad_template_on_stderr(tmp_path) -> None:
    path = _template(tmp_path)
    answer = run(str(ROOT / "scripts" / "package.py"), "--template", str(path), "--output", str(tmp_path / "p.zip"))
    assert answer.returncode == 2 and answer.stdout == "" and "did you mean TRACE_BUCKET?" in answer.stderr
    assert not (tmp_path / "p.zip").exists()


# ----- a deployer rehearsal ------------------------------------------------------------------
def test_a_fake_rehearsal_walks_plan_apply_plan_destroy_plan_destroy(tmp_path) -> None:
    state = tmp_path / "state" / "fake-account.pickle"

    def deploy(*args: str) -> str:
        answer = run(str(ROOT / "scripts" / "deploy.py"), "--fake", "--fake-state", str(state), *args)
        assert answer.returncode == 0, answer.stdout + answer.stderr
        return answer.stdout

    assert "Summary: 11 create." in deploy("--plan") and not state.exists()  # a plan keeps nothing
    assert "Done: 11 change(s) applied" in deploy()
    again = deploy("--plan")
    assert "Summary: 11 unchanged." in again and "kept in" in again
    going = deploy("--destroy", "--plan")
    assert (
        "Destroying would delete 10 resource(s) in ap-southeast-1 (trigger CTS new_buckets, trigger CTS new_projects, "
        in going
    )
    assert "function cts-autotracker" in going and "and keep the CTS trackers and the buckets." in going
    assert "Done: 10 resource(s) deleted" in deploy("--destroy")
    assert "Destroying would delete nothing in ap-southeast-1" in deploy("--destroy", "--plan")
    assert "Summary: 11 create." in deploy("--plan")


def test_a_damaged_fake_account_file_is_one_error_line(tmp_path) -> None:
    state = tmp_path / "fake-account.pickle"
    state.write_bytes(b"not a pickle")
    answer = run(str(ROOT / "scripts" / "deploy.py"), "--fake", "--plan", "--fake-state", str(state))
    assert answer.returncode == 1 and "delete it to start over" in answer.stdout and "Traceback" not in answer.stderr


def test_emit_terraform_with_fake_writes_the_files_applies_nothing_and_hints_every_step(tmp_path) -> None:
    state = tmp_path / "fake-account.pickle"
    infra = tmp_path / "infra"
    answer = run(
        str(ROOT / "scripts" / "deploy.py"), "--fake", "--fake-state", str(state), "--emit-terraform", str(infra)
    )
    assert answer.returncode == 0, answer.stderr
    assert (infra / "main.tf").exists() and (infra / "buckets" / "main.tf").exists()
    assert not state.exists() and "Done:" not in answer.stdout
    assert f"next: once, in {infra / 'buckets'}: terraform init && terraform apply" in answer.stdout
    assert f"next: in {infra}: terraform init && terraform plan" in answer.stdout
    member = run(str(ROOT / "scripts" / "deploy.py"), "--fake", "--emit-member-terraform", str(tmp_path / "member"))
    assert member.returncode == 0 and (tmp_path / "member" / "member.tf").exists()
    assert f"in {tmp_path / 'member'}: terraform init && terraform apply -var account_id=" in member.stdout


def test_the_walkthroughs_output_directories_are_ignored_by_git() -> None:
    answer = run("git", "check-ignore", "infra/main.tf", "member/member.tf", "dist/fake-account.pickle")
    assert answer.returncode == 0 and len(answer.stdout.split()) == 3


# ----- --help on a fresh clone ---------------------------------------------------------------
@pytest.mark.parametrize("name", ["deploy.py", "package.py", "demo.py"])
def test_help_is_the_same_with_and_without_a_venv(name: str, tmp_path) -> None:
    """A fresh clone (no .venv) answers --help from the same parser the installed code uses."""
    clone = tmp_path / "clone"
    for folder in ("scripts", "deployer"):
        shutil.copytree(ROOT / folder, clone / folder, ignore=shutil.ignore_patterns("__pycache__"))
    env = {"COLUMNS": "100"}
    without = run(str(clone / "scripts" / name), "--help", cwd=clone, extra=env)
    with_venv = run(str(ROOT / "scripts" / name), "--help", extra=env)
    assert without.returncode == 0 and with_venv.returncode == 0, without.stderr + with_venv.stderr
    assert not (clone / ".venv").exists()
    assert without.stdout == with_venv.stdout and without.stdout.startswith(
        f"usage: scripts/{name.replace('demo.py', 'demo.sh')}"
    )


def test_the_deploy_help_names_every_option_the_deployer_parses() -> None:
    answer = run(str(ROOT / "scripts" / "deploy.py"), "--help", extra={"COLUMNS": "100"})
    for option in ("--fake", "--fake-state", "--destroy", "--emit-member-terraform", "--emit-terraform", "--region"):
        assert option in answer.stdout
