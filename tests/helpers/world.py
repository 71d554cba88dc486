"""The world every test runs in: one account's ids and credentials, a FunctionGraph-like context,
the sample events, the fake account (`make_cloud`) and the function's environment. Plain values and
functions; the fixtures that hand them to tests are in tests/conftest.py."""

from __future__ import annotations

import json
import pathlib
from typing import Any, Dict, Iterator, Optional

from autotracker.cloud.services import SERVICES
from fakecloud import FakeCloud

ROOT = pathlib.Path(__file__).resolve().parents[2]
REGION = "ap-southeast-1"
PROJECT_ID = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
NEW_PROJECT_ID = "5e6f708192a3b4c5d6e7f8091a2b3c4d"
AK = "AKTESTTEMPORARY0001"
SK = "sk-test-Zm9vYmFyYmF6cXV4cXV1eA-secret"
TOKEN = "token-test-gQpJ1bGciOiJSUzI1NiJ9-very-secret"
TRACE_BUCKET = "trace-archive"
TOPIC_URN = f"urn:smn:{REGION}:{PROJECT_ID}:autotracker-reports"
# The IAM action each call the function makes needs, by the fake's (service, action); "" when the
# API page says none. tests/deploy/test_policy.py and
# tests/flows/organization/test_organization_fanout.py hold the grants to it.
IAM_ACTIONS = {
    **{(service.name, call): action for service in SERVICES for call, action in service.actions.items()},
    # the deployer's, with a config_rule (deployer/policy.py remediation_grants; their API pages)
    ("rms", "ShowRemediationConfiguration"): "rms:policyAssignmentsRemediation:getRemediationConfiguration",
    ("rms", "CreateOrUpdateRemediationConfiguration"): "rms:policyAssignmentsRemediation:putRemediationConfiguration",
    ("rms", "DeleteRemediationConfiguration"): "rms:policyAssignmentsRemediation:deleteRemediationConfiguration",
}


class FakeContext:
    """The parts of FunctionGraph's context the function uses."""

    def __init__(self, ak: str = AK, sk: str = SK, token: Optional[str] = TOKEN, remaining_ms: int = 60_000):
        self._ak, self._sk, self._token = ak, sk, token
        self.remaining_ms = remaining_ms

    def getSecurityAccessKey(self) -> str:
        return self._ak

    def getSecuritySecretKey(self) -> str:
        return self._sk

    def getSecurityToken(self) -> Optional[str]:
        return self._token

    def getRemainingTimeInMilliSeconds(self) -> int:
        return self.remaining_ms

    def getRequestID(self) -> str:
        return "req-0001"

    def getUserData(self, key: str) -> str:
        return ""


def sample(name: str) -> Dict[str, Any]:
    return json.loads((ROOT / "events" / name).read_text())


def bucket_event(bucket: str, **overrides: Any) -> Dict[str, Any]:
    event = sample("cts-create-bucket.json")
    event["cts"].update({"resource_name": bucket, "resource_id": bucket})
    event["cts"].update(overrides)
    return event


def project_event(**overrides: Any) -> Dict[str, Any]:
    event = sample("cts-create-project.json")
    event["cts"].update(overrides)
    return event


def make_cloud() -> FakeCloud:
    """One account: main and analytics projects, the transfer bucket, two buckets, the report topic."""
    fake = FakeCloud(default_region=REGION)
    fake.add_credentials(AK, SK, security_token=TOKEN)
    fake.add_project(REGION, project_id=PROJECT_ID)
    fake.add_project(f"{REGION}_analytics", project_id=NEW_PROJECT_ID)
    fake.add_bucket(TRACE_BUCKET, REGION)
    for bucket in ("photos-2026", "invoices-archive"):
        fake.add_bucket(bucket, REGION)
    fake.add_topic("autotracker-reports", region=REGION, project_id=PROJECT_ID)
    return fake


def base_env() -> Dict[str, str]:
    return {
        "RUNTIME_PROJECT_ID": PROJECT_ID,
        "REGION": REGION,
        "TRACE_BUCKET": TRACE_BUCKET,
        "TRACE_FILE_PREFIX": "audit",
        "TRACE_LIFECYCLE_DAYS": "180",
        "SMN_TOPIC_URN": TOPIC_URN,
        "RETRY_BASE_DELAY_MS": "1",
    }


def quiet_env() -> Dict[str, str]:
    """base_env without the raise that asks FunctionGraph to retry transient failures."""
    return {**base_env(), "RAISE_ON_TRANSIENT": "false"}


def index_env_names() -> Iterator[str]:
    from autotracker.settings import VARIABLES

    yield from VARIABLES
    yield "RUNTIME_PROJECT_ID"
