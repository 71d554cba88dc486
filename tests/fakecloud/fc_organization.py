"""A fake organization (a management account and four members) and the official SDK clients
that talk to it: a pytest fixture (`org`) and helpers shared by the organization's fake tests. Not a
test module: the tests import from here, never from each other."""

from __future__ import annotations

from typing import Any, Iterator

import pytest
from fc_helpers import REGION, http_config
from huaweicloudsdkcore.auth.credentials import BasicCredentials, GlobalCredentials
from huaweicloudsdkorganizations.v1 import OrganizationsClient
from huaweicloudsdksts.v1 import AssumeAgencyReqBody, AssumeAgencyRequest, StsClient

from fakecloud import FakeCloud, FakeOrganization

AK, SK, TOKEN = "MGMTAKTEMPORARY00001", "management-secret-key-0000000001", "management-token-0000000001"
PROJECT = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"


@pytest.fixture
def org() -> Iterator[FakeOrganization]:
    management = FakeCloud(REGION, domain_name="acme-management")
    management.add_credentials(AK, SK, TOKEN)
    management.add_project(REGION, PROJECT)
    organization = FakeOrganization(management)
    for name in ("alpha", "beta", "gamma", "delta"):
        organization.add_member(name)
    with organization.mock():
        yield organization


def build(client_type: Any, endpoint: str, credentials: Any) -> Any:
    return (
        client_type.new_builder()
        .with_credentials(credentials)
        .with_endpoints([endpoint])
        .with_http_config(http_config())
        .build()
    )


def organizations(domain_id: str, ak: str = AK, sk: str = SK, token: str = TOKEN) -> OrganizationsClient:
    credentials = GlobalCredentials(ak, sk, domain_id)
    if token:
        credentials = credentials.with_security_token(token)
    return build(OrganizationsClient, "https://organizations.myhuaweicloud.com", credentials)


def sts(ak: str = AK, sk: str = SK, token: str = TOKEN) -> StsClient:
    credentials = BasicCredentials(ak, sk, PROJECT).with_security_token(token)
    return build(StsClient, f"https://sts.{REGION}.myhuaweicloud.com", credentials)


def assume(account_id: str, agency: str = "cts_autotracker_member", seconds: int = 900, **names: str) -> Any:
    body = AssumeAgencyReqBody(
        agency_urn=f"iam::{account_id}:agency:{agency}",
        agency_session_name=names.get("session", "cts-autotracker.run-1"),
        duration_seconds=seconds,
    )
    return sts().assume_agency(AssumeAgencyRequest(body=body))
