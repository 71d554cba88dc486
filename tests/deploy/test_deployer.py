"""scripts/deploy.py end to end: template -> plan -> SDK calls -> the fake cloud, and Terraform.

Every run goes through `deploy_main` (the CLI), the real FunctionGraph / IAM / SMN SDK clients
and the fake cloud's signature checks; the call log tells what was sent.
"""

from __future__ import annotations

import copy
import io
import json
import pathlib
import re
import shutil
import subprocess
from typing import Any, Dict, Optional, Tuple

import pytest
import yaml
from helpers.deployer import (
    DOMAIN_ID,
    FUNCTION,
    KMS_SECRET,
    OTHER_PROJECT_ID,
    OTHER_REGION,
    PROJECT_ID,
    REGION,
    SK,
    TOKEN,
    URN,
    Deployer,
    base_template,
    lines_with,
    make_cloud,
    make_zip,
)

from deployer.cli import deploy_main
from deployer.policy import grants_of_document
from deployer.template import parse_template
from fakecloud import FakeCloud


@pytest.fixture
def cloud() -> FakeCloud:
    return make_cloud()


@pytest.fixture
def deployer(cloud: FakeCloud, tmp_path: pathlib.Path) -> Deployer:
    return Deployer(cloud, tmp_path)


# ----- plan on an empty account -------------------------------------------------------------
def test_plan_on_an_empty_account_creates_everything_and_sends_no_write(deployer: Deployer) -> None:
    assert deployer.run("--plan") == 0
    out = deployer.output
    for resource, name in [
        ("smn_topic", "cts-autotracker-reports"),
        ("agency", "cts-autotracker-agency"),
        ("custom_policy", "cts-autotracker-agency-project"),
        ("custom_policy", "cts-autotracker-agency-global"),
        ("grant", "cts-autotracker-agency-project"),
        ("function", FUNCTION),
        ("async_invoke", FUNCTION),
        ("trigger", "CTS new_buckets"),
        ("trigger", "CTS new_projects"),
        ("trigger", "TIMER baseline"),
    ]:
        assert lines_with(out, "+", resource, name, "create"), (resource, name, out)
    assert "Summary: 11 create." in out
    assert "nothing was changed" in out
    assert deployer.writes() == []
    assert deployer.cloud.calls, "the plan reads the account"
    assert {call.method for call in deployer.cloud.calls} == {"GET"}


