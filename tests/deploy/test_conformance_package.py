"""`scripts/deploy.py --emit-conformance-package DIR`: the Config rule as a conformance package in
Config's documented format (user guide rms_13_5000: only `huaweicloud_rms_policy_assignment`
resources, `variable` blocks and `terraform.required_providers` with huaweicloud >= 1.66.2), and
the Terraform roots that deploy it to one account or an organization. Every resource, data source
and argument is held to the provider's documented ones (the contract fixture)."""

from __future__ import annotations

import io
import json
import pathlib
import re
from typing import Any, Dict, Optional, Set, Tuple

import pytest
import yaml
from helpers.config import config_event
from helpers.world import REGION

from autotracker.events.config import RULE_PARAMETERS
from deployer.cli import deploy_main
from fakecloud import FakeCloud

ROOT = pathlib.Path(__file__).resolve().parents[2]
FIXTURE = json.loads((ROOT / "tests/contract/fixtures/terraform_provider_arguments.json").read_text())
BUILT_INS = {
    "cts-tracker-exists",
    "multi-region-cts-tracker-exists",
    "cts-kms-encrypted-check",
    "cts-lts-enable",
    "cts-support-validate-check",
}
REFERENCE = re.compile(r"\bvar\.([A-Za-z_][A-Za-z0-9_]*)")


def emit(
    tmp_path: pathlib.Path, config_rule: Optional[Dict[str, Any]]
) -> Tuple[Dict[str, Any], Dict[str, Any], Dict[str, Any]]:
    raw = yaml.safe_load((ROOT / "template.yaml").read_text())
    if config_rule is not None:
        raw["config_rule"] = config_rule
    template = tmp_path / "template.yaml"
    template.write_text(yaml.safe_dump(raw))
    out = io.StringIO()
    cloud = FakeCloud(default_region=REGION)
    with cloud.mock():  # no credentials, and nothing is called
        code = deploy_main(["--template", str(template), "--emit-conformance-package", str(tmp_path / "pkg")], {}, out)
    assert code == 0, out.getvalue()
    assert cloud.calls == []
    files = sorted(str(p.relative_to(tmp_path / "pkg")) for p in (tmp_path / "pkg").rglob("*") if p.is_file())
    assert files == ["account/main.tf.json", "cts-autotracker-conformance.tf.json", "organization/main.tf.json"]
    read = lambda name: json.loads((tmp_path / "pkg" / name).read_text())  # noqa: E731
    return (
        read("cts-autotracker-conformance.tf.json"),
        read("account/main.tf.json"),
        read("organization/main.tf.json"),
    )


RULE = {"name": "cts-coverage", "period": "Twelve_Hours", "data_events": "WRITE", "regions": ["ap-southeast-1"]}


@pytest.fixture
def emitted(tmp_path: pathlib.Path) -> Tuple[Dict[str, Any], Dict[str, Any], Dict[str, Any]]:
    return emit(tmp_path, RULE)


def hold_to_fixture(kind: str, name: str, arguments: Dict[str, Any], documented: Dict[str, Any]) -> None:
    assert documented and documented.get("doc"), f"{kind} is not documented"
    unknown = set(arguments) - set(documented["arguments"])
    assert not unknown, f"{kind}.{name} uses undocumented {sorted(unknown)}"
    missing = set(documented.get("required") or []) - set(arguments)
    assert not missing, f"{kind}.{name} lacks required {sorted(missing)}"
    for block, spec in (documented.get("blocks") or {}).items():
        for inner in arguments.get(block) or [] if isinstance(arguments.get(block), list) else []:
            extra = set(inner) - set(spec["arguments"])
            assert not extra, f"{kind}.{name}.{block} uses undocumented {sorted(extra)}"
            lacking = set(spec.get("required") or []) - set(inner)
            assert not lacking, f"{kind}.{name}.{block} lacks {sorted(lacking)}"


def references(value: Any) -> Set[str]:
    return set(REFERENCE.findall(json.dumps(value)))


def test_the_package_has_only_what_configs_format_allows_and_documented_arguments(emitted) -> None:
    package, _, _ = emitted
    assert set(package) == {"terraform", "variable", "resource"}
    assert package["terraform"] == {
        "required_providers": {"huaweicloud": {"source": "huawei.com/provider/huaweicloud", "version": ">= 1.66.2"}}
    }
    assert list(package["resource"]) == ["huaweicloud_rms_policy_assignment"]
    documented = FIXTURE["resources"]["huaweicloud_rms_policy_assignment"]
    for name, arguments in package["resource"]["huaweicloud_rms_policy_assignment"].items():
        hold_to_fixture("huaweicloud_rms_policy_assignment", name, arguments, documented)
        # the page: policy_definition_id and custom_policy are alternatives; at most one of period and filter
        assert ("policy_definition_id" in arguments) != ("custom_policy" in arguments), name
        assert not ("period" in arguments and "policy_filter" in arguments), name
        assert arguments.get("period", "Twelve_Hours") == "Twelve_Hours"
    declared = package["variable"]
    for name, variable in declared.items():
        assert variable.get("type") and variable.get("description"), name
    assert references(package["resource"]) == set(declared)  # every variable used, none undeclared


