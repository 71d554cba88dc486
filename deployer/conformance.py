"""The Config rule as a conformance package (合规规则包), and the Terraform that deploys it.

Config's "Custom Conformance Packages" page (user guide rms_13_5000) fixes the format: a
Terraform JSON template (`*.tf.json`) holding only `huaweicloud_rms_policy_assignment`
resources, `variable` blocks and `terraform.required_providers` with huaweicloud 1.66.2 or
later (its source `huawei.com/provider/huaweicloud`, RFS's). The package holds our custom rule
(the same assignments the deployer creates: one per resource type and the periodic one) and the
built-in CTS rules that judge what the function enforces, each referenced by
`policy_definition_id`. No public page gives those ids, so each is a variable whose description
names the rule; `account/` and `organization/` resolve them with the provider's
`huaweicloud_rms_policy_definitions` data source and deploy the package with
`huaweicloud_rms_assignment_package` or, from the organization's management account,
`huaweicloud_rms_organizational_assignment_package`.
"""

from __future__ import annotations

import json
import pathlib
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple

from deployer.template import CONFIG_RESOURCES, ConfigRule, Template

PACKAGE_FILE = "cts-autotracker-conformance.tf.json"
PACKAGE_PROVIDER = {"source": "huawei.com/provider/huaweicloud", "version": ">= 1.66.2"}
# The wrappers run in plain Terraform: the public registry's provider, the package resources'
# first releases (CHANGELOG: assignment package 1.56.0, organizational one 1.59.1) and Config's 1.66.2.
WRAPPER_PROVIDER = {"source": "huaweicloud/huaweicloud", "version": ">= 1.66.2"}
DEFINITIONS = "data.huaweicloud_rms_policy_definitions"
MAX_TEMPLATE_BODY = 51200  # template_body, both package resources' pages


@dataclass(frozen=True)
class BuiltIn:
    """A built-in CTS rule of Config (user guide rms_05_155x): its name, whether Config runs it
    periodically (on the account) or on configuration changes of CTS trackers, and why it is here."""

    name: str
    periodic: bool
    why: str

    @property
    def variable(self) -> str:
        return self.name.replace("-", "_") + "_policy_definition_id"

    @property
    def resource(self) -> str:
        return self.name.replace("-", "_")


BUILT_INS: Tuple[BuiltIn, ...] = (
    BuiltIn("cts-tracker-exists", True, "at least one enabled tracker in the account (rms_05_1553)"),
    BuiltIn("multi-region-cts-tracker-exists", True, "a tracker in every region the account uses"),
    BuiltIn("cts-kms-encrypted-check", False, "trackers encrypt trace files with KMS (KMS_KEY_ID)"),
    BuiltIn("cts-lts-enable", False, "trackers transfer traces to LTS (ENABLE_LTS; rms_05_1550)"),
    BuiltIn("cts-support-validate-check", False, "trace file verification is enabled (rms_05_1552)"),
)
TRACKERS_FILTER = {"resource_provider": "cts", "resource_type": "trackers"}  # "Filter Type cts.trackers"

# Our rule's parameters, as the function reads them (autotracker's Config rule parameters).
RULE_PARAMETERS = {
    "data_events": (
        "string",
        "Rule parameter data_events: the operations a bucket's data tracker must record, READ, WRITE or "
        "READ,WRITE; empty: not sent, the function's DATA_EVENTS applies",
    ),
    "regions": (
        "string",
        "Rule parameter regions: comma-separated region ids the rule judges (e.g. ap-southeast-1,eu-west-101); "
        "empty: not sent, the function's REGIONS scope applies",
    ),
}
RESOURCE_TYPE_DESCRIPTION = (
    "Rule parameter resource_type of the {name} assignment: the kind of resource it judges; "
    "must stay {kind!r} ({provider}.{kind}, the assignment's filter)"
)


def _variable(kind: str, description: str, default: Any = None) -> Dict[str, Any]:
    body: Dict[str, Any] = {"type": kind, "description": description}
    if default is not None:
        body["default"] = default
    return body


def _ident(name: str) -> str:
    return name.replace("-", "_").replace(".", "_")


