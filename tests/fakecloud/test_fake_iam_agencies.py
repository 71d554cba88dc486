"""IAM agencies, custom policies and all-projects grants in the fake, through the real IamClient
built with GlobalCredentials (domain id), as the deployer builds it."""

from __future__ import annotations

from typing import Any, Dict, List

import fc_helpers as h
import pytest
from fc_fixtures import *  # noqa: F403 - pytest fixtures
from huaweicloudsdkcore.auth.credentials import GlobalCredentials
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkiam.v3 import (
    AssociateAgencyWithAllProjectsPermissionRequest,
    CreateAgencyOption,
    CreateAgencyRequest,
    CreateAgencyRequestBody,
    CreateCloudServiceCustomPolicyRequest,
    CreateCloudServiceCustomPolicyRequestBody,
    IamClient,
    ListAgenciesRequest,
    ListAllProjectsPermissionsForAgencyRequest,
    ListCustomPoliciesRequest,
    ServicePolicy,
    ServicePolicyRoleOption,
    ServiceStatement,
    UpdateCloudServiceCustomPolicyRequest,
    UpdateCloudServiceCustomPolicyRequestBody,
)

from fakecloud import FakeCloud


def iam(endpoint: str, domain_id: str = h.DOMAIN, sk: str = h.SK) -> IamClient:
    return (
        IamClient.new_builder()
        .with_credentials(GlobalCredentials(h.AK, sk, domain_id))
        .with_endpoints([endpoint])
        .with_http_config(h.http_config())
        .build()
    )


def create_agency(client: IamClient, **overrides: Any) -> Any:
    fields: Dict[str, Any] = {
        "name": "fgs_agency",
        "domain_id": h.DOMAIN,
        "trust_domain_name": "op_svc_cff",
        "description": "for the function",
        "duration": "FOREVER",
    }
    fields.update(overrides)
    option = CreateAgencyOption(**{k: v for k, v in fields.items() if v is not None})
    return client.create_agency(CreateAgencyRequest(body=CreateAgencyRequestBody(agency=option)))


def role(display_name: str = "fgs-policy", type_: str = "XA", actions: List[str] | None = None, **kw: Any) -> Any:
    statements = kw.pop("statements", None) or [
        ServiceStatement(action=actions or ["cts:tracker:list"], effect="Allow")
    ]
    return ServicePolicyRoleOption(
        display_name=display_name,
        type=type_,
        description=kw.pop("description", "test policy"),
        policy=ServicePolicy(version=kw.pop("version", "1.1"), statement=statements),
    )


def create_policy(client: IamClient, **kwargs: Any) -> Any:
    body = CreateCloudServiceCustomPolicyRequestBody(role=role(**kwargs))
    return client.create_cloud_service_custom_policy(CreateCloudServiceCustomPolicyRequest(body=body))


def test_create_and_list_agencies(cloud: FakeCloud, endpoint) -> None:
    client = iam(endpoint("iam"))
    created = create_agency(client)
    assert created.status_code == 201
    assert (created.agency.name, created.agency.domain_id, created.agency.duration) == (
        "fgs_agency",
        h.DOMAIN,
        "FOREVER",
    )
    listed = client.list_agencies(ListAgenciesRequest(domain_id=h.DOMAIN, name="fgs_agency"))
    [agency] = listed.agencies
    assert (agency.id, agency.trust_domain_name) == (created.agency.id, "op_svc_cff")
    assert {a.name for a in client.list_agencies(ListAgenciesRequest(domain_id=h.DOMAIN)).agencies} == {
        "fgs_agency",
        "cts_admin_trust",
    }
    assert client.list_agencies(ListAgenciesRequest(domain_id=h.DOMAIN, name="nope")).agencies == []
    assert [c.action for c in cloud.calls] == ["CreateAgency", "ListAgencies", "ListAgencies", "ListAgencies"]
    assert cloud.calls[0].headers["x-domain-id"] == h.DOMAIN


@pytest.mark.parametrize(
    ("overrides", "status", "code"),
    [
        ({"name": ""}, 400, "IAM.0001"),
        ({"name": "x" * 65}, 400, "IAM.0001"),
        ({"trust_domain_name": None}, 400, "IAM.0001"),
        ({"description": "a<b"}, 400, "IAM.0001"),
        ({"duration": "SOMETIMES"}, 400, "IAM.0001"),
        ({"domain_id": "f" * 32}, 403, "IAM.0002"),
        ({"name": "cts_admin_trust"}, 409, "IAM.0003"),
    ],
)
def test_agency_rejections(cloud: FakeCloud, mocked, overrides: Dict[str, Any], status: int, code: str) -> None:
    before = cloud.iam.agencies
    with pytest.raises(ClientRequestException) as info:
        create_agency(iam(cloud.endpoint("iam")), **overrides)
    assert (info.value.status_code, info.value.error_code) == (status, code)
    assert cloud.iam.agencies == before


def test_list_agencies_needs_this_account(cloud: FakeCloud, mocked) -> None:
    client = iam(cloud.endpoint("iam"))
    with pytest.raises(ClientRequestException) as info:
        client.list_agencies(ListAgenciesRequest(domain_id="f" * 32))
    assert (info.value.status_code, info.value.error_code) == (403, "IAM.0002")
    with pytest.raises(ClientRequestException) as info:
        iam(cloud.endpoint("iam"), domain_id="f" * 32).list_agencies(ListAgenciesRequest(domain_id=h.DOMAIN))
    assert (info.value.status_code, info.value.error_code) == (403, "IAM.0002")  # X-Domain-Id of another account
    with pytest.raises(ClientRequestException) as info:
        iam(cloud.endpoint("iam"), sk="wrong").list_agencies(ListAgenciesRequest(domain_id=h.DOMAIN))
    assert (info.value.status_code, info.value.error_code) == (401, "APIGW.0301")