# ----- apply, then converge ---------------------------------------------------------------------
def test_apply_creates_every_resource_in_order_then_a_rerun_changes_nothing(deployer: Deployer) -> None:
    cloud = deployer.cloud
    assert deployer.run() == 0, deployer.output
    assert deployer.writes() == [
        ("smn", "CreateTopic"),
        ("iam", "CreateAgency"),
        ("iam", "CreateCloudServiceCustomPolicy"),
        ("iam", "CreateCloudServiceCustomPolicy"),
        ("iam", "AssociateAgencyWithAllProjectsPermission"),
        ("iam", "AssociateAgencyWithAllProjectsPermission"),
        ("functiongraph", "CreateFunction"),
        ("functiongraph", "UpdateFunctionAsyncInvokeConfig"),
        ("functiongraph", "CreateFunctionTrigger"),
        ("functiongraph", "CreateFunctionTrigger"),
        ("functiongraph", "CreateFunctionTrigger"),
    ]
    assert all(call.status < 300 for call in cloud.write_calls()), [(c.action, c.status) for c in cloud.calls]
    assert [c.action for c in cloud.calls if c.status >= 300] == ["ShowFunctionConfig"]  # 404: not there yet

    topic_urn = f"urn:smn:{REGION}:{PROJECT_ID}:cts-autotracker-reports"
    [topic] = cloud.smn.topics
    assert topic["topic_urn"] == topic_urn and topic["display_name"] == "CTS autotracker"
    [agency] = [a for a in cloud.iam.agencies if a["name"] == "cts-autotracker-agency"]
    assert agency["trust_domain_name"] == "op_svc_cff"
    policies = {p["display_name"]: p for p in cloud.iam.custom_policies}
    granted = {role["id"] for role in cloud.iam.all_projects_grants(DOMAIN_ID, agency["id"])}
    assert granted == {p["id"] for p in policies.values()}
    granted_grants = {g for p in policies.values() for g in grants_of_document(p["policy"])}
    assert granted_grants == set(parse_template(base_template()).grants())
    assert policies["cts-autotracker-agency-global"]["type"] == "AX"
    assert all(
        a.split(":")[0] in ("iam", "obs")
        for st in policies["cts-autotracker-agency-global"]["policy"]["Statement"]
        for a in st["Action"]
    )
    scoped = [st for st in policies["cts-autotracker-agency-global"]["policy"]["Statement"] if "Resource" in st]
    bucket = base_template()["function"]["user_data"]["TRACE_BUCKET"]
    assert scoped and all(st["Resource"] == [f"obs:*:*:bucket:{bucket}"] for st in scoped)
    assert policies["cts-autotracker-agency-project"]["type"] == "XA"

    function = cloud.fgs.function(PROJECT_ID, FUNCTION)
    assert function is not None
    assert (function["runtime"], function["handler"], function["memory_size"], function["timeout"]) == (
        "Python3.10",
        "index.handler",
        256,
        300,
    )
    assert function["xrole"] == "cts-autotracker-agency" and function["code"] == deployer.package.read_bytes()
    user_data = json.loads(function["user_data"])
    assert user_data["REGION"] == REGION and user_data["SMN_TOPIC_URN"] == topic_urn
    assert user_data["TRACE_BUCKET"] == "my-cts-trace-archive"
    config = cloud.fgs.show_async_config(PROJECT_ID, URN)
    assert config["max_async_retry_attempts"] == 2 and config["max_async_event_age_in_seconds"] == 3600
    assert json.loads(config["destination_config"]["on_failure"]["param"]) == {"topic_urn": topic_urn}
    triggers = {(t["trigger_type_code"], t["event_data"]["name"]): t for t in cloud.fgs.triggers(PROJECT_ID, FUNCTION)}
    assert triggers[("CTS", "new_buckets")]["event_data"]["operations"] == ["OBS:bucket:createBucket"]
    assert triggers[("CTS", "new_projects")]["event_data"]["operations"] == ["IAM:project:createProject"]
    assert triggers[("TIMER", "baseline")]["event_data"]["schedule"] == "0 0 3 * * ?"
    assert all(t["trigger_status"] == "ACTIVE" for t in triggers.values())

    cloud.reset_calls()
    assert deployer.run() == 0
    assert deployer.writes() == []
    assert "Summary: 11 unchanged." in deployer.output and "Nothing to change." in deployer.output


def test_second_plan_after_apply_reports_everything_unchanged(deployer: Deployer) -> None:
    deployer.run()
    deployer.cloud.reset_calls()
    assert deployer.run("--plan") == 0
    assert not [line for line in deployer.output.splitlines() if line.strip().startswith(("+", "~", "-/+"))]
    assert deployer.cloud.write_calls() == []


# ----- drift -----------------------------------------------------------------------------
def test_memory_changed_by_hand_is_planned_as_an_update_and_fixed(deployer: Deployer) -> None:
    deployer.run()
    deployer.cloud.fgs.set_function_fields(PROJECT_ID, FUNCTION, memory_size=1024)
    deployer.cloud.reset_calls()
    assert deployer.run("--plan") == 0
    assert lines_with(deployer.output, "~", "function", FUNCTION, "update")
    assert lines_with(deployer.output, "memory_size: 1024 -> 256")
    assert deployer.cloud.write_calls() == []
    assert deployer.run() == 0
    assert deployer.writes() == [("functiongraph", "UpdateFunctionConfig")]
    assert deployer.cloud.fgs.function(PROJECT_ID, FUNCTION)["memory_size"] == 256  # type: ignore[index]
    deployer.cloud.reset_calls()
    deployer.run()
    assert deployer.writes() == []


