"""Carry out a plan through the official SDKs, in dependency order.

SMN topic -> agency -> custom policies -> all-projects grants -> function (create, or update its
config and/or code) -> async-invoke config -> triggers (replaced ones deleted, then created) ->
Config rule (its policy assignments, which need the function to exist) -> their remediation
configurations (which need the assignments).
Only the plan's pending changes are sent, so a converged deployment makes no mutating call.
Nothing is sent at all when the plan is blocked or a needed secret is missing.
"""

from __future__ import annotations

import base64
from functools import partial
from typing import Any, Callable, Dict, Optional, Tuple

from deployer import remediation
from deployer.actual import Actual
from deployer.clients import Clients, DeployError
from deployer.desired import FUNCTIONGRAPH_TRUST, Desired, DesiredTrigger
from deployer.plan import CREATE, DELETE, PENDING, REPLACE, Change, Plan

Log = Callable[[str], None]


def apply(plan: Plan, desired: Desired, actual: Actual, clients: Clients, log: Log) -> None:
    _preflight(plan, desired)
    _topic(plan, desired, clients, log)
    agency_id = _agency(plan, desired, actual, clients, log)
    role_ids = _policies(plan, desired, actual, clients, log)
    _grants(plan, desired, agency_id, role_ids, clients, log)
    urn = _function(plan, desired, actual, clients, log)
    _async(plan, desired, urn, clients, log)
    _triggers(plan, desired, actual, urn, clients, log)
    created = _config_rule(plan, desired, actual, clients, log)
    _remediations(plan, desired, actual, created, clients, log)


def _preflight(plan: Plan, desired: Desired) -> None:
    if plan.blocked:
        names = ", ".join(f"{change.resource} {change.name}" for change in plan.blocked)
        raise DeployError(f"the plan is blocked ({names}): nothing was changed")
    function = plan.of("function")
    reconfigure = any(
        change.action == CREATE or any(diff.field != "code" for diff in change.diffs)
        for change in function
        if change.action in PENDING
    )
    if reconfigure and desired.missing_secrets:
        raise DeployError(
            "encrypted_user_data " + ", ".join(desired.missing_secrets) + " not set in your environment: "
            "set it (its value is sent encrypted) and run again; nothing was changed"
        )
    if any(change.action == CREATE for change in function) and desired.code is None:
        raise DeployError("no package to create the function from: pass --package PATH; nothing was changed")


def _pending(plan: Plan, resource: str, name: str) -> Optional[Change]:
    return next((change for change in plan.of(resource, name) if change.action in PENDING), None)


def _topic(plan: Plan, desired: Desired, clients: Clients, log: Log) -> None:
    from huaweicloudsdksmn.v2 import CreateTopicRequest, CreateTopicRequestBody

    spec = desired.template.smn_topic
    if _pending(plan, "smn_topic", spec.name) is None:
        return
    body = CreateTopicRequestBody(name=spec.name, display_name=spec.display_name)
    response = clients.call("SMN CreateTopic", lambda: clients.smn.create_topic(CreateTopicRequest(body=body)))
    if response.topic_urn != desired.topic_urn:
        raise DeployError(f"SMN CreateTopic returned {response.topic_urn}, expected {desired.topic_urn}")
    log(f"created smn_topic {spec.name} ({response.topic_urn})")


def _agency(plan: Plan, desired: Desired, actual: Actual, clients: Clients, log: Log) -> str:
    from huaweicloudsdkiam.v3 import CreateAgencyOption, CreateAgencyRequest, CreateAgencyRequestBody

    name = desired.template.agency.name
    if _pending(plan, "agency", name) is None:
        assert actual.agency is not None
        return str(actual.agency["id"])
    option = CreateAgencyOption(
        name=name,
        domain_id=desired.domain_id,
        trust_domain_name=FUNCTIONGRAPH_TRUST,
        description="Lets the cts-autotracker function call CTS, SMN, OBS and IAM; managed by scripts/deploy.py",
        duration="FOREVER",
    )
    request = CreateAgencyRequest(body=CreateAgencyRequestBody(agency=option))
    response = clients.call("IAM CreateAgency", lambda: clients.iam.create_agency(request))
    log(f"created agency {name} (trusts {FUNCTIONGRAPH_TRUST})")
    return str(response.agency.id)