def test_our_custom_rule_is_the_deployers_assignments_calling_the_function(emitted) -> None:
    package, _, _ = emitted
    assignments = package["resource"]["huaweicloud_rms_policy_assignment"]
    ours = {a["name"]: a for a in assignments.values() if "custom_policy" in a}
    assert set(ours) == {"cts-coverage-buckets", "cts-coverage-projects", "cts-coverage-period"}
    for assignment in ours.values():
        (custom,) = assignment["custom_policy"]
        assert custom == {
            "function_urn": "${var.function_urn}",
            "auth_type": "agency",
            "auth_value": {"agency_name": "${jsonencode(var.agency_name)}"},
        }
    assert ours["cts-coverage-buckets"]["policy_filter"] == [{"resource_provider": "obs", "resource_type": "buckets"}]
    assert ours["cts-coverage-projects"]["policy_filter"] == [{"resource_provider": "iam", "resource_type": "projects"}]
    assert ours["cts-coverage-period"]["period"] == "Twelve_Hours"
    assert "resource_type" in ours["cts-coverage-buckets"]["parameters"]
    assert "resource_type" not in ours["cts-coverage-period"]["parameters"]
    variables = package["variable"]
    assert "cts-autotracker" in variables["function_urn"]["description"]
    assert (variables["data_events"]["default"], variables["regions"]["default"]) == ("WRITE", "ap-southeast-1")
    assert variables["agency_name"]["default"] == "rms_tracker_agency"


def test_the_rules_parameters_are_declared_with_types_and_descriptions(emitted) -> None:
    """Item 4: data_events, regions, resource_type, as the function knows them, nothing else."""
    package, _, _ = emitted
    parameters: Set[str] = set()
    for assignment in package["resource"]["huaweicloud_rms_policy_assignment"].values():
        if "custom_policy" in assignment:
            parameters |= set(re.findall(r"\b(\w+) = ", assignment["parameters"])) | set(
                re.findall(r"\{ (\w+) = var", assignment["parameters"])
            )
    assert parameters - {"k", "v"} == set(RULE_PARAMETERS)
    variables = package["variable"]
    for name in ("data_events", "regions", "buckets_resource_type", "projects_resource_type"):
        assert variables[name]["type"] == "string"
        assert "Rule parameter" in variables[name]["description"]
    assert variables["buckets_resource_type"]["default"] == "buckets"


def test_an_unknown_rule_parameter_is_refused_naming_the_known_ones(invoke, cloud, assignment) -> None:
    event = {**config_event(cloud, assignment), "rule_parameter": {"resourceType": {"value": "buckets"}}}
    result = invoke(event)
    assert result["ok"] is False and result["error"]["code"] == "InvalidEvent"
    assert (
        "unknown rule parameter(s) 'resourceType'; this rule takes data_events, regions, resource_type"
        in (result["error"]["message"])
    )
    assert not cloud.rms.states()


def test_the_built_in_cts_rules_are_referenced_by_definition_id_variables(emitted) -> None:
    package, _, _ = emitted
    assignments = package["resource"]["huaweicloud_rms_policy_assignment"].values()
    built_in = {a["name"]: a for a in assignments if "policy_definition_id" in a}
    assert set(built_in) == BUILT_INS
    for name, assignment in built_in.items():
        (variable,) = references(assignment["policy_definition_id"])
        description = package["variable"][variable]["description"]
        assert f"built-in rule {name} " in description and "default" not in package["variable"][variable]
    # Config runs these two on the account periodically; the others on CTS trackers' changes
    assert {n for n, a in built_in.items() if "period" in a} == {
        "cts-tracker-exists",
        "multi-region-cts-tracker-exists",
    }
    for name in BUILT_INS - {"cts-tracker-exists", "multi-region-cts-tracker-exists"}:
        assert built_in[name]["policy_filter"] == [{"resource_provider": "cts", "resource_type": "trackers"}]


@pytest.mark.parametrize("form", ["account", "organization"])
def test_the_deploying_roots_use_documented_resources_and_fill_every_required_variable(emitted, form) -> None:
    package, account, organization = emitted
    root = account if form == "account" else organization
    kind = (
        "huaweicloud_rms_assignment_package"
        if form == "account"
        else "huaweicloud_rms_organizational_assignment_package"
    )
    assert list(root["resource"]) == [kind]
    (body,) = root["resource"][kind].values()
    hold_to_fixture(kind, "autotracker", body, FIXTURE["resources"][kind])
    for data_kind, named in root["data"].items():
        for name, arguments in named.items():
            hold_to_fixture(data_kind, name, arguments, FIXTURE["data_sources"][data_kind])
            assert arguments["name"] in BUILT_INS and arguments["policy_type"] == "builtin"
    assert body["template_body"] == '${file("${path.module}/../cts-autotracker-conformance.tf.json")}'
    given = {item["var_key"] for item in body["vars_structure"]}
    required = {name for name, variable in package["variable"].items() if "default" not in variable}
    assert given == required  # no package variable is left without a value
    assert references(root["resource"]) <= set(root["variable"])
    assert root["terraform"]["required_providers"]["huaweicloud"]["version"] == ">= 1.66.2"
    if form == "organization":
        assert body["organization_id"] == "${var.organization_id}" and "excluded_accounts" in body


def test_without_a_config_rule_section_the_package_has_the_default_rule(tmp_path: pathlib.Path) -> None:
    raw = yaml.safe_load((ROOT / "template.yaml").read_text())
    assert "config_rule" not in raw
    package, _, _ = emit(tmp_path, None)
    names = {a["name"] for a in package["resource"]["huaweicloud_rms_policy_assignment"].values()}
    assert {"cts-coverage-buckets", "cts-coverage-projects", "cts-coverage-period"} <= names
    assert package["variable"]["data_events"]["default"] == ""
