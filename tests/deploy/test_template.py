"""template.yaml stays true to the code (its variables exist, its policy is exactly what the code
calls), and the schema refuses every bad field by name."""

from __future__ import annotations

import ast
import copy
import pathlib
from typing import Any, Callable, Dict, List, Set

import pytest
import yaml

from autotracker.settings import VARIABLES, load_settings
from deployer.policy import custom_policies, grants_for, grants_of_document
from deployer.template import (
    MEMORY_SIZES,
    TemplateError,
    cron_problem,
    load_template,
    parse_template,
)

ROOT = pathlib.Path(__file__).resolve().parents[2]
RAW = yaml.safe_load((ROOT / "template.yaml").read_text())
TEMPLATE = load_template(ROOT / "template.yaml")

# SDK client method -> IAM action it needs (tests/deploy/test_policy.py holds the grants against the calls)
ACTIONS = {
    "create_tracker": "cts:tracker:create",
    "list_trackers": "cts:tracker:list",
    "update_tracker": "cts:tracker:update",
    "keystone_list_projects": "iam:projects:listProjects",
    "list_buckets": "obs:bucket:ListAllMyBuckets",  # ListBuckets with `x-obs-location: true`
    "get_bucket_metadata": "obs:bucket:HeadBucket",  # where a bucket is, when the listing did not say
    "publish_message": "smn:topic:publish",
    "list_accounts": "organizations:accounts:list",
    "show_account": "organizations:accounts:get",
    "assume_agency": "sts:agencies:assume",
    "async_invoke_function": "functiongraph:function:invokeAsync",
    "update_policy_state": "rms:policyStates:update",
    "put_object_invoker": "obs:object:PutObject",  # the auditor's report, with its Content-Type
    "list_objects": "obs:bucket:ListBucket",  # the organization run's summaries
    "get_object": "obs:object:GetObject",  # a chain's pointer, a run's summaries
    "get_caller_identity": None,  # "当前API调用无需身份策略权限": STS's own page, GetCallerIdentity
}


def sdk_operations_called() -> Set[str]:
    """Every SDK operation the deployable code calls: `client.<operation>(...)`, and
    `<Service>Client._<operation>_http_info(...)` for a call whose answer is read raw."""
    called = set()
    for path in (ROOT / "function").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            owner, name = node.func.value, node.func.attr
            if isinstance(owner, ast.Name) and owner.id == "client":
                called.add(name)
            elif isinstance(owner, ast.Name) and owner.id.endswith("Client") and name.endswith("_http_info"):
                called.add(name[1 : -len("_http_info")])
    return called


# ----- the template and the code ---------------------------------------------------------------
def test_every_sdk_operation_is_known_and_can_be_granted() -> None:
    operations = sdk_operations_called()
    assert operations >= {"create_tracker", "list_trackers", "list_buckets", "publish_message"}
    unknown = operations - set(ACTIONS)
    assert not unknown, f"add these operations to ACTIONS and deployer/policy.py: {unknown}"
    everything = {"REMEDIATE_DRIFT": "true", "ORGANIZATION_SWEEP": "true", "REPORT_BUCKET": "reports"}
    everything["FANOUT_KEY"] = "k" * 43
    repairing = load_settings({**TEMPLATE.user_data("0" * 32), **everything})
    granted = {g.action for g in grants_for(repairing, config_rule=True)}
    assert {ACTIONS[operation] for operation in operations} - {None} <= granted


def test_the_deployed_policies_hold_exactly_the_derived_grants_split_by_scope() -> None:
    grants = TEMPLATE.grants()
    assert not [g for g in grants if "*" in g.action]
    policies = custom_policies(TEMPLATE.agency.name, grants)
    assert [(p.display_name, p.type) for p in policies] == [
        ("cts-autotracker-agency-project", "XA"),
        ("cts-autotracker-agency-global", "AX"),
    ]
    assert sorted(g for p in policies for g in p.grants) == sorted(grants)
    assert {a.split(":")[0] for a in policies[1].actions} == {"iam", "obs"}
    for policy in policies:
        document = policy.document()
        assert document["Version"] == "1.1"
        assert sorted(grants_of_document(document)) == sorted(policy.grants)
    bucket_statements = [st for st in policies[1].statements() if "Resource" in st]
    assert bucket_statements == [
        {
            "Effect": "Allow",
            "Action": sorted(
                ["obs:bucket:GetBucketAcl", "obs:bucket:PutBucketAcl"]
                + (
                    ["obs:bucket:GetLifecycleConfiguration", "obs:bucket:PutLifecycleConfiguration"]
                    if "TRACE_LIFECYCLE_DAYS" in TEMPLATE.function.user_data
                    else []
                )
            ),
            "Resource": [f"obs:*:*:bucket:{TEMPLATE.function.user_data['TRACE_BUCKET']}"],
        }
    ]


