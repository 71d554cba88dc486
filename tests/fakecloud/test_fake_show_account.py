"""Organizations ShowAccount in the fake, through the official SDK: one account as the service
answers it, 404 for an id the organization does not hold, only for the management account."""

# ruff: noqa: F811 - the fixtures imported from the module they are shared with are parameters here
from __future__ import annotations

import pytest
from fc_organization import org, organizations  # noqa: F401 - the `org` fixture too
from huaweicloudsdkcore.exceptions.exceptions import ServiceResponseException
from huaweicloudsdkorganizations.v1 import ShowAccountRequest

from fakecloud import FakeOrganization


def test_show_account_answers_one_account_as_listed(org: FakeOrganization) -> None:
    beta = org.members()[1]
    org.organizations.set_status(beta.domain_id, "SUSPENDED")  # an older page's upper case
    answer = organizations(org.management.domain_id).show_account(ShowAccountRequest(account_id=beta.domain_id))
    assert answer.account.id == beta.domain_id and answer.account.name == "beta"
    assert answer.account.status == "SUSPENDED" and answer.account.join_method == "created"
    assert answer.account.urn.endswith(f"/{beta.domain_id}")
    assert [c.action for c in org.management.calls] == ["ShowAccount"]


def test_show_account_of_an_id_outside_the_organization_is_404(org: FakeOrganization) -> None:
    with pytest.raises(ServiceResponseException) as missing:
        organizations(org.management.domain_id).show_account(ShowAccountRequest(account_id="f" * 32))
    assert missing.value.status_code == 404 and missing.value.error_code.startswith("Organizations.")


def test_only_the_management_account_reads_an_account(org: FakeOrganization) -> None:
    alpha = org.members()[0]
    alpha.add_credentials("ALPHAAKPERMANENT0001", "alpha-secret-key-000000000000001")
    client = organizations(alpha.domain_id, "ALPHAAKPERMANENT0001", "alpha-secret-key-000000000000001", "")
    with pytest.raises(ServiceResponseException) as refused:
        client.show_account(ShowAccountRequest(account_id=alpha.domain_id))
    assert (refused.value.status_code, refused.value.error_code) == (401, "Organizations.1002")  # documented


def test_a_state_outside_the_documented_ones_is_refused_by_the_fake(org: FakeOrganization) -> None:
    with pytest.raises(ValueError):
        org.organizations.set_status(org.members()[0].domain_id, "frozen")