def test_custom_policies_create_list_update(cloud: FakeCloud, endpoint) -> None:
    client = iam(endpoint("iam"))
    created = create_policy(client, actions=["cts:tracker:create", "cts:tracker:list"])
    assert created.status_code == 201
    assert (created.role.display_name, created.role.type, created.role.catalog) == ("fgs-policy", "XA", "CUSTOMED")
    assert created.role.policy.statement[0].action == ["cts:tracker:create", "cts:tracker:list"]
    create_policy(client, display_name="global", type_="AX", actions=["obs:bucket:ListAllMyBuckets"])
    listed = client.list_custom_policies(ListCustomPoliciesRequest(page=1, per_page=300))
    assert listed.total_number == 2 and [r.display_name for r in listed.roles] == ["fgs-policy", "global"]
    assert [
        r.display_name for r in client.list_custom_policies(ListCustomPoliciesRequest(page=2, per_page=1)).roles
    ] == ["global"]
    update = UpdateCloudServiceCustomPolicyRequestBody(role=role(actions=["smn:topic:publish"]))
    updated = client.update_cloud_service_custom_policy(
        UpdateCloudServiceCustomPolicyRequest(role_id=created.role.id, body=update)
    )
    assert updated.role.policy.statement[0].action == ["smn:topic:publish"]
    [stored] = [p for p in cloud.iam.custom_policies if p["id"] == created.role.id]
    assert stored["policy"] == {"Version": "1.1", "Statement": [{"Action": ["smn:topic:publish"], "Effect": "Allow"}]}
    with pytest.raises(ClientRequestException) as info:
        client.update_cloud_service_custom_policy(UpdateCloudServiceCustomPolicyRequest(role_id="nope", body=update))
    assert (info.value.status_code, info.value.error_code) == (404, "IAM.0004")
    rename = UpdateCloudServiceCustomPolicyRequestBody(role=role(display_name="global"))
    with pytest.raises(ClientRequestException) as info:
        client.update_cloud_service_custom_policy(
            UpdateCloudServiceCustomPolicyRequest(role_id=created.role.id, body=rename)
        )
    assert (info.value.status_code, info.value.error_code) == (409, "IAM.0003")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"type_": "AA"},
        {"version": "1.0"},
        {"display_name": ""},
        {"actions": ["cts:tracker:list"] * 101},
        {"actions": ["CTS:tracker:list"]},
        {"actions": ["cts.tracker.list"]},
        {"statements": [ServiceStatement(action=["cts:tracker:list"], effect="Maybe")]},
        {"statements": [ServiceStatement(action=["cts:tracker:list"], effect="Allow")] * 9},
        {"description": "x" * 257},
    ],
)
def test_custom_policy_rejections(cloud: FakeCloud, mocked, kwargs: Dict[str, Any]) -> None:
    with pytest.raises(ClientRequestException) as info:
        create_policy(iam(cloud.endpoint("iam")), **kwargs)
    assert (info.value.status_code, info.value.error_code) == (400, "IAM.0001")
    assert cloud.iam.custom_policies == []


def test_duplicate_policy_name_is_409(cloud: FakeCloud, mocked) -> None:
    client = iam(cloud.endpoint("iam"))
    create_policy(client)
    with pytest.raises(ClientRequestException) as info:
        create_policy(client)
    assert (info.value.status_code, info.value.error_code) == (409, "IAM.0003")


def test_grant_on_all_projects(cloud: FakeCloud, endpoint) -> None:
    client = iam(endpoint("iam"))
    agency = create_agency(client).agency
    policy = create_policy(client).role

    def grants() -> List[str]:
        request = ListAllProjectsPermissionsForAgencyRequest(agency_id=agency.id, domain_id=h.DOMAIN)
        return [r.id for r in client.list_all_projects_permissions_for_agency(request).roles]

    assert grants() == []
    request = AssociateAgencyWithAllProjectsPermissionRequest(
        agency_id=agency.id, domain_id=h.DOMAIN, role_id=policy.id
    )
    assert client.associate_agency_with_all_projects_permission(request).status_code == 204
    client.associate_agency_with_all_projects_permission(request)  # idempotent
    assert grants() == [policy.id]
    for kwargs, status, code in (
        ({"agency_id": "nope"}, 404, "IAM.0004"),
        ({"role_id": "nope"}, 404, "IAM.0004"),
        ({"domain_id": "f" * 32}, 403, "IAM.0002"),
    ):
        fields = {"agency_id": agency.id, "domain_id": h.DOMAIN, "role_id": policy.id, **kwargs}
        with pytest.raises(ClientRequestException) as info:
            client.associate_agency_with_all_projects_permission(
                AssociateAgencyWithAllProjectsPermissionRequest(**fields)
            )
        assert (info.value.status_code, info.value.error_code) == (status, code)
    assert cloud.calls_of("AssociateAgencyWithAllProjectsPermission")[0].path == (
        f"/v3.0/OS-INHERIT/domains/{h.DOMAIN}/agencies/{agency.id}/roles/{policy.id}/inherited_to_projects"
    )