def test_environment_and_template_changes_update_only_what_differs(deployer: Deployer) -> None:
    deployer.run()
    deployer.template["function"]["user_data"]["TRACE_FILE_PREFIX"] = "audit2"
    deployer.template["function"]["timeout"] = 600
    deployer.template["async_invoke"]["max_async_retry_attempts"] = 3
    deployer.cloud.reset_calls()
    assert deployer.run() == 0
    assert lines_with(deployer.output, "user_data.TRACE_FILE_PREFIX: 'audit' -> 'audit2'")
    assert lines_with(deployer.output, "timeout: 300 -> 600")
    assert lines_with(deployer.output, "max_async_retry_attempts: 2 -> 3")
    assert deployer.writes() == [
        ("functiongraph", "UpdateFunctionConfig"),
        ("functiongraph", "UpdateFunctionAsyncInvokeConfig"),
    ]
    function = deployer.cloud.fgs.function(PROJECT_ID, FUNCTION)
    assert function is not None and function["timeout"] == 600
    assert json.loads(function["user_data"])["TRACE_FILE_PREFIX"] == "audit2"


def test_new_code_is_uploaded_alone(deployer: Deployer) -> None:
    deployer.run()
    deployer.package.write_bytes(make_zip("def handler(event, context):\n    return {'v': 2}\n"))
    deployer.cloud.reset_calls()
    assert deployer.run() == 0
    assert lines_with(deployer.output, "code: sha512")
    assert deployer.writes() == [("functiongraph", "UpdateFunctionCode")]
    function = deployer.cloud.fgs.function(PROJECT_ID, FUNCTION)
    assert function is not None and function["code"] == deployer.package.read_bytes()


def test_policy_drift_is_updated_in_place(deployer: Deployer) -> None:
    deployer.run()
    [project] = [p for p in deployer.cloud.iam.custom_policies if p["display_name"].endswith("-project")]
    body = {"role": {**{k: project[k] for k in ("display_name", "type", "description")}}}
    body["role"]["policy"] = {"Version": "1.1", "Statement": [{"Effect": "Allow", "Action": ["cts:tracker:list"]}]}
    deployer.cloud.iam.update_custom_policy(project["id"], body)
    deployer.cloud.reset_calls()
    assert deployer.run() == 0
    line = lines_with(deployer.output, "grants: -")[0]
    assert "+cts:tracker:create on all resources" in line
    assert deployer.writes() == [("iam", "UpdateCloudServiceCustomPolicy")]
    [fixed] = [p for p in deployer.cloud.iam.custom_policies if p["id"] == project["id"]]
    assert fixed["policy"] == project["policy"]


def test_a_changed_trigger_is_replaced_and_others_are_left(deployer: Deployer) -> None:
    deployer.run()
    before = {t["event_data"]["name"]: t["trigger_id"] for t in deployer.cloud.fgs.triggers(PROJECT_ID, FUNCTION)}
    deployer.template["triggers"][2]["cron"] = "0 30 4 * * ?"
    deployer.cloud.reset_calls()
    assert deployer.run("--plan") == 0
    assert lines_with(deployer.output, "-/+", "trigger", "TIMER baseline", "replace")
    assert lines_with(deployer.output, "schedule: '0 0 3 * * ?' -> '0 30 4 * * ?'")
    assert deployer.cloud.write_calls() == []
    assert deployer.run() == 0
    assert deployer.writes() == [
        ("functiongraph", "DeleteFunctionTrigger"),
        ("functiongraph", "CreateFunctionTrigger"),
    ]
    after = {t["event_data"]["name"]: t for t in deployer.cloud.fgs.triggers(PROJECT_ID, FUNCTION)}
    assert after["baseline"]["event_data"]["schedule"] == "0 30 4 * * ?"
    assert after["baseline"]["trigger_id"] != before["baseline"]
    assert after["new_buckets"]["trigger_id"] == before["new_buckets"]


def test_a_trigger_no_longer_in_the_template_is_deleted_on_the_next_apply(deployer: Deployer) -> None:
    deployer.run()
    body = {"trigger_type_code": "TIMER", "event_data": {"name": "manual", "schedule_type": "Rate", "schedule": "3m"}}
    deployer.cloud.fgs.create_trigger(PROJECT_ID, URN, body)
    deployer.cloud.reset_calls()
    assert deployer.run("--plan") == 0
    assert lines_with(deployer.output, "trigger", "TIMER manual", "delete: no longer in the template")
    assert deployer.writes() == []
    assert deployer.run() == 0
    assert deployer.writes() == [("functiongraph", "DeleteFunctionTrigger")]
    names = {t["event_data"]["name"] for t in deployer.cloud.fgs.triggers(PROJECT_ID, FUNCTION)}
    assert "manual" not in names and "baseline" in names


