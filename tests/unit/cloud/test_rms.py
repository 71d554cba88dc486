"""cloud/rms.py: UpdatePolicyState sends the body as given to the account's Config; refusals are permanent."""

from __future__ import annotations

from typing import Any, Dict

import pytest
from helpers.config import HASH, URN

from autotracker.cloud.errors import CloudError
from autotracker.cloud.gateway import Gateway
from autotracker.cloud.rms import Rms
from fakecloud import FakeCloud


def _state(cloud: FakeCloud, assignment_id: str, state: str = "NonCompliant") -> Dict[str, Any]:
    return {
        "policy_resource": {
            "resource_id": "photos-2026",
            "resource_name": "photos-2026",
            "resource_provider": "obs",
            "resource_type": "buckets",
            "region_id": "ap-southeast-1",
            "domain_id": cloud.domain_id,
        },
        "trigger_type": "resource",
        "compliance_state": state,
        "policy_assignment_id": assignment_id,
        "policy_assignment_name": "cts-coverage",
        "evaluation_time": "1764052800000",
        "evaluation_hash": HASH,
    }


def test_the_state_is_recorded_for_the_assignment_and_resource(cloud: FakeCloud, gateway: Gateway) -> None:
    assignment = cloud.rms.add_assignment("cts-coverage", URN)
    with cloud.mock():
        gateway.update_policy_state(cloud.domain_id, _state(cloud, assignment))
    (state,) = cloud.rms.states(assignment)
    assert state["compliance_state"] == "NonCompliant"
    assert state["policy_resource"]["resource_id"] == "photos-2026"
    (call,) = cloud.calls_of("UpdatePolicyState")
    assert call.method == "PUT" and cloud.domain_id in call.path
    assert call.request_json == _state(cloud, assignment)


def test_an_unknown_assignment_is_refused_once_with_the_services_code(cloud: FakeCloud, gateway: Gateway) -> None:
    with cloud.mock(), pytest.raises(CloudError) as refused:
        gateway.update_policy_state(cloud.domain_id, _state(cloud, "no-such-assignment"))
    assert refused.value.status == 404 and refused.value.code == "RMS.00010004" and not refused.value.transient
    assert len(cloud.calls_of("UpdatePolicyState")) == 1
    assert cloud.rms.states() == []


def test_another_accounts_config_is_refused(cloud: FakeCloud, gateway: Gateway) -> None:
    assignment = cloud.rms.add_assignment("cts-coverage", URN)
    with cloud.mock(), pytest.raises(CloudError) as refused:
        gateway.update_policy_state("b" * 32, _state(cloud, assignment))
    assert refused.value.status in (401, 403)
    assert cloud.rms.states() == []


def test_the_gateway_takes_these_calls_from_the_rms_class() -> None:
    assert issubclass(Gateway, Rms)
