"""Config's remediation of our rule calls the function: the deployer plans, creates, converges and
deletes the remediation configuration of each policy assignment (`target_type: fgs`, this
function's URN), only with `config_rule.remediation`, through the CLI, the RMS SDK client and the
fake cloud."""

from __future__ import annotations

import pathlib
from typing import Any, Dict

import pytest
from helpers.deployer import URN, Deployer, base_template, lines_with

from deployer.policy import remediation_grants
from deployer.template import TemplateError, parse_template

RULE: Dict[str, Any] = {"name": "cts-coverage", "period": "Twelve_Hours"}
REMEDIATION = {"automatic": True, "maximum_attempts": 3, "retry_attempt_seconds": 600}
NAMES = ("cts-coverage-buckets", "cts-coverage-period", "cts-coverage-projects")


def remediations(deployer: Deployer) -> Dict[str, Any]:
    rms = deployer.cloud.rms
    return {a["name"]: rms.remediation(a["id"]) for a in rms.assignments}


def test_remediation_is_planned_created_converged_and_removed_with_the_section(deployer: Deployer) -> None:
    deployer.template["config_rule"] = {**RULE, "remediation": REMEDIATION}
    assert deployer.run("--plan") == 0, deployer.output
    for name in NAMES:
        assert lines_with(deployer.output, "remediation", name, "create", f"target fgs {URN}", "3 attempts in 600 s")
    assert deployer.writes() == []

    assert deployer.run() == 0, deployer.output
    configs = remediations(deployer)
    assert set(configs) == set(NAMES)
    for name, config in configs.items():
        assert config is not None, name
        assert (config["target_type"], config["target_id"], config["automatic"]) == ("fgs", URN, True)
        assert (config["maximum_attempts"], config["retry_attempt_seconds"]) == (3, 600)
        assert config["resource_parameter"] == {"resource_id": "resource_id"}
        assert (config["auth_type"], config["auth_value"]) == ("agency", "rms_tracker_agency")
    assert configs["cts-coverage-buckets"]["static_parameter"] == [{"var_key": "resource_type", "var_value": "buckets"}]
    assert configs["cts-coverage-projects"]["static_parameter"] == [
        {"var_key": "resource_type", "var_value": "projects"}
    ]
    assert configs["cts-coverage-period"]["static_parameter"] == []
    assert lines_with(deployer.output, "created remediation cts-coverage-buckets")

    deployer.cloud.reset_calls()
    assert deployer.run() == 0 and "Nothing to change." in deployer.output
    assert deployer.writes() == []

    deployer.template["config_rule"] = {**RULE, "remediation": {**REMEDIATION, "maximum_attempts": 25}}
    assert deployer.run() == 0, deployer.output
    assert lines_with(deployer.output, "updated remediation cts-coverage-period")
    assert {c["maximum_attempts"] for c in remediations(deployer).values()} == {25}

    deployer.template["config_rule"] = RULE  # the section removed: Config no longer calls the function
    assert deployer.run("--plan") == 0
    assert lines_with(deployer.output, "remediation", "cts-coverage-buckets", "delete", "no config_rule.remediation")
    assert deployer.run() == 0, deployer.output
    assert remediations(deployer) == {name: None for name in NAMES}
    assert len(deployer.cloud.rms.assignments) == 3  # the rule itself stays


def test_without_the_section_no_remediation_is_created(deployer: Deployer) -> None:
    deployer.template["config_rule"] = RULE
    assert deployer.run() == 0, deployer.output
    assert remediations(deployer) == {name: None for name in NAMES}
    assert not [c for c in deployer.cloud.calls if "Remediation" in c.action and c.method != "GET"]
    assert not lines_with(deployer.output, "remediation")


def test_destroy_deletes_the_remediation_configurations_before_the_rule(deployer: Deployer) -> None:
    deployer.template["config_rule"] = {**RULE, "remediation": REMEDIATION}
    assert deployer.run() == 0, deployer.output
    ids = [a["id"] for a in deployer.cloud.rms.assignments]
    deployer.cloud.reset_calls()
    assert deployer.run("--destroy", "--plan") == 0
    for name in NAMES:
        assert lines_with(deployer.output, "remediation", name, "delete")
    assert deployer.writes() == []
    assert deployer.run("--destroy") == 0, deployer.output
    assert deployer.cloud.rms.assignments == []
    assert all(deployer.cloud.rms.remediation(i) is None for i in ids)
    order = [c.action for c in deployer.cloud.calls if c.service == "rms" and c.method == "DELETE"]
    assert order == ["DeleteRemediationConfiguration"] * 3 + ["DeletePolicyAssignment"] * 3