# ----- the IAM-trace region caveat -----------------------------------------------------------
def test_iam_trigger_is_skipped_outside_the_iam_trace_region(deployer: Deployer) -> None:
    deployer.environ["CLOUD_SDK_PROJECT_ID"] = OTHER_PROJECT_ID
    assert deployer.run("--region", OTHER_REGION) == 0, deployer.output
    [line] = lines_with(deployer.output, "trigger", "CTS new_projects", "skip")
    assert f"recorded only in {REGION}" in line and f"--region {REGION}" in line and "timer sweep" in line
    names = {t["event_data"]["name"] for t in deployer.cloud.fgs.triggers(OTHER_PROJECT_ID, FUNCTION)}
    assert names == {"new_buckets", "baseline"}
    function = deployer.cloud.fgs.function(OTHER_PROJECT_ID, FUNCTION)
    assert function is not None
    user_data = json.loads(function["user_data"])
    assert user_data["REGION"] == OTHER_REGION
    assert user_data["SMN_TOPIC_URN"] == f"urn:smn:{OTHER_REGION}:{OTHER_PROJECT_ID}:cts-autotracker-reports"


# ----- refusals ------------------------------------------------------------------------------
def test_a_runtime_change_blocks_the_whole_plan(deployer: Deployer) -> None:
    deployer.run()
    deployer.template["function"]["runtime"] = "Python3.9"
    deployer.template["function"]["memory_size"] = 512
    deployer.cloud.reset_calls()
    assert deployer.run() == 1
    assert lines_with(deployer.output, "!", "function", "blocked", "cannot change a function's runtime")
    assert "error: the plan is blocked" in deployer.output
    assert deployer.writes() == []


def test_an_agency_trusting_another_service_blocks(deployer: Deployer) -> None:
    deployer.cloud.iam.add_agency("cts-autotracker-agency", trust_domain="op_svc_cts")
    assert deployer.run() == 1
    assert lines_with(deployer.output, "agency", "blocked", "trusts 'op_svc_cts'")
    assert deployer.writes() == []


def test_an_on_failure_topic_that_does_not_exist_blocks(deployer: Deployer) -> None:
    deployer.template["async_invoke"]["on_failure"] = {"smn_topic": "ops-alerts"}
    assert deployer.run() == 1
    assert lines_with(deployer.output, "smn_topic", "ops-alerts", "blocked")
    deployer.cloud.add_topic("ops-alerts", region=REGION, project_id=PROJECT_ID)
    deployer.cloud.reset_calls()
    assert deployer.run() == 0, deployer.output
    config = deployer.cloud.fgs.show_async_config(PROJECT_ID, URN)
    assert "ops-alerts" in config["destination_config"]["on_failure"]["param"]


def test_missing_credentials_are_named(deployer: Deployer) -> None:
    del deployer.environ["CLOUD_SDK_DOMAIN_ID"]
    del deployer.environ["CLOUD_SDK_SK"]
    assert deployer.run("--plan") == 1
    assert deployer.output.strip() == (
        "error: missing CLOUD_SDK_SK, CLOUD_SDK_DOMAIN_ID (access key, secret key, the region's project id "
        "and the account id: see docs/deployment.md)"
    )
    assert deployer.cloud.calls == []


def test_an_invalid_template_is_refused_before_any_call(deployer: Deployer) -> None:
    deployer.template["function"]["memory_size"] = 300
    del deployer.template["smn_topic"]
    assert deployer.run() == 2
    assert "function.memory_size: must be one of 128, 256" in deployer.output
    assert "smn_topic: required" in deployer.output
    assert deployer.cloud.calls == []


def test_an_api_failure_is_one_line_naming_the_call(deployer: Deployer) -> None:
    deployer.cloud.faults.inject(status=403, action="CreateFunction", error_code="FSS.0403")
    assert deployer.run() == 1
    [error] = lines_with(deployer.output, "error:")
    assert error == "error: FunctionGraph CreateFunction failed: HTTP 403 FSS.0403: Injected fault."
    assert ("functiongraph", "CreateFunctionTrigger") not in deployer.writes()
    deployer.cloud.reset_calls()
    assert deployer.run() == 0  # converges from where it stopped
    assert ("smn", "CreateTopic") not in deployer.writes()
    assert ("functiongraph", "CreateFunction") in deployer.writes()


