"""Config (RMS) UpdatePolicyState rules of the fake: the API page's optional PolicyResource fields."""

from __future__ import annotations

from typing import Any, Dict

import fc_helpers as h
import pytest
from fc_fixtures import *  # noqa: F403 - pytest fixtures
from huaweicloudsdkcore.auth.credentials import GlobalCredentials
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkrms.v1 import RmsClient, UpdatePolicyStateRequest

from fakecloud import FakeCloud

URN = f"urn:fss:{h.REGION}:{h.PID}:function:default:rule:latest"


def rms(cloud: FakeCloud) -> RmsClient:
    credentials = GlobalCredentials(h.AK, h.SK, h.DOMAIN)
    endpoint = "https://rms.myhuaweicloud.com"
    return RmsClient.new_builder().with_credentials(credentials).with_endpoint(endpoint).build()


def body(assignment: str, **resource: Any) -> Dict[str, Any]:
    return {
        "policy_resource": resource,
        "trigger_type": "period",
        "compliance_state": "Compliant",
        "policy_assignment_id": assignment,
        "evaluation_time": "1669098286719",
        "evaluation_hash": "3bf8ecaeb0864feb98639080aea5c7d9",
    }


def test_the_documented_account_record_with_null_provider_and_type_is_kept(cloud: FakeCloud, mocked) -> None:
    assignment = cloud.rms.add_assignment("rule", URN)
    account = {
        "domain_id": h.DOMAIN,
        "region_id": "global",
        "resource_id": h.DOMAIN,
        "resource_name": "Account",
        "resource_provider": None,
        "resource_type": None,
    }
    rms(cloud).update_policy_state(UpdatePolicyStateRequest(body=body(assignment, **account)))
    (state,) = cloud.rms.states()
    assert state["policy_resource"] == account and state["compliance_state"] == "Compliant"


@pytest.mark.parametrize(
    "resource, problem",
    [
        ({"resource_name": "Account"}, "resource_id required"),
        ({"resource_id": "x", "resource_type": 7}, "resource_type must be strings"),
        ({"resource_id": "x", "domain_id": "e" * 32}, "domain_id must be the account in the path"),
    ],
)
def test_a_policy_resource_without_an_id_or_of_the_wrong_type_is_refused(
    cloud: FakeCloud, mocked, resource: Dict[str, Any], problem: str
) -> None:
    assignment = cloud.rms.add_assignment("rule", URN)
    with pytest.raises(ClientRequestException) as refused:
        rms(cloud).update_policy_state(UpdatePolicyStateRequest(body=body(assignment, **resource)))
    assert refused.value.status_code == 400 and problem in refused.value.error_msg
    assert not cloud.rms.states()
