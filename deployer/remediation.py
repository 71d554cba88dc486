"""Config's remediation configuration of one policy assignment (GET, PUT, DELETE
`/v1/resource-manager/domains/{domain_id}/policy-assignments/{policy_assignment_id}/remediation-configuration`).

huaweicloudsdkrms 3.1.219 (the newest release) has no remediation operations or models, so these
go through the RMS client's own `call_api`: the SDK still signs, sends and raises its
`ServiceResponseException`, and the domain id in the path is filled in from its global
credentials. Bodies are plain dicts as the API pages give them.
"""

from __future__ import annotations

import json
from functools import partial
from typing import Any, Dict, Optional

from huaweicloudsdkcore.sdk_response import SdkResponse

from deployer.clients import Clients

PATH = "/v1/resource-manager/domains/{domain_id}/policy-assignments/{policy_assignment_id}/remediation-configuration"
MANAGED = (
    "target_type",
    "target_id",
    "automatic",
    "maximum_attempts",
    "retry_attempt_seconds",
    "resource_parameter",
    "static_parameter",
    "auth_type",
    "auth_value",
)


class _Raw(SdkResponse):
    """An answer the SDK keeps as `raw_content` (no model of its own to read it into)."""

    openapi_types: Dict[str, str] = {}
    attribute_map: Dict[str, str] = {}


def _request(clients: Clients, method: str, assignment_id: str, body: Optional[Dict[str, Any]] = None) -> Any:
    answer = clients.rms.call_api(
        PATH,
        method,
        path_params={"policy_assignment_id": assignment_id},
        header_params={"Content-Type": "application/json"},
        body=body,
        response_type=_Raw,
    )
    raw = getattr(answer, "raw_content", b"") or b""
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return None


def show(clients: Clients, assignment_id: str) -> Optional[Dict[str, Any]]:
    """The assignment's remediation configuration, or None when it has none (404)."""
    answer = clients.find("Config ShowRemediationConfiguration", partial(_request, clients, "GET", assignment_id))
    return answer if isinstance(answer, dict) else None


def put(clients: Clients, assignment_id: str, body: Dict[str, Any]) -> None:
    put_it = partial(_request, clients, "PUT", assignment_id, body)
    clients.call("Config CreateOrUpdateRemediationConfiguration", put_it)


def delete(clients: Clients, assignment_id: str) -> None:
    clients.call("Config DeleteRemediationConfiguration", partial(_request, clients, "DELETE", assignment_id))


def managed(config: Optional[Dict[str, Any]]) -> Optional[Dict[str, Any]]:
    """The fields the deployer sets, as compared between the template and the cloud."""
    if config is None:
        return None
    return {name: config.get(name) for name in MANAGED}