def _policies(plan: Plan, desired: Desired, actual: Actual, clients: Clients, log: Log) -> Dict[str, str]:
    from huaweicloudsdkiam.v3 import (
        CreateCloudServiceCustomPolicyRequest,
        CreateCloudServiceCustomPolicyRequestBody,
        ServicePolicy,
        ServicePolicyRoleOption,
        ServiceStatement,
        UpdateCloudServiceCustomPolicyRequest,
        UpdateCloudServiceCustomPolicyRequestBody,
    )

    ids: Dict[str, str] = {}
    for policy in desired.policies:
        existing = actual.policies.get(policy.display_name)
        change = _pending(plan, "custom_policy", policy.display_name)
        if change is None:
            assert existing is not None
            ids[policy.display_name] = str(existing["id"])
            continue
        role = ServicePolicyRoleOption(
            display_name=policy.display_name,
            type=policy.type,
            description=policy.description,
            policy=ServicePolicy(
                version="1.1",
                statement=[
                    ServiceStatement(action=st["Action"], effect=st["Effect"], resource=st.get("Resource"))
                    for st in policy.statements()
                ],
            ),
        )
        if change.action == CREATE:
            request = CreateCloudServiceCustomPolicyRequest(body=CreateCloudServiceCustomPolicyRequestBody(role=role))
            response = clients.call(
                "IAM CreateCloudServiceCustomPolicy",
                partial(clients.iam.create_cloud_service_custom_policy, request),
            )
            log(f"created custom_policy {policy.display_name} ({policy.type}: {policy.describe()})")
        else:
            assert existing is not None
            update = UpdateCloudServiceCustomPolicyRequest(
                role_id=existing["id"], body=UpdateCloudServiceCustomPolicyRequestBody(role=role)
            )
            response = clients.call(
                "IAM UpdateCloudServiceCustomPolicy", partial(clients.iam.update_cloud_service_custom_policy, update)
            )
            log(f"updated custom_policy {policy.display_name} ({'; '.join(map(str, change.diffs))})")
        ids[policy.display_name] = str(response.role.id)
    return ids


def _grants(plan: Plan, desired: Desired, agency_id: str, role_ids: Dict[str, str], clients: Clients, log: Log) -> None:
    from huaweicloudsdkiam.v3 import AssociateAgencyWithAllProjectsPermissionRequest

    agency = desired.template.agency.name
    for policy in desired.policies:
        if _pending(plan, "grant", policy.display_name) is None:
            continue
        request = AssociateAgencyWithAllProjectsPermissionRequest(
            agency_id=agency_id, domain_id=desired.domain_id, role_id=role_ids[policy.display_name]
        )
        clients.call(
            "IAM AssociateAgencyWithAllProjectsPermission",
            partial(clients.iam.associate_agency_with_all_projects_permission, request),
        )
        log(f"granted {policy.display_name} to {agency} on all resources")


def _code(desired: Desired) -> Any:
    from huaweicloudsdkfunctiongraph.v2 import FuncCode

    assert desired.code is not None
    return FuncCode(file=base64.b64encode(desired.code.data).decode("ascii"))


def _function(plan: Plan, desired: Desired, actual: Actual, clients: Clients, log: Log) -> str:
    from huaweicloudsdkfunctiongraph.v2 import (
        CreateFunctionRequest,
        CreateFunctionRequestBody,
        UpdateFunctionCodeRequest,
        UpdateFunctionCodeRequestBody,
        UpdateFunctionConfigRequest,
        UpdateFunctionConfigRequestBody,
    )

    name = desired.function_name
    change = _pending(plan, "function", name)
    if change is None:
        assert actual.function is not None
        return str(actual.function["func_urn"])
    config = desired.function_config()
    if change.action == CREATE:
        assert desired.code is not None
        body = CreateFunctionRequestBody(
            package=desired.template.function.app,
            code_type="zip",
            code_filename=desired.code.filename,
            func_code=_code(desired),
            **config,
        )
        response = clients.call(
            "FunctionGraph CreateFunction", lambda: clients.fgs.create_function(CreateFunctionRequest(body=body))
        )
        log(f"created function {name} ({response.func_urn})")
        return str(response.func_urn)
    urn = str(actual.function["func_urn"]) if actual.function else desired.function_urn
    fields = [diff.field for diff in change.diffs]
    if any(field != "code" for field in fields):
        request = UpdateFunctionConfigRequest(function_urn=urn, body=UpdateFunctionConfigRequestBody(**config))
        clients.call("FunctionGraph UpdateFunctionConfig", lambda: clients.fgs.update_function_config(request))
        log(f"updated function {name} config ({', '.join(f for f in fields if f != 'code')})")
    if "code" in fields:
        assert desired.code is not None
        code_body = UpdateFunctionCodeRequestBody(
            code_type="zip", code_filename=desired.code.filename, func_code=_code(desired)
        )
        code_request = UpdateFunctionCodeRequest(function_urn=urn, body=code_body)
        clients.call("FunctionGraph UpdateFunctionCode", lambda: clients.fgs.update_function_code(code_request))
        log(f"updated function {name} code ({desired.code.describe()})")
    return urn


