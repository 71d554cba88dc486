"""The organization the flow tests run in: the function's name and URN, the member agency, a
context that names the function, the organization's environment, a member account, and one
invocation as FunctionGraph would deliver it. The fixtures (`org`, `env`, `run`) are
tests/flows/organization/conftest.py's."""

from __future__ import annotations

import copy
import json
import uuid
from typing import Any, Dict, List, Optional

import index

from autotracker.handler import TransientFailure
from fakecloud import FakeCloud, FakeOrganization
from fakecloud.core.dispatch import Call
from helpers.fanout import FANOUT_KEY
from helpers.world import PROJECT_ID, REGION, FakeContext, index_env_names

FUNCTION = "cts-autotracker"
URN = f"urn:fss:{REGION}:{PROJECT_ID}:function:default:{FUNCTION}:latest"
AGENCY = "cts_autotracker_member"


class FunctionContext(FakeContext):
    """A context that names the function, so the fan-out URN is derived, not configured."""

    def __init__(self, request_id: str = "coordinator-0001", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.request_id = request_id

    def getFunctionName(self) -> str:
        return FUNCTION

    def getVersion(self) -> str:
        return "latest"

    def getRequestID(self) -> str:
        return self.request_id

    def getUserData(self, key: str) -> str:
        return FANOUT_KEY if key == "FANOUT_KEY" else ""


def org_env() -> Dict[str, str]:
    return {
        "RUNTIME_PROJECT_ID": PROJECT_ID,
        "REGION": REGION,
        "TRACE_BUCKET": "trace-{account_id}",
        "SMN_TOPIC_URN": f"urn:smn:{REGION}:{PROJECT_ID}:autotracker-reports",
        "RETRY_BASE_DELAY_MS": "1",
        "ORGANIZATION_SWEEP": "true",
        "FANOUT_KEY": FANOUT_KEY,
    }


def member(org: FakeOrganization, name: str, agency: Optional[str] = AGENCY, status: str = "active") -> FakeCloud:
    cloud = org.add_member(name, agency=agency, status=status)
    cloud.add_project(REGION)
    cloud.add_project(f"{REGION}_dev")
    cloud.add_bucket(f"trace-{cloud.domain_id}", REGION)
    cloud.add_bucket(f"{name}-data", REGION)
    return cloud


def created(cloud: FakeCloud) -> List[Call]:
    return [call for call in cloud.calls_of("CreateTracker") if call.status < 300]


REPORTS = "org-reports"


def invoke(org: FakeOrganization, env: Dict[str, str], monkeypatch: Any, event: Any, context: Any) -> Any:
    """One invocation as FunctionGraph would deliver it (no queue run), its exception returned."""
    for name in list(index_env_names()):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with org.mock():
        try:
            return index.handler(copy.deepcopy(event), context)
        except TransientFailure as failure:
            return failure


def apig(body: Dict[str, Any]) -> Dict[str, Any]:
    return {
        "httpMethod": "POST",
        "path": "/autotracker",
        "headers": {"content-type": "application/json", "x-auth-token": f"iam-token-{uuid.uuid4().hex}"},
        "queryStringParameters": {},
        "body": json.dumps(body),
        "isBase64Encoded": False,
        "requestContext": {"requestId": "r-1"},
    }


def nothing_called_in_members(org: FakeOrganization) -> bool:
    return not org.management.sts.sessions and all(not cloud.calls for cloud in org.members())


def invite_trace(invited: str, recorded_in: str, where: str, caller: str) -> Dict[str, Any]:
    """An inviteAccount trace: the request names the invited account in `target.entity`; the
    trace's resource is the handshake, its caller the management account."""
    request: Dict[str, Any] = {"target": {"type": "account", "entity": invited}, "notes": "welcome"}
    response: Dict[str, Any] = {
        "handshake": {"id": "h0f1e2d3c4b5a6978", "target": {"type": "account", "entity": invited}, "state": "open"}
    }
    if where == "response":
        request = {"notes": "welcome"}
    return {
        "cts": {
            "time": 1764050520000,
            "user": {"name": "org-admin", "domain": {"name": "acme", "id": caller}},
            "request": request,
            "response": response,
            "code": 200,
            "service_type": "Organizations",
            "resource_type": "account",
            "resource_name": "h0f1e2d3c4b5a6978",
            "resource_id": "h0f1e2d3c4b5a6978",
            "trace_name": "inviteAccount",
            "trace_type": "ApiCall",
            "trace_id": "9a3e4f5c-9b7d-11ef-8c1a-0242ac120002",
            "trace_status": "normal",
            "domain_id": recorded_in,
            "tracker_name": "system",
        }
    }


class MemberDeployed(FunctionContext):
    """The function deployed in a member account: its agency's keys are the member's."""

    def __init__(self) -> None:
        super().__init__("c-member", ak="MEMBERAKPERMANENT001", sk="member-secret-key-00000000000000001", token=None)
