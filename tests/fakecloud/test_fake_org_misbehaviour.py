"""What the fake organization can be made to answer that the docs do not promise, and the
disabled function FunctionGraph's docs do describe, through the official SDKs."""

# ruff: noqa: F811 - the fixtures imported from the module they are shared with are parameters here
from __future__ import annotations

import pytest
from fc_helpers import REGION
from fc_organization import AK, PROJECT, SK, TOKEN, build, org, organizations  # noqa: F401 - the `org` fixture too
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions.exceptions import ServiceResponseException
from huaweicloudsdkfunctiongraph.v2 import AsyncInvokeFunctionRequest, FunctionGraphClient
from huaweicloudsdkorganizations.v1 import ListAccountsRequest

from fakecloud import FakeOrganization


def test_a_stuck_marker_leads_back_to_a_page_already_seen(org: FakeOrganization) -> None:
    org.organizations.stuck_marker = True
    client = organizations(org.management.domain_id)
    first = client.list_accounts(ListAccountsRequest(limit=2))
    second = client.list_accounts(ListAccountsRequest(limit=2, marker=first.page_info.next_marker))
    third = client.list_accounts(ListAccountsRequest(limit=2, marker=second.page_info.next_marker))
    assert first.page_info.next_marker == second.page_info.next_marker == third.page_info.next_marker
    assert [a.id for a in second.accounts] == [a.id for a in third.accounts]
    whole = client.list_accounts(ListAccountsRequest())  # one page of everything: still a marker
    assert len(whole.accounts) == 5 and whole.page_info.next_marker == whole.accounts[-1].id


def test_an_account_can_be_listed_twice(org: FakeOrganization) -> None:
    twice = org.members()[1].domain_id
    org.organizations.list_again(twice)
    listed = organizations(org.management.domain_id).list_accounts(ListAccountsRequest()).accounts
    ids = [a.id for a in listed]
    assert len(ids) == 6 and ids.count(twice) == 2 and ids[-1] == twice


def test_a_disabled_function_is_answered_429_function_disabled(org: FakeOrganization) -> None:
    urn = org.management.add_function("cts-autotracker")
    credentials = BasicCredentials(AK, SK, PROJECT).with_security_token(TOKEN)
    client = build(FunctionGraphClient, f"https://functiongraph.{REGION}.myhuaweicloud.com", credentials)
    org.management.fgs.disable_function(PROJECT, "cts-autotracker")
    with pytest.raises(ServiceResponseException) as refused:
        client.async_invoke_function(AsyncInvokeFunctionRequest(function_urn=urn, body={"action": "audit"}))
    assert refused.value.status_code == 429 and refused.value.error_code == "FSS.0429"
    assert refused.value.error_msg == "Function Disabled"
    assert not org.management.fgs.take_async_invocations()
    org.management.fgs.disable_function(PROJECT, "cts-autotracker", disabled=False)
    answer = client.async_invoke_function(AsyncInvokeFunctionRequest(function_urn=urn, body={"action": "audit"}))
    assert answer.request_id and len(org.management.fgs.take_async_invocations()) == 1