def _async(plan: Plan, desired: Desired, urn: str, clients: Clients, log: Log) -> None:
    from huaweicloudsdkfunctiongraph.v2 import (
        FuncAsyncDestinationConfig,
        FuncDestinationConfig,
        UpdateFunctionAsyncInvokeConfigRequest,
        UpdateFunctionAsyncInvokeConfigRequestBody,
    )

    change = _pending(plan, "async_invoke", desired.function_name)
    if change is None:
        return
    want = desired.async_config()
    failure = want.get("on_failure")
    destinations = FuncAsyncDestinationConfig(on_failure=FuncDestinationConfig(**failure)) if failure else None
    body = UpdateFunctionAsyncInvokeConfigRequestBody(
        max_async_retry_attempts=want["max_async_retry_attempts"],
        max_async_event_age_in_seconds=want["max_async_event_age_in_seconds"],
        destination_config=destinations,
    )
    request = UpdateFunctionAsyncInvokeConfigRequest(function_urn=urn, body=body)
    clients.call(
        "FunctionGraph UpdateFunctionAsyncInvokeConfig",
        lambda: clients.fgs.update_function_async_invoke_config(request),
    )
    log(f"{'set' if change.action == CREATE else 'updated'} async_invoke of {desired.function_name}")


def _triggers(plan: Plan, desired: Desired, actual: Actual, urn: str, clients: Clients, log: Log) -> None:
    from huaweicloudsdkfunctiongraph.v2 import DeleteFunctionTriggerRequest

    existing = {(t["trigger_type_code"], (t.get("event_data") or {}).get("name")): t for t in actual.triggers}
    for removed in plan.of("trigger"):
        if removed.action == DELETE:  # no longer in the template
            _delete_trigger(existing[_trigger_key(removed.name)], urn, clients)
            log(f"deleted trigger {removed.name} ({removed.reason})")
    for trigger in desired.triggers:
        change = _pending(plan, "trigger", f"{trigger.type} {trigger.name}")
        if change is None:
            continue
        if change.action == REPLACE:
            old = existing[trigger.key]
            request = DeleteFunctionTriggerRequest(
                function_urn=urn, trigger_type_code=trigger.type, trigger_id=old["trigger_id"]
            )
            clients.call("FunctionGraph DeleteFunctionTrigger", partial(clients.fgs.delete_function_trigger, request))
            log(f"deleted trigger {trigger.type} {trigger.name} (to replace it)")
        _create_trigger(trigger, urn, clients)
        log(f"created trigger {trigger.type} {trigger.name}")


def _create_trigger(trigger: DesiredTrigger, urn: str, clients: Clients) -> None:
    from huaweicloudsdkfunctiongraph.v2 import (
        CreateFunctionTriggerRequest,
        CreateFunctionTriggerRequestBody,
        TriggerEventDataRequestBody,
    )

    body = CreateFunctionTriggerRequestBody(
        trigger_type_code=trigger.type,
        trigger_status="ACTIVE",
        event_data=TriggerEventDataRequestBody(**trigger.event_data),
    )
    request = CreateFunctionTriggerRequest(function_urn=urn, body=body)
    clients.call("FunctionGraph CreateFunctionTrigger", lambda: clients.fgs.create_function_trigger(request))


def _config_rule(plan: Plan, desired: Desired, actual: Actual, clients: Clients, log: Log) -> Dict[str, str]:
    """Create or update the assignments; returns the ids of those created, by name."""
    from huaweicloudsdkrms.v1 import (
        CreatePolicyAssignmentsRequest,
        PolicyAssignmentRequestBody,
        UpdatePolicyAssignmentRequest,
    )

    created: Dict[str, str] = {}
    for body in desired.config_assignments():
        change = _pending(plan, "config_rule", body["name"])
        if change is None:
            continue
        payload = PolicyAssignmentRequestBody(**_assignment_model(body))
        if change.action == CREATE:
            request = CreatePolicyAssignmentsRequest(body=payload)
            answer = clients.call(
                "Config CreatePolicyAssignments", partial(clients.rms.create_policy_assignments, request)
            )
            created[body["name"]] = str(answer.id)
            log(f"created config_rule {body['name']}")
        else:
            assignment_id = actual.assignments[body["name"]]["id"]
            update = UpdatePolicyAssignmentRequest(policy_assignment_id=assignment_id, body=payload)
            clients.call("Config UpdatePolicyAssignment", partial(clients.rms.update_policy_assignment, update))
            log(f"updated config_rule {body['name']} ({', '.join(d.field for d in change.diffs)})")
    return created


