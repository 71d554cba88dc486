"""cloud/organizations.py: ListAccounts page by page (a repeated marker stops it), ShowAccount's 404 as None."""

from __future__ import annotations

import pytest

from autotracker.cloud.errors import CloudError
from autotracker.cloud.gateway import Gateway
from autotracker.cloud.organizations import Organizations
from autotracker.contract import ErrorCode
from fakecloud import FakeCloud
from fakecloud.organizations.models import OrganizationsBackend

MEMBERS = ("0123456789abcdef0123456789abcd01", "0123456789abcdef0123456789abcd02", "0123456789abcdef0123456789abcd03")


def _organization(cloud: FakeCloud) -> OrganizationsBackend:
    organization = OrganizationsBackend("o-unit1", cloud.domain_id)
    for index, account in enumerate(MEMBERS):
        organization.add_account(account, f"member-{index}")
    cloud.organization = organization
    return organization


def test_every_page_is_read_with_the_markers_the_service_gives(cloud: FakeCloud, gateway: Gateway) -> None:
    _organization(cloud)
    with cloud.mock():
        accounts = gateway.list_accounts(cloud.domain_id, page_size=2)
    assert [account["id"] for account in accounts] == list(MEMBERS)
    pages = cloud.calls_of("ListAccounts")
    assert [call.query.get("marker") for call in pages] == [None, MEMBERS[1]]
    assert all(call.query.get("limit") == "2" for call in pages)


def test_a_marker_that_leads_back_is_an_invalid_response_not_an_endless_listing(
    cloud: FakeCloud, gateway: Gateway
) -> None:
    _organization(cloud).stuck_marker = True
    with cloud.mock(), pytest.raises(CloudError) as refused:
        gateway.list_accounts(cloud.domain_id, page_size=2)
    assert refused.value.code == ErrorCode.INVALID_RESPONSE
    assert "repeated the page marker" in refused.value.message
    assert len(cloud.calls_of("ListAccounts")) == 2


def test_show_account_answers_the_account_or_none_when_it_is_not_a_member(cloud: FakeCloud, gateway: Gateway) -> None:
    _organization(cloud)
    with cloud.mock():
        found = gateway.show_account(cloud.domain_id, MEMBERS[0])
        missing = gateway.show_account(cloud.domain_id, "f" * 32)
    assert found is not None and found["id"] == MEMBERS[0] and found["name"] == "member-0"
    assert missing is None


def test_a_caller_outside_the_management_account_is_refused_with_the_services_code(
    cloud: FakeCloud, gateway: Gateway
) -> None:
    _organization(cloud).management_account_id = "e" * 32
    with cloud.mock(), pytest.raises(CloudError) as refused:
        gateway.show_account(cloud.domain_id, MEMBERS[0])
    assert refused.value.status == 401 and refused.value.code.startswith("Organizations.")


def test_the_gateway_takes_these_calls_from_the_organizations_class() -> None:
    assert issubclass(Gateway, Organizations)