def package(template: Template) -> Dict[str, Any]:
    """The conformance package template (a dict to write as JSON)."""
    rule = _rule(template)
    variables: Dict[str, Any] = {
        "function_urn": _variable(
            "string",
            f"URN of the deployed {template.function.name} function (urn:fss:<region>:<project>:function:"
            f"{template.function.app}:{template.function.name}:latest), the custom rule's evaluator",
        ),
        "agency_name": _variable(
            "string", "The agency Config invokes the function with (config_rule.agency)", rule.agency
        ),
        "data_events": _variable(*RULE_PARAMETERS["data_events"], rule.data_events or ""),
        "regions": _variable(*RULE_PARAMETERS["regions"], ",".join(rule.regions)),
    }
    for kind, provider in CONFIG_RESOURCES:
        description = RESOURCE_TYPE_DESCRIPTION.format(name=f"{rule.name}-{kind}", kind=kind, provider=provider)
        variables[f"{kind}_resource_type"] = _variable("string", description, kind)
    assignments: Dict[str, Any] = {}
    for body in rule.assignments("${var.function_urn}"):
        kind = body["name"].rsplit("-", 1)[1]
        resource: Dict[str, Any] = {"name": body["name"], "description": body["description"]}
        if "period" in body:
            resource["period"] = body["period"]
        else:
            resource["policy_filter"] = [dict(body["policy_filter"])]
        resource["custom_policy"] = [
            {
                "function_urn": "${var.function_urn}",
                "auth_type": "agency",
                "auth_value": {"agency_name": "${jsonencode(var.agency_name)}"},
            }
        ]
        resource["parameters"] = _parameters(None if kind == "period" else f"var.{kind}_resource_type")
        assignments[f"autotracker_{_ident(kind)}"] = resource
    for builtin in BUILT_INS:
        variables[builtin.variable] = _variable(
            "string",
            f"policy_definition_id of Config's built-in rule {builtin.name} ({builtin.why}); "
            f'the provider\'s data source huaweicloud_rms_policy_definitions with name = "{builtin.name}" gives it',
        )
        resource = {
            "name": builtin.name,
            "description": f"Config's built-in rule {builtin.name}: {builtin.why}",
            "policy_definition_id": f"${{var.{builtin.variable}}}",
        }
        if builtin.periodic:
            resource["period"] = rule.period
        else:
            resource["policy_filter"] = [dict(TRACKERS_FILTER)]
        assignments[builtin.resource] = resource
    return {
        "terraform": {"required_providers": {"huaweicloud": dict(PACKAGE_PROVIDER)}},
        "variable": variables,
        "resource": {"huaweicloud_rms_policy_assignment": assignments},
    }


def _parameters(resource_type: Optional[str]) -> str:
    """The assignment's parameters, each JSON-encoded as the provider takes them: data_events and
    regions only when set (the function refuses an empty one; unset, its own settings apply, as
    with the deployer's assignments), resource_type on a typed assignment."""
    optional = (
        '{ for k, v in { data_events = var.data_events, regions = var.regions } : k => jsonencode(v) if v != "" }'
    )
    if resource_type is None:
        return f"${{{optional}}}"
    return f"${{merge({optional}, {{ resource_type = jsonencode({resource_type}) }})}}"


def _rule(template: Template) -> ConfigRule:
    return template.config_rule or ConfigRule(name="cts-coverage")


def _wrapper(template: Template, organization: bool) -> Dict[str, Any]:
    """A Terraform root that deploys the package: one account's (huaweicloud_rms_assignment_package)
    or, from the management account, the organization's."""
    content = package(template)
    text = json.dumps(content, indent=2, ensure_ascii=False)
    variables: Dict[str, Any] = {
        "region": _variable("string", "Region of the provider (Config is global)", template.region),
        "function_urn": _variable("string", content["variable"]["function_urn"]["description"]),
        "package_name": _variable("string", "Name of the conformance package", "cts-autotracker"),
    }
    data = {
        builtin.resource: {"name": builtin.name, "policy_type": "builtin"}
        for builtin in BUILT_INS  # the ids of the built-in rules, found by their documented names
    }
    values = [{"var_key": "function_urn", "var_value": "${jsonencode(var.function_urn)}"}]
    values += [
        {
            "var_key": builtin.variable,
            "var_value": f"${{jsonencode({DEFINITIONS}.{builtin.resource}.definitions[0].id)}}",
        }
        for builtin in BUILT_INS
    ]
    body: Dict[str, Any] = {
        "name": "${var.package_name}",
        "template_body": f'${{file("${{path.module}}/../{PACKAGE_FILE}")}}',
        "vars_structure": values,
    }
    if organization:
        variables["organization_id"] = _variable("string", "The organization's id (Organizations)")
        variables["excluded_accounts"] = _variable("list(string)", "Member accounts the package is not deployed to", [])
        body = {"organization_id": "${var.organization_id}", **body, "excluded_accounts": "${var.excluded_accounts}"}
        kind = "huaweicloud_rms_organizational_assignment_package"
    else:
        kind = "huaweicloud_rms_assignment_package"
    if len(text) > MAX_TEMPLATE_BODY:
        raise ValueError(f"the package is {len(text)} characters; template_body allows {MAX_TEMPLATE_BODY}")
    return {
        "terraform": {"required_providers": {"huaweicloud": dict(WRAPPER_PROVIDER)}},
        "provider": {"huaweicloud": {"region": "${var.region}"}},
        "variable": variables,
        "data": {"huaweicloud_rms_policy_definitions": data},
        "resource": {kind: {"autotracker": body}},
    }


def emit_conformance_package(template: Template, directory: pathlib.Path) -> List[pathlib.Path]:
    """Write the package and its two deploying roots into `directory`; returns their paths."""
    written = []
    for relative, content in (
        (PACKAGE_FILE, package(template)),
        ("account/main.tf.json", _wrapper(template, organization=False)),
        ("organization/main.tf.json", _wrapper(template, organization=True)),
    ):
        path = directory / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(content, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
    return written
