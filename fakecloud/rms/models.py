"""Config (RMS): custom-rule policy assignments, their remediation configurations, and the policy
states a rule's function reports.

Remediation configurations follow the API pages (CreateOrUpdateRemediationConfiguration,
ShowRemediationConfiguration, DeleteRemediationConfiguration): one per assignment; `target_type`
`fgs` (a function URN) or `rfs` (a template name and version); `resource_parameter.resource_id`
required (the parameter name the resource id is passed in); `maximum_attempts` 1-25 (default 5),
`retry_attempt_seconds` 60-43,200 (default 3600); `auth_type` agency or trustAgency;
`target_region_id` / `target_project_id` optional (the project required with the region). A PUT
answers the configuration, a DELETE answers 202.

The error codes are fakecloud's own (the API pages list none for these refusals):
400 RMS.00010001 invalid input, 403 RMS.00010003 another account, 404 RMS.00010004 no such
assignment.
"""

from __future__ import annotations

import copy
import re
import threading
import uuid
from datetime import datetime, timezone
from typing import Any

from fakecloud.core.errors import ServiceError

INVALID, FORBIDDEN, NOT_FOUND = "RMS.00010001", "RMS.00010003", "RMS.00010004"
PERIODS = ("One_Hour", "Three_Hours", "Six_Hours", "Twelve_Hours", "TwentyFour_Hours")
STATES = ("Compliant", "NonCompliant")
TRIGGERS = ("resource", "period")
TARGET_TYPES = ("fgs", "rfs")
AUTH_TYPES = ("agency", "trustAgency")
_NAME = re.compile(r"^[A-Za-z0-9_.\-\u4e00-\u9fa5]{1,64}$")
_URN = re.compile(
    r"^urn:fss:[a-z0-9-]+:[A-Za-z0-9]+:function:[A-Za-z0-9_-]+:[A-Za-z][A-Za-z0-9_-]*(:[A-Za-z0-9_.-]+)?$"
)
# PolicyResource: every field is optional on the API page (Config's periodic sample sends the
# account record with `resource_provider` and `resource_type` null); a state is kept per
# `resource_id`, so fakecloud requires that one.
_RESOURCE_FIELDS = ("resource_id", "resource_name", "resource_provider", "resource_type", "region_id", "domain_id")