@pytest.mark.parametrize(
    ("remediation", "problem"),
    [
        ({"maximum_attempts": 0}, "maximum_attempts"),
        ({"maximum_attempts": 26}, "maximum_attempts"),
        ({"retry_attempt_seconds": 59}, "retry_attempt_seconds"),
        ({"retry_attempt_seconds": 43201}, "retry_attempt_seconds"),
        ({"automatic": "sometimes"}, "automatic"),
        ({"target": "rfs"}, "target"),
    ],
)
def test_a_bad_remediation_section_is_refused_by_name_before_any_call(
    deployer: Deployer, remediation: Dict[str, Any], problem: str
) -> None:
    with pytest.raises(TemplateError, match=f"config_rule.remediation.{problem}"):
        parse_template({**base_template(), "config_rule": {**RULE, "remediation": remediation}})
    deployer.template["config_rule"] = {**RULE, "remediation": remediation}
    assert deployer.run() == 2
    assert "config_rule.remediation" in deployer.output
    assert deployer.cloud.calls == []


def test_the_deployers_remediation_grants_come_only_with_the_section(deployer: Deployer) -> None:
    """Every remediation call the deployer made is held by `remediation_grants` (the action names
    of the API pages); creating one, and passing the agency, only with the section."""
    from helpers.world import IAM_ACTIONS

    with_section = parse_template({**base_template(), "config_rule": {**RULE, "remediation": REMEDIATION}})
    without = parse_template({**base_template(), "config_rule": RULE})
    granted = {g.action for g in remediation_grants(with_section)}
    deployer.template["config_rule"] = {**RULE, "remediation": REMEDIATION}
    assert deployer.run() == 0, deployer.output
    assert deployer.run("--destroy") == 0, deployer.output
    called = {IAM_ACTIONS[("rms", c.action)] for c in deployer.cloud.calls if "Remediation" in c.action}
    assert called == {
        "rms:policyAssignmentsRemediation:getRemediationConfiguration",
        "rms:policyAssignmentsRemediation:putRemediationConfiguration",
        "rms:policyAssignmentsRemediation:deleteRemediationConfiguration",
    }
    assert called <= granted
    assert granted - {g.action for g in remediation_grants(without)} == {
        "rms:policyAssignmentsRemediation:putRemediationConfiguration",
        "iam:agencies:pass",
        "iam:agencies:createServiceLinkedAgencyV5",
    }
    assert remediation_grants(parse_template(base_template())) == []


def unquoted(value: Any) -> Any:
    """python-hcl2's reading with its string literals decoded and its own keys dropped."""
    import json

    if isinstance(value, dict):
        return {k: unquoted(v) for k, v in value.items() if not k.startswith("__")}
    if isinstance(value, list):
        return [unquoted(v) for v in value]
    if isinstance(value, str) and len(value) > 1 and value[0] == value[-1] == '"':
        return json.loads(value)
    return value


def test_terraform_emits_each_remediation_configuration_with_documented_arguments(tmp_path: pathlib.Path) -> None:
    import json
    import shutil
    import subprocess

    import hcl2

    from deployer.terraform import main_tf

    documented = json.loads(
        (pathlib.Path(__file__).parent.parent / "contract/fixtures/terraform_provider_arguments.json").read_text()
    )["resources"]["huaweicloud_rms_remediation_configuration"]
    text = main_tf(parse_template({**base_template(), "config_rule": {**RULE, "remediation": REMEDIATION}}))
    found = {}
    for item in hcl2.loads(text).get("resource", []):
        for kind, named in item.items():
            if kind.strip('"') == "huaweicloud_rms_remediation_configuration":
                found.update({name.strip('"'): unquoted(body) for name, body in named.items()})
    assert set(found) == {"config_buckets", "config_projects", "config_period"}
    for name, body in found.items():
        assert set(body) <= set(documented["arguments"]) and set(documented["required"]) <= set(body), name
        assert body["target_type"] == "fgs" and "huaweicloud_fgs_function.autotracker.urn" in body["target_id"]
        assert f"huaweicloud_rms_policy_assignment.{name}.id" in body["policy_assignment_id"]
        assert (body["automatic"], body["maximum_attempts"], body["retry_attempt_seconds"]) == (True, 3, 600)
    assert found["config_buckets"]["static_parameter"] == [{"var_key": "resource_type", "var_value": '"buckets"'}]
    assert found["config_buckets"]["resource_parameter"] == [{"resource_id": "resource_id"}]
    assert "static_parameter" not in found["config_period"]
    assert "huaweicloud_rms_remediation_configuration" not in main_tf(
        parse_template({**base_template(), "config_rule": RULE})
    )
    terraform = shutil.which("terraform")
    if terraform is not None:  # and the text is as `terraform fmt` writes it
        (tmp_path / "main.tf").write_text(text)
        done = subprocess.run([terraform, "fmt", "-check", "-diff", str(tmp_path)], capture_output=True, text=True)
        assert done.returncode == 0, done.stdout
