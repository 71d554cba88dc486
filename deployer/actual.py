"""What the cloud holds now, read with GET calls only (the plan must never change anything).

Reads, in order: the SMN topic(s) by name, the agency by name, the account's custom policies,
the agency's all-projects grants, the function's config, its async-invoke config and triggers,
and (with a `config_rule`) the account's Config policy assignments and their remediation
configurations.
A resource that does not exist is None (or empty), never an error.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Dict, List, Optional, Set

from deployer import remediation
from deployer.clients import Clients
from deployer.desired import Desired

POLICY_PAGE = 300


@dataclass
class Actual:
    topics: Dict[str, Dict[str, Any]] = field(default_factory=dict)  # name -> topic
    agency: Optional[Dict[str, Any]] = None
    policies: Dict[str, Dict[str, Any]] = field(default_factory=dict)  # display_name -> role
    grants: Set[str] = field(default_factory=set)  # role ids granted on all projects
    function: Optional[Dict[str, Any]] = None
    async_config: Optional[Dict[str, Any]] = None
    triggers: List[Dict[str, Any]] = field(default_factory=list)
    assignments: Dict[str, Dict[str, Any]] = field(default_factory=dict)  # Config policy assignments by name
    remediations: Dict[str, Dict[str, Any]] = field(default_factory=dict)  # their remediation configs, by name


def _json(response: Any) -> Any:
    return response.to_json_object() if response is not None else None


def read_actual(clients: Clients, desired: Desired) -> Actual:
    from huaweicloudsdkfunctiongraph.v2 import (
        ListFunctionTriggersRequest,
        ShowFunctionAsyncInvokeConfigRequest,
        ShowFunctionConfigRequest,
    )
    from huaweicloudsdkiam.v3 import (
        ListAgenciesRequest,
        ListAllProjectsPermissionsForAgencyRequest,
        ListCustomPoliciesRequest,
    )
    from huaweicloudsdksmn.v2 import ListTopicsRequest

    actual = Actual()
    for name in {desired.template.smn_topic.name, desired.on_failure_topic} - {None}:
        request = ListTopicsRequest(name=name, limit=100)
        found = _json(clients.call("SMN ListTopics", partial(clients.smn.list_topics, request)))
        for topic in found.get("topics") or []:
            if topic.get("name") == name:
                actual.topics[str(name)] = topic

    agency_name = desired.template.agency.name
    request = ListAgenciesRequest(domain_id=desired.domain_id, name=agency_name)
    agencies = _json(clients.call("IAM ListAgencies", lambda: clients.iam.list_agencies(request)))
    actual.agency = next((a for a in agencies.get("agencies") or [] if a.get("name") == agency_name), None)

    wanted = {policy.display_name for policy in desired.policies}
    page = 1
    while True:
        request = ListCustomPoliciesRequest(page=page, per_page=POLICY_PAGE)
        roles = (
            _json(clients.call("IAM ListCustomPolicies", partial(clients.iam.list_custom_policies, request))).get(
                "roles"
            )
            or []
        )
        for role in roles:
            if role.get("display_name") in wanted:
                actual.policies[role["display_name"]] = role
        if len(roles) < POLICY_PAGE:
            break
        page += 1

    if actual.agency is not None:
        request = ListAllProjectsPermissionsForAgencyRequest(agency_id=actual.agency["id"], domain_id=desired.domain_id)
        grants = _json(
            clients.call(
                "IAM ListAllProjectsPermissionsForAgency",
                lambda: clients.iam.list_all_projects_permissions_for_agency(request),
            )
        )
        actual.grants = {role["id"] for role in grants.get("roles") or []}

    urn = desired.function_urn
    actual.function = _json(
        clients.find(
            "FunctionGraph ShowFunctionConfig",
            lambda: clients.fgs.show_function_config(ShowFunctionConfigRequest(function_urn=urn)),
        )
    )
    if actual.function is not None:
        actual.async_config = _json(
            clients.find(
                "FunctionGraph ShowFunctionAsyncInvokeConfig",
                lambda: clients.fgs.show_function_async_invoke_config(
                    ShowFunctionAsyncInvokeConfigRequest(function_urn=urn)
                ),
            )
        )
        triggers = clients.call(
            "FunctionGraph ListFunctionTriggers",
            lambda: clients.fgs.list_function_triggers(ListFunctionTriggersRequest(function_urn=urn)),
        )
        actual.triggers = [_trigger(item) for item in (triggers.body or [])]
    wanted_assignments = {body["name"] for body in desired.config_assignments()}
    if wanted_assignments:
        actual.assignments = _assignments(clients, wanted_assignments)
        for name, assignment in sorted(actual.assignments.items()):
            config = remediation.show(clients, assignment["id"])
            if config is not None:
                actual.remediations[name] = config
    return actual


def _assignments(clients: Clients, names: Set[str]) -> Dict[str, Dict[str, Any]]:
    """The account's Config policy assignments with these names (ListPolicyAssignments takes no
    paging parameters in SDK 3.1.219: it answers them all)."""
    from huaweicloudsdkrms.v1 import ListPolicyAssignmentsRequest

    listing = partial(clients.rms.list_policy_assignments, ListPolicyAssignmentsRequest())
    page = _json(clients.call("Config ListPolicyAssignments", listing))
    return {item["name"]: item for item in page.get("value") or [] if item.get("name") in names}


def _trigger(item: Any) -> Dict[str, Any]:
    data = item.to_dict() if hasattr(item, "to_dict") else dict(item)
    event = data.get("event_data") or {}
    return {
        "trigger_id": data.get("trigger_id"),
        "trigger_type_code": data.get("trigger_type_code"),
        "trigger_status": data.get("trigger_status"),
        "event_data": {key: value for key, value in event.items() if value is not None},
    }


def encrypted_names(function: Dict[str, Any]) -> Optional[List[str]]:
    """The names in a function's encrypted user data, when the service shows them; else None."""
    raw = function.get("encrypted_user_data")
    if not raw:
        return []
    try:
        parsed = json.loads(raw)
    except (TypeError, ValueError):
        return None
    return sorted(parsed) if isinstance(parsed, dict) else None
