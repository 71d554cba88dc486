"""template.yaml stays true to the code: its variables exist and its policy covers every SDK call."""

from __future__ import annotations

import ast
import pathlib
from typing import Set

import yaml

from autotracker.settings import VARIABLES

ROOT = pathlib.Path(__file__).resolve().parent.parent
TEMPLATE = yaml.safe_load((ROOT / "template.yaml").read_text())

# SDK client method -> IAM action it needs
ACTIONS = {
    "create_tracker": "cts:tracker:create",
    "list_trackers": "cts:tracker:list",
    "update_tracker": "cts:tracker:update",
    "keystone_list_projects": "iam:projects:listProjects",
    "list_buckets": "obs:bucket:ListAllMyBuckets",
    "publish_message": "smn:topic:publish",
}
CREATE_TRACKER_DEPENDENCIES = {
    "lts:topics:list",
    "lts:topics:create",
    "lts:groups:list",
    "lts:groups:create",
    "obs:bucket:CreateBucket",
    "obs:bucket:HeadBucket",
    "obs:bucket:GetLifecycleConfiguration",
    "obs:bucket:PutLifecycleConfiguration",
    "obs:bucket:GetBucketAcl",
    "obs:bucket:PutBucketAcl",
    "kms:cmk:list",
}


def sdk_operations_called() -> Set[str]:
    """Every `client.<operation>(...)` call in the deployable code."""
    called = set()
    for path in (ROOT / "function").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "client"
            ):
                called.add(node.func.attr)
    return called


def test_every_sdk_operation_is_known_and_granted():
    operations = sdk_operations_called() - {"close"}
    assert operations >= {"create_tracker", "publish_message"}
    unknown = operations - set(ACTIONS)
    assert not unknown, f"add these operations to ACTIONS and the template policy: {unknown}"
    policy = set(TEMPLATE["agency_policy"])
    assert {ACTIONS[operation] for operation in operations} <= policy


def test_policy_is_exactly_what_is_used_without_wildcards():
    policy = TEMPLATE["agency_policy"]
    assert not [action for action in policy if "*" in action]
    used = {ACTIONS[operation] for operation in sdk_operations_called() - {"close"}}
    assert set(policy) == used | CREATE_TRACKER_DEPENDENCIES
    assert len(policy) == len(set(policy))


def test_template_environment_uses_only_documented_variables():
    names = set(TEMPLATE["function"]["environment"])
    assert names <= set(VARIABLES)
    assert TEMPLATE["function"]["handler"] == "index.handler"
    assert (ROOT / "function" / "index.py").exists()


def test_triggers_cover_bucket_and_project_creation():
    operations = {op for trigger in TEMPLATE["triggers"] for op in trigger["operations"]}
    assert operations == {"OBS:bucket:createBucket", "IAM:project:createProject"}