def _remediations(
    plan: Plan, desired: Desired, actual: Actual, created: Dict[str, str], clients: Clients, log: Log
) -> None:
    """Each assignment's remediation configuration, once the assignment exists."""
    wanted = desired.remediation_configs()
    for body in desired.config_assignments():
        name = body["name"]
        change = _pending(plan, "remediation", name)
        if change is None:
            continue
        assignment_id = created.get(name) or actual.assignments[name]["id"]
        if change.action == DELETE:
            remediation.delete(clients, assignment_id)
            log(f"deleted remediation {name}")
        else:
            remediation.put(clients, assignment_id, wanted[name])
            log(f"{'created' if change.action == CREATE else 'updated'} remediation {name}")


def _assignment_model(body: Dict[str, Any]) -> Dict[str, Any]:
    from huaweicloudsdkrms.v1 import CustomPolicy, PolicyFilterDefinition, PolicyParameterValue

    model = {
        **body,
        "custom_policy": CustomPolicy(**body["custom_policy"]),
        "parameters": {name: PolicyParameterValue(**value) for name, value in body["parameters"].items()},
    }
    if "policy_filter" in body:
        model["policy_filter"] = PolicyFilterDefinition(**body["policy_filter"])
    return model


def _trigger_key(label: str) -> Tuple[str, Optional[str]]:
    kind, _, name = label.partition(" ")
    return kind, (None if name == "None" else name)


def _delete_trigger(trigger: Dict[str, Any], urn: str, clients: Clients) -> None:
    from huaweicloudsdkfunctiongraph.v2 import DeleteFunctionTriggerRequest

    request = DeleteFunctionTriggerRequest(
        function_urn=urn, trigger_type_code=trigger["trigger_type_code"], trigger_id=trigger["trigger_id"]
    )
    clients.call("FunctionGraph DeleteFunctionTrigger", partial(clients.fgs.delete_function_trigger, request))


def destroy(plan: Plan, desired: Desired, actual: Actual, clients: Clients, log: Log) -> None:
    """Carry out a destroy plan (plan.destroy_plan) in its order; kept resources are not touched."""
    from huaweicloudsdkfunctiongraph.v2 import DeleteFunctionRequest
    from huaweicloudsdkiam.v3 import (
        DeleteAgencyRequest,
        DeleteCustomPolicyRequest,
        RemoveAllProjectsPermissionFromAgencyRequest,
    )
    from huaweicloudsdkrms.v1 import DeletePolicyAssignmentRequest
    from huaweicloudsdksmn.v2 import DeleteTopicRequest

    existing = {(t["trigger_type_code"], (t.get("event_data") or {}).get("name")): t for t in actual.triggers}
    roles = {role["display_name"]: role for role in actual.policies.values()}
    urn = desired.function_urn
    for change in plan.pending:
        what = f"{change.resource} {change.name}"
        if change.resource == "remediation":
            remediation.delete(clients, actual.assignments[change.name]["id"])
        elif change.resource == "config_rule":
            assignment = actual.assignments[change.name]["id"]
            request: Any = DeletePolicyAssignmentRequest(policy_assignment_id=assignment)
            clients.call("Config DeletePolicyAssignment", partial(clients.rms.delete_policy_assignment, request))
        elif change.resource == "trigger":
            _delete_trigger(existing[_trigger_key(change.name)], urn, clients)
        elif change.resource == "function":
            request = DeleteFunctionRequest(function_urn=urn)
            clients.call("FunctionGraph DeleteFunction", partial(clients.fgs.delete_function, request))
        elif change.resource == "grant":
            assert actual.agency is not None
            request = RemoveAllProjectsPermissionFromAgencyRequest(
                domain_id=desired.domain_id, agency_id=actual.agency["id"], role_id=roles[change.name]["id"]
            )
            remove = partial(clients.iam.remove_all_projects_permission_from_agency, request)
            clients.call("IAM RemoveAllProjectsPermissionFromAgency", remove)
        elif change.resource == "agency":
            assert actual.agency is not None
            request = DeleteAgencyRequest(agency_id=actual.agency["id"])
            clients.call("IAM DeleteAgency", partial(clients.iam.delete_agency, request))
        elif change.resource == "custom_policy":
            request = DeleteCustomPolicyRequest(role_id=roles[change.name]["id"])
            clients.call("IAM DeleteCustomPolicy", partial(clients.iam.delete_custom_policy, request))
        elif change.resource == "smn_topic":
            request = DeleteTopicRequest(topic_urn=desired.topic_urn)
            clients.call("SMN DeleteTopic", partial(clients.smn.delete_topic, request))
        log(f"deleted {what}")