# ----- secrets -------------------------------------------------------------------------------
def _with_secret(deployer: Deployer) -> None:
    deployer.template["function"]["encrypted_user_data"] = ["KMS_KEY_ID"]
    deployer.environ["KMS_KEY_ID"] = KMS_SECRET


def _assert_no_secret(text: str) -> None:
    for secret in (KMS_SECRET, SK, TOKEN):
        assert secret not in text


def test_encrypted_user_data_is_sent_encrypted_and_never_printed(
    deployer: Deployer, capsys: pytest.CaptureFixture[str]
) -> None:
    _with_secret(deployer)
    outputs = []
    assert deployer.run("--plan") == 0
    outputs.append(deployer.output)
    assert deployer.run() == 0
    outputs.append(deployer.output)
    function = deployer.cloud.fgs.function(PROJECT_ID, FUNCTION)
    assert function is not None
    assert json.loads(function["encrypted_user_data"]) == {"KMS_KEY_ID": KMS_SECRET}
    assert "KMS_KEY_ID" not in json.loads(function["user_data"])
    shown = deployer.cloud.fgs.show_config(PROJECT_ID, URN)
    assert KMS_SECRET not in json.dumps(shown)
    deployer.cloud.reset_calls()
    assert deployer.run() == 0 and deployer.writes() == []  # names compared, values never read back
    outputs.append(deployer.output)
    assert deployer.run("--rotate-secrets") == 0
    outputs.append(deployer.output)
    assert deployer.writes() == [("functiongraph", "UpdateFunctionConfig")]
    assert lines_with(deployer.output, "encrypted_user_data", "re-sent (--rotate-secrets)")
    deployer.template["function"]["memory_size"] = 512  # a config update re-sends the secret too
    deployer.cloud.faults.inject(status=400, action="UpdateFunctionConfig", error_code=KMS_SECRET)
    assert deployer.run() == 1
    outputs.append(deployer.output)
    assert "***" in deployer.output
    captured = capsys.readouterr()
    for text in [*outputs, captured.out, captured.err]:
        _assert_no_secret(text)


def test_a_missing_secret_stops_apply_before_any_write(deployer: Deployer) -> None:
    deployer.template["function"]["encrypted_user_data"] = ["KMS_KEY_ID"]
    assert deployer.run("--plan") == 0
    assert "note: encrypted_user_data KMS_KEY_ID not set in your environment" in deployer.output
    assert deployer.run() == 1
    assert "error: encrypted_user_data KMS_KEY_ID not set in your environment" in deployer.output
    assert deployer.writes() == []


# ----- transport: over a socket with endpoint overrides --------------------------------------
def test_endpoint_overrides_over_a_real_socket(cloud: FakeCloud, tmp_path: pathlib.Path) -> None:
    deployer = Deployer(cloud, tmp_path)
    path = tmp_path / "template.yaml"
    path.write_text(yaml.safe_dump(deployer.template))
    with cloud.serve() as url:
        environ = {**deployer.environ, "FGS_ENDPOINT": url, "IAM_ENDPOINT": url, "SMN_ENDPOINT": url}
        out = io.StringIO()
        argv = ["--template", str(path), "--package", str(deployer.package)]
        assert deploy_main(argv, environ=environ, out=out) == 0, out.getvalue()
        assert deploy_main(argv, environ=environ, out=io.StringIO()) == 0
    assert cloud.fgs.function(PROJECT_ID, FUNCTION) is not None
    assert all(call.headers.get("host", "").startswith("127.0.0.1") for call in cloud.calls)


# ----- Terraform -----------------------------------------------------------------------------
def emit(tmp_path: pathlib.Path, template: Optional[Dict[str, Any]] = None) -> Tuple[str, str]:
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "template.yaml"
    path.write_text(yaml.safe_dump(template or base_template()))
    out_dir = tmp_path / "tf"
    out = io.StringIO()
    assert deploy_main(["--template", str(path), "--emit-terraform", str(out_dir)], environ={}, out=out) == 0
    return (out_dir / "main.tf").read_text(), (out_dir / "variables.tf").read_text()


