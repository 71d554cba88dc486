"""cloud/gateway.py: one class over every service's calls; `acting_as` signs with other
credentials while the invocation's other secrets stay scrubbed from what the calls answer."""

from __future__ import annotations

import pytest
from helpers.world import AK, PROJECT_ID, REGION, SK, TOKEN, base_env

from autotracker.cloud.credentials import Credentials
from autotracker.cloud.cts import Cts
from autotracker.cloud.errors import CloudError
from autotracker.cloud.functiongraph import FunctionGraph
from autotracker.cloud.gateway import Gateway
from autotracker.cloud.iam import Iam
from autotracker.cloud.obs import Obs
from autotracker.cloud.organizations import Organizations
from autotracker.cloud.retry import Deadline, RetryPolicy
from autotracker.cloud.rms import Rms
from autotracker.cloud.smn import Smn
from autotracker.cloud.sts import Sts
from autotracker.settings import load_settings
from fakecloud import FakeCloud

FANOUT_KEY = "fanout-key-unit1-0123456789abcdef"
MEMBER_AK, MEMBER_SK = "AKMEMBERTEMPORARY01", "sk-member-unit1-secret-0123456789"


def _gateway() -> Gateway:
    credentials = Credentials(AK, SK, TOKEN, PROJECT_ID).keeping_secret(FANOUT_KEY)
    return Gateway(credentials, load_settings(base_env()), Deadline(60_000), RetryPolicy(2, 0.0))


def test_the_gateway_is_every_services_calls() -> None:
    for service in (Cts, Obs, Iam, Sts, Organizations, FunctionGraph, Rms, Smn):
        assert issubclass(Gateway, service), service.__name__


def test_acting_as_signs_with_the_other_credentials(cloud: FakeCloud) -> None:
    cloud.add_credentials(MEMBER_AK, MEMBER_SK)
    member = _gateway().acting_as(Credentials(MEMBER_AK, MEMBER_SK, None, PROJECT_ID))
    with cloud.mock():
        member.list_projects(REGION, PROJECT_ID)
    (call,) = cloud.calls_of("KeystoneListProjects")
    assert f"Access={MEMBER_AK}" in call.headers.get("authorization", "")
    assert "x-security-token" not in call.headers


def test_acting_as_keeps_the_invocations_other_secrets_scrubbed(cloud: FakeCloud) -> None:
    cloud.add_credentials(MEMBER_AK, MEMBER_SK)
    member = _gateway().acting_as(Credentials(MEMBER_AK, MEMBER_SK, None, PROJECT_ID))
    hostile = f"denied for key {FANOUT_KEY} and {MEMBER_SK}"
    cloud.faults.inject(400, action="KeystoneListProjects", error_code="IAM.0001", message=hostile)
    with cloud.mock(), pytest.raises(CloudError) as refused:
        member.list_projects(REGION, PROJECT_ID)
    assert refused.value.code == "IAM.0001"
    assert FANOUT_KEY not in str(refused.value) and MEMBER_SK not in str(refused.value)
    assert "denied for key" in refused.value.message