def test_template_environment_uses_only_variables_the_function_reads() -> None:
    fn = TEMPLATE.function
    assert set(fn.user_data) | set(fn.encrypted_user_data) <= set(VARIABLES)
    assert set(TEMPLATE.user_data("0" * 32)) <= set(VARIABLES)
    assert fn.handler == "index.handler" and (ROOT / "function" / "index.py").exists()


def test_triggers_cover_bucket_and_project_creation_and_the_baseline() -> None:
    operations = {op for trigger in TEMPLATE.cts_triggers for op in trigger.operations}
    assert operations == {"OBS:bucket:createBucket", "IAM:project:createProject"}
    assert [t.name for t in TEMPLATE.timer_triggers] == ["baseline"]
    assert TEMPLATE.async_invoke.on_failure is not None
    assert TEMPLATE.async_invoke.on_failure.smn_topic == TEMPLATE.smn_topic.name


def test_derived_variables() -> None:
    data = TEMPLATE.user_data("p" * 32)
    assert data["REGION"] == "ap-southeast-1"
    assert data["SMN_TOPIC_URN"] == f"urn:smn:ap-southeast-1:{'p' * 32}:cts-autotracker-reports"


def test_iam_triggers_are_skipped_outside_the_iam_trace_region() -> None:
    [buckets, projects] = TEMPLATE.cts_triggers
    assert TEMPLATE.skip_reason(projects) is None and TEMPLATE.skip_reason(buckets) is None
    elsewhere = TEMPLATE.for_region("eu-west-101")
    reason = elsewhere.skip_reason(elsewhere.cts_triggers[1])
    assert reason is not None and "IAM traces are recorded only in ap-southeast-1" in reason
    assert elsewhere.skip_reason(elsewhere.cts_triggers[0]) is None
    assert elsewhere.user_data("0" * 32)["REGION"] == "eu-west-101"


# ----- schema errors, each naming its field -----------------------------------------------------
def edited(change: Callable[[Dict[str, Any]], Any]) -> Dict[str, Any]:
    data = copy.deepcopy(RAW)
    change(data)
    return data


def problems(data: Any) -> List[str]:
    with pytest.raises(TemplateError) as info:
        parse_template(data, "t.yaml")
    assert str(info.value).startswith("t.yaml is invalid:\n  - ")
    return info.value.problems