def test_terraform_has_every_resource_of_the_template(tmp_path: pathlib.Path) -> None:
    main, variables = emit(tmp_path)
    for header in (
        'resource "huaweicloud_smn_topic" "reports"',
        'resource "huaweicloud_identity_role" "project"',
        'resource "huaweicloud_identity_role" "global"',
        'resource "huaweicloud_identity_agency" "function"',
        'resource "huaweicloud_fgs_function" "autotracker"',
        'resource "huaweicloud_fgs_async_invoke_configuration" "autotracker"',
        'resource "huaweicloud_fgs_function_trigger" "cts_new_buckets"',
        'resource "huaweicloud_fgs_function_trigger" "cts_new_projects"',
        'resource "huaweicloud_fgs_function_trigger" "timer_baseline"',
    ):
        assert header in main
    for attribute in (
        'delegated_domain_name = "op_svc_cff"',
        'runtime               = "Python3.10"',
        'handler               = "index.handler"',
        "memory_size           = 256",
        "timeout               = 300",
        "agency                = huaweicloud_identity_agency.function.name",
        'code_type             = "zip"',
        "func_code             = filebase64(var.package_path)",
        "SMN_TOPIC_URN        = huaweicloud_smn_topic.reports.topic_urn",
        "REGION               = var.region",
        'type         = "CTS"',
        'type         = "TIMER"',
        '"OBS:bucket:createBucket"',
        '"IAM:project:createProject"',
        "count        = var.region == var.iam_trace_region ? 1 : 0",
        'schedule_type = "Cron"',
        "max_async_retry_attempts       = 2",
        'destination = "SMN"',
        "huaweicloud_identity_role.project.name",
        "huaweicloud_identity_role.global.name",
    ):
        assert attribute in main, attribute
    assert main.count("count") == 1  # only the IAM trigger is region-bound
    for grant in parse_template(base_template()).grants():
        assert f'"{grant.action}"' in main
        assert grant.resource is None or f'"{grant.resource}"' in main
    assert "encrypted_user_data" not in main and "encrypted_user_data" not in variables
    assert 'variable "package_path"' in variables and 'variable "iam_trace_region"' in variables
    assert main.count("{") == main.count("}") and main.count("[") == main.count("]")


def test_terraform_encrypted_user_data_is_a_sensitive_variable(tmp_path: pathlib.Path) -> None:
    template = base_template()
    template["function"]["encrypted_user_data"] = ["KMS_KEY_ID"]
    template["function"]["user_data"]["EXCLUDE_BUCKETS"] = "tmp-${x}-%{y}"
    main, variables = emit(tmp_path, template)
    assert re.search(r"\n  encrypted_user_data += jsonencode\(var.encrypted_user_data\)\n", main)
    assert 'variable "encrypted_user_data"' in variables and "sensitive   = true" in variables
    assert '"tmp-$${x}-%%{y}"' in main  # template sequences escaped


