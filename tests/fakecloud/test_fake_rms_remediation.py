"""Config (RMS) remediation configurations in the fake, as the API pages give them
(CreateOrUpdateRemediationConfiguration / ShowRemediationConfiguration /
DeleteRemediationConfiguration), through the real RmsClient's signing and transport."""

from __future__ import annotations

import json
from typing import Any, Dict, Optional

import fc_helpers as h
import pytest
from fc_fixtures import *  # noqa: F403 - pytest fixtures
from huaweicloudsdkcore.auth.credentials import GlobalCredentials
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkcore.sdk_response import SdkResponse
from huaweicloudsdkrms.v1 import RmsClient

from fakecloud import FakeCloud

URN = f"urn:fss:{h.REGION}:{h.PID}:function:default:rule:latest"
PATH = "/v1/resource-manager/domains/{domain_id}/policy-assignments/{policy_assignment_id}/remediation-configuration"


class Raw(SdkResponse):
    openapi_types: Dict[str, str] = {}
    attribute_map: Dict[str, str] = {}


def call(method: str, assignment: str, body: Optional[Dict[str, Any]] = None) -> Any:
    client = (
        RmsClient.new_builder()
        .with_credentials(GlobalCredentials(h.AK, h.SK, h.DOMAIN))
        .with_endpoint("https://rms.myhuaweicloud.com")
        .build()
    )
    answer = client.call_api(
        PATH,
        method,
        path_params={"policy_assignment_id": assignment},
        header_params={"Content-Type": "application/json"},
        body=body,
        response_type=Raw,
    )
    return answer.status_code, json.loads(answer.raw_content) if answer.raw_content else None


def config(**changes: Any) -> Dict[str, Any]:
    return {
        "target_type": "fgs",
        "target_id": URN,
        "resource_parameter": {"resource_id": "resource_id"},
        "static_parameter": [{"var_key": "resource_type", "var_value": "buckets"}],
        "automatic": True,
        "maximum_attempts": 3,
        "retry_attempt_seconds": 600,
        "auth_type": "agency",
        "auth_value": "rms_tracker_agency",
        **changes,
    }


def test_put_show_update_delete(cloud: FakeCloud, mocked) -> None:
    assignment = cloud.rms.add_assignment("rule", URN)
    with pytest.raises(ClientRequestException) as missing:
        call("GET", assignment)
    assert missing.value.status_code == 404
    status, created = call("PUT", assignment, config())
    assert status == 200 and created["policy_assignment_id"] == assignment
    assert (created["target_type"], created["target_id"], created["maximum_attempts"]) == ("fgs", URN, 3)
    status, shown = call("GET", assignment)
    assert shown == created
    _, updated = call("PUT", assignment, config(maximum_attempts=25, automatic=False))
    assert (updated["id"], updated["created_at"]) == (created["id"], created["created_at"])
    assert (updated["maximum_attempts"], updated["automatic"]) == (25, False)
    assert call("DELETE", assignment) == (202, None)
    assert cloud.rms.remediation(assignment) is None
    with pytest.raises(ClientRequestException) as gone:
        call("DELETE", assignment)
    assert gone.value.status_code == 404


def test_the_defaults_are_the_api_pages(cloud: FakeCloud, mocked) -> None:
    assignment = cloud.rms.add_assignment("rule", URN)
    minimal = {key: config()[key] for key in ("target_type", "target_id", "resource_parameter")}
    _, created = call("PUT", assignment, minimal)
    assert (created["automatic"], created["maximum_attempts"], created["retry_attempt_seconds"]) == (False, 5, 3600)


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"target_type": "lambda"}, "target_type"),
        ({"target_id": "not-a-urn"}, "target_id"),
        ({"resource_parameter": {}}, "resource_parameter.resource_id"),
        ({"maximum_attempts": 0}, "maximum_attempts"),
        ({"maximum_attempts": 26}, "maximum_attempts"),
        ({"retry_attempt_seconds": 59}, "retry_attempt_seconds"),
        ({"retry_attempt_seconds": 43201}, "retry_attempt_seconds"),
        ({"automatic": "yes"}, "automatic"),
        ({"auth_type": "token"}, "auth_type"),
        ({"static_parameter": [{"var_value": 1}]}, "static_parameter"),
        ({"target_region_id": "ap-southeast-1"}, "target_project_id is required"),
        ({"target_region_id": "r" * 37, "target_project_id": "p"}, "target_region_id"),
    ],
)
def test_out_of_range_or_malformed_fields_are_refused(
    cloud: FakeCloud, mocked, changes: Dict[str, Any], problem: str
) -> None:
    assignment = cloud.rms.add_assignment("rule", URN)
    with pytest.raises(ClientRequestException) as refused:
        call("PUT", assignment, config(**changes))
    assert refused.value.status_code == 400 and problem in refused.value.error_msg
    assert cloud.rms.remediation(assignment) is None


def test_an_unknown_assignment_is_404_and_deleting_the_assignment_drops_its_remediation(
    cloud: FakeCloud, mocked
) -> None:
    with pytest.raises(ClientRequestException) as missing:
        call("PUT", "0" * 24, config())
    assert missing.value.status_code == 404
    assignment = cloud.rms.add_assignment("rule", URN)
    call("PUT", assignment, config())
    cloud.rms.delete_assignment(h.DOMAIN, assignment)
    assert cloud.rms.remediation(assignment) is None
