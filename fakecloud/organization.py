"""FakeOrganization: several fake accounts under one organization, behind one transport.

Each account is a whole `FakeCloud` with its own keys, projects, buckets and trackers. A request
goes to the account whose access key signed it, as the real gateway resolves a key to its
account: a management account's keys never reach a member's resources, and the credentials STS
issues for a member's agency act in that member alone.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from fakecloud.cloud import FakeCloud
from fakecloud.core import mock as _mock
from fakecloud.core import server as _server
from fakecloud.core.dispatch import Call, Request, Response
from fakecloud.organizations.models import OrganizationsBackend

_SDK_ACCESS = re.compile(r"Access=([^,\s]+)")
_OBS_ACCESS = re.compile(r"^OBS ([^:\s]+):")


def access_key_of(request: Request) -> str | None:
    """The access key a request was signed with (the gateway's `Access=` or OBS's `OBS AK:`)."""
    authorization = request.headers.get("authorization", "")
    found = _SDK_ACCESS.search(authorization) or _OBS_ACCESS.match(authorization)
    if found:
        return found.group(1)
    return request.param("AccessKeyId")  # an OBS presigned URL


class FakeOrganization:
    """The management account plus members; `add_member` returns the member's FakeCloud."""

    def __init__(self, management: FakeCloud | None = None, organization_id: str | None = None) -> None:
        self.management = management or FakeCloud()
        self.organization_id = organization_id or "o-" + uuid.uuid4().hex[:16]
        self.organizations = OrganizationsBackend(self.organization_id, self.management.domain_id)
        self.accounts: dict[str, FakeCloud] = {}
        self._join(self.management)

    def _join(self, cloud: FakeCloud, status: str = "active", join_method: str = "created") -> None:
        self.accounts[cloud.domain_id] = cloud
        cloud.organization = self.organizations
        cloud.sts.directory = self.accounts.get
        self.organizations.add_account(cloud.domain_id, cloud.domain_name, status, join_method)

    def add_member(
        self,
        name: str | None = None,
        agency: str | None = "cts_autotracker_member",
        status: str = "active",
        domain_id: str | None = None,
    ) -> FakeCloud:
        """A member account in the management account's default region; `agency` (None: no
        agency yet) is created trusting the management account."""
        member = FakeCloud(self.management.default_region, domain_id=domain_id, domain_name=name)
        member.sts.directory = self.accounts.get
        if agency is not None:
            member.add_agency(agency, trust_domain=self.management.domain_name)
        self._join(member, status)
        return member

    def members(self) -> list[FakeCloud]:
        return [cloud for cloud in self.accounts.values() if cloud is not self.management]

    def account_of(self, request: Request) -> FakeCloud:
        """The account whose key signed the request; unknown keys go to the management account,
        which refuses them as the gateway would."""
        key = access_key_of(request)
        if key:
            for cloud in self.accounts.values():
                if cloud.has_credentials(key):
                    return cloud
        return self.management

    def handle(self, request: Request) -> Response:
        return self.account_of(request).dispatcher.handle(request)

    def calls(self) -> dict[str, list[Call]]:
        """Each account's calls, by account id."""
        return {account_id: cloud.calls for account_id, cloud in self.accounts.items()}

    @contextmanager
    def mock(self) -> Iterator[None]:
        with _mock.activate(self):
            yield None

    @contextmanager
    def serve(self) -> Iterator[str]:
        with _server.serve(self) as base_url:
            yield base_url