def test_terraform_fmt_accepts_the_output(tmp_path: pathlib.Path) -> None:
    terraform = shutil.which("terraform")
    if terraform is None:
        pytest.skip("terraform is not installed here: the HCL is checked structurally by the tests above")
    template = base_template()
    for variant in ("plain", "encrypted"):
        if variant == "encrypted":
            template["function"]["encrypted_user_data"] = ["KMS_KEY_ID"]
            template["async_invoke"]["on_failure"] = {"smn_topic": "ops-alerts"}
        emit(tmp_path / variant, template)
        command = [terraform, "fmt", "-check", "-diff", str(tmp_path / variant / "tf")]
        done = subprocess.run(command, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout


def test_emitting_terraform_needs_no_credentials_and_calls_nothing(cloud: FakeCloud, tmp_path: pathlib.Path) -> None:
    with cloud.mock():
        emit(tmp_path, copy.deepcopy(base_template()))
    assert cloud.calls == []


def test_the_plan_lists_every_grant_with_its_resource(deployer: Deployer) -> None:
    """Not a count: each action the agency gets, and on what (the transfer bucket's actions on it alone)."""
    assert deployer.run("--plan") == 0
    bucket = base_template()["function"]["user_data"]["TRACE_BUCKET"]
    for grant in parse_template(base_template()).grants():
        expected = f"grants {grant.action} on {grant.resource or 'all resources'}"
        assert lines_with(deployer.output, expected), expected
    assert lines_with(deployer.output, f"grants obs:bucket:PutBucketAcl on obs:*:*:bucket:{bucket}")
    assert not lines_with(deployer.output, "obs:bucket:CreateBucket")
    assert not lines_with(deployer.output, " actions")


# ----- the Config rule ---------------------------------------------------------------------
CONFIG_RULE = {"name": "cts-coverage", "period": "Twelve_Hours", "data_events": "READ,WRITE"}


def test_a_config_rule_is_two_policy_assignments_created_then_converged(deployer: Deployer) -> None:
    deployer.template["config_rule"] = CONFIG_RULE
    assert deployer.run() == 0, deployer.output
    assignments = sorted(deployer.cloud.rms.assignments, key=lambda a: a["name"])
    names = ["cts-coverage-buckets", "cts-coverage-period", "cts-coverage-projects"]
    assert [a["name"] for a in assignments] == names
    buckets, period, projects = assignments
    for assignment, (kind, provider) in ((buckets, ("buckets", "obs")), (projects, ("projects", "iam"))):
        assert assignment["policy_filter"] == {"resource_provider": provider, "resource_type": kind}
        assert assignment["period"] is None  # resource-triggered: a filter and no period
        assert assignment["parameters"]["resource_type"] == {"value": kind}
    assert period["period"] == "Twelve_Hours" and period["policy_filter"] == {}
    assert "resource_type" not in period["parameters"]  # the periodic evaluation covers both kinds
    for assignment in assignments:
        assert assignment["custom_policy"]["function_urn"] == URN
        assert assignment["parameters"]["data_events"] == {"value": "READ,WRITE"}
    assert lines_with(deployer.output, "created config_rule cts-coverage-buckets")
    deployer.cloud.reset_calls()
    assert deployer.run("--plan") == 0
    assert lines_with(deployer.output, "config_rule", "cts-coverage-projects", "unchanged")
    deployer.template["config_rule"] = {**CONFIG_RULE, "period": "One_Hour"}
    assert deployer.run() == 0
    assert lines_with(deployer.output, "updated config_rule cts-coverage-period (period)")
    assert not lines_with(deployer.output, "updated config_rule cts-coverage-buckets")
    assert {a["period"] for a in deployer.cloud.rms.assignments} == {None, "One_Hour"}


def test_the_config_grant_comes_only_with_the_config_rule(deployer: Deployer) -> None:
    from deployer.template import parse_template

    without = {g.action for g in parse_template(deployer.template).grants()}
    with_rule = {g.action for g in parse_template({**deployer.template, "config_rule": CONFIG_RULE}).grants()}
    assert with_rule - without == {"rms:policyStates:update"}


def test_terraform_has_the_config_rules_assignments(tmp_path: pathlib.Path) -> None:
    from deployer.template import parse_template
    from deployer.terraform import main_tf

    template = parse_template({**base_template(), "config_rule": CONFIG_RULE})
    text = main_tf(template)
    for name in ("buckets", "projects", "period"):
        assert f'resource "huaweicloud_rms_policy_assignment" "config_{name}"' in text
    assert "function_urn = huaweicloud_fgs_function.autotracker.urn" in text
    assert '"rms:policyStates:update"' in text


# ----- destroy ----------------------------------------------------------------------------
def test_destroy_plans_then_deletes_the_deployment_and_keeps_the_audit_trail(deployer: Deployer) -> None:
    deployer.template["config_rule"] = CONFIG_RULE
    deployer.template["function"]["user_data"]["REPORT_BUCKET"] = "audit-reports"
    assert deployer.run() == 0
    deployer.cloud.cts.put_tracker(PROJECT_ID, {"tracker_name": "obs-photos", "obs_info": {}})  # the function's work
    deployer.cloud.add_bucket("my-cts-trace-archive", REGION)
    deployer.cloud.reset_calls()

    assert deployer.run("--destroy", "--plan") == 0
    assert deployer.writes() == []
    out = deployer.output
    for resource, name in (
        ("config_rule", "cts-coverage-period"),
        ("trigger", "TIMER baseline"),
        ("function", FUNCTION),
        ("grant", "cts-autotracker-agency-project"),
        ("agency", "cts-autotracker-agency"),
        ("custom_policy", "cts-autotracker-agency-global"),
        ("smn_topic", "cts-autotracker-reports"),
    ):
        assert lines_with(out, resource, name, "delete"), (resource, name, out)
    assert lines_with(out, "trackers", "kept: never deleted")
    assert lines_with(out, "obs_bucket", "my-cts-trace-archive", "kept")
    assert lines_with(out, "obs_bucket", "audit-reports", "kept")

    assert deployer.run("--destroy") == 0, deployer.output
    cloud = deployer.cloud
    assert cloud.fgs.function(PROJECT_ID, FUNCTION) is None
    assert not cloud.iam.has_agency("cts-autotracker-agency") and not cloud.iam.custom_policies
    assert cloud.smn.topics == [] and cloud.rms.assignments == []
    assert [t["tracker_name"] for t in cloud.cts.trackers(PROJECT_ID)] == ["obs-photos"]  # the audit trail
    assert cloud.obs.exists("my-cts-trace-archive")
    assert {service for service, _ in deployer.writes()} == {"rms", "functiongraph", "iam", "smn"}
    deployer.cloud.reset_calls()
    assert deployer.run("--destroy") == 0 and "Nothing to delete." in deployer.output
    assert deployer.writes() == []


# ----- APIG and EventGrid triggers -------------------------------------------------------------
APIG = {"type": "APIG", "name": "backfill_api", "group_id": "7c3f0a9e2b5d4c6e8f1a2b3c4d5e6f70"}
EVENTGRID = {"type": "EVENTGRID", "name": "eg-new-buckets", "channel_id": "0c4a6e8f-1b2d-4e3f-9a8b-7c6d5e4f3a2b"}


def test_apig_and_eventgrid_triggers_are_created_and_converge(deployer: Deployer) -> None:
    deployer.template["triggers"] += [APIG, EVENTGRID]
    assert deployer.run() == 0, deployer.output
    triggers = {t["trigger_type_code"]: t for t in deployer.cloud.fgs.triggers(PROJECT_ID, FUNCTION)}
    apig = triggers["APIG"]["event_data"]
    assert (apig["auth"], apig["protocol"], apig["req_method"], apig["path"]) == (
        "IAM",
        "HTTPS",
        "POST",
        "/cts-autotracker",
    )
    assert apig["group_id"] == APIG["group_id"] and apig["match_mode"] == "NORMAL"
    eg = triggers["EVENTGRID"]["event_data"]
    assert eg["source_name"] == "HC.OBS" and eg["event_types"] == [
        f"OBS:CloudTrace:{kind}" for kind in ("ApiCall", "ObsSDK", "ConsoleAction", "SystemAction", "Others")
    ]
    assert eg["trigger_name"] == "eg-new-buckets" and eg["channel_id"] == EVENTGRID["channel_id"]
    deployer.cloud.reset_calls()
    assert deployer.run() == 0 and "Nothing to change." in deployer.output and deployer.writes() == []
    deployer.template["triggers"][-1] = {**EVENTGRID, "event_types": ["OBS:CloudTrace:ApiCall"]}
    assert deployer.run() == 0
    assert deployer.writes() == [
        ("functiongraph", "DeleteFunctionTrigger"),
        ("functiongraph", "CreateFunctionTrigger"),
    ]


def test_an_apig_trigger_without_iam_authentication_is_refused(deployer: Deployer) -> None:
    deployer.template["triggers"].append({**APIG, "auth": "NONE"})
    assert deployer.run() == 2
    assert "triggers[3].APIG.auth: 'NONE': only IAM" in deployer.output
    assert deployer.cloud.calls == []


def test_terraform_has_the_apig_and_eventgrid_triggers(tmp_path: pathlib.Path) -> None:
    from deployer.template import parse_template
    from deployer.terraform import main_tf

    text = main_tf(parse_template({**base_template(), "triggers": base_template()["triggers"] + [APIG, EVENTGRID]}))
    assert 'resource "huaweicloud_fgs_function_trigger" "apig_backfill_api"' in text
    assert 'resource "huaweicloud_fgs_function_trigger" "eventgrid_eg_new_buckets"' in text
    assert 'type         = "APIG"' in text and 'type         = "EVENTGRID"' in text
    assert 'auth       = "IAM"' in text