def _bad(msg: str) -> ServiceError:
    return ServiceError(400, INVALID, msg)


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class RmsBackend:
    def __init__(self, domain_id: str) -> None:
        self.domain_id = domain_id
        self._lock = threading.Lock()
        self._assignments: dict[str, dict[str, Any]] = {}
        self._states: dict[tuple[str, str], dict[str, Any]] = {}
        self._remediations: dict[str, dict[str, Any]] = {}  # by assignment id

    def _check_domain(self, domain_id: str) -> None:
        if domain_id != self.domain_id:
            raise ServiceError(403, FORBIDDEN, "The domain_id is not the caller's account.")

    # ----- seeding and inspection (tests) ---------------------------------------------------
    def add_assignment(
        self, name: str, function_urn: str, resource_type: str = "buckets", assignment_id: str | None = None
    ) -> str:
        """A custom rule's assignment, as the console would create it; returns its id."""
        provider = "obs" if resource_type == "buckets" else "iam"
        scope = {"resource_provider": provider, "resource_type": resource_type}
        record = self._record(name, "", "TwentyFour_Hours", scope, function_urn, {})
        if assignment_id is not None:
            record["id"] = assignment_id
        with self._lock:
            self._assignments[record["id"]] = record
        return str(record["id"])

    def states(self, assignment_id: str | None = None) -> list[dict[str, Any]]:
        """The latest state of each (assignment, resource), as the function reported it."""
        with self._lock:
            found = [s for (a, _), s in self._states.items() if assignment_id in (None, a)]
            return copy.deepcopy(found)

    def remediation(self, assignment_id: str) -> dict[str, Any] | None:
        with self._lock:
            found = self._remediations.get(assignment_id)
            return copy.deepcopy(found) if found is not None else None

    @property
    def assignments(self) -> list[dict[str, Any]]:
        with self._lock:
            return copy.deepcopy(list(self._assignments.values()))

    # ----- policy assignments (the deployer) ---------------------------------------------------
    def _record(
        self,
        name: str,
        description: str,
        period: str,
        policy_filter: dict[str, Any],
        urn: str,
        parameters: dict[str, Any],
    ) -> dict[str, Any]:
        now = _now()
        return {
            "id": uuid.uuid4().hex[:24],
            "name": name,
            "description": description,
            "policy_assignment_type": "custom",
            "state": "Enabled",
            "period": period,
            "policy_filter": policy_filter,
            "custom_policy": {"function_urn": urn, "auth_type": "agency", "auth_value": {}},
            "parameters": parameters,
            "created": now,
            "updated": now,
        }

    def _checked(self, body: Any) -> dict[str, Any]:
        if not isinstance(body, dict):
            raise _bad("The request body must be a JSON object.")
        if body.get("policy_assignment_type") != "custom":
            raise _bad("policy_assignment_type: only custom assignments are modelled.")
        name = body.get("name")
        if not isinstance(name, str) or not _NAME.match(name):
            raise _bad("name: 1-64 letters, digits, '_', '-' or '.'.")
        period = body.get("period")
        if period is not None and period not in PERIODS:
            raise _bad(f"period: one of {', '.join(PERIODS)}.")
        custom = body.get("custom_policy")
        if not isinstance(custom, dict) or not isinstance(custom.get("function_urn"), str):
            raise _bad("custom_policy.function_urn is required for a custom assignment.")
        if not _URN.match(custom["function_urn"]):
            raise _bad("custom_policy.function_urn is not a FunctionGraph function URN.")
        if custom.get("auth_type") not in ("agency", None):
            raise _bad("custom_policy.auth_type: agency.")
        policy_filter = body.get("policy_filter") or {}
        if not isinstance(policy_filter, dict):
            raise _bad("policy_filter must be an object.")
        if period is not None and policy_filter:
            raise _bad("period and policy_filter cannot both be set: a rule is periodic or resource-triggered.")
        parameters = body.get("parameters") or {}
        if not isinstance(parameters, dict) or not all(
            isinstance(v, dict) and "value" in v for v in parameters.values()
        ):
            raise _bad("parameters: {name: {value: ...}}.")
        description = body.get("description") or ""
        if not isinstance(description, str) or len(description) > 512:
            raise _bad("description: at most 512 characters.")
        return {
            "name": name,
            "description": description,
            "period": period,
            "policy_filter": copy.deepcopy(policy_filter),
            "custom_policy": copy.deepcopy(custom),
            "parameters": copy.deepcopy(parameters),
        }

    def create_assignment(self, domain_id: str, body: Any) -> dict[str, Any]:
        self._check_domain(domain_id)
        fields = self._checked(body)
        with self._lock:
            if any(a["name"] == fields["name"] for a in self._assignments.values()):
                raise _bad(f"A policy assignment named {fields['name']} already exists.")
            record = self._record(
                fields["name"],
                fields["description"],
                fields["period"],
                fields["policy_filter"],
                fields["custom_policy"]["function_urn"],
                fields["parameters"],
            )
            record["custom_policy"] = fields["custom_policy"]
            self._assignments[record["id"]] = record
            return copy.deepcopy(record)

    def list_assignments(self, domain_id: str) -> list[dict[str, Any]]:
        self._check_domain(domain_id)
        return self.assignments

    def update_assignment(self, domain_id: str, assignment_id: str, body: Any) -> dict[str, Any]:
        self._check_domain(domain_id)
        fields = self._checked(body)
        with self._lock:
            record = self._assignments.get(assignment_id)
            if record is None:
                raise ServiceError(404, NOT_FOUND, "The policy assignment does not exist.")
            record.update(fields)
            record["updated"] = _now()
            return copy.deepcopy(record)

    def delete_assignment(self, domain_id: str, assignment_id: str) -> None:
        self._check_domain(domain_id)
        with self._lock:
            if self._assignments.pop(assignment_id, None) is None:
                raise ServiceError(404, NOT_FOUND, "The policy assignment does not exist.")
            self._remediations.pop(assignment_id, None)
            self._states = {key: state for key, state in self._states.items() if key[0] != assignment_id}

    # ----- remediation configurations (the deployer) -------------------------------------------
    def _remediation_checked(self, body: Any) -> dict[str, Any]:
        if not isinstance(body, dict):
            raise _bad("The request body must be a JSON object.")
        target_type, target_id = body.get("target_type"), body.get("target_id")
        if target_type not in TARGET_TYPES:
            raise _bad(f"target_type: one of {', '.join(TARGET_TYPES)}.")
        if not isinstance(target_id, str) or not target_id:
            raise _bad("target_id is required.")
        if target_type == "fgs" and not _URN.match(target_id):
            raise _bad("target_id: a FunctionGraph function URN when target_type is fgs.")
        resource = body.get("resource_parameter")
        if not isinstance(resource, dict) or not isinstance(resource.get("resource_id"), str):
            raise _bad("resource_parameter.resource_id is required.")
        automatic = body.get("automatic", False)
        if not isinstance(automatic, bool):
            raise _bad("automatic must be a boolean.")
        attempts = body.get("maximum_attempts", 5)
        seconds = body.get("retry_attempt_seconds", 3600)
        if isinstance(attempts, bool) or not isinstance(attempts, int) or not 1 <= attempts <= 25:
            raise _bad("maximum_attempts: 1-25.")
        if isinstance(seconds, bool) or not isinstance(seconds, int) or not 60 <= seconds <= 43200:
            raise _bad("retry_attempt_seconds: 60-43200.")
        static = body.get("static_parameter") or []
        if not isinstance(static, list) or not all(
            isinstance(item, dict) and isinstance(item.get("var_key"), str) and item["var_key"] for item in static
        ):
            raise _bad("static_parameter: [{var_key, var_value}].")
        region, project = body.get("target_region_id"), body.get("target_project_id")
        for name, value in (("target_region_id", region), ("target_project_id", project)):
            if value is not None and (not isinstance(value, str) or not 1 <= len(value) <= 36):
                raise _bad(f"{name}: 1-36 characters.")
        if region is not None and project is None:
            raise _bad("target_project_id is required when target_region_id is given.")
        auth_type, auth_value = body.get("auth_type"), body.get("auth_value")
        if auth_type is not None and auth_type not in AUTH_TYPES:
            raise _bad(f"auth_type: one of {', '.join(AUTH_TYPES)}.")
        if auth_value is not None and (not isinstance(auth_value, str) or len(auth_value) > 512):
            raise _bad("auth_value: a string of at most 512 characters.")
        return {
            "automatic": automatic,
            "target_type": target_type,
            "target_id": target_id,
            "target_region_id": region,
            "target_project_id": project,
            "static_parameter": copy.deepcopy(static),
            "resource_parameter": {"resource_id": resource["resource_id"]},
            "maximum_attempts": attempts,
            "retry_attempt_seconds": seconds,
            "auth_type": auth_type,
            "auth_value": auth_value,
        }

    def put_remediation(self, domain_id: str, assignment_id: str, body: Any) -> dict[str, Any]:
        self._check_domain(domain_id)
        fields = self._remediation_checked(body)
        with self._lock:
            if assignment_id not in self._assignments:
                raise ServiceError(404, NOT_FOUND, "The policy assignment does not exist.")
            now = _now()
            old = self._remediations.get(assignment_id)
            record = {
                "id": old["id"] if old else uuid.uuid4().hex[:24],
                "policy_assignment_id": assignment_id,
                **fields,
                "created_at": old["created_at"] if old else now,
                "updated_at": now,
                "created_by": "custom",
            }
            self._remediations[assignment_id] = record
            return copy.deepcopy(record)

    def show_remediation(self, domain_id: str, assignment_id: str) -> dict[str, Any]:
        self._check_domain(domain_id)
        with self._lock:
            if assignment_id not in self._assignments:
                raise ServiceError(404, NOT_FOUND, "The policy assignment does not exist.")
            record = self._remediations.get(assignment_id)
            if record is None:
                raise ServiceError(404, NOT_FOUND, "The remediation configuration does not exist.")
            return copy.deepcopy(record)

    def delete_remediation(self, domain_id: str, assignment_id: str) -> None:
        self._check_domain(domain_id)
        with self._lock:
            if assignment_id not in self._assignments:
                raise ServiceError(404, NOT_FOUND, "The policy assignment does not exist.")
            if self._remediations.pop(assignment_id, None) is None:
                raise ServiceError(404, NOT_FOUND, "The remediation configuration does not exist.")

    # ----- policy states (the rule's function) -----------------------------------------------
    def update_policy_state(self, domain_id: str, body: Any) -> dict[str, Any]:
        self._check_domain(domain_id)
        if not isinstance(body, dict):
            raise _bad("The request body must be a JSON object.")
        resource = body.get("policy_resource")
        if not isinstance(resource, dict):
            raise _bad("policy_resource is required.")
        wrong = [name for name in _RESOURCE_FIELDS if not isinstance(resource.get(name), (str, type(None)))]
        if wrong:
            raise _bad("policy_resource: " + ", ".join(wrong) + " must be strings.")
        if not resource.get("resource_id"):
            raise _bad("policy_resource: resource_id required.")
        if resource.get("domain_id") not in (None, domain_id):
            raise _bad("policy_resource.domain_id must be the account in the path.")
        if body.get("trigger_type") not in TRIGGERS:
            raise _bad("trigger_type: resource or period.")
        if body.get("compliance_state") not in STATES:
            raise _bad("compliance_state: Compliant or NonCompliant.")
        for name in ("policy_assignment_id", "evaluation_time", "evaluation_hash"):
            if not isinstance(body.get(name), str) or not body[name]:
                raise _bad(f"{name} is required (a string).")
        with self._lock:
            assignment = self._assignments.get(body["policy_assignment_id"])
            if assignment is None:
                raise ServiceError(404, NOT_FOUND, "The policy assignment does not exist.")
            given = body.get("policy_assignment_name")
            if given is not None and given != assignment["name"]:
                raise _bad("policy_assignment_name does not match the assignment.")
            state = {**copy.deepcopy(body), "policy_assignment_name": assignment["name"]}
            self._states[(assignment["id"], resource["resource_id"])] = state
            return copy.deepcopy(state)
