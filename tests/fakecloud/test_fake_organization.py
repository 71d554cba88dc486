"""The fake organization through the official SDKs: ListAccounts paging and refusals, STS's rules,
AsyncInvokeFunction's queue, and requests routed to the account whose key signed them."""

# ruff: noqa: F811 - the `org` fixture imported from fc_organization is a parameter here
from __future__ import annotations

import pytest
from fc_helpers import REGION
from fc_organization import AK, PROJECT, SK, TOKEN, assume, build, org, organizations, sts  # noqa: F401 - the `org` fixture too
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions.exceptions import ServiceResponseException
from huaweicloudsdkfunctiongraph.v2 import AsyncInvokeFunctionRequest, FunctionGraphClient
from huaweicloudsdkorganizations.v1 import ListAccountsRequest
from huaweicloudsdksts.v1 import (
    GetCallerIdentityRequest,
    StsClient,
)

from fakecloud import FakeOrganization


def test_list_accounts_pages_with_a_marker_and_shows_each_accounts_status(org: FakeOrganization) -> None:
    client = organizations(org.management.domain_id)
    first = client.list_accounts(ListAccountsRequest(limit=2))
    assert [a.name for a in first.accounts] == ["acme-management", "alpha"]
    assert first.page_info.next_marker == first.accounts[-1].id and first.page_info.current_count == 2
    second = client.list_accounts(ListAccountsRequest(limit=2, marker=first.page_info.next_marker))
    third = client.list_accounts(ListAccountsRequest(limit=2, marker=second.page_info.next_marker))
    assert [a.name for a in second.accounts + third.accounts] == ["beta", "gamma", "delta"]
    assert third.page_info.next_marker is None
    assert {a.status for a in first.accounts} == {"active"} and first.accounts[1].join_method == "created"


def test_the_gateway_follows_every_page(org: FakeOrganization) -> None:
    from autotracker.cloud.credentials import Credentials
    from autotracker.cloud.gateway import Gateway
    from autotracker.cloud.retry import Deadline, RetryPolicy
    from autotracker.settings import load_settings

    settings = load_settings({"REGION": REGION, "ENABLE_LTS": "true"})
    gateway = Gateway(Credentials(AK, SK, TOKEN, PROJECT), settings, Deadline(30_000), RetryPolicy(1, 0.0))
    accounts = gateway.list_accounts(org.management.domain_id, page_size=2)
    assert [a["name"] for a in accounts] == ["acme-management", "alpha", "beta", "gamma", "delta"]
    assert [c.query.get("marker") is None for c in org.management.calls_of("ListAccounts")] == [True, False, False]


def test_only_the_management_account_lists_the_organization(org: FakeOrganization) -> None:
    alpha = org.members()[0]
    alpha.add_credentials("ALPHAAKPERMANENT0001", "alpha-secret-key-000000000000001")
    client = organizations(alpha.domain_id, "ALPHAAKPERMANENT0001", "alpha-secret-key-000000000000001", "")
    with pytest.raises(ServiceResponseException) as refused:
        client.list_accounts(ListAccountsRequest())
    assert (refused.value.status_code, refused.value.error_code) == (401, "Organizations.1002")  # documented
    assert not org.management.calls


def test_an_x_domain_id_of_another_account_is_refused(org: FakeOrganization) -> None:
    with pytest.raises(ServiceResponseException) as refused:
        organizations(org.members()[0].domain_id).list_accounts(ListAccountsRequest())
    assert refused.value.status_code == 403


def test_caller_identity_names_the_signing_account(org: FakeOrganization) -> None:
    assert sts().get_caller_identity(GetCallerIdentityRequest()).account_id == org.management.domain_id


def test_assumed_credentials_act_in_the_member_alone(org: FakeOrganization) -> None:
    alpha, beta = org.members()[:2]
    issued = assume(alpha.domain_id).credentials
    assert issued.access_key_id and issued.security_token and issued.expiration
    assert alpha.has_credentials(issued.access_key_id)
    assert not beta.has_credentials(issued.access_key_id)
    assert not org.management.has_credentials(issued.access_key_id)
    client = build(
        StsClient,
        f"https://sts.{REGION}.myhuaweicloud.com",
        BasicCredentials(issued.access_key_id, issued.secret_access_key, "x" * 32).with_security_token(
            issued.security_token
        ),
    )
    with pytest.raises(ServiceResponseException):  # a project id that is none of the member's
        client.get_caller_identity(GetCallerIdentityRequest())
    (session,) = org.management.sts.sessions
    assert (session.target_account, session.session_name) == (alpha.domain_id, "cts-autotracker.run-1")


@pytest.mark.parametrize(
    "change, why",
    [
        ({"agency": "someone_else"}, "no such agency"),
        ({"seconds": 3601}, "more than 3600 s with temporary credentials"),
        ({"seconds": 899}, "under 900 s"),
        ({"session": "a"}, "a one-character session name"),
        ({"session": "bad name!"}, "a session name with refused characters"),
    ],
)
def test_assume_agency_refuses_what_sts_refuses(org: FakeOrganization, change: dict, why: str) -> None:
    alpha = org.members()[0]
    with pytest.raises(ServiceResponseException) as refused:
        assume(alpha.domain_id, **change)
    assert refused.value.status_code in (400, 403), why
    assert not org.management.sts.sessions


def test_an_agency_that_trusts_another_account_cannot_be_assumed(org: FakeOrganization) -> None:
    outsider = org.add_member("outsider", agency=None)
    outsider.add_agency("cts_autotracker_member", trust_domain="not-acme")
    with pytest.raises(ServiceResponseException) as refused:
        assume(outsider.domain_id)
    assert refused.value.status_code == 403
    with pytest.raises(ServiceResponseException):
        assume("f" * 32)  # no such account


def test_async_invocations_are_queued_for_known_functions_only(org: FakeOrganization) -> None:
    urn = org.management.add_function("cts-autotracker")
    client = build(
        FunctionGraphClient,
        f"https://functiongraph.{REGION}.myhuaweicloud.com",
        BasicCredentials(AK, SK, PROJECT).with_security_token(TOKEN),
    )
    answer = client.async_invoke_function(AsyncInvokeFunctionRequest(function_urn=urn, body={"action": "audit"}))
    (queued,) = org.management.fgs.take_async_invocations()
    assert (queued.function_urn, queued.payload, queued.request_id) == (urn, {"action": "audit"}, answer.request_id)
    assert org.management.fgs.take_async_invocations() == []
    with pytest.raises(ServiceResponseException) as missing:
        client.async_invoke_function(AsyncInvokeFunctionRequest(function_urn=urn.replace("cts-", "x-"), body={}))
    assert missing.value.status_code == 404
    with pytest.raises(ServiceResponseException) as too_big:
        client.async_invoke_function(AsyncInvokeFunctionRequest(function_urn=urn, body={"x": "y" * 262_144}))
    assert too_big.value.status_code == 413
    assert org.management.fgs.take_async_invocations() == []
