"""Organizations paths -> handlers (a global service: organizations.myhuaweicloud.com)."""

from __future__ import annotations

from typing import Callable, Optional

from fakecloud.core.dispatch import Router, ServiceInfo
from fakecloud.organizations.models import OrganizationsBackend
from fakecloud.organizations.responses import OrganizationsResponses

SERVICE = ServiceInfo(
    name="organizations",
    forbidden_code="Organizations.1007",  # the error-code page's 403 (the request is not allowed)
    read_error_code="Organizations.1500",
    write_error_code="Organizations.1500",
    regional=False,
)


def register(router: Router, caller_account: str, backend: Callable[[], Optional[OrganizationsBackend]]) -> None:
    handlers = OrganizationsResponses(caller_account, backend)
    router.add_service(SERVICE)
    router.add("GET", "/v1/organizations/accounts", "organizations", "ListAccounts", handlers.list_accounts)
    router.add("GET", "/v1/organizations/accounts/{account_id}", "organizations", "ShowAccount", handlers.show_account)