def setter(path: str, value: Any) -> Callable[[Dict[str, Any]], None]:
    def change(data: Dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = data
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        if value is KeyError:
            del target[last]
        elif last.isdigit():
            target[int(last)] = value
        else:
            target[last] = value

    return change


BAD_FIELDS = [
    ("function.memory_size", 300, "function.memory_size: must be one of " + ", ".join(map(str, MEMORY_SIZES))),
    ("function.runtime", "Python3.8", "function.runtime: Input should be 'Python3.9', 'Python3.10' or 'Python3.12'"),
    ("function.memory_mb", 256, "function: unknown field 'memory_mb': use 'memory_size'"),
    ("function.timeout_s", 300, "function: unknown field 'timeout_s': use 'timeout'"),
    ("function.environment", {}, "function: unknown field 'environment': use 'user_data'"),
    ("function.descripton", "typo", "function: unknown field 'descripton': use 'description'"),
    ("function.handler", "main.handler", "function.handler: Input should be 'index.handler'"),
    ("function.timeout", 901, "function.timeout: Input should be less than or equal to 900"),
    ("function.timeout", 2, "function.timeout: Input should be greater than or equal to 3"),
    ("function.name", "9lives", "function.name: '9lives' is not 1-60 letters"),
    ("function.user_data.REGION", "x", "function.user_data: REGION is set by the deployer"),
    ("function.user_data.SMN_TOPIC_URN", "x", "function.user_data: SMN_TOPIC_URN is set by the deployer"),
    ("function.user_data.NOT_A_VARIABLE", "x", "function.user_data: NOT_A_VARIABLE is not a variable the function"),
    ("function.user_data.bad-name", "x", "function.user_data: 'bad-name' is not a variable name"),
    ("function.encrypted_user_data", ["NOPE"], "function.encrypted_user_data: NOPE is not a variable"),
    ("function.encrypted_user_data", ["TRACE_BUCKET"], "function.encrypted_user_data: TRACE_BUCKET also in"),
    ("function.colour", "blue", "function.colour: unknown field"),
    ("region", "Mars", "region: 'Mars' is not a region id"),
    ("iam_trace_region", KeyError, "iam_trace_region: required"),
    ("agency.actions", ["cts:tracker:list"], "agency: actions: remove the list; the agency is granted"),
    ("agency.name", "a/b", "agency.name: 'a/b' is not 1-64"),
    ("smn_topic.name", "-x", "smn_topic.name: '-x' is not 1-255"),
    ("smn_topic.display_name", "é" * 100, "smn_topic.display_name: at most 192 bytes"),
    ("triggers.0.name", "new-buckets", "triggers[0].name: 'new-buckets' is not 1-64 letters, digits or '_'"),
    ("triggers.0.operations", ["OBS.createBucket"], "triggers[0].operations: not Service:resource_type:trace_name"),
    ("triggers.0.operations", [], "triggers[0].operations: List should have at least 1 item"),
    ("triggers.0.type", "SMN", "triggers[0]: Input tag 'SMN' found using 'type' does not match"),
    ("triggers.0.type", "APIG", "triggers[0].APIG.group_id: required"),
    ("triggers.2.cron", "0 0 3 * *", "triggers[2].cron: '0 0 3 * *': needs 6 fields"),
    ("triggers.2.cron", "0 0 24 * * ?", "triggers[2].cron: '0 0 24 * * ?': hour: 24 is outside 0-23"),
    ("triggers.2.name", "1st", "triggers[2].name: '1st' is not 1-64"),
    ("async_invoke.max_async_retry_attempts", 4, "async_invoke.max_async_retry_attempts: Input should be less"),
    ("async_invoke.max_async_event_age_in_seconds", 0, "async_invoke.max_async_event_age_in_seconds: Input should"),
    ("async_invoke.max_async_event_age_in_seconds", 86401, "async_invoke.max_async_event_age_in_seconds: Input"),
    ("async_invoke.on_failure.smn_topic", "bad name", "async_invoke.on_failure.smn_topic: 'bad name' is not"),
    ("async_invoke.on_failure.destination", "OBS", "async_invoke.on_failure.destination: unknown field"),
]


@pytest.mark.parametrize(("path", "value", "expected"), BAD_FIELDS, ids=[f"{p}={v!r}"[:60] for p, v, _ in BAD_FIELDS])
def test_each_bad_field_is_named(path: str, value: Any, expected: str) -> None:
    found = problems(edited(setter(path, value)))
    assert any(problem.startswith(expected) for problem in found), found


def test_every_problem_is_reported_at_once() -> None:
    data = edited(setter("function.memory_size", 100))
    setter("async_invoke.max_async_retry_attempts", 9)(data)
    setter("triggers.0.name", "a b")(data)
    found = problems(data)
    assert [p.split(":")[0] for p in found] == [
        "function.memory_size",
        "triggers[0].name",
        "async_invoke.max_async_retry_attempts",
    ]


def test_the_function_s_own_configuration_rules_apply_to_the_environment() -> None:
    [found] = problems(edited(setter("function.user_data.TRACE_LIFECYCLE_DAYS", "7")))
    assert found.startswith("function.user_data.TRACE_LIFECYCLE_DAYS: ") and "0, 30, 60, 90, 180, 1095" in found
    found = problems(edited(setter("function.user_data.TRACE_BUCKET", KeyError)))
    assert found[0].startswith("function.user_data.TRACE_BUCKET: set a transfer bucket, or ENABLE_LTS=true")


def test_secret_variables_are_not_checked_without_their_values() -> None:
    data = edited(setter("function.user_data.TRACE_BUCKET", KeyError))
    data["function"]["encrypted_user_data"] = ["TRACE_BUCKET"]
    assert parse_template(data).function.encrypted_user_data == ["TRACE_BUCKET"]


def test_functiongraph_variable_limits() -> None:
    many = {name: "1" for name in VARIABLES if name not in ("REGION", "SMN_TOPIC_URN")}
    data = edited(lambda d: d["function"].update(user_data={**many, "TRACE_BUCKET": "b-1", "DATA_EVENTS": "READ"}))
    assert len(many) + 2 > 20
    found = problems(data)
    assert any(p.startswith("function.user_data: ") and "FunctionGraph allows 20" in p for p in found), found
    big = edited(setter("function.user_data.EXCLUDE_BUCKETS", ",".join(f"bucket-{i:04d}-*" for i in range(400))))
    assert any("bytes as JSON; FunctionGraph allows 4096" in p for p in problems(big))


def test_a_mixed_iam_and_regional_trigger_is_refused() -> None:
    data = edited(setter("triggers.1.operations", ["IAM:project:createProject", "OBS:bucket:createBucket"]))
    assert problems(data) == [
        "triggers[1].operations: operations of global services (IAM) are traced only in iam_trace_region: "
        "give them a trigger of their own"
    ]


def test_duplicate_trigger_names_are_refused() -> None:
    data = edited(setter("triggers.1.name", "new_buckets"))
    assert problems(data) == ["triggers[1].name: CTS trigger 'new_buckets' repeats"]


def test_scalars_in_the_environment_become_text() -> None:
    data = edited(setter("function.user_data.TRACE_LIFECYCLE_DAYS", 180))
    setter("function.user_data.ENABLE_VALIDATION", True)(data)
    env = parse_template(data).function.user_data
    assert env["TRACE_LIFECYCLE_DAYS"] == "180" and env["ENABLE_VALIDATION"] == "true"


@pytest.mark.parametrize(
    ("expression", "problem"),
    [
        ("0 0 3 * * ?", ""),
        ("0 */15 * * * ?", ""),
        ("0 0 3 ? * MON-FRI", ""),
        ("0 0 3 L * ?", ""),
        ("0 0 3 ? * 6#3", ""),
        ("@every 1h30m", ""),
        ("@every", "'@every' needs a duration such as 1h30m"),
        ("0 60 * * * ?", "minute: 60 is outside 0-59"),
        ("0 0 0 32 * ?", "day-of-month: 32 is outside 1-31"),
        ("0 0 0 * 13 ?", "month: 13 is outside 1-12"),
        ("0 0 0 * FOO ?", "month: 'FOO' is not a value"),
        ("0 0 0 * * 8", "day-of-week: 8 is outside 1-7"),
        ("0 0 0 ? * MON/x", "day-of-week: step 'x' is not a number"),
        ("0 0 ? * * *", "hour: '?' is not a value"),
    ],
)
def test_cron_shapes(expression: str, problem: str) -> None:
    assert cron_problem(expression) == problem


def test_file_errors(tmp_path: pathlib.Path) -> None:
    with pytest.raises(TemplateError) as info:
        load_template(tmp_path / "missing.yaml")
    assert info.value.problems[0].startswith("cannot read")
    broken = tmp_path / "broken.yaml"
    broken.write_text("function: [\n")
    with pytest.raises(TemplateError) as info:
        load_template(broken)
    assert info.value.problems == ["not valid YAML at line 2"]
    listed = tmp_path / "list.yaml"
    listed.write_text("- a\n- b\n")
    with pytest.raises(TemplateError) as info:
        load_template(listed)
    assert "mapping of sections" in info.value.problems[0]


def test_handler_and_async_invoke_have_defaults() -> None:
    data = edited(lambda d: (d["function"].pop("handler"), d.pop("async_invoke")))
    template = parse_template(data)
    assert template.function.handler == "index.handler"
    assert (template.async_invoke.max_async_retry_attempts, template.async_invoke.max_async_event_age_in_seconds) == (
        2,
        3600,
    )
